//! Cases of load balancers, target groups and listeners.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use serde_json::json;

use crate::conformance::{Case, Stranger, Variant};
use crate::handle::{Attr, Ref};
use crate::l1::acm::{CfnCertificate, CfnDomainValidationOption};
use crate::l1::ec2::{CfnInternetGateway, CfnSubnet, CfnVpc, CfnVpcGatewayAttachment};
use crate::l1::elbv2::{
    CfnAction, CfnListener, CfnListenerCertificate, CfnLoadBalancer, CfnMatcher, CfnTargetGroup,
};
use crate::l1::route53::CfnHostedZone;
use crate::stack::Stack;
use crate::value::ToValue;

use super::{group, physical, stack, subnet, vpc};

pub(super) fn target_group(name: &str, vpc: Ref<CfnVpc>, path: &str) -> CfnTargetGroup {
    CfnTargetGroup {
        name: Some(name.into()),
        port: 5000,
        protocol: "HTTP".into(),
        vpc_id: vpc,
        target_type: "instance".into(),
        health_check_path: Some(path.into()),
        health_check_protocol: Some("HTTP".into()),
        health_check_interval_seconds: Some(30),
        matcher: Some(CfnMatcher {
            http_code: "200".into(),
        }),
    }
}

/// A VPC with an internet gateway and public subnets in three zones.
fn public_network(s: &mut Stack) -> (Ref<CfnVpc>, [Ref<CfnSubnet>; 3]) {
    let vpc = vpc(s, "vpc", "10.0.0.0/16");
    let igw = s.add("igw", CfnInternetGateway {});
    s.add(
        "attachment",
        CfnVpcGatewayAttachment {
            vpc_id: vpc,
            internet_gateway_id: Some(igw),
            vpn_gateway_id: None,
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
        scheme: "internet-facing".into(),
        r#type: "application".into(),
        subnets,
        security_groups: groups,
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
                        lb.scheme = "internal".into();
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
                        Variant::Update(0) => tg.health_check_interval_seconds = Some(15),
                        Variant::Update(1) => {
                            tg.matcher = Some(CfnMatcher {
                                http_code: "200-299".into(),
                            });
                        }
                        Variant::Update(2) => tg.health_check_protocol = Some("HTTPS".into()),
                        Variant::Replace => tg.port = 8080,
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
                        name: "listener.conformance.example.com".into(),
                    },
                );
                let certificate = s.add(
                    "certificate",
                    CfnCertificate {
                        domain_name: "listener.conformance.example.com".into(),
                        subject_alternative_names: None,
                        validation_method: "DNS".into(),
                        domain_validation_options: Some(vec![CfnDomainValidationOption {
                            domain_name: "listener.conformance.example.com".into(),
                            hosted_zone_id: zone,
                        }]),
                    },
                );
                if v != Variant::Without {
                    let https = v == Variant::Update(2);
                    s.add(
                        "listener",
                        CfnListener {
                            load_balancer_arn: alb,
                            port: match v {
                                Variant::Update(0) => 8080,
                                Variant::Update(2) => 443,
                                _ => 80,
                            },
                            protocol: if https { "HTTPS" } else { "HTTP" }.into(),
                            default_actions: vec![CfnAction {
                                r#type: "forward".into(),
                                target_group_arn: Some(if v == Variant::Update(1) {
                                    other
                                } else {
                                    tg
                                }),
                            }],
                            certificates: https.then(|| {
                                vec![CfnListenerCertificate {
                                    certificate_arn: certificate.to_value(),
                                }]
                            }),
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
