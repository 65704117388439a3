//! `lbc sandbox`: the contract's one ready line, serving, and stopping on SIGTERM / SIGINT.

mod common;

use common::{SandboxProcess, run};
use serde_json::json;

#[test]
fn prints_one_ready_line_serves_and_exits_zero_on_sigterm() {
    let sandbox = SandboxProcess::start(&["--account", "cli-test-id:cli-test-key"]);
    let base_url = sandbox.base_url.clone();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/callapi/v2.0/"),
        "{base_url}"
    );
    let port: u16 = base_url["http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port in base_url");
    assert_ne!(port, 0, "the real port, not the requested 0");
    assert_eq!(
        sandbox.ready["accounts"],
        json!([{"call_api_id": "cli-test-id", "api_key": "cli-test-key"}])
    );

    let status = run(&["server-status", "--base-url", &base_url, "--json"]).expect(0);
    assert_eq!(status.json()["server_status"], 1);
    let balance = sandbox.run(&["balance", "--json"]).expect(0);
    assert!(
        balance.json()["current"].as_i64().unwrap() > 0,
        "{balance:?}"
    );

    let (code, rest) = sandbox.stop_with("TERM");
    assert_eq!(code, Some(0), "exit status after SIGTERM");
    assert_eq!(rest, "", "nothing on stdout after the ready line");
    let gone = run(&["server-status", "--base-url", &base_url]);
    assert_eq!(
        gone.code,
        Some(3),
        "the port is closed after shutdown: {gone:?}"
    );
}

#[test]
fn without_accounts_it_makes_one_and_stops_on_sigint() {
    let sandbox = SandboxProcess::start(&["--dial-ms", "50", "--ring-ms", "100"]);
    let accounts = sandbox.ready["accounts"]
        .as_array()
        .expect("accounts array");
    assert_eq!(accounts.len(), 1, "{}", sandbox.ready);
    assert!(!sandbox.call_api_id.is_empty() && !sandbox.api_key.is_empty());
    sandbox.run(&["status", "--json"]).expect(0);
    let (code, rest) = sandbox.stop_with("INT");
    assert_eq!(code, Some(0));
    assert_eq!(rest, "");
}

#[test]
fn malformed_accounts_are_usage_errors() {
    for bad in ["no-colon", ":key-only", "id-only:", ""] {
        let result = run(&["sandbox", "--listen", "127.0.0.1:0", "--account", bad]).expect(2);
        assert!(result.stdout.is_empty(), "no ready line for {bad:?}");
        assert!(result.stderr.contains("--account"), "{result:?}");
    }
    run(&["sandbox", "--listen", "not-an-address"]).expect(2);
    run(&["sandbox", "--dial-ms", "soon"]).expect(2);
}

#[test]
fn every_knob_of_the_sandbox_is_a_flag() {
    let sandbox = SandboxProcess::start(&[
        "--codelen",
        "6",
        "--repeat-timeout",
        "90",
        "--call-price",
        "250",
        "--balance",
        "5000",
    ]);
    let started = sandbox
        .run(&["call", "79256880636", "--json"])
        .expect(0)
        .json();
    assert_eq!(started["codelen"], 6, "{started}");
    assert_eq!(started["repeat_timeout"], 90, "{started}");
    let balance = sandbox.run(&["balance", "--json"]).expect(0).json();
    assert_eq!(balance["balance"], 5000, "{balance}");
    assert_eq!(balance["consumed"], 250, "{balance}");
    assert_eq!(balance["current"], 4750, "{balance}");
    let again = sandbox.run(&["call", "79256880636"]).expect(1);
    assert!(again.stderr.contains("CALL_REPEAT_TIMEOUT"), "{again:?}");

    for bad in [
        &["sandbox", "--codelen", "0"][..],
        &["sandbox", "--codelen", "11"],
        &["sandbox", "--call-price", "-1"],
        &["sandbox", "--balance", "lots"],
        &["sandbox", "--repeat-timeout", "-5"],
        &["sandbox", "--request-timeout", "0"],
    ] {
        let refused = run(bad).expect(2);
        assert!(refused.stdout.is_empty(), "{bad:?}: {refused:?}");
    }
}

#[test]
fn faults_are_armed_from_the_command_line() {
    let sandbox = SandboxProcess::start(&[
        "--fault",
        "call:503:1",
        "--fault",
        r#"balance:error=NOT_ENOUGH_CREDIT,additional={"left":3}"#,
    ]);
    let unavailable = sandbox.run(&["call", "79256880636"]).expect(3);
    assert!(unavailable.stderr.contains("503"), "{unavailable:?}");
    assert!(
        unavailable.stderr.contains("may have been placed"),
        "{unavailable:?}"
    );
    // The first fault was good for one request only.
    sandbox.run(&["call", "79256880636", "--json"]).expect(0);
    let json = sandbox.run(&["--json", "balance"]).expect(1);
    let error: serde_json::Value = serde_json::from_str(json.stderr.trim()).expect("JSON error");
    assert_eq!(error["error"]["code"], "NOT_ENOUGH_CREDIT", "{error}");
    assert_eq!(error["error"]["additional"], json!({"left": 3}), "{error}");

    // The kinds the hand-written test servers were for: raw bytes and no answer at all.
    let broken = SandboxProcess::start(&[
        "--fault",
        r#"server-status:raw="HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n{\"s\":1""#,
        "--fault",
        "balance:hang:2",
    ]);
    let garbled = broken.run(&["--json", "server-status"]).expect(3);
    assert!(garbled.stderr.contains("decode"), "{garbled:?}");
    let hung = broken
        .run(&["balance", "--timeout", "1", "--retries", "0"])
        .expect(3);
    assert!(hung.stderr.contains("1.0 s"), "{hung:?}");
    // With the default retries, the default deadline leaves room to retry the timed-out attempt
    // of a safe method (issue 17): the second hang is followed by an answer.
    let retried = broken.run(&["balance", "--timeout", "1"]).expect(0);
    assert!(retried.stdout.contains("current balance"), "{retried:?}");

    for bad in [
        "call:5o2",
        "call",
        "no-such-method:502",
        "call:502:0",
        "call:raw=x",
    ] {
        let refused = run(&["sandbox", "--fault", bad]).expect(2);
        assert!(refused.stdout.is_empty(), "{bad}: {refused:?}");
        assert!(refused.stderr.contains("--fault"), "{bad}: {refused:?}");
    }
}

#[test]
fn state_keeps_accounts_and_balances_across_restarts() {
    let dir = common::TempDir::new("state");
    let file = dir.path.join("sandbox-state.json");
    let path = file.to_str().unwrap();
    let first = SandboxProcess::start(&["--state", path, "--call-price", "300"]);
    first.run(&["call", "79256880636"]).expect(0);
    first
        .run(&["options", "--balance-notify-limit", "1234"])
        .expect(0);
    let id = first.call_api_id.clone();
    let (code, _) = first.stop_with("TERM");
    assert_eq!(code, Some(0));
    assert!(file.exists(), "the state file was written");

    let second = SandboxProcess::start(&["--state", path]);
    assert_eq!(second.call_api_id, id, "the same account after a restart");
    let balance = second.run(&["balance", "--json"]).expect(0).json();
    assert_eq!(balance["consumed"], 300, "{balance}");
    assert_eq!(balance["balance_notify_limit"], 1234, "{balance}");
}
