//! Recorded state: what the engine created, with what inputs; the journal of intents; the lock.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::liveness::{self, Liveness};
use super::provider::{Attributes, Inputs, Json};
use crate::removal::RemovalPolicy;

/// The state of one stack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Format version.
    pub version: u32,
    /// The stack.
    pub stack: String,
    /// Increases with every save.
    pub serial: u64,
    /// Resources by logical id.
    pub resources: BTreeMap<String, ResourceState>,
    /// Old halves of replacements, still to delete.
    #[serde(default)]
    pub retired: Vec<Retired>,
    /// Stack outputs, resolved.
    #[serde(default)]
    pub outputs: BTreeMap<String, Json>,
}

impl State {
    /// An empty state for a stack.
    pub fn empty(stack: &str) -> Self {
        Self {
            version: 1,
            stack: stack.to_owned(),
            ..Self::default()
        }
    }
}

/// One recorded resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    /// Its CloudFormation type.
    pub type_name: String,
    /// Its physical id.
    pub physical_id: String,
    /// The inputs last applied.
    pub inputs: Inputs,
    /// Its attributes.
    pub attributes: Attributes,
    /// Logical ids it depended on when applied (for delete order).
    pub depends_on: Vec<String>,
    /// The ownership tags it was created with.
    pub ownership: BTreeMap<String, String>,
    /// The idempotency token it was created with.
    pub token: String,
    /// What deleting or replacing it does (recorded so that `destroy` needs no program).
    #[serde(default)]
    pub removal: RemovalPolicy,
    /// Its construct path when last applied (for messages when the program no longer declares
    /// it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The old resource of a replacement, waiting to be deleted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retired {
    /// The logical id it had.
    pub logical_id: String,
    /// Its type.
    pub type_name: String,
    /// Its physical id.
    pub physical_id: String,
    /// What it depended on.
    pub depends_on: Vec<String>,
    /// Its properties as last recorded.
    #[serde(default)]
    pub inputs: Inputs,
    /// What deleting it does.
    #[serde(default)]
    pub removal: RemovalPolicy,
}

/// What an intent is about to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    /// Create the resource of a logical id.
    Create,
    /// Update it in place.
    Update,
    /// Delete the recorded resource of a logical id.
    Delete,
    /// Delete a retired resource (by physical id).
    DeleteRetired,
    /// Delete the current resource of a logical id before its replacement is created (a unique
    /// name or identity cannot exist twice).
    Retire,
}

/// One line of the journal. An `Intent` is written durably before every mutating call, its
/// `Done` or `Failed` after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum JournalEntry {
    /// About to call the provider.
    Intent {
        /// Sequence number within the run.
        seq: u64,
        /// The resource.
        logical_id: String,
        /// The operation.
        operation: Operation,
        /// Its type.
        type_name: String,
        /// The idempotency token.
        token: String,
        /// The ownership tags.
        ownership: BTreeMap<String, String>,
        /// The physical id acted on (update, delete).
        physical_id: Option<String>,
        /// The inputs sent (create, update).
        inputs: Option<Inputs>,
        /// Its dependencies (create, update).
        depends_on: Vec<String>,
        /// Its removal policy (create, update), recorded with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        removal: Option<RemovalPolicy>,
        /// The final snapshot a delete keeps.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snapshot: Option<String>,
        /// The construct path (create, update).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
    },
    /// The call succeeded.
    Done {
        /// The intent's sequence number.
        seq: u64,
        /// The physical id (create, update).
        physical_id: Option<String>,
        /// The attributes (create, update).
        attributes: Option<Attributes>,
    },
    /// The call failed; nothing changed.
    Failed {
        /// The intent's sequence number.
        seq: u64,
        /// Why.
        message: String,
    },
}

/// Unique within this process (a counter) and across processes (with the pid beside it).
fn acquisition_token() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{n}-{nanos}")
}

/// Who holds a stack's lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LockHolder {
    /// Process id.
    pub pid: u32,
    /// Host name.
    pub host: String,
    /// What it is doing (`deploy`, `destroy`).
    pub operation: String,
    /// When it took the lock (seconds since the Unix epoch).
    pub since: u64,
    /// The host's boot id when it took the lock (Linux): a holder from an earlier boot is dead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<String>,
    /// Its process's start time (clock ticks after boot, Linux), so that a later process that
    /// reuses the pid is not taken for the holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<u64>,
    /// Which acquisition this is: two holders made by one process in the same second (two
    /// deployers of one program) differ here, so neither takes the other's lock for its own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// The machine's persistent id (`/etc/machine-id`): two machines or containers may share
    /// a host name, and a boot id alone cannot tell another machine from a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// Its pid namespace (`/proc/self/ns/pid`): containers on one kernel share the boot id but
    /// not their pids, so a pid is looked up only from the same namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid_namespace: Option<String>,
}

impl LockHolder {
    /// This process, about to run `operation`.
    pub fn this_process(operation: &str) -> Self {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let pid = std::process::id();
        Self {
            pid,
            host: liveness::host_name(),
            operation: operation.to_owned(),
            since,
            boot: liveness::boot_id(),
            started: liveness::process_started(pid),
            token: acquisition_token(),
            machine: liveness::machine_id(),
            pid_namespace: liveness::pid_namespace(),
        }
    }

    /// A lock whose record cannot be read: nothing is known of its holder.
    pub fn unreadable() -> Self {
        Self {
            pid: 0,
            host: "unknown".into(),
            operation: "unknown".into(),
            since: 0,
            boot: None,
            started: None,
            token: String::new(),
            machine: None,
            pid_namespace: None,
        }
    }

    /// Whether the holder still runs, as far as this host can tell. Only a holder on this host
    /// whose process is gone is [`Liveness::Dead`].
    pub fn liveness(&self) -> Liveness {
        if self.pid == 0 {
            return Liveness::Unknown("the lock's record cannot be read".into());
        }
        liveness::liveness(&liveness::Holder {
            host: &self.host,
            machine: self.machine.as_deref(),
            boot: self.boot.as_deref(),
            pid_namespace: self.pid_namespace.as_deref(),
            pid: self.pid,
            started: self.started,
        })
    }
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} by pid {} on {} since {} (unix time)",
            self.operation, self.pid, self.host, self.since
        )
    }
}

/// State storage failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Another run holds the lock, alive or not provably dead.
    #[error(
        "the state of stack {stack} is locked: {holder}; {why}. Wait for it, or run force-unlock if that run is dead"
    )]
    Locked {
        /// The stack.
        stack: String,
        /// Who holds it.
        holder: Box<LockHolder>,
        /// Why it was not taken over.
        why: String,
    },
    /// Reading or writing failed.
    #[error("state storage {location}: {message}")]
    Io {
        /// Where.
        location: String,
        /// What happened.
        message: String,
    },
    /// The stored state or journal does not parse, or the journal has a gap; the message says
    /// what to restore it from.
    #[error("{location} is damaged: {message}")]
    Corrupt {
        /// Where.
        location: String,
        /// What does not parse.
        message: String,
    },
}

impl StateError {
    /// The state at `location` does not parse (`error`): says what is wrong and what to restore
    /// it from: its backup at `backup_location` (`backup`: what reading it gave, `None` if there
    /// is none), or a copy of one's own. Never a reason to start from empty state.
    ///
    /// `since_backup` says how the calls made after the backup are recovered (the backend
    /// knows where it keeps the last run's journal), if it can.
    pub fn damaged_state(
        location: &str,
        error: &serde_json::Error,
        backup_location: &str,
        backup: Option<Result<State, String>>,
        since_backup: Option<&str>,
    ) -> Self {
        let what = if error.is_eof() {
            format!("it ends early, truncated ({error})")
        } else {
            format!("it does not parse ({error})")
        };
        let way = match backup {
            Some(Ok(state)) => format!(
                "{backup_location} holds the state as it was before the last save (serial {}, {} \
                 resources): check it, copy it over {location}, {} and run again",
                state.serial,
                state.resources.len(),
                since_backup.unwrap_or(
                    "import what the last run made (its resources carry this stack's tags),"
                )
            ),
            Some(Err(backup_error)) => format!(
                "{backup_location} is damaged too ({backup_error}): restore {location} from a \
                 copy of your own (version control, the bucket's object versions)"
            ),
            None => format!(
                "there is no {backup_location}: restore {location} from a copy of your own \
                 (version control, the bucket's object versions)"
            ),
        };
        Self::Corrupt {
            location: format!("state {location}"),
            message: format!("{what}. Nothing was changed. {way}"),
        }
    }

    /// The lock of `stack` is held by `holder`: says whether that run lives, as this host sees it.
    pub fn locked(stack: &str, holder: LockHolder) -> Self {
        let why = match holder.liveness() {
            Liveness::Alive => "that process is still running".to_owned(),
            Liveness::Unknown(why) => why,
            Liveness::Dead(why) => format!("{why}, but this state backend cannot take a lock over"),
        };
        Self::Locked {
            stack: stack.to_owned(),
            holder: Box::new(holder),
            why,
        }
    }
}

/// Where a stack's state, journal and lock live.
#[async_trait]
pub trait StateBackend: Send + Sync {
    /// A human-readable location, for messages.
    fn location(&self) -> String;
    /// The saved state, if any.
    async fn load(&self) -> Result<Option<State>, StateError>;
    /// Saves the state atomically (readers see the old or the new state, never a mix).
    async fn save(&self, state: &State) -> Result<(), StateError>;
    /// Appends a journal entry durably.
    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError>;
    /// The journal since it was last cleared.
    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError>;
    /// Clears the journal (after its effects are saved in the state).
    async fn clear_journal(&self) -> Result<(), StateError>;
    /// Takes the lock, or fails with [`StateError::Locked`] naming the holder.
    async fn lock(&self, holder: &LockHolder) -> Result<(), StateError>;
    /// Releases the lock this process holds.
    async fn unlock(&self) -> Result<(), StateError>;
    /// Removes the lock whoever holds it; returns the holder it removed.
    async fn force_unlock(&self) -> Result<Option<LockHolder>, StateError>;
    /// Replaces the lock of `stale`, a holder the caller has found dead, with `holder`, only if
    /// `stale` still holds it (compare and swap: of two runs taking over, one wins). Returns
    /// whether it did. Backends that cannot swap atomically keep the default, which never
    /// takes over: the lock then needs `force-unlock`.
    async fn take_over(&self, stale: &LockHolder, holder: &LockHolder) -> Result<bool, StateError> {
        let _ = (stale, holder);
        Ok(false)
    }
}

/// Parses a state location `s3://bucket/prefix` into the bucket and the key of a stack's state
/// (`prefix/<stack>.state.json`), so that one location holds every stack of an app.
///
/// ```
/// use stratus_core::deploy::parse_s3_location;
/// assert_eq!(parse_s3_location("s3://b/teams/web", "prod"), Some(("b".into(), "teams/web/prod.state.json".into())));
/// assert_eq!(parse_s3_location("s3://b", "prod"), Some(("b".into(), "prod.state.json".into())));
/// assert_eq!(parse_s3_location("s3:///x", "prod"), None);
/// assert_eq!(parse_s3_location("./local", "prod"), None);
/// ```
pub fn parse_s3_location(location: &str, stack: &str) -> Option<(String, String)> {
    let rest = location.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return None;
    }
    let prefix = prefix.trim_end_matches('/');
    let key = if prefix.is_empty() {
        format!("{stack}.state.json")
    } else {
        format!("{prefix}/{stack}.state.json")
    };
    Some((bucket.to_owned(), key))
}

#[cfg(test)]
mod tests {
    use super::LockHolder;

    #[test]
    fn two_holders_of_one_process_are_told_apart() {
        let first = LockHolder::this_process("deploy");
        let second = LockHolder::this_process("deploy");
        assert_eq!(first.pid, second.pid);
        assert_ne!(
            first, second,
            "the second would take the first's lock for its own"
        );
    }

    #[test]
    fn a_record_written_before_tokens_still_reads() {
        let old = r#"{"pid": 7, "host": "h", "operation": "deploy", "since": 1}"#;
        let holder: LockHolder = serde_json::from_str(old).unwrap();
        assert_eq!(holder.token, "");
    }
}
