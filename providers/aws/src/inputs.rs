//! Reading the resolved inputs (CloudFormation-shaped JSON) the engine hands the provider.

use std::collections::BTreeMap;

use stratus_core::deploy::{Inputs, Json, ProviderError};

use crate::error::invalid;

/// A required string property.
pub(crate) fn string<'a>(inputs: &'a Inputs, name: &str) -> Result<&'a str, ProviderError> {
    inputs
        .get(name)
        .and_then(Json::as_str)
        .ok_or_else(|| invalid(format!("property {name} is missing or not a string")))
}

/// An optional string property.
pub(crate) fn opt_string<'a>(inputs: &'a Inputs, name: &str) -> Option<&'a str> {
    inputs.get(name).and_then(Json::as_str)
}

/// An optional boolean property.
pub(crate) fn opt_bool(inputs: &Inputs, name: &str) -> Option<bool> {
    inputs.get(name).and_then(Json::as_bool)
}

/// An optional integer property.
pub(crate) fn opt_i32(value: Option<&Json>) -> Option<i32> {
    value
        .and_then(Json::as_i64)
        .and_then(|v| i32::try_from(v).ok())
}

/// The `{Key, Value}` tags under `property`, merged with the ownership tags.
pub(crate) fn tags(
    inputs: &Inputs,
    property: &str,
    ownership: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = inputs
        .get(property)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_owned(),
                t.get("Value")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    out.extend(ownership.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}
