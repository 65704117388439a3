//! Failures on demand: what a fault is, how it is written (`METHOD:KIND[:COUNT]` on a command line,
//! a JSON object for `POST /_sandbox/faults`), and the book of armed faults that API requests take
//! them from. How each kind is put on the wire is in `routes` and `sabotage`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use lbc_protocol::{Method, excerpt};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// The longest delay a fault may hold a request: ten minutes.
pub const MAX_FAULT_DELAY: Duration = Duration::from_secs(600);
/// The longest error code a fault may answer with.
const MAX_CODE_LEN: usize = 64;
/// The longest raw answer a fault may hold: 1 MiB.
pub const MAX_RAW_ANSWER: usize = 1 << 20;
/// How many faults may be armed at once.
pub(crate) const MAX_ARMED: usize = 1000;

/// What an armed fault does to the request it takes.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// An HTTP 502 page, as the service's nginx front answers when the service is down. The method
    /// does not run.
    BadGateway,
    /// An HTTP 503 page. The method does not run.
    Unavailable,
    /// The request waits this long, then runs and is answered as usual (the wait does not count
    /// against [`crate::SandboxConfig::request_timeout`]).
    Delay(Duration),
    /// The connection is reset (TCP RST) without an answer. The method does not run.
    Reset,
    /// The method runs, and its answer is cut: the headers announce the whole length, half of the
    /// body is sent, then the connection closes.
    Truncate,
    /// An API error answer (HTTP 200) with this code, known or not, and `additional` when given. The
    /// method does not run.
    Error {
        /// The `error` member, e.g. `NOT_ENOUGH_CREDIT` or `SOMETHING_NEW`.
        code: String,
        /// The `additional` member: a JSON object, or none.
        additional: Option<Map<String, Value>>,
    },
    /// These exact bytes instead of an HTTP answer (a bad status line, an invalid HTTP version, a
    /// truncated or garbled answer, ...), then the connection closes. The method does not run.
    Raw(String),
    /// No answer at all: the request is read, then held, silent, until the sandbox stops (a delay
    /// answers in the end; a hang never does). The method does not run.
    Hang,
}

impl FaultKind {
    /// The kind's name in the JSON form: `502`, `503`, `delay`, `reset`, `truncate`, `error`,
    /// `raw` or `hang`.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::BadGateway => "502",
            FaultKind::Unavailable => "503",
            FaultKind::Delay(_) => "delay",
            FaultKind::Reset => "reset",
            FaultKind::Truncate => "truncate",
            FaultKind::Error { .. } => "error",
            FaultKind::Raw(_) => "raw",
            FaultKind::Hang => "hang",
        }
    }

    /// Whether the method still runs under this fault (a call is then placed and charged).
    pub fn runs_method(&self) -> bool {
        matches!(self, FaultKind::Delay(_) | FaultKind::Truncate)
    }
}

/// A failure armed for API requests (under `/callapi/`, never `/_sandbox/`): the next `count`
/// requests of `method` (or of every method) get it instead of their usual answer.
///
/// Written on a command line as `METHOD:KIND[:COUNT]`, parsed with [`FromStr`]:
///
/// - `METHOD`: an API method name (`call`, `call-status`, …) or `*` for every request;
/// - `KIND`: `502`, `503`, `delay=MS`, `reset`, `truncate`, `hang`, `error=CODE`,
///   `error=CODE,additional=JSON` (a JSON object) or `raw=JSON` (a JSON string: the bytes to
///   write back, e.g. `raw="HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"statu"`);
/// - `COUNT`: how many requests it applies to (a positive number); absent, until cleared.
///
/// ```
/// use lbc_sandbox::Fault;
///
/// let fault: Fault = "call:error=NOT_ENOUGH_CREDIT:2".parse()?;
/// assert_eq!(fault.method(), "call");
/// assert_eq!(fault.count(), Some(2));
/// let listed = serde_json::to_value(&fault).unwrap();
/// assert_eq!(listed["kind"], "error");
/// assert_eq!(listed["code"], "NOT_ENOUGH_CREDIT");
/// assert!("call:5o2".parse::<Fault>().is_err());
/// # Ok::<(), String>(())
/// ```
///
/// It serialises as the JSON body of `POST /_sandbox/faults`, `count` being the uses left (`null`:
/// until cleared): `{"method": "call", "kind": "delay", "delay_ms": 1500, "count": 2}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// `None`: every method.
    method: Option<Method>,
    kind: FaultKind,
    count: Option<u32>,
}

impl Fault {
    /// A fault for `method` (an API method name, or `*` for all). `count`: how many requests it
    /// applies to (`None`: until cleared; zero is refused). A delay over [`MAX_FAULT_DELAY`], an
    /// error code that is empty, longer than 64 bytes or not made of letters, digits, `_`, `-` and
    /// `.`, or an unknown method are refused too.
    pub fn new(method: &str, kind: FaultKind, count: Option<u32>) -> Result<Fault, String> {
        let method = parse_method(method)?;
        check_kind(&kind)?;
        if count == Some(0) {
            return Err("a fault's count must be a positive number of requests".into());
        }
        Ok(Fault {
            method,
            kind,
            count,
        })
    }

    /// The method name it applies to, or `*`.
    pub fn method(&self) -> &str {
        self.method.map_or("*", Method::name)
    }

    /// What it does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    /// How many more requests it applies to; `None`: until cleared.
    pub fn count(&self) -> Option<u32> {
        self.count
    }

    /// Whether it applies to a request for `method` (`None`: a request that named no known method).
    fn applies_to(&self, method: Option<Method>) -> bool {
        self.method.is_none() || self.method == method
    }

    /// Reads a fault in its JSON form, the body of `POST /_sandbox/faults`:
    /// `{"method": "call" | "*", "kind": "502" | "503" | "reset" | "truncate" | "delay" | "error",
    /// "delay_ms": N, "code": "...", "additional": {...}, "count": N}` (`delay_ms` with `delay`
    /// only, `code` and the optional `additional` with `error` only, `count` optional).
    pub fn from_json(body: &Value) -> Result<Fault, String> {
        match body {
            Value::Object(object) => Fault::from_object(object),
            _ => Err("a fault is a JSON object".into()),
        }
    }

    fn from_object(object: &Map<String, Value>) -> Result<Fault, String> {
        const MEMBERS: [&str; 7] = [
            "method",
            "kind",
            "delay_ms",
            "code",
            "additional",
            "bytes",
            "count",
        ];
        if let Some(unknown) = object.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(format!(
                "unknown member \"{}\"; allowed: {}",
                excerpt(unknown),
                MEMBERS.join(", ")
            ));
        }
        let string = |name: &str| match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("{name} must be a string")),
        };
        let method = string("method")?.ok_or("method is required: an API method name or \"*\"")?;
        let kind_name = string("kind")?.ok_or(format!("kind is required: {JSON_KINDS}"))?;
        let present = |name: &str| object.get(name).is_some_and(|v| !v.is_null());
        let allowed: &[&str] = match kind_name {
            "delay" => &["delay_ms"],
            "error" => &["code", "additional"],
            "raw" => &["bytes"],
            _ => &[],
        };
        if let Some(extra) = ["delay_ms", "code", "additional", "bytes"]
            .into_iter()
            .find(|name| present(name) && !allowed.contains(name))
        {
            return Err(format!(
                "{extra} does not go with kind \"{}\"",
                excerpt(kind_name)
            ));
        }
        let kind = match kind_name {
            "502" => FaultKind::BadGateway,
            "503" => FaultKind::Unavailable,
            "reset" => FaultKind::Reset,
            "truncate" => FaultKind::Truncate,
            "hang" => FaultKind::Hang,
            "raw" => FaultKind::Raw(
                string("bytes")?
                    .ok_or("bytes is required with kind \"raw\": a string, the answer's bytes")?
                    .to_owned(),
            ),
            "delay" => {
                let ms = object
                    .get("delay_ms")
                    .and_then(Value::as_u64)
                    .ok_or("delay_ms is required with kind \"delay\": a whole number of ms")?;
                FaultKind::Delay(Duration::from_millis(ms))
            }
            "error" => FaultKind::Error {
                code: string("code")?
                    .ok_or("code is required with kind \"error\"")?
                    .to_owned(),
                additional: match object.get("additional") {
                    None | Some(Value::Null) => None,
                    Some(Value::Object(map)) => Some(map.clone()),
                    Some(_) => return Err("additional must be a JSON object".into()),
                },
            },
            other => {
                return Err(format!(
                    "unknown kind \"{}\"; expected {JSON_KINDS}",
                    excerpt(other)
                ));
            }
        };
        let count = match object.get("count") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n > 0)
                    .ok_or("count must be a positive whole number of requests (or null)")?,
            ),
        };
        Fault::new(method, kind, count)
    }
}

fn parse_method(method: &str) -> Result<Option<Method>, String> {
    if method == "*" {
        return Ok(None);
    }
    Method::from_name(method).map(Some).ok_or_else(|| {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
        format!(
            "unknown API method \"{}\"; expected * or one of {}",
            excerpt(method),
            names.join(", ")
        )
    })
}

fn check_kind(kind: &FaultKind) -> Result<(), String> {
    match kind {
        FaultKind::Delay(delay) if *delay > MAX_FAULT_DELAY => Err(format!(
            "a delay of {} ms is more than the {} ms allowed",
            delay.as_millis(),
            MAX_FAULT_DELAY.as_millis()
        )),
        FaultKind::Error { code, .. } => {
            let usable = (1..=MAX_CODE_LEN).contains(&code.len())
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
            if usable {
                Ok(())
            } else {
                Err(format!(
                    "error code \"{}\" must be 1 to {MAX_CODE_LEN} letters, digits, _, - or .",
                    excerpt(code)
                ))
            }
        }
        FaultKind::Raw(bytes) if bytes.is_empty() || bytes.len() > MAX_RAW_ANSWER => Err(format!(
            "a raw answer must be 1 to {MAX_RAW_ANSWER} bytes, not {}",
            bytes.len()
        )),
        _ => Ok(()),
    }
}

const JSON_KINDS: &str = "502, 503, delay, reset, truncate, error, raw or hang";
const KINDS: &str = "502, 503, delay=MS, reset, truncate, hang, error=CODE, \
                     error=CODE,additional=JSON or raw=JSON_STRING";

fn parse_kind(text: &str) -> Result<FaultKind, String> {
    match text {
        "502" => return Ok(FaultKind::BadGateway),
        "503" => return Ok(FaultKind::Unavailable),
        "reset" => return Ok(FaultKind::Reset),
        "truncate" => return Ok(FaultKind::Truncate),
        "hang" => return Ok(FaultKind::Hang),
        _ => {}
    }
    if let Some(json) = text.strip_prefix("raw=") {
        return match serde_json::from_str(json) {
            Ok(Value::String(bytes)) => Ok(FaultKind::Raw(bytes)),
            Ok(_) => Err("raw=... must be a JSON string, e.g. raw=\"HTTP/1.1 200\\r\\n\"".into()),
            Err(e) => Err(format!("raw=... is not a JSON string: {e}")),
        };
    }
    if let Some(ms) = text.strip_prefix("delay=") {
        let ms: u64 = ms.parse().map_err(|_| {
            format!(
                "delay=MS needs a whole number of ms, not \"{}\"",
                excerpt(ms)
            )
        })?;
        return Ok(FaultKind::Delay(Duration::from_millis(ms)));
    }
    if let Some(rest) = text.strip_prefix("error=") {
        let (code, additional) = match rest.split_once(",additional=") {
            Some((code, json)) => {
                let parsed = match serde_json::from_str(json) {
                    Ok(Value::Object(map)) => map,
                    Ok(_) => return Err("additional must be a JSON object".into()),
                    Err(e) => return Err(format!("additional is not JSON: {e}")),
                };
                (code, Some(parsed))
            }
            None => (rest, None),
        };
        return Ok(FaultKind::Error {
            code: code.to_owned(),
            additional,
        });
    }
    Err(format!(
        "unknown kind \"{}\"; expected {KINDS}",
        excerpt(text)
    ))
}

impl FromStr for Fault {
    type Err = String;

    /// Parses `METHOD:KIND[:COUNT]` (see [`Fault`]).
    fn from_str(spec: &str) -> Result<Fault, String> {
        let context = |why: String| format!("fault \"{}\": {why}", excerpt(spec));
        let (method, rest) = spec.split_once(':').ok_or_else(|| {
            context(format!(
                "expected METHOD:KIND[:COUNT], e.g. call:502:1, with KIND one of {KINDS}"
            ))
        })?;
        // A JSON `additional` may hold colons, but always ends with `}`: a trailing `:digits` is
        // the count.
        let (kind, count) = match rest.rsplit_once(':') {
            Some((kind, count))
                if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let count: u32 =
                    count.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        context("COUNT must be a positive number of requests".into())
                    })?;
                (kind, Some(count))
            }
            _ => (rest, None),
        };
        let kind = parse_kind(kind).map_err(context)?;
        Fault::new(method, kind, count).map_err(context)
    }
}

impl fmt::Display for Fault {
    /// The command-line form, which [`FromStr`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.method())?;
        match &self.kind {
            FaultKind::Delay(delay) => write!(f, "delay={}", delay.as_millis())?,
            FaultKind::Error { code, additional } => {
                write!(f, "error={code}")?;
                if let Some(additional) = additional {
                    write!(f, ",additional={}", Value::Object(additional.clone()))?;
                }
            }
            FaultKind::Raw(bytes) => write!(f, "raw={}", Value::String(bytes.clone()))?,
            other => f.write_str(other.name())?,
        }
        if let Some(count) = self.count {
            write!(f, ":{count}")?;
        }
        Ok(())
    }
}

impl Serialize for Fault {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("method", self.method())?;
        map.serialize_entry("kind", self.kind.name())?;
        match &self.kind {
            FaultKind::Delay(delay) => {
                map.serialize_entry("delay_ms", &u64::try_from(delay.as_millis()).unwrap_or(0))?;
            }
            FaultKind::Error { code, additional } => {
                map.serialize_entry("code", code)?;
                if let Some(additional) = additional {
                    map.serialize_entry("additional", additional)?;
                }
            }
            FaultKind::Raw(bytes) => map.serialize_entry("bytes", bytes)?,
            _ => {}
        }
        map.serialize_entry("count", &self.count)?;
        map.end()
    }
}

/// The armed faults, oldest first: a request takes the oldest one that applies to it.
#[derive(Debug, Default)]
pub(crate) struct FaultBook {
    armed: Vec<Fault>,
}

impl FaultBook {
    /// Arms `fault` after the others (`/_sandbox/faults` refuses more than [`MAX_ARMED`]).
    pub(crate) fn arm(&mut self, fault: Fault) {
        self.armed.push(fault);
    }

    /// How many faults are armed.
    pub(crate) fn len(&self) -> usize {
        self.armed.len()
    }

    /// The armed faults, with the uses they have left.
    pub(crate) fn list(&self) -> Vec<Fault> {
        self.armed.clone()
    }

    /// Disarms every fault.
    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }

    /// Takes one use of the oldest fault that applies to a request for `method`.
    pub(crate) fn take(&mut self, method: Option<Method>) -> Option<FaultKind> {
        let index = self.armed.iter().position(|f| f.applies_to(method))?;
        let fault = &mut self.armed[index];
        let kind = fault.kind.clone();
        match &mut fault.count {
            Some(1) => {
                self.armed.remove(index);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(spec: &str) -> Fault {
        spec.parse().unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    #[test]
    fn command_line_specs_parse_and_print_back() {
        for (spec, method, kind, count) in [
            ("call:502", "call", FaultKind::BadGateway, None),
            ("*:503:3", "*", FaultKind::Unavailable, Some(3)),
            (
                "call-status:delay=1500:1",
                "call-status",
                FaultKind::Delay(Duration::from_millis(1500)),
                Some(1),
            ),
            ("balance:reset", "balance", FaultKind::Reset, None),
            ("pay:truncate:2", "pay", FaultKind::Truncate, Some(2)),
            ("*:hang:1", "*", FaultKind::Hang, Some(1)),
            (
                r#"call:raw="HTTP/1.1 200 OK\r\n\r\n{\"a\":1}":2"#,
                "call",
                FaultKind::Raw("HTTP/1.1 200 OK\r\n\r\n{\"a\":1}".into()),
                Some(2),
            ),
            (
                "call:error=SOMETHING_NEW",
                "call",
                FaultKind::Error {
                    code: "SOMETHING_NEW".into(),
                    additional: None,
                },
                None,
            ),
        ] {
            let fault = parse(spec);
            assert_eq!(
                (fault.method(), fault.kind(), fault.count()),
                (method, &kind, count),
                "{spec}"
            );
            assert_eq!(fault.to_string(), spec);
        }
    }

    #[test]
    fn additional_json_may_hold_colons_and_commas() {
        let fault = parse(r#"call:error=CALL_REPEAT_TIMEOUT,additional={"delay":2.5,"a":"x:1"}:4"#);
        assert_eq!(fault.count(), Some(4));
        let FaultKind::Error { code, additional } = fault.kind() else {
            panic!("{fault:?}");
        };
        assert_eq!(code, "CALL_REPEAT_TIMEOUT");
        assert_eq!(
            Value::Object(additional.clone().unwrap()),
            json!({"delay": 2.5, "a": "x:1"})
        );
        assert_eq!(parse(&fault.to_string()), fault);
        // Without a count, the JSON's own last colon is not mistaken for one.
        let open = parse(r#"*:error=X,additional={"n":1}"#);
        assert_eq!(open.count(), None);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for (spec, says) in [
            ("call", "expected METHOD:KIND[:COUNT]"),
            ("cal:502", "unknown API method \"cal\""),
            ("call:5o2", "unknown kind \"5o2\""),
            ("call:502:0", "COUNT must be a positive number"),
            ("call:delay=abc", "delay=MS needs a whole number"),
            ("call:delay=600001", "more than the 600000 ms allowed"),
            ("call:error=", "error code \"\" must be"),
            ("call:error=A B", "error code \"A B\" must be"),
            (
                "call:error=X,additional=[1]",
                "additional must be a JSON object",
            ),
            ("call:error=X,additional={", "additional is not JSON"),
            ("call:raw=abc", "raw=... is not a JSON string"),
            ("call:raw=[1]", "raw=... must be a JSON string"),
            ("call:raw=\"\"", "a raw answer must be 1 to"),
        ] {
            let err = spec.parse::<Fault>().unwrap_err();
            assert!(err.contains(says), "{spec}: {err}");
            assert!(err.starts_with("fault \""), "{spec}: {err}");
        }
    }

    #[test]
    fn json_bodies_parse_as_the_listing_shows_them() {
        for body in [
            json!({"method": "call", "kind": "502", "count": 1}),
            json!({"method": "*", "kind": "delay", "delay_ms": 250, "count": null}),
            json!({"method": "pay", "kind": "error", "code": "X", "additional": {"a": 1}, "count": 2}),
            json!({"method": "call-hangup", "kind": "reset", "count": null}),
            json!({"method": "*", "kind": "hang", "count": 1}),
            json!({"method": "*", "kind": "raw", "bytes": "HTTP/1.1 600 What\r\n\r\n", "count": 1}),
        ] {
            let fault = Fault::from_json(&body).unwrap();
            let mut listed = serde_json::to_value(&fault).unwrap();
            if body.get("count").is_none() {
                listed.as_object_mut().unwrap().remove("count");
            }
            assert_eq!(listed, body);
        }
        for (body, says) in [
            (json!({"kind": "502"}), "method is required"),
            (json!({"method": "call"}), "kind is required"),
            (json!(["call", "502"]), "a fault is a JSON object"),
            (
                json!({"method": "call", "kind": "delay"}),
                "delay_ms is required",
            ),
            (
                json!({"method": "call", "kind": "error"}),
                "code is required",
            ),
            (
                json!({"method": "call", "kind": "502", "delay_ms": 5}),
                "delay_ms does not go",
            ),
            (
                json!({"method": "call", "kind": "raw"}),
                "bytes is required",
            ),
            (
                json!({"method": "call", "kind": "hang", "bytes": "x"}),
                "bytes does not go",
            ),
            (
                json!({"method": "call", "kind": "502", "count": 0}),
                "count must be a positive",
            ),
            (
                json!({"method": "call", "kind": "502", "cuont": 1}),
                "unknown member \"cuont\"",
            ),
            (
                json!({"method": "call", "kind": "error", "code": "X", "additional": 3}),
                "JSON object",
            ),
        ] {
            let err = Fault::from_json(&body).unwrap_err();
            assert!(err.contains(says), "{body}: {err}");
        }
    }

    #[test]
    fn requests_take_the_oldest_fault_that_applies_until_its_count_is_spent() {
        let mut book = FaultBook::default();
        book.arm(parse("call:502:2"));
        book.arm(parse("*:503"));
        assert_eq!(
            book.take(Some(Method::Balance)),
            Some(FaultKind::Unavailable)
        );
        assert_eq!(book.take(Some(Method::Call)), Some(FaultKind::BadGateway));
        assert_eq!(book.list()[0].count(), Some(1), "one use left");
        assert_eq!(book.take(Some(Method::Call)), Some(FaultKind::BadGateway));
        assert_eq!(book.list().len(), 1, "spent faults are disarmed");
        assert_eq!(
            book.take(None),
            Some(FaultKind::Unavailable),
            "* takes unknown methods"
        );
        assert_eq!(book.len(), 1);
        book.clear();
        assert_eq!(book.take(Some(Method::Call)), None);
    }
}
