//! Turning a plan into operations with their order: phase one creates, updates and replaces;
//! phase two deletes, dependents first.

use std::collections::{HashMap, HashSet};

use petgraph::stable_graph::NodeIndex;

use crate::removal::RemovalPolicy;
use crate::stack::Stack;

use super::super::plan::{Action, Plan};
use super::super::provider::{Inputs, Provider};
use super::super::state::{Operation, State};

/// One operation to dispatch.
#[derive(Clone, Debug)]
pub(super) struct Op {
    pub(super) logical_id: String,
    pub(super) path: Option<String>,
    pub(super) operation: Operation,
    pub(super) type_name: String,
    /// The resource acted on (update, delete).
    pub(super) physical_id: Option<String>,
    /// For creates and updates: the desired node, resolved at dispatch time.
    pub(super) node: Option<NodeIndex>,
    /// Properties that changed (updates).
    pub(super) changed: Vec<String>,
    /// The recorded properties (updates, deletes).
    pub(super) previous: Inputs,
    /// What deleting it does (deletes).
    pub(super) removal: RemovalPolicy,
    /// Operations of the same phase that must finish first.
    pub(super) after: Vec<usize>,
}

impl Op {
    fn new(logical_id: &str, operation: Operation, type_name: &str) -> Self {
        Self {
            logical_id: logical_id.to_owned(),
            path: None,
            operation,
            type_name: type_name.to_owned(),
            physical_id: None,
            node: None,
            changed: Vec::new(),
            previous: Inputs::new(),
            removal: RemovalPolicy::Destroy,
            after: Vec::new(),
        }
    }
}

/// Whether a replacement must delete the old resource first: the provider's contract says the
/// new one would clash with it (the same unique name or identity).
pub(super) fn delete_first(
    provider: &dyn Provider,
    state: &State,
    change: &super::super::plan::Change,
) -> bool {
    let Some(recorded) = state.resources.get(&change.logical_id) else {
        return false;
    };
    let Some(contract) = provider.contract(&change.type_name) else {
        return false;
    };
    let mut desired = recorded.inputs.clone();
    for property in &change.properties {
        match &property.after {
            Some(value) => desired.insert(property.name.clone(), value.clone()),
            None => desired.remove(&property.name),
        };
    }
    !contract.create_before_delete(&recorded.inputs, &desired)
}

/// The replacements that delete the old resource first: those whose new resource would clash
/// with the old one, and, transitively, the replaced resources that refer to one of them (their
/// old halves would otherwise keep it from being deleted).
pub(super) fn deleted_first(
    plan: &Plan,
    state: &State,
    provider: &dyn Provider,
) -> HashSet<String> {
    let replaced: HashSet<&str> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace { .. }))
        .map(|c| c.logical_id.as_str())
        .collect();
    let mut first: HashSet<String> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace { .. }) && delete_first(provider, state, c))
        .map(|c| c.logical_id.clone())
        .collect();
    loop {
        let more: Vec<String> = state
            .resources
            .iter()
            .filter(|(id, r)| {
                replaced.contains(id.as_str())
                    && !first.contains(*id)
                    && r.depends_on.iter().any(|d| first.contains(d))
            })
            .map(|(id, _)| id.clone())
            .collect();
        if more.is_empty() {
            return first;
        }
        first.extend(more);
    }
}

/// What phase one deletes before an old half it refers to.
enum Leaving {
    /// A resource that leaves the stack (its logical id).
    Resource(String),
    /// A retired half (its index in `state.retired`).
    Retired(usize),
}

/// The resources leaving the stack, and retired halves, that refer (transitively through
/// other leaving resources) to an old half that phase one deletes first.
fn leaving_first(plan: &Plan, state: &State, retiring: &HashMap<String, usize>) -> Vec<Leaving> {
    if retiring.is_empty() {
        return Vec::new();
    }
    let leaving: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete && state.resources.contains_key(&c.logical_id))
        .map(|c| c.logical_id.as_str())
        .collect();
    let mut reached: HashSet<&str> = retiring.keys().map(String::as_str).collect();
    let mut early: Vec<&str> = Vec::new();
    loop {
        let more: Vec<&str> = leaving
            .iter()
            .copied()
            .filter(|id| !reached.contains(id))
            .filter(|id| {
                state.resources[*id]
                    .depends_on
                    .iter()
                    .any(|d| reached.contains(d.as_str()))
            })
            .collect();
        if more.is_empty() {
            break;
        }
        reached.extend(more.iter().copied());
        early.extend(more);
    }
    let mut out: Vec<Leaving> = early
        .into_iter()
        .map(|id| Leaving::Resource(id.to_owned()))
        .collect();
    out.extend(
        state
            .retired
            .iter()
            .enumerate()
            .filter(|(_, r)| r.depends_on.iter().any(|d| reached.contains(d.as_str())))
            .map(|(i, _)| Leaving::Retired(i)),
    );
    out
}

/// Phase one: creates, updates, replacements. A replacement whose new resource would clash
/// with the old one deletes the old one first; those deletes run dependents first, so a
/// resource is deleted only after everything of its own that refers to it.
pub(super) fn phase_one(
    stack: &Stack,
    plan: &Plan,
    state: &State,
    provider: &dyn Provider,
) -> Vec<Op> {
    let graph = stack.graph();
    let mut ops: Vec<Op> = Vec::new();
    let first = deleted_first(plan, state, provider);
    // The deletes of delete-first replacements, wired among themselves before anything else.
    let mut retiring: HashMap<String, usize> = HashMap::new();
    for change in &plan.changes {
        if first.contains(&change.logical_id) {
            let recorded = &state.resources[&change.logical_id];
            let mut op = Op::new(&change.logical_id, Operation::Retire, &recorded.type_name);
            op.path.clone_from(&change.path);
            op.physical_id = Some(recorded.physical_id.clone());
            op.previous.clone_from(&recorded.inputs);
            op.removal = change.removal;
            retiring.insert(change.logical_id.clone(), ops.len());
            ops.push(op);
        }
    }
    // Resources leaving the stack that refer to an old half deleted first must go before it:
    // they are deleted here, in phase one, dependents first.
    let early = leaving_first(plan, state, &retiring);
    let mut leaving: HashMap<String, usize> = HashMap::new();
    let mut leaving_depends_on: Vec<(usize, Vec<String>)> = Vec::new();
    for early in early {
        let (mut op, depends_on) = match early {
            Leaving::Resource(id) => {
                let recorded = &state.resources[&id];
                let mut op = Op::new(&id, Operation::Delete, &recorded.type_name);
                op.physical_id = Some(recorded.physical_id.clone());
                op.previous.clone_from(&recorded.inputs);
                op.removal = recorded.removal;
                leaving.insert(id, ops.len());
                (op, recorded.depends_on.clone())
            }
            Leaving::Retired(index) => {
                let retired = &state.retired[index];
                let mut op = Op::new(
                    &retired.logical_id,
                    Operation::DeleteRetired,
                    &retired.type_name,
                );
                op.physical_id = Some(retired.physical_id.clone());
                op.previous.clone_from(&retired.inputs);
                op.removal = retired.removal;
                (op, retired.depends_on.clone())
            }
        };
        op.path = state
            .resources
            .get(&op.logical_id)
            .and_then(|r| r.path.clone());
        leaving_depends_on.push((ops.len(), depends_on));
        ops.push(op);
    }
    // A delete waits for the deletes of what refers to its resource.
    let deleting: HashMap<&String, usize> = retiring
        .iter()
        .chain(leaving.iter())
        .map(|(id, &i)| (id, i))
        .collect();
    for (id, &index) in &retiring {
        ops[index].after = state
            .resources
            .iter()
            .filter(|(_, r)| r.depends_on.contains(id))
            .filter_map(|(dependent, _)| retiring.get(dependent).copied())
            .collect();
    }
    for (dependent, depends_on) in &leaving_depends_on {
        for dependency in depends_on {
            if let Some(&target) = deleting.get(dependency) {
                ops[target].after.push(*dependent);
            }
        }
    }
    let mut creating: HashMap<String, usize> = HashMap::new();
    for change in &plan.changes {
        let Some(node) = change.node else { continue };
        let operation = match &change.action {
            Action::Create | Action::Replace { .. } => Operation::Create,
            Action::Update => Operation::Update,
            _ => continue,
        };
        let mut op = Op::new(&change.logical_id, operation, &change.type_name);
        op.path.clone_from(&change.path);
        op.node = Some(node);
        op.removal = change.removal;
        op.after = graph
            .dependencies(node)
            .into_iter()
            .filter_map(|(dependency, _)| creating.get(&graph.node(dependency).logical_id).copied())
            .collect();
        if let Some(&retire) = retiring.get(&change.logical_id) {
            op.after.push(retire);
        }
        if operation == Operation::Update {
            let recorded = &state.resources[&change.logical_id];
            op.physical_id = Some(recorded.physical_id.clone());
            op.previous.clone_from(&recorded.inputs);
            op.changed = change.properties.iter().map(|p| p.name.clone()).collect();
        }
        creating.insert(change.logical_id.clone(), ops.len());
        ops.push(op);
    }
    ops
}

/// Phase two: deletions of undeclared resources and of retired halves, dependents first.
pub(super) fn phase_two(plan: &Plan, state: &State) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    let mut depends_on: Vec<Vec<String>> = Vec::new();
    for change in &plan.changes {
        if change.action == Action::Delete
            && let Some(recorded) = state.resources.get(&change.logical_id)
        {
            let mut op = Op::new(&change.logical_id, Operation::Delete, &recorded.type_name);
            op.physical_id = Some(recorded.physical_id.clone());
            op.previous.clone_from(&recorded.inputs);
            op.removal = recorded.removal;
            ops.push(op);
            depends_on.push(recorded.depends_on.clone());
        }
    }
    // Retired halves, including those phase one just made.
    for retired in &state.retired {
        let mut op = Op::new(
            &retired.logical_id,
            Operation::DeleteRetired,
            &retired.type_name,
        );
        op.physical_id = Some(retired.physical_id.clone());
        op.previous.clone_from(&retired.inputs);
        op.removal = retired.removal;
        ops.push(op);
        depends_on.push(retired.depends_on.clone());
    }
    // An op waits for every op deleting something that depends on what it deletes.
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        by_id.entry(op.logical_id.as_str()).or_default().push(i);
    }
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
    for (dependent, deps) in depends_on.iter().enumerate() {
        for dependency in deps {
            for &target in by_id.get(dependency.as_str()).into_iter().flatten() {
                if target != dependent {
                    after[target].push(dependent);
                }
            }
        }
    }
    for (op, after) in ops.iter_mut().zip(after) {
        op.after = after;
    }
    ops
}
