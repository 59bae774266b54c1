//! CloudFront resources.

use crate::{Resource, ToValue, Value};

/// How CloudFront talks to a custom origin.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnCustomOriginConfig {
    /// `http-only`, `https-only` or `match-viewer`.
    pub origin_protocol_policy: String,
    /// HTTP port.
    #[resource(rename = "HTTPPort")]
    pub http_port: i32,
    /// HTTPS port.
    #[resource(rename = "HTTPSPort")]
    pub https_port: i32,
    /// TLS versions towards the origin.
    #[resource(rename = "OriginSSLProtocols")]
    pub origin_ssl_protocols: Vec<String>,
}

/// An origin.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnOrigin {
    /// Its id within the distribution.
    pub id: String,
    /// Its DNS name.
    pub domain_name: Value,
    /// Custom-origin settings.
    pub custom_origin_config: CfnCustomOriginConfig,
}

/// The default cache behaviour.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnCacheBehavior {
    /// The origin served.
    pub target_origin_id: String,
    /// `allow-all`, `redirect-to-https` or `https-only`.
    pub viewer_protocol_policy: String,
    /// A cache policy id.
    pub cache_policy_id: String,
    /// An origin request policy id.
    pub origin_request_policy_id: Option<String>,
    /// Methods forwarded.
    pub allowed_methods: Vec<String>,
    /// Whether responses are compressed.
    pub compress: bool,
}

/// The certificate viewers see.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnViewerCertificate {
    /// An ACM certificate in us-east-1.
    pub acm_certificate_arn: Option<Value>,
    /// `sni-only`.
    pub ssl_support_method: Option<String>,
    /// e.g. `TLSv1.2_2021`.
    pub minimum_protocol_version: Option<String>,
    /// Use the `*.cloudfront.net` certificate.
    #[resource(rename = "CloudFrontDefaultCertificate")]
    pub cloudfront_default_certificate: Option<bool>,
}

/// A distribution's configuration.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnDistributionConfig {
    /// Whether it serves.
    pub enabled: bool,
    /// A comment.
    pub comment: Option<String>,
    /// Alternate domain names.
    pub aliases: Option<Vec<String>>,
    /// The origins.
    pub origins: Vec<CfnOrigin>,
    /// The default behaviour.
    pub default_cache_behavior: CfnCacheBehavior,
    /// The viewer certificate.
    pub viewer_certificate: CfnViewerCertificate,
    /// `http2`, `http2and3`.
    pub http_version: String,
    /// `PriceClass_100`, `PriceClass_200`, `PriceClass_All`.
    pub price_class: String,
}

/// `AWS::CloudFront::Distribution`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::CloudFront::Distribution", crate = "crate")]
pub struct CfnDistribution {
    /// The configuration.
    pub distribution_config: CfnDistributionConfig,
}
