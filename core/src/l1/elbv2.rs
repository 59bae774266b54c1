//! Elastic Load Balancing v2 resources.

use crate::handle::{Attr, Ref};
use crate::l1::ec2::{CfnSubnet, CfnVpc};
use crate::{Resource, ToValue};

/// `AWS::ElasticLoadBalancingV2::LoadBalancer`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::ElasticLoadBalancingV2::LoadBalancer", crate = "crate")]
pub struct CfnLoadBalancer {
    /// The name (≤ 32 characters).
    #[resource(replace)]
    pub name: Option<String>,
    /// `internet-facing` or `internal`.
    #[resource(replace)]
    pub scheme: String,
    /// `application`.
    #[resource(replace)]
    pub r#type: String,
    /// The subnets, at least two zones.
    pub subnets: Vec<Ref<CfnSubnet>>,
    /// Security group ids.
    pub security_groups: Vec<Attr<String>>,
}

/// A target group health check matcher.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnMatcher {
    /// HTTP codes counted healthy, e.g. `200-399`.
    pub http_code: String,
}

/// `AWS::ElasticLoadBalancingV2::TargetGroup`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::ElasticLoadBalancingV2::TargetGroup", crate = "crate")]
pub struct CfnTargetGroup {
    /// The name (≤ 32 characters).
    #[resource(replace)]
    pub name: Option<String>,
    /// The port targets listen on.
    #[resource(replace)]
    pub port: i32,
    /// `HTTP` or `HTTPS`.
    #[resource(replace)]
    pub protocol: String,
    /// The VPC.
    #[resource(replace)]
    pub vpc_id: Ref<CfnVpc>,
    /// `instance`, `ip` or `lambda`.
    #[resource(replace)]
    pub target_type: String,
    /// The health check path.
    pub health_check_path: Option<String>,
    /// The health check protocol.
    pub health_check_protocol: Option<String>,
    /// Seconds between checks.
    pub health_check_interval_seconds: Option<i32>,
    /// Healthy codes.
    pub matcher: Option<CfnMatcher>,
}

/// A listener action.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnAction {
    /// `forward`.
    pub r#type: String,
    /// The target group.
    pub target_group_arn: Option<Ref<CfnTargetGroup>>,
}

/// A listener certificate.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnListenerCertificate {
    /// The certificate ARN.
    pub certificate_arn: crate::Value,
}

/// `AWS::ElasticLoadBalancingV2::Listener`.
#[derive(Resource, Clone, Debug)]
#[resource(
    type = "AWS::ElasticLoadBalancingV2::Listener",
    tags = "none",
    crate = "crate"
)]
pub struct CfnListener {
    /// The load balancer.
    #[resource(replace)]
    pub load_balancer_arn: Ref<CfnLoadBalancer>,
    /// The port.
    pub port: i32,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// What to do with requests.
    pub default_actions: Vec<CfnAction>,
    /// Certificates for HTTPS.
    pub certificates: Option<Vec<CfnListenerCertificate>>,
}
