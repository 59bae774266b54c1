//! The security lint: the tutorial's mistakes are found and named, Stratus's defaults are
//! clean, suppressions need a reason and are shown, and a user's rule runs with the built-in
//! ones.

use stratus::compute::{AutoScalingGroup, LaunchTemplate, UserData};
use stratus::database::Database;
use stratus::efs::FileSystem;
use stratus::elb::{ApplicationLoadBalancer, TargetGroup};
use stratus::escape::RawResource;
use stratus::lint::{Findings, LintReport, Linter, Rule, RuleInfo, Severity, UNUSED_SUPPRESSION};
use stratus::prelude::*;

const AMI: &str = "ami-0abcdef1234567890";

/// A network with an instance group's security group, as the tutorial builds it.
fn network(stack: &mut Stack) -> (Vpc, SecurityGroup) {
    let vpc = Vpc::builder("vpc").max_azs(2).nat_gateways(1).build(stack);
    let app = SecurityGroup::builder("app-sg", &vpc).build(stack);
    (vpc, app)
}

/// The tutorial's mistakes: SSH and RDP from anywhere, IMDSv1 and a password in user data,
/// instances in public subnets behind a plain-HTTP listener, a public unencrypted database
/// without deletion protection, an unencrypted file system, no flow logs.
fn tutorial() -> Stack {
    let mut stack = Stack::new("tutorial", Environment::region("us-east-1"));
    let (vpc, app) = network(&mut stack);
    stack.allow(Peer::any_ipv4(), &app, Port::SSH);
    stack.allow(Peer::any_ipv4(), &app, Port::tcp(3389));
    let template = LaunchTemplate::builder("app-lt")
        .image_id(AMI)
        .security_group(app)
        .require_imdsv2(false)
        .user_data(UserData::from_script(
            "#!/bin/bash\nexport MYSQL_PASSWORD='hunter2hunter2'\n",
        ))
        .build(&mut stack);
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .build(&mut stack);
    let target_group = TargetGroup::builder("app-tg", &vpc)
        .port(5000)
        .build(&mut stack);
    alb.listener("http", 80)
        .forward(target_group)
        .build(&mut stack);
    stack.allow(Peer::any_ipv4(), &alb, Port::HTTP);
    stack.allow(Peer::any_ipv4(), &app, Port::tcp(5000));
    AutoScalingGroup::builder("asg", &vpc, template)
        .subnets(SubnetSelection::public())
        .target_group(target_group)
        .build(&mut stack);
    Database::mysql("db", &vpc)
        .publicly_accessible(true)
        .backup_days(0)
        .storage_encrypted(false)
        .deletion_protection(false)
        .build(&mut stack);
    FileSystem::builder("efs", &vpc)
        .encrypted(false)
        .build(&mut stack);
    stack
}

/// The same, done right: Stratus's defaults, a flow log, an encrypted root volume, and a
/// database that is Multi-AZ, takes IAM tokens and is monitored.
fn hardened() -> Stack {
    let mut stack = Stack::new("hardened", Environment::region("us-east-1"));
    let (vpc, app) = network(&mut stack);
    stack.add_raw(
        "flow-log",
        RawResource::new("AWS::EC2::FlowLog")
            .property("ResourceId", vpc.id())
            .property("ResourceType", "VPC")
            .property("TrafficType", "ALL")
            .property("LogDestinationType", "s3")
            .property("LogDestination", "arn:aws:s3:::flow-logs"),
    );
    stack.allow(Peer::ipv4("203.0.113.7/32"), &app, Port::SSH);
    // A password read at boot is no finding; one written in is.
    LaunchTemplate::builder("app-lt")
        .image_id(AMI)
        .security_group(app)
        .encrypted_root_volume(8)
        .user_data(UserData::from_script(
            "#!/bin/bash\nexport MYSQL_PASSWORD=\"$(aws secretsmanager get-secret-value \
             --secret-id db --query SecretString --output text)\"\n",
        ))
        .build(&mut stack);
    Database::mysql("db", &vpc)
        .deletion_protection(true)
        .multi_az(true)
        .iam_authentication(true)
        .enhanced_monitoring(60)
        .build(&mut stack);
    FileSystem::builder("efs", &vpc).build(&mut stack);
    stack
}

fn rules_at(report: &LintReport) -> Vec<(&'static str, &str)> {
    report
        .findings
        .iter()
        .map(|f| (f.rule, f.path.as_str()))
        .collect()
}

#[test]
fn the_tutorials_mistakes_are_each_found_at_their_construct() {
    let stack = tutorial();
    stack.validate().expect("mistakes, but a valid stack");
    let report = Linter::with_builtin_rules().run(&stack);
    let found = rules_at(&report);
    for expected in [
        (
            "STRATUS-ADMIN-PORT-OPEN",
            "tutorial/app-sg/from-anywhere-tcp-22",
        ),
        (
            "STRATUS-ADMIN-PORT-OPEN",
            "tutorial/app-sg/from-anywhere-tcp-3389",
        ),
        ("STRATUS-IMDSV2-NOT-REQUIRED", "tutorial/app-lt"),
        ("STRATUS-RDS-PUBLIC", "tutorial/db"),
        ("STRATUS-RDS-UNENCRYPTED", "tutorial/db"),
        ("STRATUS-RDS-NO-DELETION-PROTECTION", "tutorial/db"),
        ("STRATUS-EFS-UNENCRYPTED", "tutorial/efs"),
        ("STRATUS-USER-DATA-SECRET", "tutorial/app-lt"),
        ("STRATUS-ASG-PUBLIC-SUBNETS", "tutorial/asg"),
        ("STRATUS-HTTP-LISTENER", "tutorial/alb/http"),
        ("STRATUS-NO-FLOW-LOGS", "tutorial/vpc"),
        (
            "STRATUS-OPEN-TO-THE-WORLD",
            "tutorial/app-sg/from-anywhere-tcp-5000",
        ),
        ("STRATUS-RDS-NO-BACKUPS", "tutorial/db"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:#?}");
    }
    // HTTP from anywhere to the load balancer, and SSH (its own rule), are not this rule's.
    let open: Vec<&str> = found
        .iter()
        .filter(|(rule, _)| *rule == "STRATUS-OPEN-TO-THE-WORLD")
        .map(|(_, path)| *path)
        .collect();
    assert_eq!(open, ["tutorial/app-sg/from-anywhere-tcp-5000"]);
    let ssh = report
        .findings
        .iter()
        .find(|f| f.path.ends_with("tcp-22"))
        .unwrap();
    assert_eq!(ssh.severity, Severity::Error);
    assert_eq!(ssh.checkov, ["CKV_AWS_24", "CKV_AWS_25"]);
    assert_eq!(ssh.cdk_nag, ["AwsSolutions-EC23"]);
    assert!(
        ssh.to_string()
            .contains("SSH (port 22) is open to 0.0.0.0/0"),
        "{ssh}"
    );
    assert!(report.has_errors());
    // Errors come first.
    assert_eq!(report.findings[0].severity, Severity::Error);
}

#[test]
fn stratus_defaults_and_a_single_admin_address_are_clean() {
    let report = Linter::with_builtin_rules().run(&hardened());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_suppression_needs_a_reason_covers_its_subtree_and_is_shown() {
    let stack = tutorial();
    let report = Linter::with_builtin_rules()
        .suppress(
            "tutorial/app-sg",
            "STRATUS-ADMIN-PORT-OPEN",
            "a lab, torn down hourly",
        )
        .suppress("tutorial/db", "STRATUS-RDS-PUBLIC", "  ")
        .suppress("tutorial/nothing-here", "STRATUS-EFS-UNENCRYPTED", "stale")
        .run(&stack);
    let ssh: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "STRATUS-ADMIN-PORT-OPEN")
        .collect();
    assert_eq!(ssh.len(), 2);
    assert!(
        ssh.iter()
            .all(|f| f.suppressed.as_deref() == Some("a lab, torn down hourly"))
    );
    assert!(
        ssh[0]
            .to_string()
            .ends_with("(suppressed: a lab, torn down hourly)")
    );
    assert!(report.errors().all(|f| f.rule != "STRATUS-ADMIN-PORT-OPEN"));
    // A suppression without a reason suppresses nothing and is itself an error.
    assert!(report.errors().any(|f| f.rule == "STRATUS-RDS-PUBLIC"));
    let unused: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == UNUSED_SUPPRESSION)
        .map(|f| (f.severity, f.path.as_str()))
        .collect();
    assert_eq!(
        unused,
        [
            (Severity::Error, "tutorial/db"),
            (Severity::Warning, "tutorial/nothing-here")
        ]
    );
}

/// Every queue must say how long it keeps messages.
struct QueueRetention;

impl Rule for QueueRetention {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "ACME-QUEUE-RETENTION",
            severity: Severity::Error,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for (_, node) in stack.graph().nodes() {
            if node.type_name == "AWS::SQS::Queue"
                && node.properties.get("MessageRetentionPeriod").is_none()
            {
                findings.add(node, "no retention period", "set MessageRetentionPeriod");
            }
        }
    }
}

#[test]
fn a_users_rule_runs_with_the_built_in_ones() {
    let mut stack = hardened();
    stack.add("jobs", stratus::cfn::sqs::CfnQueue::default());
    let report = Linter::with_builtin_rules()
        .rule(QueueRetention)
        .run(&stack);
    assert_eq!(
        rules_at(&report),
        [("ACME-QUEUE-RETENTION", "hardened/jobs")]
    );
    assert!(report.has_errors());
    let report = Linter::new().run(&stack);
    assert!(report.findings.is_empty());
}

/// The edge of the tutorial: CloudFront in front of a load balancer that stays open to the
/// world, plain HTTP to viewers and to the origin, no WAF, no logs; SSH bastions; a secret
/// nothing rotates; a database whose password is written into the template; an unencrypted
/// volume; a random-looking key in user data.
fn tutorial_edge() -> Stack {
    use stratus::cdn::{Distribution, Origin, OriginProtocolPolicy, ViewerProtocolPolicy};
    use stratus::compute::Instance;
    use stratus::secrets::Secret;

    let mut stack = Stack::new("edge", Environment::region("us-east-1"));
    let (vpc, _) = network(&mut stack);
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .build(&mut stack);
    stack.allow(Peer::any_ipv4(), &alb, Port::HTTP);
    Distribution::builder(
        "cdn",
        Origin::load_balancer(alb).protocol(OriginProtocolPolicy::HttpOnly),
    )
    .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
    .build(&mut stack);
    let bastion_sg = SecurityGroup::builder("bastion-sg", &vpc).build(&mut stack);
    stack.allow(Peer::ipv4("203.0.113.7/32"), &bastion_sg, Port::SSH);
    Instance::builder("bastion", vpc.public_subnets()[0])
        .image_id(AMI)
        .security_group(bastion_sg)
        .user_data(UserData::from_script(
            "#!/bin/bash\ncurl -d 'q8Zr2LmX9vKp4TnW7yBc3HdF' https://example.com/register\n",
        ))
        .build(&mut stack);
    Secret::builder("api-key").build(&mut stack);
    stack.add_raw(
        "legacy-db",
        RawResource::new("AWS::RDS::DBInstance")
            .property("Engine", "mysql")
            .property("DBInstanceClass", "db.t3.micro")
            .property("AllocatedStorage", "20")
            .property("MasterUsername", "admin")
            .property("MasterUserPassword", "hunter2hunter2")
            .property("StorageEncrypted", true)
            .property("DeletionProtection", true)
            .property("MultiAZ", true),
    );
    stack.add_raw(
        "scratch",
        RawResource::new("AWS::EC2::Volume")
            .property("AvailabilityZone", "us-east-1a")
            .property("Size", 10),
    );
    stack
}

#[test]
fn the_edge_mistakes_are_each_found_and_the_fixes_silence_them() {
    use stratus::testing::AssertLint;

    let stack = tutorial_edge();
    stack.validate().expect("mistakes, but a valid stack");
    let report = Linter::with_builtin_rules().run(&stack);
    for (rule, path) in [
        (
            "STRATUS-ALB-REACHABLE-AROUND-CDN",
            "alb-sg/from-anywhere-tcp-80",
        ),
        ("STRATUS-CDN-HTTP-VIEWERS", "cdn"),
        ("STRATUS-CDN-HTTP-ORIGIN", "cdn"),
        ("STRATUS-CDN-NO-WAF", "cdn"),
        ("STRATUS-CDN-NO-LOGGING", "cdn"),
        ("STRATUS-ALB-NO-ACCESS-LOGS", "alb"),
        ("STRATUS-ALB-KEEPS-INVALID-HEADERS", "alb"),
        ("STRATUS-SSH-BASTION", "bastion"),
        ("STRATUS-USER-DATA-SECRET", "bastion/launch-template"),
        ("STRATUS-EBS-UNENCRYPTED", "bastion/launch-template"),
        ("STRATUS-EBS-UNENCRYPTED", "scratch"),
        ("STRATUS-SECRET-NO-ROTATION", "api-key"),
        ("STRATUS-RDS-PASSWORD-NOT-MANAGED", "legacy-db"),
        ("STRATUS-RDS-NO-IAM-AUTH", "legacy-db"),
        ("STRATUS-RDS-NO-ENHANCED-MONITORING", "legacy-db"),
    ] {
        report.assert_finding(rule, path);
    }
    let random = report.assert_finding("STRATUS-USER-DATA-SECRET", "bastion/launch-template");
    assert!(random.message.contains("random-looking"), "{random}");
    // The load balancer is open on 80, but only because CloudFront fronts it is that an error.
    report.assert_no_finding("STRATUS-OPEN-TO-THE-WORLD", "alb-sg/from-anywhere-tcp-80");

    // The same stack, fixed where the fix is a builder call.
    let mut fixed = Stack::new("edge", Environment::region("us-east-1"));
    let (vpc, _) = network(&mut fixed);
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .access_logs("acme-logs", "alb")
        .drop_invalid_header_fields(true)
        .build(&mut fixed);
    fixed.allow(Peer::prefix_list("pl-3b927c52"), &alb, Port::HTTPS);
    stratus::cdn::Distribution::builder(
        "cdn",
        stratus::cdn::Origin::load_balancer(alb)
            .protocol(stratus::cdn::OriginProtocolPolicy::HttpsOnly),
    )
    .web_acl("arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/abc")
    .logging("acme-logs.s3.amazonaws.com", "cdn/")
    .build(&mut fixed);
    let report = Linter::with_builtin_rules().run(&fixed);
    for rule in [
        "STRATUS-ALB-REACHABLE-AROUND-CDN",
        "STRATUS-CDN-HTTP-VIEWERS",
        "STRATUS-CDN-HTTP-ORIGIN",
        "STRATUS-CDN-NO-WAF",
        "STRATUS-CDN-NO-LOGGING",
        "STRATUS-ALB-NO-ACCESS-LOGS",
        "STRATUS-ALB-KEEPS-INVALID-HEADERS",
    ] {
        assert!(
            report.findings.iter().all(|f| f.rule != rule),
            "{rule} still found: {:#?}",
            report.findings
        );
    }
}

#[test]
fn an_https_listener_needs_a_modern_policy_and_http_needs_a_redirect() {
    use stratus::testing::AssertLint;

    let mut stack = Stack::new("tls", Environment::region("us-east-1"));
    let (vpc, _) = network(&mut stack);
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .build(&mut stack);
    alb.listener("http", 80)
        .redirect_to_https()
        .build(&mut stack);
    let report = Linter::with_builtin_rules().run(&stack);
    report.assert_no_finding("STRATUS-HTTP-LISTENER", "alb/http");
    // An HTTPS listener written as an L1 without a policy takes ELB's default, TLS 1.0 and up.
    stack.add_raw(
        "old-tls",
        RawResource::new("AWS::ElasticLoadBalancingV2::Listener")
            .property("LoadBalancerArn", alb.id())
            .property("Protocol", "HTTPS")
            .property("Port", 8443),
    );
    let report = Linter::with_builtin_rules().run(&stack);
    let finding = report.assert_finding("STRATUS-HTTP-LISTENER", "old-tls");
    assert!(finding.message.contains("older than 1.2"), "{finding}");
}

#[test]
fn rules_registered_on_the_app_run_with_the_built_in_ones() {
    let mut app = App::new();
    let mut stack = hardened();
    stack.add("jobs", stratus::cfn::sqs::CfnQueue::default());
    app.add_stack(stack);
    assert!(!app.lint().has_errors());
    app.add_lint_rule(QueueRetention);
    let report = app.lint();
    assert_eq!(
        rules_at(&report),
        [("ACME-QUEUE-RETENTION", "hardened/jobs")]
    );
    assert!(
        app.linter()
            .rule_ids()
            .any(|id| id == "STRATUS-ADMIN-PORT-OPEN")
    );
}

#[test]
fn the_readme_lists_every_built_in_rule_with_its_equivalents() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for rule in stratus::lint::builtin_rules() {
        let info = rule.info();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` ", info.id)))
            .unwrap_or_else(|| panic!("README has no row for {}", info.id));
        for id in info.checkov.iter().chain(info.cdk_nag) {
            assert!(
                row.contains(id),
                "README's row for {} lacks {id}: {row}",
                info.id
            );
        }
        let severity = format!("{:?}", info.severity).to_lowercase();
        assert!(
            row.contains(&severity),
            "README's row for {} lacks {severity}: {row}",
            info.id
        );
    }
}

/// Issue 20, item 23: a version AWS no longer creates instances with is a warning before any
/// call; the defaults are not.
#[test]
fn a_deprecated_engine_version_is_a_warning_and_the_defaults_are_current() {
    use stratus::database::Database;
    let with_version = |version: Option<&str>| {
        let mut stack = Stack::new("data", Environment::region("us-east-1"));
        let vpc = Vpc::builder("vpc")
            .max_azs(2)
            .nat_gateways(1)
            .build(&mut stack);
        let mut db = Database::mysql("db", &vpc);
        if let Some(version) = version {
            db = db.version(version);
        }
        db.build(&mut stack);
        Linter::with_builtin_rules().run(&stack)
    };
    let deprecated = with_version(Some("8.0.39"));
    let finding = deprecated
        .findings
        .iter()
        .find(|f| f.rule == "STRATUS-RDS-DEPRECATED-ENGINE-VERSION")
        .expect("8.0.39 is flagged");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.path.as_str(), "data/db");
    assert!(
        finding.to_string().contains("mysql 8.0.39 is deprecated"),
        "{finding}"
    );
    let current = with_version(None);
    assert!(
        current
            .findings
            .iter()
            .all(|f| f.rule != "STRATUS-RDS-DEPRECATED-ENGINE-VERSION"),
        "{:#?}",
        current.findings
    );
}
