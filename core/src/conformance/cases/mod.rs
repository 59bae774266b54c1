//! The conformance cases of every type the reference stack uses: for each, a small stack around
//! the resource under test, with variants that change each in-place property, force a
//! replacement, and drop the resource. Written with L1 resources so that every property is set
//! on purpose. One file per AWS area; shared builders here.

mod compute;
mod data;
mod edge;
mod identity;
mod load_balancing;
mod network;
mod security;

use crate::deploy::{Json, State};
use crate::handle::{Attr, Ref};
use crate::stack::{Environment, Stack};
use stratus_cfn::ec2::{CfnSecurityGroup, CfnSubnet, CfnVpc};

use super::Case;

/// An AMI id: emulators accept any, a real account needs one of its region.
pub(super) const AMI: &str = "ami-0abcdef1234567890";

/// Every case, one or more per type of the reference stack.
pub fn reference_cases() -> Vec<Case> {
    let mut cases = network::cases();
    cases.extend(security::cases());
    cases.extend(compute::cases());
    cases.extend(load_balancing::cases());
    cases.extend(data::cases());
    cases.extend(identity::cases());
    cases.extend(edge::cases());
    cases
}

pub(super) fn stack(name: &str) -> Stack {
    Stack::new(name, Environment::region("us-east-1"))
}

pub(super) use crate::escape::json as value;

/// The physical id of a recorded resource, for stranger inputs.
pub(super) fn physical(state: &State, logical_id: &str) -> Json {
    Json::String(
        state
            .resources
            .get(logical_id)
            .map(|r| r.physical_id.clone())
            .unwrap_or_default(),
    )
}

/// An attribute of a recorded resource, for stranger inputs.
pub(super) fn attribute(state: &State, logical_id: &str, name: &str) -> Json {
    state
        .resources
        .get(logical_id)
        .and_then(|r| r.attributes.get(name).cloned())
        .unwrap_or(Json::Null)
}

pub(super) fn vpc(stack: &mut Stack, id: &str, cidr: &str) -> Ref<CfnVpc> {
    stack.add(
        id,
        CfnVpc {
            cidr_block: Some(cidr.into()),
            enable_dns_support: Some(true.into()),
            enable_dns_hostnames: Some(true.into()),
            ..CfnVpc::default()
        },
    )
}

pub(super) fn subnet(
    stack: &mut Stack,
    id: &str,
    vpc: Ref<CfnVpc>,
    cidr: &str,
    zone: &str,
) -> Ref<CfnSubnet> {
    stack.add(
        id,
        CfnSubnet {
            cidr_block: Some(cidr.into()),
            availability_zone: Some(format!("us-east-1{zone}").into()),
            map_public_ip_on_launch: Some(false.into()),
            ..CfnSubnet::new(vpc)
        },
    )
}

pub(super) fn group(stack: &mut Stack, id: &str, vpc: Ref<CfnVpc>) -> Attr<String> {
    stack
        .add(
            id,
            CfnSecurityGroup {
                vpc_id: Some(vpc.into()),
                ..CfnSecurityGroup::new(format!("conformance {id}"))
            },
        )
        .attr("GroupId")
}
