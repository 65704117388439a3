//! One HTTP exchange over ureq: send a built request, read a size-limited answer, and say precisely what
//! failed, including whether the request may have reached the server.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;
use ureq::Agent;
use ureq::http::Response;

use lbc_protocol::{HttpMethod, WireRequest};

use crate::error::snippet;
use crate::{ApiError, Error, TransportKind};

/// How a failed attempt may be handled.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: Error,
    /// Whether this kind of failure is worth another attempt (for a method where that is safe).
    pub transient: bool,
    /// Whether any part of the request may have reached the server.
    pub maybe_sent: bool,
}

/// The settings one exchange needs.
pub(crate) struct Exchange<'a> {
    pub agent: &'a Agent,
    pub url: String,
    pub method: &'static str,
    /// The time this attempt may take, answer included: the per-attempt timeout or what is left of
    /// the operation's deadline, whichever is shorter.
    pub timeout: Duration,
    /// The time to connect, never more than `timeout`.
    pub connect_timeout: Duration,
    /// Whether `timeout` differs from the agent's own (a deadline cuts this attempt short): only
    /// then does the request carry a configuration of its own, which costs a copy per request.
    pub shortened: bool,
    /// The limit a timeout is reported as (the per-attempt timeout, or the deadline when that is
    /// what ran out).
    pub reported_limit: Duration,
    pub max_response_bytes: u64,
}

impl Exchange<'_> {
    /// Sends `request` once and reads the answer as JSON, turning error answers into [`Error::Api`].
    pub fn run(&self, request: &WireRequest) -> Result<Value, Failure> {
        let response = self.send(request).map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = self.read_body(response)?;
        if status != 200 {
            return Err(Failure {
                transient: status >= 500 || status == 429,
                maybe_sent: true,
                error: Error::Http {
                    status,
                    snippet: snippet(&body, 200),
                    request_id,
                },
            });
        }
        decode_answer(&body, request_id).map_err(|error| Failure {
            error,
            transient: false,
            maybe_sent: true,
        })
    }

    fn send(&self, request: &WireRequest) -> Result<Response<ureq::Body>, ureq::Error> {
        let url = &self.url;
        let timeout = Some(self.timeout);
        let connect = Some(self.connect_timeout.min(self.timeout));
        match request.http_method {
            HttpMethod::Get => {
                let mut builder = self.agent.get(url);
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                if !self.shortened {
                    return builder.call();
                }
                builder
                    .config()
                    .timeout_global(timeout)
                    .timeout_connect(connect)
                    .build()
                    .call()
            }
            HttpMethod::Post => {
                let mut builder = self.agent.post(url);
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                if !self.shortened {
                    return builder.send(&request.body[..]);
                }
                builder
                    .config()
                    .timeout_global(timeout)
                    .timeout_connect(connect)
                    .build()
                    .send(&request.body[..])
            }
        }
    }

    fn read_body(&self, mut response: Response<ureq::Body>) -> Result<Vec<u8>, Failure> {
        let mut body = Vec::new();
        let limit = self.max_response_bytes;
        let read = response
            .body_mut()
            .as_reader()
            .take(limit + 1)
            .read_to_end(&mut body);
        match read {
            Ok(_) if body.len() as u64 > limit => Err(Failure {
                error: Error::Decode {
                    message: format!("the answer is larger than the {limit}-byte limit"),
                    field: None,
                    request_id: None,
                },
                transient: false,
                maybe_sent: true,
            }),
            Ok(_) => Ok(body),
            // The request was written and an answer began: whatever broke, it reached the server.
            Err(io) => {
                let mut failure = self.classify(ureq::Error::from(io));
                failure.maybe_sent = true;
                if let Error::Transport {
                    may_have_been_placed,
                    ..
                }
                | Error::Timeout {
                    may_have_been_placed,
                    ..
                } = &mut failure.error
                {
                    *may_have_been_placed = true;
                }
                Err(failure)
            }
        }
    }

    /// Says what failed, and whether any byte of the request may have been written: only a failure
    /// to resolve or connect (or a TLS handshake, which comes before the request) is known to have
    /// sent nothing.
    fn classify(&self, error: ureq::Error) -> Failure {
        use std::io::ErrorKind as Io;
        use ureq::Error as U;
        use ureq::Timeout as T;
        let (kind, maybe_sent, transient) = match &error {
            U::Timeout(T::Resolve) | U::HostNotFound => (TransportKind::Dns, false, true),
            U::Timeout(T::Connect) | U::ConnectionFailed => (TransportKind::Connect, false, true),
            U::Io(io) => match io.kind() {
                Io::ConnectionRefused
                | Io::AddrNotAvailable
                | Io::NetworkUnreachable
                | Io::HostUnreachable
                | Io::PermissionDenied => (TransportKind::Connect, false, true),
                Io::ConnectionReset
                | Io::ConnectionAborted
                | Io::BrokenPipe
                | Io::UnexpectedEof
                | Io::NotConnected => (TransportKind::Reset, true, true),
                _ => (TransportKind::Io, true, true),
            },
            U::Tls(_) | U::Pem(_) | U::Rustls(_) | U::TlsRequired => {
                (TransportKind::Tls, false, false)
            }
            U::ConnectProxyFailed(_) | U::InvalidProxyUrl => (TransportKind::Proxy, false, false),
            U::BadUri(_) | U::Http(_) | U::RequireHttpsOnly(_) => {
                (TransportKind::Protocol, false, false)
            }
            U::Protocol(_)
            | U::LargeResponseHeader(..)
            | U::Decompress(..)
            | U::RedirectFailed
            | U::TooManyRedirects
            | U::StatusCode(_) => (TransportKind::Protocol, true, false),
            _ => (TransportKind::Io, true, true),
        };
        let error = match error {
            U::Timeout(_) => Error::Timeout {
                method: self.method,
                after: self.reported_limit,
                may_have_been_placed: maybe_sent,
            },
            other => Error::Transport {
                kind,
                message: describe(&other),
                may_have_been_placed: maybe_sent,
                source: Some(Box::new(other)),
            },
        };
        Failure {
            error,
            transient,
            maybe_sent,
        }
    }
}

fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Io(io) => format!("I/O error: {io}"),
        other => other.to_string(),
    }
}

/// Reads an answer body: an empty body is `{}` (the empty successes); an object with `error` is an
/// [`Error::Api`]; anything but a JSON object is an [`Error::Decode`].
pub(crate) fn decode_answer(body: &[u8], request_id: Option<String>) -> Result<Value, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| Error::Decode {
        message: format!("not JSON ({e}): {:?}", snippet(body, 80)),
        field: None,
        request_id: request_id.clone(),
    })?;
    if !value.is_object() {
        return Err(Error::Decode {
            message: format!("not a JSON object: {}", snippet(body, 80)),
            field: None,
            request_id,
        });
    }
    if let Some(path) = nul_inside(&value, &mut String::new()) {
        return Err(Error::Decode {
            message: "a text holds a NUL character".into(),
            field: Some(path),
            request_id,
        });
    }
    match ApiError::from_answer(&value, request_id) {
        Some(api) => Err(api.into()),
        None => Ok(value),
    }
}

/// The path of the first string (or member name) in `value` holding a NUL: C strings cannot carry
/// one, and cutting a text there would change its meaning, so such an answer is refused whole.
fn nul_inside(value: &Value, path: &mut String) -> Option<String> {
    match value {
        Value::String(text) if text.contains('\0') => Some(path.clone()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let mut inner = format!("{path}[{i}]");
            nul_inside(item, &mut inner)
        }),
        Value::Object(members) => members.iter().find_map(|(name, item)| {
            let mut inner = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if name.contains('\0') {
                return Some(inner);
            }
            nul_inside(item, &mut inner)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_decode_by_shape() {
        assert_eq!(decode_answer(b"", None).unwrap(), serde_json::json!({}));
        assert_eq!(decode_answer(b" \n", None).unwrap(), serde_json::json!({}));
        let err = decode_answer(b"{\"error\":\"X\"}", Some("r".into())).unwrap_err();
        assert_eq!(err.request_id(), Some("r"));
        assert!(matches!(err, Error::Api(_)));
        let nul = decode_answer(b"{\"call\":\"c\",\"x\":{\"y\":\"a\\u0000b\"}}", None).unwrap_err();
        assert_eq!(nul.field(), Some("x.y"));
        for bad in [&b"<html>"[..], b"{\"a\":", b"[1]", b"\"x\""] {
            assert!(
                matches!(decode_answer(bad, None), Err(Error::Decode { .. })),
                "{bad:?}"
            );
        }
    }
}
