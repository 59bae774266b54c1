//! `AWS::EC2::VPC`: a create of several calls (the VPC, then its DNS attributes), finished on
//! resume; found by its token tag.

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, VpcAttributeName};
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

pub(super) struct Vpc;

/// Sets the declared DNS attributes, support before host names when turning on and after when
/// turning off (AWS refuses host names without support).
async fn set_dns(cx: &Context, vpc: &str, inputs: &Inputs) -> Result<(), ProviderError> {
    let support = opt_bool(inputs, "EnableDnsSupport");
    let hostnames = opt_bool(inputs, "EnableDnsHostnames");
    let set = |attribute: VpcAttributeName, on: bool| {
        let value = AttributeBooleanValue::builder().value(on).build();
        let call = cx.ec2.modify_vpc_attribute().vpc_id(vpc);
        let call = match attribute {
            VpcAttributeName::EnableDnsSupport => call.enable_dns_support(value),
            _ => call.enable_dns_hostnames(value),
        };
        async move { call.send().await.map(|_| ()).map_err(classify) }
    };
    if support == Some(true) {
        set(VpcAttributeName::EnableDnsSupport, true).await?;
    }
    if let Some(on) = hostnames {
        set(VpcAttributeName::EnableDnsHostnames, on).await?;
    }
    if support == Some(false) {
        set(VpcAttributeName::EnableDnsSupport, false).await?;
    }
    Ok(())
}

async fn dns_attribute(
    cx: &Context,
    vpc: &str,
    attribute: VpcAttributeName,
) -> Result<Option<bool>, ProviderError> {
    let out = cx
        .ec2
        .describe_vpc_attribute()
        .vpc_id(vpc)
        .attribute(attribute.clone())
        .send()
        .await
        .map_err(classify)?;
    let value = match attribute {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        _ => out.enable_dns_hostnames(),
    };
    Ok(value.and_then(AttributeBooleanValue::value))
}

#[async_trait]
impl Handler for Vpc {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::VPC
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let vpc = match request.resume {
            Some(vpc) => vpc.to_owned(),
            None => {
                let tags = ownership::desired(inputs, "Tags", request.ownership);
                cx.ec2
                    .create_vpc()
                    .cidr_block(string(inputs, "CidrBlock")?)
                    .set_instance_tenancy(opt_string(inputs, "InstanceTenancy").map(Into::into))
                    .set_tag_specifications(tag_specs(ResourceType::Vpc, &tags))
                    .send()
                    .await
                    .map_err(classify)?
                    .vpc()
                    .and_then(|v| v.vpc_id())
                    .ok_or_else(|| missing("VPC id"))?
                    .to_owned()
            }
        };
        set_dns(cx, &vpc, inputs).await?;
        read_back(self, cx, &vpc).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx.ec2.describe_vpcs().vpc_ids(physical_id).send().await;
        let Some(vpc) = absent(out.map_err(classify))?.and_then(|o| o.vpcs().first().cloned())
        else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        let cidr = vpc.cidr_block().unwrap_or_default();
        properties.insert("CidrBlock".into(), Json::from(cidr));
        if let Some(tenancy) = vpc.instance_tenancy() {
            properties.insert("InstanceTenancy".into(), Json::from(tenancy.as_str()));
        }
        for (name, attribute) in [
            ("EnableDnsSupport", VpcAttributeName::EnableDnsSupport),
            ("EnableDnsHostnames", VpcAttributeName::EnableDnsHostnames),
        ] {
            if let Some(on) = dns_attribute(cx, physical_id, attribute).await? {
                properties.insert(name.into(), Json::Bool(on));
            }
        }
        properties.insert("Tags".into(), ownership::as_property(&tags_of(vpc.tags())));
        Ok(Some(Live {
            properties,
            attributes: attributes(&[("VpcId", physical_id), ("CidrBlock", cidr)]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if changes(&request, "EnableDnsSupport") || changes(&request, "EnableDnsHostnames") {
            set_dns(cx, request.physical_id, request.inputs).await?;
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
            .delete_vpc()
            .vpc_id(request.physical_id)
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
            .describe_vpcs()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out.vpcs().first().and_then(|v| v.vpc_id()) {
            Some(vpc) => read_back(self, cx, vpc).await.map(Some),
            None => Ok(None),
        }
    }
}
