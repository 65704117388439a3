//! lbc-core's typed answers as the immutable objects of `loginbycall.answers`.
//!
//! Each function only copies fields: the answers were checked by lbc-core, and every derived value
//! (`is_working`, `current`, `to_html`, a verdict's flags) is the core's.

use lbc_core::{
    AccountStatus, Balance, CallStarted, CallState, CredentialChange, Payment, Registration,
    ServerStatus, Verdict,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

static ANSWERS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// An instance of `loginbycall.answers.<class>` made with keyword arguments.
macro_rules! answer {
    ($py:expr, $class:literal, { $($name:ident: $value:expr),* $(,)? }) => {{
        let kwargs = PyDict::new($py);
        $( kwargs.set_item(stringify!($name), $value)?; )*
        class($py, $class)?.call((), Some(&kwargs))
    }};
}

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    ANSWERS
        .get_or_try_init(py, || py.import("loginbycall.answers").map(Bound::unbind))?
        .bind(py)
        .getattr(name)
}

/// `loginbycall.CallStatus(code)`.
pub(crate) fn call_status(py: Python<'_>, code: i64) -> PyResult<Bound<'_, PyAny>> {
    class(py, "CallStatus")?.call1((code,))
}

pub(crate) fn registration<'py>(py: Python<'py>, r: &Registration) -> PyResult<Bound<'py, PyAny>> {
    answer!(py, "Registration", { call_api_id: &r.call_api_id, verify_url: &r.verify_url })
}

pub(crate) fn account_status<'py>(
    py: Python<'py>,
    s: &AccountStatus,
) -> PyResult<Bound<'py, PyAny>> {
    answer!(py, "AccountStatus", {
        activated: s.activated,
        blocked: s.blocked,
        allow_unsecure_calls: s.allow_unsecure_calls,
    })
}

pub(crate) fn server_status<'py>(py: Python<'py>, s: &ServerStatus) -> PyResult<Bound<'py, PyAny>> {
    answer!(py, "ServerStatus", { server_status: s.server_status, is_working: s.is_working() })
}

pub(crate) fn balance<'py>(py: Python<'py>, b: &Balance) -> PyResult<Bound<'py, PyAny>> {
    let mut records = Vec::with_capacity(b.last_payments.len());
    for p in &b.last_payments {
        records.push(answer!(py, "PaymentRecord", { value: p.value.0, created: p.created })?);
    }
    answer!(py, "Balance", {
        balance: b.balance.0,
        consumed: b.consumed.0,
        balance_notify_limit: b.balance_notify_limit.0,
        last_payments: PyTuple::new(py, records)?,
        current: b.current().0,
    })
}

pub(crate) fn payment<'py>(py: Python<'py>, p: &Payment) -> PyResult<Bound<'py, PyAny>> {
    let rendered = p.to_html();
    match p {
        Payment::Form {
            url,
            method,
            fields,
        } => answer!(py, "Payment", {
            shape: "form",
            url: url,
            method: method,
            fields: PyTuple::new(py, fields.iter().map(|(n, v)| (n.as_str(), v.as_str())))?,
            html: py.None(),
            rendered_html: rendered,
        }),
        Payment::Html { html } => answer!(py, "Payment", {
            shape: "html",
            url: py.None(),
            method: py.None(),
            fields: PyTuple::empty(py),
            html: html,
            rendered_html: rendered,
        }),
    }
}

pub(crate) fn credential_change<'py>(
    py: Python<'py>,
    c: &CredentialChange,
) -> PyResult<Bound<'py, PyAny>> {
    answer!(py, "CredentialChange", { call_api_id: &c.call_api_id })
}

pub(crate) fn call_started<'py>(py: Python<'py>, c: &CallStarted) -> PyResult<Bound<'py, PyAny>> {
    answer!(py, "CallStarted", {
        call: &c.call,
        mask: &c.mask,
        codelen: c.codelen,
        repeat_timeout: c.repeat_timeout,
    })
}

pub(crate) fn call_state<'py>(py: Python<'py>, s: &CallState) -> PyResult<Bound<'py, PyAny>> {
    answer!(py, "CallState", {
        status: call_status(py, s.status.code())?,
        status_desc: &s.status_desc,
        last_error: s.last_error.as_deref(),
    })
}

pub(crate) fn verdict(py: Python<'_>, v: Verdict) -> PyResult<Bound<'_, PyAny>> {
    answer!(py, "Verdict", {
        name: v.as_str(),
        accepted: v.is_accepted(),
        locked: v.is_locked(),
        expired: v.is_expired(),
        attempts_left: v.attempts_left(),
    })
}
