//! [`FileSystem`]: an encrypted EFS file system with one mount target per selected subnet.

use std::collections::BTreeMap;

use crate::error::ValidationError;
use crate::handle::Ref;
use crate::net::{Connectable, HasDefaultPort, Port, SecurityGroup, SubnetSelection, Vpc};
use crate::removal::RemovalPolicy;
use crate::stack::Stack;
use stratus_cfn::efs::{CfnFileSystem, CfnMountTarget};

/// A handle to an EFS file system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSystem {
    id: Ref<CfnFileSystem>,
    security_group: SecurityGroup,
}

impl FileSystem {
    /// Starts a file system in `vpc`.
    ///
    /// Defaults: encrypted at rest; general-purpose performance; mount targets in the
    /// private-with-egress subnets (one per zone); a security group of its own. Its natural port
    /// is NFS (2049), so `stack.allow_default(app, &fs)` opens exactly that.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::efs::FileSystem;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let app = SecurityGroup::builder("app-sg", &vpc).build(&mut stack);
    /// let fs = FileSystem::builder("efs", &vpc).build(&mut stack);
    /// stack.allow_default(app, &fs);
    /// assert_eq!(stack.graph().by_type("AWS::EFS::MountTarget").count(), 3);
    /// ```
    pub fn builder(id: &str, vpc: &Vpc) -> FileSystemBuilder {
        FileSystemBuilder {
            id: id.to_owned(),
            vpc: vpc.clone(),
            subnets: SubnetSelection::private_with_egress(),
            security_group: None,
            encrypted: true,
            performance_mode: None,
            throughput_mode: None,
            removal: None,
        }
    }

    /// The L1 file system.
    pub fn id(self) -> Ref<CfnFileSystem> {
        self.id
    }
}

impl Connectable for FileSystem {
    fn security_group(&self) -> SecurityGroup {
        self.security_group
    }

    fn service_port(&self) -> Option<(Port, &'static str)> {
        Some((Port::NFS, "NFS"))
    }
}

impl HasDefaultPort for FileSystem {
    fn default_port(&self) -> Port {
        Port::NFS
    }
}

/// Builds a [`FileSystem`].
#[must_use = "call .build(&mut stack) to add the file system"]
#[derive(Clone, Debug)]
pub struct FileSystemBuilder {
    id: String,
    vpc: Vpc,
    subnets: SubnetSelection,
    security_group: Option<SecurityGroup>,
    encrypted: bool,
    performance_mode: Option<String>,
    throughput_mode: Option<String>,
    removal: Option<RemovalPolicy>,
}

impl FileSystemBuilder {
    /// Where the mount targets go (one subnet per zone).
    pub fn subnets(mut self, selection: SubnetSelection) -> Self {
        self.subnets = selection;
        self
    }

    /// Uses this security group instead of creating one.
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_group = Some(sg);
        self
    }

    /// Encryption at rest (default on).
    pub fn encrypted(mut self, encrypted: bool) -> Self {
        self.encrypted = encrypted;
        self
    }

    /// `elastic`, `bursting` (AWS's default) or `provisioned`.
    pub fn throughput_mode(mut self, mode: impl Into<String>) -> Self {
        self.throughput_mode = Some(mode.into());
        self
    }

    /// `generalPurpose` (default) or `maxIO`.
    pub fn performance_mode(mut self, mode: impl Into<String>) -> Self {
        self.performance_mode = Some(mode.into());
        self
    }

    /// What deleting or replacing the file system does (default [`RemovalPolicy::Retain`]: it
    /// stays in the cloud with its data and leaves the stack's state).
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.removal = Some(policy);
        self
    }

    /// Adds the file system, its mount targets and (unless given) its security group.
    pub fn build(self, stack: &mut Stack) -> FileSystem {
        let path = stack.claim(&stack.path().clone(), &self.id);
        let placed = self.vpc.place(stack, &path, &self.subnets);
        let mut per_zone: BTreeMap<&str, usize> = BTreeMap::new();
        for subnet in &placed {
            *per_zone.entry(subnet.az.as_str()).or_default() += 1;
        }
        for (zone, n) in per_zone.iter().filter(|(_, n)| **n > 1) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("{n} mount targets in zone {zone}; EFS allows one per zone"),
                fix: "select one subnet per availability zone".into(),
            });
        }
        let security_group = self.security_group.unwrap_or_else(|| {
            SecurityGroup::builder(&format!("{}-sg", self.id), &self.vpc)
                .description(format!("{path} file system"))
                .build(stack)
        });
        let id = stack.add_at(
            path.clone(),
            CfnFileSystem {
                encrypted: Some(self.encrypted.into()),
                performance_mode: self.performance_mode.as_deref().map(Into::into),
                throughput_mode: self.throughput_mode.as_deref().map(Into::into),
                ..CfnFileSystem::default()
            },
        );
        if let Some(policy) = self.removal {
            stack.set_removal_policy(id.id(), policy);
        }
        for subnet in &placed {
            let subnet_id = stack.node(subnet.id.id()).path.id().to_owned();
            let target = stack.add_child(
                &path,
                &format!("mount-{subnet_id}"),
                CfnMountTarget {
                    ..CfnMountTarget::new(id, vec![security_group.group_id()], subnet.id)
                },
            );
            stack
                .mount_targets
                .entry(id.id())
                .or_default()
                .push(target.id());
        }
        FileSystem { id, security_group }
    }
}
