//! Cases of security groups and their rules.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use crate::conformance::{Case, Stranger, Variant};
use stratus_cfn::ec2::security_group::Egress;
use stratus_cfn::ec2::{CfnSecurityGroup, CfnSecurityGroupEgress, CfnSecurityGroupIngress};

use super::{group, stack, vpc};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::EC2::SecurityGroup",
            label: "",
            target: "group",
            build: |v| {
                let mut s = stack("conf-sg");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                if v != Variant::Without {
                    let port = if v == Variant::Update(0) { 80 } else { 443 };
                    s.add(
                        "group",
                        CfnSecurityGroup {
                            group_name: Some("conf-web".into()),
                            vpc_id: Some(vpc.into()),
                            security_group_egress: Some(
                                vec![Egress {
                                    from_port: Some(port.into()),
                                    to_port: Some(port.into()),
                                    cidr_ip: Some("0.0.0.0/0".into()),
                                    description: Some("out".into()),
                                    ..Egress::new("tcp")
                                }]
                                .into(),
                            ),
                            ..CfnSecurityGroup::new(if v == Variant::Replace {
                                "web, renamed"
                            } else {
                                "web"
                            })
                        },
                    );
                }
                s
            },
            updates: &[&["SecurityGroupEgress"]],
            replace: Some("GroupDescription"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::EC2::SecurityGroupIngress",
            label: "",
            target: "ssh",
            build: |v| {
                let mut s = stack("conf-ingress");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let group = group(&mut s, "group", vpc);
                if v != Variant::Without {
                    let port = if v == Variant::Replace { 2222 } else { 22 };
                    s.add(
                        "ssh",
                        CfnSecurityGroupIngress {
                            group_id: Some(group.into()),
                            from_port: Some(port.into()),
                            to_port: Some(port.into()),
                            cidr_ip: Some("203.0.113.10/32".into()),
                            description: Some(
                                (if v == Variant::Update(0) {
                                    "the admin, again"
                                } else {
                                    "the admin"
                                })
                                .into(),
                            ),
                            ..CfnSecurityGroupIngress::new("tcp")
                        },
                    );
                }
                s
            },
            updates: &[&["Description"]],
            replace: Some("FromPort"),
            // The rule's group is the stack's, and its rule lists are compared whole: a rule
            // added to it outside Stratus is the group's drift, which the next deploy revokes
            // before this create runs (held on the emulator by `aws_safety`).
            stranger: Stranger::NotApplicable(
                "a rule added outside Stratus to the stack's group is that group's drift, revoked \
                 by its update",
            ),
        },
        Case {
            type_name: "AWS::EC2::SecurityGroupEgress",
            label: "",
            target: "to-app",
            build: |v| {
                let mut s = stack("conf-egress");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let group = group(&mut s, "group", vpc);
                let app = self::group(&mut s, "app", vpc);
                if v != Variant::Without {
                    let port = if v == Variant::Replace { 8080 } else { 5000 };
                    s.add(
                        "to-app",
                        CfnSecurityGroupEgress {
                            from_port: Some(port.into()),
                            to_port: Some(port.into()),
                            destination_security_group_id: Some(app.into()),
                            description: Some(
                                (if v == Variant::Update(0) {
                                    "to the app, again"
                                } else {
                                    "to the app"
                                })
                                .into(),
                            ),
                            ..CfnSecurityGroupEgress::new(group, "tcp")
                        },
                    );
                }
                s
            },
            updates: &[&["Description"]],
            replace: Some("FromPort"),
            // The rule's group is the stack's, and its rule lists are compared whole: a rule
            // added to it outside Stratus is the group's drift, which the next deploy revokes
            // before this create runs (held on the emulator by `aws_safety`).
            stranger: Stranger::NotApplicable(
                "a rule added outside Stratus to the stack's group is that group's drift, revoked \
                 by its update",
            ),
        },
    ]
}
