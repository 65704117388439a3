//! Everything that can go wrong, typed: the service's error codes, HTTP and transport failures.
//!
//! No error ever holds the `api-key`: errors are built from answers, URLs without queries and fixed
//! texts only, and rejected input is quoted only as a short excerpt.

use std::fmt;
use std::time::Duration;

use lbc_protocol::{ErrorCode, ProtocolError};

use crate::guard::GuardReason;
use serde_json::Value;

/// An error answer from the service (HTTP 200 with an `error` member).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The error code.
    pub code: ErrorCode,
    /// `clazz`, when the service sent one.
    pub class: Option<String>,
    /// `reason`, the human text, when the service sent one.
    pub reason: Option<String>,
    /// `stack`, the service's debugging trace, when sent.
    pub stack: Option<String>,
    /// `additional`, extra details for some codes (e.g. `{"delay": 23.563}`).
    pub additional: Option<Value>,
    /// The `X-Request-Id` header of the answer, to quote to the service's support.
    pub request_id: Option<String>,
}

impl ApiError {
    /// An error with just a code.
    pub fn new(code: ErrorCode) -> Self {
        ApiError {
            code,
            class: None,
            reason: None,
            stack: None,
            additional: None,
            request_id: None,
        }
    }

    /// Reads an error answer; `None` when `body` has no `error` member (so it is not an error).
    pub fn from_answer(body: &Value, request_id: Option<String>) -> Option<ApiError> {
        let code = match body.get("error")? {
            Value::String(code) => code.clone(),
            Value::Null => return None,
            other => other.to_string(),
        };
        let text = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Some(ApiError {
            code: ErrorCode::from_wire(&code),
            class: text("clazz"),
            reason: text("reason"),
            stack: text("stack"),
            additional: body.get("additional").filter(|v| !v.is_null()).cloned(),
            request_id,
        })
    }

    /// How long to wait before calling again, from `additional.delay` (seconds, fractional).
    ///
    /// Set for `CALL_REPEAT_TIMEOUT`; `None` when the answer carries no usable delay.
    pub fn delay(&self) -> Option<Duration> {
        let delay = self.additional.as_ref()?.get("delay")?;
        let seconds = delay
            .as_f64()
            .or_else(|| delay.as_str()?.trim().parse().ok())?;
        Duration::try_from_secs_f64(seconds).ok()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LoginByCall error {}", self.code)?;
        match &self.reason {
            Some(reason) => write!(f, ": {reason}")?,
            None => write!(f, ": {}", self.code.description())?,
        }
        if let Some(delay) = self.delay() {
            write!(f, " (retry in {:.1} s)", delay.as_secs_f64())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// What went wrong in a call to the service.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error code.
    Api(Box<ApiError>),
    /// The service (or a proxy in front of it) answered with an HTTP status other than 200.
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the body (at most 200 bytes, cut at a character boundary).
        snippet: String,
        /// The `X-Request-Id` header, if any.
        request_id: Option<String>,
    },
    /// The request could not be carried: DNS, connection, TLS, I/O.
    Transport {
        /// What kind of failure it was.
        kind: TransportKind,
        /// What failed, in words.
        message: String,
        /// Whether any byte of the request may have reached the server: false only when the
        /// connection failed before anything was written (the kinds `dns`, `connect` and a `tls`
        /// handshake refused) and no earlier attempt of the same operation may have reached it.
        may_have_been_placed: bool,
        /// The underlying error, when there is one.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// No complete answer within the configured timeout or deadline.
    Timeout {
        /// The API method that timed out.
        method: &'static str,
        /// The time limit that ran out: the per-attempt timeout or the whole operation's deadline.
        after: std::time::Duration,
        /// Whether the request may have reached the server (and, for `call`, a call been placed):
        /// false only when not even a connection was made in time.
        may_have_been_placed: bool,
    },
    /// The answer was not what the protocol promises: not JSON, truncated, too large, a field missing.
    Decode {
        /// What is wrong.
        message: String,
        /// The field that is missing or malformed, if one is to blame.
        field: Option<String>,
        /// The `X-Request-Id` header, if any.
        request_id: Option<String>,
    },
    /// An argument was refused before anything was sent.
    InvalidInput {
        /// The argument at fault.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The guard refused to place a call (a number type, a country, a rate or spend limit, the
    /// brake): nothing was sent.
    GuardRefused {
        /// Why, as one of the names every language shares.
        reason: GuardReason,
        /// When the same call may be tried again, if waiting helps (rates, spend, brake).
        retry_after: Option<Duration>,
        /// What was refused, in words (a number is shown with its last digits hidden).
        message: String,
    },
    /// The store that keeps attempts and counters (SQLite, Redis, a framework's cache) failed.
    Store {
        /// What failed, in words (never a password from the store's URL).
        message: String,
        /// The underlying error, when there is one.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A failure inside the SDK or its platform (e.g. no randomness from the OS).
    Internal(String),
}

impl Error {
    /// An [`Error::InvalidInput`].
    pub fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Decode`] blaming one field of the answer.
    pub fn decode_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Decode {
            message: message.into(),
            field: Some(field.into()),
            request_id: None,
        }
    }

    /// The service's error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The service's error code, if this is an API error.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api().map(|api| &api.code)
    }

    /// How long to wait before trying again, when the service said (`CALL_REPEAT_TIMEOUT`).
    pub fn delay(&self) -> Option<Duration> {
        self.api().and_then(ApiError::delay)
    }

    /// The `X-Request-Id` of the answer this error came from, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Http { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// Whether the failed request may have reached the service, so that (for `call`) a call may have
    /// been placed and paid for: check with `call-status` before calling again.
    ///
    /// False only when nothing reached the service: the request was refused before sending, the
    /// connection failed before any byte was written, or the service answered with an error code
    /// (it then did not carry the request out). True after an HTTP error status, an answer that
    /// could not be read, or any failure after the request was written.
    pub fn may_have_been_placed(&self) -> bool {
        match self {
            Error::Transport {
                may_have_been_placed,
                ..
            }
            | Error::Timeout {
                may_have_been_placed,
                ..
            } => *may_have_been_placed,
            Error::Http { .. } | Error::Decode { .. } => true,
            Error::Api(_)
            | Error::InvalidInput { .. }
            | Error::GuardRefused { .. }
            | Error::Store { .. }
            | Error::Internal(_) => false,
        }
    }

    /// The HTTP status of an [`Error::Http`].
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The argument at fault ([`Error::InvalidInput`]) or the answer's field to blame
    /// ([`Error::Decode`]), when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            Error::Decode { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// Why the guard refused, for [`Error::GuardRefused`].
    pub fn guard_reason(&self) -> Option<GuardReason> {
        match self {
            Error::GuardRefused { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// When to try again: the guard's `retry_after`, or the service's `delay`
    /// (`CALL_REPEAT_TIMEOUT`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::GuardRefused { retry_after, .. } => *retry_after,
            _ => self.delay(),
        }
    }

    /// The kind of a transport failure.
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match self {
            Error::Transport { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The kind of failure, for bindings that map errors to status numbers or exception classes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(_) => ErrorKind::Api,
            Error::Http { .. } => ErrorKind::Http,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::GuardRefused { .. } => ErrorKind::GuardRefused,
            Error::Store { .. } => ErrorKind::Store,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }
}

/// The kinds of [`Error`], without their details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Api`].
    Api,
    /// [`Error::Http`].
    Http,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::InvalidInput`].
    InvalidInput,
    /// [`Error::Internal`].
    Internal,
    /// [`Error::GuardRefused`].
    GuardRefused,
    /// [`Error::Store`].
    Store,
}

impl ErrorKind {
    /// Every kind, in a stable order.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::Api,
        ErrorKind::Http,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::InvalidInput,
        ErrorKind::Internal,
        ErrorKind::GuardRefused,
        ErrorKind::Store,
    ];

    /// The kind's one name, which the CLI, the C ABI and the bindings all use: `api_error`,
    /// `http_error`, `transport_error`, `timeout`, `decode_error`, `invalid_input`,
    /// `internal_error`, `guard_refused`, `store_error`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Api => "api_error",
            ErrorKind::Http => "http_error",
            ErrorKind::Transport => "transport_error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode_error",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Internal => "internal_error",
            ErrorKind::GuardRefused => "guard_refused",
            ErrorKind::Store => "store_error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of transport failure an [`Error::Transport`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name could not be resolved (nothing was sent).
    Dns,
    /// The connection was refused or could not be made (nothing was sent).
    Connect,
    /// The TLS handshake or certificate check failed (a refused handshake, an untrusted
    /// certificate among others, sent nothing).
    Tls,
    /// The connection was reset or closed before a whole answer arrived.
    Reset,
    /// The proxy failed or refused.
    Proxy,
    /// The answer was not HTTP the client can read (a bad status line, chunk sizes, a redirect).
    Protocol,
    /// Any other I/O failure.
    Io,
}

impl TransportKind {
    /// The kind's name: `dns`, `connect`, `tls`, `reset`, `proxy`, `protocol`, `io`.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::Dns => "dns",
            TransportKind::Connect => "connect",
            TransportKind::Tls => "tls",
            TransportKind::Reset => "reset",
            TransportKind::Proxy => "proxy",
            TransportKind::Protocol => "protocol",
            TransportKind::Io => "io",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::Http {
                status, snippet, ..
            } => {
                write!(f, "HTTP {status} from the LoginByCall service")?;
                if !snippet.trim().is_empty() {
                    write!(f, ": {}", snippet.trim())?;
                }
                Ok(())
            }
            Error::Transport {
                message,
                may_have_been_placed,
                ..
            } => {
                write!(f, "could not reach the LoginByCall service: {message}")?;
                if *may_have_been_placed {
                    f.write_str(" (the request may have reached the service)")?;
                }
                Ok(())
            }
            Error::Timeout {
                method,
                after,
                may_have_been_placed,
            } => {
                write!(
                    f,
                    "`{method}` got no answer within {:.1} s",
                    after.as_secs_f64()
                )?;
                if *may_have_been_placed && *method == "call" {
                    f.write_str(
                        "; the call may have been placed: check with call-status before calling again",
                    )?;
                } else if *may_have_been_placed {
                    f.write_str("; the request may have reached the service")?;
                }
                Ok(())
            }
            Error::Decode { message, field, .. } => match field {
                Some(field) => write!(f, "unexpected answer: field `{field}`: {message}"),
                None => write!(f, "unexpected answer: {message}"),
            },
            Error::InvalidInput { field, reason } => write!(f, "invalid `{field}`: {reason}"),
            Error::GuardRefused {
                reason,
                retry_after,
                message,
            } => {
                write!(f, "call refused by the guard ({reason}): {message}")?;
                if let Some(after) = retry_after {
                    write!(f, " (try again in {} s)", after.as_secs().max(1))?;
                }
                Ok(())
            }
            Error::Store { message, .. } => write!(f, "login store failed: {message}"),
            Error::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport {
                source: Some(source),
                ..
            }
            | Error::Store {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<ProtocolError> for Error {
    fn from(error: ProtocolError) -> Self {
        Error::InvalidInput {
            field: error.field,
            reason: error.reason,
        }
    }
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Error::Api(Box::new(api))
    }
}

/// Cuts `text` to at most `max` bytes, at a character boundary.
pub(crate) fn snippet(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max * 2)]);
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_have_one_name_each() {
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ErrorKind::ALL.len());
    }

    #[test]
    fn only_failures_after_sending_may_have_placed_a_call() {
        let http = Error::Http {
            status: 502,
            snippet: String::new(),
            request_id: None,
        };
        assert!(http.may_have_been_placed());
        assert!(Error::decode_field("mask", "x").may_have_been_placed());
        assert!(!Error::invalid_input("msisdn", "x").may_have_been_placed());
        assert!(!Error::from(ApiError::new(ErrorCode::CallRepeatTimeout)).may_have_been_placed());
        let before = Error::Transport {
            kind: TransportKind::Connect,
            message: "refused".into(),
            may_have_been_placed: false,
            source: None,
        };
        assert!(!before.may_have_been_placed());
    }

    #[test]
    fn delay_reads_fractional_seconds() {
        let body = json!({"clazz":"PROCESS","error":"CALL_REPEAT_TIMEOUT","reason":"wait","additional":{"delay":23.563}});
        let api = ApiError::from_answer(&body, Some("0247_1".into())).unwrap();
        assert_eq!(api.code, ErrorCode::CallRepeatTimeout);
        assert_eq!(api.delay(), Some(Duration::from_millis(23_563)));
        let text = Error::from(api).to_string();
        assert!(
            text.contains("CALL_REPEAT_TIMEOUT")
                && text.contains("23.6 s")
                && text.contains("0247_1"),
            "{text}"
        );
    }

    #[test]
    fn missing_optional_members_are_none() {
        let api = ApiError::from_answer(&json!({"error":"Error"}), None).unwrap();
        assert_eq!(api.code, ErrorCode::Error);
        assert_eq!(api.delay(), None);
        assert_eq!((api.class, api.reason, api.additional), (None, None, None));
        assert!(ApiError::from_answer(&json!({"status":1}), None).is_none());
        let negative = ApiError::from_answer(
            &json!({"error":"CALL_REPEAT_TIMEOUT","additional":{"delay":-1}}),
            None,
        );
        assert_eq!(negative.unwrap().delay(), None);
    }

    #[test]
    fn snippets_are_cut_at_char_boundaries() {
        let text = "я".repeat(150);
        let cut = snippet(text.as_bytes(), 200);
        assert_eq!(cut.len(), 200);
        let odd = snippet("aя".repeat(100).as_bytes(), 200);
        assert!(odd.len() <= 200 && odd.len() >= 198);
    }
}
