//! The running sandbox: its settings, start (seeded accounts, the state file, the runtime) and the
//! methods a test or the CLI calls on it directly.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::json;
use tokio::sync::oneshot;

use crate::calls::{CallView, Timing};
use crate::connections::ConnectionCounts;
use crate::faults::Fault;
use crate::persist::StateFile;
use crate::shared::{Settings, Shared};
use crate::state::PayShape;
use crate::state::{Credentials, NewAccount, State};

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
        let base_url = format!("{origin}{}/", crate::routes::API_ROOT);

        let mut state = State::new()?;
        let now = crate::clock::Clock::default().now_ms();
        let saved_seeds = match &config.state_file {
            Some(path) => crate::persist::load(path, &mut state)?,
            None => Vec::new(),
        };
        let mut accounts = Vec::new();
        if config.accounts.is_empty() {
            // A restart shows the accounts the saved state showed, when they are still there.
            accounts.extend(
                saved_seeds
                    .iter()
                    .filter_map(|id| crate::persist::credentials(&state, id)),
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
                if let Some(saved) = crate::persist::credentials(&state, &given.call_api_id) {
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
        let router = crate::routes::router(shared.clone());
        let served = shared.clone();
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("lbc-sandbox".into())
            .spawn(move || {
                runtime.block_on(crate::server::serve(listener, router, served, stopped));
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

    /// The connections accepted since the start or the last [`Sandbox::reset_connections`] (as
    /// `GET /_sandbox/connections` answers).
    pub fn connections(&self) -> ConnectionCounts {
        self.shared.connections.read()
    }

    /// Sets the connection counts back to zero; answers what they were.
    pub fn reset_connections(&self) -> ConnectionCounts {
        self.shared.connections.reset()
    }

    /// Gives every `call` of the account `call_api_id` this mask (caller number) until cleared with
    /// `None`, so that a test knows the code without reading it back. The mask is 8 to 15 digits,
    /// at least `codelen` of them. Fails with `NotFound` for an unknown account, `InvalidInput`
    /// for an unusable mask.
    pub fn set_fixed_mask(&self, call_api_id: &str, mask: Option<&str>) -> io::Result<()> {
        if let Some(mask) = mask {
            crate::state::check_mask(mask, self.shared.settings.codelen)
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
        change: impl FnOnce(&mut crate::state::Account),
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
        json!(crate::snapshot::take(&self.shared, &self.base_url))
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
