//! `lbc sign`: the signature of a method's parameters, or the exact string that is signed.
//!
//! Everything protocol-related comes from lbc-protocol: the method table decides the order,
//! `Signer::sign` the signature, `canonical` the signed bytes.

use lbc_core::protocol::{Method, SignatureRule, Signer, canonical, excerpt};

use crate::args::SignArgs;
use crate::exit::Failure;
use crate::pairs;
use crate::profile;

/// The line `lbc sign` prints: the lower-case hex signature, or with `--canonical` the signed string
/// made visible by [`visible`]. Parameters the method does not sign are listed in the second value, so
/// the caller can warn about them.
pub fn run(args: &SignArgs) -> Result<(String, Vec<String>), Failure> {
    let method = signed_method(&args.method)?;
    let params = pairs::to_params(&args.params)?;
    let order = method.spec().sign_order;
    let ignored = params
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !order.contains(name))
        .map(str::to_owned)
        .collect();
    if args.canonical {
        return Ok((visible(&canonical(method, &params)?), ignored));
    }
    let key = match args.key.as_deref().filter(|k| !k.is_empty()) {
        Some(key) => key.to_owned(),
        None => match profile::select(args.profile.as_deref().filter(|p| !p.is_empty()))? {
            Some(stored) => stored.api_key,
            None => {
                return Err(Failure::usage(
                    "no api-key: give --key KEY, set LBC_API_KEY, or store it with `lbc login`",
                ));
            }
        },
    };
    Ok((Signer::new(&key).sign(method, &params)?, ignored))
}

/// The method by wire name, refusing unknown and never-signed methods with the list of signed ones.
fn signed_method(name: &str) -> Result<Method, Failure> {
    let signed: Vec<&str> = Method::ALL
        .into_iter()
        .filter(|m| m.spec().signature != SignatureRule::None)
        .map(Method::name)
        .collect();
    match Method::from_name(name) {
        Some(method) if method.spec().signature != SignatureRule::None => Ok(method),
        Some(method) => Err(Failure::usage(format!(
            "`{method}` is never signed; signed methods: {}",
            signed.join(", ")
        ))),
        None => Err(Failure::usage(format!(
            "unknown method `{}`; signed methods: {}",
            excerpt(name),
            signed.join(", ")
        ))),
    }
}

/// The signed bytes as one printable line: NUL as `\0`, backslash as `\\`, other control characters
/// as `\xNN`, so the output is unambiguous.
pub fn visible(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_become_visible() {
        assert_eq!(visible(b"call\0a\\b\0\n"), "call\\0a\\\\b\\0\\x0a");
        assert_eq!(visible("ключ".as_bytes()), "ключ");
    }

    #[test]
    fn unsigned_and_unknown_methods_are_refused() {
        for name in ["register", "status", "server-status", "Call", "nope"] {
            assert!(
                matches!(signed_method(name), Err(Failure::Usage(_))),
                "{name}"
            );
        }
        assert_eq!(signed_method("call-status").unwrap(), Method::CallStatus);
    }

    #[test]
    fn unknown_methods_are_quoted_short() {
        let Err(Failure::Usage(message)) = signed_method(&"m".repeat(100_000)) else {
            panic!("refused");
        };
        assert!(message.len() < 300, "{} bytes", message.len());
    }
}
