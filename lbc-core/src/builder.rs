//! [`ClientBuilder`]: every setting of a [`Client`], checked once when the client is built.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lbc_protocol::{CALL_API_ID, Encoding, SignaturePlacement, Signer};

use crate::client::{Client, Inner};
use crate::events::{EventLog, LogLevel};
use crate::guard::{Guard, GuardPolicy};
use crate::limits::{check_text, check_url};
use crate::login::{LoginPolicy, StateKeys};
use crate::phone::Region;
use crate::replay::{Clock, NonceSource, OsNonce, SystemClock};
use crate::store::{DEFAULT_STORE, Namespaced, Store, open_store};
use crate::transport::Agents;
use crate::{ApiKey, Error};
use zeroize::Zeroizing;

/// The service's address (the later revision's; the SDK's default).
pub const DEFAULT_BASE_URL: &str = "https://api.loginbycall.ru/callapi/v2.0/";
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time for one attempt of a request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default first backoff before a retry.
pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(250);
/// Default limit on an answer's size.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1024 * 1024;
/// Default number of extra attempts for retry-safe methods.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The deadline of a whole operation when none is set: room for every attempt of a retry-safe
/// method and the longest backoffs between them,
/// `timeout × (max_retries + 1) + retry_base_delay × (2^max_retries − 1)`.
///
/// With the defaults (15 s, 2 retries, 250 ms): 15 × 3 + 0.25 × 3 = 45.75 s. A `call` is never sent
/// again once a byte of it may have left, so its one attempt still ends by `timeout` (15 s).
pub fn default_deadline(
    timeout: Duration,
    max_retries: u32,
    retry_base_delay: Duration,
) -> Duration {
    let retries = max_retries.min(10);
    let attempts = timeout.saturating_mul(retries + 1);
    let backoffs = retry_base_delay.saturating_mul((1u32 << retries) - 1);
    attempts.saturating_add(backoffs)
}

/// The default `User-Agent`.
pub const USER_AGENT: &str = concat!("loginbycall-rust/", env!("CARGO_PKG_VERSION"));

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    call_api_id: Option<String>,
    api_key: Option<ApiKey>,
    encoding: Encoding,
    placement: SignaturePlacement,
    connect_timeout: Duration,
    timeout: Duration,
    deadline: Option<Duration>,
    max_response_bytes: u64,
    max_retries: u32,
    retry_base_delay: Duration,
    ca_bundle: Option<PathBuf>,
    proxy: Option<String>,
    user_agent: String,
    default_region: Region,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    login_policy: LoginPolicy,
    guard: GuardPolicy,
    log_level: LogLevel,
    store: Option<StoreChoice>,
    state_key: Option<Zeroizing<Vec<u8>>>,
    old_state_keys: Vec<Zeroizing<Vec<u8>>>,
}

/// The store a builder was given: a URL, or one written elsewhere.
#[derive(Clone)]
enum StoreChoice {
    Url(String),
    Backend(Arc<dyn Store>),
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("call_api_id", &self.call_api_id)
            .field("api_key", &self.api_key)
            .field("encoding", &self.encoding)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            call_api_id: None,
            api_key: None,
            encoding: Encoding::FORM,
            placement: SignaturePlacement::Param,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            deadline: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_base_delay: DEFAULT_RETRY_BASE_DELAY,
            ca_bundle: None,
            proxy: None,
            user_agent: USER_AGENT.into(),
            default_region: Region::RU,
            clock: Arc::new(SystemClock),
            nonces: Arc::new(OsNonce),
            login_policy: LoginPolicy::default(),
            guard: GuardPolicy::default(),
            log_level: LogLevel::Off,
            store: None,
            state_key: None,
            old_state_keys: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// The API root, with or without the trailing slash (default [`DEFAULT_BASE_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The account's `call-api-id` (needed by every method but `register` and `server-status`).
    pub fn call_api_id(mut self, id: impl Into<String>) -> Self {
        self.call_api_id = Some(id.into());
        self
    }

    /// The account's secret `api-key`. Without one, requests go unsigned, which only accounts allowed
    /// unsigned calls may do; `change_credential` and `credential_confirm` then fail with
    /// [`Error::InvalidInput`].
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// How requests are encoded (default: POST form, which keeps phone numbers out of access logs).
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Whether the signature travels as a parameter (default) or the `Signature` header.
    pub fn signature_placement(mut self, placement: SignaturePlacement) -> Self {
        self.placement = placement;
        self
    }

    /// Time to establish a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for one attempt of a request, answer included (default 15 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time for a whole operation: every attempt, backoff and retry of one method call included
    /// (default: [`default_deadline`], room for every retry of a retry-safe method: 45.75 s with
    /// the defaults). A retry is made only while time is left; the last attempt gets only what is
    /// left.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The region whose national number forms are understood, e.g. `8 (925) 688-06-36` in RU
    /// (default [`Region::RU`], as the service is Russian).
    pub fn default_region(mut self, region: Region) -> Self {
        self.default_region = region;
        self
    }

    /// The largest answer accepted (default 1 MiB).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Extra attempts for retry-safe methods (default 2; 0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first backoff before a retry; it doubles each time, with jitter (default 250 ms).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry_base_delay = delay;
        self
    }

    /// Trust only the CA certificates in this PEM file instead of the bundled Mozilla roots.
    ///
    /// Without one, an `https://` client trusts the certificates of the PEM file named by the
    /// `SSL_CERT_FILE` environment variable and of the PEM files in the directories of
    /// `SSL_CERT_DIR` (`:`-separated) when either is set, else the bundled Mozilla roots.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Send requests through this proxy (`http://host:port`, `socks5://...` per ureq).
    ///
    /// Without one, the environment's `ALL_PROXY`, `HTTPS_PROXY` and `HTTP_PROXY` (or their
    /// lowercase forms) are used, except for the hosts in `NO_PROXY`, and never for a loopback
    /// base URL (`127.0.0.0/8`, `::1`, `localhost`: the sandbox).
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }

    /// The `User-Agent` header (default `loginbycall-rust/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Where timestamps and login times come from (default the system clock). Only with the
    /// `testing` feature.
    #[cfg(feature = "testing")]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Where nonces come from (default the OS CSPRNG). Only with the `testing` feature.
    #[cfg(feature = "testing")]
    pub fn nonce_source(mut self, nonces: Arc<dyn NonceSource>) -> Self {
        self.nonces = nonces;
        self
    }

    /// Attempts and lifetime of a login code (default 3 attempts, 5 minutes).
    pub fn login_policy(mut self, policy: LoginPolicy) -> Self {
        self.login_policy = policy;
        self
    }

    /// What the guard checks before a call is placed (default [`GuardPolicy::default`]: limits a
    /// person logging in never meets; [`GuardPolicy::off`] checks nothing).
    pub fn guard(mut self, policy: GuardPolicy) -> Self {
        self.guard = policy;
        self
    }

    /// Which events the client records for [`Client::take_events`] (default [`LogLevel::Off`]):
    /// the bindings' loggers read them. Every event also goes to the `log` crate (target
    /// `loginbycall`) whatever this level; see [`crate::Event`].
    pub fn log_level(mut self, level: LogLevel) -> Self {
        self.log_level = level;
        self
    }

    /// Where attempts, accept-once and the guard's counters are kept, by URL:
    /// `sqlite:///absolute/path.sqlite3`, `redis://[:password@]host:port/db` or `memory:` (this
    /// process only). Default: the per-user SQLite file ([`crate::DEFAULT_STORE`]), shared by
    /// every process of this user on this server. Several servers need one Redis.
    ///
    /// Nothing is opened until first used; a URL that is none of these fails
    /// [`ClientBuilder::build`] with [`Error::InvalidInput`] on `store`.
    pub fn store(mut self, url: impl Into<String>) -> Self {
        self.store = Some(StoreChoice::Url(url.into()));
        self
    }

    /// A store written elsewhere (e.g. over a framework's shared cache), instead of a URL. It must
    /// make [`Store::incr`] and [`Store::add`] atomic across every process that shares it.
    pub fn store_backend(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(StoreChoice::Backend(store));
        self
    }

    /// The secret that seals login states (at least 16 bytes), instead of the default: a key
    /// derived from the api key. Set it to keep states valid across a change of api key, or to
    /// seal states on a client without one.
    pub fn state_key(mut self, key: impl AsRef<[u8]>) -> Self {
        self.state_key = Some(Zeroizing::new(key.as_ref().to_vec()));
        self
    }

    /// Older state keys (or old api keys) whose states are still resumed, for rotation: states
    /// are sealed with the current key only.
    pub fn old_state_keys<K: AsRef<[u8]>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        self.old_state_keys = keys
            .into_iter()
            .map(|k| Zeroizing::new(k.as_ref().to_vec()))
            .collect();
        self
    }

    /// Checks the settings and builds the client (with its connection pool).
    ///
    /// Every value that ends up in a header or a URL is checked here, so that a bad one is an
    /// [`Error::InvalidInput`] now rather than a failure on the first request.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = normalise_base_url(&self.base_url)?;
        if let Some(id) = &self.call_api_id {
            check_text(CALL_API_ID, id)?;
        }
        if self.timeout.is_zero() {
            return Err(Error::invalid_input("timeout", "must be more than zero"));
        }
        let deadline = self.deadline.unwrap_or_else(|| {
            default_deadline(self.timeout, self.max_retries, self.retry_base_delay)
        });
        if deadline.is_zero() {
            return Err(Error::invalid_input("deadline", "must be more than zero"));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::invalid_input(
                "connect_timeout",
                "must be more than zero",
            ));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::invalid_input(
                "max_response_bytes",
                "must be more than zero",
            ));
        }
        check_header_value("user_agent", &self.user_agent)?;
        let login_policy = self.login_policy.check()?;
        self.guard.check()?;
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(self.connect_timeout.min(self.timeout)))
            .max_redirects(0)
            .user_agent(self.user_agent.as_str());
        if let Some(path) = &self.ca_bundle {
            config = config.tls_config(load_ca_bundle(path)?);
        } else if base_url.to_ascii_lowercase().starts_with("https://") {
            if let Some(tls) = env_roots()? {
                config = config.tls_config(tls);
            }
        }
        if let Some(proxy) = &self.proxy {
            config = config.proxy(Some(parse_proxy(proxy)?));
        } else if is_loopback(&base_url) {
            // The environment's proxy is for the outside world: never for the sandbox.
            config = config.proxy(None);
        }
        for key in self.state_key.iter().chain(&self.old_state_keys) {
            if key.len() < 16 || key.len() > 1024 {
                return Err(Error::invalid_input(
                    "state_key",
                    "must be 16 to 1024 bytes (a long random secret)",
                ));
            }
        }
        let state_keys = match (&self.state_key, &self.api_key) {
            (Some(key), _) => Some(Arc::new(StateKeys::new(key, &self.old_state_keys, true))),
            (None, Some(api_key)) if !api_key.expose().is_empty() => Some(Arc::new(
                StateKeys::new(api_key.expose().as_bytes(), &self.old_state_keys, false),
            )),
            _ => None,
        };
        let store = match self.store {
            Some(StoreChoice::Backend(store)) => store,
            Some(StoreChoice::Url(url)) => open_store(&url)?,
            None => open_store(DEFAULT_STORE)?,
        };
        let guard = Arc::new(Guard::new(
            self.guard,
            self.default_region,
            store.clone(),
            self.clock.clone(),
            self.call_api_id.as_deref(),
        ));
        let store = Namespaced::new(store, self.call_api_id.as_deref());
        let signer = match &self.api_key {
            Some(key) => {
                check_key(key)?;
                Some(Signer::new(key.expose()))
            }
            None => None,
        };
        // The configuration is kept so that a forked child can make its own pool (`Agents`).
        let agents = Arc::new(Agents::new(config.build()));
        Ok(Client {
            inner: Arc::new(Inner {
                agents,
                base_url,
                call_api_id: self.call_api_id,
                signer,
                encoding: self.encoding,
                placement: self.placement,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                deadline,
                max_response_bytes: self.max_response_bytes,
                max_retries: self.max_retries,
                retry_base_delay: self.retry_base_delay,
                default_region: self.default_region,
                clock: self.clock,
                nonces: self.nonces,
                login_policy,
                store,
                state_keys,
                guard,
                events: Arc::new(EventLog::new(self.log_level)),
            }),
        })
    }
}

/// Whether the base URL's host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback(base_url: &str) -> bool {
    let Ok(uri) = base_url.parse::<ureq::http::Uri>() else {
        return false;
    };
    let Some(host) = uri.host() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The roots named by `SSL_CERT_FILE` and `SSL_CERT_DIR`, when either is set: read once per
/// process for each value of the two variables (a directory such as `/etc/ssl/certs` holds
/// hundreds of files, too many to read for every client).
fn env_roots() -> Result<Option<ureq::tls::TlsConfig>, Error> {
    type Key = (Option<std::ffi::OsString>, Option<std::ffi::OsString>);
    static CACHE: std::sync::Mutex<Option<(Key, ureq::tls::TlsConfig)>> =
        std::sync::Mutex::new(None);
    let key: Key = (
        std::env::var_os("SSL_CERT_FILE"),
        std::env::var_os("SSL_CERT_DIR"),
    );
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((cached, tls)) = cache.as_ref() {
        if *cached == key {
            return Ok(Some(tls.clone()));
        }
    }
    let tls = read_env_roots()?;
    if let Some(tls) = &tls {
        *cache = Some((key, tls.clone()));
    }
    Ok(tls)
}

fn read_env_roots() -> Result<Option<ureq::tls::TlsConfig>, Error> {
    let mut certs = Vec::new();
    let mut named = false;
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty()) {
        named = true;
        let path = std::path::Path::new(&file);
        let pem = std::fs::read(path).map_err(|e| {
            Error::invalid_input(
                "SSL_CERT_FILE",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        certs.extend(pem_certs(&pem));
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR").filter(|d| !d.is_empty()) {
        named = true;
        for dir in std::env::split_paths(&dirs) {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                if let Ok(pem) = std::fs::read(entry.path()) {
                    certs.extend(pem_certs(&pem));
                }
            }
        }
    }
    if !named {
        return Ok(None);
    }
    if certs.is_empty() {
        return Err(Error::invalid_input(
            "SSL_CERT_FILE",
            "no PEM certificate in SSL_CERT_FILE or SSL_CERT_DIR",
        ));
    }
    Ok(Some(
        ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::from(certs))
            .build(),
    ))
}

/// The certificates of a PEM text.
fn pem_certs(pem: &[u8]) -> Vec<ureq::tls::Certificate<'static>> {
    ureq::tls::parse_pem(pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect()
}

fn normalise_base_url(url: &str) -> Result<String, Error> {
    // The value is not quoted back: a key pasted here by mistake must not end up in a log.
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(Error::invalid_input(
            "base_url",
            "must be an http:// or https:// URL",
        ));
    }
    if url.contains(['?', '#']) {
        return Err(Error::invalid_input(
            "base_url",
            "must not hold a query or fragment",
        ));
    }
    check_url("base_url", url)?;
    let url = if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    };
    match url.parse::<ureq::http::Uri>() {
        Ok(uri) if uri.host().is_some_and(|h| !h.is_empty()) => Ok(url),
        _ => Err(Error::invalid_input("base_url", "is not a valid URL")),
    }
}

fn parse_proxy(proxy: &str) -> Result<ureq::Proxy, Error> {
    check_url("proxy", proxy)?;
    // ureq's message may quote the URL, which may hold a password: say only that it was refused.
    ureq::Proxy::new(proxy).map_err(|_| {
        Error::invalid_input(
            "proxy",
            "is not a proxy URL (http://host:port, https://, socks4://, socks5://)",
        )
    })
}

pub(crate) fn check_key(key: &ApiKey) -> Result<(), Error> {
    if key.expose().is_empty() {
        return Err(Error::invalid_input("api_key", "is empty"));
    }
    if key.expose().len() > 1024 {
        return Err(Error::invalid_input("api_key", "is longer than 1024 bytes"));
    }
    Ok(())
}

/// Checks a value that goes into an HTTP header: visible ASCII, spaces and tabs only, at most 1024
/// bytes. A CR or LF would otherwise split the header.
fn check_header_value(field: &str, value: &str) -> Result<(), Error> {
    if value.len() > 1024 {
        return Err(Error::invalid_input(field, "is longer than 1024 bytes"));
    }
    if let Some(bad) = value
        .chars()
        .find(|&c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
    {
        return Err(Error::invalid_input(
            field,
            format!(
                "holds {bad:?}: a header value is visible ASCII characters, spaces and tabs only"
            ),
        ));
    }
    Ok(())
}

fn load_ca_bundle(path: &std::path::Path) -> Result<ureq::tls::TlsConfig, Error> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::invalid_input("ca_bundle", format!("cannot read {}: {e}", path.display()))
    })?;
    let certs = pem_certs(&pem);
    if certs.is_empty() {
        return Err(Error::invalid_input(
            "ca_bundle",
            format!("no PEM certificate in {}", path.display()),
        ));
    }
    Ok(ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::from(certs))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised_and_checked() {
        assert_eq!(normalise_base_url("http://h/x").unwrap(), "http://h/x/");
        assert_eq!(normalise_base_url("https://h/x/").unwrap(), "https://h/x/");
        for bad in [
            "ftp://h/",
            "h/x",
            "http://h/?a=1",
            "",
            "http://h/a b",
            "http://h/\r\nX: y",
            "http:///x",
        ] {
            assert!(normalise_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn builder_refuses_bad_settings() {
        let bad = [
            Client::builder().api_key(""),
            Client::builder().call_api_id(" "),
            Client::builder().timeout(Duration::ZERO),
            Client::builder().proxy("::not a proxy::"),
            Client::builder().ca_bundle("/nonexistent/ca.pem"),
            Client::builder().user_agent("lbc\r\nX-Injected: 1"),
            Client::builder().user_agent("a\nb"),
            Client::builder().user_agent("é"),
            Client::builder().user_agent("x".repeat(2000)),
            Client::builder().deadline(Duration::ZERO),
            Client::builder().connect_timeout(Duration::ZERO),
            Client::builder().login_policy(LoginPolicy {
                max_attempts: 0,
                ttl: Duration::from_secs(300),
            }),
        ];
        for builder in bad {
            assert!(matches!(builder.build(), Err(Error::InvalidInput { .. })));
        }
    }

    #[test]
    fn messages_never_quote_a_key_given_as_a_url() {
        let key = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq";
        let err = Client::builder().base_url(key).build().unwrap_err();
        assert!(!err.to_string().contains(key), "{err}");
        let err = Client::builder()
            .proxy(format!("http://user:{key}@"))
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains(key), "{err}");
    }

    #[test]
    fn the_default_deadline_leaves_room_for_the_retries() {
        let d = default_deadline(
            DEFAULT_TIMEOUT,
            DEFAULT_MAX_RETRIES,
            DEFAULT_RETRY_BASE_DELAY,
        );
        assert_eq!(d, Duration::from_millis(45_750));
        let one = default_deadline(Duration::from_secs(1), 0, DEFAULT_RETRY_BASE_DELAY);
        assert_eq!(one, Duration::from_secs(1));
        let client = Client::builder().store("memory:").build().unwrap();
        assert_eq!(client.inner.deadline, d);
    }

    #[test]
    fn loopback_hosts_are_told_apart() {
        for url in [
            "http://127.0.0.1:80/x/",
            "http://localhost/",
            "http://[::1]:9/",
            "http://127.5.0.1/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://api.loginbycall.ru/",
            "http://10.0.0.1/",
            "http://localhost.example/",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let builder = Client::builder().call_api_id("id").api_key("TOPSECRETKEY");
        assert!(!format!("{builder:?}").contains("TOPSECRETKEY"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("TOPSECRETKEY"));
    }
}
