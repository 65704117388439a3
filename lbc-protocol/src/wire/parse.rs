//! An HTTP request, in any of the five encodings, → method, parameters and signature.

use percent_encoding::percent_decode_str;

use crate::method::{Method, PARAMS_JSON, SIGNATURE};
use crate::{Params, ProtocolError, excerpt};

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
