//! [`Database`]: an RDS instance of engine `E`.

use std::marker::PhantomData;

use crate::error::ValidationError;
use crate::handle::{Attr, Ref};
use crate::iam::{PolicyStatement, Role};
use crate::net::{Connectable, HasDefaultPort, Port, SecurityGroup, SubnetSelection, Vpc};
use crate::path::ConstructPath;
use crate::removal::RemovalPolicy;
use crate::stack::Stack;
use stratus_cfn::iam::CfnRolePolicy;
use stratus_cfn::rds::CfnDbInstance;

use super::check_identifier;
use super::engine::{Engine, MariaDb, MySql, Postgres, port_owner, version_allowed};
use super::replica::ReplicaBuilder;
use super::subnet_group::DbSubnetGroup;

/// A handle to an RDS database of engine `E`.
#[derive(Debug)]
pub struct Database<E> {
    id: Ref<CfnDbInstance>,
    security_group: SecurityGroup,
    port: u16,
    backup_days: u8,
    _engine: PhantomData<E>,
}

impl<E> Clone for Database<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Database<E> {}

impl Database<MySql> {
    /// Starts a MySQL database.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::database::Database;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let app = SecurityGroup::builder("app-sg", &vpc).build(&mut stack);
    /// let db = Database::mysql("db", &vpc).database_name("newsreadb").multi_az(true).build(&mut stack);
    /// let replica = db.with_replica("db-replica").build(&mut stack);
    /// stack.allow_default(app, &db).allow_default(app, &replica);
    /// stack.validate().unwrap();
    /// ```
    pub fn mysql(id: &str, vpc: &Vpc) -> DatabaseBuilder<MySql> {
        DatabaseBuilder::new(id, vpc)
    }
}

impl Database<Postgres> {
    /// Starts a PostgreSQL database.
    pub fn postgres(id: &str, vpc: &Vpc) -> DatabaseBuilder<Postgres> {
        DatabaseBuilder::new(id, vpc)
    }
}

impl Database<MariaDb> {
    /// Starts a MariaDB database.
    pub fn mariadb(id: &str, vpc: &Vpc) -> DatabaseBuilder<MariaDb> {
        DatabaseBuilder::new(id, vpc)
    }
}

impl<E: Engine> Database<E> {
    /// The L1 instance.
    pub fn id(self) -> Ref<CfnDbInstance> {
        self.id
    }

    /// The endpoint's host name, known after deploy.
    pub fn endpoint_address(self) -> Attr<String> {
        self.id.attr("Endpoint.Address")
    }

    /// The ARN of the Secrets Manager secret RDS keeps the master password in.
    pub fn secret_arn(self) -> Attr<String> {
        self.id.attr("MasterUserSecret.SecretArn")
    }

    /// The port it listens on.
    pub fn port(self) -> u16 {
        self.port
    }

    /// Days of automated backups kept.
    pub fn backup_days(self) -> u8 {
        self.backup_days
    }

    /// Lets `role` read the master password's secret, scoped to that secret's ARN.
    pub fn grant_secret_read(self, stack: &mut Stack, role: Role) -> Ref<CfnRolePolicy> {
        let policy_id = format!("read-{}-secret", stack.node(self.id.id()).path.id());
        role.add_to_policy(
            stack,
            &policy_id,
            [PolicyStatement::allow()
                .actions([
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                ])
                .resource(self.secret_arn())],
        )
    }

    /// Starts a read replica of this database: same engine (by type), same port and security
    /// group.
    pub fn with_replica(self, id: &str) -> ReplicaBuilder<E> {
        ReplicaBuilder::new(id, self)
    }

    pub(crate) fn security_group_of(self) -> SecurityGroup {
        self.security_group
    }
}

impl<E: Engine> Connectable for Database<E> {
    fn security_group(&self) -> SecurityGroup {
        self.security_group
    }

    fn service_port(&self) -> Option<(Port, &'static str)> {
        Some((Port::tcp(self.port), E::DISPLAY))
    }
}

impl<E: Engine> HasDefaultPort for Database<E> {
    fn default_port(&self) -> Port {
        Port::tcp(self.port)
    }
}

/// Builds a [`Database`].
#[must_use = "call .build(&mut stack) to add the database"]
#[derive(Clone, Debug)]
pub struct DatabaseBuilder<E> {
    id: String,
    vpc: Vpc,
    identifier: Option<String>,
    version: String,
    instance_class: String,
    storage_gib: u32,
    multi_az: bool,
    db_name: Option<String>,
    username: String,
    subnets: SubnetSelection,
    security_group: Option<SecurityGroup>,
    port: u16,
    backup_days: u8,
    deletion_protection: bool,
    storage_encrypted: bool,
    publicly_accessible: bool,
    iam_authentication: bool,
    monitoring_seconds: u8,
    removal: Option<RemovalPolicy>,
    _engine: PhantomData<E>,
}

impl<E: Engine> DatabaseBuilder<E> {
    /// Defaults: the engine's default version, port and master user; `db.t3.medium`; 20 GiB
    /// gp3; single-AZ; 7 days of backups; storage encrypted; not publicly accessible; no
    /// deletion protection (so that `destroy` works; turn it on for production data); master
    /// password generated and kept in Secrets Manager by RDS; private-with-egress subnets; a
    /// security group of its own.
    fn new(id: &str, vpc: &Vpc) -> Self {
        Self {
            id: id.to_owned(),
            vpc: vpc.clone(),
            identifier: None,
            version: E::DEFAULT_VERSION.to_owned(),
            instance_class: "db.t3.medium".into(),
            storage_gib: 20,
            multi_az: false,
            db_name: None,
            username: E::DEFAULT_USERNAME.to_owned(),
            subnets: SubnetSelection::private_with_egress(),
            security_group: None,
            port: E::PORT,
            backup_days: 7,
            deletion_protection: false,
            storage_encrypted: true,
            publicly_accessible: false,
            iam_authentication: false,
            monitoring_seconds: 0,
            removal: None,
            _engine: PhantomData,
        }
    }

    /// Lets clients connect with IAM tokens (short-lived, tied to a role) as well as passwords.
    pub fn iam_authentication(mut self, on: bool) -> Self {
        self.iam_authentication = on;
        self
    }

    /// Publishes OS metrics every `seconds` (1, 5, 10, 15, 30 or 60; 0 turns it off), with a
    /// monitoring role made for it.
    pub fn enhanced_monitoring(mut self, seconds: u8) -> Self {
        self.monitoring_seconds = seconds;
        self
    }

    /// The instance identifier (1–63 letters, digits, hyphens).
    pub fn identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = Some(identifier.into());
        self
    }

    /// The engine version, e.g. `8.0` or `8.0.35` for MySQL.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// The instance class (default `db.t3.medium`).
    pub fn instance_class(mut self, class: impl Into<String>) -> Self {
        self.instance_class = class.into();
        self
    }

    /// GiB of storage (default 20, RDS allows 20–65536).
    pub fn storage_gib(mut self, gib: u32) -> Self {
        self.storage_gib = gib;
        self
    }

    /// A synchronous standby in another zone (default off).
    pub fn multi_az(mut self, on: bool) -> Self {
        self.multi_az = on;
        self
    }

    /// The initial database's name.
    pub fn database_name(mut self, name: impl Into<String>) -> Self {
        self.db_name = Some(name.into());
        self
    }

    /// The master user name (default the engine's).
    pub fn master_username(mut self, name: impl Into<String>) -> Self {
        self.username = name.into();
        self
    }

    /// Which subnets of the VPC (default private with egress).
    pub fn subnets(mut self, selection: SubnetSelection) -> Self {
        self.subnets = selection;
        self
    }

    /// Uses this security group instead of creating one.
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_group = Some(sg);
        self
    }

    /// The port (default the engine's).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Days of automated backups, 0–35 (default 7; 0 disables backups and replicas).
    pub fn backup_days(mut self, days: u8) -> Self {
        self.backup_days = days;
        self
    }

    /// Whether deletes are refused (default off).
    pub fn deletion_protection(mut self, on: bool) -> Self {
        self.deletion_protection = on;
        self
    }

    /// Encryption at rest (default on).
    pub fn storage_encrypted(mut self, on: bool) -> Self {
        self.storage_encrypted = on;
        self
    }

    /// A public address (default off; the database should be reached through the app tier).
    pub fn publicly_accessible(mut self, on: bool) -> Self {
        self.publicly_accessible = on;
        self
    }

    /// What deleting or replacing the database does (default [`RemovalPolicy::Snapshot`]: a
    /// final snapshot named after the stack, the construct and the time, automated backups
    /// kept). `Destroy` loses the data; deploys then refuse to delete or replace it unless
    /// allowed explicitly.
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.removal = Some(policy);
        self
    }

    /// Adds the database, its subnet group and (unless given) its security group.
    pub fn build(self, stack: &mut Stack) -> Database<E> {
        let path = stack.claim(&stack.path().clone(), &self.id);
        self.check(stack, &path);
        let subnet_group = DbSubnetGroup::builder("subnet-group", &self.vpc, self.subnets.clone())
            .under(path.clone())
            .description(format!("{path} subnets"))
            .build(stack);
        let security_group = self.security_group.unwrap_or_else(|| {
            SecurityGroup::builder(&format!("{}-sg", self.id), &self.vpc)
                .description(format!("{path} {}", E::DISPLAY))
                .build(stack)
        });
        let monitoring_role =
            super::monitoring::monitoring_role(stack, &path, self.monitoring_seconds);
        let id = stack.add_at(
            path,
            CfnDbInstance {
                db_instance_identifier: self.identifier.map(Into::into),
                engine: Some(E::NAME.into()),
                enable_iam_database_authentication: self.iam_authentication.then(|| true.into()),
                monitoring_interval: monitoring_role
                    .map(|_| i64::from(self.monitoring_seconds).into()),
                monitoring_role_arn: monitoring_role.map(|role| role.arn().into()),
                engine_version: Some(self.version.into()),
                db_instance_class: Some(self.instance_class.into()),
                allocated_storage: Some(self.storage_gib.to_string().into()),
                storage_type: Some("gp3".into()),
                multi_az: Some(self.multi_az.into()),
                db_name: self.db_name.map(Into::into),
                master_username: Some(self.username.into()),
                manage_master_user_password: Some(true.into()),
                db_subnet_group_name: Some(subnet_group.id().into()),
                vpc_security_groups: Some(vec![security_group.group_id()].into()),
                publicly_accessible: Some(self.publicly_accessible.into()),
                backup_retention_period: Some(self.backup_days.into()),
                deletion_protection: Some(self.deletion_protection.into()),
                storage_encrypted: Some(self.storage_encrypted.into()),
                port: Some(self.port.to_string().into()),
                ..CfnDbInstance::default()
            },
        );
        if let Some(policy) = self.removal {
            stack.set_removal_policy(id.id(), policy);
        }
        Database {
            id,
            security_group,
            port: self.port,
            backup_days: self.backup_days,
            _engine: PhantomData,
        }
    }

    fn check(&self, stack: &mut Stack, path: &ConstructPath) {
        let invalid = |problem: String, fix: String| ValidationError::InvalidValue {
            path: path.clone(),
            problem,
            fix,
        };
        if let Some(error) = self
            .identifier
            .as_deref()
            .and_then(|i| check_identifier(path, i))
        {
            stack.report(error);
        }
        if !version_allowed::<E>(&self.version) {
            stack.report(invalid(
                format!(
                    "{} is not a {} version RDS offers",
                    self.version,
                    E::DISPLAY
                ),
                format!(
                    "use one of {} (or a minor version of one)",
                    E::MAJOR_VERSIONS.join(", ")
                ),
            ));
        }
        if let Some(owner) = port_owner::<E>(self.port) {
            stack.report(invalid(
                format!(
                    "port {} is {owner}'s, but the engine is {}",
                    self.port,
                    E::DISPLAY
                ),
                format!(
                    "the engine, its port and its clients must agree: use {} or drop .port(..)",
                    E::PORT
                ),
            ));
        } else if self.port < 1150 {
            stack.report(invalid(
                format!("port {}", self.port),
                "RDS accepts ports 1150 to 65535".into(),
            ));
        }
        if let Some(name) = &self.db_name {
            let ok = name.len() <= E::MAX_DB_NAME
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                stack.report(invalid(
                    format!("database name {name:?}"),
                    format!(
                        "start with a letter; letters, digits and _ only; at most {} characters",
                        E::MAX_DB_NAME
                    ),
                ));
            }
        }
        if self.username.is_empty()
            || self.username.len() > 16
            || !self.username.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            stack.report(invalid(
                format!("master user name {:?}", self.username),
                "use 1 to 16 letters and digits, starting with a letter".into(),
            ));
        }
        if self.backup_days > 35 {
            stack.report(invalid(
                format!("{} days of backups", self.backup_days),
                "RDS keeps 0 to 35 days".into(),
            ));
        }
        if !(20..=65536).contains(&self.storage_gib) {
            stack.report(invalid(
                format!("{} GiB of storage", self.storage_gib),
                "gp3 takes 20 to 65536 GiB".into(),
            ));
        }
        if !self.instance_class.starts_with("db.") {
            stack.report(invalid(
                format!("instance class {:?}", self.instance_class),
                format!(
                    "RDS classes start with db., e.g. db.{}",
                    self.instance_class
                ),
            ));
        }
    }
}
