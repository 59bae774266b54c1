//! IAM rules: what policies allow.

use super::{items, nodes};
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// IAM statements that allow every action or every resource.
pub(super) struct IamWildcard;

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
            checkov: &["CKV_AWS_63"],
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
        for node in nodes(stack, "AWS::IAM::Role") {
            for policy in items(node, "Policies") {
                let Some(document) = policy.as_map().and_then(|p| p.get("PolicyDocument")) else {
                    continue;
                };
                for what in Self::wildcards(document) {
                    findings.add(
                        node,
                        format!("an inline policy's statement allows all {what}"),
                        "name the actions and the resources (the grant_* methods do)",
                    );
                }
            }
        }
    }
}
