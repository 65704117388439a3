//! `lbc_error`: the details of a failure, read through getters.

use std::ffi::c_char;
use std::ptr;

use lbc_core::Error;

use crate::guard;
use crate::status::lbc_status;
use crate::strings::{owned, owned_opt};

/// The details of a failure: written to `*err` by a function that did not return `LBC_OK`, owned by
/// the caller and freed with `lbc_error_free`.
///
/// Immutable: its getters may be called from any thread, at the same time.
pub struct lbc_error {
    pub(crate) status: lbc_status,
    pub(crate) error: Error,
}

impl lbc_error {
    /// An error of the kind lbc-core gives it.
    pub(crate) fn new(error: Error) -> Self {
        lbc_error {
            status: error.kind().into(),
            error,
        }
    }

    /// A caught panic: `LBC_PANIC`, with the panic's message.
    pub(crate) fn panic(message: &str) -> Self {
        lbc_error {
            status: lbc_status::LBC_PANIC,
            error: Error::Internal(format!("panic inside libloginbycall: {message}")),
        }
    }
}

/// Runs `read` on the error, or gives `fallback` when `error` is NULL.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
unsafe fn with<T>(error: *const lbc_error, fallback: T, read: impl FnOnce(&lbc_error) -> T) -> T {
    // SAFETY: the caller promises `error` is NULL or points to a live lbc_error.
    match unsafe { error.as_ref() } {
        Some(error) => read(error),
        None => fallback,
    }
}

/// The status the failing function returned (`LBC_OK` for a NULL error).
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_status(error: *const lbc_error) -> lbc_status {
    guard::value(lbc_status::LBC_OK, || {
        // SAFETY: forwarded from the caller.
        unsafe { with(error, lbc_status::LBC_OK, |e| e.status) }
    })
}

/// The whole message, for a log or a person (never holds the `api-key`). NULL for a NULL error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_message(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe { with(error, ptr::null_mut(), |e| owned(&e.error.to_string())) }
    })
}

/// The service's error code, e.g. `"CALL_REPEAT_TIMEOUT"` (unknown codes as the service spelled
/// them); NULL unless the status is `LBC_API_ERROR`.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_code(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                owned_opt(e.error.code().map(|c| c.as_str()))
            })
        }
    })
}

/// The error class the service sent (`clazz`, e.g. `"PROCESS"`); NULL when it sent none or this is
/// not an API error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_class(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                owned_opt(e.error.api().and_then(|api| api.class.as_deref()))
            })
        }
    })
}

/// The service's human-readable `reason`; NULL when it sent none or this is not an API error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_reason(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                owned_opt(e.error.api().and_then(|api| api.reason.as_deref()))
            })
        }
    })
}

/// Seconds to wait before calling the same number again (`CALL_REPEAT_TIMEOUT`), fractional; a
/// negative number (-1.0) when the service gave no delay.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_delay(error: *const lbc_error) -> f64 {
    guard::value(-1.0, || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, -1.0, |e| {
                e.error.delay().map_or(-1.0, |delay| delay.as_secs_f64())
            })
        }
    })
}

/// The HTTP status of an `LBC_HTTP_ERROR` (e.g. 502); 0 for every other error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_http_status(error: *const lbc_error) -> u16 {
    guard::value(0, || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, 0, |e| match &e.error {
                Error::Http { status, .. } => *status,
                _ => 0,
            })
        }
    })
}

/// The `X-Request-Id` of the answer the error came from, to quote to the service's support; NULL when
/// there was none.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_request_id(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe { with(error, ptr::null_mut(), |e| owned_opt(e.error.request_id())) }
    })
}

/// The argument at fault for `LBC_INVALID_INPUT` (e.g. `"msisdn"`), or the answer's field for
/// `LBC_DECODE_ERROR` when one is to blame; NULL otherwise.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_field(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| match &e.error {
                Error::InvalidInput { field, .. } => owned(field),
                Error::Decode { field, .. } => owned_opt(field.as_deref()),
                _ => ptr::null_mut(),
            })
        }
    })
}

/// Whether the failed request may have reached the service (`LBC_TRANSPORT_ERROR`, `LBC_TIMEOUT`):
/// after a failed `lbc_client_call`, true means a call may have been placed, so check before calling
/// again. False for every other error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_may_have_reached_server(error: *const lbc_error) -> bool {
    guard::value(false, || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, false, |e| match &e.error {
                Error::Transport {
                    may_have_reached_server,
                    ..
                }
                | Error::Timeout {
                    may_have_reached_server,
                    ..
                } => *may_have_reached_server,
                _ => false,
            })
        }
    })
}

/// Frees an error. NULL is a no-op.
///
/// # Safety
///
/// `error` must be NULL or an `lbc_error` from this library not freed yet; it must not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_free(error: *mut lbc_error) {
    guard::value((), || {
        // SAFETY: the caller promises `error` is NULL or an owned lbc_error freed once.
        unsafe { guard::free_box(error) }
    })
}
