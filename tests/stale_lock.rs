//! A run killed with SIGKILL leaves its lock: the next run takes it over when its holder is
//! provably dead (this host, its process gone), saying so, and refuses a live holder or one on
//! another host, naming it. Real processes: the holder is this test binary re-run as a helper
//! (ignored in normal runs) that takes the lock and waits to be killed.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use stratus::deploy::{
    ApplyOptions, Deployer, EngineError, Event, LocalBackend, LockHolder, StateBackend, StateError,
};
use support::fake_cloud::FakeCloud;
use support::graphs::{NodeSpec, build};

const HELPER_DIR: &str = "STRATUS_TEST_STATE_DIR";

#[test]
#[ignore = "helper: run by the tests of this file"]
fn helper_hold_the_lock() {
    let dir = std::env::var(HELPER_DIR).expect("run by the parent test");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime
        .block_on(LocalBackend::new(dir, "s").lock(&LockHolder::this_process("deploy")))
        .unwrap();
    println!("LOCKED");
    std::thread::sleep(std::time::Duration::from_secs(600));
}

/// A helper process holding the lock of stack `s` in `dir`.
fn holder(dir: &std::path::Path) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "helper_hold_the_lock",
            "--ignored",
            "--nocapture",
        ])
        .env(HELPER_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let locked = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("LOCKED"));
    assert!(locked, "the helper did not take the lock");
    child
}

fn spec() -> Vec<NodeSpec> {
    vec![NodeSpec {
        id: "only".into(),
        name: "only".into(),
        key: "k".into(),
        deps: Vec::new(),
    }]
}

/// A deployer on `dir` that collects its events.
fn deployer(dir: &std::path::Path, events: &Arc<Mutex<Vec<Event>>>) -> Deployer {
    let seen = events.clone();
    Deployer::new(
        Arc::new(FakeCloud::new()),
        Arc::new(LocalBackend::new(dir, "s")),
    )
    .options(ApplyOptions::default())
    .observer(Arc::new(move |e: &Event| {
        seen.lock().unwrap().push(e.clone());
    }))
}

#[tokio::test]
async fn a_killed_holders_lock_is_taken_over_and_a_live_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut child = holder(dir.path());
    let pid = child.id();

    // Alive: refused, named, with the way out.
    let refused = deployer(dir.path(), &events)
        .deploy(&build("s", &spec()))
        .await;
    match refused {
        Err(EngineError::State(e @ StateError::Locked { .. })) => {
            let message = e.to_string();
            assert!(message.contains(&format!("pid {pid}")), "{message}");
            assert!(message.contains("still running"), "{message}");
            assert!(message.contains("force-unlock"), "{message}");
        }
        other => panic!("a live holder's lock was not refused: {other:?}"),
    }

    // Killed: taken over, with a line naming the dead run.
    child.kill().unwrap(); // SIGKILL: it cannot release the lock
    child.wait().unwrap();
    let report = deployer(dir.path(), &events)
        .deploy(&build("s", &spec()))
        .await
        .expect("the dead run's lock is taken over");
    assert!(report.succeeded());
    let taken: Vec<(LockHolder, String)> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::LockTakenOver { holder, why } => Some((holder.clone(), why.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(taken.len(), 1, "one takeover");
    assert_eq!(taken[0].0.pid, pid);
    assert!(taken[0].1.contains("no longer exists"), "{}", taken[0].1);
    assert!(
        !dir.path().join("s.lock").exists(),
        "the run released the lock it took over"
    );
}

#[tokio::test]
async fn a_holder_on_another_host_is_refused_naming_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let mut elsewhere = serde_json::to_value(LockHolder::this_process("destroy")).unwrap();
    elsewhere["host"] = "build-box-7".into();
    elsewhere["pid"] = 1.into();
    std::fs::write(dir.path().join("s.lock"), elsewhere.to_string()).unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let refused = deployer(dir.path(), &events)
        .deploy(&build("s", &spec()))
        .await;
    let message = match refused {
        Err(EngineError::State(e @ StateError::Locked { .. })) => e.to_string(),
        other => panic!("a lock held on another host was not refused: {other:?}"),
    };
    assert!(
        message.contains("destroy by pid 1 on build-box-7"),
        "{message}"
    );
    assert!(message.contains("cannot be told from here"), "{message}");
    assert!(message.contains("force-unlock"), "{message}");
    assert!(dir.path().join("s.lock").exists(), "the lock is kept");
}

#[tokio::test]
async fn of_many_runs_taking_over_one_dead_lock_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = holder(dir.path());
    child.kill().unwrap();
    child.wait().unwrap();
    let backend = LocalBackend::new(dir.path(), "s");
    let stale = match backend.lock(&LockHolder::this_process("deploy")).await {
        Err(StateError::Locked { holder, .. }) => *holder,
        other => panic!("expected the dead run's lock: {other:?}"),
    };
    // Each contender is a distinct holder (another operation name), on its own thread.
    let contenders: Vec<_> = (0..16)
        .map(|i| {
            let (dir, stale) = (dir.path().to_owned(), stale.clone());
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                let me = LockHolder::this_process(&format!("deploy-{i}"));
                let won = runtime
                    .block_on(LocalBackend::new(dir, "s").take_over(&stale, &me))
                    .unwrap();
                (won, me)
            })
        })
        .collect();
    let results: Vec<(bool, LockHolder)> =
        contenders.into_iter().map(|t| t.join().unwrap()).collect();
    let winners: Vec<&LockHolder> = results.iter().filter(|r| r.0).map(|r| &r.1).collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one contender takes the lock over"
    );
    let recorded: LockHolder =
        serde_json::from_slice(&std::fs::read(dir.path().join("s.lock")).unwrap()).unwrap();
    assert_eq!(&recorded, winners[0], "the lock names the winner");
}
