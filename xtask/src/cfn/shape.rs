//! What a property's JSON schema becomes in Rust: a primitive, a list, a map, a nested struct,
//! an enum, or an open JSON value.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::names::{Scope, type_ident};

/// The `T` of a property's `Val<T>`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shape {
    String,
    Integer,
    Number,
    Boolean,
    /// A value the schema leaves open (several types, or an object without properties).
    Json,
    List(Box<Shape>),
    Map(Box<Shape>),
    /// A nested struct, by its Rust name in the type's module.
    Struct(String),
    /// A string enum, by its Rust name in the type's module.
    Enum(String),
}

impl Shape {
    /// The Rust type, fully qualified so no definition name can shadow it.
    pub(crate) fn rust(&self) -> String {
        match self {
            Shape::String => "::std::string::String".into(),
            Shape::Integer => "i64".into(),
            Shape::Number => "f64".into(),
            Shape::Boolean => "bool".into(),
            Shape::Json => "::stratus_model::Json".into(),
            Shape::List(item) => format!("::std::vec::Vec<{}>", item.rust()),
            Shape::Map(item) => format!(
                "::std::collections::BTreeMap<::std::string::String, {}>",
                item.rust()
            ),
            Shape::Struct(name) | Shape::Enum(name) => name.clone(),
        }
    }

    /// How the docs describe it.
    pub(crate) fn describe(&self) -> String {
        match self {
            Shape::String => "string".into(),
            Shape::Integer => "integer".into(),
            Shape::Number => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Json => "JSON".into(),
            Shape::List(item) => format!("list of {}", item.describe()),
            Shape::Map(item) => format!("map of {}", item.describe()),
            Shape::Struct(name) | Shape::Enum(name) => format!("[`{name}`]"),
        }
    }
}

/// A nested property type to emit.
pub(crate) struct NestedStruct {
    pub(crate) name: String,
    /// The schema name it came from (a definition's name or the property's).
    pub(crate) schema_name: String,
    pub(crate) schema: Map<String, Value>,
}

/// A string enum to emit.
pub(crate) struct NestedEnum {
    pub(crate) name: String,
    pub(crate) schema_name: String,
    pub(crate) values: Vec<String>,
}

/// Resolves shapes within one resource type's schema, collecting the nested structs and enums
/// its module needs. Definitions are emitted once; a definition that refers to itself through
/// no struct becomes JSON.
pub(crate) struct Resolver<'a> {
    definitions: &'a Map<String, Value>,
    pub(crate) scope: Scope,
    by_definition: BTreeMap<String, Shape>,
    resolving: Vec<String>,
    pub(crate) structs: Vec<NestedStruct>,
    pub(crate) enums: Vec<NestedEnum>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(definitions: &'a Map<String, Value>, scope: Scope) -> Self {
        Self {
            definitions,
            scope,
            by_definition: BTreeMap::new(),
            resolving: Vec::new(),
            structs: Vec::new(),
            enums: Vec::new(),
        }
    }

    /// The shape of `schema`, a property named `name`.
    pub(crate) fn shape(&mut self, name: &str, schema: &Value) -> Shape {
        let Some(schema) = schema.as_object() else {
            return Shape::Json;
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.definition(reference);
        }
        match schema.get("type") {
            Some(Value::String(kind)) => self.typed(name, kind, schema),
            Some(Value::Array(kinds)) if kinds.len() == 1 => match kinds[0].as_str() {
                Some(kind) => self.typed(name, kind, schema),
                None => Shape::Json,
            },
            // Several types, or none said: only an object with properties has a shape.
            None if schema.contains_key("properties") => self.nested_struct(name, schema),
            _ => Shape::Json,
        }
    }

    fn typed(&mut self, name: &str, kind: &str, schema: &Map<String, Value>) -> Shape {
        match kind {
            "string" => match schema.get("enum").and_then(Value::as_array) {
                Some(values) if !values.is_empty() && values.iter().all(Value::is_string) => {
                    let values = values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    self.nested_enum(name, values)
                }
                _ => Shape::String,
            },
            "integer" => Shape::Integer,
            "number" => Shape::Number,
            "boolean" => Shape::Boolean,
            "array" => match schema.get("items") {
                Some(items) if items.is_object() => {
                    Shape::List(Box::new(self.shape(&singular(name), items)))
                }
                _ => Shape::List(Box::new(Shape::Json)),
            },
            "object" => {
                if schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
                {
                    self.nested_struct(name, schema)
                } else if let Some(patterns) =
                    schema.get("patternProperties").and_then(Value::as_object)
                    && patterns.len() == 1
                {
                    let item = patterns.values().next().expect("one pattern");
                    Shape::Map(Box::new(self.shape(&singular(name), item)))
                } else {
                    Shape::Json
                }
            }
            _ => Shape::Json,
        }
    }

    fn definition(&mut self, reference: &str) -> Shape {
        let Some(name) = reference.strip_prefix("#/definitions/") else {
            return Shape::Json;
        };
        if let Some(shape) = self.by_definition.get(name) {
            return shape.clone();
        }
        let Some(schema) = self.definitions.get(name) else {
            return Shape::Json;
        };
        if self.resolving.iter().any(|r| r == name) {
            return Shape::Json;
        }
        self.resolving.push(name.to_owned());
        let shape = self.shape(name, schema);
        self.resolving.pop();
        self.by_definition.insert(name.to_owned(), shape.clone());
        shape
    }

    fn nested_struct(&mut self, name: &str, schema: &Map<String, Value>) -> Shape {
        let rust = self.scope.claim(&type_ident(name));
        self.structs.push(NestedStruct {
            name: rust.clone(),
            schema_name: name.to_owned(),
            schema: schema.clone(),
        });
        Shape::Struct(rust)
    }

    fn nested_enum(&mut self, name: &str, values: Vec<String>) -> Shape {
        let rust = self.scope.claim(&type_ident(name));
        self.enums.push(NestedEnum {
            name: rust.clone(),
            schema_name: name.to_owned(),
            values,
        });
        Shape::Enum(rust)
    }
}

/// A list's item name: `SecurityGroups` → `SecurityGroup`.
fn singular(name: &str) -> String {
    name.strip_suffix('s')
        .filter(|s| !s.is_empty())
        .map_or_else(|| format!("{name}Item"), str::to_owned)
}
