//! CloudFront: distributions (idempotent by caller reference). Deleting one means disabling it,
//! waiting for the change to deploy, then deleting with the current `ETag`.

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CachedMethods, CustomOriginConfig, DefaultCacheBehavior,
    DistributionConfig, DistributionConfigWithTags, HttpVersion, Method, MinimumProtocolVersion,
    Origin, OriginProtocolPolicy, OriginSslProtocols, Origins, PriceClass, SslProtocol,
    SslSupportMethod, Tag, Tags, ViewerCertificate, ViewerProtocolPolicy,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::tags;
use crate::wait::{Wait, poll};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::CloudFront::Distribution"];

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
fn config(inputs: &Inputs, caller_reference: &str) -> Result<DistributionConfig, ProviderError> {
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

fn created(id: &str, domain: &str) -> Created {
    Created {
        physical_id: id.to_owned(),
        attributes: [("DomainName", domain), ("Id", id)]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Json::String((*v).to_owned())))
            .collect(),
    }
}

pub(crate) async fn create(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    if let Some(found) = find(client, request.token).await? {
        return Ok(found);
    }
    let items: Vec<Tag> = tags(request.inputs, "Tags", request.ownership)
        .into_iter()
        .map(|(k, v)| built(Tag::builder().key(k).value(v).build()))
        .collect::<Result<_, _>>()?;
    let with_tags = DistributionConfigWithTags::builder()
        .distribution_config(config(request.inputs, request.token)?)
        .tags(Tags::builder().set_items(Some(items)).build())
        .build();
    let out = client
        .create_distribution_with_tags()
        .distribution_config_with_tags(with_tags)
        .send()
        .await
        .map_err(classify)?;
    let distribution = out
        .distribution()
        .ok_or_else(|| invalid("no distribution in the response"))?;
    Ok(created(distribution.id(), distribution.domain_name()))
}

pub(crate) async fn update(
    client: &Client,
    physical_id: &str,
    inputs: &Inputs,
) -> Result<Attributes, ProviderError> {
    let current = client
        .get_distribution_config()
        .id(physical_id)
        .send()
        .await
        .map_err(classify)?;
    let caller_reference = current
        .distribution_config()
        .map(|c| c.caller_reference().to_owned())
        .unwrap_or_default();
    let out = client
        .update_distribution()
        .id(physical_id)
        .set_if_match(current.e_tag().map(str::to_owned))
        .distribution_config(config(inputs, &caller_reference)?)
        .send()
        .await
        .map_err(classify)?;
    let distribution = out
        .distribution()
        .ok_or_else(|| invalid("no distribution in the response"))?;
    Ok(created(distribution.id(), distribution.domain_name()).attributes)
}

pub(crate) async fn delete(
    client: &Client,
    wait: &Wait,
    physical_id: &str,
) -> Result<(), ProviderError> {
    let current = client
        .get_distribution_config()
        .id(physical_id)
        .send()
        .await
        .map_err(classify)?;
    let mut etag = current.e_tag().map(str::to_owned);
    if let Some(config) = current.distribution_config().filter(|c| c.enabled()) {
        let mut disabled = config.clone();
        disabled.enabled = false;
        let out = client
            .update_distribution()
            .id(physical_id)
            .set_if_match(etag)
            .distribution_config(disabled)
            .send()
            .await
            .map_err(classify)?;
        etag = out.e_tag().map(str::to_owned);
    }
    poll(
        wait,
        "AWS::CloudFront::Distribution",
        &format!("distribution {physical_id} to deploy its disabling"),
        || async {
            let out = client
                .get_distribution()
                .id(physical_id)
                .send()
                .await
                .map_err(classify)?;
            Ok((out
                .distribution()
                .map(aws_sdk_cloudfront::types::Distribution::status)
                == Some("Deployed"))
            .then_some(()))
        },
    )
    .await?;
    client
        .delete_distribution()
        .id(physical_id)
        .set_if_match(etag)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

pub(crate) async fn read(
    client: &Client,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    match client
        .get_distribution()
        .id(physical_id)
        .send()
        .await
        .map_err(classify)
    {
        Ok(out) => Ok(out
            .distribution()
            .map(|d| created(d.id(), d.domain_name()).attributes)),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A distribution made with this token as caller reference.
pub(crate) async fn find(client: &Client, token: &str) -> Result<Option<Created>, ProviderError> {
    let out = client.list_distributions().send().await.map_err(classify)?;
    for summary in out
        .distribution_list()
        .map(aws_sdk_cloudfront::types::DistributionList::items)
        .unwrap_or_default()
    {
        let config = client
            .get_distribution_config()
            .id(summary.id())
            .send()
            .await
            .map_err(classify)?;
        if config
            .distribution_config()
            .map(DistributionConfig::caller_reference)
            == Some(token)
        {
            return Ok(Some(created(summary.id(), summary.domain_name())));
        }
    }
    Ok(None)
}
