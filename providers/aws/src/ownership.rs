//! Deciding whose a resource is, from what is read back, never from an error message: the
//! ownership tags a create puts on what it makes (`stratus:stack`, `stratus:logical-id`,
//! `stratus:token`), and the tag diff every tag update applies.

use std::collections::BTreeMap;

use stratus_core::deploy::{CreateRequest, Inputs, Json, ProviderError};

/// Tags by key.
pub(crate) type Tags = BTreeMap<String, String>;

const STACK: &str = "stratus:stack";
const LOGICAL_ID: &str = "stratus:logical-id";
const TOKEN: &str = "stratus:token";

/// Whether tags carry this intent's token: what this very create made.
pub(crate) fn made_by(tags: &Tags, token: &str) -> bool {
    tags.get(TOKEN).is_some_and(|t| t == token)
}

/// Whether tags say the resource belongs to `stack`.
pub(crate) fn of_stack(tags: &Tags, stack: Option<&String>) -> bool {
    stack.is_some() && tags.get(STACK) == stack
}

/// The stack a request creates for.
pub(crate) fn stack_of(ownership: &BTreeMap<String, String>) -> Option<&String> {
    ownership.get(STACK)
}

/// Why a resource met by a create is not this intent's, from its tags.
pub(crate) fn why_not_ours(tags: &Tags, request: &CreateRequest<'_>) -> String {
    match (tags.get(STACK), tags.get(LOGICAL_ID)) {
        (None, _) => "it carries no stratus:stack tag: it was made outside this stack".into(),
        (Some(stack), _) if Some(stack) != request.ownership.get(STACK) => {
            format!("it belongs to stack {stack}")
        }
        (Some(_), Some(logical)) if logical != request.logical_id => {
            format!("it is this stack's {logical}")
        }
        _ => "it was made by an earlier deploy of this resource that state does not record; \
              import it, or delete it"
            .into(),
    }
}

/// Refuses a create that met `physical_id` with these tags.
pub(crate) fn refuse(request: &CreateRequest<'_>, physical_id: &str, tags: &Tags) -> ProviderError {
    ProviderError::already_exists(request.type_name, physical_id, why_not_ours(tags, request))
}

/// Refuses a create of a type without tags that met a resource it may not adopt.
pub(crate) fn refuse_child(
    request: &CreateRequest<'_>,
    physical_id: &str,
    parent_ours: bool,
) -> ProviderError {
    let why = if parent_ours {
        "its properties differ from the declaration"
    } else {
        "its parent is not this stack's"
    };
    ProviderError::already_exists(request.type_name, physical_id, why)
}

/// The tags a resource should carry: those declared under `property` and the ownership tags.
pub(crate) fn desired(
    inputs: &Inputs,
    property: &str,
    ownership: &BTreeMap<String, String>,
) -> Tags {
    let mut out: Tags = inputs
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

/// What to add and which keys to remove to go from `live` to `desired`. Tags AWS reserves
/// (`aws:`) are never removed.
pub(crate) fn diff(desired: &Tags, live: &Tags) -> (Tags, Vec<String>) {
    let add = desired
        .iter()
        .filter(|(k, v)| live.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove = live
        .keys()
        .filter(|k| !desired.contains_key(*k) && !k.starts_with("aws:"))
        .cloned()
        .collect();
    (add, remove)
}

/// Tags as the CloudFormation `[{Key, Value}]` list, every live tag included (the comparison
/// leaves out ownership and AWS tags).
pub(crate) fn as_property(tags: &Tags) -> Json {
    Json::Array(
        tags.iter()
            .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_diffs_add_what_differs_and_remove_what_is_no_longer_declared() {
        let desired: Tags = [("a", "1"), ("b", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let live: Tags = [
            ("a", "1"),
            ("b", "1"),
            ("c", "3"),
            ("aws:cloudformation", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let (add, remove) = diff(&desired, &live);
        assert_eq!(add.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(remove, ["c"]);
    }
}
