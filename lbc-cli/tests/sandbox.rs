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

    let status = run(&["--base-url", &base_url, "server-status", "--json"]).expect(0);
    assert_eq!(status.json()["server_status"], 1);
    let balance = sandbox.run(&["balance", "--json"]).expect(0);
    assert!(
        balance.json()["current"].as_i64().unwrap() > 0,
        "{balance:?}"
    );

    let (code, rest) = sandbox.stop_with("TERM");
    assert_eq!(code, Some(0), "exit status after SIGTERM");
    assert_eq!(rest, "", "nothing on stdout after the ready line");
    let gone = run(&["--base-url", &base_url, "server-status"]);
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
