//! Cases of launch templates, instances, auto scaling groups and policies.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use crate::conformance::{Case, Stranger, Variant};
use crate::handle::Attr;
use crate::l1::autoscaling::{
    CfnAutoScalingGroup, CfnPredefinedMetric, CfnScalingPolicy, CfnTargetTracking,
};
use crate::l1::ec2::{
    CfnInstance, CfnLaunchTemplate, CfnLaunchTemplateData, CfnLaunchTemplateSpec,
    CfnMetadataOptions,
};
use crate::stack::Stack;

use super::load_balancing::target_group;
use super::{AMI, group, stack, subnet, vpc};

fn template_data(instance_type: &str, groups: Vec<Attr<String>>) -> CfnLaunchTemplateData {
    CfnLaunchTemplateData {
        image_id: Some(AMI.into()),
        instance_type: Some(instance_type.into()),
        security_group_ids: groups,
        iam_instance_profile: None,
        user_data: None,
        metadata_options: Some(CfnMetadataOptions {
            http_tokens: "required".into(),
            http_endpoint: "enabled".into(),
            http_put_response_hop_limit: Some(1),
        }),
        tag_specifications: None,
        key_name: None,
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
                                if v == Variant::Replace {
                                    "conf-lt-2"
                                } else {
                                    "conf-lt"
                                }
                                .into(),
                            ),
                            launch_template_data: template_data(
                                if v == Variant::Update(0) {
                                    "t3.small"
                                } else {
                                    "t3.micro"
                                },
                                Vec::new(),
                            ),
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
                                if v == Variant::Replace {
                                    "ami-0fedcba9876543210"
                                } else {
                                    AMI
                                }
                                .into(),
                            ),
                            instance_type: Some(
                                if v == Variant::Update(0) {
                                    "t3.small"
                                } else {
                                    "t3.micro"
                                }
                                .into(),
                            ),
                            subnet_id: subnet,
                            security_group_ids: if v == Variant::Update(1) {
                                vec![group, other]
                            } else {
                                vec![group]
                            },
                            launch_template: None,
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
                    CfnLaunchTemplate {
                        launch_template_name: None,
                        launch_template_data: template_data("t3.micro", Vec::new()),
                    },
                );
                let other_template = s.add(
                    "other-template",
                    CfnLaunchTemplate {
                        launch_template_name: None,
                        launch_template_data: template_data("t3.small", Vec::new()),
                    },
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
                                if v == Variant::Replace {
                                    "conf-asg-2"
                                } else {
                                    "conf-asg"
                                }
                                .into(),
                            ),
                            min_size: if v == Variant::Update(0) { "0" } else { "1" }.into(),
                            max_size: if v == Variant::Update(0) { "3" } else { "2" }.into(),
                            desired_capacity: Some(
                                if v == Variant::Update(5) { "2" } else { "1" }.into(),
                            ),
                            vpc_zone_identifier: if v == Variant::Update(1) {
                                vec![a, b]
                            } else {
                                vec![a]
                            },
                            launch_template: CfnLaunchTemplateSpec {
                                launch_template_id: spec,
                                version: spec.attr("LatestVersionNumber"),
                            },
                            target_group_arns: if v == Variant::Update(2) {
                                vec![tg]
                            } else {
                                Vec::new()
                            },
                            health_check_type: Some(
                                if v == Variant::Update(3) {
                                    "ELB"
                                } else {
                                    "EC2"
                                }
                                .into(),
                            ),
                            health_check_grace_period: Some(if v == Variant::Update(3) {
                                60
                            } else {
                                300
                            }),
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
                    CfnLaunchTemplate {
                        launch_template_name: None,
                        launch_template_data: template_data("t3.micro", Vec::new()),
                    },
                );
                let group = |s: &mut Stack, id: &str| {
                    s.add(
                        id,
                        CfnAutoScalingGroup {
                            auto_scaling_group_name: None,
                            min_size: "0".into(),
                            max_size: "1".into(),
                            desired_capacity: Some("0".into()),
                            vpc_zone_identifier: vec![a],
                            launch_template: CfnLaunchTemplateSpec {
                                launch_template_id: template,
                                version: template.attr("LatestVersionNumber"),
                            },
                            target_group_arns: Vec::new(),
                            health_check_type: None,
                            health_check_grace_period: None,
                        },
                    )
                };
                let asg = group(&mut s, "asg");
                let other = group(&mut s, "other-asg");
                if v != Variant::Without {
                    s.add(
                        "cpu",
                        CfnScalingPolicy {
                            auto_scaling_group_name: if v == Variant::Replace {
                                other
                            } else {
                                asg
                            },
                            policy_type: "TargetTrackingScaling".into(),
                            target_tracking_configuration: CfnTargetTracking {
                                predefined_metric_specification: CfnPredefinedMetric {
                                    predefined_metric_type: "ASGAverageCPUUtilization".into(),
                                },
                                target_value: if v == Variant::Update(0) { 60.0 } else { 50.0 },
                            },
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
