//! Helpers for running the real `lbc` binary and a real `lbc sandbox` process; the helpers other
//! test crates share too come from `lbc-testkit`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::Value;

/// `lbc` with the LBC_* variables of the test's environment removed, stdin closed, and a
/// configuration directory without profiles (so that the user's own profiles play no part).
pub fn lbc() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lbc"));
    for name in [
        "LBC_BASE_URL",
        "LBC_CALL_API_ID",
        "LBC_API_KEY",
        "LBC_REGION",
        "LBC_PROFILE",
        "LBC_PROXY",
    ] {
        command.env_remove(name);
    }
    command.env("XDG_CONFIG_HOME", no_config_dir());
    command.stdin(Stdio::null());
    command
}

/// A configuration directory that holds nothing (it is never created).
fn no_config_dir() -> PathBuf {
    std::env::temp_dir().join(format!("lbc-cli-test-no-config-{}", std::process::id()))
}

/// A fresh directory, removed with everything in it when dropped.
pub struct TempDir {
    /// Its path.
    pub path: PathBuf,
}

impl TempDir {
    /// Creates a new empty directory under the system's temporary directory.
    pub fn new(label: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "lbc-cli-test-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("creating a temporary directory");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What one run of `lbc` did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Run {
    /// stdout as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Asserts the exit code, showing everything on failure.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "unexpected exit code: {self:#?}");
        self
    }
}

/// Runs a prepared command to completion.
pub fn run_command(command: &mut Command) -> Run {
    let output = command.output().expect("lbc runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `lbc ARGS...`.
pub fn run(args: &[&str]) -> Run {
    run_command(lbc().args(args))
}

/// A `lbc sandbox` child process, stopped with SIGTERM when dropped.
pub struct SandboxProcess {
    child: Option<Child>,
    stdout: Option<BufReader<ChildStdout>>,
    /// The ready line, parsed.
    pub ready: Value,
    /// `base_url` from the ready line.
    pub base_url: String,
    /// The first account's id.
    pub call_api_id: String,
    /// The first account's key.
    pub api_key: String,
}

impl SandboxProcess {
    /// Starts `lbc sandbox --listen 127.0.0.1:0 EXTRA...` and reads its ready line.
    pub fn start(extra: &[&str]) -> SandboxProcess {
        let mut child = lbc()
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("lbc sandbox starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("reading the ready line");
        let ready: Value = match serde_json::from_str(line.trim()) {
            Ok(ready) => ready,
            Err(error) => {
                let _ = child.kill();
                let status = child.wait();
                panic!("no JSON ready line ({error}): {line:?}; sandbox exited {status:?}");
            }
        };
        let account = &ready["accounts"][0];
        SandboxProcess {
            base_url: ready["base_url"].as_str().unwrap_or_default().to_owned(),
            call_api_id: account["call_api_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            api_key: account["api_key"].as_str().unwrap_or_default().to_owned(),
            ready,
            child: Some(child),
            stdout: Some(stdout),
        }
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// `lbc` pointed at this sandbox with its first account's credentials (from the environment,
    /// as a careful user would pass the key).
    pub fn lbc(&self) -> Command {
        let mut command = lbc();
        command
            .env("LBC_BASE_URL", &self.base_url)
            .env("LBC_CALL_API_ID", &self.call_api_id)
            .env("LBC_API_KEY", &self.api_key);
        command
    }

    /// Runs `lbc ARGS...` against this sandbox.
    pub fn run(&self, args: &[&str]) -> Run {
        run_command(self.lbc().args(args))
    }

    /// Sends `signal` (e.g. `TERM`), waits for the exit, and returns the exit code and whatever the
    /// process printed on stdout after its ready line.
    pub fn stop_with(mut self, signal: &str) -> (Option<i32>, String) {
        let mut child = self.child.take().expect("running");
        send_signal(child.id(), signal);
        let status = child.wait().expect("waiting for the sandbox");
        let mut rest = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            stdout.read_to_string(&mut rest).expect("reading stdout");
        }
        (status.code(), rest)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            send_signal(child.id(), "TERM");
            if child.wait().is_err() {
                let _ = child.kill();
            }
        }
    }
}

/// `kill -SIGNAL PID` (std can only send SIGKILL, and this crate forbids unsafe code).
pub fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

// Not every test file that includes this module uses them.
#[allow(unused_imports)]
pub use lbc_testkit::{closed_port, http};

/// A sandbox playing a broken or hostile service: every API request is answered with the same raw
/// bytes (or, `silent`, never), and counted by method (`lbc_testkit::answering` / `hanging`).
pub struct ScriptedServer {
    /// `http://127.0.0.1:PORT/callapi/v2.0/`.
    pub base_url: String,
    sandbox: lbc_sandbox::Sandbox,
}

impl ScriptedServer {
    /// Answers every request with status `status` and `body` (JSON content type).
    pub fn answering(status: &str, body: &str) -> ScriptedServer {
        ScriptedServer::over(lbc_testkit::answering(&lbc_testkit::http_answer(
            status, body,
        )))
    }

    /// Reads requests but never answers.
    pub fn silent() -> ScriptedServer {
        ScriptedServer::over(lbc_testkit::hanging())
    }

    fn over(sandbox: lbc_sandbox::Sandbox) -> ScriptedServer {
        ScriptedServer {
            base_url: sandbox.base_url().to_owned(),
            sandbox,
        }
    }

    /// How many requests went to `method`.
    pub fn count(&self, method: &str) -> usize {
        lbc_testkit::requests_of(&self.sandbox, method) as usize
    }

    /// `lbc` pointed at this server with made-up credentials.
    pub fn lbc(&self) -> Command {
        scripted_lbc(&self.base_url)
    }

    /// Runs `lbc ARGS...` against this server.
    pub fn run(&self, args: &[&str]) -> Run {
        run_command(self.lbc().args(args))
    }
}

fn scripted_lbc(base_url: &str) -> Command {
    let mut command = lbc();
    command
        .env("LBC_BASE_URL", base_url)
        .env("LBC_CALL_API_ID", "scripted-id")
        .env("LBC_API_KEY", "scripted-key");
    command
}

/// A local HTTP server that answers every request with the same bytes and records the requests, as
/// text. Hand-written on purpose, for the tests that read the bytes `lbc` sent (its query, its
/// headers, a proxy's absolute request target): the sandbox answers requests but does not hand them
/// back, and it cannot play a proxy. Everything else uses [`ScriptedServer`].
pub struct RecordingServer {
    /// `http://127.0.0.1:PORT/callapi/v2.0/`.
    pub base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl RecordingServer {
    /// Answers every request with status `status` and `body` (JSON content type).
    pub fn answering(status: &str, body: &str) -> RecordingServer {
        let answer = lbc_testkit::http_answer(status, body);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(mut stream) = stream else { continue };
                    if let Some(request) = read_request(&mut stream) {
                        requests.lock().unwrap().push(request);
                    }
                    let _ = stream.write_all(answer.as_bytes());
                }
            })
        };
        RecordingServer {
            base_url: format!("http://127.0.0.1:{port}/callapi/v2.0/"),
            requests,
            stop,
            port,
            thread: Some(thread),
        }
    }

    /// Every request received so far: request line, headers and body, as text.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests went to `method` (by the request line's path).
    pub fn count(&self, method: &str) -> usize {
        let target = format!("/callapi/v2.0/{method}");
        self.requests()
            .iter()
            .filter(|r| {
                r.split_whitespace()
                    .nth(1)
                    .is_some_and(|path| path.split('?').next() == Some(target.as_str()))
            })
            .count()
    }

    /// `lbc` pointed at this server with made-up credentials.
    pub fn lbc(&self) -> Command {
        scripted_lbc(&self.base_url)
    }

    /// Runs `lbc ARGS...` against this server.
    pub fn run(&self, args: &[&str]) -> Run {
        run_command(self.lbc().args(args))
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return (!head.is_empty()).then_some(head);
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let end = line == "\r\n" || line == "\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    head.push_str(&String::from_utf8_lossy(&body));
    Some(head)
}
