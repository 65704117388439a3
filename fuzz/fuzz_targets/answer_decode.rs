//! Any bytes as the answer of every method: a typed answer, a service error or a decode error,
//! never a panic.
#![no_main]
#![forbid(unsafe_code)]

use lbc_core::ErrorKind;
use lbc_core::protocol::Method;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for method in Method::ALL {
        let Err(error) = lbc_core::__fuzz_decode(method, body) else {
            continue;
        };
        match error.kind() {
            ErrorKind::Api => assert!(error.code().is_some(), "{method}: {error}"),
            ErrorKind::Decode => assert!(error.code().is_none(), "{method}: {error}"),
            other => panic!("{method}: an answer body gave a {other:?} error: {error}"),
        }
        // What a caller reads off an error must not panic either.
        let _ = (error.to_string(), error.delay(), error.field());
    }
});
