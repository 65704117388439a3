//! `lbc demo`: a whole login against the embedded sandbox: each fate of a call with `--auto`, the
//! hangup on every way out (right code, locked, end of input, Ctrl-C), the call's status shown.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};

use common::{lbc, run, send_signal};

#[test]
fn auto_demo_logs_in_and_reports_the_call_as_it_ended() {
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
    assert!(out.contains("(call-status: dialing)"), "{out}");
    assert!(
        out.contains("The call was answered (call-status: answered)"),
        "{out}"
    );
    assert!(out.contains("Code accepted"), "{out}");
    // It ended by itself: nothing to hang up, and nothing the demo did is reported as the answer.
    assert!(
        out.contains("The call had already ended (answered); nothing to hang up."),
        "{out}"
    );
    assert!(!out.contains("Hung up"), "{out}");
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
fn auto_busy_and_error_numbers_fail_and_not_answered_logs_in() {
    let busy = run(&["demo", "--auto", "--phone", "+7 925 688-06-08"]).expect(4);
    assert!(busy.stdout.contains("(call-status: busy)"), "{busy:?}");
    assert!(!busy.stdout.contains("Code accepted"), "{busy:?}");
    assert!(busy.stderr.contains("the line was busy"), "{busy:?}");

    let failed = run(&["demo", "--auto", "--phone", "+7 925 688-06-32"]).expect(4);
    assert!(
        failed
            .stdout
            .contains("(call-status: error): Call rejected, try again"),
        "{failed:?}"
    );
    assert!(
        failed
            .stderr
            .contains("the call failed: Call rejected, try again"),
        "{failed:?}"
    );
    assert!(!failed.stdout.contains("Code accepted"), "{failed:?}");

    let missed = run(&["demo", "--auto", "--phone", "+7 925 688-06-16"]).expect(0);
    assert!(
        missed
            .stdout
            .contains("The call ended unanswered (call-status: notanswered)"),
        "{missed:?}"
    );
    assert!(missed.stdout.contains("Code accepted"), "{missed:?}");
    assert!(
        missed.stdout.contains("Logged in as +79256880616"),
        "{missed:?}"
    );
}

#[test]
fn json_demo_prints_one_result_object() {
    let result = run(&["--json", "demo", "--auto"]).expect(0);
    let answer = result.json();
    assert_eq!(answer["logged_in"], true);
    assert_eq!(answer["msisdn"], "79256880636");
    assert_eq!(answer["status_desc"], "answered");
    assert_eq!(answer["hung_up"], false);
    assert!(
        result.stderr.contains("Code accepted"),
        "the story goes to stderr"
    );

    let busy = run(&["--json", "demo", "--auto", "--phone", "79256880608"]).expect(4);
    assert!(busy.stdout.is_empty(), "{busy:?}");
    let error: serde_json::Value =
        serde_json::from_str(busy.stderr.lines().last().unwrap()).expect("a JSON error last");
    assert_eq!(error["error"]["kind"], "login_failed");
}

/// A demo reading digits from a pipe, its stdout read line by line.
struct Interactive {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Interactive {
    fn start(phone: &str) -> Interactive {
        let mut child = lbc()
            .args(["demo", "--phone", phone])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("demo starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Interactive {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one contains `text`; that line.
    fn wait_for(&mut self, text: &str) -> String {
        for line in self.lines.iter() {
            self.seen.push(line.clone());
            if line.contains(text) {
                return line;
            }
        }
        panic!("`{text}` never came:\n{}", self.seen.join("\n"));
    }

    /// The code on the virtual phone: the last `codelen` digits of the caller's number.
    fn code(&mut self) -> String {
        let prompt = self.wait_for("Waiting for a call from +");
        let codelen = prompt.matches('_').count();
        let screen = self.wait_for("Incoming call from +");
        let number: String = screen
            .split("Incoming call from +")
            .nth(1)
            .unwrap_or_default()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        number[number.len() - codelen..].to_owned()
    }

    fn type_line(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{text}").expect("typing");
    }

    /// Closes stdin and waits for the exit; the exit code, the rest of stdout, stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        drop(self.stdin.take());
        self.wait()
    }

    /// Waits for the exit with stdin still open (so that its end plays no part).
    fn wait(self) -> (Option<i32>, String, String) {
        let mut rest: Vec<String> = self.seen;
        rest.extend(self.lines.iter());
        drop(self.stdin);
        let output = self.child.wait_with_output().expect("demo ends");
        (
            output.status.code(),
            rest.join("\n"),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

#[test]
fn the_right_code_hangs_up_the_ringing_call() {
    let mut demo = Interactive::start("+7 925 688 06 36");
    let code = demo.code();
    demo.type_line(&code);
    let (exit, out, err) = demo.finish();
    assert_eq!(exit, Some(0), "{out}\n{err}");
    assert!(out.contains("Code accepted"), "{out}");
    assert!(
        out.contains("Hung up the call while it was still ringing (call-hangup)."),
        "{out}"
    );
    assert!(
        out.contains("The call ended: hung up by the demo (call-status: notanswered)."),
        "{out}"
    );
    assert!(
        !out.contains("answered (4)") && !out.contains("call-status: answered"),
        "{out}"
    );
    assert!(out.contains("Logged in as +79256880636"), "{out}");
}

#[test]
fn wrong_codes_lock_the_login_hang_up_and_exit_4() {
    let mut demo = Interactive::start("+7 925 688 06 36");
    demo.wait_for("Incoming call from");
    // Letters are never the code, whatever its length.
    for _ in 0..3 {
        demo.type_line("abcd");
    }
    let (exit, out, err) = demo.finish();
    assert_eq!(exit, Some(4), "{out}\n{err}");
    assert!(out.contains("Wrong code: 2 attempts left"), "{out}");
    assert!(out.contains("Wrong code: 1 attempt left"), "{out}");
    assert!(out.contains("no attempts left"), "{out}");
    assert!(out.contains("Hung up the call"), "{out}");
    assert!(err.contains("login failed: too many wrong codes"), "{err}");
    assert!(!out.contains("Logged in"), "{out}");
}

#[test]
fn the_end_of_input_hangs_up_too() {
    let mut demo = Interactive::start("+7 925 688 06 36");
    demo.wait_for("Incoming call from");
    let (exit, out, err) = demo.finish();
    assert_eq!(exit, Some(4), "{out}\n{err}");
    assert!(err.contains("no digits typed"), "{err}");
    assert!(out.contains("Hung up the call"), "{out}");
}

#[test]
fn ctrl_c_hangs_up_and_exits_130() {
    for signal in ["INT", "TERM"] {
        let mut demo = Interactive::start("+7 925 688 06 36");
        demo.wait_for("Incoming call from");
        send_signal(demo.child.id(), signal);
        let (exit, out, err) = demo.wait();
        assert_eq!(exit, Some(130), "{signal}: {out}\n{err}");
        assert!(out.contains("Hung up the call"), "{signal}: {out}");
        assert!(
            out.contains("The call ended: hung up by the demo"),
            "{signal}: {out}"
        );
        assert!(
            err.contains("interrupted: the call was hung up"),
            "{signal}: {err}"
        );
        assert!(!out.contains("Logged in"), "{signal}: {out}");
    }
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
