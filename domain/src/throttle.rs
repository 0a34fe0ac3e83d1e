//! Failed sign-in counting, per account and per client address. Only failures count, so a person
//! who signs in often is never slowed; a run of wrong passwords blocks that key until the oldest
//! failure in the window has aged out.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max_failures: usize,
    pub window: Duration,
}

#[derive(Clone)]
pub struct Throttle {
    limit: Limit,
    failures: Arc<Mutex<HashMap<String, VecDeque<Instant>>>>,
}

impl Throttle {
    pub fn new(limit: Limit) -> Self {
        Self {
            limit,
            failures: Arc::default(),
        }
    }

    /// `Some(wait)` when `key` has used up its failures.
    pub fn blocked_for(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().expect("throttle lock poisoned");
        let entries = map.get_mut(key)?;
        prune(entries, now, self.limit.window);
        if entries.len() < self.limit.max_failures {
            if entries.is_empty() {
                map.remove(key);
            }
            return None;
        }
        let oldest = *entries.front()?;
        Some(self.limit.window.saturating_sub(now.duration_since(oldest)))
    }

    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().expect("throttle lock poisoned");
        // Bounded memory: keys with only stale failures go when the map grows large.
        if map.len() > 100_000 {
            let window = self.limit.window;
            map.retain(|_, entries| {
                prune(entries, now, window);
                !entries.is_empty()
            });
        }
        let entries = map.entry(key.to_string()).or_default();
        prune(entries, now, self.limit.window);
        entries.push_back(now);
    }

    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .expect("throttle lock poisoned")
            .remove(key);
    }
}

fn prune(entries: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while entries
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        entries.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_the_window_passes() {
        let throttle = Throttle::new(Limit {
            max_failures: 3,
            window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(throttle.blocked_for("ann", t0).is_none(), "attempt {i}");
            throttle.record_failure("ann", t0);
        }
        let wait = throttle
            .blocked_for("ann", t0 + Duration::from_secs(10))
            .unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(
            throttle.blocked_for("bob", t0).is_none(),
            "other keys are not affected"
        );
        assert!(
            throttle
                .blocked_for("ann", t0 + Duration::from_secs(60))
                .is_none()
        );
        throttle.record_failure("bob", t0);
        throttle.clear("bob");
        assert!(throttle.blocked_for("bob", t0).is_none());
    }
}
