//! `lbc sign` against every shared signature vector, with parameters given in shuffled order.

mod common;

use common::{lbc, run, run_command};
use serde_json::Value;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/signatures.json"
));

struct Case {
    method: String,
    key: String,
    params: Vec<(String, String)>,
    order: Vec<String>,
    signature: String,
}

fn cases() -> Vec<Case> {
    let all: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors are JSON");
    assert_eq!(all.len(), 90, "the shared file holds 90 vectors");
    all.iter()
        .map(|case| Case {
            method: case["method"].as_str().unwrap().to_owned(),
            key: case["key"].as_str().unwrap().to_owned(),
            params: case["params"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_owned()))
                .collect(),
            order: case["order"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_owned())
                .collect(),
            signature: case["signature"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// The case's parameters as `name=value` arguments, shuffled (deterministically per seed) so that
/// they are not in the signing order whenever there is more than one way to order them.
fn shuffled_args(case: &Case, seed: u64) -> Vec<String> {
    let mut pairs = case.params.clone();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..pairs.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        pairs.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let documented: Vec<&String> = case
        .order
        .iter()
        .filter(|n| case.params.iter().any(|(p, _)| p == *n))
        .collect();
    if pairs.len() > 1 && pairs.iter().map(|(n, _)| n).collect::<Vec<_>>() == documented {
        pairs.reverse();
    }
    pairs.into_iter().map(|(n, v)| format!("{n}={v}")).collect()
}

#[test]
fn every_vector_signs_right_with_parameters_in_any_order() {
    for (index, case) in cases().iter().enumerate() {
        let args = shuffled_args(case, index as u64 + 1);
        let mut command = lbc();
        command.arg("sign");
        // Half of the cases take the key from --key, the other half from LBC_API_KEY.
        if index % 2 == 0 {
            command.args(["--key", &case.key]);
        } else {
            command.env("LBC_API_KEY", &case.key);
        }
        command.arg(&case.method).args(&args);
        let result = run_command(&mut command).expect(0);
        assert_eq!(
            result.stdout.trim_end(),
            case.signature,
            "vector {index}: {} {args:?}",
            case.method
        );
        assert!(
            !result.stdout.contains(&case.key) && !result.stderr.contains(&case.key),
            "vector {index}: the key was printed"
        );
    }
}

#[test]
fn canonical_shows_the_signed_string_with_visible_nul_bytes() {
    for (index, case) in cases().iter().enumerate() {
        let mut expected = case.method.clone();
        for name in &case.order {
            if let Some((_, value)) = case.params.iter().find(|(n, _)| n == name) {
                if !value.is_empty() {
                    expected.push_str(&format!("\\0{name}\\0{value}"));
                }
            }
        }
        let args = shuffled_args(case, index as u64 + 7);
        let result = run_command(
            lbc()
                .args(["sign", "--canonical", &case.method])
                .args(&args),
        )
        .expect(0);
        assert_eq!(result.stdout.trim_end(), expected, "vector {index}");
    }
}

#[test]
fn the_documented_example_canonical_string() {
    let result = run(&[
        "sign",
        "--canonical",
        "call",
        "msisdn=70000000000",
        "nonce=p2P6YLWPk4wOfqKXwBjkXGyO33k",
        "call-api-id=npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6",
        "timestamp=1492799685",
    ])
    .expect(0);
    assert_eq!(
        result.stdout,
        "call\\0call-api-id\\0npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6\\0timestamp\\01492799685\\0nonce\\0p2P6YLWPk4wOfqKXwBjkXGyO33k\\0msisdn\\070000000000\n"
    );
}

#[test]
fn unknown_and_unsigned_methods_are_usage_errors() {
    let unknown = run(&["sign", "--key", "k", "no-such-method", "a=b"]).expect(2);
    assert!(
        unknown.stderr.contains("unknown method `no-such-method`"),
        "{unknown:?}"
    );
    assert!(unknown.stdout.is_empty());
    for unsigned in ["register", "status", "server-status"] {
        let refused = run(&["sign", "--key", "k", unsigned]).expect(2);
        assert!(refused.stderr.contains("never signed"), "{refused:?}");
    }
}

#[test]
fn missing_key_and_malformed_pairs_are_usage_errors() {
    let no_key = run(&["sign", "balance", "call-api-id=x"]).expect(2);
    assert!(no_key.stderr.contains("LBC_API_KEY"), "{no_key:?}");
    run(&["sign", "--key", "k", "balance", "no-equals-sign"]).expect(2);
    let twice = run(&["sign", "--key", "k", "balance", "nonce=a", "nonce=b"]).expect(2);
    assert!(twice.stderr.contains("twice"), "{twice:?}");
}

#[test]
fn help_shows_exit_codes_and_never_the_key_from_the_environment() {
    for args in [&["--help"][..], &["sign", "--help"], &["balance", "--help"]] {
        let result =
            run_command(lbc().args(args).env("LBC_API_KEY", "TOP-SECRET-KEY-VALUE")).expect(0);
        assert!(
            !result.stdout.contains("TOP-SECRET-KEY-VALUE"),
            "{args:?}: {}",
            result.stdout
        );
        assert!(result.stdout.contains("LBC_API_KEY"), "{args:?}");
    }
    let help = run(&["--help"]).expect(0).stdout;
    for line in [
        "0    success",
        "1    the service answered",
        "2    bad input",
        "3    no usable answer",
        "130  `demo` only: interrupted",
    ] {
        assert!(help.contains(line), "`{line}` missing from --help");
    }
}
