//! Waiting for a resource to settle: our own polling with a configurable interval (the SDK's
//! waiters have fixed minimum delays), bounded by a timeout.

use std::future::Future;
use std::time::{Duration, Instant};

use stratus_core::deploy::{ErrorKind, ProviderError};

/// How to wait.
#[derive(Clone, Debug)]
pub struct Wait {
    /// Between two polls (default 5 s; an emulator answers at once, so tests use less).
    pub interval: Duration,
    /// Longest wait for one resource (default 30 min: RDS and CloudFront are slow).
    pub timeout: Duration,
}

impl Default for Wait {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// Polls `check` until it returns `Some`, an error, or the timeout.
pub(crate) async fn poll<T, F, Fut>(
    wait: &Wait,
    what: &str,
    mut check: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if started.elapsed() >= wait.timeout {
            return Err(ProviderError::new(
                ErrorKind::Other,
                format!("timed out after {:?} waiting for {what}", wait.timeout),
            ));
        }
        tokio::time::sleep(wait.interval).await;
    }
}
