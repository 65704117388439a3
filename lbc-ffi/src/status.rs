//! `lbc_status`: the result of every fallible function, with numbers that never change.

use std::ffi::c_char;
use std::ptr;

use lbc_core::ErrorKind;

use crate::guard;
use crate::strings::owned_opt;

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
    /// The guard refused to place the call before anything was sent: a number type or country, a
    /// rate or spend limit, the brake (see `lbc_error_guard_reason`, `lbc_error_retry_after`).
    LBC_GUARD_REFUSED = 9,
    /// The store that keeps attempts and counters (SQLite, Redis) failed.
    LBC_STORE_ERROR = 10,
}

impl lbc_status {
    /// Every status, in number order.
    pub(crate) const ALL: [lbc_status; 11] = [
        lbc_status::LBC_OK,
        lbc_status::LBC_INVALID_INPUT,
        lbc_status::LBC_API_ERROR,
        lbc_status::LBC_HTTP_ERROR,
        lbc_status::LBC_TRANSPORT_ERROR,
        lbc_status::LBC_TIMEOUT,
        lbc_status::LBC_DECODE_ERROR,
        lbc_status::LBC_INTERNAL_ERROR,
        lbc_status::LBC_PANIC,
        lbc_status::LBC_GUARD_REFUSED,
        lbc_status::LBC_STORE_ERROR,
    ];

    /// The kind's one name (`ErrorKind::as_str`) for a failure's status: `LBC_PANIC` is an
    /// `internal_error` too; `None` for `LBC_OK`.
    pub(crate) fn name(self) -> Option<&'static str> {
        if self == lbc_status::LBC_PANIC {
            return Some(ErrorKind::Internal.as_str());
        }
        ErrorKind::ALL
            .iter()
            .find(|kind| lbc_status::from(**kind) == self)
            .map(|kind| kind.as_str())
    }
}

/// The one name of the failure kind a status number stands for, the same in every binding of the
/// SDK: `"invalid_input"`, `"api_error"`, `"http_error"`, `"transport_error"`, `"timeout"`,
/// `"decode_error"`, `"internal_error"` (also for `LBC_PANIC`), `"guard_refused"`, `"store_error"`.
/// NULL for `LBC_OK` and for a number this library does not know (e.g. one a newer library added).
///
/// `status` is taken as a plain `int32_t` (which `lbc_status` is in C), so any number may be passed.
/// A new string, like every `char *` this library returns: free it with `lbc_string_free`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn lbc_status_name(status: i32) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        let name = lbc_status::ALL
            .iter()
            .find(|known| **known as i32 == status)
            .and_then(|known| known.name());
        owned_opt(name)
    })
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
            ErrorKind::GuardRefused => lbc_status::LBC_GUARD_REFUSED,
            ErrorKind::Store => lbc_status::LBC_STORE_ERROR,
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
            (lbc_status::LBC_GUARD_REFUSED, 9),
            (lbc_status::LBC_STORE_ERROR, 10),
        ];
        assert_eq!(expected.len(), lbc_status::ALL.len());
        for (i, status) in lbc_status::ALL.iter().enumerate() {
            assert_eq!(*status as usize, i);
        }
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

    fn name(status: i32) -> Option<String> {
        let ptr = lbc_status_name(status);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: a fresh string from `owned`, freed once here.
        unsafe {
            let text = std::ffi::CStr::from_ptr(ptr).to_str().unwrap().to_owned();
            crate::strings::free(ptr);
            Some(text)
        }
    }

    #[test]
    fn each_status_names_its_kind_as_the_core_does() {
        for kind in ErrorKind::ALL {
            assert_eq!(
                name(lbc_status::from(kind) as i32).as_deref(),
                Some(kind.as_str())
            );
        }
        assert_eq!(name(8).as_deref(), Some("internal_error"));
        assert_eq!(name(9).as_deref(), Some("guard_refused"));
        assert_eq!(name(10).as_deref(), Some("store_error"));
        assert_eq!(name(0), None);
        assert_eq!(name(11), None);
        assert_eq!(name(-1), None);
        assert_eq!(name(i32::MAX), None);
    }
}
