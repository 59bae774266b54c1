//! `AWS::EC2::SecurityGroup`: unique by name within its VPC (a name derived from the token when
//! none is declared). A create of several calls: the group, then its inline ingress and egress
//! rules, the egress in place of AWS's default allow-all (finished on resume). Separate rule
//! resources live beside the inline rules: the contract gathers theirs into the group's lists,
//! so that the lists are compared whole and a rule added outside Stratus is drift.

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

/// One direction of a group's inline rules.
#[derive(Clone, Copy)]
struct Direction {
    /// The group's property holding them.
    property: &'static str,
    /// The key naming a peer group in a rule.
    peer: &'static str,
    /// Outbound: the SDK's calls and lists differ by direction.
    egress: bool,
}

const INGRESS: Direction = Direction {
    property: "SecurityGroupIngress",
    peer: "SourceSecurityGroupId",
    egress: false,
};
const EGRESS: Direction = Direction {
    property: "SecurityGroupEgress",
    peer: "DestinationSecurityGroupId",
    egress: true,
};

pub(super) struct SecurityGroup;

impl Direction {
    /// The inline rules declared in `inputs`, if any.
    fn declared(self, inputs: &Inputs) -> Result<Option<Vec<Permission>>, ProviderError> {
        let Some(list) = inputs.get(self.property).and_then(Json::as_array) else {
            return Ok(None);
        };
        list.iter()
            .filter_map(Json::as_object)
            .map(|rule| Permission::from_json(rule, self.peer))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The group's live rules of this direction.
    fn live(self, group: &SdkGroup) -> Vec<Permission> {
        if self.egress {
            Permission::from_sdk(group.ip_permissions_egress())
        } else {
            Permission::from_sdk(group.ip_permissions())
        }
    }

    async fn authorize(
        self,
        cx: &Context,
        group: &str,
        rule: &Permission,
    ) -> Result<(), ProviderError> {
        if self.egress {
            cx.ec2
                .authorize_security_group_egress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        } else {
            cx.ec2
                .authorize_security_group_ingress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
    }

    async fn revoke(
        self,
        cx: &Context,
        group: &str,
        rule: &Permission,
    ) -> Result<(), ProviderError> {
        if self.egress {
            cx.ec2
                .revoke_security_group_egress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        } else {
            cx.ec2
                .revoke_security_group_ingress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
    }

    async fn describe_rule(
        self,
        cx: &Context,
        group: &str,
        rule: &Permission,
    ) -> Result<(), ProviderError> {
        if self.egress {
            cx.ec2
                .update_security_group_rule_descriptions_egress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        } else {
            cx.ec2
                .update_security_group_rule_descriptions_ingress()
                .group_id(group)
                .ip_permissions(rule.sdk())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
    }

    /// Brings the group's rules of this direction to `wanted`: revokes the live rules `stale`
    /// says go, authorizes what is missing, corrects descriptions.
    async fn sync(
        self,
        cx: &Context,
        group: &str,
        wanted: &[Permission],
        stale: impl Fn(&Permission) -> bool,
    ) -> Result<(), ProviderError> {
        // The group exists (just made, or recorded): a describe that misses it is EC2's eventual
        // consistency, and reading "no rules" would leave AWS's default allow-all egress in place.
        let live = until_visible(&cx.wait, || describe(cx, group))
            .await?
            .map(|g| self.live(&g))
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
            while_propagating(&cx.wait, &[group], not_found_only, || {
                self.revoke(cx, group, rule)
            })
            .await?;
        }
        for rule in wanted {
            match live.iter().find(|l| l.same_rule(rule)) {
                None => {
                    while_propagating(&cx.wait, &[group], not_found_only, || {
                        self.authorize(cx, group, rule)
                    })
                    .await?;
                }
                Some(current) if current.description != rule.description => {
                    self.describe_rule(cx, group, rule).await?;
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// On update: the rules the declaration wants now (its default, allow-all egress or no
    /// ingress, when the engine sends none) replace the ones it had before, and only those:
    /// the others belong to rule resources.
    async fn update(self, cx: &Context, request: &UpdateRequest<'_>) -> Result<(), ProviderError> {
        if !changes(request, self.property) {
            return Ok(());
        }
        let wanted = self.declared(request.inputs)?.unwrap_or_default();
        let before = self.declared(request.previous)?.unwrap_or_default();
        self.sync(cx, request.physical_id, &wanted, |live| {
            before.iter().any(|b| b.same_rule(live))
        })
        .await
    }
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
        // A new group has only AWS's default egress and no ingress: the declared lists replace
        // them.
        for direction in [INGRESS, EGRESS] {
            if let Some(wanted) = direction.declared(inputs)? {
                direction.sync(cx, &group, &wanted, |_| true).await?;
            }
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
        for direction in [INGRESS, EGRESS] {
            let rules = direction.live(&group);
            let rules = rules.iter().map(|p| p.json(direction.peer)).collect();
            properties.insert(direction.property.into(), Json::Array(rules));
        }
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
        for direction in [INGRESS, EGRESS] {
            direction.update(cx, &request).await?;
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
