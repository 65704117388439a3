//! Calls: their life (queued → dialing → final, computed from their age, so no timers run), the
//! outcome chosen by the number's last two digits, the repeat timeout and which calls are charged.

use std::collections::{HashMap, VecDeque};

use lbc_protocol::CallStatus;

use serde::{Deserialize, Serialize};

use crate::clock::DAY_MS;

/// How long a call stays queued, then dialing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timing {
    pub(crate) dial_ms: i64,
    pub(crate) ring_ms: i64,
}

/// A repeat within this long of the last charged call to the same number and IP is free.
const FREE_REPEAT_MS: i64 = 60_000;
/// Calls are forgotten this long after they were placed.
const CALL_LIFETIME_MS: i64 = DAY_MS;
/// The error text of a failed call (status 32).
pub(crate) const REJECTED: &str = "Call rejected, try again";

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

/// The final status a call to `msisdn` ends with if nobody hangs it up.
pub(crate) fn outcome_for(msisdn: &str) -> CallStatus {
    match msisdn.get(msisdn.len().saturating_sub(2)..) {
        Some("08") => CallStatus::Busy,
        Some("16") => CallStatus::NotAnswered,
        Some("32") => CallStatus::Failed,
        _ => CallStatus::Answered,
    }
}

/// One call.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub(crate) id: String,
    pub(crate) account: u64,
    pub(crate) msisdn: String,
    pub(crate) ip_address: Option<String>,
    pub(crate) mask: String,
    pub(crate) codelen: u32,
    pub(crate) created_ms: i64,
    pub(crate) hangup_ms: Option<i64>,
    pub(crate) outcome: CallStatus,
}

impl Call {
    /// The status at `now_ms`.
    pub(crate) fn status_at(&self, now_ms: i64, timing: Timing) -> CallStatus {
        if self.hangup_ms.is_some_and(|at| now_ms >= at) {
            // Hung up while ringing: the user never picked up.
            return CallStatus::NotAnswered;
        }
        let age = now_ms.saturating_sub(self.created_ms);
        if age < timing.dial_ms {
            CallStatus::Queued
        } else if age < timing.dial_ms.saturating_add(timing.ring_ms) {
            CallStatus::Dialing
        } else {
            self.outcome
        }
    }

    /// `last_error` at `now_ms`: set only once the call has failed.
    pub(crate) fn last_error_at(&self, now_ms: i64, timing: Timing) -> Option<&'static str> {
        (self.status_at(now_ms, timing) == CallStatus::Failed).then_some(REJECTED)
    }

    /// The code the user types: the last `codelen` digits of `mask`.
    pub(crate) fn code(&self) -> &str {
        let start = self.mask.len().saturating_sub(self.codelen as usize);
        self.mask.get(start..).unwrap_or_default()
    }

    /// The call as the inspection endpoints show it.
    pub(crate) fn view(&self, now_ms: i64, timing: Timing) -> CallView {
        let status = self.status_at(now_ms, timing);
        CallView {
            call: self.id.clone(),
            msisdn: self.msisdn.clone(),
            ip_address: self.ip_address.clone(),
            mask: self.mask.clone(),
            codelen: self.codelen,
            code: self.code().to_owned(),
            status: status.code(),
            status_desc: status.description().to_owned(),
        }
    }
}

/// When `msisdn + ip_address` was last called (per account).
#[derive(Clone, Copy, Debug)]
struct Recent {
    called_ms: i64,
    charged_ms: i64,
}

type RecentKey = (u64, String, String);

/// Every call of the last day, the latest call per number, and the recent calls per number and IP.
#[derive(Debug, Default)]
pub(crate) struct CallBook {
    calls: HashMap<String, Call>,
    order: VecDeque<(i64, String)>,
    latest: HashMap<String, String>,
    recent: HashMap<RecentKey, Recent>,
    recent_sweep_at: usize,
}

/// What the repeat rules say about a new call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Admission {
    /// Too early: this many milliseconds remain.
    TooEarly(i64),
    /// Go ahead; `charged` says whether it costs money.
    Allowed { charged: bool },
}

impl CallBook {
    /// Whether `account` may call `msisdn` from `ip` now, given the repeat timeout.
    pub(crate) fn admit(
        &self,
        account: u64,
        msisdn: &str,
        ip: Option<&str>,
        now_ms: i64,
        repeat_ms: i64,
    ) -> Admission {
        let key = (
            account,
            msisdn.to_owned(),
            ip.unwrap_or_default().to_owned(),
        );
        match self.recent.get(&key) {
            // A request's time is read before it waits for the state: a concurrent one that read
            // its time a millisecond later may have placed its call first. It came no earlier.
            Some(recent) if (now_ms - recent.called_ms).max(0) < repeat_ms => {
                Admission::TooEarly(repeat_ms - (now_ms - recent.called_ms).max(0))
            }
            Some(recent) => Admission::Allowed {
                charged: now_ms - recent.charged_ms >= FREE_REPEAT_MS,
            },
            None => Admission::Allowed { charged: true },
        }
    }

    /// Adds a placed call, forgetting calls older than a day.
    pub(crate) fn insert(&mut self, call: Call, charged: bool, now_ms: i64, repeat_ms: i64) {
        self.prune(now_ms, repeat_ms);
        let key = (
            call.account,
            call.msisdn.clone(),
            call.ip_address.clone().unwrap_or_default(),
        );
        let previous_charge = self.recent.get(&key).map(|r| r.charged_ms);
        self.recent.insert(
            key,
            Recent {
                called_ms: now_ms,
                charged_ms: match (charged, previous_charge) {
                    (false, Some(at)) => at,
                    _ => now_ms,
                },
            },
        );
        self.latest.insert(call.msisdn.clone(), call.id.clone());
        self.order.push_back((call.created_ms, call.id.clone()));
        self.calls.insert(call.id.clone(), call);
    }

    /// A call by id.
    pub(crate) fn get(&self, id: &str) -> Option<&Call> {
        self.calls.get(id)
    }

    /// A call by id, to change it.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Call> {
        self.calls.get_mut(id)
    }

    /// The calls of the last day, newest first.
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &Call> {
        self.order
            .iter()
            .rev()
            .filter_map(|(_, id)| self.calls.get(id))
    }

    /// How many calls are remembered.
    pub(crate) fn count(&self) -> usize {
        self.calls.len()
    }

    /// The latest call to `msisdn`.
    pub(crate) fn latest_to(&self, msisdn: &str) -> Option<&Call> {
        self.calls.get(self.latest.get(msisdn)?)
    }

    fn prune(&mut self, now_ms: i64, repeat_ms: i64) {
        let horizon = now_ms.saturating_sub(CALL_LIFETIME_MS);
        while let Some((created, _)) = self.order.front() {
            if *created >= horizon {
                break;
            }
            if let Some((_, id)) = self.order.pop_front() {
                if let Some(call) = self.calls.remove(&id) {
                    if self.latest.get(&call.msisdn) == Some(&id) {
                        self.latest.remove(&call.msisdn);
                    }
                }
            }
        }
        // The recent-call map is swept whenever it has doubled since the last sweep.
        if self.recent.len() >= self.recent_sweep_at {
            let keep = repeat_ms.max(FREE_REPEAT_MS);
            self.recent
                .retain(|_, r| now_ms - r.called_ms < keep || now_ms - r.charged_ms < keep);
            self.recent_sweep_at = (self.recent.len() * 2).max(1024);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMING: Timing = Timing {
        dial_ms: 100,
        ring_ms: 200,
    };

    fn call(id: &str, msisdn: &str, at: i64) -> Call {
        Call {
            id: id.into(),
            account: 1,
            msisdn: msisdn.into(),
            ip_address: None,
            mask: "79256880636".into(),
            codelen: 4,
            created_ms: at,
            hangup_ms: None,
            outcome: outcome_for(msisdn),
        }
    }

    #[test]
    fn outcomes_follow_the_last_two_digits() {
        assert_eq!(outcome_for("79990000008"), CallStatus::Busy);
        assert_eq!(outcome_for("79990000016"), CallStatus::NotAnswered);
        assert_eq!(outcome_for("79990000032"), CallStatus::Failed);
        assert_eq!(outcome_for("79990000018"), CallStatus::Answered);
        assert_eq!(outcome_for(""), CallStatus::Answered);
    }

    #[test]
    fn status_follows_age_and_hangup() {
        let mut c = call("c", "79990000032", 0);
        assert_eq!(c.status_at(99, TIMING), CallStatus::Queued);
        assert_eq!(c.status_at(100, TIMING), CallStatus::Dialing);
        assert_eq!(c.last_error_at(299, TIMING), None);
        assert_eq!(c.status_at(300, TIMING), CallStatus::Failed);
        assert_eq!(c.last_error_at(300, TIMING), Some(REJECTED));
        c.hangup_ms = Some(150);
        assert_eq!(c.status_at(149, TIMING), CallStatus::Dialing);
        assert_eq!(c.status_at(150, TIMING), CallStatus::NotAnswered);
        assert_eq!(c.view(1_000, TIMING).code, "0636");
    }

    #[test]
    fn a_request_read_before_a_concurrent_call_is_not_earlier_than_it() {
        let mut book = CallBook::default();
        book.insert(call("a", "7999", 1_001), true, 1_001, 0);
        assert_eq!(
            book.admit(1, "7999", None, 1_000, 0),
            Admission::Allowed { charged: false },
            "no repeat timeout: allowed (and free, as a repeat within a minute)"
        );
        assert_eq!(
            book.admit(1, "7999", None, 1_000, 30_000),
            Admission::TooEarly(30_000)
        );
    }

    #[test]
    fn repeats_wait_and_are_free_within_a_minute() {
        let mut book = CallBook::default();
        let repeat = 30_000;
        assert_eq!(
            book.admit(1, "7999", None, 0, repeat),
            Admission::Allowed { charged: true }
        );
        book.insert(call("a", "7999", 0), true, 0, repeat);
        assert_eq!(
            book.admit(1, "7999", None, 10_000, repeat),
            Admission::TooEarly(20_000)
        );
        assert_eq!(
            book.admit(2, "7999", None, 10_000, repeat),
            Admission::Allowed { charged: true },
            "per account"
        );
        assert_eq!(
            book.admit(1, "7999", Some("1.2.3.4"), 10_000, repeat),
            Admission::Allowed { charged: true },
            "per IP"
        );
        assert_eq!(
            book.admit(1, "7999", None, 40_000, repeat),
            Admission::Allowed { charged: false }
        );
        book.insert(call("b", "7999", 40_000), false, 40_000, repeat);
        assert_eq!(
            book.admit(1, "7999", None, 70_000, repeat),
            Admission::Allowed { charged: true },
            "a minute after the last charged call"
        );
        assert_eq!(book.latest_to("7999").unwrap().id, "b");
    }

    #[test]
    fn old_calls_are_forgotten() {
        let mut book = CallBook::default();
        book.insert(call("a", "7999", 0), true, 0, 30_000);
        book.insert(call("b", "7888", DAY_MS + 1), true, DAY_MS + 1, 30_000);
        assert_eq!(book.count(), 1);
        assert!(book.get("a").is_none() && book.latest_to("7999").is_none());
        book.insert(call("c", "7777", DAY_MS + 2), true, DAY_MS + 2, 30_000);
        let ids: Vec<&str> = book.newest_first().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c", "b"]);
        assert_eq!(book.count(), 2);
    }
}
