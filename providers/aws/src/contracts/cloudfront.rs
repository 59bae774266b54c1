//! CloudFront: distributions.

use stratus_core::deploy::{Compare, Identity, PropertySpec, TypeContract};

static DISTRIBUTION_PROPERTIES: [PropertySpec; 2] = [
    // The configuration this handler applies (cloudfront/config.rs); anything else, such as
    // a behaviour's CachedMethods, is refused by `check` rather than dropped.
    PropertySpec::updatable("DistributionConfig").with_fields(&[
        "Enabled",
        "Comment",
        "Aliases",
        "HttpVersion",
        "PriceClass",
        "Origins.*.Id",
        "Origins.*.DomainName",
        "Origins.*.CustomOriginConfig.HTTPPort",
        "Origins.*.CustomOriginConfig.HTTPSPort",
        "Origins.*.CustomOriginConfig.OriginProtocolPolicy",
        "Origins.*.CustomOriginConfig.OriginSSLProtocols",
        "DefaultCacheBehavior.TargetOriginId",
        "DefaultCacheBehavior.ViewerProtocolPolicy",
        "DefaultCacheBehavior.CachePolicyId",
        "DefaultCacheBehavior.OriginRequestPolicyId",
        "DefaultCacheBehavior.AllowedMethods",
        "DefaultCacheBehavior.Compress",
        "ViewerCertificate.AcmCertificateArn",
        "ViewerCertificate.SslSupportMethod",
        "ViewerCertificate.MinimumProtocolVersion",
        "ViewerCertificate.CloudFrontDefaultCertificate",
    ]),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::CloudFront::Distribution`.
pub(crate) static DISTRIBUTION: TypeContract = TypeContract::new(
    "AWS::CloudFront::Distribution",
    Identity::Generated,
    &DISTRIBUTION_PROPERTIES,
);
