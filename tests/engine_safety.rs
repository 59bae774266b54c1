//! The engine's safety guarantees against the in-process cloud (which keeps the same contract as
//! `stratus-aws`): attributes kept when an update answers without them, refresh and drift,
//! import, removal policies and data loss, saved plans, planning under the lock, and provider
//! panics.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stratus::deploy::{
    Action, ApplyOptions, Deployer, DriftStatus, EngineError, MemoryBackend, Provider,
};
use support::fake_cloud::{FakeCloud, Faults};
use support::graphs::{NodeSpec, build};

fn node(id: &str, deps: &[usize]) -> NodeSpec {
    NodeSpec {
        id: id.into(),
        name: format!("{id}-name"),
        key: format!("{id}-key"),
        deps: deps.to_vec(),
    }
}

fn fast() -> ApplyOptions {
    ApplyOptions {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        // Dependency violations waited out for this long (AWS: 30 min).
        conflict_timeout: Duration::from_secs(2),
        ..ApplyOptions::default()
    }
}

fn deployer(cloud: &FakeCloud, backend: &MemoryBackend) -> Deployer {
    Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone())).options(fast())
}

fn physical(backend: &MemoryBackend, logical_id: &str) -> String {
    backend.snapshot().state.unwrap().resources[logical_id]
        .physical_id
        .clone()
}

#[tokio::test]
async fn a_stack_tag_updates_tags_only_and_the_next_plan_is_empty() {
    // The in-process cloud answers every update with no attributes, as many AWS calls do: the
    // engine must keep the recorded ones, or the next plan would see references change.
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&three_tier::build().stack)
        .await
        .unwrap();
    let mut tagged = three_tier::build().stack;
    tagged.tag("CostCentre", "web");
    let plan = deployer(&cloud, &backend).plan(&tagged).await.unwrap();
    assert_eq!(
        plan.summary.replace + plan.summary.create,
        0,
        "{}",
        plan.render(false)
    );
    assert!(plan.summary.update > 20, "{}", plan.render(false));
    for change in plan.changes.iter().filter(|c| c.action == Action::Update) {
        let names: Vec<&str> = change.properties.iter().map(|p| p.name.as_str()).collect();
        assert!(
            names.iter().all(|n| n.ends_with("Tags")),
            "{} changes {names:?}",
            change.logical_id
        );
    }
    let report = deployer(&cloud, &backend).deploy(&tagged).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(report.calls.create + report.calls.delete, 0);
    let state = backend.snapshot().state.unwrap();
    assert!(
        state.resources["VpcNatA"]
            .attributes
            .contains_key("AllocationId")
            || state.resources["VpcNatAEip"]
                .attributes
                .contains_key("AllocationId"),
        "attributes were lost"
    );
    let again = deployer(&cloud, &backend).plan(&tagged).await.unwrap();
    assert!(!again.has_changes(), "{}", again.render(false));
}

#[tokio::test]
async fn a_change_made_outside_shows_in_drift_and_plan_and_deploy_puts_it_back() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let spec = vec![node("a", &[]), node("b", &[]), node("c", &[0])];
    deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    let a = physical(&backend, "A");
    cloud.modify(&a, "Name", "changed in the console".into());
    cloud.remove(&physical(&backend, "B"));

    let drift = deployer(&cloud, &backend).drift("s").await.unwrap();
    assert_eq!(drift.checked, 3);
    assert_eq!(drift.resources.len(), 2, "{drift:?}");
    match &drift.resource("A").unwrap().status {
        DriftStatus::Modified { properties } => {
            assert_eq!(properties.len(), 1);
            assert_eq!(properties[0].name, "Name");
            assert_eq!(properties[0].recorded, "a-name");
            assert_eq!(
                properties[0].live.as_ref().unwrap(),
                "changed in the console"
            );
        }
        other @ DriftStatus::Deleted => panic!("{other:?}"),
    }
    assert_eq!(drift.resource("B").unwrap().status, DriftStatus::Deleted);
    assert!(drift.resource("C").is_none(), "only what differs is listed");

    let plan = deployer(&cloud, &backend)
        .plan(&build("s", &spec))
        .await
        .unwrap();
    assert_eq!(plan.change("A").unwrap().action, Action::Update);
    assert_eq!(plan.change("B").unwrap().action, Action::Create);
    assert_eq!(plan.change("C").unwrap().action, Action::NoOp);
    assert!(plan.render(false).contains("Changed outside Stratus"));
    // Without a refresh the plan sees nothing.
    let blind =
        Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone())).options(ApplyOptions {
            refresh: false,
            ..fast()
        });
    assert!(!blind.plan(&build("s", &spec)).await.unwrap().has_changes());

    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(cloud.snapshot().resources[&a].inputs["Name"], "a-name");
    let drift = deployer(&cloud, &backend).drift("s").await.unwrap();
    assert!(!drift.has_drift(), "{drift:?}");
}

#[tokio::test]
async fn import_records_an_existing_resource_after_checking_it() {
    let cloud = FakeCloud::new();
    // Made by another stack's run.
    let elsewhere = MemoryBackend::new();
    deployer(&cloud, &elsewhere)
        .deploy(&build("old", &[node("a", &[])]))
        .await
        .unwrap();
    let existing = physical(&elsewhere, "A");

    let backend = MemoryBackend::new();
    let mut differing = node("a", &[]);
    differing.name = "another-name".into();
    match deployer(&cloud, &backend)
        .import(&build("s", &[differing]), "s/a", &existing)
        .await
    {
        Err(EngineError::Import { reason, .. }) => {
            assert!(
                reason.contains("Name: declared \"another-name\", live \"a-name\""),
                "{reason}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        backend
            .snapshot()
            .state
            .is_none_or(|s| s.resources.is_empty())
    );

    let stack = build("s", &[node("a", &[])]);
    let imported = deployer(&cloud, &backend)
        .import(&stack, "s/a", &existing)
        .await
        .unwrap();
    assert_eq!(imported.logical_id, "A");
    assert_eq!(physical(&backend, "A"), existing);
    let plan = deployer(&cloud, &backend).plan(&stack).await.unwrap();
    assert!(!plan.has_changes(), "{}", plan.render(false));
    match deployer(&cloud, &backend)
        .import(&stack, "s/a", &existing)
        .await
    {
        Err(EngineError::Import { reason, .. }) => assert!(reason.contains("managed already")),
        other => panic!("{other:?}"),
    }
    assert!(backend.snapshot().lock.is_none());
}

#[tokio::test]
async fn deleting_data_without_a_snapshot_needs_an_explicit_allowance() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let settings = three_tier::Settings {
        keep_data: false,
        ..three_tier::Settings::default()
    };
    deployer(&cloud, &backend)
        .deploy(&three_tier::build_with(&settings).stack)
        .await
        .unwrap();
    let before = cloud.snapshot().mutating_calls;
    match deployer(&cloud, &backend).destroy("project-x").await {
        Err(EngineError::DataLoss(lost)) => {
            let ids: BTreeSet<&str> = lost.iter().map(|l| l.logical_id.as_str()).collect();
            assert_eq!(ids, BTreeSet::from(["Db", "Efs"]), "{lost:?}");
        }
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.failed)),
    }
    assert_eq!(cloud.snapshot().mutating_calls, before, "a call was made");
    let allowed =
        Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone())).options(ApplyOptions {
            allow_data_loss: ["Db".to_owned(), "project-x/efs".to_owned()].into(),
            ..fast()
        });
    let report = allowed.destroy("project-x").await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(report.kept.is_empty(), "{:?}", report.kept);
    assert!(cloud.by_logical_id("project-x").is_empty());
    assert!(cloud.snapshot().snapshots.is_empty());
}

#[tokio::test]
async fn a_replaced_database_keeps_a_final_snapshot_by_default() {
    use stratus::database::Database;
    use stratus::prelude::*;
    let make = |name: &str| {
        let mut stack = Stack::new("data", Environment::region("us-east-1"));
        let vpc = Vpc::builder("vpc")
            .max_azs(2)
            .nat_gateways(1)
            .build(&mut stack);
        Database::mysql("db", &vpc)
            .database_name(name)
            .build(&mut stack);
        stack
    };
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&make("first"))
        .await
        .unwrap();
    let plan = deployer(&cloud, &backend)
        .plan(&make("second"))
        .await
        .unwrap();
    assert!(matches!(
        plan.change("Db").unwrap().action,
        Action::Replace { .. }
    ));
    assert!(plan.data_loss.is_empty(), "{:?}", plan.data_loss);
    assert!(
        plan.render(false)
            .contains("the old one after a final snapshot"),
        "{}",
        plan.render(false)
    );
    let report = deployer(&cloud, &backend)
        .deploy(&make("second"))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(report.kept.len(), 1, "{:?}", report.kept);
    let snapshot = report.kept[0].snapshot.clone().unwrap();
    assert!(snapshot.starts_with("data-db-final-"), "{snapshot}");
    assert_eq!(cloud.snapshot().snapshots, [snapshot]);
}

#[tokio::test]
async fn a_saved_plan_is_applied_exactly_or_refused_when_anything_moved() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let spec = vec![node("a", &[]), node("b", &[0])];
    let saved = deployer(&cloud, &backend)
        .saved_plan(&build("s", &spec))
        .await
        .unwrap();
    assert_eq!(saved.plan.summary.create, 2);
    // Round trip through a file, as `plan --out` and `deploy FILE` do.
    let saved: stratus::deploy::SavedPlan =
        serde_json::from_str(&serde_json::to_string(&saved).unwrap()).unwrap();
    let report = deployer(&cloud, &backend)
        .apply_saved(&build("s", &spec), &saved)
        .await
        .unwrap();
    assert!(report.succeeded());
    assert_eq!(report.calls.create, 2);

    // The state moved since the plan: refused, nothing done.
    let mut renamed = spec.clone();
    renamed[0].name = "renamed".into();
    let stale = deployer(&cloud, &backend)
        .saved_plan(&build("s", &renamed))
        .await
        .unwrap();
    let mut other = spec.clone();
    other[1].name = "other".into();
    deployer(&cloud, &backend)
        .deploy(&build("s", &other))
        .await
        .unwrap();
    let before = cloud.snapshot().mutating_calls;
    match deployer(&cloud, &backend)
        .apply_saved(&build("s", &renamed), &stale)
        .await
    {
        Err(EngineError::StalePlan { reason, .. }) => assert!(reason.contains("state"), "{reason}"),
        other => panic!("expected a stale plan, got {:?}", other.map(|r| r.calls)),
    }
    // The program declares something else than what was planned.
    let fresh = deployer(&cloud, &backend)
        .saved_plan(&build("s", &renamed))
        .await
        .unwrap();
    match deployer(&cloud, &backend)
        .apply_saved(&build("s", &spec), &fresh)
        .await
    {
        Err(EngineError::StalePlan { reason, .. }) => {
            assert!(reason.contains("different stack"), "{reason}");
        }
        other => panic!("expected a stale plan, got {:?}", other.map(|r| r.calls)),
    }
    // The cloud changed since the plan.
    cloud.modify(&physical(&backend, "B"), "Name", "console".into());
    match deployer(&cloud, &backend)
        .apply_saved(&build("s", &renamed), &fresh)
        .await
    {
        Err(EngineError::StalePlan { reason, .. }) => {
            assert!(reason.contains("cloud changed"), "{reason}");
        }
        other => panic!("expected a stale plan, got {:?}", other.map(|r| r.calls)),
    }
    assert_eq!(cloud.snapshot().mutating_calls, before, "a call was made");
    assert!(backend.snapshot().lock.is_none());
}

#[tokio::test]
async fn the_plan_approved_is_made_under_the_lock() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let seen = Arc::new(Mutex::new(None));
    let observed = Arc::clone(&seen);
    let watched = backend.clone();
    let result = deployer(&cloud, &backend)
        .deploy_with(&build("s", &[node("a", &[])]), move |plan| {
            *observed.lock().unwrap() = Some((plan.summary.create, watched.snapshot().lock));
            false
        })
        .await
        .unwrap();
    assert!(result.is_none(), "declined");
    let (creates, lock) = seen.lock().unwrap().take().unwrap();
    assert_eq!(creates, 1);
    assert_eq!(lock.unwrap().operation, "deploy", "the lock was held");
    assert_eq!(cloud.snapshot().mutating_calls, 0);
    assert!(
        backend.snapshot().lock.is_none(),
        "released after declining"
    );
}

#[tokio::test]
async fn a_provider_panic_fails_its_operation_saves_and_unlocks() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        panic_after_create: ["Made".to_owned()].into(),
        panic_on: ["Never".to_owned()].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let spec = vec![
        node("made", &[]),
        node("never", &[]),
        node("after", &[0]),
        node("fine", &[]),
    ];
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    let failed: BTreeSet<&str> = report.failed.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(failed, BTreeSet::from(["Made", "Never"]));
    assert!(
        report.failed[0].1.contains("panicked"),
        "{:?}",
        report.failed
    );
    assert_eq!(report.skipped, ["After"]);
    let store = backend.snapshot();
    assert!(store.lock.is_none(), "the lock was released");
    assert!(
        store.state.unwrap().resources.contains_key("Fine"),
        "state was saved"
    );
    assert!(
        !store.journal.is_empty(),
        "the unresolved intents stay in the journal"
    );

    // The next run settles them: what the panicking create made is adopted, once.
    cloud.set_faults(Faults::default());
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let census = cloud.by_logical_id("s");
    for id in ["Made", "Never", "After", "Fine"] {
        assert_eq!(census[id].len(), 1, "{id}: {census:?}");
    }
    assert!(backend.snapshot().journal.is_empty());
}

#[tokio::test]
async fn a_type_the_provider_cannot_update_in_place_is_replaced() {
    // `Key` is create-only in the in-process cloud's contract for test things, though the
    // construct does not say so for this type: the provider's contract decides.
    #[derive(stratus::Resource, Clone, Debug)]
    #[resource(type = "Test::Fake::Loose")]
    struct Loose {
        name: String,
        key: String,
    }
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let make = |key: &str| {
        let mut stack = stratus::Stack::new("s", stratus::Environment::region("us-east-1"));
        stack.add(
            "loose",
            Loose {
                name: "n".into(),
                key: key.into(),
            },
        );
        stack
    };
    deployer(&cloud, &backend)
        .deploy(&make("one"))
        .await
        .unwrap();
    let plan = deployer(&cloud, &backend).plan(&make("two")).await.unwrap();
    assert_eq!(
        plan.change("Loose").unwrap().action,
        Action::Replace {
            because: vec!["Key".into()]
        }
    );
    let without_provider =
        stratus::deploy::plan(&make("two"), &backend.snapshot().state.unwrap()).unwrap();
    assert_eq!(
        without_provider.change("Loose").unwrap().action,
        Action::Update
    );
    let _ = cloud.contract("Test::Fake::Loose").unwrap();
}

#[tokio::test]
async fn a_property_the_provider_does_not_implement_is_refused_before_any_call() {
    #[derive(stratus::Resource, Clone, Debug)]
    #[resource(type = "Test::Fake::Colourful")]
    struct Colourful {
        name: String,
        colour: String,
    }
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let mut stack = stratus::Stack::new("s", stratus::Environment::region("us-east-1"));
    stack.add(
        "paint",
        Colourful {
            name: "n".into(),
            colour: "red".into(),
        },
    );
    match deployer(&cloud, &backend).deploy(&stack).await {
        Err(EngineError::Unsupported(refused)) => {
            assert_eq!(refused[0].0, "s/paint");
            assert!(
                refused[0]
                    .1
                    .contains("property Colour of Test::Fake::Thing is not implemented"),
                "{refused:?}"
            );
        }
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.calls)),
    }
    assert!(
        deployer(&cloud, &backend).plan(&stack).await.is_err(),
        "plan says so too"
    );
    assert_eq!(cloud.snapshot().mutating_calls, 0);
}

#[test]
fn a_snapshot_of_a_read_replica_is_refused_by_validation() {
    use stratus::database::Database;
    use stratus::prelude::*;
    use stratus::removal::RemovalPolicy;
    let mut stack = Stack::new("data", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(2)
        .nat_gateways(1)
        .build(&mut stack);
    let db = Database::mysql("db", &vpc).build(&mut stack);
    db.with_replica("replica")
        .removal_policy(RemovalPolicy::Snapshot)
        .build(&mut stack);
    let errors = stack.validate().unwrap_err().to_string();
    assert!(
        errors.contains("data/replica")
            && errors.contains("AWS keeps no final snapshot of a read replica"),
        "{errors}"
    );
}

/// A cloud whose reads panic: the refresh, outside any operation, panics.
struct PanickyReads(FakeCloud);

#[async_trait::async_trait]
impl Provider for PanickyReads {
    fn contract(&self, type_name: &str) -> Option<stratus::deploy::TypeContract> {
        self.0.contract(type_name)
    }
    async fn create(
        &self,
        r: stratus::deploy::CreateRequest<'_>,
    ) -> Result<stratus::deploy::Created, stratus::deploy::ProviderError> {
        self.0.create(r).await
    }
    async fn read(
        &self,
        _: &str,
        _: &str,
    ) -> Result<Option<stratus::deploy::Live>, stratus::deploy::ProviderError> {
        panic!("a read that panics")
    }
    async fn update(
        &self,
        r: stratus::deploy::UpdateRequest<'_>,
    ) -> Result<stratus::deploy::Attributes, stratus::deploy::ProviderError> {
        self.0.update(r).await
    }
    async fn delete(
        &self,
        r: stratus::deploy::DeleteRequest<'_>,
    ) -> Result<(), stratus::deploy::ProviderError> {
        self.0.delete(r).await
    }
    async fn find(
        &self,
        r: stratus::deploy::FindRequest<'_>,
    ) -> Result<Option<stratus::deploy::Created>, stratus::deploy::ProviderError> {
        self.0.find(r).await
    }
}

#[tokio::test]
async fn a_panic_outside_any_operation_releases_the_lock() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let spec = vec![node("a", &[])];
    deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    let panicky = Deployer::new(
        Arc::new(PanickyReads(cloud.clone())),
        Arc::new(backend.clone()),
    )
    .options(fast());
    match panicky.deploy(&build("s", &spec)).await {
        Err(EngineError::Panicked { during, message }) => {
            assert_eq!(during, "deploy");
            assert!(message.contains("a read that panics"), "{message}");
        }
        other => panic!(
            "expected the panic to be reported, got {:?}",
            other.map(|r| r.calls)
        ),
    }
    assert!(backend.snapshot().lock.is_none(), "the lock was released");
}
