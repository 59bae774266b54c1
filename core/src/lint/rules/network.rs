//! Network rules: what security groups admit, and whether traffic is logged.

use std::collections::HashSet;

use ipnet::Ipv4Net;
use petgraph::stable_graph::NodeIndex;

use super::{nodes, referenced};
use crate::graph::Node;
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// SSH (22) and RDP (3389) open to more than one address.
pub(super) struct AdminPortOpen;

impl AdminPortOpen {
    /// The admin ports a rule's protocol and range let in.
    fn ports(rule: &dyn Fn(&str) -> Option<Value>) -> Vec<u16> {
        [22u16, 3389]
            .into_iter()
            .filter(|p| admits_port(rule, i64::from(*p)))
            .collect()
    }

    /// The source when it is wider than one address.
    fn wide_source(rule: &dyn Fn(&str) -> Option<Value>) -> Option<String> {
        if let Some(cidr) = rule("CidrIp").and_then(|v| v.as_str().map(str::to_owned)) {
            let wide = cidr
                .parse::<Ipv4Net>()
                .map_or(true, |net| net.prefix_len() < 32);
            return wide.then_some(cidr);
        }
        let v6 = rule("CidrIpv6").and_then(|v| v.as_str().map(str::to_owned))?;
        (!v6.ends_with("/128")).then_some(v6)
    }

    fn check_rule(findings: &mut Findings, node: &Node, rule: &dyn Fn(&str) -> Option<Value>) {
        let Some(source) = Self::wide_source(rule) else {
            return;
        };
        for port in Self::ports(rule) {
            let name = if port == 22 { "SSH" } else { "RDP" };
            findings.add(
                node,
                format!("{name} (port {port}) is open to {source}"),
                "reach instances through Session Manager, or allow one /32 address",
            );
        }
    }
}

impl Rule for AdminPortOpen {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-ADMIN-PORT-OPEN",
            severity: Severity::Error,
            checkov: &["CKV_AWS_24", "CKV_AWS_25"],
            cdk_nag: &["AwsSolutions-EC23"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::EC2::SecurityGroupIngress") {
            Self::check_rule(findings, node, &|name| node.properties.get(name).cloned());
        }
        for node in nodes(stack, "AWS::EC2::SecurityGroup") {
            let inline = node
                .properties
                .get("SecurityGroupIngress")
                .and_then(Value::as_list)
                .unwrap_or_default();
            for rule in inline {
                let Some(map) = rule.as_map() else { continue };
                Self::check_rule(findings, node, &|name| map.get(name).cloned());
            }
        }
    }
}

/// A VPC whose traffic is not logged.
pub(super) struct NoFlowLogs;

impl Rule for NoFlowLogs {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-NO-FLOW-LOGS",
            severity: Severity::Warning,
            checkov: &["CKV2_AWS_11"],
            cdk_nag: &["AwsSolutions-VPC7"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let graph = stack.graph();
        for (index, node) in graph.nodes() {
            if node.type_name != "AWS::EC2::VPC" {
                continue;
            }
            let logged = graph
                .dependents(index)
                .into_iter()
                .any(|d| graph.node(d).type_name == "AWS::EC2::FlowLog");
            if !logged {
                findings.add(
                    node,
                    "the VPC has no flow log",
                    "add an AWS::EC2::FlowLog for it (to CloudWatch Logs or S3)",
                );
            }
        }
    }
}

/// Ingress from anywhere other than HTTP/HTTPS to a load balancer's group. Admin ports have
/// their own rule.
pub(super) struct OpenToTheWorld;

impl Rule for OpenToTheWorld {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-OPEN-TO-THE-WORLD",
            severity: Severity::Error,
            checkov: &["CKV_AWS_277"],
            cdk_nag: &["AwsSolutions-EC23"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let graph = stack.graph();
        // The groups load balancers use.
        let mut balancer_groups = HashSet::new();
        for (index, node) in graph.nodes() {
            if node.type_name == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
                for (dep, _) in graph.dependencies(index) {
                    if graph.node(dep).type_name == "AWS::EC2::SecurityGroup" {
                        balancer_groups.insert(dep);
                    }
                }
            }
        }
        for (index, node) in graph.nodes() {
            if node.type_name != "AWS::EC2::SecurityGroupIngress" {
                continue;
            }
            if !from_anywhere(&|name| node.properties.get(name).cloned()) {
                continue;
            }
            let from = node.properties.get("FromPort").and_then(Value::as_i64);
            let to = node.properties.get("ToPort").and_then(Value::as_i64);
            if matches!(from, Some(22 | 3389)) && from == to {
                continue;
            }
            let web = matches!((from, to), (Some(80), Some(80)) | (Some(443), Some(443)));
            let to_balancer = graph
                .dependencies(index)
                .iter()
                .any(|(dep, _)| balancer_groups.contains(dep));
            if !(web && to_balancer) {
                findings.add(
                    node,
                    "it admits traffic from anywhere, and not just HTTP/HTTPS to a load balancer",
                    "allow the load balancer's group or a known CIDR instead",
                );
            }
        }
    }
}

/// Whether an ingress rule's source is the whole internet.
pub(super) fn from_anywhere(rule: &dyn Fn(&str) -> Option<Value>) -> bool {
    let v4 = rule("CidrIp");
    let v6 = rule("CidrIpv6");
    v4.as_ref().and_then(Value::as_str) == Some("0.0.0.0/0")
        || v6.as_ref().and_then(Value::as_str) == Some("::/0")
}

/// Whether an ingress rule (an `AWS::EC2::SecurityGroupIngress` or an inline rule) lets TCP
/// `port` in.
pub(super) fn admits_port(rule: &dyn Fn(&str) -> Option<Value>, port: i64) -> bool {
    let protocol = rule("IpProtocol").and_then(|v| v.as_str().map(str::to_owned));
    match protocol.as_deref() {
        Some("-1" | "all") => true,
        Some("tcp" | "6") => {
            let from = rule("FromPort").and_then(|v| v.as_i64()).unwrap_or(0);
            let to = rule("ToPort").and_then(|v| v.as_i64()).unwrap_or(65535);
            from <= port && port <= to
        }
        _ => false,
    }
}

/// The security groups that let SSH in from somewhere: the group an ingress resource adds to
/// (its `GroupId`), and groups with an inline SSH rule.
fn groups_admitting_ssh(stack: &Stack) -> HashSet<NodeIndex> {
    let mut groups = HashSet::new();
    for node in nodes(stack, "AWS::EC2::SecurityGroupIngress") {
        if admits_port(&|name| node.properties.get(name).cloned(), 22)
            && let Some(group) = node.properties.get("GroupId")
        {
            groups.extend(
                group
                    .references()
                    .into_iter()
                    .map(crate::handle::ResourceId::node),
            );
        }
    }
    for (index, node) in stack.graph().by_type("AWS::EC2::SecurityGroup") {
        let inline = node
            .properties
            .get("SecurityGroupIngress")
            .and_then(Value::as_list)
            .unwrap_or_default();
        if inline
            .iter()
            .filter_map(Value::as_map)
            .any(|rule| admits_port(&|name| rule.get(name).cloned(), 22))
        {
            groups.insert(index);
        }
    }
    groups
}

/// Instances in a public subnet that take SSH: bastions, which Session Manager replaces with
/// no open port, no key to manage, and every session logged.
pub(super) struct SshBastion;

impl Rule for SshBastion {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-SSH-BASTION",
            severity: Severity::Warning,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let ssh_groups = groups_admitting_ssh(stack);
        for node in nodes(stack, "AWS::EC2::Instance") {
            let public = node.properties.get("SubnetId").is_some_and(|subnet| {
                referenced(stack, subnet).iter().any(|s| {
                    s.properties
                        .get("MapPublicIpOnLaunch")
                        .and_then(Value::as_bool)
                        == Some(true)
                })
            });
            let groups = node
                .properties
                .get("SecurityGroupIds")
                .map(Value::references)
                .unwrap_or_default();
            if public && groups.iter().any(|g| ssh_groups.contains(&g.node())) {
                findings.add(
                    node,
                    "it is an SSH bastion in a public subnet",
                    "reach instances with Session Manager instead (a role with AmazonSSMManagedInstanceCore, no open port)",
                );
            }
        }
    }
}
