//! [`S3Backend`]: state for teams, in an S3 object, selected by `--state s3://bucket/key`.
//!
//! - the state is `key` (the previous one copied to `key.backup` first): one PUT replaces it
//!   atomically, readers see the old or the new object;
//! - the journal is one object per entry under `key.journal/`, named so that they list in the
//!   order written (S3 has no append);
//! - the lock is `key.lock`, written with `If-None-Match: *` (a conditional write, as
//!   Terraform's S3 lockfile does): the second writer gets `412 Precondition Failed` and is
//!   shown the holder stored in the object. A dead holder's lock is taken over with
//!   `If-Match: <etag>`, so that of two runs taking over only one wins.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use stratus_core::deploy::{JournalEntry, LockHolder, State, StateBackend, StateError};

/// State of one stack in S3.
#[derive(Debug)]
pub struct S3Backend {
    client: Client,
    bucket: String,
    key: String,
    /// Orders this process's journal objects.
    counter: AtomicU64,
    /// When this backend was made, so two processes' journal names do not collide.
    epoch: u128,
}

impl S3Backend {
    /// The state of a stack at `s3://bucket/key`.
    pub fn new(client: Client, bucket: impl Into<String>, key: impl Into<String>) -> Self {
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self {
            client,
            bucket: bucket.into(),
            key: key.into(),
            counter: AtomicU64::new(0),
            epoch,
        }
    }

    fn io(&self, what: &str, error: &(impl ProvideErrorMetadata + std::fmt::Debug)) -> StateError {
        let message = format!(
            "{what}: {}",
            error
                .message()
                .map_or_else(|| format!("{error:?}"), str::to_owned)
        );
        StateError::Io {
            location: self.location(),
            message,
        }
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.get_tagged(key).await?.map(|(bytes, _)| bytes))
    }

    /// An object and its `ETag` (for conditional writes), if it exists.
    async fn get_tagged(&self, key: &str) -> Result<Option<(Vec<u8>, Option<String>)>, StateError> {
        match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => {
                let etag = out.e_tag().map(str::to_owned);
                let bytes = out.body.collect().await.map_err(|e| StateError::Io {
                    location: self.location(),
                    message: e.to_string(),
                })?;
                Ok(Some((bytes.into_bytes().to_vec(), etag)))
            }
            Err(e)
                if e.code() == Some("NoSuchKey")
                    || e.raw_response().is_some_and(|r| r.status().as_u16() == 404) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.io(&format!("reading {key}"), &e)),
        }
    }

    fn lock_key(&self) -> String {
        format!("{}.lock", self.key)
    }

    /// The lock's holder and `ETag`, if locked.
    async fn holder(&self) -> Result<Option<(LockHolder, Option<String>)>, StateError> {
        Ok(self
            .get_tagged(&self.lock_key())
            .await?
            .map(|(bytes, etag)| {
                let holder =
                    serde_json::from_slice(&bytes).unwrap_or_else(|_| LockHolder::unreadable());
                (holder, etag)
            }))
    }

    async fn journal_keys(&self) -> Result<Vec<String>, StateError> {
        let mut keys = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(format!("{}.journal/", self.key))
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| self.io("listing the journal", &e))?;
            keys.extend(
                out.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_owned)),
            );
            match out.next_continuation_token() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        keys.sort();
        Ok(keys)
    }
}

#[async_trait]
impl StateBackend for S3Backend {
    fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    async fn load(&self) -> Result<Option<State>, StateError> {
        let Some(bytes) = self.get(&self.key).await? else {
            return Ok(None);
        };
        match serde_json::from_slice(&bytes) {
            Ok(state) => Ok(Some(state)),
            Err(e) => {
                let backup_key = format!("{}.backup", self.key);
                let backup = self
                    .get(&backup_key)
                    .await?
                    .map(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()));
                Err(StateError::damaged_state(
                    &self.location(),
                    &e,
                    &format!("s3://{}/{backup_key}", self.bucket),
                    backup,
                    None,
                ))
            }
        }
    }

    async fn save(&self, state: &State) -> Result<(), StateError> {
        if self.get(&self.key).await?.is_some() {
            // Best effort, as for the local backend: the PUT below is what is atomic.
            let _ = self
                .client
                .copy_object()
                .bucket(&self.bucket)
                .key(format!("{}.backup", self.key))
                .copy_source(format!("{}/{}", self.bucket, self.key))
                .send()
                .await;
        }
        let body = serde_json::to_vec_pretty(state).map_err(|e| StateError::Io {
            location: self.location(),
            message: e.to_string(),
        })?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(&self.key)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| self.io("writing the state", &e))?;
        Ok(())
    }

    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError> {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let key = format!("{}.journal/{:039}-{n:012}.json", self.key, self.epoch);
        let body = serde_json::to_vec(entry).map_err(|e| StateError::Io {
            location: self.location(),
            message: e.to_string(),
        })?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| self.io("writing the journal", &e))?;
        Ok(())
    }

    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError> {
        let mut entries = Vec::new();
        for key in self.journal_keys().await? {
            if let Some(bytes) = self.get(&key).await? {
                // Each entry is a whole object written at once: one that does not parse is
                // damage, and skipping it could lose an intent, so it stops the run.
                let entry = serde_json::from_slice(&bytes).map_err(|e| StateError::Corrupt {
                    location: format!("journal entry s3://{}/{key}", self.bucket),
                    message: format!(
                        "it does not parse ({e}). Nothing was changed. It was written whole, so \
                         it was damaged since: a resource its call made carries the tag \
                         stratus:stack=<this stack>; check for one the state does not record, \
                         then delete the entry and run again"
                    ),
                })?;
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    async fn clear_journal(&self) -> Result<(), StateError> {
        for key in self.journal_keys().await? {
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| self.io("clearing the journal", &e))?;
        }
        Ok(())
    }

    async fn lock(&self, holder: &LockHolder) -> Result<(), StateError> {
        let body = serde_json::to_vec_pretty(holder).map_err(|e| StateError::Io {
            location: self.location(),
            message: e.to_string(),
        })?;
        let result = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.lock_key())
            .if_none_match("*")
            .body(ByteStream::from(body))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if precondition_failed(&e) => match self.holder().await? {
                // A retried PUT whose first attempt landed (the answer was lost): ours.
                Some((current, _)) if current == *holder => Ok(()),
                Some((current, _)) => Err(StateError::locked(&self.key, current)),
                // Released meanwhile: the caller's next attempt may get it.
                None => Err(StateError::locked(&self.key, LockHolder::unreadable())),
            },
            Err(e) => Err(self.io("taking the lock", &e)),
        }
    }

    async fn unlock(&self) -> Result<(), StateError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.lock_key())
            .send()
            .await
            .map_err(|e| self.io("releasing the lock", &e))?;
        Ok(())
    }

    async fn force_unlock(&self) -> Result<Option<LockHolder>, StateError> {
        let holder = self.holder().await?.map(|(holder, _)| holder);
        self.unlock().await?;
        Ok(holder)
    }

    async fn take_over(&self, stale: &LockHolder, holder: &LockHolder) -> Result<bool, StateError> {
        let Some((current, Some(etag))) = self.holder().await? else {
            return Ok(false);
        };
        if current != *stale {
            return Ok(false);
        }
        let body = serde_json::to_vec_pretty(holder).map_err(|e| StateError::Io {
            location: self.location(),
            message: e.to_string(),
        })?;
        // Replaced only if it is still the object read above (`If-Match`): of two runs taking
        // over, the second gets 412.
        let result = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.lock_key())
            .if_match(etag)
            .body(ByteStream::from(body))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if precondition_failed(&e) => {
                // A retried PUT whose first attempt landed is ours too.
                Ok(self.holder().await?.is_some_and(|(now, _)| now == *holder))
            }
            Err(e) => Err(self.io("taking over the lock", &e)),
        }
    }
}

/// `412 Precondition Failed`: a conditional write found the object otherwise than required.
fn precondition_failed<E: ProvideErrorMetadata>(
    error: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    error.code() == Some("PreconditionFailed")
        || error
            .raw_response()
            .is_some_and(|r| r.status().as_u16() == 412)
}
