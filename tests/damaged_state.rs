//! Damaged state: a truncated or corrupted state file, a damaged or missing journal line. Each
//! stops the run before any call with a message that says what is wrong and the way forward
//! (the `.backup` and the last run's journal, or an import); nothing is reset, and following
//! the message gets back exactly the state an undamaged run would have.

mod support;

use std::sync::Arc;

use stratus::deploy::{
    ApplyOptions, Deployer, EngineError, JournalEntry, LocalBackend, StateBackend, StateError,
};
use support::fake_cloud::FakeCloud;
use support::graphs::{NodeSpec, build};

fn node(id: &str, key: &str, deps: &[usize]) -> NodeSpec {
    NodeSpec {
        id: id.into(),
        name: format!("{id}-name"),
        key: key.into(),
        deps: deps.to_vec(),
    }
}

fn deployer(cloud: &FakeCloud, dir: &std::path::Path) -> Deployer {
    Deployer::new(
        Arc::new(cloud.clone()),
        Arc::new(LocalBackend::new(dir, "s")),
    )
    .options(ApplyOptions {
        base_delay: std::time::Duration::from_millis(1),
        conflict_timeout: std::time::Duration::from_secs(2),
        ..ApplyOptions::default()
    })
}

/// The message of a run refused for damaged state; checks nothing was called.
async fn refused(cloud: &FakeCloud, dir: &std::path::Path, spec: &[NodeSpec]) -> String {
    let calls = cloud.snapshot().log.len();
    let result = deployer(cloud, dir).deploy(&build("s", spec)).await;
    let message = match result {
        Err(EngineError::State(e @ StateError::Corrupt { .. })) => e.to_string(),
        other => panic!(
            "a damaged state was not refused: {:?}",
            other.map(|r| r.calls)
        ),
    };
    assert_eq!(cloud.snapshot().log.len(), calls, "no call was made");
    message
}

#[tokio::test]
async fn a_truncated_state_file_is_rebuilt_from_the_backup_and_the_last_runs_journal() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = FakeCloud::new();
    let v1 = vec![node("a", "k", &[]), node("b", "k", &[0])];
    let v2 = vec![
        node("a", "k", &[]),
        node("b", "k2", &[0]),
        node("c", "k", &[1]),
    ];
    deployer(&cloud, dir.path())
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    deployer(&cloud, dir.path())
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    let state_path = dir.path().join("s.state.json");
    let whole = std::fs::read(&state_path).unwrap();
    std::fs::write(&state_path, &whole[..whole.len() / 2]).unwrap();

    let message = refused(&cloud, dir.path(), &v2).await;
    assert!(message.contains("ends early, truncated"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    assert!(
        message.contains("s.state.json.backup holds the state as it was before the last save"),
        "{message}"
    );
    assert!(
        message.contains("rename") && message.contains("s.journal.previous.jsonl"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&state_path).unwrap(),
        &whole[..whole.len() / 2],
        "the damaged file is left as it was"
    );

    // The way forward, as the message says it.
    std::fs::copy(dir.path().join("s.state.json.backup"), &state_path).unwrap();
    std::fs::rename(
        dir.path().join("s.journal.previous.jsonl"),
        dir.path().join("s.journal.jsonl"),
    )
    .unwrap();
    let plan = deployer(&cloud, dir.path())
        .plan(&build("s", &v2))
        .await
        .unwrap();
    assert!(
        !plan.has_changes(),
        "the rebuilt state is the state the last run saved:\n{}",
        plan.render(false)
    );
    let report = deployer(&cloud, dir.path())
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    assert_eq!(report.calls.mutating(), 0);
    for (id, found) in cloud.by_logical_id("s") {
        assert_eq!(found.len(), 1, "{id}: {found:?}");
    }
}

#[tokio::test]
async fn a_corrupted_state_file_without_a_backup_is_refused_and_never_reset() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = FakeCloud::new();
    let v1 = vec![node("a", "k", &[])];
    deployer(&cloud, dir.path())
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    let state_path = dir.path().join("s.state.json");
    std::fs::write(
        &state_path,
        b"{\"version\": 1, \"stack\": \"s\", \"serial\": oops}",
    )
    .unwrap();
    let message = refused(&cloud, dir.path(), &v1).await;
    assert!(message.contains("does not parse"), "{message}");
    assert!(
        message.contains("there is no") && message.contains("copy of your own"),
        "{message}"
    );
    // Planning refuses too: an empty state would plan to create everything again.
    assert!(
        deployer(&cloud, dir.path())
            .plan(&build("s", &v1))
            .await
            .is_err()
    );
    assert_eq!(cloud.by_logical_id("s")["A"].len(), 1);
}

#[tokio::test]
async fn a_damaged_journal_line_before_others_stops_the_run_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path(), "s");
    for seq in 0..3 {
        backend
            .append(&JournalEntry::Failed {
                seq,
                message: "x".into(),
            })
            .await
            .unwrap();
    }
    let path = dir.path().join("s.journal.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"entry\":\"fai";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    match backend.journal().await {
        Err(StateError::Corrupt { location, message }) => {
            assert!(location.contains("s.journal.jsonl"), "{location}");
            assert!(
                message.contains("line 2 does not parse") && message.contains("stratus:stack=s"),
                "{message}"
            );
        }
        other => panic!("a damaged middle line was skipped: {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_journal_line_stops_the_run_naming_what_its_call_made() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = FakeCloud::new();
    let backend = LocalBackend::new(dir.path(), "s");
    // The end of call #4 is journaled, its intent line is not: whatever it made is unknown.
    backend
        .append(&JournalEntry::Done {
            seq: 4,
            physical_id: Some("fake-99".into()),
            attributes: None,
        })
        .await
        .unwrap();
    let message = refused(&cloud, dir.path(), &[node("a", "k", &[])]).await;
    assert!(
        message.contains("call #4 but its intent line is missing"),
        "{message}"
    );
    assert!(
        message.contains("import <construct path> fake-99"),
        "{message}"
    );
    assert!(message.contains("stratus:stack=s"), "{message}");
}
