//! `build` then `parse`: every request the builder accepts reads back as the same method, the same
//! parameters (in order, empty values left out) and the same signature, in all eight encodings and
//! both signature placements. The builder may refuse, but only for the reasons it documents.
#![no_main]
#![forbid(unsafe_code)]

use arbitrary::Arbitrary;
use lbc_protocol::{Encoding, Method, Params, SignaturePlacement};
use libfuzzer_sys::fuzz_target;

/// Names the protocol gives a meaning to, so that the fuzzer reaches the special cases (the
/// reserved names, the `_url` gluing of raw queries) without having to guess them.
const NAMES: [&str; 14] = [
    "call-api-id",
    "timestamp",
    "nonce",
    "msisdn",
    "ip_address",
    "domain",
    "admin_email",
    "verify_url",
    "balance_notify_limit",
    "call",
    "signature",
    "params",
    "Signature",
    "x_url",
];

/// A name from a table of meaningful ones, or any text.
#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Other(String),
}

impl Name {
    fn text(&self, table: &[&str]) -> String {
        match self {
            Name::Known(i) => table[usize::from(*i) % table.len()].to_owned(),
            Name::Other(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: Name,
    params: Vec<(Name, String)>,
    signature: Option<String>,
    encoding: u8,
    header: bool,
}

fuzz_target!(|input: Input| {
    let methods: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
    let method = input.method.text(&methods);
    let params: Params = input
        .params
        .iter()
        .map(|(name, value)| (name.text(&NAMES), value.clone()))
        .collect();
    let encoding = Encoding::ALL[usize::from(input.encoding) % Encoding::ALL.len()];
    let placement = if input.header {
        SignaturePlacement::Header
    } else {
        SignaturePlacement::Param
    };
    let signature = input.signature.as_deref();
    lbc_fuzz::assert_round_trip(&method, &params, signature, encoding, placement);
});
