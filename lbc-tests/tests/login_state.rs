//! The sealed login state: no code and no mask in it, any edit refused, the policy only the
//! client's, and attempts that a state saved earlier does not reset.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use lbc_core::testing::Clock;
use lbc_core::{Client, Login, LoginPolicy, Verdict};
use lbc_sandbox::Sandbox;
use serde_json::Value;

/// Another number for each login, so that the service's repeat timeout never gets in the way.
fn number(n: u32) -> String {
    format!("792568806{n:02}")
}

fn start(client: &Client, n: u32) -> Login {
    client.start_login(&number(n), Some("203.0.113.7")).unwrap()
}

fn code_of(sandbox: &Sandbox, login: &Login) -> (String, String) {
    let view = sandbox
        .call(login.call())
        .expect("the sandbox knows the call");
    (view.mask, view.code)
}

fn refused(client: &Client, state: &str) -> bool {
    match client.resume_login(state) {
        Ok(_) => false,
        Err(err) => {
            assert_eq!(err.field(), Some("login_state"), "{state}: {err}");
            true
        }
    }
}

#[test]
fn a_state_holds_neither_the_mask_nor_the_code() {
    let sandbox = fast();
    let client = client(&sandbox);
    for n in 0..5 {
        let login = start(&client, n);
        let state = login.to_json();
        let (mask, code) = code_of(&sandbox, &login);
        assert!(!state.contains(&mask), "{state}");
        assert!(
            !state.contains(&format!("{}{code}", login.prompt())),
            "{state}"
        );
        let fields: serde_json::Map<String, Value> = serde_json::from_str(&state).unwrap();
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "v",
                "call",
                "msisdn",
                "ip_address",
                "prompt",
                "codelen",
                "repeat_timeout",
                "started_at",
                "code_mac",
                "seal"
            ]
        );
        for (name, value) in &fields {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            assert_ne!(text, code, "{name} holds the code");
            assert_ne!(text, mask, "{name} holds the mask");
        }
        assert_eq!(fields["prompt"], mask[..mask.len() - code.len()]);
        assert!(!format!("{login:?}").contains(&mask));
    }
}

#[test]
fn every_field_changed_is_refused() {
    let sandbox = fast();
    let client = client(&sandbox);
    let login = start(&client, 10);
    let state = login.to_json();
    assert!(!refused(&client, &state), "the state as saved resumes");
    let fields: serde_json::Map<String, Value> = serde_json::from_str(&state).unwrap();
    let (mask, code) = code_of(&sandbox, &login);
    let mut edits: Vec<String> = Vec::new();
    for (name, value) in &fields {
        let others: Vec<Value> = match value {
            Value::String(s) => vec![
                Value::String(format!("{s}0")),
                Value::String(String::new()),
                Value::String(mask.clone()),
                Value::Null,
                Value::from(1),
            ],
            Value::Number(n) => vec![
                Value::from(n.as_u64().unwrap() + 1),
                Value::from(0),
                Value::from(u64::MAX),
                Value::String(n.to_string()),
                Value::Null,
            ],
            Value::Null => vec![Value::String("198.51.100.1".into()), Value::from(0)],
            other => panic!("{name}: {other}"),
        };
        for other in others.into_iter().filter(|o| o != value) {
            let mut edited = fields.clone();
            edited.insert(name.clone(), other);
            edits.push(Value::Object(edited).to_string());
        }
        let mut without = fields.clone();
        without.remove(name);
        edits.push(Value::Object(without).to_string());
    }
    // The attacks of issue 15: a chosen code, another number, no expiry, a bigger policy.
    for (name, value) in [
        ("mask", Value::String(mask.clone())),
        ("code", Value::String(code.clone())),
        ("attempts", Value::from(0)),
        ("accepted", Value::Bool(true)),
        ("max_attempts", Value::from(100)),
        ("ttl", Value::from(86_400)),
        (
            "policy",
            serde_json::json!({"max_attempts": 100, "ttl": 86_400}),
        ),
    ] {
        let mut added = fields.clone();
        added.insert(name.into(), value);
        edits.push(Value::Object(added).to_string());
    }
    // The same fields, spelled otherwise: pretty, reordered, escaped.
    edits.push(serde_json::to_string_pretty(&fields).unwrap());
    let mut reordered: Vec<(&String, &Value)> = fields.iter().collect();
    reordered.reverse();
    edits.push(
        Value::Object(
            reordered
                .into_iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
        .to_string(),
    );
    edits.push(state.replacen("\"call\"", "\"\\u0063all\"", 1));
    edits.push(format!(" {state}"));
    edits.push(format!("{state}\n"));
    for edit in &edits {
        assert_ne!(edit, &state);
        assert!(refused(&client, edit), "taken: {edit}");
    }
    assert!(edits.len() > 50, "{}", edits.len());
}

#[test]
fn every_single_character_substitution_is_refused() {
    let sandbox = fast();
    let client = client(&sandbox);
    let state = start(&client, 20).to_json();
    let chars: Vec<char> = state.chars().collect();
    let mut tried = 0;
    for at in 0..chars.len() {
        for other in (0x20u8..0x7f).map(char::from).filter(|&c| c != chars[at]) {
            let mut edited = chars.clone();
            edited[at] = other;
            let edited: String = edited.into_iter().collect();
            assert!(refused(&client, &edited), "taken: {edited}");
            tried += 1;
        }
    }
    assert_eq!(tried, chars.len() * 94);
}

#[test]
fn the_policy_is_the_client_s_never_the_state_s() {
    let sandbox = fast();
    let generous = builder(&sandbox)
        .call_api_id(&sandbox.accounts()[0].call_api_id)
        .api_key(sandbox.accounts()[0].api_key.as_str())
        .login_policy(LoginPolicy {
            max_attempts: 10,
            ttl: Duration::from_secs(3600),
        })
        .build()
        .unwrap();
    let login = start(&generous, 30);
    let state = login.to_json();
    for word in ["max_attempts", "ttl", "policy", "attempts", "accepted"] {
        assert!(!state.contains(word), "{word} in {state}");
    }
    // The same account, the same store, a strict policy: the strict one rules.
    let strict = builder(&sandbox)
        .call_api_id(&sandbox.accounts()[0].call_api_id)
        .api_key(sandbox.accounts()[0].api_key.as_str())
        .store_backend(Arc::new(lbc_core::MemoryStore::new()))
        .login_policy(LoginPolicy {
            max_attempts: 1,
            ttl: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    let resumed = strict.resume_login(&state).unwrap();
    assert_eq!(resumed.max_attempts(), 1);
    assert_eq!(resumed.expires_at(), login.started_at() + 60);
    assert_eq!(resumed.check("0000").unwrap(), Verdict::Locked);
    let (_, code) = code_of(&sandbox, &login);
    assert_eq!(resumed.check(&code).unwrap(), Verdict::Locked);
}

#[test]
fn an_old_state_replayed_does_not_reset_the_attempts() {
    let sandbox = fast();
    let client = client(&sandbox);
    let login = start(&client, 40);
    let saved = login.to_json();
    let (_, code) = code_of(&sandbox, &login);
    let wrong = if code.starts_with('0') { "1" } else { "0" }.repeat(code.len());
    assert_eq!(
        login.check(&wrong).unwrap(),
        Verdict::Rejected { attempts_left: 2 }
    );
    assert_eq!(
        client.resume_login(&saved).unwrap().check(&wrong).unwrap(),
        Verdict::Rejected { attempts_left: 1 }
    );
    let replayed = client.resume_login(&saved).unwrap();
    assert_eq!((replayed.attempts(), replayed.attempts_left()), (2, 1));
    assert_eq!(replayed.check(&wrong).unwrap(), Verdict::Locked);
    assert_eq!(
        client.resume_login(&saved).unwrap().check(&code).unwrap(),
        Verdict::Locked,
        "the right code after the lock"
    );
    // Accepted once, whichever copy of the state checks it.
    let other = start(&client, 41);
    let saved = other.to_json();
    let (_, code) = code_of(&sandbox, &other);
    assert_eq!(
        client.resume_login(&saved).unwrap().check(&code).unwrap(),
        Verdict::Accepted
    );
    let again = client.resume_login(&saved).unwrap();
    assert!(again.is_accepted());
    assert_eq!(again.check(&code).unwrap(), Verdict::Locked);
    assert_eq!(other.check(&code).unwrap(), Verdict::Locked);
}

#[test]
fn keys_rotate_and_a_foreign_key_is_refused() {
    let sandbox = fast();
    let account = &sandbox.accounts()[0];
    let store = Arc::new(lbc_core::MemoryStore::new());
    let old = builder(&sandbox)
        .call_api_id(&account.call_api_id)
        .api_key(account.api_key.as_str())
        .store_backend(store.clone())
        .build()
        .unwrap();
    let login = start(&old, 50);
    let state = login.to_json();
    let rotated = builder(&sandbox)
        .call_api_id(&account.call_api_id)
        .api_key(account.api_key.as_str())
        .store_backend(store.clone())
        .state_key("a-brand-new-state-key-of-32-bytes")
        .old_state_keys([account.api_key.as_str()])
        .build()
        .unwrap();
    let resumed = rotated.resume_login(&state).unwrap();
    let (_, code) = code_of(&sandbox, &login);
    assert_eq!(resumed.check(&code).unwrap(), Verdict::Accepted);
    assert_ne!(resumed.to_json(), state, "sealed again with the new key");
    let foreign = builder(&sandbox)
        .call_api_id(&account.call_api_id)
        .api_key(account.api_key.as_str())
        .store_backend(store)
        .state_key("a-brand-new-state-key-of-32-bytes")
        .build()
        .unwrap();
    assert!(refused(&foreign, &state));
    let keyless = builder(&sandbox).build().unwrap();
    let err = keyless.start_login(&number(51), None).unwrap_err();
    assert_eq!(err.field(), Some("state_key"), "{err}");
    assert!(
        sandbox.latest_call_to(&number(51)).is_none(),
        "no call placed"
    );
}

#[test]
fn a_state_from_the_future_is_refused() {
    struct Ahead;
    impl Clock for Ahead {
        fn unix_now(&self) -> u64 {
            lbc_core::testing::SystemClock.unix_now() + 3600
        }
    }
    let sandbox = fast();
    let account = &sandbox.accounts()[0];
    let ahead = builder(&sandbox)
        .call_api_id(&account.call_api_id)
        .api_key(account.api_key.as_str())
        .clock(Arc::new(Ahead))
        .build()
        .unwrap();
    let state = ahead.start_login(&number(60), None).unwrap().to_json();
    let now = client(&sandbox);
    let err = now.resume_login(&state).unwrap_err();
    assert!(err.to_string().contains("future"), "{err}");
}
