//! A scripted HTTP/1.1 server on 127.0.0.1:0 for testing the client's transport behaviour.
//!
//! Hand-written on purpose, not the sandbox: these tests read back the exact requests the client
//! wrote (a fresh nonce and signature on each retry, the encoding, the headers, the user agent) and
//! script a different answer for each one, and the sandbox neither hands back what it received nor
//! answers request by request from a script. Tests that need only a failure of the service use the
//! sandbox's faults (lbc-tests/tests/faults.rs).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use lbc_protocol::{IncomingRequest, ParsedRequest, parse};

/// What the server does with one request.
pub enum Reply {
    /// Answer with this status, extra headers and body.
    Respond(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Read the request, then never answer (the connection stays open).
    Hang,
}

impl Reply {
    /// HTTP 200 with a JSON body.
    pub fn json(body: &str) -> Reply {
        Reply::Respond(
            200,
            vec![("Content-Type", "application/json".into())],
            body.as_bytes().to_vec(),
        )
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request read back with lbc-core's own parser (paths are below `/callapi/v2.0/`).
    pub fn parsed(&self) -> ParsedRequest {
        let below = self
            .target
            .strip_prefix("/callapi/v2.0/")
            .expect("API root");
        let (path, query) = match below.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (below, None),
        };
        parse(&IncomingRequest {
            path,
            query,
            content_type: self.header("content-type"),
            signature_header: self.header("signature"),
            body: &self.body,
        })
        .expect("the client's request parses")
    }
}

/// The running server: the requests it got, and its base URL.
pub struct FakeServer {
    pub base_url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl FakeServer {
    /// Serves every request with `script(n)`, `n` counting requests from 0.
    pub fn start(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/callapi/v2.0", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let recorded = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (script, recorded) = (script.clone(), recorded.clone());
                thread::spawn(move || serve_connection(stream, &*script, &recorded));
            }
        });
        FakeServer { base_url, requests }
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve_connection(
    stream: TcpStream,
    script: &dyn Fn(usize) -> Reply,
    recorded: &Mutex<Vec<Recorded>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let n = {
            let mut all = recorded.lock().unwrap();
            all.push(Recorded {
                method,
                target,
                headers,
                body,
            });
            all.len() - 1
        };
        match script(n) {
            Reply::Hang => {
                thread::sleep(Duration::from_secs(30));
                return;
            }
            Reply::Respond(status, extra, body) => {
                let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (n, v) in extra {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                head.push_str("\r\n");
                if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
                    return;
                }
            }
        }
    }
}
