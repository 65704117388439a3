//! The account life cycle: register, the mailed key, the domain check over real HTTP,
//! re-registration, new credentials, expiry, and the registration errors.

mod common;

use std::time::Duration;

use common::*;
use lbc_core::Register;
use lbc_core::protocol::ErrorCode;
use lbc_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

#[test]
fn the_whole_life_of_an_account() {
    let sandbox = fast();
    let site = VerifyServer::start();
    let anonymous = builder(&sandbox).build().unwrap();

    // 1. Register: inactive, key mailed.
    let registration = anonymous
        .register(
            &Register::new("127.0.0.1", "admin@example.com")
                .admin_phone("+7 925 688-06-36")
                .verify_url(site.url("/lbc_verify.html"))
                .balance_notify_limit(5000),
        )
        .unwrap();
    assert_eq!(registration.call_api_id.len(), 40);
    assert!(
        registration
            .call_api_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    );
    let mails = outbox(&sandbox);
    let mail = mails.last().unwrap();
    assert_eq!(mail["to"], "admin@example.com");
    assert_eq!(mail["call_api_id"], registration.call_api_id.as_str());
    let key = mail["api_key"].as_str().unwrap().to_owned();
    assert!(mail["body"].as_str().unwrap().contains(&key));
    assert!(mail["subject"].as_str().unwrap().contains("127.0.0.1"));
    let first = anonymous
        .with_credentials(&registration.call_api_id, key)
        .unwrap();
    let status = first.status().unwrap();
    assert!(!status.activated && !status.blocked);
    assert_code(first.balance(), ErrorCode::AccountInactive);
    assert!(
        site.requests().is_empty(),
        "nothing fetched before the confirmation"
    );

    // 2. Publish the file, confirm: the sandbox fetched verify_url for real.
    site.serve(200, &format!("  {}\r\n", registration.call_api_id));
    first.credential_confirm().unwrap();
    assert_eq!(site.requests(), ["/lbc_verify.html"]);
    assert!(first.status().unwrap().activated);
    let balance = first.balance().unwrap();
    assert_eq!(
        (balance.balance.0, balance.balance_notify_limit.0),
        (0, 5000)
    );
    assert_code(first.call("79990000000", None), ErrorCode::NotEnoughCredit);
    patch_account(
        &sandbox,
        &registration.call_api_id,
        json!({"balance": 1000}),
    );
    first.call("79990000000", None).unwrap();

    // 3. Re-register the domain: new pending keys; the old ones work until the new are confirmed.
    let again = anonymous
        .register(
            &Register::new("127.0.0.1", "new-admin@example.com")
                .verify_url(site.url("/second.html"))
                .balance_notify_limit(1),
        )
        .unwrap();
    assert_ne!(again.call_api_id, registration.call_api_id);
    let second = anonymous
        .with_credentials(&again.call_api_id, mailed_key(&sandbox, &again.call_api_id))
        .unwrap();
    assert_code(second.balance(), ErrorCode::AccountInactive);
    first.balance().unwrap();
    // The site still publishes the first id: the check fails, nothing changes.
    assert_code(
        second.credential_confirm(),
        ErrorCode::InvalidAccountVerifyKey,
    );
    first.balance().unwrap();
    site.serve(200, &again.call_api_id);
    second.credential_confirm().unwrap();
    assert_code(first.balance(), ErrorCode::AccountBlocked);
    let kept = second.balance().unwrap();
    assert_eq!(
        (kept.balance.0, kept.consumed.0, kept.balance_notify_limit.0),
        (1000, 100, 5000),
        "balance and settings kept, balance_notify_limit ignored"
    );

    // 4. change_credential: a mailed key, confirmed by signature alone (no fetch).
    site.serve(404, "gone");
    let fetched = site.requests().len();
    let change = second
        .change_credential("ops@example.com", Some("79256880636"))
        .unwrap();
    let mail = outbox(&sandbox).last().unwrap().clone();
    assert_eq!(mail["to"], "ops@example.com");
    let third = second
        .with_credentials(&change.call_api_id, mail["api_key"].as_str().unwrap())
        .unwrap();
    third.credential_confirm().unwrap();
    assert_eq!(site.requests().len(), fetched);
    assert_code(second.balance(), ErrorCode::AccountBlocked);
    assert_code(first.balance(), ErrorCode::AccountBlocked);
    assert_eq!(third.balance().unwrap().consumed.0, 100);
    let state = get(
        sandbox.addr(),
        &format!("/_sandbox/accounts/{}", change.call_api_id),
    )
    .json();
    assert_eq!(state["admin_email"], "ops@example.com");
    assert_eq!(state["domain"], "127.0.0.1");
}

#[test]
fn the_default_verify_url_is_on_the_domain() {
    let sandbox = fast();
    let registration = builder(&sandbox)
        .build()
        .unwrap()
        .register(&Register::new("Example.com", "admin@example.com"))
        .unwrap();
    assert_eq!(
        registration.verify_url,
        format!("http://example.com/lbc-{}.html", registration.call_api_id)
    );
}

#[test]
fn a_wrong_or_missing_verify_file_fails_the_confirmation() {
    let sandbox = fast();
    let site = VerifyServer::start();
    let anonymous = builder(&sandbox).build().unwrap();
    let registration = anonymous
        .register(
            &Register::new("localhost", "a@example.com")
                .verify_url(format!("http://localhost:{}/lbc.html", site.addr.port())),
        )
        .unwrap();
    let key = mailed_key(&sandbox, &registration.call_api_id);
    let client = anonymous
        .with_credentials(&registration.call_api_id, key)
        .unwrap();

    site.serve(200, "someone-elses-id");
    let err = client.credential_confirm().unwrap_err();
    assert_eq!(err.api().unwrap().code, ErrorCode::InvalidAccountVerifyKey);
    site.serve(404, &registration.call_api_id);
    let err = client.credential_confirm().unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.code, ErrorCode::InvalidAccountVerifyResponse);
    assert!(api.reason.as_deref().unwrap().contains("404"), "{api:?}");
    assert!(!client.status().unwrap().activated);
    site.serve(200, &registration.call_api_id);
    client.credential_confirm().unwrap();
}

#[test]
fn an_unreachable_or_https_verify_url_is_an_invalid_verify_response() {
    let sandbox = fast();
    let anonymous = builder(&sandbox).build().unwrap();
    for url in [
        format!("http://127.0.0.1:{}/lbc.html", closed_port()),
        "https://127.0.0.1/lbc.html".to_owned(),
    ] {
        let registration = anonymous
            .register(&Register::new("127.0.0.1", "a@example.com").verify_url(&url))
            .unwrap();
        let key = mailed_key(&sandbox, &registration.call_api_id);
        let client = anonymous
            .with_credentials(&registration.call_api_id, key)
            .unwrap();
        assert_code(
            client.credential_confirm(),
            ErrorCode::InvalidAccountVerifyResponse,
        );
    }
}

/// A client holding the new keys of an account whose `verify_url` never answers (a second sandbox
/// that hangs every request below its API root, which the client keeps alive), and that sandbox.
fn registered_with_hanging_verify_url(sandbox: &Sandbox) -> (lbc_core::Client, Sandbox) {
    let hanging = lbc_testkit::hanging();
    let anonymous = builder(sandbox).build().unwrap();
    let registration = anonymous
        .register(
            &Register::new("127.0.0.1", "a@example.com")
                .verify_url(format!("{}lbc.html", hanging.base_url())),
        )
        .unwrap();
    let key = mailed_key(sandbox, &registration.call_api_id);
    let client = anonymous
        .with_credentials(&registration.call_api_id, key)
        .unwrap();
    (client, hanging)
}

#[test]
fn a_verify_url_that_never_answers_times_out() {
    let sandbox = Sandbox::start(SandboxConfig {
        verify_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .unwrap();
    let (client, _site) = registered_with_hanging_verify_url(&sandbox);
    assert_code(
        client.credential_confirm(),
        ErrorCode::InvalidAccountVerifyResponse,
    );
}

#[test]
fn a_request_over_the_time_limit_is_answered_with_error() {
    let sandbox = Sandbox::start(SandboxConfig {
        request_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .unwrap();
    let (client, _site) = registered_with_hanging_verify_url(&sandbox);
    let err = client.credential_confirm().unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.code, ErrorCode::Error);
    assert_eq!(api.class.as_deref(), Some("GENERIC"));
    assert!(api.request_id.is_some());
}

#[test]
fn verify_urls_must_be_http_on_the_same_host() {
    let sandbox = fast();
    let anonymous = builder(&sandbox).build().unwrap();
    let register = |url: &str| {
        anonymous.register(&Register::new("example.com", "a@example.com").verify_url(url))
    };
    assert_code(
        register("ftp://example.com/lbc.html"),
        ErrorCode::AccountVerifyUrlProtocol,
    );
    assert_code(
        register("example.com/lbc.html"),
        ErrorCode::AccountVerifyUrlProtocol,
    );
    assert_code(
        register("http://example.org/lbc.html"),
        ErrorCode::AccountVerifyUrlDomain,
    );
    assert_code(
        register("http://www.example.com/lbc.html"),
        ErrorCode::AccountVerifyUrlDomain,
    );
    assert_code(
        register("http://example.com.evil.org/"),
        ErrorCode::AccountVerifyUrlDomain,
    );
    register("https://EXAMPLE.com:8443/wp-admin/admin-ajax.php?action=verify_logincall").unwrap();
    assert!(
        outbox(&sandbox).len() == 1,
        "only the accepted registration mailed a key"
    );
}

#[test]
fn registration_arguments_are_checked() {
    let sandbox = fast();
    for (query, why) in [
        (
            "domain=http://example.com&admin_email=a@example.com",
            "protocol in domain",
        ),
        (
            "domain=example.com/path&admin_email=a@example.com",
            "path in domain",
        ),
        (
            "domain=example.com:0&admin_email=a@example.com",
            "port 0 in domain",
        ),
        (
            "domain=example.com:65536&admin_email=a@example.com",
            "port out of range in domain",
        ),
        (
            "domain=example.com:http&admin_email=a@example.com",
            "port not a number in domain",
        ),
        ("domain=example.com&admin_email=nobody", "not an e-mail"),
        ("domain=example.com", "no admin_email"),
        ("admin_email=a@example.com", "no domain"),
        (
            "domain=example.com&admin_email=a@example.com&balance_notify_limit=-5",
            "limit below -1",
        ),
        (
            "domain=example.com&admin_email=a@example.com&admin_phone=12ab",
            "bad phone",
        ),
    ] {
        let answer = get(sandbox.addr(), &format!("/callapi/v2.0/register?{query}"));
        assert_eq!(answer.json()["error"], "INVALID_ARGS", "{why}");
    }
    assert!(outbox(&sandbox).is_empty());
}

#[test]
fn too_many_unconfirmed_registrations_are_refused() {
    let sandbox = fast();
    let anonymous = builder(&sandbox).build().unwrap();
    let register = || anonymous.register(&Register::new("example.com", "a@example.com"));
    for _ in 0..5 {
        register().unwrap();
    }
    assert_code(register(), ErrorCode::TooManyAccountsRegistered);
    // A day later the unconfirmed keys (and the account that never got one) are gone.
    sandbox.advance_clock(24 * 3600 + 1);
    register().unwrap();
}

#[test]
fn unconfirmed_keys_expire_after_a_day() {
    let sandbox = fast();
    let anonymous = builder(&sandbox).build().unwrap();
    let registration = anonymous
        .register(&Register::new("example.com", "a@example.com"))
        .unwrap();
    let key = mailed_key(&sandbox, &registration.call_api_id);
    let client = anonymous
        .with_credentials(&registration.call_api_id, key)
        .unwrap();
    sandbox.advance_clock(23 * 3600);
    assert!(!client.status().unwrap().activated);
    sandbox.advance_clock(2 * 3600);
    assert_code(client.status(), ErrorCode::InvalidAccount);
}

#[test]
fn pending_new_keys_of_an_active_account_expire_and_the_account_stays() {
    let sandbox = fast();
    let active = client(&sandbox);
    let change = active.change_credential("a@example.com", None).unwrap();
    let pending = active
        .with_credentials(
            &change.call_api_id,
            mailed_key(&sandbox, &change.call_api_id),
        )
        .unwrap();
    assert!(!pending.status().unwrap().activated);
    sandbox.advance_clock(25 * 3600);
    assert_code(pending.status(), ErrorCode::InvalidAccount);
    // The old keys still work, signed by a clock that agrees with the sandbox's.
    let creds = &sandbox.accounts()[0];
    let agreeing = builder(&sandbox)
        .clock(std::sync::Arc::new(ShiftedClock(25 * 3600)))
        .call_api_id(&creds.call_api_id)
        .api_key(creds.api_key.as_str())
        .build()
        .unwrap();
    agreeing.balance().unwrap();
    assert!(agreeing.status().unwrap().activated);
}

#[test]
fn options_and_balance_round_trip() {
    let sandbox = fast();
    let client = client(&sandbox);
    client.options(-1).unwrap();
    assert_eq!(client.balance().unwrap().balance_notify_limit.0, -1);
    assert_code(
        client.request(
            "options",
            &lbc_core::protocol::Params::new().with("balance_notify_limit", "lots"),
        ),
        ErrorCode::InvalidArgs,
    );
    let creds = &sandbox.accounts()[0];
    let params = lbc_core::protocol::Params::new()
        .with("call-api-id", creds.call_api_id.as_str())
        .with("timestamp", unix_now().to_string())
        .with("nonce", "no-limit");
    let signature = lbc_core::protocol::Signer::new(&creds.api_key)
        .sign(lbc_core::protocol::Method::Options, &params)
        .unwrap();
    let answer = get(
        sandbox.addr(),
        &format!(
            "/callapi/v2.0/options?call-api-id={}&timestamp={}&nonce=no-limit&signature={signature}",
            creds.call_api_id,
            params.get("timestamp").unwrap()
        ),
    );
    let answer = answer.json();
    assert_eq!(answer["error"], "INVALID_ARGS");
    assert_eq!(
        answer["reason"],
        "Missing required parameter balance_notify_limit"
    );
}

#[test]
fn a_domain_with_a_port_is_verified_on_that_port() {
    let sandbox = fast();
    let site = VerifyServer::start();
    let domain = format!("127.0.0.1:{}", site.addr.port());
    let anonymous = builder(&sandbox).build().unwrap();
    let registration = anonymous
        .register(&Register::new(domain.as_str(), "dev@example.com"))
        .unwrap();
    let id = &registration.call_api_id;
    let file = format!("/lbc-{id}.html");
    assert_eq!(registration.verify_url, format!("http://{domain}{file}"));
    let client = anonymous
        .with_credentials(id, mailed_key(&sandbox, id))
        .unwrap();
    site.serve(200, id);
    client.credential_confirm().unwrap();
    assert_eq!(site.requests(), [file]);
    assert!(client.status().unwrap().activated);
    let state = get(sandbox.addr(), &format!("/_sandbox/accounts/{id}")).json();
    assert_eq!(state["domain"], domain.as_str());

    // The same host on another port is another site; a verify_url must use the domain's port.
    let other_port = format!("http://127.0.0.1:{}/lbc.html", closed_port());
    assert_code(
        anonymous
            .register(&Register::new(domain.as_str(), "dev@example.com").verify_url(other_port)),
        ErrorCode::AccountVerifyUrlDomain,
    );
    assert_code(
        anonymous.register(
            &Register::new("localhost:8000", "dev@example.com")
                .verify_url("http://localhost/lbc.html"),
        ),
        ErrorCode::AccountVerifyUrlDomain,
    );
    let local = anonymous
        .register(&Register::new("LocalHost:8000", "dev@example.com"))
        .unwrap();
    assert_eq!(
        local.verify_url,
        format!("http://localhost:8000/lbc-{}.html", local.call_api_id)
    );
}
