//! [`ReadReplica`]: a read-only copy of a [`Database`], of the same engine by type.

use std::marker::PhantomData;

use crate::error::ValidationError;
use crate::handle::{Attr, Ref};
use crate::net::{Connectable, HasDefaultPort, Port, SecurityGroup};
use crate::removal::RemovalPolicy;
use crate::stack::Stack;
use stratus_cfn::rds::CfnDbInstance;

use super::check_identifier;
use super::engine::Engine;
use super::instance::Database;

/// A handle to a read replica of engine `E`.
#[derive(Debug)]
pub struct ReadReplica<E> {
    id: Ref<CfnDbInstance>,
    source: Database<E>,
}

impl<E> Clone for ReadReplica<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for ReadReplica<E> {}

impl<E: Engine> ReadReplica<E> {
    /// The L1 instance.
    pub fn id(self) -> Ref<CfnDbInstance> {
        self.id
    }

    /// The database it replicates.
    pub fn source(self) -> Database<E> {
        self.source
    }

    /// Its endpoint's host name, known after deploy.
    pub fn endpoint_address(self) -> Attr<String> {
        self.id.attr("Endpoint.Address")
    }
}

impl<E: Engine> Connectable for ReadReplica<E> {
    fn security_group(&self) -> SecurityGroup {
        self.source.security_group_of()
    }

    fn service_port(&self) -> Option<(Port, &'static str)> {
        Some((Port::tcp(self.source.port()), E::DISPLAY))
    }
}

impl<E: Engine> HasDefaultPort for ReadReplica<E> {
    fn default_port(&self) -> Port {
        Port::tcp(self.source.port())
    }
}

/// Builds a [`ReadReplica`].
#[must_use = "call .build(&mut stack) to add the replica"]
#[derive(Clone, Debug)]
pub struct ReplicaBuilder<E> {
    id: String,
    source: Database<E>,
    identifier: Option<String>,
    instance_class: Option<String>,
    multi_az: bool,
    deletion_protection: bool,
    iam_authentication: bool,
    monitoring_seconds: u8,
    removal: Option<RemovalPolicy>,
    _engine: PhantomData<E>,
}

impl<E: Engine> ReplicaBuilder<E> {
    pub(crate) fn new(id: &str, source: Database<E>) -> Self {
        Self {
            id: id.to_owned(),
            source,
            identifier: None,
            instance_class: None,
            multi_az: false,
            deletion_protection: false,
            iam_authentication: false,
            monitoring_seconds: 0,
            removal: None,
            _engine: PhantomData,
        }
    }

    /// The replica's identifier.
    pub fn identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = Some(identifier.into());
        self
    }

    /// Runs the replica with a standby in another zone (default off).
    pub fn multi_az(mut self, on: bool) -> Self {
        self.multi_az = on;
        self
    }

    /// Refuses deletes of the replica until turned off (default off).
    pub fn deletion_protection(mut self, on: bool) -> Self {
        self.deletion_protection = on;
        self
    }

    /// Lets clients connect with IAM tokens as well as passwords.
    pub fn iam_authentication(mut self, on: bool) -> Self {
        self.iam_authentication = on;
        self
    }

    /// Publishes OS metrics every `seconds` (1, 5, 10, 15, 30 or 60; 0 turns it off).
    pub fn enhanced_monitoring(mut self, seconds: u8) -> Self {
        self.monitoring_seconds = seconds;
        self
    }

    /// Its instance class (default: the source's).
    pub fn instance_class(mut self, class: impl Into<String>) -> Self {
        self.instance_class = Some(class.into());
        self
    }

    /// What deleting or replacing the replica does (default [`RemovalPolicy::Destroy`]: AWS
    /// keeps no final snapshot of a replica, and its data lives on the source).
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.removal = Some(policy);
        self
    }

    /// Adds the replica. A source without backups is reported: RDS replicates from backups.
    pub fn build(self, stack: &mut Stack) -> ReadReplica<E> {
        let path = stack.claim(&stack.path().clone(), &self.id);
        let source_node = stack.node(self.source.id().id());
        let source_path = source_node.path.clone();
        let source_class = source_node
            .properties
            .get("DBInstanceClass")
            .and_then(crate::Value::as_str)
            .unwrap_or("db.t3.medium")
            .to_owned();
        if self.source.backup_days() == 0 {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("its source {source_path} keeps no backups"),
                fix: format!(
                    "set backup_days(1) or more on {source_path}; RDS builds replicas from backups"
                ),
            });
        }
        if let Some(error) = self
            .identifier
            .as_deref()
            .and_then(|i| check_identifier(&path, i))
        {
            stack.report(error);
        }
        let monitoring_role =
            super::monitoring::monitoring_role(stack, &path, self.monitoring_seconds);
        let id = stack.add_at(
            path,
            CfnDbInstance {
                db_instance_identifier: self.identifier.map(Into::into),
                engine: Some(E::NAME.into()),
                multi_az: self.multi_az.then(|| true.into()),
                deletion_protection: self.deletion_protection.then(|| true.into()),
                enable_iam_database_authentication: self.iam_authentication.then(|| true.into()),
                monitoring_interval: monitoring_role
                    .map(|_| i64::from(self.monitoring_seconds).into()),
                monitoring_role_arn: monitoring_role.map(|role| role.arn().into()),
                db_instance_class: Some(self.instance_class.unwrap_or(source_class).into()),
                vpc_security_groups: Some(vec![self.source.security_group_of().group_id()].into()),
                publicly_accessible: Some(false.into()),
                source_db_instance_identifier: Some(self.source.id().into()),
                ..CfnDbInstance::default()
            },
        );
        if let Some(policy) = self.removal {
            stack.set_removal_policy(id.id(), policy);
        }
        ReadReplica {
            id,
            source: self.source,
        }
    }
}
