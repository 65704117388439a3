//! The store: what must be atomic across processes and servers (a login's attempts, accept-once,
//! the guard's counters), behind one small trait.
//!
//! Every value is a counter with an expiry set when it is created (a fixed window), so any
//! key-value store with an atomic add-if-absent and an atomic increment can be one: SQLite, Redis,
//! memcached, a framework's shared cache.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::Error;

/// Atomic counters with expiry, shared by every process (and server) that must agree on them.
///
/// Implementations must make [`Store::incr`] and [`Store::add`] atomic across every process using
/// the same store: that is the whole guarantee the login's attempt limit stands on.
pub trait Store: Send + Sync + fmt::Debug {
    /// Adds `delta` to the counter `key` and returns its new value. A counter that does not exist
    /// (or has expired) starts at 0 and lives for `ttl` from now; an existing one keeps its expiry.
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error>;

    /// Creates the counter `key` with the value 1, living for `ttl`, unless it exists; returns
    /// whether this call created it (accept-once, a pause flag).
    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error>;

    /// The counter's value, `None` when it does not exist or has expired.
    fn get(&self, key: &str) -> Result<Option<u64>, Error>;
}

/// A store in this process's memory (`memory:`): for tests and single-process programs only,
/// since other processes cannot see it.
#[derive(Debug, Default)]
pub struct MemoryStore {
    counters: Mutex<HashMap<String, (u64, Instant)>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, (u64, Instant)>, Instant) -> T) -> T {
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        counters.retain(|_, (_, expires)| *expires > now);
        f(&mut counters, now)
    }
}

impl Store for MemoryStore {
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error> {
        Ok(self.with(|counters, now| {
            let entry = counters.entry(key.to_owned()).or_insert((0, now + ttl));
            entry.0 = entry.0.saturating_add(delta);
            entry.0
        }))
    }

    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error> {
        Ok(self.with(|counters, now| {
            if counters.contains_key(key) {
                return false;
            }
            counters.insert(key.to_owned(), (1, now + ttl));
            true
        }))
    }

    fn get(&self, key: &str) -> Result<Option<u64>, Error> {
        Ok(self.with(|counters, _| counters.get(key).map(|(value, _)| *value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_count_and_expire() {
        let store = MemoryStore::new();
        assert_eq!(store.get("a").unwrap(), None);
        assert_eq!(store.incr("a", 1, Duration::from_secs(60)).unwrap(), 1);
        assert_eq!(store.incr("a", 2, Duration::from_secs(60)).unwrap(), 3);
        assert!(store.add("b", Duration::from_millis(20)).unwrap());
        assert!(!store.add("b", Duration::from_millis(20)).unwrap());
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(store.get("b").unwrap(), None);
        assert!(store.add("b", Duration::from_secs(1)).unwrap());
        assert_eq!(store.get("a").unwrap(), Some(3));
    }
}
