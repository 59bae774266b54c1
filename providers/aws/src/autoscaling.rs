//! Auto Scaling: groups and target-tracking policies.

use std::collections::BTreeMap;

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types::{
    LaunchTemplateSpecification, MetricType, PredefinedMetricSpecification, Tag,
    TargetTrackingConfiguration,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::{id_pair, number, opt_i32, opt_string, string, string_list, tags};
use crate::names::generated;
use crate::wait::{Wait, poll};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &[
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::AutoScaling::ScalingPolicy",
];

fn template(inputs: &Inputs) -> Option<LaunchTemplateSpecification> {
    let spec = inputs.get("LaunchTemplate")?;
    Some(
        LaunchTemplateSpecification::builder()
            .set_launch_template_id(
                spec.get("LaunchTemplateId")
                    .and_then(Json::as_str)
                    .map(str::to_owned),
            )
            .set_version(
                spec.get("Version")
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
            )
            .build(),
    )
}

fn group_name(request: &CreateRequest<'_>) -> String {
    opt_string(request.inputs, "AutoScalingGroupName").map_or_else(
        || generated(request.ownership, request.token, 255, false),
        str::to_owned,
    )
}

pub(crate) async fn create(
    client: &Client,
    wait: &Wait,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    match request.type_name {
        "AWS::AutoScaling::AutoScalingGroup" => {
            let name = group_name(&request);
            let mut create = client
                .create_auto_scaling_group()
                .auto_scaling_group_name(&name)
                .set_min_size(number(inputs, "MinSize"))
                .set_max_size(number(inputs, "MaxSize"))
                .set_desired_capacity(number(inputs, "DesiredCapacity"))
                .vpc_zone_identifier(string_list(inputs, "VPCZoneIdentifier").join(","))
                .set_launch_template(template(inputs))
                .set_target_group_arns(Some(string_list(inputs, "TargetGroupARNs")))
                .set_health_check_type(opt_string(inputs, "HealthCheckType").map(str::to_owned))
                .set_health_check_grace_period(opt_i32(inputs.get("HealthCheckGracePeriod")));
            for (key, value) in tags(inputs, "Tags", request.ownership) {
                create = create.tags(
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .propagate_at_launch(true)
                        .resource_id(&name)
                        .resource_type("auto-scaling-group")
                        .build(),
                );
            }
            // A new instance profile takes seconds to be visible to Auto Scaling (IAM is
            // eventually consistent): retry that error, boundedly.
            let mut attempt = 0;
            loop {
                attempt += 1;
                match create.clone().send().await.map_err(classify) {
                    Err(e) if e.message.contains("AlreadyExists") => break,
                    Err(e)
                        if e.message.to_ascii_lowercase().contains("instance profile")
                            && attempt < 10 =>
                    {
                        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                    }
                    Err(e) => return Err(e),
                    Ok(_) => break,
                }
            }
            wait_group(client, wait, &name, true).await?;
            Ok(Created {
                physical_id: name,
                attributes: Attributes::new(),
            })
        }
        "AWS::AutoScaling::ScalingPolicy" => {
            let group = string(inputs, "AutoScalingGroupName")?;
            let policy = request.logical_id;
            put_policy(client, group, policy, inputs).await?;
            Ok(Created {
                physical_id: format!("{group}|{policy}"),
                attributes: Attributes::new(),
            })
        }
        other => Err(invalid(format!("autoscaling does not handle {other}"))),
    }
}

async fn put_policy(
    client: &Client,
    group: &str,
    policy: &str,
    inputs: &Inputs,
) -> Result<(), ProviderError> {
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
    let configuration = TargetTrackingConfiguration::builder()
        .predefined_metric_specification(
            PredefinedMetricSpecification::builder()
                .predefined_metric_type(MetricType::from(metric))
                .build(),
        )
        .target_value(target)
        .build();
    client
        .put_scaling_policy()
        .auto_scaling_group_name(group)
        .policy_name(policy)
        .set_policy_type(opt_string(inputs, "PolicyType").map(str::to_owned))
        .target_tracking_configuration(configuration)
        .send()
        .await
        .map_err(classify)?;
    Ok(())
}

/// Waits for a group to exist (`present`) or be gone.
async fn wait_group(
    client: &Client,
    wait: &Wait,
    name: &str,
    present: bool,
) -> Result<(), ProviderError> {
    poll(
        wait,
        "AWS::AutoScaling::AutoScalingGroup",
        &format!("auto scaling group {name}"),
        || async {
            let out = client
                .describe_auto_scaling_groups()
                .auto_scaling_group_names(name)
                .send()
                .await
                .map_err(classify)?;
            let exists = !out.auto_scaling_groups().is_empty();
            Ok((exists == present).then_some(()))
        },
    )
    .await
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
    _changed: &[String],
) -> Result<Attributes, ProviderError> {
    match type_name {
        "AWS::AutoScaling::AutoScalingGroup" => {
            client
                .update_auto_scaling_group()
                .auto_scaling_group_name(physical_id)
                .set_min_size(number(inputs, "MinSize"))
                .set_max_size(number(inputs, "MaxSize"))
                .set_desired_capacity(number(inputs, "DesiredCapacity"))
                .vpc_zone_identifier(string_list(inputs, "VPCZoneIdentifier").join(","))
                .set_launch_template(template(inputs))
                .set_health_check_type(opt_string(inputs, "HealthCheckType").map(str::to_owned))
                .set_health_check_grace_period(opt_i32(inputs.get("HealthCheckGracePeriod")))
                .send()
                .await
                .map_err(classify)?;
        }
        "AWS::AutoScaling::ScalingPolicy" => {
            let (group, policy) = id_pair(physical_id, "a policy")?;
            put_policy(client, group, policy, inputs).await?;
        }
        _ => {}
    }
    Ok(Attributes::new())
}

pub(crate) async fn delete(
    client: &Client,
    wait: &Wait,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::AutoScaling::AutoScalingGroup" => {
            client
                .delete_auto_scaling_group()
                .auto_scaling_group_name(physical_id)
                .force_delete(true)
                .send()
                .await
                .map_err(classify)?;
            wait_group(client, wait, physical_id, false).await
        }
        "AWS::AutoScaling::ScalingPolicy" => {
            let (group, policy) = id_pair(physical_id, "a policy")?;
            client
                .delete_policy()
                .auto_scaling_group_name(group)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        other => Err(invalid(format!("autoscaling does not handle {other}"))),
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    if type_name != "AWS::AutoScaling::AutoScalingGroup" {
        return Ok(Some(Attributes::new()));
    }
    let out = client
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(physical_id)
        .send()
        .await
        .map_err(classify)?;
    Ok((!out.auto_scaling_groups().is_empty()).then(Attributes::new))
}

pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
    ownership: &BTreeMap<String, String>,
) -> Result<Option<Created>, ProviderError> {
    if type_name != "AWS::AutoScaling::AutoScalingGroup" {
        return Ok(None);
    }
    let name = generated(ownership, token, 255, false);
    match read(client, type_name, &name).await {
        Ok(Some(attributes)) => Ok(Some(Created {
            physical_id: name,
            attributes,
        })),
        Ok(None) => Ok(None),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
