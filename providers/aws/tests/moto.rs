//! The AWS provider against moto server, a local AWS API emulator on 127.0.0.1 (PyPI
//! `moto[server]`; `.ci/run` installs it). The fixture starts it on a free port and stops it;
//! a missing `moto_server` fails the tests, it never skips them.
//!
//! What the emulator cannot show (delete order, throttling, eventual consistency) is tested on
//! the engine with an in-process cloud (`tests/engine.rs`, `tests/crash.rs` at the root).

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_ec2::types::Filter;
use stratus_aws::testing::Moto;
use stratus_aws::{AwsProvider, S3Backend, Wait, s3_client};
use stratus_core::deploy::{Action, Deployer, EngineError, LockHolder, StateBackend, StateError};
use stratus_core::prelude::*;

/// The reference stack's network: 10.0.0.0/16 over three zones, public and private subnets,
/// one NAT gateway, and the tiers' security groups wired with connections.
fn network(cidr: &str) -> Stack {
    let mut stack = Stack::new("project-x", Environment::region("us-east-1"));
    stack.tag("Environment", "prod");
    let vpc = Vpc::builder("vpc")
        .name("project-x-vpc")
        .cidr(cidr)
        .max_azs(3)
        .subnet_groups([
            SubnetGroup::public("public"),
            SubnetGroup::private_with_egress("private").mask(24),
        ])
        .nat_gateways(1)
        .build(&mut stack);
    let lb = SecurityGroup::builder("lb-sg", &vpc)
        .description("load balancer")
        .allow_all_outbound(false)
        .build(&mut stack);
    let app = SecurityGroup::builder("app-sg", &vpc)
        .description("logic tier")
        .build(&mut stack);
    let db = SecurityGroup::builder("db-sg", &vpc)
        .description("database")
        .build(&mut stack);
    stack
        .allow(Peer::any_ipv4(), &lb, Port::HTTP)
        .allow(lb, &app, Port::tcp(5000))
        .allow(app, &db, Port::MYSQL);
    stack
}

async fn deployer(config: &SdkConfig, bucket: &str) -> Deployer {
    let s3 = s3_client(config);
    let _ = s3.create_bucket().bucket(bucket).send().await;
    let provider = AwsProvider::new(config).with_wait(Wait::uniform(
        Duration::from_millis(50),
        Duration::from_secs(60),
    ));
    Deployer::new(
        Arc::new(provider),
        Arc::new(S3Backend::new(s3, bucket, "project-x.state.json")),
    )
}

/// Reads the deployed network back through describe calls written here, not the provider's.
async fn assert_network_deployed(ec2: &aws_sdk_ec2::Client) {
    let owned = Filter::builder()
        .name("tag:stratus:stack")
        .values("project-x")
        .build();
    let vpcs = ec2
        .describe_vpcs()
        .filters(owned.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(vpcs.vpcs().len(), 1);
    let vpc = &vpcs.vpcs()[0];
    assert_eq!(vpc.cidr_block(), Some("10.0.0.0/16"));
    let vpc_id = vpc.vpc_id().unwrap();
    assert!(
        vpc.tags()
            .iter()
            .any(|t| t.key() == Some("Environment") && t.value() == Some("prod"))
    );
    let hostnames = ec2
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames)
        .send()
        .await
        .unwrap();
    assert_eq!(
        hostnames
            .enable_dns_hostnames()
            .and_then(aws_sdk_ec2::types::AttributeBooleanValue::value),
        Some(true)
    );

    let subnets = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .send()
        .await
        .unwrap();
    let mut cidrs: Vec<(&str, bool)> = subnets
        .subnets()
        .iter()
        .map(|s| {
            (
                s.cidr_block().unwrap(),
                s.map_public_ip_on_launch().unwrap_or(false),
            )
        })
        .collect();
    cidrs.sort_unstable();
    assert_eq!(
        cidrs,
        [
            ("10.0.0.0/24", true),
            ("10.0.1.0/24", true),
            ("10.0.10.0/24", false),
            ("10.0.2.0/24", true),
            ("10.0.8.0/24", false),
            ("10.0.9.0/24", false)
        ]
    );
    let zones: std::collections::BTreeSet<_> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.availability_zone())
        .collect();
    assert_eq!(zones.len(), 3);

    assert_gateways_routes_and_groups(ec2, vpc_id).await;
}

/// The gateways, routes and security groups of the deployed network.
async fn assert_gateways_routes_and_groups(ec2: &aws_sdk_ec2::Client, vpc_id: &str) {
    let owned = Filter::builder()
        .name("tag:stratus:stack")
        .values("project-x")
        .build();
    let gateways = ec2
        .describe_internet_gateways()
        .filters(owned.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        gateways.internet_gateways()[0].attachments()[0].vpc_id(),
        Some(vpc_id)
    );
    let nats = ec2
        .describe_nat_gateways()
        .filter(owned.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(nats.nat_gateways().len(), 1);

    let tables = ec2
        .describe_route_tables()
        .filters(owned.clone())
        .send()
        .await
        .unwrap();
    let default_routes: Vec<(Option<&str>, Option<&str>)> = tables
        .route_tables()
        .iter()
        .flat_map(aws_sdk_ec2::types::RouteTable::routes)
        .filter(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
        .map(|r| (r.gateway_id(), r.nat_gateway_id()))
        .collect();
    assert_eq!(
        default_routes
            .iter()
            .filter(|(g, _)| g.is_some_and(|g| g.starts_with("igw-")))
            .count(),
        1
    );
    assert_eq!(
        default_routes.iter().filter(|(_, n)| n.is_some()).count(),
        3
    );

    let groups = ec2
        .describe_security_groups()
        .filters(owned.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(groups.security_groups().len(), 3);
    let by_description = |d: &str| {
        groups
            .security_groups()
            .iter()
            .find(|g| g.description() == Some(d))
            .unwrap()
    };
    let db = by_description("database");
    let app = by_description("logic tier");
    let mysql = db
        .ip_permissions()
        .iter()
        .find(|p| p.from_port() == Some(3306))
        .expect("a MySQL rule on the database group");
    assert_eq!(mysql.user_id_group_pairs()[0].group_id(), app.group_id());
    let lb = by_description("load balancer");
    assert!(
        !lb.ip_permissions_egress()
            .iter()
            .any(|p| p.ip_protocol() == Some("-1")),
        "the load balancer group kept allow-all egress"
    );
}

/// Asserts that nothing tagged as owned by the stack is left.
async fn assert_nothing_owned(ec2: &aws_sdk_ec2::Client) {
    let owned = Filter::builder()
        .name("tag:stratus:stack")
        .values("project-x")
        .build();
    for (what, count) in [
        (
            "vpcs",
            ec2.describe_vpcs()
                .filters(owned.clone())
                .send()
                .await
                .unwrap()
                .vpcs()
                .len(),
        ),
        (
            "subnets",
            ec2.describe_subnets()
                .filters(owned.clone())
                .send()
                .await
                .unwrap()
                .subnets()
                .len(),
        ),
        (
            "groups",
            ec2.describe_security_groups()
                .filters(owned.clone())
                .send()
                .await
                .unwrap()
                .security_groups()
                .len(),
        ),
        (
            "route tables",
            ec2.describe_route_tables()
                .filters(owned.clone())
                .send()
                .await
                .unwrap()
                .route_tables()
                .len(),
        ),
        (
            "gateways",
            ec2.describe_internet_gateways()
                .filters(owned.clone())
                .send()
                .await
                .unwrap()
                .internet_gateways()
                .len(),
        ),
    ] {
        assert_eq!(count, 0, "destroy left {count} {what}");
    }
    let nats = ec2
        .describe_nat_gateways()
        .filter(owned.clone())
        .send()
        .await
        .unwrap();
    assert!(
        nats.nat_gateways()
            .iter()
            .all(|n| n.state() == Some(&aws_sdk_ec2::types::NatGatewayState::Deleted))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_read_back_plan_change_and_destroy_the_network() {
    let moto = Moto::start();
    let config = moto.config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let deployer = deployer(&config, "stratus-state").await;

    let started = Instant::now();
    let report = deployer.deploy(&network("10.0.0.0/16")).await.unwrap();
    let deploy_time = started.elapsed();
    assert!(report.succeeded(), "{:?}", report.failed);
    println!(
        "deploy: {} resources in {deploy_time:?}, calls {:?}",
        report.plan.summary.create, report.calls
    );

    assert_network_deployed(&ec2).await;

    // Nothing changed: the plan is empty and a deploy makes no mutating call.
    let plan = deployer.plan(&network("10.0.0.0/16")).await.unwrap();
    assert!(!plan.has_changes(), "{}", plan.render(false));
    let again = deployer.deploy(&network("10.0.0.0/16")).await.unwrap();
    assert_eq!(again.calls.mutating(), 0);

    // A new VPC block plans a replacement.
    let plan = deployer.plan(&network("10.1.0.0/16")).await.unwrap();
    assert_eq!(
        plan.change("Vpc").unwrap().action,
        Action::Replace {
            because: vec!["CidrBlock".into()]
        }
    );

    let started = Instant::now();
    let destroyed = deployer.destroy("project-x").await.unwrap();
    println!(
        "destroy: {:?}, calls {:?}",
        started.elapsed(),
        destroyed.calls
    );
    assert!(destroyed.succeeded(), "{:?}", destroyed.failed);
    assert_nothing_owned(&ec2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_retries_reads_and_leaves_writes_to_the_engine() {
    use stratus_aws::testing::{Fault, FaultPlan, FaultProxy, config_for};
    use stratus_core::deploy::{CreateRequest, ErrorKind, Inputs, Provider};
    let moto = Moto::start();
    let proxy = FaultProxy::start(moto.endpoint());
    let provider = AwsProvider::new(&config_for(proxy.endpoint()).await);
    let always = |call: &str| FaultPlan {
        rate: 1.0,
        faults: vec![Fault::Throttle],
        only: vec![call.to_owned()],
        writes_only: false,
        seed: 1,
    };

    proxy.set_faults(Some(always("ec2:DescribeVpcs")));
    let read = provider
        .read("AWS::EC2::VPC", "vpc-0123456789abcdef0")
        .await;
    assert_eq!(read.map(|_| ()).unwrap_err().kind, ErrorKind::Throttled);
    assert_eq!(
        proxy.stats().calls["ec2:DescribeVpcs"],
        3,
        "a read gets the SDK's three attempts"
    );

    proxy.reset_stats();
    proxy.set_faults(Some(always("ec2:CreateVpc")));
    let mut inputs = Inputs::new();
    inputs.insert("CidrBlock".into(), "10.0.0.0/16".into());
    let ownership = std::collections::BTreeMap::from([
        ("stratus:stack".to_owned(), "s".to_owned()),
        ("stratus:logical-id".to_owned(), "Vpc".to_owned()),
        ("stratus:token".to_owned(), "stratus-0-1".to_owned()),
    ]);
    let created = provider
        .create(CreateRequest {
            type_name: "AWS::EC2::VPC",
            logical_id: "Vpc",
            inputs: &inputs,
            token: "stratus-0-1",
            ownership: &ownership,
            resume: None,
        })
        .await;
    assert_eq!(created.map(|_| ()).unwrap_err().kind, ErrorKind::Throttled);
    assert_eq!(
        proxy.stats().calls["ec2:CreateVpc"],
        1,
        "a write is tried once: the engine decides whether and how to retry"
    );

    proxy.reset_stats();
    proxy.set_faults(Some(FaultPlan {
        faults: vec![Fault::DropAfter],
        ..always("ec2:CreateVpc")
    }));
    let lost = provider
        .create(CreateRequest {
            type_name: "AWS::EC2::VPC",
            logical_id: "Vpc",
            inputs: &inputs,
            token: "stratus-0-1",
            ownership: &ownership,
            resume: None,
        })
        .await;
    assert_eq!(
        lost.map(|_| ()).unwrap_err().kind,
        ErrorKind::Unavailable,
        "an answer lost after the call took effect is an unknown outcome"
    );
    assert_eq!(proxy.stats().calls["ec2:CreateVpc"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deploys_at_once_with_s3_state_one_is_refused() {
    let moto = Moto::start();
    let config = moto.config().await;
    let first = deployer(&config, "stratus-locks").await;
    let backend = S3Backend::new(s3_client(&config), "stratus-locks", "project-x.state.json");
    backend
        .lock(&LockHolder::this_process("deploy"))
        .await
        .unwrap();
    match first.deploy(&network("10.0.0.0/16")).await {
        Err(EngineError::State(StateError::Locked { holder, .. })) => {
            assert_eq!(holder.operation, "deploy");
            assert_eq!(holder.pid, std::process::id());
        }
        other => panic!("expected the second deploy to be refused, got {other:?}"),
    }
    let removed = first.force_unlock().await.unwrap();
    assert!(removed.is_some());
    backend
        .lock(&LockHolder::this_process("deploy"))
        .await
        .unwrap();
    backend.unlock().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_runs_s3_lock_is_taken_over_once_with_a_conditional_write() {
    let moto = Moto::start();
    let config = moto.config().await;
    let deployer = deployer(&config, "stratus-stale").await;
    let backend = S3Backend::new(s3_client(&config), "stratus-stale", "project-x.state.json");
    // The lock of a process of this host that has exited.
    let mut exited = std::process::Command::new("true").spawn().unwrap();
    exited.wait().unwrap();
    let mut dead = serde_json::to_value(LockHolder::this_process("deploy")).unwrap();
    dead["pid"] = exited.id().into();
    dead["started"] = serde_json::Value::Null;
    let dead: LockHolder = serde_json::from_value(dead).unwrap();
    backend.lock(&dead).await.unwrap();

    // A contender whose idea of the holder is out of date loses: the object is not replaced.
    let other = LockHolder::this_process("someone-else");
    assert!(!backend.take_over(&other, &other).await.unwrap());

    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let events = seen.clone();
    let report = deployer
        .observer(Arc::new(move |e: &stratus_core::deploy::Event| {
            events.lock().unwrap().push(e.clone());
        }))
        .deploy(&network("10.0.0.0/16"))
        .await
        .expect("the dead run's lock is taken over");
    assert!(report.succeeded(), "{:?}", report.failed);
    let taken = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, stratus_core::deploy::Event::LockTakenOver { holder, .. } if *holder == dead))
        .count();
    assert_eq!(taken, 1);
    // Released after the run: the next lock is free.
    backend
        .lock(&LockHolder::this_process("deploy"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_entry_that_does_not_parse_stops_the_run() {
    let moto = Moto::start();
    let config = moto.config().await;
    let s3 = s3_client(&config);
    s3.create_bucket()
        .bucket("stratus-journal")
        .send()
        .await
        .unwrap();
    let backend = S3Backend::new(s3.clone(), "stratus-journal", "project-x.state.json");
    let entry = stratus_core::deploy::JournalEntry::Failed {
        seq: 0,
        message: "a call that failed".into(),
    };
    backend.append(&entry).await.unwrap();
    assert_eq!(backend.journal().await.unwrap(), [entry]);
    // A damaged entry among the good ones: skipping it could lose an intent.
    s3.put_object()
        .bucket("stratus-journal")
        .key("project-x.state.json.journal/zz-damaged.json")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"{\"entry\":\"intent\",\"se",
        ))
        .send()
        .await
        .unwrap();
    match backend.journal().await {
        Err(StateError::Corrupt { location, message }) => {
            assert!(location.ends_with("zz-damaged.json"), "{location}");
            assert!(
                message.contains("does not parse") && message.contains("delete the entry"),
                "{message}"
            );
        }
        other => panic!("expected the damaged entry to be refused, got {other:?}"),
    }
    let deployer = deployer(&config, "stratus-journal").await;
    match deployer.deploy(&network("10.0.0.0/16")).await {
        Err(EngineError::State(StateError::Corrupt { .. })) => {}
        other => panic!(
            "expected the deploy to stop, got {:?}",
            other.map(|r| r.calls)
        ),
    }
}
