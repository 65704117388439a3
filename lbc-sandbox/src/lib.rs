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
//!   with the code `Error`. Requests over a few KiB are parsed and run on a blocking thread pool,
//!   not on the two threads that serve connections, so a hostile body does not delay other
//!   clients.
//! - Calls: status 1 for `dial`, 2 for `ring`, then final by the number's last two digits (`08` busy,
//!   `16` notanswered, `32` error with `last_error` "Call rejected, try again", else answered).
//!   `call-hangup` of a ringing or queued call ends it as notanswered (16); of an ended call it is a
//!   no-op. A call costs [`SandboxConfig::call_price`]; a repeat within a minute of the last charged
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
//!   (`/_sandbox/pay/{token}`), which credits the account when its form is posted.
//!
//! ## Inspection and control: `/_sandbox/`
//!
//! | endpoint | does |
//! | --- | --- |
//! | `GET /_sandbox/calls/{call}` | the call (`CallView`), 404 when unknown |
//! | `GET /_sandbox/phones/{msisdn}` | the latest call to that number, 404 when none |
//! | `GET /_sandbox/outbox` | the mails sent, oldest first (at most the last 1000) |
//! | `POST /_sandbox/clock {"advance_seconds": N}` | moves the virtual clock; answers `{"now": UNIX_SECONDS}` |
//! | `POST /_sandbox/accounts {...}` | creates an account (all fields optional: `call_api_id`, `api_key`, `balance`, `activated` (default true), `allow_unsecure_calls`); answers `{"call_api_id","api_key"}` |
//! | `GET /_sandbox/accounts/{id}` | the account's state |
//! | `PATCH /_sandbox/accounts/{id} {...}` | sets `balance`, `blocked`, `allow_unsecure_calls` and/or the service-wide `server_status`; answers the account's state |
//! | `GET /_sandbox/pay/{token}` | the payment form that `pay` links to |
//! | `POST /_sandbox/pay/{token}` | pays: the amount is credited once (303 to `success_url` when `pay` had one) |
//!
//! An account's state is `{"call_api_id", "key_state"` (`pending`, `active` or `retired`: the state of
//! the id asked about), `"domain", "admin_email", "activated", "blocked", "allow_unsecure_calls"`
//! (booleans), `"balance", "consumed", "balance_notify_limit", "server_status"}`. Flags in requests may
//! be `true`/`false` or `0`/`1`; unknown members are refused. Errors are JSON `{"error","reason"}` with
//! HTTP 400 (bad input), 404 (unknown), 409 (taken id) or 413 (a body over 1 MiB).
#![forbid(unsafe_code)]

mod answer;
mod auth;
mod body;
mod calls;
mod clock;
mod control;
mod methods;
mod nonces;
mod routes;
mod server;
mod shared;
mod state;
mod verify;
mod work;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::oneshot;

use crate::calls::Timing;
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
        let seeds: Vec<Option<Credentials>> = if config.accounts.is_empty() {
            vec![None]
        } else {
            config.accounts.iter().cloned().map(Some).collect()
        };
        let mut accounts = Vec::with_capacity(seeds.len());
        for seed in seeds {
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
        let shared = Arc::new(Shared::new(state, settings, origin, addr.port()));

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
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}
