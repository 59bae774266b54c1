//! [`Deployer`]: plan, deploy and destroy one stack through a [`Provider`], crash-safely.
//!
//! Every mutating call is preceded by a durable journal `Intent` and followed by `Done` or
//! `Failed`. A run that dies leaves the journal behind; the next run replays it, asks the
//! provider about each open intent (adopting what a create made, by token or ownership tags;
//! checking whether a delete happened), saves the reconciled state and only then plans.
//!
//! Apply runs in two phases, each a dependency-ordered dispatch with no level barriers: every
//! operation starts the moment the operations it depends on finish, up to an adaptive
//! concurrency limit. Phase one creates, updates and replaces (creating the new resource before
//! retiring the old one where the provider allows); phase two deletes what is no longer
//! declared and the retired halves of replacements, dependents first. A failure skips only what
//! depends on it; phase two waits for a phase one without failures.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::error::{ValidationError, ValidationErrors};
use crate::stack::Stack;

use super::journal::{Pending, apply_done, replay};
use super::limiter::Limiter;
use super::plan::{Action, Plan, plan};
use super::provider::{
    Attributes, CreateRequest, ErrorKind, Inputs, Json, Provider, ProviderError,
};
use super::resolve::{self, Known};
use super::state::{JournalEntry, LockHolder, Operation, State, StateBackend, StateError};

/// How a run behaves.
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    /// Most provider calls in flight (default 1024, i.e. as wide as the graph; throttling
    /// lowers it for the run, additive increase brings it back).
    pub concurrency: usize,
    /// Attempts per call when throttled (default 8).
    pub throttle_attempts: u32,
    /// Attempts per delete refused for a dependency (default 30: ENIs take minutes to drain).
    pub conflict_attempts: u32,
    /// First retry delay, doubled per attempt (default 500 ms).
    pub base_delay: Duration,
    /// Longest retry delay (default 20 s).
    pub max_delay: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            concurrency: 1024,
            throttle_attempts: 8,
            conflict_attempts: 30,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// Progress of a run, for a display.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A call started.
    Started {
        /// The resource.
        logical_id: String,
        /// What is done to it.
        operation: Operation,
    },
    /// A call finished.
    Finished {
        /// The resource.
        logical_id: String,
        /// What was done.
        operation: Operation,
        /// How long it took, retries included.
        elapsed: Duration,
    },
    /// A call is retried.
    Retrying {
        /// The resource.
        logical_id: String,
        /// Why.
        kind: ErrorKind,
        /// The attempt about to start (2 is the first retry).
        attempt: u32,
    },
    /// A call failed for good.
    Failed {
        /// The resource.
        logical_id: String,
        /// What failed.
        operation: Operation,
        /// The provider's message.
        message: String,
    },
    /// Not attempted, because something it depends on failed.
    Skipped {
        /// The resource.
        logical_id: String,
    },
}

/// Receives [`Event`]s.
pub trait Observer: Send + Sync {
    /// Called for every event, from the dispatching task.
    fn event(&self, event: &Event);
}

impl<F: Fn(&Event) + Send + Sync> Observer for F {
    fn event(&self, event: &Event) {
        self(event);
    }
}

/// Asks a run to stop dispatching; in-flight calls finish and state is saved.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Cancel {
    /// Requests the stop.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether a stop was requested.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// Provider calls a run made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Calls {
    /// Creates (attempts).
    pub create: usize,
    /// Updates (attempts).
    pub update: usize,
    /// Deletes (attempts).
    pub delete: usize,
    /// Reads and finds (reconciliation).
    pub read: usize,
}

impl Calls {
    /// Calls that change the cloud.
    pub fn mutating(&self) -> usize {
        self.create + self.update + self.delete
    }
}

/// What a run did.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The plan it applied.
    pub plan: Plan,
    /// Provider calls.
    pub calls: Calls,
    /// Operations that failed: logical id and message.
    pub failed: Vec<(String, String)>,
    /// Operations skipped because a dependency failed.
    pub skipped: Vec<String>,
    /// Deletes put off because phase one had failures or the run was interrupted.
    pub postponed: Vec<String>,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Stack outputs after the run.
    pub outputs: BTreeMap<String, Json>,
    /// Wall time.
    pub elapsed: Duration,
}

impl Report {
    /// The report of a run about to apply `plan`.
    fn of(plan: Plan) -> Self {
        Self {
            plan,
            calls: Calls::default(),
            failed: Vec::new(),
            skipped: Vec::new(),
            postponed: Vec::new(),
            interrupted: false,
            outputs: BTreeMap::new(),
            elapsed: Duration::ZERO,
        }
    }

    /// Whether everything planned was done.
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty()
            && self.skipped.is_empty()
            && self.postponed.is_empty()
            && !self.interrupted
    }
}

/// Why a run could not proceed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The stack does not validate.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// State storage failed; the journal keeps what was done.
    #[error(transparent)]
    State(#[from] StateError),
    /// The provider cannot manage some resources of the plan; nothing was called.
    #[error("the provider refuses {} resource(s) before any call:\n{}", .0.len(), .0.iter().map(|(id, e)| format!("  - {id}: {e}")).collect::<Vec<_>>().join("\n"))]
    Unsupported(Vec<(String, String)>),
    /// A provider call during reconciliation failed.
    #[error("reconciling {logical_id}: {source}")]
    Reconcile {
        /// The resource.
        logical_id: String,
        /// The provider's error.
        source: ProviderError,
    },
}

impl From<ValidationError> for EngineError {
    fn from(e: ValidationError) -> Self {
        Self::Invalid(ValidationErrors(vec![e]))
    }
}

/// Deploys stacks through a provider, keeping state in a backend.
#[derive(Clone)]
pub struct Deployer {
    provider: Arc<dyn Provider>,
    backend: Arc<dyn StateBackend>,
    options: ApplyOptions,
    observer: Option<Arc<dyn Observer>>,
    cancel: Cancel,
}

impl std::fmt::Debug for Deployer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployer")
            .field("state", &self.backend.location())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Deployer {
    /// A deployer for one stack's state.
    pub fn new(provider: Arc<dyn Provider>, backend: Arc<dyn StateBackend>) -> Self {
        Self {
            provider,
            backend,
            options: ApplyOptions::default(),
            observer: None,
            cancel: Cancel::default(),
        }
    }

    /// Sets the options.
    #[must_use]
    pub fn options(mut self, options: ApplyOptions) -> Self {
        self.options = options;
        self
    }

    /// Sets the progress observer.
    #[must_use]
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The handle that stops this deployer's runs.
    pub fn cancel_handle(&self) -> Cancel {
        self.cancel.clone()
    }

    /// Plans without changing anything: the saved state with the journal's finished calls
    /// applied, and what open creates of a dead run made looked up (read-only); the next deploy
    /// records them.
    pub async fn plan(&self, stack: &Stack) -> Result<Plan, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        let mut state = self
            .backend
            .load()
            .await?
            .unwrap_or_else(|| State::empty(stack.name()));
        // Open creates of a dead run are looked up (read-only) so that the plan does not
        // promise to create what already exists; the next deploy records them.
        for Pending { entry } in replay(&mut state, &self.backend.journal().await?) {
            if let JournalEntry::Intent {
                operation: Operation::Create,
                type_name,
                token,
                ownership,
                logical_id,
                ..
            } = &entry
            {
                let found = self
                    .provider
                    .find(type_name, token, ownership)
                    .await
                    .map_err(|source| EngineError::Reconcile {
                        logical_id: logical_id.clone(),
                        source,
                    })?;
                if let Some(found) = found {
                    apply_done(
                        &mut state,
                        &entry,
                        Some(&found.physical_id),
                        found.attributes,
                    );
                }
            }
        }
        Ok(plan(stack, &state)?)
    }

    /// The outputs recorded by the last deploy.
    pub async fn outputs(&self) -> Result<BTreeMap<String, Json>, EngineError> {
        Ok(self
            .backend
            .load()
            .await?
            .map(|s| s.outputs)
            .unwrap_or_default())
    }

    /// Removes the lock whoever holds it; returns the holder removed.
    pub async fn force_unlock(&self) -> Result<Option<LockHolder>, EngineError> {
        Ok(self.backend.force_unlock().await?)
    }

    /// Brings the cloud to the declared stack.
    pub async fn deploy(&self, stack: &Stack) -> Result<Report, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        self.with_lock("deploy", self.deploy_locked(stack)).await
    }

    /// Deletes every resource recorded for the stack, dependents first.
    pub async fn destroy(&self, stack_name: &str) -> Result<Report, EngineError> {
        self.with_lock("destroy", self.destroy_locked(stack_name))
            .await
    }

    /// Runs `work` holding the state lock. A state error means the backend is unusable: the
    /// lock then stays, for a human to inspect (`force-unlock`).
    async fn with_lock(
        &self,
        operation: &str,
        work: impl std::future::Future<Output = Result<Report, EngineError>>,
    ) -> Result<Report, EngineError> {
        self.backend
            .lock(&LockHolder::this_process(operation))
            .await?;
        let result = work.await;
        if !matches!(result, Err(EngineError::State(_))) {
            self.backend.unlock().await?;
        }
        result
    }

    async fn deploy_locked(&self, stack: &Stack) -> Result<Report, EngineError> {
        let started = Instant::now();
        let run = Run::new(self, stack.name());
        let mut state = run.reconcile().await?;
        let plan = plan(stack, &state)?;
        let mut report = Report::of(plan.clone());
        let refused: Vec<(String, String)> = plan
            .changes
            .iter()
            .filter(|c| {
                matches!(
                    c.action,
                    Action::Create | Action::Update | Action::Replace { .. }
                )
            })
            .filter_map(|c| {
                let inputs = c
                    .properties
                    .iter()
                    .filter_map(|p| Some((p.name.clone(), p.after.clone()?)))
                    .collect();
                self.provider
                    .check(&c.type_name, &inputs)
                    .err()
                    .map(|e| (c.logical_id.clone(), e.to_string()))
            })
            .collect();
        if !refused.is_empty() {
            return Err(EngineError::Unsupported(refused));
        }
        if plan.has_changes() {
            let phase_one = phase_one(stack, &plan, &state, self.provider.as_ref());
            run.execute(Some(stack), &phase_one, &mut state, &mut report)
                .await?;
            let deletes = phase_two(&plan, &state);
            if report.failed.is_empty() && !run.cancel.is_cancelled() {
                run.execute(None, &deletes, &mut state, &mut report).await?;
            } else {
                report
                    .postponed
                    .extend(deletes.iter().map(|op| op.logical_id.clone()));
            }
        }
        state.outputs = outputs(stack, &state);
        report.outputs = state.outputs.clone();
        report.interrupted = run.cancel.is_cancelled();
        run.finish(&mut state, &mut report, started).await?;
        Ok(report)
    }

    async fn destroy_locked(&self, stack_name: &str) -> Result<Report, EngineError> {
        let started = Instant::now();
        let run = Run::new(self, stack_name);
        let mut state = run.reconcile().await?;
        let everything = State {
            resources: state.resources.clone(),
            retired: state.retired.clone(),
            ..State::empty(stack_name)
        };
        let empty = Stack::new(stack_name, crate::stack::Environment::default());
        let plan = plan(&empty, &everything)?;
        let mut report = Report::of(plan.clone());
        let deletes = phase_two(&plan, &state);
        run.execute(None, &deletes, &mut state, &mut report).await?;
        state.outputs.clear();
        report.interrupted = run.cancel.is_cancelled();
        run.finish(&mut state, &mut report, started).await?;
        Ok(report)
    }
}

/// One operation to dispatch.
#[derive(Clone, Debug)]
struct Op {
    logical_id: String,
    operation: Operation,
    type_name: String,
    /// The resource acted on (update, delete).
    physical_id: Option<String>,
    /// For creates and updates: the desired node, resolved at dispatch time.
    node: Option<petgraph::stable_graph::NodeIndex>,
    /// Properties that changed (updates).
    changed: Vec<String>,
    /// Operations of the same phase that must finish first.
    after: Vec<usize>,
}

/// Phase one: creates, updates, replacements (with their retirements when the new resource
/// cannot exist beside the old one).
fn phase_one(stack: &Stack, plan: &Plan, state: &State, provider: &dyn Provider) -> Vec<Op> {
    let graph = stack.graph();
    let mut ops: Vec<Op> = Vec::new();
    let mut creating: HashMap<String, usize> = HashMap::new();
    let mut retiring: HashMap<String, usize> = HashMap::new();
    for change in &plan.changes {
        let Some(node) = change.node else { continue };
        let operation = match &change.action {
            Action::Create | Action::Replace { .. } => Operation::Create,
            Action::Update => Operation::Update,
            _ => continue,
        };
        let mut after: Vec<usize> = graph
            .dependencies(node)
            .into_iter()
            .filter_map(|(dependency, _)| creating.get(&graph.node(dependency).logical_id).copied())
            .collect();
        if matches!(change.action, Action::Replace { .. }) {
            let recorded = &state.resources[&change.logical_id];
            if !provider.create_before_delete(&change.type_name, &recorded.inputs) {
                // Retire the old one first, after dependents that are retired too.
                let retire_after: Vec<usize> = state
                    .resources
                    .iter()
                    .filter(|(_, r)| r.depends_on.contains(&change.logical_id))
                    .filter_map(|(id, _)| retiring.get(id).copied())
                    .collect();
                ops.push(Op {
                    logical_id: change.logical_id.clone(),
                    operation: Operation::Retire,
                    type_name: recorded.type_name.clone(),
                    physical_id: Some(recorded.physical_id.clone()),
                    node: None,
                    changed: Vec::new(),
                    after: retire_after,
                });
                retiring.insert(change.logical_id.clone(), ops.len() - 1);
                after.push(ops.len() - 1);
            }
        }
        let physical_id = state
            .resources
            .get(&change.logical_id)
            .map(|r| r.physical_id.clone());
        ops.push(Op {
            logical_id: change.logical_id.clone(),
            operation,
            type_name: change.type_name.clone(),
            physical_id: if operation == Operation::Update {
                physical_id
            } else {
                None
            },
            node: Some(node),
            changed: change.properties.iter().map(|p| p.name.clone()).collect(),
            after,
        });
        creating.insert(change.logical_id.clone(), ops.len() - 1);
    }
    ops
}

/// Phase two: deletions of undeclared resources and of retired halves, dependents first.
fn phase_two(plan: &Plan, state: &State) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    let mut depends_on: Vec<Vec<String>> = Vec::new();
    for change in &plan.changes {
        if change.action == Action::Delete {
            if let Some(recorded) = state.resources.get(&change.logical_id) {
                ops.push(Op {
                    logical_id: change.logical_id.clone(),
                    operation: Operation::Delete,
                    type_name: recorded.type_name.clone(),
                    physical_id: Some(recorded.physical_id.clone()),
                    node: None,
                    changed: Vec::new(),
                    after: Vec::new(),
                });
                depends_on.push(recorded.depends_on.clone());
            }
        }
    }
    // Retired halves, including those phase one just made.
    for retired in &state.retired {
        ops.push(Op {
            logical_id: retired.logical_id.clone(),
            operation: Operation::DeleteRetired,
            type_name: retired.type_name.clone(),
            physical_id: Some(retired.physical_id.clone()),
            node: None,
            changed: Vec::new(),
            after: Vec::new(),
        });
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

/// The outputs of a stack resolved from state; those not resolvable are left out.
fn outputs(stack: &Stack, state: &State) -> BTreeMap<String, Json> {
    let known = StateKnown(state);
    stack
        .outputs()
        .iter()
        .map(|o| (o.id.clone(), resolve::resolve(stack, &o.value, &known)))
        .filter(|(_, v)| !resolve::is_unknown(v))
        .collect()
}

struct StateKnown<'a>(&'a State);

impl Known for StateKnown<'_> {
    fn get(&self, logical_id: &str) -> Option<(&str, &Attributes)> {
        self.0
            .resources
            .get(logical_id)
            .map(|r| (r.physical_id.as_str(), &r.attributes))
    }
}

/// The shared parts of one run.
struct Run<'a> {
    deployer: &'a Deployer,
    stack_name: String,
    seq: Arc<AtomicU64>,
    calls: Arc<CallCounter>,
    limiter: Arc<Limiter>,
    cancel: Cancel,
}

#[derive(Debug, Default)]
struct CallCounter {
    create: AtomicUsize,
    update: AtomicUsize,
    delete: AtomicUsize,
    read: AtomicUsize,
}

impl CallCounter {
    fn snapshot(&self) -> Calls {
        Calls {
            create: self.create.load(Ordering::Relaxed),
            update: self.update.load(Ordering::Relaxed),
            delete: self.delete.load(Ordering::Relaxed),
            read: self.read.load(Ordering::Relaxed),
        }
    }
}

/// What a dispatched task returns.
enum Outcome {
    Done {
        intent: JournalEntry,
        physical_id: Option<String>,
        attributes: Attributes,
    },
    Failed(String),
    /// The state backend failed: the run must stop as if the process died.
    Fatal(StateError),
}

impl<'a> Run<'a> {
    fn new(deployer: &'a Deployer, stack_name: &str) -> Self {
        Self {
            deployer,
            stack_name: stack_name.to_owned(),
            seq: Arc::new(AtomicU64::new(0)),
            calls: Arc::new(CallCounter::default()),
            limiter: Arc::new(Limiter::new(deployer.options.concurrency)),
            cancel: deployer.cancel.clone(),
        }
    }

    fn emit(&self, event: Event) {
        if let Some(observer) = &self.deployer.observer {
            observer.event(&event);
        }
    }

    /// Loads state, replays the journal, settles open intents with the provider, saves.
    async fn reconcile(&self) -> Result<State, EngineError> {
        let backend = &self.deployer.backend;
        let provider = &self.deployer.provider;
        let mut state = backend
            .load()
            .await?
            .unwrap_or_else(|| State::empty(&self.stack_name));
        let journal = backend.journal().await?;
        if journal.is_empty() {
            return Ok(state);
        }
        for Pending { entry } in replay(&mut state, &journal) {
            let JournalEntry::Intent {
                logical_id,
                operation,
                type_name,
                token,
                ownership,
                physical_id,
                ..
            } = &entry
            else {
                continue;
            };
            let reconcile_error = |source| EngineError::Reconcile {
                logical_id: logical_id.clone(),
                source,
            };
            self.calls.read.fetch_add(1, Ordering::Relaxed);
            match operation {
                Operation::Create => {
                    if let Some(found) = provider
                        .find(type_name, token, ownership)
                        .await
                        .map_err(reconcile_error)?
                    {
                        apply_done(
                            &mut state,
                            &entry,
                            Some(&found.physical_id),
                            found.attributes,
                        );
                    }
                }
                Operation::Update => {
                    let current = state
                        .resources
                        .get(logical_id)
                        .map(|r| r.physical_id.clone());
                    if let Some(physical) = current {
                        match provider
                            .read(type_name, &physical)
                            .await
                            .map_err(reconcile_error)?
                        {
                            // Inputs stay as last recorded, so the plan repeats the update.
                            Some(attributes) => {
                                if let Some(r) = state.resources.get_mut(logical_id) {
                                    r.attributes = attributes;
                                }
                            }
                            None => {
                                state.resources.remove(logical_id);
                            }
                        }
                    }
                }
                Operation::Delete | Operation::DeleteRetired | Operation::Retire => {
                    let physical = physical_id.clone().unwrap_or_default();
                    if provider
                        .read(type_name, &physical)
                        .await
                        .map_err(reconcile_error)?
                        .is_none()
                    {
                        apply_done(&mut state, &entry, None, Attributes::new());
                        if *operation == Operation::Retire {
                            state.retired.retain(|r| r.physical_id != physical);
                        }
                    } else if *operation == Operation::Retire {
                        // Still there: it must go before its replacement is created.
                        apply_done(&mut state, &entry, None, Attributes::new());
                    }
                }
            }
        }
        state.serial += 1;
        backend.save(&state).await?;
        backend.clear_journal().await?;
        Ok(state)
    }

    async fn finish(
        &self,
        state: &mut State,
        report: &mut Report,
        started: Instant,
    ) -> Result<(), EngineError> {
        state.serial += 1;
        self.deployer.backend.save(state).await?;
        self.deployer.backend.clear_journal().await?;
        report.calls = self.calls.snapshot();
        report.elapsed = started.elapsed();
        Ok(())
    }

    /// Dispatches `ops` as their dependencies finish.
    async fn execute(
        &self,
        stack: Option<&Stack>,
        ops: &[Op],
        state: &mut State,
        report: &mut Report,
    ) -> Result<(), EngineError> {
        let mut waiting: Vec<usize> = ops.iter().map(|op| op.after.len()).collect();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
        for (i, op) in ops.iter().enumerate() {
            for &before in &op.after {
                dependents[before].push(i);
            }
        }
        let mut ready: VecDeque<usize> = (0..ops.len()).filter(|&i| waiting[i] == 0).collect();
        let mut tasks: JoinSet<(usize, Outcome)> = JoinSet::new();
        let mut finished = vec![false; ops.len()];
        loop {
            while !self.cancel.is_cancelled() && tasks.len() < self.limiter.limit() {
                let Some(i) = ready.pop_front() else { break };
                let intent = self.intent(stack, &ops[i], state);
                self.emit(Event::Started {
                    logical_id: ops[i].logical_id.clone(),
                    operation: ops[i].operation,
                });
                tasks.spawn(self.call(i, intent, ops[i].changed.clone()));
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            let (i, outcome) = joined.expect("operation tasks do not panic");
            finished[i] = true;
            match outcome {
                Outcome::Fatal(error) => {
                    tasks.abort_all();
                    return Err(EngineError::State(error));
                }
                Outcome::Done {
                    intent,
                    physical_id,
                    attributes,
                } => {
                    apply_done(state, &intent, physical_id.as_deref(), attributes);
                    for &next in &dependents[i] {
                        waiting[next] -= 1;
                        if waiting[next] == 0 {
                            ready.push_back(next);
                        }
                    }
                }
                Outcome::Failed(message) => {
                    report.failed.push((ops[i].logical_id.clone(), message));
                    // Everything that waits on it, transitively, is skipped.
                    let mut stack_of: Vec<usize> = dependents[i].clone();
                    while let Some(next) = stack_of.pop() {
                        if !finished[next] {
                            finished[next] = true;
                            report.skipped.push(ops[next].logical_id.clone());
                            self.emit(Event::Skipped {
                                logical_id: ops[next].logical_id.clone(),
                            });
                            stack_of.extend(dependents[next].iter().copied());
                        }
                    }
                }
            }
        }
        if self.cancel.is_cancelled() {
            for (i, op) in ops.iter().enumerate() {
                if !finished[i] && !report.postponed.contains(&op.logical_id) {
                    report.postponed.push(op.logical_id.clone());
                }
            }
        }
        Ok(())
    }

    /// The journal intent of an op, its inputs resolved against the current state.
    fn intent(&self, stack: Option<&Stack>, op: &Op, state: &State) -> JournalEntry {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst);
        let token = token(&self.stack_name, &op.logical_id, seq);
        let (inputs, depends_on) = match (stack, op.node) {
            (Some(stack), Some(node))
                if matches!(op.operation, Operation::Create | Operation::Update) =>
            {
                let graph = stack.graph();
                let depends_on = graph
                    .dependencies(node)
                    .into_iter()
                    .map(|(d, _)| graph.node(d).logical_id.clone())
                    .collect();
                (
                    Some(resolve::inputs(stack, node, &StateKnown(state))),
                    depends_on,
                )
            }
            _ => (None, Vec::new()),
        };
        let ownership = BTreeMap::from([
            ("stratus:stack".to_owned(), self.stack_name.clone()),
            ("stratus:logical-id".to_owned(), op.logical_id.clone()),
            ("stratus:token".to_owned(), token.clone()),
        ]);
        JournalEntry::Intent {
            seq,
            logical_id: op.logical_id.clone(),
            operation: op.operation,
            type_name: op.type_name.clone(),
            token,
            ownership,
            physical_id: op.physical_id.clone(),
            inputs,
            depends_on,
        }
    }

    /// One operation: journal the intent, call with retries, journal the result.
    fn call(
        &self,
        i: usize,
        intent: JournalEntry,
        changed: Vec<String>,
    ) -> impl std::future::Future<Output = (usize, Outcome)> + Send + 'static {
        let call = Call {
            backend: Arc::clone(&self.deployer.backend),
            provider: Arc::clone(&self.deployer.provider),
            limiter: Arc::clone(&self.limiter),
            calls: Arc::clone(&self.calls),
            observer: self.deployer.observer.clone(),
            options: self.deployer.options.clone(),
        };
        async move { (i, call.run(intent, changed).await) }
    }
}

/// What one dispatched operation needs, owned so that it can run as its own task.
struct Call {
    backend: Arc<dyn StateBackend>,
    provider: Arc<dyn Provider>,
    limiter: Arc<Limiter>,
    calls: Arc<CallCounter>,
    observer: Option<Arc<dyn Observer>>,
    options: ApplyOptions,
}

impl Call {
    fn emit(&self, event: Event) {
        if let Some(observer) = &self.observer {
            observer.event(&event);
        }
    }

    async fn run(self, intent: JournalEntry, changed: Vec<String>) -> Outcome {
        let JournalEntry::Intent {
            seq,
            logical_id,
            operation,
            ..
        } = &intent
        else {
            unreachable!("a call is given an intent");
        };
        if let Err(e) = self.backend.append(&intent).await {
            return Outcome::Fatal(e);
        }
        let started = Instant::now();
        match self.with_retries(&intent, &changed).await {
            Ok((physical_id, attributes)) => {
                self.limiter.succeeded();
                let done = JournalEntry::Done {
                    seq: *seq,
                    physical_id: physical_id.clone(),
                    attributes: Some(attributes.clone()),
                };
                if let Err(e) = self.backend.append(&done).await {
                    return Outcome::Fatal(e);
                }
                self.emit(Event::Finished {
                    logical_id: logical_id.clone(),
                    operation: *operation,
                    elapsed: started.elapsed(),
                });
                Outcome::Done {
                    intent,
                    physical_id,
                    attributes,
                }
            }
            Err(error) => {
                let message = error.to_string();
                if let Err(e) = self
                    .backend
                    .append(&JournalEntry::Failed {
                        seq: *seq,
                        message: message.clone(),
                    })
                    .await
                {
                    return Outcome::Fatal(e);
                }
                self.emit(Event::Failed {
                    logical_id: logical_id.clone(),
                    operation: *operation,
                    message: message.clone(),
                });
                Outcome::Failed(message)
            }
        }
    }

    /// Calls the provider, retrying throttling and (for deletes) dependency conflicts.
    async fn with_retries(
        &self,
        intent: &JournalEntry,
        changed: &[String],
    ) -> Result<(Option<String>, Attributes), ProviderError> {
        let JournalEntry::Intent {
            seq,
            logical_id,
            operation,
            inputs,
            ..
        } = intent
        else {
            unreachable!("a call is given an intent");
        };
        let empty = Inputs::new();
        let deleting = matches!(
            operation,
            Operation::Delete | Operation::DeleteRetired | Operation::Retire
        );
        let mut attempt = 1;
        loop {
            let result = invoke(
                self.provider.as_ref(),
                &self.calls,
                intent,
                inputs.as_ref().unwrap_or(&empty),
                changed,
            )
            .await;
            let retry_limit = match result.as_ref().map_err(|e| e.kind) {
                Err(ErrorKind::Throttled) => self.options.throttle_attempts,
                Err(ErrorKind::Conflict) if deleting => self.options.conflict_attempts,
                _ => 0,
            };
            match result {
                Err(e) if attempt < retry_limit => {
                    if e.kind == ErrorKind::Throttled {
                        self.limiter.throttled();
                    }
                    attempt += 1;
                    self.emit(Event::Retrying {
                        logical_id: logical_id.clone(),
                        kind: e.kind,
                        attempt,
                    });
                    tokio::time::sleep(backoff(&self.options, attempt, *seq)).await;
                }
                other => return other,
            }
        }
    }
}

/// One provider call for an intent; a delete of something already gone succeeds.
async fn invoke(
    provider: &dyn Provider,
    calls: &CallCounter,
    intent: &JournalEntry,
    inputs: &Inputs,
    changed: &[String],
) -> Result<(Option<String>, Attributes), ProviderError> {
    let JournalEntry::Intent {
        logical_id,
        operation,
        type_name,
        token,
        ownership,
        physical_id,
        ..
    } = intent
    else {
        unreachable!("invoke is given an intent");
    };
    match operation {
        Operation::Create => {
            calls.create.fetch_add(1, Ordering::Relaxed);
            let request = CreateRequest {
                type_name,
                logical_id,
                inputs,
                token,
                ownership,
            };
            provider
                .create(request)
                .await
                .map(|c| (Some(c.physical_id), c.attributes))
        }
        Operation::Update => {
            calls.update.fetch_add(1, Ordering::Relaxed);
            let physical = physical_id.as_deref().unwrap_or_default();
            provider
                .update(type_name, physical, inputs, changed)
                .await
                .map(|a| (Some(physical.to_owned()), a))
        }
        Operation::Delete | Operation::DeleteRetired | Operation::Retire => {
            calls.delete.fetch_add(1, Ordering::Relaxed);
            match provider
                .delete(type_name, physical_id.as_deref().unwrap_or_default())
                .await
            {
                Err(e) if e.kind == ErrorKind::NotFound => Ok((None, Attributes::new())),
                other => other.map(|()| (None, Attributes::new())),
            }
        }
    }
}

/// Exponential backoff with jitter from the sequence number (no global RNG needed).
fn backoff(options: &ApplyOptions, attempt: u32, seq: u64) -> Duration {
    let exponential = options
        .base_delay
        .saturating_mul(1u32 << attempt.min(16).saturating_sub(2));
    let capped = exponential.min(options.max_delay);
    let jitter = (seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as u32; // 0..1024
    capped.mul_f64(0.5 + f64::from(jitter) / 2048.0)
}

/// An idempotency token: unique per intent, at most 64 ASCII characters (EC2's limit).
fn token(stack: &str, logical_id: &str, seq: u64) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write(stack.as_bytes());
    hasher.write(logical_id.as_bytes());
    hasher.write_u64(seq);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    format!("stratus-{:016x}-{seq}", hasher.finish())
}
