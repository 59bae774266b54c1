//! Cases of load balancers, target groups and listeners.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use serde_json::json;

use crate::conformance::{Case, Stranger, Variant};
use crate::handle::{Attr, Ref};
use crate::stack::Stack;
use stratus_cfn::certificatemanager::CfnCertificate;
use stratus_cfn::certificatemanager::certificate::DomainValidationOption;
use stratus_cfn::ec2::{CfnInternetGateway, CfnSubnet, CfnVpc, CfnVpcGatewayAttachment};
use stratus_cfn::elasticloadbalancingv2::listener::{Action, Certificate};
use stratus_cfn::elasticloadbalancingv2::target_group::Matcher;
use stratus_cfn::elasticloadbalancingv2::{CfnListener, CfnLoadBalancer, CfnTargetGroup};
use stratus_cfn::route53::CfnHostedZone;

use super::{group, physical, stack, subnet, vpc};

pub(super) fn target_group(name: &str, vpc: Ref<CfnVpc>, path: &str) -> CfnTargetGroup {
    CfnTargetGroup {
        name: Some(name.into()),
        port: Some(5000.into()),
        protocol: Some("HTTP".into()),
        vpc_id: Some(vpc.into()),
        target_type: Some("instance".into()),
        health_check_path: Some(path.into()),
        health_check_protocol: Some("HTTP".into()),
        health_check_interval_seconds: Some(30.into()),
        matcher: Some(
            Matcher {
                http_code: Some("200".into()),
                ..Matcher::default()
            }
            .into(),
        ),
        ..CfnTargetGroup::default()
    }
}

/// A VPC with an internet gateway and public subnets in three zones.
fn public_network(s: &mut Stack) -> (Ref<CfnVpc>, [Ref<CfnSubnet>; 3]) {
    let vpc = vpc(s, "vpc", "10.0.0.0/16");
    let igw = s.add("igw", CfnInternetGateway::default());
    s.add(
        "attachment",
        CfnVpcGatewayAttachment {
            internet_gateway_id: Some(igw.into()),
            ..CfnVpcGatewayAttachment::new(vpc)
        },
    );
    let a = subnet(s, "public-a", vpc, "10.0.1.0/24", "a");
    let b = subnet(s, "public-b", vpc, "10.0.2.0/24", "b");
    let c = subnet(s, "public-c", vpc, "10.0.3.0/24", "c");
    (vpc, [a, b, c])
}

fn load_balancer(
    name: &str,
    subnets: Vec<Ref<CfnSubnet>>,
    groups: Vec<Attr<String>>,
) -> CfnLoadBalancer {
    CfnLoadBalancer {
        name: Some(name.into()),
        scheme: Some("internet-facing".into()),
        r#type: Some("application".into()),
        subnets: Some(subnets.into()),
        security_groups: Some(groups.into()),
        ..CfnLoadBalancer::default()
    }
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::ElasticLoadBalancingV2::LoadBalancer",
            label: "",
            target: "alb",
            build: |v| {
                let mut s = stack("conf-alb");
                let (vpc, [a, b, c]) = public_network(&mut s);
                let group = group(&mut s, "group", vpc);
                let other = self::group(&mut s, "other", vpc);
                if v != Variant::Without {
                    let mut lb = load_balancer(
                        "conf-alb",
                        if v == Variant::Update(0) {
                            vec![a, b, c]
                        } else {
                            vec![a, b]
                        },
                        if v == Variant::Update(1) {
                            vec![other]
                        } else {
                            vec![group]
                        },
                    );
                    if v == Variant::Replace {
                        lb.scheme = Some("internal".into());
                    }
                    s.add("alb", lb);
                }
                s
            },
            updates: &[&["Subnets"], &["SecurityGroups"]],
            replace: Some("Scheme"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::ElasticLoadBalancingV2::TargetGroup",
            label: "",
            target: "tg",
            build: |v| {
                let mut s = stack("conf-tg");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                if v != Variant::Without {
                    let mut tg = target_group(
                        "conf-tg",
                        vpc,
                        if v == Variant::Update(0) {
                            "/ready"
                        } else {
                            "/health"
                        },
                    );
                    match v {
                        Variant::Update(0) => tg.health_check_interval_seconds = Some(15.into()),
                        Variant::Update(1) => {
                            tg.matcher = Some(
                                Matcher {
                                    http_code: Some("200-299".into()),
                                    ..Matcher::default()
                                }
                                .into(),
                            );
                        }
                        Variant::Update(2) => tg.health_check_protocol = Some("HTTPS".into()),
                        Variant::Replace => tg.port = Some(8080.into()),
                        _ => {}
                    }
                    s.add("tg", tg);
                }
                s
            },
            updates: &[
                &["HealthCheckPath", "HealthCheckIntervalSeconds"],
                &["Matcher"],
                &["HealthCheckProtocol"],
            ],
            replace: Some("Port"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::ElasticLoadBalancingV2::Listener",
            label: "",
            target: "listener",
            build: |v| {
                let mut s = stack("conf-listener");
                let (vpc, [a, b, _]) = public_network(&mut s);
                let group = group(&mut s, "group", vpc);
                let alb = s.add(
                    "alb",
                    load_balancer("conf-listener-alb", vec![a, b], vec![group]),
                );
                let tg = s.add("tg", target_group("conf-listener-tg", vpc, "/health"));
                let other = s.add(
                    "other-tg",
                    target_group("conf-listener-tg2", vpc, "/health"),
                );
                let zone = s.add(
                    "zone",
                    CfnHostedZone {
                        name: Some("listener.conformance.example.com".into()),
                        ..CfnHostedZone::default()
                    },
                );
                let certificate = s.add(
                    "certificate",
                    CfnCertificate {
                        validation_method: Some("DNS".into()),
                        domain_validation_options: Some(
                            vec![DomainValidationOption {
                                hosted_zone_id: Some(zone.into()),
                                ..DomainValidationOption::new("listener.conformance.example.com")
                            }]
                            .into(),
                        ),
                        ..CfnCertificate::new("listener.conformance.example.com")
                    },
                );
                if v != Variant::Without {
                    let https = v == Variant::Update(2);
                    s.add(
                        "listener",
                        CfnListener {
                            port: Some(
                                (match v {
                                    Variant::Update(0) => 8080,
                                    Variant::Update(2) => 443,
                                    _ => 80,
                                })
                                .into(),
                            ),
                            protocol: Some((if https { "HTTPS" } else { "HTTP" }).into()),
                            certificates: https.then(|| {
                                vec![Certificate {
                                    certificate_arn: Some(certificate.into()),
                                }]
                                .into()
                            }),
                            ..CfnListener::new(
                                vec![Action {
                                    target_group_arn: Some(
                                        (if v == Variant::Update(1) { other } else { tg }).into(),
                                    ),
                                    ..Action::new("forward")
                                }],
                                alb,
                            )
                        },
                    );
                }
                s
            },
            updates: &[
                &["Port"],
                &["DefaultActions"],
                &["Protocol", "Certificates"],
            ],
            replace: None,
            stranger: Stranger::Changed(|inputs, state| {
                inputs.insert(
                    "DefaultActions".into(),
                    json!([{"Type": "forward", "TargetGroupArn": physical(state, "OtherTg")}]),
                );
            }),
        },
    ]
}
