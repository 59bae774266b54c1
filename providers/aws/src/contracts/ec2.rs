//! EC2: networking, security groups, launch templates, instances.

use stratus_core::deploy::{Compare, Identity, Inputs, PropertySpec, TypeContract};

static EIP_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::create_only("Domain"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::EIP`.
pub(crate) static EIP: TypeContract =
    TypeContract::new("AWS::EC2::EIP", Identity::Generated, &EIP_PROPERTIES);

static GATEWAY_ATTACHMENT_PROPERTIES: [PropertySpec; 3] = [
    PropertySpec::create_only("VpcId"),
    PropertySpec::create_only("InternetGatewayId"),
    PropertySpec::create_only("VpnGatewayId"),
];

fn internet_gateways_only(inputs: &Inputs) -> Result<(), String> {
    if inputs.contains_key("VpnGatewayId") {
        return Err(
            "VpnGatewayId: stratus-aws attaches internet gateways only; declare InternetGatewayId"
                .into(),
        );
    }
    Ok(())
}

/// `AWS::EC2::VPCGatewayAttachment`.
pub(crate) static GATEWAY_ATTACHMENT: TypeContract = TypeContract::new(
    "AWS::EC2::VPCGatewayAttachment",
    Identity::Child {
        parent: "InternetGatewayId",
        key: &["InternetGatewayId"],
    },
    &GATEWAY_ATTACHMENT_PROPERTIES,
)
.with_validation(internet_gateways_only);

static INSTANCE_PROPERTIES: [PropertySpec; 6] = [
    PropertySpec::create_only("ImageId"),
    PropertySpec::updatable("InstanceType"),
    PropertySpec::create_only("SubnetId"),
    PropertySpec::updatable("SecurityGroupIds").compared(Compare::Unordered),
    // AWS reports the template only as tags of its own: what was launched from it is compared
    // through the other properties.
    PropertySpec::create_only("LaunchTemplate").compared(Compare::Ignore),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::Instance`.
pub(crate) static INSTANCE: TypeContract = TypeContract::new(
    "AWS::EC2::Instance",
    Identity::Generated,
    &INSTANCE_PROPERTIES,
)
// A type change stops and starts it: a new public address, unless it has an EIP.
.with_updated_attributes(&["PublicIp"]);

static INTERNET_GATEWAY_PROPERTIES: [PropertySpec; 1] = [PropertySpec::updatable("Tags")
    .compared(Compare::Tags)
    .resets_to("[]")];

/// `AWS::EC2::InternetGateway`.
pub(crate) static INTERNET_GATEWAY: TypeContract = TypeContract::new(
    "AWS::EC2::InternetGateway",
    Identity::Generated,
    &INTERNET_GATEWAY_PROPERTIES,
);

static LAUNCH_TEMPLATE_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::create_only("LaunchTemplateName"),
    // The data this handler applies (ec2/launch_template.rs `request_data`).
    PropertySpec::updatable("LaunchTemplateData").with_fields(&[
        "ImageId",
        "InstanceType",
        "SecurityGroupIds",
        "IamInstanceProfile.Arn",
        "UserData",
        "MetadataOptions.HttpTokens",
        "MetadataOptions.HttpEndpoint",
        "MetadataOptions.HttpPutResponseHopLimit",
        "TagSpecifications.*.ResourceType",
        "TagSpecifications.*.Tags",
        "KeyName",
    ]),
];

/// `AWS::EC2::LaunchTemplate`.
pub(crate) static LAUNCH_TEMPLATE: TypeContract = TypeContract::new(
    "AWS::EC2::LaunchTemplate",
    Identity::Named("LaunchTemplateName"),
    &LAUNCH_TEMPLATE_PROPERTIES,
)
// Each update is a new version, which the group that refers to it then runs.
.with_updated_attributes(&["LatestVersionNumber", "DefaultVersionNumber"]);

static NAT_GATEWAY_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("AllocationId"),
    PropertySpec::create_only("SubnetId"),
    PropertySpec::create_only("ConnectivityType"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::NatGateway`.
pub(crate) static NAT_GATEWAY: TypeContract = TypeContract::new(
    "AWS::EC2::NatGateway",
    Identity::Generated,
    &NAT_GATEWAY_PROPERTIES,
);

static ROUTE_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("RouteTableId"),
    PropertySpec::create_only("DestinationCidrBlock"),
    PropertySpec::updatable("GatewayId").cleared_when_left_out(),
    PropertySpec::updatable("NatGatewayId").cleared_when_left_out(),
];

/// `AWS::EC2::Route`.
pub(crate) static ROUTE: TypeContract = TypeContract::new(
    "AWS::EC2::Route",
    Identity::Child {
        parent: "RouteTableId",
        key: &["RouteTableId", "DestinationCidrBlock"],
    },
    &ROUTE_PROPERTIES,
);

static ROUTE_TABLE_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::create_only("VpcId"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::RouteTable`.
pub(crate) static ROUTE_TABLE: TypeContract = TypeContract::new(
    "AWS::EC2::RouteTable",
    Identity::Generated,
    &ROUTE_TABLE_PROPERTIES,
);

static ROUTE_TABLE_ASSOCIATION_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::create_only("SubnetId"),
    PropertySpec::create_only("RouteTableId"),
];

/// `AWS::EC2::SubnetRouteTableAssociation`.
pub(crate) static ROUTE_TABLE_ASSOCIATION: TypeContract = TypeContract::new(
    "AWS::EC2::SubnetRouteTableAssociation",
    Identity::Child {
        parent: "RouteTableId",
        key: &["SubnetId"],
    },
    &ROUTE_TABLE_ASSOCIATION_PROPERTIES,
);

static INGRESS_PROPERTIES: [PropertySpec; 7] = [
    PropertySpec::create_only("GroupId"),
    PropertySpec::create_only("IpProtocol"),
    PropertySpec::create_only("FromPort"),
    PropertySpec::create_only("ToPort"),
    PropertySpec::create_only("CidrIp"),
    PropertySpec::create_only("SourceSecurityGroupId"),
    PropertySpec::updatable("Description"),
];

static EGRESS_PROPERTIES: [PropertySpec; 7] = [
    PropertySpec::create_only("GroupId"),
    PropertySpec::create_only("IpProtocol"),
    PropertySpec::create_only("FromPort"),
    PropertySpec::create_only("ToPort"),
    PropertySpec::create_only("CidrIp"),
    PropertySpec::create_only("DestinationSecurityGroupId"),
    PropertySpec::updatable("Description"),
];

/// Inbound rules: no tags, identified within their group by what they admit.
pub(crate) static SECURITY_GROUP_INGRESS: TypeContract = TypeContract::new(
    "AWS::EC2::SecurityGroupIngress",
    Identity::Child {
        parent: "GroupId",
        key: &[
            "GroupId",
            "IpProtocol",
            "FromPort",
            "ToPort",
            "CidrIp",
            "SourceSecurityGroupId",
        ],
    },
    &INGRESS_PROPERTIES,
);

/// Outbound rules, as inbound ones.
pub(crate) static SECURITY_GROUP_EGRESS: TypeContract = TypeContract::new(
    "AWS::EC2::SecurityGroupEgress",
    Identity::Child {
        parent: "GroupId",
        key: &[
            "GroupId",
            "IpProtocol",
            "FromPort",
            "ToPort",
            "CidrIp",
            "DestinationSecurityGroupId",
        ],
    },
    &EGRESS_PROPERTIES,
);

/// What AWS gives a new group in a VPC when no outbound rule is declared (CloudFormation
/// restores it when the declaration's last one goes).
const ALLOW_ALL_EGRESS: &str = r#"[{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]"#;

static SECURITY_GROUP_PROPERTIES: [PropertySpec; 6] = [
    PropertySpec::create_only("GroupDescription"),
    PropertySpec::create_only("GroupName"),
    PropertySpec::create_only("VpcId"),
    // The inline rules are compared whole, with the rule resources of the stack for the group:
    // a rule added outside Stratus is drift, and the next deploy revokes it.
    PropertySpec::updatable("SecurityGroupIngress")
        .compared(Compare::Unordered)
        .resets_to("[]")
        .gathered_from("AWS::EC2::SecurityGroupIngress", "GroupId"),
    PropertySpec::updatable("SecurityGroupEgress")
        .compared(Compare::Unordered)
        .resets_to(ALLOW_ALL_EGRESS)
        .gathered_from("AWS::EC2::SecurityGroupEgress", "GroupId"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::SecurityGroup`.
pub(crate) static SECURITY_GROUP: TypeContract = TypeContract::new(
    "AWS::EC2::SecurityGroup",
    Identity::NamedIn {
        name: "GroupName",
        scope: "VpcId",
    },
    &SECURITY_GROUP_PROPERTIES,
);

static SUBNET_PROPERTIES: [PropertySpec; 5] = [
    PropertySpec::create_only("VpcId"),
    PropertySpec::create_only("CidrBlock"),
    PropertySpec::create_only("AvailabilityZone"),
    PropertySpec::updatable("MapPublicIpOnLaunch").resets_to("false"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::Subnet`.
pub(crate) static SUBNET: TypeContract =
    TypeContract::new("AWS::EC2::Subnet", Identity::Generated, &SUBNET_PROPERTIES);

static VPC_PROPERTIES: [PropertySpec; 5] = [
    PropertySpec::create_only("CidrBlock"),
    PropertySpec::updatable("EnableDnsSupport").resets_to("true"),
    PropertySpec::updatable("EnableDnsHostnames").resets_to("false"),
    PropertySpec::create_only("InstanceTenancy"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EC2::VPC`.
pub(crate) static VPC: TypeContract =
    TypeContract::new("AWS::EC2::VPC", Identity::Generated, &VPC_PROPERTIES);
