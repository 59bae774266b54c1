//! Database rules: exposure, encryption, backups, availability, authentication, monitoring.

use super::{flag, nodes, texts};
use crate::graph::Node;
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// Whether an RDS instance is a read replica.
fn is_replica(node: &Node) -> bool {
    node.properties.get("SourceDBInstanceIdentifier").is_some()
        || node.properties.get("SourceDbiResourceId").is_some()
}

/// "the database" or "the read replica", for messages.
fn what(node: &Node) -> &'static str {
    if is_replica(node) {
        "the read replica"
    } else {
        "the database"
    }
}

/// A database reachable from the internet.
pub(super) struct DatabasePublic;

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
pub(super) struct DatabaseUnencrypted;

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
            let replica = is_replica(node);
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
pub(super) struct DatabaseWithoutDeletionProtection;

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
                    format!("{} has no deletion protection", what(node)),
                    "turn it on (.deletion_protection(true))",
                );
            }
        }
    }
}

/// A database without automated backups (a retention of 0 days turns them off).
pub(super) struct DatabaseWithoutBackups;

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
            let replica = is_replica(node);
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

/// A database, or a read replica, in one availability zone: an AZ outage takes it down.
pub(super) struct DatabaseNotMultiAz;

impl Rule for DatabaseNotMultiAz {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-NOT-MULTI-AZ",
            severity: Severity::Warning,
            checkov: &["CKV_AWS_157"],
            cdk_nag: &["AwsSolutions-RDS3"],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            if flag(node, "MultiAZ") != Some(true) {
                findings.add(
                    node,
                    format!("{} runs in a single availability zone", what(node)),
                    "turn on Multi-AZ (.multi_az(true)), replicas included",
                );
            }
        }
    }
}

/// A database that only takes passwords: IAM authentication gives short-lived tokens tied to
/// roles instead.
pub(super) struct DatabaseWithoutIamAuth;

impl Rule for DatabaseWithoutIamAuth {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-NO-IAM-AUTH",
            severity: Severity::Info,
            checkov: &["CKV_AWS_161"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            if flag(node, "EnableIAMDatabaseAuthentication") != Some(true) {
                findings.add(
                    node,
                    format!("{} accepts passwords only", what(node)),
                    "turn on IAM database authentication (.iam_authentication(true))",
                );
            }
        }
    }
}

/// A database without enhanced monitoring: no OS-level metrics when it slows down.
pub(super) struct DatabaseWithoutMonitoring;

impl Rule for DatabaseWithoutMonitoring {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-NO-ENHANCED-MONITORING",
            severity: Severity::Info,
            checkov: &["CKV_AWS_118"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            let interval = node
                .properties
                .get("MonitoringInterval")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if interval == 0 {
                findings.add(
                    node,
                    format!("{} has no enhanced monitoring", what(node)),
                    "monitor it every 60 seconds or less (.enhanced_monitoring(60))",
                );
            }
        }
    }
}

/// A master password written into the template instead of kept in Secrets Manager.
pub(super) struct PasswordNotManaged;

impl Rule for PasswordNotManaged {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-PASSWORD-NOT-MANAGED",
            severity: Severity::Error,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            if is_replica(node) || flag(node, "ManageMasterUserPassword") == Some(true) {
                continue;
            }
            let Some(password) = node.properties.get("MasterUserPassword") else {
                continue;
            };
            // A dynamic reference to Secrets Manager is resolved by CloudFormation, never
            // written into the template.
            let mut parts = Vec::new();
            texts(password, &mut parts);
            if !parts
                .iter()
                .any(|p| p.contains("{{resolve:secretsmanager:"))
            {
                findings.add(
                    node,
                    "its master password is written into the template, not kept in Secrets Manager",
                    "let RDS manage it in Secrets Manager (the Database construct's default), or resolve it from a secret",
                );
            }
        }
    }
}

/// An engine version AWS no longer lets anyone create an instance with (cfn-lint's W3691
/// data): the first deploy fails, or a replacement does later.
pub(super) struct DeprecatedEngineVersion;

impl Rule for DeprecatedEngineVersion {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-RDS-DEPRECATED-ENGINE-VERSION",
            severity: Severity::Warning,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::RDS::DBInstance") {
            let text = |name: &str| node.properties.get(name).and_then(Value::as_str);
            let (Some(engine), Some(version)) = (text("Engine"), text("EngineVersion")) else {
                continue;
            };
            if crate::database::is_deprecated(engine, version) {
                findings.add(
                    node,
                    format!(
                        "{engine} {version} is deprecated: AWS no longer creates instances with \
                         it, so the first deploy (or any replacement) fails"
                    ),
                    "leave the engine version to its default, or choose a current one",
                );
            }
        }
    }
}
