//! Cases of launch templates, instances, auto scaling groups and policies.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use crate::conformance::{Case, Stranger, Variant};
use crate::handle::Attr;
use crate::stack::Stack;
use stratus_cfn::autoscaling::auto_scaling_group::LaunchTemplateSpecification;
use stratus_cfn::autoscaling::scaling_policy::{
    PredefinedMetricSpecification, TargetTrackingConfiguration,
};
use stratus_cfn::autoscaling::{CfnAutoScalingGroup, CfnScalingPolicy};
use stratus_cfn::ec2::launch_template::{LaunchTemplateData, MetadataOptions};
use stratus_cfn::ec2::{CfnInstance, CfnLaunchTemplate};

use super::load_balancing::target_group;
use super::{AMI, group, stack, subnet, vpc};

fn template_data(instance_type: &str, groups: Vec<Attr<String>>) -> LaunchTemplateData {
    LaunchTemplateData {
        image_id: Some(AMI.into()),
        instance_type: Some(instance_type.into()),
        security_group_ids: Some(groups.into()),
        metadata_options: Some(
            MetadataOptions {
                http_tokens: Some("required".into()),
                http_endpoint: Some("enabled".into()),
                http_put_response_hop_limit: Some(1.into()),
                ..MetadataOptions::default()
            }
            .into(),
        ),
        ..LaunchTemplateData::default()
    }
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::EC2::LaunchTemplate",
            label: "",
            target: "template",
            build: |v| {
                let mut s = stack("conf-lt");
                if v != Variant::Without {
                    s.add(
                        "template",
                        CfnLaunchTemplate {
                            launch_template_name: Some(
                                (if v == Variant::Replace {
                                    "conf-lt-2"
                                } else {
                                    "conf-lt"
                                })
                                .into(),
                            ),
                            ..CfnLaunchTemplate::new(template_data(
                                if v == Variant::Update(0) {
                                    "t3.small"
                                } else {
                                    "t3.micro"
                                },
                                Vec::new(),
                            ))
                        },
                    );
                }
                s
            },
            updates: &[&["LaunchTemplateData"]],
            replace: Some("LaunchTemplateName"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::EC2::Instance",
            label: "",
            target: "bastion",
            build: |v| {
                let mut s = stack("conf-instance");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let subnet = subnet(&mut s, "subnet", vpc, "10.0.1.0/24", "a");
                let group = group(&mut s, "group", vpc);
                let other = self::group(&mut s, "other", vpc);
                if v != Variant::Without {
                    s.add(
                        "bastion",
                        CfnInstance {
                            image_id: Some(
                                (if v == Variant::Replace {
                                    "ami-0fedcba9876543210"
                                } else {
                                    AMI
                                })
                                .into(),
                            ),
                            instance_type: Some(
                                (if v == Variant::Update(0) {
                                    "t3.small"
                                } else {
                                    "t3.micro"
                                })
                                .into(),
                            ),
                            subnet_id: Some(subnet.into()),
                            security_group_ids: Some(
                                (if v == Variant::Update(1) {
                                    vec![group, other]
                                } else {
                                    vec![group]
                                })
                                .into(),
                            ),
                            ..CfnInstance::default()
                        },
                    );
                }
                s
            },
            updates: &[&["InstanceType"], &["SecurityGroupIds"]],
            replace: Some("ImageId"),
            stranger: Stranger::NotApplicable("instance ids are generated"),
        },
        Case {
            type_name: "AWS::AutoScaling::AutoScalingGroup",
            label: "",
            target: "asg",
            build: |v| {
                let mut s = stack("conf-asg");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let a = subnet(&mut s, "private-a", vpc, "10.0.1.0/24", "a");
                let b = subnet(&mut s, "private-b", vpc, "10.0.2.0/24", "b");
                let template = s.add(
                    "template",
                    CfnLaunchTemplate::new(template_data("t3.micro", Vec::new())),
                );
                let other_template = s.add(
                    "other-template",
                    CfnLaunchTemplate::new(template_data("t3.small", Vec::new())),
                );
                let tg = s.add("tg", target_group("conf-asg-tg", vpc, "/health"));
                if v != Variant::Without {
                    let spec = if v == Variant::Update(4) {
                        other_template
                    } else {
                        template
                    };
                    s.add(
                        "asg",
                        CfnAutoScalingGroup {
                            auto_scaling_group_name: Some(
                                (if v == Variant::Replace {
                                    "conf-asg-2"
                                } else {
                                    "conf-asg"
                                })
                                .into(),
                            ),
                            desired_capacity: Some(
                                (if v == Variant::Update(5) { "2" } else { "1" }).into(),
                            ),
                            vpc_zone_identifier: Some(
                                (if v == Variant::Update(1) {
                                    vec![a, b]
                                } else {
                                    vec![a]
                                })
                                .into(),
                            ),
                            launch_template: Some(
                                LaunchTemplateSpecification {
                                    launch_template_id: Some(spec.into()),
                                    ..LaunchTemplateSpecification::new(
                                        spec.attr("LatestVersionNumber"),
                                    )
                                }
                                .into(),
                            ),
                            target_group_arns: Some(
                                (if v == Variant::Update(2) {
                                    vec![tg]
                                } else {
                                    Vec::new()
                                })
                                .into(),
                            ),
                            health_check_type: Some(
                                (if v == Variant::Update(3) {
                                    "ELB"
                                } else {
                                    "EC2"
                                })
                                .into(),
                            ),
                            health_check_grace_period: Some(
                                (if v == Variant::Update(3) { 60 } else { 300 }).into(),
                            ),
                            ..CfnAutoScalingGroup::new(
                                if v == Variant::Update(0) { "3" } else { "2" },
                                if v == Variant::Update(0) { "0" } else { "1" },
                            )
                        },
                    );
                }
                s
            },
            updates: &[
                &["MinSize", "MaxSize"],
                &["VPCZoneIdentifier"],
                &["TargetGroupARNs"],
                &["HealthCheckType", "HealthCheckGracePeriod"],
                &["LaunchTemplate"],
                &["DesiredCapacity"],
            ],
            replace: Some("AutoScalingGroupName"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::AutoScaling::ScalingPolicy",
            label: "",
            target: "cpu",
            build: |v| {
                let mut s = stack("conf-policy");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let a = subnet(&mut s, "private-a", vpc, "10.0.1.0/24", "a");
                let template = s.add(
                    "template",
                    CfnLaunchTemplate::new(template_data("t3.micro", Vec::new())),
                );
                let group = |s: &mut Stack, id: &str| {
                    s.add(
                        id,
                        CfnAutoScalingGroup {
                            desired_capacity: Some("0".into()),
                            vpc_zone_identifier: Some(vec![a].into()),
                            launch_template: Some(
                                LaunchTemplateSpecification {
                                    launch_template_id: Some(template.into()),
                                    ..LaunchTemplateSpecification::new(
                                        template.attr("LatestVersionNumber"),
                                    )
                                }
                                .into(),
                            ),
                            target_group_arns: Some(Vec::<Attr<String>>::new().into()),
                            ..CfnAutoScalingGroup::new("1", "0")
                        },
                    )
                };
                let asg = group(&mut s, "asg");
                let other = group(&mut s, "other-asg");
                if v != Variant::Without {
                    s.add(
                        "cpu",
                        CfnScalingPolicy {
                            policy_type: Some("TargetTrackingScaling".into()),
                            target_tracking_configuration: Some(
                                TargetTrackingConfiguration {
                                    predefined_metric_specification: Some(
                                        PredefinedMetricSpecification::new(
                                            "ASGAverageCPUUtilization",
                                        )
                                        .into(),
                                    ),
                                    ..TargetTrackingConfiguration::new(if v == Variant::Update(0) {
                                        60.0
                                    } else {
                                        50.0
                                    })
                                }
                                .into(),
                            ),
                            ..CfnScalingPolicy::new(if v == Variant::Replace { other } else { asg })
                        },
                    );
                }
                s
            },
            updates: &[&["TargetTrackingConfiguration"]],
            replace: Some("AutoScalingGroupName"),
            stranger: Stranger::NotApplicable("policy names derive from the intent's token"),
        },
    ]
}
