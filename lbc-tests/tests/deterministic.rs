//! Deterministic tests: a fixed mask per account (a known code without reading it back), and `pay`
//! in the later revision's `html` shape.

mod common;

use common::*;
use lbc_core::{Pay, Payment, Verdict};
use lbc_sandbox::{PayShape, Sandbox, SandboxConfig};
use serde_json::json;

#[test]
fn a_fixed_mask_gives_every_call_a_known_code_until_cleared() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let client = client(&sandbox);
    let state = patch_account(
        &sandbox,
        &creds.call_api_id,
        json!({"fixed_mask": "79250000636"}),
    );
    assert_eq!(state["fixed_mask"], "79250000636");

    for msisdn in ["79256880636", "79256880637"] {
        let login = client.start_login(msisdn, None).unwrap();
        assert_eq!(login.prompt(), "7925000");
        assert_eq!(login.check("0636").unwrap(), Verdict::Accepted, "{msisdn}");
        assert_eq!(sandbox.call(login.call()).unwrap().code, "0636");
    }

    let state = patch_account(&sandbox, &creds.call_api_id, json!({"fixed_mask": null}));
    assert_eq!(state["fixed_mask"], serde_json::Value::Null);
    let masks: Vec<String> = (0..3)
        .map(|n| client.call(&format!("7925688070{n}"), None).unwrap().mask)
        .collect();
    assert!(masks.iter().all(|m| m.len() == 11), "{masks:?}");
    assert!(
        masks.iter().any(|m| m != "79250000636"),
        "random again: {masks:?}"
    );
}

#[test]
fn the_fixed_mask_is_per_account_and_settable_at_creation() {
    let sandbox = fast();
    let fixed = new_account(&sandbox, json!({"fixed_mask": "74950001122"}));
    let other = client(&sandbox);
    let fixed_client = client_for(&sandbox, &fixed);
    assert_eq!(
        fixed_client.call("79256880636", None).unwrap().mask,
        "74950001122"
    );
    let mut seen = Vec::new();
    for n in 0..3 {
        seen.push(other.call(&format!("7925688071{n}"), None).unwrap().mask);
    }
    assert!(seen.iter().any(|m| m != "74950001122"), "{seen:?}");
}

#[test]
fn the_rust_api_fixes_the_mask_too() {
    let sandbox = Sandbox::start(SandboxConfig {
        codelen: 6,
        ..Default::default()
    })
    .unwrap();
    let id = sandbox.accounts()[0].call_api_id.clone();
    sandbox.set_fixed_mask(&id, Some("79251234567")).unwrap();
    let started = client(&sandbox).call("79256880636", None).unwrap();
    assert_eq!(started.mask, "79251234567");
    assert_eq!(sandbox.call(&started.call).unwrap().code, "234567");
    let err = sandbox.set_fixed_mask(&id, Some("12345")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let err = sandbox.set_fixed_mask("nobody", None).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    sandbox.set_fixed_mask(&id, None).unwrap();
}

#[test]
fn unusable_masks_and_shapes_are_refused() {
    let sandbox = fast();
    let id = sandbox.accounts()[0].call_api_id.clone();
    for (body, says) in [
        (
            json!({"fixed_mask": "7925abc0636"}),
            "must be 8 to 15 digits",
        ),
        (json!({"fixed_mask": "7925"}), "must be 8 to 15 digits"),
        (
            json!({"fixed_mask": "7925000063600000"}),
            "must be 8 to 15 digits",
        ),
        (
            json!({"fixed_mask": 79250000636u64}),
            "string of digits or null",
        ),
        (json!({"pay_shape": "pdf"}), "pay_shape must be"),
    ] {
        let answer = control(
            sandbox.addr(),
            "PATCH",
            &format!("/_sandbox/accounts/{id}"),
            &body,
        );
        assert_eq!(answer.status, 400, "{body}");
        let reason = answer.json()["reason"].as_str().unwrap().to_owned();
        assert!(reason.contains(says), "{body}: {reason}");
    }
}

#[test]
fn pay_answers_the_html_shape_when_asked_and_its_form_pays() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let client = client(&sandbox);
    let state = patch_account(&sandbox, &creds.call_api_id, json!({"pay_shape": "html"}));
    assert_eq!(state["pay_shape"], "html");

    let payment = client.pay(&Pay::new(50_000)).unwrap();
    let Payment::Html { html } = &payment else {
        panic!("expected the html shape, got {payment:?}");
    };
    assert!(
        html.starts_with("<form method=\"post\" action=\"http://127.0.0.1:"),
        "{html}"
    );
    assert!(html.contains("class=\"lbc-payment-button\""), "{html}");
    assert!(html.contains("value=\"Pay 5.00 USD\""), "{html}");
    assert_eq!(payment.to_html(), *html);

    // The form posts to the sandbox's payment page, which credits the account.
    let action = html
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let path = action.split_once("127.0.0.1:").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let before = client.balance().unwrap().balance.0;
    let paid = send(
        sandbox.addr(),
        "POST",
        path,
        "application/x-www-form-urlencoded",
        b"",
    );
    assert_eq!(paid.status, 200, "{}", paid.text());
    assert_eq!(client.balance().unwrap().balance.0, before + 50_000);

    sandbox
        .set_pay_shape(&creds.call_api_id, PayShape::Url)
        .unwrap();
    assert!(matches!(
        client.pay(&Pay::new(10_000)).unwrap(),
        Payment::Form { .. }
    ));
}
