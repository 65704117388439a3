//! The events a client reports (issue 17): one per attempt, one per retry, one per refusal of the
//! guard, one per `call` that may have been placed; recorded at the client's level, bounded,
//! numbers masked, keys and signatures never.

mod common;

use std::time::Duration;

use common::{FakeServer, Reply};
use lbc_core::{Client, EventKind, GuardPolicy, LogLevel, events_to_json};

const ID: &str = "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6";
const KEY: &str = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq";
const STATUS_ANSWERED: &str = r#"{"status":4,"status_desc":"answered","last_error":null}"#;

fn client(server: &FakeServer, level: LogLevel) -> Client {
    Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .api_key(KEY)
        .timeout(Duration::from_millis(400))
        .retry_base_delay(Duration::from_millis(10))
        .log_level(level)
        .build()
        .unwrap()
}

fn status(code: u16, body: &str) -> Reply {
    Reply::Respond(code, vec![], body.as_bytes().to_vec())
}

#[test]
fn every_attempt_and_retry_is_an_event_at_its_level() {
    let server = FakeServer::start(|n| match n {
        0 => status(503, "busy"),
        1 => status(429, "slow down"),
        _ => Reply::json(STATUS_ANSWERED),
    });
    let client = client(&server, LogLevel::Debug);
    client.call_status("c1").unwrap();
    let events = client.take_events();
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Request,
            EventKind::Retry,
            EventKind::Request,
            EventKind::Retry,
            EventKind::Request
        ]
    );
    let attempts: Vec<_> = events.iter().map(|e| e.attempt).collect();
    assert_eq!(attempts, [1, 1, 2, 2, 3]);
    assert_eq!(events[0].status, Some(503));
    assert_eq!(events[4].status, Some(200));
    assert!(events.iter().all(|e| e.method == "call-status"));
    assert!(
        events[4]
            .message
            .contains("call-status attempt 3: HTTP 200"),
        "{}",
        events[4].message
    );
    assert!(client.take_events().is_empty(), "taken once");

    // At `info`, the retries only; off, nothing.
    let server = FakeServer::start(|n| match n {
        0 => status(503, "busy"),
        _ => Reply::json(STATUS_ANSWERED),
    });
    let info = self::client(&server, LogLevel::Info);
    info.call_status("c1").unwrap();
    let kinds: Vec<_> = info.take_events().iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::Retry]);
    let off = self::client(&server, LogLevel::Off);
    off.call_status("c1").unwrap();
    assert!(off.take_events().is_empty());
}

#[test]
fn a_call_that_may_have_been_placed_is_a_warning_with_the_number_masked() {
    let server = FakeServer::start(|_| status(500, "oops"));
    let client = client(&server, LogLevel::Debug);
    client.call("8 (925) 688-06-36", None).unwrap_err();
    let events = client.take_events();
    let json = events_to_json(&events);
    assert_eq!(events.len(), 2, "{json}");
    assert_eq!(events[1].kind, EventKind::MayHaveBeenPlaced);
    assert_eq!(events[1].level(), LogLevel::Warning);
    assert!(json.contains("+7925688****"), "{json}");
    for secret in ["79256880636", "0636", KEY] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    // The signature of the request never appears either.
    let signature = server.recorded()[0].parsed().signature.unwrap();
    assert!(!json.contains(&signature));
}

#[test]
fn a_refusal_of_the_guard_is_an_info_event() {
    let server = FakeServer::start(|_| status(500, "never asked"));
    let client = Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .api_key(KEY)
        .guard(GuardPolicy::from_json(r#"{"allowed_countries": ["KZ"]}"#).unwrap())
        .log_level(LogLevel::Info)
        .build()
        .unwrap();
    client.call("79256880636", None).unwrap_err();
    let events = client.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::GuardRefused);
    assert!(
        !events[0].message.contains("79256880636"),
        "{}",
        events[0].message
    );
    assert_eq!(server.count(), 0);
}
