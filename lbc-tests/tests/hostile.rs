//! Hostile request bodies: the parameter cap, and that no request's parsing holds up the answers of
//! other clients (issue 7, item 2).

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;
use lbc_core::protocol::MAX_PARAMS;

/// The largest body the sandbox reads.
const MIB: usize = 1024 * 1024;
const FORM: &str = "application/x-www-form-urlencoded";

/// A form body of `count` distinct names (`0=1&1=1&...` in hex).
fn many_names(count: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..count {
        body.push_str(&format!("{i:x}=1&"));
    }
    body.pop();
    body.into_bytes()
}

/// Bodies of the shapes that cost a parser the most, each at most 1 MiB, with their content type.
fn hostile_bodies() -> Vec<(String, Vec<u8>)> {
    let mut bodies = Vec::new();
    // ~120 000 distinct names: quadratic insertion took ~18 s here.
    bodies.push((FORM.to_owned(), many_names(120_000)));
    // The same as a JSON object: it is read whole before the names are counted.
    let mut json = String::from("{");
    let mut i = 0;
    while json.len() < MIB - 32 {
        json.push_str(&format!("\"{i:x}\":1,"));
        i += 1;
    }
    json.pop();
    json.push('}');
    bodies.push(("application/json".to_owned(), json.into_bytes()));
    // A multipart body whose one part is full of lines that almost match the boundary.
    let boundary = "b".repeat(200);
    let near = format!("\r\n--{}X", &boundary[..199]);
    let mut multipart =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"call-api-id\"\r\n\r\n");
    while multipart.len() < MIB - near.len() - boundary.len() - 16 {
        multipart.push_str(&near);
    }
    multipart.push_str(&format!("\r\n--{boundary}--\r\n"));
    bodies.push((
        format!("multipart/form-data; boundary={boundary}"),
        multipart.into_bytes(),
    ));
    // Deeply nested JSON in `params`.
    let mut deep = String::from("params=");
    deep.push_str(&"%5B".repeat((MIB - 16) / 3));
    bodies.push((FORM.to_owned(), deep.into_bytes()));
    // One 1 MiB value of percent escapes, and a million empty pairs.
    let mut escapes = String::from("call-api-id=");
    escapes.push_str(&"%41".repeat((MIB - 16) / 3));
    bodies.push((FORM.to_owned(), escapes.into_bytes()));
    bodies.push((FORM.to_owned(), "&".repeat(MIB).into_bytes()));
    for (content_type, body) in &bodies {
        assert!(body.len() <= MIB, "{content_type}: {} bytes", body.len());
    }
    bodies
}

#[test]
fn a_request_over_the_parameter_cap_is_invalid_args_at_once() {
    let sandbox = fast();
    let body = many_names(120_000);
    assert!(body.len() <= MIB);
    let started = Instant::now();
    let answer = send(
        sandbox.addr(),
        "POST",
        "/callapi/v2.0/server-status",
        FORM,
        &body,
    );
    let took = started.elapsed();
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        answer.headers
    );
    let json = answer.json();
    assert_eq!(json["error"], "INVALID_ARGS", "{json}");
    let reason = json["reason"].as_str().unwrap();
    assert!(
        reason.contains("params") && reason.contains(&MAX_PARAMS.to_string()),
        "{reason}"
    );
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
}

#[test]
fn the_cap_counts_every_parameter_of_a_request() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let post = |body: &[u8]| send(addr, "POST", "/callapi/v2.0/server-status", FORM, body).json();
    // Exactly the cap is a request like any other (unknown names are ignored).
    assert_eq!(post(&many_names(MAX_PARAMS))["server_status"], 1);
    assert_eq!(post(&many_names(MAX_PARAMS + 1))["error"], "INVALID_ARGS");
    // The query and the body count together.
    let answer = send(
        addr,
        "POST",
        "/callapi/v2.0/server-status?zz=1",
        FORM,
        &many_names(MAX_PARAMS),
    );
    assert_eq!(answer.json()["error"], "INVALID_ARGS");
}

#[test]
fn hostile_bodies_do_not_delay_other_clients() {
    const HOSTILE_CLIENTS: usize = 2;
    let sandbox = fast();
    let addr = sandbox.addr();
    let bodies = Arc::new(hostile_bodies());
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(HOSTILE_CLIENTS + 1));
    let clients: Vec<_> = (0..HOSTILE_CLIENTS)
        .map(|k| {
            let (bodies, stop, rounds, start) =
                (bodies.clone(), stop.clone(), rounds.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut sent = 0;
                while !stop.load(Ordering::Relaxed) {
                    // Each client starts at another shape, so different shapes overlap too.
                    let (content_type, body) = &bodies[(k + sent) % bodies.len()];
                    let answer = send(addr, "POST", "/callapi/v2.0/balance", content_type, body);
                    assert_eq!(answer.status, 200, "{content_type}: {}", answer.text());
                    let json = answer.json();
                    assert!(json["error"].is_string(), "{content_type}: {json}");
                    sent += 1;
                    if sent % bodies.len() == 0 {
                        rounds.fetch_add(1, Ordering::Relaxed);
                    }
                }
                sent
            })
        })
        .collect();

    start.wait();
    let mut probes = 0;
    let mut slowest = Duration::ZERO;
    // Probe until every hostile client has sent every shape at least once (and 10 times at least).
    while probes < 10 || rounds.load(Ordering::Relaxed) < HOSTILE_CLIENTS {
        let started = Instant::now();
        let answer = if probes % 2 == 0 {
            get(addr, "/callapi/v2.0/server-status")
        } else {
            get(addr, "/_sandbox/outbox")
        };
        let took = started.elapsed();
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert!(
            answer.json()["server_status"] == 1 || answer.json().is_array(),
            "{}",
            answer.text()
        );
        slowest = slowest.max(took);
        assert!(
            took < Duration::from_secs(1),
            "probe {probes} waited {took:?} behind the hostile bodies"
        );
        probes += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        let sent = client.join().expect("a hostile client failed");
        assert!(sent >= bodies.len());
    }
    eprintln!("{probes} probes, the slowest answered in {slowest:?}");
}

#[test]
fn rejected_input_is_quoted_only_as_an_excerpt() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let huge = "x".repeat(MIB - 64);
    let register = format!("domain=example.com&admin_email={huge}");
    let status = format!("call-api-id={huge}");
    let method = "m".repeat(30_000);
    let answers = [
        send(
            addr,
            "POST",
            "/callapi/v2.0/register",
            FORM,
            register.as_bytes(),
        ),
        send(
            addr,
            "POST",
            "/callapi/v2.0/status",
            FORM,
            status.as_bytes(),
        ),
        get(addr, &format!("/callapi/v2.0/{method}")),
    ];
    for (answer, code) in answers
        .iter()
        .zip(["INVALID_ARGS", "INVALID_ACCOUNT", "INVALID_ARGS"])
    {
        let json = answer.json();
        assert_eq!(json["error"], code, "{json}");
        let reason = json["reason"].as_str().unwrap();
        assert!(reason.len() < 200, "{} bytes: {reason}", reason.len());
        assert!(answer.body.len() < 1024, "{} bytes", answer.body.len());
    }
}
