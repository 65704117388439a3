//! The client against servers that break in every way seen in the wild, as a table: for each fault,
//! the typed error, the time taken against the deadline, and how many times the server received the
//! request. A `call` is always received exactly once (it costs money); a `call-status` is retried
//! while the fault is transient and time is left, each attempt with a new nonce.
//!
//! The server is hand-written on purpose: most of these faults happen at the TCP level in the middle
//! of an answer (a reset after the headers, a body that drips slower than the timeout, headers then
//! silence, bad chunk sizes, a gzip bomb), which an HTTP server such as the sandbox cannot produce.
//! The faults a service can show (502, 503, a reset, a delay, a cut answer, raw bytes, a hang) are
//! tested against the sandbox in lbc-tests/tests/faults.rs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lbc_core::{Client, Error, ErrorKind, TransportKind};
use lbc_protocol::{IncomingRequest, parse};

const ID: &str = "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6";
const KEY: &str = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq";
const TIMEOUT: Duration = Duration::from_millis(700);
const DEADLINE: Duration = Duration::from_millis(1800);
/// Scheduling slack allowed past the deadline.
const SLACK: Duration = Duration::from_millis(1500);
const OK_STATUS: &str = r#"{"status":4,"status_desc":"answered","last_error":null}"#;

/// What the server does after reading a request (the n-th of its method, from 0).
#[derive(Clone, Copy, Debug)]
enum Fault {
    ResetBeforeAnswer,
    ResetAfterHeaders,
    CloseMidBody,
    NeverAnswer,
    HeadersThenSilence,
    DripSlowerThanTimeout,
    Html502,
    Status503Then200,
    Status429,
    TruncatedJson,
    NonJson200,
    JsonArray,
    Huge3MiBWithLength,
    Huge3MiBWithoutLength,
    GzipBomb,
    BadChunkSizes,
    GarbageStatusLine,
    Redirect,
}

/// One request as the server read it: the method (path below the API root) and its nonce.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    nonce: Option<String>,
}

struct Server {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(fault: Fault) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/callapi/v2.0/", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let log = log.clone();
                thread::spawn(move || serve(stream, fault, &log));
            }
        });
        Server { base_url, seen }
    }

    fn seen(&self, method: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == method)
            .cloned()
            .collect()
    }
}

/// Reads one request; `None` when the client closed the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let target = line.split_whitespace().nth(1)?.to_owned();
    let mut length = 0;
    let mut content_type = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
            if name.eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_owned());
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let below = target.strip_prefix("/callapi/v2.0/")?;
    let (path, query) = match below.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (below, None),
    };
    let parsed = parse(&IncomingRequest {
        path,
        query,
        content_type: content_type.as_deref(),
        signature_header: None,
        body: &body,
    })
    .ok()?;
    Some(Seen {
        method: parsed.method,
        nonce: parsed.params.get("nonce").map(str::to_owned),
    })
}

/// 16 MiB of spaces in about 16 KiB of gzip, made once (before any client waits on it).
fn gzip_bomb() -> &'static [u8] {
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let block = vec![b' '; 1 << 20];
        for _ in 0..16 {
            encoder.write_all(&block).unwrap();
        }
        encoder.finish().unwrap()
    })
}

fn reset(stream: TcpStream) {
    // SO_LINGER 0: closing sends a RST instead of a FIN.
    let socket = socket2::Socket::from(stream);
    let _ = socket.set_linger(Some(Duration::ZERO));
    drop(socket);
}

fn serve(stream: TcpStream, fault: Fault, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    while let Some(seen) = read_request(&mut reader) {
        // How many requests of this method came before this one.
        let n = {
            let mut all = log.lock().unwrap();
            let before = all.iter().filter(|s| s.method == seen.method).count();
            all.push(seen);
            before
        };
        let answer = |out: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{headers}\r\n",
                body.len()
            );
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(body);
        };
        match fault {
            Fault::ResetBeforeAnswer => return reset(out),
            Fault::ResetAfterHeaders => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
                let _ = out.flush();
                thread::sleep(Duration::from_millis(50));
                return reset(out);
            }
            Fault::CloseMidBody => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\"");
                let _ = out.shutdown(Shutdown::Both);
                return;
            }
            Fault::NeverAnswer => {
                thread::sleep(Duration::from_secs(10));
                return;
            }
            Fault::HeadersThenSilence => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
                thread::sleep(Duration::from_secs(10));
                return;
            }
            Fault::DripSlowerThanTimeout => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n");
                for _ in 0..64 {
                    thread::sleep(Duration::from_millis(150));
                    if out.write_all(b" ").is_err() {
                        return;
                    }
                }
                return;
            }
            Fault::Html502 => answer(
                &mut out,
                "502 Bad Gateway",
                "Content-Type: text/html\r\n",
                b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            ),
            Fault::Status503Then200 if n == 0 => answer(&mut out, "503 Busy", "", b""),
            Fault::Status503Then200 => answer(&mut out, "200 OK", "", OK_STATUS.as_bytes()),
            Fault::Status429 => answer(&mut out, "429 Too Many", "Retry-After: 1\r\n", b""),
            Fault::TruncatedJson => answer(&mut out, "200 OK", "", b"{\"status\":4,\"stat"),
            Fault::NonJson200 => answer(&mut out, "200 OK", "", b"OK, thanks"),
            Fault::JsonArray => answer(&mut out, "200 OK", "", b"[1,2,3]"),
            Fault::Huge3MiBWithLength => {
                answer(&mut out, "200 OK", "", &vec![b' '; 3 << 20]);
            }
            Fault::Huge3MiBWithoutLength => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
                let _ = out.write_all(&vec![b' '; 3 << 20]);
                return;
            }
            Fault::GzipBomb => answer(
                &mut out,
                "200 OK",
                "Content-Encoding: gzip\r\n",
                gzip_bomb(),
            ),
            Fault::BadChunkSizes => {
                let _ = out.write_all(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
                );
                return;
            }
            Fault::GarbageStatusLine => {
                let _ = out.write_all(b"HTTX/9 banana\r\n\r\n");
                return;
            }
            Fault::Redirect => answer(
                &mut out,
                "302 Found",
                "Location: http://127.0.0.1:9/elsewhere\r\n",
                b"",
            ),
        }
    }
}

fn client(server: &Server) -> Client {
    Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .api_key(KEY)
        .timeout(TIMEOUT)
        .deadline(DEADLINE)
        .max_retries(2)
        .retry_base_delay(Duration::from_millis(20))
        .build()
        .unwrap()
}

/// What a fault must give: the error's kind (or success), and for `call-status` the attempts.
struct Expect {
    kind: Option<ErrorKind>,
    transport: Option<TransportKind>,
    /// How many `call-status` requests the server gets (retries of a transient fault).
    status_attempts: std::ops::RangeInclusive<usize>,
}

fn check(fault: Fault, expect: Expect) {
    if matches!(fault, Fault::GzipBomb) {
        assert!(gzip_bomb().len() < 1 << 20);
    }
    let server = Server::start(fault);
    let client = client(&server);

    let started = Instant::now();
    let result = client.call("79256880636", Some("203.0.113.7"));
    let took = started.elapsed();
    let err = result.expect_err("a broken server cannot start a call");
    println!("{fault:?}: call -> {:?} after {took:?}: {err}", err.kind());
    assert_eq!(Some(err.kind()), expect.kind, "{fault:?}: {err}");
    if expect.transport.is_some() {
        assert_eq!(err.transport_kind(), expect.transport, "{fault:?}: {err}");
    }
    assert!(
        err.may_have_been_placed(),
        "{fault:?}: the request was written, so the call may have been placed: {err}"
    );
    assert!(took <= DEADLINE + SLACK, "{fault:?}: call took {took:?}");
    assert_eq!(
        server.seen("call").len(),
        1,
        "{fault:?}: a call is sent exactly once"
    );

    let started = Instant::now();
    let result = client.call_status("c1");
    let took = started.elapsed();
    let attempts = server.seen("call-status");
    println!(
        "{fault:?}: call-status -> {:?} after {took:?}, {} attempt(s)",
        result.as_ref().map_err(Error::kind).map(|_| "ok"),
        attempts.len()
    );
    assert!(
        took <= DEADLINE + SLACK,
        "{fault:?}: call-status took {took:?}"
    );
    match (&result, expect.kind) {
        (Ok(state), _) => assert!(state.is_final(), "{fault:?}"),
        (Err(e), Some(kind)) if matches!(fault, Fault::Status503Then200) => {
            panic!("{fault:?}: expected success after the retry, got {kind:?}: {e}")
        }
        (Err(e), Some(kind)) => assert_eq!(e.kind(), kind, "{fault:?}: {e}"),
        (Err(e), None) => panic!("{fault:?}: {e}"),
    }
    assert!(
        expect.status_attempts.contains(&attempts.len()),
        "{fault:?}: {} call-status attempts, expected {:?}",
        attempts.len(),
        expect.status_attempts
    );
    let nonces: std::collections::HashSet<_> = attempts.iter().map(|s| s.nonce.clone()).collect();
    assert_eq!(
        nonces.len(),
        attempts.len(),
        "{fault:?}: each retry has a new nonce"
    );
}

fn expect(
    kind: ErrorKind,
    transport: Option<TransportKind>,
    status_attempts: std::ops::RangeInclusive<usize>,
) -> Expect {
    Expect {
        kind: Some(kind),
        transport,
        status_attempts,
    }
}

macro_rules! faults {
    ($($name:ident: $fault:expr => $expect:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check($fault, $expect);
            }
        )*
    };
}

faults! {
    reset_before_the_answer: Fault::ResetBeforeAnswer
        => expect(ErrorKind::Transport, Some(TransportKind::Reset), 3..=3);
    reset_after_the_headers: Fault::ResetAfterHeaders
        => expect(ErrorKind::Transport, Some(TransportKind::Reset), 3..=3);
    closed_mid_body: Fault::CloseMidBody
        => expect(ErrorKind::Transport, Some(TransportKind::Reset), 3..=3);
    never_answering: Fault::NeverAnswer => expect(ErrorKind::Timeout, None, 2..=3);
    headers_then_silence: Fault::HeadersThenSilence => expect(ErrorKind::Timeout, None, 2..=3);
    a_body_dripping_slower_than_the_timeout: Fault::DripSlowerThanTimeout
        => expect(ErrorKind::Timeout, None, 2..=3);
    an_html_502_page: Fault::Html502 => expect(ErrorKind::Http, None, 3..=3);
    a_503_then_200: Fault::Status503Then200 => expect(ErrorKind::Http, None, 2..=2);
    too_many_requests_429: Fault::Status429 => expect(ErrorKind::Http, None, 3..=3);
    truncated_json: Fault::TruncatedJson => expect(ErrorKind::Decode, None, 1..=1);
    non_json_200: Fault::NonJson200 => expect(ErrorKind::Decode, None, 1..=1);
    a_json_array: Fault::JsonArray => expect(ErrorKind::Decode, None, 1..=1);
    three_mib_with_length: Fault::Huge3MiBWithLength => expect(ErrorKind::Decode, None, 1..=1);
    three_mib_without_length: Fault::Huge3MiBWithoutLength
        => expect(ErrorKind::Decode, None, 1..=1);
    a_gzip_bomb: Fault::GzipBomb => expect(ErrorKind::Decode, None, 1..=1);
    bad_chunk_sizes: Fault::BadChunkSizes => expect(ErrorKind::Transport, None, 1..=3);
    a_garbage_status_line: Fault::GarbageStatusLine
        => expect(ErrorKind::Transport, Some(TransportKind::Protocol), 1..=3);
    a_redirect: Fault::Redirect => expect(ErrorKind::Http, None, 1..=1);
}

#[test]
fn a_refused_connection_placed_nothing() {
    // A port that was listening and is closed again: the connection is refused before any byte.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .store("memory:")
        .base_url(format!("http://127.0.0.1:{port}/callapi/v2.0/"))
        .call_api_id(ID)
        .api_key(KEY)
        .build()
        .unwrap();
    let err = client.call("79256880636", None).unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportKind::Connect), "{err}");
    assert!(!err.may_have_been_placed(), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}
