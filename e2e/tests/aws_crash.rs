//! A crash at every mutating call, on the real provider against moto server: a deploy process
//! (this binary re-run as a helper, calling the real command line) goes through the fault proxy,
//! which passes the k-th mutating call's answer and then cuts everything off while the test
//! kills the process with SIGKILL. The next run (in process, straight to the emulator) must
//! take over the dead run's lock, finish, and leave the emulator holding exactly what an
//! uninterrupted run leaves (no duplicate, no orphan, tagged or not, counted with describe
//! calls written here), with state matching what exists; then `destroy` must leave nothing but
//! what the removal policies keep, each listed in its report.
//!
//! Scenarios: the reference deploy from nothing; an update of it that replaces the database
//! create-first with its renamed replica (their dependents updated or replaced); an update that
//! replaces a named security group delete-first with the rules that refer to it; the reference
//! destroy. `STRATUS_CRASH_EVERY=k` crashes at every k-th call (CI: 10; the full sweep: 1).

mod aws_support;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_support::scenario::{Expected, Scenario, destroy_and_check, setup, uninterrupted};
use aws_support::{Bench, kept_kinds, stack, state_matches_the_cloud, takeovers};

#[test]
#[ignore = "helper: run by the tests of this file"]
fn helper_cli() {
    aws_support::helper_main();
}

fn every() -> usize {
    std::env::var("STRATUS_CRASH_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&k: &usize| k > 0)
        .unwrap_or(10)
}

/// The crash points: every `every()`-th call from the first, and the last.
fn points(calls: usize) -> Vec<usize> {
    let mut points: Vec<usize> = (1..=calls).step_by(every()).collect();
    if points.last() != Some(&calls) {
        points.push(calls);
    }
    points
}

/// Kills the run right after its `k`-th mutating call, resumes, checks.
async fn crash_at(bench: &Bench, scenario: Scenario, k: usize, expected: &Expected, label: &str) {
    let context = format!(
        "{label}, killed after mutating call {k} of {}",
        expected.calls
    );
    setup(bench, scenario).await;
    let (verb, name) = scenario.verb_and_stack();
    assert!(
        bench.kill_at(verb, name, k),
        "{context}: the run ended before making that call"
    );
    let events = Arc::new(Mutex::new(Vec::new()));
    let deployer = bench.deployer(&events);
    let resumed = match scenario {
        Scenario::Deploy { to, .. } => deployer.deploy(&stack(to)).await,
        Scenario::Destroy { stack } => deployer.destroy(&stack_name(stack)).await,
    }
    .unwrap_or_else(|e| panic!("{context}: the next run failed: {e}"));
    assert!(
        resumed.succeeded(),
        "{context}: the next run failed: {:?}",
        resumed.failed
    );
    assert_eq!(
        takeovers(&events),
        1,
        "{context}: the dead run's lock was not taken over"
    );
    match scenario {
        Scenario::Deploy { to, .. } => {
            assert_eq!(
                bench.held().await,
                expected.held,
                "{context}: the emulator holds more or less than an uninterrupted run makes \
                 (duplicates or orphans)"
            );
            let state = bench.state().await;
            state_matches_the_cloud(&bench.direct, &state)
                .await
                .unwrap_or_else(|e| panic!("{context}: state and cloud differ: {e}"));
            let plan = bench.deployer(&events).plan(&stack(to)).await.unwrap();
            assert!(
                !plan.has_changes(),
                "{context}: the next plan still has changes:\n{}",
                plan.render(false)
            );
            let left = destroy_and_check(bench, &kept_kinds(&resumed), &context).await;
            assert_eq!(left, expected.left, "{context}: destroy left otherwise");
        }
        Scenario::Destroy { .. } => {
            let left = bench.held().await;
            assert_eq!(
                left,
                kept_kinds(&resumed),
                "{context}: what is left is not what the removal policies keep, as listed"
            );
            assert_eq!(left, expected.left, "{context}: destroy left otherwise");
            assert!(bench.state().await.resources.is_empty());
        }
    }
}

fn stack_name(stack: &str) -> String {
    aws_support::stack(stack).name().to_owned()
}

async fn sweep(label: &str, scenario: Scenario) {
    let started = Instant::now();
    let bench = Bench::start().await;
    let expected = uninterrupted(&bench, scenario).await;
    let points = points(expected.calls);
    for &k in &points {
        crash_at(&bench, scenario, k, &expected, label).await;
    }
    println!(
        "{label}: {} mutating calls; crashed after {} of them (every {}{}), each resumed with 0 \
         duplicates, 0 orphans, state equal to the cloud, and destroyed down to {:?}; {:.0?}",
        expected.calls,
        points.len(),
        every(),
        if every() == 1 { ", the full sweep" } else { "" },
        expected.left,
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_deploy_killed_at_any_call_resumes_to_exactly_one_of_everything() {
    sweep(
        "reference deploy",
        Scenario::Deploy {
            from: None,
            to: "reference",
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_first_replacement_killed_at_any_call_resumes() {
    sweep(
        "reference update (database and replica replaced create-first)",
        Scenario::Deploy {
            from: Some("reference"),
            to: "reference-v2",
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_first_replacement_with_dependents_killed_at_any_call_resumes() {
    sweep(
        "named group replaced delete-first with its rules",
        Scenario::Deploy {
            from: Some("groups"),
            to: "groups-v2",
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_destroy_killed_at_any_call_resumes_and_keeps_only_what_policies_keep() {
    sweep(
        "reference destroy",
        Scenario::Destroy { stack: "reference" },
    )
    .await;
}
