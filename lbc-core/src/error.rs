//! Everything that can go wrong, typed: the service's error codes, HTTP and transport failures.
//!
//! No error ever holds the `api-key`: errors are built from answers, URLs without queries and fixed
//! texts only.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// The error class the service reports in `clazz`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// `GENERIC`: malformed or unsigned requests.
    Generic,
    /// `PROCESS`: the request was understood but cannot be carried out.
    Process,
}

impl ErrorClass {
    /// The wire spelling, e.g. `PROCESS`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Generic => "GENERIC",
            ErrorClass::Process => "PROCESS",
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $wire:literal, $class:ident, $text:literal; )*) => {
        /// An error code the service answers with.
        ///
        /// Codes this SDK does not know are kept verbatim in [`ErrorCode::Other`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code this version of the SDK does not know, as the service spelled it.
            Other(String),
        }

        impl ErrorCode {
            /// Every known code, in the documentation's order.
            pub const KNOWN: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as it appears on the wire, e.g. `CALL_REPEAT_TIMEOUT`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                    ErrorCode::Other(code) => code,
                }
            }

            /// The code for a wire spelling; unknown spellings become [`ErrorCode::Other`].
            pub fn from_wire(code: &str) -> ErrorCode {
                match code {
                    $($wire => ErrorCode::$variant,)*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// The class the documentation puts this code in (`None` for unknown codes).
            pub fn class(&self) -> Option<ErrorClass> {
                match self {
                    $(ErrorCode::$variant => Some(ErrorClass::$class),)*
                    ErrorCode::Other(_) => None,
                }
            }

            /// The documentation's description of the code.
            pub fn description(&self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                    ErrorCode::Other(_) => "An error code this SDK does not know.",
                }
            }
        }
    };
}

error_codes! {
    /// Unknown error.
    Unexpected = "UNEXPECTED", Generic, "Unknown error.";
    /// Wrong arguments sent to the method.
    InvalidArgs = "INVALID_ARGS", Generic, "Wrong arguments sent to the method.";
    /// No signature found.
    NoSignature = "NO_SIGNATURE", Generic, "No digital signature found.";
    /// The signature is wrong.
    InvalidSignature = "INVALID_SIGNATURE", Generic, "Invalid digital signature.";
    /// `timestamp` is more than 24 hours away from the service's clock.
    InvalidTimestamp = "INVALID_TIMESTAMP", Process, "The timestamp differs from the current time by more than 24 hours.";
    /// The `nonce` was used before.
    NonceAlreadyUsed = "NONCE_ALREADY_USED", Process, "The nonce has already been used.";
    /// Unknown `call-api-id`.
    InvalidAccount = "INVALID_ACCOUNT", Process, "Unknown customer ID.";
    /// Account suspended (first revision), or these keys are outdated (later revision).
    AccountBlocked = "ACCOUNT_BLOCKED", Process, "The account is suspended, or these access keys are outdated.";
    /// The balance is too low for a call.
    NotEnoughCredit = "NOT_ENOUGH_CREDIT", Process, "Not enough credit: refill the balance.";
    /// No such call.
    CallNotFound = "CALL_NOT_FOUND", Process, "The call is not found.";
    /// Too early to call the same number again; see [`ApiError::delay`].
    CallRepeatTimeout = "CALL_REPEAT_TIMEOUT", Process, "Too early to call this number again.";
    /// The domain is registered already.
    AccountAlreadyRegistered = "ACCOUNT_ALREADY_REGISTERED", Process, "The domain is already registered.";
    /// `verify_url` is neither http nor https.
    AccountVerifyUrlProtocol = "ACCOUNT_VERIFY_URL_PROTOCOL", Process, "The verification URL must use http or https.";
    /// `verify_url` is on another domain.
    AccountVerifyUrlDomain = "ACCOUNT_VERIFY_URL_DOMAIN", Process, "The verification URL must be on the registered domain.";
    /// Blocked by the service's administrator.
    AccountBlockedAdmin = "ACCOUNT_BLOCKED_ADMIN", Process, "The account was blocked by the service's administrator.";
    /// The account or these keys are not activated yet.
    AccountInactive = "ACCOUNT_INACTIVE", Process, "The account or these keys are not activated yet.";
    /// The call was rejected; try again.
    CallRejected = "CALL_REJECTED", Process, "The call was rejected, try again.";
    /// Too many identical registrations; wait a day.
    TooManyAccountsRegistered = "TOO_MANY_ACCOUNTS_REGISTERED", Process, "Too many identical registrations; wait a day.";
    /// The file at `verify_url` does not hold the `call-api-id`.
    InvalidAccountVerifyKey = "INVALID_ACCOUNT_VERIFY_KEY", Process, "Domain check failed: the file at verify_url does not hold the call-api-id.";
    /// Fetching `verify_url` failed.
    InvalidAccountVerifyResponse = "INVALID_ACCOUNT_VERIFY_RESPONSE", Process, "Domain check failed: HTTP error fetching verify_url.";
    /// The service's catch-all code for unexpected errors (spelled `Error`).
    Error = "Error", Generic, "An unexpected error in the service.";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
        /// What failed.
        message: String,
        /// Whether any byte of the request may have reached the server.
        may_have_reached_server: bool,
    },
    /// No complete answer within the configured timeout.
    Timeout {
        /// The API method that timed out.
        method: &'static str,
        /// The timeout that ran out.
        after: std::time::Duration,
        /// Whether the request may have reached the server (and, for `call`, a call been placed).
        may_have_reached_server: bool,
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

    /// The kind of failure, for bindings that map errors to status numbers or exception classes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(_) => ErrorKind::Api,
            Error::Http { .. } => ErrorKind::Http,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }
}

/// The kinds of [`Error`], without their details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
                may_have_reached_server,
            } => {
                write!(f, "could not reach the LoginByCall service: {message}")?;
                if *may_have_reached_server {
                    f.write_str(" (the request may have reached the service)")?;
                }
                Ok(())
            }
            Error::Timeout {
                method,
                after,
                may_have_reached_server,
            } => {
                write!(
                    f,
                    "`{method}` got no answer within {:.1} s",
                    after.as_secs_f64()
                )?;
                if *may_have_reached_server && *method == "call" {
                    f.write_str(
                        "; the call may have been placed: check with call-status before calling again",
                    )?;
                } else if *may_have_reached_server {
                    f.write_str("; the request may have reached the service")?;
                }
                Ok(())
            }
            Error::Decode { message, field, .. } => match field {
                Some(field) => write!(f, "unexpected answer: field `{field}`: {message}"),
                None => write!(f, "unexpected answer: {message}"),
            },
            Error::InvalidInput { field, reason } => write!(f, "invalid `{field}`: {reason}"),
            Error::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

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
    fn codes_round_trip_and_unknown_codes_are_kept() {
        for code in ErrorCode::KNOWN {
            assert_eq!(&ErrorCode::from_wire(code.as_str()), code);
            assert!(code.class().is_some());
        }
        assert_eq!(ErrorCode::KNOWN.len(), 21);
        let other = ErrorCode::from_wire("SOMETHING_NEW");
        assert_eq!(other, ErrorCode::Other("SOMETHING_NEW".into()));
        assert_eq!(other.as_str(), "SOMETHING_NEW");
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
