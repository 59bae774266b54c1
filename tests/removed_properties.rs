//! A property removed from a declaration (issue 20, item 17). AWS keeps a value an update does
//! not mention, and so does the in-process cloud now: the engine sends the property's default
//! from the type's contract, and refuses a removal no default can apply. A value set outside
//! Stratus where the declaration has nothing shows as drift.

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use stratus::deploy::{Action, ApplyOptions, Deployer, DriftStatus, MemoryBackend, Provider};
use stratus::prelude::*;
use support::fake_cloud::FakeCloud;

fn deployer(cloud: &FakeCloud, backend: &MemoryBackend) -> Deployer {
    Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone())).options(ApplyOptions {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..ApplyOptions::default()
    })
}

/// A VPC with DNS host names on; `without` removes one of its properties.
fn network(without: Option<&str>) -> Stack {
    let mut stack = Stack::new("net", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(1)
        .nat_gateways(1)
        .build(&mut stack);
    if let Some(property) = without {
        stack.remove_property(vpc.id().id(), property);
    }
    stack
}

/// The VPC's live value of `property`, read through the cloud.
async fn live(cloud: &FakeCloud, backend: &MemoryBackend, property: &str) -> serde_json::Value {
    let state = backend.snapshot().state.expect("a state");
    let vpc = &state.resources["Vpc"];
    let read = cloud.read(&vpc.type_name, &vpc.physical_id).await.unwrap();
    read.expect("the VPC").properties[property].clone()
}

#[tokio::test]
async fn a_removed_property_goes_back_to_awss_default_and_stays_compared() {
    let (cloud, backend) = (FakeCloud::new(), MemoryBackend::new());
    let deployer = deployer(&cloud, &backend);
    assert!(deployer.deploy(&network(None)).await.unwrap().succeeded());
    assert_eq!(
        live(&cloud, &backend, "EnableDnsHostnames").await,
        json!(true)
    );

    let removed = network(Some("EnableDnsHostnames"));
    let plan = deployer.plan(&removed).await.unwrap();
    let change = plan.change("Vpc").expect("the VPC changes");
    assert_eq!(change.action, Action::Update, "{}", plan.render(false));
    assert_eq!(change.properties[0].name, "EnableDnsHostnames");
    assert!(change.properties[0].after.is_none());
    let report = deployer.deploy(&removed).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    // Before the fix the update sent nothing for it, and AWS (and now this cloud) kept `true`.
    assert_eq!(
        live(&cloud, &backend, "EnableDnsHostnames").await,
        json!(false),
        "AWS's default"
    );
    assert!(!deployer.plan(&removed).await.unwrap().has_changes());

    // Turned on again outside Stratus: drift, though the declaration no longer names it.
    let state = backend.snapshot().state.unwrap();
    cloud.modify(
        &state.resources["Vpc"].physical_id,
        "EnableDnsHostnames",
        json!(true),
    );
    let drift = deployer.drift("net").await.unwrap();
    let vpc = drift.resource("Vpc").expect("the VPC drifted");
    match &vpc.status {
        DriftStatus::Modified { properties } => {
            assert_eq!(properties[0].name, "EnableDnsHostnames");
            assert_eq!(properties[0].recorded, json!(false));
        }
        DriftStatus::Deleted => panic!("{vpc:?}"),
    }
    assert!(deployer.deploy(&removed).await.unwrap().succeeded());
    assert_eq!(
        live(&cloud, &backend, "EnableDnsHostnames").await,
        json!(false)
    );
}

#[tokio::test]
async fn a_removal_no_default_can_apply_is_refused_before_any_call() {
    let (cloud, backend) = (FakeCloud::new(), MemoryBackend::new());
    let deployer = deployer(&cloud, &backend);
    let mut stack = Stack::new("app", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(1)
        .nat_gateways(1)
        .build(&mut stack);
    let group = stratus::elb::TargetGroup::builder("tg", &vpc).build(&mut stack);
    assert!(deployer.deploy(&stack).await.unwrap().succeeded());
    let before = cloud.snapshot().log.len();

    // The health check's protocol defaults to the target's: no one value resets it.
    stack.remove_property(group.id().id(), "HealthCheckProtocol");
    let refused = deployer.plan(&stack).await.unwrap_err().to_string();
    assert!(refused.contains("app/tg"), "names the construct: {refused}");
    assert!(refused.contains("HealthCheckProtocol"), "{refused}");
    assert!(
        refused.contains("declare the value you want"),
        "says the fix: {refused}"
    );
    let deploy = deployer.deploy(&stack).await;
    assert!(deploy.is_err(), "deploy refuses too");
    assert_eq!(
        cloud.snapshot().log.len(),
        before,
        "no call reached the cloud"
    );
}
