//! The dashboard (`GET /_sandbox/`), its refreshing part (`/_sandbox/live`) and the JSON behind it
//! (`/_sandbox/state`). The browser test is `tests/browser/dashboard.sh`.

mod common;

use common::*;
use lbc_core::Register;
use serde_json::{Value, json};

#[test]
fn the_page_shows_accounts_calls_outbox_and_faults() {
    let sandbox = slow();
    let creds = sandbox.accounts()[0].clone();
    patch_account(
        &sandbox,
        &creds.call_api_id,
        json!({"fixed_mask": "79250000636"}),
    );
    let client = client(&sandbox);
    let started = client.call("79256880636", Some("203.0.113.7")).unwrap();
    client
        .register(&Register::new("shop.example", "owner@shop.example"))
        .unwrap();
    sandbox.arm_fault("call-status:delay=250:2".parse().unwrap());

    let page = get(sandbox.addr(), "/_sandbox/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'nonce-"), "{policy}");
    let html = page.text();
    assert!(
        !html.contains(" src=") && !html.contains(" href="),
        "nothing loaded from elsewhere"
    );
    for expected in [
        "<title>LoginByCall sandbox</title>",
        // The call, like an incoming-call screen: the code highlighted at the end of the number.
        "+7925000<span class=\"code\">0636</span>",
        "to <b>+79256880636</b>",
        "user IP <b>203.0.113.7</b>",
        "1 queued",
        // The account with its balance in USD and credits (100 credits consumed by the call).
        &creds.call_api_id,
        "99.99 USD",
        "999900 credits",
        "fixed mask 79250000636",
        // The outbox and the armed fault.
        "LoginByCall: the API key for shop.example",
        "to owner@shop.example",
        "delay 250 ms",
        "call-status",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    assert!(
        !html.contains(&creds.api_key),
        "the page never shows an account's key"
    );

    // As it goes: dialing, then final.
    sandbox.advance_clock(12);
    let live = get(sandbox.addr(), "/_sandbox/live").text();
    assert!(
        live.contains("2 dialing") && live.contains("Incoming call"),
        "{live}"
    );
    assert!(!live.contains("<html"), "the refreshing part only");
    sandbox.advance_clock(10);
    let live = get(sandbox.addr(), "/_sandbox/live").text();
    assert!(
        live.contains("4 answered") && live.contains("Call ended"),
        "{live}"
    );
    assert!(live.contains(&started.call[..10]), "{live}");
}

#[test]
fn the_state_endpoint_answers_the_same_as_json() {
    let sandbox = fast();
    let client = client(&sandbox);
    let started = client.call("79256880636", None).unwrap();
    sandbox.arm_fault("*:503:1".parse().unwrap());
    let state = get(sandbox.addr(), "/_sandbox/state").json();
    assert_eq!(state["base_url"], sandbox.base_url());
    assert_eq!(state["server_status"], 1);
    assert_eq!(state["requests"]["by_method"]["call"], 1);
    let call = &state["calls"][0];
    assert_eq!(call["call"], started.call.as_str());
    assert_eq!(call["msisdn"], "79256880636");
    assert_eq!(call["code"], &started.mask[7..]);
    let account = &state["accounts"][0];
    assert_eq!(
        account["call_api_id"],
        sandbox.accounts()[0].call_api_id.as_str()
    );
    assert_eq!(account["available"], 999_900);
    assert_eq!(account["available_usd"], "99.99");
    assert_eq!(
        state["faults"],
        json!([{"method": "*", "kind": "503", "count": 1}])
    );
    assert_eq!(state["outbox"], json!([]));
    assert_eq!(
        sandbox.state_json()["calls"][0]["call"],
        started.call.as_str()
    );
    assert!(!state.to_string().contains(&sandbox.accounts()[0].api_key));
}

#[test]
fn what_came_from_requests_is_escaped_not_markup() {
    let sandbox = fast();
    let hostile_id = "<script>alert(1)</script>";
    new_account(&sandbox, json!({"call_api_id": hostile_id}));
    let hostile_email = "<img/src=x/onerror=alert(2)>@example.com";
    client(&sandbox)
        .register(&Register::new("example.com", hostile_email))
        .unwrap();
    assert!(
        outbox(&sandbox).iter().any(|m| m["to"] == hostile_email),
        "the mail went out to the hostile address"
    );
    for target in ["/_sandbox/", "/_sandbox/live"] {
        let html = get(sandbox.addr(), target).text();
        assert!(!html.contains("<script>alert"), "{target}: {html}");
        assert!(!html.contains("<img"), "{target}: {html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{target}: {html}"
        );
        assert!(
            html.contains("&lt;img/src=x/onerror=alert(2)&gt;@example.com"),
            "{target}: {html}"
        );
    }
    // The page runs only its own script, whatever got through.
    let page = get(sandbox.addr(), "/_sandbox/");
    let policy = page.header("content-security-policy").unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert_eq!(page.text().matches("<script").count(), 1);
    assert!(page.text().contains(&format!("<script nonce=\"{nonce}\">")));
    let again = get(sandbox.addr(), "/_sandbox/");
    assert_ne!(
        again.header("content-security-policy").unwrap(),
        policy,
        "a fresh nonce for every page"
    );
}

#[test]
fn the_page_is_at_both_spellings_and_bounded() {
    let sandbox = fast();
    for n in 0..120 {
        new_account(&sandbox, json!({"call_api_id": format!("acct-{n:03}")}));
    }
    let with_slash = get(sandbox.addr(), "/_sandbox/");
    let without = get(sandbox.addr(), "/_sandbox");
    assert_eq!((with_slash.status, without.status), (200, 200));
    let html = with_slash.text();
    assert!(html.contains("newest 100 of 121"), "{html}");
    assert!(
        html.contains("acct-119") && !html.contains("acct-019<"),
        "newest first"
    );
    let state: Value = get(sandbox.addr(), "/_sandbox/state").json();
    assert_eq!(state["accounts_total"], 121);
    assert_eq!(state["accounts"].as_array().unwrap().len(), 100);
}
