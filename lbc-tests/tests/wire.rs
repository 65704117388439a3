//! What arrives on the wire: the WordPress plugin's raw queries, garbage, oversized bodies, and the
//! headers every answer carries.

mod common;

use common::*;
use lbc_core::protocol::Signer;
use lbc_sandbox::Credentials;
use serde_json::Value;

/// A plugin-style signed query: `call-api-id`, `timestamp`, `nonce`, then the method's own
/// parameters, all raw (unencoded) and signed in that order, then `signature`, then `tail` unsigned.
fn plugin_query(
    creds: &Credentials,
    method: &str,
    nonce: &str,
    own: &[(&str, &str)],
    tail: &str,
) -> String {
    let timestamp = unix_now().to_string();
    let mut pairs = vec![
        ("call-api-id", creds.call_api_id.as_str()),
        ("timestamp", timestamp.as_str()),
        ("nonce", nonce),
    ];
    pairs.extend_from_slice(own);
    let signature = Signer::new(&creds.api_key).sign_ordered(method, pairs.iter().copied());
    let query: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let mut target = format!(
        "/callapi/v2.0/{method}?{}&signature={signature}",
        query.join("&")
    );
    if !tail.is_empty() {
        target.push('&');
        target.push_str(tail);
    }
    target
}

#[test]
fn the_wordpress_plugin_flow_over_raw_queries() {
    let sandbox = fast();
    let site = VerifyServer::start();
    let verify_url = site.url("/wp-admin/admin-ajax.php?action=verify_logincall");

    let answer = get(
        sandbox.addr(),
        &format!(
            "/callapi/v2.0/register?domain=127.0.0.1&admin_email=admin@example.com&admin_phone=+79256880636&verify_url={verify_url}&balance_notify_limit=10000"
        ),
    );
    let registration = answer.json();
    assert_eq!(
        registration["verify_url"],
        verify_url.as_str(),
        "{registration}"
    );
    let id = registration["call_api_id"].as_str().unwrap().to_owned();
    let creds = Credentials {
        api_key: mailed_key(&sandbox, &id),
        call_api_id: id.clone(),
    };

    site.serve(200, &id);
    let confirm = get(
        sandbox.addr(),
        &plugin_query(
            &creds,
            "credential_confirm",
            "a1b2c3d4e5f6g7h8i9j0",
            &[],
            "",
        ),
    );
    assert_eq!(confirm.json(), serde_json::json!({}));
    assert_eq!(
        site.requests(),
        ["/wp-admin/admin-ajax.php?action=verify_logincall"]
    );
    patch_account(&sandbox, &id, serde_json::json!({"balance": 10_000}));

    let call = get(
        sandbox.addr(),
        &plugin_query(
            &creds,
            "call",
            "k1l2m3n4o5p6q7r8s9t0",
            &[("msisdn", "79256880636"), ("ip_address", "127.0.0.1")],
            "",
        ),
    )
    .json();
    let call_id = call["call"]
        .as_str()
        .unwrap_or_else(|| panic!("{call}"))
        .to_owned();
    assert_eq!(call["codelen"], 4);
    let status = get(
        sandbox.addr(),
        &plugin_query(
            &creds,
            "call-status",
            "u1v2w3x4y5z6A7B8C9D0",
            &[("call", &call_id)],
            "",
        ),
    )
    .json();
    assert!(status["status"].as_i64().is_some(), "{status}");
    let hangup = get(
        sandbox.addr(),
        &plugin_query(
            &creds,
            "call-hangup",
            "E1F2G3H4I5J6K7L8M9N0",
            &[("call", &call_id)],
            "",
        ),
    )
    .json();
    assert_eq!(hangup, serde_json::json!({}));

    // pay: the return URLs come unsigned after the signature, with raw `?` and `&` inside.
    let pay = get(
        sandbox.addr(),
        &plugin_query(
            &creds,
            "pay",
            "O1P2Q3R4S5T6U7V8W9X0",
            &[("amount", "50000")],
            "success_url=http://example.com/ok?a=1&b=2&fail_url=http://example.com/fail&return_url=http://example.com/back",
        ),
    )
    .json();
    let url = pay["url"].as_str().unwrap_or_else(|| panic!("{pay}"));
    let path = url.split_once(&sandbox.addr().to_string()).unwrap().1;
    let paid = send(
        sandbox.addr(),
        "POST",
        path,
        "application/x-www-form-urlencoded",
        b"",
    );
    assert_eq!(paid.status, 303);
    assert_eq!(
        paid.header("location"),
        Some("http://example.com/ok?a=1&b=2")
    );
}

fn assert_json_error(answer: &Raw, code: &str, what: &str) {
    assert_eq!(answer.status, 200, "{what}: {}", answer.text());
    let json = answer.json();
    assert_eq!(json["error"], code, "{what}: {json}");
    assert!(
        json["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{what}"
    );
    assert!(answer.header("x-request-id").is_some(), "{what}");
    assert!(
        answer
            .header("content-type")
            .unwrap()
            .starts_with("application/json"),
        "{what}"
    );
}

#[test]
fn garbage_is_answered_with_a_json_error() {
    let sandbox = fast();
    let addr = sandbox.addr();
    for (target, what) in [
        ("/callapi/v2.0/", "no method"),
        ("/callapi/v2.0", "no method, no slash"),
        ("/callapi/v2.0/nosuchmethod", "unknown method"),
        ("/callapi/v2.0/call/msisdn", "odd REST segments"),
        (
            "/callapi/v2.0/call/%FF%FE/x",
            "invalid UTF-8 in a REST segment",
        ),
        ("/callapi/v2.0/%C3%28", "invalid UTF-8 method"),
        ("/callapi/v2.0/call?params=%7Bnot", "bad JSON params"),
        (
            "/callapi/v2.0/call?params=%5B1%5D",
            "JSON params not an object",
        ),
        (
            "/callapi/v2.0/call?params=%7B%22msisdn%22%3A%5B1%5D%7D",
            "JSON params with an array",
        ),
        (
            "/callapi/v2.0/call?msisdn=%FF%FF",
            "invalid UTF-8 in the query",
        ),
        ("/callapi/v2.0/call?&&=&=x&%%%", "empty and broken pairs"),
    ] {
        assert_json_error(&get(addr, target), "INVALID_ARGS", what);
    }
    let unknown = get(addr, "/callapi/v2.0/nosuchmethod").json();
    assert_eq!(unknown["reason"], "Unknown method nosuchmethod");
    assert_eq!(unknown["clazz"], "GENERIC");

    for (content_type, body, what) in [
        (
            "multipart/form-data",
            &b"x"[..],
            "multipart without boundary",
        ),
        (
            "multipart/form-data; boundary=zz",
            b"--zz\r\nno",
            "truncated multipart",
        ),
        ("application/json", b"{\"msisdn\":", "truncated JSON body"),
        ("application/json", b"\xff\xfe", "JSON body not UTF-8"),
        (
            "application/x-www-form-urlencoded",
            b"\xff\x00\x01=\xfe",
            "binary form",
        ),
        ("text/plain", b"hello", "unknown content type"),
    ] {
        assert_json_error(
            &send(addr, "POST", "/callapi/v2.0/call", content_type, body),
            "INVALID_ARGS",
            what,
        );
    }
    assert_json_error(
        &get(addr, "/callapi/v2.0/status?call-api-id=%FF"),
        "INVALID_ACCOUNT",
        "an unknown, non-UTF-8 id",
    );
    // A nonce far too long.
    let creds = &sandbox.accounts()[0];
    let nonce = "n".repeat(300);
    let target = plugin_query(creds, "balance", &nonce, &[], "");
    assert_json_error(&get(addr, &target), "INVALID_ARGS", "long nonce");
    // The sandbox still answers.
    client(&sandbox).balance().unwrap();
}

#[test]
fn other_paths_and_methods_get_json_errors_too() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let missing = get(addr, "/nothing/here");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "NOT_FOUND");
    assert!(missing.header("x-request-id").is_some());
    let put = send(addr, "PUT", "/callapi/v2.0/status", "text/plain", b"");
    assert_eq!(put.status, 405);
    assert_eq!(put.json()["error"], "METHOD_NOT_ALLOWED");
    assert!(put.header("x-request-id").is_some());
}

#[test]
fn bodies_over_one_mebibyte_are_refused() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let mut body = b"call-api-id=x&padding=".to_vec();
    body.resize(2 * 1024 * 1024, b'a');
    let answer = send(
        addr,
        "POST",
        "/callapi/v2.0/status",
        "application/x-www-form-urlencoded",
        &body,
    );
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"], "INVALID_ARGS");
    assert!(answer.header("x-request-id").is_some());

    // A declared length far beyond the limit is refused before the body is sent.
    let head = format!(
        "POST /callapi/v2.0/status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 50000000\r\n\r\n"
    );
    assert_eq!(raw(addr, head.as_bytes()).status, 413);

    // Just under the limit is fine.
    let mut body =
        format!("call-api-id={}&padding=", sandbox.accounts()[0].call_api_id).into_bytes();
    body.resize(1024 * 1024, b'a');
    let answer = send(
        addr,
        "POST",
        "/callapi/v2.0/status",
        "application/x-www-form-urlencoded",
        &body,
    );
    assert_eq!(answer.json()["activated"], 1);

    let control = send(
        addr,
        "POST",
        "/_sandbox/clock",
        "application/json",
        &vec![b' '; 2 * 1024 * 1024],
    );
    assert_eq!(control.status, 413);
}

#[test]
fn every_answer_has_a_fresh_request_id_in_the_services_shape() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let answers = [
        get(addr, "/callapi/v2.0/server-status"),
        get(addr, "/callapi/v2.0/nosuchmethod"),
        get(addr, "/_sandbox/outbox"),
        get(addr, "/_sandbox/calls/none"),
        get(addr, "/elsewhere"),
    ];
    let ids: Vec<&str> = answers
        .iter()
        .map(|a| a.header("x-request-id").expect("X-Request-Id"))
        .collect();
    for id in &ids {
        let parts: Vec<&str> = id.split('_').collect();
        assert_eq!(parts.len(), 3, "{id}");
        assert_eq!((parts[0].len(), parts[1].len()), (4, 8), "{id}");
        assert!(
            parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())),
            "{id}"
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    // The SDK hands it over with errors.
    let err = client(&sandbox).call_status("none").unwrap_err();
    assert!(err.request_id().is_some());
    let first: Value = answers[0].json();
    assert_eq!(first, serde_json::json!({"server_status": 1}));
    assert_eq!(
        answers[0].header("cache-control"),
        Some("no-cache, no-store, must-revalidate")
    );
}
