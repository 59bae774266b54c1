//! Plans: the desired graph against recorded (or refreshed) state, property by property.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::removal::{RemovalPolicy, is_data_bearing};
use crate::stack::Stack;

use super::absent;
use super::provider::{Attributes, Inputs, Json, Provider};
use super::refresh::ResourceDrift;
use super::resolve::{self, Known};
use super::state::State;

/// What will happen to one resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// It does not exist yet.
    Create,
    /// Some properties change in place.
    Update,
    /// A property that cannot change in place changes: a new resource replaces the old one.
    Replace {
        /// The properties that force it.
        because: Vec<String>,
    },
    /// It is no longer declared.
    Delete,
    /// The old half of an earlier replacement, still to delete.
    DeleteRetired {
        /// Its physical id.
        physical_id: String,
    },
    /// Nothing changes.
    NoOp,
}

/// One property's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropertyChange {
    /// The property.
    pub name: String,
    /// Its recorded value.
    pub before: Option<Json>,
    /// Its desired value; may hold unknowns ("known after apply").
    pub after: Option<Json>,
}

/// One resource's planned change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The logical id.
    pub logical_id: String,
    /// The construct path, for declared resources.
    pub path: Option<String>,
    /// The type.
    pub type_name: String,
    /// What happens.
    pub action: Action,
    /// The properties that change (all of them for a creation).
    pub properties: Vec<PropertyChange>,
    /// What deleting or replacing it does to the old resource.
    #[serde(default)]
    pub removal: RemovalPolicy,
    /// The removal policy recorded for it, when the declaration changes it: the new policy is
    /// recorded without any call (it says what a later delete or replacement does), and a
    /// replacement in this same plan already honours it, as CloudFormation honours the new
    /// template's `UpdateReplacePolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal_before: Option<RemovalPolicy>,
    /// The desired node (declared resources).
    #[serde(skip)]
    pub(crate) node: Option<NodeIndex>,
}

impl Change {
    /// Why applying it interrupts what runs, if it does: a running instance or database
    /// replaced, an auto scaling group replaced (its instances with it).
    pub fn disruption(&self) -> Option<&'static str> {
        if !matches!(self.action, Action::Replace { .. }) {
            return None;
        }
        match self.type_name.as_str() {
            "AWS::EC2::Instance" => Some("the running instance is replaced: a new one boots"),
            "AWS::RDS::DBInstance" => {
                Some("the database is replaced: connections drop and a new endpoint answers")
            }
            "AWS::AutoScaling::AutoScalingGroup" => {
                Some("the group is replaced: every instance in it is replaced")
            }
            _ => None,
        }
    }
}

/// A delete or replacement that loses data: a data-bearing resource whose removal policy keeps
/// no snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataLoss {
    /// The logical id.
    pub logical_id: String,
    /// The construct path, for declared resources.
    pub path: Option<String>,
    /// The type.
    pub type_name: String,
    /// `delete` or `replace`.
    pub action: String,
}

/// Counts per action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// To create.
    pub create: usize,
    /// To update in place.
    pub update: usize,
    /// To replace.
    pub replace: usize,
    /// To delete (retired halves of replacements included).
    pub delete: usize,
    /// Unchanged.
    pub unchanged: usize,
    /// Removal policies changed: recorded, no call made.
    #[serde(default)]
    pub policy: usize,
}

impl Summary {
    /// Counts one declared resource's action.
    fn count(&mut self, action: &Action) {
        match action {
            Action::Create => self.create += 1,
            Action::Update => self.update += 1,
            Action::Replace { .. } => self.replace += 1,
            Action::NoOp => self.unchanged += 1,
            Action::Delete | Action::DeleteRetired { .. } => {}
        }
    }
}

/// A stack's plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The stack.
    pub stack: String,
    /// The region its calls go to, as its `Environment` says.
    #[serde(default)]
    pub region: Option<String>,
    /// The account its `Environment` names, if any (else the credentials').
    #[serde(default)]
    pub account: Option<String>,
    /// Every resource, declared ones in creation order, then deletions.
    pub changes: Vec<Change>,
    /// Counts.
    pub summary: Summary,
    /// What the refresh found changed outside Stratus (empty without a refresh).
    #[serde(default)]
    pub drift: Vec<ResourceDrift>,
    /// Deletes and replacements that lose data unless explicitly allowed.
    #[serde(default)]
    pub data_loss: Vec<DataLoss>,
}

impl Plan {
    /// Whether applying it would change anything.
    pub fn has_changes(&self) -> bool {
        let s = self.summary;
        s.create + s.update + s.replace + s.delete + s.policy > 0
    }

    /// The change of a logical id.
    pub fn change(&self, logical_id: &str) -> Option<&Change> {
        self.changes.iter().find(|c| c.logical_id == logical_id)
    }

    /// The data losses not allowed by `allowed` (logical ids or construct paths, full or
    /// within the stack).
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// use stratus_core::deploy::{DataLoss, Plan, Summary};
    /// let plan = Plan {
    ///     stack: "prod".into(),
    ///     region: Some("us-east-1".into()),
    ///     account: None,
    ///     changes: Vec::new(),
    ///     summary: Summary::default(),
    ///     drift: Vec::new(),
    ///     data_loss: vec![DataLoss {
    ///         logical_id: "Db".into(),
    ///         path: Some("prod/db".into()),
    ///         type_name: "AWS::RDS::DBInstance".into(),
    ///         action: "delete".into(),
    ///     }],
    /// };
    /// assert_eq!(plan.unallowed_data_loss(&BTreeSet::new()).len(), 1);
    /// assert!(plan.unallowed_data_loss(&BTreeSet::from(["db".to_owned()])).is_empty());
    /// assert!(plan.unallowed_data_loss(&BTreeSet::from(["Db".to_owned()])).is_empty());
    /// ```
    pub fn unallowed_data_loss(&self, allowed: &BTreeSet<String>) -> Vec<&DataLoss> {
        self.data_loss
            .iter()
            .filter(|d| !names(allowed, &self.stack, &d.logical_id, d.path.as_deref()))
            .collect()
    }
}

/// Whether `set` (what a flag named: logical ids or construct paths, full or within the stack)
/// names the resource `logical_id` at `path` of `stack`.
pub(crate) fn names(
    set: &BTreeSet<String>,
    stack: &str,
    logical_id: &str,
    path: Option<&str>,
) -> bool {
    set.contains(logical_id)
        || path.is_some_and(|p| {
            set.contains(p)
                || p.strip_prefix(stack)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|within| set.contains(within))
        })
}

/// Dependencies resolved from state, except those about to be (re)created, and the
/// attributes that an update about to happen changes.
struct FromState<'a> {
    state: &'a State,
    pending: &'a HashMap<String, bool>,
    /// Attributes of resources about to be updated, less those the update changes.
    updating: &'a HashMap<String, Attributes>,
}

impl Known for FromState<'_> {
    fn get(&self, logical_id: &str) -> Option<(&str, &Attributes)> {
        if self.pending.get(logical_id).copied().unwrap_or(false) {
            return None;
        }
        let recorded = self.state.resources.get(logical_id)?;
        let attributes = self
            .updating
            .get(logical_id)
            .unwrap_or(&recorded.attributes);
        Some((recorded.physical_id.as_str(), attributes))
    }
}

/// The action for one declared resource and its changed properties. A changed property
/// replaces the resource when the construct says so or the provider cannot update it in place.
fn diff(
    node: &crate::graph::Node,
    recorded: Option<&super::state::ResourceState>,
    desired: &Inputs,
    provider: Option<&dyn Provider>,
) -> (Action, Vec<PropertyChange>) {
    let Some(recorded) = recorded else {
        let properties = desired
            .iter()
            .map(|(name, value)| PropertyChange {
                name: name.clone(),
                before: None,
                after: Some(value.clone()),
            })
            .collect();
        return (Action::Create, properties);
    };
    if recorded.type_name != node.type_name {
        return (
            Action::Replace {
                because: vec!["Type".into()],
            },
            Vec::new(),
        );
    }
    let names: BTreeSet<&String> = recorded.inputs.keys().chain(desired.keys()).collect();
    let differing: Vec<PropertyChange> = names
        .into_iter()
        .filter_map(|name| {
            let before = recorded.inputs.get(name);
            let after = desired.get(name);
            let differs = before != after || after.is_some_and(resolve::is_unknown);
            differs.then(|| PropertyChange {
                name: name.clone(),
                before: before.cloned(),
                after: after.cloned(),
            })
        })
        .collect();
    let contract = provider.and_then(|p| p.contract(node.type_name));
    let forcing: Vec<String> = differing
        .iter()
        .filter(|c| {
            node.replace_on.contains(&c.name.as_str())
                || contract.is_some_and(|contract| contract.replaces_on(&c.name))
        })
        .map(|c| c.name.clone())
        .collect();
    let action = if differing.is_empty() {
        Action::NoOp
    } else if forcing.is_empty() {
        Action::Update
    } else {
        Action::Replace { because: forcing }
    };
    (action, differing)
}

/// The delete of what a replacement left to delete later.
fn retired_change(retired: &super::state::Retired) -> Change {
    Change {
        logical_id: retired.logical_id.clone(),
        path: None,
        type_name: retired.type_name.clone(),
        action: Action::DeleteRetired {
            physical_id: retired.physical_id.clone(),
        },
        properties: Vec::new(),
        removal: retired.removal,
        removal_before: None,
        node: None,
    }
}

/// Refuses an update that removes a property AWS would keep at its last value (no default
/// resets it): applying it would report success and change nothing.
fn refuse_unresettable(
    node: &crate::graph::Node,
    action: &Action,
    recorded: Option<&super::state::ResourceState>,
    desired: &Inputs,
    provider: Option<&dyn Provider>,
) -> Result<(), ValidationError> {
    let (Action::Update, Some(recorded), Some(contract)) = (
        action,
        recorded,
        provider.and_then(|p| p.contract(node.type_name)),
    ) else {
        return Ok(());
    };
    let kept = absent::unresettable_removals(&contract, &recorded.inputs, desired);
    if kept.is_empty() {
        return Ok(());
    }
    Err(ValidationError::InvalidValue {
        path: node.path.clone(),
        problem: format!(
            "{} removed from the declaration of this {}, but AWS keeps the last value of {} \
             when an update leaves {} out",
            kept.join(", "),
            node.type_name,
            if kept.len() == 1 { "it" } else { "each" },
            if kept.len() == 1 { "it" } else { "them" },
        ),
        fix: format!(
            "declare the value you want {} to have instead of removing it",
            kept.join(", ")
        ),
    })
}

/// The data a delete or replacement loses: a data-bearing resource whose policy keeps nothing.
fn loses_data(
    removal: RemovalPolicy,
    recorded: &super::state::ResourceState,
    action: &str,
    node: Option<&crate::graph::Node>,
) -> Option<DataLoss> {
    (removal == RemovalPolicy::Destroy
        && is_data_bearing(&recorded.type_name, |p| recorded.inputs.contains_key(p)))
    .then(|| DataLoss {
        logical_id: node.map(|n| n.logical_id.clone()).unwrap_or_default(),
        path: node.map(|n| n.path.to_string()),
        type_name: recorded.type_name.clone(),
        action: action.to_owned(),
    })
}

/// Plans `stack` against `state` from the constructs' replace-on lists alone (no provider).
///
/// # Errors
/// A dependency cycle.
pub fn plan(stack: &Stack, state: &State) -> Result<Plan, ValidationError> {
    plan_with(stack, state, None)
}

/// Plans `stack` against `state`; with a provider, a change of a property its contract does
/// not update in place is a replacement too.
///
/// # Errors
/// A dependency cycle; an update removing a property that no default resets (see
/// [`Absent::Kept`](super::Absent::Kept)).
pub fn plan_with(
    stack: &Stack,
    state: &State,
    provider: Option<&dyn Provider>,
) -> Result<Plan, ValidationError> {
    let graph = stack.graph();
    let order = graph.topological_order()?;
    // Whether each logical id gets a new physical resource in this plan.
    let mut recreated: HashMap<String, bool> = HashMap::with_capacity(order.len());
    let mut updating: HashMap<String, Attributes> = HashMap::new();
    let mut changes = Vec::with_capacity(order.len() + state.retired.len());
    let mut summary = Summary::default();
    let mut data_loss = Vec::new();
    let mut declared = BTreeSet::new();
    for index in order {
        let node = graph.node(index);
        declared.insert(node.logical_id.clone());
        let desired = resolve::inputs(
            stack,
            index,
            &FromState {
                state,
                pending: &recreated,
                updating: &updating,
            },
        );
        let recorded = state.resources.get(&node.logical_id);
        let (action, properties) = diff(node, recorded, &desired, provider);
        refuse_unresettable(node, &action, recorded, &desired, provider)?;
        summary.count(&action);
        if let (Action::Replace { .. }, Some(recorded)) = (&action, recorded) {
            data_loss.extend(loses_data(node.removal, recorded, "replace", Some(node)));
        }
        let removal_before = recorded.map(|r| r.removal).filter(|r| *r != node.removal);
        summary.policy += usize::from(removal_before.is_some());
        recreated.insert(
            node.logical_id.clone(),
            matches!(action, Action::Create | Action::Replace { .. }),
        );
        let changing = provider
            .and_then(|p| p.contract(node.type_name))
            .map_or(&[][..], |c| c.updated_attributes);
        if let (Action::Update, Some(recorded), false) = (&action, recorded, changing.is_empty()) {
            let mut known = recorded.attributes.clone();
            known.retain(|name, _| !changing.contains(&name.as_str()));
            updating.insert(node.logical_id.clone(), known);
        }
        changes.push(Change {
            logical_id: node.logical_id.clone(),
            path: Some(node.path.to_string()),
            type_name: node.type_name.to_owned(),
            action,
            properties,
            removal: node.removal,
            removal_before,
            node: Some(index),
        });
    }
    let removed: BTreeMap<&String, _> = state
        .resources
        .iter()
        .filter(|(id, _)| !declared.contains(*id))
        .collect();
    for (logical_id, recorded) in removed {
        summary.delete += 1;
        data_loss.extend(
            loses_data(recorded.removal, recorded, "delete", None).map(|mut loss| {
                loss.logical_id.clone_from(logical_id);
                loss.path.clone_from(&recorded.path);
                loss
            }),
        );
        changes.push(Change {
            logical_id: logical_id.clone(),
            path: recorded.path.clone(),
            type_name: recorded.type_name.clone(),
            action: Action::Delete,
            properties: Vec::new(),
            removal: recorded.removal,
            removal_before: None,
            node: None,
        });
    }
    summary.delete += state.retired.len();
    changes.extend(state.retired.iter().map(retired_change));
    Ok(Plan {
        stack: stack.name().to_owned(),
        region: stack.env().region.clone(),
        account: stack.env().account.clone(),
        changes,
        summary,
        drift: Vec::new(),
        data_loss,
    })
}
