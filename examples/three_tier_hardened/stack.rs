//! The reference application done right: the same three tiers as `three_tier`, with HTTPS end
//! to end, the load balancer reachable only from CloudFront, Session Manager instead of SSH
//! bastions, secrets only from Secrets Manager, encryption everywhere, access and flow logs,
//! a web ACL, and a database that is Multi-AZ, protected, monitored and takes IAM tokens.
//! Shared by `main.rs` and `tests/three_tier_hardened.rs`.

// The tests read every handle; `main` needs only the stack.
#![allow(dead_code)]

use stratus::cdn::{
    CachePolicy, Distribution, Origin, OriginProtocolPolicy, OriginRequestPolicy,
    ViewerProtocolPolicy,
};
use stratus::cfn::wafv2::CfnWebAcl;
use stratus::cfn::wafv2::CfnWebAclAttributes as _;
use stratus::cfn::wafv2::web_acl::{
    AllowAction, DefaultAction, ManagedRuleGroupStatement, OverrideAction, Rule, Statement,
    VisibilityConfig,
};
use stratus::compute::{AutoScalingGroup, LaunchTemplate, UserData};
use stratus::database::{Database, MySql, ReadReplica};
use stratus::dns::{AliasRecord, AliasTarget, Certificate, HostedZone};
use stratus::efs::FileSystem;
use stratus::elb::{ApplicationLoadBalancer, ListenerProtocol, TargetGroup};
use stratus::iam::{InstanceProfile, Role, ServicePrincipal};
use stratus::prelude::*;
use stratus::secrets::Secret;

use crate::logs::{LogBucket, log_bucket};

/// The application's domain.
pub(crate) const DOMAIN: &str = "project-x.example.com";
/// The name CloudFront reaches the load balancer by, covered by the load balancer's
/// certificate.
pub(crate) const ORIGIN_DOMAIN: &str = "origin.project-x.example.com";
/// CloudFront's origin-facing managed prefix list in us-east-1
/// (`com.amazonaws.global.cloudfront.origin-facing`; the id differs by region).
pub(crate) const CLOUDFRONT_ORIGIN_FACING: &str = "pl-3b927c52";
/// Amazon Linux 2023 in us-east-1 (an example id).
const AMI: &str = "ami-0abcdef1234567890";
/// Lets instances register with Systems Manager, so Session Manager reaches them.
pub(crate) const SSM_CORE: &str = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/// The stack and the handles the tests look at.
pub(crate) struct Hardened {
    pub(crate) stack: Stack,
    pub(crate) vpc: Vpc,
    pub(crate) alb: ApplicationLoadBalancer,
    pub(crate) app_sg: SecurityGroup,
    pub(crate) asg: AutoScalingGroup,
    pub(crate) efs: FileSystem,
    pub(crate) db: Database<MySql>,
    pub(crate) replica: ReadReplica<MySql>,
    pub(crate) role: Role,
    pub(crate) app_secret: Secret,
    pub(crate) cdn: Distribution,
    pub(crate) logs: LogBucket,
}

/// Declares the hardened architecture as the stack `project-x`.
pub(crate) fn build() -> Hardened {
    let mut stack = Stack::new("project-x", Environment::region("us-east-1"));
    stack.tag("Environment", "prod");
    let logs = log_bucket(&mut stack);
    let zone = HostedZone::public("zone", DOMAIN, &mut stack);
    let web = presentation(&mut stack, &zone, logs);
    let data = data_tier(&mut stack, &web);
    let (asg, role, app_secret) = logic_tier(&mut stack, &web, &data);
    let cdn = edge(&mut stack, &zone, logs);
    stack.output(
        "CloudFrontDomain",
        cdn.domain_name(),
        "the distribution's domain",
    );
    stack.output(
        "DatabaseEndpoint",
        data.db.endpoint_address(),
        "the primary database's host name",
    );
    Hardened {
        stack,
        vpc: web.vpc,
        alb: web.alb,
        app_sg: web.app_sg,
        asg,
        efs: data.efs,
        db: data.db,
        replica: data.replica,
        role,
        app_secret,
        cdn,
        logs,
    }
}

struct Presentation {
    vpc: Vpc,
    alb: ApplicationLoadBalancer,
    target_group: TargetGroup,
    app_sg: SecurityGroup,
}

fn presentation(stack: &mut Stack, zone: &HostedZone, logs: LogBucket) -> Presentation {
    let vpc = Vpc::builder("vpc")
        .name("project-x-vpc")
        .max_azs(3)
        .subnet_groups([
            SubnetGroup::public("public"),
            SubnetGroup::private_with_egress("private").mask(24),
        ])
        .nat_gateways(1)
        .build(stack);
    vpc.log_flows_to_s3(stack, logs.arn());

    let lb_sg = SecurityGroup::builder("lb-sg", &vpc)
        .name("project-x-lb-sg")
        .description("load balancer: HTTPS from CloudFront only")
        .allow_all_outbound(false)
        .build(stack);
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .name("project-x-alb")
        .security_group(lb_sg)
        .access_logs(logs.name(), "alb")
        .drop_invalid_header_fields(true)
        .build(stack);
    let target_group = TargetGroup::builder("app-tg", &vpc)
        .name("project-x-app-tg")
        .port(5000)
        .protocol(ListenerProtocol::Http)
        .health_check_path("/health")
        .build(stack);
    let origin_certificate = Certificate::builder("origin-cert", ORIGIN_DOMAIN, zone).build(stack);
    alb.listener("https", 443)
        .certificate(&origin_certificate)
        .forward(target_group)
        .build(stack);
    alb.listener("http", 80).redirect_to_https().build(stack);
    let cloudfront = Peer::prefix_list(CLOUDFRONT_ORIGIN_FACING);
    stack.allow(cloudfront.clone(), &alb, Port::HTTPS);
    stack.allow(cloudfront, &alb, Port::HTTP);
    AliasRecord::a(
        "origin-record",
        zone,
        ORIGIN_DOMAIN,
        AliasTarget::LoadBalancer(alb),
        stack,
    );

    let app_sg = SecurityGroup::builder("app-sg", &vpc)
        .name("project-x-logic-tier-sg")
        .description("logic tier: Flask on 5000 from the load balancer only; no SSH")
        .build(stack);
    stack.allow(alb, &app_sg, Port::tcp(5000));
    Presentation {
        vpc,
        alb,
        target_group,
        app_sg,
    }
}

struct Data {
    efs: FileSystem,
    db: Database<MySql>,
    replica: ReadReplica<MySql>,
}

fn data_tier(stack: &mut Stack, web: &Presentation) -> Data {
    let efs = FileSystem::builder("efs", &web.vpc).build(stack);
    stack.allow_default(web.app_sg, &efs);
    let db = Database::mysql("db", &web.vpc)
        .identifier("project-x-db")
        .instance_class("db.t3.medium")
        .multi_az(true)
        .database_name("newsreadb")
        .deletion_protection(true)
        .iam_authentication(true)
        .enhanced_monitoring(60)
        .build(stack);
    let replica = db
        .with_replica("db-replica")
        .identifier("project-x-db-replica")
        .multi_az(true)
        .deletion_protection(true)
        .iam_authentication(true)
        .enhanced_monitoring(60)
        .build(stack);
    stack.allow_default(web.app_sg, &db);
    Data { efs, db, replica }
}

fn logic_tier(
    stack: &mut Stack,
    web: &Presentation,
    data: &Data,
) -> (AutoScalingGroup, Role, Secret) {
    let role = Role::builder("app-role", ServicePrincipal::ec2())
        .name("project-x-app-role")
        .description("logic tier instances: Session Manager, the database and app secrets")
        .managed_policy(SSM_CORE)
        .build(stack);
    data.db.grant_secret_read(stack, role);
    let app_secret = Secret::builder("app-secret")
        .description("the Flask app's SECRET_KEY")
        .json("{}", "secret_key")
        .length(64)
        .build(stack);
    app_secret.grant_read(stack, role);
    stack.suppress(
        "app-secret",
        "STRATUS-SECRET-NO-ROTATION",
        "the key signs sessions: rotating it signs every user out, so it changes with a \
         release (a new secret version), not on a schedule",
    );
    let profile = InstanceProfile::builder("app-profile", role)
        .name("project-x-app-profile")
        .build(stack);
    let user_data = UserData::from_script(include_str!("user_data.sh"))
        .var("EFS_ID", data.efs.id())
        .var("DB_SECRET_ARN", data.db.secret_arn())
        .var("APP_SECRET_ARN", app_secret.id())
        .var("DB_HOST", data.db.endpoint_address())
        .var("DB_READ_HOST", data.replica.endpoint_address())
        .var("REGION", "us-east-1");
    let template = LaunchTemplate::builder("app-lt")
        .name("project-x-app-lt")
        .image_id(AMI)
        .instance_type("t3.xlarge")
        .security_group(web.app_sg)
        .instance_profile(profile)
        .user_data(user_data)
        .encrypted_root_volume(20)
        .build(stack);
    let asg = AutoScalingGroup::builder("asg", &web.vpc, template)
        .name("project-x-asg")
        .subnets(SubnetSelection::private_with_egress())
        .capacity(2, 4, 6)
        .target_group(web.target_group)
        .cpu_target(50.0)
        .build(stack);
    (asg, role, app_secret)
}

/// A web ACL with two of AWS's managed rule groups, for CloudFront: the common rule set and
/// known bad inputs (`Log4Shell` among them).
fn web_acl(stack: &mut Stack) -> Ref<CfnWebAcl> {
    let visibility = |name: &str| VisibilityConfig::new(true, name, true);
    let managed = |priority: i64, group: &str| Rule {
        override_action: Some(
            OverrideAction {
                none: Some(Value::Map(std::collections::BTreeMap::default()).into()),
                ..OverrideAction::default()
            }
            .into(),
        ),
        ..Rule::new(
            group,
            priority,
            Statement {
                managed_rule_group_statement: Some(
                    ManagedRuleGroupStatement::new(group, "AWS").into(),
                ),
                ..Statement::default()
            },
            visibility(group),
        )
    };
    let rules = vec![
        managed(0, "AWSManagedRulesCommonRuleSet"),
        managed(1, "AWSManagedRulesKnownBadInputsRuleSet"),
    ];
    stack.add(
        "web-acl",
        CfnWebAcl {
            rules: Some(rules.into()),
            ..CfnWebAcl::new(
                DefaultAction {
                    allow: Some(AllowAction::default().into()),
                    ..DefaultAction::default()
                },
                "CLOUDFRONT",
                visibility("project-x-web-acl"),
            )
        },
    )
}

/// CloudFront over HTTPS to the load balancer's origin name, behind a web ACL, logging.
fn edge(stack: &mut Stack, zone: &HostedZone, logs: LogBucket) -> Distribution {
    let certificate = Certificate::builder("cert", DOMAIN, zone).build(stack);
    let acl = web_acl(stack);
    let cdn = Distribution::builder(
        "cdn",
        Origin::custom_domain(ORIGIN_DOMAIN).protocol(OriginProtocolPolicy::HttpsOnly),
    )
    .cache_policy(CachePolicy::caching_disabled())
    .origin_request_policy(OriginRequestPolicy::all_viewer())
    .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
    .domain_names([DOMAIN])
    .certificate(&certificate)
    .web_acl(acl.arn())
    .logging(logs.domain_name(), "cdn/")
    .comment("project-x")
    .build(stack);
    AliasRecord::a(
        "app-record",
        zone,
        DOMAIN,
        AliasTarget::Distribution(cdn),
        stack,
    );
    cdn
}
