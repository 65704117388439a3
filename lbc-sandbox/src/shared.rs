//! What every request handler shares: the state behind its mutex, the clock, the settings.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use crate::calls::Timing;
use crate::clock::{self, Clock};
use crate::connections::Counters;
use crate::persist::StateFile;
use crate::state::State;

/// The settings the handlers read, taken from [`crate::SandboxConfig`].
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) timing: Timing,
    pub(crate) repeat_ms: i64,
    pub(crate) codelen: u32,
    pub(crate) call_price: i64,
    pub(crate) account_balance: i64,
    pub(crate) request_timeout: Duration,
    pub(crate) verify_timeout: Duration,
}

/// The sandbox's shared core.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) clock: Clock,
    pub(crate) settings: Settings,
    /// `http://HOST:PORT`, for links the sandbox hands out (the payment page).
    pub(crate) origin: String,
    port: u16,
    requests: AtomicU64,
    /// Where the state is saved, when it is.
    pub(crate) state_file: Option<StateFile>,
    /// The ids of the accounts the ready line shows.
    pub(crate) seeded: Vec<String>,
    /// The connection counter.
    pub(crate) connections: Counters,
    /// Turns true when the sandbox stops, which ends the requests a `hang` fault holds.
    pub(crate) stopping: watch::Sender<bool>,
}

impl Shared {
    pub(crate) fn new(state: State, settings: Settings, origin: String, port: u16) -> Self {
        Shared {
            state: Mutex::new(state),
            clock: Clock::default(),
            settings,
            origin,
            port,
            requests: AtomicU64::new(0),
            state_file: None,
            seeded: Vec::new(),
            connections: Counters::default(),
            stopping: watch::Sender::new(false),
        }
    }

    /// Saves the state file if there is one and the saved state changed. A failure is kept for the
    /// dashboard and `/_sandbox/state` to show; the next change tries again.
    pub(crate) fn persist(&self) {
        if let Some(file) = &self.state_file {
            file.save(|| crate::persist::snapshot(&self.lock(), &self.seeded));
        }
    }

    /// The state. Never held across an `await`.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held is answered by the panic layer; the data stays usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until the sandbox stops.
    pub(crate) async fn stopped(&self) {
        let mut stopping = self.stopping.subscribe();
        // An error means the sender is gone: the sandbox is gone too.
        let _ = stopping.wait_for(|stopping| *stopping).await;
    }

    /// A fresh `X-Request-Id` in the service's shape, e.g. `0239_04282346_4`.
    pub(crate) fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        format!(
            "{:04}_{}_{n}",
            self.port % 10_000,
            clock::month_day_hour_minute(self.clock.now_ms())
        )
    }
}
