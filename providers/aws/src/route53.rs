//! Route 53: public hosted zones (idempotent by caller reference) and alias records.

use aws_sdk_route53::Client;
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, ResourceRecordSet, RrType, Tag, TagResourceType,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::{string, tags};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::Route53::HostedZone", "AWS::Route53::RecordSet"];

fn bare(id: &str) -> &str {
    id.trim_start_matches("/hostedzone/")
}

fn zone_created(id: &str) -> Created {
    let id = bare(id).to_owned();
    Created {
        attributes: [("Id".to_owned(), Json::String(id.clone()))]
            .into_iter()
            .collect(),
        physical_id: id,
    }
}

/// An `A` alias record set from inputs.
fn alias_record(inputs: &Inputs) -> Result<ResourceRecordSet, ProviderError> {
    let alias = inputs
        .get("AliasTarget")
        .ok_or_else(|| invalid("only alias records are supported: AliasTarget is missing"))?;
    let field = |name: &str| {
        alias
            .get(name)
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(format!("AliasTarget.{name} is missing")))
    };
    let target = AliasTarget::builder()
        .hosted_zone_id(field("HostedZoneId")?)
        .dns_name(field("DNSName")?)
        .evaluate_target_health(
            alias
                .get("EvaluateTargetHealth")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        )
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    ResourceRecordSet::builder()
        .name(string(inputs, "Name")?)
        .r#type(RrType::from(
            inputs.get("Type").and_then(Json::as_str).unwrap_or("A"),
        ))
        .alias_target(target)
        .build()
        .map_err(|e| invalid(e.to_string()))
}

async fn change(
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
        .hosted_zone_id(zone)
        .change_batch(batch)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

pub(crate) async fn create(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    match request.type_name {
        "AWS::Route53::HostedZone" => {
            if let Some(found) = find(client, request.type_name, request.token).await? {
                return Ok(found);
            }
            let out = client
                .create_hosted_zone()
                .name(string(inputs, "Name")?)
                .caller_reference(request.token)
                .send()
                .await
                .map_err(classify)?;
            let zone = out
                .hosted_zone()
                .map(|z| bare(z.id()).to_owned())
                .ok_or_else(|| invalid("no hosted zone id"))?;
            let all = tags(inputs, "HostedZoneTags", request.ownership);
            let mut tagging = client
                .change_tags_for_resource()
                .resource_type(TagResourceType::Hostedzone)
                .resource_id(&zone);
            for (key, value) in all {
                tagging = tagging.add_tags(Tag::builder().key(key).value(value).build());
            }
            tagging.send().await.map_err(classify)?;
            Ok(zone_created(&zone))
        }
        "AWS::Route53::RecordSet" => {
            let zone = string(inputs, "HostedZoneId")?;
            change(client, zone, ChangeAction::Upsert, alias_record(inputs)?).await?;
            let kind = inputs.get("Type").and_then(Json::as_str).unwrap_or("A");
            Ok(Created {
                physical_id: format!("{zone}|{}|{kind}", string(inputs, "Name")?),
                attributes: Attributes::new(),
            })
        }
        other => Err(invalid(format!("route53 does not handle {other}"))),
    }
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
) -> Result<Attributes, ProviderError> {
    if type_name == "AWS::Route53::RecordSet" {
        let zone = physical_id.split('|').next().unwrap_or_default();
        change(client, zone, ChangeAction::Upsert, alias_record(inputs)?).await?;
    }
    Ok(Attributes::new())
}

pub(crate) async fn delete(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::Route53::HostedZone" => client
            .delete_hosted_zone()
            .id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        _ => {
            let parts: Vec<&str> = physical_id.split('|').collect();
            let [zone, name, kind] = parts[..] else {
                return Err(invalid(format!("{physical_id} is not a record id")));
            };
            // DELETE needs the record exactly as it is: read it first.
            let out = client
                .list_resource_record_sets()
                .hosted_zone_id(zone)
                .start_record_name(name)
                .start_record_type(RrType::from(kind))
                .max_items(1)
                .send()
                .await
                .map_err(classify)?;
            let wanted = name.trim_end_matches('.');
            match out
                .resource_record_sets()
                .iter()
                .find(|r| r.name().trim_end_matches('.') == wanted && r.r#type().as_str() == kind)
            {
                Some(record) => change(client, zone, ChangeAction::Delete, record.clone()).await,
                None => Ok(()),
            }
        }
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    if type_name != "AWS::Route53::HostedZone" {
        return Ok(Some(Attributes::new()));
    }
    match client
        .get_hosted_zone()
        .id(physical_id)
        .send()
        .await
        .map_err(classify)
    {
        Ok(_) => Ok(Some(Attributes::new())),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A hosted zone made with this token as its caller reference.
pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
) -> Result<Option<Created>, ProviderError> {
    if type_name != "AWS::Route53::HostedZone" {
        return Ok(None);
    }
    let out = client.list_hosted_zones().send().await.map_err(classify)?;
    Ok(out
        .hosted_zones()
        .iter()
        .find(|z| z.caller_reference() == token)
        .map(|z| zone_created(z.id())))
}
