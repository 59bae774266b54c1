//! The reference three-tier stack, as a user writes it. Shared by `main.rs` and the tests in
//! `tests/three_tier.rs`, which assert its topology.

// The tests read every handle; `main` needs only the stack.
#![allow(dead_code)]

use stratus::asset::Asset;
use stratus::cdn::{
    CachePolicy, Distribution, Origin, OriginProtocolPolicy, OriginRequestPolicy,
    ViewerProtocolPolicy,
};
use stratus::compute::{AutoScalingGroup, Instance, LaunchTemplate, MachineImage, UserData};
use stratus::database::{Database, MySql, ReadReplica};
use stratus::dns::{AliasRecord, AliasTarget, Certificate, HostedZone};
use stratus::efs::FileSystem;
use stratus::elb::{ApplicationLoadBalancer, ListenerProtocol, TargetGroup};
use stratus::iam::{InstanceProfile, Role, ServicePrincipal};
use stratus::prelude::*;
use stratus::removal::RemovalPolicy;
use stratus::secrets::Secret;

/// The administrator's address, the only one allowed to SSH to the bastions.
pub(crate) const ADMIN_CIDR: &str = "203.0.113.10/32";
/// The application's domain.
pub(crate) const DOMAIN: &str = "project-x.example.com";
/// The news reader, shipped to the instances as a file asset. The end-to-end tests, a crate of
/// their own, build this file too: `.cargo/config.toml` names the directory for every crate.
const APP_DIR: &str = match option_env!("STRATUS_THREE_TIER_APP") {
    Some(dir) => dir,
    None => concat!(env!("CARGO_MANIFEST_DIR"), "/examples/three_tier/app"),
};
/// Lets instances register with Systems Manager, so Session Manager reaches them.
pub(crate) const SSM_CORE: &str = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/// The stack and the handles the tests look at.
pub(crate) struct ThreeTier {
    pub(crate) stack: Stack,
    pub(crate) vpc: Vpc,
    pub(crate) alb: ApplicationLoadBalancer,
    pub(crate) app_sg: SecurityGroup,
    pub(crate) bastion_sg: SecurityGroup,
    pub(crate) asg: AutoScalingGroup,
    pub(crate) efs: FileSystem,
    pub(crate) db: Database<MySql>,
    pub(crate) replica: ReadReplica<MySql>,
    pub(crate) role: Role,
    pub(crate) cdn: Option<Distribution>,
    pub(crate) bastions: [Instance; 2],
    /// The app's `SECRET_KEY` and `API_KEY`, read by the app from Secrets Manager at start.
    pub(crate) app_secrets: [Secret; 2],
    /// The news reader's code, uploaded at deploy and copied to each instance at boot.
    pub(crate) app_code: Asset,
}

/// Where the application's hosted zone comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ZoneSource {
    /// The zone that already serves the domain in the account, looked up at deploy: the
    /// certificate validates only in a zone the domain is delegated to.
    Lookup,
    /// A new zone, the tutorial's (delegate the domain to its name servers before the
    /// certificate can validate). What the local demo uses: the emulator holds no zone.
    Create,
}

/// The settings a reader might change.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// The stack's name.
    pub(crate) name: String,
    /// The VPC's block.
    pub(crate) vpc_cidr: String,
    /// The auto scaling group's maximum.
    pub(crate) asg_max: u32,
    /// Whether to declare the edge (zone, certificate, CloudFront, alias record).
    pub(crate) edge: bool,
    /// Whether the data outlives the stack (the defaults: a final snapshot of the database, the
    /// file system retained). Tests that need a clean slate turn it off.
    pub(crate) keep_data: bool,
    /// The bastions' instance type.
    pub(crate) bastion_type: String,
    /// The primary database's identifier (renaming it replaces the database).
    pub(crate) db_identifier: String,
    /// The read replica's identifier. The launch template's user data names the replica's
    /// endpoint, so a replacement of the replica must make the new one first: rename it too.
    pub(crate) replica_identifier: String,
    /// The application's domain.
    pub(crate) domain: String,
    /// The administrator's address, the only one allowed to SSH to the bastions.
    pub(crate) admin_cidr: String,
    /// The EC2 key pair the bastions take for SSH (none: Session Manager only).
    pub(crate) key_pair: Option<String>,
    /// The image every instance boots; none: the newest Amazon Linux 2023, looked up at deploy.
    pub(crate) ami: Option<String>,
    /// Where the hosted zone comes from.
    pub(crate) zone: ZoneSource,
}

impl Settings {
    fn image(&self) -> MachineImage {
        self.ami
            .as_ref()
            .map_or_else(MachineImage::latest_amazon_linux_2023, MachineImage::id)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            name: "project-x".into(),
            vpc_cidr: "10.0.0.0/16".into(),
            asg_max: 6,
            edge: true,
            keep_data: true,
            bastion_type: "t3.micro".into(),
            db_identifier: "project-x-db".into(),
            replica_identifier: "project-x-db-replica".into(),
            domain: DOMAIN.into(),
            admin_cidr: ADMIN_CIDR.into(),
            key_pair: None,
            ami: None,
            zone: ZoneSource::Lookup,
        }
    }
}

impl Settings {
    /// The defaults, with what the environment sets instead: `PROJECT_X_DOMAIN`,
    /// `PROJECT_X_ADMIN_CIDR`, `PROJECT_X_KEY_PAIR`, `PROJECT_X_AMI` (an image id instead of
    /// the newest Amazon Linux 2023), `PROJECT_X_HOSTED_ZONE=create` (a new zone instead of the
    /// one serving the domain) and `PROJECT_X_EDGE=false` to leave the edge (zone, certificate,
    /// CloudFront) out. A malformed value is reported by validation.
    pub(crate) fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let defaults = Self::default();
        Self {
            domain: var("PROJECT_X_DOMAIN").unwrap_or(defaults.domain.clone()),
            admin_cidr: var("PROJECT_X_ADMIN_CIDR").unwrap_or(defaults.admin_cidr.clone()),
            key_pair: var("PROJECT_X_KEY_PAIR"),
            ami: var("PROJECT_X_AMI"),
            zone: match var("PROJECT_X_HOSTED_ZONE").as_deref() {
                Some("create") => ZoneSource::Create,
                _ => ZoneSource::Lookup,
            },
            edge: var("PROJECT_X_EDGE").map_or(defaults.edge, |v| v != "false" && v != "0"),
            ..defaults
        }
    }
}

/// Declares the whole reference architecture as the stack `project-x`.
pub(crate) fn build() -> ThreeTier {
    build_with(&Settings::default())
}

/// Declares the whole reference architecture as a stack of that name.
pub(crate) fn build_named(name: &str) -> ThreeTier {
    build_with(&Settings {
        name: name.to_owned(),
        ..Settings::default()
    })
}

/// Declares the whole reference architecture with these settings.
pub(crate) fn build_with(settings: &Settings) -> ThreeTier {
    let mut stack = Stack::new(&settings.name, Environment::region("us-east-1"));
    stack.tag("Environment", "prod");
    let web = presentation(&mut stack, settings);
    let data = data_tier(&mut stack, &web, settings);
    let (asg, role, app_secrets, app_code) = logic_tier(&mut stack, &web, &data, settings);
    let cdn = settings.edge.then(|| edge(&mut stack, web.alb, settings));
    if let Some(cdn) = cdn {
        stack.output(
            "CloudFrontDomain",
            cdn.domain_name(),
            "the distribution's domain",
        );
    }
    stack.output(
        "LoadBalancerDns",
        web.alb.dns_name(),
        "the load balancer's DNS name",
    );
    stack.output(
        "DatabaseEndpoint",
        data.db.endpoint_address(),
        "the primary database's host name",
    );

    ThreeTier {
        stack,
        vpc: web.vpc,
        alb: web.alb,
        app_sg: web.app_sg,
        bastion_sg: web.bastion_sg,
        asg,
        efs: data.efs,
        db: data.db,
        replica: data.replica,
        role,
        cdn,
        bastions: web.bastions,
        app_secrets,
        app_code,
    }
}

/// The network, the load balancer, the bastions and the security groups in front.
struct Presentation {
    vpc: Vpc,
    alb: ApplicationLoadBalancer,
    target_group: TargetGroup,
    app_sg: SecurityGroup,
    bastion_sg: SecurityGroup,
    bastions: [Instance; 2],
}

fn presentation(stack: &mut Stack, settings: &Settings) -> Presentation {
    let vpc = Vpc::builder("vpc")
        .name("project-x-vpc")
        .cidr(&settings.vpc_cidr)
        .max_azs(3)
        .subnet_groups([
            SubnetGroup::public("public"),
            SubnetGroup::private_with_egress("private").mask(24),
        ])
        .nat_gateways(1)
        .build(stack);

    let lb_sg = SecurityGroup::builder("lb-sg", &vpc)
        .name("project-x-lb-sg")
        .description("load balancer: HTTP from anywhere")
        .allow_all_outbound(false)
        .build(stack);
    let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets())
        .name("project-x-alb")
        .security_group(lb_sg)
        .build(stack);
    let target_group = TargetGroup::builder("app-tg", &vpc)
        .name("project-x-app-tg")
        .port(5000)
        .protocol(ListenerProtocol::Http)
        .health_check_path("/health")
        .build(stack);
    alb.listener("http", 80).forward(target_group).build(stack);
    stack.allow(Peer::any_ipv4(), &alb, Port::HTTP);

    let bastion_sg = SecurityGroup::builder("bastion-sg", &vpc)
        .name("project-x-bastion-sg")
        .description("bastions: SSH from the administrator only")
        .build(stack);
    stack.allow(Peer::ipv4(&settings.admin_cidr), &bastion_sg, Port::SSH);
    // SSH with the key pair from the settings, and Session Manager through the role.
    let bastion_role = Role::builder("bastion-role", ServicePrincipal::ec2())
        .name("project-x-bastion-role")
        .description("bastions: Session Manager")
        .managed_policy(SSM_CORE)
        .build(stack);
    let bastion_profile = InstanceProfile::builder("bastion-profile", bastion_role)
        .name("project-x-bastion-profile")
        .build(stack);
    let public = vpc.public_subnets();
    let bastions = [("bastion-a", public[0]), ("bastion-b", public[1])].map(|(id, subnet)| {
        let mut bastion = Instance::builder(id, subnet)
            .machine_image(settings.image())
            .instance_type(&settings.bastion_type)
            .security_group(bastion_sg)
            .instance_profile(bastion_profile);
        if let Some(key) = &settings.key_pair {
            bastion = bastion.key_name(key);
        }
        bastion.build(stack)
    });

    let app_sg = SecurityGroup::builder("app-sg", &vpc)
        .name("project-x-logic-tier-sg")
        .description("logic tier: Flask on 5000 from the load balancer only")
        .build(stack);
    stack.allow(alb, &app_sg, Port::tcp(5000));
    stack.allow(bastion_sg, &app_sg, Port::SSH);

    Presentation {
        vpc,
        alb,
        target_group,
        app_sg,
        bastion_sg,
        bastions,
    }
}

/// The file system, the database and its replica, each open to the logic tier only.
struct Data {
    efs: FileSystem,
    db: Database<MySql>,
    replica: ReadReplica<MySql>,
}

fn data_tier(stack: &mut Stack, web: &Presentation, settings: &Settings) -> Data {
    // Kept by default: a final snapshot of the database, the file system retained.
    let removal = (!settings.keep_data).then_some(RemovalPolicy::Destroy);
    let mut efs = FileSystem::builder("efs", &web.vpc);
    if let Some(policy) = removal {
        efs = efs.removal_policy(policy);
    }
    let efs = efs.build(stack);
    stack.allow_default(web.app_sg, &efs);
    let mut db = Database::mysql("db", &web.vpc)
        .identifier(&settings.db_identifier)
        .instance_class("db.t3.medium")
        .multi_az(true)
        .database_name("newsreadb");
    if let Some(policy) = removal {
        db = db.removal_policy(policy);
    }
    let db = db.build(stack);
    let replica = db
        .with_replica("db-replica")
        .identifier(&settings.replica_identifier)
        .build(stack);
    stack.allow_default(web.app_sg, &db);
    Data { efs, db, replica }
}

/// The Flask instances: a role that reads the database secret, the app's keys and its code and
/// lets Session Manager in, a launch template whose user data installs and starts the news
/// reader, the group.
fn logic_tier(
    stack: &mut Stack,
    web: &Presentation,
    data: &Data,
    settings: &Settings,
) -> (AutoScalingGroup, Role, [Secret; 2], Asset) {
    let role = Role::builder("app-role", ServicePrincipal::ec2())
        .name("project-x-app-role")
        .description("logic tier instances: read the database secret and the app's keys")
        .managed_policy(SSM_CORE)
        .build(stack);
    data.db.grant_secret_read(stack, role);
    let app_secrets = [
        ("secret-key", "the news reader's Flask SECRET_KEY"),
        ("api-key", "the news reader's API_KEY, for posting articles"),
    ]
    .map(|(id, description)| {
        let secret = Secret::builder(id)
            .description(description)
            .length(48)
            .build(stack);
        secret.grant_read(stack, role);
        secret
    });
    let app_code = Asset::directory("app-code", APP_DIR, stack);
    app_code.grant_read(stack, role);
    let profile = InstanceProfile::builder("app-profile", role)
        .name("project-x-app-profile")
        .build(stack);

    let user_data = UserData::from_script(include_str!("user_data.sh"))
        .var("EFS_ID", data.efs.id())
        .var("DB_SECRET_ARN", data.db.secret_arn())
        .var("SECRET_KEY_ARN", app_secrets[0].id())
        .var("API_KEY_ARN", app_secrets[1].id())
        .var("DB_HOST", data.db.endpoint_address())
        .var("DB_READ_HOST", data.replica.endpoint_address())
        .var("APP_URL", app_code.s3_url())
        .var("REGION", "us-east-1");
    let template = LaunchTemplate::builder("app-lt")
        .name("project-x-app-lt")
        .machine_image(settings.image())
        .instance_type("t3.xlarge")
        .security_group(web.app_sg)
        .instance_profile(profile)
        .user_data(user_data)
        .tag("Environment", "prod")
        .build(stack);
    let asg = AutoScalingGroup::builder("asg", &web.vpc, template)
        .name("project-x-asg")
        .subnets(SubnetSelection::private_with_egress())
        .capacity(2, 4, settings.asg_max)
        .target_group(web.target_group)
        .cpu_target(50.0)
        .build(stack);
    (asg, role, app_secrets, app_code)
}

/// The public zone, a certificate, CloudFront in front of the load balancer, the alias record.
fn edge(stack: &mut Stack, alb: ApplicationLoadBalancer, settings: &Settings) -> Distribution {
    let domain = settings.domain.as_str();
    let zone = match settings.zone {
        ZoneSource::Lookup => HostedZone::lookup("zone", domain, stack),
        ZoneSource::Create => HostedZone::public("zone", domain, stack),
    };
    let certificate = Certificate::builder("cert", domain, &zone).build(stack);
    let cdn = Distribution::builder(
        "cdn",
        Origin::load_balancer(alb).protocol(OriginProtocolPolicy::HttpOnly),
    )
    .cache_policy(CachePolicy::caching_disabled())
    .origin_request_policy(OriginRequestPolicy::all_viewer())
    .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
    .domain_names([domain])
    .certificate(&certificate)
    .comment("project-x")
    .build(stack);
    AliasRecord::a(
        "app-record",
        &zone,
        domain,
        AliasTarget::Distribution(cdn),
        stack,
    );
    // The tutorial keeps the load balancer open on port 80 beside CloudFront;
    // `three_tier_hardened` admits only CloudFront's origin-facing prefix list.
    stack.suppress(
        "lb-sg/from-anywhere-tcp-80",
        "STRATUS-ALB-REACHABLE-AROUND-CDN",
        "the tutorial's design: the load balancer also answers HTTP directly, for testing \
         without the edge; see three_tier_hardened for the CloudFront-only version",
    );
    cdn
}
