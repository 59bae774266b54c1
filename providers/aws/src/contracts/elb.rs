//! Elastic Load Balancing v2: load balancers, target groups, listeners.

use stratus_core::deploy::{Compare, Identity, PropertySpec, TypeContract};

static LISTENER_PROPERTIES: [PropertySpec; 5] = [
    PropertySpec::create_only("LoadBalancerArn"),
    PropertySpec::updatable("Port"),
    PropertySpec::updatable("Protocol"),
    PropertySpec::updatable("DefaultActions").with_fields(&["*.Type", "*.TargetGroupArn"]),
    PropertySpec::updatable("Certificates"),
];

/// `AWS::ElasticLoadBalancingV2::Listener`.
pub(crate) static LISTENER: TypeContract = TypeContract::new(
    "AWS::ElasticLoadBalancingV2::Listener",
    Identity::Child {
        parent: "LoadBalancerArn",
        key: &["LoadBalancerArn", "Port"],
    },
    &LISTENER_PROPERTIES,
);

static LOAD_BALANCER_PROPERTIES: [PropertySpec; 6] = [
    PropertySpec::create_only("Name"),
    PropertySpec::create_only("Scheme"),
    PropertySpec::create_only("Type"),
    PropertySpec::updatable("Subnets").compared(Compare::Unordered),
    PropertySpec::updatable("SecurityGroups").compared(Compare::Unordered),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::ElasticLoadBalancingV2::LoadBalancer`.
pub(crate) static LOAD_BALANCER: TypeContract = TypeContract::new(
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    Identity::Named("Name"),
    &LOAD_BALANCER_PROPERTIES,
);

static TARGET_GROUP_PROPERTIES: [PropertySpec; 10] = [
    PropertySpec::create_only("Name"),
    PropertySpec::create_only("Port"),
    PropertySpec::create_only("Protocol"),
    PropertySpec::create_only("VpcId"),
    PropertySpec::create_only("TargetType"),
    PropertySpec::updatable("HealthCheckPath").resets_to(r#""/""#),
    PropertySpec::updatable("HealthCheckProtocol"),
    PropertySpec::updatable("HealthCheckIntervalSeconds").resets_to("30"),
    PropertySpec::updatable("Matcher").resets_to(r#"{"HttpCode": "200"}"#),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::ElasticLoadBalancingV2::TargetGroup`.
pub(crate) static TARGET_GROUP: TypeContract = TypeContract::new(
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    Identity::Named("Name"),
    &TARGET_GROUP_PROPERTIES,
);
