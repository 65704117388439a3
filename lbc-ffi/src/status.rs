//! `lbc_status`: the result of every fallible function, with numbers that never change.

use lbc_core::ErrorKind;

/// What a fallible function returns: `LBC_OK` (0) or the kind of failure; the details are in the
/// `lbc_error` written to `*err`.
///
/// A 32-bit signed integer in C (`typedef int32_t lbc_status`), not a C enum whose size the
/// compiler chooses, so that ctypes and PHP's FFI read it without guessing; the names below are
/// still enum constants, which those FFIs see. The numbers are stable: a value is never renumbered
/// or reused (a retired one stays reserved).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum lbc_status {
    /// Success.
    LBC_OK = 0,
    /// An argument was refused before anything was sent: NULL, not UTF-8, malformed, unknown method.
    LBC_INVALID_INPUT = 1,
    /// The service answered with an error code (see `lbc_error_code`).
    LBC_API_ERROR = 2,
    /// The service (or a proxy) answered with an HTTP status other than 200 (see
    /// `lbc_error_http_status`).
    LBC_HTTP_ERROR = 3,
    /// The request could not be carried: DNS, connection, TLS, I/O (see
    /// `lbc_error_transport_kind`).
    LBC_TRANSPORT_ERROR = 4,
    /// No complete answer within the configured timeout or deadline.
    LBC_TIMEOUT = 5,
    /// The answer was not what the protocol promises.
    LBC_DECODE_ERROR = 6,
    /// A failure inside the SDK or its platform (e.g. no randomness from the OS).
    LBC_INTERNAL_ERROR = 7,
    /// A bug: the library panicked; the call was abandoned and its objects left as they were.
    LBC_PANIC = 8,
}

impl From<ErrorKind> for lbc_status {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidInput => lbc_status::LBC_INVALID_INPUT,
            ErrorKind::Api => lbc_status::LBC_API_ERROR,
            ErrorKind::Http => lbc_status::LBC_HTTP_ERROR,
            ErrorKind::Transport => lbc_status::LBC_TRANSPORT_ERROR,
            ErrorKind::Timeout => lbc_status::LBC_TIMEOUT,
            ErrorKind::Decode => lbc_status::LBC_DECODE_ERROR,
            ErrorKind::Internal => lbc_status::LBC_INTERNAL_ERROR,
            // A kind lbc-core adds later is a failure all the same; `every_kind_has_its_status`
            // fails until it gets a number of its own.
            _ => lbc_status::LBC_INTERNAL_ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stable() {
        let expected = [
            (lbc_status::LBC_OK, 0),
            (lbc_status::LBC_INVALID_INPUT, 1),
            (lbc_status::LBC_API_ERROR, 2),
            (lbc_status::LBC_HTTP_ERROR, 3),
            (lbc_status::LBC_TRANSPORT_ERROR, 4),
            (lbc_status::LBC_TIMEOUT, 5),
            (lbc_status::LBC_DECODE_ERROR, 6),
            (lbc_status::LBC_INTERNAL_ERROR, 7),
            (lbc_status::LBC_PANIC, 8),
        ];
        for (status, number) in expected {
            assert_eq!(status as i32, number, "{status:?}");
        }
        assert_eq!(size_of::<lbc_status>(), 4);
    }

    #[test]
    fn every_kind_has_its_status() {
        let statuses: std::collections::HashSet<_> = ErrorKind::ALL
            .iter()
            .map(|kind| lbc_status::from(*kind))
            .collect();
        assert_eq!(statuses.len(), ErrorKind::ALL.len());
        assert!(!statuses.contains(&lbc_status::LBC_OK));
        assert!(!statuses.contains(&lbc_status::LBC_PANIC));
    }
}
