//! The reference stack through the AWS provider against moto server (a local AWS API emulator
//! on 127.0.0.1, started and stopped by the fixture; installed by `.ci/run`), with AWS's own
//! behaviours that moto lacks played by the proxy in front of it (`AwsBehaviours`: instance
//! profiles that propagate late, new groups and roles invisible for a moment, a gateway that
//! cannot be detached while addresses are mapped, scaling activities that hold a delete),
//! every delay of AWS's and of Stratus's scaled by the same factor. Settings are read back with
//! describe calls written here, straight to the emulator, not through the provider.

#[path = "../../examples/three_tier/stack.rs"]
mod three_tier;

use std::sync::Arc;
use std::time::Instant;

use aws_sdk_ec2::types::Filter;
use stratus::aws::testing::{AwsBehaviours, FaultProxy, Moto};
use stratus::aws::{AwsProvider, S3Backend, Wait, s3_client};
use stratus::deploy::{Action, ApplyOptions, Deployer};
use three_tier::Settings;

/// The whole reference stack, edge included: its zone looked up, its image the newest Amazon
/// Linux 2023 (AWS's public parameter, which the emulator serves), its app a file asset.
fn settings() -> Settings {
    Settings::default()
}

/// The public zone that serves the domain, as the account of a real deploy has it; returns
/// its id.
async fn serving_zone(config: &aws_config::SdkConfig) -> String {
    let made = aws_sdk_route53::Client::new(config)
        .create_hosted_zone()
        .name(three_tier::DOMAIN)
        .caller_reference("registered-domain")
        .send()
        .await
        .unwrap();
    made.hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_owned()
}

/// The alias record went into the zone that was looked up, the instances boot the image the
/// lookup recorded (its value checked against SSM in `providers/aws/tests/assets_lookups.rs`),
/// and the app's code is in the asset bucket.
async fn assert_lookups_and_asset(config: &aws_config::SdkConfig, deployer: &Deployer, zone: &str) {
    let records = aws_sdk_route53::Client::new(config)
        .list_resource_record_sets()
        .hosted_zone_id(zone)
        .send()
        .await
        .unwrap();
    assert!(
        records
            .resource_record_sets()
            .iter()
            .any(|r| r.name().trim_end_matches('.') == three_tier::DOMAIN
                && r.alias_target().is_some()),
        "{records:?}"
    );
    let state = deployer.backend().load().await.unwrap().unwrap();
    assert_eq!(state.resources["Zone"].physical_id, zone);
    let image = state
        .resources
        .values()
        .find(|r| r.type_name == "Stratus::Lookup::SsmParameter")
        .and_then(|r| r.attributes["Value"].as_str())
        .unwrap()
        .to_owned();
    assert!(image.starts_with("ami-"), "{image}");
    let template = aws_sdk_ec2::Client::new(config)
        .describe_launch_template_versions()
        .launch_template_name("project-x-app-lt")
        .versions("$Latest")
        .send()
        .await
        .unwrap();
    let data = template.launch_template_versions()[0]
        .launch_template_data()
        .unwrap();
    assert_eq!(data.image_id(), Some(image.as_str()));
    let app = three_tier::build_with(&settings()).app_code;
    let object = s3_client(config)
        .head_object()
        .bucket("stratus-assets-123456789012-us-east-1")
        .key(app.object_key())
        .send()
        .await
        .unwrap();
    assert_eq!(object.metadata().unwrap()["stratus-hash"], app.hash());
}

async fn deployer(config: &aws_config::SdkConfig) -> Deployer {
    let s3 = s3_client(config);
    s3.create_bucket()
        .bucket("stratus-state")
        .send()
        .await
        .unwrap();
    // Stratus's own waits and budgets, scaled as AWS's delays are.
    let provider = AwsProvider::new(config).with_wait(Wait::default().scaled(TIME_FACTOR));
    Deployer::new(
        Arc::new(provider),
        Arc::new(S3Backend::new(s3, "stratus-state", "project-x.state.json")),
    )
    .options(ApplyOptions::default().scaled(TIME_FACTOR))
}

/// AWS's delays and Stratus's waits, twenty times faster: still long enough for an instance
/// profile made early in the deploy to be refused when the bastions launch.
const TIME_FACTOR: f64 = 0.05;

/// CloudFront's origin is the load balancer's DNS name, with the managed policies.
async fn assert_edge(config: &aws_config::SdkConfig, alb_dns: &str) {
    let cloudfront = aws_sdk_cloudfront::Client::new(config);
    let list = cloudfront.list_distributions().send().await.unwrap();
    let summary = &list.distribution_list().unwrap().items()[0];
    let distribution = cloudfront
        .get_distribution_config()
        .id(summary.id())
        .send()
        .await
        .unwrap();
    let distribution = distribution.distribution_config().unwrap();
    let origin = &distribution.origins().unwrap().items()[0];
    assert_eq!(origin.domain_name(), alb_dns);
    let behavior = distribution.default_cache_behavior().unwrap();
    assert_eq!(
        behavior.cache_policy_id(),
        Some("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
    );
    assert_eq!(
        behavior.origin_request_policy_id(),
        Some("216adef6-5c7f-47e4-b989-5492eafa07d3")
    );
    assert_eq!(
        distribution.aliases().map(|a| a.items().to_vec()),
        Some(vec![three_tier::DOMAIN.to_owned()])
    );
}

/// The file system is encrypted and mounted in the three private subnets.
async fn assert_file_system(config: &aws_config::SdkConfig) {
    let efs = aws_sdk_efs::Client::new(config);
    let systems = efs.describe_file_systems().send().await.unwrap();
    assert_eq!(systems.file_systems().len(), 1);
    let fs = &systems.file_systems()[0];
    assert_eq!(fs.encrypted(), Some(true));
    let mounts = efs
        .describe_mount_targets()
        .file_system_id(fs.file_system_id())
        .send()
        .await
        .unwrap();
    assert_eq!(mounts.mount_targets().len(), 3);
}

/// The auto scaling group (2/4/6, private subnets only) and the database with its replica.
async fn assert_compute_and_data(config: &aws_config::SdkConfig) {
    // The auto scaling group: 2/4/6, in the private subnets only.
    let asg = aws_sdk_autoscaling::Client::new(config);
    let groups = asg
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("project-x-asg")
        .send()
        .await
        .unwrap();
    let group = &groups.auto_scaling_groups()[0];
    assert_eq!(
        (group.min_size(), group.desired_capacity(), group.max_size()),
        (Some(2), Some(4), Some(6))
    );
    let ec2 = aws_sdk_ec2::Client::new(config);
    let zone_ids: Vec<&str> = group
        .vpc_zone_identifier()
        .unwrap_or_default()
        .split(',')
        .collect();
    let subnets = ec2
        .describe_subnets()
        .set_subnet_ids(Some(zone_ids.iter().map(|s| (*s).to_owned()).collect()))
        .send()
        .await
        .unwrap();
    let mut cidrs: Vec<&str> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.cidr_block())
        .collect();
    cidrs.sort_unstable();
    assert_eq!(
        cidrs,
        ["10.0.10.0/24", "10.0.8.0/24", "10.0.9.0/24"],
        "the group must use the private subnets only"
    );

    // The database: MySQL, Multi-AZ, encrypted, private, with a replica of the same engine.
    let rds = aws_sdk_rds::Client::new(config);
    let primary = rds
        .describe_db_instances()
        .db_instance_identifier("project-x-db")
        .send()
        .await
        .unwrap();
    let db = &primary.db_instances()[0];
    assert_eq!(db.engine(), Some("mysql"));
    assert_eq!(db.multi_az(), Some(true));
    assert_eq!(db.storage_encrypted(), Some(true));
    assert_eq!(db.publicly_accessible(), Some(false));
    assert_eq!(db.db_name(), Some("newsreadb"));
    let replica = rds
        .describe_db_instances()
        .db_instance_identifier("project-x-db-replica")
        .send()
        .await
        .unwrap();
    let replica = &replica.db_instances()[0];
    assert_eq!(
        replica.read_replica_source_db_instance_identifier(),
        Some("project-x-db")
    );
    assert_eq!(replica.engine(), Some("mysql"));
}

/// Nothing to do when unchanged; ASG max 6 -> 8 updates in place; a new VPC block replaces.
async fn assert_updates_and_replacements(deployer: &Deployer, config: &aws_config::SdkConfig) {
    let asg = aws_sdk_autoscaling::Client::new(config);
    let plan = deployer
        .plan(&three_tier::build_with(&settings()).stack)
        .await
        .unwrap();
    assert!(
        !plan.has_changes(),
        "{}\n{}",
        plan.render(false),
        serde_json::to_string_pretty(&plan.drift).unwrap()
    );
    let bigger = Settings {
        asg_max: 8,
        ..settings()
    };
    let report = deployer
        .deploy(&three_tier::build_with(&bigger).stack)
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(
        (
            report.calls.update,
            report.calls.create,
            report.calls.delete
        ),
        (1, 0, 0)
    );
    let groups = asg
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("project-x-asg")
        .send()
        .await
        .unwrap();
    assert_eq!(groups.auto_scaling_groups()[0].max_size(), Some(8));
    let moved = Settings {
        vpc_cidr: "10.1.0.0/16".into(),
        ..bigger.clone()
    };
    let plan = deployer
        .plan(&three_tier::build_with(&moved).stack)
        .await
        .unwrap();
    assert_eq!(
        plan.change("Vpc").unwrap().action,
        Action::Replace {
            because: vec!["CidrBlock".into()]
        }
    );
}

/// Nothing owned by the stack is left: VPCs and security groups by tag, groups and databases.
async fn assert_nothing_owned(config: &aws_config::SdkConfig) {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let owned = Filter::builder()
        .name("tag:stratus:stack")
        .values("project-x")
        .build();
    assert!(
        ec2.describe_vpcs()
            .filters(owned.clone())
            .send()
            .await
            .unwrap()
            .vpcs()
            .is_empty()
    );
    assert!(
        ec2.describe_security_groups()
            .filters(owned)
            .send()
            .await
            .unwrap()
            .security_groups()
            .is_empty()
    );
    let left = aws_sdk_autoscaling::Client::new(config)
        .describe_auto_scaling_groups()
        .send()
        .await
        .unwrap();
    assert!(left.auto_scaling_groups().is_empty());
    let left = aws_sdk_rds::Client::new(config)
        .describe_db_instances()
        .send()
        .await
        .unwrap();
    assert!(
        left.db_instances().is_empty(),
        "{:?}",
        left.db_instances()
            .iter()
            .map(|d| d.db_instance_identifier())
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_stack_deploys_reads_back_updates_and_destroys() {
    let moto = Moto::start();
    let config = moto.config().await;
    let proxy = FaultProxy::start(moto.endpoint());
    proxy.set_behaviours(Some(AwsBehaviours::scaled(TIME_FACTOR)));
    let via_aws_behaviours = stratus::aws::testing::config_for(proxy.endpoint()).await;
    let deployer = deployer(&via_aws_behaviours).await;
    let zone = serving_zone(&config).await;

    let started = Instant::now();
    let before = moto.requests();
    let report = deployer
        .deploy(&three_tier::build_with(&settings()).stack)
        .await
        .unwrap();
    let (n, took, requests) = (
        report.plan.summary.create,
        started.elapsed(),
        moto.requests() - before,
    );
    println!(
        "deploy: {n} resources in {took:?}, {requests} API requests (state included), calls {:?}",
        report.calls
    );
    assert!(
        report.succeeded(),
        "failed: {:?}\nskipped: {:?}",
        report.failed,
        report.skipped
    );
    let alb_dns = report.outputs["LoadBalancerDns"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!alb_dns.is_empty(), "{:?}", report.outputs);
    assert!(
        report.outputs["CloudFrontDomain"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{:?}",
        report.outputs
    );
    assert_edge(&config, &alb_dns).await;
    assert_lookups_and_asset(&config, &deployer, &zone).await;

    assert_compute_and_data(&config).await;
    assert_file_system(&config).await;

    // Everything taggable carries the stack's tags.
    let ec2 = aws_sdk_ec2::Client::new(&config);
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
    assert!(
        vpcs.vpcs()[0]
            .tags()
            .iter()
            .any(|t| t.key() == Some("Environment") && t.value() == Some("prod"))
    );

    assert_updates_and_replacements(&deployer, &config).await;

    let started = Instant::now();
    let before = moto.requests();
    let destroyed = deployer.destroy("project-x").await.unwrap();
    let (took, requests) = (started.elapsed(), moto.requests() - before);
    println!(
        "destroy: {took:?}, {requests} API requests (state included), calls {:?}",
        destroyed.calls
    );
    assert!(destroyed.succeeded(), "{:?}", destroyed.failed);
    assert_nothing_owned(&config).await;

    // The behaviours were met, not skipped: what AWS refuses was refused and waited out.
    let refused = proxy.refused();
    println!("refused by the AWS behaviours: {refused:?}");
    // (Auto Scaling's refusal of a young profile, `ValidationError`, is met only when the
    // group launches within the window; here it waits for the database, which is `creating`
    // longer. The bastions meet EC2's.)
    for code in [
        "InvalidParameterValue",
        "DependencyViolation",
        "ScalingActivityInProgress",
        "database transition",
        "balancer provisioning",
        "distribution deploying",
    ] {
        assert!(
            refused.get(code).is_some_and(|n| *n > 0),
            "{code}: {refused:?}"
        );
    }
}
