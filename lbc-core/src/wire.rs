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
use crate::{Error, Params};

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
    pub fn parse(text: &str) -> Result<Encoding, Error> {
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

fn bad_encoding(text: &str) -> Error {
    Error::invalid_input(
        "encoding",
        format!("`{text}` is not one of query, form, rest, multipart (optionally +json)"),
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
pub fn build(
    method: &str,
    params: &Params,
    signature: Option<&str>,
    encoding: Encoding,
    placement: SignaturePlacement,
) -> Result<WireRequest, Error> {
    check_method_name(method)?;
    let mut pairs: Vec<(String, String)> = params
        .non_empty()
        .filter(|(name, _)| *name != SIGNATURE)
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    for (name, _) in &pairs {
        check_param_name(name)?;
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
            let boundary = multipart_boundary(&pairs)?;
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

fn check_method_name(method: &str) -> Result<(), Error> {
    let ok = !method.is_empty()
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "method",
            format!("`{method}` is not a method name (letters, digits, `-`, `_`)"),
        ))
    }
}

fn check_param_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.contains(['"', '\r', '\n', '\0']) {
        return Err(Error::invalid_input(
            "params",
            format!("{name:?} is not a usable parameter name"),
        ));
    }
    Ok(())
}

fn form_encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn multipart_boundary(pairs: &[(String, String)]) -> Result<String, Error> {
    loop {
        let mut random = [0u8; 12];
        getrandom::fill(&mut random)
            .map_err(|e| Error::Internal(format!("the OS random number generator failed: {e}")))?;
        let boundary = format!("----lbc{}", hex::encode(random));
        if !pairs.iter().any(|(_, v)| v.contains(&boundary)) {
            return Ok(boundary);
        }
    }
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

/// Reads a request in any of the five encodings (and the WordPress plugin's unencoded queries).
///
/// Parameters from the path, the query and the body are merged in that order, a later one replacing an
/// earlier one of the same name; parameters packed in JSON `params` fill in only names not given
/// directly. Malformed input is an [`Error::InvalidInput`].
pub fn parse(request: &IncomingRequest<'_>) -> Result<ParsedRequest, Error> {
    let mut segments = request.path.trim_matches('/').split('/');
    let method = decode_segment(segments.next().unwrap_or_default())?;
    if method.is_empty() {
        return Err(Error::invalid_input("method", "no method in the path"));
    }
    let known = Method::from_name(&method);
    let mut params = Params::new();

    let rest: Vec<&str> = segments.collect();
    if rest.len() % 2 != 0 {
        return Err(Error::invalid_input(
            "path",
            "REST-style parameters come in name/value pairs; the last name has no value",
        ));
    }
    for pair in rest.chunks(2) {
        params.set(decode_segment(pair[0])?, decode_segment(pair[1])?);
    }

    if let Some(query) = request.query {
        for (name, value) in parse_query(query, known) {
            params.set(name, value);
        }
    }
    if !request.body.is_empty() {
        for (name, value) in parse_body(request.content_type, request.body)? {
            params.set(name, value);
        }
    }

    if let Some(packed) = params.remove(PARAMS_JSON) {
        for (name, value) in Params::from_json(&packed, PARAMS_JSON)?.iter() {
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

fn decode_segment(segment: &str) -> Result<String, Error> {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::invalid_input("path", "a path segment is not UTF-8"))
}

/// Splits a query at `&` and each pair at its first `=`, decoding as a form does.
///
/// The WordPress plugin sends values unencoded, so a URL value may itself hold `&name=value`: a pair
/// whose name the method does not know, right after a `..._url` parameter, is glued back onto it.
fn parse_query(query: &str, method: Option<Method>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let glue = method.is_some_and(|m| !m.accepts(&name) && name != PARAMS_JSON)
            && pairs.last().is_some_and(|(prev, _)| prev.ends_with("_url"));
        match pairs.last_mut() {
            Some((_, prev_value)) if glue => {
                prev_value.push('&');
                prev_value.push_str(&name);
                prev_value.push('=');
                prev_value.push_str(&value);
            }
            _ => pairs.push((name.into_owned(), value.into_owned())),
        }
    }
    pairs
}

fn parse_body(content_type: Option<&str>, body: &[u8]) -> Result<Vec<(String, String)>, Error> {
    let content_type = content_type.unwrap_or("application/x-www-form-urlencoded");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => parse_multipart(content_type, body),
        "application/json" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| Error::invalid_input("body", "the JSON body is not UTF-8"))?;
            Ok(Params::from_json(text, PARAMS_JSON)?
                .iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect())
        }
        _ => Ok(form_urlencoded::parse(body)
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect()),
    }
}

fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<(String, String)>, Error> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or_else(|| Error::invalid_input("body", "multipart body without a boundary"))?;
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();

    let mut pairs = Vec::new();
    let mut rest = match find(body, delimiter) {
        Some(start) => &body[start + delimiter.len()..],
        None => return Err(Error::invalid_input("body", "multipart boundary not found")),
    };
    loop {
        if rest.starts_with(b"--") {
            return Ok(pairs);
        }
        let rest_after_crlf = strip_line_break(rest);
        let end = find(rest_after_crlf, delimiter)
            .ok_or_else(|| Error::invalid_input("body", "multipart body is truncated"))?;
        let part = trim_trailing_line_break(&rest_after_crlf[..end]);
        pairs.push(parse_part(part)?);
        rest = &rest_after_crlf[end + delimiter.len()..];
    }
}

fn parse_part(part: &[u8]) -> Result<(String, String), Error> {
    let (head, content) = match find(part, b"\r\n\r\n") {
        Some(i) => (&part[..i], &part[i + 4..]),
        None => match find(part, b"\n\n") {
            Some(i) => (&part[..i], &part[i + 2..]),
            None => {
                return Err(Error::invalid_input(
                    "body",
                    "multipart part without headers",
                ));
            }
        },
    };
    let head = std::str::from_utf8(head)
        .map_err(|_| Error::invalid_input("body", "multipart headers are not UTF-8"))?;
    let name = head
        .lines()
        .filter(|line| {
            line.to_ascii_lowercase()
                .starts_with("content-disposition:")
        })
        .flat_map(|line| line.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim() == "name")
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| Error::invalid_input("body", "multipart part without a name"))?;
    let value = String::from_utf8(content.to_vec())
        .map_err(|_| Error::invalid_input(name.clone(), "multipart value is not UTF-8"))?;
    Ok((name, value))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
            assert!(
                matches!(result, Err(Error::InvalidInput { .. })),
                "{path} {query:?}: {result:?}"
            );
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
}
