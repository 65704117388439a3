//! What the sandbox is doing, at a glance: the data behind `GET /_sandbox/state` and the dashboard.

use serde::Serialize;

use crate::calls::CallView;
use crate::faults::Fault;
use crate::money::usd;
use crate::shared::Shared;
use crate::state::{KeyState, Mail, PayShape, RequestCounts, State};

/// At most this many accounts are shown, newest first.
pub(crate) const ACCOUNTS_SHOWN: usize = 100;
/// At most this many calls are shown, newest first.
pub(crate) const CALLS_SHOWN: usize = 30;
/// At most this many mails are shown, newest first.
pub(crate) const MAILS_SHOWN: usize = 20;

/// Everything the dashboard shows.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Snapshot {
    /// The sandbox clock, UNIX seconds.
    pub(crate) now: i64,
    pub(crate) base_url: String,
    pub(crate) server_status: i64,
    pub(crate) requests: RequestCounts,
    pub(crate) accounts_total: usize,
    pub(crate) accounts: Vec<AccountRow>,
    pub(crate) calls_total: usize,
    pub(crate) calls: Vec<CallRow>,
    pub(crate) outbox_total: usize,
    pub(crate) outbox: Vec<Mail>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) state_file: Option<StateFileRow>,
}

/// One account, under the id of its active key (else its newest).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AccountRow {
    pub(crate) call_api_id: String,
    pub(crate) key_state: &'static str,
    pub(crate) keys: usize,
    pub(crate) domain: Option<String>,
    pub(crate) admin_email: Option<String>,
    pub(crate) activated: bool,
    pub(crate) blocked: bool,
    pub(crate) allow_unsecure_calls: bool,
    pub(crate) balance: i64,
    pub(crate) consumed: i64,
    /// `balance - consumed`, in credits.
    pub(crate) available: i64,
    /// The same in US dollars, e.g. `99.99`.
    pub(crate) available_usd: String,
    pub(crate) fixed_mask: Option<String>,
    pub(crate) pay_shape: PayShape,
}

/// One call, with when it was placed and the account that placed it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CallRow {
    #[serde(flatten)]
    pub(crate) view: CallView,
    /// UNIX seconds.
    pub(crate) created: i64,
    pub(crate) age_ms: i64,
    pub(crate) last_error: Option<&'static str>,
    pub(crate) call_api_id: Option<String>,
}

/// The state file and why its last save failed.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct StateFileRow {
    pub(crate) path: String,
    pub(crate) error: Option<String>,
}

fn key_state_name(state: &KeyState) -> &'static str {
    match state {
        KeyState::Pending { .. } => "pending",
        KeyState::Active => "active",
        KeyState::Retired => "retired",
    }
}

/// The id an account is shown under: its active key, else its newest one.
fn shown_key(state: &State, number: u64) -> Option<(&str, &'static str)> {
    let account = state.accounts.get(&number)?;
    let mut keyed = account
        .keys
        .iter()
        .filter_map(|id| state.keys.get(id).map(|k| (id.as_str(), &k.state)));
    let active = keyed.clone().find(|(_, s)| **s == KeyState::Active);
    active
        .or_else(|| keyed.next_back())
        .map(|(id, s)| (id, key_state_name(s)))
}

/// Takes the snapshot (under the state's lock, briefly).
pub(crate) fn take(shared: &Shared, base_url: &str) -> Snapshot {
    let now = shared.clock.now_ms();
    let timing = shared.settings.timing;
    let state_file = shared.state_file.as_ref().map(|file| StateFileRow {
        path: file.path().display().to_string(),
        error: file.failure(),
    });
    let state = shared.lock();
    let mut numbers: Vec<u64> = state.accounts.keys().copied().collect();
    numbers.sort_unstable_by(|a, b| b.cmp(a));
    let accounts = numbers
        .iter()
        .take(ACCOUNTS_SHOWN)
        .filter_map(|number| {
            let account = state.accounts.get(number)?;
            let (id, key_state) = shown_key(&state, *number)?;
            let available = account.balance.saturating_sub(account.consumed);
            Some(AccountRow {
                call_api_id: id.to_owned(),
                key_state,
                keys: account.keys.len(),
                domain: account.domain.clone(),
                admin_email: account.admin_email.clone(),
                activated: account.activated,
                blocked: account.blocked,
                allow_unsecure_calls: account.allow_unsecure_calls,
                balance: account.balance,
                consumed: account.consumed,
                available,
                available_usd: usd(available),
                fixed_mask: account.fixed_mask.clone(),
                pay_shape: account.pay_shape,
            })
        })
        .collect();
    let calls = state
        .calls
        .newest_first()
        .take(CALLS_SHOWN)
        .map(|call| CallRow {
            view: call.view(now, timing),
            created: call.created_ms.div_euclid(1000),
            age_ms: now.saturating_sub(call.created_ms),
            last_error: call.last_error_at(now, timing),
            call_api_id: shown_key(&state, call.account).map(|(id, _)| id.to_owned()),
        })
        .collect();
    Snapshot {
        now: now.div_euclid(1000),
        base_url: base_url.to_owned(),
        server_status: state.server_status,
        requests: state.requests.clone(),
        accounts_total: state.accounts.len(),
        accounts,
        calls_total: state.calls.count(),
        calls,
        outbox_total: state.outbox.len(),
        outbox: state
            .outbox
            .iter()
            .rev()
            .take(MAILS_SHOWN)
            .cloned()
            .collect(),
        faults: state.faults.list(),
        state_file,
    }
}
