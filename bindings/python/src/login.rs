//! `loginbycall.Login`: lbc-core's `CoreLogin` behind a lock, so that one login may be shared
//! between threads (`check` changes it).

use std::sync::{Mutex, MutexGuard};

use lbc_core::Login as CoreLogin;
use pyo3::exceptions::PyDeprecationWarning;
use pyo3::prelude::*;

use crate::client::Client;
use crate::{answers, args, errors};

/// One login in progress: the call placed for it and the checks made so far.
///
/// Made by `Client.start_login` or read back with `Login.from_json`. The state holds the code:
/// keep `to_json()` in server-side session storage, never in a cookie. `repr` hides the code.
/// Thread-safe: checks are serialised by a lock inside.
#[pyclass(frozen, module = "loginbycall", name = "Login")]
pub(crate) struct Login {
    state: Mutex<CoreLogin>,
}

impl Login {
    pub(crate) fn new(login: CoreLogin) -> Self {
        Login {
            state: Mutex::new(login),
        }
    }

    fn lock(&self) -> MutexGuard<'_, CoreLogin> {
        // Nothing panics while the lock is held; a poisoned lock still holds a whole state.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the state, for calls that must not hold the lock while they wait.
    fn snapshot(&self) -> CoreLogin {
        self.lock().clone()
    }
}

#[pymethods]
impl Login {
    /// The call's id.
    #[getter]
    fn call(&self) -> String {
        self.lock().call().to_owned()
    }

    /// The number called, as E.164 digits.
    #[getter]
    fn msisdn(&self) -> String {
        self.lock().msisdn().to_owned()
    }

    /// The user's IP address, if the site gave it.
    #[getter]
    fn ip_address(&self) -> Option<String> {
        self.lock().ip_address().map(str::to_owned)
    }

    /// What to show while waiting: the caller's number without its last `codelen` digits
    /// (show it as `+7925688[____]`).
    #[getter]
    fn prompt(&self) -> String {
        self.lock().prompt().to_owned()
    }

    /// How many digits the user types.
    #[getter]
    fn codelen(&self) -> u32 {
        self.lock().codelen()
    }

    /// Seconds before the same number may be called again.
    #[getter]
    fn repeat_timeout(&self) -> u64 {
        self.lock().repeat_timeout()
    }

    /// When the call was placed, as UNIX seconds.
    #[getter]
    fn started_at(&self) -> u64 {
        self.lock().started_at()
    }

    /// When the code stops being accepted, as UNIX seconds.
    #[getter]
    fn expires_at(&self) -> u64 {
        self.lock().expires_at()
    }

    /// Checks made so far.
    #[getter]
    fn attempts(&self) -> u32 {
        self.lock().attempts()
    }

    /// Checks left before the login locks (0 once the code was accepted).
    #[getter]
    fn attempts_left(&self) -> u32 {
        self.lock().attempts_left()
    }

    /// Checks allowed in all.
    #[getter]
    fn max_attempts(&self) -> u32 {
        self.lock().policy().max_attempts
    }

    /// Whether the code was accepted (it is accepted only once).
    #[getter]
    fn is_accepted(&self) -> bool {
        self.lock().is_accepted()
    }

    /// Deprecated, goes in the next release: `is_accepted`.
    #[getter]
    fn accepted(&self, py: Python<'_>) -> PyResult<bool> {
        PyErr::warn(
            py,
            &py.get_type::<PyDeprecationWarning>(),
            c"Login.accepted is deprecated and goes in the next release: use Login.is_accepted",
            1,
        )?;
        Ok(self.is_accepted())
    }

    /// Checks the digits the user typed: surrounding whitespace is trimmed, the rest must be
    /// exactly the code. Every check of a live login counts as an attempt.
    fn check<'py>(
        &self,
        py: Python<'py>,
        digits: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let digits = args::text(digits, "digits")?;
        // The check counts in the store (a file or a server): without the interpreter's lock.
        let login = self.snapshot();
        let verdict = py
            .detach(|| login.check(&digits))
            .map_err(|e| errors::to_py(py, &e))?;
        answers::verdict(py, verdict)
    }

    /// Polls `call-status` until the status is final or `timeout` seconds pass, and returns the
    /// last status seen (not final if the time ran out). Releases the interpreter meanwhile.
    #[pyo3(signature = (client, timeout=30.0))]
    fn wait_final<'py>(
        &self,
        py: Python<'py>,
        client: &Bound<'py, Client>,
        timeout: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let timeout = std::time::Duration::try_from_secs_f64(timeout).map_err(|_| {
            args::invalid(
                py,
                "timeout",
                "must be a finite, non-negative number of seconds",
            )
        })?;
        let login = self.snapshot();
        let client = &client.get().inner;
        let state = py
            .detach(|| login.wait_final(client, timeout))
            .map_err(|e| errors::to_py(py, &e))?;
        answers::call_state(py, &state)
    }

    /// Ends the call if it is still ringing (`call-hangup`), e.g. once the digits were accepted.
    fn hangup(&self, py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<()> {
        let login = self.snapshot();
        let client = &client.get().inner;
        py.detach(|| login.hangup(client))
            .map_err(|e| errors::to_py(py, &e))
    }

    /// The state as JSON, for a server-side session. It holds the code.
    fn to_json(&self) -> String {
        self.lock().to_json()
    }

    /// A login back from `to_json()`; anything else is `InvalidInput` on `login_state`. Expiry is
    /// then judged by the system clock.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Login> {
        let text = args::text(text, "login_state")?;
        // lbc-core resumes a sealed state only through its client (`Client::resume_login`):
        // this now always raises InvalidInput on `login_state`, saying so.
        #[allow(deprecated)]
        CoreLogin::from_json(&text)
            .map(Login::new)
            .map_err(|e| errors::to_py(py, &e))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let login = self.lock();
        format!(
            "Login(call={}, msisdn={}, prompt={}, codelen={}, attempts={}, is_accepted={})",
            args::repr(py, Some(login.call())),
            args::repr(py, Some(login.msisdn())),
            args::repr(py, Some(login.prompt())),
            login.codelen(),
            login.attempts(),
            if login.is_accepted() { "True" } else { "False" },
        )
    }
}
