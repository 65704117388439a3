//! The login flow a site runs: place the call, show the prompt, check the typed digits, wait, hang up.
//!
//! A [`LoginCall`] is plain data that serialises to JSON, so a web site can keep it in its session
//! between the page that starts the call and the one that checks the digits. **It holds the code**:
//! keep it in server-side session storage, never in a cookie the browser can read.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::answer::CallState;
use crate::sign::{Clock, SystemClock};
use crate::{Client, Error};

/// How many wrong codes and how much time a login allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPolicy {
    /// Checks allowed per call, right or wrong (default 3).
    pub max_attempts: u32,
    /// Seconds after the call started during which the code is accepted (default 300).
    pub ttl_secs: u64,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            max_attempts: 3,
            ttl_secs: 300,
        }
    }
}

/// The verdict on digits the user typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// One login in progress: the call placed for it, and the checks made so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginCall {
    /// The call's id.
    pub call: String,
    /// The number called (E.164 digits).
    pub msisdn: String,
    /// The user's IP address, if the site gave it.
    pub ip_address: Option<String>,
    /// The number the call comes from; its last `codelen` digits are the code.
    pub mask: String,
    /// How many digits the user types.
    pub codelen: u32,
    /// Seconds before the same number may be called again.
    pub repeat_timeout: u64,
    /// When the call was placed (UNIX seconds).
    pub started_at: u64,
    /// Checks made so far.
    pub attempts: u32,
    /// Whether the code was accepted (it is accepted only once).
    pub accepted: bool,
    /// The attempts and lifetime allowed.
    pub policy: LoginPolicy,
}

impl Client {
    /// Places the call for a login: `msisdn` as the user typed it, `ip_address` of the user (used by
    /// the service for its repeat timeout; recommended).
    pub fn start_login(&self, msisdn: &str, ip_address: Option<&str>) -> Result<LoginCall, Error> {
        let msisdn = crate::phone::normalize(msisdn)?;
        let started = self.call(&msisdn, ip_address)?;
        Ok(LoginCall {
            call: started.call,
            msisdn,
            ip_address: ip_address.map(|ip| ip.trim().to_owned()),
            mask: started.mask,
            codelen: started.codelen,
            repeat_timeout: started.repeat_timeout,
            started_at: self.clock().unix_now(),
            attempts: 0,
            accepted: false,
            policy: self.login_policy(),
        })
    }
}

impl LoginCall {
    /// What may be shown while waiting: `mask` without its last `codelen` digits, e.g. `7925688` for
    /// `79256880636` (show it as `+7925688[____]`).
    pub fn prompt(&self) -> &str {
        let keep = self.mask.len().saturating_sub(self.codelen as usize);
        self.mask.get(..keep).unwrap_or_default()
    }

    /// Checks the digits the user typed, now.
    pub fn check(&mut self, digits: &str) -> Verdict {
        self.check_at(digits, SystemClock.unix_now())
    }

    /// Checks the digits the user typed at `now` (UNIX seconds).
    ///
    /// Exactly `codelen` ASCII digits, compared in constant time: `"636"` or `" 0636"` is not `"0636"`.
    /// Every check counts as an attempt, well-formed or not.
    pub fn check_at(&mut self, digits: &str, now: u64) -> Verdict {
        if self.accepted || self.attempts >= self.policy.max_attempts {
            return Verdict::Locked;
        }
        if now.saturating_sub(self.started_at) > self.policy.ttl_secs {
            return Verdict::Expired;
        }
        self.attempts += 1;
        let code = self.code().as_bytes();
        let well_formed = digits.len() == code.len() && digits.bytes().all(|b| b.is_ascii_digit());
        if well_formed && bool::from(digits.as_bytes().ct_eq(code)) {
            self.accepted = true;
            return Verdict::Accepted;
        }
        match self.policy.max_attempts - self.attempts {
            0 => Verdict::Locked,
            attempts_left => Verdict::Rejected { attempts_left },
        }
    }

    fn code(&self) -> &str {
        let start = self.mask.len().saturating_sub(self.codelen as usize);
        self.mask.get(start..).unwrap_or_default()
    }

    /// Polls `call-status` (backing off from 0.5 s to 3 s) until the status is final or `timeout`
    /// passes; returns the last status seen, which is not final if the time ran out.
    pub fn wait_final(&self, client: &Client, timeout: Duration) -> Result<CallState, Error> {
        let deadline = Instant::now() + timeout;
        let mut pause = Duration::from_millis(500);
        loop {
            let state = client.call_status(&self.call)?;
            let now = Instant::now();
            if state.is_final() || now >= deadline {
                return Ok(state);
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 3 / 2).min(Duration::from_secs(3));
        }
    }

    /// Ends the call if it is still ringing (`call-hangup`), e.g. once the digits were accepted.
    pub fn hangup(&self, client: &Client) -> Result<(), Error> {
        client.call_hangup(&self.call)
    }

    /// The state as JSON, for a web session.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("plain data always serialises"))
    }

    /// The state back from [`LoginCall::to_json`]; anything else is an [`Error::InvalidInput`].
    pub fn from_json(json: &str) -> Result<LoginCall, Error> {
        let call: LoginCall = serde_json::from_str(json)
            .map_err(|e| Error::invalid_input("login_state", format!("not a saved login: {e}")))?;
        if call.codelen == 0 || call.codelen as usize > call.mask.len() || !call.mask.is_ascii() {
            return Err(Error::invalid_input(
                "login_state",
                "codelen does not fit the mask",
            ));
        }
        Ok(call)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> LoginCall {
        LoginCall {
            call: "c1".into(),
            msisdn: "79000000000".into(),
            ip_address: None,
            mask: "79256880636".into(),
            codelen: 4,
            repeat_timeout: 30,
            started_at: 1_000,
            attempts: 0,
            accepted: false,
            policy: LoginPolicy::default(),
        }
    }

    #[test]
    fn prompt_hides_the_code() {
        assert_eq!(login().prompt(), "7925688");
    }

    #[test]
    fn exact_digits_only() {
        let mut l = login();
        assert_eq!(
            l.check_at("636", 1_001),
            Verdict::Rejected { attempts_left: 2 }
        );
        assert_eq!(
            l.check_at(" 0636", 1_001),
            Verdict::Rejected { attempts_left: 1 }
        );
        assert_eq!(l.check_at("0636", 1_001), Verdict::Accepted);
        assert_eq!(
            l.check_at("0636", 1_001),
            Verdict::Locked,
            "accepted only once"
        );
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
    }

    #[test]
    fn codes_expire() {
        let mut l = login();
        assert_eq!(l.check_at("0636", 1_000 + 301), Verdict::Expired);
        assert_eq!(l.attempts, 0, "an expired check costs no attempt");
        assert_eq!(l.check_at("0636", 1_000 + 300), Verdict::Accepted);
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut l = login();
        l.check_at("1234", 1_001);
        let back = LoginCall::from_json(&l.to_json()).unwrap();
        assert_eq!(back, l);
        assert!(LoginCall::from_json("{}").is_err());
        let mut broken = l.clone();
        broken.codelen = 40;
        assert!(LoginCall::from_json(&broken.to_json()).is_err());
    }
}
