//! One HTTP exchange over ureq: send a built request, read a size-limited answer, and say precisely what
//! failed, including whether the request may have reached the server.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;
use ureq::Agent;
use ureq::http::Response;

use crate::error::snippet;
use crate::wire::{HttpMethod, WireRequest};
use crate::{ApiError, Error};

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
    pub timeout: Duration,
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
        match request.http_method {
            HttpMethod::Get => {
                let mut builder = self.agent.get(url);
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                builder.call()
            }
            HttpMethod::Post => {
                let mut builder = self.agent.post(url);
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                builder.send(&request.body[..])
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
            Err(io) => Err(self.classify(ureq::Error::from(io))),
        }
    }

    fn classify(&self, error: ureq::Error) -> Failure {
        use ureq::Error as U;
        use ureq::Timeout as T;
        let (maybe_sent, transient) = match &error {
            U::Timeout(T::Resolve | T::Connect) | U::HostNotFound | U::ConnectionFailed => {
                (false, true)
            }
            U::Io(io) => (
                !matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::AddrNotAvailable
                        | std::io::ErrorKind::NotFound
                ),
                true,
            ),
            U::Tls(_) | U::Pem(_) | U::Rustls(_) => (false, false),
            U::BadUri(_) | U::Http(_) | U::InvalidProxyUrl => (false, false),
            U::Timeout(_) => (true, true),
            _ => (true, true),
        };
        let error = match error {
            U::Timeout(_) => Error::Timeout {
                method: self.method,
                after: self.timeout,
                may_have_reached_server: maybe_sent,
            },
            other => Error::Transport {
                message: describe(&other),
                may_have_reached_server: maybe_sent,
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
    match ApiError::from_answer(&value, request_id) {
        Some(api) => Err(api.into()),
        None => Ok(value),
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
        for bad in [&b"<html>"[..], b"{\"a\":", b"[1]", b"\"x\""] {
            assert!(
                matches!(decode_answer(bad, None), Err(Error::Decode { .. })),
                "{bad:?}"
            );
        }
    }
}
