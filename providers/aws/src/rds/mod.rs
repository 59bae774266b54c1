//! RDS: DB subnet groups and DB instances (primaries and read replicas).

mod instance;
mod subnet_group;

use aws_sdk_rds::Client;
use aws_sdk_rds::types::Tag;
use stratus_core::deploy::{ProviderError, UpdateRequest};

use crate::error::classify;
use crate::handler::Handler;
use crate::ownership::{self, Tags};

/// The RDS handlers.
pub(crate) const HANDLERS: &[&dyn Handler] = &[&subnet_group::SubnetGroup, &instance::Instance];

/// Tags as the SDK's.
pub(super) fn sdk_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The SDK's tags as a map.
pub(super) fn tags_of(tags: &[Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

/// The live tags of a resource by ARN.
pub(super) async fn live_tags(client: &Client, arn: &str) -> Result<Tags, ProviderError> {
    let out = client
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(classify)?;
    Ok(tags_of(out.tag_list()))
}

/// Brings a resource's tags to the declared ones plus its ownership tags.
pub(super) async fn sync_tags(
    client: &Client,
    arn: &str,
    request: &UpdateRequest<'_>,
) -> Result<(), ProviderError> {
    let live = live_tags(client, arn).await?;
    let desired = ownership::desired(request.inputs, "Tags", request.ownership);
    let (add, remove) = ownership::diff(&desired, &live);
    if !add.is_empty() {
        client
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(sdk_tags(&add)))
            .send()
            .await
            .map_err(classify)?;
    }
    if !remove.is_empty() {
        client
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}
