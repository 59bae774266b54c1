//! Storage rules: encryption at rest of file systems and block volumes.

use super::{at, items, nodes};
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// A file system without encryption at rest.
pub(super) struct FileSystemUnencrypted;

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

/// Block volumes stored unencrypted: a volume or a launch mapping that does not set
/// `Encrypted`, and launch templates and instances whose root volume is left to the image
/// and the account default.
pub(super) struct VolumeUnencrypted;

impl VolumeUnencrypted {
    /// Whether every mapping with an EBS volume encrypts it, and whether there is any.
    fn mappings(mappings: &[Value]) -> (bool, bool) {
        let ebs: Vec<_> = mappings
            .iter()
            .filter_map(|m| m.as_map()?.get("Ebs")?.as_map())
            .collect();
        let all_encrypted = ebs
            .iter()
            .all(|e| e.get("Encrypted").and_then(Value::as_bool) == Some(true));
        (all_encrypted, !ebs.is_empty())
    }
}

impl Rule for VolumeUnencrypted {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-EBS-UNENCRYPTED",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_3", "CKV_AWS_8"],
            cdk_nag: &["AwsSolutions-EC26"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::EC2::Volume") {
            if at(node, "Encrypted").and_then(Value::as_bool) != Some(true) {
                findings.add(node, "the volume is not encrypted", "set Encrypted: true");
            }
        }
        let launches = [
            (
                "AWS::EC2::LaunchTemplate",
                "LaunchTemplateData.BlockDeviceMappings",
            ),
            ("AWS::EC2::Instance", "BlockDeviceMappings"),
            (
                "AWS::AutoScaling::LaunchConfiguration",
                "BlockDeviceMappings",
            ),
        ];
        for (type_name, property) in launches {
            for node in nodes(stack, type_name) {
                // An instance launched from a template is judged by the template.
                let from_template = node.properties.get("LaunchTemplate").is_some();
                if from_template && items(node, property).is_empty() {
                    continue;
                }
                match Self::mappings(items(node, property)) {
                    (true, true) => {}
                    (false, _) => findings.add(
                        node,
                        "a block device mapping leaves its volume unencrypted",
                        "set Encrypted on every EBS mapping",
                    ),
                    (true, false) => findings.add(
                        node,
                        "its root volume's encryption is left to the image and the account default",
                        "encrypt the root volume (.encrypted_root_volume(gib)), or turn on EBS encryption by default in the account",
                    ),
                }
            }
        }
    }
}
