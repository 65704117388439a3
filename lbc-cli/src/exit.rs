//! Exit codes, the one failure type every subcommand returns, and how a failure is reported on stderr.

use std::io::Write;
use std::process::ExitCode;

use lbc_core::protocol::ErrorCode;
use lbc_core::protocol::ProtocolError;
use lbc_core::{Error, ErrorKind, TransportKind};
use serde_json::{Value, json};

use crate::sanitize;

/// The exit-code table shown at the end of `lbc --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success (for `demo`: the user logged in)
  1    the service answered with an API error (its code and reason are printed on stderr)
  2    bad input or usage: refused before anything was sent (clap's own usage errors too)
  3    no usable answer: transport failure, timeout, HTTP error status, undecodable answer,
       or a local I/O failure (e.g. the sandbox could not listen)
  4    `demo` only: the login did not succeed (wrong code too often, code expired, call failed)
  130  `demo` only: interrupted (Ctrl-C or SIGTERM); a call still ringing was hung up

Environment: LBC_PROFILE, LBC_BASE_URL, LBC_CALL_API_ID, LBC_API_KEY, LBC_PROXY, LBC_REGION stand in
for the flags of the same name and override the profile; profiles are kept in
$XDG_CONFIG_HOME/loginbycall/profiles.json (or ~/.config/loginbycall/profiles.json).";

/// The hint after `INVALID_SIGNATURE`.
pub const INVALID_SIGNATURE_HINT: &str = "`lbc sign --canonical METHOD name=value...` prints the \
    exact string lbc signs for a method's parameters: compare it with the one your code signs (and \
    check that the key is this call-api-id's)";

/// The hint after `NO_SIGNATURE`.
pub const NO_SIGNATURE_HINT: &str = "this account is not allowed unsigned calls: give its api-key \
    (LBC_API_KEY, --api-key or `lbc login`) and leave out --unsigned";

/// The warning printed when a `call` failed in a way that does not prove it was not placed.
pub const MAY_HAVE_BEEN_PLACED: &str = "the call may have been placed and charged: check \
    `lbc balance` and wait for the repeat timeout before calling this number again (no call id \
    came back for `lbc call-status`)";

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
    /// 130: the demo was interrupted by a signal.
    Interrupted = 130,
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
    /// An error from the SDK while placing a call: reported with [`MAY_HAVE_BEEN_PLACED`] when the
    /// error says the call may have been placed.
    Call(Error),
    /// Input the command line itself refuses.
    Usage(String),
    /// A local I/O failure, with what was being done.
    Io(String, std::io::Error),
    /// The demo's login did not succeed.
    LoginFailed(String),
    /// The demo was interrupted (Ctrl-C, SIGTERM); what was done about it.
    Interrupted(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Sdk(error)
    }
}

impl From<ProtocolError> for Failure {
    fn from(error: ProtocolError) -> Self {
        Failure::Sdk(error.into())
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

    /// The failure of a request that places a call (`call`, a login's start).
    pub fn placing_call(error: Error) -> Self {
        Failure::Call(error)
    }

    /// The SDK's error, if this is one.
    fn sdk(&self) -> Option<&Error> {
        match self {
            Failure::Sdk(error) | Failure::Call(error) => Some(error),
            _ => None,
        }
    }

    /// The exit code for this failure.
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Sdk(error) | Failure::Call(error) => exit_for(error.kind()),
            Failure::Usage(_) => Exit::Usage,
            Failure::Io(..) => Exit::Transport,
            Failure::LoginFailed(_) => Exit::LoginFailed,
            Failure::Interrupted(_) => Exit::Interrupted,
        }
    }

    /// [`MAY_HAVE_BEEN_PLACED`] when a call failed without proof that it was not placed.
    pub fn warning(&self) -> Option<&'static str> {
        match self {
            Failure::Call(error) if error.may_have_been_placed() => Some(MAY_HAVE_BEEN_PLACED),
            _ => None,
        }
    }

    /// Prints the failure on stderr: human text (and the warning, if any), or one JSON object when
    /// `json`.
    pub fn report(&self, json: bool) {
        let mut text = if json {
            self.to_json().to_string()
        } else {
            self.to_text()
        };
        if let (false, Some(warning)) = (json, self.warning()) {
            text.push_str("\nlbc: warning: ");
            text.push_str(warning);
        }
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// The human report: `lbc: ...`, then detail lines. Text from the service is printed only
    /// through [`sanitize::line`].
    pub fn to_text(&self) -> String {
        match self {
            Failure::Sdk(error) | Failure::Call(error) => sdk_text(error),
            Failure::Usage(message) => format!("lbc: {message}"),
            Failure::Io(what, error) => format!("lbc: {what}: {error}"),
            Failure::LoginFailed(message) => format!("lbc: login failed: {message}"),
            Failure::Interrupted(message) => format!("lbc: interrupted: {message}"),
        }
    }

    /// The JSON report: `{"error": {"kind": ..., "message": ..., ...}, "exit_code": N}`.
    pub fn to_json(&self) -> Value {
        let mut error = json!({ "kind": self.kind_name(), "message": self.to_text() });
        if let Some(sdk) = self.sdk() {
            if let Some(api) = sdk.api() {
                error["code"] = json!(api.code.as_str());
                error["class"] = json!(api.class);
                error["reason"] = json!(api.reason);
                error["additional"] = api.additional.clone().unwrap_or(Value::Null);
            }
            error["delay"] = json!(sdk.delay().map(|d| d.as_secs_f64()));
            error["request_id"] = json!(sdk.request_id());
            error["http_status"] = json!(sdk.http_status());
            error["field"] = json!(sdk.field());
            error["transport_kind"] = json!(sdk.transport_kind().map(TransportKind::as_str));
            error["may_have_been_placed"] = json!(sdk.may_have_been_placed());
            if let Some(hint) = hint(sdk) {
                error["hint"] = json!(hint);
            }
        }
        if let Some(warning) = self.warning() {
            error["warning"] = json!(warning);
        }
        json!({ "error": error, "exit_code": self.exit() as u8 })
    }

    /// The `kind` of the JSON report: the SDK's own name for its errors, the CLI's for the rest.
    fn kind_name(&self) -> &'static str {
        match self {
            Failure::Sdk(error) | Failure::Call(error) => error.kind().as_str(),
            Failure::Usage(_) => "usage",
            Failure::Io(..) => "io",
            Failure::LoginFailed(_) => "login_failed",
            Failure::Interrupted(_) => "interrupted",
        }
    }
}

/// The human text of an SDK error: `lbc: ...`, then the class, delay and request id when known.
fn sdk_text(error: &Error) -> String {
    let mut text = match error.api() {
        Some(api) => {
            let reason = api
                .reason
                .as_deref()
                .unwrap_or_else(|| api.code.description());
            let mut text = format!(
                "lbc: API error {}: {}",
                sanitize::line(api.code.as_str()),
                sanitize::line(reason)
            );
            if let Some(class) = &api.class {
                text.push_str(&format!("\n  class: {}", sanitize::line(class)));
            }
            text
        }
        None => format!("lbc: {}", sanitize::line(&error.to_string())),
    };
    if let Some(delay) = error.delay() {
        text.push_str(&format!("\n  retry in: {:.1} s", delay.as_secs_f64()));
    }
    if let Some(hint) = hint(error) {
        text.push_str(&format!("\n  hint: {hint}"));
    }
    if let Some(id) = error.request_id() {
        text.push_str(&format!("\n  request id: {}", sanitize::line(id)));
    }
    text
}

/// What to try next, for the errors a user of `lbc` can do something about.
fn hint(error: &Error) -> Option<&'static str> {
    match error.code()? {
        ErrorCode::InvalidSignature => Some(INVALID_SIGNATURE_HINT),
        ErrorCode::NoSignature => Some(NO_SIGNATURE_HINT),
        _ => None,
    }
}

/// The exit code for a kind of SDK error.
pub fn exit_for(kind: ErrorKind) -> Exit {
    match kind {
        ErrorKind::Api => Exit::Api,
        ErrorKind::InvalidInput => Exit::Usage,
        // Http, Transport, Timeout, Decode, Internal, and any kind added later: no usable answer.
        _ => Exit::Transport,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lbc_core::ApiError;

    fn http_502() -> Error {
        Error::Http {
            status: 502,
            snippet: "<h1>Bad\u{1b}[2J Gateway</h1>\r\nforged line".into(),
            request_id: Some("id\u{7}1".into()),
        }
    }

    #[test]
    fn every_kind_has_its_code() {
        for kind in ErrorKind::ALL {
            let expected = match kind {
                ErrorKind::Api => Exit::Api,
                ErrorKind::InvalidInput => Exit::Usage,
                _ => Exit::Transport,
            };
            assert_eq!(exit_for(kind), expected, "{kind}");
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
        assert_eq!(json["error"]["kind"], "api_error");
        assert_eq!(json["error"]["code"], "CALL_REPEAT_TIMEOUT");
        assert_eq!(json["error"]["delay"], 23.563);
        assert_eq!(json["error"]["may_have_been_placed"], false);
    }

    #[test]
    fn text_from_the_service_loses_its_control_characters() {
        let mut api = ApiError::new(ErrorCode::Other("X\u{1b}[1m".into()));
        api.reason = Some("\u{1b}[31mred\u{7}\nlbc: forged".into());
        api.class = Some("\u{1b}]0;title\u{7}".into());
        for failure in [Failure::Sdk(api.into()), Failure::Sdk(http_502())] {
            let text = failure.to_text();
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
            assert!(
                text.lines()
                    .all(|l| l.starts_with("lbc: ") || l.starts_with("  ")),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_bad_signature_points_at_lbc_sign_canonical() {
        let failure = Failure::Sdk(ApiError::new(ErrorCode::InvalidSignature).into());
        assert!(
            failure.to_text().contains("hint: `lbc sign --canonical"),
            "{}",
            failure.to_text()
        );
        assert_eq!(failure.to_json()["error"]["hint"], INVALID_SIGNATURE_HINT);
        let other = Failure::Sdk(ApiError::new(ErrorCode::CallRepeatTimeout).into());
        assert!(!other.to_text().contains("hint"));
        assert!(other.to_json()["error"].get("hint").is_none());
    }

    #[test]
    fn only_a_call_that_may_have_been_placed_is_warned_about() {
        let placed = Failure::placing_call(http_502());
        assert_eq!(placed.warning(), Some(MAY_HAVE_BEEN_PLACED));
        assert_eq!(placed.exit(), Exit::Transport);
        let json = placed.to_json();
        assert_eq!(json["error"]["kind"], "http_error");
        assert_eq!(json["error"]["http_status"], 502);
        assert_eq!(json["error"]["may_have_been_placed"], true);
        assert_eq!(json["error"]["warning"], MAY_HAVE_BEEN_PLACED);

        assert_eq!(Failure::Sdk(http_502()).warning(), None);
        let refused = Error::invalid_input("msisdn", "not a number");
        let refused = Failure::placing_call(refused);
        assert_eq!(refused.warning(), None);
        assert_eq!(refused.to_json()["error"]["field"], "msisdn");
        assert!(refused.to_json()["error"].get("warning").is_none());
    }
}
