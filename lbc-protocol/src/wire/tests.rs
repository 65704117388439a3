//! Round trips through every encoding, and what `parse` refuses.

use super::*;
use crate::Params;
use crate::method::SIGNATURE_HEADER;
use build::SEGMENT;
use percent_encoding::utf8_percent_encode;

fn incoming(req: &WireRequest) -> ParsedRequest {
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (req.target.as_str(), None),
    };
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    parse(&IncomingRequest {
        path,
        query,
        content_type: header("Content-Type"),
        signature_header: header(SIGNATURE_HEADER),
        body: &req.body,
    })
    .unwrap()
}

#[test]
fn every_encoding_round_trips() {
    let params = Params::new()
        .with("call-api-id", "id")
        .with("msisdn", "79256880636")
        .with("ip_address", "");
    for encoding in Encoding::ALL {
        for placement in [SignaturePlacement::Param, SignaturePlacement::Header] {
            let req = build("call", &params, Some("abc"), encoding, placement).unwrap();
            let parsed = incoming(&req);
            assert_eq!(parsed.method, "call", "{encoding}");
            assert_eq!(parsed.signature.as_deref(), Some("abc"), "{encoding}");
            assert_eq!(parsed.params.get("msisdn"), Some("79256880636"));
            assert_eq!(parsed.params.get("ip_address"), None, "empty is left out");
        }
    }
}

#[test]
fn documented_examples_parse() {
    let query = parse(&IncomingRequest {
        path: "call",
        query: Some("params=%7B%22call-api-id%22:%22npK5%22,%22msisdn%22:%2270000000000%22%7D"),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(query.params.get("call-api-id"), Some("npK5"));
    let rest = parse(&IncomingRequest {
        path: "/call/call-api-id/npK5/msisdn/70000000000",
        ..Default::default()
    })
    .unwrap();
    assert_eq!(rest.params, query.params);
    let body = "------WebKitFormBoundaryP7bZDAwOQaxMGJ95\r\nContent-Disposition: form-data; name=\"call-api-id\"\r\n\r\nnpK5\r\n------WebKitFormBoundaryP7bZDAwOQaxMGJ95\r\nContent-Disposition: form-data; name=\"msisdn\"\r\n\r\n70000000000\r\n------WebKitFormBoundaryP7bZDAwOQaxMGJ95--";
    let multipart = parse(&IncomingRequest {
        path: "call",
        content_type: Some("multipart/form-data; boundary=----WebKitFormBoundaryP7bZDAwOQaxMGJ95"),
        body: body.as_bytes(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(multipart.params, query.params);
}

#[test]
fn plugin_raw_queries_keep_their_urls() {
    let parsed = parse(&IncomingRequest {
        path: "register",
        query: Some(
            "domain=example.com&admin_email=a@example.com&verify_url=http://example.com/wp-admin/admin-ajax.php?action=verify_logincall&x=1&balance_notify_limit=5",
        ),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        parsed.params.get("verify_url"),
        Some("http://example.com/wp-admin/admin-ajax.php?action=verify_logincall&x=1")
    );
    assert_eq!(parsed.params.get("balance_notify_limit"), Some("5"));
}

#[test]
fn malformed_requests_are_typed_errors() {
    for (path, query, ct, body) in [
        ("", None, None, ""),
        ("call/msisdn", None, None, ""),
        ("call", Some("params=%7Bnot"), None, ""),
        ("call", Some("params=%5B1%5D"), None, ""),
        ("call", None, Some("multipart/form-data"), "x"),
        (
            "call",
            None,
            Some("multipart/form-data; boundary=zz"),
            "--zz\r\nno",
        ),
        ("call/%FF/x", None, None, ""),
    ] {
        let result = parse(&IncomingRequest {
            path,
            query,
            content_type: ct,
            body: body.as_bytes(),
            ..Default::default()
        });
        assert!(result.is_err(), "{path} {query:?}: {result:?}");
    }
}

#[test]
fn encoding_names_parse() {
    for e in Encoding::ALL {
        assert_eq!(Encoding::parse(&e.to_string()).unwrap(), e);
    }
    assert!(Encoding::parse("xml").is_err());
    assert!(
        build(
            "bad name",
            &Params::new(),
            None,
            Encoding::FORM,
            Default::default()
        )
        .is_err()
    );
}

#[test]
fn awkward_names_round_trip_through_every_encoding() {
    let params = Params::new()
        .with("a;b", "1")
        .with("c=d&e", "2")
        .with("f/g h", "x\r\ny")
        .with("имя", "значение")
        .with("%41", "%42");
    for encoding in Encoding::ALL {
        let req = build("x", &params, None, encoding, SignaturePlacement::Param).unwrap();
        assert_eq!(incoming(&req).params, params, "{encoding}");
    }
}

#[test]
fn an_empty_signature_is_no_signature() {
    // Found by the request_round_trip fuzz target: REST built `balance/signature/`.
    for encoding in Encoding::ALL {
        let req = build(
            "balance",
            &Params::new(),
            Some(""),
            encoding,
            SignaturePlacement::Param,
        )
        .unwrap();
        assert_eq!(incoming(&req).signature, None, "{encoding}");
    }
}

#[test]
fn names_no_encoding_can_carry_are_refused() {
    for name in ["", "a\"b", "a\\b", "a\nb", "a\0b", "signature", "params"] {
        let params = Params::new().with(name, "v");
        let err = build(
            "x",
            &params,
            None,
            Encoding::MULTIPART,
            SignaturePlacement::Param,
        )
        .unwrap_err();
        assert!(err.field.starts_with("params"), "{name:?}: {err}");
    }
}

#[test]
fn encoded_urls_are_not_glued() {
    // A properly encoded `_url` value is followed by a parameter of its own, even one the method
    // does not know; only a raw `?` shows the plugin's unencoded style.
    let params = Params::new()
        .with("domain", "example.com")
        .with("verify_url", "http://example.com/v?a=1")
        .with("extra", "2");
    let req = build(
        "register",
        &params,
        None,
        Encoding::QUERY,
        SignaturePlacement::Param,
    )
    .unwrap();
    assert_eq!(incoming(&req).params, params);
}

#[test]
fn too_many_parameters_are_refused_early() {
    let body: String = (0..120_000).map(|i| format!("n{i}=v&")).collect();
    let started = std::time::Instant::now();
    let err = parse(&IncomingRequest {
        path: "call",
        body: body.as_bytes(),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.field, "params");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let json: String = format!(
        "{{{}}}",
        (0..100_000)
            .map(|i| format!("\"n{i}\":1"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let query = format!("params={}", utf8_percent_encode(&json, SEGMENT));
    let err = parse(&IncomingRequest {
        path: "call",
        query: Some(&query),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.field, "params");
}

#[test]
fn hostile_multipart_bodies_are_linear() {
    // A boundary that almost matches everywhere: a naive search is quadratic here.
    let boundary = format!("{}b", "a".repeat(150));
    let body = format!("--{boundary}\r\n{}", "a".repeat(1 << 20));
    let started = std::time::Instant::now();
    let result = parse(&IncomingRequest {
        path: "call",
        content_type: Some(&format!("multipart/form-data; boundary={boundary}")),
        body: body.as_bytes(),
        ..Default::default()
    });
    assert!(result.is_err());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
