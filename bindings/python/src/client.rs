//! `loginbycall.Client`: lbc-core's `Client`, configured by keyword arguments. Every request runs
//! with the interpreter released (`py.detach`), so other Python threads run while one waits.

use std::ffi::CStr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{PoisonError, RwLock};

use lbc_core::protocol::{Encoding, SignaturePlacement};
use lbc_core::{GuardPolicy, LoginPolicy, Pay, Region, Register};
use pyo3::exceptions::{PyDeprecationWarning, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyString, PyTuple, PyType};

use crate::login::Login;
use crate::{answers, args, errors, json, run, store};

/// The `User-Agent` the binding sends unless told otherwise.
pub(crate) const USER_AGENT: &str = concat!("loginbycall-python/", env!("CARGO_PKG_VERSION"));

/// The environment variables `Client.from_env` reads, by `Client` keyword argument (the Django
/// app reads the same when its settings do not name them).
pub(crate) const FROM_ENV: &[(&str, &str)] = &[
    ("call_api_id", "LOGINBYCALL_CALL_API_ID"),
    ("api_key", "LOGINBYCALL_API_KEY"),
    ("base_url", "LOGINBYCALL_BASE_URL"),
];

/// A LoginByCall client: one per process, safe to share between threads.
///
/// Settings are keyword-only, with lbc-core's defaults. `timeout` bounds one attempt, `deadline`
/// a whole method call with its retries (default: room for every retry, `timeout * (max_retries
/// + 1) + retry_base_delay * (2**max_retries - 1)`, 45.75 s); only methods without side effects
/// are retried. `user_agent` defaults to `loginbycall-python/<version>`. A bad value raises
/// `InvalidInput` here, naming it. `Client.from_env()` reads the credentials from the environment;
/// `close()` or a `with` block ends the client; Ctrl-C interrupts any request.
#[pyclass(frozen, module = "loginbycall", name = "Client")]
pub(crate) struct Client {
    /// `None` once `close()` was called.
    inner: RwLock<Option<lbc_core::Client>>,
}

impl Client {
    fn wrap(client: lbc_core::Client) -> Self {
        Client {
            inner: RwLock::new(Some(client)),
        }
    }

    /// The core client (a cheap clone), or `InvalidInput` on `client` once closed.
    pub(crate) fn core(&self, py: Python<'_>) -> PyResult<lbc_core::Client> {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| {
                args::invalid(
                    py,
                    "client",
                    "is closed (Client.close() or the end of its `with` block): make a new Client",
                )
            })
    }
}

/// `run` for a core call whose answer `convert` turns into a Python value.
fn call<T: Send + 'static>(
    py: Python<'_>,
    client: lbc_core::Client,
    work: impl FnOnce(&lbc_core::Client) -> Result<T, lbc_core::Error> + Send + 'static,
    convert: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
) -> PyResult<Py<PyAny>> {
    let events = client.clone();
    run::run(py, Some(events), move || {
        let result = work(&client);
        Box::new(move |py: Python<'_>| convert(py, raise(py, result)?))
    })
}

/// A converted answer as a plain `Py<PyAny>`.
fn any(value: PyResult<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
    value.map(Bound::unbind)
}

/// Converts a failed core call into its Python exception.
fn raise<T>(py: Python<'_>, result: Result<T, lbc_core::Error>) -> PyResult<T> {
    result.map_err(|e| errors::to_py(py, &e))
}

fn placement(py: Python<'_>, text: &str) -> PyResult<SignaturePlacement> {
    match text.trim().to_ascii_lowercase().as_str() {
        "param" => Ok(SignaturePlacement::Param),
        "header" => Ok(SignaturePlacement::Header),
        _ => Err(args::invalid(
            py,
            "signature_placement",
            format!(
                "`{}` is not `param` or `header`",
                lbc_core::protocol::excerpt(text)
            ),
        )),
    }
}

/// A keyword argument renamed in 0.2 (issue 14), kept for one release: its old name and new name,
/// and the warning the old one gives.
struct Renamed {
    old: &'static str,
    new: &'static str,
    warning: &'static CStr,
}

const OLD_MAX_ATTEMPTS: Renamed = Renamed {
    old: "login_max_attempts",
    new: "max_attempts",
    warning: c"Client(login_max_attempts=...) is deprecated and goes in the next release: use Client(max_attempts=...)",
};

const OLD_TTL: Renamed = Renamed {
    old: "login_ttl",
    new: "ttl",
    warning:
        c"Client(login_ttl=...) is deprecated and goes in the next release: use Client(ttl=...)",
};

/// The value of a renamed argument: the new name's, else the old name's with a
/// `DeprecationWarning`; both at once is a `TypeError`.
fn renamed<'a, 'py>(
    py: Python<'py>,
    new: Option<&'a Bound<'py, PyAny>>,
    old: Option<&'a Bound<'py, PyAny>>,
    names: Renamed,
) -> PyResult<Option<&'a Bound<'py, PyAny>>> {
    let Some(old) = old.filter(|o| !o.is_none()) else {
        return Ok(new);
    };
    if new.is_some_and(|n| !n.is_none()) {
        return Err(PyTypeError::new_err(format!(
            "Client() got both {} and its deprecated name {}: pass only {}",
            names.new, names.old, names.new
        )));
    }
    PyErr::warn(py, &py.get_type::<PyDeprecationWarning>(), names.warning, 1)?;
    Ok(Some(old))
}

/// A secret given as `str` (its UTF-8 bytes) or `bytes`.
fn secret(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if obj.is_instance_of::<PyString>() {
        return args::text(obj, name).map(String::into_bytes);
    }
    Err(args::wrong_type(obj, name, "str or bytes"))
}

/// `Client(guard=...)`: left out, lbc-core's default policy; `None` (which pyo3 reads as no
/// value), no guard; anything else, a policy of the site's own.
pub(crate) enum GuardArg {
    Default,
    Given(Py<PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for GuardArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(GuardArg::Given(obj.to_owned().unbind()))
    }
}

/// A policy of the site's own: a dict (JSON-able) of the settings that differ from the defaults,
/// or `False` (no guard), read by lbc-core's one reader (`GuardPolicy::from_json`), so that every
/// language names and checks them alike.
fn guard_policy(guard: &Bound<'_, PyAny>) -> PyResult<GuardPolicy> {
    let py = guard.py();
    let acceptable = guard.is_instance_of::<PyDict>()
        || (guard.is_instance_of::<PyBool>() && !guard.is_truthy()?);
    if !acceptable {
        return Err(args::wrong_type(
            guard,
            "guard",
            "a dict of guard settings, False or None (no guard)",
        ));
    }
    let text: String = py
        .import("json")?
        .call_method1("dumps", (guard,))
        .map_err(|e| PyTypeError::new_err(format!("guard must be JSON-able: {e}")))?
        .extract()?;
    raise(py, GuardPolicy::from_json(&text))
}

fn count(py: Python<'_>, value: i64, name: &str) -> PyResult<u32> {
    u32::try_from(value).map_err(|_| args::invalid(py, name, "must be 0 or more"))
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(
        signature = (
            call_api_id=None, api_key=None, *, base_url=None, encoding=None,
            signature_placement=None, timeout=None, connect_timeout=None, deadline=None,
            max_retries=None, proxy=None, ca_bundle=None, user_agent=None, default_region=None,
            max_response_bytes=None, retry_base_delay=None, max_attempts=None, ttl=None,
            store=None, state_key=None, old_state_keys=None, guard=Some(GuardArg::Default),
            login_max_attempts=None, login_ttl=None,
        ),
        text_signature = "(call_api_id=None, api_key=None, *, base_url='https://api.loginbycall.ru/callapi/v2.0/', encoding='form', signature_placement='param', timeout=15.0, connect_timeout=5.0, deadline=None, max_retries=2, proxy=None, ca_bundle=None, user_agent=None, default_region='RU', max_response_bytes=1048576, retry_base_delay=None, max_attempts=3, ttl=300, store=None, state_key=None, old_state_keys=None, guard=..., login_max_attempts=None, login_ttl=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        call_api_id: Option<&Bound<'_, PyAny>>,
        api_key: Option<&Bound<'_, PyAny>>,
        base_url: Option<&Bound<'_, PyAny>>,
        encoding: Option<&Bound<'_, PyAny>>,
        signature_placement: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        deadline: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
        ca_bundle: Option<&Bound<'_, PyAny>>,
        user_agent: Option<&Bound<'_, PyAny>>,
        default_region: Option<&Bound<'_, PyAny>>,
        max_response_bytes: Option<&Bound<'_, PyAny>>,
        retry_base_delay: Option<&Bound<'_, PyAny>>,
        max_attempts: Option<&Bound<'_, PyAny>>,
        ttl: Option<&Bound<'_, PyAny>>,
        store: Option<&Bound<'_, PyAny>>,
        state_key: Option<&Bound<'_, PyAny>>,
        old_state_keys: Option<&Bound<'_, PyAny>>,
        guard: Option<GuardArg>,
        login_max_attempts: Option<&Bound<'_, PyAny>>,
        login_ttl: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let max_attempts = renamed(py, max_attempts, login_max_attempts, OLD_MAX_ATTEMPTS)?;
        let ttl = renamed(py, ttl, login_ttl, OLD_TTL)?;
        let mut builder = lbc_core::Client::builder()
            .user_agent(USER_AGENT)
            .log_level(lbc_core::LogLevel::Debug);
        if let Some(id) = args::opt_text(call_api_id, "call_api_id")? {
            builder = builder.call_api_id(id);
        }
        if let Some(key) = args::opt_text(api_key, "api_key")? {
            builder = builder.api_key(key);
        }
        if let Some(url) = args::opt_text(base_url, "base_url")? {
            builder = builder.base_url(url);
        }
        if let Some(text) = args::opt_text(encoding, "encoding")? {
            let parsed = Encoding::parse(&text).map_err(lbc_core::Error::from);
            builder = builder.encoding(raise(py, parsed)?);
        }
        if let Some(text) = args::opt_text(signature_placement, "signature_placement")? {
            builder = builder.signature_placement(placement(py, &text)?);
        }
        if let Some(t) = args::opt_seconds(timeout, "timeout")? {
            builder = builder.timeout(t);
        }
        if let Some(t) = args::opt_seconds(connect_timeout, "connect_timeout")? {
            builder = builder.connect_timeout(t);
        }
        if let Some(t) = args::opt_seconds(deadline, "deadline")? {
            builder = builder.deadline(t);
        }
        if let Some(n) = args::opt_integer(max_retries, "max_retries")? {
            builder = builder.max_retries(count(py, n, "max_retries")?);
        }
        if let Some(url) = args::opt_text(proxy, "proxy")? {
            builder = builder.proxy(url);
        }
        if let Some(path) = ca_bundle.filter(|p| !p.is_none()) {
            let path: PathBuf = path
                .extract()
                .map_err(|_| args::wrong_type(path, "ca_bundle", "str or os.PathLike"))?;
            builder = builder.ca_bundle(path);
        }
        if let Some(agent) = args::opt_text(user_agent, "user_agent")? {
            builder = builder.user_agent(agent);
        }
        if let Some(code) = args::opt_text(default_region, "default_region")? {
            builder = builder.default_region(raise(py, Region::from_str(&code))?);
        }
        if let Some(n) = args::opt_integer(max_response_bytes, "max_response_bytes")? {
            let bytes = u64::try_from(n)
                .map_err(|_| args::invalid(py, "max_response_bytes", "must be more than zero"))?;
            builder = builder.max_response_bytes(bytes);
        }
        if let Some(t) = args::opt_seconds(retry_base_delay, "retry_base_delay")? {
            builder = builder.retry_base_delay(t);
        }
        let mut policy = LoginPolicy::default();
        if let Some(n) = args::opt_integer(max_attempts, "max_attempts")? {
            policy.max_attempts = u32::try_from(n)
                .map_err(|_| args::invalid(py, "max_attempts", "must be 1 to 100"))?;
        }
        if let Some(n) = args::opt_integer(ttl, "ttl")? {
            policy.ttl = std::time::Duration::from_secs(
                u64::try_from(n).map_err(|_| args::invalid(py, "ttl", "must be 1 to 86400"))?,
            );
        }
        builder = builder.login_policy(policy);
        if let Some(store) = store.filter(|s| !s.is_none()) {
            builder = match store::choice(store)? {
                store::Choice::Url(url) => builder.store(url),
                store::Choice::Backend(backend) => builder.store_backend(backend),
            };
        }
        if let Some(key) = state_key.filter(|k| !k.is_none()) {
            builder = builder.state_key(secret(key, "state_key")?);
        }
        if let Some(keys) = old_state_keys.filter(|k| !k.is_none()) {
            if keys.is_instance_of::<PyString>() || keys.is_instance_of::<PyBytes>() {
                return Err(args::wrong_type(
                    keys,
                    "old_state_keys",
                    "a list of keys (str or bytes)",
                ));
            }
            let mut older = Vec::new();
            for key in keys
                .try_iter()
                .map_err(|_| args::wrong_type(keys, "old_state_keys", "a list of keys"))?
            {
                older.push(secret(&key?, "old_state_keys")?);
            }
            builder = builder.old_state_keys(older);
        }
        match guard {
            Some(GuardArg::Default) => {}
            None => builder = builder.guard(GuardPolicy::off()),
            Some(GuardArg::Given(policy)) => {
                builder = builder.guard(guard_policy(policy.bind(py))?)
            }
        }
        Ok(Client::wrap(raise(py, builder.build())?))
    }

    /// A client configured from the environment: `LOGINBYCALL_CALL_API_ID` (required),
    /// `LOGINBYCALL_API_KEY` and `LOGINBYCALL_BASE_URL` (optional); `options` are `Client`'s
    /// keyword arguments and win over the environment.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn from_env<'py>(
        cls: &Bound<'py, PyType>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let environ = py.import("os")?.getattr("environ")?;
        let kwargs = match options {
            Some(options) => options.copy()?,
            None => PyDict::new(py),
        };
        for &(name, variable) in FROM_ENV {
            let required = name == "call_api_id";
            if kwargs.contains(name)? {
                continue;
            }
            let value = environ.call_method1("get", (variable,))?;
            if !value.is_none() && !value.str()?.to_string().trim().is_empty() {
                kwargs.set_item(name, value)?;
            } else if required {
                return Err(args::invalid(
                    py,
                    variable,
                    "is not set: export the account's call-api-id (or pass call_api_id=)",
                ));
            }
        }
        cls.call((), Some(&kwargs))
    }

    /// The API root requests go to (always ending in `/`).
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.base_url().to_owned())
    }

    /// The configured `call-api-id`, if any.
    #[getter]
    fn call_api_id(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.core(py)?.call_api_id().map(str::to_owned))
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    /// Lets go of the client's connections; any later use raises `InvalidInput` on `client`. A
    /// second call does nothing. Operations already running finish.
    fn close(&self) {
        let client = self
            .inner
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(client);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, PyTuple>) -> bool {
        self.close();
        false
    }

    /// A client with the same settings and connection pool but other credentials (e.g. to
    /// `credential_confirm` the keys `register` or `change_credential` mailed).
    fn with_credentials(
        &self,
        py: Python<'_>,
        call_api_id: &Bound<'_, PyAny>,
        api_key: &Bound<'_, PyAny>,
    ) -> PyResult<Client> {
        let id = args::text(call_api_id, "call_api_id")?;
        let key = args::text(api_key, "api_key")?;
        let core = self.core(py)?;
        Ok(Client::wrap(raise(py, core.with_credentials(id, key))?))
    }

    /// `text` as E.164 digits (`8 (925) 688-06-36` -> `79256880636`), national forms read in the
    /// client's `default_region`.
    fn normalize_phone(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<String> {
        let text = args::text(text, "msisdn")?;
        raise(py, self.core(py)?.normalize_phone(&text))
    }

    /// `register`: registers `domain` (the api-key is mailed to `admin_email`). Needs no
    /// credentials.
    #[pyo3(signature = (domain, admin_email, *, admin_phone=None, verify_url=None, balance_notify_limit=None))]
    fn register(
        &self,
        py: Python<'_>,
        domain: &Bound<'_, PyAny>,
        admin_email: &Bound<'_, PyAny>,
        admin_phone: Option<&Bound<'_, PyAny>>,
        verify_url: Option<&Bound<'_, PyAny>>,
        balance_notify_limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let request = Register {
            domain: args::text(domain, "domain")?,
            admin_email: args::text(admin_email, "admin_email")?,
            admin_phone: args::opt_text(admin_phone, "admin_phone")?,
            verify_url: args::opt_text(verify_url, "verify_url")?,
            balance_notify_limit: args::opt_integer(balance_notify_limit, "balance_notify_limit")?,
        };
        call(
            py,
            self.core(py)?,
            move |c| c.register(&request),
            |py, a| any(answers::registration(py, &a)),
        )
    }

    /// `status`: whether the account is activated, blocked, allowed unsigned calls.
    fn status(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        call(
            py,
            self.core(py)?,
            |c| c.status(),
            |py, a| any(answers::account_status(py, &a)),
        )
    }

    /// `server-status`: whether the service can place calls now.
    fn server_status(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        call(
            py,
            self.core(py)?,
            |c| c.server_status(),
            |py, a| any(answers::server_status(py, &a)),
        )
    }

    /// `options`: the balance (credits) below which the administrator is mailed; `-1`: never.
    fn options(
        &self,
        py: Python<'_>,
        balance_notify_limit: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let limit = args::integer(balance_notify_limit, "balance_notify_limit")?;
        call(
            py,
            self.core(py)?,
            move |c| c.options(limit),
            |py, ()| Ok(py.None()),
        )
    }

    /// `balance`: payments, consumption, the notification limit and the last payments.
    fn balance(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        call(
            py,
            self.core(py)?,
            |c| c.balance(),
            |py, a| any(answers::balance(py, &a)),
        )
    }

    /// `pay`: a payment form for `amount` credits.
    #[pyo3(signature = (amount, *, locale=None, success_url=None, fail_url=None, return_url=None))]
    fn pay(
        &self,
        py: Python<'_>,
        amount: &Bound<'_, PyAny>,
        locale: Option<&Bound<'_, PyAny>>,
        success_url: Option<&Bound<'_, PyAny>>,
        fail_url: Option<&Bound<'_, PyAny>>,
        return_url: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let request = Pay {
            amount: args::integer(amount, "amount")?,
            locale: args::opt_text(locale, "locale")?,
            success_url: args::opt_text(success_url, "success_url")?,
            fail_url: args::opt_text(fail_url, "fail_url")?,
            return_url: args::opt_text(return_url, "return_url")?,
        };
        call(
            py,
            self.core(py)?,
            move |c| c.pay(&request),
            |py, a| any(answers::payment(py, &a)),
        )
    }

    /// `change_credential`: issues a new id and key, mailed to `admin_email`.
    #[pyo3(signature = (admin_email, admin_phone=None))]
    fn change_credential(
        &self,
        py: Python<'_>,
        admin_email: &Bound<'_, PyAny>,
        admin_phone: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let email = args::text(admin_email, "admin_email")?;
        let phone = args::opt_text(admin_phone, "admin_phone")?;
        call(
            py,
            self.core(py)?,
            move |c| c.change_credential(&email, phone.as_deref()),
            |py, a| any(answers::credential_change(py, &a)),
        )
    }

    /// `credential_confirm`: activates this client's id and key; older keys stop working.
    fn credential_confirm(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        call(
            py,
            self.core(py)?,
            |c| c.credential_confirm(),
            |py, ()| Ok(py.None()),
        )
    }

    /// `call`: rings `msisdn` (any common notation) from a random number. Costs money and is
    /// never sent twice by the SDK: after a `Timeout`, check `may_have_been_placed`.
    #[pyo3(signature = (msisdn, ip_address=None))]
    fn call(
        &self,
        py: Python<'_>,
        msisdn: &Bound<'_, PyAny>,
        ip_address: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let msisdn = args::text(msisdn, "msisdn")?;
        let ip = args::opt_text(ip_address, "ip_address")?;
        call(
            py,
            self.core(py)?,
            move |c| c.call(&msisdn, ip.as_deref()),
            |py, a| any(answers::call_started(py, &a)),
        )
    }

    /// `call-status`: where the call is.
    fn call_status(&self, py: Python<'_>, call: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let id = args::text(call, "call")?;
        self::call(
            py,
            self.core(py)?,
            move |c| c.call_status(&id),
            |py, a| any(answers::call_state(py, &a)),
        )
    }

    /// `call-hangup`: ends a call that is still ringing.
    fn call_hangup(&self, py: Python<'_>, call: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let id = args::text(call, "call")?;
        self::call(
            py,
            self.core(py)?,
            move |c| c.call_hangup(&id),
            |py, ()| Ok(py.None()),
        )
    }

    /// Any method by its wire name (`call-status`, ...) with raw parameters (`str` or `int`
    /// values); returns the JSON answer. `call-api-id` and the signature are added as for the
    /// typed methods.
    #[pyo3(signature = (method, params=None))]
    fn request(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let method = args::text(method, "method")?;
        let params = match params {
            Some(p) if !p.is_none() => args::params(p, "params")?,
            _ => lbc_core::protocol::Params::new(),
        };
        // lbc-core reads only JSON objects as answers, so this is a `dict`.
        call(
            py,
            self.core(py)?,
            move |c| c.request(&method, &params),
            |py, a| any(json::to_py(py, &a)),
        )
    }

    /// A login back from its sealed state (`Login.to_json()`), made by this client or one with the
    /// same state key (or an older key in `old_state_keys`). Any change to the state, a seal no key
    /// of this client makes, or a start more than a minute in the future is `InvalidInput` on
    /// `login_state`. The attempts made so far are read from the store (`StoreError` if it fails).
    fn resume_login(&self, py: Python<'_>, state: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let state = args::text(state, "login_state")?;
        call(
            py,
            self.core(py)?,
            move |c| c.resume_login(&state),
            |py, l| Ok(Py::new(py, Login::new(l))?.into_any()),
        )
    }

    /// Places the call for a login (`call`) and returns the `Login` to check the digits with.
    #[pyo3(signature = (msisdn, ip_address=None))]
    fn start_login(
        &self,
        py: Python<'_>,
        msisdn: &Bound<'_, PyAny>,
        ip_address: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let msisdn = args::text(msisdn, "msisdn")?;
        let ip = args::opt_text(ip_address, "ip_address")?;
        call(
            py,
            self.core(py)?,
            move |c| c.start_login(&msisdn, ip.as_deref()),
            |py, l| Ok(Py::new(py, Login::new(l))?.into_any()),
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.core(py) {
            Ok(core) => format!(
                "Client(call_api_id={}, base_url={})",
                args::repr(py, core.call_api_id()),
                args::repr(py, Some(core.base_url())),
            ),
            Err(_) => "Client(closed)".into(),
        }
    }
}
