//! The CloudFormation registry schemas as cfn-lint ships them: the provider table of a region
//! (`providers/us_east_1.py`, type name → schema file) and each resource schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// How a type takes tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TagKind {
    /// A list of `{Key, Value}`.
    List,
    /// A map of key to value.
    Map,
    /// A list of `{Key, Value, PropagateAtLaunch}` (auto scaling groups).
    AutoScaling,
}

/// The property a type's tags go under: `tagging.tagProperty`, by default `Tags` as the
/// registry's meta-schema says (`taggable` defaults to true, also when `tagging` is absent),
/// when the type has that property at the top level.
fn tag_property(json: &Value) -> Option<&str> {
    let tagging = json.get("tagging");
    if tagging
        .and_then(|t| t.get("taggable"))
        .and_then(Value::as_bool)
        == Some(false)
    {
        return None;
    }
    let path = tagging
        .and_then(|t| t.get("tagProperty"))
        .and_then(Value::as_str)
        .unwrap_or("/properties/Tags");
    let property = path.strip_prefix("/properties/")?;
    let exists = json
        .get("properties")
        .and_then(|p| p.get(property))
        .is_some();
    (exists && !property.contains('/')).then_some(property)
}

/// Whether a list of tags carries `PropagateAtLaunch` (an auto scaling group's tags do, and
/// synthesis then writes it on every tag).
fn propagates_at_launch(list: &Value, definitions: Option<&Map<String, Value>>) -> bool {
    let Some(items) = list.get("items") else {
        return false;
    };
    let item = match items.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/definitions/")
            .and_then(|name| definitions?.get(name)),
        None => Some(items),
    };
    item.and_then(|i| i.get("properties"))
        .and_then(|p| p.get("PropagateAtLaunch"))
        .is_some()
}

/// A type's tag property.
#[derive(Clone, Debug)]
pub(crate) struct Tags {
    pub(crate) property: String,
    pub(crate) kind: TagKind,
}

/// What the generator needs of one resource schema.
pub(crate) struct ResourceSchema {
    /// `AWS::SQS::Queue`.
    pub(crate) type_name: String,
    /// `SQS`.
    pub(crate) service: String,
    /// `Queue`.
    pub(crate) type_short: String,
    pub(crate) properties: Map<String, Value>,
    pub(crate) definitions: Map<String, Value>,
    pub(crate) required: Vec<String>,
    /// Top-level properties that are read-only (attributes, not inputs).
    pub(crate) read_only: Vec<String>,
    /// Every read-only path as `Fn::GetAtt` names it: `Endpoint.Address`.
    pub(crate) attributes: Vec<String>,
    /// Top-level properties whose change replaces the resource.
    pub(crate) create_only: Vec<String>,
    pub(crate) tags: Option<Tags>,
    /// The type-level rules besides `required`: `requiredXor`, `dependentRequired`,
    /// `additionalProperties`.
    pub(crate) object_rules: Map<String, Value>,
}

impl ResourceSchema {
    /// Reads `file`, the schema of `type_name`.
    pub(crate) fn read(type_name: &str, file: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut json: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        // Unions of object shapes become one object (in properties and definitions; the
        // type's root keeps its own `oneOf`, which the tables read as it is).
        for key in ["properties", "definitions"] {
            if let Some(section) = json.get_mut(key) {
                super::unions::merge_object_unions(section);
            }
        }
        let object = |key: &str| {
            json.get(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let paths = |key: &str| -> Vec<Vec<String>> {
            json.get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .filter_map(|p| p.strip_prefix("/properties/"))
                        .map(|p| p.split('/').map(str::to_owned).collect())
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut parts = type_name.split("::");
        let (Some(_vendor), Some(service), Some(short), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("`{type_name}` is not Vendor::Service::Type"));
        };
        let properties = object("properties");
        let read_only_paths = paths("readOnlyProperties");
        let top_level = |paths: &[Vec<String>]| -> Vec<String> {
            paths
                .iter()
                .filter(|p| p.len() == 1)
                .map(|p| p[0].clone())
                .collect()
        };
        let tags = tag_property(&json).and_then(|property| {
            let schema = properties.get(property)?;
            let definitions = json.get("definitions").and_then(Value::as_object);
            // A `$ref` to a definition of either kind is followed once.
            let shape = match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => definitions?.get(reference.strip_prefix("#/definitions/")?)?,
                None => schema,
            };
            let kind = match shape.get("type").and_then(Value::as_str)? {
                "array" if propagates_at_launch(shape, definitions) => TagKind::AutoScaling,
                "array" => TagKind::List,
                "object" => TagKind::Map,
                _ => return None,
            };
            Some(Tags {
                property: property.to_owned(),
                kind,
            })
        });
        Ok(Self {
            type_name: type_name.to_owned(),
            service: service.to_owned(),
            type_short: short.to_owned(),
            required: json
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            read_only: top_level(&read_only_paths),
            attributes: read_only_paths.iter().map(|p| p.join(".")).collect(),
            create_only: top_level(&paths("createOnlyProperties")),
            definitions: object("definitions"),
            properties,
            tags,
            object_rules: [
                "requiredXor",
                "dependentRequired",
                "additionalProperties",
                "oneOf",
                "anyOf",
            ]
            .iter()
            .filter_map(|key| Some(((*key).to_owned(), json.get(*key)?.clone())))
            .collect(),
        })
    }

    /// The type's page in the CloudFormation user guide.
    pub(crate) fn doc_url(&self) -> String {
        format!(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-{}-{}.html",
            self.service.to_ascii_lowercase(),
            self.type_short.to_ascii_lowercase()
        )
    }
}

/// The resource types of the us-east-1 provider table under `schemas`, type name → schema
/// file; only `AWS::` types (the table also lists `Module` and an Alexa type).
pub(crate) fn provider_table(schemas: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let table = schemas.join("providers").join("us_east_1.py");
    let text = std::fs::read_to_string(&table).map_err(|e| format!("{}: {e}", table.display()))?;
    let mut types = BTreeMap::new();
    for line in text.lines() {
        // `    "AWS::SQS::Queue": "0da8bf92124580f1",`
        let mut quoted = line.split('"').skip(1).step_by(2);
        let (Some(name), Some(file)) = (quoted.next(), quoted.next()) else {
            continue;
        };
        if name.starts_with("AWS::") && file.chars().all(|c| c.is_ascii_hexdigit()) {
            types.insert(
                name.to_owned(),
                schemas.join("resources").join(format!("{file}.json")),
            );
        }
    }
    if types.is_empty() {
        return Err(format!("{}: no resource types found", table.display()));
    }
    Ok(types)
}

/// A property schema with its `$ref`s into `definitions` followed (a few steps at most).
pub(crate) fn follow<'a>(
    definitions: &'a Map<String, Value>,
    schema: &'a Value,
) -> Option<&'a Map<String, Value>> {
    let mut schema = schema.as_object()?;
    for _ in 0..8 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/definitions/")?;
                schema = definitions.get(name)?.as_object()?;
            }
            None => return Some(schema),
        }
    }
    None
}
