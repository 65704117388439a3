//! `parse` on anything a client may send: a `ProtocolError`, or a request within `MAX_PARAMS`
//! that, built again in every encoding, reads back the same. Never a panic.
#![no_main]
#![forbid(unsafe_code)]

use lbc_protocol::{Encoding, IncomingRequest, MAX_PARAMS, SignaturePlacement, parse};
use libfuzzer_sys::fuzz_target;

/// The input is five fields separated by `\n--\n`: path, query, Content-Type, Signature header,
/// body (the rest, which may hold the separator). A field left out is absent (the query and
/// headers) or empty (the path and body); an empty one reads as an absent one. So a seed file reads
/// as the request it holds.
const SEPARATOR: &[u8] = b"\n--\n";

fn split(data: &[u8]) -> [Option<&[u8]>; 5] {
    let mut fields = [None; 5];
    let mut rest = data;
    for (i, field) in fields.iter_mut().enumerate() {
        let at = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR);
        match at {
            Some(at) if i < 4 => {
                *field = Some(&rest[..at]);
                rest = &rest[at + SEPARATOR.len()..];
            }
            _ => {
                *field = Some(rest);
                break;
            }
        }
    }
    fields
}

fuzz_target!(|data: &[u8]| {
    let [path, query, content_type, signature, body] = split(data);
    // The path, query and headers reach the parser as text (an HTTP server gives them so).
    let [path, query, content_type, signature] =
        [path, query, content_type, signature].map(|field| field.map(String::from_utf8_lossy));
    let request = IncomingRequest {
        path: path.as_deref().unwrap_or_default(),
        query: query.as_deref(),
        content_type: content_type.as_deref(),
        signature_header: signature.as_deref(),
        body: body.unwrap_or_default(),
    };
    let Ok(parsed) = parse(&request) else {
        return;
    };
    assert!(!parsed.method.is_empty(), "a request without a method");
    assert!(parsed.params.len() <= MAX_PARAMS, "{}", parsed.params.len());
    assert!(parsed.params.get("signature").is_none(), "signature kept");
    assert_ne!(parsed.signature.as_deref(), Some(""), "an empty signature");

    // What was read is a request the builder can send again, in any encoding.
    for encoding in Encoding::ALL {
        lbc_fuzz::assert_round_trip(
            &parsed.method,
            &parsed.params,
            parsed.signature.as_deref(),
            encoding,
            SignaturePlacement::Param,
        );
    }
});
