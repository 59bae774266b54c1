//! `AWS::EC2::EIP`: an address in a VPC, found by its token tag.

use async_trait::async_trait;
use aws_sdk_ec2::types::{DomainType, ResourceType};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sync_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::opt_string;
use crate::ownership;

pub(super) struct Eip;

#[async_trait]
impl Handler for Eip {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::EIP
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let allocation = match request.resume {
            Some(allocation) => allocation.to_owned(),
            None => {
                let tags = ownership::desired(request.inputs, "Tags", request.ownership);
                cx.ec2
                    .allocate_address()
                    .domain(DomainType::from(
                        opt_string(request.inputs, "Domain").unwrap_or("vpc"),
                    ))
                    .set_tag_specifications(tag_specs(ResourceType::ElasticIp, &tags))
                    .send()
                    .await
                    .map_err(classify)?
                    .allocation_id()
                    .ok_or_else(|| missing("allocation id"))?
                    .to_owned()
            }
        };
        read_back(self, cx, &allocation).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .ec2
            .describe_addresses()
            .allocation_ids(physical_id)
            .send()
            .await;
        let Some(address) =
            absent(out.map_err(classify))?.and_then(|o| o.addresses().first().cloned())
        else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        if let Some(domain) = address.domain() {
            properties.insert("Domain".into(), Json::from(domain.as_str()));
        }
        properties.insert(
            "Tags".into(),
            ownership::as_property(&tags_of(address.tags())),
        );
        Ok(Some(Live {
            properties,
            attributes: attributes(&[
                ("AllocationId", physical_id),
                ("PublicIp", address.public_ip().unwrap_or_default()),
            ]),
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
        let result = cx
            .ec2
            .release_address()
            .allocation_id(request.physical_id)
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
            .describe_addresses()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out.addresses().first().and_then(|a| a.allocation_id()) {
            Some(allocation) => read_back(self, cx, allocation).await.map(Some),
            None => Ok(None),
        }
    }
}
