//! What the estimator reads: resources with CloudFormation-shaped properties, from a stack's
//! template or from recorded state, and how one resource's property points at another.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use crate::deploy::State;
use crate::stack::Stack;

/// One resource to price.
#[derive(Debug)]
pub(super) struct Priced {
    pub(super) logical_id: String,
    pub(super) path: String,
    pub(super) type_name: String,
    pub(super) properties: serde_json::Map<String, Json>,
}

impl Priced {
    /// A property at a dotted path (`LaunchTemplateData.InstanceType`).
    pub(super) fn at(&self, path: &str) -> Option<&Json> {
        let mut parts = path.split('.');
        let mut value = self.properties.get(parts.next()?)?;
        for part in parts {
            value = value.get(part)?;
        }
        Some(value)
    }

    /// A string property.
    pub(super) fn text(&self, path: &str) -> Option<&str> {
        self.at(path).and_then(Json::as_str)
    }

    /// A number property; CloudFormation writes many as strings (`"20"`).
    pub(super) fn number(&self, path: &str) -> Option<f64> {
        match self.at(path)? {
            Json::Number(n) => n.as_f64(),
            Json::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// A boolean property (`true` or `"true"`).
    pub(super) fn flag(&self, path: &str) -> bool {
        match self.at(path) {
            Some(Json::Bool(b)) => *b,
            Some(Json::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }
}

/// The resources of one stack, by logical id, and how to follow a reference.
#[derive(Debug, Default)]
pub(super) struct Resources {
    pub(super) by_id: BTreeMap<String, Priced>,
    /// Physical ids of recorded resources, to follow references state holds resolved.
    by_physical_id: HashMap<String, String>,
}

impl Resources {
    /// The resources a stack declares, read from its template (references are `Ref` and
    /// `Fn::GetAtt`).
    pub(super) fn of_stack(stack: &Stack) -> Self {
        let paths: HashMap<&str, &str> = stack
            .graph()
            .nodes()
            .map(|(_, n)| (n.logical_id.as_str(), n.path.as_str()))
            .collect();
        let template = crate::synth::template(stack);
        let mut by_id = BTreeMap::new();
        if let Some(resources) = template.get("Resources").and_then(Json::as_object) {
            for (id, resource) in resources {
                by_id.insert(
                    id.clone(),
                    Priced {
                        logical_id: id.clone(),
                        path: paths.get(id.as_str()).copied().unwrap_or(id).to_owned(),
                        type_name: resource["Type"].as_str().unwrap_or_default().to_owned(),
                        properties: resource
                            .get("Properties")
                            .and_then(Json::as_object)
                            .cloned()
                            .unwrap_or_default(),
                    },
                );
            }
        }
        Self {
            by_id,
            by_physical_id: HashMap::new(),
        }
    }

    /// The resources recorded in state (references were resolved to physical ids when they
    /// were applied).
    pub(super) fn of_state(state: &State) -> Self {
        let mut by_id = BTreeMap::new();
        let mut by_physical_id = HashMap::new();
        for (id, resource) in &state.resources {
            by_physical_id.insert(resource.physical_id.clone(), id.clone());
            by_id.insert(
                id.clone(),
                Priced {
                    logical_id: id.clone(),
                    path: resource.path.clone().unwrap_or_else(|| id.clone()),
                    type_name: resource.type_name.clone(),
                    properties: resource.inputs.clone(),
                },
            );
        }
        Self {
            by_id,
            by_physical_id,
        }
    }

    /// The resource a value points at: `{"Ref": id}`, `{"Fn::GetAtt": [id, …]}`, or (in
    /// state) another resource's physical id.
    pub(super) fn target(&self, value: Option<&Json>) -> Option<&Priced> {
        let value = value?;
        let id = if let Some(id) = value.get("Ref").and_then(Json::as_str) {
            id.to_owned()
        } else if let Some(id) = value
            .get("Fn::GetAtt")
            .and_then(|g| g.get(0))
            .and_then(Json::as_str)
        {
            id.to_owned()
        } else {
            self.by_physical_id.get(value.as_str()?)?.clone()
        };
        self.by_id.get(&id)
    }
}
