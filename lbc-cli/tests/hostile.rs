//! `lbc` against scripted servers: a failed `call` that may have been placed is warned about, text
//! from the service never brings control characters to the terminal, the deadline holds.

mod common;

use common::{RecordingServer, ScriptedServer, closed_port, run, run_command};
use serde_json::Value;

/// The phrase of the warning after a `call` that may have been placed.
const PLACED: &str = "may have been placed and charged";

/// Characters that must never reach a terminal from the service.
fn has_terminal_controls(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c))
}

fn stderr_json(stderr: &str) -> Value {
    serde_json::from_str(stderr.trim())
        .unwrap_or_else(|e| panic!("stderr is not one JSON object ({e}): {stderr}"))
}

#[test]
fn a_call_answered_with_502_exits_3_and_warns_that_it_may_have_been_placed() {
    let server = ScriptedServer::answering("502 Bad Gateway", "<h1>Bad Gateway</h1>");
    let result = server.run(&["call", "79256880636"]).expect(3);
    assert!(result.stdout.is_empty(), "{result:?}");
    assert!(result.stderr.contains("HTTP 502"), "{result:?}");
    assert!(
        result.stderr.contains(PLACED) && result.stderr.contains("warning"),
        "{result:?}"
    );
    assert_eq!(server.count("call"), 1, "a call is never sent twice");

    let json = server.run(&["call", "79256880636", "--json"]).expect(3);
    let error = stderr_json(&json.stderr);
    assert_eq!(error["exit_code"], 3);
    assert_eq!(error["error"]["kind"], "http_error");
    assert_eq!(error["error"]["http_status"], 502);
    assert_eq!(error["error"]["may_have_been_placed"], true);
    assert!(
        error["error"]["warning"].as_str().unwrap().contains(PLACED),
        "{error}"
    );

    let request = server
        .run(&["request", "call", "msisdn=79256880636"])
        .expect(3);
    assert!(request.stderr.contains(PLACED), "{request:?}");
    assert_eq!(server.count("call"), 3);
}

#[test]
fn no_warning_when_no_call_can_have_been_placed() {
    // Other methods place no call, whatever the answer.
    let server = ScriptedServer::answering("502 Bad Gateway", "down");
    let status = server.run(&["call-status", "c1"]).expect(3);
    assert!(!status.stderr.contains(PLACED), "{status:?}");
    let balance = server.run(&["request", "balance"]).expect(3);
    assert!(!balance.stderr.contains(PLACED), "{balance:?}");

    // Refused before sending: nothing reached a service.
    let refused = server.run(&["call", "12"]).expect(2);
    assert!(!refused.stderr.contains(PLACED), "{refused:?}");
    assert_eq!(server.count("call"), 0);

    // Nothing listens: no byte of the request was written.
    let base_url = format!("http://127.0.0.1:{}/callapi/v2.0/", closed_port());
    let unreachable = run(&[
        "call",
        "79256880636",
        "--base-url",
        &base_url,
        "--call-api-id",
        "id",
        "--api-key",
        "k",
    ])
    .expect(3);
    assert!(!unreachable.stderr.contains(PLACED), "{unreachable:?}");
}

#[test]
fn the_services_reason_reaches_the_terminal_without_control_characters() {
    let server =
        ScriptedServer::answering("200 OK", r#"{"error":"X","reason":"\u001b[31mred\u0007"}"#);
    let result = server.run(&["call-status", "c1"]).expect(1);
    assert!(
        !has_terminal_controls(&result.stderr),
        "{:?}",
        result.stderr
    );
    assert!(result.stderr.contains("X: [31mred"), "{:?}", result.stderr);

    // The JSON keeps the text as it came, escaped by serde.
    let json = server.run(&["call-status", "c1", "--json"]).expect(1);
    assert!(!has_terminal_controls(&json.stderr), "{:?}", json.stderr);
    assert_eq!(
        stderr_json(&json.stderr)["error"]["reason"],
        "\u{1b}[31mred\u{7}"
    );
}

#[test]
fn answers_and_error_bodies_reach_the_terminal_without_control_characters() {
    let state = ScriptedServer::answering(
        "200 OK",
        r#"{"status":32,"status_desc":"error","last_error":"\u001b]0;pwned\u0007\r\nlbc: forged\u009b2J\u202e"}"#,
    );
    let result = state.run(&["call-status", "c1"]).expect(0);
    assert!(
        !has_terminal_controls(&result.stdout),
        "{:?}",
        result.stdout
    );
    let last = result
        .stdout
        .lines()
        .find(|l| l.starts_with("last error:"))
        .unwrap_or_else(|| panic!("no last error in {:?}", result.stdout));
    assert!(
        last.contains("]0;pwned") && last.contains("lbc: forged"),
        "{last:?}"
    );

    let raw = ScriptedServer::answering(
        "200 OK",
        r#"{"server_status":1,"note":"\u009b31m\u001b[0m"}"#,
    );
    let result = raw.run(&["request", "server-status"]).expect(0);
    assert!(
        !has_terminal_controls(&result.stdout),
        "{:?}",
        result.stdout
    );

    for body in [
        r#"{"url":"https://pay.example/\u001b[2J","method":"PO\u001bST","query":{"a\u0007":"b\r\nc"}}"#,
        r#"{"html":"<form>\u001b]0;pwned\u0007\r\n<input>\u001b[8m</form>"}"#,
    ] {
        let pay = ScriptedServer::answering("200 OK", body);
        let result = pay.run(&["pay", "--amount", "100000"]).expect(0);
        assert!(
            !has_terminal_controls(&result.stdout),
            "{:?}",
            result.stdout
        );
        assert!(
            result
                .stdout
                .starts_with("Amount: $10.00 (100000 credits)\nPayment form"),
            "{:?}",
            result.stdout
        );
    }

    let http = ScriptedServer::answering(
        "503 Service Unavailable",
        "\u{1b}[2Jbusy\u{7}\r\nlbc: forged",
    );
    let result = http.run(&["server-status"]).expect(3);
    assert!(
        !has_terminal_controls(&result.stderr),
        "{:?}",
        result.stderr
    );
    assert!(
        result.stderr.lines().all(|l| !l.starts_with("lbc: forged")),
        "{:?}",
        result.stderr
    );
}

#[test]
fn the_deadline_bounds_the_whole_operation() {
    let server = ScriptedServer::silent();
    let result = server
        .run(&["call-status", "c1", "--timeout", "60", "--deadline", "1"])
        .expect(3);
    assert!(result.stderr.contains("within 1.0 s"), "{result:?}");
    let json = server
        .run(&[
            "--json",
            "server-status",
            "--timeout",
            "60",
            "--deadline",
            "1",
        ])
        .expect(3);
    assert_eq!(stderr_json(&json.stderr)["error"]["kind"], "timeout");
}

#[test]
fn the_region_decides_how_national_numbers_are_read() {
    let server = RecordingServer::answering(
        "200 OK",
        r#"{"call":"c1","mask":"79251234567","codelen":4,"repeat_timeout":30}"#,
    );
    // Not a Russian number: refused before anything is sent.
    let russian = server.run(&["call", "(202) 555-0143"]).expect(2);
    assert!(russian.stderr.contains("msisdn"), "{russian:?}");
    assert_eq!(server.count("call"), 0);

    server
        .run(&["call", "(202) 555-0143", "--region", "US"])
        .expect(0);
    run_command(
        server
            .lbc()
            .env("LBC_REGION", "us")
            .args(["call", "(202) 555-0143"]),
    )
    .expect(0);
    let sent = server.requests();
    assert_eq!(sent.len(), 2, "{sent:?}");
    for request in &sent {
        assert!(request.contains("msisdn=12025550143"), "{request}");
    }

    // In the US, 8 (925) ... is no number; the demo reads it the same way and refuses it at once.
    server
        .run(&["call", "8 (925) 688-06-36", "--region", "US"])
        .expect(2);
    let demo = run(&["demo", "--region", "US", "--phone", "8 (925) 688-06-36"]).expect(2);
    assert!(demo.stdout.is_empty(), "{demo:?}");
    run(&["status", "--region", "XX"]).expect(2);
}
