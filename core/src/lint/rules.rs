//! The built-in rules. Each reads properties as CloudFormation names them, so it applies to
//! whatever emitted the resource.

use ipnet::Ipv4Net;

use super::{Findings, Rule, RuleInfo, Severity};
use crate::graph::Node;
use crate::stack::Stack;
use crate::value::Value;

/// Every built-in rule.
pub fn builtin_rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(AdminPortOpen),
        Box::new(ImdsV2NotRequired),
        Box::new(DatabasePublic),
        Box::new(DatabaseUnencrypted),
        Box::new(DatabaseWithoutDeletionProtection),
        Box::new(FileSystemUnencrypted),
        Box::new(IamWildcard),
        Box::new(UserDataSecret::new()),
        Box::new(GroupInPublicSubnets),
        Box::new(HttpListener),
        Box::new(NoFlowLogs),
        Box::new(OpenToTheWorld),
        Box::new(DatabaseWithoutBackups),
    ]
}

fn nodes<'a>(stack: &'a Stack, type_name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
    stack
        .graph()
        .nodes()
        .map(|(_, node)| node)
        .filter(move |node| node.type_name == type_name)
}

/// A property at a dotted path (`MetadataOptions.HttpTokens`).
fn at<'a>(node: &'a Node, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = node.properties.get(parts.next()?)?;
    for part in parts {
        value = value.as_map()?.get(part)?;
    }
    Some(value)
}

/// SSH (22) and RDP (3389) open to more than one address.
struct AdminPortOpen;

impl AdminPortOpen {
    /// The admin ports a rule's protocol and range let in.
    fn ports(rule: &dyn Fn(&str) -> Option<Value>) -> Vec<u16> {
        let protocol = rule("IpProtocol").and_then(|v| v.as_str().map(str::to_owned));
        let all = matches!(protocol.as_deref(), Some("-1" | "all"));
        if !all && protocol.as_deref() != Some("tcp") && protocol.as_deref() != Some("6") {
            return Vec::new();
        }
        let from = rule("FromPort").and_then(|v| v.as_i64()).unwrap_or(0);
        let to = rule("ToPort").and_then(|v| v.as_i64()).unwrap_or(65535);
        [22u16, 3389]
            .into_iter()
            .filter(|p| all || (from <= i64::from(*p) && i64::from(*p) <= to))
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

/// Instances that answer IMDSv1, which leaks their role's credentials to any SSRF.
struct ImdsV2NotRequired;

impl Rule for ImdsV2NotRequired {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-IMDSV2-NOT-REQUIRED",
            severity: Severity::Error,
            checkov: &["CKV_AWS_79"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::EC2::LaunchTemplate") {
            let tokens =
                at(node, "LaunchTemplateData.MetadataOptions.HttpTokens").and_then(Value::as_str);
            if tokens != Some("required") {
                findings.add(
                    node,
                    "instances launched from it accept IMDSv1",
                    "require IMDSv2 (.require_imdsv2(true), the default)",
                );
            }
        }
    }
}

/// A database reachable from the internet.
struct DatabasePublic;

impl Rule for DatabasePublic {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-PUBLIC",
            severity: Severity::Error,
            checkov: &["CKV_AWS_17"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            if node
                .properties
                .get("PubliclyAccessible")
                .and_then(Value::as_bool)
                == Some(true)
            {
                findings.add(
                    node,
                    "the database is publicly accessible",
                    "keep it in isolated subnets, reachable only from the application's group",
                );
            }
        }
    }
}

/// Database storage without encryption at rest. A read replica follows its source.
struct DatabaseUnencrypted;

impl Rule for DatabaseUnencrypted {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-UNENCRYPTED",
            severity: Severity::Error,
            checkov: &["CKV_AWS_16"],
            cdk_nag: &["AwsSolutions-RDS2"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            let replica = node.properties.get("SourceDBInstanceIdentifier").is_some();
            let encrypted = node
                .properties
                .get("StorageEncrypted")
                .and_then(Value::as_bool);
            if !replica && encrypted != Some(true) {
                findings.add(
                    node,
                    "the database's storage is not encrypted",
                    "encrypt it (.storage_encrypted(true)); it can only be set when it is created",
                );
            }
        }
    }
}

/// A database a stray delete or replacement can remove.
struct DatabaseWithoutDeletionProtection;

impl Rule for DatabaseWithoutDeletionProtection {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-NO-DELETION-PROTECTION",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_293"],
            cdk_nag: &["AwsSolutions-RDS10"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            if node
                .properties
                .get("DeletionProtection")
                .and_then(Value::as_bool)
                != Some(true)
            {
                findings.add(
                    node,
                    "the database has no deletion protection",
                    "turn it on (.deletion_protection(true))",
                );
            }
        }
    }
}

/// A file system without encryption at rest.
struct FileSystemUnencrypted;

impl Rule for FileSystemUnencrypted {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-EFS-UNENCRYPTED",
            severity: Severity::Error,
            checkov: &["CKV_AWS_42"],
            cdk_nag: &["AwsSolutions-EFS1"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::EFS::FileSystem") {
            if node.properties.get("Encrypted").and_then(Value::as_bool) != Some(true) {
                findings.add(
                    node,
                    "the file system is not encrypted",
                    "encrypt it (.encrypted(true)); it can only be set when it is created",
                );
            }
        }
    }
}

/// IAM statements that allow every action or every resource.
struct IamWildcard;

impl IamWildcard {
    fn wildcards(document: &Value) -> Vec<&'static str> {
        let statements = document
            .as_map()
            .and_then(|d| d.get("Statement"))
            .map(|s| {
                s.as_list()
                    .map_or_else(|| vec![s.clone()], <[Value]>::to_vec)
            })
            .unwrap_or_default();
        let mut found = Vec::new();
        for statement in &statements {
            let Some(statement) = statement.as_map() else {
                continue;
            };
            if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
                continue;
            }
            let has_star = |key: &str| {
                statement.get(key).is_some_and(|v| match v {
                    Value::String(s) => s == "*" || s.ends_with(":*"),
                    Value::List(items) => items
                        .iter()
                        .any(|i| i.as_str().is_some_and(|s| s == "*" || s.ends_with(":*"))),
                    _ => false,
                })
            };
            if has_star("Action") {
                found.push("actions");
            }
            if statement.get("Resource").and_then(Value::as_str) == Some("*") {
                found.push("resources");
            }
        }
        found.dedup();
        found
    }
}

impl Rule for IamWildcard {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-IAM-WILDCARD",
            severity: Severity::Warning,
            checkov: &[],
            cdk_nag: &["AwsSolutions-IAM5"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for (type_name, property) in [
            ("AWS::IAM::RolePolicy", "PolicyDocument"),
            ("AWS::IAM::Policy", "PolicyDocument"),
            ("AWS::IAM::ManagedPolicy", "PolicyDocument"),
        ] {
            for node in nodes(stack, type_name) {
                let Some(document) = node.properties.get(property) else {
                    continue;
                };
                for what in Self::wildcards(document) {
                    findings.add(
                        node,
                        format!("a statement allows all {what}"),
                        "name the actions and the resources (the grant_* methods do)",
                    );
                }
            }
        }
    }
}

/// Every string inside a value: literals, and the literal parts of joins and base64.
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::List(items) | Value::Join(_, items) => items.iter().for_each(|v| texts(v, out)),
        Value::Map(map) => map.values().for_each(|v| texts(v, out)),
        Value::Base64(inner) => texts(inner, out),
        _ => {}
    }
}

/// Credentials written into user data, where anyone who can describe the instance reads them.
struct UserDataSecret {
    patterns: Vec<(regex_lite::Regex, &'static str)>,
}

impl UserDataSecret {
    fn new() -> Self {
        let patterns = [
            (
                r#"(?i)\b[a-z_]*(password|passwd|secret|api_?key|token|access_?key)[a-z_]*\s*[=:]\s*['"]?([^\s'"$]{6,})"#,
                "a secret-looking name is assigned a literal",
            ),
            (r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "an AWS access key id"),
            (r"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"),
        ];
        Self {
            patterns: patterns
                .into_iter()
                .map(|(p, what)| (regex_lite::Regex::new(p).expect("a valid pattern"), what))
                .collect(),
        }
    }
}

impl Rule for UserDataSecret {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-USER-DATA-SECRET",
            severity: Severity::Error,
            checkov: &["CKV_AWS_46"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let sources = [
            ("AWS::EC2::LaunchTemplate", "LaunchTemplateData.UserData"),
            ("AWS::EC2::Instance", "UserData"),
        ];
        for (type_name, property) in sources {
            for node in nodes(stack, type_name) {
                let mut found = Vec::new();
                if let Some(value) = at(node, property) {
                    texts(value, &mut found);
                }
                let text = found.join("\n");
                for (pattern, what) in &self.patterns {
                    if pattern.is_match(&text) {
                        findings.add(
                            node,
                            format!("its user data holds {what}"),
                            "read it at boot from Secrets Manager (Secret::grant_read) instead",
                        );
                    }
                }
            }
        }
    }
}

/// Instances of an auto scaling group given public addresses in public subnets.
struct GroupInPublicSubnets;

impl Rule for GroupInPublicSubnets {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-ASG-PUBLIC-SUBNETS",
            severity: Severity::Error,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let graph = stack.graph();
        for (index, node) in graph.nodes() {
            if node.type_name != "AWS::AutoScaling::AutoScalingGroup" {
                continue;
            }
            let public = graph.dependencies(index).into_iter().any(|(dep, _)| {
                let subnet = graph.node(dep);
                subnet.type_name == "AWS::EC2::Subnet"
                    && subnet
                        .properties
                        .get("MapPublicIpOnLaunch")
                        .and_then(Value::as_bool)
                        == Some(true)
            });
            if public {
                findings.add(
                    node,
                    "its instances are placed in public subnets",
                    "place them in private subnets (SubnetSelection::private()) behind the load balancer",
                );
            }
        }
    }
}

/// A load balancer listener serving plain HTTP instead of redirecting to HTTPS.
struct HttpListener;

impl Rule for HttpListener {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-HTTP-LISTENER",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_2"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::ElasticLoadBalancingV2::Listener") {
            if node.properties.get("Protocol").and_then(Value::as_str) != Some("HTTP") {
                continue;
            }
            let redirects = node
                .properties
                .get("DefaultActions")
                .and_then(Value::as_list)
                .unwrap_or_default()
                .iter()
                .any(|action| {
                    action.as_map().is_some_and(|a| {
                        a.get("Type").and_then(Value::as_str) == Some("redirect")
                            && a.get("RedirectConfig")
                                .and_then(Value::as_map)
                                .and_then(|r| r.get("Protocol"))
                                .and_then(Value::as_str)
                                == Some("HTTPS")
                    })
                });
            if !redirects {
                findings.add(
                    node,
                    "the listener serves plain HTTP",
                    "serve HTTPS with a certificate and redirect HTTP to it",
                );
            }
        }
    }
}

/// A VPC whose traffic is not logged.
struct NoFlowLogs;

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
struct OpenToTheWorld;

impl Rule for OpenToTheWorld {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-OPEN-TO-THE-WORLD",
            severity: Severity::Error,
            checkov: &["CKV_AWS_260"],
            cdk_nag: &["AwsSolutions-EC23"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let graph = stack.graph();
        // The groups load balancers use.
        let mut balancer_groups = std::collections::HashSet::new();
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
            let cidr = node.properties.get("CidrIp").and_then(Value::as_str);
            let v6 = node.properties.get("CidrIpv6").and_then(Value::as_str);
            if cidr != Some("0.0.0.0/0") && v6 != Some("::/0") {
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

/// A database without automated backups (a retention of 0 days turns them off).
struct DatabaseWithoutBackups;

impl Rule for DatabaseWithoutBackups {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-NO-BACKUPS",
            severity: Severity::Error,
            checkov: &["CKV_AWS_133"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            let replica = node.properties.get("SourceDBInstanceIdentifier").is_some();
            let days = node
                .properties
                .get("BackupRetentionPeriod")
                .and_then(Value::as_i64);
            if !replica && days == Some(0) {
                findings.add(
                    node,
                    "automated backups are off (retention 0 days)",
                    "keep backups for at least 7 days (.backup_days(7))",
                );
            }
        }
    }
}
