//! `AWS::EFS::FileSystem`: made idempotent by the intent's token as creation token (so found
//! by it), tagged with the stack's ownership, waited for until available. Its throughput mode
//! and tags change in place. Data-bearing: retained on delete unless the stack says otherwise.

use async_trait::async_trait;
use aws_sdk_efs::types::{
    FileSystemDescription, LifeCycleState, PerformanceMode, Tag, ThroughputMode,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_bool, opt_string};
use crate::ownership::{self, Tags};
use crate::wait::poll;

pub(super) struct FileSystem;

fn sdk_tags(tags: &Tags) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(e.to_string()))
        })
        .collect()
}

fn gone(fs: &FileSystemDescription) -> bool {
    matches!(
        fs.life_cycle_state(),
        LifeCycleState::Deleted | LifeCycleState::Deleting
    )
}

async fn describe(cx: &Context, id: &str) -> Result<Option<FileSystemDescription>, ProviderError> {
    let out = cx
        .efs
        .describe_file_systems()
        .file_system_id(id)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.file_systems().first().cloned()))
}

async fn by_token(
    cx: &Context,
    token: &str,
) -> Result<Option<FileSystemDescription>, ProviderError> {
    let out = cx
        .efs
        .describe_file_systems()
        .creation_token(token)
        .send()
        .await
        .map_err(classify)?;
    Ok(out.file_systems().iter().find(|f| !gone(f)).cloned())
}

#[async_trait]
impl Handler for FileSystem {
    fn contract(&self) -> &'static TypeContract {
        &contracts::efs::FILE_SYSTEM
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let id = match request.resume {
            Some(id) => id.to_owned(),
            None => {
                let tags = ownership::desired(inputs, "FileSystemTags", request.ownership);
                let created = cx
                    .efs
                    .create_file_system()
                    .creation_token(request.token)
                    .encrypted(opt_bool(inputs, "Encrypted").unwrap_or(true))
                    .set_performance_mode(
                        opt_string(inputs, "PerformanceMode").map(PerformanceMode::from),
                    )
                    .set_throughput_mode(
                        opt_string(inputs, "ThroughputMode").map(ThroughputMode::from),
                    )
                    .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)).transpose()?)
                    .send()
                    .await
                    .map_err(classify);
                match created {
                    Ok(out) => out.file_system_id().to_owned(),
                    // The token is this intent's: whatever carries it is what this create made.
                    Err(e) => by_token(cx, request.token)
                        .await?
                        .map(|f| f.file_system_id().to_owned())
                        .ok_or(e)?,
                }
            }
        };
        poll(
            &cx.wait,
            "AWS::EFS::FileSystem",
            &format!("file system {id} to be available"),
            || async {
                Ok(describe(cx, &id)
                    .await?
                    .is_some_and(|f| f.life_cycle_state() == &LifeCycleState::Available)
                    .then_some(()))
            },
        )
        .await?;
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(fs) = describe(cx, physical_id).await?.filter(|f| !gone(f)) else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert(
            "Encrypted".into(),
            Json::Bool(fs.encrypted().unwrap_or(false)),
        );
        properties.insert(
            "PerformanceMode".into(),
            Json::from(fs.performance_mode().as_str()),
        );
        if let Some(mode) = fs.throughput_mode() {
            properties.insert("ThroughputMode".into(), Json::from(mode.as_str()));
        }
        let tags: Tags = fs
            .tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        properties.insert("FileSystemTags".into(), ownership::as_property(&tags));
        Ok(Some(Live {
            properties,
            attributes: [
                ("FileSystemId", Json::from(physical_id)),
                ("Arn", Json::from(fs.file_system_arn().unwrap_or_default())),
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
        let id = request.physical_id;
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        if changed("ThroughputMode") {
            cx.efs
                .update_file_system()
                .file_system_id(id)
                .set_throughput_mode(
                    opt_string(request.inputs, "ThroughputMode").map(ThroughputMode::from),
                )
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("FileSystemTags") {
            let live: Tags = describe(cx, id)
                .await?
                .map(|f| {
                    f.tags()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            let desired = ownership::desired(request.inputs, "FileSystemTags", request.ownership);
            let (add, remove) = ownership::diff(&desired, &live);
            if !add.is_empty() {
                cx.efs
                    .tag_resource()
                    .resource_id(id)
                    .set_tags(Some(sdk_tags(&add)?))
                    .send()
                    .await
                    .map_err(classify)?;
            }
            if !remove.is_empty() {
                cx.efs
                    .untag_resource()
                    .resource_id(id)
                    .set_tag_keys(Some(remove))
                    .send()
                    .await
                    .map_err(classify)?;
            }
        }
        Ok(read_back(self, cx, id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .efs
            .delete_file_system()
            .file_system_id(request.physical_id)
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
        match by_token(cx, request.token).await? {
            Some(fs) => read_back(self, cx, fs.file_system_id()).await.map(Some),
            None => Ok(None),
        }
    }
}
