//! Every API method through the SDK's client, in every encoding, with the signature as a parameter
//! and as a header.

mod common;

use common::*;
use lbc_core::protocol::{CallStatus, Encoding, ErrorCode, SignaturePlacement};
use lbc_core::{Payment, Register};
use serde_json::json;

const PLACEMENTS: [SignaturePlacement; 2] = [SignaturePlacement::Param, SignaturePlacement::Header];

#[test]
fn every_method_in_every_encoding_and_placement() {
    let sandbox = slow();
    let verify = VerifyServer::start();
    let mut n = 0;
    for encoding in Encoding::ALL {
        for placement in PLACEMENTS {
            n += 1;
            let label = format!("{encoding} / {placement:?}");
            let creds = new_account(&sandbox, json!({"balance": 10_000}));
            let client = client_with(&sandbox, &creds, encoding, placement);

            let status = client.status().expect(&label);
            assert!(
                status.activated && !status.blocked && !status.allow_unsecure_calls,
                "{label}"
            );
            assert!(
                client.server_status().expect(&label).is_working(),
                "{label}"
            );

            client.options(5_000 + n).expect(&label);
            let balance = client.balance().expect(&label);
            assert_eq!(balance.balance_notify_limit.0, 5_000 + n, "{label}");
            assert_eq!(
                (balance.balance.0, balance.consumed.0),
                (10_000, 0),
                "{label}"
            );

            match client.pay(&lbc_core::Pay::new(50_000)).expect(&label) {
                Payment::Form {
                    url,
                    method,
                    fields,
                } => {
                    assert!(
                        url.starts_with(&format!("http://{}/_sandbox/pay/", sandbox.addr())),
                        "{label}: {url}"
                    );
                    assert_eq!(method, "POST");
                    assert!(
                        fields.contains(&("MNT_AMOUNT".to_owned(), "5.00".to_owned())),
                        "{label}: {fields:?}"
                    );
                }
                other => panic!("{label}: {other:?}"),
            }

            let msisdn = format!("7999123{n:04}");
            let started = client.call(&msisdn, Some("10.0.0.1")).expect(&label);
            assert_eq!(
                (started.codelen, started.repeat_timeout),
                (4, 30),
                "{label}"
            );
            assert_eq!(started.mask.len(), 11, "{label}");
            assert!(started.mask.starts_with('7'), "{label}");
            let view = sandbox.call(&started.call).expect(&label);
            assert_eq!(view.code, started.mask[7..], "{label}");
            assert_eq!(view.msisdn, msisdn, "{label}");
            assert_eq!(view.ip_address.as_deref(), Some("10.0.0.1"), "{label}");
            assert_eq!(client.balance().expect(&label).consumed.0, 100, "{label}");

            let state = client.call_status(&started.call).expect(&label);
            assert_eq!(state.status, CallStatus::Queued, "{label}");
            client.call_hangup(&started.call).expect(&label);
            assert_eq!(
                client.call_status(&started.call).expect(&label).status,
                CallStatus::NotAnswered,
                "{label}"
            );

            let change = client
                .change_credential("admin@example.com", Some("+7 999 000-00-00"))
                .expect(&label);
            let key = mailed_key(&sandbox, &change.call_api_id);
            let renewed = client
                .with_credentials(&change.call_api_id, key)
                .expect(&label);
            renewed.credential_confirm().expect(&label);
            assert_code(client.balance(), ErrorCode::AccountBlocked);
            assert_eq!(renewed.balance().expect(&label).consumed.0, 100, "{label}");

            let anonymous = builder(&sandbox)
                .encoding(encoding)
                .signature_placement(placement)
                .build()
                .expect(&label);
            let registration = anonymous
                .register(
                    &Register::new("127.0.0.1", "admin@example.com")
                        .verify_url(verify.url(&format!("/lbc-{n}.html")))
                        .balance_notify_limit(-1),
                )
                .expect(&label);
            assert_eq!(
                registration.verify_url,
                verify.url(&format!("/lbc-{n}.html"))
            );
            verify.serve(200, &format!("{}\n", registration.call_api_id));
            let key = mailed_key(&sandbox, &registration.call_api_id);
            let site = anonymous
                .with_credentials(&registration.call_api_id, key)
                .expect(&label);
            assert_code(site.balance(), ErrorCode::AccountInactive);
            site.credential_confirm().expect(&label);
            assert!(site.status().expect(&label).activated, "{label}");
            site.balance().expect(&label);
            assert!(
                verify.requests().contains(&format!("/lbc-{n}.html")),
                "{label}: {:?}",
                verify.requests()
            );
        }
    }
    assert_eq!(n, 16);
}

#[test]
fn the_raw_escape_hatch_reaches_every_method_too() {
    let sandbox = fast();
    let client = client(&sandbox);
    let answer = client
        .request("status", &lbc_core::protocol::Params::new())
        .expect("status");
    assert_eq!(
        answer,
        json!({"activated": 1, "blocked": 0, "allow_unsecure_calls": 0})
    );
    let answer = client
        .request("server-status", &lbc_core::protocol::Params::new())
        .expect("server-status");
    assert_eq!(answer, json!({"server_status": 1}));
    let answer = client
        .request(
            "options",
            &lbc_core::protocol::Params::new().with("balance_notify_limit", "7"),
        )
        .expect("options");
    assert_eq!(answer, json!({}), "an empty success is {{}}");
    let balance = client
        .request("balance", &lbc_core::protocol::Params::new())
        .expect("balance");
    assert_eq!(balance["balance_notify_limit"], 7);
    assert_eq!(balance["last_payments"], json!([]));
}
