//! IAM: roles (with managed policies), inline role policies, instance profiles.

mod instance_profile;
mod role;
mod role_policy;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::Tag;
use stratus_core::deploy::{Json, ProviderError};

use crate::error::{absent_if_not_found, classify, invalid};
use crate::handler::Handler;
use crate::ownership::Tags;

/// The IAM handlers.
pub(crate) const HANDLERS: &[&dyn Handler] = &[
    &role::Role,
    &role_policy::RolePolicy,
    &instance_profile::InstanceProfile,
];

/// Tags as the SDK's.
pub(super) fn sdk_tags(tags: &Tags) -> Result<Vec<Tag>, ProviderError> {
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

/// The SDK's tags as a map.
pub(super) fn tags_of(tags: &[Tag]) -> Tags {
    tags.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// A role's tags; `None` when the role does not exist.
pub(super) async fn role_tags(client: &Client, role: &str) -> Result<Option<Tags>, ProviderError> {
    let out = client.list_role_tags().role_name(role).send().await;
    Ok(absent_if_not_found(out.map_err(classify))?.map(|o| tags_of(o.tags())))
}

/// A policy document as IAM returns it: URL-encoded JSON text, decoded and parsed.
pub(super) fn document(text: &str) -> Json {
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    serde_json::from_str(&decoded).unwrap_or_else(|_| Json::from(text))
}

/// A policy document as IAM takes it: JSON text.
pub(super) fn document_text(value: Option<&Json>, name: &str) -> Result<String, ProviderError> {
    match value {
        Some(Json::String(text)) => Ok(text.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(invalid(format!("property {name} is missing"))),
    }
}
