//! RDS resources.

use crate::Resource;
use crate::handle::{Attr, Ref};
use crate::l1::ec2::CfnSubnet;

/// `AWS::RDS::DBSubnetGroup`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::RDS::DBSubnetGroup", crate = "crate")]
pub struct CfnDbSubnetGroup {
    /// What it is for.
    #[resource(rename = "DBSubnetGroupDescription")]
    pub description: String,
    /// The subnets, in at least two zones.
    pub subnet_ids: Vec<Ref<CfnSubnet>>,
}

/// `AWS::RDS::DBInstance`, a primary or a read replica.
#[derive(Resource, Clone, Debug, Default)]
#[resource(type = "AWS::RDS::DBInstance", crate = "crate")]
pub struct CfnDbInstance {
    /// The identifier (1–63 characters).
    #[resource(rename = "DBInstanceIdentifier", replace)]
    pub identifier: Option<String>,
    /// `mysql`, `postgres`, `mariadb`.
    #[resource(replace)]
    pub engine: Option<String>,
    /// The engine version.
    pub engine_version: Option<String>,
    /// e.g. `db.t3.medium`.
    #[resource(rename = "DBInstanceClass")]
    pub instance_class: String,
    /// GiB of storage (a string in CloudFormation).
    pub allocated_storage: Option<String>,
    /// `gp3`, `gp2`, `io1`.
    pub storage_type: Option<String>,
    /// A standby in another zone.
    #[resource(rename = "MultiAZ")]
    pub multi_az: Option<bool>,
    /// The initial database.
    #[resource(rename = "DBName", replace)]
    pub db_name: Option<String>,
    /// The master user.
    #[resource(replace)]
    pub master_username: Option<String>,
    /// Whether RDS keeps the master password in Secrets Manager.
    pub manage_master_user_password: Option<bool>,
    /// The subnet group.
    #[resource(rename = "DBSubnetGroupName", replace)]
    pub subnet_group: Option<Ref<CfnDbSubnetGroup>>,
    /// Security group ids.
    #[resource(rename = "VPCSecurityGroups")]
    pub security_groups: Vec<Attr<String>>,
    /// Whether it has a public address.
    pub publicly_accessible: Option<bool>,
    /// Days of automated backups (0 disables them).
    pub backup_retention_period: Option<i32>,
    /// Whether deletes are refused.
    pub deletion_protection: Option<bool>,
    /// Encryption at rest.
    #[resource(replace)]
    pub storage_encrypted: Option<bool>,
    /// The port (a string in CloudFormation).
    #[resource(replace)]
    pub port: Option<String>,
    /// For a read replica: its source.
    #[resource(rename = "SourceDBInstanceIdentifier", replace)]
    pub source: Option<Ref<CfnDbInstance>>,
}
