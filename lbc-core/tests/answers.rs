//! Every example answer and error of the documentation, read into typed values.

use std::time::Duration;

use lbc_core::protocol::{CallStatus, ErrorCode};
use lbc_core::testing::FromAnswer;
use lbc_core::{
    AccountStatus, ApiError, Balance, CallStarted, CallState, CredentialChange, Credits, Payment,
    Registration, ServerStatus,
};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn each<T: FromAnswer>(method: &str) -> Vec<T> {
    let all = fixture("answers.json");
    let examples = all[method].as_array().expect(method);
    assert!(!examples.is_empty());
    examples
        .iter()
        .map(|e| T::from_answer(e).unwrap_or_else(|err| panic!("{method}: {err}")))
        .collect()
}

#[test]
fn register_examples() {
    let answers: Vec<Registration> = each("register");
    assert_eq!(answers[0].verify_url, "http://example.com/lbc_verify.html");
    assert!(answers[1].verify_url.contains(&answers[1].call_api_id));
}

#[test]
fn status_and_server_status_examples() {
    let status: Vec<AccountStatus> = each("status");
    assert_eq!(
        status[0],
        AccountStatus {
            activated: false,
            blocked: false,
            allow_unsecure_calls: false
        }
    );
    let server: Vec<ServerStatus> = each("server-status");
    assert!(server[0].is_working());
}

#[test]
fn balance_example() {
    let balance: Vec<Balance> = each("balance");
    let b = &balance[0];
    assert_eq!(b.current(), Credits(100_000_000 - 40));
    assert_eq!(b.last_payments[0].created, 1_492_283_925);
    assert_eq!(b.balance.usd(), 10_000.0);
}

#[test]
fn pay_examples_in_both_shapes() {
    let pays: Vec<Payment> = each("pay");
    match &pays[0] {
        Payment::Form {
            url,
            method,
            fields,
        } => {
            assert_eq!(url, "https://www.payanyway.ru/assistant.htm");
            assert_eq!(method, "POST");
            assert_eq!(fields[0], ("MNT_ID".to_owned(), "13042359".to_owned()));
            assert_eq!(fields.len(), 6, "documented order kept");
            assert_eq!(fields[5].0, "MNT_SIGNATURE");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&pays[2], Payment::Html { html } if html.contains("lbc-payment-button")));
    for pay in &pays {
        assert!(pay.to_html().contains("<form"));
    }
}

#[test]
fn call_and_call_status_examples() {
    let calls: Vec<CallStarted> = each("call");
    assert_eq!(calls[1].mask, "79256880636");
    assert_eq!((calls[1].codelen, calls[1].repeat_timeout), (4, 10));
    let states: Vec<CallState> = each("call-status");
    assert_eq!(states[0].status, CallStatus::Dialing);
    assert!(!states[0].is_final());
    assert_eq!(states[0].last_error, None);
    assert_eq!(states[1].status, CallStatus::Failed);
    assert_eq!(
        states[1].last_error.as_deref(),
        Some("Call rejected, try again")
    );
    assert!(
        states[2]
            .last_error
            .as_deref()
            .unwrap()
            .starts_with("Вызов")
    );
    let changes: Vec<CredentialChange> = each("change_credential");
    assert!(changes[0].call_api_id.starts_with("NEWid"));
}

#[test]
fn empty_successes_take_any_body() {
    for body in ["{}", "null"] {
        let value: Value = serde_json::from_str(body).unwrap();
        <()>::from_answer(&value).unwrap();
    }
}

#[test]
fn every_documented_error_is_read() {
    for case in fixture("errors.json").as_array().unwrap() {
        let request_id = case["request_id"].as_str().map(str::to_owned);
        let api = ApiError::from_answer(&case["body"], request_id.clone()).expect("an error");
        assert_eq!(api.code.as_str(), case["code"].as_str().unwrap());
        assert_eq!(api.request_id, request_id);
        let delay = case["delay"].as_f64().map(Duration::from_secs_f64);
        assert_eq!(api.delay(), delay);
        if api.code == ErrorCode::InvalidAccount {
            assert_eq!(api.class.as_deref(), Some("PROCESS"));
            assert!(api.stack.as_deref().unwrap().contains("err.js"));
        }
        let shown = lbc_core::Error::from(api).to_string();
        assert!(shown.contains(case["code"].as_str().unwrap()), "{shown}");
    }
}

#[test]
fn unknown_codes_are_kept() {
    let body = serde_json::json!({"error": "SOMETHING_NEWER"});
    let api = ApiError::from_answer(&body, None).unwrap();
    assert_eq!(api.code, ErrorCode::Other("SOMETHING_NEWER".into()));
}
