//! `--verbose`: each request as it goes on the wire and each answer, on stderr.
//!
//! The SDK has no hook into its transport, so the request is built here with the same code the SDK
//! builds it with (`lbc_core::protocol::build`), the same parameters in the same order, the same encoding
//! and signature placement; the signature is shown as `[redacted]` and the nonce, fresh for every
//! attempt the SDK makes, as `[nonce]`. The api-key itself never travels. The answer is shown as the
//! SDK read it.

use std::time::{SystemTime, UNIX_EPOCH};

use lbc_core::Error;
use lbc_core::protocol::{CALL_API_ID, NONCE, SignatureRule, TIMESTAMP, build};
use lbc_core::protocol::{Encoding, Method, Params, SignaturePlacement};
use serde_json::{Value, json};

use crate::sanitize;

/// Stands for the nonce while building; printed as `[nonce]`.
const NONCE_MARK: &str = "LBCxVERBOSExNONCEx";
/// Stands for the signature while building; printed as `[redacted]`.
const SIGNATURE_MARK: &str = "LBCxVERBOSExSIGNATUREx";

/// What the request printer needs to know about the client.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The API root (ending in `/`).
    pub base_url: String,
    /// The configured call-api-id.
    pub call_api_id: Option<String>,
    /// Whether a key is configured (signed methods are then signed).
    pub signed: bool,
    /// The encoding requests travel in.
    pub encoding: Encoding,
    /// Where the signature travels.
    pub placement: SignaturePlacement,
}

impl Trace {
    /// The request for a known `method` with the method's own `params`, as lines to print.
    pub fn request_lines(&self, method: Method, params: &Params) -> Vec<String> {
        let spec = method.spec();
        let mut attempt = params.clone();
        let wants_id =
            spec.required.contains(&CALL_API_ID) || spec.sign_order.contains(&CALL_API_ID);
        if let (true, None, Some(id)) = (wants_id, params.given(CALL_API_ID), &self.call_api_id) {
            attempt.set(CALL_API_ID, id.as_str());
        }
        let signs = spec.signature != SignatureRule::None && self.signed;
        if signs {
            attempt.set(TIMESTAMP, unix_now().to_string());
            attempt.set(NONCE, NONCE_MARK);
        }
        self.lines(method.name(), &attempt, signs)
    }

    /// The request for a method the SDK does not know (`lbc request`), ordered as the SDK orders it:
    /// the call-api-id, then timestamp and nonce when signed, then the parameters as given.
    pub fn unknown_request_lines(&self, method: &str, params: &Params) -> Vec<String> {
        let mut attempt = Params::new();
        if let (Some(id), None) = (&self.call_api_id, params.get(CALL_API_ID)) {
            attempt.set(CALL_API_ID, id.as_str());
        }
        if self.signed {
            attempt.set(TIMESTAMP, unix_now().to_string());
            attempt.set(NONCE, NONCE_MARK);
        }
        for (name, value) in params.iter() {
            attempt.set(name, value);
        }
        self.lines(method, &attempt, self.signed)
    }

    /// Prints the request for `method` with `params`.
    pub fn request(&self, method: Method, params: &Params) {
        print(&self.request_lines(method, params));
    }

    /// Prints the request for an unknown method.
    pub fn unknown_request(&self, method: &str, params: &Params) {
        print(&self.unknown_request_lines(method, params));
    }

    fn lines(&self, method: &str, params: &Params, signed: bool) -> Vec<String> {
        let signature = signed.then_some(SIGNATURE_MARK);
        let request = match build(method, params, signature, self.encoding, self.placement) {
            Ok(request) => request,
            // The SDK refuses the same request; its error is reported as usual.
            Err(_) => return Vec::new(),
        };
        let mut lines = vec![
            "lbc: --verbose: the request, built as the SDK builds it (each attempt, a retry \
             too, has its own timestamp and nonce; the signature is redacted, the api-key never \
             travels):"
                .to_owned(),
            format!(
                "> {} {}{}",
                request.http_method.as_str(),
                self.base_url,
                redact(&request.target)
            ),
        ];
        for (name, value) in &request.headers {
            lines.push(format!("> {name}: {}", redact(value)));
        }
        if !request.body.is_empty() {
            lines.push(">".to_owned());
            let body = String::from_utf8_lossy(&request.body);
            for line in body.split("\r\n") {
                lines.push(format!("> {}", redact(line)));
            }
            if lines.last().is_some_and(|l| l == "> ") {
                lines.pop();
            }
        }
        lines
    }
}

/// The answer lines for a successful call: the typed answer as the SDK read it.
pub fn answer_lines(answer: &Value) -> Vec<String> {
    let shown = match answer {
        Value::Null => "{} (an empty answer: success)".to_owned(),
        other => other.to_string(),
    };
    vec![
        "lbc: --verbose: the answer, as the SDK read it:".to_owned(),
        format!("< {}", sanitize::line(&shown)),
    ]
}

/// The answer lines for a failed call.
pub fn error_lines(error: &Error) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(api) = error.api() {
        lines.push("lbc: --verbose: the answer, an API error:".to_owned());
        let mut body = json!({ "error": api.code.as_str() });
        if let Some(class) = &api.class {
            body["clazz"] = json!(class);
        }
        if let Some(reason) = &api.reason {
            body["reason"] = json!(reason);
        }
        if let Some(additional) = &api.additional {
            body["additional"] = additional.clone();
        }
        lines.push(format!("< {}", sanitize::line(&body.to_string())));
    } else if let Error::Http {
        status, snippet, ..
    } = error
    {
        lines.push(format!("lbc: --verbose: the answer, HTTP status {status}:"));
        lines.push(format!("< {}", sanitize::line(snippet)));
    } else {
        lines.push(format!(
            "lbc: --verbose: no usable answer: {}",
            sanitize::line(&error.to_string())
        ));
    }
    if let Some(id) = error.request_id() {
        lines.push(format!("< X-Request-Id: {}", sanitize::line(id)));
    }
    lines
}

/// Prints lines on stderr.
pub fn print(lines: &[String]) {
    for line in lines {
        eprintln!("{line}");
    }
}

/// Puts the placeholders' words in; everything else through [`sanitize::line`].
fn redact(text: &str) -> String {
    sanitize::line(text)
        .replace(NONCE_MARK, "[nonce]")
        .replace(SIGNATURE_MARK, "[redacted]")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(encoding: Encoding, placement: SignaturePlacement) -> Trace {
        Trace {
            base_url: "http://127.0.0.1:1/callapi/v2.0/".into(),
            call_api_id: Some("ID".into()),
            signed: true,
            encoding,
            placement,
        }
    }

    #[test]
    fn a_form_request_shows_its_body_with_the_signature_redacted() {
        let lines = trace(Encoding::FORM, SignaturePlacement::Param)
            .request_lines(Method::Call, &Params::new().with("msisdn", "79256880636"));
        let text = lines.join("\n");
        assert!(
            text.contains("> POST http://127.0.0.1:1/callapi/v2.0/call"),
            "{text}"
        );
        let body = lines.last().unwrap();
        assert!(
            body.starts_with("> msisdn=79256880636&call-api-id=ID&timestamp=")
                && body.ends_with("&nonce=[nonce]&signature=[redacted]"),
            "{body}"
        );
        assert!(!text.contains("LBCx"), "{text}");
    }

    #[test]
    fn a_header_signature_is_redacted_too() {
        let lines = trace(Encoding::QUERY, SignaturePlacement::Header)
            .request_lines(Method::Balance, &Params::new());
        let text = lines.join("\n");
        assert!(text.contains("> Signature: [redacted]"), "{text}");
        assert!(text.contains("> GET http://127.0.0.1:1/callapi/v2.0/balance?call-api-id=ID"));
        assert!(!text.contains("signature="), "{text}");
    }

    #[test]
    fn unsigned_methods_carry_no_replay_fields() {
        let lines = trace(Encoding::REST, SignaturePlacement::Param)
            .request_lines(Method::Status, &Params::new());
        assert_eq!(
            lines.last().unwrap(),
            "> GET http://127.0.0.1:1/callapi/v2.0/status/call-api-id/ID"
        );
    }
}
