//! A state backend that "dies" right after the cloud answered one resource's create: the
//! journal holds the intent, not its result, exactly as when the process is killed there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use async_trait::async_trait;

use crate::deploy::MemoryBackend;
use crate::deploy::state::{JournalEntry, LockHolder, Operation, State, StateBackend, StateError};

/// Fails the `Done` of the first create of one logical id, and every write after it.
#[derive(Clone, Debug)]
pub(super) struct CrashAfterCreate {
    inner: MemoryBackend,
    logical_id: String,
    seq: Arc<AtomicU64>,
    dead: Arc<AtomicBool>,
}

impl CrashAfterCreate {
    pub(super) fn new(inner: MemoryBackend, logical_id: &str) -> Self {
        Self {
            inner,
            logical_id: logical_id.to_owned(),
            seq: Arc::new(AtomicU64::new(u64::MAX)),
            dead: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether the crash happened.
    pub(super) fn crashed(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    fn died() -> StateError {
        StateError::Io {
            location: "conformance".into(),
            message: "the process died here (simulated)".into(),
        }
    }
}

#[async_trait]
impl StateBackend for CrashAfterCreate {
    fn location(&self) -> String {
        self.inner.location()
    }

    async fn load(&self) -> Result<Option<State>, StateError> {
        self.inner.load().await
    }

    async fn save(&self, state: &State) -> Result<(), StateError> {
        if self.crashed() {
            return Err(Self::died());
        }
        self.inner.save(state).await
    }

    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError> {
        if self.crashed() {
            return Err(Self::died());
        }
        match entry {
            JournalEntry::Intent {
                seq,
                logical_id,
                operation: Operation::Create,
                ..
            } if *logical_id == self.logical_id => {
                self.seq.store(*seq, Ordering::SeqCst);
            }
            JournalEntry::Done { seq, .. } if *seq == self.seq.load(Ordering::SeqCst) => {
                self.dead.store(true, Ordering::SeqCst);
                return Err(Self::died());
            }
            _ => {}
        }
        self.inner.append(entry).await
    }

    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError> {
        self.inner.journal().await
    }

    async fn clear_journal(&self) -> Result<(), StateError> {
        if self.crashed() {
            return Err(Self::died());
        }
        self.inner.clear_journal().await
    }

    async fn lock(&self, holder: &LockHolder) -> Result<(), StateError> {
        self.inner.lock(holder).await
    }

    async fn unlock(&self) -> Result<(), StateError> {
        if self.crashed() {
            return Err(Self::died());
        }
        self.inner.unlock().await
    }

    async fn force_unlock(&self) -> Result<Option<LockHolder>, StateError> {
        self.inner.force_unlock().await
    }
}
