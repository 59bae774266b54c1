//! EFS: file systems (idempotent by creation token) and mount targets.

use aws_sdk_efs::Client;
use aws_sdk_efs::types::{LifeCycleState, PerformanceMode, Tag, ThroughputMode};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{absent_if_not_found, classify, invalid};
use crate::inputs::{opt_bool, opt_string, string, string_list, tags};
use crate::wait::{Wait, poll};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::EFS::FileSystem", "AWS::EFS::MountTarget"];

fn fs_created(id: &str) -> Created {
    Created {
        physical_id: id.to_owned(),
        attributes: [("FileSystemId".to_owned(), Json::String(id.to_owned()))]
            .into_iter()
            .collect(),
    }
}

pub(crate) async fn create(
    client: &Client,
    wait: &Wait,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    match request.type_name {
        "AWS::EFS::FileSystem" => {
            let mut create = client
                .create_file_system()
                .creation_token(request.token)
                .encrypted(opt_bool(inputs, "Encrypted").unwrap_or(true))
                .set_performance_mode(
                    opt_string(inputs, "PerformanceMode").map(PerformanceMode::from),
                )
                .set_throughput_mode(
                    opt_string(inputs, "ThroughputMode").map(ThroughputMode::from),
                );
            for (key, value) in tags(inputs, "FileSystemTags", request.ownership) {
                create = create.tags(
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .map_err(|e| invalid(e.to_string()))?,
                );
            }
            let id = match create.send().await.map_err(classify) {
                Ok(out) => out.file_system_id().to_owned(),
                // The creation token makes the call idempotent: an earlier run made it.
                Err(e) if e.message.contains("FileSystemAlreadyExists") => {
                    find(client, request.type_name, request.token)
                        .await?
                        .map(|c| c.physical_id)
                        .ok_or(e)?
                }
                Err(e) => return Err(e),
            };
            poll(
                wait,
                "AWS::EFS::FileSystem",
                &format!("file system {id}"),
                || async {
                    let out = client
                        .describe_file_systems()
                        .file_system_id(&id)
                        .send()
                        .await
                        .map_err(classify)?;
                    Ok(out
                        .file_systems()
                        .first()
                        .is_some_and(|f| f.life_cycle_state() == &LifeCycleState::Available)
                        .then_some(()))
                },
            )
            .await?;
            Ok(fs_created(&id))
        }
        "AWS::EFS::MountTarget" => {
            let groups = string_list(inputs, "SecurityGroups");
            let out = client
                .create_mount_target()
                .file_system_id(string(inputs, "FileSystemId")?)
                .subnet_id(string(inputs, "SubnetId")?)
                .set_security_groups(Some(groups))
                .send()
                .await
                .map_err(classify)?;
            let id = out.mount_target_id().to_owned();
            wait_mount_target(client, wait, &id, true).await?;
            Ok(Created {
                physical_id: id,
                attributes: Attributes::new(),
            })
        }
        other => Err(invalid(format!("efs does not handle {other}"))),
    }
}

async fn wait_mount_target(
    client: &Client,
    wait: &Wait,
    id: &str,
    available: bool,
) -> Result<(), ProviderError> {
    poll(
        wait,
        "AWS::EFS::MountTarget",
        &format!("mount target {id}"),
        || async {
            match client
                .describe_mount_targets()
                .mount_target_id(id)
                .send()
                .await
                .map_err(classify)
            {
                Ok(out) => {
                    let state = out
                        .mount_targets()
                        .first()
                        .map(|m| m.life_cycle_state().clone());
                    Ok(match (available, state) {
                        (true, Some(LifeCycleState::Available))
                        | (false, None | Some(LifeCycleState::Deleted)) => Some(()),
                        _ => None,
                    })
                }
                Err(e) if e.kind == ErrorKind::NotFound && !available => Ok(Some(())),
                Err(e) => Err(e),
            }
        },
    )
    .await
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
    changed: &[String],
) -> Result<Attributes, ProviderError> {
    if type_name == "AWS::EFS::FileSystem" && changed.iter().any(|c| c == "ThroughputMode") {
        client
            .update_file_system()
            .file_system_id(physical_id)
            .set_throughput_mode(opt_string(inputs, "ThroughputMode").map(ThroughputMode::from))
            .send()
            .await
            .map_err(classify)?;
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
        "AWS::EFS::FileSystem" => client
            .delete_file_system()
            .file_system_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EFS::MountTarget" => {
            client
                .delete_mount_target()
                .mount_target_id(physical_id)
                .send()
                .await
                .map_err(classify)?;
            wait_mount_target(client, wait, physical_id, false).await
        }
        other => Err(invalid(format!("efs does not handle {other}"))),
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    let result = if type_name == "AWS::EFS::FileSystem" {
        client
            .describe_file_systems()
            .file_system_id(physical_id)
            .send()
            .await
            .map(|o| !o.file_systems().is_empty())
            .map_err(classify)
    } else {
        client
            .describe_mount_targets()
            .mount_target_id(physical_id)
            .send()
            .await
            .map(|o| !o.mount_targets().is_empty())
            .map_err(classify)
    };
    Ok(absent_if_not_found(result)?.and_then(|exists| exists.then(Attributes::new)))
}

pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
) -> Result<Option<Created>, ProviderError> {
    if type_name != "AWS::EFS::FileSystem" {
        return Ok(None);
    }
    let out = client
        .describe_file_systems()
        .creation_token(token)
        .send()
        .await
        .map_err(classify)?;
    Ok(out
        .file_systems()
        .first()
        .map(|f| fs_created(f.file_system_id())))
}
