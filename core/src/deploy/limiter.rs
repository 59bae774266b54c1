//! Adaptive concurrency: additive increase, multiplicative decrease. Throttling halves the limit
//! (at most once per window, so one burst of errors counts once); a run of successes as long
//! as the limit raises it by one, up to the configured maximum.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The concurrency limit of one run.
#[derive(Debug)]
pub(crate) struct Limiter {
    max: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    limit: usize,
    successes: usize,
    last_cut: Option<Instant>,
}

const CUT_WINDOW: Duration = Duration::from_millis(250);

impl Limiter {
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            max,
            inner: Mutex::new(Inner {
                limit: max,
                successes: 0,
                last_cut: None,
            }),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many calls may be in flight now.
    pub(crate) fn limit(&self) -> usize {
        self.inner().limit
    }

    /// The provider throttled us.
    pub(crate) fn throttled(&self) {
        let mut inner = self.inner();
        let now = Instant::now();
        if inner
            .last_cut
            .is_none_or(|t| now.duration_since(t) >= CUT_WINDOW)
        {
            inner.limit = (inner.limit / 2).max(1);
            inner.successes = 0;
            inner.last_cut = Some(now);
        }
    }

    /// A call succeeded.
    pub(crate) fn succeeded(&self) {
        let mut inner = self.inner();
        inner.successes += 1;
        if inner.successes >= inner.limit && inner.limit < self.max {
            inner.limit += 1;
            inner.successes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Limiter;

    #[test]
    fn halves_on_throttling_and_grows_back() {
        let limiter = Limiter::new(16);
        limiter.throttled();
        assert_eq!(limiter.limit(), 8);
        limiter.throttled(); // same window: counted once
        assert_eq!(limiter.limit(), 8);
        for _ in 0..8 {
            limiter.succeeded();
        }
        assert_eq!(limiter.limit(), 9);
    }
}
