//! UNIX time as a UTC calendar date, for showing payment dates and stamping request ids, without a
//! date-time dependency.

use std::fmt;

/// A moment in UTC, to the second (proleptic Gregorian calendar).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    /// The year, e.g. 2017.
    pub year: i64,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 59.
    pub second: u8,
}

impl UtcDateTime {
    /// The date and time of `unix` seconds since 1970-01-01 00:00:00 UTC.
    pub fn from_unix(unix: i64) -> UtcDateTime {
        let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
        let of_day = unix.rem_euclid(86_400);
        // Each of these is below 60 (or 24) by construction, so the narrowing is exact.
        UtcDateTime {
            year,
            month: month as u8,
            day: day as u8,
            hour: (of_day / 3_600) as u8,
            minute: (of_day % 3_600 / 60) as u8,
            second: (of_day % 60) as u8,
        }
    }
}

impl fmt::Display for UtcDateTime {
    /// `2017-04-21 18:34:45 UTC`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Howard Hinnant's days-since-epoch to (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        for (unix, text) in [
            (0, "1970-01-01 00:00:00 UTC"),
            (1_492_799_685, "2017-04-21 18:34:45 UTC"),
            (951_782_400, "2000-02-29 00:00:00 UTC"),
            (19_782 * 86_400, "2024-02-29 00:00:00 UTC"),
            (-1, "1969-12-31 23:59:59 UTC"),
        ] {
            assert_eq!(UtcDateTime::from_unix(unix).to_string(), text);
        }
    }
}
