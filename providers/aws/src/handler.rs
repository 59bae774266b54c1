//! One handler per resource type: its contract (properties, in-place updates, identity), its
//! calls, and how it finds what an interrupted create made. The registry (`registry.rs`) lists
//! them; [`crate::AwsProvider`] dispatches to them.

use async_trait::async_trait;
use aws_config::SdkConfig;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Live, ProviderError,
    TypeContract, UpdateRequest,
};

#[cfg(feature = "s3")]
use std::sync::Arc;

#[cfg(feature = "s3")]
use tokio::sync::OnceCell;

use crate::retry::WritesAreNotRetried;
use crate::wait::Wait;

/// The SDK clients of the services compiled in, and how to wait.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    #[cfg(feature = "ec2")]
    pub(crate) ec2: aws_sdk_ec2::Client,
    #[cfg(feature = "autoscaling")]
    pub(crate) autoscaling: aws_sdk_autoscaling::Client,
    #[cfg(feature = "elb")]
    pub(crate) elb: aws_sdk_elasticloadbalancingv2::Client,
    #[cfg(feature = "efs")]
    pub(crate) efs: aws_sdk_efs::Client,
    #[cfg(feature = "rds")]
    pub(crate) rds: aws_sdk_rds::Client,
    #[cfg(feature = "iam")]
    pub(crate) iam: aws_sdk_iam::Client,
    #[cfg(feature = "secretsmanager")]
    pub(crate) secrets: aws_sdk_secretsmanager::Client,
    #[cfg(feature = "route53")]
    pub(crate) route53: aws_sdk_route53::Client,
    #[cfg(feature = "acm")]
    pub(crate) acm: aws_sdk_acm::Client,
    #[cfg(feature = "cloudfront")]
    pub(crate) cloudfront: aws_sdk_cloudfront::Client,
    #[cfg(feature = "ssm")]
    pub(crate) ssm: aws_sdk_ssm::Client,
    /// File assets: S3 with path-style addressing under an emulator (see `s3_client`).
    #[cfg(feature = "s3")]
    pub(crate) s3: aws_sdk_s3::Client,
    #[cfg(feature = "s3")]
    pub(crate) sts: aws_sdk_sts::Client,
    /// The account and its asset bucket's name, asked of STS once.
    #[cfg(feature = "s3")]
    pub(crate) asset_account: Arc<OnceCell<(String, String)>>,
    /// Set once the asset bucket is made or checked.
    #[cfg(feature = "s3")]
    pub(crate) asset_bucket_ready: Arc<OnceCell<()>>,
    pub(crate) region: Option<String>,
    pub(crate) wait: Wait,
}

impl Context {
    pub(crate) fn new(config: &SdkConfig) -> Self {
        let _ = config;
        // Each client lets the SDK retry reads only (see `retry.rs`).
        macro_rules! client {
            ($sdk:ident) => {
                $sdk::Client::from_conf(
                    $sdk::config::Builder::from(config)
                        .interceptor(WritesAreNotRetried)
                        .build(),
                )
            };
        }
        Self {
            #[cfg(feature = "ec2")]
            ec2: client!(aws_sdk_ec2),
            #[cfg(feature = "autoscaling")]
            autoscaling: client!(aws_sdk_autoscaling),
            #[cfg(feature = "elb")]
            elb: client!(aws_sdk_elasticloadbalancingv2),
            #[cfg(feature = "efs")]
            efs: client!(aws_sdk_efs),
            #[cfg(feature = "rds")]
            rds: client!(aws_sdk_rds),
            #[cfg(feature = "iam")]
            iam: client!(aws_sdk_iam),
            #[cfg(feature = "secretsmanager")]
            secrets: client!(aws_sdk_secretsmanager),
            #[cfg(feature = "route53")]
            route53: client!(aws_sdk_route53),
            #[cfg(feature = "acm")]
            acm: client!(aws_sdk_acm),
            #[cfg(feature = "cloudfront")]
            cloudfront: client!(aws_sdk_cloudfront),
            #[cfg(feature = "ssm")]
            ssm: client!(aws_sdk_ssm),
            // Asset uploads are idempotent (content-addressed): the SDK may retry them.
            #[cfg(feature = "s3")]
            s3: crate::s3_client(config),
            #[cfg(feature = "s3")]
            sts: aws_sdk_sts::Client::new(config),
            #[cfg(feature = "s3")]
            asset_account: Arc::default(),
            #[cfg(feature = "s3")]
            asset_bucket_ready: Arc::default(),
            region: config.region().map(ToString::to_string),
            wait: Wait::default(),
        }
    }
}

/// Everything stratus-aws does for one resource type, under the provider contract of
/// `stratus_core::deploy::provider`.
#[async_trait]
pub(crate) trait Handler: Send + Sync {
    /// What the handler implements: properties, in-place updates, identity (its entry in
    /// `contracts/`, which an in-process cloud reads without the SDK).
    fn contract(&self) -> &'static TypeContract;

    /// Creates the resource, or finishes the one `request.resume` names. Meets a resource
    /// that is not this intent's where it would put its own: refuses (`AlreadyExists`).
    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError>;

    /// The live properties (CloudFormation-shaped) and attributes; `None` when it is gone.
    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError>;

    /// Applies every changed property (each updatable by the contract); returns the
    /// attributes afterwards.
    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError>;

    /// Deletes it, keeping a final snapshot when asked; gone already is success.
    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError>;

    /// What the create of an interrupted intent made; `None` when nothing (one lookup: the
    /// provider settles eventual consistency around it).
    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError>;
}

/// What a create or update made, decided from the resource read back (settling eventual
/// consistency): its id and attributes.
pub(crate) async fn read_back<H: Handler + ?Sized>(
    handler: &H,
    cx: &Context,
    physical_id: &str,
) -> Result<Created, ProviderError> {
    // It was just made or changed: a read that misses it is AWS's eventual consistency.
    let live = crate::wait::until_visible(&cx.wait, || handler.read(cx, physical_id))
        .await?
        .ok_or_else(|| {
            ProviderError::new(
                stratus_core::deploy::ErrorKind::Other,
                format!("{physical_id} cannot be read back"),
            )
        })?;
    Ok(Created {
        physical_id: physical_id.to_owned(),
        attributes: live.attributes,
    })
}
