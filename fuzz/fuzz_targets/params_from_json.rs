//! `Params::from_json` on any text: a `ProtocolError` on the field it was given, or parameters whose
//! values come back unchanged through JSON re-encoding.
#![no_main]
#![forbid(unsafe_code)]

use lbc_protocol::Params;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|text: &str| {
    let params = match Params::from_json(text, "params") {
        Ok(params) => params,
        Err(error) => {
            assert!(
                error.field == "params" || error.field.starts_with("params."),
                "{error}"
            );
            return;
        }
    };
    let object: Map<String, Value> = params
        .iter()
        .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
        .collect();
    assert_eq!(object.len(), params.len(), "a name twice");
    let encoded = Value::Object(object).to_string();
    let back = Params::from_json(&encoded, "params")
        .unwrap_or_else(|e| panic!("{encoded}: the re-encoded parameters are refused: {e}"));
    assert_eq!(back, params, "{encoded}");
});
