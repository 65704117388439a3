//! Service-wide settings and rules: the `server_status` endpoint, and `call-hangup` of a call that
//! is no longer active.

mod common;

use common::*;
use lbc_core::protocol::{CallStatus, ErrorCode};
use serde_json::json;

#[test]
fn server_status_has_its_own_endpoint() {
    let sandbox = fast();
    let client = client(&sandbox);
    let shown = get(sandbox.addr(), "/_sandbox/server-status");
    assert_eq!(
        (shown.status, shown.json()),
        (200, json!({"server_status": 1}))
    );

    let set = control(
        sandbox.addr(),
        "PUT",
        "/_sandbox/server-status",
        &json!({"server_status": 0}),
    );
    assert_eq!((set.status, set.json()), (200, json!({"server_status": 0})));
    assert_eq!(client.server_status().unwrap().server_status, 0);
    assert_code(client.call("79256880636", None), ErrorCode::CallRejected);
    assert_eq!(sandbox.server_status(), 0);

    sandbox.set_server_status(1);
    let shown = get(sandbox.addr(), "/_sandbox/server-status");
    assert_eq!(shown.json(), json!({"server_status": 1}));
    client.call("79256880636", None).unwrap();

    // The account PATCH still sets it, service-wide.
    let other = new_account(&sandbox, json!({}));
    patch_account(&sandbox, &other.call_api_id, json!({"server_status": 0}));
    assert_eq!(
        get(sandbox.addr(), "/_sandbox/server-status").json(),
        json!({"server_status": 0})
    );
}

#[test]
fn bad_server_status_bodies_are_refused() {
    let sandbox = fast();
    for (body, says) in [
        (json!({}), "server_status is required"),
        (json!({"server_status": "0"}), "whole number"),
        (json!({"server_status": 0, "x": 1}), "unknown member"),
    ] {
        let answer = control(sandbox.addr(), "PUT", "/_sandbox/server-status", &body);
        assert_eq!(answer.status, 400, "{body}");
        let reason = answer.json()["reason"].as_str().unwrap().to_owned();
        assert!(reason.contains(says), "{body}: {reason}");
    }
    assert_eq!(sandbox.server_status(), 1);
}

#[test]
fn hanging_up_a_call_that_is_not_active_is_call_not_found() {
    let sandbox = slow();
    let client = client(&sandbox);
    // Queued and dialing calls are active: hanging up ends them.
    let queued = client.call("79256880601", None).unwrap();
    client.call_hangup(&queued.call).unwrap();
    let dialing = client.call("79256880602", None).unwrap();
    sandbox.advance_clock(12);
    assert_eq!(
        client.call_status(&dialing.call).unwrap().status,
        CallStatus::Dialing
    );
    client.call_hangup(&dialing.call).unwrap();

    // Hung up, answered, busy, not answered, failed: none is active any more.
    let busy = client.call("79256880608", None).unwrap();
    let failed = client.call("79256880632", None).unwrap();
    let answered = client.call("79256880603", None).unwrap();
    sandbox.advance_clock(25);
    for (call, status) in [
        (&queued.call, CallStatus::NotAnswered),
        (&dialing.call, CallStatus::NotAnswered),
        (&busy.call, CallStatus::Busy),
        (&failed.call, CallStatus::Failed),
        (&answered.call, CallStatus::Answered),
    ] {
        assert_eq!(client.call_status(call).unwrap().status, status);
        let err = client.call_hangup(call).unwrap_err();
        assert_eq!(err.code(), Some(&ErrorCode::CallNotFound), "{status:?}");
        let reason = err.api().unwrap().reason.clone().unwrap_or_default();
        assert!(reason.contains("is not active"), "{reason}");
        assert_eq!(
            client.call_status(call).unwrap().status,
            status,
            "unchanged"
        );
    }
}
