//! `AWS::ElasticLoadBalancingV2::TargetGroup`: unique by name (derived from the token when none
//! is declared), tagged with the stack's ownership; health checks change in place.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetGroup as SdkGroup, TargetTypeEnum,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{live_tags, sdk_tags, sync_tags};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_i32, opt_string};
use crate::names::generated;
use crate::ownership;

pub(super) struct TargetGroup;

fn name_of(
    inputs: &Inputs,
    ownership: &std::collections::BTreeMap<String, String>,
    token: &str,
) -> String {
    opt_string(inputs, "Name").map_or_else(|| generated(ownership, token, 32, false), str::to_owned)
}

fn matcher(inputs: &Inputs) -> Option<Matcher> {
    inputs
        .get("Matcher")
        .and_then(|m| m.get("HttpCode"))
        .and_then(Json::as_str)
        .map(|c| Matcher::builder().http_code(c).build())
}

async fn by_name(cx: &Context, name: &str) -> Result<Option<SdkGroup>, ProviderError> {
    let out = cx.elb.describe_target_groups().names(name).send().await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.target_groups().first().cloned()))
}

#[async_trait]
impl Handler for TargetGroup {
    fn contract(&self) -> &'static TypeContract {
        &contracts::elb::TARGET_GROUP
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(arn) = request.resume {
            return read_back(self, cx, arn).await;
        }
        let inputs = request.inputs;
        let name = name_of(inputs, request.ownership, request.token);
        if let Some(existing) = by_name(cx, &name).await? {
            let arn = existing.target_group_arn().unwrap_or_default();
            let tags = live_tags(&cx.elb, arn).await?;
            if !ownership::made_by(&tags, request.token) {
                return Err(ownership::refuse(&request, arn, &tags));
            }
            return read_back(self, cx, arn).await;
        }
        let tags = ownership::desired(inputs, "Tags", request.ownership);
        let out = cx
            .elb
            .create_target_group()
            .name(&name)
            .set_port(opt_i32(inputs.get("Port")))
            .protocol(ProtocolEnum::from(
                opt_string(inputs, "Protocol").unwrap_or("HTTP"),
            ))
            .set_vpc_id(opt_string(inputs, "VpcId").map(str::to_owned))
            .target_type(TargetTypeEnum::from(
                opt_string(inputs, "TargetType").unwrap_or("instance"),
            ))
            .set_health_check_path(opt_string(inputs, "HealthCheckPath").map(str::to_owned))
            .set_health_check_protocol(
                opt_string(inputs, "HealthCheckProtocol").map(ProtocolEnum::from),
            )
            .set_health_check_interval_seconds(opt_i32(inputs.get("HealthCheckIntervalSeconds")))
            .set_matcher(matcher(inputs))
            .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)))
            .send()
            .await
            .map_err(classify)?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .ok_or_else(|| crate::error::invalid("no target group ARN"))?
            .to_owned();
        read_back(self, cx, &arn).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .elb
            .describe_target_groups()
            .target_group_arns(physical_id)
            .send()
            .await;
        let Some(group) =
            absent(out.map_err(classify))?.and_then(|o| o.target_groups().first().cloned())
        else {
            return Ok(None);
        };
        let text = |v: Option<&str>| Json::from(v.unwrap_or_default());
        let mut properties = Inputs::new();
        properties.insert("Name".into(), text(group.target_group_name()));
        if let Some(port) = group.port() {
            properties.insert("Port".into(), Json::from(port));
        }
        properties.insert(
            "Protocol".into(),
            text(group.protocol().map(ProtocolEnum::as_str)),
        );
        properties.insert("VpcId".into(), text(group.vpc_id()));
        properties.insert(
            "TargetType".into(),
            text(group.target_type().map(TargetTypeEnum::as_str)),
        );
        if let Some(path) = group.health_check_path() {
            properties.insert("HealthCheckPath".into(), Json::from(path));
        }
        if let Some(protocol) = group.health_check_protocol() {
            properties.insert("HealthCheckProtocol".into(), Json::from(protocol.as_str()));
        }
        if let Some(interval) = group.health_check_interval_seconds() {
            properties.insert("HealthCheckIntervalSeconds".into(), Json::from(interval));
        }
        if let Some(code) = group.matcher().and_then(|m| m.http_code()) {
            properties.insert("Matcher".into(), serde_json::json!({ "HttpCode": code }));
        }
        properties.insert(
            "Tags".into(),
            ownership::as_property(&live_tags(&cx.elb, physical_id).await?),
        );
        let name = group.target_group_name().unwrap_or_default();
        let full_name = physical_id
            .split_once(":targetgroup/")
            .map_or("", |(_, r)| r);
        let attributes = [
            ("TargetGroupArn", Json::from(physical_id)),
            ("TargetGroupName", Json::from(name)),
            ("TargetGroupFullName", Json::from(full_name)),
            (
                "LoadBalancerArns",
                Json::from(group.load_balancer_arns().to_vec()),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Ok(Some(Live {
            properties,
            attributes,
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let inputs = request.inputs;
        let health = [
            "HealthCheckPath",
            "HealthCheckProtocol",
            "HealthCheckIntervalSeconds",
            "Matcher",
        ];
        if request.changed.iter().any(|c| health.contains(&c.as_str())) {
            cx.elb
                .modify_target_group()
                .target_group_arn(request.physical_id)
                .set_health_check_path(opt_string(inputs, "HealthCheckPath").map(str::to_owned))
                .set_health_check_protocol(
                    opt_string(inputs, "HealthCheckProtocol").map(ProtocolEnum::from),
                )
                .set_health_check_interval_seconds(opt_i32(
                    inputs.get("HealthCheckIntervalSeconds"),
                ))
                .set_matcher(matcher(inputs))
                .send()
                .await
                .map_err(classify)?;
        }
        if request.changed.iter().any(|c| c == "Tags") {
            sync_tags(&cx.elb, request.physical_id, &request).await?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .elb
            .delete_target_group()
            .target_group_arn(request.physical_id)
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
        let Some(group) = by_name(cx, &name).await? else {
            return Ok(None);
        };
        let arn = group.target_group_arn().unwrap_or_default();
        if ownership::made_by(&live_tags(&cx.elb, arn).await?, request.token) {
            read_back(self, cx, arn).await.map(Some)
        } else {
            Ok(None)
        }
    }
}
