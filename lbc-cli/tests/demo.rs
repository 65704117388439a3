//! `lbc demo`: a whole login against the embedded sandbox.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{lbc, run};

#[test]
fn auto_demo_logs_in() {
    let result = run(&["demo", "--auto"]).expect(0);
    let out = &result.stdout;
    let prompt = out
        .lines()
        .find_map(|l| l.strip_prefix("Waiting for a call from +"))
        .unwrap_or_else(|| panic!("no prompt line in:\n{out}"));
    let (shown, blanks) = prompt.split_once('[').expect("prompt has [");
    assert!(
        !shown.is_empty() && shown.bytes().all(|b| b.is_ascii_digit()),
        "{prompt}"
    );
    let blanks = blanks.strip_suffix(']').expect("prompt ends with ]");
    assert!(
        !blanks.is_empty() && blanks.bytes().all(|b| b == b'_'),
        "{prompt}"
    );

    let caller = format!("Incoming call from +{shown}");
    assert!(
        out.contains(&caller),
        "the virtual phone shows the caller: {out}"
    );
    assert!(out.contains("Code accepted"), "{out}");
    assert!(out.contains("Hung up the call"), "{out}");
    assert!(out.contains("Final call status:"), "{out}");
    assert!(out.contains("Logged in as +79256880636"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "no ANSI codes off a terminal: {out:?}"
    );
    assert!(
        !out.contains('\r'),
        "no spinner animation off a terminal: {out:?}"
    );
}

#[test]
fn wrong_codes_lock_the_login_and_exit_4() {
    let mut child = lbc()
        .args(["demo", "--phone", "+7 925 688 06 36"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("demo starts");
    // Letters are never the code, whatever its length.
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"abcd\nabcd\nabcd\n")
        .expect("writing the codes");
    let output = child.wait_with_output().expect("demo ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(stdout.contains("Wrong code: 2 attempts left"), "{stdout}");
    assert!(stdout.contains("Wrong code: 1 attempt left"), "{stdout}");
    assert!(stdout.contains("no attempts left"), "{stdout}");
    assert!(stderr.contains("login failed"), "{stderr}");
    assert!(!stdout.contains("Logged in"), "{stdout}");
}

#[test]
fn no_digits_at_all_is_a_failed_login() {
    // stdin is closed by `run`.
    let result = run(&["demo"]).expect(4);
    assert!(result.stderr.contains("no digits typed"), "{result:?}");
}

#[test]
fn a_bad_phone_is_refused_before_the_sandbox_starts() {
    let result = run(&["demo", "--phone", "+7 925 abc", "--auto"]).expect(2);
    assert!(result.stderr.contains("msisdn"), "{result:?}");
    assert!(result.stdout.is_empty(), "{result:?}");
}
