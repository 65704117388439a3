//! Request signing: the canonical string, HMAC-SHA512, replay fields (`timestamp`, `nonce`).
//!
//! The signed string is the method name, then `\0name\0value` for each parameter in the method's
//! documented order; a parameter that is absent or empty is left out entirely. The digest is sent as
//! lower-case hex.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha512;
use subtle::ConstantTimeEq;

use crate::method::{Method, NONCE, SignatureRule, TIMESTAMP};
use crate::{Error, Params};

type HmacSha512 = Hmac<Sha512>;

/// Signs requests with one account's `api-key`.
///
/// The keyed HMAC state is computed once, here; each signature clones it, so signing a request costs
/// only the hashing of the request itself.
///
/// The signer keeps no copy of the key, only the two SHA-512 states HMAC derives from it. Those are as
/// secret as the key, but the `hmac` crate offers no way to wipe them, so they are not zeroed on drop
/// (the key itself, held in [`crate::ApiKey`], is).
#[derive(Clone)]
pub struct Signer {
    keyed: HmacSha512,
}

impl Signer {
    /// A signer keyed with the UTF-8 bytes of `api_key`.
    pub fn new(api_key: &str) -> Self {
        // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
        let keyed = HmacSha512::new_from_slice(api_key.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Signer { keyed }
    }

    /// The signature of `method` over `params`, in the method's documented order.
    ///
    /// Fails with [`Error::InvalidInput`] for a method that is never signed.
    pub fn sign(&self, method: Method, params: &Params) -> Result<String, Error> {
        let order = signing_order(method)?;
        Ok(hex::encode(
            self.digest(
                method.name(),
                order
                    .iter()
                    .map(|name| (*name, params.get(name).unwrap_or(""))),
            ),
        ))
    }

    /// The signature of `method` over `(name, value)` pairs taken in the order given.
    ///
    /// This is the primitive under [`Signer::sign`], for callers that hold their own order.
    pub fn sign_ordered<'a>(
        &self,
        method: &str,
        ordered: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> String {
        hex::encode(self.digest(method, ordered))
    }

    /// Whether `signature` (hex, either case) is the right one for `method` over `params`, compared in
    /// constant time.
    pub fn verify(&self, method: Method, params: &Params, signature: &str) -> bool {
        let Ok(order) = signing_order(method) else {
            return false;
        };
        let Ok(given) = hex::decode(signature.trim()) else {
            return false;
        };
        let expected = self.digest(
            method.name(),
            order
                .iter()
                .map(|name| (*name, params.get(name).unwrap_or(""))),
        );
        expected.ct_eq(given.as_slice()).into()
    }

    fn digest<'a>(
        &self,
        method: &str,
        ordered: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<u8> {
        let mut mac = self.keyed.clone();
        mac.update(method.as_bytes());
        for (name, value) in ordered {
            if value.is_empty() {
                continue;
            }
            mac.update(b"\0");
            mac.update(name.as_bytes());
            mac.update(b"\0");
            mac.update(value.as_bytes());
        }
        mac.finalize().into_bytes().to_vec()
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: <redacted> }")
    }
}

/// The exact bytes that are signed for `method` over `params`: the tool for an `INVALID_SIGNATURE`.
pub fn canonical(method: Method, params: &Params) -> Result<Vec<u8>, Error> {
    let mut out = method.name().as_bytes().to_vec();
    for name in signing_order(method)? {
        if let Some(value) = params.given(name) {
            for part in [name.as_bytes(), value.as_bytes()] {
                out.push(0);
                out.extend_from_slice(part);
            }
        }
    }
    Ok(out)
}

fn signing_order(method: Method) -> Result<&'static [&'static str], Error> {
    let spec = method.spec();
    if spec.signature == SignatureRule::None {
        return Err(Error::invalid_input(
            "method",
            format!("`{method}` is never signed"),
        ));
    }
    Ok(spec.sign_order)
}

/// Where request timestamps come from. Injectable so tests can sign at a fixed time.
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

/// Where nonces come from. Injectable so tests can sign reproducibly.
pub trait NonceSource: Send + Sync {
    /// A fresh nonce: URL-safe text, unique with overwhelming probability.
    fn nonce(&self) -> Result<String, Error>;
}

/// Nonces from the operating system's CSPRNG: 24 random bytes as URL-safe base64 (32 characters).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsNonce;

/// How many random bytes go into an [`OsNonce`] nonce.
pub const NONCE_BYTES: usize = 24;

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
pub fn add_replay_fields(
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

    const KEY: &str = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq";

    fn doc_example() -> Params {
        Params::new()
            .with("msisdn", "70000000000")
            .with("call-api-id", "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6")
            .with("timestamp", "1492799685")
            .with("nonce", "p2P6YLWPk4wOfqKXwBjkXGyO33k")
    }

    #[test]
    fn canonical_string_is_the_documented_one() {
        let bytes = canonical(Method::Call, &doc_example()).unwrap();
        assert_eq!(
            bytes,
            b"call\x00call-api-id\x00npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6\x00timestamp\x001492799685\x00nonce\x00p2P6YLWPk4wOfqKXwBjkXGyO33k\x00msisdn\x0070000000000"
        );
    }

    #[test]
    fn empty_and_absent_parameters_sign_alike() {
        let signer = Signer::new(KEY);
        let absent = signer.sign(Method::Call, &doc_example()).unwrap();
        let empty = signer
            .sign(Method::Call, &doc_example().with("ip_address", ""))
            .unwrap();
        assert_eq!(absent, empty);
        let with_ip = signer
            .sign(Method::Call, &doc_example().with("ip_address", "1.2.3.4"))
            .unwrap();
        assert_ne!(absent, with_ip);
    }

    #[test]
    fn verify_accepts_the_right_signature_only() {
        let signer = Signer::new(KEY);
        let params = doc_example();
        let sig = signer.sign(Method::Call, &params).unwrap();
        assert_eq!(sig.len(), 128);
        assert!(signer.verify(Method::Call, &params, &sig));
        assert!(signer.verify(Method::Call, &params, &sig.to_uppercase()));
        assert!(!signer.verify(Method::Call, &params, &sig[..126]));
        assert!(!signer.verify(Method::Call, &params, "zz"));
        assert!(!Signer::new("other").verify(Method::Call, &params, &sig));
        assert!(!signer.verify(Method::CallStatus, &params, &sig));
    }

    #[test]
    fn unsigned_methods_refuse_to_sign() {
        let err = Signer::new(KEY)
            .sign(Method::Register, &Params::new())
            .unwrap_err();
        assert!(err.to_string().contains("never signed"), "{err}");
    }

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

    #[test]
    fn debug_redacts_the_key() {
        assert!(!format!("{:?}", Signer::new(KEY)).contains(KEY));
    }
}
