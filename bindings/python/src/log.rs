//! lbc-core's events to Python's `logging`: each client records them (lbc-core's `log_level`, debug
//! in Python) and after each operation they are handed, oldest first, to
//! `loginbycall._log.emit`, which passes them to `logging.getLogger("loginbycall")` at their level
//! (debug, info, warning) with the fields as the record's `extra`. Nothing is printed unless the
//! application configures logging: the package's logger has a `NullHandler`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

/// Hands the events `client` recorded to `logging`; a failure to log is never the caller's error
/// (it is reported as unraisable).
pub(crate) fn drain(py: Python<'_>, client: Option<&lbc_core::Client>) {
    let Some(client) = client else {
        return;
    };
    let events = client.take_events();
    if events.is_empty() {
        return;
    }
    if let Err(error) = emit(py, &events) {
        error.write_unraisable(py, None);
    }
}

fn emit(py: Python<'_>, events: &[lbc_core::Event]) -> PyResult<()> {
    static EMIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let emit = EMIT.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("loginbycall._log")?.getattr("emit")?.unbind())
    })?;
    let list = PyList::empty(py);
    for event in events {
        let fields = PyDict::new(py);
        fields.set_item("method", &event.method)?;
        fields.set_item("attempt", event.attempt)?;
        fields.set_item("status", event.status)?;
        fields.set_item(
            "elapsed_ms",
            u64::try_from(event.elapsed.as_millis()).unwrap_or(u64::MAX),
        )?;
        fields.set_item("request_id", event.request_id.as_deref())?;
        list.append((
            event.level().as_str(),
            event.kind.as_str(),
            &event.message,
            fields,
        ))?;
    }
    emit.call1(py, (list,))?;
    Ok(())
}
