//! The validation tables: one `static` [`ObjectSchema`] per resource type and per nested
//! property type, written as Rust data (`stratus_model::schema`), which `validate()` walks.
//!
//! [`ObjectSchema`]: ../../../model/src/schema.rs

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::schema::follow;
use super::shape::Shape;

/// What the table of one property needs: its name, shape and schema.
pub(crate) struct TableField<'a> {
    pub(crate) name: &'a str,
    pub(crate) shape: &'a Shape,
    pub(crate) schema: &'a Value,
}

/// The static holding a nested struct's table.
pub(crate) fn static_name(struct_name: &str) -> String {
    format!("SCHEMA_{struct_name}")
}

/// `pub static <name>: ObjectSchema = …;` for an object with `fields`, read from `object`
/// (its `required`, `requiredXor`, `dependentRequired`, `additionalProperties`, and `oneOf` and
/// `anyOf` when their alternatives only list required properties).
pub(crate) fn object_static(
    out: &mut String,
    static_name: &str,
    schema_name: &str,
    fields: &[TableField<'_>],
    required: &[String],
    object: &Map<String, Value>,
    definitions: &Map<String, Value>,
) {
    let properties: Vec<String> = fields
        .iter()
        .map(|f| property_expr(f.name, f.shape, f.schema, definitions))
        .collect();
    let required: Vec<String> = required
        .iter()
        .filter(|r| fields.iter().any(|f| f.name == r.as_str()))
        .map(|r| format!("{r:?}"))
        .collect();
    let xor: Vec<String> = object
        .get("requiredXor")
        .and_then(Value::as_array)
        .map(|groups| {
            vec![format!(
                "&[{}]",
                groups
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )]
        })
        .unwrap_or_default();
    let dependent: Vec<String> = object
        .get("dependentRequired")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(name, needs)| {
                    let needs: Vec<String> = needs
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(|n| format!("{n:?}"))
                        .collect();
                    format!("({name:?}, &[{}])", needs.join(", "))
                })
                .collect()
        })
        .unwrap_or_default();
    let one_of = required_alternatives(object, "oneOf");
    let any_of = required_alternatives(object, "anyOf");
    let open = object.get("additionalProperties") != Some(&Value::Bool(false));
    let _ = writeln!(
        out,
        "\n/// What the schema says of `{schema_name}`'s properties; `validate()` checks them.\n\
         pub static {static_name}: s::ObjectSchema = s::ObjectSchema {{\n    name: {schema_name:?},\n    \
         properties: &[{}],\n    required: &[{}],\n    required_xor: &[{}],\n    \
         dependent_required: &[{}],\n    one_of: &[{}],\n    any_of: &[{}],\n    \
         open: {open},\n}};",
        properties.join(", "),
        required.join(", "),
        xor.join(", "),
        dependent.join(", "),
        one_of.join(", "),
        any_of.join(", ")
    );
}

/// `&["A"], &["B", "C"]` for `"oneOf": [{"required": ["A"]}, {"required": ["B", "C"]}]`;
/// nothing when an alternative says more than which properties it requires (a table cannot
/// hold it; cfn-lint still checks it).
fn required_alternatives(object: &Map<String, Value>, key: &str) -> Vec<String> {
    let Some(alternatives) = object.get(key).and_then(Value::as_array) else {
        return Vec::new();
    };
    let lists: Option<Vec<String>> = alternatives
        .iter()
        .map(|alternative| {
            let alternative = alternative.as_object()?;
            let names = alternative.get("required")?.as_array()?;
            if alternative.len() != 1 || names.is_empty() {
                return None;
            }
            let names: Option<Vec<String>> = names
                .iter()
                .map(|n| n.as_str().map(|n| format!("{n:?}")))
                .collect();
            Some(format!("&[{}]", names?.join(", ")))
        })
        .collect();
    lists.unwrap_or_default()
}

/// The patterns the pinned cfn-lint checks its AWS formats with (its `rules/formats/`): a
/// property whose schema names one of these formats carries it, so `validate()` catches
/// `"my-vpc"` where a VPC id goes. The S3 bucket name format needs
/// look-around, which `validate()` does not run, and is left out.
const FORMATS: &[(&str, &str)] = &[
    (
        "date-time",
        r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
    ),
    (
        "AWS::ACM::Certificate.Arn",
        r"^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:\d{12}:certificate/.+$",
    ),
    ("AWS::EC2::Image.Id", r"^ami-([0-9a-z]{8}|[0-9a-z]{17})$"),
    (
        "AWS::EC2::SecurityGroup.Id",
        r"^sg-([a-fA-F0-9]{8}|[a-fA-F0-9]{17})$",
    ),
    (
        "AWS::EC2::SecurityGroup.Name",
        r"^[a-zA-Z0-9 \._\-:\/()#\,@\[\]+=&;\{\}!\$\*]+$",
    ),
    (
        "AWS::EC2::Subnet.Id",
        r"^subnet-(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$",
    ),
    (
        "AWS::EC2::VPC.Id",
        r"^vpc-(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$",
    ),
    (
        "AWS::IAM::Role.Arn",
        r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/.+$",
    ),
    ("AWS::KMS::Alias.AliasName", r"^alias/[a-zA-Z0-9:/_-]+$"),
    (
        "AWS::KMS::Key.Arn",
        r"^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$",
    ),
    (
        "AWS::KMS::Key.Id",
        r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]+)$",
    ),
    (
        "AWS::Lambda::Function.Arn",
        r"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:.+(:.+)?$",
    ),
    ("AWS::Lambda::Function.Name", r"^[a-zA-Z0-9_-]{1,140}$"),
    (
        "AWS::SNS::Topic.Arn",
        r"^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:.+$",
    ),
];

/// A `s::prop(…)` expression with the limits the schema sets chained on.
fn property_expr(
    name: &str,
    shape: &Shape,
    schema: &Value,
    definitions: &Map<String, Value>,
) -> String {
    let followed = follow(definitions, schema);
    let mut out = format!(
        "s::prop({name:?}, {})",
        kind_expr(shape, followed, definitions)
    );
    let get = |key: &str| followed.and_then(|s| s.get(key));
    if let Some(pattern) = get("pattern").and_then(Value::as_str) {
        let _ = write!(out, ".pattern({pattern:?})");
    }
    let format = get("format")
        .and_then(Value::as_str)
        .and_then(|f| FORMATS.iter().find(|(name, _)| *name == f));
    if let (Some((name, pattern)), Shape::String) = (format, shape) {
        let _ = write!(out, ".format({name:?}, {pattern:?})");
    }
    for (key, method) in [
        ("minLength", "min_length"),
        ("maxLength", "max_length"),
        ("minItems", "min_items"),
        ("maxItems", "max_items"),
    ] {
        if let Some(n) = get(key).and_then(Value::as_u64) {
            let _ = write!(out, ".{method}({n})");
        }
    }
    for (key, method) in [("minimum", "minimum"), ("maximum", "maximum")] {
        if let Some(n) = get(key).and_then(Value::as_f64) {
            let _ = write!(out, ".{method}({n:?})");
        }
    }
    out
}

fn kind_expr(
    shape: &Shape,
    schema: Option<&Map<String, Value>>,
    definitions: &Map<String, Value>,
) -> String {
    let kind = "s::Kind";
    match shape {
        Shape::String => format!("{kind}::String"),
        Shape::Integer => format!("{kind}::Integer"),
        Shape::Number => format!("{kind}::Number"),
        Shape::Boolean => format!("{kind}::Boolean"),
        Shape::Json => format!("{kind}::Json"),
        Shape::Enum(name) => format!("{kind}::Enum({name}::VALUES)"),
        Shape::Struct(name) => format!("{kind}::Object(&{})", static_name(name)),
        Shape::List(item) => {
            let items = schema
                .and_then(|s| s.get("items"))
                .cloned()
                .unwrap_or(Value::Null);
            format!(
                "{kind}::List(&{})",
                property_expr("", item, &items, definitions)
            )
        }
        Shape::Map(item) => {
            let value = schema
                .and_then(|s| s.get("patternProperties"))
                .and_then(Value::as_object)
                .and_then(|p| p.values().next())
                .cloned()
                .unwrap_or(Value::Null);
            format!(
                "{kind}::Map(&{})",
                property_expr("", item, &value, definitions)
            )
        }
    }
}
