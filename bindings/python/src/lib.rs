//! # lbc-python: `loginbycall._native`, the native half of the `loginbycall` Python package
//!
//! It only translates between Python and lbc-core (and embeds lbc-sandbox for
//! `loginbycall.testing`): every rule — signing, retries, the deadline, the login checks, phone
//! numbers, the error names — is the core's. The Python half (`python/loginbycall/`) holds the
//! answer and exception classes this module instantiates, and the package's public names.
//!
//! Built by maturin (`pyproject.toml`) as an abi3 wheel for CPython 3.9 and later.
#![forbid(unsafe_code)]

mod answers;
mod args;
mod client;
mod errors;
mod json;
mod log;
mod login;
mod run;
mod sandbox;
mod sign;
mod store;

use pyo3::prelude::*;

/// The native half of the LoginByCall SDK; import `loginbycall` instead.
#[pymodule]
mod _native {
    use lbc_core::protocol::{Encoding, SignaturePlacement};
    use lbc_core::{
        Credits, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, LoginPolicy, Region,
    };
    use pyo3::prelude::*;
    use pyo3::types::PyDict;

    #[pymodule_export]
    use crate::client::Client;
    #[pymodule_export]
    use crate::login::Login;
    #[pymodule_export]
    use crate::run::{_in_flight, _submit, Pending};
    #[pymodule_export]
    use crate::sandbox::SandboxServer;
    #[pymodule_export]
    use crate::sign::{
        Signer, call_status_description, call_status_is_final, canonical, normalize_phone, sign,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = m.py();
        m.add("VERSION", lbc_core::VERSION)?;
        m.add("USER_AGENT", crate::client::USER_AGENT)?;
        m.add("DEFAULT_BASE_URL", DEFAULT_BASE_URL)?;
        m.add("CREDITS_PER_USD", Credits::PER_USD)?;
        m.add("ERROR_CODES", crate::errors::codes(py)?)?;
        m.add("ERROR_KINDS", crate::errors::kinds(py)?)?;
        m.add("TRANSPORT_KINDS", crate::errors::transport_kinds(py)?)?;
        m.add("GUARD_REASONS", crate::errors::guard_reasons(py)?)?;
        m.add("DEFAULT_STORE", lbc_core::DEFAULT_STORE)?;
        // The builder's defaults, which `Client`'s signature repeats (a test compares them).
        let defaults = PyDict::new(py);
        let policy = LoginPolicy::default();
        defaults.set_item("base_url", DEFAULT_BASE_URL)?;
        defaults.set_item("encoding", Encoding::default().to_string())?;
        let placement = match SignaturePlacement::default() {
            SignaturePlacement::Param => "param",
            SignaturePlacement::Header => "header",
        };
        defaults.set_item("signature_placement", placement)?;
        defaults.set_item("timeout", DEFAULT_TIMEOUT.as_secs_f64())?;
        defaults.set_item("connect_timeout", DEFAULT_CONNECT_TIMEOUT.as_secs_f64())?;
        defaults.set_item("max_retries", DEFAULT_MAX_RETRIES)?;
        defaults.set_item("default_region", Region::default().as_str())?;
        defaults.set_item("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)?;
        defaults.set_item("max_attempts", policy.max_attempts)?;
        defaults.set_item("ttl", policy.ttl.as_secs())?;
        m.add("CLIENT_DEFAULTS", defaults)?;
        let environment = PyDict::new(py);
        for &(name, variable) in crate::client::FROM_ENV {
            environment.set_item(name, variable)?;
        }
        m.add("CLIENT_ENVIRONMENT", environment)?;
        Ok(())
    }
}
