//! The one translation of an `lbc_core::Error` into the Python exception of
//! `loginbycall.errors`, and the core's name tables that module is checked against.

use lbc_core::protocol::ErrorCode;
use lbc_core::{Error, ErrorKind, GuardReason, TransportKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

use crate::json;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The exception for `error`: the class `loginbycall.errors.KINDS[error.kind()]` (for an API
/// error, `API_ERRORS[code]`, or `ApiError` for an unknown code), with every detail the error
/// has as an attribute. Its message is the error's `Display`, which never holds the api-key.
pub(crate) fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    match exception(py, error) {
        Ok(exception) => PyErr::from_value(exception),
        // Only when `loginbycall.errors` cannot be imported (the native module used alone).
        Err(_) => PyRuntimeError::new_err(error.to_string()),
    }
}

fn exception<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyAny>> {
    let module = ERRORS
        .get_or_try_init(py, || py.import("loginbycall.errors").map(Bound::unbind))?
        .bind(py);
    let kwargs = PyDict::new(py);
    kwargs.set_item("may_have_been_placed", error.may_have_been_placed())?;
    kwargs.set_item("request_id", error.request_id())?;
    let kinds = module.getattr("KINDS")?;
    // A kind newer than the Python module still raises, as the base class.
    let mut class = kinds
        .get_item(error.kind().as_str())
        .or_else(|_| module.getattr("LoginByCallError"))?;
    // The accessors first; the few details without one (snippet, timed-out method and limit,
    // refusal reason) are read from their variant.
    match error.kind() {
        ErrorKind::Api => {
            if let Some(api) = error.api() {
                let code = api.code.as_str();
                kwargs.set_item("code", code)?;
                kwargs.set_item("error_class", api.class.as_deref())?;
                kwargs.set_item("reason", api.reason.as_deref())?;
                kwargs.set_item("stack", api.stack.as_deref())?;
                kwargs.set_item("description", api.code.description())?;
                kwargs.set_item("delay", error.delay().map(|d| d.as_secs_f64()))?;
                let additional = match &api.additional {
                    Some(value) => json::to_py(py, value)?,
                    None => py.None().into_bound(py),
                };
                kwargs.set_item("additional", additional)?;
                if let Ok(known) = module.getattr("API_ERRORS")?.get_item(code) {
                    class = known;
                }
            }
        }
        ErrorKind::Http => {
            kwargs.set_item("http_status", error.http_status())?;
            if let Error::Http { snippet, .. } = error {
                kwargs.set_item("snippet", snippet)?;
            }
        }
        ErrorKind::Transport => {
            kwargs.set_item("transport_kind", error.transport_kind().map(|k| k.as_str()))?;
        }
        ErrorKind::Timeout => {
            if let Error::Timeout { method, after, .. } = error {
                kwargs.set_item("method", *method)?;
                kwargs.set_item("after", after.as_secs_f64())?;
            }
        }
        ErrorKind::Decode => kwargs.set_item("field", error.field())?,
        ErrorKind::InvalidInput => {
            kwargs.set_item("field", error.field())?;
            if let Error::InvalidInput { reason, .. } = error {
                kwargs.set_item("reason", reason)?;
            }
        }
        ErrorKind::GuardRefused => {
            kwargs.set_item("reason", error.guard_reason().map(|r| r.as_str()))?;
            kwargs.set_item("retry_after", error.retry_after().map(|d| d.as_secs_f64()))?;
        }
        _ => {}
    }
    let exception = class.call((error.to_string(),), Some(&kwargs))?;
    // A Python store's exception (`store::PyStore`) is the cause of the `StoreError`.
    if let Some(cause) = std::error::Error::source(error).and_then(|s| s.downcast_ref::<PyErr>()) {
        exception.setattr("__cause__", cause.clone_ref(py).into_value(py))?;
    }
    Ok(exception)
}

/// Every error code lbc-core knows, as `(code, class, description)`: `ErrorCode::KNOWN`.
pub(crate) fn codes(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(
        py,
        ErrorCode::KNOWN.iter().map(|code| {
            (
                code.as_str(),
                code.class().map_or("", |c| c.as_str()),
                code.description(),
            )
        }),
    )
}

/// Every error kind's name: `ErrorKind::ALL`.
pub(crate) fn kinds(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, ErrorKind::ALL.iter().map(|kind| kind.as_str()))
}

/// Every transport failure kind's name (`TransportKind::as_str`). The core has no list of them, so
/// this one names each; `tests/test_vocabulary.py` compares it with `vocabulary.json`.
pub(crate) fn transport_kinds(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let all = [
        TransportKind::Dns,
        TransportKind::Connect,
        TransportKind::Tls,
        TransportKind::Reset,
        TransportKind::Proxy,
        TransportKind::Protocol,
        TransportKind::Io,
    ];
    PyTuple::new(py, all.iter().map(|kind| kind.as_str()))
}

/// Every reason the guard gives for a refusal: `GuardReason::ALL`.
pub(crate) fn guard_reasons(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, GuardReason::ALL.iter().map(|reason| reason.as_str()))
}
