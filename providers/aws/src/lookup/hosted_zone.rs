//! `Stratus::Lookup::HostedZone`: the public hosted zone that serves a domain, found by name.
//! The physical id is the zone's id. No zone, or two public zones of the name, is an error that
//! says what to do: a certificate validated in the wrong zone would wait forever.

use async_trait::async_trait;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::found;
use crate::contracts;
use crate::error::{classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;
use crate::route53::{bare, describe_zone};

pub(super) struct HostedZoneLookup;

/// The one public zone named `domain`; `None` when there is none.
async fn by_domain(cx: &Context, domain: &str) -> Result<Option<String>, ProviderError> {
    let wanted = format!("{}.", domain.trim_end_matches('.'));
    let mut zones = Vec::new();
    let mut start: Option<String> = Some(wanted.clone());
    let mut start_id: Option<String> = None;
    // Zones are listed in name order from `start`: read until the names pass the domain.
    'pages: loop {
        let out = cx
            .route53
            .list_hosted_zones_by_name()
            .set_dns_name(start.clone())
            .set_hosted_zone_id(start_id.clone())
            .send()
            .await
            .map_err(classify)?;
        for zone in out.hosted_zones() {
            if zone.name() != wanted {
                break 'pages;
            }
            let private = zone
                .config()
                .is_some_and(aws_sdk_route53::types::HostedZoneConfig::private_zone);
            if !private {
                zones.push(bare(zone.id()).to_owned());
            }
        }
        if !out.is_truncated() {
            break;
        }
        start = out.next_dns_name().map(str::to_owned);
        start_id = out.next_hosted_zone_id().map(str::to_owned);
    }
    match zones.as_slice() {
        [] => Ok(None),
        [zone] => Ok(Some(zone.clone())),
        many => Err(invalid(format!(
            "{} public hosted zones are named {domain} ({}): delete the ones the domain is not \
             delegated to, or declare the zone with HostedZone::public",
            many.len(),
            many.join(", ")
        ))),
    }
}

#[async_trait]
impl Handler for HostedZoneLookup {
    fn contract(&self) -> &'static TypeContract {
        &contracts::lookup::HOSTED_ZONE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let domain = string(request.inputs, "DomainName")?;
        let Some(zone) = by_domain(cx, domain).await? else {
            return Err(invalid(format!(
                "no public hosted zone serves {domain} in this account: create it (or register \
                 the domain with Route 53, which makes one), or declare it with \
                 HostedZone::public and delegate the domain to its name servers"
            )));
        };
        read_back(self, cx, &zone).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some((domain, attributes)) = describe_zone(&cx.route53, physical_id).await? else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("DomainName".into(), Json::from(domain));
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
        // Nothing updates in place (another domain is another lookup): read it again.
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, _: &Context, _: DeleteRequest<'_>) -> Result<(), ProviderError> {
        // The zone is not the stack's: forgetting it is all there is to do.
        Ok(())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let domain = string(request.inputs, "DomainName")?;
        let Some(zone) = by_domain(cx, domain).await? else {
            return Ok(None);
        };
        Ok(self.read(cx, &zone).await?.map(|live| found(&zone, live)))
    }
}
