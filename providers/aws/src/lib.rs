//! The AWS provider for Stratus: [`AwsProvider`] implements the engine's `Provider` with the AWS
//! SDK for Rust, and [`S3Backend`] keeps state in S3 with a conditional-write lock.
//!
//! Configuration comes from the standard chain only (environment, profile, region, and
//! `AWS_ENDPOINT_URL` for an emulator); S3 uses path-style addressing when an endpoint is set.
//! Each AWS service sits behind a feature of this crate, so a program compiles only the SDK
//! crates it needs.
//!
//! Implemented so far: EC2 networking (VPC, subnets, internet gateway and attachment, Elastic
//! IP, NAT gateway, route tables, routes, associations, security groups and rules), launch
//! templates and instances, auto scaling groups and policies, load balancers, target groups and
//! listeners, EFS, RDS (subnet groups, instances, replicas), IAM (roles, policies, instance
//! profiles), Secrets Manager, Route 53 (zones, alias records), ACM certificates with DNS
//! validation, CloudFront distributions, and S3 state. Other types are refused with a clear
//! error before any call.

// Dispatch on type names reads as a table, even where it has two rows.
#![allow(clippy::single_match_else)]

mod acm;
mod autoscaling;
mod cloudfront;
mod compute;
mod ec2;
mod efs;
mod elb;
mod error;
mod iam;
mod inputs;
mod names;
mod rds;
mod route53;
#[cfg(feature = "s3")]
mod s3_state;
mod secrets;
#[cfg(feature = "testing")]
pub mod testing;
mod wait;

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_config::{BehaviorVersion, SdkConfig};
use stratus_core::deploy::{Attributes, CreateRequest, Created, Inputs, Provider, ProviderError};

#[cfg(feature = "s3")]
pub use s3_state::S3Backend;
pub use wait::Wait;

/// Which module manages a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Service {
    Network,
    Compute,
    AutoScaling,
    Elb,
    Efs,
    Rds,
    Iam,
    Secrets,
    Route53,
    Acm,
    CloudFront,
}

impl Service {
    const ALL: [(Service, &'static [&'static str]); 11] = [
        (Service::Network, ec2::TYPES),
        (Service::Compute, compute::TYPES),
        (Service::AutoScaling, autoscaling::TYPES),
        (Service::Elb, elb::TYPES),
        (Service::Efs, efs::TYPES),
        (Service::Rds, rds::TYPES),
        (Service::Iam, iam::TYPES),
        (Service::Secrets, secrets::TYPES),
        (Service::Route53, route53::TYPES),
        (Service::Acm, acm::TYPES),
        (Service::CloudFront, cloudfront::TYPES),
    ];

    fn of(type_name: &str) -> Result<Self, ProviderError> {
        Self::ALL
            .iter()
            .find(|(_, types)| types.contains(&type_name))
            .map(|(s, _)| *s)
            .ok_or_else(|| {
                error::invalid(format!(
                    "stratus-aws cannot manage {type_name} yet; it manages {}",
                    AwsProvider::supported_types().join(", ")
                ))
            })
    }
}

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
    autoscaling: aws_sdk_autoscaling::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    efs: aws_sdk_efs::Client,
    rds: aws_sdk_rds::Client,
    iam: aws_sdk_iam::Client,
    secrets: aws_sdk_secretsmanager::Client,
    route53: aws_sdk_route53::Client,
    acm: aws_sdk_acm::Client,
    cloudfront: aws_sdk_cloudfront::Client,
    wait: Wait,
}

impl AwsProvider {
    /// A provider from an SDK configuration: one SDK client per service.
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            ec2: aws_sdk_ec2::Client::new(config),
            autoscaling: aws_sdk_autoscaling::Client::new(config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(config),
            efs: aws_sdk_efs::Client::new(config),
            rds: aws_sdk_rds::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            secrets: aws_sdk_secretsmanager::Client::new(config),
            route53: aws_sdk_route53::Client::new(config),
            acm: aws_sdk_acm::Client::new(config),
            cloudfront: aws_sdk_cloudfront::Client::new(config),
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
    pub fn supported_types() -> Vec<&'static str> {
        Service::ALL
            .iter()
            .flat_map(|(_, types)| types.iter().copied())
            .collect()
    }
}

#[async_trait]
impl Provider for AwsProvider {
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError> {
        match Service::of(request.type_name)? {
            Service::Network => ec2::create(&self.ec2, &self.wait, request).await,
            Service::Compute => compute::create(&self.ec2, request).await,
            Service::AutoScaling => {
                autoscaling::create(&self.autoscaling, &self.wait, request).await
            }
            Service::Elb => elb::create(&self.elb, request).await,
            Service::Efs => efs::create(&self.efs, &self.wait, request).await,
            Service::Rds => rds::create(&self.rds, &self.wait, request).await,
            Service::Iam => iam::create(&self.iam, request).await,
            Service::Secrets => secrets::create(&self.secrets, request).await,
            Service::Route53 => route53::create(&self.route53, request).await,
            Service::Acm => acm::create(&self.acm, &self.route53, &self.wait, request).await,
            Service::CloudFront => cloudfront::create(&self.cloudfront, request).await,
        }
    }

    async fn read(
        &self,
        type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Attributes>, ProviderError> {
        match Service::of(type_name)? {
            Service::Network => ec2::read(&self.ec2, type_name, physical_id).await,
            Service::Compute => compute::read(&self.ec2, type_name, physical_id).await,
            Service::AutoScaling => {
                autoscaling::read(&self.autoscaling, type_name, physical_id).await
            }
            Service::Elb => elb::read(&self.elb, type_name, physical_id).await,
            Service::Efs => efs::read(&self.efs, type_name, physical_id).await,
            Service::Rds => rds::read(&self.rds, type_name, physical_id).await,
            Service::Iam => iam::read(&self.iam, type_name, physical_id).await,
            Service::Secrets => secrets::read(&self.secrets, physical_id).await,
            Service::Route53 => route53::read(&self.route53, type_name, physical_id).await,
            Service::Acm => acm::read(&self.acm, physical_id).await,
            Service::CloudFront => cloudfront::read(&self.cloudfront, physical_id).await,
        }
    }

    async fn update(
        &self,
        type_name: &str,
        physical_id: &str,
        inputs: &Inputs,
        changed: &[String],
    ) -> Result<Attributes, ProviderError> {
        match Service::of(type_name)? {
            Service::Network => {
                ec2::update(&self.ec2, type_name, physical_id, inputs, changed).await
            }
            Service::Compute => compute::update(&self.ec2, type_name, physical_id, inputs).await,
            Service::AutoScaling => {
                autoscaling::update(&self.autoscaling, type_name, physical_id, inputs, changed)
                    .await
            }
            Service::Elb => elb::update(&self.elb, type_name, physical_id, inputs, changed).await,
            Service::Efs => efs::update(&self.efs, type_name, physical_id, inputs, changed).await,
            Service::Rds => {
                rds::update(
                    &self.rds,
                    &self.wait,
                    type_name,
                    physical_id,
                    inputs,
                    changed,
                )
                .await
            }
            Service::Iam => iam::update(&self.iam, type_name, physical_id, inputs, changed).await,
            Service::Secrets => secrets::update(&self.secrets, physical_id, inputs).await,
            Service::Route53 => {
                route53::update(&self.route53, type_name, physical_id, inputs).await
            }
            Service::Acm => Ok(acm::update(inputs)),
            Service::CloudFront => cloudfront::update(&self.cloudfront, physical_id, inputs).await,
        }
    }

    async fn delete(&self, type_name: &str, physical_id: &str) -> Result<(), ProviderError> {
        match Service::of(type_name)? {
            Service::Network => ec2::delete(&self.ec2, &self.wait, type_name, physical_id).await,
            Service::Compute => compute::delete(&self.ec2, type_name, physical_id).await,
            Service::AutoScaling => {
                autoscaling::delete(&self.autoscaling, &self.wait, type_name, physical_id).await
            }
            Service::Elb => elb::delete(&self.elb, type_name, physical_id).await,
            Service::Efs => efs::delete(&self.efs, &self.wait, type_name, physical_id).await,
            Service::Rds => rds::delete(&self.rds, &self.wait, type_name, physical_id).await,
            Service::Iam => iam::delete(&self.iam, type_name, physical_id).await,
            Service::Secrets => secrets::delete(&self.secrets, physical_id).await,
            Service::Route53 => route53::delete(&self.route53, type_name, physical_id).await,
            Service::Acm => acm::delete(&self.acm, &self.route53, physical_id).await,
            Service::CloudFront => {
                cloudfront::delete(&self.cloudfront, &self.wait, physical_id).await
            }
        }
    }

    async fn find(
        &self,
        type_name: &str,
        token: &str,
        ownership: &BTreeMap<String, String>,
    ) -> Result<Option<Created>, ProviderError> {
        match Service::of(type_name)? {
            Service::Network => ec2::find(&self.ec2, type_name, token).await,
            Service::Compute => compute::find(&self.ec2, type_name, token).await,
            Service::AutoScaling => {
                autoscaling::find(&self.autoscaling, type_name, token, ownership).await
            }
            Service::Elb => elb::find(&self.elb, type_name, token, ownership).await,
            Service::Efs => efs::find(&self.efs, type_name, token).await,
            Service::Rds => rds::find(&self.rds, &self.wait, type_name, token, ownership).await,
            Service::Iam => iam::find(&self.iam, type_name, token, ownership).await,
            Service::Secrets => secrets::find(&self.secrets, token, ownership).await,
            Service::Route53 => route53::find(&self.route53, type_name, token).await,
            // ACM's idempotency token makes a repeated request return the same certificate.
            Service::Acm => Ok(None),
            Service::CloudFront => cloudfront::find(&self.cloudfront, token).await,
        }
    }

    fn check(&self, type_name: &str, _inputs: &Inputs) -> Result<(), ProviderError> {
        Service::of(type_name).map(|_| ())
    }

    fn create_before_delete(&self, type_name: &str, inputs: &Inputs) -> bool {
        // A given name cannot exist twice: the old resource must go first.
        let named = [
            "GroupName",
            "Name",
            "RoleName",
            "InstanceProfileName",
            "LaunchTemplateName",
            "AutoScalingGroupName",
            "DBInstanceIdentifier",
        ];
        !(type_name != "AWS::Route53::HostedZone" && named.iter().any(|n| inputs.contains_key(*n)))
    }
}
