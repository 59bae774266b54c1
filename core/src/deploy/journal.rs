//! Replaying the journal: what a finished call did to the state, and which intents were left
//! pending by a run that died. The live engine applies results through the same function, so a
//! replay after a crash and an uninterrupted run end in the same state.

use std::collections::BTreeMap;

use super::provider::Attributes;
use super::state::{JournalEntry, Operation, ResourceState, Retired, State};

/// An intent whose call may or may not have happened.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pending {
    pub(crate) entry: JournalEntry,
}

/// Applies the `Done` entries of `journal` to `state`; returns the intents left open.
pub(crate) fn replay(state: &mut State, journal: &[JournalEntry]) -> Vec<Pending> {
    let mut open: BTreeMap<u64, JournalEntry> = BTreeMap::new();
    for entry in journal {
        match entry {
            JournalEntry::Intent { seq, .. } => {
                open.insert(*seq, entry.clone());
            }
            JournalEntry::Done {
                seq,
                physical_id,
                attributes,
            } => {
                if let Some(intent) = open.remove(seq) {
                    apply_done(
                        state,
                        &intent,
                        physical_id.as_deref(),
                        attributes.clone().unwrap_or_default(),
                    );
                }
            }
            JournalEntry::Failed { seq, .. } => {
                open.remove(seq);
            }
        }
    }
    open.into_values().map(|entry| Pending { entry }).collect()
}

/// What a successful call of `intent` did to the state. Idempotent: applying it again, or
/// applying a run's journal to the state that run saved, leaves the state as it was.
pub(crate) fn apply_done(
    state: &mut State,
    intent: &JournalEntry,
    physical_id: Option<&str>,
    attributes: Attributes,
) {
    let JournalEntry::Intent {
        logical_id,
        operation,
        type_name,
        token,
        ownership,
        physical_id: target,
        inputs,
        depends_on,
        removal,
        path,
        ..
    } = intent
    else {
        return;
    };
    let is_target = |state: &State| {
        state
            .resources
            .get(logical_id)
            .is_some_and(|r| Some(&r.physical_id) == target.as_ref())
    };
    match operation {
        Operation::Create => {
            let physical_id = physical_id.unwrap_or_default().to_owned();
            if let Some(old) = state.resources.remove(logical_id)
                && old.physical_id != physical_id
            {
                // The old half of a replacement: deleted once dependents moved on.
                state.retired.push(Retired {
                    logical_id: logical_id.clone(),
                    type_name: old.type_name,
                    physical_id: old.physical_id,
                    depends_on: old.depends_on,
                    inputs: old.inputs,
                    removal: old.removal,
                });
            }
            state.resources.insert(
                logical_id.clone(),
                ResourceState {
                    type_name: type_name.clone(),
                    physical_id,
                    inputs: inputs.clone().unwrap_or_default(),
                    attributes,
                    depends_on: depends_on.clone(),
                    ownership: ownership.clone(),
                    token: token.clone(),
                    removal: removal.unwrap_or_default(),
                    path: path.clone(),
                },
            );
        }
        Operation::Update => {
            if let Some(resource) = state.resources.get_mut(logical_id) {
                resource.inputs = inputs.clone().unwrap_or_default();
                // A provider may answer with only some attributes: keep the others.
                resource.attributes.extend(attributes);
                resource.depends_on.clone_from(depends_on);
                if let Some(removal) = removal {
                    resource.removal = *removal;
                }
                if path.is_some() {
                    resource.path.clone_from(path);
                }
            }
        }
        // The old resource of a delete-first replacement is gone: its replacement follows.
        Operation::Delete | Operation::Retire => {
            if is_target(state) {
                state.resources.remove(logical_id);
            }
        }
        Operation::DeleteRetired => {
            state
                .retired
                .retain(|r| Some(&r.physical_id) != target.as_ref());
        }
    }
}
