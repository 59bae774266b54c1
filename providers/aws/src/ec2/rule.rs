//! `AWS::EC2::SecurityGroupIngress` / `SecurityGroupEgress`: one rule each, identified by AWS's
//! rule id. They take no tags: a rule that already exists is adopted only when its group is
//! this stack's and its description equals the declaration; anything else is refused. Also the
//! permission model the security group's inline egress rules share.

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, SecurityGroupRule, SecurityGroupRuleRequest, SecurityGroupRuleUpdate,
    UserIdGroupPair,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, filter, missing};
use crate::contracts;
use crate::error::{classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_i32, opt_string, string};
use crate::ownership;

/// One permission: what it allows, to or from what peer, and its description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Permission {
    pub(super) protocol: String,
    pub(super) from: Option<i32>,
    pub(super) to: Option<i32>,
    /// `Ok(cidr)` or `Err(group id)`.
    pub(super) peer: Result<String, String>,
    pub(super) description: Option<String>,
}

impl Permission {
    /// From CloudFormation-shaped inputs; the peer group under `peer_key`.
    pub(super) fn from_json(value: &Inputs, peer_key: &str) -> Result<Self, ProviderError> {
        let peer = match (opt_string(value, "CidrIp"), opt_string(value, peer_key)) {
            (Some(cidr), _) => Ok(cidr.to_owned()),
            (None, Some(group)) => Err(group.to_owned()),
            (None, None) => return Err(invalid(format!("a rule needs CidrIp or {peer_key}"))),
        };
        let port = |name: &str| opt_i32(value.get(name)).filter(|p| *p != -1);
        Ok(Self {
            protocol: normal_protocol(string(value, "IpProtocol")?),
            from: port("FromPort"),
            to: port("ToPort"),
            peer,
            description: opt_string(value, "Description").map(str::to_owned),
        })
    }

    /// From a rule as AWS describes it.
    pub(super) fn from_rule(rule: &SecurityGroupRule) -> Self {
        let peer = match (
            rule.cidr_ipv4(),
            rule.referenced_group_info().and_then(|g| g.group_id()),
        ) {
            (Some(cidr), _) => Ok(cidr.to_owned()),
            (None, Some(group)) => Err(group.to_owned()),
            (None, None) => Ok(String::new()),
        };
        Self {
            protocol: normal_protocol(rule.ip_protocol().unwrap_or("-1")),
            from: rule.from_port().filter(|p| *p != -1),
            to: rule.to_port().filter(|p| *p != -1),
            peer,
            description: rule.description().map(str::to_owned),
        }
    }

    /// Every permission of the SDK's grouped form, one per peer.
    pub(super) fn from_sdk(permissions: &[IpPermission]) -> Vec<Self> {
        let mut out = Vec::new();
        for p in permissions {
            let base = |peer, description: Option<&str>| Self {
                protocol: normal_protocol(p.ip_protocol().unwrap_or("-1")),
                from: p.from_port().filter(|p| *p != -1),
                to: p.to_port().filter(|p| *p != -1),
                peer,
                description: description.map(str::to_owned),
            };
            for range in p.ip_ranges() {
                out.push(base(
                    Ok(range.cidr_ip().unwrap_or_default().to_owned()),
                    range.description(),
                ));
            }
            for pair in p.user_id_group_pairs() {
                out.push(base(
                    Err(pair.group_id().unwrap_or_default().to_owned()),
                    pair.description(),
                ));
            }
        }
        out
    }

    /// The same rule whatever its description.
    pub(super) fn same_rule(&self, other: &Self) -> bool {
        self.protocol == other.protocol
            && self.from == other.from
            && self.to == other.to
            && self.peer == other.peer
    }

    /// The SDK's form, for authorize and revoke calls.
    pub(super) fn sdk(&self) -> IpPermission {
        let permission = IpPermission::builder()
            .ip_protocol(&self.protocol)
            .set_from_port(self.from)
            .set_to_port(self.to);
        match &self.peer {
            Ok(cidr) => permission.ip_ranges(
                IpRange::builder()
                    .cidr_ip(cidr)
                    .set_description(self.description.clone())
                    .build(),
            ),
            Err(group) => permission.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(group)
                    .set_description(self.description.clone())
                    .build(),
            ),
        }
        .build()
    }

    /// CloudFormation-shaped, the peer group under `peer_key`.
    pub(super) fn json(&self, peer_key: &str) -> Json {
        let mut map = serde_json::Map::new();
        map.insert("IpProtocol".into(), Json::from(self.protocol.as_str()));
        // All ports read as -1, as CloudFormation writes them, so that a declared -1 matches.
        map.insert("FromPort".into(), Json::from(self.from.unwrap_or(-1)));
        map.insert("ToPort".into(), Json::from(self.to.unwrap_or(-1)));
        match &self.peer {
            Ok(cidr) => map.insert("CidrIp".into(), Json::from(cidr.as_str())),
            Err(group) => map.insert(peer_key.into(), Json::from(group.as_str())),
        };
        if let Some(description) = &self.description {
            map.insert("Description".into(), Json::from(description.as_str()));
        }
        Json::Object(map)
    }
}

/// Protocol names as AWS reports them (`TCP` and `6` are `tcp`).
fn normal_protocol(protocol: &str) -> String {
    match protocol.to_ascii_lowercase().as_str() {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "all" => "-1".into(),
        other => other.to_owned(),
    }
}

/// A rule type: inbound or outbound.
pub(super) struct Rule {
    egress: bool,
}

/// `AWS::EC2::SecurityGroupIngress`.
pub(super) const INGRESS: Rule = Rule { egress: false };
/// `AWS::EC2::SecurityGroupEgress`.
pub(super) const EGRESS: Rule = Rule { egress: true };

impl Rule {
    fn peer_key(&self) -> &'static str {
        if self.egress {
            "DestinationSecurityGroupId"
        } else {
            "SourceSecurityGroupId"
        }
    }

    /// The group's rules of this direction, each with its permission as the group lists it
    /// (whose descriptions are complete: some endpoints leave them out of the rule listing).
    async fn rules_of(
        &self,
        cx: &Context,
        group: &str,
        rule_id: Option<&str>,
    ) -> Result<Vec<(SecurityGroupRule, Permission)>, ProviderError> {
        let mut call = cx.ec2.describe_security_group_rules();
        call = match rule_id {
            Some(id) => call.security_group_rule_ids(id),
            None => call.filters(filter("group-id", group)),
        };
        let Some(out) = absent(call.send().await.map_err(classify))? else {
            return Ok(Vec::new());
        };
        let groups = cx
            .ec2
            .describe_security_groups()
            .group_ids(
                out.security_group_rules()
                    .first()
                    .and_then(|r| r.group_id())
                    .unwrap_or(group),
            )
            .send()
            .await;
        let listed = absent(groups.map_err(classify))?
            .and_then(|o| o.security_groups().first().cloned())
            .map(|g| {
                Permission::from_sdk(if self.egress {
                    g.ip_permissions_egress()
                } else {
                    g.ip_permissions()
                })
            })
            .unwrap_or_default();
        Ok(out
            .security_group_rules()
            .iter()
            .filter(|r| r.is_egress() == Some(self.egress))
            .map(|r| {
                let mut permission = Permission::from_rule(r);
                if permission.description.is_none() {
                    permission.description = listed
                        .iter()
                        .find(|l| l.same_rule(&permission))
                        .and_then(|l| l.description.clone());
                }
                (r.clone(), permission)
            })
            .collect())
    }

    /// The rule the inputs describe, if the group has it, and whether the group is `stack`'s.
    async fn existing(
        &self,
        cx: &Context,
        inputs: &Inputs,
        stack: Option<&String>,
    ) -> Result<Option<(String, Permission, bool)>, ProviderError> {
        let wanted = Permission::from_json(inputs, self.peer_key())?;
        let group = string(inputs, "GroupId")?;
        let found = self
            .rules_of(cx, group, None)
            .await?
            .into_iter()
            .find(|(_, p)| p.same_rule(&wanted));
        let Some((rule, permission)) = found else {
            return Ok(None);
        };
        let tags = super::live_tags(&cx.ec2, group).await?;
        let id = rule.security_group_rule_id().unwrap_or_default().to_owned();
        Ok(Some((id, permission, ownership::of_stack(&tags, stack))))
    }
}

#[async_trait]
impl Handler for Rule {
    fn contract(&self) -> &'static TypeContract {
        if self.egress {
            &contracts::ec2::SECURITY_GROUP_EGRESS
        } else {
            &contracts::ec2::SECURITY_GROUP_INGRESS
        }
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(rule) = request.resume {
            return read_back(self, cx, rule).await;
        }
        let inputs = request.inputs;
        let wanted = Permission::from_json(inputs, self.peer_key())?;
        if let Some((id, permission, parent_ours)) = self
            .existing(cx, inputs, ownership::stack_of(request.ownership))
            .await?
        {
            return if parent_ours && permission == wanted {
                read_back(self, cx, &id).await
            } else {
                Err(ownership::refuse_child(&request, &id, parent_ours))
            };
        }
        let group = string(inputs, "GroupId")?;
        let rules = if self.egress {
            cx.ec2
                .authorize_security_group_egress()
                .group_id(group)
                .ip_permissions(wanted.sdk())
                .send()
                .await
                .map_err(classify)?
                .security_group_rules()
                .to_vec()
        } else {
            cx.ec2
                .authorize_security_group_ingress()
                .group_id(group)
                .ip_permissions(wanted.sdk())
                .send()
                .await
                .map_err(classify)?
                .security_group_rules()
                .to_vec()
        };
        let id = rules
            .first()
            .and_then(|r| r.security_group_rule_id())
            .ok_or_else(|| missing("security group rule id"))?
            .to_owned();
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some((rule, permission)) = self
            .rules_of(cx, "", Some(physical_id))
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let Json::Object(mut properties) = permission.json(self.peer_key()) else {
            unreachable!("a permission is an object");
        };
        let group = rule.group_id().unwrap_or_default();
        properties.insert("GroupId".into(), Json::from(group));
        Ok(Some(Live {
            properties,
            attributes: attributes(&[("Id", physical_id), ("GroupId", group)]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if changes(&request, "Description") {
            let wanted = Permission::from_json(request.inputs, self.peer_key())?;
            let mut rule = SecurityGroupRuleRequest::builder()
                .ip_protocol(&wanted.protocol)
                .set_from_port(wanted.from.or(Some(-1)))
                .set_to_port(wanted.to.or(Some(-1)))
                .set_description(wanted.description.clone());
            rule = match &wanted.peer {
                Ok(cidr) => rule.cidr_ipv4(cidr),
                Err(group) => rule.referenced_group_id(group),
            };
            cx.ec2
                .modify_security_group_rules()
                .group_id(string(request.inputs, "GroupId")?)
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(request.physical_id)
                        .security_group_rule(rule.build())
                        .build(),
                )
                .send()
                .await
                .map_err(classify)?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let Some(live) = self.read(cx, request.physical_id).await? else {
            return Ok(());
        };
        let group = live
            .properties
            .get("GroupId")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let result = if self.egress {
            cx.ec2
                .revoke_security_group_egress()
                .group_id(group)
                .security_group_rule_ids(request.physical_id)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        } else {
            cx.ec2
                .revoke_security_group_ingress()
                .group_id(group)
                .security_group_rule_ids(request.physical_id)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        };
        absent(result).map(|_| ())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let wanted = Permission::from_json(request.inputs, self.peer_key())?;
        match self
            .existing(cx, request.inputs, ownership::stack_of(request.ownership))
            .await?
        {
            Some((id, permission, true)) if permission == wanted => {
                read_back(self, cx, &id).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}
