//! CloudFormation synthesis of the reference example: deterministic, readable, complete.

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use serde_json::{Value as Json, json};
use stratus::synth::{template, template_json};

#[test]
fn the_reference_template_is_snapshotted() {
    insta::assert_snapshot!("three_tier_template", template_json(&stack::build().stack));
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let first = template_json(&stack::build().stack);
    let second = template_json(&stack::build().stack);
    assert_eq!(first, second);
    assert!(first.ends_with("}\n"));
}

#[test]
fn every_resource_appears_with_a_readable_logical_id() {
    let tier = stack::build();
    let template = template(&tier.stack);
    let resources = template["Resources"].as_object().unwrap();
    // Every node but the two lookups (template parameters) and the file asset.
    assert_eq!(resources.len(), tier.stack.graph().len() - 3);
    let parameters = template["Parameters"].as_object().unwrap();
    assert_eq!(parameters["Zone"]["Type"], "AWS::Route53::HostedZone::Id");
    assert_eq!(parameters.len(), 2);
    for id in [
        "Vpc",
        "VpcPublicA",
        "VpcPrivateC",
        "VpcNatA",
        "Alb",
        "AlbHttp",
        "Asg",
        "AsgCpuScaling",
        "Db",
        "DbReplica",
        "Cdn",
    ] {
        assert!(resources.contains_key(id), "missing {id}");
    }
    assert_eq!(
        resources["VpcPrivateB"]["Metadata"]["stratus:path"],
        "project-x/vpc/private-b"
    );
}

#[test]
fn references_become_intrinsics() {
    let template = template(&stack::build().stack);
    let r = &template["Resources"];
    assert_eq!(
        r["VpcPublicA"]["Properties"]["VpcId"],
        json!({"Ref": "Vpc"})
    );
    assert_eq!(
        r["VpcNatA"]["Properties"]["AllocationId"],
        json!({"Fn::GetAtt": ["VpcNatAEip", "AllocationId"]})
    );
    assert_eq!(
        r["Cdn"]["Properties"]["DistributionConfig"]["Origins"][0]["DomainName"],
        json!({"Fn::GetAtt": ["Alb", "DNSName"]})
    );
    let user_data =
        &r["AppLt"]["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Join"];
    assert_eq!(user_data[0], "");
    assert!(
        user_data[1]
            .as_array()
            .unwrap()
            .contains(&json!({"Ref": "Efs"}))
    );
    assert_eq!(
        r["DbReplica"]["Properties"]["SourceDBInstanceIdentifier"],
        json!({"Ref": "Db"})
    );
}

#[test]
fn depends_on_only_where_no_reference_implies_it() {
    let template = template(&stack::build().stack);
    let resources = template["Resources"].as_object().unwrap();
    let with_depends_on: Vec<(&String, &Json)> = resources
        .iter()
        .filter_map(|(id, r)| r.get("DependsOn").map(|d| (id, d)))
        .collect();
    // The public default route needs the gateway attached; what maps public addresses (the
    // internet-facing balancer, the bastions in public subnets, the NAT's Elastic IP) is made
    // after it and deleted before it is detached.
    assert_eq!(
        with_depends_on,
        [
            (&"Alb".to_owned(), &json!(["VpcIgwAttachment"])),
            // Its instances mount the file system at boot.
            (
                &"AppLt".to_owned(),
                &json!(["EfsMountPrivateA", "EfsMountPrivateB", "EfsMountPrivateC"])
            ),
            (&"BastionA".to_owned(), &json!(["VpcIgwAttachment"])),
            (&"BastionB".to_owned(), &json!(["VpcIgwAttachment"])),
            (&"VpcNatAEip".to_owned(), &json!(["VpcIgwAttachment"])),
            (
                &"VpcPublicDefaultRoute".to_owned(),
                &json!(["VpcIgwAttachment"])
            )
        ]
    );
}

#[test]
fn tags_and_outputs() {
    let template = template(&stack::build().stack);
    let r = &template["Resources"];
    assert_eq!(
        r["Vpc"]["Properties"]["Tags"],
        json!([{"Key": "Environment", "Value": "prod"}, {"Key": "Name", "Value": "project-x-vpc"}])
    );
    assert_eq!(
        r["Asg"]["Properties"]["Tags"],
        json!([{"Key": "Environment", "Value": "prod", "PropagateAtLaunch": true}])
    );
    assert_eq!(
        r["Efs"]["Properties"]["FileSystemTags"],
        json!([{"Key": "Environment", "Value": "prod"}])
    );
    assert!(
        r["VpcPublicDefaultRoute"]["Properties"]
            .get("Tags")
            .is_none(),
        "routes take no tags"
    );
    let outputs = template["Outputs"].as_object().unwrap();
    assert_eq!(
        outputs["LoadBalancerDns"]["Value"],
        json!({"Fn::GetAtt": ["Alb", "DNSName"]})
    );
    assert_eq!(
        outputs["CloudFrontDomain"]["Value"],
        json!({"Fn::GetAtt": ["Cdn", "DomainName"]})
    );
    assert_eq!(
        outputs["DatabaseEndpoint"]["Value"],
        json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
    );
}
