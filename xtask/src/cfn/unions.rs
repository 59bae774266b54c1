//! Unions of object shapes made one object, as CDK's generated classes do: a schema node that
//! is `oneOf`/`anyOf` of alternatives which are all objects with properties becomes one object
//! holding every alternative's properties, each optional, with the alternatives' required
//! lists kept as the object's `oneOf`/`anyOf` (which the validation tables carry). Without this
//! the property would be open JSON: untyped, unchecked, and empty in a generated sample.

use serde_json::{Map, Value};

/// Rewrites every union of object shapes in `schema` (properties and definitions, nested).
pub(crate) fn merge_object_unions(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for value in map.values_mut() {
                merge_object_unions(value);
            }
            if let Some(merged) = merged(map) {
                *map = merged;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(merge_object_unions),
        _ => {}
    }
}

/// The one object a union node stands for, or `None` when it is not a union of objects.
fn merged(node: &Map<String, Value>) -> Option<Map<String, Value>> {
    let typed_other = node.get("type").is_some_and(|t| t != "object");
    if typed_other || node.contains_key("properties") || node.contains_key("$ref") {
        return None;
    }
    let (key, alternatives) = ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|key| Some((key, node.get(key)?.as_array()?)))?;
    let objects: Vec<&Map<String, Value>> = alternatives
        .iter()
        .map(|a| {
            let a = a.as_object()?;
            let is_object = a.get("type").is_none_or(|t| t == "object");
            (is_object && a.get("properties").is_some_and(Value::is_object)).then_some(a)
        })
        .collect::<Option<_>>()?;
    let mut properties = Map::new();
    for object in &objects {
        for (name, schema) in object["properties"].as_object()? {
            properties
                .entry(name.clone())
                .or_insert_with(|| schema.clone());
        }
    }
    let required_lists: Vec<Value> = objects
        .iter()
        .map(|o| {
            let required = o
                .get("required")
                .cloned()
                .unwrap_or(Value::Array(Vec::new()));
            Value::Object(Map::from_iter([("required".to_owned(), required)]))
        })
        .collect();
    let closed = objects
        .iter()
        .all(|o| o.get("additionalProperties") == Some(&Value::Bool(false)));
    let mut out = Map::new();
    out.insert("type".into(), "object".into());
    out.insert("properties".into(), Value::Object(properties));
    out.insert(key.into(), Value::Array(required_lists));
    if closed {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    // Whatever else the node said (a description, `insertionOrder`) stays.
    for (k, v) in node {
        if k != key {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::merge_object_unions;

    #[test]
    fn a_union_of_objects_becomes_one_object_with_its_alternatives() {
        let mut schema = json!({"definitions": {"Config": {"oneOf": [
            {"type": "object", "properties": {"Edi": {"type": "string"}}, "required": ["Edi"],
             "additionalProperties": false},
            {"type": "object", "properties": {"X12": {"type": "string"}}, "required": ["X12"],
             "additionalProperties": false}
        ]}}});
        merge_object_unions(&mut schema);
        assert_eq!(
            schema["definitions"]["Config"],
            json!({"type": "object", "properties": {"Edi": {"type": "string"},
                "X12": {"type": "string"}}, "oneOf": [{"required": ["Edi"]},
                {"required": ["X12"]}], "additionalProperties": false})
        );
    }

    #[test]
    fn an_object_typed_union_of_objects_is_merged_too() {
        let mut schema = json!({"type": "object", "oneOf": [
            {"properties": {"Regex": {"type": "string"}}, "required": ["Regex"]},
            {"properties": {"Words": {"type": "string"}}, "required": ["Words"]}
        ]});
        merge_object_unions(&mut schema);
        assert_eq!(
            schema["properties"],
            json!({"Regex": {"type": "string"},
            "Words": {"type": "string"}})
        );
        assert_eq!(
            schema["oneOf"],
            json!([{"required": ["Regex"]}, {"required": ["Words"]}])
        );
    }

    #[test]
    fn a_union_of_other_shapes_is_left_alone() {
        let original = json!({"oneOf": [{"type": "string"}, {"type": "object",
            "properties": {"A": {"type": "string"}}}]});
        let mut schema = original.clone();
        merge_object_unions(&mut schema);
        assert_eq!(schema, original);
    }
}
