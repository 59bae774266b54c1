//! Saved plans: `plan --out FILE` writes what it showed with fingerprints of the state it was
//! made from and of the declared stack; `deploy FILE` applies exactly that plan, or refuses when
//! either fingerprint or the plan itself no longer holds (as Terraform's saved plans).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::stack::Stack;

use super::plan::Plan;
use super::state::State;

/// The file format's version.
pub const SAVED_PLAN_FORMAT: u32 = 1;

/// A plan and what it was made from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// The format version ([`SAVED_PLAN_FORMAT`]).
    pub format: u32,
    /// The stack.
    pub stack: String,
    /// SHA-256 of the state the plan was made against (after reconciling the journal).
    pub state: String,
    /// SHA-256 of the stack's synthesized template.
    pub template: String,
    /// Whether the plan refreshed from the cloud.
    pub refresh: bool,
    /// The plan.
    pub plan: Plan,
}

/// The fingerprint of a state.
pub(crate) fn state_fingerprint(state: &State) -> String {
    // What the plan was made from, not how often it was saved: settling a dead run's journal
    // saves once more (the serial moves) and reads attributes again, and `deploy FILE` must
    // still apply a plan made before that. The plans themselves are compared as well.
    let mut content = state.clone();
    content.serial = 0;
    for resource in content.resources.values_mut() {
        resource.attributes.clear();
    }
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    hex(&Sha256::digest(bytes))
}

/// The fingerprint of a declared stack: its template, which is deterministic.
pub(crate) fn template_fingerprint(stack: &Stack) -> String {
    hex(&Sha256::digest(
        crate::synth::template_json(stack).as_bytes(),
    ))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The first difference between two plans' changes, for a refusal message.
pub(crate) fn first_difference(saved: &Plan, fresh: &Plan) -> Option<String> {
    let as_json = |plan: &Plan| {
        plan.changes
            .iter()
            .map(|c| {
                (
                    c.logical_id.clone(),
                    serde_json::to_value(c).unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (saved, fresh) = (as_json(saved), as_json(fresh));
    for (id, change) in &saved {
        match fresh.iter().find(|(other, _)| other == id) {
            None => return Some(format!("{id} is no longer in the plan")),
            Some((_, other)) if other != change => {
                return Some(format!("the change of {id} is not the one planned"));
            }
            Some(_) => {}
        }
    }
    fresh
        .iter()
        .find(|(id, _)| !saved.iter().any(|(other, _)| other == id))
        .map(|(id, _)| format!("{id} was not in the plan"))
}
