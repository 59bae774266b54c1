//! `AWS::EC2::InternetGateway`: found by its token tag.

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Live, ProviderError,
    TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sync_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::ownership;

pub(super) struct InternetGateway;

#[async_trait]
impl Handler for InternetGateway {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::INTERNET_GATEWAY
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let igw = match request.resume {
            Some(igw) => igw.to_owned(),
            None => {
                let tags = ownership::desired(request.inputs, "Tags", request.ownership);
                cx.ec2
                    .create_internet_gateway()
                    .set_tag_specifications(tag_specs(ResourceType::InternetGateway, &tags))
                    .send()
                    .await
                    .map_err(classify)?
                    .internet_gateway()
                    .and_then(|g| g.internet_gateway_id())
                    .ok_or_else(|| missing("gateway id"))?
                    .to_owned()
            }
        };
        read_back(self, cx, &igw).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .ec2
            .describe_internet_gateways()
            .internet_gateway_ids(physical_id)
            .send()
            .await;
        let Some(igw) =
            absent(out.map_err(classify))?.and_then(|o| o.internet_gateways().first().cloned())
        else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("Tags".into(), ownership::as_property(&tags_of(igw.tags())));
        Ok(Some(Live {
            properties,
            attributes: attributes(&[("InternetGatewayId", physical_id)]),
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
            .delete_internet_gateway()
            .internet_gateway_id(request.physical_id)
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
            .describe_internet_gateways()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out
            .internet_gateways()
            .first()
            .and_then(|g| g.internet_gateway_id())
        {
            Some(igw) => read_back(self, cx, igw).await.map(Some),
            None => Ok(None),
        }
    }
}
