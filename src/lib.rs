//! # Stratus
//!
//! Declare cloud architectures in typed Rust, check them before any API call, and (with the
//! `aws` feature) deploy them. This crate re-exports [`stratus_core`] (constructs, graph,
//! validation) and the derive macros; feature `aws` adds the AWS provider, feature `cli` the
//! command line.
//!
//! ```
//! use stratus::prelude::*;
//!
//! let mut stack = Stack::new("prod", Environment::region("us-east-1"));
//! stack.tag("Environment", "prod");
//! let vpc = Vpc::builder("vpc").name("project-x-vpc").max_azs(3).nat_gateways(1).build(&mut stack);
//! let lb = SecurityGroup::builder("lb-sg", &vpc).build(&mut stack);
//! stack.allow(Peer::any_ipv4(), &lb, Port::HTTP);
//! assert!(stack.validate().is_ok());
//! ```

pub use stratus_core::*;

/// Every CloudFormation resource type as a typed L1 struct, generated from the registry
/// schemas (`stratus-cfn`): `stratus::cfn::ec2::CfnVpc`, `stratus::cfn::s3::CfnBucket`…
/// By default the services the L2 constructs use; depend on `stratus-cfn` with a service's
/// feature (or `full`) for more. Attributes come from the traits in [`cfn::prelude`].
///
/// ```
/// use stratus::cfn::ec2::{CfnVpc, CfnVpcAttributes as _};
/// use stratus::prelude::*;
///
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let vpc = stack.add("vpc", CfnVpc { cidr_block: Some("10.0.0.0/16".into()), ..Default::default() });
/// let _default_group = vpc.default_security_group(); // an `Attr<String>`
/// assert!(stack.validate().is_ok());
/// ```
pub use stratus_cfn as cfn;

#[cfg(feature = "aws")]
pub use stratus_aws as aws;

#[cfg(feature = "cli")]
pub mod cli;
