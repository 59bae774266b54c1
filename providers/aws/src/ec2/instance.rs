//! `AWS::EC2::Instance`: run with the intent's client token and tags, found by its token tag
//! among instances not terminated. Its type changes in place by stopping, modifying and
//! starting it; its security groups in place while it runs.

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

async fn change_type(cx: &Context, id: &str, instance_type: &str) -> Result<(), ProviderError> {
    let running = describe(cx, id)
        .await?
        .and_then(|i| i.state().and_then(|s| s.name()).cloned())
        == Some(InstanceStateName::Running);
    if running {
        cx.ec2
            .stop_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(classify)?;
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
    if running {
        cx.ec2
            .start_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(classify)?;
        wait_for(cx, id, InstanceStateName::Running).await?;
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
        properties.insert(
            "InstanceType".into(),
            text(instance.instance_type().map(InstanceType::as_str)),
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
