//! `SandboxConfig::state_file`: a restart keeps accounts, keys and balances.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use common::*;
use lbc_core::Register;
use lbc_core::protocol::ErrorCode;
use lbc_sandbox::{Credentials, PayShape, Sandbox, SandboxConfig};
use serde_json::json;

/// A fresh directory for one test (removed when dropped).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lbc-tests-persistence-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join("sandbox-state.json")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn start(path: &Path) -> Sandbox {
    Sandbox::start(SandboxConfig {
        state_file: Some(path.to_owned()),
        ..Default::default()
    })
    .expect("sandbox starts")
}

#[test]
fn a_restart_keeps_accounts_keys_and_balances() {
    let dir = TempDir::new();
    let path = dir.file();
    let first = start(&path);
    assert!(path.exists(), "the file is written at start");
    let seeded = first.accounts()[0].clone();
    let first_client = client(&first);
    first_client.call("79256880636", None).unwrap();
    let made = new_account(
        &first,
        json!({"balance": 4242, "allow_unsecure_calls": true}),
    );
    patch_account(
        &first,
        &made.call_api_id,
        json!({"fixed_mask": "79250000636"}),
    );
    first
        .set_pay_shape(&made.call_api_id, PayShape::Html)
        .unwrap();
    let registration = first_client
        .register(&Register::new("example.com", "admin@example.com"))
        .unwrap();
    let registered = Credentials {
        api_key: mailed_key(&first, &registration.call_api_id),
        call_api_id: registration.call_api_id,
    };
    first.set_server_status(0);

    // Loaded while the first still runs: every change is saved as it happens, not at shutdown
    // (a killed process has none).
    let sandbox = start(&path);
    assert_eq!(
        sandbox.accounts(),
        [seeded],
        "the ready line shows the same account"
    );
    let client = client(&sandbox);
    let balance = client.balance().unwrap();
    assert_eq!((balance.balance.0, balance.consumed.0), (1_000_000, 100));
    let account = get(
        sandbox.addr(),
        &format!("/_sandbox/accounts/{}", made.call_api_id),
    )
    .json();
    assert_eq!(account["balance"], 4242);
    assert_eq!(account["allow_unsecure_calls"], true);
    assert_eq!(account["fixed_mask"], "79250000636");
    assert_eq!(account["pay_shape"], "html");
    assert_eq!(sandbox.server_status(), 0);
    // The registered key is still pending, and still needs its domain check.
    let pending = client_for(&sandbox, &registered);
    assert!(!pending.status().unwrap().activated);
    assert_code(pending.balance(), ErrorCode::AccountInactive);
    // Calls are not kept.
    assert!(sandbox.latest_call_to("79256880636").is_none());
    sandbox.shutdown();
    first.shutdown();

    // A configured account the file holds keeps its state.
    let again = Sandbox::start(SandboxConfig {
        accounts: vec![made.clone()],
        state_file: Some(path.clone()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(client_for(&again, &made).balance().unwrap().balance.0, 4242);
    again.shutdown();
}

#[cfg(unix)]
#[test]
fn the_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new();
    let path = dir.file();
    let sandbox = start(&path);
    new_account(&sandbox, json!({}));
    let mode = fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&sandbox.accounts()[0].api_key),
        "it holds the keys"
    );
    let names: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["sandbox-state.json"], "no temporary file left");
}

#[test]
fn a_configured_account_with_another_key_or_a_broken_file_is_refused() {
    let dir = TempDir::new();
    let path = dir.file();
    let seeded = start(&path).accounts()[0].clone();
    let err = Sandbox::start(SandboxConfig {
        accounts: vec![Credentials {
            call_api_id: seeded.call_api_id.clone(),
            api_key: "Zq9-other-key".into(),
        }],
        state_file: Some(path.clone()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(!err.to_string().contains("Zq9-other-key"), "{err}");

    fs::write(&path, "{ not json").unwrap();
    let err = Sandbox::start(SandboxConfig {
        state_file: Some(path.clone()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("sandbox-state.json"), "{err}");

    let err = Sandbox::start(SandboxConfig {
        state_file: Some(dir.0.join("no-such-dir").join("state.json")),
        ..Default::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("saving the state file"), "{err}");
}

#[test]
fn a_failed_save_is_shown_and_retried_on_the_next_change() {
    let dir = TempDir::new();
    let sub = dir.0.join("sub");
    fs::create_dir_all(&sub).unwrap();
    let path = sub.join("state.json");
    let sandbox = start(&path);
    fs::remove_dir_all(&sub).unwrap();
    let made = new_account(&sandbox, json!({"balance": 7}));
    let state = get(sandbox.addr(), "/_sandbox/state").json();
    let error = state["state_file"]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(error.contains("saving the state file"), "{state}");
    assert!(
        get(sandbox.addr(), "/_sandbox/")
            .text()
            .contains("saving the state file"),
        "the dashboard shows it"
    );

    fs::create_dir_all(&sub).unwrap();
    patch_account(&sandbox, &made.call_api_id, json!({"balance": 8}));
    let state = get(sandbox.addr(), "/_sandbox/state").json();
    assert_eq!(state["state_file"]["error"], serde_json::Value::Null);
    assert!(fs::read_to_string(&path).unwrap().contains(&made.api_key));
}
