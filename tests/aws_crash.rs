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
//! create-first (its dependents updated or replaced, its replica delete-first); an update that
//! replaces a named security group delete-first with the rules that refer to it; the reference
//! destroy. `STRATUS_CRASH_EVERY=k` crashes at every k-th call (CI: 10; the full sweep: 1).

mod aws_support;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_support::inventory::Inventory;
use aws_support::{
    Bench, kept_kinds, kept_kinds_listed, stack, state_matches_the_cloud, sum, takeovers,
};

#[test]
#[ignore = "helper: run by the tests of this file"]
fn helper_cli() {
    aws_support::helper_main();
}

/// What is run and killed.
#[derive(Clone, Copy, Debug)]
enum Scenario {
    /// Deploy `to`, with `from` deployed first (if any).
    Deploy {
        from: Option<&'static str>,
        to: &'static str,
    },
    /// Destroy `stack`, deployed first.
    Destroy { stack: &'static str },
}

impl Scenario {
    fn setup_stack(self) -> Option<&'static str> {
        match self {
            Scenario::Deploy { from, .. } => from,
            Scenario::Destroy { stack } => Some(stack),
        }
    }

    fn verb_and_stack(self) -> (&'static str, &'static str) {
        match self {
            Scenario::Deploy { to, .. } => ("deploy", to),
            Scenario::Destroy { stack } => ("destroy", stack),
        }
    }
}

/// What an uninterrupted run makes and leaves.
struct Expected {
    /// Mutating calls of the run.
    calls: usize,
    /// What the emulator holds after it (deploys).
    held: Inventory,
    /// What is left after the stack is destroyed: what the removal policies keep.
    left: Inventory,
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

async fn setup(bench: &Bench, scenario: Scenario) {
    bench.reset();
    if let Some(first) = scenario.setup_stack() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let report = bench
            .deployer(&events)
            .deploy(&stack(first))
            .await
            .expect("the setup deploy runs");
        assert!(report.succeeded(), "setup: {:?}", report.failed);
    }
}

/// Destroys what is deployed; checks that only what the runs said they kept is left: the
/// deploy before (a replaced database's final snapshot) and the destroy.
async fn destroy_and_check(bench: &Bench, kept_before: &Inventory, context: &str) -> Inventory {
    let events = Arc::new(Mutex::new(Vec::new()));
    let destroyed = bench
        .deployer(&events)
        .destroy("project-x")
        .await
        .expect("destroy runs");
    assert!(destroyed.succeeded(), "{context}: {:?}", destroyed.failed);
    let left = bench.held().await;
    assert_eq!(
        left,
        sum(kept_before, &kept_kinds(&destroyed)),
        "{context}: what is left is not what the removal policies keep, as the runs listed it"
    );
    left
}

async fn uninterrupted(bench: &Bench, scenario: Scenario) -> Expected {
    setup(bench, scenario).await;
    let (verb, name) = scenario.verb_and_stack();
    bench.proxy.reset_stats();
    let output = bench.run(verb, name);
    assert!(
        output.status.success(),
        "the uninterrupted {verb} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calls = bench.proxy.stats().mutating_calls();
    let held = bench.held().await;
    if let Scenario::Deploy { to, .. } = scenario {
        let events = Arc::new(Mutex::new(Vec::new()));
        let plan = bench.deployer(&events).plan(&stack(to)).await.unwrap();
        assert!(
            !plan.has_changes(),
            "after the uninterrupted {verb}, the plan still has changes:\n{}",
            plan.render(false)
        );
    }
    let left = match scenario {
        Scenario::Deploy { .. } => {
            let kept = kept_kinds_listed(&String::from_utf8_lossy(&output.stdout));
            destroy_and_check(bench, &kept, "uninterrupted").await
        }
        Scenario::Destroy { .. } => {
            // The command line lists what it kept, one line each.
            let stdout = String::from_utf8_lossy(&output.stdout);
            let listed = stdout.lines().filter(|l| l.starts_with("kept ")).count();
            assert_eq!(
                i64::try_from(listed).unwrap(),
                held.values().sum::<i64>(),
                "destroy lists each thing it keeps:\n{stdout}"
            );
            held.clone()
        }
    };
    Expected { calls, held, left }
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
        "reference update (database replaced create-first, replica delete-first)",
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
