//! What happens to a resource's data when the stack deletes or replaces it: CloudFormation's
//! `DeletionPolicy` / `UpdateReplacePolicy`, honoured by the deploy engine as well.
//!
//! Defaults, as CDK users expect: a database keeps a final snapshot (read replicas excepted: AWS
//! takes no final snapshot of a replica, and the data lives on the source), a file system is
//! retained, everything else is destroyed.

use serde::{Deserialize, Serialize};

/// What deleting a resource does to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalPolicy {
    /// Deleted with everything in it.
    #[default]
    Destroy,
    /// Left in the cloud and dropped from state (no API call is made).
    Retain,
    /// Deleted after a final snapshot, automated backups kept.
    Snapshot,
}

impl RemovalPolicy {
    /// The CloudFormation name (`Delete`, `Retain`, `Snapshot`).
    pub fn cloudformation(self) -> &'static str {
        match self {
            Self::Destroy => "Delete",
            Self::Retain => "Retain",
            Self::Snapshot => "Snapshot",
        }
    }

    /// The default for a resource of `type_name`; `has` tells whether a property is set.
    ///
    /// ```
    /// use stratus_core::removal::RemovalPolicy;
    /// let none = |_: &str| false;
    /// assert_eq!(RemovalPolicy::default_for("AWS::RDS::DBInstance", none), RemovalPolicy::Snapshot);
    /// let replica = |p: &str| p == "SourceDBInstanceIdentifier";
    /// assert_eq!(RemovalPolicy::default_for("AWS::RDS::DBInstance", replica), RemovalPolicy::Destroy);
    /// assert_eq!(RemovalPolicy::default_for("AWS::EFS::FileSystem", none), RemovalPolicy::Retain);
    /// assert_eq!(RemovalPolicy::default_for("AWS::EC2::VPC", none), RemovalPolicy::Destroy);
    /// ```
    pub fn default_for(type_name: &str, has: impl Fn(&str) -> bool) -> Self {
        match type_name {
            "AWS::RDS::DBInstance" if has("SourceDBInstanceIdentifier") => Self::Destroy,
            "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => Self::Snapshot,
            "AWS::EFS::FileSystem" | "AWS::S3::Bucket" | "AWS::DynamoDB::Table" => Self::Retain,
            _ => Self::Destroy,
        }
    }

    /// Why a resource was kept, for reports.
    pub fn kept_because(self) -> &'static str {
        match self {
            Self::Destroy => "deleted",
            Self::Retain => "removal policy Retain: left in the cloud, no longer managed",
            Self::Snapshot => "removal policy Snapshot: deleted after a final snapshot",
        }
    }
}

/// Whether a resource holds data that deleting it without a snapshot loses: databases (not
/// their read replicas), file systems, buckets, tables, volumes.
///
/// ```
/// use stratus_core::removal::is_data_bearing;
/// assert!(is_data_bearing("AWS::RDS::DBInstance", |_| false));
/// assert!(!is_data_bearing("AWS::RDS::DBInstance", |p| p == "SourceDBInstanceIdentifier"));
/// assert!(!is_data_bearing("AWS::EC2::VPC", |_| false));
/// ```
pub fn is_data_bearing(type_name: &str, has: impl Fn(&str) -> bool) -> bool {
    match type_name {
        "AWS::RDS::DBInstance" => !has("SourceDBInstanceIdentifier"),
        "AWS::RDS::DBCluster"
        | "AWS::EFS::FileSystem"
        | "AWS::S3::Bucket"
        | "AWS::DynamoDB::Table"
        | "AWS::EC2::Volume" => true,
        _ => false,
    }
}

/// Whether AWS can keep a final snapshot of a resource of this type on delete.
pub fn supports_snapshot(type_name: &str, has: impl Fn(&str) -> bool) -> bool {
    match type_name {
        // A read replica has no final snapshot: AWS refuses one.
        "AWS::RDS::DBInstance" => !has("SourceDBInstanceIdentifier"),
        "AWS::RDS::DBCluster" | "AWS::EC2::Volume" | "AWS::ElastiCache::ReplicationGroup" => true,
        _ => false,
    }
}

/// The name of a final snapshot: stack, logical id, time and `unique` (distinguishing two
/// deletes in the same second: a replacement, then a destroy), as RDS accepts identifiers
/// (letters, digits and single hyphens, a letter first, at most 255 characters).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use stratus_core::removal::snapshot_name;
/// let at = UNIX_EPOCH + Duration::from_secs(1_796_165_753);
/// assert_eq!(
///     snapshot_name("project-x", "Db", at, "3f9c01ab"),
///     "project-x-db-final-20261201-225553-3f9c01ab"
/// );
/// ```
pub fn snapshot_name(
    stack: &str,
    logical_id: &str,
    at: std::time::SystemTime,
    unique: &str,
) -> String {
    let stamp: String = humantime::format_rfc3339_seconds(at)
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let (date, time) = stamp.split_at(stamp.len().min(8));
    let raw = format!("{stack}-{logical_id}-final-{date}-{time}-{unique}").to_ascii_lowercase();
    let mut name = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    let name = name.trim_matches('-');
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.to_owned()
    } else {
        format!("s-{name}")
    };
    name.chars().take(255).collect()
}
