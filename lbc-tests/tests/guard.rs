//! The guard against a real sandbox: every reason refuses a call before anything is sent (the
//! sandbox's own record shows no request for it), limits hold across threads and across clients
//! sharing one store, and the brake trips on a pumping run but not on a normal one.
//!
//! The tests that share counters take a `Store`, so the same test runs on every backend: memory,
//! SQLite (a file of the test's own) and Redis (a `redis-server` the test starts on a free port, or
//! the one `LBC_TEST_REDIS_URL` names; skipped, saying so, when there is neither). Limits also hold
//! across 4 processes on SQLite and on Redis: the test binary runs itself as the children.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use lbc_core::testing::{Clock, SystemClock};
use lbc_core::{
    AllowedCountries, Client, Error, GuardPolicy, GuardReason, MemoryStore, RateLimit, Region,
    Store, Verdict, open_store,
};
use lbc_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

/// A sandbox that places calls quickly and lets one number be called again at once (so the
/// service's own repeat timeout never hides what the guard does).
fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        dial: Duration::from_millis(50),
        ring: Duration::from_millis(100),
        repeat_timeout: Duration::ZERO,
        ..Default::default()
    })
    .expect("sandbox starts")
}

/// A clock standing a minute into the current hour, so that no run straddles two of the guard's
/// fixed windows (which would make its sliding estimate weigh the first calls a little less).
struct HourClock(u64);

impl Clock for HourClock {
    fn unix_now(&self) -> u64 {
        self.0
    }
}

fn hour_clock() -> Arc<HourClock> {
    let now = SystemClock.unix_now();
    Arc::new(HourClock(now - now % 3600 + 60))
}

fn guarded(sandbox: &Sandbox, policy: GuardPolicy, store: Arc<dyn Store>) -> Client {
    let creds = &sandbox.accounts()[0];
    builder(sandbox)
        .clock(hour_clock())
        .call_api_id(&creds.call_api_id)
        .api_key(creds.api_key.as_str())
        .guard(policy)
        .store_backend(store)
        .build()
        .expect("client builds")
}

fn memory() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

/// A directory of this test's own (removed by the OS's tmp cleaning; small).
fn scratch(name: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("lbc-guard-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `sqlite:///...` of a fresh file.
fn sqlite_url(name: &str) -> String {
    format!("sqlite://{}", scratch(name).join("store.sqlite3").display())
}

/// A Redis for one test: the one `LBC_TEST_REDIS_URL` names, or a `redis-server` started on a free
/// port (and stopped on drop); `None` when there is neither.
struct Redis {
    url: String,
    server: Option<Child>,
}

impl Redis {
    fn start() -> Option<Redis> {
        if let Ok(url) = std::env::var("LBC_TEST_REDIS_URL") {
            return Some(Redis { url, server: None });
        }
        let port = closed_port();
        let dir = scratch("redis");
        let server = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(server) = server else {
            eprintln!("SKIPPED: no redis-server on PATH and no LBC_TEST_REDIS_URL");
            return None;
        };
        let redis = Redis {
            url: format!("redis://127.0.0.1:{port}/0"),
            server: Some(server),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server never listened"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(redis)
    }

    fn store(&self) -> Arc<dyn Store> {
        open_store(&self.url).expect("redis store")
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

/// What the sandbox saw: `call` requests received and calls placed.
fn seen(sandbox: &Sandbox) -> (u64, u64) {
    let state = sandbox.state_json();
    let requests = state["requests"]["by_method"]["call"].as_u64().unwrap_or(0);
    let calls = state["calls_total"].as_u64().expect("calls_total");
    (requests, calls)
}

/// Whether the sandbox ever placed a call to `msisdn` (`GET /_sandbox/phones/{msisdn}`).
fn ever_called(sandbox: &Sandbox, msisdn: &str) -> bool {
    let answer = get(sandbox.addr(), &format!("/_sandbox/phones/{msisdn}"));
    match answer.status {
        200 => true,
        404 => false,
        other => panic!("phones/{msisdn}: HTTP {other}: {}", answer.text()),
    }
}

#[track_caller]
fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, reason: GuardReason) -> Error {
    match result {
        Err(err @ Error::GuardRefused { .. }) => {
            assert_eq!(err.guard_reason(), Some(reason), "{err}");
            assert_eq!(err.kind().as_str(), "guard_refused");
            assert!(!err.may_have_been_placed(), "{err}");
            err
        }
        other => panic!("expected a refusal for {reason}, got {other:?}"),
    }
}

/// One row of the guard's table: a policy, calls that pass, then a call it refuses.
struct Row {
    reason: GuardReason,
    policy: GuardPolicy,
    /// (msisdn, ip) that are placed.
    pass: Vec<(&'static str, Option<&'static str>)>,
    /// The call refused.
    refused: (&'static str, Option<&'static str>),
    /// Whether waiting helps.
    retry: bool,
    /// A call that still passes afterwards (the refusal was about that number, IP, range only).
    still_passes: Option<(&'static str, Option<&'static str>)>,
}

fn table() -> Vec<Row> {
    let off = GuardPolicy::off;
    vec![
        // A pager number of Great Britain: refused for its type before its country is looked at.
        Row {
            reason: GuardReason::NumberType,
            policy: GuardPolicy::default(),
            pass: vec![],
            refused: ("+44 7640 123456", None),
            retry: false,
            still_passes: Some(("+7 925 688-06-36", None)),
        },
        // A fixed-line-or-mobile number of the USA: a fine type, but not the default region.
        Row {
            reason: GuardReason::Country,
            policy: GuardPolicy::default(),
            pass: vec![],
            refused: ("+1 201 555 0123", None),
            retry: false,
            still_passes: Some(("+7 925 688-06-36", None)),
        },
        // The default: 5 calls per number an hour.
        Row {
            reason: GuardReason::NumberRate,
            policy: GuardPolicy::default(),
            pass: vec![("79256880636", Some("203.0.113.7")); 5],
            refused: ("8 (925) 688-06-36", Some("203.0.113.8")),
            retry: true,
            still_passes: Some(("79256880637", Some("203.0.113.7"))),
        },
        Row {
            reason: GuardReason::IpRate,
            policy: GuardPolicy {
                ip_rate: Some(RateLimit::per_hour(3)),
                ..off()
            },
            pass: vec![
                ("79256880100", Some("203.0.113.7")),
                ("79161230200", Some("203.0.113.7")),
                ("79031230300", Some("203.0.113.7")),
            ],
            refused: ("79261230400", Some("203.0.113.7")),
            retry: true,
            still_passes: Some(("79261230400", Some("203.0.113.9"))),
        },
        Row {
            reason: GuardReason::RangeRate,
            policy: GuardPolicy {
                range_rate: Some(RateLimit::per_hour(3)),
                ..off()
            },
            pass: vec![
                ("79256880100", None),
                ("79256880101", None),
                ("79256880102", None),
            ],
            refused: ("79256880999", None),
            retry: true,
            still_passes: Some(("79256881000", None)),
        },
        Row {
            reason: GuardReason::GlobalRate,
            policy: GuardPolicy {
                global_rate: Some(RateLimit::per_hour(3)),
                ..off()
            },
            pass: vec![
                ("79256880100", None),
                ("79161230200", None),
                ("79031230300", None),
            ],
            refused: ("79261230400", None),
            retry: true,
            still_passes: None,
        },
        Row {
            reason: GuardReason::Spend,
            policy: GuardPolicy {
                call_price: Some(100),
                spend_per_day: Some(250),
                ..off()
            },
            pass: vec![("79256880100", None), ("79161230200", None)],
            refused: ("79031230300", None),
            retry: true,
            still_passes: None,
        },
        Row {
            reason: GuardReason::Brake,
            policy: GuardPolicy {
                brake_min_calls: 5,
                ..off()
            },
            pass: vec![
                ("79256880100", None),
                ("79256880101", None),
                ("79256880102", None),
                ("79256880103", None),
                ("79256880104", None),
            ],
            refused: ("79256880105", None),
            retry: true,
            still_passes: None,
        },
    ]
}

#[test]
fn every_reason_refuses_before_anything_is_sent() {
    let rows = table();
    let reasons: Vec<_> = rows.iter().map(|r| r.reason).collect();
    assert_eq!(reasons, GuardReason::ALL, "one row per reason, in order");
    for row in rows {
        let sandbox = sandbox();
        let client = guarded(&sandbox, row.policy, memory());
        for (msisdn, ip) in &row.pass {
            client
                .call(msisdn, *ip)
                .unwrap_or_else(|e| panic!("{}: {msisdn} should pass: {e}", row.reason));
        }
        let before = seen(&sandbox);
        assert_eq!(before.0, row.pass.len() as u64, "{}", row.reason);
        let (msisdn, ip) = row.refused;
        let err = assert_refused(client.call(msisdn, ip), row.reason);
        // And through the login, and through the escape hatch every binding can reach.
        assert_refused(client.start_login(msisdn, ip), row.reason);
        let normal = client.normalize_phone(msisdn).unwrap();
        let mut params = lbc_core::protocol::Params::new().with("msisdn", normal.as_str());
        if let Some(ip) = ip {
            params.set("ip_address", ip);
        }
        assert_refused(client.request("call", &params), row.reason);
        assert_eq!(
            seen(&sandbox),
            before,
            "{}: a refused call reached the sandbox",
            row.reason
        );
        if row
            .pass
            .iter()
            .all(|(m, _)| client.normalize_phone(m).unwrap() != normal)
        {
            assert!(!ever_called(&sandbox, &normal), "{}", row.reason);
        }
        assert_eq!(
            err.retry_after().is_some(),
            row.retry,
            "{}: {err}",
            row.reason
        );
        if let Some(after) = err.retry_after() {
            assert!(after > Duration::ZERO && after <= Duration::from_secs(86_400));
        }
        // The message names the reason and never the whole number.
        let text = err.to_string();
        assert!(text.contains(row.reason.as_str()), "{text}");
        assert!(!text.contains(&normal), "{text}");
        if let Some((msisdn, ip)) = row.still_passes {
            client
                .call(msisdn, ip)
                .unwrap_or_else(|e| panic!("{}: {msisdn} should still pass: {e}", row.reason));
        }
    }
}

#[test]
fn wider_countries_and_types_are_the_site_s_choice() {
    let sandbox = sandbox();
    let client = guarded(
        &sandbox,
        GuardPolicy {
            allowed_countries: AllowedCountries::Only(vec![Region::RU, "US".parse().unwrap()]),
            ..GuardPolicy::default()
        },
        memory(),
    );
    client.call("+1 201 555 0123", None).unwrap();
    assert_refused(client.call("+44 7400 123456", None), GuardReason::Country);
    // With the guard off, any number the metadata knows as valid goes.
    let open = guarded(&sandbox, GuardPolicy::off(), memory());
    open.call("+44 7640 123456", None).unwrap();
    // A client of another default region allows that region by default.
    let creds = &sandbox.accounts()[0];
    let kz = builder(&sandbox)
        .call_api_id(&creds.call_api_id)
        .api_key(creds.api_key.as_str())
        .default_region("KZ".parse().unwrap())
        .store("memory:")
        .build()
        .unwrap();
    kz.call("+7 701 234 5678", None).unwrap();
    assert_refused(kz.call("+7 925 688-06-36", None), GuardReason::Country);
}

/// 4 threads race to call one number 5 times each; the limit (5) holds exactly.
fn limits_hold_across_threads(store: Arc<dyn Store>) {
    let sandbox = sandbox();
    let client = guarded(
        &sandbox,
        GuardPolicy {
            number_rate: Some(RateLimit::per_hour(5)),
            ..GuardPolicy::off()
        },
        store,
    );
    let results: Vec<Result<_, Error>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let client = client.clone();
                scope.spawn(move || {
                    (0..5)
                        .map(|_| client.call("79256880636", None).map(drop))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let placed = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(placed, 5, "{results:?}");
    for refused in results.into_iter().filter(Result::is_err) {
        assert_refused(refused, GuardReason::NumberRate);
    }
    assert_eq!(seen(&sandbox), (5, 5));
}

#[test]
fn limits_hold_across_threads_memory() {
    limits_hold_across_threads(memory());
}

#[test]
fn limits_hold_across_threads_sqlite() {
    limits_hold_across_threads(open_store(&sqlite_url("threads")).unwrap());
}

#[test]
fn limits_hold_across_threads_redis() {
    if let Some(redis) = Redis::start() {
        limits_hold_across_threads(redis.store());
    }
}

/// Two clients (two "servers") on one store, each with 2 threads, place at most the global limit
/// between them; a client on another store counts apart.
fn limits_hold_across_clients_sharing_a_store(store: Arc<dyn Store>) {
    let sandbox = sandbox();
    let policy = GuardPolicy {
        global_rate: Some(RateLimit::per_hour(6)),
        ..GuardPolicy::off()
    };
    let clients = [
        guarded(&sandbox, policy.clone(), store.clone()),
        guarded(&sandbox, policy.clone(), store),
    ];
    let placed: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let client = clients[t % 2].clone();
                scope.spawn(move || {
                    (0..5)
                        .filter(|i| {
                            let msisdn = format!("7925688{t}{i:03}");
                            match client.call(&msisdn, None) {
                                Ok(_) => true,
                                Err(err) => {
                                    assert_eq!(err.guard_reason(), Some(GuardReason::GlobalRate));
                                    false
                                }
                            }
                        })
                        .count()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    assert_eq!(placed, 6);
    assert_eq!(seen(&sandbox), (6, 6));
    let apart = guarded(&sandbox, policy, memory());
    apart.call("79256889999", None).unwrap();
}

#[test]
fn limits_hold_across_clients_sharing_a_store_memory() {
    limits_hold_across_clients_sharing_a_store(memory());
}

#[test]
fn limits_hold_across_clients_sharing_a_store_sqlite() {
    limits_hold_across_clients_sharing_a_store(open_store(&sqlite_url("clients")).unwrap());
}

#[test]
fn limits_hold_across_clients_sharing_a_store_redis() {
    if let Some(redis) = Redis::start() {
        limits_hold_across_clients_sharing_a_store(redis.store());
    }
}

/// What a child process of [`limits_hold_across_processes`] is told, one value a line.
const CHILD: &str = "LBC_GUARD_CHILD";

/// 4 processes (this test binary, run as [`guard_child`]) on one store race to call one number 5
/// times each, starting at the same instant; the limit (5) holds exactly.
fn limits_hold_across_processes(store_url: &str) {
    let sandbox = sandbox();
    let creds = &sandbox.accounts()[0];
    let clock = hour_clock().0;
    let start_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 1500;
    let spec = [
        store_url,
        sandbox.base_url(),
        &creds.call_api_id,
        &creds.api_key,
        &clock.to_string(),
        &start_ms.to_string(),
    ]
    .join("\n");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "guard_child", "--nocapture", "--test-threads=1"])
                .env(CHILD, &spec)
                .stdout(Stdio::piped())
                .spawn()
                .expect("child starts")
        })
        .collect();
    let placed: usize = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(out.status.success(), "{text}");
            text.lines()
                .find_map(|l| l.split_once("PLACED=").map(|(_, n)| n))
                .unwrap_or_else(|| panic!("no PLACED line: {text}"))
                .trim()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(placed, 5);
    assert_eq!(seen(&sandbox), (5, 5));
}

/// One child of [`limits_hold_across_processes`]; does nothing when run as a test of its own.
#[test]
fn guard_child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let spec: Vec<&str> = spec.split('\n').collect();
    let [store, base_url, id, key, clock, start_ms] = spec[..] else {
        panic!("bad {CHILD}: {spec:?}");
    };
    let client = Client::builder()
        .base_url(base_url)
        .call_api_id(id)
        .api_key(key)
        .max_retries(0)
        .clock(Arc::new(HourClock(clock.parse().unwrap())))
        .store(store)
        .guard(GuardPolicy {
            number_rate: Some(RateLimit::per_hour(5)),
            ..GuardPolicy::off()
        })
        .build()
        .unwrap();
    let start_ms: u128 = start_ms.parse().unwrap();
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    std::thread::sleep(Duration::from_millis(
        u64::try_from(start_ms.saturating_sub(now_ms)).unwrap(),
    ));
    let mut placed = 0;
    for _ in 0..5 {
        match client.call("79256880636", None) {
            Ok(_) => placed += 1,
            Err(err) => assert_eq!(err.guard_reason(), Some(GuardReason::NumberRate), "{err}"),
        }
    }
    println!("PLACED={placed}");
}

#[test]
fn limits_hold_across_processes_sqlite() {
    limits_hold_across_processes(&sqlite_url("processes"));
}

#[test]
fn limits_hold_across_processes_redis() {
    if let Some(redis) = Redis::start() {
        limits_hold_across_processes(&redis.url);
    }
}

/// Everything the SDK logs, as `LEVEL target: message`.
static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        LOGGED.lock().unwrap().push(format!(
            "{} {}: {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }

    fn flush(&self) {}
}

fn capture_logs() {
    // Set once per test process; later calls find it set.
    let _ = log::set_logger(&Capture);
    log::set_max_level(log::LevelFilter::Debug);
}

/// A pumping run with the default policy: calls to one range from many addresses, no code ever
/// typed. The 21st call is refused by the brake, and the pause is logged at WARN.
fn pumping_run_trips_the_brake(store: Arc<dyn Store>) {
    capture_logs();
    let sandbox = sandbox();
    let client = guarded(&sandbox, GuardPolicy::default(), store);
    for i in 0..20 {
        let msisdn = format!("79256880{i:03}");
        let ip = format!("198.51.100.{i}");
        client
            .start_login(&msisdn, Some(&ip))
            .unwrap_or_else(|e| panic!("call {i}: {e}"));
    }
    let err = assert_refused(
        client.start_login("79256880020", Some("198.51.100.20")),
        GuardReason::Brake,
    );
    let after = err.retry_after().expect("retry_after");
    assert!(
        after > Duration::from_secs(14 * 60) && after <= Duration::from_secs(15 * 60),
        "{after:?}"
    );
    assert!(err.to_string().contains("+79256880xxx"), "{err}");
    // Paused: the next one is refused at once, elsewhere in the range too; nothing was sent.
    assert_refused(client.call("79256880999", None), GuardReason::Brake);
    assert_eq!(seen(&sandbox), (20, 20));
    // Only that range: the rest of the site's own country goes on.
    client.call("79161230000", Some("198.51.100.200")).unwrap();
    assert_eq!(seen(&sandbox), (21, 21));
    assert!(!ever_called(&sandbox, "79256880020"));
    let logged = LOGGED.lock().unwrap();
    assert!(
        logged
            .iter()
            .any(|l| l.starts_with("WARN loginbycall:") && l.contains("+79256880xxx")),
        "{logged:?}"
    );
}

#[test]
fn pumping_run_trips_the_brake_memory() {
    pumping_run_trips_the_brake(memory());
}

#[test]
fn pumping_run_trips_the_brake_sqlite() {
    pumping_run_trips_the_brake(open_store(&sqlite_url("pumping")).unwrap());
}

#[test]
fn pumping_run_trips_the_brake_redis() {
    if let Some(redis) = Redis::start() {
        pumping_run_trips_the_brake(redis.store());
    }
}

/// A normal run with the default policy: 25 logins in one range, each code typed and accepted.
/// The brake never trips.
fn normal_run_keeps_the_brake_off(store: Arc<dyn Store>) {
    let sandbox = sandbox();
    let client = guarded(&sandbox, GuardPolicy::default(), store);
    for i in 0..25 {
        let msisdn = format!("79256880{i:03}");
        let ip = format!("198.51.100.{i}");
        let login = client
            .start_login(&msisdn, Some(&ip))
            .unwrap_or_else(|e| panic!("login {i}: {e}"));
        let code = sandbox.latest_call_to(&msisdn).expect("a call").code;
        assert_eq!(
            login.check(&code).expect("the store answers"),
            Verdict::Accepted
        );
    }
    assert_eq!(seen(&sandbox), (25, 25));
}

#[test]
fn normal_run_keeps_the_brake_off_memory() {
    normal_run_keeps_the_brake_off(memory());
}

#[test]
fn normal_run_keeps_the_brake_off_sqlite() {
    normal_run_keeps_the_brake_off(open_store(&sqlite_url("normal")).unwrap());
}

#[test]
fn normal_run_keeps_the_brake_off_redis() {
    if let Some(redis) = Redis::start() {
        normal_run_keeps_the_brake_off(redis.store());
    }
}

#[test]
fn bad_policies_are_refused_when_the_client_is_built() {
    let sandbox = sandbox();
    let client = guarded(&sandbox, GuardPolicy::off(), memory());
    assert_eq!(client.guard_policy(), &GuardPolicy::off());
    assert_eq!(
        Client::builder().build().unwrap().guard_policy(),
        &GuardPolicy::default()
    );
    for policy in [
        GuardPolicy {
            number_rate: Some(RateLimit::per_hour(0)),
            ..GuardPolicy::default()
        },
        GuardPolicy {
            spend_per_day: Some(1000),
            ..GuardPolicy::default()
        },
        GuardPolicy {
            brake_min_ratio: f64::NAN,
            ..GuardPolicy::default()
        },
    ] {
        let built = builder(&sandbox).guard(policy).build();
        assert!(
            matches!(built, Err(Error::InvalidInput { .. })),
            "{built:?}"
        );
    }
    let _: Value = sandbox.state_json();
}
