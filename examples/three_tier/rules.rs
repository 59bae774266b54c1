//! A lint rule of this project's own, run with the built-in ones by `lint`, `deploy` and the
//! tests: every name a user gives a resource starts with the stack's name, so that resources
//! of two stacks in one account never collide and the console groups them.

use stratus::lint::{Findings, Rule, RuleInfo, Severity};
use stratus::prelude::*;

/// The properties that hold a user-given name, by type.
const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::RDS::DBInstance", "DBInstanceIdentifier"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Name"),
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "Name"),
    ("AWS::EC2::SecurityGroup", "GroupName"),
    ("AWS::EC2::LaunchTemplate", "LaunchTemplateName"),
    ("AWS::AutoScaling::AutoScalingGroup", "AutoScalingGroupName"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::IAM::InstanceProfile", "InstanceProfileName"),
];

/// Names start with the stack's name.
pub(crate) struct NamePrefix;

impl Rule for NamePrefix {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "PROJECT-NAME-PREFIX",
            severity: Severity::Warning,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let prefix = format!("{}-", stack.name());
        for (_, node) in stack.graph().nodes() {
            let Some((_, property)) = NAME_PROPERTIES.iter().find(|(t, _)| *t == node.type_name)
            else {
                continue;
            };
            let name = node.properties.get(property).and_then(|v| v.as_str());
            if let Some(name) = name.filter(|n| !n.starts_with(&prefix)) {
                findings.add(
                    node,
                    format!("{property} {name:?} does not start with {prefix:?}"),
                    format!("name it {prefix}<purpose>"),
                );
            }
        }
    }
}
