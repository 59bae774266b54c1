//! One run of the engine: settle what a dead run left in the journal, read the cloud, dispatch
//! operations as their dependencies finish, save.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use futures_util::StreamExt;
use tokio::task::JoinSet;

use crate::removal::{RemovalPolicy, snapshot_name};
use crate::stack::Stack;

use super::super::journal::{Pending, apply_done, replay};
use super::super::limiter::Limiter;
use super::super::plan::names;
use super::super::provider::{
    Attributes, CreateRequest, ErrorKind, FindRequest, Inputs, Live, ProviderError,
};
use super::super::refresh::{DriftStatus, ResourceDrift, refresh_in_stack};
use super::super::resolve::{self, Known};
use super::super::state::{JournalEntry, Operation, State, StateError};
use super::call::{Call, CallArgs, Outcome, backoff, token};
use super::ops::Op;
use super::{CallCounter, Cancel, Deployer, EngineError, Event, Kept, Report};

/// Most reads in flight while refreshing.
const REFRESH_READS: usize = 16;

/// What ended a wait for the calls in flight.
enum Next {
    Finished(Box<Result<(usize, Outcome), tokio::task::JoinError>>),
    StopRequested,
    GraceOver,
    None,
}

/// The shared parts of one run.
pub(super) struct Run<'a> {
    pub(super) deployer: &'a Deployer,
    pub(super) stack_name: String,
    seq: Arc<AtomicU64>,
    pub(super) calls: Arc<CallCounter>,
    limiter: Arc<Limiter>,
    pub(super) cancel: Cancel,
    /// What reconciling found kept by deletes of a dead run (a final snapshot), for the report.
    settled_kept: std::sync::Mutex<Vec<Kept>>,
    /// When calls still in flight stop being waited for, once a stop is requested.
    stop_deadline: std::sync::Mutex<Option<tokio::time::Instant>>,
}

impl<'a> Run<'a> {
    pub(super) fn new(deployer: &'a Deployer, stack_name: &str) -> Self {
        Self {
            deployer,
            stack_name: stack_name.to_owned(),
            seq: Arc::new(AtomicU64::new(0)),
            calls: Arc::new(CallCounter::default()),
            limiter: Arc::new(Limiter::new(deployer.options.concurrency)),
            cancel: deployer.cancel.clone(),
            settled_kept: std::sync::Mutex::new(Vec::new()),
            stop_deadline: std::sync::Mutex::new(None),
        }
    }

    /// What reconciling found kept by a dead run's deletes: reported by this run.
    pub(super) fn settled_kept(&self) -> Vec<Kept> {
        std::mem::take(
            &mut *self
                .settled_kept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn emit(&self, event: Event) {
        if let Some(observer) = &self.deployer.observer {
            observer.event(&event);
        }
    }

    /// Announces how many operations the plan makes.
    pub(super) fn planned(&self, plan: &super::super::plan::Plan) {
        use super::super::plan::Action;
        // A replacement is two operations: the new resource, then the old one's delete.
        let operations = plan
            .changes
            .iter()
            .map(|c| match c.action {
                Action::NoOp => 0,
                Action::Replace { .. } => 2,
                _ => 1,
            })
            .sum();
        self.emit(Event::Planned { operations });
    }

    /// A provider call retried while throttled.
    async fn retrying<T, F, Fut>(&self, mut call: F) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ProviderError>>,
    {
        let options = &self.deployer.options;
        let mut attempt = 1;
        loop {
            self.calls.read.fetch_add(1, Ordering::Relaxed);
            match call().await {
                Err(e)
                    if matches!(e.kind, ErrorKind::Throttled | ErrorKind::Unavailable)
                        && attempt < options.throttle_attempts =>
                {
                    if e.kind == ErrorKind::Throttled
                        && let Some(limit) = self.limiter.throttled()
                    {
                        self.emit(Event::Concurrency { limit });
                    }
                    self.calls.retries.fetch_add(1, Ordering::Relaxed);
                    attempt += 1;
                    tokio::time::sleep(backoff(options, attempt, u64::from(attempt))).await;
                }
                other => return other,
            }
        }
    }

    /// Reads a resource's live state.
    pub(super) async fn read_live(
        &self,
        type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Live>, ProviderError> {
        let provider = &self.deployer.provider;
        self.retrying(|| provider.read(type_name, physical_id))
            .await
    }

    /// The saved state with the journal of a dead run applied, without changing anything: what
    /// its open creates made is looked up (read-only) so that a plan does not promise to create
    /// what exists; the next deploy finishes and records them.
    pub(super) async fn peek(&self) -> Result<State, EngineError> {
        let backend = &self.deployer.backend;
        let mut state = backend
            .load()
            .await?
            .unwrap_or_else(|| State::empty(&self.stack_name));
        let journal = backend.journal().await?;
        let pending = replay(&mut state, &journal).map_err(|message| StateError::Corrupt {
            location: format!("the journal of {}", backend.location()),
            message,
        })?;
        for Pending { entry } in pending {
            let JournalEntry::Intent {
                operation,
                logical_id,
                ..
            } = &entry
            else {
                continue;
            };
            let reconcile_error = |source| EngineError::Reconcile {
                logical_id: logical_id.clone(),
                source,
            };
            match operation {
                Operation::Create => {
                    if self.pending_choice(&entry) == Some(PendingChoice::Discard) {
                        continue;
                    }
                    if let Some(found) = self.find(&entry).await.map_err(reconcile_error)? {
                        apply_done(&mut state, &entry, Some(&found.0), found.1);
                    }
                }
                // A delete that took effect is settled as the next deploy settles it, so that
                // the plan shown is the plan that deploy makes.
                Operation::Delete | Operation::DeleteRetired | Operation::Retire => {
                    self.settle_delete(&mut state, &entry)
                        .await
                        .map_err(reconcile_error)?;
                }
                Operation::Update => {}
            }
        }
        Ok(state)
    }

    /// What the create of an open intent made, if anything.
    async fn find(
        &self,
        entry: &JournalEntry,
    ) -> Result<Option<(String, Attributes)>, ProviderError> {
        let JournalEntry::Intent {
            logical_id,
            type_name,
            token,
            ownership,
            inputs,
            ..
        } = entry
        else {
            return Ok(None);
        };
        let empty = Inputs::new();
        let provider = &self.deployer.provider;
        let request = FindRequest {
            type_name,
            logical_id,
            token,
            ownership,
            inputs: inputs.as_ref().unwrap_or(&empty),
        };
        Ok(self
            .retrying(|| provider.find(request))
            .await?
            .map(|c| (c.physical_id, c.attributes)))
    }

    /// Loads state, replays the journal, settles open intents with the provider (finishing
    /// what interrupted creates made), saves.
    #[tracing::instrument(name = "reconcile", skip_all)]
    pub(super) async fn reconcile(&self) -> Result<State, EngineError> {
        let backend = &self.deployer.backend;
        let mut state = backend
            .load()
            .await?
            .unwrap_or_else(|| State::empty(&self.stack_name));
        let journal = backend.journal().await?;
        if journal.is_empty() {
            return Ok(state);
        }
        self.settled_kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(kept_by_finished_deletes(&journal));
        let pending = replay(&mut state, &journal).map_err(|message| StateError::Corrupt {
            location: format!("the journal of {}", backend.location()),
            message,
        })?;
        for Pending { entry } in pending {
            let JournalEntry::Intent {
                logical_id,
                operation,
                type_name,
                ..
            } = &entry
            else {
                continue;
            };
            let reconcile_error = |source| EngineError::Reconcile {
                logical_id: logical_id.clone(),
                source,
            };
            match operation {
                Operation::Create => self.settle_create(&mut state, &entry).await?,
                Operation::Update => {
                    let current = state
                        .resources
                        .get(logical_id)
                        .map(|r| r.physical_id.clone());
                    if let Some(physical) = current {
                        match self
                            .read_live(type_name, &physical)
                            .await
                            .map_err(reconcile_error)?
                        {
                            // Inputs stay as last recorded, so the plan repeats the update.
                            Some(live) => {
                                if let Some(r) = state.resources.get_mut(logical_id) {
                                    r.attributes.extend(live.attributes);
                                }
                            }
                            None => {
                                state.resources.remove(logical_id);
                            }
                        }
                    }
                }
                Operation::Delete | Operation::DeleteRetired | Operation::Retire => {
                    self.settle_delete(&mut state, &entry)
                        .await
                        .map_err(reconcile_error)?;
                }
            }
        }
        state.serial += 1;
        backend.save(&state).await?;
        backend.clear_journal().await?;
        Ok(state)
    }

    /// Settles a dead run's open create: nothing made, forgotten; made, finished and recorded,
    /// or adopted or discarded as the options say; made but impossible to finish, an error
    /// naming it and the two ways out.
    async fn settle_create(
        &self,
        state: &mut State,
        entry: &JournalEntry,
    ) -> Result<(), EngineError> {
        let JournalEntry::Intent {
            logical_id,
            type_name,
            token,
            ownership,
            inputs,
            ..
        } = entry
        else {
            return Ok(());
        };
        let provider = &self.deployer.provider;
        let reconcile_error = |source| EngineError::Reconcile {
            logical_id: logical_id.clone(),
            source,
        };
        let Some((found, attributes)) = self.find(entry).await.map_err(reconcile_error)? else {
            return Ok(());
        };
        match self.pending_choice(entry) {
            Some(PendingChoice::Adopt) => {
                // Recorded as made; the refresh reads what it really is.
                apply_done(state, entry, Some(&found), attributes);
                return Ok(());
            }
            Some(PendingChoice::Discard) => {
                self.discard(entry, &found).await.map_err(reconcile_error)?;
                return Ok(());
            }
            None => {}
        }
        // Finish it: a create of several calls may have stopped half-way.
        let empty = Inputs::new();
        let request = CreateRequest {
            type_name,
            logical_id,
            inputs: inputs.as_ref().unwrap_or(&empty),
            token,
            ownership,
            resume: Some(&found),
        };
        self.calls.create.fetch_add(1, Ordering::Relaxed);
        let finished = match self.retrying(|| provider.create(request)).await {
            Ok(finished) => finished,
            // Unknown outcome: the next run tries again.
            Err(e) if matches!(e.kind, ErrorKind::Throttled | ErrorKind::Unavailable) => {
                return Err(reconcile_error(e));
            }
            // The same inputs fail the same way every time: someone must choose.
            Err(source) => {
                return Err(EngineError::PendingCreate {
                    path: entry_path(entry),
                    physical_id: found,
                    source,
                });
            }
        };
        apply_done(
            state,
            entry,
            Some(&finished.physical_id),
            finished.attributes,
        );
        Ok(())
    }

    /// What the options say to do with an open create that cannot be finished.
    fn pending_choice(&self, entry: &JournalEntry) -> Option<PendingChoice> {
        let JournalEntry::Intent {
            logical_id, path, ..
        } = entry
        else {
            return None;
        };
        let options = &self.deployer.options;
        let named = |set| names(set, &self.stack_name, logical_id, path.as_deref());
        if named(&options.discard_pending) {
            Some(PendingChoice::Discard)
        } else if named(&options.adopt_pending) {
            Some(PendingChoice::Adopt)
        } else {
            None
        }
    }

    /// Deletes what an open create made (found by its token); the plan then creates it again.
    async fn discard(&self, entry: &JournalEntry, found: &str) -> Result<(), ProviderError> {
        let JournalEntry::Intent {
            logical_id,
            type_name,
            inputs,
            ..
        } = entry
        else {
            return Ok(());
        };
        let empty = Inputs::new();
        let provider = &self.deployer.provider;
        let request = super::super::provider::DeleteRequest {
            type_name,
            logical_id,
            physical_id: found,
            inputs: inputs.as_ref().unwrap_or(&empty),
            snapshot: None,
        };
        self.calls.delete.fetch_add(1, Ordering::Relaxed);
        match self.retrying(|| provider.delete(request)).await {
            Err(e) if e.kind != ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Settles the open delete of a dead run: done if the resource is gone (a final snapshot
    /// it kept is reported); still there, it stays recorded and the next plan deletes it.
    async fn settle_delete(
        &self,
        state: &mut State,
        entry: &JournalEntry,
    ) -> Result<(), ProviderError> {
        let JournalEntry::Intent {
            logical_id,
            type_name,
            physical_id,
            snapshot,
            ..
        } = entry
        else {
            return Ok(());
        };
        let physical = physical_id.clone().unwrap_or_default();
        if self.read_live(type_name, &physical).await?.is_some() {
            return Ok(());
        }
        if let Some(snapshot) = snapshot {
            self.settled_kept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(Kept {
                    logical_id: logical_id.clone(),
                    type_name: type_name.clone(),
                    physical_id: physical,
                    policy: RemovalPolicy::Snapshot,
                    snapshot: Some(snapshot.clone()),
                });
        }
        apply_done(state, entry, None, Attributes::new());
        Ok(())
    }

    /// Reads every recorded resource: drops what was deleted outside Stratus, records live
    /// values of what was changed outside it (compared the way the provider's contract says).
    #[tracing::instrument(name = "refresh", skip_all, fields(resources = state.resources.len()))]
    pub(super) async fn refresh(
        &self,
        state: &State,
    ) -> Result<(State, Vec<ResourceDrift>), EngineError> {
        let provider = &self.deployer.provider;
        // Owned keys, so that the future stays `Send` for any caller (a closure over borrowed
        // pairs trips the compiler's higher-ranked lifetime check when the run is spawned).
        let keys: Vec<(String, String, String)> = state
            .resources
            .iter()
            .map(|(id, r)| (id.clone(), r.type_name.clone(), r.physical_id.clone()))
            .collect();
        let reads = futures_util::stream::iter(keys)
            .map(|(logical_id, type_name, physical_id)| async move {
                match self.read_live(&type_name, &physical_id).await {
                    Ok(live) => Ok((logical_id, live)),
                    Err(source) => Err(EngineError::Refresh { logical_id, source }),
                }
            })
            .buffer_unordered(REFRESH_READS)
            .collect::<Vec<_>>()
            .await;
        let reads = reads.into_iter().collect::<Result<Vec<_>, _>>()?;
        // Resources deleted outside Stratus add nothing to what the others hold (their rules).
        let gone: BTreeSet<String> = reads
            .iter()
            .filter(|(_, live)| live.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        let mut refreshed = state.clone();
        let mut drift = Vec::new();
        for (logical_id, live) in reads {
            let logical_id = &logical_id;
            let recorded = &state.resources[logical_id];
            let Some(live) = live else {
                refreshed.resources.remove(logical_id);
                drift.push(ResourceDrift {
                    logical_id: logical_id.clone(),
                    type_name: recorded.type_name.clone(),
                    physical_id: recorded.physical_id.clone(),
                    status: DriftStatus::Deleted,
                });
                continue;
            };
            let contract = provider.contract(&recorded.type_name);
            let Some((resource, differing)) =
                refresh_in_stack(contract.as_ref(), state, logical_id, &live, &gone)
            else {
                continue;
            };
            refreshed.resources.insert(logical_id.clone(), resource);
            if !differing.is_empty() {
                drift.push(ResourceDrift {
                    logical_id: logical_id.clone(),
                    type_name: recorded.type_name.clone(),
                    physical_id: recorded.physical_id.clone(),
                    status: DriftStatus::Modified {
                        properties: differing,
                    },
                });
            }
        }
        drift.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
        Ok((refreshed, drift))
    }

    #[tracing::instrument(name = "save", skip_all)]
    pub(super) async fn finish(
        &self,
        state: &mut State,
        report: &mut Report,
        started: Instant,
    ) -> Result<(), EngineError> {
        state.serial += 1;
        self.deployer.backend.save(state).await?;
        // An operation whose outcome is unknown keeps the journal for the next run to settle;
        // replaying this run's finished calls over the saved state changes nothing.
        if report.unresolved.is_empty() {
            self.deployer.backend.clear_journal().await?;
        }
        report.calls = self.calls.snapshot();
        report.lowest_concurrency = self.limiter.lowest();
        report.elapsed = started.elapsed();
        Ok(())
    }

    /// Dispatches `ops` as their dependencies finish.
    #[tracing::instrument(name = "apply", skip_all, fields(operations = ops.len()))]
    pub(super) async fn execute(
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
        let release = |i: usize, ready: &mut VecDeque<usize>, waiting: &mut Vec<usize>| {
            for &next in &dependents[i] {
                waiting[next] -= 1;
                if waiting[next] == 0 {
                    ready.push_back(next);
                }
            }
        };
        let mut in_flight: BTreeSet<usize> = BTreeSet::new();
        loop {
            while !self.cancel.is_cancelled() && tasks.len() < self.limiter.limit() {
                let Some(i) = ready.pop_front() else { break };
                if keeps(&ops[i]) {
                    // Retained: left in the cloud, dropped from state, no call.
                    forget(state, &ops[i], report);
                    finished[i] = true;
                    release(i, &mut ready, &mut waiting);
                    continue;
                }
                let intent = self.intent(stack, &ops[i], state);
                self.emit(Event::Started {
                    logical_id: ops[i].logical_id.clone(),
                    operation: ops[i].operation,
                });
                let args = CallArgs {
                    changed: ops[i].changed.clone(),
                    previous: ops[i].previous.clone(),
                    path: ops[i].path.clone(),
                };
                self.limiter.started();
                in_flight.insert(i);
                tasks.spawn(self.call(i, intent, args));
            }
            let joined = match self.next_finished(&mut tasks).await {
                Next::Finished(joined) => *joined,
                Next::StopRequested => continue,
                Next::None => break,
                Next::GraceOver => {
                    self.abandon(&mut tasks, &in_flight, ops, report);
                    break;
                }
            };
            let (i, outcome) = joined.map_err(|e| EngineError::Panicked {
                during: "an operation".into(),
                message: e.to_string(),
            })?;
            self.limiter.finished();
            in_flight.remove(&i);
            finished[i] = true;
            let failure = match outcome {
                Outcome::Fatal(error) => {
                    tasks.abort_all();
                    return Err(EngineError::Storage(error));
                }
                Outcome::Done {
                    intent,
                    physical_id,
                    attributes,
                } => {
                    record_done(
                        state,
                        &ops[i],
                        &intent,
                        physical_id.as_deref(),
                        attributes,
                        report,
                    );
                    release(i, &mut ready, &mut waiting);
                    continue;
                }
                Outcome::Failed(message) => message,
                Outcome::Unresolved(message) => {
                    report.unresolved.push(ops[i].logical_id.clone());
                    message
                }
            };
            report.failed.push((ops[i].logical_id.clone(), failure));
            self.skip_dependents(i, ops, &dependents, &mut finished, report);
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

    /// The next call to finish; or, once a stop is requested, word of it (so that dispatching
    /// stops at once), and after [`ApplyOptions::stop_grace`] that the calls still in flight
    /// are not waited for.
    async fn next_finished(&self, tasks: &mut JoinSet<(usize, Outcome)>) -> Next {
        if tasks.is_empty() {
            return Next::None;
        }
        if !self.cancel.is_cancelled() {
            return tokio::select! {
                joined = tasks.join_next() => joined.map_or(Next::None, |j| Next::Finished(Box::new(j))),
                () = self.cancel.cancelled() => Next::StopRequested,
            };
        }
        let grace = self.deployer.options.stop_grace;
        let deadline = *self
            .stop_deadline
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_or_insert_with(|| tokio::time::Instant::now() + grace);
        match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(joined) => joined.map_or(Next::None, |j| Next::Finished(Box::new(j))),
            Err(_) => Next::GraceOver,
        }
    }

    /// Stops waiting for the calls still in flight: their intents stay open in the journal
    /// (the next run settles them, as after a crash) and the report lists them unresolved.
    fn abandon(
        &self,
        tasks: &mut JoinSet<(usize, Outcome)>,
        in_flight: &BTreeSet<usize>,
        ops: &[Op],
        report: &mut Report,
    ) {
        tasks.abort_all();
        for &i in in_flight {
            self.limiter.finished();
            tracing::warn!(
                logical_id = %ops[i].logical_id,
                "stopped waiting for a call in flight; the next run settles it"
            );
            report.unresolved.push(ops[i].logical_id.clone());
            report.failed.push((
                ops[i].logical_id.clone(),
                "interrupted while in flight: the next run settles what it did".into(),
            ));
        }
    }

    /// Marks everything that waits on op `i`, transitively, as skipped.
    fn skip_dependents(
        &self,
        i: usize,
        ops: &[Op],
        dependents: &[Vec<usize>],
        finished: &mut [bool],
        report: &mut Report,
    ) {
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
        // An update keeps the ownership the resource was created with.
        let recorded = state
            .resources
            .get(&op.logical_id)
            .filter(|_| op.operation == Operation::Update);
        let ownership = recorded.map_or_else(
            || {
                BTreeMap::from([
                    ("stratus:stack".to_owned(), self.stack_name.clone()),
                    ("stratus:logical-id".to_owned(), op.logical_id.clone()),
                    ("stratus:token".to_owned(), token.clone()),
                ])
            },
            |r| r.ownership.clone(),
        );
        let deleting = matches!(
            op.operation,
            Operation::Delete | Operation::DeleteRetired | Operation::Retire
        );
        // The token's hash tells apart two final snapshots of one resource in one second.
        let unique: String = token
            .trim_start_matches("stratus-")
            .chars()
            .take(8)
            .collect();
        let snapshot = (deleting && op.removal == RemovalPolicy::Snapshot)
            .then(|| snapshot_name(&self.stack_name, &op.logical_id, SystemTime::now(), &unique));
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
            removal: (!deleting).then_some(op.removal),
            snapshot,
            path: op.path.clone(),
        }
    }

    /// One operation as a task.
    fn call(
        &self,
        i: usize,
        intent: JournalEntry,
        args: CallArgs,
    ) -> impl std::future::Future<Output = (usize, Outcome)> + Send + 'static {
        let call = Call {
            backend: Arc::clone(&self.deployer.backend),
            provider: Arc::clone(&self.deployer.provider),
            limiter: Arc::clone(&self.limiter),
            calls: Arc::clone(&self.calls),
            observer: self.deployer.observer.clone(),
            options: self.deployer.options.clone(),
        };
        // The call's span is a child of the step that dispatched it, wherever the task runs.
        tracing::Instrument::in_current_span(async move { (i, call.run(intent, args).await) })
    }
}

/// What a finished call did, in state and in the report (a final snapshot kept).
fn record_done(
    state: &mut State,
    op: &Op,
    intent: &JournalEntry,
    physical_id: Option<&str>,
    attributes: Attributes,
    report: &mut Report,
) {
    if let JournalEntry::Intent {
        snapshot: Some(snapshot),
        ..
    } = intent
    {
        report.kept.push(Kept {
            logical_id: op.logical_id.clone(),
            type_name: op.type_name.clone(),
            physical_id: op.physical_id.clone().unwrap_or_default(),
            policy: RemovalPolicy::Snapshot,
            snapshot: Some(snapshot.clone()),
        });
    }
    apply_done(state, intent, physical_id, attributes);
}

/// What to do with a dead run's create that cannot be finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PendingChoice {
    /// Keep and record what it made.
    Adopt,
    /// Delete what it made.
    Discard,
}

/// An intent's construct path, or its logical id.
fn entry_path(entry: &JournalEntry) -> String {
    match entry {
        JournalEntry::Intent {
            path, logical_id, ..
        } => path.clone().unwrap_or_else(|| logical_id.clone()),
        _ => String::new(),
    }
}

/// Whether an op leaves its resource in the cloud (removal policy Retain): no call is made.
fn keeps(op: &Op) -> bool {
    op.removal == RemovalPolicy::Retain
        && matches!(op.operation, Operation::Delete | Operation::DeleteRetired)
}

/// Drops a retained resource from state and reports it kept.
fn forget(state: &mut State, op: &Op, report: &mut Report) {
    let physical_id = op.physical_id.clone().unwrap_or_default();
    match op.operation {
        Operation::DeleteRetired => state.retired.retain(|r| r.physical_id != physical_id),
        _ => {
            state.resources.remove(&op.logical_id);
        }
    }
    report.kept.push(Kept {
        logical_id: op.logical_id.clone(),
        type_name: op.type_name.clone(),
        physical_id,
        policy: RemovalPolicy::Retain,
        snapshot: None,
    });
}

/// The final snapshots that a dead run's finished deletes kept (their done entries are in the
/// journal, the state was not saved): this run reports them.
fn kept_by_finished_deletes(journal: &[JournalEntry]) -> Vec<Kept> {
    let done: std::collections::HashSet<u64> = journal
        .iter()
        .filter_map(|e| match e {
            JournalEntry::Done { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    journal
        .iter()
        .filter_map(|e| match e {
            JournalEntry::Intent {
                seq,
                logical_id,
                type_name,
                physical_id,
                snapshot: Some(snapshot),
                ..
            } if done.contains(seq) => Some(Kept {
                logical_id: logical_id.clone(),
                type_name: type_name.clone(),
                physical_id: physical_id.clone().unwrap_or_default(),
                policy: RemovalPolicy::Snapshot,
                snapshot: Some(snapshot.clone()),
            }),
            _ => None,
        })
        .collect()
}

/// Dependencies resolved from the current state.
pub(super) struct StateKnown<'a>(pub(super) &'a State);

impl Known for StateKnown<'_> {
    fn get(&self, logical_id: &str) -> Option<(&str, &Attributes)> {
        self.0
            .resources
            .get(logical_id)
            .map(|r| (r.physical_id.as_str(), &r.attributes))
    }
}
