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
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (_, month, day) = civil_from_days(days);
    format!(
        "{month:02}{day:02}{:02}{:02}",
        of_day / 3600,
        (of_day % 3600) / 60
    )
}

/// Howard Hinnant's days-since-epoch to proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2017-04-28 17:59:28 UTC, the documentation's example answer.
        assert_eq!(month_day_hour_minute(1_493_402_368_000), "04281759");
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn advancing_moves_now() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance_ms(DAY_MS);
        assert!(clock.now_ms() - before >= DAY_MS);
    }
}
