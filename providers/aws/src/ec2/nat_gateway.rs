//! `AWS::EC2::NatGateway`: created with the intent's client token and tags, waited for until
//! available (on resume too); found by its token tag among gateways that are not dead.

use async_trait::async_trait;
use aws_sdk_ec2::types::{NatGateway as SdkNat, NatGatewayState, ResourceType};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sync_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string};
use crate::ownership;
use crate::wait::poll;

pub(super) struct NatGateway;

/// Whether a gateway is gone or going (AWS keeps deleted ones listed for a while).
fn dead(nat: &SdkNat) -> bool {
    matches!(
        nat.state(),
        Some(NatGatewayState::Deleted | NatGatewayState::Deleting | NatGatewayState::Failed)
    )
}

async fn describe(cx: &Context, nat: &str) -> Result<Option<SdkNat>, ProviderError> {
    let out = cx
        .ec2
        .describe_nat_gateways()
        .nat_gateway_ids(nat)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.nat_gateways().first().cloned()))
}

async fn wait_for(cx: &Context, nat: &str, wanted: &NatGatewayState) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::EC2::NatGateway",
        &format!("NAT gateway {nat} to be {wanted:?}"),
        || async {
            let current = describe(cx, nat).await?;
            match current.as_ref().and_then(SdkNat::state) {
                Some(NatGatewayState::Failed) if *wanted != NatGatewayState::Deleted => {
                    Err(ProviderError::new(
                        ErrorKind::Other,
                        format!(
                            "NAT gateway {nat} failed: {}",
                            current
                                .as_ref()
                                .and_then(SdkNat::failure_message)
                                .unwrap_or("no reason given")
                        ),
                    ))
                }
                Some(state) => Ok((state == wanted
                    || (*wanted == NatGatewayState::Deleted && *state == NatGatewayState::Failed))
                    .then_some(())),
                None => Ok((*wanted == NatGatewayState::Deleted).then_some(())),
            }
        },
    )
    .await
}

#[async_trait]
impl Handler for NatGateway {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::NAT_GATEWAY
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let nat = match request.resume {
            Some(nat) => nat.to_owned(),
            None => {
                let tags = ownership::desired(inputs, "Tags", request.ownership);
                cx.ec2
                    .create_nat_gateway()
                    .subnet_id(string(inputs, "SubnetId")?)
                    .set_allocation_id(opt_string(inputs, "AllocationId").map(str::to_owned))
                    .set_connectivity_type(opt_string(inputs, "ConnectivityType").map(Into::into))
                    .client_token(request.token)
                    .set_tag_specifications(tag_specs(ResourceType::Natgateway, &tags))
                    .send()
                    .await
                    .map_err(classify)?
                    .nat_gateway()
                    .and_then(|n| n.nat_gateway_id())
                    .ok_or_else(|| missing("NAT gateway id"))?
                    .to_owned()
            }
        };
        wait_for(cx, &nat, &NatGatewayState::Available).await?;
        read_back(self, cx, &nat).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(nat) = describe(cx, physical_id).await?.filter(|n| !dead(n)) else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert(
            "SubnetId".into(),
            Json::from(nat.subnet_id().unwrap_or_default()),
        );
        if let Some(allocation) = nat
            .nat_gateway_addresses()
            .first()
            .and_then(|a| a.allocation_id())
        {
            properties.insert("AllocationId".into(), Json::from(allocation));
        }
        if let Some(kind) = nat.connectivity_type() {
            properties.insert("ConnectivityType".into(), Json::from(kind.as_str()));
        }
        properties.insert("Tags".into(), ownership::as_property(&tags_of(nat.tags())));
        Ok(Some(Live {
            properties,
            attributes: attributes(&[("NatGatewayId", physical_id)]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if changes(&request, "Tags") {
            let live = super::live_tags(&cx.ec2, request.physical_id).await?;
            sync_tags(&cx.ec2, request.physical_id, &live, &request).await?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        // Deleting one that is gone is an error on some endpoints: look first.
        if describe(cx, request.physical_id)
            .await?
            .is_none_or(|n| dead(&n))
        {
            return Ok(());
        }
        cx.ec2
            .delete_nat_gateway()
            .nat_gateway_id(request.physical_id)
            .send()
            .await
            .map_err(classify)?;
        wait_for(cx, request.physical_id, &NatGatewayState::Deleted).await
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let out = cx
            .ec2
            .describe_nat_gateways()
            .filter(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out
            .nat_gateways()
            .iter()
            .find(|n| !dead(n))
            .and_then(|n| n.nat_gateway_id())
        {
            // Finishing it waits for it to be available.
            Some(nat) => Ok(Some(Created {
                physical_id: nat.to_owned(),
                attributes: attributes(&[("NatGatewayId", nat)]),
            })),
            None => Ok(None),
        }
    }
}
