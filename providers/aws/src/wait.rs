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
    /// How long what was just made may stay invisible to the service that uses it (default
    /// 3 min; Terraform's `propagationTimeout` is 2 min): an instance profile to EC2 and Auto Scaling, a
    /// new role or group to the calls that complete its create, a resource to its own read
    /// back. Only "not found" (or the service's own "not visible yet" answer) is retried.
    pub propagation: Duration,
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
            propagation: minutes(3),
        }
    }
}

impl Wait {
    /// Polls every `interval` and gives up after `timeout` whatever the kind; "not found" is
    /// believed after two lookups `interval` apart, and what was just made is waited for 25
    /// intervals (for tests against an emulator, which answers at once).
    pub fn uniform(interval: Duration, timeout: Duration) -> Self {
        Self {
            interval,
            timeout,
            per_kind: BTreeMap::new(),
            settle_attempts: 2,
            settle_interval: interval,
            // An emulator shows what it made at once: something missing is missing.
            propagation: interval.saturating_mul(25),
        }
    }

    /// Every duration multiplied by `factor` (0.01: a hundred times faster), for tests whose
    /// cloud plays AWS's delays scaled by the same factor.
    #[must_use]
    pub fn scaled(self, factor: f64) -> Self {
        let scale = |d: Duration| d.mul_f64(factor);
        Self {
            interval: scale(self.interval),
            timeout: scale(self.timeout),
            per_kind: self
                .per_kind
                .into_iter()
                .map(|(kind, d)| (kind, scale(d)))
                .collect(),
            settle_attempts: self.settle_attempts,
            settle_interval: scale(self.settle_interval),
            propagation: scale(self.propagation),
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

/// What was just made, read until it shows (at most [`Wait::propagation`]): a resource that
/// certainly exists is not believed gone because a describe does not see it yet.
pub(crate) async fn until_visible<T, F, Fut>(
    wait: &Wait,
    mut lookup: F,
) -> Result<Option<T>, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ProviderError>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = lookup().await? {
            return Ok(Some(found));
        }
        if started.elapsed() >= wait.propagation {
            return Ok(None);
        }
        tokio::time::sleep(wait.settle_interval).await;
    }
}

/// Calls `call` again while it fails because something just made is not visible to it yet:
/// a not-found error naming one of `new` (the new resources' names or ids, so that a mistyped
/// reference to something else fails at once), or an error `propagating` recognizes (EC2's
/// "Invalid IAM Instance Profile"), for at most [`Wait::propagation`].
pub(crate) async fn while_propagating<T, F, Fut>(
    wait: &Wait,
    new: &[&str],
    propagating: fn(&ProviderError) -> bool,
    mut call: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let started = Instant::now();
    loop {
        match call().await {
            Err(e)
                if (propagating(&e)
                    || (e.kind == ErrorKind::NotFound
                        && new.iter().any(|n| !n.is_empty() && e.message.contains(n))))
                    && started.elapsed() < wait.propagation =>
            {
                tracing::debug!(error = %e, "not visible yet; retrying");
                tokio::time::sleep(wait.settle_interval).await;
            }
            other => return other,
        }
    }
}

/// EC2's and Auto Scaling's answer while a new instance profile is not visible to them
/// (`InvalidParameterValue`/`ValidationError` "… Invalid IAM Instance Profile name"): retried
/// while it propagates, never taken for success.
pub(crate) fn instance_profile_not_visible(error: &ProviderError) -> bool {
    error.kind == ErrorKind::InvalidInput
        && error
            .message
            .to_ascii_lowercase()
            .contains("instance profile")
}

/// No service-specific propagation answer: only not-found errors naming the new resource.
pub(crate) fn not_found_only(_: &ProviderError) -> bool {
    false
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
