//! Topology tests of the reference example, written with `stratus::testing` as a user would.

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use std::collections::BTreeSet;

use stratus::prelude::*;
use stratus::testing::{Inspect, Match};

#[test]
fn the_example_is_valid() {
    let tier = stack::build();
    tier.stack.validate().unwrap();
    assert_eq!(tier.stack.outputs().len(), 3);
}

#[test]
fn six_subnets_over_three_zones() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    inspect.assert_count("AWS::EC2::Subnet", 6);
    let zones: BTreeSet<&str> = inspect
        .all("AWS::EC2::Subnet")
        .iter()
        .filter_map(|s| s.property("AvailabilityZone").and_then(Value::as_str))
        .collect();
    assert_eq!(zones.len(), 3);
    inspect.assert_count("AWS::EC2::NatGateway", 1);
    inspect
        .resource("vpc")
        .assert_property("EnableDnsHostnames", Match::eq(true));
}

#[test]
fn the_auto_scaling_group_is_only_in_the_private_subnets() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let private: Vec<_> = tier
        .vpc
        .private_subnets()
        .iter()
        .map(|s| s.id().id())
        .collect();
    inspect
        .get(tier.asg.id().id())
        .assert_property("VPCZoneIdentifier", Match::refs_exactly(private))
        .assert_property("MinSize", Match::eq("2"))
        .assert_property("DesiredCapacity", Match::eq("4"))
        .assert_property("MaxSize", Match::eq("6"))
        .assert_property("TargetGroupARNs", Match::len(1));
    inspect.assert_has_properties(
        "AWS::AutoScaling::ScalingPolicy",
        &[(
            "TargetTrackingConfiguration",
            Match::contains([(
                "PredefinedMetricSpecification",
                Match::contains([(
                    "PredefinedMetricType",
                    Match::eq("ASGAverageCPUUtilization"),
                )]),
            )]),
        )],
    );
}

#[test]
fn the_database_is_reachable_only_from_the_app_tier_on_3306() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    assert!(inspect.can_reach(&tier.app_sg, &tier.db, Port::MYSQL));
    assert!(!inspect.can_reach(&tier.app_sg, &tier.db, Port::SSH));
    assert!(!inspect.can_reach(&tier.alb, &tier.db, Port::MYSQL));
    assert!(!inspect.can_reach(&tier.bastion_sg, &tier.db, Port::MYSQL));
    assert!(!inspect.internet_can_reach(&tier.db, Port::MYSQL));
    inspect
        .get(tier.db.id().id())
        .assert_property("MultiAZ", Match::eq(true))
        .assert_property("PubliclyAccessible", Match::eq(false))
        .assert_property("StorageEncrypted", Match::eq(true))
        .assert_property("ManageMasterUserPassword", Match::eq(true))
        .assert_property("DBName", Match::eq("newsreadb"));
}

#[test]
fn the_file_system_is_reachable_only_from_the_app_tier_on_2049() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    assert!(inspect.can_reach(&tier.app_sg, &tier.efs, Port::NFS));
    assert!(!inspect.can_reach(&tier.app_sg, &tier.efs, Port::MYSQL));
    assert!(!inspect.can_reach(&tier.bastion_sg, &tier.efs, Port::NFS));
    assert!(!inspect.can_reach(&tier.alb, &tier.efs, Port::NFS));
    assert!(!inspect.internet_can_reach(&tier.efs, Port::NFS));
    inspect.assert_count("AWS::EFS::MountTarget", 3);
    inspect
        .get(tier.efs.id().id())
        .assert_property("Encrypted", Match::eq(true));
}

#[test]
fn the_load_balancer_is_reachable_from_the_internet_on_80_and_nothing_else_is() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    assert!(inspect.internet_can_reach(&tier.alb, Port::HTTP));
    assert!(!inspect.internet_can_reach(&tier.alb, Port::HTTPS));
    assert!(inspect.can_reach(&tier.alb, &tier.app_sg, Port::tcp(5000)));
    assert!(!inspect.internet_can_reach(&tier.app_sg, Port::tcp(5000)));
    assert!(!inspect.internet_can_reach(&tier.app_sg, Port::SSH));
    // The bastions take SSH from the administrator's address only, which is on the internet.
    assert!(inspect.internet_can_reach(&tier.bastion_sg, Port::SSH));
    assert!(inspect.can_reach(&tier.bastion_sg, &tier.app_sg, Port::SSH));
}

#[test]
fn the_replica_has_the_primarys_engine() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let primary = inspect.get(tier.db.id().id());
    let replica = inspect.get(tier.replica.id().id());
    assert_eq!(replica.property("Engine"), primary.property("Engine"));
    assert_eq!(
        replica.property("Engine").and_then(Value::as_str),
        Some("mysql")
    );
    replica.assert_property("SourceDBInstanceIdentifier", Match::ref_to(tier.db.id()));
    assert!(inspect.can_reach(&tier.app_sg, &tier.replica, Port::MYSQL));
}

#[test]
fn the_role_can_read_exactly_the_database_secret_the_apps_keys_and_its_code() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let readable = inspect.allowed_resources(tier.role, "secretsmanager:GetSecretValue");
    let [secret_key, api_key] = tier.app_secrets;
    assert_eq!(
        readable,
        [
            tier.db.secret_arn().to_value(),
            secret_key.id().to_value(),
            api_key.id().to_value()
        ]
    );
    // The app's code: its one object in the asset bucket, nothing else there.
    assert_eq!(
        inspect.allowed_resources(tier.role, "s3:GetObject"),
        [tier.app_code.object_arn().to_value()]
    );
}

#[test]
fn the_edge_points_at_the_load_balancer() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let config = inspect.get(tier.cdn.expect("the edge is declared").id().id());
    config.assert_property(
        "DistributionConfig",
        Match::contains([
            (
                "DefaultCacheBehavior",
                Match::contains([
                    (
                        "CachePolicyId",
                        Match::eq("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
                    ),
                    (
                        "OriginRequestPolicyId",
                        Match::eq("216adef6-5c7f-47e4-b989-5492eafa07d3"),
                    ),
                ]),
            ),
            ("Aliases", Match::eq(vec![stack::DOMAIN.to_owned()])),
        ]),
    );
    let origin = &config
        .property("DistributionConfig")
        .unwrap()
        .get("Origins")
        .unwrap()
        .as_list()
        .unwrap()[0];
    assert_eq!(
        origin.get("DomainName"),
        Some(&tier.alb.dns_name().to_value())
    );
    inspect.assert_has_properties(
        "AWS::Route53::RecordSet",
        &[
            ("Name", Match::eq(stack::DOMAIN)),
            (
                "AliasTarget",
                Match::contains([(
                    "DNSName",
                    Match::ref_to(tier.cdn.expect("the edge is declared").id()),
                )]),
            ),
        ],
    );
}

#[test]
fn launch_template_and_bastions() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let data = Match::contains([
        ("InstanceType", Match::eq("t3.xlarge")),
        (
            "MetadataOptions",
            Match::contains([("HttpTokens", Match::eq("required"))]),
        ),
        ("IamInstanceProfile", Match::present()),
        ("UserData", Match::present()),
    ]);
    inspect
        .resource("app-lt")
        .assert_property("LaunchTemplateData", data);
    for bastion in tier.bastions {
        let subnet = inspect
            .get(bastion.id().id())
            .property("SubnetId")
            .and_then(Value::as_ref_id)
            .unwrap();
        assert!(
            tier.vpc
                .public_subnets()
                .iter()
                .any(|s| s.id().id() == subnet)
        );
    }
    // The user data carries the file system id and the secret ARN as references, not values.
    let lt = inspect.resource("app-lt");
    let user_data = lt
        .property("LaunchTemplateData")
        .and_then(|d| d.get("UserData"))
        .unwrap();
    assert!(user_data.references().contains(&tier.efs.id().id()));
    assert!(user_data.references().contains(&tier.db.id().id()));
    // The app's code comes from its file asset, not from the user data.
    assert!(user_data.references().contains(&tier.app_code.id().id()));
    // Every instance boots the newest Amazon Linux 2023, looked up once at deploy.
    let image = lt
        .property("LaunchTemplateData")
        .and_then(|d| d.get("ImageId"))
        .unwrap()
        .clone();
    let lookup = image.references()[0];
    let node = tier.stack.node(lookup);
    assert_eq!(node.type_name, "Stratus::Lookup::SsmParameter");
    assert_eq!(
        node.properties.get("Name"),
        Some(&Value::String(stratus::compute::AL2023_X86_64.into()))
    );
    for bastion in tier.bastions {
        assert_eq!(
            inspect.get(bastion.id().id()).property("ImageId"),
            Some(&image)
        );
    }
}

#[test]
fn failures_say_what_was_expected_and_found() {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let message = |f: &dyn Fn()| {
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .expect_err("the assertion should fail");
        err.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let text = message(&|| inspect.assert_count("AWS::EC2::Subnet", 4));
    assert!(
        text.starts_with("expected 4 AWS::EC2::Subnet, found 6: project-x/vpc/public-a"),
        "{text}"
    );
    let text = message(&|| {
        inspect
            .get(tier.db.id().id())
            .assert_property("MultiAZ", Match::eq(false));
    });
    assert_eq!(
        text,
        "project-x/db (AWS::RDS::DBInstance): MultiAZ: expected false, found true"
    );
    let text = message(&|| {
        inspect.resource("vpc/public-z");
    });
    assert!(
        text.starts_with("no resource at vpc/public-z; resources under vpc: vpc, vpc/igw"),
        "{text}"
    );
    let text = message(&|| {
        inspect.assert_has_properties("AWS::RDS::DBInstance", &[("Engine", Match::eq("postgres"))]);
    });
    assert!(
        text.contains("project-x/db: Engine: expected \"postgres\", found \"mysql\""),
        "{text}"
    );
    let text = message(&|| {
        inspect
            .get(tier.asg.id().id())
            .assert_property("VPCZoneIdentifier", Match::ref_to(tier.db.id()));
    });
    assert!(
        text.contains("found [Ref(project-x/vpc/private-a)"),
        "{text}"
    );
}

#[test]
fn what_maps_public_addresses_is_deleted_before_the_internet_gateway_is_detached() {
    // AWS refuses DetachInternetGateway with DependencyViolation while the VPC has mapped public
    // addresses (CloudFormation's DependsOn documentation, "When a DependsOn attribute is
    // required"): the balancer and the bastions depend on the attachment, as the NAT gateway's
    // Elastic IP already did.
    let tier = stack::build();
    let template: serde_json::Value =
        serde_json::from_str(&stratus::synth::template_json(&tier.stack)).unwrap();
    let resources = template["Resources"].as_object().unwrap();
    let depends_on = |logical_id: &str| -> Vec<String> {
        match &resources[logical_id]["DependsOn"] {
            serde_json::Value::String(one) => vec![one.clone()],
            serde_json::Value::Array(many) => many
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mapping_public_addresses: Vec<&String> = resources
        .iter()
        .filter(|(_, r)| {
            matches!(
                r["Type"].as_str(),
                Some(
                    "AWS::ElasticLoadBalancingV2::LoadBalancer"
                        | "AWS::EC2::Instance"
                        | "AWS::EC2::EIP"
                )
            )
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        mapping_public_addresses.len(),
        4,
        "{mapping_public_addresses:?}"
    );
    for id in mapping_public_addresses {
        assert!(
            depends_on(id).contains(&"VpcIgwAttachment".to_owned()),
            "{id} depends on {:?}",
            depends_on(id)
        );
    }
}

#[test]
fn a_stack_tag_change_leaves_every_launch_template_as_it_was() {
    // Stack tags once flowed into the templates' TagSpecifications: a new `Team` tag made a new
    // template version, which replaced both bastions and would roll the group.
    let data = |stack: &Stack| -> Vec<serde_json::Value> {
        let template: serde_json::Value =
            serde_json::from_str(&stratus::synth::template_json(stack)).unwrap();
        template["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == "AWS::EC2::LaunchTemplate")
            .map(|r| r["Properties"]["LaunchTemplateData"].clone())
            .collect()
    };
    let before = stack::build();
    let mut tagged = stack::build();
    tagged.stack.tag("Team", "web");
    let (before, after) = (data(&before.stack), data(&tagged.stack));
    assert_eq!(before.len(), 3);
    assert_eq!(before, after);
    // The instances and the group still carry the stack's tags themselves.
    let template: serde_json::Value =
        serde_json::from_str(&stratus::synth::template_json(&tagged.stack)).unwrap();
    let resources = &template["Resources"];
    assert!(
        resources["BastionA"]["Properties"]["Tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["Key"] == "Team")
    );
    assert!(
        resources["Asg"]["Properties"]["Tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["Key"] == "Team" && t["PropagateAtLaunch"] == true)
    );
}

#[test]
fn the_app_instances_launch_only_once_the_file_system_can_be_mounted() {
    // The boot script mounts EFS: the launch template (and so the group) waits for every
    // mount target, and is deleted before them.
    let tier = stack::build();
    let template: serde_json::Value =
        serde_json::from_str(&stratus::synth::template_json(&tier.stack)).unwrap();
    let resources = template["Resources"].as_object().unwrap();
    let targets: BTreeSet<&str> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::EFS::MountTarget")
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(targets.len(), 3);
    let waited_for: BTreeSet<&str> = resources["AppLt"]["DependsOn"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert_eq!(waited_for, targets);
}
