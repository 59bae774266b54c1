//! Secrets Manager: secrets whose value is generated here by the service, never passed in.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::Tag;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::{opt_i32, opt_string, tags};
use crate::names::generated;

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::SecretsManager::Secret"];

pub(crate) async fn create(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    let name = opt_string(inputs, "Name").map_or_else(
        || generated(request.ownership, request.token, 512, false),
        str::to_owned,
    );
    let generate = inputs.get("GenerateSecretString");
    let password = client
        .get_random_password()
        .set_password_length(opt_i32(generate.and_then(|g| g.get("PasswordLength"))).map(i64::from))
        .set_exclude_characters(
            generate
                .and_then(|g| g.get("ExcludeCharacters"))
                .and_then(Json::as_str)
                .map(str::to_owned),
        )
        .send()
        .await
        .map_err(classify)?
        .random_password()
        .unwrap_or_default()
        .to_owned();
    let template = generate
        .and_then(|g| g.get("SecretStringTemplate"))
        .and_then(Json::as_str);
    let key = generate
        .and_then(|g| g.get("GenerateStringKey"))
        .and_then(Json::as_str);
    let value = match (template, key) {
        (Some(template), Some(key)) => {
            let mut object: serde_json::Map<String, Json> = serde_json::from_str(template)
                .map_err(|e| invalid(format!("SecretStringTemplate: {e}")))?;
            object.insert(key.to_owned(), Json::String(password));
            Json::Object(object).to_string()
        }
        _ => password,
    };
    let mut create = client
        .create_secret()
        .name(&name)
        .set_description(opt_string(inputs, "Description").map(str::to_owned))
        .secret_string(value);
    for (k, v) in tags(inputs, "Tags", request.ownership) {
        create = create.tags(Tag::builder().key(k).value(v).build());
    }
    let out = create.send().await.map_err(classify)?;
    let arn = out.arn().unwrap_or_default().to_owned();
    Ok(Created {
        attributes: [("Id".to_owned(), Json::String(arn.clone()))]
            .into_iter()
            .collect(),
        physical_id: arn,
    })
}

pub(crate) async fn update(
    client: &Client,
    physical_id: &str,
    inputs: &Inputs,
) -> Result<Attributes, ProviderError> {
    client
        .update_secret()
        .secret_id(physical_id)
        .set_description(opt_string(inputs, "Description").map(str::to_owned))
        .send()
        .await
        .map_err(classify)?;
    Ok(Attributes::new())
}

pub(crate) async fn delete(client: &Client, physical_id: &str) -> Result<(), ProviderError> {
    // Immediately: a destroyed stack leaves nothing behind, not a secret pending deletion.
    client
        .delete_secret()
        .secret_id(physical_id)
        .force_delete_without_recovery(true)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

pub(crate) async fn read(
    client: &Client,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    match client
        .describe_secret()
        .secret_id(physical_id)
        .send()
        .await
        .map_err(classify)
    {
        Ok(out) => Ok(out.deleted_date().is_none().then(Attributes::new)),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) async fn find(
    client: &Client,
    token: &str,
    ownership: &BTreeMap<String, String>,
) -> Result<Option<Created>, ProviderError> {
    let name = generated(ownership, token, 512, false);
    match client
        .describe_secret()
        .secret_id(&name)
        .send()
        .await
        .map_err(classify)
    {
        Ok(out) => Ok(out.arn().map(|arn| Created {
            physical_id: arn.to_owned(),
            attributes: Attributes::new(),
        })),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
