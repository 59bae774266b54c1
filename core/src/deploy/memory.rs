//! [`MemoryBackend`]: state in memory, shared by clones. For tests and tools that plan without
//! touching disk; every write is "durable" the moment it returns.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::state::{JournalEntry, LockHolder, State, StateBackend, StateError};

/// What a memory backend holds.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    /// The saved state.
    pub state: Option<State>,
    /// The journal.
    pub journal: Vec<JournalEntry>,
    /// The lock holder.
    pub lock: Option<LockHolder>,
}

/// State kept in memory; clones share it.
#[derive(Clone, Debug, Default)]
pub struct MemoryBackend {
    store: Arc<Mutex<MemoryStore>>,
}

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of what it holds.
    ///
    /// # Panics
    /// If a thread panicked while holding the store.
    pub fn snapshot(&self) -> MemoryStore {
        self.store.lock().expect("memory store poisoned").clone()
    }

    /// A new, independent backend holding a copy of this one's contents.
    pub fn fork(&self) -> Self {
        Self {
            store: Arc::new(Mutex::new(self.snapshot())),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut MemoryStore) -> T) -> T {
        f(&mut self.store.lock().expect("memory store poisoned"))
    }
}

#[async_trait]
impl StateBackend for MemoryBackend {
    fn location(&self) -> String {
        "memory".into()
    }

    async fn load(&self) -> Result<Option<State>, StateError> {
        Ok(self.with(|s| s.state.clone()))
    }

    async fn save(&self, state: &State) -> Result<(), StateError> {
        self.with(|s| s.state = Some(state.clone()));
        Ok(())
    }

    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError> {
        self.with(|s| s.journal.push(entry.clone()));
        Ok(())
    }

    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError> {
        Ok(self.with(|s| s.journal.clone()))
    }

    async fn clear_journal(&self) -> Result<(), StateError> {
        self.with(|s| s.journal.clear());
        Ok(())
    }

    async fn lock(&self, holder: &LockHolder) -> Result<(), StateError> {
        self.with(|s| {
            if let Some(current) = &s.lock {
                return Err(StateError::locked("", current.clone()));
            }
            s.lock = Some(holder.clone());
            Ok(())
        })
    }

    async fn unlock(&self) -> Result<(), StateError> {
        self.with(|s| s.lock = None);
        Ok(())
    }

    async fn force_unlock(&self) -> Result<Option<LockHolder>, StateError> {
        Ok(self.with(|s| s.lock.take()))
    }

    async fn take_over(&self, stale: &LockHolder, holder: &LockHolder) -> Result<bool, StateError> {
        Ok(self.with(|s| {
            let swap = s.lock.as_ref() == Some(stale);
            if swap {
                s.lock = Some(holder.clone());
            }
            swap
        }))
    }
}
