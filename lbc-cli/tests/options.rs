//! The library's options on the command line: `--verbose`, `--unsigned` and the refusal of a signed
//! method without a key, the call-api-id message, `--retries`, `--encoding`, `--signature-header`,
//! `--ca-bundle`, `--proxy`, the `INVALID_SIGNATURE` hint, `--json` for `sign`.

mod common;

use common::{
    RecordingServer, SandboxProcess, ScriptedServer, TempDir, closed_port, lbc, run, run_command,
};

const BALANCE: &str =
    r#"{"balance":1000000,"consumed":2500,"balance_notify_limit":-1,"last_payments":[]}"#;

/// The value of `name` in a form-encoded body or query.
fn form_value<'a>(encoded: &'a str, name: &str) -> Option<&'a str> {
    encoded
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The body of a recorded request (after the blank line).
fn body(request: &str) -> &str {
    request.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[test]
fn verbose_shows_the_request_as_sent_with_the_signature_redacted() {
    let server = RecordingServer::answering("200 OK", BALANCE);
    let result = server.run(&["balance", "--verbose"]).expect(0);
    let sent = server.requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let wire = body(&sent[0]);
    let signature = form_value(wire, "signature").expect("a signature on the wire");
    let nonce = form_value(wire, "nonce").expect("a nonce on the wire");

    let err = &result.stderr;
    assert!(
        err.contains(&format!("> POST {}balance", server.base_url)),
        "{err}"
    );
    assert!(
        err.contains("> Content-Type: application/x-www-form-urlencoded"),
        "{err}"
    );
    let shown = err
        .lines()
        .find_map(|l| l.strip_prefix("> call-api-id="))
        .unwrap_or_else(|| panic!("no body line in {err}"));
    // The body shown is the one sent, but for the nonce and the redacted signature.
    let expected = format!("call-api-id={shown}")
        .replace("[nonce]", nonce)
        .replace("[redacted]", signature);
    let (shown_rest, sent_rest) = (
        expected.split("&nonce=").nth(1).unwrap_or_default(),
        wire.split("&nonce=").nth(1).unwrap_or_default(),
    );
    assert_eq!(shown_rest, sent_rest, "{err}\n{wire}");
    assert_eq!(
        form_value(&expected, "call-api-id"),
        Some("scripted-id"),
        "{err}"
    );
    assert!(
        shown.ends_with("&nonce=[nonce]&signature=[redacted]"),
        "{shown}"
    );
    assert!(!err.contains(signature), "the signature was printed: {err}");
    assert!(!err.contains("scripted-key"), "the key was printed: {err}");
    assert!(err.contains("< {\"balance\":1000000"), "{err}");
    // The answer itself still goes to stdout as usual.
    assert!(result.stdout.contains("current balance:"), "{result:?}");
}

#[test]
fn verbose_follows_the_encoding_and_the_signature_header() {
    let server = RecordingServer::answering("200 OK", BALANCE);
    let result = server
        .run(&["balance", "-v", "--encoding", "query", "--signature-header"])
        .expect(0);
    let sent = &server.requests()[0];
    let request_line = sent.lines().next().unwrap_or_default();
    assert!(
        request_line.starts_with("GET /callapi/v2.0/balance?call-api-id=scripted-id&timestamp="),
        "{request_line}"
    );
    assert!(!request_line.contains("signature="), "{request_line}");
    let header = sent
        .lines()
        .find_map(|l| {
            l.strip_prefix("signature: ")
                .or(l.strip_prefix("Signature: "))
        })
        .expect("the Signature header on the wire");
    assert_eq!(header.len(), 128, "{sent}");
    let err = &result.stderr;
    assert!(err.contains("> Signature: [redacted]"), "{err}");
    assert!(
        err.contains(&format!(
            "> GET {}balance?call-api-id=scripted-id&timestamp=",
            server.base_url
        )),
        "{err}"
    );
    assert!(!err.contains(header), "{err}");
}

#[test]
fn verbose_shows_api_errors_and_every_method_of_the_sandbox() {
    let sandbox = SandboxProcess::start(&[]);
    let result = sandbox.run(&["call-status", "nope", "-v"]).expect(1);
    assert!(
        result.stderr.contains("< {\"error\":\"CALL_NOT_FOUND\""),
        "{result:?}"
    );
    let call = sandbox
        .run(&["call", "79256880636", "--ip", "10.0.0.1", "-v", "--json"])
        .expect(0);
    assert!(
        call.stderr
            .contains("> msisdn=79256880636&ip_address=10.0.0.1&call-api-id="),
        "{call:?}"
    );
    assert!(!call.stderr.contains(&sandbox.api_key), "{call:?}");
    call.json();
}

#[test]
fn a_signed_method_without_a_key_is_refused_before_sending() {
    let server = RecordingServer::answering("200 OK", BALANCE);
    let mut command = lbc();
    command
        .env("LBC_BASE_URL", &server.base_url)
        .env("LBC_CALL_API_ID", "scripted-id")
        .arg("balance");
    let refused = run_command(&mut command).expect(2);
    for part in ["LBC_API_KEY", "--api-key", "lbc login", "--unsigned"] {
        assert!(refused.stderr.contains(part), "{part}: {refused:?}");
    }
    let mut request = lbc();
    request
        .env("LBC_BASE_URL", &server.base_url)
        .env("LBC_CALL_API_ID", "scripted-id")
        .args(["request", "call", "msisdn=79256880636"]);
    run_command(&mut request).expect(2);
    assert!(server.requests().is_empty(), "{:?}", server.requests());

    // --unsigned sends it without a signature, even with a key configured.
    server.run(&["balance", "--unsigned"]).expect(0);
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    let wire = body(&sent[0]);
    assert_eq!(wire, "call-api-id=scripted-id", "{sent:?}");
    // Unsigned methods need no key at all.
    let mut status = lbc();
    status
        .env("LBC_BASE_URL", &server.base_url)
        .env("LBC_CALL_API_ID", "scripted-id")
        .arg("server-status");
    run_command(&mut status);
    assert_eq!(server.count("server-status"), 1);
    // Always signed, whatever --unsigned says.
    let always = server.run(&["credential-confirm", "--unsigned"]).expect(2);
    assert!(always.stderr.contains("always signed"), "{always:?}");
    assert_eq!(server.count("credential_confirm"), 0);
}

#[test]
fn no_signature_and_invalid_signature_say_what_to_do() {
    let sandbox = SandboxProcess::start(&[]);
    let unsigned = sandbox.run(&["balance", "--unsigned"]).expect(1);
    assert!(unsigned.stderr.contains("NO_SIGNATURE"), "{unsigned:?}");
    assert!(
        unsigned.stderr.contains("leave out --unsigned"),
        "{unsigned:?}"
    );
    let wrong = sandbox
        .run(&["balance", "--api-key", "WRONG-KEY-0123456789"])
        .expect(1);
    assert!(wrong.stderr.contains("INVALID_SIGNATURE"), "{wrong:?}");
    assert!(
        wrong.stderr.contains("hint: `lbc sign --canonical"),
        "{wrong:?}"
    );
    let json = sandbox
        .run(&["--json", "balance", "--api-key", "WRONG-KEY-0123456789"])
        .expect(1);
    let error: serde_json::Value = serde_json::from_str(json.stderr.trim()).expect("JSON");
    assert!(
        error["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("lbc sign --canonical"),
        "{error}"
    );
}

#[test]
fn a_missing_call_api_id_names_the_flag_and_the_variable() {
    let base_url = format!("http://127.0.0.1:{}/callapi/v2.0/", closed_port());
    for args in [
        &["balance", "--api-key", "k"][..],
        &["status"],
        &["call-status", "c1", "--api-key", "k"],
        &["request", "balance", "--api-key", "k"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--base-url", base_url.as_str()]);
        let result = run(&all).expect(2);
        assert!(
            result.stderr.contains("--call-api-id") && result.stderr.contains("LBC_CALL_API_ID"),
            "{args:?}: {result:?}"
        );
        assert!(
            !result.stderr.contains("configure it on the client"),
            "{result:?}"
        );
    }
}

#[test]
fn retries_counts_the_extra_attempts() {
    let server = ScriptedServer::answering("502 Bad Gateway", "down");
    server.run(&["balance", "--retries", "0"]).expect(3);
    assert_eq!(server.count("balance"), 1);
    server.run(&["balance", "--retries", "3"]).expect(3);
    assert_eq!(server.count("balance"), 1 + 4);
    // Never for a call.
    server
        .run(&["call", "79256880636", "--retries", "3"])
        .expect(3);
    assert_eq!(server.count("call"), 1);
}

#[test]
fn ca_bundle_and_proxy_reach_the_library() {
    let dir = TempDir::new("ca");
    let empty = dir.path.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").expect("writing");
    let result = run(&["server-status", "--ca-bundle", empty.to_str().unwrap()]).expect(2);
    assert!(result.stderr.contains("ca_bundle"), "{result:?}");
    let missing = dir.path.join("missing.pem");
    run(&["server-status", "--ca-bundle", missing.to_str().unwrap()]).expect(2);

    // The proxy is asked for the service (which is never resolved here).
    let proxy = RecordingServer::answering("502 Bad Gateway", "proxy says no");
    let proxy_url = proxy.base_url.replace("/callapi/v2.0/", "");
    run(&[
        "server-status",
        "--base-url",
        "http://lbc-service.invalid/callapi/v2.0/",
        "--proxy",
        &proxy_url,
        "--retries",
        "0",
    ]);
    let asked = proxy.requests();
    assert!(
        asked.iter().any(|r| r.contains("lbc-service.invalid")),
        "{asked:?}"
    );
    let bad = run(&["server-status", "--proxy", "::not a proxy::"]).expect(2);
    assert!(bad.stderr.contains("proxy"), "{bad:?}");
}

#[test]
fn sign_answers_in_json_too() {
    let signed = run(&[
        "--json",
        "sign",
        "--key",
        "k",
        "balance",
        "call-api-id=id",
        "timestamp=1",
        "nonce=n",
        "extra=1",
    ])
    .expect(0);
    let answer = signed.json();
    assert_eq!(answer["method"], "balance");
    assert_eq!(answer["signature"].as_str().unwrap().len(), 128, "{answer}");
    assert_eq!(answer["not_signed"], serde_json::json!(["extra"]));
    assert!(signed.stderr.is_empty(), "{signed:?}");
    let canonical = run(&[
        "sign",
        "--canonical",
        "--json",
        "balance",
        "call-api-id=id",
        "timestamp=1",
        "nonce=n",
    ])
    .expect(0)
    .json();
    assert_eq!(
        canonical["canonical"],
        "balance\\0call-api-id\\0id\\0timestamp\\01\\0nonce\\0n"
    );
}

#[test]
fn help_lists_connection_options_only_where_they_apply() {
    let sandbox = run(&["sandbox", "--help"]).expect(0).stdout;
    for own in [
        "--listen",
        "--account",
        "--dial-ms",
        "--ring-ms",
        "--repeat-timeout",
        "--codelen",
        "--call-price",
        "--balance",
        "--fault",
        "--state",
    ] {
        assert!(sandbox.contains(own), "{own} missing: {sandbox}");
    }
    let balance = run(&["balance", "--help"]).expect(0).stdout;
    for client in [
        "--call-api-id",
        "--api-key",
        "--base-url",
        "--encoding",
        "--profile",
        "--verbose",
        "--proxy",
        "--ca-bundle",
        "--retries",
        "--signature-header",
        "--unsigned",
    ] {
        assert!(
            !sandbox.contains(client),
            "{client} in sandbox --help: {sandbox}"
        );
        assert!(balance.contains(client), "{client} missing: {balance}");
    }
    for other in ["demo", "sign", "login", "profiles"] {
        let help = run(&[other, "--help"]).expect(0).stdout;
        assert!(
            !help.contains("--call-api-id") || other == "login",
            "{other}: {help}"
        );
        assert!(!help.contains("--encoding"), "{other}: {help}");
    }
}
