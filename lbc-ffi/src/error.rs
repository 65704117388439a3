//! `lbc_error`: the details of a failure, read through getters.

use std::ffi::c_char;
use std::ptr;

use lbc_core::Error;
use lbc_core::protocol::ErrorCode;

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
/// Text the message quotes is cut to a short excerpt with control characters escaped; a NUL byte
/// (not expected anywhere) is written as `\0`, so the message is never cut short.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_message(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                owned(&e.error.to_string().replace('\0', "\\0"))
            })
        }
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
        unsafe { with(error, 0, |e| e.error.http_status().unwrap_or(0)) }
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
        unsafe { with(error, ptr::null_mut(), |e| owned_opt(e.error.field())) }
    })
}

/// Whether the failed request may have reached the service, so that after a failed
/// `lbc_client_call` (or `lbc_client_start_login`) a call may have been placed and paid for: check
/// with `lbc_client_call_status` (or the sandbox) before calling the same number again.
///
/// False only when nothing reached the service: the request was refused before sending
/// (`LBC_INVALID_INPUT`), the connection failed before any byte of the request was written, or the
/// service answered with an error code (`LBC_API_ERROR`: it did not carry the request out). True
/// after an HTTP error status (e.g. 502, 503), a truncated or unreadable answer, and any failure or
/// timeout after the request was written. False for a NULL error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_may_have_been_placed(error: *const lbc_error) -> bool {
    guard::value(false, || {
        // SAFETY: forwarded from the caller.
        unsafe { with(error, false, |e| e.error.may_have_been_placed()) }
    })
}

/// Why the guard refused to place a call, for `LBC_GUARD_REFUSED`: one of `"number_type"`,
/// `"country"`, `"number_rate"`, `"ip_rate"`, `"range_rate"`, `"global_rate"`, `"spend"`, `"brake"`
/// (the names every binding shares; more may be added). A new string (free it with
/// `lbc_string_free`); NULL for every other error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_guard_reason(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                owned_opt(e.error.guard_reason().map(|reason| reason.as_str()))
            })
        }
    })
}

/// Seconds to wait before trying the same thing again, fractional: the guard's retry-after for
/// `LBC_GUARD_REFUSED` (rates, spend, the brake), or the service's delay for `CALL_REPEAT_TIMEOUT`
/// (the same number as `lbc_error_delay`); a negative number (-1.0) when waiting would not help or
/// no time was given, and for a NULL error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_retry_after(error: *const lbc_error) -> f64 {
    guard::value(-1.0, || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, -1.0, |e| {
                e.error
                    .retry_after()
                    .map_or(-1.0, |after| after.as_secs_f64())
            })
        }
    })
}

/// What kind of transport failure an `LBC_TRANSPORT_ERROR` is: `"dns"`, `"connect"`, `"tls"`,
/// `"reset"`, `"proxy"`, `"protocol"` or `"io"` (more may be added). A new string (free it with
/// `lbc_string_free`); NULL for every other error.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_transport_kind(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                owned_opt(e.error.transport_kind().map(|kind| kind.as_str()))
            })
        }
    })
}

/// The `additional` member the service sent with an API error, as a JSON object (e.g.
/// `{"delay":23.563}` for `CALL_REPEAT_TIMEOUT`); NULL when it sent none or this is not an API
/// error. A new string: free it with `lbc_string_free`.
///
/// # Safety
///
/// `error` must be NULL or a live `lbc_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_error_additional_json(error: *const lbc_error) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: forwarded from the caller.
        unsafe {
            with(error, ptr::null_mut(), |e| {
                match e.error.api().and_then(|api| api.additional.as_ref()) {
                    Some(additional) => owned(&additional.to_string()),
                    None => ptr::null_mut(),
                }
            })
        }
    })
}

/// Every error code this library knows, as a JSON array of objects `{"code", "class",
/// "description"}` in the documentation's order (e.g. `{"code":"CALL_REPEAT_TIMEOUT",
/// "class":"PROCESS","description":"Too early to call this number again."}`): the list bindings
/// make their exception classes from. A new string: free it with `lbc_string_free`; NULL only if
/// the library failed internally. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn lbc_error_codes_json() -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        let codes: Vec<serde_json::Value> = ErrorCode::KNOWN
            .iter()
            .map(|code| {
                serde_json::json!({
                    "code": code.as_str(),
                    "class": code.class().map(|class| class.as_str()),
                    "description": code.description(),
                })
            })
            .collect();
        owned(&serde_json::Value::Array(codes).to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use lbc_core::TransportKind;
    use std::ffi::CStr;

    /// Takes a string a getter returned.
    fn take(s: *mut c_char) -> Option<String> {
        if s.is_null() {
            return None;
        }
        // SAFETY: a fresh string from `owned`, freed once here.
        unsafe {
            let text = CStr::from_ptr(s).to_str().unwrap().to_owned();
            crate::strings::free(s);
            Some(text)
        }
    }

    #[test]
    fn getters_read_lbc_cores_accessors() {
        let http = lbc_error::new(Error::Http {
            status: 502,
            snippet: "<html>bad gateway</html>".into(),
            request_id: Some("r-1".into()),
        });
        let refused = lbc_error::new(Error::Transport {
            kind: TransportKind::Connect,
            message: "connection refused".into(),
            may_have_been_placed: false,
            source: None,
        });
        let input = lbc_error::new(Error::invalid_input("msisdn", "is not a number"));
        // SAFETY: the errors are live locals; NULL is allowed.
        unsafe {
            assert_eq!(lbc_error_status(&http), lbc_status::LBC_HTTP_ERROR);
            assert_eq!(lbc_error_http_status(&http), 502);
            assert!(lbc_error_may_have_been_placed(&http));
            assert_eq!(take(lbc_error_request_id(&http)).as_deref(), Some("r-1"));
            assert_eq!(take(lbc_error_transport_kind(&http)), None);

            assert!(!lbc_error_may_have_been_placed(&refused));
            assert_eq!(
                take(lbc_error_transport_kind(&refused)).as_deref(),
                Some("connect")
            );
            assert_eq!(lbc_error_http_status(&refused), 0);

            assert_eq!(take(lbc_error_field(&input)).as_deref(), Some("msisdn"));
            assert!(!lbc_error_may_have_been_placed(&input));

            assert_eq!(take(lbc_error_guard_reason(&http)), None);
            assert_eq!(lbc_error_retry_after(&http), -1.0);
            assert_eq!(take(lbc_error_guard_reason(ptr::null())), None);
            assert_eq!(lbc_error_retry_after(ptr::null()), -1.0);
            assert!(!lbc_error_may_have_been_placed(ptr::null()));
        }
    }

    #[test]
    fn guard_refusals_tell_their_reason_and_when_to_retry() {
        let rate = lbc_error::new(Error::GuardRefused {
            reason: lbc_core::GuardReason::NumberRate,
            retry_after: Some(std::time::Duration::from_millis(1500)),
            message: "too many calls to +7925688****".into(),
        });
        let country = lbc_error::new(Error::GuardRefused {
            reason: lbc_core::GuardReason::Country,
            retry_after: None,
            message: "calls to this country are not allowed".into(),
        });
        let store = lbc_error::new(Error::Store {
            message: "database is locked".into(),
            source: None,
        });
        let mut api = lbc_core::ApiError::new(ErrorCode::CallRepeatTimeout);
        api.additional = Some(serde_json::json!({"delay": 23.5}));
        let repeat = lbc_error::new(Error::Api(Box::new(api)));
        // SAFETY: live locals.
        unsafe {
            assert_eq!(lbc_error_status(&rate), lbc_status::LBC_GUARD_REFUSED);
            assert_eq!(
                take(lbc_error_guard_reason(&rate)).as_deref(),
                Some("number_rate")
            );
            assert_eq!(lbc_error_retry_after(&rate), 1.5);
            assert!(!lbc_error_may_have_been_placed(&rate));
            assert_eq!(
                take(lbc_error_guard_reason(&country)).as_deref(),
                Some("country")
            );
            assert_eq!(lbc_error_retry_after(&country), -1.0);
            assert_eq!(lbc_error_status(&store), lbc_status::LBC_STORE_ERROR);
            assert_eq!(take(lbc_error_guard_reason(&store)), None);
            assert_eq!(lbc_error_retry_after(&repeat), 23.5);
            assert_eq!(lbc_error_delay(&repeat), 23.5);
        }
    }

    #[test]
    fn the_known_codes_and_additional_details_come_from_the_core() {
        let codes: serde_json::Value =
            serde_json::from_str(&take(lbc_error_codes_json()).unwrap()).unwrap();
        let codes = codes.as_array().unwrap();
        assert_eq!(codes.len(), ErrorCode::KNOWN.len());
        assert_eq!(codes[0]["code"], "UNEXPECTED");
        assert!(codes.iter().any(|c| c["code"] == "CALL_REPEAT_TIMEOUT"
            && c["class"] == "PROCESS"
            && c["description"].as_str().is_some_and(|d| !d.is_empty())));

        let mut api = lbc_core::ApiError::new(ErrorCode::CallRepeatTimeout);
        api.additional = Some(serde_json::json!({"delay": 23.5}));
        let with_details = lbc_error::new(Error::Api(Box::new(api)));
        let without = lbc_error::new(Error::invalid_input("msisdn", "is empty"));
        // SAFETY: live locals; NULL is allowed.
        unsafe {
            assert_eq!(
                take(lbc_error_additional_json(&with_details)).as_deref(),
                Some(r#"{"delay":23.5}"#)
            );
            assert_eq!(take(lbc_error_additional_json(&without)), None);
            assert_eq!(take(lbc_error_additional_json(ptr::null())), None);
        }
    }

    #[test]
    fn texts_holding_a_nul_are_never_cut() {
        let error = lbc_error::new(Error::invalid_input("a\0b", "bad\0input"));
        // SAFETY: a live local.
        unsafe {
            // A getter refuses the text rather than hand out "a".
            assert_eq!(take(lbc_error_field(&error)), None);
            // The message escapes it, and goes on past it.
            let message = take(lbc_error_message(&error)).unwrap();
            assert!(
                message.contains("a\\0b") && message.ends_with("bad\\0input"),
                "{message}"
            );
        }
    }
}
