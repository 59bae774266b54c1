//! The local state backend across processes: a state file killed mid-write is the old or the new
//! state, never corrupt; a second process is refused the lock with the holder's details.
//!
//! Both tests re-run this test binary as a helper process: the helpers below are ignored in
//! normal runs (each says which test runs it) and run with `--ignored --exact`.

use std::process::{Command, Stdio};
use std::time::Duration;

use stratus::deploy::{LocalBackend, LockHolder, State, StateBackend, StateError};

const HELPER_DIR: &str = "STRATUS_TEST_STATE_DIR";

fn state_with(marker: &str, size: usize) -> State {
    let mut state = State::empty("stack");
    state
        .outputs
        .insert("Marker".into(), serde_json::json!(marker));
    state
        .outputs
        .insert("Padding".into(), serde_json::json!("x".repeat(size)));
    state
}

fn helper(name: &str, dir: &std::path::Path) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", name, "--ignored", "--nocapture"])
        .env(HELPER_DIR, dir);
    command
}

#[test]
#[ignore = "helper: run by a_state_file_killed_mid_write_is_old_or_new"]
fn helper_write_forever() {
    let dir = std::env::var(HELPER_DIR).expect("run by the parent test");
    let backend = LocalBackend::new(dir, "stack");
    for i in 0u64.. {
        let marker = if i % 2 == 0 { "even" } else { "odd" };
        backend.save_sync(&state_with(marker, 2_000_000)).unwrap();
    }
}

#[test]
fn a_state_file_killed_mid_write_is_old_or_new() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path(), "stack");
    backend.save_sync(&state_with("even", 2_000_000)).unwrap();
    for round in 0..12u64 {
        let mut child = helper("helper_write_forever", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + round * 17));
        child.kill().unwrap(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        let state = backend
            .load_sync()
            .expect("the state file parses")
            .expect("the state file exists");
        let marker = state.outputs["Marker"].as_str().unwrap();
        assert!(
            marker == "even" || marker == "odd",
            "round {round}: {marker}"
        );
        assert_eq!(
            state.outputs["Padding"].as_str().unwrap().len(),
            2_000_000,
            "round {round}: a mixed state"
        );
    }
    assert!(
        dir.path().join("stack.state.json.backup").exists(),
        "the previous state is kept as a backup"
    );
}

#[test]
#[ignore = "helper: run by a_second_process_is_refused_the_lock"]
fn helper_try_lock() {
    let dir = std::env::var(HELPER_DIR).expect("run by the parent test");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result =
        runtime.block_on(LocalBackend::new(dir, "stack").lock(&LockHolder::this_process("deploy")));
    match result {
        Err(e @ StateError::Locked { .. }) => {
            println!("REFUSED: {e}");
            std::process::exit(3);
        }
        other => {
            println!("UNEXPECTED: {other:?}");
            std::process::exit(4);
        }
    }
}

#[tokio::test]
async fn a_second_process_is_refused_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path(), "stack");
    backend
        .lock(&LockHolder::this_process("destroy"))
        .await
        .unwrap();
    let output = helper("helper_try_lock", dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    let expected = format!("locked: destroy by pid {}", std::process::id());
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(
        stdout.contains("run force-unlock if that run is dead"),
        "{stdout}"
    );

    let holder = backend
        .force_unlock()
        .await
        .unwrap()
        .expect("a holder was recorded");
    assert_eq!(holder.operation, "destroy");
    backend
        .lock(&LockHolder::this_process("deploy"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_torn_journal_line_is_an_entry_that_never_happened() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path(), "stack");
    let entry = stratus::deploy::JournalEntry::Failed {
        seq: 1,
        message: "x".into(),
    };
    backend.append(&entry).await.unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("stack.journal.jsonl"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"entry\":\"done\",\"se"))
        .unwrap();
    assert_eq!(backend.journal().await.unwrap(), [entry]);
    backend.clear_journal().await.unwrap();
    assert!(backend.journal().await.unwrap().is_empty());
}
