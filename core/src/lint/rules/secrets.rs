//! Secrets Manager rules.

use super::nodes;
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;

/// A secret nothing rotates: a leaked value stays valid until someone notices.
pub(super) struct NoRotation;

impl Rule for NoRotation {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-SECRET-NO-ROTATION",
            severity: Severity::Warning,
            checkov: &["CKV2_AWS_57"],
            cdk_nag: &["AwsSolutions-SMG4"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let rotated: Vec<_> = nodes(stack, "AWS::SecretsManager::RotationSchedule")
            .filter_map(|schedule| schedule.properties.get("SecretId"))
            .flat_map(crate::value::Value::references)
            .map(crate::handle::ResourceId::node)
            .collect();
        for (index, node) in stack.graph().by_type("AWS::SecretsManager::Secret") {
            if !rotated.contains(&index) {
                findings.add(
                    node,
                    "nothing rotates the secret",
                    "add an AWS::SecretsManager::RotationSchedule with a rotation function, or suppress with why it cannot rotate",
                );
            }
        }
    }
}
