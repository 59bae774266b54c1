//! Load balancer rules: listeners, access logs, header handling, and reachability around a
//! CloudFront distribution in front.

use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;

use super::network::from_anywhere;
use super::{items, nodes, referenced, text};
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// A load balancer listener serving plain HTTP instead of redirecting to HTTPS.
pub(super) struct HttpListener;

impl Rule for HttpListener {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-HTTP-LISTENER",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_2", "CKV_AWS_103"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::ElasticLoadBalancingV2::Listener") {
            match text(node, "Protocol") {
                Some("HTTP") if !Self::redirects(node) => findings.add(
                    node,
                    "the listener serves plain HTTP",
                    "serve HTTPS with a certificate and redirect HTTP to it (.redirect_to_https())",
                ),
                Some("HTTPS" | "TLS") => {
                    let policy = text(node, "SslPolicy");
                    let modern = policy.is_some_and(|p| p.contains("-1-2-") || p.contains("-1-3-"));
                    if !modern {
                        findings.add(
                            node,
                            format!(
                                "the listener accepts TLS older than 1.2 (policy {})",
                                policy.unwrap_or("ELBSecurityPolicy-2016-08, the default")
                            ),
                            format!("use a TLS 1.2+ policy such as {}", crate::elb::TLS_POLICY),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

impl HttpListener {
    /// Whether a listener's default action redirects to HTTPS.
    fn redirects(node: &crate::graph::Node) -> bool {
        items(node, "DefaultActions").iter().any(|action| {
            action.as_map().is_some_and(|a| {
                a.get("Type").and_then(Value::as_str) == Some("redirect")
                    && a.get("RedirectConfig")
                        .and_then(Value::as_map)
                        .and_then(|r| r.get("Protocol"))
                        .and_then(Value::as_str)
                        == Some("HTTPS")
            })
        })
    }
}

/// The application and network load balancers (a gateway load balancer logs nothing).
fn balancers(stack: &Stack) -> impl Iterator<Item = &crate::graph::Node> {
    nodes(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        .filter(|n| !matches!(text(n, "Type"), Some("gateway")))
}

/// A load balancer that keeps no access logs.
pub(super) struct NoAccessLogs;

impl Rule for NoAccessLogs {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-ALB-NO-ACCESS-LOGS",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_91"],
            cdk_nag: &["AwsSolutions-ELB2"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in balancers(stack) {
            if balancer_attribute(node, "access_logs.s3.enabled") != Some("true") {
                findings.add(
                    node,
                    "the load balancer keeps no access logs",
                    "log to an S3 bucket (.access_logs(bucket, prefix))",
                );
            }
        }
    }
}

/// An application load balancer that passes malformed headers on to the targets (request
/// smuggling).
pub(super) struct KeepsInvalidHeaders;

impl Rule for KeepsInvalidHeaders {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-ALB-KEEPS-INVALID-HEADERS",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_131"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in balancers(stack) {
            let application = matches!(text(node, "Type"), None | Some("application"));
            let drops = balancer_attribute(node, "routing.http.drop_invalid_header_fields.enabled");
            if application && drops != Some("true") {
                findings.add(
                    node,
                    "the load balancer forwards invalid HTTP header fields",
                    "drop them (.drop_invalid_header_fields(true))",
                );
            }
        }
    }
}

/// A load balancer that CloudFront fronts but that the internet reaches directly too, around
/// the distribution's HTTPS, WAF and logging.
pub(super) struct ReachableAroundCdn;

impl ReachableAroundCdn {
    /// The load balancers some distribution's origin points at: by reference to the balancer,
    /// or by a domain name a record in the stack aliases to it.
    fn fronted(stack: &Stack) -> HashSet<NodeIndex> {
        let aliases: Vec<(String, Vec<NodeIndex>)> = nodes(stack, "AWS::Route53::RecordSet")
            .filter_map(|record| {
                let name = text(record, "Name")?.trim_end_matches('.').to_owned();
                let targets = record
                    .properties
                    .get("AliasTarget")?
                    .references()
                    .into_iter()
                    .map(crate::handle::ResourceId::node)
                    .collect();
                Some((name, targets))
            })
            .collect();
        let mut fronted = HashSet::new();
        for distribution in nodes(stack, "AWS::CloudFront::Distribution") {
            for origin in items(distribution, "DistributionConfig.Origins") {
                let Some(domain) = origin.as_map().and_then(|o| o.get("DomainName")) else {
                    continue;
                };
                fronted.extend(
                    domain
                        .references()
                        .into_iter()
                        .map(crate::handle::ResourceId::node),
                );
                if let Some(name) = domain.as_str() {
                    for (alias, targets) in &aliases {
                        if alias == name.trim_end_matches('.') {
                            fronted.extend(targets);
                        }
                    }
                }
            }
        }
        fronted.retain(|&i| {
            stack.graph().node(i).type_name == "AWS::ElasticLoadBalancingV2::LoadBalancer"
        });
        fronted
    }
}

impl Rule for ReachableAroundCdn {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-ALB-REACHABLE-AROUND-CDN",
            severity: Severity::Error,
            checkov: &["CKV_AWS_260"],
            cdk_nag: &["AwsSolutions-EC23"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let fronted = Self::fronted(stack);
        let mut groups = HashSet::new();
        for &balancer in &fronted {
            let node = stack.graph().node(balancer);
            if let Some(sgs) = node.properties.get("SecurityGroups") {
                groups.extend(referenced(stack, sgs).iter().map(|n| n.path.clone()));
            }
        }
        let fix = "admit only CloudFront's origin-facing prefix list (Peer::prefix_list), so every request passes the distribution";
        for node in nodes(stack, "AWS::EC2::SecurityGroupIngress") {
            let to_fronted = node.properties.get("GroupId").is_some_and(|g| {
                referenced(stack, g)
                    .iter()
                    .any(|sg| groups.contains(&sg.path))
            });
            if to_fronted && from_anywhere(&|name| node.properties.get(name).cloned()) {
                findings.add(
                    node,
                    "CloudFront fronts this load balancer, but this rule lets the internet reach it directly",
                    fix,
                );
            }
        }
        for node in nodes(stack, "AWS::EC2::SecurityGroup") {
            if !groups.contains(&node.path) {
                continue;
            }
            let inline = items(node, "SecurityGroupIngress");
            if inline
                .iter()
                .filter_map(Value::as_map)
                .any(|r| from_anywhere(&|name| r.get(name).cloned()))
            {
                findings.add(
                    node,
                    "CloudFront fronts this group's load balancer, but the group lets the internet reach it directly",
                    fix,
                );
            }
        }
    }
}

/// A load balancer attribute (`LoadBalancerAttributes` key/value pairs).
fn balancer_attribute<'a>(node: &'a crate::graph::Node, key: &str) -> Option<&'a str> {
    items(node, "LoadBalancerAttributes").iter().find_map(|a| {
        let a = a.as_map()?;
        (a.get("Key")?.as_str()? == key)
            .then(|| a.get("Value").and_then(Value::as_str))
            .flatten()
    })
}
