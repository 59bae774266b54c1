//! CloudFront rules: how viewers and origins are reached, WAF, logging.

use super::{at, items, nodes};
use crate::graph::Node;
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// Every cache behaviour of a distribution, the default one first.
fn behaviours(node: &Node) -> Vec<&Value> {
    at(node, "DistributionConfig.DefaultCacheBehavior")
        .into_iter()
        .chain(items(node, "DistributionConfig.CacheBehaviors"))
        .collect()
}

/// A distribution that serves viewers over plain HTTP.
pub(super) struct HttpViewers;

impl Rule for HttpViewers {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-CDN-HTTP-VIEWERS",
            severity: Severity::Error,
            checkov: &["CKV_AWS_34"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::CloudFront::Distribution") {
            let plain = behaviours(node).iter().any(|b| {
                b.as_map()
                    .and_then(|b| b.get("ViewerProtocolPolicy"))
                    .and_then(Value::as_str)
                    == Some("allow-all")
            });
            if plain {
                findings.add(
                    node,
                    "viewers may use plain HTTP",
                    "redirect them to HTTPS (ViewerProtocolPolicy::RedirectToHttps, the default)",
                );
            }
        }
    }
}

/// A distribution that fetches from its origin over plain HTTP: the viewer's HTTPS ends at the
/// edge and the rest of the way is readable.
pub(super) struct HttpOrigin;

impl Rule for HttpOrigin {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-CDN-HTTP-ORIGIN",
            severity: Severity::Warning,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::CloudFront::Distribution") {
            for origin in items(node, "DistributionConfig.Origins") {
                let policy = origin
                    .as_map()
                    .and_then(|o| o.get("CustomOriginConfig"))
                    .and_then(Value::as_map)
                    .and_then(|c| c.get("OriginProtocolPolicy"))
                    .and_then(Value::as_str);
                if matches!(policy, Some("http-only" | "match-viewer")) {
                    let id = origin
                        .as_map()
                        .and_then(|o| o.get("Id"))
                        .and_then(Value::as_str)
                        .unwrap_or("an origin");
                    findings.add(
                        node,
                        format!("origin {id} is fetched over plain HTTP ({})", policy.unwrap_or_default()),
                        "serve HTTPS at the origin with a certificate and use OriginProtocolPolicy::HttpsOnly",
                    );
                }
            }
        }
    }
}

/// A distribution without a web application firewall.
pub(super) struct NoWaf;

impl Rule for NoWaf {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-CDN-NO-WAF",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_68"],
            cdk_nag: &["AwsSolutions-CFR2"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::CloudFront::Distribution") {
            if at(node, "DistributionConfig.WebACLId").is_none() {
                findings.add(
                    node,
                    "the distribution has no web ACL",
                    "attach a WAFv2 web ACL of scope CLOUDFRONT (.web_acl(arn))",
                );
            }
        }
    }
}

/// A distribution that keeps no access logs.
pub(super) struct NoLogging;

impl Rule for NoLogging {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-CDN-NO-LOGGING",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_86"],
            cdk_nag: &["AwsSolutions-CFR3"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::CloudFront::Distribution") {
            if at(node, "DistributionConfig.Logging").is_none() {
                findings.add(
                    node,
                    "the distribution keeps no access logs",
                    "log to an S3 bucket (.logging(bucket_domain_name, prefix))",
                );
            }
        }
    }
}
