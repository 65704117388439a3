//! Helpers shared by the integration tests: sandboxes, clients, raw HTTP, a verify-file server.
#![allow(dead_code, missing_docs)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lbc_core::protocol::{Encoding, ErrorCode, SignaturePlacement};
use lbc_core::testing::{Clock, NonceSource, SystemClock};
use lbc_core::{Client, ClientBuilder, Error};
use lbc_sandbox::{Credentials, Sandbox, SandboxConfig};
use serde_json::Value;

/// A sandbox whose calls end quickly (queued 50 ms, ringing 100 ms).
pub fn fast() -> Sandbox {
    Sandbox::start(SandboxConfig {
        dial: Duration::from_millis(50),
        ring: Duration::from_millis(100),
        ..Default::default()
    })
    .expect("sandbox starts")
}

/// A sandbox whose calls move only when the test advances the clock (10 s queued, 10 s ringing).
pub fn slow() -> Sandbox {
    Sandbox::start(SandboxConfig {
        dial: Duration::from_secs(10),
        ring: Duration::from_secs(10),
        ..Default::default()
    })
    .expect("sandbox starts")
}

/// A client builder aimed at the sandbox, without retries so every request is sent once.
pub fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder()
        .base_url(sandbox.base_url())
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        // Each test's logins count in its own memory (a seeded sandbox may repeat call ids);
        // the store tests choose theirs.
        .store("memory:")
}

/// A client for `credentials`.
pub fn client_for(sandbox: &Sandbox, credentials: &Credentials) -> Client {
    builder(sandbox)
        .call_api_id(&credentials.call_api_id)
        .api_key(credentials.api_key.as_str())
        .build()
        .expect("client builds")
}

/// A client for `credentials` with an encoding and signature placement.
pub fn client_with(
    sandbox: &Sandbox,
    credentials: &Credentials,
    encoding: Encoding,
    placement: SignaturePlacement,
) -> Client {
    builder(sandbox)
        .call_api_id(&credentials.call_api_id)
        .api_key(credentials.api_key.as_str())
        .encoding(encoding)
        .signature_placement(placement)
        .build()
        .expect("client builds")
}

/// A client for the sandbox's first seeded account.
pub fn client(sandbox: &Sandbox) -> Client {
    client_for(sandbox, &sandbox.accounts()[0])
}

/// The API error code of a failed call, as its wire text (panics on other failures).
pub fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(err) => match err.code() {
            Some(code) => code.as_str().to_owned(),
            None => panic!("expected an API error, got {err:?}"),
        },
        Ok(value) => panic!("expected an API error, got {value:?}"),
    }
}

/// Asserts that `result` is the API error `expected`.
#[track_caller]
pub fn assert_code<T: std::fmt::Debug>(result: Result<T, Error>, expected: ErrorCode) {
    assert_eq!(code(result), expected.as_str());
}

/// A parsed HTTP answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw request bytes and reads the whole answer (send `Connection: close`).
pub fn raw(addr: SocketAddr, request: &[u8]) -> Raw {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request).expect("write request");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read answer");
    parse_answer(&bytes)
}

fn parse_answer(bytes: &[u8]) -> Raw {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Raw {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// `GET target` (target with its leading `/`).
pub fn get(addr: SocketAddr, target: &str) -> Raw {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// A request with a body.
pub fn send(addr: SocketAddr, method: &str, target: &str, content_type: &str, body: &[u8]) -> Raw {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    raw(addr, &request)
}

/// A JSON request to a control endpoint.
pub fn control(addr: SocketAddr, method: &str, target: &str, body: &Value) -> Raw {
    send(
        addr,
        method,
        target,
        "application/json",
        body.to_string().as_bytes(),
    )
}

/// Creates an account through `POST /_sandbox/accounts`.
pub fn new_account(sandbox: &Sandbox, spec: Value) -> Credentials {
    let answer = control(sandbox.addr(), "POST", "/_sandbox/accounts", &spec);
    assert_eq!(answer.status, 200, "{}", answer.text());
    serde_json::from_value(answer.json()).expect("credentials")
}

/// Changes an account through `PATCH /_sandbox/accounts/{id}`; returns its state.
pub fn patch_account(sandbox: &Sandbox, id: &str, changes: Value) -> Value {
    let answer = control(
        sandbox.addr(),
        "PATCH",
        &format!("/_sandbox/accounts/{id}"),
        &changes,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

/// The mails in the outbox.
pub fn outbox(sandbox: &Sandbox) -> Vec<Value> {
    let answer = get(sandbox.addr(), "/_sandbox/outbox");
    assert_eq!(answer.status, 200);
    match answer.json() {
        Value::Array(mails) => mails,
        other => panic!("outbox is not an array: {other}"),
    }
}

/// The key mailed with `call_api_id`.
pub fn mailed_key(sandbox: &Sandbox, call_api_id: &str) -> String {
    outbox(sandbox)
        .iter()
        .rev()
        .find(|m| m["call_api_id"] == call_api_id)
        .and_then(|m| m["api_key"].as_str())
        .unwrap_or_else(|| panic!("no mail for {call_api_id}"))
        .to_owned()
}

/// Always the same nonce: to replay a request.
pub struct FixedNonce(pub &'static str);

impl NonceSource for FixedNonce {
    fn nonce(&self) -> Result<String, Error> {
        Ok(self.0.to_owned())
    }
}

/// The system clock shifted by some seconds.
pub struct ShiftedClock(pub i64);

impl Clock for ShiftedClock {
    fn unix_now(&self) -> u64 {
        let now = SystemClock.unix_now() as i64;
        (now + self.0).max(0) as u64
    }
}

/// Now as UNIX seconds, by the system clock.
pub fn unix_now() -> i64 {
    SystemClock.unix_now() as i64
}

/// A tiny HTTP server for verification files: answers every request with the current status and
/// body, and records the request targets it saw. Hand-written on purpose: it plays the customer's
/// web site that `credential_confirm` fetches `verify_url` from (changing its answer between
/// requests and telling which paths were asked for), not the service, which is the sandbox's part.
#[derive(Clone)]
pub struct VerifyServer {
    pub addr: SocketAddr,
    inner: Arc<Mutex<(u16, String, Vec<String>)>>,
}

impl VerifyServer {
    pub fn start() -> VerifyServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let inner = Arc::new(Mutex::new((200u16, String::new(), Vec::new())));
        let shared = inner.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let target = String::from_utf8_lossy(&head)
                    .split(' ')
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let (status, body) = {
                    let mut guard = shared.lock().unwrap();
                    guard.2.push(target);
                    (guard.0, guard.1.clone())
                };
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        VerifyServer { addr, inner }
    }

    /// `http://127.0.0.1:PORT{path}`
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn serve(&self, status: u16, body: &str) {
        let mut guard = self.inner.lock().unwrap();
        guard.0 = status;
        guard.1 = body.to_owned();
    }

    /// The request targets seen so far.
    pub fn requests(&self) -> Vec<String> {
        self.inner.lock().unwrap().2.clone()
    }
}

// Not every test file that includes this module uses them.
#[allow(unused_imports)]
pub use lbc_testkit::closed_port;
