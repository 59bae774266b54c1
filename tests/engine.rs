//! The deploy engine against an in-process cloud: plans, no-op deploys, dispatch without level
//! barriers, failures that stop only their dependents, throttling, delete order, replacement,
//! interruption, locks.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use stratus::deploy::{Action, ApplyOptions, Deployer, Event, MemoryBackend, StateError};
use stratus::deploy::{EngineError, Observer, StateBackend};
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

#[tokio::test]
async fn the_reference_stack_deploys_then_a_second_deploy_makes_no_mutating_call() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let tier = three_tier::build();
    let first = deployer(&cloud, &backend)
        .deploy(&tier.stack)
        .await
        .unwrap();
    assert!(first.succeeded(), "{:?}", first.failed);
    // 67 resources of the stack's own, and two lookups and a file asset, which are no stack's.
    assert_eq!(first.plan.summary.create, 70);
    assert_eq!(first.calls.create, 70);
    assert_eq!(cloud.by_logical_id("project-x").len(), 67);
    assert_eq!(cloud.snapshot().conflicts, 0);
    // Outputs resolved from the created resources.
    let dns = first.outputs["LoadBalancerDns"].as_str().unwrap();
    assert!(
        dns.starts_with("fake-") && dns.ends_with(".DNSName"),
        "{dns}"
    );
    assert_eq!(first.outputs.len(), 3);

    let before = cloud.snapshot().mutating_calls;
    let second = deployer(&cloud, &backend)
        .deploy(&three_tier::build().stack)
        .await
        .unwrap();
    assert!(!second.plan.has_changes(), "{}", second.plan.render(false));
    assert_eq!(second.calls.mutating(), 0);
    assert_eq!(
        cloud.snapshot().mutating_calls,
        before,
        "the cloud saw a mutating call"
    );
    assert_eq!(
        deployer(&cloud, &backend).outputs().await.unwrap(),
        first.outputs
    );
}

#[tokio::test]
async fn capacity_updates_in_place_and_a_cidr_change_replaces() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    deployer(&cloud, &backend)
        .deploy(&three_tier::build().stack)
        .await
        .unwrap();

    // ASG max 6 -> 8: an in-place update of that one resource.
    let bigger = three_tier::build_with(&three_tier::Settings {
        asg_max: 8,
        ..Default::default()
    })
    .stack;
    let plan = deployer(&cloud, &backend).plan(&bigger).await.unwrap();
    assert_eq!(
        (
            plan.summary.update,
            plan.summary.replace,
            plan.summary.create
        ),
        (1, 0, 0),
        "{}",
        plan.render(false)
    );
    let change = plan.change("Asg").unwrap();
    assert_eq!(change.action, Action::Update);
    assert_eq!(change.properties.len(), 1);
    assert_eq!(change.properties[0].name, "MaxSize");
    let report = deployer(&cloud, &backend).deploy(&bigger).await.unwrap();
    assert!(report.succeeded());
    assert_eq!(
        (
            report.calls.update,
            report.calls.create,
            report.calls.delete
        ),
        (1, 0, 0)
    );

    // A new VPC block: the VPC is replaced, and so is everything whose block derives from it.
    let moved = three_tier::build_with(&three_tier::Settings {
        asg_max: 8,
        vpc_cidr: "10.1.0.0/16".into(),
        ..Default::default()
    })
    .stack;
    let plan = deployer(&cloud, &backend).plan(&moved).await.unwrap();
    assert_eq!(
        plan.change("Vpc").unwrap().action,
        Action::Replace {
            because: vec!["CidrBlock".into()]
        }
    );
    assert!(matches!(
        plan.change("VpcPublicA").unwrap().action,
        Action::Replace { .. }
    ));
    let text = plan.render(false);
    assert!(
        text.contains("replace (because CidrBlock changes)"),
        "{text}"
    );
    assert!(text.contains("Security group changes:"), "{text}");
    // The target group keeps its name in the new VPC: the old one must go first, but the
    // listener and the group still use it. AWS would refuse that delete half-way through; the
    // engine refuses the plan before any call.
    let before = cloud.snapshot().mutating_calls;
    match deployer(&cloud, &backend).deploy(&moved).await {
        Err(EngineError::Unsupported(refused)) => {
            let (path, why) = &refused[0];
            assert_eq!(path, "project-x/app-tg", "{refused:?}");
            assert!(why.contains("AlbHttp"), "{why}");
            assert!(why.contains("new name"), "{why}");
        }
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.failed)),
    }
    assert_eq!(cloud.snapshot().mutating_calls, before, "a call was made");
}

#[tokio::test]
async fn a_property_that_forces_replacement_is_named_and_cascades() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let v1 = vec![node("base", &[]), node("user", &[0]), node("other", &[])];
    deployer(&cloud, &backend)
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    let mut v2 = v1.clone();
    v2[0].key = "new-key".into();
    let plan = deployer(&cloud, &backend)
        .plan(&build("s", &v2))
        .await
        .unwrap();
    assert_eq!(
        plan.change("Base").unwrap().action,
        Action::Replace {
            because: vec!["Key".into()]
        }
    );
    // The dependent's reference is known only after the new resource exists.
    let user = plan.change("User").unwrap();
    assert_eq!(user.action, Action::Update);
    assert!(stratus::deploy::is_unknown(
        user.properties[0].after.as_ref().unwrap()
    ));
    assert!(
        plan.render(false).contains("(known after apply: Base.Arn)"),
        "{}",
        plan.render(false)
    );
    assert_eq!(plan.change("Other").unwrap().action, Action::NoOp);

    let old = cloud.by_logical_id("s")["Base"][0].clone();
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let now = cloud.by_logical_id("s");
    assert_eq!(now["Base"].len(), 1);
    assert_ne!(now["Base"][0], old, "the old resource was replaced");
    // Created before the old one was deleted, and no delete hit a dependency violation.
    let log = cloud.snapshot().log;
    let created = log
        .iter()
        .rposition(|c| c.operation == "create" && c.logical_id == "Base")
        .unwrap();
    let deleted = log
        .iter()
        .position(|c| c.operation == "delete" && c.logical_id == "Base")
        .unwrap();
    assert!(created < deleted);
    assert_eq!(cloud.snapshot().conflicts, 0);
}

#[tokio::test]
async fn delete_before_create_when_names_are_unique() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        delete_before_create: ["Test::Fake::Thing".to_owned()].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let v1 = vec![node("solo", &[])];
    deployer(&cloud, &backend)
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    let mut v2 = v1.clone();
    v2[0].key = "other".into();
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let log = cloud.snapshot().log;
    let ops: Vec<&str> = log.iter().map(|c| c.operation).collect();
    assert_eq!(ops, ["create", "delete", "create"]);
}

#[tokio::test]
async fn a_resource_leaving_the_stack_goes_before_the_delete_first_half_it_refers_to() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        delete_before_create: ["Test::Fake::Thing".to_owned()].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    // base <- user <- user_of_user; base is replaced delete-first while both users leave.
    let v1 = vec![
        node("base", &[]),
        node("user", &[0]),
        node("userOfUser", &[1]),
    ];
    deployer(&cloud, &backend)
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    let mut v2 = vec![v1[0].clone()];
    v2[0].key = "other".into();
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let log = cloud.snapshot().log;
    let ops: Vec<(&str, &str)> = log
        .iter()
        .skip(3)
        .map(|c| (c.operation, c.logical_id.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            ("delete", "UserOfUser"),
            ("delete", "User"),
            ("delete", "Base"),
            ("create", "Base")
        ]
    );
    assert_eq!(cloud.snapshot().conflicts, 0, "no delete was refused");
}

#[tokio::test]
async fn a_failure_stops_only_what_depends_on_it() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        fail_create: ["Broken".to_owned()].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    // broken <- child <- grandchild ; fine <- sibling
    let spec = vec![
        node("broken", &[]),
        node("child", &[0]),
        node("grandchild", &[1]),
        node("fine", &[]),
        node("sibling", &[3]),
    ];
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(!report.succeeded());
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "Broken");
    assert!(
        report.failed[0].1.contains("refused by the test"),
        "{:?}",
        report.failed
    );
    let mut skipped = report.skipped.clone();
    skipped.sort();
    assert_eq!(skipped, ["Child", "Grandchild"]);
    let state = backend.snapshot().state.unwrap();
    let recorded: Vec<&String> = state.resources.keys().collect();
    assert_eq!(
        recorded,
        ["Fine", "Sibling"],
        "the independent branch finished and was recorded"
    );

    cloud.set_faults(Faults::default());
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.succeeded());
    assert_eq!(report.calls.create, 3);
}

#[tokio::test]
async fn dispatch_has_no_level_barriers() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    // A slow resource with a dependent, and a fast chain beside it: the chain's third link must
    // finish while the slow resource is still being created.
    // Latency is per type, so the slow resource has a type of its own.
    let slow_latency = Duration::from_millis(300);
    let mut stack = stratus::Stack::new("s", stratus::Environment::region("us-east-1"));
    let slow = stack.add(
        "slow",
        SlowThing {
            name: "slow".into(),
        },
    );
    stack.add(
        "after-slow",
        support::graphs::Thing {
            name: "a".into(),
            key: "k".into(),
            deps: vec![slow.attr("Arn")],
        },
    );
    let f1 = stack.add(
        "fast1",
        support::graphs::Thing {
            name: "1".into(),
            key: "k".into(),
            deps: vec![],
        },
    );
    let f2 = stack.add(
        "fast2",
        support::graphs::Thing {
            name: "2".into(),
            key: "k".into(),
            deps: vec![f1.attr("Arn")],
        },
    );
    stack.add(
        "fast3",
        support::graphs::Thing {
            name: "3".into(),
            key: "k".into(),
            deps: vec![f2.attr("Arn")],
        },
    );
    cloud.set_faults(Faults {
        latency: [("Test::Fake::Slow".to_owned(), slow_latency)].into(),
        ..Faults::default()
    });
    let report = deployer(&cloud, &backend).deploy(&stack).await.unwrap();
    assert!(report.succeeded());
    let log = cloud.snapshot().log;
    let finished = |id: &str| log.iter().find(|c| c.logical_id == id).unwrap().finished;
    let started = |id: &str| log.iter().find(|c| c.logical_id == id).unwrap().started;
    assert!(
        finished("Fast3") < finished("Slow"),
        "the fast chain waited for the slow resource"
    );
    assert!(
        started("AfterSlow") >= finished("Slow"),
        "a dependent started before its dependency finished"
    );
}

#[derive(stratus::Resource)]
#[resource(type = "Test::Fake::Slow")]
struct SlowThing {
    name: String,
}

#[tokio::test]
async fn throttling_lowers_concurrency_and_retries() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        throttle_first: 6,
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let spec: Vec<NodeSpec> = (0..10).map(|i| node(&format!("t{i}"), &[])).collect();
    let retries = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&retries);
    let observer: Arc<dyn Observer> = Arc::new(move |e: &Event| {
        if matches!(e, Event::Retrying { .. }) {
            *counter.lock().unwrap() += 1;
        }
    });
    let report = deployer(&cloud, &backend)
        .observer(observer)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(cloud.by_logical_id("s").len(), 10);
    assert_eq!(cloud.snapshot().throttles, 6);
    assert_eq!(*retries.lock().unwrap(), 6);
    assert_eq!(
        report.calls.create, 16,
        "ten creates and six retried attempts"
    );
}

#[tokio::test]
async fn throttling_cuts_what_is_in_flight_and_successes_win_it_back() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        throttle_first: 12,
        latency: [("Test::Fake::Thing".to_owned(), Duration::from_millis(5))].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let spec: Vec<NodeSpec> = (0..60).map(|i| node(&format!("t{i}"), &[])).collect();
    let limits = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&limits);
    let observer: Arc<dyn Observer> = Arc::new(move |e: &Event| {
        if let Event::Concurrency { limit } = e {
            seen.lock().unwrap().push(*limit);
        }
    });
    let report = deployer(&cloud, &backend)
        .observer(observer)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(cloud.by_logical_id("s").len(), 60, "no duplicate");
    let limits = limits.lock().unwrap().clone();
    let lowest = report.lowest_concurrency.expect("the run was throttled");
    // 60 calls were in flight when the first throttles came back: the cut is from there, not
    // from the configured 1024.
    assert!(lowest < 60, "lowest {lowest}, limits {limits:?}");
    assert_eq!(limits.iter().min(), Some(&lowest));
    let at_lowest = limits.iter().position(|&l| l == lowest).unwrap();
    let recovered = limits[at_lowest..].iter().max().copied().unwrap_or(lowest);
    assert!(
        recovered > lowest,
        "the limit grew again after its low: {limits:?}"
    );
    assert_eq!(report.calls.retries, 12);
}

#[tokio::test]
async fn a_lost_answer_is_retried_without_making_a_second_resource() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let v1 = vec![node("a", &[]), node("b", &[0]), node("c", &[0, 1])];
    let every = |spec: &[NodeSpec]| -> std::collections::BTreeSet<String> {
        build("s", spec)
            .graph()
            .nodes()
            .map(|(_, n)| n.logical_id.clone())
            .collect()
    };
    cloud.set_faults(Faults {
        lose_answer_once: every(&v1),
        ..Faults::default()
    });
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(cloud.snapshot().lost_answers, 3);
    assert_eq!(report.calls.retries, 3);
    for (id, found) in cloud.by_logical_id("s") {
        assert_eq!(found.len(), 1, "{id}: {found:?}");
    }
    // Updates and replacements whose answers are lost: retried, one resource each.
    let mut v2 = v1.clone();
    v2[0].name = "renamed".into();
    v2[1].key = "rekeyed".into();
    cloud.set_faults(Faults {
        lose_answer_once: every(&v2),
        ..Faults::default()
    });
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    for (id, found) in cloud.by_logical_id("s") {
        assert_eq!(found.len(), 1, "{id}: {found:?}");
    }
    let plan = deployer(&cloud, &backend)
        .plan(&build("s", &v2))
        .await
        .unwrap();
    assert!(!plan.has_changes(), "{}", plan.render(false));
    cloud.set_faults(Faults {
        lose_answer_once: every(&v2),
        ..Faults::default()
    });
    let report = deployer(&cloud, &backend).destroy("s").await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(cloud.by_logical_id("s").is_empty());
}

#[tokio::test]
async fn destroy_deletes_dependents_first() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let spec = vec![
        node("root", &[]),
        node("mid", &[0]),
        node("leaf", &[1]),
        node("side", &[0]),
    ];
    deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    let report = deployer(&cloud, &backend).destroy("s").await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(report.calls.delete, 4);
    assert_eq!(
        cloud.snapshot().conflicts,
        0,
        "a delete hit a dependency violation"
    );
    assert!(cloud.by_logical_id("s").is_empty());
    assert!(backend.snapshot().state.unwrap().resources.is_empty());
}

#[tokio::test]
async fn removed_resources_are_deleted_after_their_dependents() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let v1 = vec![
        node("keep", &[]),
        node("gone", &[]),
        node("gone-child", &[1]),
    ];
    deployer(&cloud, &backend)
        .deploy(&build("s", &v1))
        .await
        .unwrap();
    let v2 = vec![node("keep", &[])];
    let plan = deployer(&cloud, &backend)
        .plan(&build("s", &v2))
        .await
        .unwrap();
    assert_eq!(plan.summary.delete, 2);
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &v2))
        .await
        .unwrap();
    assert!(report.succeeded());
    assert_eq!(cloud.snapshot().conflicts, 0);
    assert_eq!(
        cloud.by_logical_id("s").keys().collect::<Vec<_>>(),
        ["Keep"]
    );
}

#[tokio::test]
async fn an_interrupted_run_finishes_in_flight_calls_saves_and_unlocks() {
    let cloud = FakeCloud::new();
    cloud.set_faults(Faults {
        latency: [("Test::Fake::Thing".to_owned(), Duration::from_millis(20))].into(),
        ..Faults::default()
    });
    let backend = MemoryBackend::new();
    let spec: Vec<NodeSpec> = (0..6)
        .map(|i| node(&format!("c{i}"), if i == 0 { &[] } else { &[0] }))
        .collect();
    let deployer = deployer(&cloud, &backend).options(ApplyOptions {
        concurrency: 2,
        ..fast()
    });
    let cancel = deployer.cancel_handle();
    let observer: Arc<dyn Observer> = Arc::new(move |e: &Event| {
        if matches!(e, Event::Finished { .. }) {
            cancel.cancel();
        }
    });
    let report = deployer
        .observer(observer)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.interrupted);
    assert!(!report.postponed.is_empty());
    let store = backend.snapshot();
    assert!(store.lock.is_none(), "the lock was released");
    assert!(store.journal.is_empty(), "finished calls were saved");
    let recorded = store.state.unwrap().resources.len();
    assert_eq!(
        recorded,
        cloud.by_logical_id("s").len(),
        "state matches what was created"
    );
    // The next run finishes the job.
    let report = deployer_again(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert!(report.succeeded());
    assert_eq!(cloud.by_logical_id("s").len(), 6);
}

fn deployer_again(cloud: &FakeCloud, backend: &MemoryBackend) -> Deployer {
    deployer(cloud, backend)
}

#[tokio::test]
async fn a_second_run_is_refused_while_the_lock_is_held() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    backend
        .lock(&stratus::deploy::LockHolder::this_process("deploy"))
        .await
        .unwrap();
    let refused = deployer(&cloud, &backend)
        .deploy(&build("s", &[node("a", &[])]))
        .await;
    match refused {
        Err(EngineError::State(StateError::Locked { holder, .. })) => {
            assert_eq!(holder.pid, std::process::id());
            assert_eq!(holder.operation, "deploy");
        }
        other => panic!("expected a lock error, got {other:?}"),
    }
    assert_eq!(cloud.snapshot().mutating_calls, 0);
    let removed = deployer(&cloud, &backend).force_unlock().await.unwrap();
    assert!(removed.is_some());
    assert!(
        deployer(&cloud, &backend)
            .deploy(&build("s", &[node("a", &[])]))
            .await
            .unwrap()
            .succeeded()
    );
}

/// A provider that manages only `Test::Fake::Thing`.
struct Picky(FakeCloud);

#[async_trait::async_trait]
impl stratus::deploy::Provider for Picky {
    fn contract(&self, type_name: &str) -> Option<stratus::deploy::TypeContract> {
        (type_name == "Test::Fake::Thing")
            .then(|| self.0.contract(type_name))
            .flatten()
    }
    async fn create(
        &self,
        r: stratus::deploy::CreateRequest<'_>,
    ) -> Result<stratus::deploy::Created, stratus::deploy::ProviderError> {
        self.0.create(r).await
    }
    async fn read(
        &self,
        t: &str,
        p: &str,
    ) -> Result<Option<stratus::deploy::Live>, stratus::deploy::ProviderError> {
        self.0.read(t, p).await
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
async fn resources_the_provider_cannot_manage_are_refused_before_any_call() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let mut stack = build("s", &[node("fine", &[])]);
    stack.add("slow", SlowThing { name: "x".into() });
    let deployer = Deployer::new(Arc::new(Picky(cloud.clone())), Arc::new(backend.clone()));
    match deployer.deploy(&stack).await {
        Err(EngineError::Unsupported(refused)) => {
            assert_eq!(refused.len(), 1);
            assert_eq!(refused[0].0, "s/slow");
            assert!(
                refused[0].1.contains("does not manage Test::Fake::Slow"),
                "{refused:?}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(cloud.snapshot().mutating_calls, 0, "a call was made");
    assert!(backend.snapshot().lock.is_none(), "the lock was released");
}

#[tokio::test]
async fn plan_after_a_crash_does_not_promise_to_create_what_exists() {
    use stratus::deploy::{JournalEntry, Operation, Provider};
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let spec = vec![node("made", &[])];
    // A run died after creating `Made` and before journalling `Done`.
    let ownership: std::collections::BTreeMap<String, String> = [
        ("stratus:stack".to_owned(), "s".to_owned()),
        ("stratus:logical-id".to_owned(), "Made".to_owned()),
        ("stratus:token".to_owned(), "tok-1".to_owned()),
    ]
    .into();
    let inputs = deployer(&cloud, &backend)
        .plan(&build("s", &spec))
        .await
        .unwrap()
        .changes[0]
        .properties
        .iter()
        .map(|p| (p.name.clone(), p.after.clone().unwrap()))
        .collect::<stratus::deploy::Inputs>();
    let request = stratus::deploy::CreateRequest {
        type_name: "Test::Fake::Thing",
        logical_id: "Made",
        inputs: &inputs,
        token: "tok-1",
        ownership: &ownership,
        resume: None,
    };
    cloud.create(request).await.unwrap();
    backend
        .append(&JournalEntry::Intent {
            seq: 0,
            logical_id: "Made".into(),
            operation: Operation::Create,
            type_name: "Test::Fake::Thing".into(),
            token: "tok-1".into(),
            ownership,
            physical_id: None,
            inputs: Some(inputs),
            depends_on: Vec::new(),
            removal: None,
            snapshot: None,
            path: None,
        })
        .await
        .unwrap();
    let plan = deployer(&cloud, &backend)
        .plan(&build("s", &spec))
        .await
        .unwrap();
    assert_eq!(
        plan.change("Made").unwrap().action,
        Action::NoOp,
        "{}",
        plan.render(false)
    );
    assert!(
        !backend.snapshot().journal.is_empty(),
        "plan must not write"
    );
    let report = deployer(&cloud, &backend)
        .deploy(&build("s", &spec))
        .await
        .unwrap();
    assert_eq!(report.plan.change("Made").unwrap().action, Action::NoOp);
    let creates = cloud
        .snapshot()
        .log
        .iter()
        .filter(|c| c.operation == "create" && c.logical_id == "Made")
        .count();
    assert_eq!(creates, 1, "the deploy adopts instead of creating again");
    assert_eq!(cloud.by_logical_id("s")["Made"].len(), 1);
}
