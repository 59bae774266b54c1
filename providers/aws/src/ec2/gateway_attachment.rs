//! `AWS::EC2::VPCGatewayAttachment`: an internet gateway attached to a VPC, `igw|vpc`. Takes no
//! tags: an attachment that exists is adopted only when the gateway is this stack's and attached
//! to the declared VPC; a gateway attached elsewhere is refused.

use async_trait::async_trait;
use aws_sdk_ec2::types::InternetGateway;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, tags_of};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{id_pair, string};
use crate::ownership;

pub(super) struct GatewayAttachment;

async fn gateway(cx: &Context, igw: &str) -> Result<Option<InternetGateway>, ProviderError> {
    let out = cx
        .ec2
        .describe_internet_gateways()
        .internet_gateway_ids(igw)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.internet_gateways().first().cloned()))
}

/// The VPC the gateway is attached to, if any.
fn attached_to(gateway: &InternetGateway) -> Option<&str> {
    gateway
        .attachments()
        .iter()
        .find(|a| a.state().is_none_or(|s| s.as_str() != "detached"))
        .and_then(|a| a.vpc_id())
}

#[async_trait]
impl Handler for GatewayAttachment {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::GATEWAY_ATTACHMENT
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let igw = string(request.inputs, "InternetGatewayId")?;
        let vpc = string(request.inputs, "VpcId")?;
        let id = format!("{igw}|{vpc}");
        if request.resume.is_none() {
            if let Some(gateway) = gateway(cx, igw).await?
                && let Some(current) = attached_to(&gateway)
            {
                let ours = ownership::of_stack(
                    &tags_of(gateway.tags()),
                    ownership::stack_of(request.ownership),
                );
                if !(ours && current == vpc) {
                    return Err(ownership::refuse_child(
                        &request,
                        &format!("{igw}|{current}"),
                        ours,
                    ));
                }
                return read_back(self, cx, &id).await;
            }
            cx.ec2
                .attach_internet_gateway()
                .internet_gateway_id(igw)
                .vpc_id(vpc)
                .send()
                .await
                .map_err(classify)?;
        }
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let (igw, vpc) = id_pair(physical_id, "an attachment")?;
        let Some(gateway) = gateway(cx, igw).await? else {
            return Ok(None);
        };
        if attached_to(&gateway) != Some(vpc) {
            return Ok(None);
        }
        let mut properties = Inputs::new();
        properties.insert("VpcId".into(), Json::from(vpc));
        properties.insert("InternetGatewayId".into(), Json::from(igw));
        Ok(Some(Live {
            properties,
            attributes: Attributes::new(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        if self.read(cx, request.physical_id).await?.is_none() {
            return Ok(());
        }
        let (igw, vpc) = id_pair(request.physical_id, "an attachment")?;
        let result = cx
            .ec2
            .detach_internet_gateway()
            .internet_gateway_id(igw)
            .vpc_id(vpc)
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
        let igw = string(request.inputs, "InternetGatewayId")?;
        let vpc = string(request.inputs, "VpcId")?;
        let Some(gateway) = gateway(cx, igw).await? else {
            return Ok(None);
        };
        let ours = ownership::of_stack(
            &tags_of(gateway.tags()),
            ownership::stack_of(request.ownership),
        );
        if ours && attached_to(&gateway) == Some(vpc) {
            read_back(self, cx, &format!("{igw}|{vpc}")).await.map(Some)
        } else {
            Ok(None)
        }
    }
}
