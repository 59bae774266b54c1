//! The provider conformance suite: one set of checks that any [`Provider`] runs for each type it
//! manages, so that the engine's guarantees hold against the real provider and so that no test
//! leans on an in-process cloud kinder than the real one.
//!
//! For each [`Case`] (a small stack around one resource under test) the suite checks, through
//! the engine and the provider:
//!
//! 1. create, then read back equal to the inputs (compared as the contract says);
//! 2. every property the contract updates in place, updated by a variant of the stack, planned
//!    as an update (not a replacement) and read back equal; tags likewise;
//! 3. a property that forces replacement planned as a replacement;
//! 4. delete, read gone, delete again succeeds;
//! 5. a crash between the cloud's create and the journal's record: the next run adopts what was
//!    made, exactly once (counted by the harness with the cloud's own listing);
//! 6. a create over a same-named resource the stack does not own is refused, naming it, and the
//!    stranger is left as it was;
//! 7. destroy leaves nothing of the case.
//!
//! ```no_run
//! # async fn demo(harness: &dyn stratus_core::conformance::Harness) {
//! for case in stratus_core::conformance::reference_cases() {
//!     let report = stratus_core::conformance::run_case(harness, &case).await;
//!     assert!(report.is_ok(), "{report:?}");
//! }
//! # }
//! ```

mod cases;
mod crash;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Arc;

use async_trait::async_trait;

use crate::deploy::differences_in_stack;
use crate::deploy::{
    Action, ApplyOptions, Compare, CreateRequest, Deployer, ErrorKind, Inputs, MemoryBackend,
    Provider, ProviderError, State,
};
use crate::removal::RemovalPolicy;
use crate::stack::Stack;

pub use cases::reference_cases;
use crash::CrashAfterCreate;

/// Which stack of a case to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The resource under test with what it needs.
    Base,
    /// The base with the `n`-th in-place change.
    Update(usize),
    /// The base with a change that forces replacement.
    Replace,
    /// The base without the resource under test (its dependencies stay).
    Without,
}

/// How to make a resource that is not the stack's where the case's create would put its own.
#[derive(Clone, Copy, Debug)]
pub enum Stranger {
    /// No clash is possible, and why (generated ids, names derived from the token).
    NotApplicable(&'static str),
    /// The same inputs (the same unique name), without the stack's ownership.
    SameInputs,
    /// The same identity with other properties: the inputs changed by this function, which may
    /// read the case's recorded state (a second route table, another target group).
    Changed(fn(&mut Inputs, &State)),
}

/// One resource type under test.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The CloudFormation type under test.
    pub type_name: &'static str,
    /// A label when a type has several cases (a read replica).
    pub label: &'static str,
    /// The construct path of the resource under test, within the stack.
    pub target: &'static str,
    /// Builds the case's stack for a variant.
    pub build: fn(Variant) -> Stack,
    /// The properties each [`Variant::Update`] changes, by index.
    pub updates: &'static [&'static [&'static str]],
    /// The property [`Variant::Replace`] changes, when the case has one.
    pub replace: Option<&'static str>,
    /// How to make a stranger's resource.
    pub stranger: Stranger,
}

impl Case {
    /// `type` or `type (label)`.
    pub fn name(&self) -> String {
        if self.label.is_empty() {
            self.type_name.to_owned()
        } else {
            format!("{} ({})", self.type_name, self.label)
        }
    }
}

/// What a provider under test supplies besides itself.
#[async_trait]
pub trait Harness: Send + Sync {
    /// The provider under test.
    fn provider(&self) -> Arc<dyn Provider>;

    /// Engine options for the cases (fast retries for an emulator).
    fn options(&self) -> ApplyOptions {
        ApplyOptions::default()
    }

    /// How many resources of `type_name` the cloud holds for this stack's logical id, counted
    /// with the cloud's own listing (ownership tags where the type takes them, identity
    /// otherwise), not through the provider. `recorded` is the physical id in state.
    async fn count(
        &self,
        type_name: &str,
        stack: &str,
        logical_id: &str,
        recorded: &str,
    ) -> Result<usize, String>;

    /// Makes a stranger's resource from these inputs, outside the stack. Default: through the
    /// provider with no ownership tags.
    async fn create_stranger(
        &self,
        type_name: &str,
        logical_id: &str,
        inputs: &Inputs,
    ) -> Result<String, ProviderError> {
        let empty = BTreeMap::new();
        self.provider()
            .create(CreateRequest {
                type_name,
                logical_id,
                inputs,
                token: "stranger-0000000000000000-0",
                ownership: &empty,
                resume: None,
            })
            .await
            .map(|c| c.physical_id)
    }

    /// Properties of a type the cloud under test cannot update, with why: reported, not
    /// exercised (an emulator's gap, never the provider's).
    fn cannot_update(&self, _type_name: &str) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// Called before each case (an emulator resets itself).
    async fn reset(&self) {}
}

/// What a case checked.
#[derive(Clone, Debug, Default)]
pub struct CaseReport {
    /// The case.
    pub case: String,
    /// Each check passed, in order.
    pub checks: Vec<String>,
    /// What was not exercised, and why.
    pub notes: Vec<String>,
}

impl std::fmt::Display for CaseReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}: {} checks passed", self.case, self.checks.len())?;
        for note in &self.notes {
            writeln!(f, "    note: {note}")?;
        }
        Ok(())
    }
}

/// Runs every check of a case; the error names the check that failed and what was seen.
pub async fn run_case(harness: &dyn Harness, case: &Case) -> Result<CaseReport, String> {
    harness.reset().await;
    let mut suite = Suite::new(harness, case)?;
    suite.create_and_read_back().await?;
    suite.updates().await?;
    suite.tags().await?;
    suite.replacement().await?;
    suite.delete_twice().await?;
    suite.crash_after_create().await?;
    suite.stranger().await?;
    suite.destroy().await?;
    Ok(suite.report)
}

/// One case being run.
struct Suite<'a> {
    harness: &'a dyn Harness,
    case: &'a Case,
    provider: Arc<dyn Provider>,
    backend: MemoryBackend,
    options: ApplyOptions,
    stack_name: String,
    logical_id: String,
    report: CaseReport,
}

impl<'a> Suite<'a> {
    fn new(harness: &'a dyn Harness, case: &'a Case) -> Result<Self, String> {
        let base = (case.build)(Variant::Base);
        base.validate()
            .map_err(|e| format!("{}: the case's stack is invalid: {e}", case.name()))?;
        let index = base
            .graph()
            .find(case.target)
            .ok_or_else(|| format!("{}: no resource at {}", case.name(), case.target))?;
        let node = base.graph().node(index);
        if node.type_name != case.type_name {
            return Err(format!(
                "{}: {} is a {}",
                case.name(),
                case.target,
                node.type_name
            ));
        }
        // The cases make and delete their own data: every loss is allowed.
        let mut options = harness.options();
        options.allow_data_loss = base
            .graph()
            .nodes()
            .map(|(_, n)| n.logical_id.clone())
            .collect::<BTreeSet<_>>();
        Ok(Self {
            harness,
            case,
            provider: harness.provider(),
            backend: MemoryBackend::new(),
            options,
            stack_name: base.name().to_owned(),
            logical_id: node.logical_id.clone(),
            report: CaseReport {
                case: case.name(),
                ..CaseReport::default()
            },
        })
    }

    fn deployer(&self) -> Deployer {
        Deployer::new(Arc::clone(&self.provider), Arc::new(self.backend.clone()))
            .options(self.options.clone())
    }

    fn fail(&self, check: &str, what: impl std::fmt::Display) -> String {
        format!("{}: {check}: {what}", self.case.name())
    }

    fn passed(&mut self, check: impl Into<String>) {
        self.report.checks.push(check.into());
    }

    fn stack(&self, variant: Variant) -> Stack {
        (self.case.build)(variant)
    }

    fn recorded(&self) -> Option<crate::deploy::state::ResourceState> {
        self.backend
            .snapshot()
            .state
            .and_then(|s| s.resources.get(&self.logical_id).cloned())
    }

    async fn deploy(&self, check: &str, stack: &Stack) -> Result<crate::deploy::Report, String> {
        let report = self
            .deployer()
            .deploy(stack)
            .await
            .map_err(|e| self.fail(check, e))?;
        if !report.succeeded() {
            return Err(self.fail(
                check,
                format!(
                    "the deploy failed: {:?}, skipped {:?}",
                    report.failed, report.skipped
                ),
            ));
        }
        Ok(report)
    }

    /// The live resource matches its record, property by property.
    async fn read_back(&self, check: &str) -> Result<(), String> {
        let recorded = self
            .recorded()
            .ok_or_else(|| self.fail(check, "the resource is not recorded"))?;
        let live = self
            .provider
            .read(&recorded.type_name, &recorded.physical_id)
            .await
            .map_err(|e| self.fail(check, e))?
            .ok_or_else(|| self.fail(check, format!("{} is gone", recorded.physical_id)))?;
        let contract = self.provider.contract(&recorded.type_name);
        let state = self.backend.snapshot().state.unwrap_or_default();
        let differing = differences_in_stack(contract.as_ref(), &state, &self.logical_id, &live);
        if differing.is_empty() {
            Ok(())
        } else {
            let mut text = String::from("read back differs from the inputs:");
            for d in differing {
                let _ = write!(
                    text,
                    "\n      {}: recorded {}, live {}",
                    d.name,
                    d.recorded,
                    d.live.map_or_else(|| "(none)".into(), |v| v.to_string())
                );
            }
            Err(self.fail(check, text))
        }
    }

    async fn create_and_read_back(&mut self) -> Result<(), String> {
        self.deploy("create", &self.stack(Variant::Base)).await?;
        self.passed("create");
        self.read_back("read back after create").await?;
        self.passed("read back equal to the inputs");
        Ok(())
    }

    async fn updates(&mut self) -> Result<(), String> {
        let contract = self
            .provider
            .contract(self.case.type_name)
            .ok_or_else(|| self.fail("contract", "the provider has no contract for the type"))?;
        let base = self.stack(Variant::Base);
        let node = base
            .graph()
            .node(base.graph().find(self.case.target).expect("checked"));
        let cannot = self.harness.cannot_update(self.case.type_name);
        let covered: BTreeSet<&str> = self
            .case
            .updates
            .iter()
            .flat_map(|u| u.iter().copied())
            .collect();
        // Every updatable property the case declares must be changed by one of its variants.
        let declared = self.recorded().map(|r| r.inputs).unwrap_or_default();
        let missing: Vec<&str> = contract
            .properties
            .iter()
            .filter(|p| p.compare != Compare::Tags && !contract.replaces_on(p.name))
            .map(|p| p.name)
            .filter(|p| declared.contains_key(*p))
            .filter(|p| !node.replace_on.contains(p) && !covered.contains(p))
            .collect();
        if !missing.is_empty() {
            return Err(self.fail(
                "update coverage",
                format!(
                    "the contract updates {} in place but no variant of the case changes it",
                    missing.join(", ")
                ),
            ));
        }
        for (i, properties) in self.case.updates.iter().enumerate() {
            let skipped: Vec<String> = properties
                .iter()
                .filter_map(|p| {
                    cannot
                        .iter()
                        .find(|(name, _)| name == p)
                        .map(|(name, why)| format!("{name} not updated: {why}"))
                })
                .collect();
            if !skipped.is_empty() {
                self.report.notes.extend(skipped);
                continue;
            }
            let check = format!("update {}", properties.join(", "));
            let stack = self.stack(Variant::Update(i));
            let plan = self
                .deployer()
                .plan(&stack)
                .await
                .map_err(|e| self.fail(&check, e))?;
            let change = plan
                .change(&self.logical_id)
                .ok_or_else(|| self.fail(&check, "not in the plan"))?;
            if change.action != Action::Update {
                return Err(self.fail(&check, format!("planned as {:?}", change.action)));
            }
            for property in *properties {
                if !change.properties.iter().any(|p| p.name == *property) {
                    return Err(self.fail(&check, format!("{property} is not in the plan")));
                }
            }
            let report = self.deploy(&check, &stack).await?;
            if report.calls.create + report.calls.delete > 0 {
                return Err(self.fail(
                    &check,
                    format!("an in-place update made calls {:?}", report.calls),
                ));
            }
            self.read_back(&check).await?;
            self.passed(format!("{check} in place, read back"));
        }
        Ok(())
    }

    async fn tags(&mut self) -> Result<(), String> {
        let contract = self.provider.contract(self.case.type_name);
        let Some(tags) = contract
            .as_ref()
            .and_then(|c| c.properties.iter().find(|p| p.compare == Compare::Tags))
        else {
            self.report
                .notes
                .push("takes no tags property: tag updates not applicable".into());
            return Ok(());
        };
        let mut stack = self.stack(Variant::Base);
        stack.tag("conformance", "tagged");
        let plan = self
            .deployer()
            .plan(&stack)
            .await
            .map_err(|e| self.fail("tag update", e))?;
        let change = plan.change(&self.logical_id);
        if change.map(|c| &c.action) != Some(&Action::Update) {
            return Err(self.fail(
                "tag update",
                format!(
                    "a new stack tag is planned as {:?}",
                    change.map(|c| &c.action)
                ),
            ));
        }
        self.deploy("tag update", &stack).await?;
        self.read_back("tag update").await?;
        let recorded = self.recorded().expect("read back found it");
        let live = self
            .provider
            .read(self.case.type_name, &recorded.physical_id)
            .await
            .map_err(|e| self.fail("tag update", e))?
            .unwrap_or_default();
        let has = |key: &str| {
            live.properties
                .get(tags.name)
                .and_then(|t| t.as_array())
                .is_some_and(|t| {
                    t.iter()
                        .any(|t| t.get("Key").and_then(|k| k.as_str()) == Some(key))
                })
        };
        if !has("conformance") {
            return Err(self.fail("tag update", format!("{} lacks the new tag", tags.name)));
        }
        self.deploy("tag removal", &self.stack(Variant::Base))
            .await?;
        self.read_back("tag removal").await?;
        self.passed("tag added and removed in place, read back");
        Ok(())
    }

    async fn replacement(&mut self) -> Result<(), String> {
        let Some(property) = self.case.replace else {
            self.report
                .notes
                .push("no replacement variant (nothing but the parent forces one)".into());
            return Ok(());
        };
        let check = format!("{property} forces replacement");
        let plan = self
            .deployer()
            .plan(&self.stack(Variant::Replace))
            .await
            .map_err(|e| self.fail(&check, e))?;
        match plan.change(&self.logical_id).map(|c| &c.action) {
            Some(Action::Replace { because }) if because.iter().any(|b| b == property) => {
                self.passed(check);
                Ok(())
            }
            other => Err(self.fail(&check, format!("planned as {other:?}"))),
        }
    }

    async fn delete_twice(&mut self) -> Result<(), String> {
        let recorded = self.recorded().expect("created");
        self.deploy("delete", &self.stack(Variant::Without)).await?;
        let gone = self
            .provider
            .read(&recorded.type_name, &recorded.physical_id)
            .await
            .map_err(|e| self.fail("read after delete", e))?;
        if gone.is_some() {
            return Err(self.fail("read after delete", "the resource still exists"));
        }
        self.provider
            .delete(crate::deploy::DeleteRequest {
                type_name: &recorded.type_name,
                logical_id: &self.logical_id,
                physical_id: &recorded.physical_id,
                inputs: &recorded.inputs,
                snapshot: None,
            })
            .await
            .map_err(|e| self.fail("delete again", e))?;
        self.passed("delete, read gone, delete again succeeds");
        Ok(())
    }

    async fn crash_after_create(&mut self) -> Result<(), String> {
        let check = "crash between create and record";
        let crashing = CrashAfterCreate::new(self.backend.clone(), &self.logical_id);
        let deployer = Deployer::new(Arc::clone(&self.provider), Arc::new(crashing.clone()))
            .options(self.options.clone());
        match deployer.deploy(&self.stack(Variant::Base)).await {
            Err(crate::deploy::EngineError::State(_) | crate::deploy::EngineError::Storage(_))
                if crashing.crashed() => {}
            other => {
                return Err(self.fail(
                    check,
                    format!(
                        "the run did not crash after the create: {:?}",
                        other.map(|r| r.failed)
                    ),
                ));
            }
        }
        // The process "died": its lock stays until a human clears it.
        self.deployer()
            .force_unlock()
            .await
            .map_err(|e| self.fail(check, e))?;
        let report = self.deploy(check, &self.stack(Variant::Base)).await?;
        if report.plan.change(&self.logical_id).map(|c| &c.action) != Some(&Action::NoOp) {
            return Err(self.fail(
                check,
                "the next run planned to create it again instead of adopting what was made",
            ));
        }
        let recorded = self
            .recorded()
            .ok_or_else(|| self.fail(check, "not recorded"))?;
        let count = self
            .harness
            .count(
                self.case.type_name,
                &self.stack_name,
                &self.logical_id,
                &recorded.physical_id,
            )
            .await
            .map_err(|e| self.fail(check, e))?;
        if count != 1 {
            return Err(self.fail(check, format!("{count} resources exist for it, not 1")));
        }
        self.read_back(check).await?;
        self.passed("crash between create and record: adopted exactly once, finished");
        Ok(())
    }

    async fn stranger(&mut self) -> Result<(), String> {
        let change = match self.case.stranger {
            Stranger::NotApplicable(why) => {
                self.report
                    .notes
                    .push(format!("no stranger can clash: {why}"));
                return Ok(());
            }
            Stranger::SameInputs => None,
            Stranger::Changed(change) => Some(change),
        };
        let check = "create over a stranger's resource";
        let recorded = self.recorded().expect("adopted");
        self.deploy(check, &self.stack(Variant::Without)).await?;
        let state = self.backend.snapshot().state.unwrap_or_default();
        let mut inputs = recorded.inputs.clone();
        if let Some(change) = change {
            change(&mut inputs, &state);
        }
        let stranger = self
            .harness
            .create_stranger(self.case.type_name, &self.logical_id, &inputs)
            .await
            .map_err(|e| self.fail(check, format!("making the stranger: {e}")))?;
        let report = self
            .deployer()
            .deploy(&self.stack(Variant::Base))
            .await
            .map_err(|e| self.fail(check, e))?;
        let refusal = report
            .failed
            .iter()
            .find(|(id, _)| *id == self.logical_id)
            .map(|(_, message)| message.clone());
        let Some(refusal) = refusal else {
            return Err(self.fail(
                check,
                format!("the create was not refused (failed: {:?})", report.failed),
            ));
        };
        if !refusal.contains(&stranger) || !refusal.contains("import") {
            return Err(self.fail(
                check,
                format!("the refusal does not name {stranger} and how to proceed: {refusal}"),
            ));
        }
        if self.recorded().is_some() {
            return Err(self.fail(check, "the stranger was recorded as the stack's"));
        }
        let live = self
            .provider
            .read(self.case.type_name, &stranger)
            .await
            .map_err(|e| self.fail(check, e))?
            .ok_or_else(|| self.fail(check, "the stranger is gone"))?;
        let owned_tag = live
            .properties
            .values()
            .filter_map(|v| v.as_array())
            .flatten()
            .any(|t| {
                t.get("Key")
                    .and_then(|k| k.as_str())
                    .is_some_and(|k| k.starts_with("stratus:"))
            });
        if owned_tag {
            return Err(self.fail(check, "the stranger was given the stack's tags"));
        }
        self.provider
            .delete(crate::deploy::DeleteRequest {
                type_name: self.case.type_name,
                logical_id: &self.logical_id,
                physical_id: &stranger,
                inputs: &inputs,
                snapshot: None,
            })
            .await
            .map_err(|e| self.fail("deleting the stranger", e))?;
        self.passed(format!(
            "create over a stranger's {stranger} refused, stranger untouched"
        ));
        Ok(())
    }

    async fn destroy(&mut self) -> Result<(), String> {
        let recorded = self.backend.snapshot().state.unwrap_or_default();
        let report = self
            .deployer()
            .destroy(&self.stack_name)
            .await
            .map_err(|e| self.fail("destroy", e))?;
        if !report.succeeded() {
            return Err(self.fail("destroy", format!("{:?}", report.failed)));
        }
        let kept: Vec<&str> = report
            .kept
            .iter()
            .filter(|k| k.policy == RemovalPolicy::Retain)
            .map(|k| k.logical_id.as_str())
            .collect();
        if !kept.is_empty() {
            return Err(self.fail("destroy", format!("the case retained {kept:?}")));
        }
        for (logical_id, resource) in &recorded.resources {
            match self
                .provider
                .read(&resource.type_name, &resource.physical_id)
                .await
            {
                Ok(None) => {}
                Ok(Some(_)) => {
                    return Err(self.fail("destroy", format!("{logical_id} still exists")));
                }
                Err(e) if e.kind == ErrorKind::NotFound => {}
                Err(e) => return Err(self.fail("destroy", e)),
            }
        }
        self.passed("destroy leaves nothing");
        Ok(())
    }
}
