//! Many processes check one login at once: at most `max_attempts` checks are judged, and the
//! right code is accepted once, on the default SQLite store and across "servers" on one Redis.
//!
//! Each checker is a real process: this test binary run again on `race_child` with the login's
//! sealed state in its environment, resuming it through its own client and store connection.

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use lbc_core::{Client, Verdict};
use lbc_sandbox::Sandbox;

const CHECKERS: usize = 8;
const MAX_ATTEMPTS: u32 = 3;

fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// The checker: resumes `LBC_RACE_STATE`, waits for `LBC_RACE_AT` (UNIX ms) so that every checker
/// checks at once, checks each of `LBC_RACE_DIGITS` (comma-separated) and prints the verdicts.
#[test]
fn race_child() {
    let Ok(state) = std::env::var("LBC_RACE_STATE") else {
        return; // run by the parent only
    };
    let var = |name: &str| std::env::var(name).unwrap();
    let mut builder = Client::builder()
        .base_url(var("LBC_RACE_BASE_URL"))
        .call_api_id(var("LBC_RACE_ID"))
        .api_key(var("LBC_RACE_KEY"))
        .login_policy(lbc_core::LoginPolicy {
            max_attempts: var("LBC_RACE_MAX").parse().unwrap(),
            ttl: Duration::from_secs(300),
        });
    if let Ok(url) = std::env::var("LBC_RACE_STORE") {
        builder = builder.store(url);
    }
    let client = builder.build().unwrap();
    let login = client.resume_login(&state).unwrap();
    let at: u128 = var("LBC_RACE_AT").parse().unwrap();
    while unix_ms() < at {
        std::thread::sleep(Duration::from_micros(200));
    }
    for digits in var("LBC_RACE_DIGITS").split(',') {
        let verdict = login.check(digits).unwrap();
        println!("VERDICT {}", verdict.as_str());
    }
}

struct Race<'a> {
    sandbox: &'a Sandbox,
    /// `None`: the default store, in `state_home`.
    store: Option<String>,
    state_home: PathBuf,
}

impl Race<'_> {
    fn client(&self, max_attempts: u32) -> Client {
        let account = &self.sandbox.accounts()[0];
        let builder = builder(self.sandbox)
            .call_api_id(&account.call_api_id)
            .api_key(account.api_key.as_str())
            .login_policy(lbc_core::LoginPolicy {
                max_attempts,
                ttl: Duration::from_secs(300),
            })
            // What races here is the login's attempts; the guard's counters are tested elsewhere.
            .guard(lbc_core::GuardPolicy::off());
        match &self.store {
            Some(url) => builder.store(url.as_str()),
            // What the children's default store is, named by its path.
            None => builder.store(format!(
                "sqlite://{}",
                self.state_home.join("loginbycall/store.sqlite3").display()
            )),
        }
        .build()
        .unwrap()
    }

    /// Starts `CHECKERS` processes on `state`, each checking `digits(i)`; returns every verdict.
    fn run(&self, state: &str, max_attempts: u32, digits: impl Fn(usize) -> String) -> Vec<String> {
        let account = &self.sandbox.accounts()[0];
        let at = unix_ms() + 2_000;
        let children: Vec<Child> = (0..CHECKERS)
            .map(|i| {
                let mut command = Command::new(std::env::current_exe().unwrap());
                command
                    .args(["race_child", "--exact", "--nocapture", "--test-threads=1"])
                    .env("LBC_RACE_STATE", state)
                    .env("LBC_RACE_BASE_URL", self.sandbox.base_url())
                    .env("LBC_RACE_ID", &account.call_api_id)
                    .env("LBC_RACE_KEY", account.api_key.as_str())
                    .env("LBC_RACE_MAX", max_attempts.to_string())
                    .env("LBC_RACE_AT", at.to_string())
                    .env("LBC_RACE_DIGITS", digits(i))
                    .env("XDG_STATE_HOME", &self.state_home)
                    .stdout(Stdio::piped());
                match &self.store {
                    Some(url) => command.env("LBC_RACE_STORE", url),
                    None => command.env_remove("LBC_RACE_STORE"),
                };
                command.spawn().unwrap()
            })
            .collect();
        let mut verdicts = Vec::new();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "a checker failed: {text}");
            verdicts.extend(
                text.lines()
                    // The test harness may print "test race_child ... " on the same line.
                    .filter_map(|l| l.split_once("VERDICT ").map(|(_, v)| v.trim().to_owned())),
            );
        }
        assert!(unix_ms() > at, "every checker waited for the start");
        verdicts
    }

    fn count(verdicts: &[String], name: &str) -> usize {
        verdicts.iter().filter(|v| *v == name).count()
    }

    fn all(&self, first_number: u32) {
        let client = self.client(MAX_ATTEMPTS);
        let number = |n: u32| format!("792568807{n:02}");

        // Wrong codes from every process: exactly max_attempts judged, the rest locked.
        let login = client.start_login(&number(first_number), None).unwrap();
        let code = self.sandbox.call(login.call()).unwrap().code;
        let wrong = if code.starts_with('0') { "1" } else { "0" }.repeat(code.len());
        let verdicts = self.run(&login.to_json(), MAX_ATTEMPTS, |_| {
            format!("{wrong},{wrong},{wrong}")
        });
        // The last judged wrong code answers `locked` (none left), so judged checks show as
        // max_attempts - 1 `rejected`; every other check was refused unjudged.
        assert_eq!(verdicts.len(), CHECKERS * 3);
        assert_eq!(
            Self::count(&verdicts, "rejected"),
            MAX_ATTEMPTS as usize - 1,
            "{verdicts:?}"
        );
        assert_eq!(
            Self::count(&verdicts, "locked"),
            CHECKERS * 3 - (MAX_ATTEMPTS as usize - 1)
        );
        let after = client.resume_login(&login.to_json()).unwrap();
        assert_eq!(after.attempts(), MAX_ATTEMPTS);
        assert_eq!(after.check(&code).unwrap(), Verdict::Locked);

        // Wrong codes and the right one at once: at most max_attempts judged, accepted at most once.
        let login = client.start_login(&number(first_number + 1), None).unwrap();
        let code = self.sandbox.call(login.call()).unwrap().code;
        let verdicts = self.run(&login.to_json(), MAX_ATTEMPTS, |i| {
            if i % 2 == 0 {
                code.clone()
            } else {
                wrong.clone()
            }
        });
        let judged = Self::count(&verdicts, "rejected") + Self::count(&verdicts, "accepted");
        assert!(judged <= MAX_ATTEMPTS as usize, "{verdicts:?}");
        assert!(
            Self::count(&verdicts, "rejected") < MAX_ATTEMPTS as usize,
            "{verdicts:?}"
        );
        let after = client.resume_login(&login.to_json()).unwrap();
        assert_eq!(after.attempts(), MAX_ATTEMPTS);
        assert!(Self::count(&verdicts, "accepted") <= 1, "{verdicts:?}");

        // The right code from every process, attempts to spare: accepted exactly once.
        let generous = self.client(CHECKERS as u32 * 2);
        let login = generous
            .start_login(&number(first_number + 2), None)
            .unwrap();
        let code = self.sandbox.call(login.call()).unwrap().code;
        let verdicts = self.run(&login.to_json(), CHECKERS as u32 * 2, |_| {
            format!("{code},{code}")
        });
        assert_eq!(Self::count(&verdicts, "accepted"), 1, "{verdicts:?}");
        assert_eq!(
            Self::count(&verdicts, "locked"),
            CHECKERS * 2 - 1,
            "{verdicts:?}"
        );
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lbc-race-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn processes_racing_on_the_default_sqlite_store() {
    let sandbox = fast();
    let state_home = temp_dir("sqlite");
    Race {
        sandbox: &sandbox,
        store: None,
        state_home: state_home.clone(),
    }
    .all(0);
    assert!(
        state_home.join("loginbycall/store.sqlite3").exists(),
        "the children used the default store"
    );
    std::fs::remove_dir_all(state_home).unwrap();
}

/// A `redis-server` of our own on a free loopback port, stopped when dropped.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    fn start() -> Option<RedisServer> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = match Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => panic!("redis-server: {e}"),
        };
        let server = RedisServer { child, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn servers_racing_on_one_redis() {
    let Some(redis) = RedisServer::start() else {
        eprintln!("SKIPPED: redis-server is not installed (apt-get install redis-server)");
        return;
    };
    let sandbox = fast();
    let state_home = temp_dir("redis");
    Race {
        sandbox: &sandbox,
        store: Some(format!("redis://127.0.0.1:{}/3", redis.port)),
        state_home: state_home.clone(),
    }
    .all(10);
    std::fs::remove_dir_all(state_home).unwrap();
}

#[test]
fn a_dead_redis_is_a_store_error_within_seconds() {
    let sandbox = fast();
    let account = &sandbox.accounts()[0];
    let port = closed_port();
    let client = builder(&sandbox)
        .call_api_id(&account.call_api_id)
        .api_key(account.api_key.as_str())
        .store(format!("redis://:hunter2secret@127.0.0.1:{port}/0"));
    // With the guard on, a dead store refuses the call before it is placed: nothing is paid for
    // while the limits cannot be counted.
    let guarded = client.clone().build().unwrap();
    let err = guarded.start_login("79256880799", None).unwrap_err();
    assert_eq!(err.kind(), lbc_core::ErrorKind::Store, "{err}");
    assert!(!err.may_have_been_placed());
    assert!(
        sandbox.latest_call_to("79256880799").is_none(),
        "no call placed"
    );
    let client = client.guard(lbc_core::GuardPolicy::off()).build().unwrap();
    let login = client.start_login("79256880799", None).unwrap();
    let started = Instant::now();
    let err = client.resume_login(&login.to_json()).unwrap_err();
    assert_eq!(err.kind(), lbc_core::ErrorKind::Store, "{err}");
    assert!(!err.to_string().contains("hunter2secret"), "{err}");
    assert!(!format!("{err:?}").contains("hunter2secret"), "{err:?}");
    let err = login.check("0000").unwrap_err();
    assert_eq!(err.kind(), lbc_core::ErrorKind::Store, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
