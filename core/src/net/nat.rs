//! NAT gateways with their Elastic IPs.

use crate::handle::{Ref, ResourceId};
use crate::path::ConstructPath;
use crate::stack::Stack;
use stratus_cfn::ec2::{CfnEip, CfnEipAttributes as _, CfnNatGateway};

use super::subnet::{Public, Subnet};

/// A NAT gateway: an Elastic IP and the gateway, in a **public** subnet (the type says so).
pub struct NatGateway;

impl NatGateway {
    /// Starts a NAT gateway in a public subnet.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").nat_gateways(0).subnet_groups([SubnetGroup::public("web")]).build(&mut stack);
    /// let nat = NatGateway::builder("nat", vpc.public_subnets()[0]).build(&mut stack);
    /// assert_eq!(stack.node(nat.id()).type_name, "AWS::EC2::NatGateway");
    /// ```
    pub fn builder(id: &str, subnet: Subnet<Public>) -> NatGatewayBuilder {
        NatGatewayBuilder {
            id: id.to_owned(),
            subnet,
            after: None,
            parent: None,
        }
    }
}

/// Builds a NAT gateway.
#[must_use = "call .build(&mut stack) to add the NAT gateway"]
#[derive(Debug)]
pub struct NatGatewayBuilder {
    id: String,
    subnet: Subnet<Public>,
    after: Option<ResourceId>,
    parent: Option<ConstructPath>,
}

impl NatGatewayBuilder {
    /// Creates the Elastic IP only after this resource (the VPC's gateway attachment, which AWS
    /// requires first).
    pub fn after(mut self, dependency: ResourceId) -> Self {
        self.after = Some(dependency);
        self
    }

    pub(crate) fn under(mut self, parent: ConstructPath) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Adds the Elastic IP and the gateway.
    pub fn build(self, stack: &mut Stack) -> Ref<CfnNatGateway> {
        let parent = self.parent.unwrap_or_else(|| stack.path().clone());
        let path = stack.claim(&parent, &self.id);
        let eip = stack.add_child(
            &path,
            "eip",
            CfnEip {
                domain: Some("vpc".into()),
                ..CfnEip::default()
            },
        );
        if let Some(after) = self.after {
            stack.add_dependency(eip.id(), after);
        }
        stack.add_at(
            path,
            CfnNatGateway {
                allocation_id: Some(eip.allocation_id().into()),
                subnet_id: Some(self.subnet.id().into()),
                ..CfnNatGateway::default()
            },
        )
    }
}
