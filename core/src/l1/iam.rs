//! IAM resources.

use crate::handle::Ref;
use crate::{Resource, Value};

/// `AWS::IAM::Role`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::IAM::Role", crate = "crate")]
pub struct CfnRole {
    /// The name (≤ 64 characters).
    #[resource(replace)]
    pub role_name: Option<String>,
    /// Who may assume it.
    pub assume_role_policy_document: Value,
    /// Managed policies attached.
    #[resource(rename = "ManagedPolicyArns")]
    pub managed_policy_arns: Option<Vec<String>>,
    /// What it is for.
    pub description: Option<String>,
}

/// `AWS::IAM::RolePolicy`: an inline policy of one role.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::IAM::RolePolicy", tags = "none", crate = "crate")]
pub struct CfnRolePolicy {
    /// The policy's name within the role.
    #[resource(replace)]
    pub policy_name: String,
    /// The statements.
    pub policy_document: Value,
    /// The role.
    #[resource(replace)]
    pub role_name: Ref<CfnRole>,
}

/// `AWS::IAM::InstanceProfile`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::IAM::InstanceProfile", tags = "none", crate = "crate")]
pub struct CfnInstanceProfile {
    /// The name (≤ 128 characters).
    #[resource(replace)]
    pub instance_profile_name: Option<String>,
    /// The role (exactly one).
    pub roles: Vec<Ref<CfnRole>>,
}
