//! Ctrl-C during `deploy`, in a real process: the first stops dispatching and waits for the
//! calls in flight; the second exits at once, releasing the lock (the journal lets the next run
//! reconcile). The test re-runs this binary as the deploying process (the helper below is
//! ignored in normal runs) and sends it SIGINT twice while its calls hang.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use stratus::App;
use support::fake_cloud::{FakeCloud, Faults};
use support::graphs::{NodeSpec, build};

const HELPER_DIR: &str = "STRATUS_TEST_STATE_DIR";

#[test]
#[ignore = "helper: run by a_second_ctrl_c_exits_and_releases_the_lock"]
fn helper_deploy_with_hanging_calls() {
    let dir = std::env::var(HELPER_DIR).expect("run by the parent test");
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        latency: [("Test::Fake::Thing".to_owned(), Duration::from_secs(3600))].into(),
        ..Faults::default()
    });
    let mut app = App::new();
    let spec: Vec<NodeSpec> = (0..3)
        .map(|i| NodeSpec {
            id: format!("n{i}"),
            name: format!("n{i}"),
            key: format!("k{i}"),
            deps: Vec::new(),
        })
        .collect();
    app.add_stack(build("s", &spec));
    let code = stratus::cli::run_from(
        &app,
        Some(std::sync::Arc::new(cloud)),
        ["app", "deploy", "--yes", "--state", &dir],
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(i32::from(code));
}

fn interrupt(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill(1) is available");
    assert!(status.success());
}

#[test]
fn a_second_ctrl_c_exits_and_releases_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "helper_deploy_with_hanging_calls",
            "--ignored",
            "--nocapture",
        ])
        .env(HELPER_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the calls are in flight: their intents are in the journal, the lock is held.
    let journal = dir.path().join("s.journal.jsonl");
    let lock = dir.path().join("s.lock");
    let started = Instant::now();
    while std::fs::read_to_string(&journal).map_or(0, |t| t.matches("\"intent\"").count()) < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no call started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(lock.exists(), "the run holds the lock");
    interrupt(child.id());
    std::thread::sleep(Duration::from_millis(300));
    interrupt(child.id());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("stopping: waiting for calls in flight"),
        "{stderr}"
    );
    assert!(stderr.contains("aborted; the lock is released"), "{stderr}");
    assert!(!lock.exists(), "the lock was left behind");
    let left = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(
        left.matches("\"intent\"").count(),
        3,
        "the journal keeps the open intents for the next run: {left}"
    );
}
