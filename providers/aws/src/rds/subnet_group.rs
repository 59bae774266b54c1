//! `AWS::RDS::DBSubnetGroup`: unique by name (derived from the token when none is declared),
//! tagged with the stack's ownership. The name is looked up before creating: an emulator
//! overwrites a group of the same name instead of refusing.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_rds::types::DbSubnetGroup;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{live_tags, sdk_tags, sync_tags};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string, string_list};
use crate::names::generated;
use crate::ownership;

pub(super) struct SubnetGroup;

fn name_of(inputs: &Inputs, ownership: &BTreeMap<String, String>, token: &str) -> String {
    opt_string(inputs, "DBSubnetGroupName")
        .map_or_else(|| generated(ownership, token, 255, true), str::to_owned)
}

async fn describe(cx: &Context, name: &str) -> Result<Option<DbSubnetGroup>, ProviderError> {
    let out = cx
        .rds
        .describe_db_subnet_groups()
        .db_subnet_group_name(name)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.db_subnet_groups().first().cloned()))
}

#[async_trait]
impl Handler for SubnetGroup {
    fn contract(&self) -> &'static TypeContract {
        &contracts::rds::DB_SUBNET_GROUP
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let name = name_of(inputs, request.ownership, request.token);
        if request.resume.is_none() {
            if let Some(existing) = describe(cx, &name).await? {
                let tags =
                    live_tags(&cx.rds, existing.db_subnet_group_arn().unwrap_or_default()).await?;
                if !ownership::made_by(&tags, request.token) {
                    return Err(ownership::refuse(&request, &name, &tags));
                }
                return read_back(self, cx, &name).await;
            }
            let tags = ownership::desired(inputs, "Tags", request.ownership);
            cx.rds
                .create_db_subnet_group()
                .db_subnet_group_name(&name)
                .db_subnet_group_description(string(inputs, "DBSubnetGroupDescription")?)
                .set_subnet_ids(Some(string_list(inputs, "SubnetIds")))
                .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)))
                .send()
                .await
                .map_err(classify)?;
        }
        read_back(self, cx, &name).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(group) = describe(cx, physical_id).await? else {
            return Ok(None);
        };
        let arn = group.db_subnet_group_arn().unwrap_or_default();
        let mut properties = Inputs::new();
        properties.insert("DBSubnetGroupName".into(), Json::from(physical_id));
        properties.insert(
            "DBSubnetGroupDescription".into(),
            Json::from(group.db_subnet_group_description().unwrap_or_default()),
        );
        properties.insert(
            "SubnetIds".into(),
            Json::from(
                group
                    .subnets()
                    .iter()
                    .filter_map(|s| s.subnet_identifier().map(str::to_owned))
                    .collect::<Vec<_>>(),
            ),
        );
        properties.insert(
            "Tags".into(),
            ownership::as_property(&live_tags(&cx.rds, arn).await?),
        );
        Ok(Some(Live {
            properties,
            attributes: [("Arn".to_owned(), Json::from(arn))].into_iter().collect(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        if changed("DBSubnetGroupDescription") || changed("SubnetIds") {
            cx.rds
                .modify_db_subnet_group()
                .db_subnet_group_name(request.physical_id)
                .set_db_subnet_group_description(
                    opt_string(request.inputs, "DBSubnetGroupDescription").map(str::to_owned),
                )
                .set_subnet_ids(Some(string_list(request.inputs, "SubnetIds")))
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("Tags") {
            let arn = describe(cx, request.physical_id)
                .await?
                .and_then(|g| g.db_subnet_group_arn().map(str::to_owned))
                .unwrap_or_default();
            sync_tags(&cx.rds, &arn, &request).await?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .rds
            .delete_db_subnet_group()
            .db_subnet_group_name(request.physical_id)
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
        let name = name_of(request.inputs, request.ownership, request.token);
        let Some(group) = describe(cx, &name).await? else {
            return Ok(None);
        };
        let tags = live_tags(&cx.rds, group.db_subnet_group_arn().unwrap_or_default()).await?;
        if ownership::made_by(&tags, request.token) {
            read_back(self, cx, &name).await.map(Some)
        } else {
            Ok(None)
        }
    }
}
