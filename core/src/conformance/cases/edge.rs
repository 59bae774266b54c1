//! Cases of hosted zones, alias records, certificates and CloudFront distributions.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use serde_json::json;

use crate::conformance::{Case, Stranger, Variant};
use stratus_cfn::certificatemanager::CfnCertificate;
use stratus_cfn::certificatemanager::certificate::DomainValidationOption;
use stratus_cfn::cloudfront::CfnDistribution;
use stratus_cfn::cloudfront::distribution::{
    CustomOriginConfig, DefaultCacheBehavior, DistributionConfig, Origin, ViewerCertificate,
};
use stratus_cfn::route53::record_set::AliasTarget;
use stratus_cfn::route53::{CfnHostedZone, CfnRecordSet};

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
                            name: Some(
                                (if v == Variant::Replace {
                                    "other.example.com"
                                } else {
                                    ZONE
                                })
                                .into(),
                            ),
                            ..CfnHostedZone::default()
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
                let zone = s.add(
                    "zone",
                    CfnHostedZone {
                        name: Some(ZONE.into()),
                        ..CfnHostedZone::default()
                    },
                );
                if v != Variant::Without {
                    s.add(
                        "record",
                        CfnRecordSet {
                            hosted_zone_id: Some(zone.into()),
                            alias_target: Some(
                                AliasTarget {
                                    evaluate_target_health: Some(false.into()),
                                    ..AliasTarget::new(
                                        if v == Variant::Update(0) {
                                            "d222222abcdef8.cloudfront.net"
                                        } else {
                                            "d111111abcdef8.cloudfront.net"
                                        },
                                        "Z2FDTNDATAQYW2",
                                    )
                                }
                                .into(),
                            ),
                            ..CfnRecordSet::new(
                                if v == Variant::Replace {
                                    "www.conformance.example.com"
                                } else {
                                    "app.conformance.example.com"
                                },
                                "A",
                            )
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
                let zone = s.add(
                    "zone",
                    CfnHostedZone {
                        name: Some(ZONE.into()),
                        ..CfnHostedZone::default()
                    },
                );
                if v != Variant::Without {
                    let domain = if v == Variant::Replace {
                        "www.conformance.example.com"
                    } else {
                        ZONE
                    };
                    s.add(
                        "certificate",
                        CfnCertificate {
                            validation_method: Some("DNS".into()),
                            domain_validation_options: Some(
                                vec![DomainValidationOption {
                                    hosted_zone_id: Some(zone.into()),
                                    ..DomainValidationOption::new(domain)
                                }]
                                .into(),
                            ),
                            ..CfnCertificate::new(domain)
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
                        CfnDistribution::new(DistributionConfig {
                            comment: Some(
                                (if v == Variant::Update(0) {
                                    "conformance, again"
                                } else {
                                    "conformance"
                                })
                                .into(),
                            ),
                            origins: Some(
                                vec![Origin {
                                    custom_origin_config: Some(
                                        CustomOriginConfig {
                                            http_port: Some(80.into()),
                                            https_port: Some(443.into()),
                                            origin_ssl_protocols: Some(vec!["TLSv1.2"].into()),
                                            ..CustomOriginConfig::new("https-only")
                                        }
                                        .into(),
                                    ),
                                    ..Origin::new("origin.conformance.example.com", "origin")
                                }]
                                .into(),
                            ),
                            viewer_certificate: Some(
                                ViewerCertificate {
                                    cloud_front_default_certificate: Some(true.into()),
                                    ..ViewerCertificate::default()
                                }
                                .into(),
                            ),
                            http_version: Some("http2".into()),
                            price_class: Some("PriceClass_100".into()),
                            ..DistributionConfig::new(
                                DefaultCacheBehavior {
                                    cache_policy_id: Some(
                                        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad".into(),
                                    ),
                                    origin_request_policy_id: Some(
                                        "216adef6-5c7f-47e4-b989-5492eafa07d3".into(),
                                    ),
                                    allowed_methods: Some(vec!["GET", "HEAD"].into()),
                                    compress: Some(true.into()),
                                    ..DefaultCacheBehavior::new("origin", "redirect-to-https")
                                },
                                true,
                            )
                        }),
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
