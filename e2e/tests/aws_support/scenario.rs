//! A scenario the reliability tests run (deploy or destroy, of which stack, after what), what
//! an uninterrupted run of it makes and leaves, and the checks after a destroy.

use std::sync::{Arc, Mutex};

use super::inventory::Inventory;
use super::{Bench, kept_kinds, kept_kinds_listed, stack, sum};

/// What is run and killed.
#[derive(Clone, Copy, Debug)]
pub enum Scenario {
    /// Deploy `to`, with `from` deployed first (if any).
    Deploy {
        from: Option<&'static str>,
        to: &'static str,
    },
    /// Destroy `stack`, deployed first.
    Destroy { stack: &'static str },
}

impl Scenario {
    pub fn setup_stack(self) -> Option<&'static str> {
        match self {
            Scenario::Deploy { from, .. } => from,
            Scenario::Destroy { stack } => Some(stack),
        }
    }

    pub fn verb_and_stack(self) -> (&'static str, &'static str) {
        match self {
            Scenario::Deploy { to, .. } => ("deploy", to),
            Scenario::Destroy { stack } => ("destroy", stack),
        }
    }
}

/// What an uninterrupted run makes and leaves.
pub struct Expected {
    /// Mutating calls of the run.
    pub calls: usize,
    /// What the emulator holds after it (deploys).
    pub held: Inventory,
    /// What is left after the stack is destroyed: what the removal policies keep.
    pub left: Inventory,
}

/// Empties the emulator and deploys what the scenario starts from.
pub async fn setup(bench: &Bench, scenario: Scenario) {
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
pub async fn destroy_and_check(bench: &Bench, kept_before: &Inventory, context: &str) -> Inventory {
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

/// Runs the scenario without interruption (a process, through the proxy) and measures it.
pub async fn uninterrupted(bench: &Bench, scenario: Scenario) -> Expected {
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
