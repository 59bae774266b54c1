//! Waiting for a resource to settle: our own polling with a configurable interval (the SDK's
//! waiters have fixed minimum delays), bounded by a timeout per resource kind.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use stratus_core::deploy::{ErrorKind, ProviderError};

/// How to wait.
#[derive(Clone, Debug)]
pub struct Wait {
    /// Between two polls (default 5 s; an emulator answers at once, so tests use less).
    pub interval: Duration,
    /// Longest wait for a resource of a kind without its own entry (default 30 min).
    pub timeout: Duration,
    /// Longest wait per CloudFormation type (defaults: RDS instances 90 min, CloudFront and
    /// certificates 60 min, NAT gateways, EFS and auto scaling groups 20 min).
    pub per_kind: BTreeMap<String, Duration>,
    /// Lookups made before "not found" is believed (default 3): AWS's describe calls are
    /// eventually consistent, so a resource made a moment ago may not show yet.
    pub settle_attempts: u32,
    /// Between two such lookups (default 2 s).
    pub settle_interval: Duration,
}

impl Default for Wait {
    fn default() -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        let per_kind = [
            ("AWS::RDS::DBInstance", minutes(90)),
            ("AWS::CloudFront::Distribution", minutes(60)),
            ("AWS::CertificateManager::Certificate", minutes(60)),
            ("AWS::EC2::NatGateway", minutes(20)),
            ("AWS::EFS::FileSystem", minutes(20)),
            ("AWS::EFS::MountTarget", minutes(20)),
            ("AWS::AutoScaling::AutoScalingGroup", minutes(20)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Self {
            interval: Duration::from_secs(5),
            timeout: minutes(30),
            per_kind,
            settle_attempts: 3,
            settle_interval: Duration::from_secs(2),
        }
    }
}

impl Wait {
    /// Polls every `interval` and gives up after `timeout` whatever the kind; "not found" is
    /// believed after two lookups `interval` apart (for tests against an emulator, which
    /// answers at once).
    pub fn uniform(interval: Duration, timeout: Duration) -> Self {
        Self {
            interval,
            timeout,
            per_kind: BTreeMap::new(),
            settle_attempts: 2,
            settle_interval: interval,
        }
    }

    /// The longest wait for a resource of `kind`.
    pub fn timeout_for(&self, kind: &str) -> Duration {
        self.per_kind.get(kind).copied().unwrap_or(self.timeout)
    }
}

/// A lookup repeated until it finds something or `settle_attempts` lookups found nothing: the
/// only way "not found" is believed from an eventually consistent API.
pub(crate) async fn settled<T, F, Fut>(
    wait: &Wait,
    mut lookup: F,
) -> Result<Option<T>, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let attempts = wait.settle_attempts.max(1);
    for attempt in 1..=attempts {
        if let Some(found) = lookup().await? {
            return Ok(Some(found));
        }
        if attempt < attempts {
            tokio::time::sleep(wait.settle_interval).await;
        }
    }
    Ok(None)
}

/// Polls `check` until it returns `Some`, an error, or the timeout of `kind`.
pub(crate) async fn poll<T, F, Fut>(
    wait: &Wait,
    kind: &str,
    what: &str,
    mut check: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let started = Instant::now();
    let timeout = wait.timeout_for(kind);
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if started.elapsed() >= timeout {
            return Err(ProviderError::new(
                ErrorKind::Other,
                format!("timed out after {timeout:?} waiting for {what}"),
            ));
        }
        tokio::time::sleep(wait.interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::Wait;
    use std::time::Duration;

    #[test]
    fn timeouts_per_kind() {
        let wait = Wait::default();
        assert_eq!(
            wait.timeout_for("AWS::RDS::DBInstance"),
            Duration::from_secs(90 * 60)
        );
        assert_eq!(
            wait.timeout_for("AWS::EC2::VPC"),
            Duration::from_secs(30 * 60)
        );
        let uniform = Wait::uniform(Duration::from_millis(10), Duration::from_secs(1));
        assert_eq!(
            uniform.timeout_for("AWS::RDS::DBInstance"),
            Duration::from_secs(1)
        );
    }
}
