//! CloudFront configurations both ways: the SDK's `DistributionConfig` from
//! CloudFormation-shaped inputs, and CloudFormation-shaped properties from what CloudFront
//! reports (the fields the L1 declares).

use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CachedMethods, CustomOriginConfig, DefaultCacheBehavior,
    DistributionConfig, HttpVersion, Method, MinimumProtocolVersion, Origin, OriginProtocolPolicy,
    OriginSslProtocols, Origins, PriceClass, SslProtocol, SslSupportMethod, ViewerCertificate,
    ViewerProtocolPolicy,
};
use stratus_core::deploy::{Inputs, Json, ProviderError};

use crate::error::invalid;

fn built<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, ProviderError> {
    result.map_err(|e| invalid(e.to_string()))
}

fn text<'a>(value: &'a Json, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Json::as_str)
}

fn methods(list: &[&str]) -> Vec<Method> {
    list.iter().map(|m| Method::from(*m)).collect()
}

/// The SDK's configuration from CloudFormation-shaped inputs.
#[allow(clippy::too_many_lines)] // one builder per nested CloudFront structure, in order
pub(super) fn config(
    inputs: &Inputs,
    caller_reference: &str,
) -> Result<DistributionConfig, ProviderError> {
    let c = inputs
        .get("DistributionConfig")
        .ok_or_else(|| invalid("DistributionConfig is missing"))?;
    let mut origins = Vec::new();
    for origin in c
        .get("Origins")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let custom = origin
            .get("CustomOriginConfig")
            .ok_or_else(|| invalid("only custom origins are supported"))?;
        let protocols: Vec<SslProtocol> = custom
            .get("OriginSSLProtocols")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(SslProtocol::from)
            .collect();
        let custom = built(
            CustomOriginConfig::builder()
                .http_port(
                    i32::try_from(custom.get("HTTPPort").and_then(Json::as_i64).unwrap_or(80))
                        .unwrap_or(80),
                )
                .https_port(
                    i32::try_from(
                        custom
                            .get("HTTPSPort")
                            .and_then(Json::as_i64)
                            .unwrap_or(443),
                    )
                    .unwrap_or(443),
                )
                .origin_protocol_policy(OriginProtocolPolicy::from(
                    text(custom, "OriginProtocolPolicy").unwrap_or("https-only"),
                ))
                .origin_ssl_protocols(built(
                    OriginSslProtocols::builder()
                        .quantity(i32::try_from(protocols.len()).unwrap_or(0))
                        .set_items(Some(protocols))
                        .build(),
                )?)
                .build(),
        )?;
        origins.push(built(
            Origin::builder()
                .id(text(origin, "Id").unwrap_or("origin-1"))
                .domain_name(
                    text(origin, "DomainName")
                        .ok_or_else(|| invalid("an origin has no DomainName"))?,
                )
                .custom_origin_config(custom)
                .build(),
        )?);
    }
    let behavior = c
        .get("DefaultCacheBehavior")
        .ok_or_else(|| invalid("DefaultCacheBehavior is missing"))?;
    let allowed: Vec<&str> = behavior
        .get("AllowedMethods")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    let allowed = if allowed.is_empty() {
        vec!["GET", "HEAD"]
    } else {
        allowed
    };
    let cached = built(
        CachedMethods::builder()
            .quantity(2)
            .set_items(Some(methods(&["GET", "HEAD"])))
            .build(),
    )?;
    let allowed = built(
        AllowedMethods::builder()
            .quantity(i32::try_from(allowed.len()).unwrap_or(0))
            .set_items(Some(methods(&allowed)))
            .cached_methods(cached)
            .build(),
    )?;
    let default_behavior = built(
        DefaultCacheBehavior::builder()
            .target_origin_id(text(behavior, "TargetOriginId").unwrap_or("origin-1"))
            .viewer_protocol_policy(ViewerProtocolPolicy::from(
                text(behavior, "ViewerProtocolPolicy").unwrap_or("redirect-to-https"),
            ))
            .set_cache_policy_id(text(behavior, "CachePolicyId").map(str::to_owned))
            .set_origin_request_policy_id(
                text(behavior, "OriginRequestPolicyId").map(str::to_owned),
            )
            .allowed_methods(allowed)
            .compress(
                behavior
                    .get("Compress")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
            )
            .build(),
    )?;
    let viewer = c.get("ViewerCertificate");
    let certificate = match viewer.and_then(|v| text(v, "AcmCertificateArn")) {
        Some(arn) => ViewerCertificate::builder()
            .acm_certificate_arn(arn)
            .ssl_support_method(SslSupportMethod::from(
                viewer
                    .and_then(|v| text(v, "SslSupportMethod"))
                    .unwrap_or("sni-only"),
            ))
            .minimum_protocol_version(MinimumProtocolVersion::from(
                viewer
                    .and_then(|v| text(v, "MinimumProtocolVersion"))
                    .unwrap_or("TLSv1.2_2021"),
            ))
            .build(),
        None => ViewerCertificate::builder()
            .cloud_front_default_certificate(true)
            .build(),
    };
    let aliases: Vec<String> = c
        .get("Aliases")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect();
    built(
        DistributionConfig::builder()
            .caller_reference(caller_reference)
            .comment(text(c, "Comment").unwrap_or_default())
            .enabled(c.get("Enabled").and_then(Json::as_bool).unwrap_or(true))
            .origins(built(
                Origins::builder()
                    .quantity(i32::try_from(origins.len()).unwrap_or(0))
                    .set_items(Some(origins))
                    .build(),
            )?)
            .default_cache_behavior(default_behavior)
            .viewer_certificate(certificate)
            .aliases(built(
                Aliases::builder()
                    .quantity(i32::try_from(aliases.len()).unwrap_or(0))
                    .set_items(Some(aliases))
                    .build(),
            )?)
            .http_version(HttpVersion::from(
                text(c, "HttpVersion").unwrap_or("http2and3"),
            ))
            .price_class(PriceClass::from(
                text(c, "PriceClass").unwrap_or("PriceClass_100"),
            ))
            .build(),
    )
}

/// The declared fields of a configuration, CloudFormation-shaped.
pub(super) fn live(config: &DistributionConfig) -> Json {
    let mut out = serde_json::Map::new();
    out.insert("Enabled".into(), Json::Bool(config.enabled()));
    out.insert("Comment".into(), Json::from(config.comment()));
    let aliases: Vec<String> = config
        .aliases()
        .map(|a| a.items().to_vec())
        .unwrap_or_default();
    if !aliases.is_empty() {
        out.insert("Aliases".into(), Json::from(aliases));
    }
    let origins: Vec<Json> = config
        .origins()
        .map(Origins::items)
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let custom = o.custom_origin_config().map(|c| {
                serde_json::json!({
                    "OriginProtocolPolicy": c.origin_protocol_policy().as_str(),
                    "HTTPPort": c.http_port(),
                    "HTTPSPort": c.https_port(),
                    "OriginSSLProtocols": c
                        .origin_ssl_protocols()
                        .map(|p| p.items().iter().map(|i| i.as_str().to_owned()).collect::<Vec<_>>())
                        .unwrap_or_default(),
                })
            });
            serde_json::json!({
                "Id": o.id(),
                "DomainName": o.domain_name(),
                "CustomOriginConfig": custom,
            })
        })
        .collect();
    out.insert("Origins".into(), Json::Array(origins));
    if let Some(behavior) = config.default_cache_behavior() {
        let allowed: Vec<&str> = behavior
            .allowed_methods()
            .map(|m| m.items().iter().map(Method::as_str).collect())
            .unwrap_or_default();
        let mut map = serde_json::Map::new();
        map.insert(
            "TargetOriginId".into(),
            Json::from(behavior.target_origin_id()),
        );
        map.insert(
            "ViewerProtocolPolicy".into(),
            Json::from(behavior.viewer_protocol_policy().as_str()),
        );
        if let Some(id) = behavior.cache_policy_id() {
            map.insert("CachePolicyId".into(), Json::from(id));
        }
        if let Some(id) = behavior.origin_request_policy_id() {
            map.insert("OriginRequestPolicyId".into(), Json::from(id));
        }
        map.insert("AllowedMethods".into(), Json::from(allowed));
        if let Some(compress) = behavior.compress() {
            map.insert("Compress".into(), Json::Bool(compress));
        }
        out.insert("DefaultCacheBehavior".into(), Json::Object(map));
    }
    if let Some(viewer) = config.viewer_certificate() {
        let mut map = serde_json::Map::new();
        if let Some(arn) = viewer.acm_certificate_arn() {
            map.insert("AcmCertificateArn".into(), Json::from(arn));
        }
        if let Some(method) = viewer.ssl_support_method() {
            map.insert("SslSupportMethod".into(), Json::from(method.as_str()));
        }
        if let Some(version) = viewer.minimum_protocol_version() {
            map.insert(
                "MinimumProtocolVersion".into(),
                Json::from(version.as_str()),
            );
        }
        map.insert(
            "CloudFrontDefaultCertificate".into(),
            Json::Bool(viewer.cloud_front_default_certificate().unwrap_or(false)),
        );
        out.insert("ViewerCertificate".into(), Json::Object(map));
    }
    if let Some(version) = config.http_version() {
        out.insert("HttpVersion".into(), Json::from(version.as_str()));
    }
    if let Some(class) = config.price_class() {
        out.insert("PriceClass".into(), Json::from(class.as_str()));
    }
    Json::Object(out)
}
