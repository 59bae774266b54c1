//! Stratus core: declare a cloud architecture with typed builders, get a checked resource graph.
//!
//! This crate has no AWS SDK in its dependency tree: it declares, validates and plans; providers
//! (`stratus-aws`) do the talking. Most users depend on the `stratus` crate, which re-exports
//! this one.
//!
//! ```
//! use stratus_core::prelude::*;
//!
//! let mut stack = Stack::new("prod", Environment::region("us-east-1"));
//! let vpc = Vpc::builder("vpc").cidr("10.0.0.0/16").max_azs(3).nat_gateways(1).build(&mut stack);
//! let web = SecurityGroup::builder("web-sg", &vpc).build(&mut stack);
//! stack.allow(Peer::any_ipv4(), &web, Port::HTTPS);
//! stack.validate().expect("a valid network");
//! ```

extern crate self as stratus;

pub mod app;
pub mod asset;
pub mod cdn;
pub mod compute;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod cost;
pub mod database;
pub mod deploy;
pub mod dns;
pub mod efs;
pub mod elb;
pub mod error;
pub mod escape;
pub mod graph;
pub use stratus_model::handle;
pub mod iam;
pub mod lint;
pub mod lookup;
pub mod net;
pub mod path;
pub mod region;
pub mod removal;
pub use stratus_model::resource;
mod schema_check;
pub mod secrets;
pub mod stack;
pub mod synth;
pub mod testing;
mod topology;
mod validate;
pub use stratus_model::value;

pub use app::App;
pub use error::{ValidationError, ValidationErrors};
pub use handle::{Attr, Ref, ResourceId};
pub use resource::Resource;
pub use stack::{Environment, Stack};
pub use stratus_macros::{Resource, ToValue};
pub use stratus_model::{Json, Val};
pub use validate::{MAX_TAG_KEY, MAX_TAG_VALUE, MAX_TAGS};
pub use value::{ToValue, Value};

/// The common imports: `use stratus_core::prelude::*;`.
pub mod prelude {
    pub use crate::app::App;
    pub use crate::handle::{Attr, Ref};
    pub use crate::net::{
        Connectable, HasDefaultPort, NatGateway, Peer, Port, SecurityGroup, Subnet, SubnetGroup,
        SubnetSelection, SubnetType, Vpc,
    };
    pub use crate::stack::{Environment, Stack};
    pub use crate::value::Value;
    pub use crate::{Json, Val};
    pub use crate::{Resource, ToValue};
}
