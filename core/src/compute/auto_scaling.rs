//! [`AutoScalingGroup`]: instances kept at a capacity, in chosen subnets, behind target groups.

use crate::elb::TargetGroup;
use crate::error::ValidationError;
use crate::handle::Ref;
use crate::net::{SubnetSelection, Vpc};
use crate::stack::Stack;
use stratus_cfn::autoscaling::auto_scaling_group::LaunchTemplateSpecification;
use stratus_cfn::autoscaling::scaling_policy::{
    PredefinedMetricSpecification, TargetTrackingConfiguration,
};
use stratus_cfn::autoscaling::{CfnAutoScalingGroup, CfnScalingPolicy};

use super::launch_template::LaunchTemplate;

/// A handle to an auto scaling group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoScalingGroup {
    id: Ref<CfnAutoScalingGroup>,
}

impl AutoScalingGroup {
    /// Starts a group in `vpc` launching from `template`.
    ///
    /// Defaults: private-with-egress subnets; capacity 1/1/1; no scaling policy; health checks
    /// by the load balancer when target groups are attached (EC2 otherwise), 300 s grace.
    pub fn builder(id: &str, vpc: &Vpc, template: LaunchTemplate) -> AutoScalingGroupBuilder {
        AutoScalingGroupBuilder {
            id: id.to_owned(),
            vpc: vpc.clone(),
            template,
            name: None,
            subnets: SubnetSelection::private_with_egress(),
            capacity: (1, 1, 1),
            target_groups: Vec::new(),
            cpu_target: None,
            grace_seconds: 300,
        }
    }

    /// The L1 group.
    pub fn id(self) -> Ref<CfnAutoScalingGroup> {
        self.id
    }
}

/// Builds an [`AutoScalingGroup`].
#[must_use = "call .build(&mut stack) to add the auto scaling group"]
#[derive(Clone, Debug)]
pub struct AutoScalingGroupBuilder {
    id: String,
    vpc: Vpc,
    template: LaunchTemplate,
    name: Option<String>,
    subnets: SubnetSelection,
    capacity: (u32, u32, u32),
    target_groups: Vec<TargetGroup>,
    cpu_target: Option<f64>,
    grace_seconds: i32,
}

impl AutoScalingGroupBuilder {
    /// The group name (at most 255 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Which subnets of the VPC to launch in.
    pub fn subnets(mut self, selection: SubnetSelection) -> Self {
        self.subnets = selection;
        self
    }

    /// Minimum, desired and maximum instance counts (min ≤ desired ≤ max).
    pub fn capacity(mut self, min: u32, desired: u32, max: u32) -> Self {
        self.capacity = (min, desired, max);
        self
    }

    /// Registers instances with a target group.
    pub fn target_group(mut self, target_group: TargetGroup) -> Self {
        self.target_groups.push(target_group);
        self
    }

    /// Adds a target-tracking policy holding average CPU utilisation at `percent`.
    pub fn cpu_target(mut self, percent: f64) -> Self {
        self.cpu_target = Some(percent);
        self
    }

    /// Seconds after launch before health checks count (default 300).
    pub fn health_check_grace(mut self, seconds: i32) -> Self {
        self.grace_seconds = seconds;
        self
    }

    /// Adds the group and its scaling policy.
    pub fn build(self, stack: &mut Stack) -> AutoScalingGroup {
        let path = stack.claim(&stack.path().clone(), &self.id);
        let (min, desired, max) = self.capacity;
        if !(min <= desired && desired <= max) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!(
                    "capacity min {min}, desired {desired}, max {max} is out of order"
                ),
                fix: "keep min <= desired <= max".into(),
            });
        }
        if let Some(name) = &self.name {
            stack.check_name_len(&path, "auto scaling group name", name, 255);
        }
        if let Some(percent) = self.cpu_target
            && !(percent > 0.0 && percent <= 100.0)
        {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("a CPU target of {percent}%"),
                fix: "choose a target between 1 and 100 percent".into(),
            });
        }
        let placed = self.vpc.place(stack, &path, &self.subnets);
        let health_check_type = if self.target_groups.is_empty() {
            "EC2"
        } else {
            "ELB"
        };
        let id = stack.add_at(
            path.clone(),
            CfnAutoScalingGroup {
                auto_scaling_group_name: self.name.map(Into::into),
                desired_capacity: Some(desired.to_string().into()),
                vpc_zone_identifier: Some(placed.iter().map(|s| s.id).collect::<Vec<_>>().into()),
                launch_template: Some(
                    LaunchTemplateSpecification::from(self.template.latest()).into(),
                ),
                target_group_arns: Some(
                    self.target_groups
                        .iter()
                        .map(|tg| tg.id())
                        .collect::<Vec<_>>()
                        .into(),
                ),
                health_check_type: Some(health_check_type.into()),
                health_check_grace_period: Some(self.grace_seconds.into()),
                ..CfnAutoScalingGroup::new(max.to_string(), min.to_string())
            },
        );
        if let Some(percent) = self.cpu_target {
            stack.add_child(
                &path,
                "cpu-scaling",
                CfnScalingPolicy {
                    policy_type: Some("TargetTrackingScaling".into()),
                    target_tracking_configuration: Some(
                        TargetTrackingConfiguration {
                            predefined_metric_specification: Some(
                                PredefinedMetricSpecification::new("ASGAverageCPUUtilization")
                                    .into(),
                            ),
                            ..TargetTrackingConfiguration::new(percent)
                        }
                        .into(),
                    ),
                    ..CfnScalingPolicy::new(id)
                },
            );
        }
        AutoScalingGroup { id }
    }
}
