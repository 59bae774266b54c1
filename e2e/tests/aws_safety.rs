//! Deploy safety end to end on moto server (a local AWS API emulator on 127.0.0.1, started by
//! the fixture): a stranger's database is refused and left alone; a stack tag updates tags
//! only; an instance type changes in place; changes made outside Stratus show in `drift` and
//! `plan` and are put back; `destroy` keeps a final snapshot and the file system and says so.
//! Everything is checked with describe calls written here.

#[path = "../../examples/three_tier/stack.rs"]
mod three_tier;

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use stratus::aws::testing::Moto;
use stratus::aws::{AwsProvider, S3Backend, Wait, s3_client};
use stratus::deploy::{Action, ApplyOptions, Deployer, DriftStatus};
use stratus::removal::RemovalPolicy;
use three_tier::Settings;

async fn deployer(config: &SdkConfig) -> Deployer {
    let s3 = s3_client(config);
    let _ = s3.create_bucket().bucket("stratus-state").send().await;
    let provider = AwsProvider::new(config).with_wait(Wait::uniform(
        Duration::from_millis(20),
        Duration::from_secs(120),
    ));
    Deployer::new(
        Arc::new(provider),
        Arc::new(S3Backend::new(s3, "stratus-state", "project-x.state.json")),
    )
    .options(ApplyOptions {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        // Dependency violations waited out for this long (AWS: 30 min).
        conflict_timeout: Duration::from_secs(60),
        ..ApplyOptions::default()
    })
}

/// The reference stack without the edge (CloudFront, zone, certificate): quicker, and what
/// these scenarios are about is elsewhere.
fn settings() -> Settings {
    Settings {
        edge: false,
        ..Settings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_someone_else_made_is_refused_and_left_alone() {
    let moto = Moto::start();
    let config = moto.config().await;
    let rds = aws_sdk_rds::Client::new(&config);
    rds.create_db_instance()
        .db_instance_identifier("project-x-db")
        .engine("mysql")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .manage_master_user_password(true)
        .tags(
            aws_sdk_rds::types::Tag::builder()
                .key("owner")
                .value("another-team")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let arn = rds
        .describe_db_instances()
        .db_instance_identifier("project-x-db")
        .send()
        .await
        .unwrap()
        .db_instances()[0]
        .db_instance_arn()
        .unwrap()
        .to_owned();

    let deployer = deployer(&config).await;
    let report = deployer
        .deploy(&three_tier::build_with(&settings()).stack)
        .await
        .unwrap();
    let (_, message) = report
        .failed
        .iter()
        .find(|(id, _)| id == "Db")
        .expect("the database's create is refused");
    assert!(
        message.contains("project-x-db already exists and is not this stack's")
            && message.contains("it carries no stratus:stack tag")
            && message.contains("import project-x/db project-x-db"),
        "{message}"
    );
    assert!(
        report.skipped.contains(&"DbReplica".to_owned()),
        "{:?}",
        report.skipped
    );
    let recorded = deployer
        .plan(&three_tier::build_with(&settings()).stack)
        .await
        .unwrap();
    assert_eq!(
        recorded.change("Db").unwrap().action,
        Action::Create,
        "not adopted"
    );

    let destroyed = deployer.destroy("project-x").await.unwrap();
    assert!(destroyed.succeeded(), "{:?}", destroyed.failed);
    let tags = rds
        .list_tags_for_resource()
        .resource_name(&arn)
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = tags
        .tag_list()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert_eq!(tags, [("owner", "another-team")], "its tags were touched");
    let db = rds
        .describe_db_instances()
        .db_instance_identifier("project-x-db")
        .send()
        .await
        .unwrap();
    assert_eq!(db.db_instances()[0].db_instance_status(), Some("available"));
}

async fn asg_max(config: &SdkConfig) -> Option<i32> {
    aws_sdk_autoscaling::Client::new(config)
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("project-x-asg")
        .send()
        .await
        .unwrap()
        .auto_scaling_groups()[0]
        .max_size()
}

/// The database group's inbound rules on 3306.
async fn database_rules(config: &SdkConfig) -> Vec<String> {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let group = group_id(config, "DbSg").await;
    let rules = ec2
        .describe_security_group_rules()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .values(&group)
                .build(),
        )
        .send()
        .await
        .unwrap();
    rules
        .security_group_rules()
        .iter()
        .filter(|r| r.is_egress() == Some(false) && r.from_port() == Some(3306))
        .filter_map(|r| r.security_group_rule_id().map(str::to_owned))
        .collect()
}

/// The id of the stack's security group `logical_id`, found by its ownership tag.
async fn group_id(config: &SdkConfig, logical_id: &str) -> String {
    let groups = aws_sdk_ec2::Client::new(config)
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:stratus:logical-id")
                .values(logical_id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    groups.security_groups()[0].group_id().unwrap().to_owned()
}

/// The group's live rules, as `(egress, protocol, from port, cidr)`.
async fn group_rules(config: &SdkConfig, group: &str) -> Vec<(bool, String, i32, String)> {
    let rules = aws_sdk_ec2::Client::new(config)
        .describe_security_group_rules()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .values(group)
                .build(),
        )
        .send()
        .await
        .unwrap();
    rules
        .security_group_rules()
        .iter()
        .map(|r| {
            (
                r.is_egress().unwrap_or_default(),
                r.ip_protocol().unwrap_or_default().to_owned(),
                r.from_port().unwrap_or(-1),
                r.cidr_ipv4().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Opens the load balancer's group to all outbound traffic and the database's group to SSH
/// from anywhere, as someone in the console would.
async fn open_groups_outside_stratus(config: &SdkConfig) -> (String, String) {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let (lb, db) = (
        group_id(config, "LbSg").await,
        group_id(config, "DbSg").await,
    );
    let anywhere = |protocol: &str, port: Option<i32>| {
        aws_sdk_ec2::types::IpPermission::builder()
            .ip_protocol(protocol)
            .set_from_port(port)
            .set_to_port(port)
            .ip_ranges(
                aws_sdk_ec2::types::IpRange::builder()
                    .cidr_ip("0.0.0.0/0")
                    .build(),
            )
            .build()
    };
    ec2.authorize_security_group_egress()
        .group_id(&lb)
        .ip_permissions(anywhere("-1", None))
        .send()
        .await
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&db)
        .ip_permissions(anywhere("tcp", Some(22)))
        .send()
        .await
        .unwrap();
    (lb, db)
}

/// Removes the database group's 3306 rule, as someone in the console would.
async fn revoke_database_rule(config: &SdkConfig) {
    let rules = database_rules(config).await;
    assert_eq!(rules.len(), 1, "{rules:?}");
    let ec2 = aws_sdk_ec2::Client::new(config);
    let rule = ec2
        .describe_security_group_rules()
        .security_group_rule_ids(&rules[0])
        .send()
        .await
        .unwrap();
    let group = rule.security_group_rules()[0]
        .group_id()
        .unwrap()
        .to_owned();
    ec2.revoke_security_group_ingress()
        .group_id(group)
        .security_group_rule_ids(&rules[0])
        .send()
        .await
        .unwrap();
}

/// The bastions' instance ids, found by their ownership tags.
async fn bastions(config: &SdkConfig) -> Vec<String> {
    let mut ids = Vec::new();
    for logical_id in ["BastionA", "BastionB"] {
        let out = aws_sdk_ec2::Client::new(config)
            .describe_instances()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("tag:stratus:logical-id")
                    .values(logical_id)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let found: Vec<String> = out
            .reservations()
            .iter()
            .flat_map(aws_sdk_ec2::types::Reservation::instances)
            .filter(|i| {
                i.state()
                    .and_then(|s| s.name())
                    .is_some_and(|n| n.as_str() == "running")
            })
            .filter_map(|i| i.instance_id().map(str::to_owned))
            .collect();
        assert_eq!(found.len(), 1, "{logical_id}: {found:?}");
        ids.extend(found);
    }
    ids
}

async fn bastion_type(config: &SdkConfig, instance: &str) -> String {
    aws_sdk_ec2::Client::new(config)
        .describe_instances()
        .instance_ids(instance)
        .send()
        .await
        .unwrap()
        .reservations()[0]
        .instances()[0]
        .instance_type()
        .unwrap()
        .as_str()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // one scenario, step by step
async fn updates_drift_and_destroy_keep_to_the_contract() {
    let moto = Moto::start();
    let config = moto.config().await;
    let deployer = deployer(&config).await;
    let first = deployer
        .deploy(&three_tier::build_with(&settings()).stack)
        .await
        .unwrap();
    assert!(first.succeeded(), "{:?}", first.failed);

    // A stack tag: tag updates only, then nothing.
    let mut tagged = three_tier::build_with(&settings()).stack;
    tagged.tag("CostCentre", "web");
    let plan = deployer.plan(&tagged).await.unwrap();
    assert_eq!(
        plan.summary.create + plan.summary.replace + plan.summary.delete,
        0
    );
    for change in plan.changes.iter().filter(|c| c.action != Action::NoOp) {
        assert_eq!(change.action, Action::Update, "{}", plan.render(false));
        assert!(
            change.properties.iter().all(|p| p.name.ends_with("Tags")),
            "{} changes {:?}",
            change.logical_id,
            change.properties
        );
    }
    let tagged_run = deployer.deploy(&tagged).await.unwrap();
    assert!(tagged_run.succeeded(), "{:?}", tagged_run.failed);
    println!(
        "stack tag: {} updates planned, calls {:?}",
        plan.summary.update, tagged_run.calls
    );
    let again = deployer.plan(&tagged).await.unwrap();
    assert!(!again.has_changes(), "{}", again.render(false));

    // The bastion's instance type changes in place and reads back changed.
    let bigger = Settings {
        bastion_type: "t3.small".into(),
        ..settings()
    };
    let mut bigger_stack = three_tier::build_with(&bigger).stack;
    bigger_stack.tag("CostCentre", "web");
    let plan = deployer.plan(&bigger_stack).await.unwrap();
    let mut changed: Vec<(&str, &Action)> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| (c.logical_id.as_str(), &c.action))
        .collect();
    changed.sort_unstable_by_key(|(id, _)| *id);
    assert_eq!(
        changed,
        [("BastionA", &Action::Update), ("BastionB", &Action::Update)],
        "{}",
        plan.render(false)
    );
    let report = deployer.deploy(&bigger_stack).await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(
        (
            report.calls.update,
            report.calls.create,
            report.calls.delete
        ),
        (2, 0, 0)
    );
    let recorded = deployer.drift("project-x").await.unwrap();
    assert!(!recorded.has_drift(), "{recorded:?}");
    for instance in bastions(&config).await {
        assert_eq!(bastion_type(&config, &instance).await, "t3.small");
    }
    let state = deployer.plan(&bigger_stack).await.unwrap();
    assert!(!state.has_changes(), "{}", state.render(false));

    // Changes made outside Stratus: the ASG's max and a security-group rule.
    aws_sdk_autoscaling::Client::new(&config)
        .update_auto_scaling_group()
        .auto_scaling_group_name("project-x-asg")
        .max_size(10)
        .send()
        .await
        .unwrap();
    revoke_database_rule(&config).await;
    let drift = deployer.drift("project-x").await.unwrap();
    assert_eq!(drift.resources.len(), 2, "{drift:?}");
    assert_eq!(
        drift.resource("DbSgFromAppSgTcp3306").unwrap().status,
        DriftStatus::Deleted
    );
    let asg = drift.resource("Asg").expect("the ASG drifted");
    match &asg.status {
        DriftStatus::Modified { properties } => {
            assert_eq!(properties.len(), 1, "{properties:?}");
            assert_eq!(properties[0].name, "MaxSize");
            assert_eq!(properties[0].recorded, "6");
            assert_eq!(properties[0].live.as_ref().unwrap(), "10");
        }
        DriftStatus::Deleted => panic!("{asg:?}"),
    }
    let plan = deployer.plan(&bigger_stack).await.unwrap();
    assert_eq!(
        plan.change("DbSgFromAppSgTcp3306").unwrap().action,
        Action::Create
    );
    let change = plan.change("Asg").unwrap();
    assert_eq!(change.action, Action::Update);
    assert_eq!(change.properties[0].before.as_ref().unwrap(), "10");
    assert_eq!(change.properties[0].after.as_ref().unwrap(), "6");
    let put_back = deployer.deploy(&bigger_stack).await.unwrap();
    assert!(put_back.succeeded(), "{:?}", put_back.failed);
    assert_eq!(asg_max(&config).await, Some(6));
    assert_eq!(database_rules(&config).await.len(), 1, "the rule is back");
    assert!(!deployer.drift("project-x").await.unwrap().has_drift());

    // Rules added outside Stratus to the stack's groups (issue 20, item 19): an allow-all
    // egress re-added where the declaration replaced it, SSH opened on the database's group.
    let (lb, db) = open_groups_outside_stratus(&config).await;
    let drift = deployer.drift("project-x").await.unwrap();
    let drifted: Vec<(&str, Vec<&str>)> = drift
        .resources
        .iter()
        .map(|r| match &r.status {
            DriftStatus::Modified { properties } => (
                r.logical_id.as_str(),
                properties.iter().map(|p| p.name.as_str()).collect(),
            ),
            DriftStatus::Deleted => (r.logical_id.as_str(), vec!["(deleted)"]),
        })
        .collect();
    assert_eq!(
        drifted,
        [
            ("DbSg", vec!["SecurityGroupIngress"]),
            ("LbSg", vec!["SecurityGroupEgress"])
        ],
        "{drift:?}"
    );
    let plan = deployer.plan(&bigger_stack).await.unwrap();
    assert_eq!(plan.change("DbSg").unwrap().action, Action::Update);
    assert_eq!(plan.change("LbSg").unwrap().action, Action::Update);
    let put_back = deployer.deploy(&bigger_stack).await.unwrap();
    assert!(put_back.succeeded(), "{:?}", put_back.failed);
    let open = |rules: &[(bool, String, i32, String)], egress: bool, protocol: &str| {
        rules
            .iter()
            .any(|r| r.0 == egress && r.1 == protocol && r.3 == "0.0.0.0/0")
    };
    let (lb_rules, db_rules) = (
        group_rules(&config, &lb).await,
        group_rules(&config, &db).await,
    );
    assert!(
        !open(&lb_rules, true, "-1"),
        "allow-all egress stays: {lb_rules:?}"
    );
    assert!(
        !open(&db_rules, false, "tcp"),
        "SSH stays open: {db_rules:?}"
    );
    assert_eq!(
        database_rules(&config).await.len(),
        1,
        "the stack's rule stays"
    );
    assert!(!deployer.drift("project-x").await.unwrap().has_drift());

    // Destroy keeps what the removal policies keep, and says so.
    let destroyed = deployer.destroy("project-x").await.unwrap();
    assert!(destroyed.succeeded(), "{:?}", destroyed.failed);
    let kept: Vec<String> = destroyed.kept.iter().map(ToString::to_string).collect();
    println!("kept:\n  {}", kept.join("\n  "));
    let snapshot = destroyed
        .kept
        .iter()
        .find(|k| k.logical_id == "Db")
        .and_then(|k| k.snapshot.clone())
        .expect("a final snapshot of the database");
    assert!(snapshot.starts_with("project-x-db-final-"), "{snapshot}");
    let efs = destroyed
        .kept
        .iter()
        .find(|k| k.logical_id == "Efs")
        .expect("the file system is retained");
    assert_eq!(efs.policy, RemovalPolicy::Retain);
    let rds = aws_sdk_rds::Client::new(&config);
    let snapshots = rds
        .describe_db_snapshots()
        .db_snapshot_identifier(&snapshot)
        .send()
        .await
        .unwrap();
    assert_eq!(snapshots.db_snapshots().len(), 1);
    let systems = aws_sdk_efs::Client::new(&config)
        .describe_file_systems()
        .file_system_id(&efs.physical_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        systems.file_systems().len(),
        1,
        "the file system was deleted"
    );
    let instances = rds.describe_db_instances().send().await.unwrap();
    assert!(instances.db_instances().is_empty());
}
