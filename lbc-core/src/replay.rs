//! The replay fields of a signed request: `timestamp` from a clock and a fresh `nonce`.
//!
//! Both sources are traits so that tests can sign at a fixed time with known nonces; they are public
//! only with the `testing` feature (`lbc_core::testing`).

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use lbc_protocol::{NONCE, Params, TIMESTAMP};

use crate::Error;

/// Where request timestamps and login times come from.
pub trait Clock: Send + Sync {
    /// Now, as UNIX seconds.
    fn unix_now(&self) -> u64;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// Where nonces come from.
pub trait NonceSource: Send + Sync {
    /// A fresh nonce: URL-safe text, unique with overwhelming probability.
    fn nonce(&self) -> Result<String, Error>;
}

/// Nonces from the operating system's CSPRNG: 24 random bytes as URL-safe base64 (32 characters).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsNonce;

/// How many random bytes go into an [`OsNonce`] nonce.
const NONCE_BYTES: usize = 24;

impl NonceSource for OsNonce {
    fn nonce(&self) -> Result<String, Error> {
        let mut bytes = [0u8; NONCE_BYTES];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Internal(format!("the OS random number generator failed: {e}")))?;
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Sets `timestamp` and a fresh `nonce` in `params`, from the given sources.
///
/// Every attempt of a request calls this again: a nonce the server saw once is spent.
pub(crate) fn add_replay_fields(
    params: &mut Params,
    clock: &dyn Clock,
    nonces: &dyn NonceSource,
) -> Result<(), Error> {
    params.set(TIMESTAMP, clock.unix_now().to_string());
    params.set(NONCE, nonces.nonce()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_nonces_are_url_safe_and_fresh() {
        let a = OsNonce.nonce().unwrap();
        let b = OsNonce.nonce().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }
}
