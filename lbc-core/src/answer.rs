//! Typed answers, one per method, read from the service's JSON.
//!
//! Unknown extra fields are ignored; a missing or malformed field is an [`Error::Decode`] naming it.
//! Numbers are accepted as JSON numbers or numeric strings, flags as `0`/`1`, `"0"`/`"1"` or booleans.

use std::fmt;

use lbc_protocol::CallStatus;
use serde::Serialize;
use serde_json::Value;

use crate::Error;

/// An amount of money in credits: 1 USD = 10 000 credits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Credits(pub i64);

impl Credits {
    /// Credits per US dollar.
    pub const PER_USD: i64 = 10_000;

    /// The amount in US dollars.
    pub fn usd(self) -> f64 {
        self.0 as f64 / Self::PER_USD as f64
    }
}

impl fmt::Display for Credits {
    /// `1234567 credits ($123.4567)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let per = Self::PER_USD as u64;
        write!(
            f,
            "{} credits ({sign}${}.{:04})",
            self.0,
            abs / per,
            abs % per
        )
    }
}

/// The answer to `register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// The account's (new) `call-api-id`.
    pub call_api_id: String,
    /// Where the service will look for the file holding `call_api_id`.
    pub verify_url: String,
}

/// The answer to `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AccountStatus {
    /// The account is activated.
    pub activated: bool,
    /// The account is suspended.
    pub blocked: bool,
    /// The service's administrator allowed unsigned requests.
    pub allow_unsecure_calls: bool,
}

/// The answer to `server-status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ServerStatus {
    /// The service's own figure: 1 works, 0 technical trouble.
    pub server_status: i64,
}

impl ServerStatus {
    /// Whether calls can be placed now; when not, offer users another way to log in.
    pub fn is_working(self) -> bool {
        self.server_status == 1
    }
}

/// One payment in [`Balance::last_payments`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    /// The amount paid.
    pub value: Credits,
    /// When, as UNIX seconds.
    pub created: i64,
}

/// The answer to `balance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// The sum of every payment.
    pub balance: Credits,
    /// The sum of every charge.
    pub consumed: Credits,
    /// Below this balance the administrator is mailed (`-1`: never).
    pub balance_notify_limit: Credits,
    /// The last (up to 5) payments.
    pub last_payments: Vec<PaymentRecord>,
}

impl Balance {
    /// What is left: `balance - consumed`.
    pub fn current(&self) -> Credits {
        Credits(self.balance.0.saturating_sub(self.consumed.0))
    }
}

/// The answer to `pay`: a payment form, in one of the service's two shapes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Payment {
    /// The first revision: build a form posting `fields` to `url` with `method`.
    Form {
        /// The payment system's address.
        url: String,
        /// `GET` or `POST`.
        method: String,
        /// The hidden fields of the form, in the service's order.
        fields: Vec<(String, String)>,
    },
    /// The later revision: a ready HTML form (its button has the class `lbc-payment-button`).
    Html {
        /// The HTML fragment.
        html: String,
    },
}

impl Payment {
    /// The payment as an HTML form a page can embed, whichever shape the service answered in.
    pub fn to_html(&self) -> String {
        match self {
            Payment::Html { html } => html.clone(),
            Payment::Form {
                url,
                method,
                fields,
            } => {
                let mut html = format!(
                    "<form method=\"{}\" action=\"{}\">\n",
                    html_escape(&method.to_ascii_lowercase()),
                    html_escape(url)
                );
                for (name, value) in fields {
                    html.push_str(&format!(
                        "    <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                        html_escape(name),
                        html_escape(value)
                    ));
                }
                html.push_str("    <input type=\"submit\" class=\"lbc-payment-button\" value=\"PAY\">\n</form>");
                html
            }
        }
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The answer to `change_credential`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CredentialChange {
    /// The new `call-api-id`; its key is mailed to the administrator, and it is confirmed with
    /// `credential_confirm` signed by the new key.
    pub call_api_id: String,
}

/// The answer to `call`: the call is queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallStarted {
    /// The call's id, for `call-status` and `call-hangup`.
    pub call: String,
    /// The number the call comes from; its last `codelen` digits are the code.
    pub mask: String,
    /// How many trailing digits of `mask` the user must type.
    pub codelen: u32,
    /// Seconds before the same number may be called again.
    pub repeat_timeout: u64,
}

/// The answer to `call-status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallState {
    /// The status.
    pub status: CallStatus,
    /// The service's `status_desc`.
    pub status_desc: String,
    /// Why the call failed, for [`CallStatus::Failed`].
    pub last_error: Option<String>,
}

impl CallState {
    /// Whether the status will not change any more.
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }
}

/// Reading a typed answer from the service's JSON.
pub trait FromAnswer: Sized {
    /// Reads the answer; a missing or malformed field is an [`Error::Decode`] naming it.
    fn from_answer(body: &Value) -> Result<Self, Error>;
}

impl FromAnswer for () {
    /// Empty successes (`options`, `call-hangup`, `credential_confirm`): any body will do.
    fn from_answer(_: &Value) -> Result<Self, Error> {
        Ok(())
    }
}

impl FromAnswer for Value {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        Ok(body.clone())
    }
}

impl FromAnswer for Registration {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        Ok(Registration {
            call_api_id: text(body, "call_api_id")?,
            verify_url: text(body, "verify_url")?,
        })
    }
}

impl FromAnswer for AccountStatus {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        Ok(AccountStatus {
            activated: flag(body, "activated")?,
            blocked: flag(body, "blocked")?,
            allow_unsecure_calls: flag(body, "allow_unsecure_calls")?,
        })
    }
}

impl FromAnswer for ServerStatus {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        Ok(ServerStatus {
            server_status: integer(body, "server_status")?,
        })
    }
}

impl FromAnswer for Balance {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        let last_payments = match body.get("last_payments") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    Ok(PaymentRecord {
                        value: Credits(integer(item, "value").map_err(nest("last_payments"))?),
                        created: integer(item, "created").map_err(nest("last_payments"))?,
                    })
                })
                .collect::<Result<_, Error>>()?,
            Some(_) => return Err(Error::decode_field("last_payments", "not an array")),
        };
        Ok(Balance {
            balance: Credits(integer(body, "balance")?),
            consumed: Credits(integer(body, "consumed")?),
            balance_notify_limit: Credits(integer(body, "balance_notify_limit")?),
            last_payments,
        })
    }
}

impl FromAnswer for Payment {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        if body.get("html").is_some() {
            return Ok(Payment::Html {
                html: text(body, "html")?,
            });
        }
        let query = field(body, "query")?
            .as_object()
            .ok_or_else(|| Error::decode_field("query", "not an object"))?;
        let fields = query
            .iter()
            .map(|(name, value)| match value {
                Value::String(s) => (name.clone(), s.clone()),
                other => (name.clone(), other.to_string()),
            })
            .collect();
        Ok(Payment::Form {
            url: text(body, "url")?,
            method: body
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("POST")
                .to_owned(),
            fields,
        })
    }
}

impl FromAnswer for CredentialChange {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        Ok(CredentialChange {
            call_api_id: text(body, "call_api_id")?,
        })
    }
}

/// The longest `mask` accepted: E.164 numbers have at most 15 digits; some slack for the service.
pub(crate) const MAX_MASK_DIGITS: usize = 32;

/// Checks a call's `mask` and `codelen`: the mask all ASCII digits (at most [`MAX_MASK_DIGITS`]),
/// `1 <= codelen <= len(mask)`, so that the code (the mask's last `codelen` digits) is never empty.
/// The error names the field at fault.
pub(crate) fn check_mask(mask: &str, codelen: i64) -> Result<u32, (&'static str, String)> {
    if mask.is_empty() || mask.len() > MAX_MASK_DIGITS || !mask.bytes().all(|b| b.is_ascii_digit())
    {
        return Err((
            "mask",
            format!(
                "must be 1 to {MAX_MASK_DIGITS} ASCII digits, not {:?}",
                lbc_protocol::excerpt(mask)
            ),
        ));
    }
    match u32::try_from(codelen) {
        Ok(n) if n >= 1 && n as usize <= mask.len() => Ok(n),
        _ => Err((
            "codelen",
            format!("{codelen} does not fit a mask of {} digits", mask.len()),
        )),
    }
}

impl FromAnswer for CallStarted {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        let mask = text(body, "mask")?;
        let codelen = check_mask(&mask, integer(body, "codelen")?)
            .map_err(|(field, why)| Error::decode_field(field, why))?;
        let call = text(body, "call")?;
        if call.is_empty() || call.chars().any(char::is_control) {
            return Err(Error::decode_field(
                "call",
                "must be a non-empty id without control characters",
            ));
        }
        Ok(CallStarted {
            call,
            mask,
            codelen,
            repeat_timeout: u64::try_from(integer(body, "repeat_timeout")?)
                .map_err(|_| Error::decode_field("repeat_timeout", "negative"))?,
        })
    }
}

impl FromAnswer for CallState {
    fn from_answer(body: &Value) -> Result<Self, Error> {
        let status = CallStatus::from_code(integer(body, "status")?);
        Ok(CallState {
            status,
            status_desc: body
                .get("status_desc")
                .and_then(Value::as_str)
                .unwrap_or(status.description())
                .to_owned(),
            last_error: body
                .get("last_error")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        })
    }
}

fn field<'a>(body: &'a Value, name: &str) -> Result<&'a Value, Error> {
    match body.get(name) {
        Some(Value::Null) | None => Err(Error::decode_field(name, "missing from the answer")),
        Some(value) => Ok(value),
    }
}

fn text(body: &Value, name: &str) -> Result<String, Error> {
    match field(body, name)? {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(Error::decode_field(name, "not a string")),
    }
}

fn integer(body: &Value, name: &str) -> Result<i64, Error> {
    let value = field(body, name)?;
    let number = match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    number.ok_or_else(|| Error::decode_field(name, format!("not an integer: {value}")))
}

fn flag(body: &Value, name: &str) -> Result<bool, Error> {
    match field(body, name)? {
        Value::Bool(b) => Ok(*b),
        _ => match integer(body, name)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(Error::decode_field(name, format!("not 0 or 1: {other}"))),
        },
    }
}

fn nest(outer: &'static str) -> impl Fn(Error) -> Error {
    move |error| match error {
        Error::Decode {
            message,
            field: Some(inner),
            request_id,
        } => Error::Decode {
            message,
            field: Some(format!("{outer}.{inner}")),
            request_id,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credits_display_in_usd() {
        assert_eq!(
            Credits(1_234_567).to_string(),
            "1234567 credits ($123.4567)"
        );
        assert_eq!(Credits(-40).to_string(), "-40 credits (-$0.0040)");
        assert_eq!(Credits(50_000).usd(), 5.0);
    }

    #[test]
    fn lenient_numbers_strict_names() {
        let status = AccountStatus::from_answer(
            &json!({"activated":"1","blocked":false,"allow_unsecure_calls":0,"extra":1}),
        )
        .unwrap();
        assert!(status.activated && !status.blocked && !status.allow_unsecure_calls);
        let err = AccountStatus::from_answer(&json!({"activated":1,"blocked":0})).unwrap_err();
        assert!(
            matches!(&err, Error::Decode { field: Some(f), .. } if f == "allow_unsecure_calls"),
            "{err:?}"
        );
        let err = Balance::from_answer(&json!({"balance":1,"consumed":0,"balance_notify_limit":0,"last_payments":[{"value":1}]})).unwrap_err();
        assert!(err.to_string().contains("last_payments.created"), "{err}");
    }

    #[test]
    fn call_started_checks_codelen_against_mask() {
        let err = CallStarted::from_answer(
            &json!({"call":"c","mask":"123","codelen":4,"repeat_timeout":30}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("codelen"), "{err}");
    }

    #[test]
    fn payment_forms_render_escaped() {
        let form = Payment::Form {
            url: "https://pay.example/?a=1&b=2".into(),
            method: "POST".into(),
            fields: vec![("N".into(), "\"<x>\"".into())],
        };
        let html = form.to_html();
        assert!(
            html.contains("action=\"https://pay.example/?a=1&amp;b=2\""),
            "{html}"
        );
        assert!(html.contains("value=\"&quot;&lt;x&gt;&quot;\""), "{html}");
        assert!(html.contains("lbc-payment-button"));
    }

    #[test]
    fn masks_must_be_digits_that_hold_the_code() {
        for (mask, codelen, field) in [
            ("12€", 2, "mask"),
            ("7925688abcd", 4, "mask"),
            ("", 1, "mask"),
            ("79 25", 2, "mask"),
            ("123", 0, "codelen"),
            ("123", -1, "codelen"),
            ("123", 4, "codelen"),
        ] {
            let err = CallStarted::from_answer(
                &json!({"call":"c","mask":mask,"codelen":codelen,"repeat_timeout":30}),
            )
            .unwrap_err();
            assert!(
                matches!(&err, Error::Decode { field: Some(f), .. } if f == field),
                "{mask:?}/{codelen}: {err}"
            );
        }
        let ok = CallStarted::from_answer(
            &json!({"call":"c","mask":"79256880636","codelen":"4","repeat_timeout":30}),
        )
        .unwrap();
        assert_eq!(ok.codelen, 4);
    }
}
