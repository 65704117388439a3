//! The five ways a request travels, in both directions.
//!
//! [`build`] turns a method and its parameters into an HTTP request (GET query, POST form, REST-style
//! GET, POST multipart, each optionally with every parameter packed into the JSON `params` parameter);
//! [`parse`] reads any of them back, including the WordPress plugin's unencoded GET queries. The client
//! uses the first, the sandbox the second, so both sides always agree.

use std::fmt;

use crate::{ProtocolError, excerpt};

mod build;
mod parse;
#[cfg(test)]
mod tests;

pub use build::build;
pub use parse::{IncomingRequest, MAX_PARAMS, ParsedRequest, parse};

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

impl SignaturePlacement {
    /// Both placements.
    pub const ALL: [SignaturePlacement; 2] =
        [SignaturePlacement::Param, SignaturePlacement::Header];

    /// The placement's one name in every language: `param` or `header`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignaturePlacement::Param => "param",
            SignaturePlacement::Header => "header",
        }
    }

    /// Reads `param` or `header` (any case, surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<SignaturePlacement, ProtocolError> {
        let name = text.trim().to_ascii_lowercase();
        SignaturePlacement::ALL
            .into_iter()
            .find(|placement| placement.as_str() == name)
            .ok_or_else(|| {
                ProtocolError::new(
                    "signature_placement",
                    format!("{} is not `param` or `header`", excerpt(text)),
                )
            })
    }
}

impl fmt::Display for SignaturePlacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
