//! Signatures for callers that build their own requests (`Signer`, `sign`, `canonical`), and the
//! small helpers that need no client (`normalize_phone`, call statuses).

use std::str::FromStr;

use lbc_core::protocol::{CallStatus, Method};
use lbc_core::{Error, Region};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::{args, errors};

fn method(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Method> {
    let name = args::text(obj, "method")?;
    Method::from_str(&name).map_err(|e| errors::to_py(py, &Error::from(e)))
}

/// Signs requests with one account's api-key, keyed once: each signature costs only hashing the
/// request. Keeps no copy of the key (only HMAC's keyed state); `repr` never shows it.
/// Thread-safe.
#[pyclass(frozen, module = "loginbycall", name = "Signer")]
pub(crate) struct Signer {
    inner: lbc_core::protocol::Signer,
}

#[pymethods]
impl Signer {
    #[new]
    fn new(api_key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let key = args::text(api_key, "api_key")?;
        Ok(Signer {
            inner: lbc_core::protocol::Signer::new(&key),
        })
    }

    /// The lower-case hex HMAC-SHA512 of `method` over `params` (a dict of `str`, in any order:
    /// the method's documented order decides; `None` or `""` values are left out). An unknown or
    /// never-signed method is `InvalidInput`.
    fn sign(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        params: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let method = self::method(py, method)?;
        let params = args::params(params, "params")?;
        self.inner
            .sign(method, &params)
            .map_err(|e| errors::to_py(py, &Error::from(e)))
    }

    fn __repr__(&self) -> &'static str {
        "Signer(<redacted>)"
    }
}

/// `Signer(api_key).sign(method, params)`, keying HMAC anew: to sign many requests with one key,
/// make a `Signer` once.
#[pyfunction]
pub(crate) fn sign(
    py: Python<'_>,
    api_key: &Bound<'_, PyAny>,
    method: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
) -> PyResult<String> {
    Signer::new(api_key)?.sign(py, method, params)
}

/// The exact bytes that are signed for `method` over `params`: the method name, then
/// `\0name\0value` per given parameter in the signing order. The tool for an `InvalidSignature`.
#[pyfunction]
pub(crate) fn canonical<'py>(
    py: Python<'py>,
    method: &Bound<'py, PyAny>,
    params: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let method = self::method(py, method)?;
    let params = args::params(params, "params")?;
    let bytes = lbc_core::protocol::canonical(method, &params)
        .map_err(|e| errors::to_py(py, &Error::from(e)))?;
    Ok(PyBytes::new(py, &bytes))
}

/// A phone number as E.164 digits without `+`: `+7 (925) 688-06-36` and, in region `RU`,
/// `8 (925) 688-06-36` become `79256880636`. An invalid number is `InvalidInput` on `msisdn`.
#[pyfunction]
#[pyo3(signature = (text, region=None), text_signature = "(text, region='RU')")]
pub(crate) fn normalize_phone(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    region: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let text = args::text(text, "msisdn")?;
    let region = match args::opt_text(region, "region")? {
        // The core names its own setting (`default_region`); here the argument is `region`.
        Some(code) => Region::from_str(&code).map_err(|e| match e {
            lbc_core::Error::InvalidInput { reason, .. } => args::invalid(py, "region", reason),
            other => errors::to_py(py, &other),
        })?,
        None => Region::default(),
    };
    lbc_core::normalize_phone(&text, region).map_err(|e| errors::to_py(py, &e))
}

/// Whether a call status number is final (lbc-core's `CallStatus::is_final`).
#[pyfunction]
pub(crate) fn call_status_is_final(code: i64) -> bool {
    CallStatus::from_code(code).is_final()
}

/// The service's `status_desc` for a call status number.
#[pyfunction]
pub(crate) fn call_status_description(code: i64) -> &'static str {
    CallStatus::from_code(code).description()
}
