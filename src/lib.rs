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

#[cfg(feature = "aws")]
pub use stratus_aws as aws;

#[cfg(feature = "cli")]
pub mod cli;
