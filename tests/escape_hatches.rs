//! Escape hatches: a raw resource of any type, and property overrides on what L2 constructs
//! emit, shown in synthesis and in the plan; a path that cannot be followed is a validation
//! error naming the construct and the property.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::sync::Arc;

use stratus::deploy::{Deployer, MemoryBackend};
use stratus::escape::RawResource;
use stratus::prelude::*;
use stratus::resource::TagStyle;
use stratus::synth::template_json;
use support::fake_cloud::FakeCloud;

fn template(stack: &Stack) -> serde_json::Value {
    serde_json::from_str(&template_json(stack)).unwrap()
}

#[test]
fn a_raw_resource_is_synthesized_with_its_references_and_tags() {
    let mut stack = Stack::new("alerts", Environment::region("us-east-1"));
    stack.tag("team", "ops");
    let topic = stack.add_raw(
        "alerts",
        RawResource::new("AWS::SNS::Topic")
            .property("TopicName", "alerts")
            .tags(TagStyle::List("Tags")),
    );
    let arn: Attr<String> = topic.attr("TopicArn");
    let subscription = stack.add_raw(
        "pager",
        RawResource::new("AWS::SNS::Subscription")
            .property("TopicArn", arn)
            .property("Protocol", "email")
            .property("Endpoint", "oncall@example.com")
            .replace_on(["Protocol", "Endpoint"]),
    );
    stack.validate().unwrap();
    let node = stack.node(subscription.id());
    assert_eq!(node.replace_on, ["Protocol", "Endpoint"]);
    assert_eq!(
        stack.graph().dependencies(subscription.id().node()).len(),
        1,
        "the attribute is an edge"
    );
    let json = template(&stack);
    assert_eq!(json["Resources"]["Alerts"]["Type"], "AWS::SNS::Topic");
    assert_eq!(
        json["Resources"]["Alerts"]["Properties"]["Tags"],
        serde_json::json!([{"Key": "team", "Value": "ops"}])
    );
    assert_eq!(
        json["Resources"]["Pager"]["Properties"]["TopicArn"],
        serde_json::json!({"Fn::GetAtt": ["Alerts", "TopicArn"]})
    );
}

#[test]
fn a_raw_resource_with_a_malformed_type_name_is_refused_naming_it() {
    let mut stack = Stack::new("alerts", Environment::region("us-east-1"));
    stack.add_raw("topic", RawResource::new("SNS::Topic"));
    let errors = stack.validate().unwrap_err().to_string();
    assert!(errors.contains("alerts/topic"), "{errors}");
    assert!(errors.contains("Vendor::Service::Type"), "{errors}");
}

#[test]
fn overrides_reach_nested_properties_and_list_items_of_l2_resources() {
    let mut tier = three_tier::build();
    let db = tier.db.id().id();
    let vpc = tier.vpc.id().id();
    let app_sg = tier.app_sg.id().id();
    let stack = &mut tier.stack;
    let db_groups_before: Vec<_> = stack.graph().dependencies(db.node());
    stack.override_property(db, "BackupRetentionPeriod", 14);
    // A map made on the way.
    stack.override_property(db, "MasterUserSecret.KmsKeyId", "alias/database");
    // A list item replaced: its reference (the database's own group) goes, the new one comes.
    let own_group = stack
        .node(db)
        .properties
        .get("VPCSecurityGroups")
        .and_then(|v| v.as_list())
        .map(|l| l[0].references()[0])
        .unwrap();
    stack.override_property(db, "VPCSecurityGroups.0", tier.app_sg.id());
    stack.remove_property(vpc, "EnableDnsHostnames");
    stack.validate().unwrap();
    let after = stack.graph().dependencies(db.node());
    assert!(after.iter().any(|(d, _)| *d == app_sg.node()));
    assert!(
        !after.iter().any(|(d, _)| *d == own_group.node()),
        "the replaced reference is no longer an edge: {db_groups_before:?} → {after:?}"
    );
    let json = template(stack);
    let props = &json["Resources"][&stack.node(db).logical_id]["Properties"];
    assert_eq!(props["BackupRetentionPeriod"], 14);
    assert_eq!(props["MasterUserSecret"]["KmsKeyId"], "alias/database");
    assert_eq!(
        props["VPCSecurityGroups"][0]["Ref"],
        stack.node(app_sg).logical_id
    );
    let vpc_props = &json["Resources"][&stack.node(vpc).logical_id]["Properties"];
    assert!(vpc_props.get("EnableDnsHostnames").is_none(), "{vpc_props}");
}

#[test]
fn an_override_the_schema_does_not_allow_is_caught_by_validation() {
    let mut tier = three_tier::build();
    let db = tier.db.id().id();
    tier.stack
        .override_property(db, "BackupRetentionPeriods", 14);
    let errors = tier.stack.validate().unwrap_err().to_string();
    assert!(
        errors.contains("project-x/db: BackupRetentionPeriods: AWS::RDS::DBInstance has no property BackupRetentionPeriods; did you mean BackupRetentionPeriod?"),
        "{errors}"
    );
}

#[test]
fn an_override_through_a_scalar_or_past_a_list_is_a_validation_error() {
    let mut tier = three_tier::build();
    let db = tier.db.id().id();
    tier.stack
        .override_property(db, "BackupRetentionPeriod.Days", 3);
    tier.stack
        .override_property(db, "VPCSecurityGroups.9", "sg-1");
    tier.stack.override_property(db, "A..B", 1);
    let errors = tier.stack.validate().unwrap_err();
    let text = errors.to_string();
    assert_eq!(errors.len(), 3, "{text}");
    assert!(text.contains("project-x/db"), "{text}");
    assert!(
        text.contains("cannot override BackupRetentionPeriod.Days: BackupRetentionPeriod holds"),
        "{text}"
    );
    assert!(text.contains("index 9 is past its end"), "{text}");
    assert!(text.contains("empty part"), "{text}");
}

#[tokio::test]
async fn the_plan_shows_an_override_of_a_deployed_resource() {
    let cloud = FakeCloud::new();
    let backend = MemoryBackend::new();
    let deployer = Deployer::new(Arc::new(cloud.clone()), Arc::new(backend.clone()));
    let mut tier = three_tier::build();
    assert!(deployer.deploy(&tier.stack).await.unwrap().succeeded());
    let db = tier.db.id().id();
    tier.stack
        .override_property(db, "BackupRetentionPeriod", 14);
    let plan = deployer.plan(&tier.stack).await.unwrap();
    let text = plan.render(false);
    assert!(plan.has_changes());
    assert!(text.contains("BackupRetentionPeriod"), "{text}");
    assert!(text.contains("14"), "{text}");
}
