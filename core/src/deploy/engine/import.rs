//! `import <path> <physical-id>`: bring a resource that exists into the stack's state, under a
//! construct the program declares, after checking that its live properties are what the
//! declaration says. It then gets the stack's ownership tags where its type takes tags.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use crate::stack::Stack;

use super::super::compare::Compare;
use super::super::refresh::differences_in_stack;
use super::super::resolve;
use super::super::state::{Operation, ResourceState};
use super::call::token;
use super::ops::Op;
use super::run::{Run, StateKnown};
use super::{Deployer, EngineError, Report};

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// The logical id it is recorded under.
    pub logical_id: String,
    /// Its type.
    pub type_name: String,
    /// Its physical id.
    pub physical_id: String,
    /// Whether it now carries the stack's ownership tags.
    pub tagged: bool,
}

/// Why an import is refused: each property that differs, declared and live.
fn describe_differences(differing: &[super::super::refresh::PropertyDrift]) -> String {
    let lines: Vec<String> = differing
        .iter()
        .map(|d| {
            let live = d
                .live
                .as_ref()
                .map_or_else(|| "(none)".into(), ToString::to_string);
            format!("\n  {}: declared {}, live {live}", d.name, d.recorded)
        })
        .collect();
    format!(
        "its live properties differ from the declaration:{}\nchange the declaration (or the \
         resource) to match, then import again",
        lines.concat()
    )
}

impl Deployer {
    /// Records an existing resource as the one declared at `path` (a construct path, full or
    /// within the stack), after checking its live properties against the declaration; tags it
    /// as this stack's where its type takes tags. Refused when the path declares nothing, is
    /// managed already, refers to resources not deployed yet, or differs from what exists.
    pub async fn import(
        &self,
        stack: &Stack,
        path: &str,
        physical_id: &str,
    ) -> Result<Imported, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        self.with_lock("import", self.import_locked(stack, path, physical_id))
            .await
    }

    async fn import_locked(
        &self,
        stack: &Stack,
        path: &str,
        physical_id: &str,
    ) -> Result<Imported, EngineError> {
        let started = Instant::now();
        let refuse = |reason: String| EngineError::Import {
            path: path.to_owned(),
            reason,
        };
        let run = Run::new(self, stack.name());
        let mut state = run.reconcile().await?;
        let graph = stack.graph();
        let index = graph.find(path).ok_or_else(|| {
            refuse("the program declares nothing at that path; `list` shows the paths".into())
        })?;
        let node = graph.node(index);
        if let Some(recorded) = state.resources.get(&node.logical_id) {
            return Err(refuse(format!(
                "it is managed already, as {} {}",
                recorded.type_name, recorded.physical_id
            )));
        }
        let desired = resolve::inputs(stack, index, &StateKnown(&state));
        if let Some((name, _)) = desired.iter().find(|(_, v)| resolve::is_unknown(v)) {
            return Err(refuse(format!(
                "its property {name} refers to a resource that is not deployed yet; deploy or \
                 import that one first"
            )));
        }
        self.provider
            .check(node.type_name, &desired)
            .map_err(|e| EngineError::Unsupported(vec![(node.path.to_string(), e.message)]))?;
        let live = run
            .read_live(node.type_name, physical_id)
            .await
            .map_err(|source| EngineError::Refresh {
                logical_id: node.logical_id.clone(),
                source,
            })?
            .ok_or_else(|| refuse(format!("no {} {physical_id} exists", node.type_name)))?;
        let contract = self.provider.contract(node.type_name);
        let import_token = format!("import-{}", token(stack.name(), &node.logical_id, 0));
        let ownership = BTreeMap::from([
            ("stratus:stack".to_owned(), stack.name().to_owned()),
            ("stratus:logical-id".to_owned(), node.logical_id.clone()),
            ("stratus:token".to_owned(), import_token.clone()),
        ]);
        let record = ResourceState {
            type_name: node.type_name.to_owned(),
            physical_id: physical_id.to_owned(),
            inputs: desired.clone(),
            attributes: live.attributes.clone(),
            depends_on: graph
                .dependencies(index)
                .into_iter()
                .map(|(d, _)| graph.node(d).logical_id.clone())
                .collect(),
            ownership,
            token: import_token,
            removal: node.removal,
            path: Some(node.path.to_string()),
        };
        // Compared as a refresh would compare it, with what the stack's other resources add.
        let mut with_record = state.clone();
        with_record
            .resources
            .insert(node.logical_id.clone(), record.clone());
        let differing =
            differences_in_stack(contract.as_ref(), &with_record, &node.logical_id, &live);
        if !differing.is_empty() {
            return Err(refuse(describe_differences(&differing)));
        }
        state.resources.insert(node.logical_id.clone(), record);
        state.serial += 1;
        self.backend.save(&state).await?;

        let tagged = self
            .tag_imported(&run, stack, index, &desired, &mut state, started)
            .await?;
        Ok(Imported {
            logical_id: node.logical_id.clone(),
            type_name: node.type_name.to_owned(),
            physical_id: physical_id.to_owned(),
            tagged,
        })
    }

    /// Marks an imported resource as this stack's: a tag update writes the ownership tags with
    /// the declared ones (where its type takes tags), journaled like any update; then saves.
    /// Whether it was tagged; a failed tagging leaves it recorded and says so.
    async fn tag_imported(
        &self,
        run: &Run<'_>,
        stack: &Stack,
        index: petgraph::stable_graph::NodeIndex,
        desired: &super::super::provider::Inputs,
        state: &mut super::super::state::State,
        started: Instant,
    ) -> Result<bool, EngineError> {
        let node = stack.graph().node(index);
        let contract = self.provider.contract(node.type_name);
        let tags = contract.as_ref().and_then(|c| {
            c.properties
                .iter()
                .find(|p| p.compare == Compare::Tags && desired.contains_key(p.name))
        });
        let mut report = Report::of(super::super::plan::plan(stack, state)?);
        if let Some(tags) = tags {
            let op = Op {
                logical_id: node.logical_id.clone(),
                path: Some(node.path.to_string()),
                operation: Operation::Update,
                type_name: node.type_name.to_owned(),
                physical_id: state
                    .resources
                    .get(&node.logical_id)
                    .map(|r| r.physical_id.clone()),
                node: Some(index),
                changed: vec![tags.name.to_owned()],
                previous: desired.clone(),
                removal: node.removal,
                after: Vec::new(),
            };
            run.execute(Some(stack), &[op], state, &mut report).await?;
        }
        run.finish(state, &mut report, started).await?;
        match report.failed.first() {
            Some((_, message)) => Err(EngineError::Import {
                path: node.path.to_string(),
                reason: format!("it is recorded, but tagging it as this stack's failed: {message}"),
            }),
            None => Ok(tags.is_some()),
        }
    }
}
