//! `AWS::IAM::RolePolicy`: an inline policy of a role, `role|name`. Inline policies take no
//! tags, and IAM's put call overwrites: the policy is read first, and one that exists is
//! adopted only when its role is this stack's and its document is the declared one.

use async_trait::async_trait;
use stratus_core::deploy::{
    Attributes, Compare, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest, matches,
};

use super::{document, document_text, role_tags};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{id_pair, string};
use crate::ownership;

pub(super) struct RolePolicy;

async fn get(cx: &Context, role: &str, name: &str) -> Result<Option<Json>, ProviderError> {
    let out = cx
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.map(|o| document(o.policy_document())))
}

async fn put(cx: &Context, role: &str, name: &str, inputs: &Inputs) -> Result<(), ProviderError> {
    cx.iam
        .put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(document_text(
            inputs.get("PolicyDocument"),
            "PolicyDocument",
        )?)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

/// Whether the live document is the declared one.
fn equal(live: &Json, inputs: &Inputs) -> bool {
    matches(
        Compare::Document,
        inputs.get("PolicyDocument").unwrap_or(&Json::Null),
        Some(live),
    )
}

#[async_trait]
impl Handler for RolePolicy {
    fn contract(&self) -> &'static TypeContract {
        &contracts::iam::ROLE_POLICY
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let role = string(request.inputs, "RoleName")?;
        let name = string(request.inputs, "PolicyName")?;
        let id = format!("{role}|{name}");
        if request.resume.is_none() {
            if let Some(live) = get(cx, role, name).await? {
                let ours = role_tags(&cx.iam, role).await?.is_some_and(|tags| {
                    ownership::of_stack(&tags, ownership::stack_of(request.ownership))
                });
                if !(ours && equal(&live, request.inputs)) {
                    return Err(ownership::refuse_child(&request, &id, ours));
                }
                return read_back(self, cx, &id).await;
            }
            put(cx, role, name, request.inputs).await?;
        }
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let (role, name) = id_pair(physical_id, "a role policy")?;
        Ok(get(cx, role, name).await?.map(|policy| {
            let mut properties = Inputs::new();
            properties.insert("RoleName".into(), Json::from(role));
            properties.insert("PolicyName".into(), Json::from(name));
            properties.insert("PolicyDocument".into(), policy);
            Live {
                properties,
                attributes: Attributes::new(),
            }
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let (role, name) = id_pair(request.physical_id, "a role policy")?;
        put(cx, role, name, request.inputs).await?;
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let (role, name) = id_pair(request.physical_id, "a role policy")?;
        let result = cx
            .iam
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
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
        let role = string(request.inputs, "RoleName")?;
        let name = string(request.inputs, "PolicyName")?;
        let Some(live) = get(cx, role, name).await? else {
            return Ok(None);
        };
        let ours = role_tags(&cx.iam, role)
            .await?
            .is_some_and(|tags| ownership::of_stack(&tags, ownership::stack_of(request.ownership)));
        if ours && equal(&live, request.inputs) {
            read_back(self, cx, &format!("{role}|{name}"))
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}
