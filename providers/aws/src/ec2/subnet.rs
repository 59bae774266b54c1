//! `AWS::EC2::Subnet`: created, then its public-IP mapping set (finished on resume); found by
//! its token tag.

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sync_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_bool, opt_string, string};
use crate::ownership;

pub(super) struct Subnet;

async fn set_public_ip(cx: &Context, subnet: &str, on: bool) -> Result<(), ProviderError> {
    cx.ec2
        .modify_subnet_attribute()
        .subnet_id(subnet)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(on).build())
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

#[async_trait]
impl Handler for Subnet {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::SUBNET
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let subnet = match request.resume {
            Some(subnet) => subnet.to_owned(),
            None => {
                let tags = ownership::desired(inputs, "Tags", request.ownership);
                cx.ec2
                    .create_subnet()
                    .vpc_id(string(inputs, "VpcId")?)
                    .cidr_block(string(inputs, "CidrBlock")?)
                    .set_availability_zone(
                        opt_string(inputs, "AvailabilityZone").map(str::to_owned),
                    )
                    .set_tag_specifications(tag_specs(ResourceType::Subnet, &tags))
                    .send()
                    .await
                    .map_err(classify)?
                    .subnet()
                    .and_then(|s| s.subnet_id())
                    .ok_or_else(|| missing("subnet id"))?
                    .to_owned()
            }
        };
        if let Some(on) = opt_bool(inputs, "MapPublicIpOnLaunch") {
            set_public_ip(cx, &subnet, on).await?;
        }
        read_back(self, cx, &subnet).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .ec2
            .describe_subnets()
            .subnet_ids(physical_id)
            .send()
            .await;
        let Some(subnet) =
            absent(out.map_err(classify))?.and_then(|o| o.subnets().first().cloned())
        else {
            return Ok(None);
        };
        let text = |v: Option<&str>| Json::from(v.unwrap_or_default());
        let mut properties = Inputs::new();
        properties.insert("VpcId".into(), text(subnet.vpc_id()));
        properties.insert("CidrBlock".into(), text(subnet.cidr_block()));
        properties.insert("AvailabilityZone".into(), text(subnet.availability_zone()));
        properties.insert(
            "MapPublicIpOnLaunch".into(),
            Json::Bool(subnet.map_public_ip_on_launch().unwrap_or(false)),
        );
        properties.insert(
            "Tags".into(),
            ownership::as_property(&tags_of(subnet.tags())),
        );
        Ok(Some(Live {
            properties,
            attributes: attributes(&[
                ("SubnetId", physical_id),
                (
                    "AvailabilityZone",
                    subnet.availability_zone().unwrap_or_default(),
                ),
                ("VpcId", subnet.vpc_id().unwrap_or_default()),
            ]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if changes(&request, "MapPublicIpOnLaunch") {
            let on = opt_bool(request.inputs, "MapPublicIpOnLaunch").unwrap_or(false);
            set_public_ip(cx, request.physical_id, on).await?;
        }
        if changes(&request, "Tags") {
            let live = super::live_tags(&cx.ec2, request.physical_id).await?;
            sync_tags(&cx.ec2, request.physical_id, &live, &request).await?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .ec2
            .delete_subnet()
            .subnet_id(request.physical_id)
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
        let out = cx
            .ec2
            .describe_subnets()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out.subnets().first().and_then(|s| s.subnet_id()) {
            Some(subnet) => read_back(self, cx, subnet).await.map(Some),
            None => Ok(None),
        }
    }
}
