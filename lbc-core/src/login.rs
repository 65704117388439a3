//! The login flow a site runs: place the call, show the prompt, check the typed digits, wait, hang up.
//!
//! A [`Login`] holds no code: only the prompt (the mask without its last `codelen` digits) and an
//! HMAC of the code under the client's state key. Its saved state ([`Login::to_json`]) is sealed
//! with that key and read back only through the client ([`Client::resume_login`]); the attempts
//! and accept-once are counted in the client's store, shared by every process and server.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::answer::CallState;
use crate::{Client, Error};

/// How many wrong codes and how much time a login allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPolicy {
    /// Checks allowed per call, right or wrong (default 3; 1 to 100).
    pub max_attempts: u32,
    /// How long after the call started the code is accepted (default 5 minutes; 1 s to a day,
    /// whole seconds).
    pub ttl: Duration,
}

impl LoginPolicy {
    /// The most checks a policy may allow.
    pub const MAX_ATTEMPTS: u32 = 100;
    /// The longest a code may live: a day.
    pub const MAX_TTL: Duration = Duration::from_secs(86_400);

    /// Refuses a policy outside its ranges.
    pub(crate) fn check(self) -> Result<Self, Error> {
        if !(1..=Self::MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(Error::invalid_input(
                "max_attempts",
                format!("must be 1 to {}", Self::MAX_ATTEMPTS),
            ));
        }
        if self.ttl < Duration::from_secs(1) || self.ttl > Self::MAX_TTL {
            return Err(Error::invalid_input(
                "ttl",
                format!("must be 1 to {} seconds", Self::MAX_TTL.as_secs()),
            ));
        }
        Ok(self)
    }
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            max_attempts: 3,
            ttl: Duration::from_secs(300),
        }
    }
}

/// The verdict on digits the user typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Verdict {
    /// The right digits: log the user in (and hang up the call).
    Accepted,
    /// Wrong digits (or not exactly `codelen` digits); the user may try again.
    Rejected {
        /// Checks left before the login locks.
        attempts_left: u32,
    },
    /// No attempts left (or the code was already accepted once): start a new call.
    Locked,
    /// The code is too old: start a new call.
    Expired,
}

impl Verdict {
    /// Whether the user may be logged in.
    pub fn is_accepted(self) -> bool {
        self == Verdict::Accepted
    }

    /// Whether no attempt is left (or the code was used already).
    pub fn is_locked(self) -> bool {
        self == Verdict::Locked
    }

    /// Whether the code is too old.
    pub fn is_expired(self) -> bool {
        self == Verdict::Expired
    }

    /// Checks left: non-zero only for [`Verdict::Rejected`].
    pub fn attempts_left(self) -> u32 {
        match self {
            Verdict::Rejected { attempts_left } => attempts_left,
            _ => 0,
        }
    }

    /// The verdict's name: `accepted`, `rejected`, `locked` or `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected { .. } => "rejected",
            Verdict::Locked => "locked",
            Verdict::Expired => "expired",
        }
    }
}

/// The label the state key is derived under: HMAC-SHA256(secret, this).
const STATE_KEY_LABEL: &[u8] = b"loginbycall login state v1";
/// The sealed state's format version.
const STATE_VERSION: u32 = 1;
/// How far in the future a state's `started_at` may be (clock skew between servers).
const MAX_CLOCK_SKEW: u64 = 60;
/// How much longer than the policy's ttl a login's counters live in the store.
const COUNTER_MARGIN: Duration = Duration::from_secs(120);
/// The longest sealed state read back.
const MAX_STATE_LEN: usize = 8192;

type HmacSha256 = Hmac<Sha256>;

/// The keys that seal login states: the current one (seals and opens) and older ones (open only),
/// each derived from its secret as HMAC-SHA256(secret, "loginbycall login state v1").
#[derive(Clone)]
pub(crate) struct StateKeys {
    current: Zeroizing<[u8; 32]>,
    older: Vec<Zeroizing<[u8; 32]>>,
    /// Set with [`ClientBuilder::state_key`](crate::ClientBuilder::state_key), not derived from the
    /// api key (so it survives a change of credentials).
    pub(crate) explicit: bool,
}

impl fmt::Debug for StateKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateKeys(<redacted>)")
    }
}

impl StateKeys {
    pub(crate) fn derive(secret: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut mac = HmacSha256::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(STATE_KEY_LABEL);
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    pub(crate) fn new(current: &[u8], older: &[Zeroizing<Vec<u8>>], explicit: bool) -> Self {
        StateKeys {
            current: StateKeys::derive(current),
            older: older.iter().map(|k| StateKeys::derive(k)).collect(),
            explicit,
        }
    }

    fn mac(key: &[u8; 32], parts: &[&[u8]]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        for part in parts {
            mac.update(part);
        }
        mac
    }

    fn code_mac(key: &[u8; 32], call: &str, code: &[u8]) -> HmacSha256 {
        StateKeys::mac(key, &[call.as_bytes(), &[0], code])
    }
}

/// What a login remembers: its sealed state, field by field, in this order. Neither the code nor
/// the mask: only the prompt and an HMAC of the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    v: u32,
    call: String,
    msisdn: String,
    ip_address: Option<String>,
    prompt: String,
    codelen: u32,
    repeat_timeout: u64,
    started_at: u64,
    code_mac: String,
}

impl State {
    /// The canonical text: the fields' compact JSON with `"seal"` last.
    fn seal(&self, keys: &StateKeys) -> String {
        let body = serde_json::to_string(self)
            .unwrap_or_else(|_| unreachable!("plain data always serialises"));
        let seal = StateKeys::mac(&keys.current, &[body.as_bytes()])
            .finalize()
            .into_bytes();
        let mut text = body;
        text.pop(); // the closing brace
        text.push_str(",\"seal\":\"");
        text.push_str(&B64.encode(seal));
        text.push_str("\"}");
        text
    }

    /// Refuses a state no login of this SDK can be in (on top of the seal).
    fn validate(&self, now: u64) -> Result<(), String> {
        if self.v != STATE_VERSION {
            return Err(format!("unknown state version {}", self.v));
        }
        if self.call.is_empty() || self.call.chars().any(char::is_control) {
            return Err("call must be a non-empty id".into());
        }
        if self.msisdn.is_empty() || !self.msisdn.bytes().all(|b| b.is_ascii_digit()) {
            return Err("msisdn must be digits".into());
        }
        if !self.prompt.bytes().all(|b| b.is_ascii_digit()) {
            return Err("prompt must be digits".into());
        }
        if !(1..=32).contains(&self.codelen) {
            return Err("codelen must be 1 to 32".into());
        }
        if self.started_at > now.saturating_add(MAX_CLOCK_SKEW) {
            return Err("started_at is in the future".into());
        }
        match B64.decode(&self.code_mac) {
            Ok(mac) if mac.len() == 32 => Ok(()),
            _ => Err("code_mac is not an HMAC-SHA256".into()),
        }
    }
}

/// One login in progress: the call placed for it, checked against the attempts counted in the
/// client's store.
///
/// It holds neither the code nor the mask: only the prompt and an HMAC of the code under the
/// client's state key, so a saved state ([`Login::to_json`]) tells nothing that helps guess the
/// code, and is sealed so that it cannot be changed. Attempts and accept-once live in the store
/// ([`ClientBuilder::store`](crate::ClientBuilder::store)), so that every process and server
/// sharing it agrees on them, however many check at once, and a state saved earlier resets
/// nothing. The policy (attempts, lifetime) is the client's; expiry is judged by the client's
/// clock.
#[derive(Clone)]
pub struct Login {
    state: State,
    sealed: String,
    client: Client,
    attempts: Arc<AtomicU32>,
    accepted: Arc<AtomicBool>,
}

impl fmt::Debug for Login {
    /// Shows what the state holds (no code is in it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("call", &self.state.call)
            .field("msisdn", &self.state.msisdn)
            .field("prompt", &self.state.prompt)
            .field("codelen", &self.state.codelen)
            .field("started_at", &self.state.started_at)
            .field("attempts", &self.attempts())
            .field("accepted", &self.is_accepted())
            .finish_non_exhaustive()
    }
}

fn keys_of(client: &Client) -> Result<Arc<StateKeys>, Error> {
    client.inner.state_keys.clone().ok_or_else(|| {
        Error::invalid_input(
            "state_key",
            "a login needs a key to seal its state: configure the api_key (or a state_key)",
        )
    })
}

impl Client {
    /// Places the call for a login: `msisdn` as the user typed it, `ip_address` of the user (used by
    /// the service for its repeat timeout; recommended).
    ///
    /// Needs a key to seal the login's state (the api key, or
    /// [`ClientBuilder::state_key`](crate::ClientBuilder::state_key)): without one it fails with
    /// [`Error::InvalidInput`] on `state_key` before any call is placed.
    pub fn start_login(&self, msisdn: &str, ip_address: Option<&str>) -> Result<Login, Error> {
        let keys = keys_of(self)?;
        let msisdn = self.normalize_phone(msisdn)?;
        let started = self.call(&msisdn, ip_address)?;
        let codelen = started.codelen as usize;
        let (prompt, code) = started.mask.split_at(started.mask.len() - codelen);
        let code_mac = StateKeys::code_mac(&keys.current, &started.call, code.as_bytes())
            .finalize()
            .into_bytes();
        let state = State {
            v: STATE_VERSION,
            call: started.call.clone(),
            msisdn,
            ip_address: ip_address.map(|ip| ip.trim().to_owned()),
            prompt: prompt.to_owned(),
            codelen: started.codelen,
            repeat_timeout: started.repeat_timeout,
            started_at: self.clock().unix_now(),
            code_mac: B64.encode(code_mac),
        };
        let sealed = state.seal(&keys);
        Ok(Login {
            state,
            sealed,
            client: self.clone(),
            attempts: Arc::default(),
            accepted: Arc::default(),
        })
    }

    /// A login back from its sealed state ([`Login::to_json`]), made by this client or one with
    /// the same state key (or an older key still accepted).
    ///
    /// Refused with [`Error::InvalidInput`] on `login_state`: anything that is not byte for byte
    /// a state this SDK wrote (any edit anywhere), a seal that no key of this client makes, an
    /// unknown version, a `started_at` more than a minute in the future. A state past its lifetime
    /// is resumed (its checks answer [`Verdict::Expired`]). The attempts made so far and whether
    /// the code was accepted are read from the store; the policy is this client's.
    pub fn resume_login(&self, state: &str) -> Result<Login, Error> {
        let keys = keys_of(self)?;
        let invalid = |why: &str| Error::invalid_input("login_state", why.to_owned());
        if state.len() > MAX_STATE_LEN {
            return Err(invalid("too long to be a saved login"));
        }
        let not_a_login = || invalid("not a saved login (not the JSON Login::to_json gives)");
        let mut read: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(state).map_err(|_| not_a_login())?;
        let Some(serde_json::Value::String(seal)) = read.remove("seal") else {
            return Err(invalid("not a saved login (no seal)"));
        };
        let parsed: State =
            serde_json::from_value(serde_json::Value::Object(read)).map_err(|_| not_a_login())?;
        let body = serde_json::to_string(&parsed)
            .unwrap_or_else(|_| unreachable!("plain data always serialises"));
        let seal_bytes = B64
            .decode(&seal)
            .map_err(|_| invalid("the seal is not base64url"))?;
        let opened = std::iter::once(&keys.current)
            .chain(&keys.older)
            .any(|key| {
                StateKeys::mac(key, &[body.as_bytes()])
                    .verify_slice(&seal_bytes)
                    .is_ok()
            });
        if !opened {
            return Err(invalid(
                "the seal does not match: the state was changed, or sealed with another key",
            ));
        }
        // Byte for byte what this SDK writes: no other spelling of the same fields is taken.
        let canonical_tail = format!(",\"seal\":\"{}\"}}", B64.encode(&seal_bytes));
        if state.len() != body.len() - 1 + canonical_tail.len()
            || !state.starts_with(&body[..body.len() - 1])
            || !state.ends_with(&canonical_tail)
        {
            return Err(invalid("not the exact text Login::to_json gave"));
        }
        parsed
            .validate(self.clock().unix_now())
            .map_err(|why| invalid(&why))?;
        let login = Login {
            sealed: parsed.seal(&keys),
            state: parsed,
            client: self.clone(),
            attempts: Arc::default(),
            accepted: Arc::default(),
        };
        let store = &self.inner.store;
        let attempts = store.store.get(&login.attempts_key())?.unwrap_or(0);
        let max = self.login_policy().max_attempts;
        login.attempts.store(
            u32::try_from(attempts).unwrap_or(max).min(max),
            Ordering::Relaxed,
        );
        let accepted = store.store.get(&login.accepted_key())?.is_some();
        login.accepted.store(accepted, Ordering::Relaxed);
        Ok(login)
    }

    /// Where the guard learns that a login's code was accepted (the brake's denominator): called
    /// once per accepted code, by [`Login::check`], after the store recorded it.
    pub(crate) fn code_accepted(&self, login: &Login) {
        self.inner.guard.record_accepted(&login.state.msisdn);
    }
}

impl Login {
    fn attempts_key(&self) -> String {
        self.client.inner.store.key("attempts", &self.state.call)
    }

    fn accepted_key(&self) -> String {
        self.client.inner.store.key("accepted", &self.state.call)
    }

    /// The call's id (for `call-status` and `call-hangup`).
    pub fn call(&self) -> &str {
        &self.state.call
    }

    /// The number called, as E.164 digits.
    pub fn msisdn(&self) -> &str {
        &self.state.msisdn
    }

    /// The user's IP address, if the site gave it.
    pub fn ip_address(&self) -> Option<&str> {
        self.state.ip_address.as_deref()
    }

    /// How many digits the user types.
    pub fn codelen(&self) -> u32 {
        self.state.codelen
    }

    /// Seconds before the same number may be called again.
    pub fn repeat_timeout(&self) -> u64 {
        self.state.repeat_timeout
    }

    /// When the call was placed, as UNIX seconds of the client's clock.
    pub fn started_at(&self) -> u64 {
        self.state.started_at
    }

    /// When the code stops being accepted, as UNIX seconds of the client's clock.
    pub fn expires_at(&self) -> u64 {
        self.state
            .started_at
            .saturating_add(self.policy().ttl.as_secs())
    }

    /// Checks made on this call so far, as this object last saw them in the store (when it was
    /// made or resumed, and at each [`Login::check`]); other processes may have made more since.
    pub fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Checks left before the login locks (0 once the code was accepted), as last seen.
    pub fn attempts_left(&self) -> u32 {
        if self.is_accepted() {
            return 0;
        }
        self.max_attempts().saturating_sub(self.attempts())
    }

    /// Checks allowed per call: the client's policy.
    pub fn max_attempts(&self) -> u32 {
        self.policy().max_attempts
    }

    /// Whether the code was accepted (it is accepted only once), as last seen.
    pub fn is_accepted(&self) -> bool {
        self.accepted.load(Ordering::Relaxed)
    }

    /// The attempts and lifetime allowed: the client's policy, never the state's.
    pub fn policy(&self) -> LoginPolicy {
        self.client.login_policy()
    }

    /// What may be shown while waiting: `mask` without its last `codelen` digits, e.g. `7925688` for
    /// `79256880636` (show it as `+7925688[____]`).
    pub fn prompt(&self) -> &str {
        &self.state.prompt
    }

    /// Checks the digits the user typed, now (by the client's clock).
    ///
    /// Surrounding whitespace is trimmed (a space, a tab, the newline `fgets` keeps); what is left
    /// must be exactly `codelen` ASCII digits, compared in constant time: `"636"` is not `"0636"`.
    /// Every check of a live login counts as an attempt in the store, well-formed or not, so that
    /// at most `max_attempts` checks are judged per call across every process and server sharing
    /// the store; a check after expiry costs none. The right code is accepted once only: a second
    /// check of it, here or anywhere, is [`Verdict::Locked`].
    ///
    /// Fails only when the store does ([`Error::Store`]): then nothing was judged.
    pub fn check(&self, digits: &str) -> Result<Verdict, Error> {
        let now = self.client.clock().unix_now();
        self.check_at(digits, now)
    }

    fn check_at(&self, digits: &str, now: u64) -> Result<Verdict, Error> {
        let policy = self.policy();
        if now.saturating_sub(self.state.started_at) > policy.ttl.as_secs() {
            return Ok(Verdict::Expired);
        }
        if self.is_accepted() {
            return Ok(Verdict::Locked);
        }
        let store = &self.client.inner.store.store;
        let lifetime = policy.ttl + COUNTER_MARGIN;
        let n = store.incr(&self.attempts_key(), 1, lifetime)?;
        let max = policy.max_attempts;
        let seen = u32::try_from(n).unwrap_or(u32::MAX).min(max);
        self.attempts.fetch_max(seen, Ordering::Relaxed);
        if n > u64::from(max) {
            return Ok(Verdict::Locked);
        }
        let keys = keys_of(&self.client)?;
        let codelen = self.state.codelen as usize;
        let typed = digits.trim().as_bytes();
        let well_formed = typed.len() == codelen && typed.iter().all(u8::is_ascii_digit);
        let expected = B64.decode(&self.state.code_mac).unwrap_or_default();
        // `codelen >= 1` holds for every state (checked when made or read back), so an empty code
        // never matches. The HMAC comparison is constant-time.
        // Under any key of the client: a state sealed with an older key holds an HMAC made with
        // it (the code_mac is under the seal, so no one without a key can choose it).
        let right = well_formed
            && expected.len() == 32
            && std::iter::once(&keys.current)
                .chain(&keys.older)
                .fold(false, |found, key| {
                    let ok = StateKeys::code_mac(key, &self.state.call, typed)
                        .verify_slice(&expected)
                        .is_ok();
                    found | ok
                });
        if right {
            if store.add(&self.accepted_key(), lifetime)? {
                self.accepted.store(true, Ordering::Relaxed);
                self.client.code_accepted(self);
                return Ok(Verdict::Accepted);
            }
            self.accepted.store(true, Ordering::Relaxed);
            return Ok(Verdict::Locked);
        }
        match max - seen {
            0 => Ok(Verdict::Locked),
            attempts_left => Ok(Verdict::Rejected { attempts_left }),
        }
    }

    /// Polls `call-status` (backing off from 0.5 s to 3 s) until the status is final or `timeout`
    /// passes, and returns the last status seen, which is not final if the time ran out.
    ///
    /// Returns by `timeout`: each poll gets only the time left. It fails only when no status at all
    /// could be read in time (or the service refused the request).
    pub fn wait_final(&self, client: &Client, timeout: Duration) -> Result<CallState, Error> {
        let deadline = Instant::now() + timeout;
        let mut pause = Duration::from_millis(500);
        let mut last = None;
        loop {
            let state = match client.call_status_by(&self.state.call, deadline) {
                Ok(state) => state,
                Err(error @ Error::Timeout { .. }) => return last.ok_or(error),
                Err(error) => return Err(error),
            };
            let now = Instant::now();
            if state.is_final() || now >= deadline {
                return Ok(state);
            }
            crate::cancel::sleep(pause.min(deadline - now))?;
            pause = (pause * 3 / 2).min(Duration::from_secs(3));
            last = Some(state);
        }
    }

    /// Ends the call if it is still ringing (`call-hangup`), e.g. once the digits were accepted.
    ///
    /// A call that already ended is fine: the service answers `CALL_NOT_FOUND` for a call that is
    /// not ringing any more (it hangs up only "an active call with the status 2"), and since this
    /// login's call id came from the service, that answer means there is nothing left to end.
    pub fn hangup(&self, client: &Client) -> Result<(), Error> {
        match client.call_hangup(&self.state.call) {
            Err(error) if error.code() == Some(&crate::protocol::ErrorCode::CallNotFound) => Ok(()),
            other => other,
        }
    }

    /// The sealed state, for the site's session: compact JSON holding the call, the number, the
    /// prompt, the times and an HMAC of the code (neither the code nor the mask), sealed with the
    /// client's state key. Read it back with [`Client::resume_login`]; any change to it is refused.
    pub fn to_json(&self) -> String {
        self.sealed.clone()
    }

    /// Gone: a state read back needs the client that sealed it.
    #[deprecated(
        since = "0.2.0",
        note = "use Client::resume_login: a saved login is opened and checked through its client"
    )]
    pub fn from_json(json: &str) -> Result<Login, Error> {
        let _ = json;
        Err(Error::invalid_input(
            "login_state",
            "Login::from_json is gone: use Client::resume_login(state)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::Clock;

    struct Fixed(u64);
    impl Clock for Fixed {
        fn unix_now(&self) -> u64 {
            self.0
        }
    }

    fn client_at(now: u64) -> Client {
        Client::builder()
            .call_api_id("id")
            .api_key("key-for-tests")
            .store("memory:")
            .clock(Arc::new(Fixed(now)))
            .build()
            .unwrap()
    }

    /// A login as `start_login` makes it, without placing a call.
    fn login_with(client: &Client, mask: &str, codelen: u32, started_at: u64) -> Login {
        let keys = keys_of(client).unwrap();
        let (prompt, code) = mask.split_at(mask.len() - codelen as usize);
        let state = State {
            v: STATE_VERSION,
            call: "c1".into(),
            msisdn: "79000000000".into(),
            ip_address: None,
            prompt: prompt.into(),
            codelen,
            repeat_timeout: 30,
            started_at,
            code_mac: B64.encode(
                StateKeys::code_mac(&keys.current, "c1", code.as_bytes())
                    .finalize()
                    .into_bytes(),
            ),
        };
        Login {
            sealed: state.seal(&keys),
            state,
            client: client.clone(),
            attempts: Arc::default(),
            accepted: Arc::default(),
        }
    }

    fn login() -> Login {
        login_with(&client_at(1_001), "79256880636", 4, 1_000)
    }

    #[test]
    fn prompt_hides_the_code() {
        let l = login();
        assert_eq!(l.prompt(), "7925688");
        assert!(!format!("{l:?}").contains("0636"));
        assert!(!l.to_json().contains("0636"), "{}", l.to_json());
    }

    #[test]
    fn exact_digits_only_after_trimming_whitespace() {
        let l = login();
        assert_eq!(
            l.check("636").unwrap(),
            Verdict::Rejected { attempts_left: 2 }
        );
        assert_eq!(
            l.check("06a6").unwrap(),
            Verdict::Rejected { attempts_left: 1 }
        );
        assert_eq!(l.check(" 0636\n").unwrap(), Verdict::Accepted);
        assert!(l.is_accepted());
        assert_eq!(l.check("0636").unwrap(), Verdict::Locked, "accepted once");
        let tabs = login();
        assert_eq!(tabs.check("\t0636\r\n").unwrap(), Verdict::Accepted);
        let inner = login();
        assert!(!inner.check("06 36").unwrap().is_accepted());
    }

    #[test]
    fn three_strikes_lock() {
        let l = login();
        for left in [2, 1] {
            assert_eq!(
                l.check("1111").unwrap(),
                Verdict::Rejected {
                    attempts_left: left
                }
            );
        }
        assert_eq!(l.check("1111").unwrap(), Verdict::Locked);
        assert_eq!(l.check("0636").unwrap(), Verdict::Locked);
        assert_eq!(l.attempts_left(), 0);
        assert_eq!(l.attempts(), 3);
    }

    #[test]
    fn codes_expire() {
        let l = login();
        assert_eq!(l.check_at("0636", 1_000 + 301).unwrap(), Verdict::Expired);
        assert_eq!(l.attempts(), 0, "an expired check costs no attempt");
        assert_eq!(l.expires_at(), 1_300);
        assert_eq!(l.check_at("0636", 1_000 + 300).unwrap(), Verdict::Accepted);
    }

    #[test]
    fn an_empty_code_is_never_accepted() {
        for digits in ["", " ", "\n"] {
            let l = login();
            assert!(!l.check(digits).unwrap().is_accepted(), "{digits:?}");
        }
    }

    #[test]
    fn state_resumes_with_the_store_s_counts() {
        let client = client_at(1_001);
        let l = login_with(&client, "79256880636", 4, 1_000);
        l.check("1234").unwrap();
        let back = client.resume_login(&l.to_json()).unwrap();
        assert_eq!(back.to_json(), l.to_json());
        assert_eq!(back.attempts(), 1);
        assert_eq!(back.check("0636").unwrap(), Verdict::Accepted);
        let again = client.resume_login(&l.to_json()).unwrap();
        assert!(again.is_accepted());
        assert_eq!(again.check("0636").unwrap(), Verdict::Locked);
    }

    #[test]
    fn the_seal_needs_the_key() {
        let l = login();
        let other = Client::builder()
            .api_key("another-key")
            .store("memory:")
            .build()
            .unwrap();
        let err = other.resume_login(&l.to_json()).unwrap_err();
        assert_eq!(err.field(), Some("login_state"), "{err}");
        let keyless = Client::builder().store("memory:").build().unwrap();
        assert_eq!(
            keyless.resume_login(&l.to_json()).unwrap_err().field(),
            Some("state_key")
        );
        #[allow(deprecated)]
        let gone = Login::from_json(&l.to_json()).unwrap_err();
        assert!(gone.to_string().contains("resume_login"), "{gone}");
    }

    #[test]
    fn started_at_in_the_future_is_refused() {
        let client = client_at(1_000);
        let ok = login_with(&client, "79256880636", 4, 1_060);
        assert!(client.resume_login(&ok.to_json()).is_ok());
        let future = login_with(&client, "79256880636", 4, 1_061);
        let err = client.resume_login(&future.to_json()).unwrap_err();
        assert!(err.to_string().contains("future"), "{err}");
    }
}
