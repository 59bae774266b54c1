//! Auto Scaling resources.

use crate::handle::Ref;
use crate::l1::ec2::{CfnLaunchTemplateSpec, CfnSubnet};
use crate::{Resource, ToValue};

/// `AWS::AutoScaling::AutoScalingGroup`.
#[derive(Resource, Clone, Debug)]
#[resource(
    type = "AWS::AutoScaling::AutoScalingGroup",
    tags = "asg",
    crate = "crate"
)]
pub struct CfnAutoScalingGroup {
    /// The group name.
    #[resource(replace)]
    pub auto_scaling_group_name: Option<String>,
    /// Fewest instances (a string in CloudFormation).
    pub min_size: String,
    /// Most instances.
    pub max_size: String,
    /// Instances wanted now.
    pub desired_capacity: Option<String>,
    /// The subnets.
    #[resource(rename = "VPCZoneIdentifier")]
    pub vpc_zone_identifier: Vec<Ref<CfnSubnet>>,
    /// What to launch.
    pub launch_template: CfnLaunchTemplateSpec,
    /// Target groups to register instances with.
    #[resource(rename = "TargetGroupARNs")]
    pub target_group_arns: Vec<Ref<crate::l1::elbv2::CfnTargetGroup>>,
    /// `EC2` or `ELB`.
    pub health_check_type: Option<String>,
    /// Seconds before the first health check counts.
    pub health_check_grace_period: Option<i32>,
}

/// The metric of a target-tracking policy.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnPredefinedMetric {
    /// e.g. `ASGAverageCPUUtilization`.
    pub predefined_metric_type: String,
}

/// A target-tracking configuration.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnTargetTracking {
    /// The metric.
    pub predefined_metric_specification: CfnPredefinedMetric,
    /// The value to hold it at.
    pub target_value: f64,
}

/// `AWS::AutoScaling::ScalingPolicy`.
#[derive(Resource, Clone, Debug)]
#[resource(
    type = "AWS::AutoScaling::ScalingPolicy",
    tags = "none",
    crate = "crate"
)]
pub struct CfnScalingPolicy {
    /// The group.
    #[resource(replace)]
    pub auto_scaling_group_name: Ref<CfnAutoScalingGroup>,
    /// `TargetTrackingScaling`.
    pub policy_type: String,
    /// The target.
    pub target_tracking_configuration: CfnTargetTracking,
}
