//! The AWS provider for Stratus: [`AwsProvider`] implements the engine's `Provider` with the AWS
//! SDK for Rust, and [`S3Backend`] keeps state in S3 with a conditional-write lock.
//!
//! One handler per resource type holds its calls and its finder, and returns its contract (the
//! properties it implements, which update in place, how it is identified) from `contracts/`,
//! which needs no SDK; `registry.rs` lists the handlers. Every
//! handler keeps the provider contract of `stratus_core::deploy::provider`: a create never adopts
//! a resource that does not carry this stack's ownership (tags, or for a type without tags a
//! parent that is this stack's and equal properties); reads return live, CloudFormation-shaped
//! properties; updates apply every changed property and return the attributes; deletes keep
//! what the removal policy says.
//!
//! Configuration comes from the standard chain (environment, profiles with IAM Identity Center
//! or `credential_process`, web identity, instance roles, and `AWS_ENDPOINT_URL` for an
//! emulator) through [`Connection`], which sends each stack's calls to its own region and
//! limits every attempt and operation in time; [`caller_identity`] checks the sign-in before
//! anything is planned. S3 uses path-style addressing when an endpoint is set.
//! Each AWS service sits behind a feature of this crate, so a program compiles only the SDK
//! crates it needs. With no feature at all (`default-features = false`) the crate is only its
//! contracts ([`contract`], [`contracts`]) and builds no AWS crate: what an in-process test
//! cloud needs to behave like this provider.

// "Resume what was made, or make it" reads as two rows of a table, even where one is short.
#![allow(clippy::single_match_else)]
// With some services' features off, their helpers go unused.
#![cfg_attr(
    not(all(
        feature = "ec2",
        feature = "autoscaling",
        feature = "elb",
        feature = "efs",
        feature = "rds",
        feature = "iam",
        feature = "secretsmanager",
        feature = "route53",
        feature = "acm",
        feature = "cloudfront",
        feature = "ssm",
        feature = "s3"
    )),
    allow(unused_variables, unused_mut, dead_code, unused_imports)
)]

mod contracts;

// Everything below calls AWS: compiled with any service's feature (`sdk`).
#[cfg(feature = "acm")]
mod acm;
#[cfg(feature = "s3")]
mod assets;
#[cfg(feature = "autoscaling")]
mod autoscaling;
#[cfg(feature = "cloudfront")]
mod cloudfront;
#[cfg(feature = "ec2")]
mod ec2;
#[cfg(feature = "efs")]
mod efs;
#[cfg(feature = "elb")]
mod elb;
#[cfg(feature = "sdk")]
mod error;
#[cfg(feature = "sdk")]
mod handler;
#[cfg(feature = "iam")]
mod iam;
#[cfg(feature = "sdk")]
mod inputs;
#[cfg(feature = "sdk")]
pub mod local;
#[cfg(feature = "sdk")]
mod lookup;
#[cfg(feature = "sdk")]
mod moto;
#[cfg(feature = "sdk")]
mod names;
#[cfg(feature = "sdk")]
mod ownership;
#[cfg(feature = "sdk")]
mod provider;
#[cfg(feature = "rds")]
mod rds;
#[cfg(feature = "sdk")]
mod registry;
#[cfg(feature = "sdk")]
mod retry;
#[cfg(feature = "route53")]
mod route53;
#[cfg(feature = "s3")]
mod s3_state;
#[cfg(feature = "secretsmanager")]
mod secrets;
#[cfg(feature = "sdk")]
mod sign_in;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(feature = "sdk")]
mod wait;

use stratus_core::deploy::TypeContract;

/// The AWS SDK's configuration, as [`Connection::load`] makes it.
#[cfg(feature = "sdk")]
pub use aws_config::SdkConfig;
#[cfg(feature = "s3")]
pub use provider::s3_client;
#[cfg(feature = "sdk")]
pub use provider::{AwsProvider, load_config};
#[cfg(feature = "s3")]
pub use s3_state::S3Backend;
#[cfg(feature = "sdk")]
pub use sign_in::{
    ATTEMPT_TIMEOUT, CallerIdentity, Connection, OPERATION_TIMEOUT, SignInError, caller_identity,
    check_account, in_region,
};
#[cfg(feature = "sdk")]
pub use wait::Wait;

/// The contract of a type this provider manages: its properties, which of them update in
/// place, how its resources are identified. Pure data, needing no SDK and no client, whatever
/// the features: an in-process test cloud keeps the same contracts
/// (`stratus-aws = { default-features = false }` builds no AWS crate).
///
/// ```
/// let vpc = stratus_aws::contract("AWS::EC2::VPC").unwrap();
/// assert!(vpc.replaces_on("CidrBlock"));
/// assert!(!vpc.replaces_on("EnableDnsHostnames"));
/// assert!(stratus_aws::contract("AWS::S3::Bucket").is_none());
/// ```
pub fn contract(type_name: &str) -> Option<TypeContract> {
    contracts::ALL
        .iter()
        .find(|c| c.type_name == type_name)
        .map(|c| **c)
}

/// Every contract this provider has (whatever the features).
pub fn contracts() -> Vec<TypeContract> {
    contracts::ALL.iter().map(|c| **c).collect()
}
