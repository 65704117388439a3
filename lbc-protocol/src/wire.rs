//! The five ways a request travels, in both directions.
//!
//! [`build`] turns a method and its parameters into an HTTP request (GET query, POST form, REST-style
//! GET, POST multipart, each optionally with every parameter packed into the JSON `params` parameter);
//! [`parse`] reads any of them back, including the WordPress plugin's unencoded GET queries. The client
//! uses the first, the sandbox the second, so both sides always agree.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::method::{Method, PARAMS_JSON, SIGNATURE, SIGNATURE_HEADER};
use crate::{Params, ProtocolError, excerpt};

/// How the parameters are carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    /// `GET method?name=value&...`
    Query,
    /// `POST method` with an `application/x-www-form-urlencoded` body.
    Form,
    /// `GET method/name/value/name/value` (REST style).
    Rest,
    /// `POST method` with a `multipart/form-data` body.
    Multipart,
}

/// A request encoding: a transport, and whether the parameters are packed into the JSON `params`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Encoding {
    /// How the parameters travel.
    pub transport: Transport,
    /// Whether all parameters travel as one JSON object in the special parameter `params`.
    pub params_json: bool,
}

impl Encoding {
    /// GET with a query string.
    pub const QUERY: Encoding = Encoding::plain(Transport::Query);
    /// POST with a URL-encoded form: the default, as it keeps phone numbers out of access logs.
    pub const FORM: Encoding = Encoding::plain(Transport::Form);
    /// REST-style GET, parameters in the path.
    pub const REST: Encoding = Encoding::plain(Transport::Rest);
    /// POST with a multipart form.
    pub const MULTIPART: Encoding = Encoding::plain(Transport::Multipart);

    /// Every combination of transport and JSON packing.
    pub const ALL: [Encoding; 8] = [
        Encoding::QUERY,
        Encoding::FORM,
        Encoding::REST,
        Encoding::MULTIPART,
        Encoding::QUERY.with_params_json(),
        Encoding::FORM.with_params_json(),
        Encoding::REST.with_params_json(),
        Encoding::MULTIPART.with_params_json(),
    ];

    const fn plain(transport: Transport) -> Encoding {
        Encoding {
            transport,
            params_json: false,
        }
    }

    /// The same transport, with the parameters packed into JSON `params`.
    pub const fn with_params_json(self) -> Encoding {
        Encoding {
            transport: self.transport,
            params_json: true,
        }
    }

    /// Parses `query`, `form`, `rest`, `multipart`, optionally followed by `+json` (e.g. `form+json`).
    pub fn parse(text: &str) -> Result<Encoding, ProtocolError> {
        let (transport, json) = match text.trim().to_ascii_lowercase().split_once('+') {
            Some((t, "json")) => (t.to_owned(), true),
            Some(_) => return Err(bad_encoding(text)),
            None => (text.trim().to_ascii_lowercase(), false),
        };
        let transport = match transport.as_str() {
            "query" | "get" => Transport::Query,
            "form" | "post" => Transport::Form,
            "rest" => Transport::Rest,
            "multipart" => Transport::Multipart,
            _ => return Err(bad_encoding(text)),
        };
        Ok(Encoding {
            transport,
            params_json: json,
        })
    }
}

fn bad_encoding(text: &str) -> ProtocolError {
    ProtocolError::new(
        "encoding",
        format!(
            "`{}` is not one of query, form, rest, multipart (optionally +json)",
            excerpt(text)
        ),
    )
}

impl Default for Encoding {
    fn default() -> Self {
        Encoding::FORM
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.transport {
            Transport::Query => "query",
            Transport::Form => "form",
            Transport::Rest => "rest",
            Transport::Multipart => "multipart",
        };
        f.write_str(name)?;
        if self.params_json {
            f.write_str("+json")?;
        }
        Ok(())
    }
}

/// Where the signature travels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignaturePlacement {
    /// As the parameter `signature` (the default).
    #[default]
    Param,
    /// As the HTTP header `Signature`.
    Header,
}

/// The HTTP method of a built request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
}

impl HttpMethod {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// A request ready to send, relative to the API root (e.g. `https://api.loginbycall.ru/callapi/v2.0/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireRequest {
    /// GET or POST.
    pub http_method: HttpMethod,
    /// Path and query below the API root, e.g. `call?msisdn=7...` or `call/msisdn/7...`.
    pub target: String,
    /// Extra headers: `Content-Type` for bodies, `Signature` when it travels as a header.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
}

/// Characters escaped in a REST path segment: all but the unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
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

/// A request as an HTTP server received it, below the API root.
#[derive(Clone, Copy, Debug, Default)]
pub struct IncomingRequest<'a> {
    /// The path below the API root, still percent-encoded: `call` or `call/msisdn/7000...`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The `Signature` header.
    pub signature_header: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

/// What a request asks for: the method name, its parameters and the signature, wherever they came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRequest {
    /// The method name from the path (possibly not a known method).
    pub method: String,
    /// Every parameter, `params` JSON unpacked; `signature` is not among them.
    pub params: Params,
    /// The signature, from the parameter or else the `Signature` header.
    pub signature: Option<String>,
}

/// The most parameters [`parse`] accepts in one request (path, query, body and JSON `params`
/// together); a request with more is refused before it costs any more work.
pub const MAX_PARAMS: usize = 256;

/// The longest multipart boundary accepted (RFC 2046 allows 70 characters; some clients use more).
const MAX_BOUNDARY: usize = 200;

/// Reads a request in any of the five encodings (and the WordPress plugin's unencoded queries).
///
/// Parameters from the path, the query and the body are merged in that order, a later one replacing an
/// earlier one of the same name; parameters packed in JSON `params` fill in only names not given
/// directly. Malformed input, or more than [`MAX_PARAMS`] parameters, is a [`ProtocolError`]. The
/// work is linear in the size of the request, whatever its shape.
pub fn parse(request: &IncomingRequest<'_>) -> Result<ParsedRequest, ProtocolError> {
    let mut segments = request.path.trim_matches('/').split('/');
    let method = decode_segment(segments.next().unwrap_or_default())?;
    if method.is_empty() {
        return Err(ProtocolError::new("method", "no method in the path"));
    }
    let known = Method::from_name(&method);
    let mut params = Counted::default();

    let mut rest = segments;
    while let Some(name) = rest.next() {
        let Some(value) = rest.next() else {
            return Err(ProtocolError::new(
                "path",
                "REST-style parameters come in name/value pairs; the last name has no value",
            ));
        };
        params.set(decode_segment(name)?, decode_segment(value)?)?;
    }

    if let Some(query) = request.query {
        parse_query(query, known, &mut params)?;
    }
    if !request.body.is_empty() {
        parse_body(request.content_type, request.body, &mut params)?;
    }

    let mut params = params.0;
    if let Some(packed) = params.remove(PARAMS_JSON) {
        let unpacked = Params::from_json(&packed, PARAMS_JSON)?;
        if params.len() + unpacked.len() > MAX_PARAMS {
            return Err(too_many());
        }
        for (name, value) in unpacked.iter() {
            if params.get(name).is_none() {
                params.set(name, value);
            }
        }
    }
    let signature = params
        .remove(SIGNATURE)
        .filter(|s| !s.is_empty())
        .or_else(|| request.signature_header.map(|s| s.trim().to_owned()))
        .filter(|s| !s.is_empty());
    Ok(ParsedRequest {
        method,
        params,
        signature,
    })
}

/// Parameters being read, refused past [`MAX_PARAMS`] pairs.
#[derive(Default)]
struct Counted(Params, usize);

impl Counted {
    fn set(&mut self, name: String, value: String) -> Result<(), ProtocolError> {
        self.1 += 1;
        if self.1 > MAX_PARAMS {
            return Err(too_many());
        }
        self.0.set(name, value);
        Ok(())
    }
}

fn too_many() -> ProtocolError {
    ProtocolError::new(
        "params",
        format!("a request holds at most {MAX_PARAMS} parameters"),
    )
}

fn decode_segment(segment: &str) -> Result<String, ProtocolError> {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ProtocolError::new("path", "a path segment is not UTF-8"))
}

/// Decodes one `name=value` piece of a query or form body (split at its first `=`).
fn decode_pair(piece: &str) -> (String, String) {
    form_urlencoded::parse(piece.as_bytes())
        .next()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .unwrap_or_default()
}

/// Splits a query at `&` and each pair at its first `=`, decoding as a form does.
///
/// The WordPress plugin sends values unencoded, so a URL value may itself hold `&name=value`: a pair
/// whose name the method does not know, right after a `..._url` parameter whose value came with a
/// raw `?` (so it was certainly not encoded), is glued back onto it.
fn parse_query(
    query: &str,
    method: Option<Method>,
    params: &mut Counted,
) -> Result<(), ProtocolError> {
    let mut pending: Option<(String, String, bool)> = None;
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = decode_pair(piece);
        let raw_value = piece.split_once('=').map_or("", |(_, v)| v);
        if let Some((prev_name, prev_value, raw_url)) = &mut pending {
            let glue = *raw_url && method.is_some_and(|m| !m.accepts(&name) && name != PARAMS_JSON);
            if glue {
                prev_value.push('&');
                prev_value.push_str(&name);
                prev_value.push('=');
                prev_value.push_str(&value);
                continue;
            }
            params.set(std::mem::take(prev_name), std::mem::take(prev_value))?;
        }
        let raw_url = name.ends_with("_url") && raw_value.contains('?');
        pending = Some((name, value, raw_url));
    }
    if let Some((name, value, _)) = pending {
        params.set(name, value)?;
    }
    Ok(())
}

fn parse_body(
    content_type: Option<&str>,
    body: &[u8],
    params: &mut Counted,
) -> Result<(), ProtocolError> {
    let content_type = content_type.unwrap_or("application/x-www-form-urlencoded");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => parse_multipart(content_type, body, params),
        "application/json" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ProtocolError::new("body", "the JSON body is not UTF-8"))?;
            for (name, value) in Params::from_json(text, PARAMS_JSON)?.iter() {
                params.set(name.to_owned(), value.to_owned())?;
            }
            Ok(())
        }
        _ => {
            for (name, value) in form_urlencoded::parse(body) {
                params.set(name.into_owned(), value.into_owned())?;
            }
            Ok(())
        }
    }
}

fn parse_multipart(
    content_type: &str,
    body: &[u8],
    params: &mut Counted,
) -> Result<(), ProtocolError> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ProtocolError::new("body", "multipart body without a boundary"))?;
    if boundary.len() > MAX_BOUNDARY {
        return Err(ProtocolError::new(
            "body",
            format!("the multipart boundary is longer than {MAX_BOUNDARY} characters"),
        ));
    }
    let delimiter = format!("--{boundary}");
    let finder = memchr::memmem::Finder::new(delimiter.as_bytes());

    let mut rest = match finder.find(body) {
        Some(start) => &body[start + delimiter.len()..],
        None => return Err(ProtocolError::new("body", "multipart boundary not found")),
    };
    loop {
        if rest.starts_with(b"--") {
            return Ok(());
        }
        let rest_after_crlf = strip_line_break(rest);
        let end = finder
            .find(rest_after_crlf)
            .ok_or_else(|| ProtocolError::new("body", "multipart body is truncated"))?;
        let part = trim_trailing_line_break(&rest_after_crlf[..end]);
        let (name, value) = parse_part(part)?;
        params.set(name, value)?;
        rest = &rest_after_crlf[end + delimiter.len()..];
    }
}

fn parse_part(part: &[u8]) -> Result<(String, String), ProtocolError> {
    let (head, content) = match memchr::memmem::find(part, b"\r\n\r\n") {
        Some(i) => (&part[..i], &part[i + 4..]),
        None => match memchr::memmem::find(part, b"\n\n") {
            Some(i) => (&part[..i], &part[i + 2..]),
            None => {
                return Err(ProtocolError::new("body", "multipart part without headers"));
            }
        },
    };
    let head = std::str::from_utf8(head)
        .map_err(|_| ProtocolError::new("body", "multipart headers are not UTF-8"))?;
    let name = head
        .lines()
        .find_map(|line| {
            let (header, value) = line.split_once(':')?;
            header
                .trim()
                .eq_ignore_ascii_case("content-disposition")
                .then(|| disposition_name(value))
                .flatten()
        })
        .ok_or_else(|| ProtocolError::new("body", "multipart part without a name"))?;
    let value = String::from_utf8(content.to_vec()).map_err(|_| {
        ProtocolError::new(
            format!("params.{}", excerpt(&name)),
            "multipart value is not UTF-8",
        )
    })?;
    Ok((name, value))
}

/// The `name` parameter of a `Content-Disposition` value such as `form-data; name="a;b"`: a quoted
/// name runs to its closing quote (so it may hold `;`), a bare one to the next `;`.
fn disposition_name(value: &str) -> Option<String> {
    let mut rest = value;
    while let Some(semicolon) = rest.find(';') {
        rest = rest[semicolon + 1..].trim_start();
        let Some((key, after)) = rest.split_once('=') else {
            continue;
        };
        let after = after.trim_start();
        let (found, remainder) = match after.strip_prefix('"') {
            Some(quoted) => {
                let close = quoted.find('"')?;
                (&quoted[..close], &quoted[close + 1..])
            }
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim_end(), &after[end..])
            }
        };
        if key.trim().eq_ignore_ascii_case("name") {
            return Some(found.to_owned());
        }
        rest = remainder;
    }
    None
}

fn strip_line_break(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_prefix(b"\r\n")
        .or_else(|| bytes.strip_prefix(b"\n"))
        .unwrap_or(bytes)
}

fn trim_trailing_line_break(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_suffix(b"\r\n")
        .or_else(|| bytes.strip_suffix(b"\n"))
        .unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(req: &WireRequest) -> ParsedRequest {
        let (path, query) = match req.target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (req.target.as_str(), None),
        };
        let header = |name: &str| {
            req.headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        parse(&IncomingRequest {
            path,
            query,
            content_type: header("Content-Type"),
            signature_header: header(SIGNATURE_HEADER),
            body: &req.body,
        })
        .unwrap()
    }

    #[test]
    fn every_encoding_round_trips() {
        let params = Params::new()
            .with("call-api-id", "id")
            .with("msisdn", "79256880636")
            .with("ip_address", "");
        for encoding in Encoding::ALL {
            for placement in [SignaturePlacement::Param, SignaturePlacement::Header] {
                let req = build("call", &params, Some("abc"), encoding, placement).unwrap();
                let parsed = incoming(&req);
                assert_eq!(parsed.method, "call", "{encoding}");
                assert_eq!(parsed.signature.as_deref(), Some("abc"), "{encoding}");
                assert_eq!(parsed.params.get("msisdn"), Some("79256880636"));
                assert_eq!(parsed.params.get("ip_address"), None, "empty is left out");
            }
        }
    }

    #[test]
    fn documented_examples_parse() {
        let query = parse(&IncomingRequest {
            path: "call",
            query: Some("params=%7B%22call-api-id%22:%22npK5%22,%22msisdn%22:%2270000000000%22%7D"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(query.params.get("call-api-id"), Some("npK5"));
        let rest = parse(&IncomingRequest {
            path: "/call/call-api-id/npK5/msisdn/70000000000",
            ..Default::default()
        })
        .unwrap();
        assert_eq!(rest.params, query.params);
        let body = "------WebKitFormBoundaryP7bZDAwOQaxMGJ95\r\nContent-Disposition: form-data; name=\"call-api-id\"\r\n\r\nnpK5\r\n------WebKitFormBoundaryP7bZDAwOQaxMGJ95\r\nContent-Disposition: form-data; name=\"msisdn\"\r\n\r\n70000000000\r\n------WebKitFormBoundaryP7bZDAwOQaxMGJ95--";
        let multipart = parse(&IncomingRequest {
            path: "call",
            content_type: Some(
                "multipart/form-data; boundary=----WebKitFormBoundaryP7bZDAwOQaxMGJ95",
            ),
            body: body.as_bytes(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(multipart.params, query.params);
    }

    #[test]
    fn plugin_raw_queries_keep_their_urls() {
        let parsed = parse(&IncomingRequest {
            path: "register",
            query: Some(
                "domain=example.com&admin_email=a@example.com&verify_url=http://example.com/wp-admin/admin-ajax.php?action=verify_logincall&x=1&balance_notify_limit=5",
            ),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            parsed.params.get("verify_url"),
            Some("http://example.com/wp-admin/admin-ajax.php?action=verify_logincall&x=1")
        );
        assert_eq!(parsed.params.get("balance_notify_limit"), Some("5"));
    }

    #[test]
    fn malformed_requests_are_typed_errors() {
        for (path, query, ct, body) in [
            ("", None, None, ""),
            ("call/msisdn", None, None, ""),
            ("call", Some("params=%7Bnot"), None, ""),
            ("call", Some("params=%5B1%5D"), None, ""),
            ("call", None, Some("multipart/form-data"), "x"),
            (
                "call",
                None,
                Some("multipart/form-data; boundary=zz"),
                "--zz\r\nno",
            ),
            ("call/%FF/x", None, None, ""),
        ] {
            let result = parse(&IncomingRequest {
                path,
                query,
                content_type: ct,
                body: body.as_bytes(),
                ..Default::default()
            });
            assert!(result.is_err(), "{path} {query:?}: {result:?}");
        }
    }

    #[test]
    fn encoding_names_parse() {
        for e in Encoding::ALL {
            assert_eq!(Encoding::parse(&e.to_string()).unwrap(), e);
        }
        assert!(Encoding::parse("xml").is_err());
        assert!(
            build(
                "bad name",
                &Params::new(),
                None,
                Encoding::FORM,
                Default::default()
            )
            .is_err()
        );
    }

    #[test]
    fn awkward_names_round_trip_through_every_encoding() {
        let params = Params::new()
            .with("a;b", "1")
            .with("c=d&e", "2")
            .with("f/g h", "x\r\ny")
            .with("имя", "значение")
            .with("%41", "%42");
        for encoding in Encoding::ALL {
            let req = build("x", &params, None, encoding, SignaturePlacement::Param).unwrap();
            assert_eq!(incoming(&req).params, params, "{encoding}");
        }
    }

    #[test]
    fn an_empty_signature_is_no_signature() {
        // Found by the request_round_trip fuzz target: REST built `balance/signature/`.
        for encoding in Encoding::ALL {
            let req = build(
                "balance",
                &Params::new(),
                Some(""),
                encoding,
                SignaturePlacement::Param,
            )
            .unwrap();
            assert_eq!(incoming(&req).signature, None, "{encoding}");
        }
    }

    #[test]
    fn names_no_encoding_can_carry_are_refused() {
        for name in ["", "a\"b", "a\\b", "a\nb", "a\0b", "signature", "params"] {
            let params = Params::new().with(name, "v");
            let err = build(
                "x",
                &params,
                None,
                Encoding::MULTIPART,
                SignaturePlacement::Param,
            )
            .unwrap_err();
            assert!(err.field.starts_with("params"), "{name:?}: {err}");
        }
    }

    #[test]
    fn encoded_urls_are_not_glued() {
        // A properly encoded `_url` value is followed by a parameter of its own, even one the method
        // does not know; only a raw `?` shows the plugin's unencoded style.
        let params = Params::new()
            .with("domain", "example.com")
            .with("verify_url", "http://example.com/v?a=1")
            .with("extra", "2");
        let req = build(
            "register",
            &params,
            None,
            Encoding::QUERY,
            SignaturePlacement::Param,
        )
        .unwrap();
        assert_eq!(incoming(&req).params, params);
    }

    #[test]
    fn too_many_parameters_are_refused_early() {
        let body: String = (0..120_000).map(|i| format!("n{i}=v&")).collect();
        let started = std::time::Instant::now();
        let err = parse(&IncomingRequest {
            path: "call",
            body: body.as_bytes(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.field, "params");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let json: String = format!(
            "{{{}}}",
            (0..100_000)
                .map(|i| format!("\"n{i}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let query = format!("params={}", utf8_percent_encode(&json, SEGMENT));
        let err = parse(&IncomingRequest {
            path: "call",
            query: Some(&query),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.field, "params");
    }

    #[test]
    fn hostile_multipart_bodies_are_linear() {
        // A boundary that almost matches everywhere: a naive search is quadratic here.
        let boundary = format!("{}b", "a".repeat(150));
        let body = format!("--{boundary}\r\n{}", "a".repeat(1 << 20));
        let started = std::time::Instant::now();
        let result = parse(&IncomingRequest {
            path: "call",
            content_type: Some(&format!("multipart/form-data; boundary={boundary}")),
            body: body.as_bytes(),
            ..Default::default()
        });
        assert!(result.is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
