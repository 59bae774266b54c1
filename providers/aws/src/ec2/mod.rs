//! EC2: VPC networking, security groups, launch templates and instances. One file per type;
//! here the helpers they share (tags, token filters, attribute maps).

mod eip;
mod gateway_attachment;
mod instance;
mod internet_gateway;
mod launch_template;
mod nat_gateway;
mod route;
mod route_table;
mod route_table_association;
mod rule;
mod security_group;
mod subnet;
mod vpc;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use stratus_core::deploy::{Attributes, ErrorKind, Json, ProviderError, UpdateRequest};

use crate::error::classify;
use crate::handler::Handler;
use crate::ownership::{self, Tags};

/// The EC2 handlers.
pub(crate) const HANDLERS: &[&dyn Handler] = &[
    &vpc::Vpc,
    &subnet::Subnet,
    &internet_gateway::InternetGateway,
    &gateway_attachment::GatewayAttachment,
    &eip::Eip,
    &nat_gateway::NatGateway,
    &route_table::RouteTable,
    &route::Route,
    &route_table_association::Association,
    &security_group::SecurityGroup,
    &rule::INGRESS,
    &rule::EGRESS,
    &launch_template::LaunchTemplate,
    &instance::Instance,
];

/// The tag specification of a create call; none without tags (EC2 refuses an empty one).
pub(super) fn tag_specs(kind: ResourceType, tags: &Tags) -> Option<Vec<TagSpecification>> {
    (!tags.is_empty()).then(|| {
        vec![
            TagSpecification::builder()
                .resource_type(kind)
                .set_tags(Some(sdk_tags(tags)))
                .build(),
        ]
    })
}

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

/// A filter on this intent's token tag.
pub(super) fn token_filter(token: &str) -> Filter {
    Filter::builder()
        .name("tag:stratus:token")
        .values(token)
        .build()
}

/// A filter on one field.
pub(super) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

/// String attributes.
pub(super) fn attributes(pairs: &[(&str, &str)]) -> Attributes {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Json::String((*v).to_owned())))
        .collect()
}

/// An answer that lacks what it must carry.
pub(super) fn missing(what: &str) -> ProviderError {
    ProviderError::new(ErrorKind::Other, format!("the response carried no {what}"))
}

/// Brings a resource's tags to the declared ones plus its ownership tags: adds and changes
/// what differs, removes what is no longer declared (never `aws:` tags).
pub(super) async fn sync_tags(
    client: &Client,
    resource: &str,
    live: &Tags,
    request: &UpdateRequest<'_>,
) -> Result<(), ProviderError> {
    let desired = ownership::desired(request.inputs, "Tags", request.ownership);
    let (add, remove) = ownership::diff(&desired, live);
    if !add.is_empty() {
        client
            .create_tags()
            .resources(resource)
            .set_tags(Some(sdk_tags(&add)))
            .send()
            .await
            .map_err(classify)?;
    }
    if !remove.is_empty() {
        client
            .delete_tags()
            .resources(resource)
            .set_tags(Some(
                remove
                    .iter()
                    .map(|k| Tag::builder().key(k).build())
                    .collect(),
            ))
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}

/// The live tags of any EC2 resource.
pub(super) async fn live_tags(client: &Client, resource: &str) -> Result<Tags, ProviderError> {
    let out = client
        .describe_tags()
        .filters(filter("resource-id", resource))
        .send()
        .await
        .map_err(classify)?;
    Ok(out
        .tags()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect())
}

/// Whether the request changes a property.
pub(super) fn changes(request: &UpdateRequest<'_>, name: &str) -> bool {
    request.changed.iter().any(|c| c == name)
}

/// `Ok(None)` for a not-found error.
pub(super) use crate::error::absent_if_not_found as absent;
