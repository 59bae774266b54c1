//! `AWS::EC2::Instance`: run with the intent's client token and tags, found by its token tag
//! among instances not terminated. Its type changes in place by stopping, modifying and
//! starting it, marked with a tag while stopped so that a crash or a failed start in between is
//! seen and finished by the next run; its security groups in place while it runs.

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    Instance as SdkInstance, InstanceStateName, InstanceType, LaunchTemplateSpecification,
    ResourceType,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sync_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::classify;
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string, strings_of};
use crate::ownership;
use crate::wait::{instance_profile_not_visible, poll, while_propagating};

pub(super) struct Instance;

fn gone(instance: &SdkInstance) -> bool {
    matches!(
        instance.state().and_then(|s| s.name()),
        Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
    )
}

async fn describe(cx: &Context, id: &str) -> Result<Option<SdkInstance>, ProviderError> {
    let out = cx.ec2.describe_instances().instance_ids(id).send().await;
    Ok(absent(out.map_err(classify))?.and_then(|o| {
        o.reservations()
            .iter()
            .flat_map(aws_sdk_ec2::types::Reservation::instances)
            .next()
            .cloned()
    }))
}

async fn wait_for(cx: &Context, id: &str, wanted: InstanceStateName) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::EC2::Instance",
        &format!("instance {id} to be {}", wanted.as_str()),
        || async {
            let state = describe(cx, id)
                .await?
                .and_then(|i| i.state().and_then(|s| s.name()).cloned());
            Ok(match state {
                Some(state) if state == wanted => Some(()),
                None if wanted == InstanceStateName::Terminated => Some(()),
                _ => None,
            })
        },
    )
    .await
}

/// The tag that marks an instance stopped to change its type, until it runs again: a crash or a
/// failed start in between leaves it, so the next run knows to start the instance, and the
/// read shows the instance as not yet updated.
const STOPPED_FOR_TYPE_CHANGE: &str = "stratus:stopped-for-type-change";

fn state_of(instance: &SdkInstance) -> Option<InstanceStateName> {
    instance.state().and_then(|s| s.name()).cloned()
}

fn stopped_for_type_change(instance: &SdkInstance) -> bool {
    tags_of(instance.tags()).contains_key(STOPPED_FOR_TYPE_CHANGE)
        && state_of(instance) != Some(InstanceStateName::Running)
}

async fn mark(cx: &Context, id: &str, on: bool) -> Result<(), ProviderError> {
    let tag = aws_sdk_ec2::types::Tag::builder()
        .key(STOPPED_FOR_TYPE_CHANGE)
        .value("true")
        .build();
    if on {
        let call = cx.ec2.create_tags().resources(id).tags(tag);
        call.send().await.map(|_| ()).map_err(classify)
    } else {
        let call = cx.ec2.delete_tags().resources(id).tags(tag);
        call.send().await.map(|_| ()).map_err(classify)
    }
}

/// Stop, modify, start; resumable: an instance a previous attempt stopped (marked) is started
/// again even though this attempt finds it stopped.
async fn change_type(cx: &Context, id: &str, instance_type: &str) -> Result<(), ProviderError> {
    let instance = describe(cx, id)
        .await?
        .filter(|i| !gone(i))
        .ok_or_else(|| {
            ProviderError::new(
                stratus_core::deploy::ErrorKind::NotFound,
                format!("instance {id} does not exist"),
            )
        })?;
    let state = state_of(&instance);
    let marked = tags_of(instance.tags()).contains_key(STOPPED_FOR_TYPE_CHANGE);
    let running = matches!(
        state,
        Some(InstanceStateName::Running | InstanceStateName::Pending)
    );
    let restart = running || marked;
    let current = instance.instance_type().map(InstanceType::as_str);
    if current != Some(instance_type) {
        if running {
            // Marked first: a crash after the stop must not leave it stopped unseen.
            mark(cx, id, true).await?;
            cx.ec2
                .stop_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(classify)?;
        }
        if state != Some(InstanceStateName::Stopped) {
            wait_for(cx, id, InstanceStateName::Stopped).await?;
        }
        cx.ec2
            .modify_instance_attribute()
            .instance_id(id)
            .instance_type(
                aws_sdk_ec2::types::AttributeValue::builder()
                    .value(instance_type)
                    .build(),
            )
            .send()
            .await
            .map_err(classify)?;
    }
    if restart {
        if state_of(&describe(cx, id).await?.unwrap_or(instance))
            != Some(InstanceStateName::Running)
        {
            cx.ec2
                .start_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(classify)?;
            wait_for(cx, id, InstanceStateName::Running).await?;
        }
        mark(cx, id, false).await?;
    }
    Ok(())
}

#[async_trait]
impl Handler for Instance {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::INSTANCE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(id) = request.resume {
            return read_back(self, cx, id).await;
        }
        let inputs = request.inputs;
        let template = inputs.get("LaunchTemplate").map(|s| {
            LaunchTemplateSpecification::builder()
                .set_launch_template_id(
                    s.get("LaunchTemplateId")
                        .and_then(Json::as_str)
                        .map(str::to_owned),
                )
                .set_version(
                    s.get("Version")
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
                )
                .build()
        });
        let tags = ownership::desired(inputs, "Tags", request.ownership);
        let subnet = string(inputs, "SubnetId")?;
        // A new instance profile is refused as "Invalid IAM Instance Profile" until IAM has
        // propagated it to EC2 (up to about two minutes).
        let out = while_propagating(&cx.wait, &[], instance_profile_not_visible, || async {
            cx.ec2
                .run_instances()
                .min_count(1)
                .max_count(1)
                .client_token(request.token)
                .subnet_id(subnet)
                .set_image_id(opt_string(inputs, "ImageId").map(str::to_owned))
                .set_instance_type(opt_string(inputs, "InstanceType").map(InstanceType::from))
                .set_security_group_ids(Some(strings_of(inputs.get("SecurityGroupIds"))))
                .set_launch_template(template.clone())
                .set_tag_specifications(tag_specs(ResourceType::Instance, &tags))
                .send()
                .await
                .map_err(classify)
        })
        .await?;
        let id = out
            .instances()
            .first()
            .and_then(|i| i.instance_id())
            .ok_or_else(|| missing("instance id"))?
            .to_owned();
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(instance) = describe(cx, physical_id).await?.filter(|i| !gone(i)) else {
            return Ok(None);
        };
        let text = |v: Option<&str>| Json::from(v.unwrap_or_default());
        let mut properties = Inputs::new();
        properties.insert("ImageId".into(), text(instance.image_id()));
        let instance_type = instance.instance_type().map_or("", InstanceType::as_str);
        properties.insert(
            "InstanceType".into(),
            // Not yet the type it was asked for: a change stopped it and never started it again.
            // The plan then repeats the change, which starts it.
            if stopped_for_type_change(&instance) {
                Json::from(format!(
                    "{instance_type} (stopped by an unfinished type change, not running)"
                ))
            } else {
                Json::from(instance_type)
            },
        );
        properties.insert("SubnetId".into(), text(instance.subnet_id()));
        properties.insert(
            "SecurityGroupIds".into(),
            Json::from(
                instance
                    .security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_owned))
                    .collect::<Vec<_>>(),
            ),
        );
        properties.insert(
            "Tags".into(),
            ownership::as_property(&tags_of(instance.tags())),
        );
        Ok(Some(Live {
            properties,
            attributes: attributes(&[
                ("InstanceId", physical_id),
                (
                    "PrivateIp",
                    instance.private_ip_address().unwrap_or_default(),
                ),
                ("PublicIp", instance.public_ip_address().unwrap_or_default()),
                (
                    "AvailabilityZone",
                    instance
                        .placement()
                        .and_then(|p| p.availability_zone())
                        .unwrap_or_default(),
                ),
            ]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let id = request.physical_id;
        if changes(&request, "SecurityGroupIds") {
            cx.ec2
                .modify_instance_attribute()
                .instance_id(id)
                .set_groups(Some(strings_of(request.inputs.get("SecurityGroupIds"))))
                .send()
                .await
                .map_err(classify)?;
        }
        if changes(&request, "InstanceType") {
            change_type(cx, id, string(request.inputs, "InstanceType")?).await?;
        }
        if changes(&request, "Tags") {
            let live = super::live_tags(&cx.ec2, id).await?;
            sync_tags(&cx.ec2, id, &live, &request).await?;
        }
        Ok(read_back(self, cx, id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .ec2
            .terminate_instances()
            .instance_ids(request.physical_id)
            .send()
            .await
            .map_err(classify);
        if absent(result)?.is_none() {
            return Ok(());
        }
        // Its network interface holds its subnet and groups until it is gone.
        wait_for(cx, request.physical_id, InstanceStateName::Terminated).await
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let out = cx
            .ec2
            .describe_instances()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        let found = out
            .reservations()
            .iter()
            .flat_map(aws_sdk_ec2::types::Reservation::instances)
            .find(|i| !gone(i))
            .and_then(|i| i.instance_id())
            .map(str::to_owned);
        match found {
            Some(id) => read_back(self, cx, &id).await.map(Some),
            None => Ok(None),
        }
    }
}
