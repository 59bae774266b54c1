//! [`AwsProvider`]: the engine's `Provider`, dispatching each call to its type's handler.

use async_trait::async_trait;
use aws_config::SdkConfig;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Live, Provider, ProviderError,
    TypeContract, UpdateRequest,
};

use crate::handler::{Context, Handler};
use crate::wait::Wait;
use crate::{error, registry, wait};

/// Loads the standard AWS configuration chain, region from the environment or profile, with
/// the time limits of [`crate::Connection`].
pub async fn load_config() -> SdkConfig {
    crate::Connection::default().load().await
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
        registry::handlers()
            .map(|h| h.contract().type_name)
            .collect()
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
        registry::handler(type_name).map(|h| *h.contract())
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
