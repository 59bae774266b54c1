//! The AWS provider for Stratus: [`AwsProvider`] implements the engine's `Provider` with the AWS
//! SDK for Rust, and [`S3Backend`] keeps state in S3 with a conditional-write lock.
//!
//! One handler per resource type holds its contract (the properties it implements, which update
//! in place, how it is identified), its calls and its finder; `registry.rs` lists them. Every
//! handler keeps the provider contract of `stratus_core::deploy::provider`: a create never adopts
//! a resource that does not carry this stack's ownership (tags, or for a type without tags a
//! parent that is this stack's and equal properties); reads return live, CloudFormation-shaped
//! properties; updates apply every changed property and return the attributes; deletes keep
//! what the removal policy says.
//!
//! Configuration comes from the standard chain only (environment, profile, region, and
//! `AWS_ENDPOINT_URL` for an emulator); S3 uses path-style addressing when an endpoint is set.
//! Each AWS service sits behind a feature of this crate, so a program compiles only the SDK
//! crates it needs.

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
mod error;
mod handler;
#[cfg(feature = "iam")]
mod iam;
mod inputs;
pub mod local;
mod lookup;
mod moto;
mod names;
mod ownership;
#[cfg(feature = "rds")]
mod rds;
mod registry;
mod retry;
#[cfg(feature = "route53")]
mod route53;
#[cfg(feature = "s3")]
mod s3_state;
#[cfg(feature = "secretsmanager")]
mod secrets;
#[cfg(feature = "testing")]
pub mod testing;
mod wait;

use async_trait::async_trait;
use aws_config::{BehaviorVersion, SdkConfig};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Live, Provider, ProviderError,
    TypeContract, UpdateRequest,
};

use handler::{Context, Handler};

#[cfg(feature = "s3")]
pub use s3_state::S3Backend;
pub use wait::Wait;

/// Loads the standard AWS configuration chain.
pub async fn load_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// An S3 client for the state backend: path-style addressing when an endpoint is overridden (an
/// emulator has no per-bucket host names), and up to ten attempts per request, since a state
/// write that fails stops the run. Every state request is safe to repeat: whole-object PUTs, a
/// lock PUT that recognizes its own earlier attempt, deletes.
#[cfg(feature = "s3")]
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let builder = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(config.endpoint_url().is_some())
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(STATE_ATTEMPTS));
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// Attempts per state request (see [`s3_client`]).
#[cfg(feature = "s3")]
const STATE_ATTEMPTS: u32 = 10;

/// The contract of a type this provider manages (with the features compiled in): its
/// properties, which of them update in place, how its resources are identified. Pure data,
/// needing no client: an in-process test cloud can keep the same contracts.
///
/// ```
/// let vpc = stratus_aws::contract("AWS::EC2::VPC").unwrap();
/// assert!(vpc.replaces_on("CidrBlock"));
/// assert!(!vpc.replaces_on("EnableDnsHostnames"));
/// assert!(stratus_aws::contract("AWS::S3::Bucket").is_none());
/// ```
pub fn contract(type_name: &str) -> Option<TypeContract> {
    registry::handler(type_name).map(Handler::contract)
}

/// Every contract this provider has (with the features compiled in).
pub fn contracts() -> Vec<TypeContract> {
    registry::handlers().map(Handler::contract).collect()
}

/// The AWS provider.
#[derive(Clone, Debug)]
pub struct AwsProvider {
    context: Context,
}

impl AwsProvider {
    /// A provider from an SDK configuration: one SDK client per service.
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            context: Context::new(config),
        }
    }

    /// A provider from the standard configuration chain.
    pub async fn from_env() -> Self {
        Self::new(&load_config().await)
    }

    /// Sets how to wait for resources to settle.
    #[must_use]
    pub fn with_wait(mut self, wait: Wait) -> Self {
        self.context.wait = wait;
        self
    }

    /// The CloudFormation types this provider handles.
    pub fn supported_types() -> Vec<&'static str> {
        contracts().iter().map(|c| c.type_name).collect()
    }

    fn handler(type_name: &str) -> Result<&'static dyn Handler, ProviderError> {
        registry::handler(type_name).ok_or_else(|| {
            error::invalid(format!(
                "stratus-aws cannot manage {type_name} (not supported, or its service's feature is off); it manages {}",
                Self::supported_types().join(", ")
            ))
        })
    }
}

#[async_trait]
impl Provider for AwsProvider {
    fn contract(&self, type_name: &str) -> Option<TypeContract> {
        contract(type_name)
    }

    #[tracing::instrument(name = "aws.create", skip_all, fields(r#type = %request.type_name, logical_id = %request.logical_id))]
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError> {
        Self::handler(request.type_name)?
            .create(&self.context, request)
            .await
    }

    #[tracing::instrument(name = "aws.read", skip_all, fields(r#type = %type_name, physical_id = %physical_id))]
    async fn read(
        &self,
        type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Live>, ProviderError> {
        let handler = Self::handler(type_name)?;
        wait::settled(&self.context.wait, || {
            handler.read(&self.context, physical_id)
        })
        .await
    }

    #[tracing::instrument(name = "aws.update", skip_all, fields(r#type = %request.type_name, physical_id = %request.physical_id))]
    async fn update(&self, request: UpdateRequest<'_>) -> Result<Attributes, ProviderError> {
        Self::handler(request.type_name)?
            .update(&self.context, request)
            .await
    }

    #[tracing::instrument(name = "aws.delete", skip_all, fields(r#type = %request.type_name, physical_id = %request.physical_id))]
    async fn delete(&self, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        Self::handler(request.type_name)?
            .delete(&self.context, request)
            .await
    }

    #[tracing::instrument(name = "aws.find", skip_all, fields(r#type = %request.type_name, logical_id = %request.logical_id))]
    async fn find(&self, request: FindRequest<'_>) -> Result<Option<Created>, ProviderError> {
        let handler = Self::handler(request.type_name)?;
        wait::settled(&self.context.wait, || handler.find(&self.context, request)).await
    }
}
