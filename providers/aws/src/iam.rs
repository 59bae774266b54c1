//! IAM: roles (with managed policies), inline role policies, instance profiles.

use aws_sdk_iam::Client;
use aws_sdk_iam::types::Tag;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{absent_if_not_found, classify, invalid};
use crate::inputs::{id_pair, opt_string, string, string_list, tags};
use crate::names::generated;

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::InstanceProfile",
];

fn json_text(inputs: &Inputs, name: &str) -> Result<String, ProviderError> {
    inputs
        .get(name)
        .map(Json::to_string)
        .ok_or_else(|| invalid(format!("property {name} is missing")))
}

async fn role_created(client: &Client, name: &str) -> Result<Created, ProviderError> {
    let out = client
        .get_role()
        .role_name(name)
        .send()
        .await
        .map_err(classify)?;
    let role = out
        .role()
        .ok_or_else(|| ProviderError::new(ErrorKind::NotFound, name.to_owned()))?;
    Ok(Created {
        physical_id: role.role_name().to_owned(),
        attributes: [("Arn", role.arn()), ("RoleId", role.role_id())]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Json::String((*v).to_owned())))
            .collect(),
    })
}

#[allow(clippy::too_many_lines)] // one short arm per resource type
pub(crate) async fn create(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    match request.type_name {
        "AWS::IAM::Role" => {
            let name = opt_string(inputs, "RoleName").map_or_else(
                || generated(request.ownership, request.token, 64, false),
                str::to_owned,
            );
            let mut create = client
                .create_role()
                .role_name(&name)
                .assume_role_policy_document(json_text(inputs, "AssumeRolePolicyDocument")?)
                .set_description(opt_string(inputs, "Description").map(str::to_owned));
            for (key, value) in tags(inputs, "Tags", request.ownership) {
                create = create.tags(
                    Tag::builder()
                        .key(key)
                        .value(value)
                        .build()
                        .map_err(|e| invalid(e.to_string()))?,
                );
            }
            match create.send().await.map_err(classify) {
                Ok(_) => {}
                // An interrupted run made it: adopt it when it carries this intent's token.
                Err(e) if e.message.contains("EntityAlreadyExists") => {
                    let tagged = client
                        .list_role_tags()
                        .role_name(&name)
                        .send()
                        .await
                        .map_err(classify)?;
                    if !tagged
                        .tags()
                        .iter()
                        .any(|t| t.key() == "stratus:token" && t.value() == request.token)
                    {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
            for arn in string_list(inputs, "ManagedPolicyArns") {
                client
                    .attach_role_policy()
                    .role_name(&name)
                    .policy_arn(arn)
                    .send()
                    .await
                    .map_err(classify)?;
            }
            role_created(client, &name).await
        }
        "AWS::IAM::RolePolicy" => {
            let role = string(inputs, "RoleName")?;
            let policy = string(inputs, "PolicyName")?;
            client
                .put_role_policy()
                .role_name(role)
                .policy_name(policy)
                .policy_document(json_text(inputs, "PolicyDocument")?)
                .send()
                .await
                .map_err(classify)?;
            Ok(Created {
                physical_id: format!("{role}|{policy}"),
                attributes: Attributes::new(),
            })
        }
        "AWS::IAM::InstanceProfile" => {
            let name = opt_string(inputs, "InstanceProfileName").map_or_else(
                || generated(request.ownership, request.token, 128, false),
                str::to_owned,
            );
            match client
                .create_instance_profile()
                .instance_profile_name(&name)
                .send()
                .await
                .map_err(classify)
            {
                Err(e) if !e.message.contains("EntityAlreadyExists") => return Err(e),
                _ => {}
            }
            for role in inputs
                .get("Roles")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
            {
                match client
                    .add_role_to_instance_profile()
                    .instance_profile_name(&name)
                    .role_name(role)
                    .send()
                    .await
                    .map_err(classify)
                {
                    Err(e)
                        if !e.message.contains("LimitExceeded")
                            && !e.message.contains("already") =>
                    {
                        return Err(e);
                    }
                    _ => {}
                }
            }
            profile_created(client, &name).await
        }
        other => Err(invalid(format!("iam does not handle {other}"))),
    }
}

async fn profile_created(client: &Client, name: &str) -> Result<Created, ProviderError> {
    let out = client
        .get_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .map_err(classify)?;
    let arn = out
        .instance_profile()
        .map(|p| p.arn().to_owned())
        .unwrap_or_default();
    Ok(Created {
        physical_id: name.to_owned(),
        attributes: [("Arn".to_owned(), Json::String(arn))]
            .into_iter()
            .collect(),
    })
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
    changed: &[String],
) -> Result<Attributes, ProviderError> {
    match type_name {
        "AWS::IAM::Role" => {
            if changed.iter().any(|c| c == "AssumeRolePolicyDocument") {
                client
                    .update_assume_role_policy()
                    .role_name(physical_id)
                    .policy_document(json_text(inputs, "AssumeRolePolicyDocument")?)
                    .send()
                    .await
                    .map_err(classify)?;
            }
            if changed.iter().any(|c| c == "ManagedPolicyArns") {
                let attached = client
                    .list_attached_role_policies()
                    .role_name(physical_id)
                    .send()
                    .await
                    .map_err(classify)?;
                let wanted = string_list(inputs, "ManagedPolicyArns");
                for policy in attached.attached_policies() {
                    let arn = policy.policy_arn().unwrap_or_default();
                    if !wanted.iter().any(|w| w == arn) {
                        client
                            .detach_role_policy()
                            .role_name(physical_id)
                            .policy_arn(arn)
                            .send()
                            .await
                            .map_err(classify)?;
                    }
                }
                for arn in wanted {
                    client
                        .attach_role_policy()
                        .role_name(physical_id)
                        .policy_arn(arn)
                        .send()
                        .await
                        .map_err(classify)?;
                }
            }
            Ok(role_created(client, physical_id).await?.attributes)
        }
        "AWS::IAM::RolePolicy" => {
            let (role, policy) = id_pair(physical_id, "a policy")?;
            client
                .put_role_policy()
                .role_name(role)
                .policy_name(policy)
                .policy_document(json_text(inputs, "PolicyDocument")?)
                .send()
                .await
                .map_err(classify)?;
            Ok(Attributes::new())
        }
        _ => Ok(Attributes::new()),
    }
}

pub(crate) async fn delete(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::IAM::Role" => {
            let attached = client
                .list_attached_role_policies()
                .role_name(physical_id)
                .send()
                .await
                .map_err(classify)?;
            for policy in attached.attached_policies() {
                client
                    .detach_role_policy()
                    .role_name(physical_id)
                    .set_policy_arn(policy.policy_arn().map(str::to_owned))
                    .send()
                    .await
                    .map_err(classify)?;
            }
            client
                .delete_role()
                .role_name(physical_id)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        "AWS::IAM::RolePolicy" => {
            let (role, policy) = id_pair(physical_id, "a policy")?;
            client
                .delete_role_policy()
                .role_name(role)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        "AWS::IAM::InstanceProfile" => {
            let out = client
                .get_instance_profile()
                .instance_profile_name(physical_id)
                .send()
                .await
                .map_err(classify)?;
            for role in out
                .instance_profile()
                .map(aws_sdk_iam::types::InstanceProfile::roles)
                .unwrap_or_default()
            {
                client
                    .remove_role_from_instance_profile()
                    .instance_profile_name(physical_id)
                    .role_name(role.role_name())
                    .send()
                    .await
                    .map_err(classify)?;
            }
            client
                .delete_instance_profile()
                .instance_profile_name(physical_id)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        other => Err(invalid(format!("iam does not handle {other}"))),
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    let result = match type_name {
        "AWS::IAM::Role" => role_created(client, physical_id)
            .await
            .map(|c| c.attributes),
        "AWS::IAM::InstanceProfile" => profile_created(client, physical_id)
            .await
            .map(|c| c.attributes),
        _ => Ok(Attributes::new()),
    };
    absent_if_not_found(result)
}

/// Generated names carry the token, so what an interrupted create made is found by name.
pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
    ownership: &std::collections::BTreeMap<String, String>,
) -> Result<Option<Created>, ProviderError> {
    let result = match type_name {
        "AWS::IAM::Role" => role_created(client, &generated(ownership, token, 64, false)).await,
        "AWS::IAM::InstanceProfile" => {
            profile_created(client, &generated(ownership, token, 128, false)).await
        }
        _ => return Ok(None),
    };
    absent_if_not_found(result)
}
