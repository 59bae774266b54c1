//! [`Deployer`]: plan, deploy and destroy one stack through a [`Provider`], crash-safely.
//!
//! Every mutating call is preceded by a durable journal `Intent` and followed by `Done` or
//! `Failed`. A run that dies leaves the journal behind; the next run replays it, asks the
//! provider about each open intent (finishing what a create made, found by its token; checking
//! whether a delete happened), saves the reconciled state and only then plans.
//!
//! A deploy plans under the state lock, reading the cloud first (refresh) so that a change made
//! outside Stratus shows as a difference to put back; the plan it shows for approval, or the one
//! saved by `plan --out`, is exactly the plan it applies. Apply runs in two phases, each a
//! dependency-ordered dispatch with no level barriers: every operation starts the moment the
//! operations it depends on finish, up to an adaptive concurrency limit. Phase one creates,
//! updates and replaces (creating the new resource before deleting the old one where the
//! provider's contract allows); phase two deletes what is no longer declared and the old halves
//! of replacements, dependents first, honouring each resource's removal policy. A failure skips
//! only what depends on it; phase two waits for a phase one without failures.

mod call;
mod import;
mod ops;
mod run;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use serde::Serialize;
use tokio::sync::Notify;

use crate::error::{ValidationError, ValidationErrors};
use crate::removal::RemovalPolicy;
use crate::stack::Stack;

use super::liveness::Liveness;
use super::plan::{Action, DataLoss, Plan, plan, plan_with};
use super::provider::{ErrorKind, Json, Provider, ProviderError};
use super::refresh::Drift;
use super::resolve;
use super::saved::{
    SAVED_PLAN_FORMAT, SavedPlan, first_difference, state_fingerprint, template_fingerprint,
};
use super::state::{LockHolder, Operation, State, StateBackend, StateError};
use call::panic_message;
pub use import::Imported;
use ops::{deleted_first, phase_one, phase_two};
use run::{Run, StateKnown};

/// How a run behaves.
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    /// Most provider calls in flight (default 1024, i.e. as wide as the graph; throttling
    /// lowers it for the run, additive increase brings it back).
    pub concurrency: usize,
    /// Attempts per call when throttled (default 8).
    pub throttle_attempts: u32,
    /// How long a delete refused for a dependency is retried (default 30 min: a load
    /// balancer's network interfaces take minutes to drain before the gateway can be detached
    /// or the security group deleted; Terraform waits 15 to 20 minutes for the same deletes).
    pub conflict_timeout: Duration,
    /// First retry delay, doubled per attempt (default 500 ms).
    pub base_delay: Duration,
    /// Longest retry delay (default 20 s).
    pub max_delay: Duration,
    /// Read every recorded resource before planning, so that changes made outside Stratus
    /// show in the plan (default true; `--refresh=false`).
    pub refresh: bool,
    /// Logical ids or construct paths of data-bearing resources that may be deleted or
    /// replaced without a final snapshot (default none: such a plan is refused).
    pub allow_data_loss: BTreeSet<String>,
    /// Logical ids or construct paths of creates a dead run left open that cannot be finished:
    /// what each made (found by its token) is deleted, and the plan creates it again from the
    /// program as it is now (`--discard-pending`, Pulumi's `--clear-pending-creates`).
    pub discard_pending: BTreeSet<String>,
    /// As [`ApplyOptions::discard_pending`], but what each made is kept and recorded; the
    /// refresh reads it and the plan takes it to the program as it is now
    /// (`--adopt-pending`, Pulumi's `--import-pending-creates`).
    pub adopt_pending: BTreeSet<String>,
    /// After a stop is requested (the first Ctrl-C), how long calls in flight may take to
    /// finish (default 10 s: an API call answers well within it; a wait for a database can
    /// take an hour). Then they are abandoned with their intents open in the journal, and the
    /// next run settles them, as after a crash.
    pub stop_grace: Duration,
}

impl ApplyOptions {
    /// Every delay and time budget multiplied by `factor` (0.01: a hundred times faster), for
    /// tests whose cloud plays AWS's delays scaled by the same factor.
    #[must_use]
    pub fn scaled(self, factor: f64) -> Self {
        Self {
            conflict_timeout: self.conflict_timeout.mul_f64(factor),
            stop_grace: self.stop_grace.mul_f64(factor),
            base_delay: self.base_delay.mul_f64(factor),
            max_delay: self.max_delay.mul_f64(factor),
            ..self
        }
    }
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            concurrency: 1024,
            throttle_attempts: 8,
            conflict_timeout: Duration::from_secs(30 * 60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            refresh: true,
            allow_data_loss: BTreeSet::new(),
            discard_pending: BTreeSet::new(),
            adopt_pending: BTreeSet::new(),
            stop_grace: Duration::from_secs(10),
        }
    }
}

/// Progress of a run, for a display.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The plan is settled: this many operations follow.
    Planned {
        /// Operations to dispatch (creates, updates, replacements, deletes).
        operations: usize,
    },
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
    /// Throttling lowered the concurrency limit, or successes raised it again.
    Concurrency {
        /// Calls that may be in flight now.
        limit: usize,
    },
    /// The lock of a run that provably died was taken over.
    LockTakenOver {
        /// The dead run.
        holder: LockHolder,
        /// How it is known to be dead.
        why: String,
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

/// Asks a run to stop dispatching; in-flight calls get [`ApplyOptions::stop_grace`] to finish,
/// then are left for the next run to settle, and state is saved.
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

    /// Resolves once a stop is requested.
    pub(super) async fn cancelled(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Registered before the flag is read, so a stop in between still wakes it.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Provider calls a run made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Calls {
    /// Creates (attempts), resumed creates included.
    pub create: usize,
    /// Updates (attempts).
    pub update: usize,
    /// Deletes (attempts).
    pub delete: usize,
    /// Reads and finds (reconciliation, refresh).
    pub read: usize,
    /// Attempts repeated after throttling, unavailability or a dependency conflict.
    pub retries: usize,
}

impl Calls {
    /// Calls that change the cloud.
    pub fn mutating(&self) -> usize {
        self.create + self.update + self.delete
    }
}

#[derive(Debug, Default)]
pub(crate) struct CallCounter {
    create: AtomicUsize,
    update: AtomicUsize,
    delete: AtomicUsize,
    read: AtomicUsize,
    retries: AtomicUsize,
}

impl CallCounter {
    fn snapshot(&self) -> Calls {
        Calls {
            create: self.create.load(Ordering::Relaxed),
            update: self.update.load(Ordering::Relaxed),
            delete: self.delete.load(Ordering::Relaxed),
            read: self.read.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }
}

/// A resource a run kept instead of deleting outright.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// Its logical id.
    pub logical_id: String,
    /// Its type.
    pub type_name: String,
    /// Its physical id.
    pub physical_id: String,
    /// Why: `Retain` (left in the cloud, dropped from state) or `Snapshot` (deleted after a
    /// final snapshot).
    pub policy: RemovalPolicy,
    /// The final snapshot's name.
    pub snapshot: Option<String>,
}

impl std::fmt::Display for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.snapshot {
            Some(snapshot) => write!(
                f,
                "{} ({} {}): final snapshot {snapshot} kept (removal policy Snapshot)",
                self.logical_id, self.type_name, self.physical_id
            ),
            None => write!(
                f,
                "{} ({} {}): left in the cloud and no longer managed by this stack (removal policy Retain)",
                self.logical_id, self.type_name, self.physical_id
            ),
        }
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
    /// Operations whose outcome is unknown (the provider panicked): the journal keeps them and
    /// the next run settles them.
    pub unresolved: Vec<String>,
    /// Resources kept by their removal policy.
    pub kept: Vec<Kept>,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Stack outputs after the run.
    pub outputs: BTreeMap<String, Json>,
    /// The lowest concurrency limit throttling brought the run to, if it was throttled.
    pub lowest_concurrency: Option<usize>,
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
            unresolved: Vec::new(),
            kept: Vec::new(),
            interrupted: false,
            lowest_concurrency: None,
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
    /// State storage failed before the run started (locked, unreadable, corrupt).
    #[error(transparent)]
    State(#[from] StateError),
    /// State storage failed during the run, which stopped: every call was journaled before
    /// it was made, so the next run settles what this one did.
    #[error(
        "{0}. The run stopped; what it did was journaled before each call: run again once the \
         state storage answers, and the next run settles it (taking over this run's lock once \
         this process has exited)"
    )]
    Storage(StateError),
    /// The provider cannot apply some resources of the plan in full; nothing was called.
    #[error("the provider refuses {} resource(s) before any call:\n{}", .0.len(), .0.iter().map(|(id, e)| format!("  - {id}: {e}")).collect::<Vec<_>>().join("\n"))]
    Unsupported(Vec<(String, String)>),
    /// The plan deletes or replaces data-bearing resources without a final snapshot.
    #[error("the plan loses data, so nothing was done:\n{}\nset a removal policy that keeps the data (Snapshot or Retain), or allow it explicitly for each: --allow-data-loss <logical id or path>", .0.iter().map(|d| format!("  - {} ({}) would be {}d without a snapshot", d.path.as_deref().unwrap_or(&d.logical_id), d.type_name, d.action)).collect::<Vec<_>>().join("\n"))]
    DataLoss(Vec<DataLoss>),
    /// A saved plan no longer describes what deploying would do.
    #[error("the saved plan of stack {stack} is stale: {reason}; make a new plan")]
    StalePlan {
        /// The stack.
        stack: String,
        /// What moved.
        reason: String,
    },
    /// A provider call during reconciliation failed.
    #[error("reconciling {logical_id}: {source}")]
    Reconcile {
        /// The resource.
        logical_id: String,
        /// The provider's error.
        source: ProviderError,
    },
    /// A dead run's create made its resource but cannot be finished with the inputs it was
    /// given: every later run would fail the same way until someone chooses.
    #[error(
        "{path}: an earlier run's create made {physical_id} but could not finish it: {source}. \
         Nothing was changed. Keep it and plan from the program as it is now with \
         --adopt-pending {path}, or delete it and create it again with --discard-pending {path}"
    )]
    PendingCreate {
        /// The construct path (or logical id).
        path: String,
        /// What the create made.
        physical_id: String,
        /// Why it cannot be finished.
        source: ProviderError,
    },
    /// Reading a resource to refresh it failed.
    #[error("reading {logical_id} from the cloud: {source}; retry, or plan with --refresh=false")]
    Refresh {
        /// The resource.
        logical_id: String,
        /// The provider's error.
        source: ProviderError,
    },
    /// An import was refused.
    #[error("cannot import {path}: {reason}")]
    Import {
        /// The construct path.
        path: String,
        /// Why, and what to do.
        reason: String,
    },
    /// The provider panicked outside an operation; the lock was released, the journal kept.
    #[error(
        "the provider panicked during {during}: {message}; the journal is kept for the next run"
    )]
    Panicked {
        /// What was running.
        during: String,
        /// The panic's message.
        message: String,
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

/// A caller's decision on a plan, made under the lock before anything is applied.
type Approval<'a> = Box<dyn FnOnce(&Plan) -> bool + Send + 'a>;

/// What a deploy applies: a fresh plan, or a saved one checked against a fresh one.
enum Source<'a> {
    Fresh,
    Approve(Approval<'a>),
    Saved(&'a SavedPlan),
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

    /// The state backend.
    pub fn backend(&self) -> &Arc<dyn StateBackend> {
        &self.backend
    }

    /// Plans without changing anything: the saved state with the journal of a dead run applied
    /// (read-only), refreshed from the cloud unless [`ApplyOptions::refresh`] is off.
    pub async fn plan(&self, stack: &Stack) -> Result<Plan, EngineError> {
        Ok(self.saved_plan(stack).await?.plan)
    }

    /// Plans as [`Deployer::plan`], with what `deploy` needs to apply exactly this plan later
    /// (`plan --out FILE`).
    #[tracing::instrument(name = "plan", skip_all, fields(stack = %stack.name()))]
    pub async fn saved_plan(&self, stack: &Stack) -> Result<SavedPlan, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        guarded("plan", async {
            let run = Run::new(self, stack.name());
            let state = run.peek().await?;
            let (plan, _) = self
                .prepare(&run, stack, &state, self.options.refresh)
                .await?;
            Ok(SavedPlan {
                format: SAVED_PLAN_FORMAT,
                stack: stack.name().to_owned(),
                state: state_fingerprint(&state),
                template: template_fingerprint(stack),
                refresh: self.options.refresh,
                plan,
            })
        })
        .await
    }

    /// What differs between recorded state and the cloud, property by property, and what was
    /// deleted outside Stratus. Changes nothing.
    #[tracing::instrument(name = "drift", skip_all, fields(stack = %stack_name))]
    pub async fn drift(&self, stack_name: &str) -> Result<Drift, EngineError> {
        guarded("drift", async {
            let run = Run::new(self, stack_name);
            let state = run.peek().await?;
            let (_, resources) = run.refresh(&state).await?;
            Ok(Drift {
                stack: stack_name.to_owned(),
                checked: state.resources.len(),
                resources,
            })
        })
        .await
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

    /// Brings the cloud to the declared stack: plans under the lock and applies that plan.
    ///
    /// # Panics
    /// Never: nothing declines the plan.
    pub async fn deploy(&self, stack: &Stack) -> Result<Report, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        self.with_lock("deploy", self.deploy_locked(stack, Source::Fresh))
            .await
            .map(|r| r.expect("a fresh deploy is never declined"))
    }

    /// As [`Deployer::deploy`], applying the plan only if `approve` accepts it; `None` when it
    /// does not. The plan shown is the plan applied: both are made under the lock.
    pub async fn deploy_with(
        &self,
        stack: &Stack,
        approve: impl FnOnce(&Plan) -> bool + Send,
    ) -> Result<Option<Report>, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        self.with_lock(
            "deploy",
            self.deploy_locked(stack, Source::Approve(Box::new(approve))),
        )
        .await
    }

    /// Applies a saved plan exactly, or refuses ([`EngineError::StalePlan`]) when the state,
    /// the declared stack or what the cloud holds has moved since it was made.
    ///
    /// # Panics
    /// Never: nothing declines the plan.
    pub async fn apply_saved(
        &self,
        stack: &Stack,
        saved: &SavedPlan,
    ) -> Result<Report, EngineError> {
        stack.validate().map_err(EngineError::Invalid)?;
        self.with_lock("deploy", self.deploy_locked(stack, Source::Saved(saved)))
            .await
            .map(|r| r.expect("a saved plan is never declined"))
    }

    /// Deletes every resource recorded for the stack, dependents first, honouring removal
    /// policies: retained resources leave state untouched in the cloud, snapshotted ones are
    /// deleted after a final snapshot. [`Report::kept`] lists both.
    ///
    /// # Panics
    /// Never: nothing declines the plan.
    pub async fn destroy(&self, stack_name: &str) -> Result<Report, EngineError> {
        self.with_lock("destroy", self.destroy_locked(stack_name, None))
            .await
            .map(|r| r.expect("an unconditional destroy is never declined"))
    }

    /// As [`Deployer::destroy`], only if `approve` accepts the plan.
    pub async fn destroy_with(
        &self,
        stack_name: &str,
        approve: impl FnOnce(&Plan) -> bool + Send,
    ) -> Result<Option<Report>, EngineError> {
        self.with_lock(
            "destroy",
            self.destroy_locked(stack_name, Some(Box::new(approve))),
        )
        .await
    }

    /// Runs `work` holding the state lock. A panic inside is caught: the lock is released and
    /// the journal kept. A storage failure means the backend is unusable: the lock then stays
    /// (the next run takes it over once this process has exited, or `force-unlock`), and the
    /// error says how the next run recovers.
    async fn with_lock<T>(
        &self,
        operation: &str,
        work: impl std::future::Future<Output = Result<T, EngineError>>,
    ) -> Result<T, EngineError> {
        self.lock(operation).await?;
        let result = guarded(operation, work).await.map_err(|e| match e {
            EngineError::State(io @ StateError::Io { .. }) => EngineError::Storage(io),
            other => other,
        });
        // Storage that fails may fail to unlock too; damaged state is refused cleanly.
        if !matches!(result, Err(EngineError::Storage(_))) {
            self.backend.unlock().await?;
        }
        result
    }

    /// Takes the lock; a lock whose holder is provably dead (this host, its process gone) is
    /// taken over, with an [`Event::LockTakenOver`]. Any other holder is refused, named.
    async fn lock(&self, operation: &str) -> Result<(), EngineError> {
        let me = LockHolder::this_process(operation);
        let (stack, stale) = match self.backend.lock(&me).await {
            Ok(()) => return Ok(()),
            Err(StateError::Locked { stack, holder, .. }) => (stack, *holder),
            Err(other) => return Err(other.into()),
        };
        let Liveness::Dead(why) = stale.liveness() else {
            return Err(StateError::locked(&stack, stale).into());
        };
        if self.backend.take_over(&stale, &me).await? {
            if let Some(observer) = &self.observer {
                observer.event(&Event::LockTakenOver { holder: stale, why });
            }
            return Ok(());
        }
        // Someone else moved the lock meanwhile (took it over, or finished): try once more.
        self.backend.lock(&me).await.map_err(EngineError::from)
    }

    /// Checks the stack against the provider, refreshes (by the options), plans. Returns the
    /// plan and the state it was made against.
    #[tracing::instrument(name = "prepare", skip_all, fields(refresh))]
    async fn prepare(
        &self,
        run: &Run<'_>,
        stack: &Stack,
        state: &State,
        refresh: bool,
    ) -> Result<(Plan, State), EngineError> {
        self.check(stack, state)?;
        let (working, drift) = if refresh {
            run.refresh(state).await?
        } else {
            (state.clone(), Vec::new())
        };
        let mut plan = plan_with(stack, &working, Some(self.provider.as_ref()))?;
        plan.drift = drift;
        Ok((plan, working))
    }

    /// Refuses, before any call, what the provider cannot apply in full.
    fn check(&self, stack: &Stack, state: &State) -> Result<(), EngineError> {
        let graph = stack.graph();
        let refused: Vec<(String, String)> = graph
            .nodes()
            .filter_map(|(index, node)| {
                let inputs = resolve::inputs(stack, index, &StateKnown(state));
                let refusal = match self.provider.check(node.type_name, &inputs) {
                    Err(e) => Some(e.message),
                    Ok(()) => self
                        .provider
                        .contract(node.type_name)
                        .filter(|c| node.removal == RemovalPolicy::Snapshot && !c.snapshot)
                        .map(|_| {
                            format!(
                                "removal policy Snapshot, but this provider keeps no snapshot of {}; use Retain or Destroy",
                                node.type_name
                            )
                        }),
                };
                refusal.map(|r| (node.path.to_string(), r))
            })
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(EngineError::Unsupported(refused))
        }
    }

    /// Refuses, before any call, a replacement that must delete the old resource first (its
    /// name or identity stays) when that cannot work: its removal policy keeps it, or resources
    /// that refer to it are only updated in place and would still refer to the old one when it
    /// is deleted (AWS refuses such deletes).
    fn check_replacements(&self, plan: &Plan, state: &State) -> Result<(), EngineError> {
        let first = deleted_first(plan, state, self.provider.as_ref());
        let mut refused: Vec<(String, String)> = Vec::new();
        for change in plan
            .changes
            .iter()
            .filter(|c| first.contains(&c.logical_id))
        {
            let path = change
                .path
                .clone()
                .unwrap_or_else(|| change.logical_id.clone());
            if change.removal == RemovalPolicy::Retain {
                refused.push((
                    path,
                    "must be replaced, keeps its unique name and is to be retained: the old one \
                     cannot be deleted first; give it a new name, or another removal policy"
                        .to_owned(),
                ));
                continue;
            }
            let blockers: Vec<&str> = state
                .resources
                .iter()
                .filter(|(id, r)| {
                    r.depends_on.contains(&change.logical_id)
                        && plan.change(id).is_some_and(|c| {
                            c.action == Action::Update
                                || (c.action == Action::Delete
                                    && r.removal == RemovalPolicy::Retain)
                        })
                })
                .map(|(id, _)| id.as_str())
                .collect();
            if !blockers.is_empty() {
                refused.push((
                    path,
                    format!(
                        "must be replaced ({}) and keeps its unique name, so the old one must be \
                         deleted before the new one is made; but {} refer to it and are only \
                         updated in place (or retained), and AWS refuses to delete it while they do. Give it a \
                         new name (or leave the name out and Stratus derives a fresh one)",
                        match &change.action {
                            Action::Replace { because } =>
                                format!("{} changes", because.join(", ")),
                            _ => String::new(),
                        },
                        blockers.join(", ")
                    ),
                ));
            }
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(EngineError::Unsupported(refused))
        }
    }

    /// Refuses a plan that loses data the options do not allow to lose.
    fn check_data_loss(&self, plan: &Plan) -> Result<(), EngineError> {
        let lost: Vec<DataLoss> = plan
            .unallowed_data_loss(&self.options.allow_data_loss)
            .into_iter()
            .cloned()
            .collect();
        if lost.is_empty() {
            Ok(())
        } else {
            Err(EngineError::DataLoss(lost))
        }
    }

    #[tracing::instrument(name = "deploy", skip_all, fields(stack = %stack.name()))]
    async fn deploy_locked(
        &self,
        stack: &Stack,
        source: Source<'_>,
    ) -> Result<Option<Report>, EngineError> {
        let started = Instant::now();
        let run = Run::new(self, stack.name());
        let state = run.reconcile().await?;
        let fingerprint = state_fingerprint(&state);
        let refresh = match &source {
            Source::Saved(saved) => saved.refresh,
            _ => self.options.refresh,
        };
        let (plan, mut state) = self.prepare(&run, stack, &state, refresh).await?;
        self.check_replacements(&plan, &state)?;
        match source {
            Source::Fresh => {}
            Source::Approve(approve) => {
                if !approve(&plan) {
                    return Ok(None);
                }
            }
            Source::Saved(saved) => {
                let refuse = |reason: String| EngineError::StalePlan {
                    stack: stack.name().to_owned(),
                    reason,
                };
                if saved.stack != stack.name() {
                    return Err(refuse(format!("it was made for stack {}", saved.stack)));
                }
                if saved.state != fingerprint {
                    return Err(refuse("the recorded state changed since".into()));
                }
                if saved.template != template_fingerprint(stack) {
                    return Err(refuse("the program declares a different stack now".into()));
                }
                if let Some(difference) = first_difference(&saved.plan, &plan) {
                    return Err(refuse(format!("the cloud changed since: {difference}")));
                }
            }
        }
        self.check_data_loss(&plan)?;
        record_removal_policies(&plan, &mut state);
        let mut report = Report::of(plan.clone());
        report.kept.extend(run.settled_kept());
        run.planned(&plan);
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
        Ok(Some(report))
    }

    #[tracing::instrument(name = "destroy", skip_all, fields(stack = %stack_name))]
    async fn destroy_locked(
        &self,
        stack_name: &str,
        approve: Option<Approval<'_>>,
    ) -> Result<Option<Report>, EngineError> {
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
        if let Some(approve) = approve
            && !approve(&plan)
        {
            return Ok(None);
        }
        self.check_data_loss(&plan)?;
        let mut report = Report::of(plan.clone());
        report.kept.extend(run.settled_kept());
        run.planned(&plan);
        let deletes = phase_two(&plan, &state);
        run.execute(None, &deletes, &mut state, &mut report).await?;
        state.outputs.clear();
        report.interrupted = run.cancel.is_cancelled();
        run.finish(&mut state, &mut report, started).await?;
        Ok(Some(report))
    }
}

/// Records the removal policies the plan changes: no call, only what a later delete or
/// replacement does. Saved with the run's state, so a crash before the save loses nothing the
/// next plan would not show again.
fn record_removal_policies(plan: &Plan, state: &mut State) {
    for change in plan.changes.iter().filter(|c| c.removal_before.is_some()) {
        if let Some(resource) = state.resources.get_mut(&change.logical_id) {
            resource.removal = change.removal;
        }
    }
}

/// Runs `work`, turning a panic inside it into [`EngineError::Panicked`].
async fn guarded<T>(
    during: &str,
    work: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => Err(EngineError::Panicked {
            during: during.to_owned(),
            message: panic_message(panic.as_ref()),
        }),
    }
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
