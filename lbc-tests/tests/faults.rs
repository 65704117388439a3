//! Failures on demand: `/_sandbox/faults`, `SandboxConfig::faults` and the `Sandbox` methods, and
//! how the SDK sees each fault.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use lbc_core::TransportKind;
use lbc_core::protocol::ErrorCode;
use lbc_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};
use serde_json::{Value, json};

fn arm(sandbox: &Sandbox, fault: Value) -> Raw {
    control(sandbox.addr(), "POST", "/_sandbox/faults", &fault)
}

fn armed(sandbox: &Sandbox) -> Value {
    let answer = get(sandbox.addr(), "/_sandbox/faults");
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

fn state(sandbox: &Sandbox) -> Value {
    let answer = get(sandbox.addr(), "/_sandbox/state");
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

/// Sends `request` and reads until the connection ends, keeping what came before an error.
fn raw_until_closed(addr: SocketAddr, request: &[u8]) -> (Vec<u8>, Option<ErrorKind>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return (bytes, None),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) => return (bytes, Some(e.kind())),
        }
    }
}

fn balance_request(sandbox: &Sandbox) -> Vec<u8> {
    let creds = &sandbox.accounts()[0];
    let addr = sandbox.addr();
    // Unsigned: the answer (NO_SIGNATURE) does not matter, only how it arrives.
    format!(
        "GET /callapi/v2.0/balance?call-api-id={} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
        creds.call_api_id
    )
    .into_bytes()
}

#[test]
fn a_502_answers_instead_of_call_and_places_nothing() {
    let sandbox = fast();
    let client = client(&sandbox);
    let answer = arm(
        &sandbox,
        json!({"method": "call", "kind": "502", "count": 1}),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        answer.json(),
        json!({"method": "call", "kind": "502", "count": 1})
    );

    client.balance().unwrap();
    let err = client.call("79256880636", None).unwrap_err();
    assert_eq!(err.http_status(), Some(502), "{err:?}");
    assert!(sandbox.latest_call_to("79256880636").is_none());
    assert_eq!(client.balance().unwrap().consumed.0, 0, "not charged");
    assert_eq!(armed(&sandbox), json!([]), "a spent fault is disarmed");

    let started = client.call("79256880636", None).unwrap();
    assert_eq!(
        sandbox.latest_call_to("79256880636").unwrap().call,
        started.call
    );
    let requests = &state(&sandbox)["requests"];
    assert_eq!(requests["by_method"]["call"], 2, "the faulted one counts");
    assert_eq!(requests["faulted"], 1);
}

#[test]
fn the_gateway_pages_are_html_as_nginx_sends_them() {
    let sandbox = fast();
    sandbox.arm_fault("*:502:1".parse().unwrap());
    sandbox.arm_fault("*:503:1".parse().unwrap());
    let first = raw(sandbox.addr(), &balance_request(&sandbox));
    assert_eq!(first.status, 502);
    assert_eq!(first.header("content-type"), Some("text/html"));
    assert!(
        first.text().contains("<h1>502 Bad Gateway</h1>"),
        "{}",
        first.text()
    );
    assert!(
        first.header("x-request-id").is_some(),
        "still a request the sandbox received"
    );
    let second = raw(sandbox.addr(), &balance_request(&sandbox));
    assert_eq!(second.status, 503);
    assert!(
        second
            .text()
            .contains("503 Service Temporarily Unavailable")
    );
    let third = raw(sandbox.addr(), &balance_request(&sandbox));
    assert_eq!(third.status, 200);
    assert_eq!(third.json()["error"], "NO_SIGNATURE");
}

#[test]
fn a_fault_for_every_method_spares_the_control_endpoints() {
    let sandbox = fast();
    let client = client(&sandbox);
    arm(&sandbox, json!({"method": "*", "kind": "503"}));
    for _ in 0..3 {
        assert_eq!(client.balance().unwrap_err().http_status(), Some(503));
    }
    assert_eq!(client.status().unwrap_err().http_status(), Some(503));
    let unknown = get(sandbox.addr(), "/callapi/v2.0/no-such-method");
    assert_eq!(unknown.status, 503, "requests naming no method too");
    // /_sandbox/ is never faulted.
    assert_eq!(get(sandbox.addr(), "/_sandbox/outbox").status, 200);
    assert_eq!(armed(&sandbox)[0]["count"], Value::Null, "until cleared");
    let cleared = send(
        sandbox.addr(),
        "DELETE",
        "/_sandbox/faults",
        "application/json",
        b"",
    );
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.json(), json!({"cleared": 1}));
    client.balance().unwrap();
}

#[test]
fn faults_of_one_method_leave_the_others_alone_and_are_taken_oldest_first() {
    let sandbox = fast();
    let client = client(&sandbox);
    arm(
        &sandbox,
        json!({"method": "balance", "kind": "502", "count": 2}),
    );
    arm(
        &sandbox,
        json!({"method": "balance", "kind": "503", "count": 1}),
    );
    client.status().unwrap();
    assert_eq!(
        armed(&sandbox),
        json!([
            {"method": "balance", "kind": "502", "count": 2},
            {"method": "balance", "kind": "503", "count": 1},
        ])
    );
    let statuses: Vec<Option<u16>> = (0..4)
        .map(|_| client.balance().err().and_then(|e| e.http_status()))
        .collect();
    assert_eq!(statuses, [Some(502), Some(502), Some(503), None]);
}

#[test]
fn an_error_fault_answers_any_code_with_any_additional() {
    let sandbox = fast();
    let client = client(&sandbox);
    sandbox.arm_fault(
        r#"call:error=SOMETHING_NEW,additional={"hint":"try later","n":[1,2]}:1"#
            .parse()
            .unwrap(),
    );
    let err = client.call("79256880636", None).unwrap_err();
    let api = err.api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.code, ErrorCode::Other("SOMETHING_NEW".into()));
    assert_eq!(
        api.additional,
        Some(json!({"hint": "try later", "n": [1, 2]}))
    );
    assert!(
        sandbox.latest_call_to("79256880636").is_none(),
        "no call placed"
    );
    assert_eq!(client.balance().unwrap().consumed.0, 0, "nothing charged");

    arm(
        &sandbox,
        json!({"method": "call", "kind": "error", "code": "CALL_REPEAT_TIMEOUT",
               "additional": {"delay": 2.5}, "count": 1}),
    );
    let err = client.call("79256880636", None).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::CallRepeatTimeout));
    assert_eq!(err.delay(), Some(Duration::from_millis(2500)));
    let api = err.api().unwrap();
    assert_eq!(
        api.class.as_deref(),
        Some("PROCESS"),
        "a known code keeps its class"
    );
}

#[test]
fn a_delay_holds_the_request_then_runs_it() {
    let sandbox = Sandbox::start(SandboxConfig {
        // The delay is not counted against the request timeout.
        request_timeout: Duration::from_millis(400),
        ..Default::default()
    })
    .unwrap();
    arm(
        &sandbox,
        json!({"method": "call", "kind": "delay", "delay_ms": 1500, "count": 2}),
    );
    let impatient = builder(&sandbox)
        .call_api_id(&sandbox.accounts()[0].call_api_id)
        .api_key(sandbox.accounts()[0].api_key.as_str())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = impatient.call("79256880636", None).unwrap_err();
    assert_eq!(err.kind().as_str(), "timeout", "{err:?}");
    assert!(err.may_have_been_placed());
    // The request still runs once its delay is over: the call is placed.
    let deadline = Instant::now() + Duration::from_secs(20);
    while sandbox.latest_call_to("79256880636").is_none() {
        assert!(
            Instant::now() < deadline,
            "the delayed call was never placed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let patient = client(&sandbox);
    let began = Instant::now();
    let started = patient.call("79256880637", None).unwrap();
    assert!(began.elapsed() >= Duration::from_millis(1500));
    assert_eq!(sandbox.call(&started.call).unwrap().msisdn, "79256880637");
}

#[test]
fn a_reset_fault_resets_the_connection_without_an_answer() {
    let sandbox = fast();
    sandbox.arm_fault("balance:reset:1".parse().unwrap());
    let (bytes, error) = raw_until_closed(sandbox.addr(), &balance_request(&sandbox));
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
    assert_eq!(error, Some(ErrorKind::ConnectionReset));

    sandbox.arm_fault("call:reset:1".parse().unwrap());
    let client = client(&sandbox);
    let err = client.call("79256880636", None).unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportKind::Reset), "{err:?}");
    assert!(
        sandbox.latest_call_to("79256880636").is_none(),
        "no call placed"
    );
    client.call("79256880636", None).unwrap();
}

#[test]
fn a_truncated_answer_is_cut_after_the_method_ran() {
    let sandbox = fast();
    sandbox.arm_fault("balance:truncate:1".parse().unwrap());
    let (bytes, _) = raw_until_closed(sandbox.addr(), &balance_request(&sandbox));
    let answer = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap_or_else(|| panic!("{head}"))
        .parse()
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !body.is_empty() && body.len() < length,
        "{} of {length}",
        body.len()
    );
    assert!(body.starts_with("{\"clazz\""), "{body}");

    sandbox.arm_fault("call:truncate:1".parse().unwrap());
    let client = client(&sandbox);
    let err = client.call("79256880636", None).unwrap_err();
    assert!(err.may_have_been_placed(), "{err:?}");
    assert!(err.api().is_none(), "{err:?}");
    // The method ran: the call was placed and charged; only its answer was lost.
    assert!(sandbox.latest_call_to("79256880636").is_some());
    assert_eq!(client.balance().unwrap().consumed.0, 100);
}

#[test]
fn a_raw_fault_writes_exactly_its_bytes_then_closes() {
    let sandbox = fast();
    let bytes = "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"status\":4,\"stat";
    let listed = arm(
        &sandbox,
        json!({"method": "balance", "kind": "raw", "bytes": bytes, "count": 1}),
    );
    assert_eq!(listed.status, 200, "{}", listed.text());
    assert_eq!(listed.json()["bytes"], bytes);
    let (got, error) = raw_until_closed(sandbox.addr(), &balance_request(&sandbox));
    assert_eq!(String::from_utf8_lossy(&got), bytes);
    assert_eq!(error, None, "closed with a FIN after the bytes");

    // The SDK's view of a few answers no server should send; the method never runs.
    let client = client(&sandbox);
    for (answer, check) in [
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"call\":\"c",
            "truncated",
        ),
        ("HTTP/9.9 200 OK\r\n\r\n{}", "bad version"),
        ("garbage\r\n\r\n", "garbage"),
    ] {
        sandbox.arm_fault(Fault::new("call", FaultKind::Raw(answer.into()), Some(1)).unwrap());
        let err = client.call("79256880636", None).unwrap_err();
        assert!(err.api().is_none(), "{check}: {err:?}");
        assert!(err.may_have_been_placed(), "{check}: {err:?}");
    }
    assert!(sandbox.latest_call_to("79256880636").is_none());
    assert_eq!(state(&sandbox)["requests"]["faulted"], 4);
}

#[test]
fn a_hang_fault_never_answers_and_does_not_hold_up_the_stop() {
    let sandbox = fast();
    sandbox.arm_fault("*:hang:1".parse().unwrap());
    let client = builder(&sandbox)
        .call_api_id(&sandbox.accounts()[0].call_api_id)
        .api_key(sandbox.accounts()[0].api_key.as_str())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.call("79256880636", None).unwrap_err();
    assert_eq!(err.kind(), lbc_core::ErrorKind::Timeout, "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(sandbox.latest_call_to("79256880636").is_none(), "not run");
    // Spent: the next request is answered.
    client.call("79256880636", None).unwrap();

    // A request still held when the sandbox stops ends with it.
    sandbox.arm_fault("*:hang".parse().unwrap());
    let addr = sandbox.addr();
    let request = balance_request(&sandbox);
    let held = std::thread::spawn(move || raw_until_closed(addr, &request));
    std::thread::sleep(Duration::from_millis(200));
    let stopping = Instant::now();
    sandbox.shutdown();
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "{:?}",
        stopping.elapsed()
    );
    let (bytes, _) = held.join().unwrap();
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
}

#[test]
fn the_connection_counter_counts_accepted_and_api_connections() {
    let sandbox = fast();
    let client = client(&sandbox);
    for _ in 0..3 {
        client.balance().unwrap();
    }
    let counts = sandbox.connections();
    assert_eq!(counts.api, 1, "one kept-alive connection: {counts:?}");
    assert_eq!(counts.accepted, 1, "{counts:?}");

    // Over the control API: a fresh connection carries the read, and is counted too.
    let read = get(sandbox.addr(), "/_sandbox/connections").json();
    assert_eq!(read, json!({"accepted": 2, "api": 1}));
    let reset = raw(
        sandbox.addr(),
        format!(
            "DELETE /_sandbox/connections HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            sandbox.addr()
        )
        .as_bytes(),
    );
    assert_eq!(reset.json(), json!({"accepted": 3, "api": 1}));
    assert_eq!(sandbox.connections(), Default::default());

    // The kept-alive connection was counted once and is not again; a new client opens a new
    // connection, and so does each raw request.
    client.clone().balance().unwrap();
    let other = builder(&sandbox).call_api_id("x").build().unwrap();
    let _ = other.balance();
    let _ = raw_until_closed(sandbox.addr(), &balance_request(&sandbox));
    assert_eq!(sandbox.reset_connections().api, 2);
}

#[test]
fn faults_given_at_start_are_armed() {
    let sandbox = Sandbox::start(SandboxConfig {
        faults: vec![
            "balance:503:1".parse().unwrap(),
            "*:error=Error".parse().unwrap(),
        ],
        ..Default::default()
    })
    .unwrap();
    let listed: Vec<Value> = sandbox
        .faults()
        .iter()
        .map(|f| serde_json::to_value(f).unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            json!({"method": "balance", "kind": "503", "count": 1}),
            json!({"method": "*", "kind": "error", "code": "Error", "count": null}),
        ]
    );
    assert_eq!(Value::Array(listed), armed(&sandbox));
    let client = client(&sandbox);
    assert_eq!(client.balance().unwrap_err().http_status(), Some(503));
    assert_code(client.balance(), ErrorCode::Error);
    sandbox.clear_faults();
    assert!(sandbox.faults().is_empty());
    client.balance().unwrap();
}

#[test]
fn the_rust_api_arms_what_the_endpoint_does() {
    let sandbox = fast();
    let fault = Fault::new(
        "call-status",
        FaultKind::Delay(Duration::from_millis(10)),
        Some(3),
    )
    .unwrap();
    sandbox.arm_fault(fault.clone());
    assert_eq!(sandbox.faults(), [fault]);
    assert_eq!(
        armed(&sandbox),
        json!([{"method": "call-status", "kind": "delay", "delay_ms": 10, "count": 3}])
    );
    assert!(Fault::new("call", FaultKind::Reset, Some(0)).is_err());
    assert!(Fault::new("nope", FaultKind::Reset, None).is_err());
}

#[test]
fn bad_fault_bodies_are_refused_with_the_reason() {
    let sandbox = fast();
    for (body, says) in [
        (json!({"method": "call"}), "kind is required"),
        (
            json!({"method": "calls", "kind": "502"}),
            "unknown API method",
        ),
        (json!({"method": "call", "kind": "504"}), "unknown kind"),
        (
            json!({"method": "call", "kind": "delay"}),
            "delay_ms is required",
        ),
        (
            json!({"method": "call", "kind": "delay", "delay_ms": 600_001}),
            "more than",
        ),
        (
            json!({"method": "call", "kind": "error", "code": "<b>"}),
            "error code",
        ),
        (
            json!({"method": "call", "kind": "reset", "count": -1}),
            "count must be",
        ),
        (
            json!({"method": "call", "kind": "reset", "extra": 1}),
            "unknown member",
        ),
    ] {
        let answer = arm(&sandbox, body.clone());
        assert_eq!(answer.status, 400, "{body}");
        let reason = answer.json()["reason"].as_str().unwrap().to_owned();
        assert!(reason.contains(says), "{body}: {reason}");
    }
    assert_eq!(armed(&sandbox), json!([]));
}
