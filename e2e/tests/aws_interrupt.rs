//! Ctrl-C on the real command line against moto server, at several moments of a deploy and of a
//! destroy (after the 1st, a middle and a late mutating call, counted by the proxy). Once: the
//! run stops dispatching, finishes the calls in flight, saves its state and releases its lock.
//! Twice: it exits at once, releasing the lock, and the journal lets the next run settle what
//! was in flight. Either way the next run converges to what an uninterrupted run makes.

mod aws_support;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_support::scenario::{Expected, Scenario, destroy_and_check, setup, uninterrupted};
use aws_support::{Bench, kept_kinds, stack, state_matches_the_cloud, takeovers};
use stratus::aws::testing::{Fault, FaultPlan};

#[test]
#[ignore = "helper: run by the tests of this file"]
fn helper_cli() {
    aws_support::helper_main();
}

fn interrupt(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill(1) is available");
    assert!(status.success());
}

/// A child's stderr: line by line as it comes, and all of it once the child is gone.
struct Stderr {
    live: std::sync::mpsc::Receiver<String>,
    all: std::thread::JoinHandle<String>,
}

fn stream_stderr(child: &mut std::process::Child) -> Stderr {
    use std::io::BufRead as _;
    let stderr = child.stderr.take().expect("piped");
    let (sender, live) = std::sync::mpsc::channel();
    let all = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            all.push_str(&line);
            all.push('\n');
            let _ = sender.send(line);
        }
        all
    });
    Stderr { live, all }
}

/// Interrupts the scenario `presses` times once the proxy has answered `moment` mutating calls;
/// checks how the run stopped and that the next run converges.
async fn interrupt_at(
    bench: &Bench,
    scenario: Scenario,
    expected: &Expected,
    moment: usize,
    presses: usize,
) {
    let context = format!("{scenario:?}, Ctrl-C x{presses} after mutating call {moment}");
    setup(bench, scenario).await;
    let (verb, name) = scenario.verb_and_stack();
    bench.proxy.reset_stats();
    // AWS takes 50 to 300 ms per call, the emulator almost nothing: without the delay, a run
    // would be over before the signal arrives.
    bench.proxy.set_faults(Some(FaultPlan {
        rate: 1.0,
        faults: vec![Fault::Latency],
        only: Vec::new(),
        writes_only: true,
        seed: 3,
    }));
    let mut child = bench.spawn(verb, name);
    let lines = stream_stderr(&mut child);
    let started = Instant::now();
    while bench.proxy.stats().mutating_calls() < moment {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "{context}: the run never got there"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    if presses > 1 {
        // Calls in flight stay in flight, so the run cannot end before the second press.
        bench.proxy.pause();
    }
    interrupt(child.id());
    if presses > 1 {
        // A second press counts once the first is taken, as a person sees "stopping" first;
        // two signals sent at once may arrive as one.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.live.recv_timeout(left) {
                Ok(line) if line.contains("stopping: waiting for calls in flight") => break,
                Ok(_) => {}
                Err(e) => panic!("{context}: the first Ctrl-C was never acknowledged ({e})"),
            }
        }
        interrupt(child.id());
    }
    let status = child.wait().expect("the run ends");
    bench.proxy.resume();
    bench.proxy.set_faults(None);
    let all = lines.all.join().expect("the reader ends with the child");
    // The end of what it said: the calls it finished are many lines.
    let stderr: String = {
        let lines: Vec<&str> = all.lines().collect();
        lines[lines.len().saturating_sub(8)..].join("\n")
    };
    assert!(
        all.contains("stopping: waiting for calls in flight"),
        "{context}: {stderr}"
    );
    let lock = bench.dir.path().join("project-x.lock");
    assert!(!lock.exists(), "{context}: the lock was left behind");
    if presses == 1 {
        assert!(
            stderr.contains("interrupted: finished calls are saved"),
            "{context}: {stderr}"
        );
        assert!(
            !bench.dir.path().join("project-x.journal.jsonl").exists(),
            "{context}: the calls in flight finished and were saved, the journal cleared"
        );
    } else {
        assert_eq!(status.code(), Some(130), "{context}: {stderr}");
        assert!(
            stderr.contains("aborted; the lock is released"),
            "{context}: {stderr}"
        );
    }

    let events = Arc::new(Mutex::new(Vec::new()));
    let deployer = bench.deployer(&events);
    let next = match scenario {
        Scenario::Deploy { to, .. } => deployer.deploy(&stack(to)).await,
        Scenario::Destroy { .. } => deployer.destroy("project-x").await,
    }
    .unwrap_or_else(|e| panic!("{context}: the next run failed: {e}"));
    assert!(next.succeeded(), "{context}: {:?}", next.failed);
    assert_eq!(
        takeovers(&events),
        0,
        "{context}: the lock had been released"
    );
    match scenario {
        Scenario::Deploy { to, .. } => {
            assert_eq!(bench.held().await, expected.held, "{context}");
            state_matches_the_cloud(&bench.direct, &bench.state().await)
                .await
                .unwrap_or_else(|e| panic!("{context}: {e}"));
            let plan = bench.deployer(&events).plan(&stack(to)).await.unwrap();
            assert!(!plan.has_changes(), "{context}: {}", plan.render(false));
            let left = destroy_and_check(bench, &kept_kinds(&next), &context).await;
            assert_eq!(left, expected.left, "{context}");
        }
        Scenario::Destroy { .. } => {
            assert_eq!(bench.held().await, expected.left, "{context}");
        }
    }
}

/// Three moments: the first mutating call, the middle, and near the end.
fn moments(calls: usize) -> [usize; 3] {
    [1, calls / 2, calls.saturating_sub(3).max(1)]
}

async fn interrupted(scenario: Scenario, presses: usize) {
    let started = Instant::now();
    let bench = Bench::start().await;
    let expected = uninterrupted(&bench, scenario).await;
    let moments = moments(expected.calls);
    for moment in moments {
        interrupt_at(&bench, scenario, &expected, moment, presses).await;
    }
    println!(
        "{scenario:?}: Ctrl-C x{presses} after mutating calls {moments:?} of {}: each next run \
         converged; {:.0?}",
        expected.calls,
        started.elapsed()
    );
}

const DEPLOY: Scenario = Scenario::Deploy {
    from: None,
    to: "reference",
};
const DESTROY: Scenario = Scenario::Destroy { stack: "reference" };

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ctrl_c_during_deploy_finishes_in_flight_calls_and_the_next_run_converges() {
    interrupted(DEPLOY, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ctrl_c_during_deploy_abort_and_the_next_run_converges() {
    interrupted(DEPLOY, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ctrl_c_during_destroy_finishes_in_flight_calls_and_the_next_run_converges() {
    interrupted(DESTROY, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ctrl_c_during_destroy_abort_and_the_next_run_converges() {
    interrupted(DESTROY, 2).await;
}
