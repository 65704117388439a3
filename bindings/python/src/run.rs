//! How a request runs: on a thread of its own, away from the interpreter, so that the thread that
//! asked stays responsive.
//!
//! - From the main thread, the caller waits in 50 ms slices and checks for signals between them:
//!   Ctrl-C raises `KeyboardInterrupt` at once, the operation is cancelled at its next pause (an
//!   attempt in flight ends by its timeout on its own thread; its connection is finished or
//!   dropped, never reused half-read) and the client stays usable.
//! - From any other thread (which receives no signals), it runs right there with the interpreter
//!   released, as before.
//! - For `AsyncClient` (`_native._submit`), it runs on its own thread and settles an asyncio future
//!   through a callback; cancelling the task cancels the operation the same way.
//!
//! A thread per operation in flight rather than an async transport: lbc-core's transport is
//! blocking (ureq), and this keeps one core, one set of rules, in every language; a thread costs
//! some 20 µs to start, nothing next to a request's round trip.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use lbc_core::Cancellation;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

/// What the worker hands back: turned into the Python value (or exception) with the interpreter
/// held.
pub(crate) type Done = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// Operations running on threads of their own right now (`_native._in_flight()`).
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The callback `_submit` asked the next operation to settle instead of returning.
    static SUBMIT: RefCell<Option<Py<PyAny>>> = const { RefCell::new(None) };
}

/// How long the main thread waits between two looks at its signals.
const SLICE: Duration = Duration::from_millis(50);

/// Counts an operation in flight until dropped.
struct Flight;

impl Flight {
    fn start() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        Flight
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `work` (no interpreter needed) and converts its outcome with `events` drained into
/// `logging` afterwards; see the module's documentation for where it runs.
pub(crate) fn run(
    py: Python<'_>,
    events: Option<lbc_core::Client>,
    work: impl FnOnce() -> Done + Send + 'static,
) -> PyResult<Py<PyAny>> {
    if let Some(callback) = SUBMIT.with(|s| s.borrow_mut().take()) {
        return submit(py, events, callback, work);
    }
    if !on_main_thread(py)? {
        let done = py.detach(work);
        let result = done(py);
        crate::log::drain(py, events.as_ref());
        return result;
    }
    let cancel = Cancellation::new();
    let (tx, rx) = mpsc::channel::<Done>();
    let worker_cancel = cancel.clone();
    spawn(move || {
        let _flight = Flight::start();
        let done = worker_cancel.run(work);
        // The receiver is gone after Ctrl-C: the outcome is dropped.
        let _ = tx.send(done);
    })?;
    let mut rx = rx;
    loop {
        // The receiver goes into the detached closure and back (it is `Send`, not `Sync`).
        let (received, back) = py.detach(move || (rx.recv_timeout(SLICE), rx));
        rx = back;
        match received {
            Ok(done) => {
                let result = done(py);
                crate::log::drain(py, events.as_ref());
                return result;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(interrupted) = py.check_signals() {
                    cancel.cancel();
                    crate::log::drain(py, events.as_ref());
                    return Err(interrupted);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "the operation's thread ended without an answer",
                ));
            }
        }
    }
}

/// Starts `work` on a thread of its own, named for debuggers.
fn spawn(work: impl FnOnce() + Send + 'static) -> PyResult<()> {
    std::thread::Builder::new()
        .name("loginbycall".into())
        .spawn(work)
        .map(drop)
        .map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("cannot start a thread: {e}")))
}

/// Whether this is the interpreter's main thread, the one signals are delivered to (asked each
/// time: after a fork the child's main thread is the one that forked).
fn on_main_thread(py: Python<'_>) -> PyResult<bool> {
    static THREADING: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();
    let (current, main) = THREADING.get_or_try_init(py, || -> PyResult<_> {
        let threading = py.import("threading")?;
        Ok((
            threading.getattr("current_thread")?.unbind(),
            threading.getattr("main_thread")?.unbind(),
        ))
    })?;
    Ok(current.call0(py)?.is(main.call0(py)?))
}

/// `AsyncClient`'s path: `work` runs on its own thread and `callback(ok, value)` is called with
/// its outcome (on that thread, the interpreter held); returns the `Pending` handle whose
/// `cancel()` cancels the operation.
fn submit(
    py: Python<'_>,
    events: Option<lbc_core::Client>,
    callback: Py<PyAny>,
    work: impl FnOnce() -> Done + Send + 'static,
) -> PyResult<Py<PyAny>> {
    let cancel = Cancellation::new();
    let worker_cancel = cancel.clone();
    let flight = Flight::start();
    spawn(move || {
        let _flight = flight;
        let done = worker_cancel.run(work);
        Python::attach(|py| {
            let outcome = match done(py) {
                Ok(value) => (true, value),
                Err(error) => (false, error.into_value(py).into_any()),
            };
            crate::log::drain(py, events.as_ref());
            if !worker_cancel.is_cancelled() {
                // The callback hands the outcome to the event loop; it never raises (a closed loop
                // is its business), and if it did there is no one here to tell.
                if let Err(error) = callback.call1(py, outcome) {
                    error.write_unraisable(py, None);
                }
            }
        });
    })?;
    Ok(Py::new(py, Pending { cancel })?.into_any())
}

/// An operation submitted by `_submit`: `cancel()` asks it to stop at its next pause.
#[pyclass(frozen, module = "loginbycall._native", name = "Pending")]
pub(crate) struct Pending {
    cancel: Cancellation,
}

#[pymethods]
impl Pending {
    /// Asks the operation to stop at its next pause; its outcome is then dropped.
    fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether `cancel()` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

/// `_submit(callback, method, *args, **kwargs)`: calls `method` (a bound method of `Client` or
/// `Login`) so that the operation it starts runs on its own thread and settles `callback(ok,
/// value)`; returns its `Pending` handle. An argument refused before anything runs raises here.
#[pyfunction]
#[pyo3(signature = (callback, method, /, *args, **kwargs))]
pub(crate) fn _submit(
    py: Python<'_>,
    callback: Py<PyAny>,
    method: &Bound<'_, PyAny>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    SUBMIT.with(|s| *s.borrow_mut() = Some(callback));
    let result = method.call(args, kwargs);
    // An argument refused before `run` leaves the callback unused: never for the next call.
    let unused = SUBMIT.with(|s| s.borrow_mut().take()).is_some();
    let value = result?;
    if unused || !value.is_instance_of::<Pending>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "_submit: the method started no operation",
        ));
    }
    let _ = py;
    Ok(value.unbind())
}

/// How many operations run on threads of their own right now (for tests: nothing leaks).
#[pyfunction]
pub(crate) fn _in_flight() -> usize {
    IN_FLIGHT.load(Ordering::SeqCst)
}
