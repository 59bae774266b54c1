//! `AWS::EFS::MountTarget`: a file system's endpoint in one subnet. Mount targets take no tags:
//! one that exists in the subnet is adopted only when its file system is this stack's and its
//! security groups are the declared ones; anything else is refused.

use async_trait::async_trait;
use aws_sdk_efs::types::{LifeCycleState, MountTargetDescription};
use stratus_core::deploy::{
    Attributes, Compare, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest, matches,
};

use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{string, string_list};
use crate::ownership::{self, Tags};
use crate::wait::poll;

pub(super) struct MountTarget;

/// The mount target in any state, `deleting` included.
async fn describe_any(
    cx: &Context,
    id: &str,
) -> Result<Option<MountTargetDescription>, ProviderError> {
    let out = cx
        .efs
        .describe_mount_targets()
        .mount_target_id(id)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.mount_targets().first().cloned()))
}

async fn describe(cx: &Context, id: &str) -> Result<Option<MountTargetDescription>, ProviderError> {
    Ok(describe_any(cx, id).await?.filter(|m| {
        !matches!(
            m.life_cycle_state(),
            LifeCycleState::Deleted | LifeCycleState::Deleting
        )
    }))
}

async fn groups(cx: &Context, id: &str) -> Result<Vec<String>, ProviderError> {
    Ok(cx
        .efs
        .describe_mount_target_security_groups()
        .mount_target_id(id)
        .send()
        .await
        .map_err(classify)?
        .security_groups()
        .to_vec())
}

/// The mount target of the declared file system in the declared subnet, and whether the file
/// system is `stack`'s.
async fn in_subnet(
    cx: &Context,
    inputs: &Inputs,
    stack: Option<&String>,
) -> Result<Option<(String, bool)>, ProviderError> {
    let fs = string(inputs, "FileSystemId")?;
    let subnet = string(inputs, "SubnetId")?;
    let out = cx
        .efs
        .describe_mount_targets()
        .file_system_id(fs)
        .send()
        .await;
    let Some(target) = absent(out.map_err(classify))?.and_then(|o| {
        o.mount_targets()
            .iter()
            .find(|m| m.subnet_id() == subnet)
            .map(|m| m.mount_target_id().to_owned())
    }) else {
        return Ok(None);
    };
    let tags: Tags = cx
        .efs
        .describe_file_systems()
        .file_system_id(fs)
        .send()
        .await
        .map_err(classify)?
        .file_systems()
        .first()
        .map(|f| {
            f.tags()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some((target, ownership::of_stack(&tags, stack))))
}

async fn equal(cx: &Context, id: &str, inputs: &Inputs) -> Result<bool, ProviderError> {
    let live = Json::from(groups(cx, id).await?);
    Ok(matches(
        Compare::Unordered,
        inputs.get("SecurityGroups").unwrap_or(&Json::Null),
        Some(&live),
    ))
}

#[async_trait]
impl Handler for MountTarget {
    fn contract(&self) -> &'static TypeContract {
        &contracts::efs::MOUNT_TARGET
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let id = match request.resume {
            Some(id) => id.to_owned(),
            None => match in_subnet(cx, inputs, ownership::stack_of(request.ownership)).await? {
                Some((existing, ours)) => {
                    if !(ours && equal(cx, &existing, inputs).await?) {
                        return Err(ownership::refuse_child(&request, &existing, ours));
                    }
                    existing
                }
                None => cx
                    .efs
                    .create_mount_target()
                    .file_system_id(string(inputs, "FileSystemId")?)
                    .subnet_id(string(inputs, "SubnetId")?)
                    .set_security_groups(Some(string_list(inputs, "SecurityGroups")))
                    .send()
                    .await
                    .map_err(classify)?
                    .mount_target_id()
                    .to_owned(),
            },
        };
        poll(
            &cx.wait,
            "AWS::EFS::MountTarget",
            &format!("mount target {id} to be available"),
            || async {
                Ok(describe(cx, &id)
                    .await?
                    .is_some_and(|m| m.life_cycle_state() == &LifeCycleState::Available)
                    .then_some(()))
            },
        )
        .await?;
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(target) = describe(cx, physical_id).await? else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("FileSystemId".into(), Json::from(target.file_system_id()));
        properties.insert("SubnetId".into(), Json::from(target.subnet_id()));
        properties.insert(
            "SecurityGroups".into(),
            Json::from(groups(cx, physical_id).await?),
        );
        Ok(Some(Live {
            properties,
            attributes: [
                ("Id", Json::from(physical_id)),
                (
                    "IpAddress",
                    Json::from(target.ip_address().unwrap_or_default()),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if request.changed.iter().any(|c| c == "SecurityGroups") {
            cx.efs
                .modify_mount_target_security_groups()
                .mount_target_id(request.physical_id)
                .set_security_groups(Some(string_list(request.inputs, "SecurityGroups")))
                .send()
                .await
                .map_err(classify)?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .efs
            .delete_mount_target()
            .mount_target_id(request.physical_id)
            .send()
            .await
            .map_err(classify);
        if absent(result)?.is_none() {
            return Ok(());
        }
        poll(
            &cx.wait,
            "AWS::EFS::MountTarget",
            &format!("mount target {} to be deleted", request.physical_id),
            // Gone, not `deleting`: its network interface holds the subnet and the security
            // group until then.
            || async {
                Ok(describe_any(cx, request.physical_id)
                    .await?
                    .is_none_or(|m| m.life_cycle_state() == &LifeCycleState::Deleted)
                    .then_some(()))
            },
        )
        .await
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        match in_subnet(cx, request.inputs, ownership::stack_of(request.ownership)).await? {
            Some((id, true)) if equal(cx, &id, request.inputs).await? => {
                read_back(self, cx, &id).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}
