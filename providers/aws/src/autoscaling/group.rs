//! `AWS::AutoScaling::AutoScalingGroup`: unique by name (derived from the token when none is
//! declared), tagged with the stack's ownership (not propagated to its instances). Capacity,
//! subnets, template, health checks, target groups and tags change in place; the desired
//! capacity is not compared with the live one, which scaling policies move.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_autoscaling::types::{AutoScalingGroup, LaunchTemplateSpecification, Tag};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{describe, tags_of};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{number, opt_i32, opt_string, string_list};
use crate::names::generated;
use crate::ownership;
use crate::wait::{instance_profile_not_visible, poll, while_propagating};

pub(super) struct Group;

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

/// The group's name: declared, or derived from the intent's token.
fn name_of(inputs: &Inputs, ownership: &BTreeMap<String, String>, token: &str) -> String {
    opt_string(inputs, "AutoScalingGroupName")
        .map_or_else(|| generated(ownership, token, 255, false), str::to_owned)
}

/// Declared tags (with their propagation) and ownership tags (kept on the group only).
fn desired_tags(
    inputs: &Inputs,
    ownership: &BTreeMap<String, String>,
) -> BTreeMap<String, (String, bool)> {
    let mut out: BTreeMap<String, (String, bool)> = inputs
        .get("Tags")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let propagate = t
                .get("PropagateAtLaunch")
                .and_then(|p| p.as_bool().or_else(|| p.as_str().map(|s| s == "true")))
                .unwrap_or(true);
            Some((
                t.get("Key")?.as_str()?.to_owned(),
                (t.get("Value")?.as_str()?.to_owned(), propagate),
            ))
        })
        .collect();
    out.extend(
        ownership
            .iter()
            .map(|(k, v)| (k.clone(), (v.clone(), false))),
    );
    out
}

fn sdk_tag(group: &str, key: &str, value: &str, propagate: bool) -> Tag {
    Tag::builder()
        .key(key)
        .value(value)
        .propagate_at_launch(propagate)
        .resource_id(group)
        .resource_type("auto-scaling-group")
        .build()
}

async fn wait_gone(cx: &Context, name: &str) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::AutoScaling::AutoScalingGroup",
        &format!("auto scaling group {name} to be deleted"),
        || async {
            Ok(describe(&cx.autoscaling, name)
                .await?
                .is_none()
                .then_some(()))
        },
    )
    .await
}

fn live_properties(group: &AutoScalingGroup) -> Inputs {
    let mut properties = Inputs::new();
    let mut put = |key: &str, value: Json| {
        properties.insert(key.to_owned(), value);
    };
    put(
        "AutoScalingGroupName",
        Json::from(group.auto_scaling_group_name().unwrap_or_default()),
    );
    put(
        "MinSize",
        Json::from(group.min_size().unwrap_or_default().to_string()),
    );
    put(
        "MaxSize",
        Json::from(group.max_size().unwrap_or_default().to_string()),
    );
    put(
        "DesiredCapacity",
        Json::from(group.desired_capacity().unwrap_or_default().to_string()),
    );
    put(
        "VPCZoneIdentifier",
        Json::from(
            group
                .vpc_zone_identifier()
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        ),
    );
    if let Some(spec) = group.launch_template() {
        put(
            "LaunchTemplate",
            serde_json::json!({
                "LaunchTemplateId": spec.launch_template_id(),
                "Version": spec.version(),
            }),
        );
    }
    put(
        "TargetGroupARNs",
        Json::from(group.target_group_arns().to_vec()),
    );
    if let Some(kind) = group.health_check_type() {
        put("HealthCheckType", Json::from(kind));
    }
    if let Some(grace) = group.health_check_grace_period() {
        put("HealthCheckGracePeriod", Json::from(grace));
    }
    put(
        "Tags",
        Json::Array(
            group
                .tags()
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "Key": t.key(),
                        "Value": t.value(),
                        "PropagateAtLaunch": t.propagate_at_launch(),
                    })
                })
                .collect(),
        ),
    );
    properties
}

/// Creates the group, retrying while a new instance profile propagates.
async fn create_group(
    cx: &Context,
    request: &CreateRequest<'_>,
    name: &str,
) -> Result<(), ProviderError> {
    let inputs = request.inputs;
    let mut create = cx
        .autoscaling
        .create_auto_scaling_group()
        .auto_scaling_group_name(name)
        .set_min_size(number(inputs, "MinSize"))
        .set_max_size(number(inputs, "MaxSize"))
        .set_desired_capacity(number(inputs, "DesiredCapacity"))
        .vpc_zone_identifier(string_list(inputs, "VPCZoneIdentifier").join(","))
        .set_launch_template(template(inputs))
        .set_target_group_arns(Some(string_list(inputs, "TargetGroupARNs")))
        .set_health_check_type(opt_string(inputs, "HealthCheckType").map(str::to_owned))
        .set_health_check_grace_period(opt_i32(inputs.get("HealthCheckGracePeriod")));
    for (key, (value, propagate)) in desired_tags(inputs, request.ownership) {
        create = create.tags(sdk_tag(name, &key, &value, propagate));
    }
    // A launch template naming a new instance profile is refused ("Invalid IAM Instance
    // Profile name") until IAM has propagated it.
    while_propagating(&cx.wait, &[], instance_profile_not_visible, || async {
        create.clone().send().await.map_err(classify)
    })
    .await
    .map(|_| ())
}

/// Attaches the declared target groups that are missing, detaches the others.
async fn sync_target_groups(
    cx: &Context,
    name: &str,
    live: &AutoScalingGroup,
    wanted: &[String],
) -> Result<(), ProviderError> {
    let attach: Vec<String> = wanted
        .iter()
        .filter(|w| !live.target_group_arns().contains(w))
        .cloned()
        .collect();
    let detach: Vec<String> = live
        .target_group_arns()
        .iter()
        .filter(|l| !wanted.contains(l))
        .cloned()
        .collect();
    if !attach.is_empty() {
        cx.autoscaling
            .attach_load_balancer_target_groups()
            .auto_scaling_group_name(name)
            .set_target_group_arns(Some(attach))
            .send()
            .await
            .map_err(classify)?;
    }
    if !detach.is_empty() {
        cx.autoscaling
            .detach_load_balancer_target_groups()
            .auto_scaling_group_name(name)
            .set_target_group_arns(Some(detach))
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}

/// Brings the group's tags (and their propagation) to the declared ones plus ownership.
async fn sync_group_tags(
    cx: &Context,
    name: &str,
    live: &AutoScalingGroup,
    request: &UpdateRequest<'_>,
) -> Result<(), ProviderError> {
    let desired = desired_tags(request.inputs, request.ownership);
    let add: Vec<Tag> = desired
        .iter()
        .filter(|(k, (v, p))| {
            !live.tags().iter().any(|t| {
                t.key() == Some(k.as_str())
                    && t.value() == Some(v.as_str())
                    && t.propagate_at_launch() == Some(*p)
            })
        })
        .map(|(k, (v, p))| sdk_tag(name, k, v, *p))
        .collect();
    let remove: Vec<Tag> = live
        .tags()
        .iter()
        .filter_map(|t| t.key())
        .filter(|k| !desired.contains_key(*k) && !k.starts_with("aws:"))
        .map(|k| {
            Tag::builder()
                .key(k)
                .resource_id(name)
                .resource_type("auto-scaling-group")
                .build()
        })
        .collect();
    if !add.is_empty() {
        cx.autoscaling
            .create_or_update_tags()
            .set_tags(Some(add))
            .send()
            .await
            .map_err(classify)?;
    }
    if !remove.is_empty() {
        cx.autoscaling
            .delete_tags()
            .set_tags(Some(remove))
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}

#[async_trait]
impl Handler for Group {
    fn contract(&self) -> &'static TypeContract {
        &contracts::autoscaling::AUTO_SCALING_GROUP
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let name = name_of(inputs, request.ownership, request.token);
        if request.resume.is_none() {
            if let Some(existing) = describe(&cx.autoscaling, &name).await? {
                let tags = tags_of(&existing);
                if !ownership::made_by(&tags, request.token) {
                    return Err(ownership::refuse(&request, &name, &tags));
                }
            } else {
                create_group(cx, &request, &name).await?;
            }
        }
        poll(
            &cx.wait,
            "AWS::AutoScaling::AutoScalingGroup",
            &format!("auto scaling group {name}"),
            || async { Ok(describe(&cx.autoscaling, &name).await?.map(|_| ())) },
        )
        .await?;
        read_back(self, cx, &name).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        Ok(describe(&cx.autoscaling, physical_id)
            .await?
            .map(|group| Live {
                properties: live_properties(&group),
                attributes: [(
                    "Arn".to_owned(),
                    Json::from(group.auto_scaling_group_arn().unwrap_or_default()),
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
        let name = request.physical_id;
        let inputs = request.inputs;
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        let in_place = [
            "MinSize",
            "MaxSize",
            "DesiredCapacity",
            "VPCZoneIdentifier",
            "LaunchTemplate",
            "HealthCheckType",
            "HealthCheckGracePeriod",
        ];
        if in_place.iter().any(|p| changed(p)) {
            // Only what changed: re-sending the desired capacity would undo the scaling policy.
            let when = |p: &str| changed(p);
            cx.autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(name)
                .set_min_size(number(inputs, "MinSize").filter(|_| when("MinSize")))
                .set_max_size(number(inputs, "MaxSize").filter(|_| when("MaxSize")))
                .set_desired_capacity(
                    number(inputs, "DesiredCapacity").filter(|_| when("DesiredCapacity")),
                )
                .set_vpc_zone_identifier(
                    when("VPCZoneIdentifier")
                        .then(|| string_list(inputs, "VPCZoneIdentifier").join(",")),
                )
                .set_launch_template(template(inputs).filter(|_| when("LaunchTemplate")))
                .set_health_check_type(
                    opt_string(inputs, "HealthCheckType")
                        .filter(|_| when("HealthCheckType"))
                        .map(str::to_owned),
                )
                .set_health_check_grace_period(
                    opt_i32(inputs.get("HealthCheckGracePeriod"))
                        .filter(|_| when("HealthCheckGracePeriod")),
                )
                .send()
                .await
                .map_err(classify)?;
        }
        let live = describe(&cx.autoscaling, name).await?.ok_or_else(|| {
            ProviderError::new(
                ErrorKind::NotFound,
                format!("auto scaling group {name} is gone"),
            )
        })?;
        if changed("TargetGroupARNs") {
            sync_target_groups(cx, name, &live, &string_list(inputs, "TargetGroupARNs")).await?;
        }
        if changed("Tags") {
            sync_group_tags(cx, name, &live, &request).await?;
        }
        Ok(read_back(self, cx, name).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        if describe(&cx.autoscaling, request.physical_id)
            .await?
            .is_none()
        {
            return Ok(());
        }
        cx.autoscaling
            .delete_auto_scaling_group()
            .auto_scaling_group_name(request.physical_id)
            .force_delete(true)
            .send()
            .await
            .map_err(classify)?;
        wait_gone(cx, request.physical_id).await
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let name = name_of(request.inputs, request.ownership, request.token);
        match describe(&cx.autoscaling, &name).await? {
            Some(group) if ownership::made_by(&tags_of(&group), request.token) => {
                read_back(self, cx, &name).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}
