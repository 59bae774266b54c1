//! Subnets, typed by kind, and how constructs select them.

use std::marker::PhantomData;

use ipnet::Ipv4Net;

use crate::handle::Ref;
use stratus_cfn::ec2::CfnSubnet;

mod sealed {
    pub trait Sealed {}
}

/// What a subnet is for; decides its routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubnetType {
    /// Routes `0.0.0.0/0` to the internet gateway; instances can get public addresses.
    Public,
    /// Routes `0.0.0.0/0` to a NAT gateway: outbound only.
    PrivateWithEgress,
    /// No route out of the VPC.
    Isolated,
}

/// A subnet kind at the type level, so placements that need a public subnet take only one.
pub trait SubnetKind: sealed::Sealed + 'static {
    /// The kind as a value.
    const TYPE: SubnetType;
}

/// Marker: a public subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Public;
/// Marker: a private subnet with egress through NAT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PrivateWithEgress;
/// Marker: an isolated subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Isolated;

impl sealed::Sealed for Public {}
impl sealed::Sealed for PrivateWithEgress {}
impl sealed::Sealed for Isolated {}
impl SubnetKind for Public {
    const TYPE: SubnetType = SubnetType::Public;
}
impl SubnetKind for PrivateWithEgress {
    const TYPE: SubnetType = SubnetType::PrivateWithEgress;
}
impl SubnetKind for Isolated {
    const TYPE: SubnetType = SubnetType::Isolated;
}

/// A handle to a subnet of kind `K` ([`Public`], [`PrivateWithEgress`], [`Isolated`]).
///
/// A NAT gateway takes only a public subnet, checked by the compiler:
///
/// ```compile_fail
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let vpc = Vpc::builder("vpc").build(&mut stack);
/// let private = vpc.private_subnets()[0];
/// NatGateway::builder("nat", private).build(&mut stack); // expected `Subnet<Public>`
/// ```
pub struct Subnet<K> {
    id: Ref<CfnSubnet>,
    _kind: PhantomData<K>,
}

impl<K: SubnetKind> Subnet<K> {
    pub(crate) fn new(id: Ref<CfnSubnet>) -> Self {
        Self {
            id,
            _kind: PhantomData,
        }
    }

    /// The L1 subnet.
    pub fn id(self) -> Ref<CfnSubnet> {
        self.id
    }

    /// The kind as a value.
    pub fn subnet_type(self) -> SubnetType {
        K::TYPE
    }
}

impl<K> Clone for Subnet<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Subnet<K> {}
impl<K> PartialEq for Subnet<K> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl<K> Eq for Subnet<K> {}
impl<K: SubnetKind> std::fmt::Debug for Subnet<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Subnet<{:?}>({})", K::TYPE, self.id.id())
    }
}
impl<K> From<Subnet<K>> for Ref<CfnSubnet> {
    fn from(subnet: Subnet<K>) -> Self {
        subnet.id
    }
}

/// What a VPC knows of one of its subnets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetInfo {
    /// The L1 subnet.
    pub id: Ref<CfnSubnet>,
    /// Its kind.
    pub subnet_type: SubnetType,
    /// The subnet group it belongs to.
    pub group: String,
    /// Its availability zone.
    pub az: String,
    /// Its block.
    pub cidr: Ipv4Net,
}

/// Which subnets of a VPC a construct is placed in. One choice, not several optional fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubnetSelection {
    /// Every subnet of this type.
    Type(SubnetType),
    /// The subnets of the named group.
    Group(String),
    /// These subnets.
    Subnets(Vec<Ref<CfnSubnet>>),
}

impl SubnetSelection {
    /// The public subnets.
    pub fn public() -> Self {
        Self::Type(SubnetType::Public)
    }

    /// The private subnets with egress.
    pub fn private_with_egress() -> Self {
        Self::Type(SubnetType::PrivateWithEgress)
    }

    /// The isolated subnets.
    pub fn isolated() -> Self {
        Self::Type(SubnetType::Isolated)
    }

    /// The subnets of one group, by name.
    pub fn group(name: impl Into<String>) -> Self {
        Self::Group(name.into())
    }
}
