//! What the fuzz targets share: a built request as a server receives it, and the builder's
//! documented limits on names, checked independently of the builder.
#![forbid(unsafe_code)]

use lbc_protocol::{
    Encoding, IncomingRequest, MAX_PARAMS, Params, ParsedRequest, ProtocolError, SIGNATURE_HEADER,
    SignaturePlacement, WireRequest, build, parse,
};

/// Parses `request` as a server would receive it: the target split at `?`, the headers by name.
pub fn parse_wire(request: &WireRequest) -> Result<ParsedRequest, ProtocolError> {
    let (path, query) = match request.target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (request.target.as_str(), None),
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    parse(&IncomingRequest {
        path,
        query,
        content_type: header("Content-Type"),
        signature_header: header(SIGNATURE_HEADER),
        body: &request.body,
    })
}

/// A method name `build` documents as valid: 1 to 64 letters, digits, `-`, `_`.
pub fn method_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A parameter name `build` documents as one every encoding carries: not empty, not reserved, no
/// `"`, `\` or control character.
pub fn carriable_name(name: &str) -> bool {
    !name.is_empty()
        && name != "signature"
        && name != "params"
        && !name.contains(['"', '\\'])
        && !name.chars().any(char::is_control)
}

/// Builds `method` with `params` and `signature`, parses the result back, and checks that it is
/// the same request: the builder refuses only what it documents, and what it builds reads back as
/// the same method, the non-empty parameters in order, and the signature (empty meaning none; in a
/// header without surrounding whitespace, as HTTP carries it).
pub fn assert_round_trip(
    method: &str,
    params: &Params,
    signature: Option<&str>,
    encoding: Encoding,
    placement: SignaturePlacement,
) {
    let carriable =
        method_name_ok(method) && params.non_empty().all(|(name, _)| carriable_name(name));
    let request = match build(method, params, signature, encoding, placement) {
        Ok(request) => request,
        Err(error) => {
            assert!(
                !carriable,
                "{encoding}: refused a request it can carry: {error}"
            );
            return;
        }
    };
    assert!(carriable, "{encoding}: built a request with a bad name");
    let parsed = parse_wire(&request);

    let expected: Params = params.non_empty().collect();
    let signature_param =
        usize::from(signature.is_some() && placement == SignaturePlacement::Param);
    if expected.len() + signature_param > MAX_PARAMS {
        // `parse` refuses more than MAX_PARAMS parameters; the builder does not count them.
        let error = parsed.expect_err("more than MAX_PARAMS parameters were parsed");
        assert_eq!(error.field, "params", "{encoding}");
        return;
    }
    let parsed = parsed.unwrap_or_else(|e| {
        panic!("{encoding} {placement:?}: built {request:?}, which parse refuses: {e}")
    });
    assert_eq!(parsed.method, method, "{encoding}");
    assert_eq!(parsed.params, expected, "{encoding} {placement:?}");
    let expected_signature = match placement {
        SignaturePlacement::Param => signature,
        SignaturePlacement::Header => signature.map(str::trim),
    }
    .filter(|s| !s.is_empty());
    assert_eq!(
        parsed.signature.as_deref(),
        expected_signature,
        "{encoding} {placement:?}"
    );
}
