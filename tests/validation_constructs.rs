//! Validation of the compute, load balancing, storage, database and edge constructs: each
//! problem is reported with its construct path and the fix, all of them at once.

use stratus::cdn::{CachePolicy, Distribution, Origin};
use stratus::compute::{AutoScalingGroup, LaunchTemplate, UserData};
use stratus::database::Database;
use stratus::dns::{Certificate, HostedZone};
use stratus::efs::FileSystem;
use stratus::elb::{ApplicationLoadBalancer, ListenerProtocol, TargetGroup};
use stratus::prelude::*;

const AMI: &str = "ami-0abcdef1234567890";

fn setup(region: &str) -> (Stack, Vpc) {
    let mut stack = Stack::new("prod", Environment::region(region));
    let vpc = Vpc::builder("vpc")
        .max_azs(3)
        .nat_gateways(1)
        .build(&mut stack);
    (stack, vpc)
}

fn messages(stack: &Stack) -> Vec<String> {
    stack
        .validate()
        .expect_err("the stack should be invalid")
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn template(stack: &mut Stack) -> LaunchTemplate {
    LaunchTemplate::builder("lt").image_id(AMI).build(stack)
}

#[test]
fn auto_scaling_capacity_out_of_order() {
    let (mut stack, vpc) = setup("us-east-1");
    let lt = template(&mut stack);
    AutoScalingGroup::builder("asg", &vpc, lt)
        .capacity(4, 2, 6)
        .build(&mut stack);
    assert_eq!(
        messages(&stack),
        ["prod/asg: capacity min 4, desired 2, max 6 is out of order; keep min <= desired <= max"]
    );
}

#[test]
fn load_balancer_and_target_group_names() {
    let (mut stack, vpc) = setup("us-east-1");
    ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .name("project-x-application-load-balancer")
        .build(&mut stack);
    TargetGroup::builder("tg", &vpc)
        .name("-tg")
        .build(&mut stack);
    assert_eq!(
        messages(&stack),
        [
            "prod/alb: load balancer name \"project-x-application-load-balancer\" is 35 characters; AWS allows at most 32; \
             choose a name of at most 32 letters, digits and hyphens",
            "prod/tg: target group name \"-tg\" starts or ends with a hyphen; choose a name of at most 32 letters, digits and hyphens",
        ]
    );
}

#[test]
fn load_balancer_needs_two_zones() {
    let (mut stack, vpc) = setup("us-east-1");
    ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets().into_iter().take(1))
        .build(&mut stack);
    assert_eq!(
        messages(&stack),
        [
            "prod/alb: an application load balancer in 1 availability zone(s); give it subnets in at least two zones of its vpc"
        ]
    );
}

#[test]
fn rds_identifiers() {
    let (mut stack, vpc) = setup("us-east-1");
    Database::mysql("db", &vpc)
        .identifier("a".repeat(64))
        .build(&mut stack);
    Database::mysql("db2", &vpc)
        .identifier("1db")
        .build(&mut stack);
    Database::postgres("db3", &vpc)
        .identifier("db--x")
        .build(&mut stack);
    let all = messages(&stack);
    assert_eq!(all.len(), 3, "{all:#?}");
    assert!(
        all[0].starts_with("prod/db: rds identifier")
            && all[0].contains("is 64 characters; RDS allows 1 to 63")
    );
    assert!(
        all[1].contains("\"1db\" must start with a letter"),
        "{all:#?}"
    );
    assert!(
        all[2].contains("\"db--x\" may not hold two hyphens in a row"),
        "{all:#?}"
    );
}

#[test]
fn user_data_over_16_kib() {
    let (mut stack, _) = setup("us-east-1");
    let script = format!("#!/bin/bash\n{}", "x".repeat(16 * 1024));
    LaunchTemplate::builder("lt")
        .image_id(AMI)
        .user_data(UserData::from_script(script))
        .build(&mut stack);
    assert_eq!(
        messages(&stack),
        [
            "prod/lt: user data is 16396 bytes; AWS allows 16384 before base64; move the bulk of the script to S3 or an AMI and fetch it at boot"
        ]
    );
}

#[test]
fn user_data_file_and_placeholders() {
    let (mut stack, _) = setup("us-east-1");
    LaunchTemplate::builder("lt")
        .image_id(AMI)
        .user_data(UserData::from_file("does/not/exist.sh"))
        .build(&mut stack);
    LaunchTemplate::builder("lt2")
        .image_id(AMI)
        .user_data(UserData::from_script("mount {{EFS_ID}}"))
        .build(&mut stack);
    let all = messages(&stack);
    assert!(
        all[0].starts_with("prod/lt: cannot read user data file does/not/exist.sh"),
        "{all:#?}"
    );
    assert_eq!(
        all[1],
        "prod/lt2: user data placeholder {{EFS_ID}} has no value; call .var(\"EFS_ID\", ..) on the user data"
    );
}

#[test]
fn engine_port_and_version_must_agree() {
    let (mut stack, vpc) = setup("us-east-1");
    let app = SecurityGroup::builder("app-sg", &vpc).build(&mut stack);
    let db = Database::mysql("db", &vpc)
        .version("16.2")
        .port(5432)
        .build(&mut stack);
    let good = Database::mysql("good", &vpc).build(&mut stack);
    // The tutorial's mistake: a PostgreSQL client rule against a MySQL database.
    stack.allow(app, &good, Port::POSTGRES);
    assert_eq!(
        messages(&stack),
        [
            "prod/db: 16.2 is not a MySQL version RDS offers; use one of 8.0, 8.4 (or a minor version of one)",
            "prod/db: port 5432 is PostgreSQL's, but the engine is MySQL; the engine, its port and its clients must agree: \
             use 3306 or drop .port(..)",
            "prod/good-sg/from-app-sg-tcp-5432: prod/good-sg serves MySQL on tcp 3306, but this rule opens tcp 5432; \
             open tcp 3306 (stack.allow_default(..) picks it), or change the service's port",
        ]
    );
    let _ = db;
}

#[test]
fn https_listener_without_certificate() {
    let (mut stack, vpc) = setup("us-east-1");
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .build(&mut stack);
    let tg = TargetGroup::builder("tg", &vpc).build(&mut stack);
    alb.listener("https", 443)
        .protocol(ListenerProtocol::Https)
        .forward(tg)
        .build(&mut stack);
    assert_eq!(
        messages(&stack),
        [
            "prod/alb/https: an HTTPS listener on 443 without a certificate; add .certificate(&cert), or listen with HTTP"
        ]
    );
}

#[test]
fn replica_of_a_database_without_backups() {
    let (mut stack, vpc) = setup("us-east-1");
    let db = Database::mysql("db", &vpc).backup_days(0).build(&mut stack);
    db.with_replica("replica").build(&mut stack);
    assert_eq!(
        messages(&stack),
        [
            "prod/replica: its source prod/db keeps no backups; set backup_days(1) or more on prod/db; RDS builds replicas from backups"
        ]
    );
}

#[test]
fn placements_in_another_vpcs_subnets() {
    let (mut stack, vpc) = setup("us-east-1");
    let other = Vpc::builder("other")
        .cidr("10.1.0.0/16")
        .max_azs(2)
        .nat_gateways(1)
        .build(&mut stack);
    let foreign =
        SubnetSelection::Subnets(other.private_subnets().iter().map(|s| s.id()).collect());
    let lt = template(&mut stack);
    AutoScalingGroup::builder("asg", &vpc, lt)
        .subnets(foreign.clone())
        .build(&mut stack);
    Database::mysql("db", &vpc)
        .subnets(foreign.clone())
        .build(&mut stack);
    FileSystem::builder("efs", &vpc)
        .subnets(foreign)
        .build(&mut stack);
    let all = messages(&stack);
    for construct in ["prod/asg", "prod/db/subnet-group", "prod/efs"] {
        assert!(
            all.iter().any(|m| m.starts_with(&format!(
                "{construct}: subnet prod/other/private-a belongs to another vpc than prod/vpc"
            ))),
            "{construct} not reported: {all:#?}"
        );
    }
}

#[test]
fn empty_selection_lists_the_groups() {
    let (mut stack, vpc) = setup("us-east-1");
    FileSystem::builder("efs", &vpc)
        .subnets(SubnetSelection::group("data"))
        .build(&mut stack);
    let all = messages(&stack);
    assert_eq!(all.len(), 1);
    assert!(
        all[0].ends_with("select one of the vpc's subnet groups: private, public"),
        "{all:#?}"
    );
}

#[test]
fn cloudfront_certificate_outside_us_east_1_and_unknown_policy() {
    let (mut stack, vpc) = setup("eu-west-1");
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .build(&mut stack);
    let zone = HostedZone::public("zone", "example.com", &mut stack);
    let cert = Certificate::builder("cert", "app.example.com", &zone).build(&mut stack);
    Distribution::builder("cdn", Origin::load_balancer(alb))
        .cache_policy(CachePolicy::managed("CachingDisable"))
        .domain_names(["app.example.com", "www.example.com"])
        .certificate(&cert)
        .build(&mut stack);
    let all = messages(&stack);
    assert_eq!(all.len(), 3, "{all:#?}");
    assert!(all[0].contains("unknown managed cache policy \"CachingDisable\"; available: CachingOptimized, CachingDisabled"));
    assert!(all[1].contains(
        "its certificate is in eu-west-1; CloudFront only uses ACM certificates from us-east-1"
    ));
    assert!(all[2].contains("domain www.example.com is not covered by its certificate"));
}

#[test]
fn launch_template_needs_an_ami() {
    let (mut stack, _) = setup("us-east-1");
    LaunchTemplate::builder("lt")
        .instance_type("huge")
        .build(&mut stack);
    LaunchTemplate::builder("lt2")
        .image_id("ami-nothex")
        .build(&mut stack);
    assert_eq!(
        messages(&stack),
        [
            "prod/lt: no AMI; set .image_id(\"ami-...\") or .machine_image(MachineImage::latest_amazon_linux_2023())",
            "prod/lt: \"huge\" is not an instance type; write family.size, e.g. t3.xlarge",
            "prod/lt2: \"ami-nothex\" is not an AMI id; AMI ids are ami- followed by 8 or 17 hex digits, e.g. ami-0abcdef1234567890",
        ]
    );
}

#[test]
fn every_problem_of_a_broken_stack_at_once() {
    let (mut stack, vpc) = setup("us-east-1");
    let lt = template(&mut stack);
    AutoScalingGroup::builder("asg", &vpc, lt)
        .capacity(3, 1, 2)
        .build(&mut stack);
    let db = Database::postgres("db", &vpc)
        .port(3306)
        .backup_days(0)
        .build(&mut stack);
    db.with_replica("replica").build(&mut stack);
    TargetGroup::builder("tg", &vpc)
        .name("x".repeat(40))
        .build(&mut stack);
    assert_eq!(stack.validate().unwrap_err().len(), 4);
}
