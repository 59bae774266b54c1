//! The AWS provider for Stratus: [`AwsProvider`] implements the engine's `Provider` with the AWS
//! SDK for Rust, and [`S3Backend`] keeps state in S3 with a conditional-write lock.
//!
//! Configuration comes from the standard chain only (environment, profile, region, and
//! `AWS_ENDPOINT_URL` for an emulator); S3 uses path-style addressing when an endpoint is set.
//! Each AWS service sits behind a feature of this crate, so a program compiles only the SDK
//! crates it needs.
//!
//! Implemented so far: EC2 networking (VPC, subnets, internet gateway and attachment, Elastic
//! IP, NAT gateway, route tables, routes, associations, security groups and rules) and S3 state.
//! Other types are refused with a clear error before any call.

mod ec2;
mod error;
mod inputs;
#[cfg(feature = "s3")]
mod s3_state;
mod wait;

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_config::{BehaviorVersion, SdkConfig};
use stratus_core::deploy::{Attributes, CreateRequest, Created, Inputs, Provider, ProviderError};

#[cfg(feature = "s3")]
pub use s3_state::S3Backend;
pub use wait::Wait;

/// Loads the standard AWS configuration chain.
pub async fn load_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// An S3 client for a configuration: path-style addressing when an endpoint is overridden (an
/// emulator has no per-bucket host names).
#[cfg(feature = "s3")]
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let builder =
        aws_sdk_s3::config::Builder::from(config).force_path_style(config.endpoint_url().is_some());
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// The AWS provider.
#[derive(Clone, Debug)]
pub struct AwsProvider {
    ec2: aws_sdk_ec2::Client,
    wait: Wait,
}

impl AwsProvider {
    /// A provider from an SDK configuration.
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            ec2: aws_sdk_ec2::Client::new(config),
            wait: Wait::default(),
        }
    }

    /// A provider from the standard configuration chain.
    pub async fn from_env() -> Self {
        Self::new(&load_config().await)
    }

    /// Sets how to wait for resources to settle.
    #[must_use]
    pub fn with_wait(mut self, wait: Wait) -> Self {
        self.wait = wait;
        self
    }

    /// The CloudFormation types this provider handles.
    pub fn supported_types() -> &'static [&'static str] {
        ec2::TYPES
    }

    fn check(type_name: &str) -> Result<(), ProviderError> {
        if ec2::TYPES.contains(&type_name) {
            Ok(())
        } else {
            Err(error::invalid(format!(
                "stratus-aws cannot manage {type_name} yet; it manages {}",
                ec2::TYPES.join(", ")
            )))
        }
    }
}

#[async_trait]
impl Provider for AwsProvider {
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError> {
        Self::check(request.type_name)?;
        ec2::create(&self.ec2, &self.wait, request).await
    }

    async fn read(
        &self,
        type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Attributes>, ProviderError> {
        Self::check(type_name)?;
        ec2::read(&self.ec2, type_name, physical_id).await
    }

    async fn update(
        &self,
        type_name: &str,
        physical_id: &str,
        inputs: &Inputs,
        changed: &[String],
    ) -> Result<Attributes, ProviderError> {
        Self::check(type_name)?;
        ec2::update(&self.ec2, type_name, physical_id, inputs, changed).await
    }

    async fn delete(&self, type_name: &str, physical_id: &str) -> Result<(), ProviderError> {
        Self::check(type_name)?;
        ec2::delete(&self.ec2, &self.wait, type_name, physical_id).await
    }

    async fn find(
        &self,
        type_name: &str,
        token: &str,
        _ownership: &BTreeMap<String, String>,
    ) -> Result<Option<Created>, ProviderError> {
        Self::check(type_name)?;
        ec2::find(&self.ec2, type_name, token).await
    }

    fn check(&self, type_name: &str, _inputs: &Inputs) -> Result<(), ProviderError> {
        Self::check(type_name)
    }

    fn create_before_delete(&self, type_name: &str, inputs: &Inputs) -> bool {
        // A named security group cannot exist twice in a VPC.
        !(type_name == "AWS::EC2::SecurityGroup" && inputs.contains_key("GroupName"))
    }
}
