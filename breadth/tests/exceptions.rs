//! The types cfn-lint does not accept with the breadth sample, and why. The test fails when
//! one of them starts passing (so the list stays true) or another type starts failing.
//!
//! Regenerate the list from a run's output when the pinned schemas change:
//! `cargo test --manifest-path breadth/Cargo.toml -- --nocapture`.

/// AWS shut the service down; cfn-lint refuses its types whatever they hold (E3710).
const SHUT_DOWN: &str = "cfn-lint refuses the type: AWS shut the service down (E3710)";

/// A union no table holds: `allOf` of `anyOf`/`oneOf` groups at the type's root, alternatives
/// that differ in a nested object's required properties, or alternatives that require nothing
/// (so `{}` matches them all). The sample satisfies none; cfn-lint wants one alternative
/// (E3003, E3017, E3018).
const UNION: &str = "a union no schema table holds: the sample leaves out the alternative \
    cfn-lint wants";

/// cfn-lint checks allowed values of its own (case-insensitive enums, the instance types of a
/// region) that the registry schema does not list, so neither the table nor the sample knows
/// them (E3030, E3031, E36xx).
const CFN_LINT_VALUES: &str = "cfn-lint checks allowed values of its own that the registry \
    schema does not list";

pub const EXCEPTIONS: &[(&str, &str)] = &[
    ("AWS::ARCZonalShift::ZonalAutoshiftConfiguration", UNION),
    ("AWS::AmazonMQ::Broker", CFN_LINT_VALUES),
    ("AWS::AmazonMQ::Configuration", CFN_LINT_VALUES),
    ("AWS::Amplify::Domain", CFN_LINT_VALUES),
    (
        "AWS::ApiGateway::RestApi",
        "cfn-lint E3660, beyond what the schema table says: 'Name' is a required property when not specifying one of ['Body', 'BodyS3Location']",
    ),
    ("AWS::AppStream::Fleet", CFN_LINT_VALUES),
    (
        "AWS::AutoScaling::AutoScalingGroup",
        "cfn-lint E3706, beyond what the schema table says: '2' is less than the minimum of 445",
    ),
    ("AWS::Batch::ComputeEnvironment", CFN_LINT_VALUES),
    ("AWS::Batch::JobDefinition", CFN_LINT_VALUES),
    ("AWS::Batch::QuotaShare", CFN_LINT_VALUES),
    ("AWS::Batch::ServiceEnvironment", CFN_LINT_VALUES),
    ("AWS::BillingConductor::BillingGroup", UNION),
    ("AWS::CloudFormation::GuardHook", CFN_LINT_VALUES),
    ("AWS::CloudFormation::LambdaHook", CFN_LINT_VALUES),
    (
        "AWS::CloudFront::StreamingDistribution",
        "cfn-lint E3012, beyond what the schema table says: {} is not of type 'array'",
    ),
    ("AWS::CloudWatch::MetricStream", UNION),
    (
        "AWS::CodePipeline::Pipeline",
        "cfn-lint E3002/E3037/E3700, beyond what the schema table says: array items are not unique for keys ['Name']",
    ),
    ("AWS::CodeStar::GitHubRepository", SHUT_DOWN),
    (
        "AWS::Cognito::Terms",
        "cfn-lint E3002, beyond what the schema table says: 'key' does not match any of the regexes: '^cognito:(default|english|french|spanish|german|bahasa-indonesia|...",
    ),
    ("AWS::DAX::Cluster", CFN_LINT_VALUES),
    ("AWS::DataZone::Owner", UNION),
    ("AWS::DocDB::DBInstance", CFN_LINT_VALUES),
    ("AWS::EC2::IPAMPool", CFN_LINT_VALUES),
    (
        "AWS::EC2::Instance",
        "cfn-lint E3673, beyond what the schema table says: 'ImageId' is a required property",
    ),
    ("AWS::EC2::NetworkAclEntry", CFN_LINT_VALUES),
    (
        "AWS::EC2::SpotFleet",
        "cfn-lint E3511, beyond what the schema table says: 'stratus' does not match '^arn:(aws[a-zA-Z-]*)?:iam::\\\\d{12}:role/[a-zA-Z_0-9+=,.@\\\\-_/]+$'",
    ),
    (
        "AWS::EC2::Subnet",
        "cfn-lint E3058, beyond what the schema table says: One of ['CidrBlock', 'Ipv4IpamPoolId', 'Ipv6IpamPoolId', 'Ipv6CidrBlock'] is a required property",
    ),
    ("AWS::ElastiCache::CacheCluster", CFN_LINT_VALUES),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "cfn-lint E3680, beyond what the schema table says: expected minimum item count: 2, found: 1",
    ),
    (
        "AWS::Events::Rule",
        "cfn-lint E3058, beyond what the schema table says: One of ['EventPattern', 'ScheduleExpression'] is a required property",
    ),
    ("AWS::Evidently::Experiment", SHUT_DOWN),
    ("AWS::Evidently::Feature", SHUT_DOWN),
    ("AWS::Evidently::Launch", SHUT_DOWN),
    ("AWS::Evidently::Project", SHUT_DOWN),
    ("AWS::Evidently::Segment", SHUT_DOWN),
    (
        "AWS::GroundStation::Config",
        "cfn-lint E3002, beyond what the schema table says: expected minimum property count: 1, found: 0",
    ),
    ("AWS::IoTAnalytics::Channel", SHUT_DOWN),
    ("AWS::IoTAnalytics::Dataset", SHUT_DOWN),
    ("AWS::IoTAnalytics::Datastore", SHUT_DOWN),
    ("AWS::IoTAnalytics::Pipeline", SHUT_DOWN),
    ("AWS::IoTEvents::AlarmModel", SHUT_DOWN),
    ("AWS::IoTEvents::DetectorModel", SHUT_DOWN),
    ("AWS::IoTEvents::Input", SHUT_DOWN),
    ("AWS::IoTSiteWise::Asset", CFN_LINT_VALUES),
    ("AWS::IoTSiteWise::Project", CFN_LINT_VALUES),
    ("AWS::IoTThingsGraph::FlowTemplate", SHUT_DOWN),
    (
        "AWS::Logs::Transformer",
        "cfn-lint E3002, beyond what the schema table says: expected minimum property count: 1, found: 0",
    ),
    (
        "AWS::MSK::Replicator",
        "cfn-lint E3037, beyond what the schema table says: [{}, {}] has non-unique elements",
    ),
    ("AWS::ManagedBlockchain::Node", CFN_LINT_VALUES),
    ("AWS::Neptune::DBInstance", CFN_LINT_VALUES),
    ("AWS::OpsWorks::App", SHUT_DOWN),
    ("AWS::OpsWorks::ElasticLoadBalancerAttachment", SHUT_DOWN),
    ("AWS::OpsWorks::Instance", SHUT_DOWN),
    ("AWS::OpsWorks::Layer", SHUT_DOWN),
    ("AWS::OpsWorks::Stack", SHUT_DOWN),
    ("AWS::OpsWorks::UserProfile", SHUT_DOWN),
    ("AWS::OpsWorks::Volume", SHUT_DOWN),
    ("AWS::QLDB::Ledger", SHUT_DOWN),
    ("AWS::QLDB::Stream", SHUT_DOWN),
    ("AWS::Redshift::Cluster", CFN_LINT_VALUES),
    ("AWS::Route53Resolver::ResolverEndpoint", CFN_LINT_VALUES),
    ("AWS::Route53Resolver::ResolverRule", CFN_LINT_VALUES),
    (
        "AWS::SSM::Document",
        "cfn-lint E3051, beyond what the schema table says: 'schemaVersion' is a required property",
    ),
    (
        "AWS::VoiceID::Domain",
        "cfn-lint E1157/E1162/E1164/E3017, beyond what the schema table says: 'stratus' is not a 'AWS::KMS::Key.Arn' with pattern '^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\\\\d{12}:(key|alias)/...",
    ),
];
