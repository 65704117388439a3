//! The login flow a site runs: place the call, show the prompt, check the typed digits, wait, hang up.
//!
//! A [`Login`] serialises to JSON, so a web site can keep it in its session between the page that
//! starts the call and the one that checks the digits. **It holds the code**: keep it in server-side
//! session storage, never in a cookie the browser can read. Its state is private: only
//! [`Login::check`] changes it, and a state read back is validated as strictly as an answer.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::answer::{CallState, check_mask};
use crate::replay::{Clock, SystemClock};
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

/// What a login remembers; its JSON is the login's saved state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    call: String,
    msisdn: String,
    ip_address: Option<String>,
    mask: String,
    codelen: u32,
    repeat_timeout: u64,
    started_at: u64,
    attempts: u32,
    accepted: bool,
    policy: LoginPolicy,
}

impl State {
    /// Refuses a state no login of this SDK can be in, so that a tampered or truncated session can
    /// never make an empty code or unlock a login.
    fn validate(self) -> Result<State, Error> {
        let invalid = |why: String| Error::invalid_input("login_state", why);
        check_mask(&self.mask, i64::from(self.codelen))
            .map_err(|(field, why)| invalid(format!("{field} {why}")))?;
        if self.call.is_empty() || self.call.chars().any(char::is_control) {
            return Err(invalid("call must be a non-empty id".into()));
        }
        if self.msisdn.is_empty() || !self.msisdn.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("msisdn must be digits".into()));
        }
        self.policy
            .check()
            .map_err(|e| invalid(format!("policy: {e}")))?;
        if self.attempts > self.policy.max_attempts {
            return Err(invalid("more attempts than the policy allows".into()));
        }
        Ok(self)
    }
}

/// One login in progress: the call placed for it, and the checks made so far.
///
/// Expiry is judged by the clock that stamped the login: the client's (the system clock unless a
/// test gave it another). A login read back with [`Login::from_json`] is judged by the system
/// clock.
#[derive(Clone)]
pub struct Login {
    state: State,
    clock: Arc<dyn Clock>,
    /// The guard to tell of an accepted code (the client's; none for a login read back).
    guard: Option<Arc<crate::guard::Guard>>,
}

impl fmt::Debug for Login {
    /// Shows everything but the code: the mask's last `codelen` digits are hidden.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("call", &self.state.call)
            .field("msisdn", &self.state.msisdn)
            .field("prompt", &self.prompt())
            .field("codelen", &self.state.codelen)
            .field("started_at", &self.state.started_at)
            .field("attempts", &self.state.attempts)
            .field("accepted", &self.state.accepted)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Login {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl Eq for Login {}

impl Serialize for Login {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.state.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Login {
    /// Reads a saved login through the same checks as [`Login::from_json`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = State::deserialize(deserializer)?;
        Login::restore(state).map_err(serde::de::Error::custom)
    }
}

impl Client {
    /// Places the call for a login: `msisdn` as the user typed it, `ip_address` of the user (used by
    /// the service for its repeat timeout; recommended).
    pub fn start_login(&self, msisdn: &str, ip_address: Option<&str>) -> Result<Login, Error> {
        let msisdn = self.normalize_phone(msisdn)?;
        let started = self.call(&msisdn, ip_address)?;
        let clock = self.clock();
        Ok(Login {
            state: State {
                call: started.call,
                msisdn,
                ip_address: ip_address.map(|ip| ip.trim().to_owned()),
                mask: started.mask,
                codelen: started.codelen,
                repeat_timeout: started.repeat_timeout,
                started_at: clock.unix_now(),
                attempts: 0,
                accepted: false,
                policy: self.login_policy(),
            },
            clock,
            guard: Some(self.inner.guard.clone()),
        })
    }
}

impl Login {
    fn restore(state: State) -> Result<Login, Error> {
        Ok(Login {
            state: state.validate()?,
            clock: Arc::new(SystemClock),
            guard: None,
        })
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

    /// When the call was placed, as UNIX seconds of the login's clock.
    pub fn started_at(&self) -> u64 {
        self.state.started_at
    }

    /// When the code stops being accepted, as UNIX seconds of the login's clock.
    pub fn expires_at(&self) -> u64 {
        self.state
            .started_at
            .saturating_add(self.state.policy.ttl.as_secs())
    }

    /// Checks made so far.
    pub fn attempts(&self) -> u32 {
        self.state.attempts
    }

    /// Checks left before the login locks (0 once the code was accepted).
    pub fn attempts_left(&self) -> u32 {
        if self.state.accepted {
            return 0;
        }
        self.state
            .policy
            .max_attempts
            .saturating_sub(self.state.attempts)
    }

    /// Whether the code was accepted (it is accepted only once).
    pub fn is_accepted(&self) -> bool {
        self.state.accepted
    }

    /// The attempts and lifetime allowed.
    pub fn policy(&self) -> LoginPolicy {
        self.state.policy
    }

    /// What may be shown while waiting: `mask` without its last `codelen` digits, e.g. `7925688` for
    /// `79256880636` (show it as `+7925688[____]`).
    pub fn prompt(&self) -> &str {
        let keep = self.state.mask.len() - self.state.codelen as usize;
        &self.state.mask[..keep]
    }

    /// Checks the digits the user typed, now (by the login's clock).
    ///
    /// Surrounding whitespace is trimmed (a space, a tab, the newline `fgets` keeps); what is left
    /// must be exactly `codelen` ASCII digits, compared in constant time: `"636"` is not `"0636"`.
    /// Every check of a live login counts as an attempt, well-formed or not; a check after expiry
    /// costs none.
    pub fn check(&mut self, digits: &str) -> Verdict {
        let now = self.clock.unix_now();
        self.check_at(digits, now)
    }

    /// [`Login::check`] at `now` (UNIX seconds).
    pub fn check_at(&mut self, digits: &str, now: u64) -> Verdict {
        let state = &mut self.state;
        if state.accepted || state.attempts >= state.policy.max_attempts {
            return Verdict::Locked;
        }
        if now.saturating_sub(state.started_at) > state.policy.ttl.as_secs() {
            return Verdict::Expired;
        }
        state.attempts += 1;
        let codelen = state.codelen as usize;
        let code = state.mask.as_bytes()[state.mask.len() - codelen..].to_vec();
        let typed = digits.trim().as_bytes();
        // `codelen >= 1` and a digits-only mask hold for every state (checked when made or read
        // back); checking them again here costs nothing and keeps an empty code from ever matching.
        let well_formed = codelen >= 1
            && code.len() == codelen
            && typed.len() == codelen
            && typed.iter().all(u8::is_ascii_digit);
        if well_formed && bool::from(typed.ct_eq(&code)) {
            state.accepted = true;
            crate::guard::record_accepted(self.guard.as_deref(), &state.msisdn);
            return Verdict::Accepted;
        }
        match state.policy.max_attempts - state.attempts {
            0 => Verdict::Locked,
            attempts_left => Verdict::Rejected { attempts_left },
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
            std::thread::sleep(pause.min(deadline - now));
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

    /// The state as JSON, for a server-side session. It holds the code.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.state)
            .unwrap_or_else(|_| unreachable!("plain data always serialises"))
    }

    /// The state back from [`Login::to_json`]; anything else, or a state no login can be in (a
    /// mask that is not digits, a `codelen` that does not fit it, more attempts than allowed), is an
    /// [`Error::InvalidInput`] on `login_state`.
    pub fn from_json(json: &str) -> Result<Login, Error> {
        let state: State = serde_json::from_str(json)
            .map_err(|e| Error::invalid_input("login_state", format!("not a saved login: {e}")))?;
        Login::restore(state)
    }

    #[cfg(test)]
    fn for_test(mask: &str, codelen: u32, started_at: u64) -> Login {
        Login {
            state: State {
                call: "c1".into(),
                msisdn: "79000000000".into(),
                ip_address: None,
                mask: mask.into(),
                codelen,
                repeat_timeout: 30,
                started_at,
                attempts: 0,
                accepted: false,
                policy: LoginPolicy::default(),
            },
            clock: Arc::new(SystemClock),
            guard: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Login {
        Login::for_test("79256880636", 4, 1_000)
    }

    #[test]
    fn prompt_hides_the_code() {
        assert_eq!(login().prompt(), "7925688");
        assert!(!format!("{:?}", login()).contains("0636"));
    }

    #[test]
    fn exact_digits_only_after_trimming_whitespace() {
        let mut l = login();
        assert_eq!(
            l.check_at("636", 1_001),
            Verdict::Rejected { attempts_left: 2 }
        );
        assert_eq!(
            l.check_at("06a6", 1_001),
            Verdict::Rejected { attempts_left: 1 }
        );
        assert_eq!(l.check_at(" 0636\n", 1_001), Verdict::Accepted);
        assert_eq!(
            l.check_at("0636", 1_001),
            Verdict::Locked,
            "accepted only once"
        );
        let mut tabs = login();
        assert_eq!(tabs.check_at("\t0636\r\n", 1_001), Verdict::Accepted);
        let mut inner = login();
        assert!(!inner.check_at("06 36", 1_001).is_accepted());
    }

    #[test]
    fn three_strikes_lock() {
        let mut l = login();
        for left in [2, 1] {
            assert_eq!(
                l.check_at("1111", 1_001),
                Verdict::Rejected {
                    attempts_left: left
                }
            );
        }
        assert_eq!(l.check_at("1111", 1_001), Verdict::Locked);
        assert_eq!(l.check_at("0636", 1_001), Verdict::Locked);
        assert_eq!(l.attempts_left(), 0);
    }

    #[test]
    fn codes_expire() {
        let mut l = login();
        assert_eq!(l.check_at("0636", 1_000 + 301), Verdict::Expired);
        assert_eq!(l.attempts(), 0, "an expired check costs no attempt");
        assert_eq!(l.expires_at(), 1_300);
        assert_eq!(l.check_at("0636", 1_000 + 300), Verdict::Accepted);
    }

    #[test]
    fn an_empty_code_is_never_accepted() {
        for digits in ["", " ", "\n"] {
            let mut l = login();
            assert!(!l.check_at(digits, 1_001).is_accepted(), "{digits:?}");
        }
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut l = login();
        l.check_at("1234", 1_001);
        let back = Login::from_json(&l.to_json()).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.attempts(), 1);
        let via_serde: Login = serde_json::from_str(&l.to_json()).unwrap();
        assert_eq!(via_serde, l);
    }

    #[test]
    fn tampered_states_are_refused() {
        let saved: serde_json::Value = serde_json::from_str(&login().to_json()).unwrap();
        let tamper = |field: &str, value: serde_json::Value| {
            let mut state = saved.clone();
            state[field] = value;
            state.to_string()
        };
        for bad in [
            tamper("mask", "12€".into()),
            tamper("mask", "7925688abcd".into()),
            tamper("mask", "".into()),
            tamper("codelen", 0.into()),
            tamper("codelen", 40.into()),
            tamper("attempts", 99.into()),
            tamper("call", "".into()),
            tamper(
                "policy",
                serde_json::json!({"max_attempts": 0, "ttl": {"secs": 300, "nanos": 0}}),
            ),
            "{}".into(),
            "[]".into(),
        ] {
            let err = Login::from_json(&bad).unwrap_err();
            assert_eq!(err.field(), Some("login_state"), "{bad}");
            assert!(serde_json::from_str::<Login>(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expiry_is_judged_by_the_clock_that_stamped_the_login() {
        struct Fixed(u64);
        impl Clock for Fixed {
            fn unix_now(&self) -> u64 {
                self.0
            }
        }
        // Stamped by a clock far in the past: by the system clock this login would have expired
        // decades ago; by its own clock it is a second old.
        let mut l = Login::for_test("79256880636", 4, 1_000);
        l.clock = Arc::new(Fixed(1_001));
        assert_eq!(l.check("0636"), Verdict::Accepted);
    }
}
