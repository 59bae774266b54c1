//! Properties a declaration leaves out, and list properties other resources add to.
//!
//! AWS keeps a value an update does not mention: removing a property from a declaration resets
//! it only when the update sends the property's default ([`Absent`]). And a list some other
//! resources of the stack add to (a security group's rules, beside separate rule resources) is
//! compared whole, its declared elements plus theirs ([`Gathered`]), so that a rule added outside
//! Stratus is drift rather than "someone else's".

use std::collections::BTreeSet;

use super::compare::declared_eq;
use super::contract::{Absent, PropertySpec, TypeContract, Update};
use super::provider::{Inputs, Json};
use super::state::{ResourceState, State};

/// The inputs an update sends: the declared ones, plus the default of every changed property
/// the declaration no longer has, so that AWS resets it instead of keeping its last value.
pub(crate) fn with_resets(
    contract: Option<&TypeContract>,
    inputs: &Inputs,
    changed: &[String],
) -> Inputs {
    let mut effective = inputs.clone();
    let Some(contract) = contract else {
        return effective;
    };
    for name in changed.iter().filter(|n| !inputs.contains_key(*n)) {
        if let Some(default) = contract
            .property(name)
            .and_then(PropertySpec::default_value)
        {
            effective.insert(name.clone(), default);
        }
    }
    effective
}

/// The in-place properties `recorded` has, `desired` leaves out, and nothing can reset.
pub(crate) fn unresettable_removals<'a>(
    contract: &TypeContract,
    recorded: &'a Inputs,
    desired: &Inputs,
) -> Vec<&'a str> {
    recorded
        .keys()
        .filter(|name| !desired.contains_key(*name))
        .filter(|name| {
            contract
                .property(name)
                .is_some_and(|p| p.update == Update::InPlace && p.absent == Absent::Kept)
        })
        .map(String::as_str)
        .collect()
}

/// The elements resources of the stack add to `spec`'s list on the resource `physical_id`:
/// each contributor's inputs without the property naming its parent. `skip` leaves out
/// contributors known to be gone.
fn contributions(
    spec: &PropertySpec,
    state: &State,
    physical_id: &str,
    skip: &BTreeSet<String>,
) -> Vec<Json> {
    let Some(gathered) = spec.gathered else {
        return Vec::new();
    };
    state
        .resources
        .iter()
        .filter(|(id, r)| r.type_name == gathered.type_name && !skip.contains(*id))
        .filter(|(_, r)| r.inputs.get(gathered.parent).and_then(Json::as_str) == Some(physical_id))
        .map(|(_, r)| {
            let mut element = r.inputs.clone();
            element.remove(gathered.parent);
            Json::Object(element)
        })
        .collect()
}

/// The record of `logical_id` as the cloud should show it: every gathered list holds its
/// declared elements (or its default, when undeclared) and those of the stack's contributing
/// resources, except the contributors in `skip`.
pub(crate) fn expected(
    contract: Option<&TypeContract>,
    state: &State,
    logical_id: &str,
    skip: &BTreeSet<String>,
) -> Option<ResourceState> {
    let mut resource = state.resources.get(logical_id)?.clone();
    let Some(contract) = contract else {
        return Some(resource);
    };
    for spec in contract.properties.iter().filter(|p| p.gathered.is_some()) {
        let added = contributions(spec, state, &resource.physical_id, skip);
        let declared = resource
            .inputs
            .get(spec.name)
            .cloned()
            .or_else(|| spec.default_value());
        let Some(Json::Array(mut list)) = declared else {
            continue;
        };
        list.extend(added);
        resource
            .inputs
            .insert(spec.name.to_owned(), Json::Array(list));
    }
    Some(resource)
}

/// A refreshed gathered list: the live elements that no contributing resource accounts for,
/// which are the resource's own (declared, or added outside Stratus: a plan then takes them
/// away). Every contributor accounts for one live element at most.
pub(crate) fn own_elements(
    spec: &PropertySpec,
    state: &State,
    physical_id: &str,
    skip: &BTreeSet<String>,
    live: &Json,
) -> Json {
    let Json::Array(live) = live else {
        return live.clone();
    };
    let mut unclaimed = contributions(spec, state, physical_id, skip);
    let own = live
        .iter()
        .filter(
            |element| match unclaimed.iter().position(|c| declared_eq(c, Some(element))) {
                Some(i) => {
                    unclaimed.swap_remove(i);
                    false
                }
                None => true,
            },
        )
        .cloned()
        .collect();
    Json::Array(own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::Compare;
    use crate::deploy::contract::Identity;
    use serde_json::json;

    static PROPS: [PropertySpec; 3] = [
        PropertySpec::updatable("Egress")
            .compared(Compare::Unordered)
            .resets_to(r#"[{"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}]"#)
            .gathered_from("T::Rule", "GroupId"),
        PropertySpec::updatable("Enabled").resets_to("false"),
        PropertySpec::updatable("Size"),
    ];
    static CONTRACT: TypeContract = TypeContract::new("T::Group", Identity::Generated, &PROPS);

    fn resource(type_name: &str, physical_id: &str, inputs: serde_json::Value) -> ResourceState {
        ResourceState {
            type_name: type_name.into(),
            physical_id: physical_id.into(),
            inputs: inputs.as_object().cloned().unwrap(),
            attributes: std::collections::BTreeMap::new(),
            depends_on: Vec::new(),
            ownership: std::collections::BTreeMap::new(),
            token: "t".into(),
            removal: crate::removal::RemovalPolicy::Destroy,
            path: None,
        }
    }

    fn state() -> State {
        let mut state = State::default();
        state.resources.insert(
            "Group".into(),
            resource("T::Group", "sg-1", json!({"Size": 1})),
        );
        state.resources.insert(
            "Rule".into(),
            resource(
                "T::Rule",
                "r-1",
                json!({"GroupId": "sg-1", "IpProtocol": "tcp", "FromPort": 443}),
            ),
        );
        state.resources.insert(
            "OtherGroupsRule".into(),
            resource(
                "T::Rule",
                "r-2",
                json!({"GroupId": "sg-2", "IpProtocol": "tcp", "FromPort": 22}),
            ),
        );
        state
    }

    #[test]
    fn removed_properties_are_sent_as_their_defaults_and_kept_ones_are_named() {
        let inputs = json!({"Size": 2}).as_object().cloned().unwrap();
        let changed = vec!["Enabled".to_owned(), "Size".to_owned()];
        let sent = with_resets(Some(&CONTRACT), &inputs, &changed);
        assert_eq!(sent.get("Enabled"), Some(&json!(false)));
        assert_eq!(sent.get("Size"), Some(&json!(2)));
        let recorded = json!({"Size": 1, "Enabled": true})
            .as_object()
            .cloned()
            .unwrap();
        let desired = Inputs::new();
        assert_eq!(
            unresettable_removals(&CONTRACT, &recorded, &desired),
            vec!["Size"]
        );
    }

    #[test]
    fn a_gathered_list_expects_its_default_and_the_stacks_rules_for_this_group_only() {
        let state = state();
        let expected = expected(Some(&CONTRACT), &state, "Group", &BTreeSet::new()).unwrap();
        assert_eq!(
            expected.inputs["Egress"],
            json!([
                {"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"},
                {"IpProtocol": "tcp", "FromPort": 443}
            ])
        );
        let gone: BTreeSet<String> = ["Rule".to_owned()].into();
        let without = super::expected(Some(&CONTRACT), &state, "Group", &gone).unwrap();
        assert_eq!(without.inputs["Egress"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn own_elements_leave_out_what_a_rule_resource_accounts_for_once() {
        let state = state();
        let live = json!([
            {"IpProtocol": "tcp", "FromPort": 443, "Description": "x"},
            {"IpProtocol": "tcp", "FromPort": 443},
            {"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}
        ]);
        let own = own_elements(&PROPS[0], &state, "sg-1", &BTreeSet::new(), &live);
        assert_eq!(
            own,
            json!([
                {"IpProtocol": "tcp", "FromPort": 443},
                {"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}
            ])
        );
    }
}
