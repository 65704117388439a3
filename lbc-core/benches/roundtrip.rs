//! Prints what a round trip to a local sandbox costs through the SDK's `Client`, against the same
//! request written by hand on one kept-alive connection, and on a new connection per request.
//!
//! `cargo bench -p lbc-core --bench roundtrip` — figures and ratios only, nothing asserted. The SDK
//! should be close to the raw kept-alive request (its pool reuses the connection; its resolver costs
//! no thread and no DNS query per request) and well ahead of a new connection per request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use lbc_core::Client;
use lbc_sandbox::{Sandbox, SandboxConfig};

mod support;
use support::measure;

const WARMUP: usize = 500;
const ROUNDS: usize = 5_000;

/// The request the SDK sends for `server-status` (POST form, no parameters), written by hand.
fn raw_request(addr: SocketAddr) -> Vec<u8> {
    format!(
        "POST /callapi/v2.0/server-status HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// Sends `request` and reads one answer (headers and a Content-Length body).
fn exchange(reader: &mut BufReader<TcpStream>, request: &[u8]) {
    reader.get_mut().write_all(request).expect("write");
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("read");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().expect("length");
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    assert!(body.starts_with(b"{\"server_status\""), "a real answer");
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let addr = sandbox.addr();
    let request = raw_request(addr);
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .build()
        .expect("client");

    let sdk = measure(WARMUP, ROUNDS, || {
        client.server_status().expect("server-status");
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}server-status", sandbox.base_url());
    let plain_ureq = measure(WARMUP, ROUNDS, || {
        let mut answer = agent
            .post(&url)
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .send(&[][..])
            .expect("server-status");
        let body = answer.body_mut().read_to_vec().expect("body");
        assert!(body.starts_with(b"{\"server_status\""));
    });
    let mut kept = BufReader::new(TcpStream::connect(addr).expect("connect"));
    kept.get_ref().set_nodelay(true).expect("nodelay");
    let raw_kept_alive = measure(WARMUP, ROUNDS, || exchange(&mut kept, &request));
    let raw_new_connection = measure(WARMUP, ROUNDS, || {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        exchange(&mut BufReader::new(stream), &request);
    });

    println!("server-status round trip to a local sandbox, {ROUNDS} rounds each:");
    println!(
        "{:<38} {:>12} {:>12} {:>14}",
        "", "median µs", "p99 µs", "median ratio"
    );
    for (name, (median, p99)) in [
        ("SDK Client (pooled, cached resolver)", sdk),
        ("ureq Agent alone, same request", plain_ureq),
        ("raw request, kept-alive connection", raw_kept_alive),
        ("raw request, new connection each", raw_new_connection),
    ] {
        println!(
            "{name:<38} {:>12.1} {:>12.1} {:>13.2}x",
            micros(median),
            micros(p99),
            median.as_secs_f64() / sdk.0.as_secs_f64()
        );
    }
    println!(
        "SDK vs raw kept-alive: {:.2}x (target <= 1.10x); new connection vs SDK: {:.2}x (target >= 3x)",
        sdk.0.as_secs_f64() / raw_kept_alive.0.as_secs_f64(),
        raw_new_connection.0.as_secs_f64() / sdk.0.as_secs_f64()
    );
    sandbox.shutdown();
}
