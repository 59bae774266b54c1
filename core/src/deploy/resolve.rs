//! Resolving a resource's properties into the inputs a provider receives: `Ref` becomes the
//! dependency's physical id, `Fn::GetAtt` its attribute, `Fn::Base64` an encoded string,
//! `Fn::Join` a string. A value that depends on a resource not yet created is *unknown*: it is
//! shown as "(known after apply)" in plans and always counts as a change.

use base64::Engine as _;
use petgraph::stable_graph::NodeIndex;

use crate::stack::Stack;
use crate::value::Value;

use super::provider::{Attributes, Inputs, Json};

/// The key of the marker object standing for an unknown value.
pub const UNKNOWN: &str = "stratus:unknown";

/// What is known of a dependency while resolving.
pub(crate) trait Known {
    /// Its physical id and attributes, or `None` when it is still to be created.
    fn get(&self, logical_id: &str) -> Option<(&str, &Attributes)>;
}

/// The inputs of a node: properties resolved, tags merged in as the template has them.
pub(crate) fn inputs(stack: &Stack, index: NodeIndex, known: &dyn Known) -> Inputs {
    let node = stack.graph().node(index);
    let mut inputs = Inputs::new();
    for (name, value) in node.properties.iter() {
        inputs.insert(name.to_owned(), resolve(stack, value, known));
    }
    if let Some((property, tags)) = crate::synth::tags_json(stack, node) {
        inputs.insert(property.to_owned(), tags);
    }
    inputs
}

fn unknown(what: String) -> Json {
    let mut map = serde_json::Map::new();
    map.insert(UNKNOWN.to_owned(), Json::String(what));
    Json::Object(map)
}

/// Whether a value holds an unknown anywhere.
pub fn is_unknown(value: &Json) -> bool {
    match value {
        Json::Object(map) => map.contains_key(UNKNOWN) || map.values().any(is_unknown),
        Json::Array(items) => items.iter().any(is_unknown),
        _ => false,
    }
}

/// Resolves one value.
pub(crate) fn resolve(stack: &Stack, value: &Value, known: &dyn Known) -> Json {
    let logical =
        |id: &crate::handle::ResourceId| stack.graph().node(id.node()).logical_id.as_str();
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(|v| resolve(stack, v, known)).collect()),
        Value::Map(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), resolve(stack, v, known)))
                .collect(),
        ),
        Value::Ref(id) => match known.get(logical(id)) {
            Some((physical, _)) => Json::String(physical.to_owned()),
            None => unknown(format!("{}.Ref", logical(id))),
        },
        Value::GetAtt(id, attribute) => {
            match known.get(logical(id)).and_then(|(_, a)| a.get(*attribute)) {
                Some(value) => value.clone(),
                None => unknown(format!("{}.{attribute}", logical(id))),
            }
        }
        Value::Base64(inner) => match resolve(stack, inner, known) {
            Json::String(text) => {
                Json::String(base64::engine::general_purpose::STANDARD.encode(text))
            }
            other if is_unknown(&other) => other,
            other => {
                Json::String(base64::engine::general_purpose::STANDARD.encode(other.to_string()))
            }
        },
        Value::Join(separator, parts) => {
            let parts: Vec<Json> = parts.iter().map(|p| resolve(stack, p, known)).collect();
            if let Some(part) = parts.iter().find(|p| is_unknown(p)) {
                return part.clone();
            }
            let texts: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            Json::String(texts.join(separator))
        }
    }
}
