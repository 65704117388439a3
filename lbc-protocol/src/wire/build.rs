//! Method and parameters → an HTTP request, in any of the five encodings.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use super::{Encoding, HttpMethod, SignaturePlacement, Transport, WireRequest};
use crate::method::{PARAMS_JSON, SIGNATURE, SIGNATURE_HEADER};
use crate::{Params, ProtocolError, excerpt};

/// Characters escaped in a REST path segment: all but the unreserved ones.
pub(super) const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds the request for `method` carrying the non-empty `params`, and `signature` where `placement`
/// says.
///
/// Every parameter name the builder accepts comes back exactly from [`parse`]; it refuses names
/// that no encoding can carry unchanged: empty ones, ones holding `"`, `\\` or control characters,
/// and the reserved `signature` and `params`.
pub fn build(
    method: &str,
    params: &Params,
    signature: Option<&str>,
    encoding: Encoding,
    placement: SignaturePlacement,
) -> Result<WireRequest, ProtocolError> {
    check_method_name(method)?;
    // An empty signature is no signature, as everywhere else: `signature/` would end a REST path
    // with a name that has no value.
    let signature = signature.filter(|s| !s.is_empty());
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(params.len() + 1);
    for (name, value) in params.non_empty() {
        check_param_name(name)?;
        pairs.push((name.to_owned(), value.to_owned()));
    }
    let mut headers = Vec::new();
    match (signature, placement) {
        (Some(sig), SignaturePlacement::Param) => pairs.push((SIGNATURE.into(), sig.into())),
        (Some(sig), SignaturePlacement::Header) => headers.push((SIGNATURE_HEADER, sig.into())),
        (None, _) => {}
    }
    if encoding.params_json && !pairs.is_empty() {
        let object: Map<String, Value> = pairs
            .into_iter()
            .map(|(n, v)| (n, Value::String(v)))
            .collect();
        pairs = vec![(PARAMS_JSON.into(), Value::Object(object).to_string())];
    }

    let request = match encoding.transport {
        Transport::Query => {
            let mut target = method.to_owned();
            if !pairs.is_empty() {
                target.push('?');
                target.push_str(&form_encode(&pairs));
            }
            WireRequest {
                http_method: HttpMethod::Get,
                target,
                headers,
                body: Vec::new(),
            }
        }
        Transport::Rest => {
            let mut target = method.to_owned();
            for (name, value) in &pairs {
                for segment in [name, value] {
                    target.push('/');
                    target.extend(utf8_percent_encode(segment, SEGMENT));
                }
            }
            WireRequest {
                http_method: HttpMethod::Get,
                target,
                headers,
                body: Vec::new(),
            }
        }
        Transport::Form => {
            headers.push((
                "Content-Type",
                "application/x-www-form-urlencoded; charset=UTF-8".into(),
            ));
            WireRequest {
                http_method: HttpMethod::Post,
                target: method.to_owned(),
                headers,
                body: form_encode(&pairs).into_bytes(),
            }
        }
        Transport::Multipart => {
            let boundary = multipart_boundary(&pairs);
            headers.push((
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ));
            WireRequest {
                http_method: HttpMethod::Post,
                target: method.to_owned(),
                headers,
                body: multipart_encode(&pairs, &boundary),
            }
        }
    };
    Ok(request)
}

fn check_method_name(method: &str) -> Result<(), ProtocolError> {
    let ok = !method.is_empty()
        && method.len() <= 64
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ProtocolError::new(
            "method",
            format!(
                "`{}` is not a method name (letters, digits, `-`, `_`)",
                excerpt(method)
            ),
        ))
    }
}

fn check_param_name(name: &str) -> Result<(), ProtocolError> {
    let why = if name.is_empty() {
        "a parameter name must not be empty"
    } else if name == SIGNATURE || name == PARAMS_JSON {
        "is reserved: the SDK places the signature and packs `params` itself"
    } else if name.contains(['"', '\\']) || name.chars().any(char::is_control) {
        "a parameter name must not hold `\"`, `\\` or control characters"
    } else {
        return Ok(());
    };
    Err(ProtocolError::new(format!("params.{}", excerpt(name)), why))
}

fn form_encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A boundary that occurs in no value: the first of `----lbc0`, `----lbc1`, ... that fits.
fn multipart_boundary(pairs: &[(String, String)]) -> String {
    (0u64..)
        .map(|n| format!("----lbcFormBoundary{n:x}"))
        .find(|boundary| {
            !pairs
                .iter()
                .any(|(n, v)| v.contains(boundary.as_str()) || n.contains(boundary.as_str()))
        })
        .unwrap_or_default()
}

fn multipart_encode(pairs: &[(String, String)], boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in pairs {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}
