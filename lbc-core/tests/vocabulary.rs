//! The one vocabulary: every name a binding must spell the same way, written out as the
//! repository's `vocabulary.json`, which the C, C++, Python, PHP and Django tests read.
//!
//! Each name is tied to the Rust item it names (a method path, a field, an enum's `as_str`), so a
//! rename in Rust fails to compile here, and a stale `vocabulary.json` fails this test. To write
//! the file anew after a deliberate change: `LBC_BLESS=1 cargo test -p lbc-core --test vocabulary`.

use std::path::PathBuf;

use lbc_core::protocol::{Encoding, SignaturePlacement};
use lbc_core::{
    Client, ClientBuilder, Error, ErrorKind, GuardPolicy, GuardReason, Login, LoginPolicy,
    NumberType, TransportKind, Verdict,
};
use serde_json::{Value, json};

/// The names of methods that exist on `$ty` (each path is compiled, so each must exist).
macro_rules! methods {
    ($ty:ty: $($name:ident),* $(,)?) => {{
        $( let _ = <$ty>::$name; )*
        vec![$(stringify!($name)),*]
    }};
}

fn vocabulary() -> Value {
    // Fields of the policy: read through a value, so that a renamed field fails to compile.
    let policy_fields = |p: LoginPolicy| (p.max_attempts, p.ttl);
    let _ = policy_fields;

    let login = methods!(Login: call, msisdn, ip_address, prompt, codelen, repeat_timeout,
        started_at, expires_at, attempts, attempts_left, max_attempts, is_accepted, check,
        wait_final, hangup, to_json);
    let client = methods!(Client: normalize_phone, start_login, resume_login, call, call_status, call_hangup,
        balance, status, server_status, register, pay, options, change_credential,
        credential_confirm, request);
    let error = methods!(Error: kind, code, delay, http_status, request_id, field,
        transport_kind, may_have_been_placed, retry_after);
    // Options a client is configured with: ClientBuilder methods, and the policy's two fields
    // (one `login_policy` call in Rust and C, two keywords in Python, PHP and Django).
    // (Several builder methods are generic, so they are tied by a call that is compiled, never run.)
    let _ = |b: ClientBuilder| {
        b.base_url("")
            .call_api_id("")
            .api_key("")
            .encoding(Encoding::FORM)
            .signature_placement(SignaturePlacement::Param)
            .timeout(Default::default())
            .connect_timeout(Default::default())
            .deadline(Default::default())
            .max_retries(0)
            .retry_base_delay(Default::default())
            .max_response_bytes(0)
            .ca_bundle("")
            .proxy("")
            .user_agent("")
            .default_region(Default::default())
            .store("")
            .state_key("")
            .old_state_keys([""])
            .guard(GuardPolicy::off())
    };
    let options = [
        "base_url",
        "call_api_id",
        "api_key",
        "encoding",
        "signature_placement",
        "timeout",
        "connect_timeout",
        "deadline",
        "max_retries",
        "retry_base_delay",
        "max_response_bytes",
        "ca_bundle",
        "proxy",
        "user_agent",
        "default_region",
        "max_attempts",
        "ttl",
        "store",
        "state_key",
        "old_state_keys",
        "guard",
    ];
    let _ = lbc_core::normalize_phone;
    let guard_fields = |g: GuardPolicy| {
        (
            g.allowed_number_types,
            g.allowed_countries,
            g.number_rate,
            g.ip_rate,
            g.range_rate,
            g.global_rate,
            g.call_price,
            g.spend_per_day,
            g.brake_min_calls,
            g.brake_min_ratio,
            g.brake_window,
            g.brake_pause,
            g.brake_default_region,
        )
    };
    let _ = guard_fields;
    let guard_settings = GuardPolicy::SETTINGS;

    let transport_kinds = [
        TransportKind::Dns,
        TransportKind::Connect,
        TransportKind::Tls,
        TransportKind::Reset,
        TransportKind::Proxy,
        TransportKind::Protocol,
        TransportKind::Io,
    ];
    let verdicts = [
        Verdict::Accepted,
        Verdict::Rejected { attempts_left: 1 },
        Verdict::Locked,
        Verdict::Expired,
    ];
    json!({
        "version": 1,
        "types": ["Client", "Login", "LoginPolicy", "Verdict", "Signer", "CallStarted", "CallState",
                  "Balance", "AccountStatus", "ServerStatus", "Payment", "Registration"],
        "members": {
            "Client": client,
            "Login": login,
            "LoginPolicy": ["max_attempts", "ttl"],
            "Error": error,
            "GuardRefused": ["reason", "retry_after"],
        },
        "options": options,
        // The guard's settings: the members of the JSON object every language configures it with
        // (GuardPolicy::from_json), the Rust fields of the same names.
        "guard_settings": guard_settings,
        "functions": ["normalize_phone"],
        "enums": {
            "SignaturePlacement": SignaturePlacement::ALL.map(SignaturePlacement::as_str),
            "Encoding": Encoding::ALL.map(|e| e.to_string()),
            "Verdict": verdicts.map(Verdict::as_str),
            "ErrorKind": ErrorKind::ALL.map(ErrorKind::as_str),
            "TransportKind": transport_kinds.map(TransportKind::as_str),
            "GuardReason": GuardReason::ALL.map(GuardReason::as_str),
            "NumberType": NumberType::ALL.map(NumberType::as_str),
        },
        "deprecated": {
            "Error.may_have_reached_server": "may_have_been_placed",
            "LoginCall": "Login",
            "LoginPolicy.ttl_secs": "ttl",
            "options.login_ttl": "ttl",
            "options.login_max_attempts": "max_attempts",
            "options.signature_in_header": "signature_placement",
            "Login.accepted": "is_accepted",
            "TransportKind.refused": "connect",
        },
    })
}

#[test]
fn vocabulary_json_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vocabulary.json");
    let fresh = serde_json::to_string_pretty(&vocabulary()).expect("plain data") + "\n";
    if std::env::var_os("LBC_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("writing vocabulary.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "vocabulary.json differs from the core's names: run \
         `LBC_BLESS=1 cargo test -p lbc-core --test vocabulary` and commit it"
    );
}

#[test]
fn no_name_is_both_current_and_deprecated() {
    let vocabulary = vocabulary();
    // `Type.member` is deprecated within that type's members (or that enum's values, or the
    // options); a bare name is a type.
    for old in vocabulary["deprecated"]
        .as_object()
        .expect("an object")
        .keys()
    {
        let (scope, name) = old.split_once('.').unwrap_or(("types", old));
        let listed = [
            &vocabulary[scope],
            &vocabulary["members"][scope],
            &vocabulary["enums"][scope],
        ]
        .iter()
        .filter_map(|names| names.as_array())
        .flatten()
        .any(|current| current == name);
        assert!(!listed, "{old} is deprecated but still listed as current");
    }
}

#[test]
fn every_guard_setting_is_read_from_json() {
    let vocabulary = vocabulary();
    for name in vocabulary["guard_settings"].as_array().expect("a list") {
        let name = name.as_str().expect("a name");
        let known = match GuardPolicy::from_json(&format!("{{\"{name}\": null}}")) {
            Ok(_) => true,
            Err(err) => !err.to_string().contains("is not a guard setting"),
        };
        assert!(known, "GuardPolicy::from_json does not know {name}");
    }
}
