//! # lbc-sandbox: a stateful offline emulator of the LoginByCall service
//!
//! It answers every method of the service's documentation (both revisions) over real HTTP, in all
//! five encodings and the WordPress plugin's unencoded queries, parsed by the protocol kit's own
//! [`lbc_protocol::parse`] and checked with [`lbc_protocol::Signer::verify`] against the
//! [`lbc_protocol::Method`] table, the same code the SDK (`lbc-core`) builds and signs with, so the
//! sandbox and the SDK cannot drift apart. It links no HTTP client library.
//!
//! ```
//! use lbc_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default())?;
//! // {"base_url":"http://127.0.0.1:PORT/callapi/v2.0/","accounts":[{"call_api_id":…,"api_key":…}]}
//! println!("{}", sandbox.ready_line());
//! let account = &sandbox.accounts()[0];
//! // … point a client at sandbox.base_url() with these credentials, place a call, then read the
//! // code the user would type with sandbox.call(&call_id) or sandbox.latest_call_to(msisdn).
//! # let _ = account;
//! assert!(sandbox.latest_call_to("79256880636").is_none());
//! sandbox.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! ## Behaviour where the documentation is silent
//!
//! - Every API answer is HTTP 200 with JSON, errors included; an unknown method is `INVALID_ARGS`.
//!   A body over 1 MiB is refused with HTTP 413 (as the service's nginx front would), a request
//!   with more than [`lbc_protocol::MAX_PARAMS`] parameters (path, query, body and `params`
//!   together) with `INVALID_ARGS`, a request taking longer than [`SandboxConfig::request_timeout`]
//!   with the code `Error` (an armed `delay` fault not counted). Requests over a few KiB are parsed
//!   and run on a blocking thread pool, not on the two threads that serve connections, so a hostile
//!   body does not delay other clients. A request runs to its end once read, even if its client
//!   gives up and closes the connection (as on the service: a `call` sent is placed).
//! - Calls: status 1 for `dial`, 2 for `ring`, then final by the number's last two digits (`08` busy,
//!   `16` notanswered, `32` error with `last_error` "Call rejected, try again", else answered).
//!   `call-hangup` of a ringing or queued call ends it as notanswered (16). The documentation (the
//!   Russian original decides) says the user "must have an active call with the status 2": a call
//!   that already ended (answered, busy, not answered, failed or hung up) is not one, and hanging it
//!   up answers `CALL_NOT_FOUND`, changing nothing. A call's mask (caller number) is `7` and ten
//!   random digits, or the account's `fixed_mask` when one is set, so that a test knows the code
//!   without reading it back. A call costs [`SandboxConfig::call_price`]; a repeat within a minute of the last charged
//!   call to the same `msisdn + ip_address` is free. The repeat timeout and the free repeats are
//!   counted per account. While `server_status` is not 1, `call` answers `CALL_REJECTED`.
//! - Signatures: accounts allowed unsigned calls have their signature parameters ignored (as the
//!   documentation says), except on `change_credential` and `credential_confirm`. Nonces are
//!   unique per account (whatever their timestamp) and forgotten within the hour after their
//!   timestamp leaves the 24-hour window. Only a 64-bit hash of each is kept, keyed at random per
//!   account (about 20 bytes a nonce; by chance, one false `NONCE_ALREADY_USED` among a million
//!   nonces has a probability below 10⁻⁷). A signed request without a nonce is `INVALID_ARGS`.
//! - Accounts: `domain` is a host name or IPv4 address, optionally with a port (`localhost:8000`,
//!   `127.0.0.1:8000`: sites under development run on one); the default `verify_url` is
//!   `http://` + domain + `/lbc-<call-api-id>.html`. A given `verify_url` must be on the registered
//!   host itself (a subdomain is another host); a domain registered with a port names that one site,
//!   so its `verify_url` must use the same port (the scheme's default when it names none), while a
//!   domain without a port allows any. `localhost:8000` and `localhost:9000` are two accounts.
//!   `credential_confirm` fetches only `http://` URLs: an `https://` one fails with
//!   `INVALID_ACCOUNT_VERIFY_RESPONSE`. Keys left unconfirmed for 24 hours (virtual clock) are
//!   deleted, and so is an account left without keys. More than five unconfirmed keys for one
//!   account answer `TOO_MANY_ACCOUNTS_REGISTERED`. `status` reports the keys it is asked about:
//!   `activated` 0 for unconfirmed keys, `blocked` 1 for retired ones or a blocked account.
//!   `ACCOUNT_ALREADY_REGISTERED` is never answered: a known domain is re-registered, as in the later
//!   revision.
//! - `pay` answers the first revision's shape, linking to the sandbox's own payment page
//!   (`/_sandbox/pay/{token}`), which credits the account when its form is posted; for an account
//!   whose `pay_shape` is `html` ([`PayShape::Html`]), the later revision's `{"html": …}`: a form
//!   posting to that page, with a submit button of class `lbc-payment-button`.
//!
//! ## Failures on demand: `/_sandbox/faults`
//!
//! An armed [`Fault`] answers the next `count` API requests (under `/callapi/`, never `/_sandbox/`)
//! of one method, or of every method for `*` (requests naming no known method included), instead of
//! their usual answer; the oldest armed fault that applies is taken first, and a fault is disarmed
//! once its count is spent (without a count it stays until cleared). A faulted request is still a
//! request received: it gets its `X-Request-Id` and is counted in `/_sandbox/state`'s `requests`.
//!
//! | kind | answer | the method |
//! | --- | --- | --- |
//! | `502`, `503` | nginx's HTML page with that HTTP status | does not run: a `call` is not placed, not charged |
//! | `reset` | none: the connection is reset (TCP RST) | does not run |
//! | `error` | HTTP 200, `{"error": code, …, "additional": …}`, any code (unknown ones too), `clazz` when the code is known | does not run |
//! | `delay` | the usual one, `delay_ms` later | runs after the delay (a client that gave up still gets its call placed) |
//! | `truncate` | the usual headers, `Content-Length` of the whole body, then half of the body and the connection closes | runs: a `call` is placed and charged, its answer lost |
//!
//! Arm them with `POST /_sandbox/faults`, [`SandboxConfig::faults`] or [`Sandbox::arm_fault`]; on a
//! command line a fault is written `METHOD:KIND[:COUNT]` (see [`Fault`]'s [`FromStr`](std::str::FromStr)).
//!
//! ## The dashboard: `GET /_sandbox/`
//!
//! A page to keep open beside the site under test: the calls as they go queued → dialing → final,
//! each like a phone's incoming-call screen with the code highlighted at the end of the caller's
//! number, the accounts with their balances (USD and credits), the armed faults and the outbox. It
//! refreshes itself every second, loads nothing from elsewhere (it works offline), and escapes
//! everything that came from a request; its Content-Security-Policy runs only its own script.
//!
//! ## Persistence
//!
//! With [`SandboxConfig::state_file`], accounts, their keys (pending ones with their `verify_url`),
//! balances, payments, `fixed_mask`, `pay_shape`, the service-wide `server_status` and the accounts
//! the ready line shows survive a restart: loaded at start when the file exists, saved after every
//! change (so a killed sandbox loses nothing) and at shutdown, each time replaced atomically
//! (temporary file, sync, rename) and readable by its owner only (it holds api keys). Calls,
//! nonces, the outbox, unpaid payment forms, armed faults and the clock offset are not kept. A
//! configured account ([`SandboxConfig::accounts`]) the file holds keeps its saved state (its
//! `api_key` must be the same); without configured accounts, a restart shows the saved ones.
//!
//! ## Inspection and control: `/_sandbox/`
//!
//! | endpoint | does |
//! | --- | --- |
//! | `GET /_sandbox/calls/{call}` | the call (`CallView`), 404 when unknown |
//! | `GET /_sandbox/phones/{msisdn}` | the latest call to that number, 404 when none |
//! | `GET /_sandbox/outbox` | the mails sent, oldest first (at most the last 1000) |
//! | `POST /_sandbox/clock {"advance_seconds": N}` | moves the virtual clock; answers `{"now": UNIX_SECONDS}` |
//! | `POST /_sandbox/accounts {...}` | creates an account (all fields optional: `call_api_id`, `api_key`, `balance`, `activated` (default true), `allow_unsecure_calls`, `fixed_mask`, `pay_shape`); answers `{"call_api_id","api_key"}` |
//! | `GET /_sandbox/accounts/{id}` | the account's state |
//! | `PATCH /_sandbox/accounts/{id} {...}` | sets `balance`, `blocked`, `allow_unsecure_calls`, `fixed_mask` (8 to 15 digits: every `call` of the account gets this mask until set to `null`), `pay_shape` (`"url"` or `"html"`) and/or the service-wide `server_status` (kept for older tests; prefer `PUT /_sandbox/server-status`); answers the account's state |
//! | `GET /_sandbox/server-status` | `{"server_status": N}`, service-wide |
//! | `PUT /_sandbox/server-status {"server_status": N}` | sets it (1 works; anything else and `call` answers `CALL_REJECTED`); answers it |
//! | `GET /_sandbox/faults` | the armed faults, oldest first: `[{"method", "kind", …, "count"}]`, `count` the requests left (`null`: until cleared) |
//! | `POST /_sandbox/faults {"method": "call" \| "*", "kind": "502" \| "503" \| "reset" \| "truncate" \| "delay" \| "error", "delay_ms": N, "code": "...", "additional": {...}, "count": N}` | arms a fault after the others: `delay_ms` (at most 600000) only and always with `delay`, `code` (1 to 64 letters, digits, `_`, `-`, `.`) and an optional `additional` object only with `error`, `count` optional (a positive number; absent or `null`: until cleared); answers the fault as listed |
//! | `DELETE /_sandbox/faults` | disarms every fault; answers `{"cleared": N}` |
//! | `GET /_sandbox/` | the dashboard (HTML) |
//! | `GET /_sandbox/live` | the dashboard's refreshing part (HTML, what the page fetches every second) |
//! | `GET /_sandbox/state` | the dashboard's data as JSON: `now`, `base_url`, `server_status`, `requests` (`total`, `faulted`, `by_method`), `accounts` (newest 100, with `available` credits and `available_usd`), `calls` (newest 30, as `CallView` with `created`, `age_ms`, `last_error`, `call_api_id`), `outbox` (newest 20), `faults`, `state_file` (`path`, `error`) and the `*_total` counts |
//! | `GET /_sandbox/pay/{token}` | the payment form that `pay` links to |
//! | `POST /_sandbox/pay/{token}` | pays: the amount is credited once (303 to `success_url` when `pay` had one) |
//!
//! An account's state is `{"call_api_id", "key_state"` (`pending`, `active` or `retired`: the state of
//! the id asked about), `"domain", "admin_email", "activated", "blocked", "allow_unsecure_calls"`
//! (booleans), `"balance", "consumed", "balance_notify_limit", "fixed_mask", "pay_shape",
//! "server_status"}`. Flags in requests may
//! be `true`/`false` or `0`/`1`; unknown members are refused. Errors are JSON `{"error","reason"}` with
//! HTTP 400 (bad input), 404 (unknown), 409 (taken id) or 413 (a body over 1 MiB).
#![forbid(unsafe_code)]

mod answer;
mod auth;
mod body;
mod calls;
mod clock;
mod control;
mod dashboard;
mod faults;
mod methods;
mod money;
mod nonces;
mod persist;
mod routes;
mod sabotage;
mod server;
mod shared;
mod snapshot;
mod state;
mod verify;
mod work;

pub use crate::faults::{Fault, FaultKind, MAX_FAULT_DELAY};
pub use crate::state::PayShape;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::oneshot;

use crate::calls::Timing;
use crate::persist::StateFile;
use crate::shared::{Settings, Shared};
use crate::state::{NewAccount, State};

/// Account credentials, as printed in the ready line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The account id.
    pub call_api_id: String,
    /// The account key.
    pub api_key: String,
}

/// A call as `/_sandbox/calls/{call}` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallView {
    /// Call id.
    pub call: String,
    /// Number called.
    pub msisdn: String,
    /// User IP given with the call.
    pub ip_address: Option<String>,
    /// Caller number.
    pub mask: String,
    /// Code length.
    pub codelen: u32,
    /// The last `codelen` digits of `mask`.
    pub code: String,
    /// Status number.
    pub status: i64,
    /// Status text.
    pub status_desc: String,
}

/// Sandbox settings. Build it with struct-update syntax over [`Default`]:
/// `SandboxConfig { dial, ring, ..Default::default() }`.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Where to listen (default 127.0.0.1:0).
    pub listen: SocketAddr,
    /// Accounts to create activated with a balance; empty: one generated account.
    pub accounts: Vec<Credentials>,
    /// Queued → dialing after this long (default 500 ms).
    pub dial: Duration,
    /// Dialing → final after this long (default 3 s).
    pub ring: Duration,
    /// The balance, in credits, of the seeded accounts and of those made by `POST /_sandbox/accounts`
    /// (default 1 000 000 credits, 100 USD).
    pub account_balance: i64,
    /// What a charged call costs, in credits (default 100).
    pub call_price: i64,
    /// The `repeat_timeout` of calls (default 30 s).
    pub repeat_timeout: Duration,
    /// How many trailing digits of `mask` are the code (1 to 10; default 4).
    pub codelen: u32,
    /// The longest a request may take before it is answered with the code `Error` (default 10 s).
    pub request_timeout: Duration,
    /// The longest `credential_confirm` waits for `verify_url` (default 3 s).
    pub verify_timeout: Duration,
    /// Faults armed from the start, in order (default none); see [`Fault`].
    pub faults: Vec<Fault>,
    /// Where to keep accounts, keys and balances across restarts (default none: in memory only).
    /// Loaded at start when the file exists, saved after every change and at shutdown, replaced
    /// atomically, created readable by its owner only (it holds api keys).
    pub state_file: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            accounts: Vec::new(),
            dial: Duration::from_millis(500),
            ring: Duration::from_secs(3),
            account_balance: 1_000_000,
            call_price: 100,
            repeat_timeout: Duration::from_secs(30),
            codelen: 4,
            request_timeout: Duration::from_secs(10),
            verify_timeout: Duration::from_secs(3),
            faults: Vec::new(),
            state_file: None,
        }
    }
}

/// A running sandbox. It serves on a background thread of its own until [`Sandbox::shutdown`] or
/// drop; its methods may be called from any thread.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    accounts: Vec<Credentials>,
    running: Option<Running>,
}

struct Running {
    stop: oneshot::Sender<()>,
    thread: JoinHandle<()>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Sandbox {
    /// Starts serving on a background runtime; returns once listening.
    ///
    /// Fails when the address cannot be bound, a setting is out of range (`codelen`, a negative
    /// price or balance, a zero `request_timeout`), or the seeded accounts repeat an id or hold
    /// something other than visible ASCII.
    pub fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidInput, why.to_owned());
        if !(1..=10).contains(&config.codelen) {
            return Err(invalid("codelen must be 1 to 10"));
        }
        if config.call_price < 0 || config.account_balance < 0 {
            return Err(invalid(
                "call_price and account_balance must not be negative",
            ));
        }
        if config.request_timeout.is_zero() {
            return Err(invalid("request_timeout must be more than zero"));
        }
        let std_listener = std::net::TcpListener::bind(config.listen)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let host = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let origin = format!("http://{}", SocketAddr::new(host, addr.port()));
        let base_url = format!("{origin}{}/", routes::API_ROOT);

        let mut state = State::new()?;
        let now = clock::Clock::default().now_ms();
        let saved_seeds = match &config.state_file {
            Some(path) => persist::load(path, &mut state)?,
            None => Vec::new(),
        };
        let mut accounts = Vec::new();
        if config.accounts.is_empty() {
            // A restart shows the accounts the saved state showed, when they are still there.
            accounts.extend(
                saved_seeds
                    .iter()
                    .filter_map(|id| persist::credentials(&state, id)),
            );
        }
        let seeds: Vec<Option<Credentials>> = if !config.accounts.is_empty() {
            config.accounts.iter().cloned().map(Some).collect()
        } else if accounts.is_empty() {
            vec![None]
        } else {
            Vec::new()
        };
        for seed in seeds {
            // A configured account that the state file has already is kept as it was saved (a
            // repeated one is refused by `create_account`).
            let listed = |id: &str| accounts.iter().any(|c: &Credentials| c.call_api_id == id);
            if let Some(given) = seed.as_ref().filter(|g| !listed(&g.call_api_id)) {
                if let Some(saved) = persist::credentials(&state, &given.call_api_id) {
                    if saved.api_key != given.api_key {
                        return Err(invalid(&format!(
                            "the state file has the account {} with another api_key",
                            lbc_protocol::excerpt(&given.call_api_id)
                        )));
                    }
                    accounts.push(saved);
                    continue;
                }
            }
            let (call_api_id, api_key) = match seed {
                Some(c) => (Some(c.call_api_id), Some(c.api_key)),
                None => (None, None),
            };
            let spec = NewAccount {
                call_api_id,
                api_key,
                balance: config.account_balance,
                activated: true,
                allow_unsecure_calls: false,
            };
            accounts.push(
                state
                    .create_account(spec, now)
                    .map_err(|why| invalid(&why))?,
            );
        }
        for fault in &config.faults {
            state.faults.arm(fault.clone());
        }

        let settings = Settings {
            timing: Timing {
                dial_ms: millis(config.dial),
                ring_ms: millis(config.ring),
            },
            repeat_ms: millis(config.repeat_timeout),
            codelen: config.codelen,
            call_price: config.call_price,
            account_balance: config.account_balance,
            request_timeout: config.request_timeout,
            verify_timeout: config.verify_timeout,
        };
        let mut shared = Shared::new(state, settings, origin, addr.port());
        shared.seeded = accounts.iter().map(|c| c.call_api_id.clone()).collect();
        shared.state_file = config.state_file.clone().map(StateFile::new);
        if let Some(file) = &shared.state_file {
            shared.persist();
            if let Some(failure) = file.failure() {
                return Err(io::Error::other(failure));
            }
        }
        let shared = Arc::new(shared);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lbc-sandbox-worker")
            .enable_all()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let router = routes::router(shared.clone());
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("lbc-sandbox".into())
            .spawn(move || {
                runtime.block_on(server::serve(listener, router, stopped));
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(Sandbox {
            shared,
            addr,
            base_url,
            accounts,
            running: Some(Running { stop, thread }),
        })
    }

    /// `http://127.0.0.1:PORT/callapi/v2.0/`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seeded accounts.
    pub fn accounts(&self) -> Vec<Credentials> {
        self.accounts.clone()
    }

    /// The one JSON ready line of the contract (no trailing newline).
    pub fn ready_line(&self) -> String {
        json!({"base_url": self.base_url, "accounts": self.accounts}).to_string()
    }

    /// A call by id.
    pub fn call(&self, call: &str) -> Option<CallView> {
        let now = self.shared.clock.now_ms();
        let timing = self.shared.settings.timing;
        self.shared
            .lock()
            .calls
            .get(call)
            .map(|c| c.view(now, timing))
    }

    /// The latest call to a number.
    pub fn latest_call_to(&self, msisdn: &str) -> Option<CallView> {
        let now = self.shared.clock.now_ms();
        let timing = self.shared.settings.timing;
        self.shared
            .lock()
            .calls
            .latest_to(msisdn)
            .map(|c| c.view(now, timing))
    }

    /// The dashboard's address, `http://127.0.0.1:PORT/_sandbox/`.
    pub fn dashboard_url(&self) -> String {
        format!("{}/_sandbox/", self.shared.origin)
    }

    /// Arms a fault after those armed already (as `POST /_sandbox/faults` does).
    pub fn arm_fault(&self, fault: Fault) {
        self.shared.lock().faults.arm(fault);
    }

    /// The armed faults, oldest first, each with the uses it has left.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.list()
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Gives every `call` of the account `call_api_id` this mask (caller number) until cleared with
    /// `None`, so that a test knows the code without reading it back. The mask is 8 to 15 digits,
    /// at least `codelen` of them. Fails with `NotFound` for an unknown account, `InvalidInput`
    /// for an unusable mask.
    pub fn set_fixed_mask(&self, call_api_id: &str, mask: Option<&str>) -> io::Result<()> {
        if let Some(mask) = mask {
            state::check_mask(mask, self.shared.settings.codelen)
                .map_err(|why| io::Error::new(io::ErrorKind::InvalidInput, why))?;
        }
        self.change_account(call_api_id, |account| {
            account.fixed_mask = mask.map(str::to_owned);
        })
    }

    /// Makes `pay` answer the account `call_api_id` in this shape. Fails with `NotFound` for an
    /// unknown account.
    pub fn set_pay_shape(&self, call_api_id: &str, shape: PayShape) -> io::Result<()> {
        self.change_account(call_api_id, |account| account.pay_shape = shape)
    }

    fn change_account(
        &self,
        call_api_id: &str,
        change: impl FnOnce(&mut state::Account),
    ) -> io::Result<()> {
        let now = self.shared.clock.now_ms();
        {
            let mut state = self.shared.lock();
            let account = state
                .account_of(call_api_id, now)
                .and_then(|number| state.accounts.get_mut(&number))
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("no account {}", lbc_protocol::excerpt(call_api_id)),
                    )
                })?;
            change(account);
        }
        self.shared.persist();
        Ok(())
    }

    /// The service-wide `server_status` (1 works; anything else and `call` answers
    /// `CALL_REJECTED`).
    pub fn server_status(&self) -> i64 {
        self.shared.lock().server_status
    }

    /// Sets the service-wide `server_status`.
    pub fn set_server_status(&self, status: i64) {
        self.shared.lock().server_status = status;
        self.shared.persist();
    }

    /// What the dashboard shows, as `GET /_sandbox/state` answers it.
    pub fn state_json(&self) -> serde_json::Value {
        json!(snapshot::take(&self.shared, &self.base_url))
    }

    /// Moves the sandbox clock forward (backward for a negative number).
    pub fn advance_clock(&self, seconds: i64) {
        self.shared.clock.advance_ms(seconds.saturating_mul(1000));
    }

    /// Stops gracefully (Drop does too): no new connections, answers in flight finish (for up to a
    /// few seconds).
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            // The receiver is gone only if the server already ended.
            let _ = running.stop.send(());
            let _ = running.thread.join();
            self.shared.persist();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}
