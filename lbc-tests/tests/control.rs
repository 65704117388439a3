//! The Rust API of the sandbox (start, ready line, inspection, shutdown) and `/_sandbox/`.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use lbc_core::{Pay, Payment};
use lbc_sandbox::{Credentials, Sandbox, SandboxConfig};
use serde_json::{Value, json};

#[test]
fn the_ready_line_is_the_contracts() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let line = sandbox.ready_line();
    assert!(!line.contains('\n'));
    let parsed: Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<&str> = parsed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["base_url", "accounts"]);
    let base = format!("http://127.0.0.1:{}/callapi/v2.0/", sandbox.addr().port());
    assert_eq!(parsed["base_url"], base.as_str());
    assert_eq!(sandbox.base_url(), base);
    let accounts = parsed["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "one generated account");
    let account = accounts[0].as_object().unwrap();
    assert_eq!(
        account.keys().collect::<Vec<_>>(),
        ["call_api_id", "api_key"]
    );
    for value in account.values() {
        let text = value.as_str().unwrap();
        assert_eq!(text.len(), 40);
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    let seeded: Vec<Credentials> = serde_json::from_value(parsed["accounts"].clone()).unwrap();
    assert_eq!(seeded, sandbox.accounts());
    // The generated account is activated, with a balance.
    let balance = client(&sandbox).balance().unwrap();
    assert_eq!(balance.balance.0, 1_000_000);
}

#[test]
fn configured_accounts_are_seeded_as_given() {
    let accounts = vec![
        Credentials {
            call_api_id: "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6".into(),
            api_key: "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq".into(),
        },
        Credentials {
            call_api_id: "second".into(),
            api_key: "key2".into(),
        },
    ];
    let sandbox = Sandbox::start(SandboxConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        accounts: accounts.clone(),
        dial: Duration::from_millis(1),
        ring: Duration::from_millis(1),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(sandbox.accounts(), accounts);
    let line: Value = serde_json::from_str(&sandbox.ready_line()).unwrap();
    assert_eq!(line["accounts"], json!(accounts));
    for creds in &accounts {
        assert!(client_for(&sandbox, creds).status().unwrap().activated);
    }
}

#[test]
fn bad_configurations_are_refused() {
    let twice = Credentials {
        call_api_id: "same".into(),
        api_key: "k".into(),
    };
    for (config, what) in [
        (
            SandboxConfig {
                codelen: 0,
                ..Default::default()
            },
            "codelen 0",
        ),
        (
            SandboxConfig {
                codelen: 11,
                ..Default::default()
            },
            "codelen 11",
        ),
        (
            SandboxConfig {
                accounts: vec![twice.clone(), twice.clone()],
                ..Default::default()
            },
            "a repeated id",
        ),
        (
            SandboxConfig {
                accounts: vec![Credentials {
                    call_api_id: "has space".into(),
                    api_key: "k".into(),
                }],
                ..Default::default()
            },
            "an id with a space",
        ),
        (
            SandboxConfig {
                request_timeout: Duration::ZERO,
                ..Default::default()
            },
            "no time for requests",
        ),
    ] {
        let err = Sandbox::start(config).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{what}");
    }
    let taken = fast();
    let err = Sandbox::start(SandboxConfig {
        listen: taken.addr(),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}

#[test]
fn calls_are_inspectable_by_id_and_number() {
    let sandbox = slow();
    let started = client(&sandbox)
        .call("79990001122", Some("203.0.113.7"))
        .unwrap();
    let view = get(sandbox.addr(), &format!("/_sandbox/calls/{}", started.call));
    assert_eq!(view.status, 200);
    let view = view.json();
    let keys: Vec<&str> = view
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "call",
            "msisdn",
            "ip_address",
            "mask",
            "codelen",
            "code",
            "status",
            "status_desc"
        ]
    );
    assert_eq!(view["call"], started.call.as_str());
    assert_eq!(view["msisdn"], "79990001122");
    assert_eq!(view["ip_address"], "203.0.113.7");
    assert_eq!(view["mask"], started.mask.as_str());
    assert_eq!(view["code"], &started.mask[7..]);
    assert_eq!(
        (view["status"].clone(), view["status_desc"].clone()),
        (json!(1), json!("queued"))
    );
    let by_number = get(sandbox.addr(), "/_sandbox/phones/79990001122").json();
    assert_eq!(by_number, view);
    assert_eq!(
        sandbox.call(&started.call).map(|c| json!(c)),
        Some(view.clone())
    );
    assert_eq!(
        sandbox.latest_call_to("79990001122").map(|c| json!(c)),
        Some(view)
    );

    sandbox.advance_clock(20);
    assert_eq!(sandbox.call(&started.call).unwrap().status, 4);
    let later = client(&sandbox).call("79990001122", None).unwrap();
    assert_eq!(
        sandbox.latest_call_to("79990001122").unwrap().call,
        later.call
    );
    assert_eq!(
        sandbox.latest_call_to("79990001122").unwrap().ip_address,
        None
    );

    for target in ["/_sandbox/calls/nope", "/_sandbox/phones/70000000000"] {
        let missing = get(sandbox.addr(), target);
        assert_eq!(missing.status, 404, "{target}");
        assert_eq!(missing.json()["error"], "NOT_FOUND");
    }
    assert!(sandbox.call("nope").is_none());
    assert!(sandbox.latest_call_to("70000000000").is_none());
}

#[test]
fn the_clock_endpoint_moves_time() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let before = unix_now();
    let answer = control(
        addr,
        "POST",
        "/_sandbox/clock",
        &json!({"advance_seconds": 3600}),
    );
    assert_eq!(answer.status, 200);
    let now = answer.json()["now"].as_i64().unwrap();
    assert!((now - before - 3600).abs() <= 2, "{now} vs {before}");
    let fractional = control(
        addr,
        "POST",
        "/_sandbox/clock",
        &json!({"advance_seconds": 0.5}),
    );
    assert_eq!(fractional.status, 200);
    for body in [
        json!({}),
        json!({"advance_seconds": "soon"}),
        json!({"advance": 1}),
        json!([1]),
    ] {
        let answer = control(addr, "POST", "/_sandbox/clock", &body);
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.json()["error"], "BAD_REQUEST");
    }
    let not_json = send(
        addr,
        "POST",
        "/_sandbox/clock",
        "application/json",
        b"{nope",
    );
    assert_eq!(not_json.status, 400);
    assert_eq!(get(addr, "/_sandbox/clock").status, 405);
}

#[test]
fn accounts_are_created_inspected_and_changed() {
    let sandbox = fast();
    let addr = sandbox.addr();
    let creds = new_account(
        &sandbox,
        json!({"call_api_id": "my-id", "api_key": "my-key", "balance": 777, "allow_unsecure_calls": true}),
    );
    assert_eq!(
        creds,
        Credentials {
            call_api_id: "my-id".into(),
            api_key: "my-key".into()
        }
    );
    let client = client_for(&sandbox, &creds);
    assert_eq!(client.balance().unwrap().balance.0, 777);
    assert!(client.status().unwrap().allow_unsecure_calls);

    let state = get(addr, "/_sandbox/accounts/my-id").json();
    assert_eq!(state["key_state"], "active");
    assert_eq!(state["balance"], 777);
    assert_eq!(state["allow_unsecure_calls"], true);

    let duplicate = control(
        addr,
        "POST",
        "/_sandbox/accounts",
        &json!({"call_api_id": "my-id"}),
    );
    assert_eq!(duplicate.status, 409);
    let unknown_member = control(addr, "POST", "/_sandbox/accounts", &json!({"balanse": 1}));
    assert_eq!(unknown_member.status, 400);
    let generated = send(addr, "POST", "/_sandbox/accounts", "application/json", b"");
    assert_eq!(generated.status, 200, "an empty body takes the defaults");
    let generated: Credentials = serde_json::from_value(generated.json()).unwrap();
    assert_eq!(
        client_for(&sandbox, &generated)
            .balance()
            .unwrap()
            .balance
            .0,
        1_000_000
    );

    let state = patch_account(
        &sandbox,
        "my-id",
        json!({"balance": 5, "blocked": 1, "allow_unsecure_calls": false, "server_status": 0}),
    );
    assert_eq!(
        (
            &state["balance"],
            &state["blocked"],
            &state["allow_unsecure_calls"],
            &state["server_status"]
        ),
        (&json!(5), &json!(true), &json!(false), &json!(0))
    );
    assert_eq!(client.server_status().unwrap().server_status, 0);
    let bad = control(
        addr,
        "PATCH",
        "/_sandbox/accounts/my-id",
        &json!({"blocked": "yes"}),
    );
    assert_eq!(bad.status, 400);
    let missing = control(
        addr,
        "PATCH",
        "/_sandbox/accounts/nobody",
        &json!({"blocked": true}),
    );
    assert_eq!(missing.status, 404);
    assert_eq!(get(addr, "/_sandbox/accounts/nobody").status, 404);
}

#[test]
fn the_payment_page_credits_the_account() {
    let sandbox = fast();
    let client = client(&sandbox);
    let Payment::Form { url, fields, .. } = client.pay(&Pay::new(123_456)).unwrap() else {
        panic!("the first revision's shape");
    };
    assert!(
        fields
            .iter()
            .any(|(n, v)| n == "MNT_AMOUNT" && v == "12.3456")
    );
    assert!(
        fields
            .iter()
            .any(|(n, v)| n == "MNT_CURRENCY_CODE" && v == "USD")
    );
    let path = url
        .split_once(&sandbox.addr().to_string())
        .unwrap()
        .1
        .to_owned();
    let page = get(sandbox.addr(), &path);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("lbc-payment-button"));
    assert_eq!(client.balance().unwrap().last_payments, []);

    let paid = send(
        sandbox.addr(),
        "POST",
        &path,
        "application/x-www-form-urlencoded",
        b"MNT_ID=x",
    );
    assert_eq!(paid.status, 200, "{}", paid.text());
    let balance = client.balance().unwrap();
    assert_eq!(balance.balance.0, 1_000_000 + 123_456);
    assert_eq!(balance.last_payments.len(), 1);
    assert_eq!(balance.last_payments[0].value.0, 123_456);
    assert!((balance.last_payments[0].created - unix_now()).abs() <= 2);

    let again = send(
        sandbox.addr(),
        "POST",
        &path,
        "application/x-www-form-urlencoded",
        b"",
    );
    assert_eq!(again.status, 404, "paid once only");
    assert_eq!(get(sandbox.addr(), "/_sandbox/pay/unknown").status, 404);
    for bad in ["0", "-5", "1.5", "lots"] {
        assert_code(
            client.request(
                "pay",
                &lbc_core::protocol::Params::new().with("amount", bad),
            ),
            lbc_core::protocol::ErrorCode::InvalidArgs,
        );
    }
}

#[test]
fn balance_lists_the_last_five_payments_newest_first() {
    let sandbox = fast();
    let client = client(&sandbox);
    for amount in 1..=7 {
        let Payment::Form { url, .. } = client.pay(&Pay::new(amount)).unwrap() else {
            panic!("form");
        };
        let path = url
            .split_once(&sandbox.addr().to_string())
            .unwrap()
            .1
            .to_owned();
        assert_eq!(
            send(sandbox.addr(), "POST", &path, "text/plain", b"").status,
            200
        );
    }
    let values: Vec<i64> = client
        .balance()
        .unwrap()
        .last_payments
        .iter()
        .map(|p| p.value.0)
        .collect();
    assert_eq!(values, [7, 6, 5, 4, 3]);
}

#[test]
fn shutdown_stops_serving_promptly_even_with_open_connections() {
    let sandbox = fast();
    let addr = sandbox.addr();
    // The client's pool keeps its connection open.
    let client = client(&sandbox);
    client.balance().unwrap();
    let idle = TcpStream::connect(addr).unwrap();
    let started = Instant::now();
    sandbox.shutdown();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens any more"
    );
    drop(idle);
    assert!(client.status().is_err());

    let dropped = fast();
    let addr = dropped.addr();
    drop(dropped);
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn the_outbox_lists_every_mail() {
    let sandbox = fast();
    assert!(outbox(&sandbox).is_empty());
    let client = client(&sandbox);
    let first = client.change_credential("one@example.com", None).unwrap();
    let second = client.change_credential("two@example.com", None).unwrap();
    let mails = outbox(&sandbox);
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0]["to"], "one@example.com");
    assert_eq!(mails[0]["call_api_id"], first.call_api_id.as_str());
    assert_eq!(mails[1]["call_api_id"], second.call_api_id.as_str());
    for mail in &mails {
        for key in ["to", "subject", "body", "call_api_id", "api_key"] {
            assert!(
                mail[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key}: {mail}"
            );
        }
    }
}
