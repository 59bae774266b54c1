//! Refresh and drift: what differs between recorded state and the cloud, property by property,
//! compared the way each type's contract says (only what the stack declares). The engine reads
//! the live resources; this module decides what differs and what a refreshed state records.

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use super::absent;
use super::compare::{Compare, matches, refreshed};
use super::contract::TypeContract;
use super::provider::{Json, Live};
use super::state::{ResourceState, State};

/// One property that differs from what was recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropertyDrift {
    /// The property.
    pub name: String,
    /// What the stack recorded.
    pub recorded: Json,
    /// What the cloud has (`None`: the property is gone).
    pub live: Option<Json>,
}

/// How a resource differs from its record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DriftStatus {
    /// Deleted outside Stratus.
    Deleted,
    /// Some properties were changed outside Stratus.
    Modified {
        /// The properties that differ.
        properties: Vec<PropertyDrift>,
    },
}

/// A resource that differs from its record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceDrift {
    /// The logical id.
    pub logical_id: String,
    /// The type.
    pub type_name: String,
    /// The physical id.
    pub physical_id: String,
    /// What differs.
    #[serde(flatten)]
    pub status: DriftStatus,
}

/// What `drift` found for a stack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// The stack.
    pub stack: String,
    /// How many recorded resources were read.
    pub checked: usize,
    /// Those that differ (only them).
    pub resources: Vec<ResourceDrift>,
}

impl Drift {
    /// Whether anything differs.
    pub fn has_drift(&self) -> bool {
        !self.resources.is_empty()
    }

    /// The drift of a logical id.
    pub fn resource(&self, logical_id: &str) -> Option<&ResourceDrift> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }
}

/// The properties of `recorded` that `live` does not match, each under its contract's
/// comparison (properties the contract does not know are compared as declared). A property the
/// record leaves out is compared with its contract's default when the cloud reports it: a
/// value set outside Stratus where the stack declares nothing is drift too.
pub fn differences(
    contract: Option<&TypeContract>,
    recorded: &ResourceState,
    live: &Live,
) -> Vec<PropertyDrift> {
    let defaults = contract
        .map_or(&[][..], |c| c.properties)
        .iter()
        .filter(|p| !recorded.inputs.contains_key(p.name) && live.properties.contains_key(p.name))
        .filter_map(|p| p.default_value().map(|value| (p.name.to_owned(), value)));
    recorded
        .inputs
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .chain(defaults)
        .filter_map(|(name, value)| {
            let compare = comparison(contract, &name);
            let live_value = live.properties.get(&name);
            (!matches(compare, &value, live_value)).then(|| PropertyDrift {
                live: live_value.cloned(),
                name,
                recorded: value,
            })
        })
        .collect()
}

/// How a property is compared under a contract.
pub(crate) fn comparison(contract: Option<&TypeContract>, name: &str) -> Compare {
    contract
        .and_then(|c| c.property(name))
        .map_or(Compare::Declared, |p| p.compare)
}

/// The record refreshed from the live resource: differing properties take their live values
/// (in the declared shape), attributes are the live ones over the recorded.
pub(crate) fn refresh_resource(
    contract: Option<&TypeContract>,
    recorded: &ResourceState,
    live: &Live,
    differing: &[PropertyDrift],
) -> ResourceState {
    let mut resource = recorded.clone();
    for drift in differing {
        let compare = comparison(contract, &drift.name);
        match refreshed(compare, &drift.recorded, drift.live.as_ref()) {
            Some(value) => {
                resource.inputs.insert(drift.name.clone(), value);
            }
            None => {
                resource.inputs.remove(&drift.name);
            }
        }
    }
    resource
        .attributes
        .extend(live.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
    resource
}

/// Refreshes `logical_id` of `state` from `live`: what differs, compared with the record as
/// the cloud should show it (gathered lists with the elements of the stack's contributing
/// resources, except those in `gone`), and the refreshed record, whose gathered lists keep the
/// live elements no contributor accounts for.
pub(crate) fn refresh_in_stack(
    contract: Option<&TypeContract>,
    state: &State,
    logical_id: &str,
    live: &Live,
    gone: &BTreeSet<String>,
) -> Option<(ResourceState, Vec<PropertyDrift>)> {
    let recorded = state.resources.get(logical_id)?;
    let expected = absent::expected(contract, state, logical_id, gone)?;
    let differing = differences(contract, &expected, live);
    let mut resource = refresh_resource(contract, recorded, live, &differing);
    for drift in &differing {
        let spec = contract.and_then(|c| c.property(&drift.name));
        if let (Some(spec), Some(live_value)) = (spec.filter(|s| s.gathered.is_some()), &drift.live)
        {
            let own = absent::own_elements(spec, state, &recorded.physical_id, gone, live_value);
            resource.inputs.insert(drift.name.clone(), own);
        }
    }
    Some((resource, differing))
}

/// What differs between `logical_id`'s record in `state` and `live`, compared as a refresh
/// compares it (with what the stack's other resources add); nothing when it is not recorded.
pub(crate) fn differences_in_stack(
    contract: Option<&TypeContract>,
    state: &State,
    logical_id: &str,
    live: &Live,
) -> Vec<PropertyDrift> {
    refresh_in_stack(contract, state, logical_id, live, &BTreeSet::new())
        .map(|(_, differing)| differing)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::contract::{Identity, PropertySpec};
    use serde_json::json;

    static PROPS: [PropertySpec; 3] = [
        PropertySpec::updatable("MaxSize"),
        PropertySpec::updatable("Subnets").compared(Compare::Unordered),
        PropertySpec::updatable("DesiredCapacity").compared(Compare::Ignore),
    ];

    #[test]
    fn only_declared_differences_count_and_refresh_takes_live_values() {
        let contract = TypeContract::new("T::T::T", Identity::Generated, &PROPS);
        let recorded = ResourceState {
            type_name: "T::T::T".into(),
            physical_id: "p".into(),
            inputs: json!({"MaxSize": "6", "Subnets": ["a", "b"], "DesiredCapacity": "4"})
                .as_object()
                .cloned()
                .unwrap(),
            attributes: [("Arn".to_owned(), json!("old"))].into_iter().collect(),
            depends_on: Vec::new(),
            ownership: std::collections::BTreeMap::new(),
            token: "t".into(),
            removal: crate::removal::RemovalPolicy::Destroy,
            path: None,
        };
        let live = Live {
            properties:
                json!({"MaxSize": 10, "Subnets": ["b", "a"], "DesiredCapacity": 7, "Extra": 1})
                    .as_object()
                    .cloned()
                    .unwrap(),
            attributes: [("Arn".to_owned(), json!("new"))].into_iter().collect(),
        };
        let differing = differences(Some(&contract), &recorded, &live);
        assert_eq!(differing.len(), 1, "{differing:?}");
        assert_eq!(differing[0].name, "MaxSize");
        let refreshed = refresh_resource(Some(&contract), &recorded, &live, &differing);
        assert_eq!(refreshed.inputs["MaxSize"], json!(10));
        assert_eq!(refreshed.inputs["Subnets"], json!(["a", "b"]));
        assert_eq!(refreshed.attributes["Arn"], json!("new"));
    }
}
