//! Helpers for running the real `lbc` binary and a real `lbc sandbox` process.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

/// `lbc` with the LBC_* variables of the test's environment removed and stdin closed.
pub fn lbc() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lbc"));
    for name in ["LBC_BASE_URL", "LBC_CALL_API_ID", "LBC_API_KEY"] {
        command.env_remove(name);
    }
    command.stdin(Stdio::null());
    command
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

/// A local port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}
