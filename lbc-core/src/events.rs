//! What a client reports while it works: one event per attempt of a request, one per retry, one
//! per call the guard refused and one per answer that may have placed a call.
//!
//! Every event goes to the [`log`] crate (target `loginbycall`), and, when the client was built
//! with [`ClientBuilder::log_level`](crate::ClientBuilder::log_level), into the client's own
//! bounded record, which [`Client::take_events`](crate::Client::take_events) empties: the bindings
//! read it to hand the same events to Python's `logging` and to PHP's PSR-3 logger.
//!
//! Messages never hold a key or a signature, and a phone number only with its last 4 digits
//! hidden ([`mask_number`]).

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};

/// The `log` target of every event.
pub const LOG_TARGET: &str = "loginbycall";

/// How many events a client's record keeps: older ones are dropped first.
pub const EVENT_CAPACITY: usize = 256;

/// How much a client records ([`ClientBuilder::log_level`](crate::ClientBuilder::log_level)):
/// each level records its own events and those of the levels above it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Nothing recorded (the default; events still go to the `log` crate).
    #[default]
    Off = 0,
    /// Answers that may have placed a call.
    Warning = 1,
    /// Retries and the guard's refusals too.
    Info = 2,
    /// One line per attempt of every request too.
    Debug = 3,
}

impl LogLevel {
    /// The level of its number in the C ABI (0 off, 1 warning, 2 info, 3 debug).
    pub fn from_number(level: i64) -> Option<LogLevel> {
        match level {
            0 => Some(LogLevel::Off),
            1 => Some(LogLevel::Warning),
            2 => Some(LogLevel::Info),
            3 => Some(LogLevel::Debug),
            _ => None,
        }
    }

    /// Its name in the events' JSON: `off`, `warning`, `info`, `debug`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Warning => "warning",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }

    fn to_log(self) -> log::Level {
        match self {
            LogLevel::Off | LogLevel::Debug => log::Level::Debug,
            LogLevel::Info => log::Level::Info,
            LogLevel::Warning => log::Level::Warn,
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// One attempt of a request ended (debug).
    Request,
    /// A failed attempt is sent again (info).
    Retry,
    /// The guard refused to place a call (info).
    GuardRefused,
    /// A `call` failed in a way that may still have placed the call (warning).
    MayHaveBeenPlaced,
}

impl EventKind {
    /// Its name in the events' JSON: `request`, `retry`, `guard_refused`, `may_have_been_placed`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Request => "request",
            EventKind::Retry => "retry",
            EventKind::GuardRefused => "guard_refused",
            EventKind::MayHaveBeenPlaced => "may_have_been_placed",
        }
    }

    /// The level it is reported at.
    pub fn level(self) -> LogLevel {
        match self {
            EventKind::Request => LogLevel::Debug,
            EventKind::Retry | EventKind::GuardRefused => LogLevel::Info,
            EventKind::MayHaveBeenPlaced => LogLevel::Warning,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event: its kind, a line for people and the fields for machines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// What happened (its level is [`EventKind::level`]).
    pub kind: EventKind,
    /// A line for people (numbers masked).
    pub message: String,
    /// The API method (`call-status`, ...; `request` for a method the SDK does not know).
    pub method: String,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The HTTP status of the answer, when one came.
    pub status: Option<u16>,
    /// Time since the operation started.
    pub elapsed: Duration,
    /// The answer's `X-Request-Id`, when one came.
    pub request_id: Option<String>,
}

impl Event {
    /// The level it is reported at.
    pub fn level(&self) -> LogLevel {
        self.kind.level()
    }

    /// The event as the C ABI's JSON object: `{"level", "event", "message", "fields": {"method",
    /// "attempt", "status", "elapsed_ms", "request_id"}}` (`status` and `request_id` may be null).
    pub fn to_json(&self) -> Value {
        json!({
            "level": self.level().as_str(),
            "event": self.kind.as_str(),
            "message": self.message,
            "fields": {
                "method": self.method,
                "attempt": self.attempt,
                "status": self.status,
                "elapsed_ms": u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX),
                "request_id": self.request_id,
            },
        })
    }
}

/// A list of events as a JSON array (`[]` when empty).
pub fn events_to_json(events: &[Event]) -> String {
    Value::Array(events.iter().map(Event::to_json).collect()).to_string()
}

/// A phone number (or any text) for a message: its last 4 digits hidden, at most 32 characters,
/// e.g. `79256880636` -> `7925688****`.
pub fn mask_number(number: &str) -> String {
    let chars: Vec<char> = number.trim().chars().take(32).collect();
    let mut hidden = 0;
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for &c in chars.iter().rev() {
        if c.is_ascii_digit() && hidden < 4 {
            hidden += 1;
            out.push('*');
        } else {
            out.push(c);
        }
    }
    out.reverse();
    out.into_iter().collect()
}

/// A client's record of events, bounded ([`EVENT_CAPACITY`]).
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    level: LogLevel,
    events: Mutex<VecDeque<Event>>,
}

impl EventLog {
    pub(crate) fn new(level: LogLevel) -> Self {
        EventLog {
            level,
            events: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn level(&self) -> LogLevel {
        self.level
    }

    /// Whether an event of `kind` is recorded or may reach a `log` logger: when neither, the
    /// caller skips formatting it.
    pub(crate) fn wants(&self, kind: EventKind) -> bool {
        kind.level() <= self.level || log::log_enabled!(target: LOG_TARGET, kind.level().to_log())
    }

    /// Reports `event` to `log` and records it if the level asks.
    pub(crate) fn emit(&self, event: Event) {
        log::log!(target: LOG_TARGET, event.level().to_log(), "{}", event.message);
        if event.level() > self.level || self.level == LogLevel::Off {
            return;
        }
        let mut events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        if events.len() >= EVENT_CAPACITY {
            events.pop_front();
        }
        events.push_back(event);
    }

    /// The events recorded since the last take, oldest first.
    pub(crate) fn take(&self) -> Vec<Event> {
        let mut events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, n: u32) -> Event {
        Event {
            kind,
            message: format!("m{n}"),
            method: "balance".into(),
            attempt: n,
            status: Some(200),
            elapsed: Duration::from_millis(12),
            request_id: None,
        }
    }

    #[test]
    fn numbers_lose_their_last_four_digits() {
        assert_eq!(mask_number("79256880636"), "7925688****");
        assert_eq!(mask_number("+7 925 688-06-36"), "+7 925 688-**-**");
        assert_eq!(mask_number("123"), "***");
        assert_eq!(mask_number(""), "");
    }

    #[test]
    fn the_record_keeps_its_level_and_its_bound() {
        let log = EventLog::new(LogLevel::Info);
        log.emit(event(EventKind::Request, 1));
        log.emit(event(EventKind::Retry, 2));
        log.emit(event(EventKind::MayHaveBeenPlaced, 3));
        let taken = log.take();
        assert_eq!(taken.iter().map(|e| e.attempt).collect::<Vec<_>>(), [2, 3]);
        assert!(log.take().is_empty());
        for n in 0..(EVENT_CAPACITY as u32 + 10) {
            log.emit(event(EventKind::Retry, n));
        }
        let taken = log.take();
        assert_eq!(taken.len(), EVENT_CAPACITY);
        assert_eq!(taken[0].attempt, 10, "the oldest are dropped");
        let off = EventLog::new(LogLevel::Off);
        off.emit(event(EventKind::MayHaveBeenPlaced, 1));
        assert!(off.take().is_empty());
    }

    #[test]
    fn events_have_the_c_abi_json_shape() {
        let json: Value =
            serde_json::from_str(&events_to_json(&[event(EventKind::Request, 1)])).unwrap();
        assert_eq!(
            json,
            json!([{"level": "debug", "event": "request", "message": "m1",
                "fields": {"method": "balance", "attempt": 1, "status": 200, "elapsed_ms": 12,
                    "request_id": null}}])
        );
        assert_eq!(events_to_json(&[]), "[]");
    }
}
