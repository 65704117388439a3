//! `memory:`: counters in this process's memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Store;
use crate::Error;

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
        super::super::tests::counts_and_expires(&MemoryStore::new());
    }
}
