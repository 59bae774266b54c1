//! `AWS::Route53::RecordSet`: an alias record, `zone|name|type`. Records take no tags and
//! Route 53's UPSERT overwrites, so a create is a CREATE after a look: a record that exists is
//! adopted only when its zone is this stack's and it points where the declaration says.

use async_trait::async_trait;
use aws_sdk_route53::Client;
use aws_sdk_route53::types::{AliasTarget, ChangeAction, ResourceRecordSet, RrType};
use stratus_core::deploy::{
    Attributes, Compare, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest, matches,
};

use super::{bare, change, record_in, zone_tags};
use crate::contracts;
use crate::error::invalid;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;
use crate::ownership;

pub(super) struct RecordSet;

/// An alias record set from inputs.
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

fn parts(physical_id: &str) -> Result<(&str, &str, &str), ProviderError> {
    let parts: Vec<&str> = physical_id.split('|').collect();
    match parts[..] {
        [zone, name, kind] => Ok((zone, name, kind)),
        _ => Err(invalid(format!("{physical_id} is not a record id"))),
    }
}

fn live_properties(zone: &str, record: &ResourceRecordSet) -> Inputs {
    let mut properties = Inputs::new();
    properties.insert("HostedZoneId".into(), Json::from(zone));
    properties.insert(
        "Name".into(),
        Json::from(record.name().trim_end_matches('.')),
    );
    properties.insert("Type".into(), Json::from(record.r#type().as_str()));
    if let Some(alias) = record.alias_target() {
        properties.insert(
            "AliasTarget".into(),
            serde_json::json!({
                "DNSName": alias.dns_name().trim_end_matches('.').to_ascii_lowercase(),
                "HostedZoneId": alias.hosted_zone_id(),
                "EvaluateTargetHealth": alias.evaluate_target_health(),
            }),
        );
    }
    properties
}

/// Whether the record points where the inputs say (names without the final dot, any case).
fn equal(zone: &str, record: &ResourceRecordSet, inputs: &Inputs) -> bool {
    let mut declared = inputs.clone();
    if let Some(Json::Object(alias)) = declared.get_mut("AliasTarget")
        && let Some(Json::String(dns)) = alias.get_mut("DNSName")
    {
        *dns = dns.trim_end_matches('.').to_ascii_lowercase();
    }
    matches(
        Compare::Declared,
        &Json::Object(declared),
        Some(&Json::Object(live_properties(zone, record))),
    )
}

/// Deletes a record of any kind if it exists (certificates' validation records too).
pub(crate) async fn delete_record(
    client: &Client,
    zone: &str,
    name: &str,
    kind: &str,
) -> Result<(), ProviderError> {
    match record_in(client, zone, name, kind).await? {
        Some(record) => change(client, zone, ChangeAction::Delete, record).await,
        None => Ok(()),
    }
}

#[async_trait]
impl Handler for RecordSet {
    fn contract(&self) -> &'static TypeContract {
        &contracts::route53::RECORD_SET
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let zone = bare(string(inputs, "HostedZoneId")?);
        let name = string(inputs, "Name")?;
        let kind = inputs.get("Type").and_then(Json::as_str).unwrap_or("A");
        let id = format!("{zone}|{name}|{kind}");
        if request.resume.is_none() {
            if let Some(existing) = record_in(&cx.route53, zone, name, kind).await? {
                let ours = zone_tags(&cx.route53, zone).await?.is_some_and(|tags| {
                    ownership::of_stack(&tags, ownership::stack_of(request.ownership))
                });
                if !(ours && equal(zone, &existing, inputs)) {
                    return Err(ownership::refuse_child(&request, &id, ours));
                }
                return read_back(self, cx, &id).await;
            }
            change(
                &cx.route53,
                zone,
                ChangeAction::Create,
                alias_record(inputs)?,
            )
            .await?;
        }
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let (zone, name, kind) = parts(physical_id)?;
        Ok(record_in(&cx.route53, zone, name, kind)
            .await?
            .map(|record| Live {
                properties: live_properties(zone, &record),
                attributes: Attributes::new(),
            }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let (zone, _, _) = parts(request.physical_id)?;
        change(
            &cx.route53,
            zone,
            ChangeAction::Upsert,
            alias_record(request.inputs)?,
        )
        .await?;
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let (zone, name, kind) = parts(request.physical_id)?;
        delete_record(&cx.route53, zone, name, kind).await
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let zone = bare(string(request.inputs, "HostedZoneId")?);
        let name = string(request.inputs, "Name")?;
        let kind = request
            .inputs
            .get("Type")
            .and_then(Json::as_str)
            .unwrap_or("A");
        let Some(existing) = record_in(&cx.route53, zone, name, kind).await? else {
            return Ok(None);
        };
        let ours = zone_tags(&cx.route53, zone)
            .await?
            .is_some_and(|tags| ownership::of_stack(&tags, ownership::stack_of(request.ownership)));
        if ours && equal(zone, &existing, request.inputs) {
            read_back(self, cx, &format!("{zone}|{name}|{kind}"))
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}
