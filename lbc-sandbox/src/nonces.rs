//! The nonces an account has used, kept only as long as their timestamp is inside the 24-hour window.
//!
//! A request whose timestamp is outside the window is refused before its nonce is looked at, so a
//! nonce whose timestamp has left the window can never be replayed successfully: forgetting it is
//! safe, and keeps memory bounded by the request rate of one day.
//!
//! A nonce is not kept itself: only a 64-bit SipHash of it, keyed at random for each book (so that
//! nobody outside can make two nonces collide on purpose; by chance, among a million nonces, one
//! false `NONCE_ALREADY_USED` has a probability below 10⁻⁷). The digests are grouped by the hour of
//! their timestamp, and an hour is forgotten as a whole once all of it has left the window: a nonce
//! is remembered for its day and at most an hour more, and costs about 10 to 21 bytes (an 8-byte
//! slot and a control byte in a hash table that is at least 7/16 full) instead of its text twice.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use crate::clock::DAY_MS;

/// Timestamps are grouped by spans this long.
const SPAN_MS: i64 = 60 * 60 * 1000;

/// What is stored per nonce: its keyed hash.
type Digest = u64;

/// The digests of one span. They are keyed hashes already, so the table uses them as they are.
type Digests = HashSet<Digest, BuildHasherDefault<Prehashed>>;

/// One account's used nonces.
#[derive(Debug, Default)]
pub(crate) struct NonceBook {
    key: RandomState,
    /// Span number (timestamp / [`SPAN_MS`]) → the digests of the nonces sent with a timestamp in it.
    by_span: BTreeMap<i64, Digests>,
    len: usize,
}

impl NonceBook {
    /// Records `nonce` (sent with `timestamp_ms`); `false` when it was used before.
    pub(crate) fn remember(&mut self, nonce: &str, timestamp_ms: i64, now_ms: i64) -> bool {
        self.prune(now_ms);
        let digest = self.key.hash_one(nonce);
        // The same nonce may come back with another timestamp: every span is looked at.
        if self
            .by_span
            .values()
            .any(|digests| digests.contains(&digest))
        {
            return false;
        }
        self.by_span
            .entry(timestamp_ms.div_euclid(SPAN_MS))
            .or_default()
            .insert(digest);
        self.len += 1;
        true
    }

    /// How many nonces are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// An estimate of the heap memory the book holds: the std hash tables' slots and control bytes
    /// (SwissTable: one slot and one control byte per bucket, at most 7/8 of the buckets used), and
    /// the span map's entries.
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        let per_bucket = size_of::<Digest>() + 1;
        let tables: usize = self
            .by_span
            .values()
            .map(|d| (d.capacity() * 8).div_ceil(7).next_power_of_two() * per_bucket + 16)
            .sum();
        // B-tree nodes are at least half full.
        tables + self.by_span.len() * 2 * size_of::<(i64, Digests)>()
    }

    /// Forgets the spans whose every timestamp is more than a day before `now_ms`.
    fn prune(&mut self, now_ms: i64) {
        let horizon = now_ms.saturating_sub(DAY_MS);
        while let Some(oldest) = self.by_span.first_entry() {
            let end = oldest.key().saturating_add(1).saturating_mul(SPAN_MS);
            if end > horizon {
                break;
            }
            self.len -= oldest.remove().len();
        }
    }
}

/// A hasher for values that are uniformly distributed hashes already: it passes them through.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `Digest`; this keeps the hasher correct for any other input.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000_000_000;

    #[test]
    fn replays_are_refused_until_the_window_passes() {
        let mut book = NonceBook::default();
        assert!(book.remember("a", T0, T0));
        assert!(!book.remember("a", T0 + 5, T0 + 10));
        assert!(
            !book.remember("a", T0 + 3 * SPAN_MS, T0 + 10),
            "another timestamp does not make a nonce new"
        );
        assert!(book.remember("b", T0, T0 + 10));
        assert_eq!(book.len(), 2);
        // Still remembered while its timestamp is inside the window.
        assert!(!book.remember("a", T0 + DAY_MS, T0 + DAY_MS));
        // A day and an hour later both are forgotten, on the next insert.
        let later = T0 + DAY_MS + SPAN_MS;
        assert!(book.remember("c", later, later));
        assert_eq!(book.len(), 1);
        assert!(book.remember("a", later, later));
    }

    #[test]
    fn a_nonce_costs_at_most_32_bytes() {
        const N: i64 = 100_000;
        let mut book = NonceBook::default();
        let nonce = |i: i64| format!("{i:0>40}");
        // Timestamps spread over the whole window either side of now.
        let stamp = |i: i64| T0 - DAY_MS + i * (2 * DAY_MS / N);
        for i in 0..N {
            assert!(book.remember(&nonce(i), stamp(i), T0), "nonce {i} is new");
        }
        assert_eq!(book.len(), N as usize);
        let per_nonce = book.heap_bytes() / N as usize;
        assert!(per_nonce <= 32, "{per_nonce} bytes per nonce");
        for i in (0..N).step_by(7) {
            assert!(!book.remember(&nonce(i), T0, T0), "nonce {i} is a replay");
        }
        assert_eq!(book.len(), N as usize);
        // Two days and an hour on, every one of them has left the window.
        let later = T0 + 2 * DAY_MS + SPAN_MS;
        assert!(book.remember(&nonce(0), later, later));
        assert_eq!(book.len(), 1);
        assert!(book.by_span.len() == 1 && book.heap_bytes() < 1024);
    }

    #[test]
    fn digests_are_keyed_per_book() {
        let (a, b) = (NonceBook::default(), NonceBook::default());
        assert_ne!(a.key.hash_one("same nonce"), b.key.hash_one("same nonce"));
    }
}
