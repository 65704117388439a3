//! The connection counter: how many TCP connections the sandbox accepted, and how many of them
//! carried at least one API request (`/_sandbox/connections`), so that a test can tell whether a
//! client keeps its connections alive.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// The connections counted since the start or the last reset, as `GET /_sandbox/connections`
/// answers them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCounts {
    /// Every TCP connection accepted, whatever it carried (the connection a control request came
    /// on included).
    pub accepted: u64,
    /// The connections that carried at least one API request (under `/callapi/`).
    pub api: u64,
}

/// The counters behind [`ConnectionCounts`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    accepted: AtomicU64,
    api: AtomicU64,
}

impl Counters {
    /// Counts an accepted connection.
    pub(crate) fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a connection that carried its first API request.
    pub(crate) fn api(&self) {
        self.api.fetch_add(1, Ordering::SeqCst);
    }

    /// The counts now.
    pub(crate) fn read(&self) -> ConnectionCounts {
        ConnectionCounts {
            accepted: self.accepted.load(Ordering::SeqCst),
            api: self.api.load(Ordering::SeqCst),
        }
    }

    /// Sets both counts back to zero; answers what they were.
    pub(crate) fn reset(&self) -> ConnectionCounts {
        ConnectionCounts {
            accepted: self.accepted.swap(0, Ordering::SeqCst),
            api: self.api.swap(0, Ordering::SeqCst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_resets() {
        let counters = Counters::default();
        counters.accepted();
        counters.accepted();
        counters.api();
        let both = ConnectionCounts {
            accepted: 2,
            api: 1,
        };
        assert_eq!(counters.read(), both);
        assert_eq!(counters.reset(), both);
        assert_eq!(counters.read(), ConnectionCounts::default());
    }
}
