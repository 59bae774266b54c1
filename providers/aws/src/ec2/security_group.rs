//! `AWS::EC2::SecurityGroup`: unique by name within its VPC (a name derived from the token when
//! none is declared). A create of several calls: the group, then its inline egress rules in
//! place of AWS's default allow-all (finished on resume). Separate rule resources live beside
//! the inline rules, so the inline list is compared as a subset.

use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType, SecurityGroup as SdkGroup};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::rule::Permission;
use super::{
    absent, attributes, changes, filter, missing, sync_tags, tag_specs, tags_of, token_filter,
};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string};
use crate::names::generated;
use crate::ownership;
use crate::wait::{not_found_only, until_visible, while_propagating};

const PEER: &str = "DestinationSecurityGroupId";

pub(super) struct SecurityGroup;

/// The inline egress rules declared, if any.
fn declared_egress(inputs: &Inputs) -> Result<Option<Vec<Permission>>, ProviderError> {
    let Some(list) = inputs.get("SecurityGroupEgress").and_then(Json::as_array) else {
        return Ok(None);
    };
    list.iter()
        .filter_map(Json::as_object)
        .map(|rule| Permission::from_json(rule, PEER))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

async fn describe(cx: &Context, group: &str) -> Result<Option<SdkGroup>, ProviderError> {
    let out = cx
        .ec2
        .describe_security_groups()
        .group_ids(group)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.security_groups().first().cloned()))
}

/// Brings the group's egress to `wanted`: revokes the live rules `stale` says go, authorizes
/// what is missing, corrects descriptions.
async fn sync_egress(
    cx: &Context,
    group: &str,
    wanted: &[Permission],
    stale: impl Fn(&Permission) -> bool,
) -> Result<(), ProviderError> {
    // The group exists (just made, or recorded): a describe that misses it is EC2's eventual
    // consistency, and reading "no rules" would leave AWS's default allow-all egress in place.
    let live = until_visible(&cx.wait, || describe(cx, group))
        .await?
        .map(|g| Permission::from_sdk(g.ip_permissions_egress()))
        .ok_or_else(|| {
            ProviderError::new(
                ErrorKind::NotFound,
                format!("security group {group} does not exist"),
            )
        })?;
    for rule in live
        .iter()
        .filter(|l| !wanted.iter().any(|w| w.same_rule(l)) && stale(l))
    {
        while_propagating(&cx.wait, &[group], not_found_only, || async {
            cx.ec2
                .revoke_security_group_egress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map_err(classify)
        })
        .await?;
    }
    for rule in wanted {
        match live.iter().find(|l| l.same_rule(rule)) {
            None => {
                while_propagating(&cx.wait, &[group], not_found_only, || async {
                    cx.ec2
                        .authorize_security_group_egress()
                        .group_id(group)
                        .ip_permissions(rule.sdk())
                        .send()
                        .await
                        .map_err(classify)
                })
                .await?;
            }
            Some(current) if current.description != rule.description => {
                cx.ec2
                    .update_security_group_rule_descriptions_egress()
                    .group_id(group)
                    .ip_permissions(rule.sdk())
                    .send()
                    .await
                    .map_err(classify)?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// A group of this name in this VPC, with its tags.
async fn by_name(
    cx: &Context,
    name: &str,
    vpc: Option<&str>,
) -> Result<Option<SdkGroup>, ProviderError> {
    let mut call = cx
        .ec2
        .describe_security_groups()
        .filters(filter("group-name", name));
    if let Some(vpc) = vpc {
        call = call.filters(filter("vpc-id", vpc));
    }
    let out = call.send().await.map_err(classify)?;
    Ok(out.security_groups().first().cloned())
}

#[async_trait]
impl Handler for SecurityGroup {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::SECURITY_GROUP
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let vpc = opt_string(inputs, "VpcId");
        let group = match request.resume {
            Some(group) => group.to_owned(),
            None => {
                let name = opt_string(inputs, "GroupName").map_or_else(
                    || generated(request.ownership, request.token, 255, false),
                    str::to_owned,
                );
                if let Some(existing) = by_name(cx, &name, vpc).await? {
                    let tags = tags_of(existing.tags());
                    let id = existing.group_id().unwrap_or_default();
                    if !ownership::made_by(&tags, request.token) {
                        return Err(ownership::refuse(&request, id, &tags));
                    }
                    id.to_owned()
                } else {
                    let tags = ownership::desired(inputs, "Tags", request.ownership);
                    cx.ec2
                        .create_security_group()
                        .group_name(name)
                        .description(string(inputs, "GroupDescription")?)
                        .set_vpc_id(vpc.map(str::to_owned))
                        .set_tag_specifications(tag_specs(ResourceType::SecurityGroup, &tags))
                        .send()
                        .await
                        .map_err(classify)?
                        .group_id()
                        .ok_or_else(|| missing("group id"))?
                        .to_owned()
                }
            }
        };
        // A new group has only AWS's default egress: the declared list replaces it.
        if let Some(wanted) = declared_egress(inputs)? {
            sync_egress(cx, &group, &wanted, |_| true).await?;
        }
        read_back(self, cx, &group).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(group) = describe(cx, physical_id).await? else {
            return Ok(None);
        };
        let text = |v: Option<&str>| Json::from(v.unwrap_or_default());
        let mut properties = Inputs::new();
        properties.insert("GroupDescription".into(), text(group.description()));
        properties.insert("GroupName".into(), text(group.group_name()));
        properties.insert("VpcId".into(), text(group.vpc_id()));
        properties.insert(
            "SecurityGroupEgress".into(),
            Json::Array(
                Permission::from_sdk(group.ip_permissions_egress())
                    .iter()
                    .map(|p| p.json(PEER))
                    .collect(),
            ),
        );
        properties.insert(
            "Tags".into(),
            ownership::as_property(&tags_of(group.tags())),
        );
        Ok(Some(Live {
            properties,
            attributes: attributes(&[
                ("GroupId", physical_id),
                ("VpcId", group.vpc_id().unwrap_or_default()),
            ]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if changes(&request, "SecurityGroupEgress") {
            let wanted = declared_egress(request.inputs)?.unwrap_or_default();
            // Only rules this group declared before go: the others belong to rule resources.
            let before = declared_egress(request.previous)?.unwrap_or_default();
            sync_egress(cx, request.physical_id, &wanted, |live| {
                before.iter().any(|b| b.same_rule(live))
            })
            .await?;
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
            .delete_security_group()
            .group_id(request.physical_id)
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
            .describe_security_groups()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out.security_groups().first().and_then(|g| g.group_id()) {
            Some(group) => read_back(self, cx, group).await.map(Some),
            None => Ok(None),
        }
    }
}
