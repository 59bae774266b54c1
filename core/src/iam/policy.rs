//! Policy statements and principals.

use std::collections::BTreeMap;

use crate::value::{ToValue, Value};

/// Allow or deny.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Grants the actions.
    Allow,
    /// Refuses the actions, whatever else grants them.
    Deny,
}

/// One statement of a policy: an effect, actions and the resources they apply to.
///
/// ```
/// use stratus_core::iam::PolicyStatement;
/// let s = PolicyStatement::allow()
///     .actions(["secretsmanager:GetSecretValue"])
///     .resource("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf");
/// assert!(!s.has_wildcard_resource());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyStatement {
    effect: Effect,
    actions: Vec<String>,
    resources: Vec<Value>,
}

impl PolicyStatement {
    /// A statement that allows.
    pub fn allow() -> Self {
        Self {
            effect: Effect::Allow,
            actions: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// A statement that denies.
    pub fn deny() -> Self {
        Self {
            effect: Effect::Deny,
            actions: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// Adds actions such as `secretsmanager:GetSecretValue`.
    #[must_use]
    pub fn actions<S: Into<String>>(mut self, actions: impl IntoIterator<Item = S>) -> Self {
        self.actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds a resource: an ARN string or a deploy-time ARN (`Attr`/`Ref`).
    #[must_use]
    pub fn resource(mut self, resource: impl ToValue) -> Self {
        self.resources.push(resource.to_value());
        self
    }

    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The actions.
    pub fn action_list(&self) -> &[String] {
        &self.actions
    }

    /// The resources.
    pub fn resource_list(&self) -> &[Value] {
        &self.resources
    }

    /// Whether a resource is `*` or ends in a wildcard.
    pub fn has_wildcard_resource(&self) -> bool {
        self.resources
            .iter()
            .any(|r| r.as_str().is_some_and(|s| s == "*" || s.ends_with(":*")))
    }
}

impl ToValue for PolicyStatement {
    fn to_value(&self) -> Value {
        let mut map = BTreeMap::new();
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        map.insert("Effect".to_owned(), Value::String(effect.to_owned()));
        map.insert("Action".to_owned(), self.actions.to_value());
        map.insert("Resource".to_owned(), Value::List(self.resources.clone()));
        Value::Map(map)
    }
}

/// A policy document (`Version` 2012-10-17) of statements.
pub(crate) fn document(statements: &[Value]) -> Value {
    let mut map = BTreeMap::new();
    map.insert("Version".to_owned(), Value::String("2012-10-17".to_owned()));
    map.insert("Statement".to_owned(), Value::List(statements.to_vec()));
    Value::Map(map)
}

/// An AWS service that may assume a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePrincipal(String);

impl ServicePrincipal {
    /// EC2 instances (`ec2.amazonaws.com`).
    pub fn ec2() -> Self {
        Self::new("ec2.amazonaws.com")
    }

    /// Lambda functions (`lambda.amazonaws.com`).
    pub fn lambda() -> Self {
        Self::new("lambda.amazonaws.com")
    }

    /// Any service principal, e.g. `ecs-tasks.amazonaws.com`.
    pub fn new(service: impl Into<String>) -> Self {
        Self(service.into())
    }

    /// The principal's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The trust policy letting this service assume a role.
    pub(crate) fn trust_policy(&self) -> Value {
        let mut principal = BTreeMap::new();
        principal.insert("Service".to_owned(), Value::String(self.0.clone()));
        let mut statement = BTreeMap::new();
        statement.insert("Effect".to_owned(), Value::String("Allow".to_owned()));
        statement.insert("Principal".to_owned(), Value::Map(principal));
        statement.insert(
            "Action".to_owned(),
            Value::String("sts:AssumeRole".to_owned()),
        );
        document(&[Value::Map(statement)])
    }
}
