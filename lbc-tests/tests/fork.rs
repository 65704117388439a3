//! A client made before `fork()` (gunicorn `--preload`, a PHP-FPM master, `multiprocessing`): its
//! children and the parent call through it at once, and every answer belongs to the request that
//! asked for it. A child that reused the parent's pooled socket would read answers meant for
//! another process: another user's call id and mask, so their code.
#![cfg(unix)]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lbc_core::{Client, GuardPolicy};

const CHILDREN: u32 = 4;
const CALLS: u32 = 40;
/// The number of the process a child forks in turn.
const GRANDCHILD: u32 = CHILDREN + 1;

/// A number of its own for each request of each process, in a range of its own too (a valid
/// Russian mobile number; the last digits `23` make the sandbox's call answered).
fn msisdn(process: u32, call: u32) -> String {
    format!("7925{process}{call:03}123")
}

/// Places `CALLS` calls from `start` on and writes `msisdn call mask` (or `msisdn error ...`) per
/// line to `out`.
fn place_calls(client: &Client, process: u32, start: Instant, out: &Path) {
    // Every process starts at once (the monotonic clock is the machine's), so that their first
    // requests meet on any socket they share.
    std::thread::sleep(start.saturating_duration_since(Instant::now()));
    let mut lines = String::new();
    for n in 0..CALLS {
        let number = msisdn(process, n);
        match client.call(&number, None) {
            Ok(started) => lines += &format!("{number} {} {}\n", started.call, started.mask),
            Err(err) => lines += &format!("{number} error {err}\n"),
        }
    }
    std::fs::write(out, lines).expect("results written");
}

fn results_file(dir: &Path, process: u32) -> PathBuf {
    dir.join(format!("process-{process}.txt"))
}

#[test]
fn children_of_fork_and_their_parent_never_read_each_others_answers() {
    let sandbox = common::fast();
    let client = common::builder(&sandbox)
        .call_api_id(&sandbox.accounts()[0].call_api_id)
        .api_key(sandbox.accounts()[0].api_key.as_str())
        .timeout(Duration::from_secs(3))
        // 240 calls with no code ever typed is what the guard's brake exists to stop.
        .guard(GuardPolicy::off())
        .build()
        .expect("client builds");
    // A request before the fork, so that the pool holds a kept-alive socket the children inherit;
    // and the phone metadata loaded once, not in every child.
    client.server_status().expect("the sandbox answers");
    client
        .normalize_phone(&msisdn(0, 0))
        .expect("a valid number");

    let dir = std::env::temp_dir().join(format!("lbc-fork-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let start = Instant::now() + Duration::from_millis(300);
    let mut children = Vec::new();
    for process in 1..=CHILDREN {
        children.push(fork(|| {
            if process == 1 {
                // A child that forks in turn, after a request of its own: the grandchild must use
                // neither its parent's pool nor its grandparent's.
                client
                    .server_status()
                    .expect("the sandbox answers the child");
                let grandchild = fork(|| {
                    place_calls(&client, GRANDCHILD, start, &results_file(&dir, GRANDCHILD))
                });
                place_calls(&client, process, start, &results_file(&dir, process));
                wait(grandchild);
            } else {
                place_calls(&client, process, start, &results_file(&dir, process));
            }
        }));
    }
    // The parent calls at the same time as its children, on the same client.
    place_calls(&client, 0, start, &results_file(&dir, 0));
    for pid in children {
        wait(pid);
    }

    let (mut answers, mut crossed, mut errors) = (0, Vec::new(), Vec::new());
    for process in 0..=GRANDCHILD {
        let text = std::fs::read_to_string(results_file(&dir, process)).expect("results");
        for line in text.lines() {
            let fields: Vec<&str> = line.splitn(3, ' ').collect();
            let [number, call, mask] = fields[..] else {
                panic!("bad line {line:?}")
            };
            if call == "error" {
                errors.push(format!("process {process}: {line}"));
                continue;
            }
            answers += 1;
            // The sandbox's own record of the call id this process was given.
            match sandbox.call(call) {
                Some(record) if record.msisdn == number && record.mask == mask => {}
                other => crossed.push(format!(
                    "process {process} asked for {number}, got call {call} mask {mask}: the \
                     sandbox has {other:?}"
                )),
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        crossed.is_empty(),
        "{} crossed answers: {crossed:#?}",
        crossed.len()
    );
    assert!(
        errors.is_empty(),
        "{} failed calls: {errors:#?}",
        errors.len()
    );
    assert_eq!(answers, (GRANDCHILD + 1) * CALLS);
}

/// Runs `work` in a child process and returns its pid; the child exits 0 when `work` returns and
/// 101 when it panics.
fn fork(work: impl FnOnce()) -> libc::pid_t {
    // SAFETY: the child only uses memory fork copied (the client), the file system, `fork` and
    // `waitpid` for its own child, and `_exit`; it never returns into the test harness nor
    // touches the sandbox, whose threads do not exist in it.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let ok = catch_unwind(AssertUnwindSafe(work)).is_ok();
        // SAFETY: ends the child at once, without running destructors or the harness's exit path
        // in a copy of a multi-threaded process.
        unsafe { libc::_exit(if ok { 0 } else { 101 }) };
    }
    pid
}

/// Waits for the child `pid` and asserts that it exited 0.
fn wait(pid: libc::pid_t) {
    let mut status = 0;
    // SAFETY: `pid` is a child of this process and `status` a valid place to write.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid, "{}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child {pid} failed (status {status:#x})"
    );
}
