//! Roles and instance profiles.

use crate::error::ValidationError;
use crate::handle::{Attr, Ref};
use crate::stack::Stack;
use crate::value::ToValue;
use stratus_cfn::iam::{CfnInstanceProfile, CfnRole, CfnRolePolicy};

use super::policy::{PolicyStatement, ServicePrincipal, document};

/// A handle to an IAM role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Role {
    id: Ref<CfnRole>,
}

impl Role {
    /// Starts a role that `principal` may assume. Defaults: a generated name, no policies.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::iam::{PolicyStatement, Role, ServicePrincipal};
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let role = Role::builder("app-role", ServicePrincipal::ec2()).build(&mut stack);
    /// role.add_to_policy(&mut stack, "read-config", [PolicyStatement::allow()
    ///     .actions(["ssm:GetParameter"])
    ///     .resource("arn:aws:ssm:us-east-1:123456789012:parameter/app/config")]);
    /// assert_eq!(stack.graph().by_type("AWS::IAM::RolePolicy").count(), 1);
    /// ```
    pub fn builder(id: &str, principal: ServicePrincipal) -> RoleBuilder {
        RoleBuilder {
            id: id.to_owned(),
            principal,
            name: None,
            description: None,
            managed: Vec::new(),
        }
    }

    /// The L1 role.
    pub fn id(self) -> Ref<CfnRole> {
        self.id
    }

    /// The role's ARN.
    pub fn arn(self) -> Attr<String> {
        self.id.attr("Arn")
    }

    /// Adds an inline policy named `policy_id` with these statements. Each action must look
    /// like `service:Action`.
    pub fn add_to_policy(
        self,
        stack: &mut Stack,
        policy_id: &str,
        statements: impl IntoIterator<Item = PolicyStatement>,
    ) -> Ref<CfnRolePolicy> {
        let role_path = stack.node(self.id.id()).path.clone();
        let statements: Vec<PolicyStatement> = statements.into_iter().collect();
        let path = role_path.child(policy_id);
        for statement in &statements {
            for action in statement.action_list() {
                let well_formed = action == "*"
                    || action.split_once(':').is_some_and(|(service, name)| {
                        !service.is_empty()
                            && !name.is_empty()
                            && service
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-')
                    });
                if !well_formed {
                    stack.report(ValidationError::InvalidValue {
                        path: path.clone(),
                        problem: format!("action {action:?} is not of the form service:Action"),
                        fix: "write actions like \"secretsmanager:GetSecretValue\"".into(),
                    });
                }
            }
            if statement.resource_list().is_empty() {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: "a statement without resources".into(),
                    fix: "name the resources it applies to with .resource(..)".into(),
                });
            }
        }
        let values: Vec<_> = statements.iter().map(ToValue::to_value).collect();
        stack.add_child(
            &role_path,
            policy_id,
            CfnRolePolicy {
                policy_document: Some(document(&values).into()),
                ..CfnRolePolicy::new(policy_id, self.id)
            },
        )
    }
}

/// Builds a [`Role`].
#[must_use = "call .build(&mut stack) to add the role"]
#[derive(Clone, Debug)]
pub struct RoleBuilder {
    id: String,
    principal: ServicePrincipal,
    name: Option<String>,
    description: Option<String>,
    managed: Vec<String>,
}

impl RoleBuilder {
    /// The role name (at most 64 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// What the role is for.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Attaches a managed policy by ARN, e.g. `AmazonSSMManagedInstanceCore` for Session Manager.
    pub fn managed_policy(mut self, arn: impl Into<String>) -> Self {
        self.managed.push(arn.into());
        self
    }

    /// Adds the role.
    pub fn build(self, stack: &mut Stack) -> Role {
        let path = stack.claim(&stack.path().clone(), &self.id);
        if let Some(name) = &self.name {
            stack.check_name_len(&path, "role name", name, 64);
        }
        for arn in self.managed.iter().filter(|a| !a.starts_with("arn:")) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("managed policy {arn:?} is not an ARN"),
                fix: format!("write arn:aws:iam::aws:policy/{arn}"),
            });
        }
        let id = stack.add_at(
            path,
            CfnRole {
                role_name: self.name.map(Into::into),
                managed_policy_arns: (!self.managed.is_empty()).then(|| self.managed.into()),
                description: self.description.map(Into::into),
                ..CfnRole::new(self.principal.trust_policy())
            },
        );
        Role { id }
    }
}

/// A handle to an instance profile: how EC2 instances carry a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    id: Ref<CfnInstanceProfile>,
    role: Role,
}

impl InstanceProfile {
    /// Starts an instance profile wrapping `role`.
    pub fn builder(id: &str, role: Role) -> InstanceProfileBuilder {
        InstanceProfileBuilder {
            id: id.to_owned(),
            role,
            name: None,
        }
    }

    /// The L1 profile.
    pub fn id(self) -> Ref<CfnInstanceProfile> {
        self.id
    }

    /// The profile's ARN.
    pub fn arn(self) -> Attr<String> {
        self.id.attr("Arn")
    }

    /// The role it carries.
    pub fn role(self) -> Role {
        self.role
    }
}

/// Builds an [`InstanceProfile`].
#[must_use = "call .build(&mut stack) to add the instance profile"]
#[derive(Clone, Debug)]
pub struct InstanceProfileBuilder {
    id: String,
    role: Role,
    name: Option<String>,
}

impl InstanceProfileBuilder {
    /// The profile name (at most 128 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds the profile.
    pub fn build(self, stack: &mut Stack) -> InstanceProfile {
        let path = stack.claim(&stack.path().clone(), &self.id);
        if let Some(name) = &self.name {
            stack.check_name_len(&path, "instance profile name", name, 128);
        }
        let id = stack.add_at(
            path,
            CfnInstanceProfile {
                instance_profile_name: self.name.map(Into::into),
                ..CfnInstanceProfile::new(vec![self.role.id()])
            },
        );
        InstanceProfile {
            id,
            role: self.role,
        }
    }
}
