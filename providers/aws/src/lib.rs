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
// With some services' features off, their arguments go unused.
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
        feature = "cloudfront"
    )),
    allow(unused_variables, unused_mut, dead_code)
)]

#[cfg(feature = "acm")]
mod acm;
#[cfg(feature = "autoscaling")]
mod autoscaling;
#[cfg(feature = "cloudfront")]
mod cloudfront;
#[cfg(feature = "ec2")]
mod compute;
#[cfg(feature = "ec2")]
mod ec2;
#[cfg(feature = "efs")]
mod efs;
#[cfg(feature = "elb")]
mod elb;
mod error;
#[cfg(feature = "iam")]
mod iam;
mod inputs;
mod names;
#[cfg(feature = "rds")]
mod rds;
#[cfg(feature = "route53")]
mod route53;
#[cfg(feature = "s3")]
mod s3_state;
#[cfg(feature = "secretsmanager")]
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
    #[cfg(feature = "ec2")]
    Network,
    #[cfg(feature = "ec2")]
    Compute,
    #[cfg(feature = "autoscaling")]
    AutoScaling,
    #[cfg(feature = "elb")]
    Elb,
    #[cfg(feature = "efs")]
    Efs,
    #[cfg(feature = "rds")]
    Rds,
    #[cfg(feature = "iam")]
    Iam,
    #[cfg(feature = "secretsmanager")]
    Secrets,
    #[cfg(feature = "route53")]
    Route53,
    #[cfg(feature = "acm")]
    Acm,
    #[cfg(feature = "cloudfront")]
    CloudFront,
}

impl Service {
    /// Every service compiled in, with its types.
    #[allow(clippy::vec_init_then_push)] // each push is behind its service's feature
    fn all() -> Vec<(Service, &'static [&'static str])> {
        let mut all: Vec<(Service, &'static [&'static str])> = Vec::new();
        #[cfg(feature = "ec2")]
        all.push((Service::Network, ec2::TYPES));
        #[cfg(feature = "ec2")]
        all.push((Service::Compute, compute::TYPES));
        #[cfg(feature = "autoscaling")]
        all.push((Service::AutoScaling, autoscaling::TYPES));
        #[cfg(feature = "elb")]
        all.push((Service::Elb, elb::TYPES));
        #[cfg(feature = "efs")]
        all.push((Service::Efs, efs::TYPES));
        #[cfg(feature = "rds")]
        all.push((Service::Rds, rds::TYPES));
        #[cfg(feature = "iam")]
        all.push((Service::Iam, iam::TYPES));
        #[cfg(feature = "secretsmanager")]
        all.push((Service::Secrets, secrets::TYPES));
        #[cfg(feature = "route53")]
        all.push((Service::Route53, route53::TYPES));
        #[cfg(feature = "acm")]
        all.push((Service::Acm, acm::TYPES));
        #[cfg(feature = "cloudfront")]
        all.push((Service::CloudFront, cloudfront::TYPES));
        all
    }

    fn of(type_name: &str) -> Result<Self, ProviderError> {
        Self::all()
            .into_iter()
            .find(|(_, types)| types.contains(&type_name))
            .map(|(s, _)| s)
            .ok_or_else(|| {
                error::invalid(format!(
                    "stratus-aws cannot manage {type_name} (not supported, or its service's feature is off); it manages {}",
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
    #[cfg(feature = "ec2")]
    ec2: aws_sdk_ec2::Client,
    #[cfg(feature = "autoscaling")]
    autoscaling: aws_sdk_autoscaling::Client,
    #[cfg(feature = "elb")]
    elb: aws_sdk_elasticloadbalancingv2::Client,
    #[cfg(feature = "efs")]
    efs: aws_sdk_efs::Client,
    #[cfg(feature = "rds")]
    rds: aws_sdk_rds::Client,
    #[cfg(feature = "iam")]
    iam: aws_sdk_iam::Client,
    #[cfg(feature = "secretsmanager")]
    secrets: aws_sdk_secretsmanager::Client,
    #[cfg(feature = "route53")]
    route53: aws_sdk_route53::Client,
    #[cfg(feature = "acm")]
    acm: aws_sdk_acm::Client,
    #[cfg(feature = "cloudfront")]
    cloudfront: aws_sdk_cloudfront::Client,
    wait: Wait,
}

impl AwsProvider {
    /// A provider from an SDK configuration: one SDK client per service.
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            #[cfg(feature = "ec2")]
            ec2: aws_sdk_ec2::Client::new(config),
            #[cfg(feature = "autoscaling")]
            autoscaling: aws_sdk_autoscaling::Client::new(config),
            #[cfg(feature = "elb")]
            elb: aws_sdk_elasticloadbalancingv2::Client::new(config),
            #[cfg(feature = "efs")]
            efs: aws_sdk_efs::Client::new(config),
            #[cfg(feature = "rds")]
            rds: aws_sdk_rds::Client::new(config),
            #[cfg(feature = "iam")]
            iam: aws_sdk_iam::Client::new(config),
            #[cfg(feature = "secretsmanager")]
            secrets: aws_sdk_secretsmanager::Client::new(config),
            #[cfg(feature = "route53")]
            route53: aws_sdk_route53::Client::new(config),
            #[cfg(feature = "acm")]
            acm: aws_sdk_acm::Client::new(config),
            #[cfg(feature = "cloudfront")]
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
        Service::all()
            .into_iter()
            .flat_map(|(_, types)| types.iter().copied())
            .collect()
    }
}

#[async_trait]
impl Provider for AwsProvider {
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError> {
        match Service::of(request.type_name)? {
            #[cfg(feature = "ec2")]
            Service::Network => ec2::create(&self.ec2, &self.wait, request).await,
            #[cfg(feature = "ec2")]
            Service::Compute => compute::create(&self.ec2, request).await,
            #[cfg(feature = "autoscaling")]
            Service::AutoScaling => {
                autoscaling::create(&self.autoscaling, &self.wait, request).await
            }
            #[cfg(feature = "elb")]
            Service::Elb => elb::create(&self.elb, request).await,
            #[cfg(feature = "efs")]
            Service::Efs => efs::create(&self.efs, &self.wait, request).await,
            #[cfg(feature = "rds")]
            Service::Rds => rds::create(&self.rds, &self.wait, request).await,
            #[cfg(feature = "iam")]
            Service::Iam => iam::create(&self.iam, request).await,
            #[cfg(feature = "secretsmanager")]
            Service::Secrets => secrets::create(&self.secrets, request).await,
            #[cfg(feature = "route53")]
            Service::Route53 => route53::create(&self.route53, request).await,
            #[cfg(feature = "acm")]
            Service::Acm => acm::create(&self.acm, &self.route53, &self.wait, request).await,
            #[cfg(feature = "cloudfront")]
            Service::CloudFront => cloudfront::create(&self.cloudfront, request).await,
        }
    }

    async fn read(
        &self,
        type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Attributes>, ProviderError> {
        match Service::of(type_name)? {
            #[cfg(feature = "ec2")]
            Service::Network => ec2::read(&self.ec2, type_name, physical_id).await,
            #[cfg(feature = "ec2")]
            Service::Compute => compute::read(&self.ec2, type_name, physical_id).await,
            #[cfg(feature = "autoscaling")]
            Service::AutoScaling => {
                autoscaling::read(&self.autoscaling, type_name, physical_id).await
            }
            #[cfg(feature = "elb")]
            Service::Elb => elb::read(&self.elb, type_name, physical_id).await,
            #[cfg(feature = "efs")]
            Service::Efs => efs::read(&self.efs, type_name, physical_id).await,
            #[cfg(feature = "rds")]
            Service::Rds => rds::read(&self.rds, type_name, physical_id).await,
            #[cfg(feature = "iam")]
            Service::Iam => iam::read(&self.iam, type_name, physical_id).await,
            #[cfg(feature = "secretsmanager")]
            Service::Secrets => secrets::read(&self.secrets, physical_id).await,
            #[cfg(feature = "route53")]
            Service::Route53 => route53::read(&self.route53, type_name, physical_id).await,
            #[cfg(feature = "acm")]
            Service::Acm => acm::read(&self.acm, physical_id).await,
            #[cfg(feature = "cloudfront")]
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
            #[cfg(feature = "ec2")]
            Service::Network => {
                ec2::update(&self.ec2, type_name, physical_id, inputs, changed).await
            }
            #[cfg(feature = "ec2")]
            Service::Compute => compute::update(&self.ec2, type_name, physical_id, inputs).await,
            #[cfg(feature = "autoscaling")]
            Service::AutoScaling => {
                autoscaling::update(&self.autoscaling, type_name, physical_id, inputs, changed)
                    .await
            }
            #[cfg(feature = "elb")]
            Service::Elb => elb::update(&self.elb, type_name, physical_id, inputs, changed).await,
            #[cfg(feature = "efs")]
            Service::Efs => efs::update(&self.efs, type_name, physical_id, inputs, changed).await,
            #[cfg(feature = "rds")]
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
            #[cfg(feature = "iam")]
            Service::Iam => iam::update(&self.iam, type_name, physical_id, inputs, changed).await,
            #[cfg(feature = "secretsmanager")]
            Service::Secrets => secrets::update(&self.secrets, physical_id, inputs).await,
            #[cfg(feature = "route53")]
            Service::Route53 => {
                route53::update(&self.route53, type_name, physical_id, inputs).await
            }
            #[cfg(feature = "acm")]
            Service::Acm => Ok(acm::update(inputs)),
            #[cfg(feature = "cloudfront")]
            Service::CloudFront => cloudfront::update(&self.cloudfront, physical_id, inputs).await,
        }
    }

    async fn delete(&self, type_name: &str, physical_id: &str) -> Result<(), ProviderError> {
        match Service::of(type_name)? {
            #[cfg(feature = "ec2")]
            Service::Network => ec2::delete(&self.ec2, &self.wait, type_name, physical_id).await,
            #[cfg(feature = "ec2")]
            Service::Compute => compute::delete(&self.ec2, type_name, physical_id).await,
            #[cfg(feature = "autoscaling")]
            Service::AutoScaling => {
                autoscaling::delete(&self.autoscaling, &self.wait, type_name, physical_id).await
            }
            #[cfg(feature = "elb")]
            Service::Elb => elb::delete(&self.elb, type_name, physical_id).await,
            #[cfg(feature = "efs")]
            Service::Efs => efs::delete(&self.efs, &self.wait, type_name, physical_id).await,
            #[cfg(feature = "rds")]
            Service::Rds => rds::delete(&self.rds, &self.wait, type_name, physical_id).await,
            #[cfg(feature = "iam")]
            Service::Iam => iam::delete(&self.iam, type_name, physical_id).await,
            #[cfg(feature = "secretsmanager")]
            Service::Secrets => secrets::delete(&self.secrets, physical_id).await,
            #[cfg(feature = "route53")]
            Service::Route53 => route53::delete(&self.route53, type_name, physical_id).await,
            #[cfg(feature = "acm")]
            Service::Acm => acm::delete(&self.acm, &self.route53, physical_id).await,
            #[cfg(feature = "cloudfront")]
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
            #[cfg(feature = "ec2")]
            Service::Network => ec2::find(&self.ec2, type_name, token).await,
            #[cfg(feature = "ec2")]
            Service::Compute => compute::find(&self.ec2, type_name, token).await,
            #[cfg(feature = "autoscaling")]
            Service::AutoScaling => {
                autoscaling::find(&self.autoscaling, type_name, token, ownership).await
            }
            #[cfg(feature = "elb")]
            Service::Elb => elb::find(&self.elb, type_name, token, ownership).await,
            #[cfg(feature = "efs")]
            Service::Efs => efs::find(&self.efs, type_name, token).await,
            #[cfg(feature = "rds")]
            Service::Rds => rds::find(&self.rds, &self.wait, type_name, token, ownership).await,
            #[cfg(feature = "iam")]
            Service::Iam => iam::find(&self.iam, type_name, token, ownership).await,
            #[cfg(feature = "secretsmanager")]
            Service::Secrets => secrets::find(&self.secrets, token, ownership).await,
            #[cfg(feature = "route53")]
            Service::Route53 => route53::find(&self.route53, type_name, token).await,
            // ACM's idempotency token makes a repeated request return the same certificate.
            #[cfg(feature = "acm")]
            Service::Acm => Ok(None),
            #[cfg(feature = "cloudfront")]
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
