//! Escape hatches, as CDK users rely on: a resource of any type given by name and properties
//! ([`RawResource`], for a type no struct covers yet), and property overrides on any resource,
//! including those an L2 construct emits ([`Stack::override_property`]). Both are ordinary
//! nodes afterwards: synthesized, planned and deployed like the rest, references included.

use std::collections::BTreeMap;

use crate::error::ValidationError;
use crate::handle::{Ref, ResourceId};
use crate::resource::TagStyle;
use crate::stack::Stack;
use crate::value::{Properties, ToValue, Value};

/// A resource of a type given by name, with untyped properties.
///
/// ```
/// use stratus_core::prelude::*;
/// use stratus_core::escape::RawResource;
///
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let topic = stack.add_raw(
///     "alerts",
///     RawResource::new("AWS::SNS::Topic")
///         .property("TopicName", "alerts")
///         .tags(stratus_core::resource::TagStyle::List("Tags")),
/// );
/// let arn: Attr<String> = topic.attr("TopicArn");
/// assert_eq!(stack.node(topic.id()).type_name, "AWS::SNS::Topic");
/// # let _ = arn;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct RawResource {
    type_name: String,
    properties: Vec<(String, Value)>,
    replace_on: Vec<String>,
    tags: TagStyle,
}

impl RawResource {
    /// A resource of `type_name` (`AWS::Service::Type`) without properties and without tags.
    pub fn new(type_name: impl Into<String>) -> Self {
        Self {
            type_name: type_name.into(),
            properties: Vec::new(),
            replace_on: Vec::new(),
            tags: TagStyle::None,
        }
    }

    /// Sets a top-level property; references in `value` become graph edges.
    pub fn property(mut self, name: impl Into<String>, value: impl ToValue) -> Self {
        self.properties.push((name.into(), value.to_value()));
        self
    }

    /// Properties whose change replaces the resource (the type's `createOnlyProperties`).
    pub fn replace_on(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.replace_on = names.into_iter().map(Into::into).collect();
        self
    }

    /// How the type takes the stack's tags (none unless said).
    pub fn tags(mut self, style: TagStyle) -> Self {
        self.tags = style;
        self
    }
}

/// JSON as a property value, for raw resources and overrides written as JSON.
///
/// ```
/// use stratus_core::escape::json;
/// use stratus_core::Value;
/// assert_eq!(json(&serde_json::json!({"Port": 80})).as_map().unwrap()["Port"], Value::Int(80));
/// ```
pub fn json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or_default()), Value::Int),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(self::json).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), self::json(v)))
                .collect(),
        ),
    }
}

/// The marker type of a raw resource's handle.
#[derive(Clone, Copy, Debug)]
pub enum Raw {}

impl Stack {
    /// Adds a [`RawResource`] at the top of the stack.
    ///
    /// Its type name, property names and replace-on list live as long as the process: a raw
    /// resource is declared once per program run, so this is bounded by the program.
    pub fn add_raw(&mut self, id: &str, resource: RawResource) -> Ref<Raw> {
        let parts: Vec<&str> = resource.type_name.split("::").collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            let path = self.path().child(id);
            self.report(ValidationError::InvalidValue {
                path,
                problem: format!("{:?} is not a CloudFormation type name", resource.type_name),
                fix: "write Vendor::Service::Type, e.g. AWS::SNS::Topic".into(),
            });
        }
        let mut properties = Properties::new();
        for (name, value) in resource.properties {
            properties.insert_value(leak(name), value);
        }
        let replace_on: &'static [&'static str] = Vec::leak(
            resource
                .replace_on
                .into_iter()
                .map(leak)
                .collect::<Vec<_>>(),
        );
        let added = self.add_node(
            id,
            leak(resource.type_name),
            properties,
            replace_on,
            resource.tags,
        );
        Ref::new(added)
    }

    /// Sets the property at `path` (`A.B.C`; a number indexes a list, `A.0.B`) of a resource,
    /// creating maps on the way, as CDK's `addPropertyOverride`. Works on what L2 constructs
    /// emit; the new value's references become edges, and synthesis and plans show it.
    ///
    /// A path that cannot be followed (through a value that is not a map or a list, or an
    /// index past a list's end) is reported by `validate()`.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    ///
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").max_azs(1).nat_gateways(0).build(&mut stack);
    /// stack.override_property(vpc.id().id(), "InstanceTenancy", "dedicated");
    /// assert_eq!(
    ///     stack.node(vpc.id().id()).properties.get("InstanceTenancy").and_then(|v| v.as_str()),
    ///     Some("dedicated")
    /// );
    /// ```
    pub fn override_property(&mut self, resource: ResourceId, path: &str, value: impl ToValue) {
        self.change_property(resource, path, Some(value.to_value()));
    }

    /// Removes the property at `path` (as [`Stack::override_property`] names it), as CDK's
    /// `addPropertyDeletionOverride`.
    pub fn remove_property(&mut self, resource: ResourceId, path: &str) {
        self.change_property(resource, path, None);
    }

    fn change_property(&mut self, resource: ResourceId, path: &str, value: Option<Value>) {
        if resource.stack() != self.id() {
            let path = self.path().clone();
            self.report(ValidationError::ForeignReference { path });
            return;
        }
        let node = self.graph_mut().node_mut(resource.node());
        let result = apply(&mut node.properties, path, value);
        let references: Vec<_> = node
            .properties
            .references()
            .into_iter()
            .filter(|r| r.stack() == resource.stack())
            .map(ResourceId::node)
            .collect();
        let construct = node.path.clone();
        if let Err(reason) = result {
            self.report(ValidationError::InvalidOverride {
                path: construct,
                property: path.to_owned(),
                reason,
            });
            return;
        }
        self.graph_mut()
            .set_references(resource.node(), &references);
    }
}

/// Follows `path` in `properties` and sets (or, with `None`, removes) what it names.
fn apply(properties: &mut Properties, path: &str, value: Option<Value>) -> Result<(), String> {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    if first.is_empty() || rest.iter().any(|p| p.is_empty()) {
        return Err("the path has an empty part; write names separated by dots, e.g. A.B.C".into());
    }
    let Some((last, middle)) = rest.split_last() else {
        match value {
            Some(value) => {
                let name = properties
                    .iter()
                    .map(|(k, _)| k)
                    .find(|k| *k == first)
                    .unwrap_or_else(|| leak(first.to_owned()));
                properties.insert_value(name, value);
            }
            None => {
                properties.remove(first);
            }
        }
        return Ok(());
    };
    if properties.get(first).is_none() {
        if value.is_none() {
            return Ok(());
        }
        properties.insert_value(leak(first.to_owned()), Value::Map(BTreeMap::default()));
    }
    let mut current = properties.get_mut(first).expect("present");
    let mut walked = first.to_owned();
    for part in middle {
        current = step(current, part, &walked, value.is_some())?;
        walked = format!("{walked}.{part}");
    }
    match (current, value) {
        (Value::Map(map), Some(value)) => {
            map.insert((*last).to_owned(), value);
        }
        (Value::Map(map), None) => {
            map.remove(*last);
        }
        (Value::List(items), value) => {
            let index = index(last, items.len(), &walked)?;
            match value {
                Some(value) => items[index] = value,
                None => {
                    items.remove(index);
                }
            }
        }
        (other, _) => return Err(not_a_container(&walked, other)),
    }
    Ok(())
}

/// One step down from `current` to its `part`, creating a map there when setting.
fn step<'v>(
    current: &'v mut Value,
    part: &str,
    walked: &str,
    create: bool,
) -> Result<&'v mut Value, String> {
    match current {
        Value::Map(map) => {
            if create {
                Ok(map
                    .entry(part.to_owned())
                    .or_insert_with(|| Value::Map(BTreeMap::default())))
            } else {
                map.get_mut(part)
                    .ok_or_else(|| format!("{walked} has no {part}; nothing to remove"))
            }
        }
        Value::List(items) => {
            let i = index(part, items.len(), walked)?;
            Ok(&mut items[i])
        }
        other => Err(not_a_container(walked, other)),
    }
}

fn index(part: &str, len: usize, walked: &str) -> Result<usize, String> {
    match part.parse::<usize>() {
        Ok(i) if i < len => Ok(i),
        Ok(i) => Err(format!(
            "{walked} is a list of {len}; index {i} is past its end (indices start at 0)"
        )),
        Err(_) => Err(format!(
            "{walked} is a list; index it with a number, e.g. {walked}.0"
        )),
    }
}

fn not_a_container(walked: &str, value: &Value) -> String {
    format!("{walked} holds {value}, not a map or a list; override {walked} itself instead")
}

/// A name that lives as long as the program (see [`Stack::add_raw`]).
fn leak(name: String) -> &'static str {
    String::leak(name)
}
