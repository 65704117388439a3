//! The longest inputs the SDK sends. Anything longer is refused as [`ErrorKind::InvalidInput`]
//! naming the argument, before a request is made, in every language (the C header has them as
//! `LBC_MAX_*_BYTES`).
//!
//! ```
//! use lbc_core::{Client, ErrorKind, Pay, limits};
//!
//! let client = Client::builder().base_url("http://127.0.0.1:9/").build().unwrap();
//! let long = format!("https://example.com/{}", "a".repeat(limits::MAX_URL_BYTES));
//! let error = client.pay(&Pay::new(100).urls(Some(long), None, None)).unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::InvalidInput);
//! assert_eq!(error.field(), Some("success_url"));
//! ```
//!
//! [`ErrorKind::InvalidInput`]: crate::ErrorKind::InvalidInput

use crate::Error;

/// The longest text argument or parameter value, in bytes.
pub const MAX_TEXT_BYTES: usize = 4096;

/// The longest URL argument (`pay`'s and `register`'s URLs, the base URL), in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// The longest method or parameter name [`Client::request`](crate::Client::request) sends, in
/// bytes.
pub const MAX_NAME_BYTES: usize = 64;

/// A text argument: not empty, no control characters, at most [`MAX_TEXT_BYTES`].
pub(crate) fn check_text(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "is empty"));
    }
    check_value(field, value)?;
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(field, "holds control characters"));
    }
    Ok(())
}

/// A parameter value: at most [`MAX_TEXT_BYTES`].
pub(crate) fn check_value(field: &str, value: &str) -> Result<(), Error> {
    if value.len() > MAX_TEXT_BYTES {
        return Err(Error::invalid_input(
            field,
            format!("is longer than {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// A URL argument (`pay`'s and `register`'s URLs, the base URL, the proxy): at most
/// [`MAX_URL_BYTES`], without spaces or control characters. The value is never quoted back: a key
/// or a proxy password pasted there must not reach a log.
pub(crate) fn check_url(field: &str, value: &str) -> Result<(), Error> {
    check_compact(field, value, MAX_URL_BYTES)
}

/// A method or parameter name: not empty, at most [`MAX_NAME_BYTES`], without spaces or control
/// characters.
pub(crate) fn check_name(field: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "is empty"));
    }
    check_compact(field, value, MAX_NAME_BYTES)
}

/// At most `max` bytes, without spaces or control characters.
fn check_compact(field: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.len() > max {
        return Err(Error::invalid_input(
            field,
            format!("is longer than {max} bytes"),
        ));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid_input(
            field,
            "holds spaces or control characters",
        ));
    }
    Ok(())
}
