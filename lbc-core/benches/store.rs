//! Prints what the store adds to a whole login (the call placed, its state sealed, resumed on the
//! next page and the right code checked) with `memory:`, SQLite and a local Redis: medians, p99
//! and ratios, and the store's own operations alone (resume: 2 reads; check: an increment and an
//! add-if-absent).
//!
//! `cargo bench -p lbc-core --bench store` — figures only, nothing asserted. Goal: under 1 ms
//! added with SQLite and under 0.5 ms with Redis at the median. Redis needs `redis-server` on the
//! PATH (started here on a free loopback port); without it that row is skipped.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lbc_core::{Client, LoginPolicy, Verdict, open_store};
use lbc_sandbox::{Sandbox, SandboxConfig};

mod support;
use support::measure;

const WARMUP: usize = 50;
const ROUNDS: usize = 600;
const STORE_ROUNDS: usize = 5_000;

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A `redis-server` on a free loopback port, stopped when dropped.
struct Redis(Child, u16);

impl Redis {
    fn start() -> Option<Redis> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .ok()?;
        let redis = Redis(child, port);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(redis)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let sandbox = Sandbox::start(SandboxConfig {
        repeat_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let account = &sandbox.accounts()[0];
    let dir = std::env::temp_dir().join(format!("lbc-bench-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let redis = Redis::start();
    let mut stores = vec![
        ("memory:".to_owned(), "memory:".to_owned()),
        (
            "sqlite (WAL, file in the temp dir)".to_owned(),
            format!("sqlite://{}", dir.join("store.sqlite3").display()),
        ),
    ];
    match &redis {
        Some(redis) => stores.push((
            "redis (local redis-server)".to_owned(),
            format!("redis://127.0.0.1:{}/0", redis.1),
        )),
        None => println!("redis-server not found: the Redis row is skipped"),
    }

    let numbers = AtomicU64::new(0);
    let mut rows = Vec::new();
    for (name, url) in &stores {
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .call_api_id(account.call_api_id.as_str())
            .api_key(account.api_key.as_str())
            .store(url.as_str())
            .login_policy(LoginPolicy::default())
            .build()
            .expect("client");
        let login = measure(WARMUP, ROUNDS, || {
            // One number per range (the number without its last 3 digits), as a site's users
            // are: the guard (on, with its defaults, counting in the same store) allows 30 calls
            // an hour to one range.
            let n = numbers.fetch_add(1, Ordering::Relaxed);
            let msisdn = format!("7925{:07}", 1_000_000 + n * 1000);
            let started = client.start_login(&msisdn, None).expect("call");
            let state = started.to_json();
            let code = sandbox.call(started.call()).expect("call").code;
            let resumed = client.resume_login(&state).expect("resume");
            assert_eq!(resumed.check(&code).expect("check"), Verdict::Accepted);
        });
        let store = open_store(url).expect("store");
        let mut k = 0u64;
        let ops = measure(WARMUP, STORE_ROUNDS, || {
            k += 1;
            let (attempts, accepted) = (format!("bench:a:{k}"), format!("bench:b:{k}"));
            let ttl = Duration::from_secs(420);
            store.get(&attempts).expect("get");
            store.get(&accepted).expect("get");
            store.incr(&attempts, 1, ttl).expect("incr");
            assert!(store.add(&accepted, ttl).expect("add"));
        });
        rows.push((name.clone(), login, ops));
    }

    let base = rows[0].1.0;
    println!(
        "A whole login (call + seal + resume + check) against a local sandbox, {ROUNDS} rounds; \
         the store's own operations (2 gets + incr + add), {STORE_ROUNDS} rounds:"
    );
    println!(
        "{:<36} {:>12} {:>10} {:>16} {:>10} {:>16}",
        "store", "login med µs", "p99 µs", "added vs memory", "ratio", "store ops med µs"
    );
    for (name, (median, p99), (ops, _)) in &rows {
        println!(
            "{name:<36} {:>12.1} {:>10.1} {:>13.1} µs {:>9.2}x {:>16.1}",
            micros(*median),
            micros(*p99),
            micros(median.saturating_sub(base)),
            median.as_secs_f64() / base.as_secs_f64(),
            micros(*ops),
        );
    }
    for (name, (median, _), (ops, _)) in rows.iter().skip(1) {
        let goal = if name.starts_with("sqlite") {
            1000.0
        } else {
            500.0
        };
        println!(
            "{name}: adds {:.1} µs to a login at the median (store ops alone {:.1} µs); goal < {goal} µs",
            micros(median.saturating_sub(base)),
            micros(*ops)
        );
    }
    sandbox.shutdown();
    drop(redis);
    let _ = std::fs::remove_dir_all(dir);
}
