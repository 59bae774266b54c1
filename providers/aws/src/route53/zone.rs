//! `AWS::Route53::HostedZone`: made with the intent's token as caller reference (so found by
//! it; zones of one name may coexist), then tagged with the stack's ownership (finished on
//! resume). Tags change in place.

use async_trait::async_trait;
use aws_sdk_route53::types::{Tag, TagResourceType};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{bare, describe_zone, zone_tags};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;
use crate::ownership::{self, Tags};

pub(super) struct HostedZone;

/// The zone made with this caller reference.
async fn by_reference(cx: &Context, reference: &str) -> Result<Option<String>, ProviderError> {
    let mut marker: Option<String> = None;
    loop {
        let out = cx
            .route53
            .list_hosted_zones()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(classify)?;
        if let Some(zone) = out
            .hosted_zones()
            .iter()
            .find(|z| z.caller_reference() == reference)
        {
            return Ok(Some(bare(zone.id()).to_owned()));
        }
        match out.next_marker() {
            Some(next) if out.is_truncated() => marker = Some(next.to_owned()),
            _ => return Ok(None),
        }
    }
}

/// Brings the zone's tags to `desired`.
async fn sync_tags(cx: &Context, zone: &str, desired: &Tags) -> Result<(), ProviderError> {
    let live = zone_tags(&cx.route53, zone).await?.unwrap_or_default();
    let (add, remove) = ownership::diff(desired, &live);
    if add.is_empty() && remove.is_empty() {
        return Ok(());
    }
    cx.route53
        .change_tags_for_resource()
        .resource_type(TagResourceType::Hostedzone)
        .resource_id(zone)
        .set_add_tags((!add.is_empty()).then(|| {
            add.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect()
        }))
        .set_remove_tag_keys((!remove.is_empty()).then_some(remove))
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

#[async_trait]
impl Handler for HostedZone {
    fn contract(&self) -> &'static TypeContract {
        &contracts::route53::HOSTED_ZONE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let zone = match request.resume {
            Some(zone) => zone.to_owned(),
            None => {
                let made = cx
                    .route53
                    .create_hosted_zone()
                    .name(string(request.inputs, "Name")?)
                    .caller_reference(request.token)
                    .send()
                    .await
                    .map_err(classify);
                match made {
                    Ok(out) => out
                        .hosted_zone()
                        .map(|z| bare(z.id()).to_owned())
                        .ok_or_else(|| invalid("no hosted zone id"))?,
                    // This intent's caller reference: whatever carries it is what it made.
                    Err(e) => by_reference(cx, request.token).await?.ok_or(e)?,
                }
            }
        };
        let desired = ownership::desired(request.inputs, "HostedZoneTags", request.ownership);
        sync_tags(cx, &zone, &desired).await?;
        read_back(self, cx, &zone).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some((name, attributes)) = describe_zone(&cx.route53, physical_id).await? else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("Name".into(), Json::from(name));
        properties.insert(
            "HostedZoneTags".into(),
            ownership::as_property(
                &zone_tags(&cx.route53, physical_id)
                    .await?
                    .unwrap_or_default(),
            ),
        );
        Ok(Some(Live {
            properties,
            attributes,
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if request.changed.iter().any(|c| c == "HostedZoneTags") {
            let desired = ownership::desired(request.inputs, "HostedZoneTags", request.ownership);
            sync_tags(cx, request.physical_id, &desired).await?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .route53
            .delete_hosted_zone()
            .id(request.physical_id)
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
            // Finishing it tags it.
            Some(zone) => Ok(Some(Created {
                attributes: [("Id".to_owned(), Json::from(zone.as_str()))]
                    .into_iter()
                    .collect(),
                physical_id: zone,
            })),
            None => Ok(None),
        }
    }
}
