//! `AWS::IAM::InstanceProfile`: unique by name (derived from the token when none is declared),
//! tagged with the stack's ownership. A create of several calls (the profile, then its role),
//! finished on resume; the role changes in place.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_iam::types::InstanceProfile as SdkProfile;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{sdk_tags, tags_of};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string_list};
use crate::names::generated;
use crate::ownership;
use crate::wait::{not_found_only, while_propagating};

pub(super) struct InstanceProfile;

fn name_of(inputs: &Inputs, ownership: &BTreeMap<String, String>, token: &str) -> String {
    opt_string(inputs, "InstanceProfileName")
        .map_or_else(|| generated(ownership, token, 128, false), str::to_owned)
}

async fn get(cx: &Context, name: &str) -> Result<Option<SdkProfile>, ProviderError> {
    let out = cx
        .iam
        .get_instance_profile()
        .instance_profile_name(name)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.instance_profile().cloned()))
}

/// Adds the declared roles that are missing, removes the others.
async fn sync_roles(cx: &Context, name: &str, wanted: &[String]) -> Result<(), ProviderError> {
    let live: Vec<String> = get(cx, name)
        .await?
        .map(|p| p.roles().iter().map(|r| r.role_name().to_owned()).collect())
        .unwrap_or_default();
    for role in live.iter().filter(|l| !wanted.contains(l)) {
        cx.iam
            .remove_role_from_instance_profile()
            .instance_profile_name(name)
            .role_name(role)
            .send()
            .await
            .map_err(classify)?;
    }
    // The profile or the role may have been made a moment ago.
    for role in wanted.iter().filter(|w| !live.contains(w)) {
        while_propagating(&cx.wait, &[name, role], not_found_only, || async {
            cx.iam
                .add_role_to_instance_profile()
                .instance_profile_name(name)
                .role_name(role)
                .send()
                .await
                .map_err(classify)
        })
        .await?;
    }
    Ok(())
}

#[async_trait]
impl Handler for InstanceProfile {
    fn contract(&self) -> &'static TypeContract {
        &contracts::iam::INSTANCE_PROFILE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let name = name_of(request.inputs, request.ownership, request.token);
        if request.resume.is_none() {
            if let Some(existing) = get(cx, &name).await? {
                let tags = tags_of(existing.tags());
                if !ownership::made_by(&tags, request.token) {
                    return Err(ownership::refuse(&request, &name, &tags));
                }
            } else {
                let tags = ownership::desired(&Inputs::new(), "Tags", request.ownership);
                cx.iam
                    .create_instance_profile()
                    .instance_profile_name(&name)
                    .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)).transpose()?)
                    .send()
                    .await
                    .map_err(classify)?;
            }
        }
        sync_roles(cx, &name, &string_list(request.inputs, "Roles")).await?;
        read_back(self, cx, &name).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        Ok(get(cx, physical_id).await?.map(|profile| {
            let mut properties = Inputs::new();
            properties.insert(
                "InstanceProfileName".into(),
                Json::from(profile.instance_profile_name()),
            );
            properties.insert(
                "Roles".into(),
                Json::from(
                    profile
                        .roles()
                        .iter()
                        .map(|r| r.role_name().to_owned())
                        .collect::<Vec<_>>(),
                ),
            );
            Live {
                properties,
                attributes: [("Arn".to_owned(), Json::from(profile.arn()))]
                    .into_iter()
                    .collect(),
            }
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if request.changed.iter().any(|c| c == "Roles") {
            sync_roles(
                cx,
                request.physical_id,
                &string_list(request.inputs, "Roles"),
            )
            .await?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        if get(cx, request.physical_id).await?.is_none() {
            return Ok(());
        }
        sync_roles(cx, request.physical_id, &[]).await?;
        let result = cx
            .iam
            .delete_instance_profile()
            .instance_profile_name(request.physical_id)
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
        match get(cx, &name).await? {
            Some(profile) if ownership::made_by(&tags_of(profile.tags()), request.token) => {
                read_back(self, cx, &name).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}
