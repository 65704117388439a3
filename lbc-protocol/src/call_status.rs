//! The status of a call, as `call-status` reports it: bit values, 1 and 2 not final yet.

use std::fmt;

use serde::Serialize;

/// Where a call is. Statuses 1 (queued) and 2 (dialing) may still change; the rest are final.
/// Serialised as its number (`4`), as the service writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "i64")]
pub enum CallStatus {
    /// 1: in the queue.
    Queued,
    /// 2: the phone is ringing.
    Dialing,
    /// 4: the user picked up.
    Answered,
    /// 8: the user rejected the call or was busy.
    Busy,
    /// 16: nobody answered within 30 seconds.
    NotAnswered,
    /// 32: the call failed; see `last_error`.
    Failed,
    /// A status number this SDK does not know; treated as final.
    Unknown(i64),
}

impl CallStatus {
    /// The status for the service's number.
    pub fn from_code(code: i64) -> CallStatus {
        match code {
            1 => CallStatus::Queued,
            2 => CallStatus::Dialing,
            4 => CallStatus::Answered,
            8 => CallStatus::Busy,
            16 => CallStatus::NotAnswered,
            32 => CallStatus::Failed,
            other => CallStatus::Unknown(other),
        }
    }

    /// The service's number for the status.
    pub fn code(self) -> i64 {
        match self {
            CallStatus::Queued => 1,
            CallStatus::Dialing => 2,
            CallStatus::Answered => 4,
            CallStatus::Busy => 8,
            CallStatus::NotAnswered => 16,
            CallStatus::Failed => 32,
            CallStatus::Unknown(code) => code,
        }
    }

    /// The service's `status_desc` for the status.
    pub fn description(self) -> &'static str {
        match self {
            CallStatus::Queued => "queued",
            CallStatus::Dialing => "dialing",
            CallStatus::Answered => "answered",
            CallStatus::Busy => "busy",
            CallStatus::NotAnswered => "notanswered",
            CallStatus::Failed => "error",
            CallStatus::Unknown(_) => "unknown",
        }
    }

    /// Whether the status will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, CallStatus::Queued | CallStatus::Dialing)
    }
}

impl From<CallStatus> for i64 {
    fn from(status: CallStatus) -> i64 {
        status.code()
    }
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_are_final() {
        assert!(!CallStatus::from_code(1).is_final());
        assert!(!CallStatus::from_code(2).is_final());
        for code in [4, 8, 16, 32, 64] {
            assert!(CallStatus::from_code(code).is_final());
            assert_eq!(CallStatus::from_code(code).code(), code);
        }
    }
}
