//! `AWS::CloudFront::Distribution`: made with the intent's token as caller reference (so found
//! by it) and tagged with the stack's ownership. Its configuration changes in place (with the
//! current `ETag`); deleting disables it, waits for that to deploy, then deletes.

mod config;

use async_trait::async_trait;
use aws_sdk_cloudfront::types::{
    Distribution as SdkDistribution, DistributionConfig, DistributionConfigWithTags, Tag, TagKeys,
    Tags as SdkTags,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::ownership::{self, Tags};
use crate::wait::poll;

/// The CloudFront handler.
pub(crate) const HANDLERS: &[&dyn Handler] = &[&Distribution];

struct Distribution;

fn sdk_tags(tags: &Tags) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(e.to_string()))
        })
        .collect()
}

async fn get(cx: &Context, id: &str) -> Result<Option<SdkDistribution>, ProviderError> {
    let out = cx.cloudfront.get_distribution().id(id).send().await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.distribution().cloned()))
}

async fn live_tags(cx: &Context, arn: &str) -> Result<Tags, ProviderError> {
    Ok(cx
        .cloudfront
        .list_tags_for_resource()
        .resource(arn)
        .send()
        .await
        .map_err(classify)?
        .tags()
        .map(SdkTags::items)
        .unwrap_or_default()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
        .collect())
}

/// The distribution made with this caller reference.
async fn by_reference(cx: &Context, reference: &str) -> Result<Option<String>, ProviderError> {
    let mut marker: Option<String> = None;
    loop {
        let out = cx
            .cloudfront
            .list_distributions()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(classify)?;
        let Some(list) = out.distribution_list() else {
            return Ok(None);
        };
        for summary in list.items() {
            let config = cx
                .cloudfront
                .get_distribution_config()
                .id(summary.id())
                .send()
                .await
                .map_err(classify)?;
            if config
                .distribution_config()
                .map(DistributionConfig::caller_reference)
                == Some(reference)
            {
                return Ok(Some(summary.id().to_owned()));
            }
        }
        match list.next_marker() {
            Some(next) if list.is_truncated() => marker = Some(next.to_owned()),
            _ => return Ok(None),
        }
    }
}

/// Waits until the distribution's status is `Deployed` (from `InProgress`): until then edge
/// locations may not serve it, and the domain printed as an output may not answer.
async fn until_deployed(cx: &Context, id: &str) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::CloudFront::Distribution",
        &format!("distribution {id} to be deployed"),
        || async {
            let status = get(cx, id).await?.map(|d| d.status().to_owned());
            Ok((status.as_deref() == Some("Deployed")).then_some(()))
        },
    )
    .await
}

#[async_trait]
impl Handler for Distribution {
    fn contract(&self) -> &'static TypeContract {
        &contracts::cloudfront::DISTRIBUTION
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(id) = request.resume {
            until_deployed(cx, id).await?;
            return read_back(self, cx, id).await;
        }
        let tags = ownership::desired(request.inputs, "Tags", request.ownership);
        let with_tags = DistributionConfigWithTags::builder()
            .distribution_config(config::config(request.inputs, request.token)?)
            .tags(SdkTags::builder().set_items(Some(sdk_tags(&tags)?)).build())
            .build();
        let made = cx
            .cloudfront
            .create_distribution_with_tags()
            .distribution_config_with_tags(with_tags)
            .send()
            .await
            .map_err(classify);
        let id = match made {
            Ok(out) => out
                .distribution()
                .map(|d| d.id().to_owned())
                .ok_or_else(|| invalid("no distribution in the response"))?,
            // This intent's caller reference: whatever carries it is what it made.
            Err(e) => by_reference(cx, request.token).await?.ok_or(e)?,
        };
        until_deployed(cx, &id).await?;
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(distribution) = get(cx, physical_id).await? else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        if let Some(config) = distribution.distribution_config() {
            properties.insert("DistributionConfig".into(), config::live(config));
        }
        properties.insert(
            "Tags".into(),
            ownership::as_property(&live_tags(cx, distribution.arn()).await?),
        );
        Ok(Some(Live {
            properties,
            attributes: [
                ("DomainName", distribution.domain_name()),
                ("Id", distribution.id()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Json::from(v)))
            .collect(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let id = request.physical_id;
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        if changed("DistributionConfig") {
            let current = cx
                .cloudfront
                .get_distribution_config()
                .id(id)
                .send()
                .await
                .map_err(classify)?;
            let reference = current
                .distribution_config()
                .map(|c| c.caller_reference().to_owned())
                .unwrap_or_default();
            cx.cloudfront
                .update_distribution()
                .id(id)
                .set_if_match(current.e_tag().map(str::to_owned))
                .distribution_config(config::config(request.inputs, &reference)?)
                .send()
                .await
                .map_err(classify)?;
            // As Terraform's `wait_for_deployment`: the change serves once deployed.
            until_deployed(cx, id).await?;
        }
        if changed("Tags") {
            let arn = get(cx, id)
                .await?
                .map(|d| d.arn().to_owned())
                .unwrap_or_default();
            let live = live_tags(cx, &arn).await?;
            let desired = ownership::desired(request.inputs, "Tags", request.ownership);
            let (add, remove) = ownership::diff(&desired, &live);
            if !add.is_empty() {
                cx.cloudfront
                    .tag_resource()
                    .resource(&arn)
                    .tags(SdkTags::builder().set_items(Some(sdk_tags(&add)?)).build())
                    .send()
                    .await
                    .map_err(classify)?;
            }
            if !remove.is_empty() {
                cx.cloudfront
                    .untag_resource()
                    .resource(&arn)
                    .tag_keys(TagKeys::builder().set_items(Some(remove)).build())
                    .send()
                    .await
                    .map_err(classify)?;
            }
        }
        Ok(read_back(self, cx, id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let id = request.physical_id;
        let current = cx.cloudfront.get_distribution_config().id(id).send().await;
        let Some(current) = absent(current.map_err(classify))? else {
            return Ok(());
        };
        let mut etag = current.e_tag().map(str::to_owned);
        if let Some(config) = current.distribution_config().filter(|c| c.enabled()) {
            let mut disabled = config.clone();
            disabled.enabled = false;
            let out = cx
                .cloudfront
                .update_distribution()
                .id(id)
                .set_if_match(etag)
                .distribution_config(disabled)
                .send()
                .await
                .map_err(classify)?;
            etag = out.e_tag().map(str::to_owned);
        }
        poll(
            &cx.wait,
            "AWS::CloudFront::Distribution",
            &format!("distribution {id} to deploy its disabling"),
            || async {
                Ok(get(cx, id)
                    .await?
                    .is_none_or(|d| d.status() == "Deployed")
                    .then_some(()))
            },
        )
        .await?;
        let result = cx
            .cloudfront
            .delete_distribution()
            .id(id)
            .set_if_match(etag)
            .send()
            .await
            .map_err(classify);
        absent(result).map(|_| ())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        match by_reference(cx, request.token).await? {
            Some(id) => read_back(self, cx, &id).await.map(Some),
            None => Ok(None),
        }
    }
}
