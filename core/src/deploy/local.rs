//! [`LocalBackend`]: state in a directory. `<stack>.state.json` is replaced atomically (write a
//! temporary file, fsync it, keep the previous state as `.backup`, rename over, fsync the
//! directory); the journal is an append-only JSON-lines file fsynced per entry, set aside as
//! `.journal.previous.jsonl` when cleared (with the `.backup`, it rebuilds a damaged state
//! file); the lock is a
//! file created exclusively, holding its holder. Taking over a dead holder's lock, and
//! force-unlocking, happen under an OS file lock on a guard file beside it, so that of two runs
//! that find the same dead holder only one takes over.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use super::state::{JournalEntry, LockHolder, State, StateBackend, StateError};

/// State of one stack in a local directory (default `.stratus/`).
#[derive(Clone, Debug)]
pub struct LocalBackend {
    dir: PathBuf,
    stack: String,
}

impl LocalBackend {
    /// The state of `stack` in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>, stack: &str) -> Self {
        Self {
            dir: dir.into(),
            stack: stack.to_owned(),
        }
    }

    /// The state file.
    pub fn state_path(&self) -> PathBuf {
        self.dir.join(format!("{}.state.json", self.stack))
    }

    fn backup_path(&self) -> PathBuf {
        self.dir.join(format!("{}.state.json.backup", self.stack))
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.join(format!("{}.journal.jsonl", self.stack))
    }

    /// The journal of the last run that finished, kept until the next one finishes: with the
    /// `.backup`, it rebuilds the state if the state file is damaged.
    fn previous_journal_path(&self) -> PathBuf {
        self.dir
            .join(format!("{}.journal.previous.jsonl", self.stack))
    }

    fn lock_path(&self) -> PathBuf {
        self.dir.join(format!("{}.lock", self.stack))
    }

    fn guard_path(&self) -> PathBuf {
        self.dir.join(format!(".{}.lock.guard", self.stack))
    }

    /// Holds the guard's OS lock (released when the file closes) while `f` runs.
    fn guarded<T>(&self, f: impl FnOnce() -> Result<T, StateError>) -> Result<T, StateError> {
        self.ensure_dir()?;
        let path = self.guard_path();
        let guard = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Self::io(&path, e))?;
        guard.lock().map_err(|e| Self::io(&path, e))?;
        f()
    }

    fn read_holder(&self) -> Option<LockHolder> {
        fs::read(self.lock_path())
            .ok()
            .map(|b| serde_json::from_slice(&b).unwrap_or_else(|_| LockHolder::unreadable()))
    }

    fn io(path: &Path, e: impl std::fmt::Display) -> StateError {
        StateError::Io {
            location: path.display().to_string(),
            message: e.to_string(),
        }
    }

    fn ensure_dir(&self) -> Result<(), StateError> {
        fs::create_dir_all(&self.dir).map_err(|e| Self::io(&self.dir, e))
    }

    /// Saves atomically; see the module docs.
    pub fn save_sync(&self, state: &State) -> Result<(), StateError> {
        self.ensure_dir()?;
        let path = self.state_path();
        let temp = self.dir.join(format!(
            ".{}.state.json.{}.tmp",
            self.stack,
            std::process::id()
        ));
        let text = serde_json::to_vec_pretty(state).map_err(|e| Self::io(&path, e))?;
        {
            let mut file = File::create(&temp).map_err(|e| Self::io(&temp, e))?;
            file.write_all(&text).map_err(|e| Self::io(&temp, e))?;
            file.sync_all().map_err(|e| Self::io(&temp, e))?;
        }
        if path.exists() {
            // Best effort: the backup is a convenience, the rename below is what is atomic.
            let _ = fs::copy(&path, self.backup_path());
        }
        fs::rename(&temp, &path).map_err(|e| Self::io(&path, e))?;
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Self::io(&self.dir, e))?;
        Ok(())
    }

    /// Loads the state file, if any.
    pub fn load_sync(&self) -> Result<Option<State>, StateError> {
        let path = self.state_path();
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                let backup_path = self.backup_path();
                let backup = match fs::read(&backup_path) {
                    Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| e.to_string())),
                    Err(_) => None,
                };
                let journal = self.journal_path();
                let previous = self.previous_journal_path();
                let since_backup = if journal.exists() {
                    format!(
                        "keep {} (the next run replays the calls it records),",
                        journal.display()
                    )
                } else if previous.exists() {
                    format!(
                        "rename {} to {} (the next run replays the calls made since the backup),",
                        previous.display(),
                        journal.display()
                    )
                } else {
                    String::from("(no call was journaled since),")
                };
                StateError::damaged_state(
                    &path.display().to_string(),
                    &e,
                    &backup_path.display().to_string(),
                    backup,
                    Some(&since_backup),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Self::io(&path, e)),
        }
    }
}

#[async_trait]
impl StateBackend for LocalBackend {
    fn location(&self) -> String {
        self.state_path().display().to_string()
    }

    async fn load(&self) -> Result<Option<State>, StateError> {
        self.load_sync()
    }

    async fn save(&self, state: &State) -> Result<(), StateError> {
        self.save_sync(state)
    }

    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError> {
        self.ensure_dir()?;
        let path = self.journal_path();
        let mut line = serde_json::to_vec(entry).map_err(|e| Self::io(&path, e))?;
        line.push(b'\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Self::io(&path, e))?;
        file.write_all(&line).map_err(|e| Self::io(&path, e))?;
        file.sync_data().map_err(|e| Self::io(&path, e))
    }

    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError> {
        let path = self.journal_path();
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Self::io(&path, e)),
        };
        let lines: Vec<String> = BufReader::new(file)
            .lines()
            .collect::<Result<_, _>>()
            .map_err(|e| Self::io(&path, e))?;
        let last = lines.iter().rposition(|l| !l.trim().is_empty());
        let mut entries = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(line) {
                Ok(entry) => entries.push(entry),
                // A torn last line is an entry whose write did not finish: it never happened.
                Err(_) if Some(i) == last => {}
                // A damaged line before others was written whole once: skipping it could lose
                // an intent, so the run stops.
                Err(e) => {
                    return Err(StateError::Corrupt {
                        location: format!("journal {}", path.display()),
                        message: format!(
                            "line {} does not parse ({e}), and lines were written after it, so it \
                             was damaged after being written whole. Nothing was changed. The \
                             lines around it name the calls of the same run; a resource that \
                             line's call made carries the tag stratus:stack={}: check for one \
                             the state does not record, then remove the line and run again",
                            i + 1,
                            self.stack
                        ),
                    });
                }
            }
        }
        Ok(entries)
    }

    async fn clear_journal(&self) -> Result<(), StateError> {
        // Kept aside rather than deleted: see `previous_journal_path`.
        let path = self.journal_path();
        match fs::rename(&path, self.previous_journal_path()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Self::io(&path, e)),
        }
    }

    async fn lock(&self, holder: &LockHolder) -> Result<(), StateError> {
        self.ensure_dir()?;
        let path = self.lock_path();
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                let text = serde_json::to_vec_pretty(holder).map_err(|e| Self::io(&path, e))?;
                file.write_all(&text)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| Self::io(&path, e))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = self.read_holder().unwrap_or_else(LockHolder::unreadable);
                Err(StateError::locked(&self.stack, holder))
            }
            Err(e) => Err(Self::io(&path, e)),
        }
    }

    async fn unlock(&self) -> Result<(), StateError> {
        let path = self.lock_path();
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Self::io(&path, e)),
        }
    }

    async fn force_unlock(&self) -> Result<Option<LockHolder>, StateError> {
        self.guarded(|| {
            let holder = self.read_holder();
            let path = self.lock_path();
            match fs::remove_file(&path) {
                Ok(()) => Ok(holder),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Self::io(&path, e)),
            }
        })
    }

    async fn take_over(&self, stale: &LockHolder, holder: &LockHolder) -> Result<bool, StateError> {
        self.guarded(|| {
            if self.read_holder().as_ref() != Some(stale) {
                return Ok(false);
            }
            // Written beside it and renamed over: the lock file is never absent or half-written.
            let path = self.lock_path();
            let temp = self
                .dir
                .join(format!(".{}.lock.{}.tmp", self.stack, std::process::id()));
            let text = serde_json::to_vec_pretty(holder).map_err(|e| Self::io(&path, e))?;
            let mut file = File::create(&temp).map_err(|e| Self::io(&temp, e))?;
            file.write_all(&text)
                .and_then(|()| file.sync_all())
                .map_err(|e| Self::io(&temp, e))?;
            fs::rename(&temp, &path).map_err(|e| Self::io(&path, e))?;
            Ok(true)
        })
    }
}
