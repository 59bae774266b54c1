//! Rust source for one resource type: its L1 struct, nested property structs, enums and
//! attribute getters.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::names::{Scope, derived_property_name, ident, snake, type_ident};
use super::schema::{ResourceSchema, TagKind, follow};
use super::shape::{Resolver, Shape};
use super::tables::{TableField, object_static, static_name};

/// The module of one resource type, and the names its service re-exports.
pub(crate) struct TypeModule {
    pub(crate) module: String,
    pub(crate) source: String,
    pub(crate) exports: Vec<String>,
    /// Properties written, the resource's and its property types'.
    pub(crate) properties: usize,
    pub(crate) nested_types: usize,
    pub(crate) enums: usize,
}

/// Writes the module of `schema`'s type.
pub(crate) fn type_module(schema: &ResourceSchema, module: String) -> TypeModule {
    let struct_name = format!("Cfn{}", type_ident(&schema.type_short));
    let attrs_name = format!("{struct_name}Attributes");
    let mut scope = Scope::default();
    scope.claim(&struct_name);
    scope.claim(&attrs_name);
    let mut resolver = Resolver::new(&schema.definitions, scope);
    let mut out = String::new();

    // The resource itself.
    let resource_fields = fields(
        &mut resolver,
        &schema.properties,
        &schema.required,
        |name| {
            schema.read_only.iter().any(|p| p == name)
                || schema.tags.as_ref().is_some_and(|t| t.property == name)
        },
        |name| schema.create_only.iter().any(|p| p == name),
    );
    let mut properties = resource_fields.len();
    let default = resource_fields.iter().all(|f| !f.required);
    let _ = writeln!(out, "/// `{}`.", schema.type_name);
    let _ = writeln!(out, "///");
    let _ = writeln!(out, "/// [CloudFormation reference]({})", schema.doc_url());
    if let Some(tags) = &schema.tags {
        let _ = writeln!(
            out,
            "///\n/// Tagged with the stack's and the resource's tags under `{}`.",
            tags.property
        );
    }
    let _ = writeln!(
        out,
        "#[derive(::stratus_macros::Resource, Clone, Debug, PartialEq{})]",
        if default { ", Default" } else { "" }
    );
    let tags = match &schema.tags {
        Some(tags) => format!(
            "tags = \"{}\", tags_property = \"{}\", ",
            match tags.kind {
                TagKind::List => "list",
                TagKind::Map => "map",
                TagKind::AutoScaling => "asg",
            },
            tags.property
        ),
        None => "tags = \"none\", ".to_owned(),
    };
    let _ = writeln!(
        out,
        "#[resource(type = \"{}\", {tags}crate = \"::stratus_model\")]",
        schema.type_name
    );
    write_struct(&mut out, &struct_name, &resource_fields);
    // The tag property is written by synthesis from the stack's tags; an override may set it.
    let tag_schema = Value::Object(Map::new());
    let mut table: Vec<TableField<'_>> = resource_fields.iter().map(Field::table).collect();
    if let Some(tags) = &schema.tags {
        table.push(TableField {
            name: &tags.property,
            shape: &Shape::Json,
            schema: &tag_schema,
        });
    }
    object_static(
        &mut out,
        "SCHEMA",
        &schema.type_name,
        &table,
        &schema.required,
        &schema.object_rules,
        &schema.definitions,
    );
    let mut exports = vec![struct_name.clone()];

    if write_attributes(&mut out, schema, &struct_name, &attrs_name) {
        exports.push(attrs_name);
    }

    // Nested property types, as the fields above (and theirs) found them.
    properties += write_nested_structs(
        &mut out,
        &mut resolver,
        &schema.type_name,
        &schema.definitions,
    );

    for nested in &resolver.enums {
        write_enum(&mut out, &nested.name, &nested.schema_name, &nested.values);
    }

    TypeModule {
        module,
        source: out,
        exports,
        properties,
        nested_types: resolver.structs.len(),
        enums: resolver.enums.len(),
    }
}

/// The `Cfn…Attributes` trait and its impl for `Ref<Cfn…>`; whether the type has any.
fn write_attributes(
    out: &mut String,
    schema: &ResourceSchema,
    struct_name: &str,
    attrs_name: &str,
) -> bool {
    if schema.attributes.is_empty() {
        return false;
    }
    let mut methods = Scope::default();
    let mut sigs = Vec::new();
    for attribute in &schema.attributes {
        let shape = attribute_shape(schema, attribute);
        let method = methods.claim(&ident(&snake(&attribute.replace('.', "_"))));
        sigs.push((method, attribute.clone(), shape));
    }
    let _ = writeln!(
        out,
        "\n/// The attributes of a [`{struct_name}`], known once it is deployed \
         (`Fn::GetAtt`)."
    );
    let _ = writeln!(out, "pub trait {attrs_name} {{");
    for (method, attribute, shape) in &sigs {
        let _ = writeln!(out, "    /// `{attribute}`: {}.", shape.describe());
        let _ = writeln!(
            out,
            "    fn {method}(self) -> ::stratus_model::Attr<{}>;",
            shape.rust()
        );
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(
        out,
        "\nimpl {attrs_name} for ::stratus_model::Ref<{struct_name}> {{"
    );
    for (method, attribute, shape) in &sigs {
        let _ = writeln!(
            out,
            "    fn {method}(self) -> ::stratus_model::Attr<{}> {{\n        \
             ::stratus_model::Attr::new(self.id(), \"{attribute}\")\n    }}",
            shape.rust()
        );
    }
    let _ = writeln!(out, "}}");
    true
}

/// Every nested struct the resolver found, including those the nested ones find; returns
/// their properties.
fn write_nested_structs(
    out: &mut String,
    resolver: &mut Resolver<'_>,
    type_name: &str,
    definitions: &Map<String, Value>,
) -> usize {
    let mut properties = 0;
    let mut done = 0;
    while done < resolver.structs.len() {
        let nested = &resolver.structs[done];
        let (name, schema_name, nested_schema) = (
            nested.name.clone(),
            nested.schema_name.clone(),
            nested.schema.clone(),
        );
        done += 1;
        let nested_properties = nested_schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let required = string_list(nested_schema.get("required"));
        let nested_fields = fields(
            resolver,
            &nested_properties,
            &required,
            |_| false,
            |_| false,
        );
        properties += nested_fields.len();
        let default = nested_fields.iter().all(|f| !f.required);
        let _ = writeln!(
            out,
            "\n/// `{schema_name}`, a property type of `{type_name}`."
        );
        let _ = writeln!(
            out,
            "#[derive(::stratus_macros::ToValue, Clone, Debug, PartialEq{})]",
            if default { ", Default" } else { "" }
        );
        let _ = writeln!(out, "#[resource(crate = \"::stratus_model\")]");
        write_struct(out, &name, &nested_fields);
        let table: Vec<TableField<'_>> = nested_fields.iter().map(Field::table).collect();
        object_static(
            out,
            &static_name(&name),
            &schema_name,
            &table,
            &required,
            &nested_schema,
            definitions,
        );
        let _ = writeln!(
            out,
            "\nimpl ::std::convert::From<{name}> for ::stratus_model::Val<{name}> {{\n    \
             fn from(value: {name}) -> Self {{\n        ::stratus_model::Val::unchecked(value)\n    \
             }}\n}}"
        );
    }
    properties
}

/// One field of a generated struct.
struct Field {
    ident: String,
    name: String,
    shape: Shape,
    schema: Value,
    required: bool,
    replace: bool,
    docs: Vec<String>,
}

impl Field {
    fn table(&self) -> TableField<'_> {
        TableField {
            name: &self.name,
            shape: &self.shape,
            schema: &self.schema,
        }
    }
}

fn fields(
    resolver: &mut Resolver<'_>,
    properties: &Map<String, Value>,
    required: &[String],
    skip: impl Fn(&str) -> bool,
    replace: impl Fn(&str) -> bool,
) -> Vec<Field> {
    let mut scope = Scope::default();
    let mut out = Vec::new();
    for (name, schema) in properties {
        if skip(name) {
            continue;
        }
        let shape = resolver.shape(name, schema);
        let is_required = required.iter().any(|r| r == name);
        let replaces = replace(name);
        let mut docs = vec![format!("`{name}`: {}.", shape.describe())];
        if is_required {
            docs.push("Required.".into());
        }
        if replaces {
            docs.push("Changing it replaces the resource.".into());
        }
        docs.extend(constraints(schema));
        out.push(Field {
            ident: scope.claim(&ident(&snake(name))),
            name: name.clone(),
            shape,
            schema: schema.clone(),
            required: is_required,
            replace: replaces,
            docs,
        });
    }
    out
}

/// Limits the schema states, in words.
fn constraints(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(schema) = schema.as_object() else {
        return out;
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed: Vec<String> = values.iter().take(12).map(|v| code(&plain(v))).collect();
        let more = values.len().saturating_sub(12);
        out.push(format!(
            "Allowed values: {}{}.",
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        out.push(format!("Pattern: {}.", code(pattern)));
    }
    let range = |min: &str, max: &str| {
        let (lo, hi) = (schema.get(min), schema.get(max));
        (lo.is_some() || hi.is_some()).then(|| {
            format!(
                "{}..={}",
                lo.map(plain).unwrap_or_default(),
                hi.map(plain).unwrap_or_default()
            )
        })
    };
    if let Some(r) = range("minLength", "maxLength") {
        out.push(format!("Length: {}.", code(&r)));
    }
    if let Some(r) = range("minimum", "maximum") {
        out.push(format!("Range: {}.", code(&r)));
    }
    if let Some(r) = range("minItems", "maxItems") {
        out.push(format!("Items: {}.", code(&r)));
    }
    out
}

fn plain(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Inline code in rustdoc, whatever backticks `text` holds; on one line.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let ticks = "`".repeat(longest_backtick_run(&text) + 1);
    if text.starts_with('`') || text.ends_with('`') || ticks.len() > 1 {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn write_struct(out: &mut String, name: &str, fields: &[Field]) {
    if fields.is_empty() {
        let _ = writeln!(out, "pub struct {name} {{}}");
        return;
    }
    let _ = writeln!(out, "pub struct {name} {{");
    for field in fields {
        for line in &field.docs {
            let _ = writeln!(out, "    /// {line}");
        }
        let mut options = Vec::new();
        if field.replace {
            options.push("replace".to_owned());
        }
        if derived_property_name(&field.ident) != field.name {
            options.push(format!("rename = {:?}", field.name));
        }
        if !options.is_empty() {
            let _ = writeln!(out, "    #[resource({})]", options.join(", "));
        }
        let ty = format!("::stratus_model::Val<{}>", field.shape.rust());
        if field.required {
            let _ = writeln!(out, "    pub {}: {ty},", field.ident);
        } else {
            let _ = writeln!(out, "    pub {}: ::std::option::Option<{ty}>,", field.ident);
        }
    }
    let _ = writeln!(out, "}}");
    write_constructor(out, name, fields);
}

/// `new(required…)` with every optional field unset, for a struct that cannot be `Default`:
/// `CfnFunction { handler: Some("index.handler".into()), ..CfnFunction::new(code, role) }`.
fn write_constructor(out: &mut String, name: &str, fields: &[Field]) {
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    if required.is_empty() {
        return;
    }
    let params: Vec<String> = required
        .iter()
        .map(|f| {
            format!(
                "{}: impl ::std::convert::Into<::stratus_model::Val<{}>>",
                f.ident,
                f.shape.rust()
            )
        })
        .collect();
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
    let _ = writeln!(out, "\nimpl {name} {{");
    let _ = writeln!(
        out,
        "    /// With the required {}; everything else unset.",
        names.join(", ")
    );
    let _ = writeln!(out, "    pub fn new({}) -> Self {{", params.join(", "));
    let _ = writeln!(out, "        Self {{");
    for field in fields {
        if field.required {
            let _ = writeln!(out, "            {}: {}.into(),", field.ident, field.ident);
        } else {
            let _ = writeln!(
                out,
                "            {}: ::std::option::Option::None,",
                field.ident
            );
        }
    }
    let _ = writeln!(out, "        }}\n    }}\n}}");
}

fn write_enum(out: &mut String, name: &str, schema_name: &str, values: &[String]) {
    let mut scope = Scope::default();
    let variants: Vec<(String, &String)> = values
        .iter()
        .map(|v| (scope.claim(&type_ident(v)), v))
        .collect();
    let _ = writeln!(out, "\n/// The values `{schema_name}` allows.");
    let _ = writeln!(out, "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]");
    let _ = writeln!(out, "pub enum {name} {{");
    for (variant, value) in &variants {
        let _ = writeln!(out, "    /// {}", code(value));
        let _ = writeln!(out, "    {variant},");
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "\nimpl {name} {{");
    let _ = writeln!(out, "    /// Every value, in the schema's order.");
    let list: Vec<String> = variants.iter().map(|(v, _)| format!("Self::{v}")).collect();
    let _ = writeln!(
        out,
        "    pub const ALL: &'static [Self] = &[{}];",
        list.join(", ")
    );
    let values: Vec<String> = variants.iter().map(|(_, v)| format!("{v:?}")).collect();
    let _ = writeln!(out, "    /// Every value as CloudFormation takes it.");
    let _ = writeln!(
        out,
        "    pub const VALUES: &'static [&'static str] = &[{}];",
        values.join(", ")
    );
    let _ = writeln!(out, "\n    /// The value CloudFormation takes.");
    let _ = writeln!(out, "    pub const fn as_str(self) -> &'static str {{");
    let _ = writeln!(out, "        match self {{");
    for (variant, value) in &variants {
        let _ = writeln!(out, "            Self::{variant} => {value:?},");
    }
    let _ = writeln!(out, "        }}\n    }}\n}}");
    let _ = writeln!(
        out,
        "\nimpl ::stratus_model::ToValue for {name} {{\n    \
         fn to_value(&self) -> ::stratus_model::Value {{\n        \
         ::stratus_model::Value::String(self.as_str().to_owned())\n    }}\n}}"
    );
    let _ = writeln!(
        out,
        "\nimpl ::std::convert::From<{name}> for ::stratus_model::Val<{name}> {{\n    \
         fn from(value: {name}) -> Self {{\n        ::stratus_model::Val::unchecked(value)\n    \
         }}\n}}"
    );
    let _ = writeln!(
        out,
        "\nimpl ::stratus_model::StringEnum for {name} {{\n    \
         fn as_str(self) -> &'static str {{\n        {name}::as_str(self)\n    }}\n}}"
    );
}

/// The shape of a read-only attribute path such as `Endpoint.Address`.
fn attribute_shape(schema: &ResourceSchema, path: &str) -> Shape {
    let mut current: Option<Value> = None;
    for (i, part) in path.split('.').enumerate() {
        let properties = if i == 0 {
            Some(&schema.properties)
        } else {
            current
                .as_ref()
                .and_then(|c| follow(&schema.definitions, c))
                .and_then(|c| c.get("properties"))
                .and_then(Value::as_object)
        };
        current = properties.and_then(|p| p.get(part)).cloned();
    }
    current
        .and_then(|property| primitive(&schema.definitions, &property))
        .unwrap_or(Shape::Json)
}

/// An attribute's primitive shape (strings, numbers, lists of them); objects are JSON.
fn primitive(definitions: &Map<String, Value>, property: &Value) -> Option<Shape> {
    let property = follow(definitions, property)?;
    match property.get("type").and_then(Value::as_str)? {
        "string" => Some(Shape::String),
        "integer" => Some(Shape::Integer),
        "number" => Some(Shape::Number),
        "boolean" => Some(Shape::Boolean),
        "array" => Some(Shape::List(Box::new(
            property
                .get("items")
                .and_then(|items| primitive(definitions, items))
                .unwrap_or(Shape::Json),
        ))),
        _ => None,
    }
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
