//! Calls: their statuses, the outcome by the number's last digits, hang-ups, the repeat timeout,
//! charges and credit.

mod common;

use std::time::Duration;

use common::*;
use lbc_core::protocol::{CallStatus, ErrorCode};
use lbc_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

#[test]
fn the_last_two_digits_choose_the_outcome() {
    let sandbox = fast();
    let client = client(&sandbox);
    for (msisdn, status, last_error) in [
        ("79990000008", CallStatus::Busy, None),
        ("79990000016", CallStatus::NotAnswered, None),
        (
            "79990000032",
            CallStatus::Failed,
            Some("Call rejected, try again"),
        ),
        ("79990000004", CallStatus::Answered, None),
        ("79990000099", CallStatus::Answered, None),
    ] {
        let login = client.start_login(msisdn, Some("192.0.2.1")).unwrap();
        let state = login.wait_final(&client, Duration::from_secs(10)).unwrap();
        assert_eq!(state.status, status, "{msisdn}");
        assert_eq!(state.status_desc, status.description(), "{msisdn}");
        assert_eq!(state.last_error.as_deref(), last_error, "{msisdn}");
        let view = sandbox.latest_call_to(msisdn).unwrap();
        assert_eq!(
            (view.status, view.status_desc.as_str()),
            (status.code(), status.description())
        );
    }
}

#[test]
fn a_call_is_queued_then_dialing_then_final() {
    let sandbox = slow();
    let client = client(&sandbox);
    let started = client.call("79990000032", None).unwrap();
    let status = |c: &lbc_core::Client| c.call_status(&started.call).unwrap();
    assert_eq!(status(&client).status, CallStatus::Queued);
    assert_eq!(status(&client).last_error, None);
    sandbox.advance_clock(10);
    assert_eq!(status(&client).status, CallStatus::Dialing);
    assert_eq!(
        status(&client).last_error,
        None,
        "set only once the call failed"
    );
    sandbox.advance_clock(10);
    let last = status(&client);
    assert_eq!(last.status, CallStatus::Failed);
    assert_eq!(last.last_error.as_deref(), Some("Call rejected, try again"));
}

#[test]
fn the_code_is_the_end_of_the_mask() {
    let sandbox = Sandbox::start(SandboxConfig {
        codelen: 6,
        ..Default::default()
    })
    .unwrap();
    let client = client(&sandbox);
    let login = client.start_login("+7 (925) 688-06-36", None).unwrap();
    assert_eq!(login.codelen(), 6);
    let view = sandbox.call(login.call()).unwrap();
    assert_eq!(view.code.len(), 6);
    assert_eq!(view.mask, format!("{}{}", login.prompt(), view.code));
    assert_eq!(login.prompt(), &view.mask[..5]);
    assert_eq!(
        login.check(&view.code).unwrap(),
        lbc_core::Verdict::Accepted
    );
}

#[test]
fn hanging_up_ends_a_ringing_call_and_an_ended_call_is_not_found() {
    let sandbox = slow();
    let client = client(&sandbox);
    let queued = client.call("79990000001", None).unwrap();
    client.call_hangup(&queued.call).unwrap();
    assert_eq!(
        client.call_status(&queued.call).unwrap().status,
        CallStatus::NotAnswered
    );
    // The spec: the user "must have an active call with the status 2"; an ended call is none.
    assert_code(client.call_hangup(&queued.call), ErrorCode::CallNotFound);

    let dialing = client.call("79990000002", None).unwrap();
    sandbox.advance_clock(15);
    assert_eq!(
        client.call_status(&dialing.call).unwrap().status,
        CallStatus::Dialing
    );
    client.call_hangup(&dialing.call).unwrap();
    sandbox.advance_clock(60);
    assert_eq!(
        client.call_status(&dialing.call).unwrap().status,
        CallStatus::NotAnswered
    );

    let answered = client.call("79990000003", None).unwrap();
    sandbox.advance_clock(25);
    assert_eq!(
        client.call_status(&answered.call).unwrap().status,
        CallStatus::Answered
    );
    assert_code(client.call_hangup(&answered.call), ErrorCode::CallNotFound);
    assert_eq!(
        client.call_status(&answered.call).unwrap().status,
        CallStatus::Answered,
        "hanging up an ended call changes nothing"
    );
}

#[test]
fn unknown_and_foreign_calls_are_not_found() {
    let sandbox = fast();
    let client = client(&sandbox);
    assert_code(client.call_status("no-such-call"), ErrorCode::CallNotFound);
    assert_code(client.call_hangup("no-such-call"), ErrorCode::CallNotFound);
    let mine = client.call("79990000000", None).unwrap();
    let other = client_for(&sandbox, &new_account(&sandbox, json!({})));
    assert_code(other.call_status(&mine.call), ErrorCode::CallNotFound);
    assert_code(other.call_hangup(&mine.call), ErrorCode::CallNotFound);
    client.call_status(&mine.call).unwrap();
}

#[test]
fn a_repeat_before_the_timeout_is_refused_with_the_delay() {
    let sandbox = slow();
    let client = client(&sandbox);
    let first = client.call("79991112233", Some("80.80.88.88")).unwrap();
    assert_eq!(first.repeat_timeout, 30);
    sandbox.advance_clock(6);
    let err = client.call("79991112233", Some("80.80.88.88")).unwrap_err();
    let delay = err.delay().expect("a delay").as_secs_f64();
    assert!(delay > 23.0 && delay <= 24.0, "{delay}");
    let api = err.api().unwrap();
    assert_eq!(api.code, ErrorCode::CallRepeatTimeout);
    assert_eq!(api.class.as_deref(), Some("PROCESS"));
    assert_eq!(
        api.reason.as_deref(),
        Some("You can call back in 24 seconds")
    );
    // Another IP, or another number, is another pair.
    client.call("79991112233", Some("80.80.88.89")).unwrap();
    client.call("79991112234", Some("80.80.88.88")).unwrap();
    sandbox.advance_clock(25);
    client.call("79991112233", Some("80.80.88.88")).unwrap();
}

#[test]
fn calls_are_charged_except_repeats_within_a_minute() {
    let sandbox = slow();
    let client = client(&sandbox);
    let consumed = || client.balance().unwrap().consumed.0;
    client.call("79992223344", None).unwrap();
    assert_eq!(consumed(), 100);
    sandbox.advance_clock(31);
    client.call("79992223344", None).unwrap();
    assert_eq!(consumed(), 100, "a repeat within a minute is free");
    sandbox.advance_clock(30);
    client.call("79992223344", None).unwrap();
    assert_eq!(consumed(), 200, "61 s after the charged call");
    client.call("79992223345", None).unwrap();
    assert_eq!(consumed(), 300);
}

#[test]
fn without_credit_there_is_no_call() {
    let sandbox = fast();
    let creds = new_account(&sandbox, json!({"balance": 150}));
    let client = client_for(&sandbox, &creds);
    client.call("79990000000", None).unwrap();
    assert_code(client.call("79990000001", None), ErrorCode::NotEnoughCredit);
    assert!(sandbox.latest_call_to("79990000001").is_none());
    let balance = client.balance().unwrap();
    assert_eq!(
        (balance.balance.0, balance.consumed.0, balance.current().0),
        (150, 100, 50)
    );
    patch_account(&sandbox, &creds.call_api_id, json!({"balance": 200}));
    client.call("79990000001", None).unwrap();
}

#[test]
fn numbers_must_be_eight_to_fifteen_digits_and_ips_addresses() {
    let sandbox = fast();
    // The sandbox's own checks: the SDK's guard (which refuses numbers of no known type) is off.
    let creds = &sandbox.accounts()[0];
    let client = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .api_key(creds.api_key.as_str())
        .guard(lbc_core::GuardPolicy::off())
        .build()
        .unwrap();
    for bad in ["7999000", "7999000000000000", "7999abc0000", "+79990000000"] {
        let answer = client
            .request(
                "call",
                &lbc_core::protocol::Params::new().with("msisdn", bad),
            )
            .unwrap_err();
        assert_eq!(code::<()>(Err(answer)), "INVALID_ARGS", "{bad}");
    }
    let answer = client
        .request(
            "call",
            &lbc_core::protocol::Params::new()
                .with("msisdn", "79990000000")
                .with("ip_address", "not-an-ip"),
        )
        .unwrap_err();
    assert_eq!(code::<()>(Err(answer)), "INVALID_ARGS");
    // The sandbox itself takes any 8 to 15 digits (the SDK refuses numbers not valid anywhere).
    client
        .request(
            "call",
            &lbc_core::protocol::Params::new()
                .with("msisdn", "12345678")
                .with("ip_address", "::1"),
        )
        .unwrap();
}

#[test]
fn while_the_service_is_down_calls_are_rejected() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let client = client(&sandbox);
    patch_account(&sandbox, &creds.call_api_id, json!({"server_status": 0}));
    assert!(!client.server_status().unwrap().is_working());
    assert_code(client.call("79990000000", None), ErrorCode::CallRejected);
    assert_eq!(
        client.balance().unwrap().consumed.0,
        0,
        "a rejected call is free"
    );
    patch_account(&sandbox, &creds.call_api_id, json!({"server_status": 1}));
    client.call("79990000000", None).unwrap();
}
