//! `AWS::EC2::SubnetRouteTableAssociation`: a subnet's route table. Takes no tags: a subnet that
//! is associated already is adopted only when the association is to the declared table and that
//! table is this stack's; a subnet associated elsewhere is refused.

use async_trait::async_trait;
use aws_sdk_ec2::types::RouteTable;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, filter, missing, tags_of};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;
use crate::ownership;

pub(super) struct Association;

/// The table a subnet is explicitly associated with, and the association's id.
async fn current(
    cx: &Context,
    subnet: &str,
) -> Result<Option<(RouteTable, String)>, ProviderError> {
    let out = cx
        .ec2
        .describe_route_tables()
        .filters(filter("association.subnet-id", subnet))
        .send()
        .await
        .map_err(classify)?;
    Ok(out.route_tables().iter().find_map(|table| {
        table
            .associations()
            .iter()
            .find(|a| a.subnet_id() == Some(subnet) && a.main() != Some(true))
            .and_then(|a| a.route_table_association_id())
            .map(|id| (table.clone(), id.to_owned()))
    }))
}

#[async_trait]
impl Handler for Association {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::ROUTE_TABLE_ASSOCIATION
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(id) = request.resume {
            return read_back(self, cx, id).await;
        }
        let subnet = string(request.inputs, "SubnetId")?;
        let table = string(request.inputs, "RouteTableId")?;
        if let Some((existing, id)) = current(cx, subnet).await? {
            let ours = ownership::of_stack(
                &tags_of(existing.tags()),
                ownership::stack_of(request.ownership),
            );
            if !(ours && existing.route_table_id() == Some(table)) {
                return Err(ownership::refuse_child(&request, &id, ours));
            }
            return read_back(self, cx, &id).await;
        }
        let id = cx
            .ec2
            .associate_route_table()
            .subnet_id(subnet)
            .route_table_id(table)
            .send()
            .await
            .map_err(classify)?
            .association_id()
            .ok_or_else(|| missing("association id"))?
            .to_owned();
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .ec2
            .describe_route_tables()
            .filters(filter(
                "association.route-table-association-id",
                physical_id,
            ))
            .send()
            .await;
        let association = absent(out.map_err(classify))?.and_then(|o| {
            o.route_tables().iter().find_map(|t| {
                t.associations()
                    .iter()
                    .find(|a| a.route_table_association_id() == Some(physical_id))
                    .cloned()
            })
        });
        Ok(association.map(|a| {
            let mut properties = Inputs::new();
            properties.insert(
                "SubnetId".into(),
                Json::from(a.subnet_id().unwrap_or_default()),
            );
            properties.insert(
                "RouteTableId".into(),
                Json::from(a.route_table_id().unwrap_or_default()),
            );
            Live {
                properties,
                attributes: attributes(&[("Id", physical_id)]),
            }
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
        let result = cx
            .ec2
            .disassociate_route_table()
            .association_id(request.physical_id)
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
        let subnet = string(request.inputs, "SubnetId")?;
        let table = string(request.inputs, "RouteTableId")?;
        match current(cx, subnet).await? {
            Some((existing, id))
                if existing.route_table_id() == Some(table)
                    && ownership::of_stack(
                        &tags_of(existing.tags()),
                        ownership::stack_of(request.ownership),
                    ) =>
            {
                read_back(self, cx, &id).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}
