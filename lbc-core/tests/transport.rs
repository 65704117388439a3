//! The client against a scripted server: retries, what is never re-sent, and every failure typed.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{FakeServer, Reply};
use lbc_core::protocol::{CallStatus, Encoding, ErrorCode, Method, SignaturePlacement, Signer};
use lbc_core::{Client, Error, TransportKind};

const ID: &str = "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6";
const KEY: &str = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq";
const STATUS_ANSWERED: &str = r#"{"status":4,"status_desc":"answered","last_error":null}"#;
const CALL_STARTED: &str = r#"{"call":"c1","mask":"79256880636","codelen":4,"repeat_timeout":30}"#;

fn client(server: &FakeServer) -> Client {
    Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .api_key(KEY)
        .timeout(Duration::from_millis(400))
        .retry_base_delay(Duration::from_millis(10))
        .build()
        .unwrap()
}

fn status(code: u16, body: &str) -> Reply {
    Reply::Respond(code, vec![], body.as_bytes().to_vec())
}

#[test]
fn a_retried_call_status_is_signed_afresh_each_time() {
    let server = FakeServer::start(|n| match n {
        0 => status(503, "busy"),
        1 => status(429, "slow down"),
        _ => Reply::json(STATUS_ANSWERED),
    });
    let state = client(&server).call_status("c1").unwrap();
    assert_eq!(state.status, CallStatus::Answered);

    let requests = server.recorded();
    assert_eq!(requests.len(), 3);
    let signer = Signer::new(KEY);
    let mut nonces = HashSet::new();
    for request in &requests {
        let parsed = request.parsed();
        assert_eq!(parsed.method, "call-status");
        let signature = parsed.signature.as_deref().expect("signed");
        assert!(signer.verify(Method::CallStatus, &parsed.params, signature));
        nonces.insert(parsed.params.get("nonce").unwrap().to_owned());
    }
    assert_eq!(nonces.len(), 3, "every attempt has its own nonce");
}

#[test]
fn retries_stop_after_the_configured_number() {
    let server = FakeServer::start(|_| status(502, "<html>bad gateway</html>"));
    let err = client(&server).balance().unwrap_err();
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
    assert_eq!(server.count(), 3, "one attempt and two retries");

    let server = FakeServer::start(|_| status(502, "x"));
    let no_retry = Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .max_retries(0)
        .build()
        .unwrap();
    assert!(no_retry.status().is_err());
    assert_eq!(server.count(), 1);
}

#[test]
fn a_call_is_not_sent_again_after_a_timeout() {
    let server = FakeServer::start(|_| Reply::Hang);
    let started = Instant::now();
    let err = client(&server).call("79256880636", None).unwrap_err();
    match &err {
        Error::Timeout {
            method,
            may_have_been_placed,
            ..
        } => {
            assert_eq!(*method, "call");
            assert!(*may_have_been_placed);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(err.to_string().contains("may have been placed"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.count(), 1, "call must never be re-sent");
}

#[test]
fn a_call_is_not_sent_again_after_a_server_error() {
    let server = FakeServer::start(|_| status(503, "down"));
    let err = client(&server).call("79256880636", None).unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[test]
fn a_server_that_never_answers_times_out_within_one_budget() {
    let server = FakeServer::start(|_| Reply::Hang);
    let builder = Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .api_key(KEY)
        .timeout(Duration::from_millis(300))
        .max_retries(2)
        .retry_base_delay(Duration::from_millis(10));

    // A deadline equal to the timeout: no retry fits in it.
    let started = Instant::now();
    let err = builder
        .clone()
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap()
        .call_status("c1")
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Timeout {
                method: "call-status",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(took < Duration::from_millis(1_000), "{took:?}");
    assert_eq!(server.count(), 1);

    // By default the deadline leaves room for every retry: 3 × 300 ms + 10 ms + 20 ms.
    let before = server.count();
    let started = Instant::now();
    let err = builder
        .clone()
        .build()
        .unwrap()
        .call_status("c1")
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.count() - before, 3, "every retry was made");
    assert!(took < Duration::from_millis(1_600), "{took:?}");

    // A `call` is never sent twice: its one attempt ends by the timeout.
    let before = server.count();
    let started = Instant::now();
    let err = builder
        .clone()
        .build()
        .unwrap()
        .call("79256880636", None)
        .unwrap_err();
    assert!(err.may_have_been_placed(), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1_000));
    assert_eq!(server.count() - before, 1);

    // With a longer deadline, retries happen, but the whole operation still ends by it.
    let before = server.count();
    let started = Instant::now();
    let err = builder
        .deadline(Duration::from_millis(700))
        .build()
        .unwrap()
        .call_status("c1")
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(took < Duration::from_millis(1_400), "{took:?}");
    assert!(
        server.count() - before >= 2,
        "call-status is retried while time is left"
    );
}

#[test]
fn wait_final_returns_by_its_timeout() {
    // The status stays `dialing` for the first answers, then the server hangs.
    let server = FakeServer::start(|n| match n {
        0 => Reply::json(r#"{"call":"c1","mask":"79256880636","codelen":4,"repeat_timeout":30}"#),
        1 | 2 => Reply::json(r#"{"status":2,"status_desc":"dialing"}"#),
        _ => Reply::Hang,
    });
    let client = Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .api_key(KEY)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let login = client.start_login("+7 925 688-06-36", None).unwrap();
    let started = Instant::now();
    let state = login
        .wait_final(&client, Duration::from_millis(1_000))
        .unwrap();
    let took = started.elapsed();
    assert_eq!(state.status, CallStatus::Dialing);
    assert!(took < Duration::from_millis(1_600), "{took:?}");
}

#[test]
fn an_html_502_page_is_an_http_error_with_a_short_snippet() {
    let page = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "x".repeat(1000)
    );
    let server = FakeServer::start(move |_| {
        Reply::Respond(
            502,
            vec![
                ("Content-Type", "text/html".into()),
                ("X-Request-Id", "rid-502".into()),
            ],
            page.clone().into_bytes(),
        )
    });
    let err = client(&server).call("79256880636", None).unwrap_err();
    match &err {
        Error::Http {
            status,
            snippet,
            request_id,
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.starts_with("<html><body><h1>502"));
            assert!(snippet.len() <= 200);
            assert_eq!(request_id.as_deref(), Some("rid-502"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_and_non_json_answers_are_decode_errors() {
    for body in [r#"{"status":4,"status_de"#, "<html>oops</html>", "[1,2]"] {
        let server = FakeServer::start(move |_| Reply::json(body));
        let err = client(&server).call_status("c1").unwrap_err();
        assert!(
            matches!(err, Error::Decode { field: None, .. }),
            "{body}: {err:?}"
        );
        assert_eq!(server.count(), 1, "decode errors are not retried");
    }
}

#[test]
fn a_missing_field_is_named() {
    let server =
        FakeServer::start(|_| Reply::json(r#"{"call":"c1","mask":"79256880636","codelen":4}"#));
    let err = client(&server).call("79256880636", None).unwrap_err();
    assert!(
        matches!(&err, Error::Decode { field: Some(f), .. } if f == "repeat_timeout"),
        "{err:?}"
    );
}

#[test]
fn an_answer_over_the_size_limit_is_refused() {
    let server = FakeServer::start(|_| {
        let mut body = br#"{"status":4,"pad":""#.to_vec();
        body.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
        body.extend_from_slice(br#""}"#);
        Reply::Respond(200, vec![], body)
    });
    let err = client(&server).call_status("c1").unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("limit")),
        "{err:?}"
    );
}

#[test]
fn api_errors_keep_code_delay_and_request_id_and_never_the_key() {
    let server = FakeServer::start(|_| {
        Reply::Respond(
            200,
            vec![("X-Request-Id", "0247_04232116_309".into())],
            br#"{"clazz":"PROCESS","error":"CALL_REPEAT_TIMEOUT","reason":"You can call back in 24 seconds","additional":{"delay":23.563}}"#.to_vec(),
        )
    });
    let err = client(&server)
        .call("79256880636", Some("80.80.88.88"))
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::CallRepeatTimeout));
    assert_eq!(err.delay(), Some(Duration::from_millis(23_563)));
    assert_eq!(err.request_id(), Some("0247_04232116_309"));
    assert_eq!(err.api().unwrap().class.as_deref(), Some("PROCESS"));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert_eq!(server.count(), 1);
}

/// Asserts `err` is a transport failure of `kind` that sent nothing, and names no secret.
fn assert_unsent(err: &Error, kind: TransportKind) {
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_placed: false,
                ..
            }
        ),
        "{kind:?}: {err:?}"
    );
    assert_eq!(err.transport_kind(), Some(kind), "{err:?}");
    assert!(!err.may_have_been_placed());
    assert!(!format!("{err} {err:?}").contains(KEY));
}

fn client_at(url: &str) -> lbc_core::ClientBuilder {
    Client::builder()
        .store("memory:")
        .base_url(url)
        .call_api_id(ID)
        .api_key(KEY)
        .timeout(Duration::from_secs(5))
        .retry_base_delay(Duration::from_millis(5))
}

#[test]
fn refused_connections_are_connect_errors_that_reached_nothing() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/callapi/v2.0/", closed.local_addr().unwrap());
    drop(closed);
    let client = client_at(&url).build().unwrap();
    let err = client.call("79256880636", None).unwrap_err();
    assert_unsent(&err, TransportKind::Connect);
    assert_eq!(TransportKind::Connect.as_str(), "connect");
}

#[test]
fn a_retry_that_reached_nothing_does_not_hide_an_attempt_that_may_have() {
    // One attempt answered 503 (it reached the server), then the port is closed: the retry's
    // refused connection sent nothing, but the operation's error must still say it may have.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/callapi/v2.0/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        drop(listener);
        let mut request = [0u8; 4096];
        let _ = std::io::Read::read(&mut stream, &mut request);
        let answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy";
        std::io::Write::write_all(&mut stream, answer.as_bytes()).unwrap();
    });
    let client = client_at(&url).max_retries(1).build().unwrap();
    let err = client.balance().unwrap_err();
    server.join().unwrap();
    assert_eq!(
        err.transport_kind(),
        Some(TransportKind::Connect),
        "{err:?}"
    );
    assert!(err.may_have_been_placed(), "{err:?}");
}

#[test]
fn a_name_that_does_not_resolve_is_a_dns_error_that_reached_nothing() {
    // `.invalid` never resolves (RFC 6761): no network is needed to fail.
    let client = client_at("https://nonexistent.invalid/callapi/v2.0/")
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.call("79256880636", None).unwrap_err();
    assert_unsent(&err, TransportKind::Dns);
    assert!(err.to_string().contains("nonexistent.invalid"), "{err}");
    let err = client.server_status().unwrap_err();
    assert_unsent(&err, TransportKind::Dns);
}

/// A certificate for 127.0.0.1 and localhost that nobody trusts, made for this test.
fn self_signed() -> rcgen::CertifiedKey<rcgen::KeyPair> {
    rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
}

/// A TLS server on loopback answering every request with `{"server_status":1}`, and its base URL.
///
/// The sandbox serves plain HTTP only, so it cannot show what a certificate check does: this is
/// the smallest HTTPS server that can (rustls over a std listener, one connection at a time).
fn tls_server(certified: &rcgen::CertifiedKey<rcgen::KeyPair>) -> String {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let config = std::sync::Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(connection, stream);
            // A refused handshake ends here with an error: the next connection is served.
            let _ = answer_one(&mut tls);
        }
    });
    format!("https://{addr}/callapi/v2.0/")
}

/// Reads one request (head and `Content-Length` body) and answers it.
fn answer_one<S: std::io::Read + std::io::Write>(stream: &mut S) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        request.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    let answer = br#"{"server_status":1}"#;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    )?;
    stream.write_all(answer)?;
    stream.flush()
}

#[test]
fn an_untrusted_certificate_is_a_tls_error_that_reached_nothing() {
    let certified = self_signed();
    let url = tls_server(&certified);
    let client = client_at(&url).build().unwrap();
    let err = client.call("79256880636", None).unwrap_err();
    assert_unsent(&err, TransportKind::Tls);
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    let err = client.server_status().unwrap_err();
    assert_unsent(&err, TransportKind::Tls);
}

#[test]
fn a_certificate_trusted_through_ca_bundle_is_accepted() {
    let certified = self_signed();
    let url = tls_server(&certified);
    let dir = std::env::temp_dir().join(format!("lbc-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, certified.cert.pem()).unwrap();
    let client = client_at(&url).ca_bundle(&bundle).build().unwrap();
    let status = client.server_status().unwrap();
    assert_eq!(status.server_status, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn requests_carry_the_configured_encoding_signature_and_user_agent() {
    for encoding in Encoding::ALL {
        for placement in [SignaturePlacement::Param, SignaturePlacement::Header] {
            let server = FakeServer::start(|_| Reply::json(CALL_STARTED));
            let client = Client::builder()
                .store("memory:")
                .base_url(&server.base_url)
                .call_api_id(ID)
                .api_key(KEY)
                .encoding(encoding)
                .signature_placement(placement)
                .build()
                .unwrap();
            let started = client
                .call("+7 (925) 688-06-36", Some("80.80.88.88"))
                .unwrap();
            assert_eq!(started.mask, "79256880636");
            let request = &server.recorded()[0];
            let parsed = request.parsed();
            assert_eq!(
                parsed.params.get("msisdn"),
                Some("79256880636"),
                "{encoding}"
            );
            assert_eq!(parsed.params.get("ip_address"), Some("80.80.88.88"));
            assert_eq!(
                request.header("signature").is_some(),
                placement == SignaturePlacement::Header,
                "{encoding} {placement:?}"
            );
            assert!(Signer::new(KEY).verify(
                Method::Call,
                &parsed.params,
                parsed.signature.as_deref().unwrap()
            ));
            assert_eq!(
                request.method,
                if encoding.transport == lbc_protocol::Transport::Query
                    || encoding.transport == lbc_protocol::Transport::Rest
                {
                    "GET"
                } else {
                    "POST"
                }
            );
            assert_eq!(
                request.header("user-agent"),
                Some(concat!("loginbycall-rust/", env!("CARGO_PKG_VERSION")))
            );
        }
    }
}

#[test]
fn without_a_key_requests_go_unsigned_but_credential_methods_refuse() {
    let server = FakeServer::start(|_| Reply::json(CALL_STARTED));
    let client = Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .call_api_id(ID)
        .build()
        .unwrap();
    client.call("79256880636", None).unwrap();
    let parsed = server.recorded()[0].parsed();
    assert_eq!(parsed.signature, None);
    assert_eq!(parsed.params.get("nonce"), None);

    for err in [
        client.credential_confirm().unwrap_err(),
        client.change_credential("a@example.com", None).unwrap_err(),
    ] {
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "api_key"),
            "{err:?}"
        );
    }
    assert_eq!(server.count(), 1, "refused before anything was sent");
}

#[test]
fn bad_arguments_are_refused_before_sending() {
    use lbc_core::limits::{MAX_NAME_BYTES, MAX_TEXT_BYTES, MAX_URL_BYTES};
    use lbc_core::protocol::Params;
    let server = FakeServer::start(|_| Reply::json("{}"));
    let client = client(&server);
    let long_url = format!("https://example.com/{}", "a".repeat(MAX_URL_BYTES));
    let cases: Vec<(Error, &str)> = vec![
        (client.call("12ab", None).unwrap_err(), "msisdn"),
        (
            client.call("79256880636", Some("not-an-ip")).unwrap_err(),
            "ip_address",
        ),
        (client.call_status("").unwrap_err(), "call"),
        (client.call_hangup("a\nb").unwrap_err(), "call"),
        (client.pay(&lbc_core::Pay::new(0)).unwrap_err(), "amount"),
        (
            client
                .register(&lbc_core::Register::new(
                    "http://example.com/",
                    "a@example.com",
                ))
                .unwrap_err(),
            "domain",
        ),
        (
            client
                .register(&lbc_core::Register::new("example.com", "nobody"))
                .unwrap_err(),
            "admin_email",
        ),
        (
            client
                .request("call", &lbc_core::protocol::Params::new())
                .unwrap_err(),
            "msisdn",
        ),
        (
            client
                .request("bad/name", &lbc_core::protocol::Params::new())
                .unwrap_err(),
            "method",
        ),
        // The limits (lbc_core::limits), the same in every language.
        (
            client
                .request(&"m".repeat(MAX_NAME_BYTES + 1), &Params::new())
                .unwrap_err(),
            "method",
        ),
        (
            client
                .request(
                    "balance",
                    &Params::new().with("x".repeat(MAX_NAME_BYTES + 1), "1"),
                )
                .unwrap_err(),
            "params",
        ),
        (
            client
                .request(
                    "some_new_method",
                    &Params::new().with("note", "v".repeat(MAX_TEXT_BYTES + 1)),
                )
                .unwrap_err(),
            "note",
        ),
        (
            client
                .pay(&lbc_core::Pay::new(100).urls(None, Some(long_url.clone()), None))
                .unwrap_err(),
            "fail_url",
        ),
        (
            client
                .register(
                    &lbc_core::Register::new("example.com", "a@example.com")
                        .verify_url(long_url.clone()),
                )
                .unwrap_err(),
            "verify_url",
        ),
    ];
    for (err, field) in cases {
        assert!(
            matches!(&err, Error::InvalidInput { field: f, .. } if f == field),
            "{field}: {err:?}"
        );
    }
    assert_eq!(server.count(), 0);
    // At the limit, it goes.
    client
        .request(
            "some_new_method",
            &Params::new().with("note", "v".repeat(MAX_TEXT_BYTES)),
        )
        .unwrap();
    assert_eq!(server.count(), 1);
    let no_id = Client::builder()
        .store("memory:")
        .base_url(&server.base_url)
        .build()
        .unwrap();
    assert!(matches!(no_id.balance(), Err(Error::InvalidInput { .. })));
}

#[test]
fn the_escape_hatch_signs_unknown_methods_in_the_given_order() {
    let server = FakeServer::start(|_| Reply::json(r#"{"ok":1}"#));
    let client = client(&server);
    let params = lbc_core::protocol::Params::new()
        .with("zeta", "1")
        .with("alpha", "2");
    let answer = client.request("future-method", &params).unwrap();
    assert_eq!(answer["ok"], 1);
    let parsed = server.recorded()[0].parsed();
    assert_eq!(parsed.method, "future-method");
    let expected = Signer::new(KEY).sign_ordered(
        "future-method",
        [
            ("call-api-id", ID),
            ("timestamp", parsed.params.get("timestamp").unwrap()),
            ("nonce", parsed.params.get("nonce").unwrap()),
            ("zeta", "1"),
            ("alpha", "2"),
        ],
    );
    assert_eq!(parsed.signature.as_deref(), Some(expected.as_str()));
}

#[test]
fn hanging_up_a_login_whose_call_ended_is_not_an_error() {
    let server = FakeServer::start(|n| match n {
        0 => Reply::json(CALL_STARTED),
        1 => Reply::json(r#"{"clazz":"PROCESS","error":"CALL_NOT_FOUND","reason":"not active"}"#),
        _ => Reply::json(r#"{"clazz":"GENERIC","error":"INVALID_ARGS","reason":"bad"}"#),
    });
    let client = client(&server);
    let login = client.start_login("+7 925 688-06-36", None).unwrap();
    login
        .hangup(&client)
        .expect("an ended call is nothing to hang up");
    let err = login.hangup(&client).unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidArgs),
        "other errors stay errors"
    );
}
