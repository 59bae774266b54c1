//! `AWS::EC2::RouteTable`: found by its token tag.

use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sync_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;
use crate::ownership;

pub(super) struct RouteTable;

#[async_trait]
impl Handler for RouteTable {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::ROUTE_TABLE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let table = match request.resume {
            Some(table) => table.to_owned(),
            None => {
                let tags = ownership::desired(request.inputs, "Tags", request.ownership);
                cx.ec2
                    .create_route_table()
                    .vpc_id(string(request.inputs, "VpcId")?)
                    .set_tag_specifications(tag_specs(ResourceType::RouteTable, &tags))
                    .send()
                    .await
                    .map_err(classify)?
                    .route_table()
                    .and_then(|t| t.route_table_id())
                    .ok_or_else(|| missing("route table id"))?
                    .to_owned()
            }
        };
        read_back(self, cx, &table).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .ec2
            .describe_route_tables()
            .route_table_ids(physical_id)
            .send()
            .await;
        let Some(table) =
            absent(out.map_err(classify))?.and_then(|o| o.route_tables().first().cloned())
        else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert(
            "VpcId".into(),
            Json::from(table.vpc_id().unwrap_or_default()),
        );
        properties.insert(
            "Tags".into(),
            ownership::as_property(&tags_of(table.tags())),
        );
        Ok(Some(Live {
            properties,
            attributes: attributes(&[("RouteTableId", physical_id)]),
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
            .delete_route_table()
            .route_table_id(request.physical_id)
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
            .describe_route_tables()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out.route_tables().first().and_then(|t| t.route_table_id()) {
            Some(table) => read_back(self, cx, table).await.map(Some),
            None => Ok(None),
        }
    }
}
