//! Signature checks: NO_SIGNATURE, INVALID_SIGNATURE, INVALID_TIMESTAMP, NONCE_ALREADY_USED, the
//! account errors, and unsigned calls for accounts allowed them.

mod common;

use std::sync::Arc;

use common::*;
use lbc_core::protocol::{ErrorCode, Method, Params, Signer};
use serde_json::json;

#[test]
fn unsigned_requests_are_refused_with_no_signature() {
    let sandbox = fast();
    let id = &sandbox.accounts()[0].call_api_id;
    let unsigned = builder(&sandbox).call_api_id(id).build().unwrap();
    assert_code(unsigned.balance(), ErrorCode::NoSignature);
    assert_code(unsigned.call("79990000000", None), ErrorCode::NoSignature);
    // The unsigned methods need none.
    assert!(unsigned.status().unwrap().activated);
    unsigned.server_status().unwrap();
}

#[test]
fn a_wrong_key_or_tampered_request_is_an_invalid_signature() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let wrong = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .api_key("not-the-key")
        .build()
        .unwrap();
    assert_code(wrong.balance(), ErrorCode::InvalidSignature);

    // Signed for 79990000000, sent for 79990000001.
    let signer = Signer::new(&creds.api_key);
    let mut params = Params::new()
        .with("call-api-id", creds.call_api_id.as_str())
        .with("timestamp", unix_now().to_string())
        .with("nonce", "tamper1")
        .with("msisdn", "79990000000");
    let signature = signer.sign(Method::Call, &params).unwrap();
    params.set("msisdn", "79990000001");
    let answer = api_get(&sandbox, "call", &params, Some(&signature));
    assert_eq!(answer["error"], "INVALID_SIGNATURE");
    assert_eq!(answer["clazz"], "GENERIC");
    assert!(sandbox.latest_call_to("79990000001").is_none());
}

/// Sends `method` with `params` (and `signature` as a parameter) as a GET query; returns the JSON.
fn api_get(
    sandbox: &lbc_sandbox::Sandbox,
    method: &str,
    params: &Params,
    signature: Option<&str>,
) -> serde_json::Value {
    let mut query: Vec<String> = params
        .iter()
        .map(|(n, v)| format!("{n}={}", form(v)))
        .collect();
    if let Some(sig) = signature {
        query.push(format!("signature={sig}"));
    }
    let answer = get(
        sandbox.addr(),
        &format!("/callapi/v2.0/{method}?{}", query.join("&")),
    );
    assert_eq!(answer.status, 200);
    answer.json()
}

fn form(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[test]
fn timestamps_a_day_away_are_refused() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    for shift in [-25 * 3600, 25 * 3600] {
        let skewed = builder(&sandbox)
            .call_api_id(&creds.call_api_id)
            .api_key(creds.api_key.as_str())
            .clock(Arc::new(ShiftedClock(shift)))
            .build()
            .unwrap();
        assert_code(skewed.balance(), ErrorCode::InvalidTimestamp);
    }
    // 23 hours off is still inside the window.
    let near = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .api_key(creds.api_key.as_str())
        .clock(Arc::new(ShiftedClock(-23 * 3600)))
        .build()
        .unwrap();
    near.balance().unwrap();

    // A timestamp that is not a number, correctly signed.
    let signer = Signer::new(&creds.api_key);
    let params = Params::new()
        .with("call-api-id", creds.call_api_id.as_str())
        .with("timestamp", "yesterday")
        .with("nonce", "ts-text");
    let signature = signer.sign(Method::Balance, &params).unwrap();
    let answer = api_get(&sandbox, "balance", &params, Some(&signature));
    assert_eq!(answer["error"], "INVALID_TIMESTAMP");
    assert_eq!(answer["clazz"], "PROCESS");
}

#[test]
fn the_sandbox_clock_moves_the_timestamp_window() {
    let sandbox = fast();
    let client = client(&sandbox);
    client.balance().unwrap();
    sandbox.advance_clock(25 * 3600);
    assert_code(client.balance(), ErrorCode::InvalidTimestamp);
    // A client whose clock agrees with the sandbox again is fine.
    let creds = &sandbox.accounts()[0];
    let agreeing = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .api_key(creds.api_key.as_str())
        .clock(Arc::new(ShiftedClock(25 * 3600)))
        .build()
        .unwrap();
    agreeing.balance().unwrap();
}

#[test]
fn a_replayed_nonce_is_refused_until_it_leaves_the_window() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let replaying = |shift: i64| {
        builder(&sandbox)
            .call_api_id(&creds.call_api_id)
            .api_key(creds.api_key.as_str())
            .nonce_source(Arc::new(FixedNonce("p2P6YLWPk4wOfqKXwBjkXGyO33k")))
            .clock(Arc::new(ShiftedClock(shift)))
            .build()
            .unwrap()
    };
    replaying(0).balance().unwrap();
    let err = replaying(0).balance().unwrap_err();
    assert_eq!(code::<()>(Err(err)), "NONCE_ALREADY_USED");
    // Another timestamp does not make the nonce new.
    assert_code(
        replaying(-60).status_then_balance(),
        ErrorCode::NonceAlreadyUsed,
    );

    // 12 hours on, the nonce is still remembered.
    sandbox.advance_clock(12 * 3600);
    assert_code(replaying(12 * 3600).balance(), ErrorCode::NonceAlreadyUsed);
    // Once its timestamp is more than a day old it is forgotten: a request with it is new again.
    sandbox.advance_clock(13 * 3600);
    replaying(25 * 3600).balance().unwrap();
    assert_code(replaying(25 * 3600).balance(), ErrorCode::NonceAlreadyUsed);

    // Nonces are per account.
    let other = new_account(&sandbox, json!({}));
    builder(&sandbox)
        .call_api_id(&other.call_api_id)
        .api_key(other.api_key.as_str())
        .nonce_source(Arc::new(FixedNonce("p2P6YLWPk4wOfqKXwBjkXGyO33k")))
        .clock(Arc::new(ShiftedClock(25 * 3600)))
        .build()
        .unwrap()
        .balance()
        .unwrap();
}

trait StatusThenBalance {
    fn status_then_balance(&self) -> Result<lbc_core::Balance, lbc_core::Error>;
}

impl StatusThenBalance for lbc_core::Client {
    /// `status` is unsigned, so it spends no nonce; `balance` then replays.
    fn status_then_balance(&self) -> Result<lbc_core::Balance, lbc_core::Error> {
        self.status()?;
        self.balance()
    }
}

#[test]
fn a_signed_request_without_nonce_is_invalid_args() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let params = Params::new()
        .with("call-api-id", creds.call_api_id.as_str())
        .with("timestamp", unix_now().to_string());
    let signature = Signer::new(&creds.api_key)
        .sign(Method::Balance, &params)
        .unwrap();
    let answer = api_get(&sandbox, "balance", &params, Some(&signature));
    assert_eq!(answer["error"], "INVALID_ARGS");
}

#[test]
fn unknown_ids_are_invalid_account() {
    let sandbox = fast();
    let stranger = builder(&sandbox)
        .call_api_id("npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01fwNjP6")
        .api_key("eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq")
        .build()
        .unwrap();
    let err = stranger.balance().unwrap_err();
    let api = err.api().expect("API error");
    assert_eq!(api.code, ErrorCode::InvalidAccount);
    assert_eq!(
        api.reason.as_deref(),
        Some("Unknown user npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01fwNjP6")
    );
    assert!(
        api.stack
            .as_deref()
            .unwrap()
            .starts_with("INVALID_ACCOUNT\nError: Unknown user")
    );
    assert!(api.request_id.is_some());
    assert_code(stranger.status(), ErrorCode::InvalidAccount);
}

#[test]
fn inactive_keys_answer_account_inactive_until_confirmed() {
    let sandbox = fast();
    let creds = new_account(&sandbox, json!({"activated": false}));
    let client = client_for(&sandbox, &creds);
    assert_code(client.balance(), ErrorCode::AccountInactive);
    assert_code(client.call("79990000000", None), ErrorCode::AccountInactive);
    assert!(!client.status().unwrap().activated);
    // Without a registered domain there is nothing to fetch: the signature confirms.
    client.credential_confirm().unwrap();
    assert!(client.status().unwrap().activated);
    client.balance().unwrap();
    // Confirming again is harmless.
    client.credential_confirm().unwrap();
}

#[test]
fn an_account_blocked_by_the_administrator_is_refused() {
    let sandbox = fast();
    let creds = &sandbox.accounts()[0];
    let client = client_for(&sandbox, creds);
    let state = patch_account(&sandbox, &creds.call_api_id, json!({"blocked": true}));
    assert_eq!(state["blocked"], true);
    assert_code(client.balance(), ErrorCode::AccountBlockedAdmin);
    assert_code(client.credential_confirm(), ErrorCode::AccountBlockedAdmin);
    let status = client.status().unwrap();
    assert!(status.blocked);
    patch_account(&sandbox, &creds.call_api_id, json!({"blocked": false}));
    client.balance().unwrap();
}

#[test]
fn old_keys_are_blocked_once_newer_ones_are_confirmed() {
    let sandbox = fast();
    let old = client(&sandbox);
    let change = old.change_credential("admin@example.com", None).unwrap();
    let new_key = mailed_key(&sandbox, &change.call_api_id);
    let new = old.with_credentials(&change.call_api_id, new_key).unwrap();
    // Until the new keys are confirmed, the old ones work and the new ones do not.
    old.balance().unwrap();
    assert_code(new.balance(), ErrorCode::AccountInactive);
    new.credential_confirm().unwrap();
    new.balance().unwrap();
    assert_code(old.balance(), ErrorCode::AccountBlocked);
    assert_code(old.call("79990000000", None), ErrorCode::AccountBlocked);
    assert_code(old.credential_confirm(), ErrorCode::AccountBlocked);
    assert!(old.status().unwrap().blocked);
    assert!(!new.status().unwrap().blocked);
}

#[test]
fn accounts_allowed_unsecure_calls_need_no_signature_except_for_credentials() {
    let sandbox = fast();
    let creds = new_account(&sandbox, json!({"allow_unsecure_calls": true}));
    let unsigned = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .build()
        .unwrap();
    assert!(unsigned.status().unwrap().allow_unsecure_calls);
    unsigned.balance().unwrap();
    unsigned.call("79990000000", None).unwrap();
    // The signature parameters are ignored, even a wrong signature.
    let wrong = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .api_key("wrong")
        .build()
        .unwrap();
    wrong.balance().unwrap();

    // change_credential and credential_confirm are always signed.
    for method in ["change_credential", "credential_confirm"] {
        let answer = get(
            sandbox.addr(),
            &format!(
                "/callapi/v2.0/{method}?call-api-id={}&admin_email=a@example.com",
                creds.call_api_id
            ),
        );
        assert_eq!(answer.json()["error"], "NO_SIGNATURE", "{method}");
    }
    assert_code(
        wrong.change_credential("a@example.com", None),
        ErrorCode::InvalidSignature,
    );
    client_for(&sandbox, &creds)
        .change_credential("a@example.com", None)
        .unwrap();

    // Switched off again through the control endpoint.
    patch_account(
        &sandbox,
        &creds.call_api_id,
        json!({"allow_unsecure_calls": false}),
    );
    assert_code(unsigned.balance(), ErrorCode::NoSignature);
}
