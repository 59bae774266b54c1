//! One dispatched operation: journal the intent durably, call the provider with retries (a panic
//! inside the provider is caught and leaves the intent open), journal the result.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::FutureExt;

use super::super::absent;
use super::super::limiter::Limiter;
use super::super::provider::{
    Attributes, CreateRequest, DeleteRequest, ErrorKind, FindRequest, Inputs, Provider,
    ProviderError, UpdateRequest,
};
use super::super::state::{JournalEntry, Operation, StateBackend, StateError};
use super::{ApplyOptions, CallCounter, Event, Observer};

/// What a dispatched task returns.
#[allow(clippy::large_enum_variant)] // one per call, moved once: boxing buys nothing
pub(super) enum Outcome {
    Done {
        intent: JournalEntry,
        physical_id: Option<String>,
        attributes: Attributes,
    },
    Failed(String),
    /// The provider panicked: whether the call took effect is unknown. The intent stays open
    /// in the journal for the next run to settle.
    Unresolved(String),
    /// The state backend failed: the run must stop as if the process died.
    Fatal(StateError),
}

/// What a call needs besides its intent.
#[derive(Clone, Debug, Default)]
pub(super) struct CallArgs {
    /// The properties that changed (updates).
    pub(super) changed: Vec<String>,
    /// The recorded properties (updates) or the properties of what is deleted (deletes).
    pub(super) previous: Inputs,
    /// The construct path, for messages.
    pub(super) path: Option<String>,
}

/// What one dispatched operation needs, owned so that it can run as its own task.
pub(super) struct Call {
    pub(super) backend: Arc<dyn StateBackend>,
    pub(super) provider: Arc<dyn Provider>,
    pub(super) limiter: Arc<Limiter>,
    pub(super) calls: Arc<CallCounter>,
    pub(super) observer: Option<Arc<dyn Observer>>,
    pub(super) options: ApplyOptions,
}

impl Call {
    fn emit(&self, event: Event) {
        if let Some(observer) = &self.observer {
            observer.event(&event);
        }
    }

    #[tracing::instrument(
        name = "call",
        skip_all,
        fields(seq = tracing::field::Empty, logical_id = tracing::field::Empty, operation = tracing::field::Empty)
    )]
    pub(super) async fn run(self, intent: JournalEntry, args: CallArgs) -> Outcome {
        let JournalEntry::Intent {
            seq,
            logical_id,
            operation,
            type_name,
            ..
        } = &intent
        else {
            unreachable!("a call is given an intent");
        };
        let span = tracing::Span::current();
        span.record("seq", seq);
        span.record("logical_id", tracing::field::display(logical_id));
        span.record("operation", tracing::field::debug(operation));
        tracing::debug!(type_name = type_name.as_str(), "intent journaled");
        if let Err(e) = self.backend.append(&intent).await {
            return Outcome::Fatal(e);
        }
        let started = Instant::now();
        let result = AssertUnwindSafe(self.with_retries(&intent, &args))
            .catch_unwind()
            .await;
        match result {
            Err(panic) => {
                let message = format!(
                    "the provider panicked ({}); whether the call took effect is checked on the next run",
                    panic_message(panic.as_ref())
                );
                tracing::error!(error = %message, "provider panicked");
                self.emit(Event::Failed {
                    logical_id: logical_id.clone(),
                    operation: *operation,
                    message: message.clone(),
                });
                Outcome::Unresolved(message)
            }
            Ok(Ok((physical_id, attributes))) => {
                if let Some(limit) = self.limiter.succeeded() {
                    self.emit(Event::Concurrency { limit });
                }
                let done = JournalEntry::Done {
                    seq: *seq,
                    physical_id: physical_id.clone(),
                    attributes: Some(attributes.clone()),
                };
                if let Err(e) = self.backend.append(&done).await {
                    return Outcome::Fatal(e);
                }
                tracing::info!(
                    physical_id = physical_id.as_deref().unwrap_or_default(),
                    elapsed_ms = started.elapsed().as_millis(),
                    "done"
                );
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
            Ok(Err(error)) => {
                let message = explain(&error, logical_id, args.path.as_deref());
                tracing::warn!(error = %message, "failed");
                if self.may_have_made(&intent, &error).await {
                    // Something exists that the intent may have made: the intent stays open
                    // and the next run settles it (finds it, finishes it, records it).
                    let message = format!(
                        "{message}; what an attempt made is finished and recorded on the next run"
                    );
                    self.emit(Event::Failed {
                        logical_id: logical_id.clone(),
                        operation: *operation,
                        message: message.clone(),
                    });
                    return Outcome::Unresolved(message);
                }
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

    /// Whether a create that failed for good may have left a resource behind: its outcome was
    /// unknown (throttled or unavailable), or a lookup by its token finds what it made. Any
    /// other operation is settled by the next run's plan.
    async fn may_have_made(&self, intent: &JournalEntry, error: &ProviderError) -> bool {
        let JournalEntry::Intent {
            operation: Operation::Create,
            ..
        } = intent
        else {
            return matches!(error.kind, ErrorKind::Throttled | ErrorKind::Unavailable);
        };
        if matches!(error.kind, ErrorKind::Throttled | ErrorKind::Unavailable) {
            return true;
        }
        // Refused because a stranger is in the way: nothing of ours to look for. Anything
        // else, invalid input included, may come from a later call of a create of several
        // (CreateRole made the role, AttachRolePolicy refused the policy ARN): look.
        if error.kind == ErrorKind::AlreadyExists {
            return false;
        }
        !matches!(find(self.provider.as_ref(), intent).await, Ok(None))
    }

    /// Calls the provider, retrying throttling, unavailability and (for deletes) dependency
    /// conflicts. A create retried after an attempt whose outcome is unknown first looks for
    /// what that attempt made, and finishes it rather than making another.
    async fn with_retries(
        &self,
        intent: &JournalEntry,
        args: &CallArgs,
    ) -> Result<(Option<String>, Attributes), ProviderError> {
        let JournalEntry::Intent {
            seq,
            logical_id,
            operation,
            ..
        } = intent
        else {
            unreachable!("a call is given an intent");
        };
        let deleting = matches!(
            operation,
            Operation::Delete | Operation::DeleteRetired | Operation::Retire
        );
        let mut attempt = 1;
        let mut outcome_unknown = false;
        let started = Instant::now();
        loop {
            let result = if outcome_unknown && *operation == Operation::Create {
                self.calls.read.fetch_add(1, Ordering::Relaxed);
                match find(self.provider.as_ref(), intent).await {
                    Ok(made) => {
                        invoke(
                            self.provider.as_ref(),
                            &self.calls,
                            intent,
                            args,
                            made.as_deref(),
                        )
                        .await
                    }
                    Err(e) => Err(e),
                }
            } else {
                invoke(self.provider.as_ref(), &self.calls, intent, args, None).await
            };
            // Throttling is retried a number of times; a dependency a delete waits for (ENIs
            // draining, a scaling activity ending) for a time.
            let retry = match result.as_ref().map_err(|e| e.kind) {
                Err(ErrorKind::Throttled | ErrorKind::Unavailable) => {
                    attempt < self.options.throttle_attempts
                }
                Err(ErrorKind::Conflict) if deleting => {
                    started.elapsed() < self.options.conflict_timeout
                }
                _ => false,
            };
            match result {
                Err(e) if retry => {
                    if e.kind == ErrorKind::Throttled
                        && let Some(limit) = self.limiter.throttled()
                    {
                        self.emit(Event::Concurrency { limit });
                    }
                    // A create of several calls may have made its resource before a later
                    // call was throttled, as surely as before a connection broke.
                    outcome_unknown |=
                        matches!(e.kind, ErrorKind::Throttled | ErrorKind::Unavailable);
                    self.calls.retries.fetch_add(1, Ordering::Relaxed);
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

/// What the create of an intent made, if anything: the physical id.
async fn find(
    provider: &dyn Provider,
    intent: &JournalEntry,
) -> Result<Option<String>, ProviderError> {
    let JournalEntry::Intent {
        logical_id,
        type_name,
        token,
        ownership,
        inputs,
        ..
    } = intent
    else {
        return Ok(None);
    };
    let empty = Inputs::new();
    let request = FindRequest {
        type_name,
        logical_id,
        token,
        ownership,
        inputs: inputs.as_ref().unwrap_or(&empty),
    };
    Ok(provider.find(request).await?.map(|c| c.physical_id))
}

/// A failure message for people: an existing resource that is not this stack's says how to
/// proceed.
fn explain(error: &ProviderError, logical_id: &str, path: Option<&str>) -> String {
    match (&error.kind, &error.existing) {
        (ErrorKind::AlreadyExists, Some(existing)) => {
            let path = path.unwrap_or(logical_id);
            format!(
                "{path}: {error}. Rename it in the declaration, or bring the existing one under \
                 this stack deliberately: `import {path} {existing}`"
            )
        }
        _ => error.to_string(),
    }
}

/// The text of a panic payload.
pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

/// One provider call for an intent; a delete of something already gone succeeds. `resume`
/// names what an earlier attempt of a create made, to be finished.
async fn invoke(
    provider: &dyn Provider,
    calls: &CallCounter,
    intent: &JournalEntry,
    args: &CallArgs,
    resume: Option<&str>,
) -> Result<(Option<String>, Attributes), ProviderError> {
    let JournalEntry::Intent {
        logical_id,
        operation,
        type_name,
        token,
        ownership,
        physical_id,
        inputs,
        snapshot,
        ..
    } = intent
    else {
        unreachable!("invoke is given an intent");
    };
    let empty = Inputs::new();
    let inputs = inputs.as_ref().unwrap_or(&empty);
    match operation {
        Operation::Create => {
            calls.create.fetch_add(1, Ordering::Relaxed);
            let request = CreateRequest {
                type_name,
                logical_id,
                inputs,
                token,
                ownership,
                resume,
            };
            provider
                .create(request)
                .await
                .map(|c| (Some(c.physical_id), c.attributes))
        }
        Operation::Update => {
            calls.update.fetch_add(1, Ordering::Relaxed);
            let physical = physical_id.as_deref().unwrap_or_default();
            // What the declaration no longer has goes back to AWS's default: an update that
            // leaves a property out keeps its last value.
            let contract = provider.contract(type_name);
            let inputs = &absent::with_resets(contract.as_ref(), inputs, &args.changed);
            provider
                .update(UpdateRequest {
                    type_name,
                    logical_id,
                    physical_id: physical,
                    inputs,
                    previous: &args.previous,
                    changed: &args.changed,
                    ownership,
                })
                .await
                .map(|a| (Some(physical.to_owned()), a))
        }
        Operation::Delete | Operation::DeleteRetired | Operation::Retire => {
            calls.delete.fetch_add(1, Ordering::Relaxed);
            let request = DeleteRequest {
                type_name,
                logical_id,
                physical_id: physical_id.as_deref().unwrap_or_default(),
                inputs: &args.previous,
                snapshot: snapshot.as_deref(),
            };
            match provider.delete(request).await {
                Err(e) if e.kind == ErrorKind::NotFound => Ok((None, Attributes::new())),
                other => other.map(|()| (None, Attributes::new())),
            }
        }
    }
}

/// Exponential backoff with jitter from the sequence number (no global RNG needed).
pub(super) fn backoff(options: &ApplyOptions, attempt: u32, seq: u64) -> Duration {
    let exponential = options
        .base_delay
        .saturating_mul(1u32 << attempt.min(16).saturating_sub(2));
    let capped = exponential.min(options.max_delay);
    let jitter = (seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as u32; // 0..1024
    capped.mul_f64(0.5 + f64::from(jitter) / 2048.0)
}

/// An idempotency token: unique per intent, at most 64 ASCII characters (EC2's limit).
pub(super) fn token(stack: &str, logical_id: &str, seq: u64) -> String {
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
