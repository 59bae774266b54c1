//! Reading the resolved inputs (CloudFormation-shaped JSON) the engine hands the provider.

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

/// The strings of a list value (non-strings skipped); empty when absent.
pub(crate) fn strings_of(value: Option<&Json>) -> Vec<String> {
    value
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The strings of a list property.
pub(crate) fn string_list(inputs: &Inputs, name: &str) -> Vec<String> {
    strings_of(inputs.get(name))
}

/// An integer property that CloudFormation may give as a string (`"20"`).
pub(crate) fn number(inputs: &Inputs, name: &str) -> Option<i32> {
    inputs.get(name).and_then(|v| {
        v.as_str()
            .and_then(|s| s.parse().ok())
            .or_else(|| opt_i32(Some(v)))
    })
}

/// The two parts of a compound physical id `a|b` (a route, an attachment, a policy).
pub(crate) fn id_pair<'a>(
    physical_id: &'a str,
    what: &str,
) -> Result<(&'a str, &'a str), ProviderError> {
    physical_id
        .split_once('|')
        .ok_or_else(|| invalid(format!("{physical_id} is not {what} id")))
}
