//! One HTTP exchange over ureq: send a built request, read a size-limited answer, and say precisely what
//! failed, including whether the request may have reached the server.

use std::fmt;
use std::io::Read;
use std::sync::{Mutex, OnceLock, PoisonError, TryLockError};
use std::time::Duration;

use serde_json::Value;
use ureq::Agent;
use ureq::config::Config;
use ureq::http::Response;
use ureq::unversioned::transport::{ConnectionDetails, Connector, DefaultConnector, Transport};

use lbc_protocol::{HttpMethod, WireRequest};

use crate::error::snippet;
use crate::resolver::CachingResolver;
use crate::{ApiError, Error, TransportKind};

/// The client's connections, one keep-alive pool per process.
///
/// A child of `fork()` inherits its parent's pooled sockets: were it to send on one, the parent and
/// the child would write requests into one connection and each read the other's answers (another
/// user's call id and mask, so its code). So every request first asks for the agent of the current
/// process: the one the client was built with in the process that built it, and in a forked child a
/// fresh agent with the same configuration, made on the child's first request and used from then on.
///
/// The check costs one `getpid` per request, and no process ever waits for a lock it inherited
/// (one a thread of its parent may have held at the instant of the fork, never to release it): each
/// process locks only its own generation's mutex, just long enough to clone its agent; a child makes
/// its generation once ([`OnceLock`], in its own memory) and only tries the parent's mutex, to drop
/// the inherited agent if it is free (`try_lock`, never waiting). Dropping it closes the child's
/// copies of the parent's sockets: that neither writes to them nor ends the parent's connections
/// (ureq and rustls do no I/O when dropped, no `shutdown(2)` is called, and a socket two processes
/// hold stays open until both close it).
pub(crate) struct Agents {
    config: Config,
    root: Generation,
}

/// The agent of one process, and the next process's (a child's) once one asked.
struct Generation {
    pid: u32,
    agent: Mutex<Option<Agent>>,
    next: OnceLock<Box<Generation>>,
}

impl Generation {
    fn new(pid: u32, config: &Config) -> Self {
        Generation {
            pid,
            agent: Mutex::new(Some(make_agent(config))),
            next: OnceLock::new(),
        }
    }
}

/// A fresh agent with its own pool, resolver cache and connector.
fn make_agent(config: &Config) -> Agent {
    Agent::with_parts(
        config.clone(),
        UnsentConnector(DefaultConnector::default()),
        CachingResolver::default(),
    )
}

impl Agents {
    /// Agents made with `config` (the agent of this process is made at once).
    pub fn new(config: Config) -> Self {
        let root = Generation::new(std::process::id(), &config);
        Agents { config, root }
    }

    /// The agent of the current process.
    pub fn current(&self) -> Agent {
        self.of_process(std::process::id())
    }

    /// The agent of process `pid`, made if it has none.
    fn of_process(&self, pid: u32) -> Agent {
        let mut generation = &self.root;
        loop {
            if generation.pid == pid {
                let agent = generation
                    .agent
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                // `None` only if this process's pid was once an ancestor's whose agent a child took
                // (pids are reused): then the walk goes on and a generation of its own is made.
                if let Some(agent) = agent.as_ref() {
                    return agent.clone();
                }
            }
            generation = generation.next.get_or_init(|| {
                // The first request of a forked child: the parent's pool is dropped here (without
                // waiting for a lock a vanished thread may hold) and a new agent is made.
                let inherited = match generation.agent.try_lock() {
                    Ok(mut agent) => agent.take(),
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().take(),
                    Err(TryLockError::WouldBlock) => None,
                };
                drop(inherited);
                Box::new(Generation::new(pid, &self.config))
            });
        }
    }
}

/// A failure known to have happened before any byte of the request was written: resolving the host
/// name, or making the connection (TCP, proxy, TLS handshake). The resolver and the connector wrap
/// what fails in them in this type, so that [`Exchange::classify`] need not guess from an I/O error
/// where it came from.
#[derive(Debug)]
struct Unsent {
    stage: Stage,
    error: ureq::Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Resolve,
    Connect,
}

impl Unsent {
    fn wrap(stage: Stage, error: ureq::Error) -> ureq::Error {
        ureq::Error::Other(Box::new(Unsent { stage, error }))
    }
}

impl fmt::Display for Unsent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Unsent {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// ureq's default connector chain (proxy, TCP, TLS), its failures marked as [`Unsent`].
#[derive(Debug)]
struct UnsentConnector(DefaultConnector);

impl Connector<()> for UnsentConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        self.0
            .connect(details, chained)
            .map_err(|e| Unsent::wrap(Stage::Connect, e))
    }
}

/// The resolver's failures marked as [`Unsent`] (used by [`CachingResolver`]).
pub(crate) fn resolve_failed(error: ureq::Error) -> ureq::Error {
    Unsent::wrap(Stage::Resolve, error)
}

/// How a failed attempt may be handled.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: Error,
    /// Whether this kind of failure is worth another attempt (for a method where that is safe).
    pub transient: bool,
    /// Whether any part of the request may have reached the server.
    pub maybe_sent: bool,
}

/// The settings one exchange needs.
pub(crate) struct Exchange<'a> {
    pub agent: &'a Agent,
    pub url: String,
    pub method: &'static str,
    /// The time this attempt may take, answer included: the per-attempt timeout or what is left of
    /// the operation's deadline, whichever is shorter.
    pub timeout: Duration,
    /// The time to connect, never more than `timeout`.
    pub connect_timeout: Duration,
    /// Whether `timeout` differs from the agent's own (a deadline cuts this attempt short): only
    /// then does the request carry a configuration of its own, which costs a copy per request.
    pub shortened: bool,
    /// The limit a timeout is reported as (the per-attempt timeout, or the deadline when that is
    /// what ran out).
    pub reported_limit: Duration,
    pub max_response_bytes: u64,
}

impl Exchange<'_> {
    /// Sends `request` once and reads the answer as JSON (with its `X-Request-Id`), turning error
    /// answers into [`Error::Api`].
    pub fn run(&self, request: &WireRequest) -> Result<(Value, Option<String>), Failure> {
        let response = self.send(request).map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = self.read_body(response)?;
        if status != 200 {
            return Err(Failure {
                transient: status >= 500 || status == 429,
                maybe_sent: true,
                error: Error::Http {
                    status,
                    snippet: snippet(&body, 200),
                    request_id,
                },
            });
        }
        match decode_answer(&body, request_id.clone()) {
            Ok(value) => Ok((value, request_id)),
            Err(error) => Err(Failure {
                error,
                transient: false,
                maybe_sent: true,
            }),
        }
    }

    fn send(&self, request: &WireRequest) -> Result<Response<ureq::Body>, ureq::Error> {
        let url = &self.url;
        let timeout = Some(self.timeout);
        let connect = Some(self.connect_timeout.min(self.timeout));
        match request.http_method {
            HttpMethod::Get => {
                let mut builder = self.agent.get(url);
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                if !self.shortened {
                    return builder.call();
                }
                builder
                    .config()
                    .timeout_global(timeout)
                    .timeout_connect(connect)
                    .build()
                    .call()
            }
            HttpMethod::Post => {
                let mut builder = self.agent.post(url);
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                if !self.shortened {
                    return builder.send(&request.body[..]);
                }
                builder
                    .config()
                    .timeout_global(timeout)
                    .timeout_connect(connect)
                    .build()
                    .send(&request.body[..])
            }
        }
    }

    fn read_body(&self, mut response: Response<ureq::Body>) -> Result<Vec<u8>, Failure> {
        let mut body = Vec::new();
        let limit = self.max_response_bytes;
        let read = response
            .body_mut()
            .as_reader()
            .take(limit + 1)
            .read_to_end(&mut body);
        match read {
            Ok(_) if body.len() as u64 > limit => Err(Failure {
                error: Error::Decode {
                    message: format!("the answer is larger than the {limit}-byte limit"),
                    field: None,
                    request_id: None,
                },
                transient: false,
                maybe_sent: true,
            }),
            Ok(_) => Ok(body),
            // The request was written and an answer began: whatever broke, it reached the server.
            Err(io) => {
                let mut failure = self.classify(ureq::Error::from(io));
                failure.maybe_sent = true;
                mark_maybe_sent(&mut failure.error);
                Err(failure)
            }
        }
    }

    /// Says what failed, and whether any byte of the request may have been written: only a failure
    /// to resolve the host or to make the connection (TCP, proxy, TLS handshake), which the resolver
    /// and the connector mark as [`Unsent`], is known to have sent nothing.
    fn classify(&self, error: ureq::Error) -> Failure {
        let (kind, maybe_sent, transient, error) = match error {
            ureq::Error::Other(other) if other.is::<Unsent>() => {
                let Ok(unsent) = other.downcast::<Unsent>() else {
                    unreachable!("checked by `is`")
                };
                let (kind, transient) = unsent_kind(&unsent);
                (kind, false, transient, unsent.error)
            }
            other => {
                let (kind, maybe_sent, transient) = sent_kind(&other);
                (kind, maybe_sent, transient, other)
            }
        };
        let error = match error {
            ureq::Error::Timeout(_) => Error::Timeout {
                method: self.method,
                after: self.reported_limit,
                may_have_been_placed: maybe_sent,
            },
            other => {
                let mut message = describe(&other);
                if kind == TransportKind::Dns {
                    if let Some(host) = self
                        .url
                        .parse::<ureq::http::Uri>()
                        .ok()
                        .and_then(|u| u.host().map(str::to_owned))
                    {
                        message = format!("cannot resolve {host}: {message}");
                    }
                }
                Error::Transport {
                    kind,
                    message,
                    may_have_been_placed: maybe_sent,
                    source: Some(Box::new(other)),
                }
            }
        };
        Failure {
            error,
            transient,
            maybe_sent,
        }
    }
}

/// Says in `error` that the request may have reached the server: this attempt's or an earlier one's.
pub(crate) fn mark_maybe_sent(error: &mut Error) {
    if let Error::Transport {
        may_have_been_placed,
        ..
    }
    | Error::Timeout {
        may_have_been_placed,
        ..
    } = error
    {
        *may_have_been_placed = true;
    }
}

/// The kind of a failure before sending, and whether another attempt may help.
fn unsent_kind(unsent: &Unsent) -> (TransportKind, bool) {
    use ureq::Error as U;
    match (&unsent.error, unsent.stage) {
        (U::BadUri(_), _) => (TransportKind::Protocol, false),
        (_, Stage::Resolve) | (U::HostNotFound, _) => (TransportKind::Dns, true),
        (U::Tls(_) | U::Pem(_) | U::Rustls(_) | U::TlsRequired, _) => (TransportKind::Tls, false),
        // rustls reports a refused handshake as an `InvalidData` I/O error; TCP never does.
        (U::Io(io), _) if is_tls(io) || io.kind() == std::io::ErrorKind::InvalidData => {
            (TransportKind::Tls, false)
        }
        (U::ConnectProxyFailed(_) | U::InvalidProxyUrl, _) => (TransportKind::Proxy, false),
        _ => (TransportKind::Connect, true),
    }
}

/// Whether an I/O error holds a `rustls::Error` (rustls reports its errors, an untrusted
/// certificate among them, as I/O errors of kind `InvalidData` holding one).
fn is_tls(io: &std::io::Error) -> bool {
    io.get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
}

/// The kind of a failure once the connection was made (while writing the request or reading the
/// answer), whether the request may have reached the server, and whether another attempt may help.
fn sent_kind(error: &ureq::Error) -> (TransportKind, bool, bool) {
    use std::io::ErrorKind as Io;
    use ureq::Error as U;
    use ureq::Timeout as T;
    match error {
        // ureq reports these before a connection is used; kept for safety, they send nothing.
        U::Timeout(T::Resolve) | U::HostNotFound => (TransportKind::Dns, false, true),
        U::Timeout(T::Connect) | U::ConnectionFailed => (TransportKind::Connect, false, true),
        U::Io(io) => match io.kind() {
            Io::ConnectionReset
            | Io::ConnectionAborted
            | Io::BrokenPipe
            | Io::UnexpectedEof
            | Io::NotConnected => (TransportKind::Reset, true, true),
            _ if is_tls(io) => (TransportKind::Tls, true, false),
            _ => (TransportKind::Io, true, true),
        },
        U::Tls(_) | U::Pem(_) | U::Rustls(_) | U::TlsRequired => (TransportKind::Tls, true, false),
        U::ConnectProxyFailed(_) | U::InvalidProxyUrl => (TransportKind::Proxy, false, false),
        U::BadUri(_) | U::Http(_) | U::RequireHttpsOnly(_) => {
            (TransportKind::Protocol, false, false)
        }
        U::Protocol(_)
        | U::LargeResponseHeader(..)
        | U::Decompress(..)
        | U::RedirectFailed
        | U::TooManyRedirects
        | U::StatusCode(_) => (TransportKind::Protocol, true, false),
        _ => (TransportKind::Io, true, true),
    }
}

fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Io(io) => format!("I/O error: {io}"),
        other => other.to_string(),
    }
}

/// Reads an answer body: an empty body is `{}` (the empty successes); an object with `error` is an
/// [`Error::Api`]; anything but a JSON object is an [`Error::Decode`].
pub(crate) fn decode_answer(body: &[u8], request_id: Option<String>) -> Result<Value, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| Error::Decode {
        message: format!("not JSON ({e}): {:?}", snippet(body, 80)),
        field: None,
        request_id: request_id.clone(),
    })?;
    if !value.is_object() {
        return Err(Error::Decode {
            message: format!("not a JSON object: {}", snippet(body, 80)),
            field: None,
            request_id,
        });
    }
    if let Some(path) = nul_inside(&value, &mut String::new()) {
        return Err(Error::Decode {
            message: "a text holds a NUL character".into(),
            field: Some(path),
            request_id,
        });
    }
    match ApiError::from_answer(&value, request_id) {
        Some(api) => Err(api.into()),
        None => Ok(value),
    }
}

/// The path of the first string (or member name) in `value` holding a NUL: C strings cannot carry
/// one, and cutting a text there would change its meaning, so such an answer is refused whole.
fn nul_inside(value: &Value, path: &mut String) -> Option<String> {
    match value {
        Value::String(text) if text.contains('\0') => Some(path.clone()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let mut inner = format!("{path}[{i}]");
            nul_inside(item, &mut inner)
        }),
        Value::Object(members) => members.iter().find_map(|(name, item)| {
            let mut inner = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if name.contains('\0') {
                return Some(inner);
            }
            nul_inside(item, &mut inner)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_process_gets_its_own_agent_and_a_child_drops_its_parents() {
        let agents = Agents::new(Config::default());
        let parent = std::process::id();
        let (child, grandchild) = (parent.wrapping_add(1), parent.wrapping_add(2));
        let generations = |agents: &Agents| {
            let mut pids = vec![agents.root.pid];
            let mut generation = &agents.root;
            while let Some(next) = generation.next.get() {
                pids.push(next.pid);
                generation = next;
            }
            pids
        };
        let held = |generation: &Generation| generation.agent.lock().unwrap().is_some();

        agents.current();
        agents.current();
        assert_eq!(generations(&agents), [parent]);
        assert!(held(&agents.root));

        // A child's first request makes its agent and drops the inherited one; later ones reuse it.
        agents.of_process(child);
        agents.of_process(child);
        assert_eq!(generations(&agents), [parent, child]);
        assert!(!held(&agents.root));
        let first_child = agents.root.next.get().unwrap();
        assert!(held(first_child));

        // A child of the child.
        agents.of_process(grandchild);
        assert_eq!(generations(&agents), [parent, child, grandchild]);
        assert!(!held(first_child));

        // An inherited agent whose lock was held at the fork is left alone, never waited for.
        let agents = Agents::new(Config::default());
        let guard = agents.root.agent.lock().unwrap();
        agents.of_process(child);
        assert!(guard.is_some());
    }

    #[test]
    fn answers_decode_by_shape() {
        assert_eq!(decode_answer(b"", None).unwrap(), serde_json::json!({}));
        assert_eq!(decode_answer(b" \n", None).unwrap(), serde_json::json!({}));
        let err = decode_answer(b"{\"error\":\"X\"}", Some("r".into())).unwrap_err();
        assert_eq!(err.request_id(), Some("r"));
        assert!(matches!(err, Error::Api(_)));
        let nul = decode_answer(b"{\"call\":\"c\",\"x\":{\"y\":\"a\\u0000b\"}}", None).unwrap_err();
        assert_eq!(nul.field(), Some("x.y"));
        for bad in [&b"<html>"[..], b"{\"a\":", b"[1]", b"\"x\""] {
            assert!(
                matches!(decode_answer(bad, None), Err(Error::Decode { .. })),
                "{bad:?}"
            );
        }
    }
}
