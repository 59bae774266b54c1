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
///
/// # Errors
/// A result whose intent is not in the journal: a line is missing, and what its call did
/// cannot be told. The message names the call and what it made, and how to go on.
pub(crate) fn replay(state: &mut State, journal: &[JournalEntry]) -> Result<Vec<Pending>, String> {
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
                let Some(intent) = open.remove(seq) else {
                    return Err(missing_intent(*seq, physical_id.as_deref(), &state.stack));
                };
                apply_done(
                    state,
                    &intent,
                    physical_id.as_deref(),
                    attributes.clone().unwrap_or_default(),
                );
            }
            JournalEntry::Failed { seq, .. } => {
                if open.remove(seq).is_none() {
                    return Err(missing_intent(*seq, None, &state.stack));
                }
            }
        }
    }
    Ok(open.into_values().map(|entry| Pending { entry }).collect())
}

/// The message for a result whose intent line is missing.
fn missing_intent(seq: u64, made: Option<&str>, stack: &str) -> String {
    let made = made.map_or_else(
        || "it names no resource".to_owned(),
        |id| {
            format!(
                "it made or changed {id}; check that resource and bring it under the stack with \
                 `import <construct path> {id}`, or delete it"
            )
        },
    );
    format!(
        "the journal records the end of call #{seq} but its intent line is missing, so what \
         that call was cannot be told: {made}. Any other resource a lost line made carries the \
         tag stratus:stack={stack}. Nothing was changed; once checked, remove the journal and \
         run again"
    )
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
                // The old half of a replacement: deleted once dependents moved on, as the
                // declaration now says (CloudFormation applies the new template's
                // UpdateReplacePolicy to the resource it replaces).
                state.retired.push(Retired {
                    logical_id: logical_id.clone(),
                    type_name: old.type_name,
                    physical_id: old.physical_id,
                    depends_on: old.depends_on,
                    inputs: old.inputs,
                    removal: removal.unwrap_or(old.removal),
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
