//! The built-in rules, one file per area. Each reads properties as CloudFormation names them,
//! so it applies to whatever emitted the resource: an L2 construct, a generated L1 or a raw
//! resource.

mod balancer;
mod compute;
mod database;
mod edge;
mod iam;
mod network;
mod secrets;
mod storage;

use std::sync::Arc;

use super::Rule;
use crate::graph::Node;
use crate::stack::Stack;
use crate::value::Value;

/// Every built-in rule.
pub fn builtin_rules() -> Vec<Arc<dyn Rule>> {
    vec![
        Arc::new(network::AdminPortOpen),
        Arc::new(network::OpenToTheWorld),
        Arc::new(network::NoFlowLogs),
        Arc::new(network::SshBastion),
        Arc::new(compute::ImdsV2NotRequired),
        Arc::new(compute::UserDataSecret::new()),
        Arc::new(compute::GroupInPublicSubnets),
        Arc::new(storage::FileSystemUnencrypted),
        Arc::new(storage::VolumeUnencrypted),
        Arc::new(database::DatabasePublic),
        Arc::new(database::DatabaseUnencrypted),
        Arc::new(database::DatabaseWithoutDeletionProtection),
        Arc::new(database::DatabaseWithoutBackups),
        Arc::new(database::DatabaseNotMultiAz),
        Arc::new(database::DatabaseWithoutIamAuth),
        Arc::new(database::DatabaseWithoutMonitoring),
        Arc::new(database::PasswordNotManaged),
        Arc::new(database::DeprecatedEngineVersion),
        Arc::new(balancer::HttpListener),
        Arc::new(balancer::NoAccessLogs),
        Arc::new(balancer::KeepsInvalidHeaders),
        Arc::new(balancer::ReachableAroundCdn),
        Arc::new(edge::HttpViewers),
        Arc::new(edge::HttpOrigin),
        Arc::new(edge::NoWaf),
        Arc::new(edge::NoLogging),
        Arc::new(iam::IamWildcard),
        Arc::new(secrets::NoRotation),
    ]
}

/// The resources of one type.
fn nodes<'a>(stack: &'a Stack, type_name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
    stack.graph().by_type(type_name).map(|(_, node)| node)
}

/// A property at a dotted path (`MetadataOptions.HttpTokens`).
fn at<'a>(node: &'a Node, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = node.properties.get(parts.next()?)?;
    for part in parts {
        value = value.as_map()?.get(part)?;
    }
    Some(value)
}

/// A boolean property at a dotted path; `None` when absent or not a literal.
fn flag(node: &Node, path: &str) -> Option<bool> {
    at(node, path).and_then(Value::as_bool)
}

/// A string property at a dotted path, when it is a literal.
fn text<'a>(node: &'a Node, path: &str) -> Option<&'a str> {
    at(node, path).and_then(Value::as_str)
}

/// The items of a list property (empty when absent).
fn items<'a>(node: &'a Node, path: &str) -> &'a [Value] {
    at(node, path).and_then(Value::as_list).unwrap_or_default()
}

/// The nodes a value refers to, in this stack.
fn referenced<'a>(stack: &'a Stack, value: &Value) -> Vec<&'a Node> {
    value
        .references()
        .into_iter()
        .filter(|id| id.stack() == stack.id())
        .map(|id| stack.node(id))
        .collect()
}

/// Every string inside a value: literals, and the literal parts of joins and base64.
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::List(items) | Value::Join(_, items) => items.iter().for_each(|v| texts(v, out)),
        Value::Map(map) => map.values().for_each(|v| texts(v, out)),
        Value::Base64(inner) => texts(inner, out),
        _ => {}
    }
}
