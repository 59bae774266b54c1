//! Route 53: public hosted zones (idempotent by caller reference) and alias records.

mod record;
mod zone;

use aws_sdk_route53::Client;
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecordSet, RrType, TagResourceType,
};
use stratus_core::deploy::{Attributes, Json, ProviderError};

use crate::error::{absent_if_not_found, classify, invalid};
use crate::handler::Handler;
use crate::ownership::Tags;

/// The Route 53 handlers.
pub(crate) const HANDLERS: &[&dyn Handler] = &[&zone::HostedZone, &record::RecordSet];

pub(crate) use record::delete_record;

/// A zone id without its `/hostedzone/` prefix.
pub(super) fn bare(id: &str) -> &str {
    id.trim_start_matches("/hostedzone/")
}

/// A zone's tags; `None` when the zone does not exist.
pub(super) async fn zone_tags(client: &Client, zone: &str) -> Result<Option<Tags>, ProviderError> {
    let out = client
        .list_tags_for_resource()
        .resource_type(TagResourceType::Hostedzone)
        .resource_id(bare(zone))
        .send()
        .await;
    Ok(absent_if_not_found(out.map_err(classify))?.map(|o| {
        o.resource_tag_set()
            .map(aws_sdk_route53::types::ResourceTagSet::tags)
            .unwrap_or_default()
            .iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                ))
            })
            .collect()
    }))
}

/// A zone as Route 53 describes it: its domain (without the final dot) and its attributes
/// (`Id`, `NameServers`); `None` when it does not exist.
pub(crate) async fn describe_zone(
    client: &Client,
    zone: &str,
) -> Result<Option<(String, Attributes)>, ProviderError> {
    let out = client.get_hosted_zone().id(zone).send().await;
    let Some(found) = absent_if_not_found(out.map_err(classify))? else {
        return Ok(None);
    };
    let Some(described) = found.hosted_zone() else {
        return Ok(None);
    };
    let servers = found
        .delegation_set()
        .map(|d| d.name_servers().to_vec())
        .unwrap_or_default();
    let attributes = [
        ("Id", Json::from(zone)),
        ("NameServers", Json::from(servers)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Ok(Some((
        described.name().trim_end_matches('.').to_owned(),
        attributes,
    )))
}

/// One change to a zone's records.
pub(crate) async fn change(
    client: &Client,
    zone: &str,
    action: ChangeAction,
    record: ResourceRecordSet,
) -> Result<(), ProviderError> {
    let batch = ChangeBatch::builder()
        .changes(
            Change::builder()
                .action(action)
                .resource_record_set(record)
                .build()
                .map_err(|e| invalid(e.to_string()))?,
        )
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    client
        .change_resource_record_sets()
        .hosted_zone_id(bare(zone))
        .change_batch(batch)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

/// The record of a name and type in a zone, exactly as Route 53 has it.
pub(super) async fn record_in(
    client: &Client,
    zone: &str,
    name: &str,
    kind: &str,
) -> Result<Option<ResourceRecordSet>, ProviderError> {
    let out = client
        .list_resource_record_sets()
        .hosted_zone_id(bare(zone))
        .start_record_name(name)
        .start_record_type(RrType::from(kind))
        .max_items(1)
        .send()
        .await;
    let wanted = name.trim_end_matches('.').to_ascii_lowercase();
    Ok(absent_if_not_found(out.map_err(classify))?.and_then(|o| {
        o.resource_record_sets()
            .iter()
            .find(|r| {
                r.name().trim_end_matches('.').to_ascii_lowercase() == wanted
                    && r.r#type().as_str() == kind
            })
            .cloned()
    }))
}
