//! The lbc-sandbox emulator, embedded: `loginbycall.testing.Sandbox` is built on this class.

use std::io;
use std::sync::Mutex;

use lbc_sandbox::{Credentials, Sandbox, SandboxConfig};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

use crate::args;

/// A running sandbox on `127.0.0.1` (a free port), serving on threads of its own until
/// `shutdown()` or garbage collection. Use `loginbycall.testing.Sandbox`, which wraps it.
#[pyclass(frozen, module = "loginbycall.testing", name = "SandboxServer")]
pub(crate) struct SandboxServer {
    running: Mutex<Option<Sandbox>>,
    base_url: String,
    port: u16,
    accounts: Vec<Credentials>,
    ready_line: String,
}

fn start_error(error: io::Error) -> PyErr {
    match error.kind() {
        io::ErrorKind::InvalidInput => {
            let message = error.to_string();
            // lbc-sandbox names an account's field: the argument is `accounts`.
            if message.starts_with("call_api_id") || message.starts_with("api_key") {
                PyValueError::new_err(format!("accounts: {message}"))
            } else {
                PyValueError::new_err(message)
            }
        }
        _ => PyOSError::new_err(error.to_string()),
    }
}

fn millis(py: Python<'_>, value: i64, name: &str) -> PyResult<std::time::Duration> {
    u64::try_from(value)
        .map(std::time::Duration::from_millis)
        .map_err(|_| args::invalid(py, name, "must be 0 or more"))
}

#[pymethods]
impl SandboxServer {
    /// Starts a sandbox; every setting left `None` takes lbc-sandbox's default.
    #[new]
    #[pyo3(signature = (
        *, accounts=None, dial_ms=None, ring_ms=None, account_balance=None, call_price=None,
        repeat_timeout=None, codelen=None, request_timeout=None, verify_timeout=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        accounts: Option<Vec<(String, String)>>,
        dial_ms: Option<&Bound<'_, PyAny>>,
        ring_ms: Option<&Bound<'_, PyAny>>,
        account_balance: Option<&Bound<'_, PyAny>>,
        call_price: Option<&Bound<'_, PyAny>>,
        repeat_timeout: Option<&Bound<'_, PyAny>>,
        codelen: Option<&Bound<'_, PyAny>>,
        request_timeout: Option<&Bound<'_, PyAny>>,
        verify_timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut config = SandboxConfig::default();
        if let Some(accounts) = accounts {
            config.accounts = accounts
                .into_iter()
                .map(|(call_api_id, api_key)| Credentials {
                    call_api_id,
                    api_key,
                })
                .collect();
        }
        if let Some(ms) = args::opt_integer(dial_ms, "dial_ms")? {
            config.dial = millis(py, ms, "dial_ms")?;
        }
        if let Some(ms) = args::opt_integer(ring_ms, "ring_ms")? {
            config.ring = millis(py, ms, "ring_ms")?;
        }
        if let Some(credits) = args::opt_integer(account_balance, "account_balance")? {
            config.account_balance = credits;
        }
        if let Some(credits) = args::opt_integer(call_price, "call_price")? {
            config.call_price = credits;
        }
        if let Some(t) = args::opt_seconds(repeat_timeout, "repeat_timeout")? {
            config.repeat_timeout = t;
        }
        if let Some(n) = args::opt_integer(codelen, "codelen")? {
            config.codelen =
                u32::try_from(n).map_err(|_| args::invalid(py, "codelen", "must be 1 to 10"))?;
        }
        if let Some(t) = args::opt_seconds(request_timeout, "request_timeout")? {
            config.request_timeout = t;
        }
        if let Some(t) = args::opt_seconds(verify_timeout, "verify_timeout")? {
            config.verify_timeout = t;
        }
        let sandbox = Sandbox::start(config).map_err(start_error)?;
        Ok(SandboxServer {
            base_url: sandbox.base_url().to_owned(),
            port: sandbox.addr().port(),
            accounts: sandbox.accounts(),
            ready_line: sandbox.ready_line(),
            running: Mutex::new(Some(sandbox)),
        })
    }

    /// `http://127.0.0.1:PORT/callapi/v2.0/`
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The port it listens on (on 127.0.0.1).
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// The seeded accounts, as `(call_api_id, api_key)`.
    #[getter]
    fn accounts(&self) -> Vec<(String, String)> {
        self.accounts
            .iter()
            .map(|c| (c.call_api_id.clone(), c.api_key.clone()))
            .collect()
    }

    /// The sandbox contract's ready line (JSON).
    #[getter]
    fn ready_line(&self) -> &str {
        &self.ready_line
    }

    /// Whether it still serves.
    #[getter]
    fn running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Stops serving (answers in flight finish first); a second call does nothing.
    fn shutdown(&self, py: Python<'_>) -> PyResult<()> {
        let sandbox = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(sandbox) = sandbox {
            // Answers in flight are waited for: interruptible by Ctrl-C like a request.
            crate::run::run(py, None, move || {
                sandbox.shutdown();
                Box::new(|py: Python<'_>| Ok(py.None()))
            })?;
        }
        Ok(())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SandboxServer(base_url={})",
            args::repr(py, Some(&self.base_url))
        )
    }
}
