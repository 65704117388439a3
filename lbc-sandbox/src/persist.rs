//! The optional state file ([`crate::SandboxConfig::state_file`]): accounts, their keys and balances,
//! the service-wide `server_status` and which accounts the ready line shows, saved as JSON after
//! every change and loaded at start.
//!
//! The file holds api keys: it is created readable by its owner only (mode 0600 on Unix), and
//! replaced atomically (written to a temporary file in the same directory, synced, renamed over
//! it), so that a crash leaves the old state or the new one, never half of one. Calls, nonces, the
//! outbox, payment forms not paid yet, armed faults and the clock offset are not kept.

use std::collections::VecDeque;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::state::Credentials;
use crate::state::{self, Account, KeyState, PayShape, PaymentRecord, State};

/// The version of the file's format.
const FORMAT: u32 = 1;

/// The whole file.
#[derive(Serialize, Deserialize)]
struct Saved {
    format: u32,
    server_status: i64,
    /// The ids of the accounts the ready line shows.
    seeded: Vec<String>,
    accounts: Vec<SavedAccount>,
}

#[derive(Serialize, Deserialize)]
struct SavedAccount {
    domain: Option<String>,
    admin_email: Option<String>,
    admin_phone: Option<String>,
    balance: i64,
    consumed: i64,
    balance_notify_limit: i64,
    #[serde(default)]
    payments: Vec<PaymentRecord>,
    activated: bool,
    blocked: bool,
    allow_unsecure_calls: bool,
    #[serde(default)]
    fixed_mask: Option<String>,
    #[serde(default)]
    pay_shape: PayShape,
    /// Oldest first.
    keys: Vec<SavedKey>,
}

#[derive(Serialize, Deserialize)]
struct SavedKey {
    call_api_id: String,
    api_key: String,
    /// `pending`, `active` or `retired`.
    state: String,
    /// For a pending key from `register`: the file `credential_confirm` fetches.
    #[serde(default)]
    verify_url: Option<String>,
    issued_ms: i64,
    #[serde(default)]
    admin_email: Option<String>,
    #[serde(default)]
    admin_phone: Option<String>,
}

/// The state as the file holds it.
pub(crate) fn snapshot(state: &State, seeded: &[String]) -> String {
    let mut numbers: Vec<u64> = state.accounts.keys().copied().collect();
    numbers.sort_unstable();
    let accounts = numbers
        .iter()
        .filter_map(|n| state.accounts.get(n))
        .map(|account| SavedAccount {
            domain: account.domain.clone(),
            admin_email: account.admin_email.clone(),
            admin_phone: account.admin_phone.clone(),
            balance: account.balance,
            consumed: account.consumed,
            balance_notify_limit: account.balance_notify_limit,
            payments: account.payments.iter().copied().collect(),
            activated: account.activated,
            blocked: account.blocked,
            allow_unsecure_calls: account.allow_unsecure_calls,
            fixed_mask: account.fixed_mask.clone(),
            pay_shape: account.pay_shape,
            keys: account
                .keys
                .iter()
                .filter_map(|id| state.keys.get(id).map(|key| (id, key)))
                .map(|(id, key)| {
                    let (name, verify_url) = match &key.state {
                        KeyState::Pending { verify_url } => ("pending", verify_url.clone()),
                        KeyState::Active => ("active", None),
                        KeyState::Retired => ("retired", None),
                    };
                    SavedKey {
                        call_api_id: id.clone(),
                        api_key: key.api_key.0.clone(),
                        state: name.to_owned(),
                        verify_url,
                        issued_ms: key.issued_ms,
                        admin_email: key.admin_email.clone(),
                        admin_phone: key.admin_phone.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let saved = Saved {
        format: FORMAT,
        server_status: state.server_status,
        seeded: seeded.to_vec(),
        accounts,
    };
    serde_json::to_string_pretty(&saved)
        .unwrap_or_else(|_| unreachable!("plain data always serialises"))
}

/// Loads the file at `path` into an empty `state`; answers the ids the ready line showed. A missing
/// file is an empty state. Errors name the file, never its contents.
pub(crate) fn load(path: &Path, state: &mut State) -> io::Result<Vec<String>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot read the state file {}: {e}", path.display()),
            ));
        }
    };
    let invalid = |why: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the state file {} is not usable: {why}", path.display()),
        )
    };
    // serde_json's messages name a line and column, not the text found there.
    let saved: Saved = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    if saved.format != FORMAT {
        return Err(invalid(format!(
            "format {} (this sandbox reads format {FORMAT})",
            saved.format
        )));
    }
    restore(state, saved).map_err(invalid)
}

fn restore(state: &mut State, saved: Saved) -> Result<Vec<String>, String> {
    state.server_status = saved.server_status;
    for (index, saved_account) in saved.accounts.into_iter().enumerate() {
        let which = || format!("account {}", index + 1);
        if saved_account.keys.is_empty() {
            continue;
        }
        let mut account = Account::new(saved_account.balance);
        account.domain = saved_account.domain;
        account.admin_email = saved_account.admin_email;
        account.admin_phone = saved_account.admin_phone;
        account.consumed = saved_account.consumed;
        account.balance_notify_limit = saved_account.balance_notify_limit;
        account.payments = saved_account.payments.into_iter().collect::<VecDeque<_>>();
        while account.payments.len() > state::LAST_PAYMENTS {
            account.payments.pop_front();
        }
        account.activated = saved_account.activated;
        account.blocked = saved_account.blocked;
        account.allow_unsecure_calls = saved_account.allow_unsecure_calls;
        account.fixed_mask = saved_account.fixed_mask;
        account.pay_shape = saved_account.pay_shape;
        if let Some(domain) = &account.domain {
            if state.domains.contains_key(domain) {
                return Err(format!("{} repeats the domain of another", which()));
            }
        }
        let number = state.next_account;
        state.next_account += 1;
        if let Some(domain) = &account.domain {
            state.domains.insert(domain.clone(), number);
        }
        state.accounts.insert(number, account);
        for key in saved_account.keys {
            if !state::usable_credential(&key.call_api_id)
                || !state::usable_credential(&key.api_key)
            {
                return Err(format!(
                    "{} has a key whose id or api key is not 1 to 128 visible ASCII characters",
                    which()
                ));
            }
            if state.keys.contains_key(&key.call_api_id) {
                return Err(format!("{} repeats the id of another key", which()));
            }
            let key_state = match key.state.as_str() {
                "pending" => KeyState::Pending {
                    verify_url: key.verify_url,
                },
                "active" => KeyState::Active,
                "retired" => KeyState::Retired,
                _ => return Err(format!("{} has a key in an unknown state", which())),
            };
            let id = key.call_api_id;
            state.add_key(number, id.clone(), key.api_key, key_state, key.issued_ms);
            if let Some(added) = state.keys.get_mut(&id) {
                added.admin_email = key.admin_email;
                added.admin_phone = key.admin_phone;
            }
        }
    }
    Ok(saved.seeded)
}

/// The credentials of the key `call_api_id`, if the state has it.
pub(crate) fn credentials(state: &State, call_api_id: &str) -> Option<Credentials> {
    state.keys.get(call_api_id).map(|key| Credentials {
        call_api_id: call_api_id.to_owned(),
        api_key: key.api_key.0.clone(),
    })
}

/// A state file and what was last written to it.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    /// The text last written; held while writing, so that saves happen one at a time, in order.
    written: Mutex<Option<String>>,
    /// Why the last save failed; apart from `written`, so that reading it never waits on a save.
    failure: Mutex<Option<String>>,
}

fn relock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl StateFile {
    pub(crate) fn new(path: PathBuf) -> Self {
        StateFile {
            path,
            written: Mutex::new(None),
            failure: Mutex::new(None),
        }
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Why the last save failed, if it did.
    pub(crate) fn failure(&self) -> Option<String> {
        relock(&self.failure).clone()
    }

    /// Writes the text `snapshot` makes, unless it is what the file holds already. `snapshot` is
    /// called with the write lock held (it takes the state's lock: always in that order).
    pub(crate) fn save(&self, snapshot: impl FnOnce() -> String) {
        let mut written = relock(&self.written);
        let text = snapshot();
        if written.as_deref() == Some(text.as_str()) {
            return;
        }
        let outcome = write_atomically(&self.path, text.as_bytes());
        *relock(&self.failure) = outcome
            .as_ref()
            .err()
            .map(|e| format!("saving the state file {} failed: {e}", self.path.display()));
        if outcome.is_ok() {
            *written = Some(text);
        }
    }
}

/// Replaces `path` with `bytes`: a temporary file beside it (owner-only), synced, then renamed.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let written = (|| {
        let mut file = owner_only().open(&temporary)?;
        restrict(&file)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

#[cfg(unix)]
fn owner_only() -> fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn owner_only() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    options
}

/// A temporary file left by an earlier run keeps its mode when reopened: set it again.
#[cfg(unix)]
fn restrict(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_: &fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::NewAccount;

    fn temp_path(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("lbc-sandbox-persist-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir.join("state.json")
    }

    #[test]
    fn a_saved_state_loads_back_the_same() {
        let mut state = State::new().unwrap();
        let seed = state
            .create_account(
                NewAccount {
                    balance: 500,
                    activated: true,
                    ..Default::default()
                },
                0,
            )
            .unwrap();
        let site = state.create_domain_account("example.com:8000", 7);
        let pending = state
            .issue_key(
                site,
                |id| Some(format!("http://example.com:8000/{id}")),
                "a@b.c",
                None,
                5,
            )
            .unwrap();
        let number = state.keys[&seed.call_api_id].account;
        let account = state.accounts.get_mut(&number).unwrap();
        account.consumed = 200;
        account.pay(50, 3_000);
        account.fixed_mask = Some("79250000636".into());
        account.pay_shape = PayShape::Html;
        state.server_status = 0;
        let seeded = vec![seed.call_api_id.clone()];
        let text = snapshot(&state, &seeded);
        assert!(text.contains(&seed.api_key), "the file holds the keys");

        let mut loaded = State::new().unwrap();
        assert_eq!(
            restore(&mut loaded, serde_json::from_str(&text).unwrap()),
            Ok(seeded.clone())
        );
        assert_eq!(snapshot(&loaded, &seeded), text);
        assert_eq!(credentials(&loaded, &seed.call_api_id), Some(seed));
        assert_eq!(
            loaded.keys[&pending.call_api_id].state,
            KeyState::Pending {
                verify_url: Some(format!("http://example.com:8000/{}", pending.call_api_id))
            }
        );
        assert!(loaded.domains.contains_key("example.com:8000"));
    }

    #[test]
    fn files_are_replaced_whole_and_owner_only() {
        let path = temp_path("atomic");
        let file = StateFile::new(path.clone());
        file.save(|| "first".into());
        file.save(|| "second".into());
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(file.failure(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "state.json")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_failed_save_is_reported_and_retried() {
        let path = temp_path("missing-dir")
            .with_file_name("no-such-dir")
            .join("state.json");
        let file = StateFile::new(path.clone());
        file.save(|| "x".into());
        let failure = file.failure().unwrap();
        assert!(failure.contains("saving the state file"), "{failure}");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        file.save(|| "x".into());
        assert_eq!(
            file.failure(),
            None,
            "the same text is written once it can be"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "x");
        let _ = fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[test]
    fn unusable_files_are_refused_without_quoting_them() {
        let path = temp_path("bad");
        let mut state = State::new().unwrap();
        assert_eq!(
            load(&path, &mut state).unwrap(),
            Vec::<String>::new(),
            "missing: empty"
        );
        fs::write(&path, "{\"format\": 1, \"secret-key-text\"").unwrap();
        let err = load(&path, &mut state).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(!err.to_string().contains("secret-key-text"), "{err}");
        fs::write(
            &path,
            r#"{"format": 2, "server_status": 1, "seeded": [], "accounts": []}"#,
        )
        .unwrap();
        assert!(
            load(&path, &mut state)
                .unwrap_err()
                .to_string()
                .contains("format 2")
        );
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }
}
