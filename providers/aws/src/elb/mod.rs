//! Elastic Load Balancing v2: application load balancers, target groups, listeners.

mod listener;
mod load_balancer;
mod target_group;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::Tag;
use stratus_core::deploy::{ProviderError, UpdateRequest};

use crate::error::classify;
use crate::handler::Handler;
use crate::ownership::{self, Tags};

/// The load balancing handlers.
pub(crate) const HANDLERS: &[&dyn Handler] = &[
    &load_balancer::LoadBalancer,
    &target_group::TargetGroup,
    &listener::Listener,
];

/// Tags as the SDK's.
pub(super) fn sdk_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The live tags of a load balancer or target group.
pub(super) async fn live_tags(client: &Client, arn: &str) -> Result<Tags, ProviderError> {
    let out = client
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .map_err(classify)?;
    Ok(out
        .tag_descriptions()
        .iter()
        .flat_map(aws_sdk_elasticloadbalancingv2::types::TagDescription::tags)
        .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
        .collect())
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
            .add_tags()
            .resource_arns(arn)
            .set_tags(Some(sdk_tags(&add)))
            .send()
            .await
            .map_err(classify)?;
    }
    if !remove.is_empty() {
        client
            .remove_tags()
            .resource_arns(arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}
