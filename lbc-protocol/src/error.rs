//! The one error of the protocol kit: a value that the protocol does not allow.

use std::fmt;

/// A request, a parameter or a setting the protocol refuses, naming what is at fault.
///
/// The client reports it as an invalid argument; the sandbox answers it with `INVALID_ARGS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    /// What is at fault: an argument (`method`, `encoding`), a part of a request (`path`, `body`) or
    /// a parameter's name.
    pub field: String,
    /// Why it is refused. Input is quoted only as a short [`excerpt`].
    pub reason: String,
}

impl ProtocolError {
    /// A refusal of `field` for `reason`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ProtocolError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.reason)
    }
}

impl std::error::Error for ProtocolError {}

/// The most characters of rejected input an error message quotes.
pub const EXCERPT_CHARS: usize = 24;

/// `text` as an error message may quote it: at most [`EXCERPT_CHARS`] characters, control
/// characters escaped, and `…` when it was cut, so that a 1 MB argument gives a short message.
///
/// ```
/// assert_eq!(lbc_protocol::excerpt("+7 925\n"), "+7 925\\n");
/// assert_eq!(lbc_protocol::excerpt(&"9".repeat(100)).chars().count(), 25);
/// ```
pub fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for (taken, c) in text.chars().enumerate() {
        if taken == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_and_printable() {
        assert_eq!(excerpt(""), "");
        assert_eq!(excerpt("abc"), "abc");
        let long = excerpt(&"x".repeat(1_000_000));
        assert_eq!(long.chars().count(), EXCERPT_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(excerpt("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(excerpt(&"я".repeat(30)).chars().count(), EXCERPT_CHARS + 1);
    }
}
