//! Every error code the service answers with (both revisions), and their classes. Unknown codes are
//! kept as the service spelled them.

use std::fmt;

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
    /// Too early to call the same number again; `additional.delay` says how long to wait.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
