//! The sandbox's virtual clock: the system clock plus an offset that `/_sandbox/clock` moves.
//!
//! Everything time-dependent reads it: timestamp checks, the nonce window, repeat timeouts, call
//! ages and the expiry of unconfirmed keys.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds in a day: the width of the timestamp window and the life of unconfirmed keys.
pub(crate) const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// System time shifted by an adjustable offset.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Now, as UNIX milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        real.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock by `ms` milliseconds (backwards when negative).
    pub(crate) fn advance_ms(&self, ms: i64) {
        // fetch_update cannot fail with a closure that always returns Some.
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(ms))
            });
    }
}

/// `MMDDHHMM` of a UNIX time in UTC, as the service's request ids carry it.
pub(crate) fn month_day_hour_minute(unix_ms: i64) -> String {
    let t = lbc_protocol::UtcDateTime::from_unix(unix_ms.div_euclid(1000));
    format!("{:02}{:02}{:02}{:02}", t.month, t.day, t.hour, t.minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_carry_month_day_hour_minute() {
        // 2017-04-28 17:59:28 UTC, the documentation's example answer.
        assert_eq!(month_day_hour_minute(1_493_402_368_000), "04281759");
    }

    #[test]
    fn advancing_moves_now() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance_ms(DAY_MS);
        assert!(clock.now_ms() - before >= DAY_MS);
    }
}
