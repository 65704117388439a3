//! Exit codes: 1 for an API error, 2 for bad input, 3 when no answer comes.

mod common;

use common::{SandboxProcess, closed_port, run};

#[test]
fn an_api_error_exits_1_with_its_code_on_stderr() {
    let sandbox = SandboxProcess::start(&[]);
    let result = sandbox.run(&["call-status", "no-such-call"]).expect(1);
    assert!(result.stdout.is_empty(), "{result:?}");
    assert!(result.stderr.contains("CALL_NOT_FOUND"), "{result:?}");

    let json = sandbox
        .run(&["call-status", "no-such-call", "--json"])
        .expect(1);
    let error: serde_json::Value =
        serde_json::from_str(json.stderr.trim()).expect("a JSON error on stderr");
    assert_eq!(error["exit_code"], 1);
    assert_eq!(error["error"]["kind"], "api_error");
    assert_eq!(error["error"]["code"], "CALL_NOT_FOUND");
}

#[test]
fn a_wrong_key_is_an_api_error_and_is_never_printed() {
    let sandbox = SandboxProcess::start(&[]);
    let wrong = "WRONG-KEY-0123456789";
    let result = sandbox.run(&["balance", "--api-key", wrong]).expect(1);
    assert!(result.stderr.contains("INVALID_SIGNATURE"), "{result:?}");
    assert!(!result.stderr.contains(wrong) && !result.stdout.contains(wrong));
}

#[test]
fn repeat_timeout_shows_the_delay() {
    let sandbox = SandboxProcess::start(&[]);
    sandbox
        .run(&["call", "+7 925 688-06-36", "--ip", "10.1.2.3"])
        .expect(0);
    let again = sandbox
        .run(&["call", "+7 925 688-06-36", "--ip", "10.1.2.3"])
        .expect(1);
    assert!(again.stderr.contains("CALL_REPEAT_TIMEOUT"), "{again:?}");
    assert!(again.stderr.contains("retry in:"), "{again:?}");
}

#[test]
fn bad_input_exits_2_before_anything_is_sent() {
    // A closed port: had anything been sent, this would be a transport error (3).
    let base_url = format!("http://127.0.0.1:{}/callapi/v2.0/", closed_port());
    let with = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&[
            "--base-url",
            base_url.as_str(),
            "--call-api-id",
            "id",
            "--api-key",
            "k",
        ]);
        run(&all)
    };
    let phone = with(&["call", "12"]).expect(2);
    assert!(phone.stderr.contains("msisdn"), "{phone:?}");
    with(&["call", "+7 925 abc"]).expect(2);
    with(&["call", "79256880636", "--ip", "not-an-ip"]).expect(2);
    with(&["pay", "--amount", "0"]).expect(2);
    with(&[
        "register",
        "--domain",
        "http://x.example/",
        "--admin-email",
        "a@b.example",
    ])
    .expect(2);
    with(&["change-credential", "--admin-email", "not-an-email"]).expect(2);
    let no_id = run(&["balance", "--base-url", &base_url]).expect(2);
    assert!(no_id.stderr.contains("call"), "{no_id:?}");
    run(&["server-status", "--base-url", "ftp://x/"]).expect(2);
    run(&["server-status", "--encoding", "carrier-pigeon"]).expect(2);
    run(&["server-status", "--timeout", "0"]).expect(2);
    run(&["server-status", "--deadline", "0"]).expect(2);
    run(&["server-status", "--deadline", "soon"]).expect(2);
    run(&["server-status", "--retries", "-1"]).expect(2);
    run(&["server-status", "--connect-timeout", "0"]).expect(2);
    run(&["no-such-subcommand"]).expect(2);
    run(&["demo", "--phone", "12"]).expect(2);
}

#[test]
fn rejected_input_is_quoted_short() {
    let long = "9".repeat(100_000);
    let pair = run(&["sign", "--key", "k", "balance", &long]).expect(2);
    let option = run(&["server-status", "--timeout", &long]).expect(2);
    let subcommand = run(&[&long]).expect(2);
    let phone = run(&["call", &long]).expect(2);
    for result in [pair, option, subcommand, phone] {
        assert!(result.stderr.len() < 2_000, "{} bytes", result.stderr.len());
    }
}

#[test]
fn no_answer_exits_3() {
    let base_url = format!("http://127.0.0.1:{}/callapi/v2.0/", closed_port());
    let result = run(&["server-status", "--base-url", &base_url]).expect(3);
    assert!(result.stderr.contains("could not reach"), "{result:?}");
    let json = run(&["--json", "server-status", "--base-url", &base_url]).expect(3);
    let error: serde_json::Value = serde_json::from_str(json.stderr.trim()).expect("JSON error");
    assert_eq!(error["error"]["kind"], "transport_error");
    assert_eq!(error["error"]["transport_kind"], "connect");
    assert_eq!(error["error"]["may_have_been_placed"], false);
    assert_eq!(error["exit_code"], 3);
}

#[test]
fn a_non_api_http_answer_exits_3() {
    // The sandbox's root is not the API: a 404 (or other non-JSON answer) is no usable answer.
    let sandbox = SandboxProcess::start(&[]);
    let root = sandbox.base_url.replace("/callapi/v2.0/", "/not-the-api/");
    let result = sandbox
        .run(&["server-status", "--base-url", &root])
        .expect(3);
    assert!(!result.stderr.is_empty());
}
