//! Exit codes, the one failure type every subcommand returns, and how a failure is reported on stderr.

use std::io::Write;
use std::process::ExitCode;

use lbc_core::{Error, ErrorKind};
use serde_json::{Value, json};

/// The exit-code table shown at the end of `lbc --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (for `demo`: the user logged in)
  1  the service answered with an API error (its code and reason are printed on stderr)
  2  bad input or usage: refused before anything was sent (clap's own usage errors too)
  3  no usable answer: transport failure, timeout, HTTP error status, undecodable answer,
     or a local I/O failure (e.g. the sandbox could not listen)
  4  `demo` only: the login did not succeed (wrong code too often, code expired, call failed)

Environment: LBC_BASE_URL, LBC_CALL_API_ID, LBC_API_KEY stand in for the flags of the same name.";

/// What `lbc` exits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok = 0,
    /// 1: the service answered with an error code.
    Api = 1,
    /// 2: bad input or usage.
    Usage = 2,
    /// 3: transport, timeout, HTTP, decode or local I/O failure.
    Transport = 3,
    /// 4: the demo login did not succeed.
    LoginFailed = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// Why a subcommand failed.
#[derive(Debug)]
pub enum Failure {
    /// An error from the SDK (API error, transport, bad input, ...).
    Sdk(Error),
    /// Input the command line itself refuses.
    Usage(String),
    /// A local I/O failure, with what was being done.
    Io(String, std::io::Error),
    /// The demo's login did not succeed.
    LoginFailed(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Sdk(error)
    }
}

impl Failure {
    /// A usage failure.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    /// An I/O failure while doing `what`.
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Failure {
        let what = what.into();
        move |error| Failure::Io(what, error)
    }

    /// The exit code for this failure.
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Sdk(error) => exit_for(error.kind()),
            Failure::Usage(_) => Exit::Usage,
            Failure::Io(..) => Exit::Transport,
            Failure::LoginFailed(_) => Exit::LoginFailed,
        }
    }

    /// Prints the failure on stderr: human text, or one JSON object when `json`.
    pub fn report(&self, json: bool) {
        let text = if json {
            self.to_json().to_string()
        } else {
            self.to_text()
        };
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// The human report: `lbc: ...`, then detail lines.
    pub fn to_text(&self) -> String {
        match self {
            Failure::Sdk(Error::Api(api)) => {
                let mut text = format!(
                    "lbc: API error {}: {}",
                    api.code,
                    api.reason
                        .as_deref()
                        .unwrap_or_else(|| api.code.description())
                );
                if let Some(class) = &api.class {
                    text.push_str(&format!("\n  class: {class}"));
                }
                if let Some(delay) = api.delay() {
                    text.push_str(&format!("\n  retry in: {:.1} s", delay.as_secs_f64()));
                }
                if let Some(id) = &api.request_id {
                    text.push_str(&format!("\n  request id: {id}"));
                }
                text
            }
            Failure::Sdk(error) => {
                let mut text = format!("lbc: {error}");
                if let Some(id) = error.request_id() {
                    text.push_str(&format!("\n  request id: {id}"));
                }
                text
            }
            Failure::Usage(message) => format!("lbc: {message}"),
            Failure::Io(what, error) => format!("lbc: {what}: {error}"),
            Failure::LoginFailed(message) => format!("lbc: login failed: {message}"),
        }
    }

    /// The JSON report: `{"error": {"kind": ..., "message": ..., ...}, "exit_code": N}`.
    pub fn to_json(&self) -> Value {
        let mut error = json!({ "kind": self.kind_name(), "message": self.to_text() });
        if let Failure::Sdk(sdk) = self {
            if let Some(api) = sdk.api() {
                error["code"] = json!(api.code.as_str());
                error["class"] = json!(api.class);
                error["reason"] = json!(api.reason);
                error["additional"] = api.additional.clone().unwrap_or(Value::Null);
            }
            error["delay"] = json!(sdk.delay().map(|d| d.as_secs_f64()));
            error["request_id"] = json!(sdk.request_id());
        }
        json!({ "error": error, "exit_code": self.exit() as u8 })
    }

    /// The `kind` of the JSON report.
    fn kind_name(&self) -> &'static str {
        match self {
            Failure::Sdk(error) => match error.kind() {
                ErrorKind::Api => "api",
                ErrorKind::Http => "http",
                ErrorKind::Transport => "transport",
                ErrorKind::Timeout => "timeout",
                ErrorKind::Decode => "decode",
                ErrorKind::InvalidInput => "invalid_input",
                ErrorKind::Internal => "internal",
            },
            Failure::Usage(_) => "usage",
            Failure::Io(..) => "io",
            Failure::LoginFailed(_) => "login_failed",
        }
    }
}

/// The exit code for a kind of SDK error.
pub fn exit_for(kind: ErrorKind) -> Exit {
    match kind {
        ErrorKind::Api => Exit::Api,
        ErrorKind::InvalidInput => Exit::Usage,
        ErrorKind::Http
        | ErrorKind::Transport
        | ErrorKind::Timeout
        | ErrorKind::Decode
        | ErrorKind::Internal => Exit::Transport,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lbc_core::{ApiError, ErrorCode};

    #[test]
    fn every_kind_has_its_code() {
        assert_eq!(exit_for(ErrorKind::Api), Exit::Api);
        assert_eq!(exit_for(ErrorKind::InvalidInput), Exit::Usage);
        for kind in [
            ErrorKind::Http,
            ErrorKind::Transport,
            ErrorKind::Timeout,
            ErrorKind::Decode,
        ] {
            assert_eq!(exit_for(kind), Exit::Transport);
        }
    }

    #[test]
    fn api_errors_show_code_reason_delay_and_request_id() {
        let mut api = ApiError::new(ErrorCode::CallRepeatTimeout);
        api.reason = Some("wait".into());
        api.additional = Some(json!({"delay": 23.563}));
        api.request_id = Some("0247_1".into());
        let failure = Failure::Sdk(api.into());
        let text = failure.to_text();
        for part in ["CALL_REPEAT_TIMEOUT", "wait", "23.6 s", "0247_1"] {
            assert!(text.contains(part), "{part} missing in {text}");
        }
        let json = failure.to_json();
        assert_eq!(json["exit_code"], 1);
        assert_eq!(json["error"]["code"], "CALL_REPEAT_TIMEOUT");
        assert_eq!(json["error"]["delay"], 23.563);
    }
}
