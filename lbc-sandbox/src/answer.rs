//! Answers as the service writes them: HTTP 200 and a JSON object, an error being an object with
//! `clazz`, `error`, `reason`, `stack` and (for some codes) `additional`.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use lbc_protocol::ErrorCode;
use serde_json::{Map, Value, json};

/// An error answer waiting to be written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    pub(crate) reason: String,
    pub(crate) additional: Option<Value>,
}

impl Failure {
    pub(crate) fn new(code: ErrorCode, reason: impl Into<String>) -> Self {
        Failure {
            code,
            reason: reason.into(),
            additional: None,
        }
    }

    pub(crate) fn invalid_args(reason: impl Into<String>) -> Self {
        Failure::new(ErrorCode::InvalidArgs, reason)
    }

    pub(crate) fn with_additional(mut self, additional: Value) -> Self {
        self.additional = Some(additional);
        self
    }

    /// The error object of the answer.
    pub(crate) fn to_json(&self) -> Value {
        let code = self.code.as_str();
        let mut object = Map::new();
        if let Some(class) = self.code.class() {
            object.insert("clazz".into(), class.as_str().into());
        }
        object.insert("error".into(), code.into());
        object.insert("reason".into(), self.reason.as_str().into());
        object.insert("stack".into(), fake_stack(code, &self.reason).into());
        if let Some(additional) = &self.additional {
            object.insert("additional".into(), additional.clone());
        }
        Value::Object(object)
    }
}

/// A short trace in the shape of the service's node.js ones (the sandbox has no real one to show).
fn fake_stack(code: &str, reason: &str) -> String {
    format!(
        "{code}\nError: {reason}\n    at ErrObject (/usr/local/lbc-sandbox/lib/err.js:9:17)\n    \
         at Function.<anonymous> (/usr/local/lbc-sandbox/lib/methods/lbc_api.js:72:23)\n    \
         at /usr/local/lbc-sandbox/node_modules/synchronize/sync.js:273:21"
    )
}

/// What an API method produced: a success object or an error.
pub(crate) type Outcome = Result<Value, Failure>;

/// The HTTP answer for an API outcome: always 200 with JSON.
pub(crate) fn api(outcome: Outcome) -> Response<Body> {
    match outcome {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(failure) => json_response(StatusCode::OK, &failure.to_json()),
    }
}

/// The empty success of `options`, `call-hangup` and `credential_confirm`.
pub(crate) fn empty() -> Outcome {
    Ok(json!({}))
}

/// A JSON answer with the service's headers.
pub(crate) fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store, must-revalidate"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("0"));
    response
}

/// A JSON error answer with a non-200 status, for the parts that are not the API (`/_sandbox/`,
/// unknown paths, oversized bodies).
pub(crate) fn http_error(status: StatusCode, code: &str, reason: &str) -> Response<Body> {
    json_response(status, &json!({"error": code, "reason": reason}))
}

/// An HTML page (the payment page, the dashboard).
pub(crate) fn html(status: StatusCode, page: String) -> Response<Body> {
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Text made safe for HTML content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_class_stack_and_additional() {
        let json = Failure::new(
            ErrorCode::CallRepeatTimeout,
            "You can call back in 24 seconds",
        )
        .with_additional(json!({"delay": 23.563}))
        .to_json();
        assert_eq!(json["clazz"], "PROCESS");
        assert_eq!(json["error"], "CALL_REPEAT_TIMEOUT");
        assert_eq!(json["additional"]["delay"], 23.563);
        assert!(
            json["stack"]
                .as_str()
                .unwrap()
                .starts_with("CALL_REPEAT_TIMEOUT\nError: You can call back in 24 seconds\n")
        );
        let plain = Failure::invalid_args("x").to_json();
        assert_eq!(
            escape_html(r#"<a href='x'>"&"</a>"#),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(plain["clazz"], "GENERIC");
        assert!(plain.get("additional").is_none());
    }
}
