//! `loginbycall.Login`: lbc-core's `CoreLogin` behind a lock, so that one login may be shared
//! between threads (`check` changes it).

use lbc_core::Login as CoreLogin;
use pyo3::exceptions::PyDeprecationWarning;
use pyo3::prelude::*;

use crate::client::Client;
use crate::{answers, args, errors, run};

/// One login in progress: the call placed for it, checked against the attempts counted in the
/// client's store.
///
/// Made by `Client.start_login`, or by `Client.resume_login(state)` from the sealed state
/// `to_json()` gave. The state holds neither the code nor the mask, and any change to it is
/// refused; attempts and accept-once live in the store, so every process and server sharing it
/// agrees on them, and nothing needs writing back after `check`. Thread-safe.
#[pyclass(frozen, module = "loginbycall", name = "Login")]
pub(crate) struct Login {
    inner: CoreLogin,
}

impl Login {
    pub(crate) fn new(login: CoreLogin) -> Self {
        Login { inner: login }
    }

    fn core(&self) -> &CoreLogin {
        &self.inner
    }

    fn snapshot(&self) -> CoreLogin {
        self.inner.clone()
    }
}

#[pymethods]
impl Login {
    /// The call's id.
    #[getter]
    fn call(&self) -> String {
        self.core().call().to_owned()
    }

    /// The number called, as E.164 digits.
    #[getter]
    fn msisdn(&self) -> String {
        self.core().msisdn().to_owned()
    }

    /// The user's IP address, if the site gave it.
    #[getter]
    fn ip_address(&self) -> Option<String> {
        self.core().ip_address().map(str::to_owned)
    }

    /// What to show while waiting: the caller's number without its last `codelen` digits
    /// (show it as `+7925688[____]`).
    #[getter]
    fn prompt(&self) -> String {
        self.core().prompt().to_owned()
    }

    /// How many digits the user types.
    #[getter]
    fn codelen(&self) -> u32 {
        self.core().codelen()
    }

    /// Seconds before the same number may be called again.
    #[getter]
    fn repeat_timeout(&self) -> u64 {
        self.core().repeat_timeout()
    }

    /// When the call was placed, as UNIX seconds.
    #[getter]
    fn started_at(&self) -> u64 {
        self.core().started_at()
    }

    /// When the code stops being accepted, as UNIX seconds.
    #[getter]
    fn expires_at(&self) -> u64 {
        self.core().expires_at()
    }

    /// Checks made on this call so far, as this object last saw them in the store (when it was
    /// made or resumed, and at each `check`); other processes may have made more since.
    #[getter]
    fn attempts(&self) -> u32 {
        self.core().attempts()
    }

    /// Checks left before the login locks (0 once the code was accepted), as last seen.
    #[getter]
    fn attempts_left(&self) -> u32 {
        self.core().attempts_left()
    }

    /// Checks allowed per call: the client's `max_attempts`, never the state's.
    #[getter]
    fn max_attempts(&self) -> u32 {
        self.core().max_attempts()
    }

    /// Whether the code was accepted (it is accepted only once), as last seen.
    #[getter]
    fn is_accepted(&self) -> bool {
        self.core().is_accepted()
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
    /// exactly the code. Every check of a live login counts as an attempt in the store, so at
    /// most `max_attempts` checks are judged per call however many processes race; the right
    /// code is accepted once only. Nothing needs saving afterwards. A failing store raises
    /// `StoreError` (nothing was judged).
    fn check(&self, py: Python<'_>, digits: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let digits = args::text(digits, "digits")?;
        // The check counts in the store (a file or a server): without the interpreter's lock.
        let login = self.snapshot();
        run::run(py, None, move || {
            let verdict = login.check(&digits);
            Box::new(move |py: Python<'_>| {
                let verdict = verdict.map_err(|e| errors::to_py(py, &e))?;
                Ok(answers::verdict(py, verdict)?.unbind())
            })
        })
    }

    /// Polls `call-status` until the status is final or `timeout` seconds pass, and returns the
    /// last status seen (not final if the time ran out). Releases the interpreter meanwhile;
    /// Ctrl-C interrupts it.
    #[pyo3(signature = (client, timeout=30.0))]
    fn wait_final(
        &self,
        py: Python<'_>,
        client: &Bound<'_, Client>,
        timeout: f64,
    ) -> PyResult<Py<PyAny>> {
        let timeout = std::time::Duration::try_from_secs_f64(timeout).map_err(|_| {
            args::invalid(
                py,
                "timeout",
                "must be a finite, non-negative number of seconds",
            )
        })?;
        let login = self.snapshot();
        let client = client.get().core(py)?;
        let events = client.clone();
        run::run(py, Some(events), move || {
            let state = login.wait_final(&client, timeout);
            Box::new(move |py: Python<'_>| {
                let state = state.map_err(|e| errors::to_py(py, &e))?;
                Ok(answers::call_state(py, &state)?.unbind())
            })
        })
    }

    /// Ends the call if it is still ringing (`call-hangup`), e.g. once the digits were accepted.
    fn hangup(&self, py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<Py<PyAny>> {
        let login = self.snapshot();
        let client = client.get().core(py)?;
        let events = client.clone();
        run::run(py, Some(events), move || {
            let result = login.hangup(&client);
            Box::new(move |py: Python<'_>| {
                result.map_err(|e| errors::to_py(py, &e))?;
                Ok(py.None())
            })
        })
    }

    /// The sealed state, for the site's session: compact JSON with the call, the number, the
    /// prompt, the times and an HMAC of the code (neither the code nor the mask), sealed with the
    /// client's state key. Read it back with `Client.resume_login`; it does not change on `check`.
    fn to_json(&self) -> String {
        self.core().to_json()
    }

    /// Deprecated, goes in the next release: a saved login is resumed through the client that
    /// sealed it, `Client.resume_login(state)`. Always raises `InvalidInput` on `login_state`
    /// (after a `DeprecationWarning`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Login> {
        PyErr::warn(
            py,
            &py.get_type::<PyDeprecationWarning>(),
            c"Login.from_json is deprecated: use client.resume_login(state)",
            1,
        )?;
        let text = args::text(text, "login_state")?;
        #[allow(deprecated)]
        CoreLogin::from_json(&text)
            .map(Login::new)
            .map_err(|e| errors::to_py(py, &e))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let login = self.core();
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
