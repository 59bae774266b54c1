//! Whole-stack validation: what builders recorded, then checks that need the whole graph.

use std::collections::HashMap;

use crate::error::ValidationError;
use crate::path::ConstructPath;
use crate::resource::TagStyle;
use crate::stack::Stack;

/// AWS's limits on tags, the same for every taggable service.
pub const MAX_TAGS: usize = 50;
/// Longest tag key.
pub const MAX_TAG_KEY: usize = 128;
/// Longest tag value.
pub const MAX_TAG_VALUE: usize = 256;

/// Every problem of a stack, builders' first.
pub(crate) fn stack(stack: &Stack) -> Vec<ValidationError> {
    let mut errors = stack.recorded_errors().to_vec();
    let graph = stack.graph();
    if let Err(cycle) = graph.topological_order() {
        errors.push(cycle);
    }
    let mut logical_ids: HashMap<&str, &ConstructPath> = HashMap::with_capacity(graph.len());
    for (_, node) in graph.nodes() {
        if let Some(other) = logical_ids.insert(&node.logical_id, &node.path) {
            errors.push(ValidationError::LogicalIdCollision {
                path: node.path.clone(),
                logical_id: node.logical_id.clone(),
                other: other.clone(),
            });
        }
    }
    for (key, value) in stack.tags() {
        check_tag(stack.path(), key, value, &mut errors);
    }
    for (_, node) in graph.nodes() {
        let has = |p: &str| node.properties.get(p).is_some();
        if node.removal == crate::removal::RemovalPolicy::Snapshot
            && !crate::removal::supports_snapshot(node.type_name, has)
        {
            let what = if has("SourceDBInstanceIdentifier") {
                "a read replica".to_owned()
            } else {
                node.type_name.to_owned()
            };
            errors.push(ValidationError::InvalidValue {
                path: node.path.clone(),
                problem: format!(
                    "removal policy Snapshot, but AWS keeps no final snapshot of {what}"
                ),
                fix: "use RemovalPolicy::Retain to keep it, or RemovalPolicy::Destroy".into(),
            });
        }
    }
    for (_, node) in graph.nodes() {
        if node.tag_style == TagStyle::None {
            continue;
        }
        for (key, value) in &node.tags {
            check_tag(&node.path, key, value, &mut errors);
        }
        let count = stack.tags().len()
            + node
                .tags
                .keys()
                .filter(|k| !stack.tags().contains_key(*k))
                .count();
        if count > MAX_TAGS {
            errors.push(ValidationError::TooManyTags {
                path: node.path.clone(),
                count,
                excess: count - MAX_TAGS,
            });
        }
    }
    crate::net::check(graph, &mut errors);
    crate::schema_check::check(stack, &mut errors);
    errors
}

fn check_tag(path: &ConstructPath, key: &str, value: &str, errors: &mut Vec<ValidationError>) {
    let shown: String = key.chars().take(40).collect();
    let key_len = key.chars().count();
    let reason = if key.is_empty() {
        Some("a tag key cannot be empty".to_owned())
    } else if key_len > MAX_TAG_KEY {
        Some(format!(
            "key is {key_len} characters; AWS allows at most {MAX_TAG_KEY}"
        ))
    } else if key.to_ascii_lowercase().starts_with("aws:") {
        Some("keys starting with \"aws:\" are reserved by AWS; choose another prefix".to_owned())
    } else if value.chars().count() > MAX_TAG_VALUE {
        Some(format!(
            "value is {} characters; AWS allows at most {MAX_TAG_VALUE}",
            value.chars().count()
        ))
    } else {
        None
    };
    if let Some(reason) = reason {
        errors.push(ValidationError::InvalidTag {
            path: path.clone(),
            key: shown,
            reason,
        });
    }
}
