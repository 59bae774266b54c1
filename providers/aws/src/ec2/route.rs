//! `AWS::EC2::Route`: a destination in a route table, `table|destination`. Takes no tags: a
//! route that exists is adopted only when its table is this stack's and its target is the
//! declared one; anything else is refused. The target changes in place.

use async_trait::async_trait;
use aws_sdk_ec2::types::{Route as SdkRoute, RouteTable};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, tags_of};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{id_pair, opt_string, string};
use crate::ownership;

pub(super) struct Route;

async fn table(cx: &Context, id: &str) -> Result<Option<RouteTable>, ProviderError> {
    let out = cx
        .ec2
        .describe_route_tables()
        .route_table_ids(id)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.route_tables().first().cloned()))
}

fn route_in<'a>(table: &'a RouteTable, destination: &str) -> Option<&'a SdkRoute> {
    table
        .routes()
        .iter()
        .find(|r| r.destination_cidr_block() == Some(destination))
}

/// The route's properties as declared: table, destination, target.
fn properties(table: &str, route: &SdkRoute) -> Inputs {
    let mut properties = Inputs::new();
    properties.insert("RouteTableId".into(), Json::from(table));
    properties.insert(
        "DestinationCidrBlock".into(),
        Json::from(route.destination_cidr_block().unwrap_or_default()),
    );
    if let Some(gateway) = route.gateway_id() {
        properties.insert("GatewayId".into(), Json::from(gateway));
    }
    if let Some(nat) = route.nat_gateway_id() {
        properties.insert("NatGatewayId".into(), Json::from(nat));
    }
    properties
}

/// Whether a live route goes where the inputs say.
fn same_target(route: &SdkRoute, inputs: &Inputs) -> bool {
    route.gateway_id() == opt_string(inputs, "GatewayId")
        && route.nat_gateway_id() == opt_string(inputs, "NatGatewayId")
}

#[async_trait]
impl Handler for Route {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::ROUTE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let table_id = string(inputs, "RouteTableId")?;
        let destination = string(inputs, "DestinationCidrBlock")?;
        let id = format!("{table_id}|{destination}");
        if request.resume.is_none() {
            if let Some(table) = table(cx, table_id).await?
                && let Some(route) = route_in(&table, destination)
            {
                let ours = ownership::of_stack(
                    &tags_of(table.tags()),
                    ownership::stack_of(request.ownership),
                );
                if !(ours && same_target(route, inputs)) {
                    return Err(ownership::refuse_child(&request, &id, ours));
                }
                return read_back(self, cx, &id).await;
            }
            cx.ec2
                .create_route()
                .route_table_id(table_id)
                .destination_cidr_block(destination)
                .set_gateway_id(opt_string(inputs, "GatewayId").map(str::to_owned))
                .set_nat_gateway_id(opt_string(inputs, "NatGatewayId").map(str::to_owned))
                .send()
                .await
                .map_err(classify)?;
        }
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let (table_id, destination) = id_pair(physical_id, "a route")?;
        let Some(table) = table(cx, table_id).await? else {
            return Ok(None);
        };
        Ok(route_in(&table, destination).map(|route| Live {
            properties: properties(table_id, route),
            attributes: Attributes::new(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let (table, destination) = id_pair(request.physical_id, "a route")?;
        cx.ec2
            .replace_route()
            .route_table_id(table)
            .destination_cidr_block(destination)
            .set_gateway_id(opt_string(request.inputs, "GatewayId").map(str::to_owned))
            .set_nat_gateway_id(opt_string(request.inputs, "NatGatewayId").map(str::to_owned))
            .send()
            .await
            .map_err(classify)?;
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let (table, destination) = id_pair(request.physical_id, "a route")?;
        let result = cx
            .ec2
            .delete_route()
            .route_table_id(table)
            .destination_cidr_block(destination)
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
        let table_id = string(request.inputs, "RouteTableId")?;
        let destination = string(request.inputs, "DestinationCidrBlock")?;
        let Some(table) = table(cx, table_id).await? else {
            return Ok(None);
        };
        let ours = ownership::of_stack(
            &tags_of(table.tags()),
            ownership::stack_of(request.ownership),
        );
        match route_in(&table, destination) {
            Some(route) if ours && same_target(route, request.inputs) => {
                read_back(self, cx, &format!("{table_id}|{destination}"))
                    .await
                    .map(Some)
            }
            _ => Ok(None),
        }
    }
}
