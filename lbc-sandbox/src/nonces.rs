//! The nonces an account has used, kept only as long as their timestamp is inside the 24-hour window.
//!
//! A request whose timestamp is outside the window is refused before its nonce is looked at, so a
//! nonce whose timestamp has left the window can never be replayed successfully: forgetting it is
//! safe, and keeps memory bounded by the request rate of one day.

use std::collections::{BTreeSet, HashSet};

use crate::clock::DAY_MS;

/// One account's used nonces.
#[derive(Debug, Default)]
pub(crate) struct NonceBook {
    seen: HashSet<String>,
    by_time: BTreeSet<(i64, String)>,
}

impl NonceBook {
    /// Records `nonce` (sent with `timestamp_ms`); `false` when it was used before.
    pub(crate) fn remember(&mut self, nonce: &str, timestamp_ms: i64, now_ms: i64) -> bool {
        self.prune(now_ms);
        if self.seen.contains(nonce) {
            return false;
        }
        self.seen.insert(nonce.to_owned());
        self.by_time.insert((timestamp_ms, nonce.to_owned()));
        true
    }

    /// How many nonces are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }

    fn prune(&mut self, now_ms: i64) {
        let horizon = now_ms.saturating_sub(DAY_MS);
        while let Some((timestamp, _)) = self.by_time.first() {
            if *timestamp >= horizon {
                break;
            }
            if let Some((_, nonce)) = self.by_time.pop_first() {
                self.seen.remove(&nonce);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_are_refused_until_the_window_passes() {
        let mut book = NonceBook::default();
        let t0 = 1_000_000_000_000;
        assert!(book.remember("a", t0, t0));
        assert!(!book.remember("a", t0 + 5, t0 + 10));
        assert!(book.remember("b", t0, t0 + 10));
        assert_eq!(book.len(), 2);
        // A day later both are forgotten, on the next insert.
        assert!(book.remember("c", t0 + DAY_MS + 1, t0 + DAY_MS + 1));
        assert_eq!(book.len(), 1);
    }
}
