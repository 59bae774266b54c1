//! Cases of hosted zones, alias records, certificates and CloudFront distributions.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use serde_json::json;

use crate::conformance::{Case, Stranger, Variant};
use crate::l1::acm::{CfnCertificate, CfnDomainValidationOption};
use crate::l1::cloudfront::{
    CfnCacheBehavior, CfnCustomOriginConfig, CfnDistribution, CfnDistributionConfig, CfnOrigin,
    CfnViewerCertificate,
};
use crate::l1::route53::{CfnAliasTarget, CfnHostedZone, CfnRecordSet};
use crate::value::Value;

use super::stack;

const ZONE: &str = "conformance.example.com";

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::Route53::HostedZone",
            label: "",
            target: "zone",
            build: |v| {
                let mut s = stack("conf-zone");
                if v != Variant::Without {
                    s.add(
                        "zone",
                        CfnHostedZone {
                            name: if v == Variant::Replace {
                                "other.example.com"
                            } else {
                                ZONE
                            }
                            .into(),
                        },
                    );
                }
                s
            },
            updates: &[],
            replace: Some("Name"),
            stranger: Stranger::NotApplicable(
                "zones of one name may coexist; the caller reference is the intent's token",
            ),
        },
        Case {
            type_name: "AWS::Route53::RecordSet",
            label: "",
            target: "record",
            build: |v| {
                let mut s = stack("conf-record");
                let zone = s.add("zone", CfnHostedZone { name: ZONE.into() });
                if v != Variant::Without {
                    s.add(
                        "record",
                        CfnRecordSet {
                            hosted_zone_id: zone,
                            name: if v == Variant::Replace {
                                "www.conformance.example.com"
                            } else {
                                "app.conformance.example.com"
                            }
                            .into(),
                            r#type: "A".into(),
                            alias_target: Some(CfnAliasTarget {
                                dns_name: Value::String(
                                    if v == Variant::Update(0) {
                                        "d222222abcdef8.cloudfront.net"
                                    } else {
                                        "d111111abcdef8.cloudfront.net"
                                    }
                                    .into(),
                                ),
                                hosted_zone_id: Value::String("Z2FDTNDATAQYW2".into()),
                                evaluate_target_health: false,
                            }),
                        },
                    );
                }
                s
            },
            updates: &[&["AliasTarget"]],
            replace: Some("Name"),
            stranger: Stranger::Changed(|inputs, _| {
                inputs.insert(
                    "AliasTarget".into(),
                    json!({"DNSName": "someone-else.cloudfront.net", "HostedZoneId": "Z2FDTNDATAQYW2", "EvaluateTargetHealth": false}),
                );
            }),
        },
        Case {
            type_name: "AWS::CertificateManager::Certificate",
            label: "",
            target: "certificate",
            build: |v| {
                let mut s = stack("conf-certificate");
                let zone = s.add("zone", CfnHostedZone { name: ZONE.into() });
                if v != Variant::Without {
                    let domain = if v == Variant::Replace {
                        "www.conformance.example.com"
                    } else {
                        ZONE
                    };
                    s.add(
                        "certificate",
                        CfnCertificate {
                            domain_name: domain.into(),
                            subject_alternative_names: None,
                            validation_method: "DNS".into(),
                            domain_validation_options: Some(vec![CfnDomainValidationOption {
                                domain_name: domain.into(),
                                hosted_zone_id: zone,
                            }]),
                        },
                    );
                }
                s
            },
            updates: &[],
            replace: Some("DomainName"),
            stranger: Stranger::NotApplicable("certificate ARNs are generated"),
        },
        Case {
            type_name: "AWS::CloudFront::Distribution",
            label: "",
            target: "cdn",
            build: |v| {
                let mut s = stack("conf-cdn");
                if v != Variant::Without {
                    s.add(
                        "cdn",
                        CfnDistribution {
                            distribution_config: CfnDistributionConfig {
                                enabled: true,
                                comment: Some(
                                    if v == Variant::Update(0) {
                                        "conformance, again"
                                    } else {
                                        "conformance"
                                    }
                                    .into(),
                                ),
                                aliases: None,
                                origins: vec![CfnOrigin {
                                    id: "origin".into(),
                                    domain_name: Value::String(
                                        "origin.conformance.example.com".into(),
                                    ),
                                    custom_origin_config: CfnCustomOriginConfig {
                                        origin_protocol_policy: "https-only".into(),
                                        http_port: 80,
                                        https_port: 443,
                                        origin_ssl_protocols: vec!["TLSv1.2".into()],
                                    },
                                }],
                                default_cache_behavior: CfnCacheBehavior {
                                    target_origin_id: "origin".into(),
                                    viewer_protocol_policy: "redirect-to-https".into(),
                                    cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad".into(),
                                    origin_request_policy_id: Some(
                                        "216adef6-5c7f-47e4-b989-5492eafa07d3".into(),
                                    ),
                                    allowed_methods: vec!["GET".into(), "HEAD".into()],
                                    compress: true,
                                },
                                viewer_certificate: CfnViewerCertificate {
                                    acm_certificate_arn: None,
                                    ssl_support_method: None,
                                    minimum_protocol_version: None,
                                    cloudfront_default_certificate: Some(true),
                                },
                                http_version: "http2".into(),
                                price_class: "PriceClass_100".into(),
                            },
                        },
                    );
                }
                s
            },
            updates: &[&["DistributionConfig"]],
            replace: None,
            stranger: Stranger::NotApplicable(
                "distribution ids are generated; the caller reference is the intent's token",
            ),
        },
    ]
}
