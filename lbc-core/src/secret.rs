//! The `api-key`: never printed, zeroed when dropped.

use std::fmt;

use zeroize::Zeroizing;

/// An account's secret `api-key`.
///
/// `Debug` and `Display` print `<redacted>`; the memory holding it is overwritten with zeros when the
/// value is dropped. The client keeps only the keyed HMAC state made from it (see [`crate::protocol::Signer`]).
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(Zeroizing::new(key.into()))
    }

    /// The key itself, for signing. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let key = ApiKey::new("s3cr3t-key");
        assert!(!format!("{key:?} {key}").contains("s3cr3t"));
        assert_eq!(key.expose(), "s3cr3t-key");
    }
}
