//! Everything the sandbox remembers: accounts and their keys, calls, nonces, the outbox, pending
//! payments. Plain data behind one mutex; the protocol rules live in `methods` and `auth`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;

use lbc_protocol::{Method, Signer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::calls::CallBook;
use crate::clock::DAY_MS;
use crate::faults::{FaultBook, FaultKind};
use crate::nonces::NonceBook;

/// The outbox keeps this many mails, dropping the oldest.
const OUTBOX_LIMIT: usize = 1000;
/// An account keeps this many retired keys (they answer `ACCOUNT_BLOCKED`), dropping the oldest.
const RETIRED_KEYS_LIMIT: usize = 32;
/// At most this many unconfirmed keys per account (`TOO_MANY_ACCOUNTS_REGISTERED` beyond).
pub(crate) const PENDING_KEYS_LIMIT: usize = 5;
/// `balance` shows this many payments.
pub(crate) const LAST_PAYMENTS: usize = 5;
/// Default `balance_notify_limit`: 1 USD.
pub(crate) const DEFAULT_NOTIFY_LIMIT: i64 = 10_000;

/// Account credentials, as printed in the ready line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The account id.
    pub call_api_id: String,
    /// The account key.
    pub api_key: String,
}

/// Where an issued key is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyState {
    /// Issued, not confirmed yet. `verify_url` is set when `credential_confirm` must fetch it first
    /// (keys from `register`), unset when the signature is enough (`change_credential`).
    Pending { verify_url: Option<String> },
    /// In use.
    Active,
    /// Replaced by a newer confirmed key.
    Retired,
}

/// An `api-key`, kept only so that a state file can hold it; never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One `call-api-id` with its `api-key`.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) account: u64,
    /// Made from the `api-key`.
    pub(crate) signer: Signer,
    /// The `api-key` itself, for the state file.
    pub(crate) api_key: Secret,
    pub(crate) state: KeyState,
    pub(crate) issued_ms: i64,
    /// The administrator's address given when the key was requested; the account's once confirmed.
    pub(crate) admin_email: Option<String>,
    pub(crate) admin_phone: Option<String>,
}

/// One payment, as `balance` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct PaymentRecord {
    pub(crate) value: i64,
    pub(crate) created: i64,
}

/// A customer of the service.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) domain: Option<String>,
    pub(crate) admin_email: Option<String>,
    pub(crate) admin_phone: Option<String>,
    pub(crate) balance: i64,
    pub(crate) consumed: i64,
    pub(crate) balance_notify_limit: i64,
    /// Newest last.
    pub(crate) payments: VecDeque<PaymentRecord>,
    pub(crate) activated: bool,
    pub(crate) blocked: bool,
    pub(crate) allow_unsecure_calls: bool,
    /// The mask every `call` of the account gets, until cleared (random when unset).
    pub(crate) fixed_mask: Option<String>,
    /// The shape of `pay` answers.
    pub(crate) pay_shape: PayShape,
    /// Its key ids, oldest first.
    pub(crate) keys: Vec<String>,
    pub(crate) nonces: NonceBook,
}

/// The shape of an account's `pay` answers (both revisions of the documentation have one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayShape {
    /// The first revision's `{"url", "query", "method"}` (the default).
    #[default]
    Url,
    /// The later `{"html"}`: a form whose submit button has the class `lbc-payment-button`.
    Html,
}

impl PayShape {
    /// `url` or `html`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayShape::Url => "url",
            PayShape::Html => "html",
        }
    }

    /// The shape named `url` or `html`.
    pub fn from_name(name: &str) -> Option<PayShape> {
        match name {
            "url" => Some(PayShape::Url),
            "html" => Some(PayShape::Html),
            _ => None,
        }
    }
}

impl Account {
    pub(crate) fn new(balance: i64) -> Self {
        Account {
            domain: None,
            admin_email: None,
            admin_phone: None,
            balance,
            consumed: 0,
            balance_notify_limit: DEFAULT_NOTIFY_LIMIT,
            payments: VecDeque::new(),
            activated: false,
            blocked: false,
            allow_unsecure_calls: false,
            fixed_mask: None,
            pay_shape: PayShape::Url,
            keys: Vec::new(),
            nonces: NonceBook::default(),
        }
    }

    /// Records a payment.
    pub(crate) fn pay(&mut self, value: i64, now_ms: i64) {
        self.balance = self.balance.saturating_add(value);
        self.payments.push_back(PaymentRecord {
            value,
            created: now_ms.div_euclid(1000),
        });
        while self.payments.len() > LAST_PAYMENTS {
            self.payments.pop_front();
        }
    }
}

/// A mail the service would have sent.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Mail {
    pub(crate) to: String,
    pub(crate) subject: String,
    pub(crate) body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) call_api_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) api_key: Option<String>,
}

/// A payment form handed out by `pay`, waiting for the user.
#[derive(Clone, Debug)]
pub(crate) struct PendingPayment {
    pub(crate) account: u64,
    pub(crate) amount: i64,
    pub(crate) created_ms: i64,
    pub(crate) success_url: Option<String>,
}

/// An account to create directly (seeded or through `POST /_sandbox/accounts`).
#[derive(Clone, Debug, Default)]
pub(crate) struct NewAccount {
    pub(crate) call_api_id: Option<String>,
    pub(crate) api_key: Option<String>,
    pub(crate) balance: i64,
    pub(crate) activated: bool,
    pub(crate) allow_unsecure_calls: bool,
}

/// How many API requests arrived, and how many of them a fault answered.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct RequestCounts {
    pub(crate) total: u64,
    /// Requests a fault took (delayed and cut ones included).
    pub(crate) faulted: u64,
    /// Per known method name; `unknown` for the rest.
    pub(crate) by_method: BTreeMap<&'static str, u64>,
}

/// The sandbox's memory.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) accounts: HashMap<u64, Account>,
    pub(crate) next_account: u64,
    pub(crate) keys: HashMap<String, Key>,
    pub(crate) domains: HashMap<String, u64>,
    pub(crate) calls: CallBook,
    pub(crate) outbox: VecDeque<Mail>,
    pub(crate) payments: HashMap<String, PendingPayment>,
    payment_order: VecDeque<(i64, String)>,
    pub(crate) server_status: i64,
    pub(crate) faults: FaultBook,
    pub(crate) requests: RequestCounts,
    rng: StdRng,
    sweep_at: usize,
}

impl State {
    /// An empty sandbox, its randomness seeded from the OS.
    pub(crate) fn new() -> std::io::Result<Self> {
        let rng = StdRng::try_from_os_rng().map_err(std::io::Error::other)?;
        Ok(State {
            accounts: HashMap::new(),
            next_account: 1,
            keys: HashMap::new(),
            domains: HashMap::new(),
            calls: CallBook::default(),
            outbox: VecDeque::new(),
            payments: HashMap::new(),
            payment_order: VecDeque::new(),
            server_status: 1,
            faults: FaultBook::default(),
            requests: RequestCounts::default(),
            rng,
            sweep_at: 1024,
        })
    }

    /// Counts an API request for `method` (`None`: no known method) and takes the fault armed for
    /// it, if any.
    pub(crate) fn receive(&mut self, method: Option<Method>) -> Option<FaultKind> {
        let counts = &mut self.requests;
        counts.total += 1;
        *counts
            .by_method
            .entry(method.map_or("unknown", Method::name))
            .or_default() += 1;
        let fault = self.faults.take(method);
        if fault.is_some() {
            counts.faulted += 1;
        }
        fault
    }

    /// The account number behind the key `call_api_id`.
    pub(crate) fn account_of(&mut self, call_api_id: &str, now_ms: i64) -> Option<u64> {
        self.key(call_api_id, now_ms).map(|k| k.account)
    }

    /// `len` random letters and digits.
    pub(crate) fn random_alnum(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| char::from(ALPHABET[self.rng.random_range(0..ALPHABET.len())]))
            .collect()
    }

    /// `len` random decimal digits.
    pub(crate) fn random_digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.rng.random_range(0..10u8)))
            .collect()
    }

    /// An id no key has: 40 letters and digits.
    fn fresh_key_id(&mut self) -> String {
        loop {
            let id = self.random_alnum(40);
            if !self.keys.contains_key(&id) {
                return id;
            }
        }
    }

    /// Creates an account with one key, active or pending (confirmed by signature alone).
    pub(crate) fn create_account(
        &mut self,
        spec: NewAccount,
        now_ms: i64,
    ) -> Result<Credentials, String> {
        let call_api_id = match spec.call_api_id {
            Some(id) if self.keys.contains_key(&id) => {
                return Err(format!("call_api_id {id} exists already"));
            }
            Some(id) if !usable_credential(&id) => {
                return Err("call_api_id must be 1 to 128 visible ASCII characters".into());
            }
            Some(id) => id,
            None => self.fresh_key_id(),
        };
        let api_key = match spec.api_key {
            Some(key) if !usable_credential(&key) => {
                return Err("api_key must be 1 to 128 visible ASCII characters".into());
            }
            Some(key) => key,
            None => self.random_alnum(40),
        };
        self.sweep(now_ms);
        let mut account = Account::new(spec.balance);
        account.activated = spec.activated;
        account.allow_unsecure_calls = spec.allow_unsecure_calls;
        let number = self.next_account;
        self.next_account += 1;
        self.accounts.insert(number, account);
        let state = if spec.activated {
            KeyState::Active
        } else {
            KeyState::Pending { verify_url: None }
        };
        self.add_key(number, call_api_id.clone(), api_key.clone(), state, now_ms);
        Ok(Credentials {
            call_api_id,
            api_key,
        })
    }

    /// Creates an inactive account for `domain` (from `register`).
    pub(crate) fn create_domain_account(&mut self, domain: &str, balance_notify_limit: i64) -> u64 {
        let mut account = Account::new(0);
        account.domain = Some(domain.to_owned());
        account.balance_notify_limit = balance_notify_limit;
        let number = self.next_account;
        self.next_account += 1;
        self.accounts.insert(number, account);
        self.domains.insert(domain.to_owned(), number);
        number
    }

    /// Issues a new pending key for `account`; `None` when it has too many unconfirmed keys already.
    /// `verify_url` makes the key's `verify_url` from its new id (`None`: no domain check).
    pub(crate) fn issue_key(
        &mut self,
        account: u64,
        verify_url: impl FnOnce(&str) -> Option<String>,
        admin_email: &str,
        admin_phone: Option<&str>,
        now_ms: i64,
    ) -> Option<Credentials> {
        self.expire_keys_of(account, now_ms);
        let pending = self
            .accounts
            .get(&account)?
            .keys
            .iter()
            .filter(|id| {
                self.keys
                    .get(*id)
                    .is_some_and(|k| matches!(k.state, KeyState::Pending { .. }))
            })
            .count();
        if pending >= PENDING_KEYS_LIMIT {
            return None;
        }
        let call_api_id = self.fresh_key_id();
        let api_key = self.random_alnum(40);
        let verify_url = verify_url(&call_api_id);
        self.add_key(
            account,
            call_api_id.clone(),
            api_key.clone(),
            KeyState::Pending { verify_url },
            now_ms,
        );
        if let Some(key) = self.keys.get_mut(&call_api_id) {
            key.admin_email = Some(admin_email.to_owned());
            key.admin_phone = admin_phone.map(str::to_owned);
        }
        Some(Credentials {
            call_api_id,
            api_key,
        })
    }

    pub(crate) fn add_key(
        &mut self,
        account: u64,
        call_api_id: String,
        api_key: String,
        state: KeyState,
        now_ms: i64,
    ) {
        let key = Key {
            account,
            signer: Signer::new(&api_key),
            api_key: Secret(api_key),
            state,
            issued_ms: now_ms,
            admin_email: None,
            admin_phone: None,
        };
        if let Some(acc) = self.accounts.get_mut(&account) {
            acc.keys.push(call_api_id.clone());
        }
        self.keys.insert(call_api_id, key);
    }

    /// The account registered for `domain`, unless it expired unconfirmed.
    pub(crate) fn domain_account(&mut self, domain: &str, now_ms: i64) -> Option<u64> {
        let account = *self.domains.get(domain)?;
        self.expire_keys_of(account, now_ms);
        self.domains.get(domain).copied()
    }

    /// The key `call_api_id`, after forgetting it if it went unconfirmed for a day.
    pub(crate) fn key(&mut self, call_api_id: &str, now_ms: i64) -> Option<&Key> {
        let account = self.keys.get(call_api_id)?.account;
        self.expire_keys_of(account, now_ms);
        self.keys.get(call_api_id)
    }

    /// Forgets `account`'s keys that went unconfirmed for a day, and the account if that leaves it
    /// without keys (an account being set up, with none yet, stays).
    fn expire_keys_of(&mut self, account: u64, now_ms: i64) {
        let Some(acc) = self.accounts.get_mut(&account) else {
            return;
        };
        let before = acc.keys.len();
        let keys = &mut self.keys;
        acc.keys.retain(|id| {
            let expired = keys.get(id).is_none_or(|k| {
                matches!(k.state, KeyState::Pending { .. }) && now_ms - k.issued_ms > DAY_MS
            });
            if expired {
                keys.remove(id);
            }
            !expired
        });
        if acc.keys.is_empty() && before > 0 {
            if let Some(domain) = &acc.domain {
                self.domains.remove(domain);
            }
            self.accounts.remove(&account);
        }
    }

    /// Makes `call_api_id` the account's active key; every key issued before it is retired.
    pub(crate) fn activate(&mut self, call_api_id: &str) {
        let Some(key) = self.keys.get_mut(call_api_id) else {
            return;
        };
        key.state = KeyState::Active;
        let (account, email, phone) = (
            key.account,
            key.admin_email.clone(),
            key.admin_phone.clone(),
        );
        let Some(acc) = self.accounts.get_mut(&account) else {
            return;
        };
        acc.activated = true;
        if email.is_some() {
            acc.admin_email = email;
            acc.admin_phone = phone;
        }
        let position = acc.keys.iter().position(|id| id == call_api_id);
        let older = acc.keys[..position.unwrap_or(0)].to_vec();
        for id in &older {
            if let Some(old) = self.keys.get_mut(id) {
                old.state = KeyState::Retired;
            }
        }
        // Keep memory bounded: forget the oldest retired keys beyond the limit.
        let excess = older.len().saturating_sub(RETIRED_KEYS_LIMIT);
        for id in older.iter().take(excess) {
            self.keys.remove(id);
        }
        acc.keys.drain(..excess);
    }

    /// Queues a mail.
    pub(crate) fn send_mail(&mut self, mail: Mail) {
        self.outbox.push_back(mail);
        while self.outbox.len() > OUTBOX_LIMIT {
            self.outbox.pop_front();
        }
    }

    /// Remembers a payment form for the sandbox's payment page; returns its token.
    pub(crate) fn add_payment(&mut self, payment: PendingPayment) -> String {
        let horizon = payment.created_ms - DAY_MS;
        while let Some((created, _)) = self.payment_order.front() {
            if *created >= horizon {
                break;
            }
            if let Some((_, token)) = self.payment_order.pop_front() {
                self.payments.remove(&token);
            }
        }
        let token = self.random_alnum(32);
        self.payment_order
            .push_back((payment.created_ms, token.clone()));
        self.payments.insert(token.clone(), payment);
        token
    }

    /// Sweeps out unconfirmed keys and accounts once their number has doubled since the last sweep.
    pub(crate) fn sweep(&mut self, now_ms: i64) {
        if self.accounts.len() < self.sweep_at {
            return;
        }
        let numbers: Vec<u64> = self.accounts.keys().copied().collect();
        for number in numbers {
            self.expire_keys_of(number, now_ms);
        }
        self.sweep_at = (self.accounts.len() * 2).max(1024);
    }
}

/// Checks a `fixed_mask`: 8 to 15 digits, at least `codelen` of them.
pub(crate) fn check_mask(mask: &str, codelen: u32) -> Result<(), String> {
    let digits = mask.bytes().all(|b| b.is_ascii_digit());
    if digits && (8..=15).contains(&mask.len()) && mask.len() >= codelen as usize {
        Ok(())
    } else {
        Err(format!(
            "fixed_mask \"{}\" must be 8 to 15 digits (a caller number, at least the {codelen} \
             digits of the code)",
            lbc_protocol::excerpt(mask)
        ))
    }
}

/// Whether a caller-chosen id or key is usable: 1 to 128 visible ASCII characters.
pub(crate) fn usable_credential(text: &str) -> bool {
    (1..=128).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State::new().unwrap()
    }

    #[test]
    fn ids_are_alphanumeric() {
        let mut s = state();
        let id = s.random_alnum(40);
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(s.random_digits(10).bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn unconfirmed_keys_expire_and_take_the_account_along() {
        let mut s = state();
        let account = s.create_domain_account("example.com", 10_000);
        let creds = s
            .issue_key(account, |_| None, "a@example.com", None, 0)
            .unwrap();
        assert!(s.key(&creds.call_api_id, DAY_MS).is_some());
        assert!(s.key(&creds.call_api_id, DAY_MS + 1).is_none());
        assert!(s.accounts.is_empty() && s.domains.is_empty());
    }

    #[test]
    fn activation_retires_older_keys_only() {
        let mut s = state();
        let first = s
            .create_account(
                NewAccount {
                    activated: true,
                    ..Default::default()
                },
                0,
            )
            .unwrap();
        let account = s.keys[&first.call_api_id].account;
        let second = s.issue_key(account, |_| None, "a@b.c", None, 1).unwrap();
        let third = s.issue_key(account, |_| None, "a@b.c", None, 2).unwrap();
        s.activate(&second.call_api_id);
        assert_eq!(s.keys[&first.call_api_id].state, KeyState::Retired);
        assert_eq!(s.keys[&second.call_api_id].state, KeyState::Active);
        assert!(matches!(
            s.keys[&third.call_api_id].state,
            KeyState::Pending { .. }
        ));
        assert_eq!(s.accounts[&account].admin_email.as_deref(), Some("a@b.c"));
    }

    #[test]
    fn pending_keys_are_limited() {
        let mut s = state();
        let account = s.create_domain_account("example.com", 0);
        for _ in 0..PENDING_KEYS_LIMIT {
            assert!(s.issue_key(account, |_| None, "a@b.c", None, 0).is_some());
        }
        assert!(s.issue_key(account, |_| None, "a@b.c", None, 0).is_none());
    }

    #[test]
    fn payments_keep_the_last_five() {
        let mut s = state();
        let creds = s.create_account(NewAccount::default(), 0).unwrap();
        let account = s.keys[&creds.call_api_id].account;
        let acc = s.accounts.get_mut(&account).unwrap();
        for i in 1..=7 {
            acc.pay(i, i * 1000);
        }
        assert_eq!(acc.balance, 28);
        assert_eq!(acc.payments.len(), LAST_PAYMENTS);
        assert_eq!(acc.payments.front().unwrap().value, 3);
    }
}
