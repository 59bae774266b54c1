//! Engine promises that once broke on every cloud, the emulator included (issue 20, items 12,
//! 13 and 20): a removal-policy change is planned and recorded, a replacement honours the policy
//! declared with it, a create that made its resource and then failed never jams later runs, and
//! a saved plan made after a crash can still be applied.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use stratus::database::Database;
use stratus::deploy::{Action, ApplyOptions, Deployer, EngineError, MemoryBackend};
use stratus::prelude::*;
use stratus::removal::RemovalPolicy;
use support::fake_cloud::{FakeCloud, Faults};
use support::graphs::{NodeSpec, build};

fn fast() -> ApplyOptions {
    ApplyOptions {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        // Dependency violations waited out for this long (AWS: 30 min).
        conflict_timeout: Duration::from_millis(300),
        ..ApplyOptions::default()
    }
}

fn deployer(cloud: &FakeCloud, backend: &MemoryBackend) -> Deployer {
    Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone())).options(fast())
}

fn with(cloud: &FakeCloud, backend: &MemoryBackend, options: ApplyOptions) -> Deployer {
    Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone())).options(options)
}

/// A database in a small network, named `name`, with `policy`.
fn database(name: &str, policy: RemovalPolicy) -> Stack {
    let mut stack = Stack::new("data", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(2)
        .nat_gateways(1)
        .build(&mut stack);
    Database::mysql("db", &vpc)
        .database_name(name)
        .removal_policy(policy)
        .build(&mut stack);
    stack
}

fn node(id: &str, deps: &[usize]) -> NodeSpec {
    NodeSpec {
        id: id.into(),
        name: format!("{id}-name"),
        key: format!("{id}-key"),
        deps: deps.to_vec(),
    }
}

#[tokio::test]
async fn a_removal_policy_change_alone_is_planned_recorded_and_honoured_by_destroy() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&database("app", RemovalPolicy::Destroy))
        .await
        .unwrap();
    let retained = database("app", RemovalPolicy::Retain);
    let plan = deployer(&cloud, &backend).plan(&retained).await.unwrap();
    assert!(plan.has_changes(), "{}", plan.render(false));
    assert_eq!(plan.summary.policy, 1, "{}", plan.render(false));
    let change = plan.change("Db").unwrap();
    assert_eq!(change.action, Action::NoOp);
    assert_eq!(change.removal_before, Some(RemovalPolicy::Destroy));
    assert!(
        plan.render(false)
            .contains("removal policy Destroy -> Retain (recorded, no call)"),
        "{}",
        plan.render(false)
    );
    let before = cloud.snapshot().mutating_calls;
    let report = deployer(&cloud, &backend).deploy(&retained).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(cloud.snapshot().mutating_calls, before, "no call is made");
    let state = backend.snapshot().state.unwrap();
    assert_eq!(state.resources["Db"].removal, RemovalPolicy::Retain);
    assert!(
        !deployer(&cloud, &backend)
            .plan(&retained)
            .await
            .unwrap()
            .has_changes()
    );

    // destroy needs no program: it reads the policy from state, and keeps the database.
    let db = state.resources["Db"].physical_id.clone();
    let report = with(
        &cloud,
        &backend,
        ApplyOptions {
            allow_data_loss: ["efs".to_owned()].into(),
            ..fast()
        },
    )
    .destroy("data")
    .await
    .unwrap();
    assert!(
        cloud.snapshot().resources.contains_key(&db),
        "the retained database was deleted"
    );
    assert!(
        report.kept.iter().any(|k| k.logical_id == "Db"),
        "{:?}",
        report.kept
    );
    // What the kept database still uses cannot go (AWS refuses too): nothing else failed.
    let failed: BTreeSet<&str> = report.failed.iter().map(|(id, _)| id.as_str()).collect();
    assert!(
        failed.is_subset(&BTreeSet::from(["DbSg", "DbSubnetGroup"])),
        "{failed:?}"
    );
}

#[tokio::test]
async fn a_replacement_keeps_the_snapshot_its_new_policy_asks_for() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&database("first", RemovalPolicy::Destroy))
        .await
        .unwrap();
    // A replacing change together with Destroy -> Snapshot: the old database goes after a
    // final snapshot, and no data loss is claimed.
    let next = database("second", RemovalPolicy::Snapshot);
    let plan = deployer(&cloud, &backend).plan(&next).await.unwrap();
    assert!(matches!(
        plan.change("Db").unwrap().action,
        Action::Replace { .. }
    ));
    assert!(plan.data_loss.is_empty(), "{:?}", plan.data_loss);
    assert!(
        plan.render(false)
            .contains("disruptive: the database is replaced"),
        "{}",
        plan.render(false)
    );
    let report = deployer(&cloud, &backend).deploy(&next).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(
        cloud.snapshot().snapshots.len(),
        1,
        "the replaced database was deleted without its final snapshot"
    );
    assert_eq!(report.kept.len(), 1, "{:?}", report.kept);

    // The other way round: Snapshot -> Destroy with a replacement loses data, so it is refused
    // unless allowed.
    let careless = database("third", RemovalPolicy::Destroy);
    match deployer(&cloud, &backend).deploy(&careless).await {
        Err(EngineError::DataLoss(lost)) => assert_eq!(lost[0].logical_id, "Db"),
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.failed)),
    }
}

#[tokio::test]
async fn a_saved_plan_made_after_a_crash_is_applied() {
    // A provider panic leaves an intent open, as a crash does: the journal holds it.
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        panic_after_create: ["A".to_owned()].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let spec = vec![node("a", &[]), node("b", &[])];
    deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(!backend.snapshot().journal.is_empty());
    cloud.set_faults(Faults::default());

    let mut changed = spec.clone();
    changed[1].name = "renamed".into();
    let saved = deployer(&cloud, &backend)
        .saved_plan(&build("s", &changed))
        .await
        .unwrap();
    let report = deployer(&cloud, &backend)
        .apply_saved(&build("s", &changed), &saved)
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let census = cloud.by_logical_id("s");
    assert_eq!(census["A"].len(), 1, "{census:?}");
    assert!(backend.snapshot().journal.is_empty());
    let ids: BTreeSet<&str> = census.keys().map(String::as_str).collect();
    assert_eq!(ids, BTreeSet::from(["A", "B"]));
}

/// A stack whose `a` is named `name` (the fake cloud refuses to finish the name `bad`).
fn named(name: &str) -> Stack {
    let mut spec = vec![node("a", &[]), node("b", &[0])];
    spec[0].name = name.into();
    build("s", &spec)
}

fn refusing_bad_names() -> FakeCloud {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        fail_after_making_name: Some("bad".into()),
        ..Faults::default()
    });
    cloud
}

#[tokio::test]
async fn a_create_that_made_its_resource_and_then_failed_is_found_not_duplicated() {
    let cloud = refusing_bad_names();
    let backend = MemoryBackend::new();
    let report = deployer(&cloud, &backend)
        .deploy(&named("bad"))
        .await
        .unwrap();
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert!(
        report.failed[0]
            .1
            .contains("finished and recorded on the next run"),
        "invalid input after the resource was made must leave the intent open: {:?}",
        report.failed
    );
    assert!(!backend.snapshot().journal.is_empty());

    // Every later run names the resource and the two ways out, and changes nothing.
    for _ in 0..2 {
        let before = cloud.snapshot().mutating_calls;
        match deployer(&cloud, &backend).deploy(&named("good")).await {
            Err(EngineError::PendingCreate {
                path, physical_id, ..
            }) => {
                assert_eq!(path, "s/a");
                assert_eq!(cloud.by_logical_id("s")["A"], [physical_id]);
            }
            other => panic!(
                "expected a pending create, got {:?}",
                other.map(|r| r.failed)
            ),
        }
        assert_eq!(
            cloud.snapshot().mutating_calls,
            before + 1,
            "only the retry"
        );
    }
    let message = deployer(&cloud, &backend)
        .deploy(&named("good"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("--adopt-pending s/a") && message.contains("--discard-pending s/a"),
        "{message}"
    );
}

#[tokio::test]
async fn adopting_a_pending_create_plans_from_the_program_as_it_is_now() {
    let cloud = refusing_bad_names();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&named("bad"))
        .await
        .unwrap();
    let made = cloud.by_logical_id("s")["A"].clone();
    let adopt = with(
        &cloud,
        &backend,
        ApplyOptions {
            adopt_pending: ["a".to_owned()].into(),
            ..fast()
        },
    );
    let report = adopt.deploy(&named("good")).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let census = cloud.by_logical_id("s");
    assert_eq!(census["A"], made, "kept, not duplicated: {census:?}");
    assert_eq!(census["B"].len(), 1);
    let live = &cloud.snapshot().resources[&made[0]];
    assert_eq!(live.inputs["Name"], "good", "updated to the program");
    assert!(backend.snapshot().journal.is_empty());
    assert!(
        !deployer(&cloud, &backend)
            .plan(&named("good"))
            .await
            .unwrap()
            .has_changes()
    );
}

#[tokio::test]
async fn discarding_a_pending_create_deletes_what_it_made_and_creates_it_again() {
    let cloud = refusing_bad_names();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&named("bad"))
        .await
        .unwrap();
    let made = cloud.by_logical_id("s")["A"].clone();
    let discard = with(
        &cloud,
        &backend,
        ApplyOptions {
            discard_pending: ["s/a".to_owned()].into(),
            ..fast()
        },
    );
    let plan = discard.plan(&named("good")).await.unwrap();
    assert_eq!(plan.change("A").unwrap().action, Action::Create);
    let report = discard.deploy(&named("good")).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let census = cloud.by_logical_id("s");
    assert_eq!(census["A"].len(), 1, "{census:?}");
    assert_ne!(census["A"], made, "the pending one was deleted");
    assert!(!cloud.snapshot().resources.contains_key(&made[0]));
}

#[tokio::test]
async fn a_create_refused_before_making_anything_is_failed_and_retried_cleanly() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        fail_create: ["A".to_owned()].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let report = deployer(&cloud, &backend)
        .deploy(&named("x"))
        .await
        .unwrap();
    assert_eq!(report.failed.len(), 1);
    assert!(backend.snapshot().journal.is_empty(), "nothing to settle");
    cloud.set_faults(Faults::default());
    let report = deployer(&cloud, &backend)
        .deploy(&named("x"))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(cloud.by_logical_id("s")["A"].len(), 1);
}

#[tokio::test]
async fn a_delete_refused_for_a_dependency_is_retried_for_a_time_not_a_count() {
    // Thirty attempts at 1-5 ms apart gave up after well under a second; a dependency that
    // takes 400 ms to clear must be waited out, and one that outlasts the budget must not.
    let deploy = |cloud: &FakeCloud, backend: &MemoryBackend| {
        let (cloud, backend) = (cloud.clone(), backend.clone());
        async move {
            deployer(&cloud, &backend)
                .deploy(&named("x"))
                .await
                .unwrap();
        }
    };
    let draining = |cloud: &FakeCloud, how_long: Duration| {
        cloud.set_faults(Faults {
            delete_conflict_for: [("A".to_owned(), how_long)].into(),
            ..Faults::default()
        });
    };

    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deploy(&cloud, &backend).await;
    draining(&cloud, Duration::from_millis(400));
    let patient = with(
        &cloud,
        &backend,
        ApplyOptions {
            conflict_timeout: Duration::from_secs(5),
            ..fast()
        },
    );
    let report = patient.destroy("s").await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(
        cloud.snapshot().conflicts > 30,
        "{}",
        cloud.snapshot().conflicts
    );

    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deploy(&cloud, &backend).await;
    draining(&cloud, Duration::from_secs(60));
    let hasty = with(
        &cloud,
        &backend,
        ApplyOptions {
            conflict_timeout: Duration::from_millis(100),
            ..fast()
        },
    );
    let report = hasty.destroy("s").await.unwrap();
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert!(report.failed[0].1.contains("DependencyViolation"));
}

/// Issue 20, item 10: the first Ctrl-C stopped dispatching but then waited for every call in
/// flight, up to an hour and a half for a database. Now calls in flight get
/// `ApplyOptions::stop_grace`, then are left open in the journal for the next run, which
/// settles them as after a crash.
#[tokio::test]
async fn a_stop_waits_for_calls_in_flight_only_its_grace_then_leaves_them_to_the_next_run() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        // A call that would keep the run waiting far longer than this test lasts.
        latency: [("Test::Fake::Thing".to_owned(), Duration::from_secs(3600))].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let stack = build("slow", &[node("a", &[]), node("b", &[0])]);
    let stopping = with(
        &cloud,
        &backend,
        ApplyOptions {
            stop_grace: Duration::from_millis(50),
            ..fast()
        },
    );
    let cancel = stopping.cancel_handle();
    let observer: Arc<dyn stratus::deploy::Observer> =
        Arc::new(move |e: &stratus::deploy::Event| {
            if matches!(e, stratus::deploy::Event::Started { .. }) {
                cancel.cancel();
            }
        });
    let report = stopping.observer(observer).deploy(&stack).await.unwrap();
    assert!(report.interrupted);
    assert_eq!(report.unresolved, ["A"], "{report:?}");
    assert!(report.postponed.contains(&"B".to_owned()), "{report:?}");
    let store = backend.snapshot();
    assert!(store.lock.is_none(), "the lock was released");
    assert_eq!(
        store.journal.len(),
        1,
        "the open intent is kept for the next run"
    );

    cloud.set_faults(Faults::default());
    let report = deployer(&cloud, &backend).deploy(&stack).await.unwrap();
    assert!(report.succeeded(), "{report:?}");
    let made = cloud.by_logical_id("slow");
    assert_eq!(made.len(), 2, "{made:?}");
    assert!(
        made.values().all(|ids| ids.len() == 1),
        "one of each: {made:?}"
    );
}
