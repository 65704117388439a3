//! Test helpers shared by the workspace's test crates (`lbc-tests`, `lbc-cli`'s tests), in one place
//! instead of a copy in each crate's `tests/common/mod.rs`. Dev-only: `publish = false`, and only
//! `[dev-dependencies]` name it.
//!
//! A server that misbehaves is a [`Sandbox`] with a fault armed for every API request (see
//! `lbc_sandbox::Fault`): [`answering`] writes back the same raw bytes to every request,
//! [`hanging`] never answers. Both count what they received by method ([`requests_of`]), over the
//! same control API that the Python, PHP and C tests use.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use lbc_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

/// A sandbox that answers every API request with exactly `raw` (status line, headers, body), then
/// closes the connection; the method never runs.
pub fn answering(raw: &str) -> Sandbox {
    every_request(FaultKind::Raw(raw.to_owned()))
}

/// A sandbox that reads every API request and never answers it (until it stops).
pub fn hanging() -> Sandbox {
    every_request(FaultKind::Hang)
}

fn every_request(kind: FaultKind) -> Sandbox {
    let fault = Fault::new("*", kind, None).expect("a valid fault");
    Sandbox::start(SandboxConfig {
        faults: vec![fault],
        ..SandboxConfig::default()
    })
    .expect("the sandbox starts")
}

/// An HTTP/1.1 answer with `status` (e.g. `502 Bad Gateway`), a JSON content type and `body`.
pub fn http_answer(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// How many API requests for `method` (its wire name) the sandbox received, faulted ones included.
pub fn requests_of(sandbox: &Sandbox, method: &str) -> u64 {
    sandbox.state_json()["requests"]["by_method"][method]
        .as_u64()
        .unwrap_or(0)
}

/// A local port nothing listens on (bound, then released): connecting to it is refused.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// One plain HTTP/1.1 request to `url` (`http://HOST:PORT/path`), `Connection: close`; the status
/// code and the body (0 and what came when the answer is not HTTP).
pub fn http(method: &str, url: &str, content_type: &str, body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = TcpStream::connect(host).expect("connecting");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("sending");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reading");
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_owned());
    (status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answering_sandbox_answers_every_api_request_with_its_bytes_and_counts_them() {
        let sandbox = answering(&http_answer("502 Bad Gateway", "down"));
        let url = format!("{}balance", sandbox.base_url());
        assert_eq!(http("GET", &url, "text/plain", ""), (502, "down".into()));
        assert_eq!(requests_of(&sandbox, "balance"), 1);
        assert_eq!(requests_of(&sandbox, "call"), 0);
        // The control API is not faulted.
        let faults = format!("http://{}/_sandbox/faults", sandbox.addr());
        assert_eq!(http("GET", &faults, "text/plain", "").0, 200);
    }

    #[test]
    fn a_closed_port_refuses() {
        assert!(TcpStream::connect(("127.0.0.1", closed_port())).is_err());
    }
}
