//! `AWS::AutoScaling::ScalingPolicy`: a target-tracking policy of a group, `group|name`, its
//! name derived from the intent's token. Policies take no tags: one that exists under that name
//! is adopted only when its group is this stack's and it tracks what is declared.

use async_trait::async_trait;
use aws_sdk_autoscaling::types::{
    MetricType, PredefinedMetricSpecification, ScalingPolicy, TargetTrackingConfiguration,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{describe, tags_of};
use crate::contracts;
use crate::error::{classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{id_pair, opt_string, string};
use crate::names::generated;
use crate::ownership;

pub(super) struct Policy;

async fn policy(
    cx: &Context,
    group: &str,
    name: &str,
) -> Result<Option<ScalingPolicy>, ProviderError> {
    let out = cx
        .autoscaling
        .describe_policies()
        .auto_scaling_group_name(group)
        .policy_names(name)
        .send()
        .await
        .map_err(classify)?;
    Ok(out.scaling_policies().first().cloned())
}

fn configuration(inputs: &Inputs) -> Result<TargetTrackingConfiguration, ProviderError> {
    let tracking = inputs
        .get("TargetTrackingConfiguration")
        .ok_or_else(|| invalid("TargetTrackingConfiguration is missing"))?;
    let metric = tracking
        .get("PredefinedMetricSpecification")
        .and_then(|m| m.get("PredefinedMetricType"))
        .and_then(Json::as_str)
        .ok_or_else(|| invalid("PredefinedMetricType is missing"))?;
    let target = tracking
        .get("TargetValue")
        .and_then(Json::as_f64)
        .ok_or_else(|| invalid("TargetValue is missing"))?;
    Ok(TargetTrackingConfiguration::builder()
        .predefined_metric_specification(
            PredefinedMetricSpecification::builder()
                .predefined_metric_type(MetricType::from(metric))
                .build(),
        )
        .target_value(target)
        .build())
}

fn live_properties(policy: &ScalingPolicy) -> Inputs {
    let mut properties = Inputs::new();
    properties.insert(
        "AutoScalingGroupName".into(),
        Json::from(policy.auto_scaling_group_name().unwrap_or_default()),
    );
    properties.insert(
        "PolicyType".into(),
        Json::from(policy.policy_type().unwrap_or_default()),
    );
    if let Some(tracking) = policy.target_tracking_configuration() {
        properties.insert(
            "TargetTrackingConfiguration".into(),
            serde_json::json!({
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": tracking
                        .predefined_metric_specification()
                        .and_then(|m| m.predefined_metric_type().map(aws_sdk_autoscaling::types::MetricType::as_str)),
                },
                "TargetValue": tracking.target_value(),
            }),
        );
    }
    properties
}

async fn put(cx: &Context, group: &str, name: &str, inputs: &Inputs) -> Result<(), ProviderError> {
    cx.autoscaling
        .put_scaling_policy()
        .auto_scaling_group_name(group)
        .policy_name(name)
        .set_policy_type(opt_string(inputs, "PolicyType").map(str::to_owned))
        .target_tracking_configuration(configuration(inputs)?)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

/// Whether a live policy tracks what the inputs declare.
fn tracks(policy: &ScalingPolicy, inputs: &Inputs) -> bool {
    let live = live_properties(policy);
    stratus_core::deploy::matches(
        stratus_core::deploy::Compare::Declared,
        &Json::Object(inputs.clone()),
        Some(&Json::Object(live)),
    )
}

#[async_trait]
impl Handler for Policy {
    fn contract(&self) -> &'static TypeContract {
        &contracts::autoscaling::SCALING_POLICY
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let group = string(request.inputs, "AutoScalingGroupName")?;
        let name = generated(request.ownership, request.token, 255, false);
        let id = format!("{group}|{name}");
        if request.resume.is_none() {
            if let Some(existing) = policy(cx, group, &name).await? {
                let ours = describe(&cx.autoscaling, group).await?.is_some_and(|g| {
                    ownership::of_stack(&tags_of(&g), ownership::stack_of(request.ownership))
                });
                if !(ours && tracks(&existing, request.inputs)) {
                    return Err(ownership::refuse_child(&request, &id, ours));
                }
                return read_back(self, cx, &id).await;
            }
            put(cx, group, &name, request.inputs).await?;
        }
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let (group, name) = id_pair(physical_id, "a policy")?;
        if describe(&cx.autoscaling, group).await?.is_none() {
            return Ok(None);
        }
        Ok(policy(cx, group, name).await?.map(|p| Live {
            properties: live_properties(&p),
            attributes: [(
                "Arn".to_owned(),
                Json::from(p.policy_arn().unwrap_or_default()),
            )]
            .into_iter()
            .collect(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let (group, name) = id_pair(request.physical_id, "a policy")?;
        put(cx, group, name, request.inputs).await?;
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        if self.read(cx, request.physical_id).await?.is_none() {
            return Ok(());
        }
        let (group, name) = id_pair(request.physical_id, "a policy")?;
        cx.autoscaling
            .delete_policy()
            .auto_scaling_group_name(group)
            .policy_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(classify)
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let group = string(request.inputs, "AutoScalingGroupName")?;
        let name = generated(request.ownership, request.token, 255, false);
        let ours = describe(&cx.autoscaling, group).await?.is_some_and(|g| {
            ownership::of_stack(&tags_of(&g), ownership::stack_of(request.ownership))
        });
        if ours && policy(cx, group, &name).await?.is_some() {
            read_back(self, cx, &format!("{group}|{name}"))
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}
