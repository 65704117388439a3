//! The 90 signature vectors computed by the documentation's own JavaScript example.

use lbc_core::protocol::{Method, Params, Signer};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/signatures.json"
    );
    let text = std::fs::read_to_string(path).expect("tests/vectors/signatures.json");
    serde_json::from_str(&text).expect("vectors are JSON")
}

fn params_of(case: &Value) -> Params {
    let mut pairs: Vec<(String, String)> = case["params"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    // Any order will do: the method's table decides the signing order.
    pairs.reverse();
    pairs.into_iter().collect()
}

#[test]
fn all_90_vectors_are_reproduced() {
    let cases = vectors();
    assert_eq!(cases.len(), 90);
    for (i, case) in cases.iter().enumerate() {
        let method = Method::from_name(case["method"].as_str().unwrap()).unwrap();
        let order: Vec<&str> = case["order"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            method.spec().sign_order,
            order.as_slice(),
            "case {i}: table order"
        );

        let signer = Signer::new(case["key"].as_str().unwrap());
        let params = params_of(case);
        let expected = case["signature"].as_str().unwrap();
        assert_eq!(signer.sign(method, &params).unwrap(), expected, "case {i}");
        assert!(signer.verify(method, &params, expected), "case {i}");
    }
}

#[test]
fn the_canonical_string_is_what_gets_signed() {
    for case in vectors() {
        let method = Method::from_name(case["method"].as_str().unwrap()).unwrap();
        let params = params_of(&case);
        let canonical = lbc_protocol::canonical(method, &params).unwrap();
        assert!(canonical.starts_with(method.name().as_bytes()));
        let fields = canonical.split(|b| *b == 0).count();
        let given = method
            .spec()
            .sign_order
            .iter()
            .filter(|n| params.given(n).is_some())
            .count();
        assert_eq!(fields, 1 + 2 * given);
    }
}

#[test]
fn one_changed_byte_changes_the_signature() {
    let case = &vectors()[0];
    let method = Method::from_name(case["method"].as_str().unwrap()).unwrap();
    let signer = Signer::new(case["key"].as_str().unwrap());
    let mut params = params_of(case);
    let nonce = params.get("nonce").unwrap().to_owned() + "x";
    params.set("nonce", nonce);
    let expected = case["signature"].as_str().unwrap();
    assert_ne!(signer.sign(method, &params).unwrap(), expected);
    assert!(!signer.verify(method, &params, expected));
}
