//! Adaptive concurrency: additive increase, multiplicative decrease. Throttling halves what is
//! actually in flight (a limit far above the graph's width would otherwise halve without
//! effect), at most once per window so that one burst of errors counts once; a run of
//! successes as long as the limit raises it by one, up to the configured maximum.

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
    in_flight: usize,
    successes: usize,
    last_cut: Option<Instant>,
    /// The lowest limit a cut set, if any.
    lowest: Option<usize>,
}

const CUT_WINDOW: Duration = Duration::from_millis(250);

impl Limiter {
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            max,
            inner: Mutex::new(Inner {
                limit: max,
                in_flight: 0,
                successes: 0,
                last_cut: None,
                lowest: None,
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

    /// The lowest limit throttling brought it to, if it ever did.
    pub(crate) fn lowest(&self) -> Option<usize> {
        self.inner().lowest
    }

    /// A call was dispatched.
    pub(crate) fn started(&self) {
        self.inner().in_flight += 1;
    }

    /// A dispatched call finished.
    pub(crate) fn finished(&self) {
        let mut inner = self.inner();
        inner.in_flight = inner.in_flight.saturating_sub(1);
    }

    /// The provider throttled us. Returns the new limit when it changed.
    pub(crate) fn throttled(&self) -> Option<usize> {
        let mut inner = self.inner();
        let now = Instant::now();
        if inner
            .last_cut
            .is_some_and(|t| now.duration_since(t) < CUT_WINDOW)
        {
            return None;
        }
        // The call that was throttled still counts as in flight: at least one.
        let basis = inner.limit.min(inner.in_flight.max(1));
        let cut = (basis / 2).max(1);
        inner.last_cut = Some(now);
        inner.successes = 0;
        inner.lowest = Some(inner.lowest.map_or(cut, |l| l.min(cut)));
        let changed = cut != inner.limit;
        inner.limit = cut;
        changed.then_some(cut)
    }

    /// A call succeeded. Returns the new limit when it grew.
    pub(crate) fn succeeded(&self) -> Option<usize> {
        let mut inner = self.inner();
        inner.successes += 1;
        if inner.successes >= inner.limit && inner.limit < self.max {
            inner.limit += 1;
            inner.successes = 0;
            return Some(inner.limit);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Limiter;

    #[test]
    fn halves_what_is_in_flight_on_throttling_and_grows_back() {
        let limiter = Limiter::new(1024);
        for _ in 0..16 {
            limiter.started();
        }
        assert_eq!(limiter.throttled(), Some(8), "half of the 16 in flight");
        assert_eq!(limiter.throttled(), None, "same window: counted once");
        assert_eq!(limiter.limit(), 8);
        for _ in 0..7 {
            assert_eq!(limiter.succeeded(), None);
        }
        assert_eq!(
            limiter.succeeded(),
            Some(9),
            "a run of 8 successes adds one"
        );
        assert_eq!(limiter.lowest(), Some(8));
    }

    #[test]
    fn never_goes_below_one() {
        let limiter = Limiter::new(4);
        limiter.started();
        assert_eq!(limiter.throttled(), Some(1));
        assert_eq!(limiter.lowest(), Some(1));
        assert_eq!(limiter.succeeded(), Some(2));
    }
}
