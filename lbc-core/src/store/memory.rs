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
    counters: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    map: HashMap<String, (u64, Instant)>,
    /// Operations since the last sweep of expired counters.
    since_sweep: u32,
}

/// One operation in this many also drops every expired counter (each key is checked on access).
const SWEEP_EVERY: u32 = 1024;

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, (u64, Instant)>, Instant) -> T) -> T {
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        counters.since_sweep += 1;
        if counters.since_sweep >= SWEEP_EVERY {
            counters.since_sweep = 0;
            counters.map.retain(|_, (_, expires)| *expires > now);
        }
        f(&mut counters.map, now)
    }
}

impl Store for MemoryStore {
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error> {
        Ok(self.with(|counters, now| {
            let entry = counters.entry(key.to_owned()).or_insert((0, now + ttl));
            if entry.1 <= now {
                *entry = (0, now + ttl);
            }
            entry.0 = entry.0.saturating_add(delta);
            entry.0
        }))
    }

    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error> {
        Ok(self.with(|counters, now| {
            if counters.get(key).is_some_and(|(_, expires)| *expires > now) {
                return false;
            }
            counters.insert(key.to_owned(), (1, now + ttl));
            true
        }))
    }

    fn get(&self, key: &str) -> Result<Option<u64>, Error> {
        Ok(self.with(|counters, now| {
            counters
                .get(key)
                .filter(|(_, expires)| *expires > now)
                .map(|(value, _)| *value)
        }))
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
