//! Networking constructs: VPC, subnets, gateways, routes, security groups and connections, and
//! the CIDR planning behind them.

mod checks;
mod cidr;
mod connections;
mod nat;
mod peer;
mod port;
mod security_group;
mod subnet;
mod vpc;

pub(crate) use checks::check;
pub use cidr::{GroupPlan, GroupRequest, PlanError, overlaps, parse_cidr, plan_subnets};
pub use connections::{Connectable, HasDefaultPort};
pub use nat::{NatGateway, NatGatewayBuilder};
pub use peer::Peer;
pub use port::{Port, Protocol};
pub use security_group::{SecurityGroup, SecurityGroupBuilder};
pub use subnet::{
    Isolated, PrivateWithEgress, Public, Subnet, SubnetInfo, SubnetKind, SubnetSelection,
    SubnetType,
};
pub use vpc::{SubnetGroup, Vpc, VpcBuilder};
