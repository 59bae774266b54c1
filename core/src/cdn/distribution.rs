//! [`Distribution`]: a CloudFront distribution.

use crate::dns::Certificate;
use crate::elb::ApplicationLoadBalancer;
use crate::error::ValidationError;
use crate::handle::{Attr, Ref};
use crate::stack::Stack;
use crate::value::{ToValue, Value};
use stratus_cfn::cloudfront::CfnDistribution;
use stratus_cfn::cloudfront::distribution::{
    CustomOriginConfig, DefaultCacheBehavior, DistributionConfig, Logging, Origin as CfnOrigin,
    ViewerCertificate,
};
use stratus_model::Val;

use super::policies::{CachePolicy, OriginRequestPolicy};

/// How CloudFront talks to the origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginProtocolPolicy {
    /// HTTP only (traffic to the origin is not encrypted).
    HttpOnly,
    /// HTTPS only.
    HttpsOnly,
    /// The viewer's protocol.
    MatchViewer,
}

/// How viewers may talk to CloudFront.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewerProtocolPolicy {
    /// HTTP and HTTPS.
    AllowAll,
    /// HTTP is redirected to HTTPS.
    RedirectToHttps,
    /// HTTPS only.
    HttpsOnly,
}

/// Where a distribution gets content.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    domain: Value,
    protocol: OriginProtocolPolicy,
}

impl Origin {
    /// A load balancer, reached at its DNS name. Default protocol: HTTPS only.
    pub fn load_balancer(alb: ApplicationLoadBalancer) -> Self {
        Self {
            domain: alb.dns_name().to_value(),
            protocol: OriginProtocolPolicy::HttpsOnly,
        }
    }

    /// Any host name. Default protocol: HTTPS only.
    pub fn custom_domain(domain: impl Into<String>) -> Self {
        Self {
            domain: Value::String(domain.into()),
            protocol: OriginProtocolPolicy::HttpsOnly,
        }
    }

    /// The protocol towards the origin.
    #[must_use]
    pub fn protocol(mut self, protocol: OriginProtocolPolicy) -> Self {
        self.protocol = protocol;
        self
    }
}

/// A handle to a distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Distribution {
    id: Ref<CfnDistribution>,
}

impl Distribution {
    /// Starts a distribution in front of `origin`.
    ///
    /// Defaults: managed cache policy `CachingOptimized`, no origin request policy; viewers
    /// redirected to HTTPS; the `*.cloudfront.net` certificate; HTTP/2 and 3; price class 100.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::cdn::{CachePolicy, Distribution, Origin, OriginProtocolPolicy, OriginRequestPolicy};
    /// use stratus_core::elb::ApplicationLoadBalancer;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets()).build(&mut stack);
    /// let cdn = Distribution::builder("cdn", Origin::load_balancer(alb).protocol(OriginProtocolPolicy::HttpOnly))
    ///     .cache_policy(CachePolicy::caching_disabled())
    ///     .origin_request_policy(OriginRequestPolicy::all_viewer())
    ///     .build(&mut stack);
    /// stack.validate().unwrap();
    /// ```
    pub fn builder(id: &str, origin: Origin) -> DistributionBuilder {
        DistributionBuilder {
            id: id.to_owned(),
            origin,
            cache_policy: CachePolicy::caching_optimized(),
            origin_request_policy: None,
            viewer_protocol: ViewerProtocolPolicy::RedirectToHttps,
            domain_names: Vec::new(),
            certificate: None,
            comment: None,
            price_class: "PriceClass_100".into(),
            web_acl: None,
            logging: None,
        }
    }

    /// The L1 distribution.
    pub fn id(self) -> Ref<CfnDistribution> {
        self.id
    }

    /// Its `*.cloudfront.net` domain, known after deploy.
    pub fn domain_name(self) -> Attr<String> {
        self.id.attr("DomainName")
    }
}

/// Builds a [`Distribution`].
#[must_use = "call .build(&mut stack) to add the distribution"]
#[derive(Clone, Debug)]
pub struct DistributionBuilder {
    id: String,
    origin: Origin,
    cache_policy: CachePolicy,
    origin_request_policy: Option<OriginRequestPolicy>,
    viewer_protocol: ViewerProtocolPolicy,
    domain_names: Vec<String>,
    certificate: Option<Certificate>,
    comment: Option<String>,
    price_class: String,
    web_acl: Option<Val<String>>,
    logging: Option<(Val<String>, String)>,
}

impl DistributionBuilder {
    /// The cache policy of the default behaviour.
    pub fn cache_policy(mut self, policy: CachePolicy) -> Self {
        self.cache_policy = policy;
        self
    }

    /// The origin request policy of the default behaviour.
    pub fn origin_request_policy(mut self, policy: OriginRequestPolicy) -> Self {
        self.origin_request_policy = Some(policy);
        self
    }

    /// How viewers may connect (default redirect to HTTPS).
    pub fn viewer_protocol_policy(mut self, policy: ViewerProtocolPolicy) -> Self {
        self.viewer_protocol = policy;
        self
    }

    /// Alternate domain names; they need a certificate covering them, in us-east-1.
    pub fn domain_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.domain_names.extend(names.into_iter().map(Into::into));
        self
    }

    /// The viewer certificate.
    pub fn certificate(mut self, certificate: &Certificate) -> Self {
        self.certificate = Some(certificate.clone());
        self
    }

    /// A comment shown in the console.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Filters requests through a `WAFv2` web ACL of scope `CLOUDFRONT` (its ARN).
    pub fn web_acl(mut self, arn: impl Into<Val<String>>) -> Self {
        self.web_acl = Some(arn.into());
        self
    }

    /// Writes standard access logs to an S3 bucket, given by its regional domain name
    /// (`bucket.s3.amazonaws.com`), under `prefix`. The bucket must allow ACLs.
    pub fn logging(mut self, bucket_domain_name: impl Into<Val<String>>, prefix: &str) -> Self {
        self.logging = Some((bucket_domain_name.into(), prefix.to_owned()));
        self
    }

    /// `PriceClass_100` (default), `PriceClass_200` or `PriceClass_All`.
    pub fn price_class(mut self, class: impl Into<String>) -> Self {
        self.price_class = class.into();
        self
    }

    /// Every problem of the configuration, each naming `path`.
    fn problems(&self, path: &crate::path::ConstructPath) -> Vec<ValidationError> {
        let invalid = |problem: String, fix: &str| ValidationError::InvalidValue {
            path: path.clone(),
            problem,
            fix: fix.to_owned(),
        };
        let mut errors = Vec::new();
        if let Some(problem) = self.cache_policy.unknown() {
            errors.push(invalid(
                problem,
                "use a managed policy's exact name, or CachePolicy::custom(id)",
            ));
        }
        if let Some(problem) = self
            .origin_request_policy
            .as_ref()
            .and_then(OriginRequestPolicy::unknown)
        {
            errors.push(invalid(
                problem,
                "use a managed policy's exact name, or OriginRequestPolicy::custom(id)",
            ));
        }
        if let Some(cert) = &self.certificate {
            if cert.region().is_some_and(|r| r != "us-east-1") {
                errors.push(invalid(
                    format!("its certificate is in {}", cert.region().unwrap_or_default()),
                    "CloudFront only uses ACM certificates from us-east-1: create the certificate in a us-east-1 stack",
                ));
            }
            for name in self.domain_names.iter().filter(|n| !cert.covers(n)) {
                errors.push(invalid(
                    format!("domain {name} is not covered by its certificate"),
                    "add the name to the certificate",
                ));
            }
        } else if !self.domain_names.is_empty() {
            errors.push(invalid(
                format!(
                    "domain names {} without a certificate",
                    self.domain_names.join(", ")
                ),
                "add .certificate(&cert) covering them (in us-east-1)",
            ));
        }
        if !["PriceClass_100", "PriceClass_200", "PriceClass_All"]
            .contains(&self.price_class.as_str())
        {
            errors.push(invalid(
                format!("price class {:?}", self.price_class),
                "use PriceClass_100, PriceClass_200 or PriceClass_All",
            ));
        }
        errors
    }

    /// Adds the distribution.
    pub fn build(self, stack: &mut Stack) -> Distribution {
        let path = stack.claim(&stack.path().clone(), &self.id);
        for error in self.problems(&path) {
            stack.report(error);
        }
        let origin_protocol = match self.origin.protocol {
            OriginProtocolPolicy::HttpOnly => "http-only",
            OriginProtocolPolicy::HttpsOnly => "https-only",
            OriginProtocolPolicy::MatchViewer => "match-viewer",
        };
        let viewer_protocol = match self.viewer_protocol {
            ViewerProtocolPolicy::AllowAll => "allow-all",
            ViewerProtocolPolicy::RedirectToHttps => "redirect-to-https",
            ViewerProtocolPolicy::HttpsOnly => "https-only",
        };
        let viewer_certificate = match &self.certificate {
            Some(cert) => ViewerCertificate {
                acm_certificate_arn: Some(cert.id().into()),
                ssl_support_method: Some("sni-only".into()),
                minimum_protocol_version: Some("TLSv1.2_2021".into()),
                ..ViewerCertificate::default()
            },
            None => ViewerCertificate {
                cloud_front_default_certificate: Some(true.into()),
                ..ViewerCertificate::default()
            },
        };
        let origin_id = "origin-1".to_owned();
        let origin = CfnOrigin {
            custom_origin_config: Some(
                CustomOriginConfig {
                    http_port: Some(80.into()),
                    https_port: Some(443.into()),
                    origin_ssl_protocols: Some(vec!["TLSv1.2"].into()),
                    ..CustomOriginConfig::new(origin_protocol)
                }
                .into(),
            ),
            ..CfnOrigin::new(Val::unchecked(self.origin.domain), &origin_id)
        };
        let default_cache_behavior = DefaultCacheBehavior {
            cache_policy_id: Some(self.cache_policy.id().unwrap_or_default().into()),
            origin_request_policy_id: self
                .origin_request_policy
                .as_ref()
                .and_then(|p| p.id().map(Into::into)),
            allowed_methods: Some(
                vec!["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"].into(),
            ),
            compress: Some(true.into()),
            ..DefaultCacheBehavior::new(origin_id, viewer_protocol)
        };
        let config = DistributionConfig {
            comment: self.comment.map(Into::into),
            aliases: (!self.domain_names.is_empty()).then(|| self.domain_names.into()),
            origins: Some(vec![origin].into()),
            viewer_certificate: Some(viewer_certificate.into()),
            http_version: Some("http2and3".into()),
            price_class: Some(self.price_class.as_str().into()),
            web_acl_id: self.web_acl,
            logging: self.logging.map(|(bucket, prefix)| {
                Logging {
                    bucket: Some(bucket),
                    prefix: Some(prefix.into()),
                    ..Logging::default()
                }
                .into()
            }),
            ..DistributionConfig::new(default_cache_behavior, true)
        };
        let id = stack.add_at(path, CfnDistribution::new(config));
        Distribution { id }
    }
}
