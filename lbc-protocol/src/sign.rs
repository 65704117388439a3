//! Request signing and verifying: the canonical string and HMAC-SHA512.
//!
//! The signed string is the method name, then `\0name\0value` for each parameter in the method's
//! documented order; a parameter that is absent or empty is left out entirely. The digest is sent as
//! lower-case hex.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha512;
use subtle::ConstantTimeEq;

use crate::method::{Method, SignatureRule};
use crate::{Params, ProtocolError};

type HmacSha512 = Hmac<Sha512>;

/// Signs requests with one account's `api-key`.
///
/// The keyed HMAC state is computed once, here; each signature clones it, so signing a request costs
/// only the hashing of the request itself.
///
/// The signer keeps no copy of the key, only the two SHA-512 states HMAC derives from it. Those are as
/// secret as the key, but the `hmac` crate offers no way to wipe them, so they are not zeroed on drop
/// (the client zeroes its copy of the key).
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
    /// Fails for a method that is never signed.
    pub fn sign(&self, method: Method, params: &Params) -> Result<String, ProtocolError> {
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
pub fn canonical(method: Method, params: &Params) -> Result<Vec<u8>, ProtocolError> {
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

fn signing_order(method: Method) -> Result<&'static [&'static str], ProtocolError> {
    let spec = method.spec();
    if spec.signature == SignatureRule::None {
        return Err(ProtocolError::new(
            "method",
            format!("`{method}` is never signed"),
        ));
    }
    Ok(spec.sign_order)
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
    fn debug_redacts_the_key() {
        assert!(!format!("{:?}", Signer::new(KEY)).contains(KEY));
    }
}
