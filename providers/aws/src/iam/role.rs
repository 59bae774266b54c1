//! `AWS::IAM::Role`: unique by name (derived from the token when none is declared), tagged with
//! the stack's ownership. A create of several calls (the role, then its managed policies),
//! finished on resume. Trust policy, managed policies, description and tags change in place.

use std::collections::BTreeMap;

use async_trait::async_trait;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{document, document_text, role_tags, sdk_tags};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string_list};
use crate::names::generated;
use crate::ownership;
use crate::wait::{not_found_only, while_propagating};

pub(super) struct Role;

fn name_of(inputs: &Inputs, ownership: &BTreeMap<String, String>, token: &str) -> String {
    opt_string(inputs, "RoleName")
        .map_or_else(|| generated(ownership, token, 64, false), str::to_owned)
}

async fn attached(cx: &Context, role: &str) -> Result<Vec<String>, ProviderError> {
    // Right after CreateRole, IAM may answer that the role does not exist yet.
    Ok(
        while_propagating(&cx.wait, &[role], not_found_only, || async {
            cx.iam
                .list_attached_role_policies()
                .role_name(role)
                .send()
                .await
                .map_err(classify)
        })
        .await?
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_owned))
        .collect(),
    )
}

/// Attaches what is declared and missing; detaches what is attached and not declared.
async fn sync_managed(cx: &Context, role: &str, wanted: &[String]) -> Result<(), ProviderError> {
    let live = attached(cx, role).await?;
    // A role made a moment ago may be "cannot be found" for a while; a policy ARN that does
    // not exist fails at once (its message does not name the role).
    for arn in wanted.iter().filter(|w| !live.contains(w)) {
        while_propagating(&cx.wait, &[role], not_found_only, || async {
            cx.iam
                .attach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .send()
                .await
                .map_err(classify)
        })
        .await?;
    }
    for arn in live.iter().filter(|l| !wanted.contains(l)) {
        cx.iam
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}

#[async_trait]
impl Handler for Role {
    fn contract(&self) -> &'static TypeContract {
        &contracts::iam::ROLE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let name = name_of(inputs, request.ownership, request.token);
        if request.resume.is_none() {
            if let Some(tags) = role_tags(&cx.iam, &name).await? {
                if !ownership::made_by(&tags, request.token) {
                    return Err(ownership::refuse(&request, &name, &tags));
                }
            } else {
                let tags = ownership::desired(inputs, "Tags", request.ownership);
                cx.iam
                    .create_role()
                    .role_name(&name)
                    .assume_role_policy_document(document_text(
                        inputs.get("AssumeRolePolicyDocument"),
                        "AssumeRolePolicyDocument",
                    )?)
                    .set_description(opt_string(inputs, "Description").map(str::to_owned))
                    .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)).transpose()?)
                    .send()
                    .await
                    .map_err(classify)?;
            }
        }
        sync_managed(cx, &name, &string_list(inputs, "ManagedPolicyArns")).await?;
        read_back(self, cx, &name).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx.iam.get_role().role_name(physical_id).send().await;
        let Some(role) = absent(out.map_err(classify))?.and_then(|o| o.role().cloned()) else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("RoleName".into(), Json::from(role.role_name()));
        if let Some(trust) = role.assume_role_policy_document() {
            properties.insert("AssumeRolePolicyDocument".into(), document(trust));
        }
        properties.insert(
            "ManagedPolicyArns".into(),
            Json::from(attached(cx, physical_id).await?),
        );
        if let Some(description) = role.description() {
            properties.insert("Description".into(), Json::from(description));
        }
        let tags = role_tags(&cx.iam, physical_id).await?.unwrap_or_default();
        properties.insert("Tags".into(), ownership::as_property(&tags));
        Ok(Some(Live {
            properties,
            attributes: [("Arn", role.arn()), ("RoleId", role.role_id())]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Json::from(v)))
                .collect(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let role = request.physical_id;
        let inputs = request.inputs;
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        if changed("AssumeRolePolicyDocument") {
            cx.iam
                .update_assume_role_policy()
                .role_name(role)
                .policy_document(document_text(
                    inputs.get("AssumeRolePolicyDocument"),
                    "AssumeRolePolicyDocument",
                )?)
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("ManagedPolicyArns") {
            sync_managed(cx, role, &string_list(inputs, "ManagedPolicyArns")).await?;
        }
        if changed("Description") {
            cx.iam
                .update_role()
                .role_name(role)
                .description(opt_string(inputs, "Description").unwrap_or_default())
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("Tags") {
            let live = role_tags(&cx.iam, role).await?.unwrap_or_default();
            let desired = ownership::desired(inputs, "Tags", request.ownership);
            let (add, remove) = ownership::diff(&desired, &live);
            if !add.is_empty() {
                cx.iam
                    .tag_role()
                    .role_name(role)
                    .set_tags(Some(sdk_tags(&add)?))
                    .send()
                    .await
                    .map_err(classify)?;
            }
            if !remove.is_empty() {
                cx.iam
                    .untag_role()
                    .role_name(role)
                    .set_tag_keys(Some(remove))
                    .send()
                    .await
                    .map_err(classify)?;
            }
        }
        Ok(read_back(self, cx, role).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let role = request.physical_id;
        if role_tags(&cx.iam, role).await?.is_none() {
            return Ok(());
        }
        sync_managed(cx, role, &[]).await?;
        let result = cx
            .iam
            .delete_role()
            .role_name(role)
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
        match role_tags(&cx.iam, &name).await? {
            Some(tags) if ownership::made_by(&tags, request.token) => {
                read_back(self, cx, &name).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}
