//! The [`Client`]: configuration, signing each request, the retry rules and the deadline.
//!
//! Retry rules: only methods without side effects (`status`, `server-status`, `balance`, `call-status`)
//! are sent again after a timeout, a connection failure, HTTP 5xx or 429, at most
//! [`ClientBuilder::max_retries`](crate::ClientBuilder::max_retries) times with jittered backoff. Every other method is sent again only when
//! the connection failed before any byte of the request was written. Every attempt is signed afresh,
//! with a new `timestamp` and `nonce`. The whole operation, every attempt and backoff included,
//! ends by its deadline ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).

use std::sync::Arc;
use std::time::{Duration, Instant};

use lbc_protocol::{
    CALL_API_ID, Encoding, Method, NONCE, Params, SignaturePlacement, SignatureRule, Signer,
    TIMESTAMP,
};
use serde_json::Value;

use crate::answer::{CallState, FromAnswer};
use crate::builder::check_key;
use crate::cancel;
use crate::events::{Event, EventKind, EventLog, mask_number};
use crate::guard::{Guard, GuardPolicy};
use crate::limits::{check_name, check_text, check_value};
use crate::login::{LoginPolicy, StateKeys};
use crate::phone::{self, Region};
use crate::replay::{Clock, NonceSource, add_replay_fields};
use crate::store::Namespaced;
use crate::transport::{Agents, Exchange, Failure, mark_maybe_sent};
use crate::{ApiKey, ClientBuilder, Error};

/// A LoginByCall client: cheap to clone, safe to share between threads, one keep-alive connection
/// pool per client.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The connection pool of this process (a forked child makes its own): shared by the clients
    /// [`Client::with_credentials`] makes.
    pub(crate) agents: Arc<Agents>,
    pub(crate) base_url: String,
    pub(crate) call_api_id: Option<String>,
    pub(crate) signer: Option<Signer>,
    pub(crate) encoding: Encoding,
    pub(crate) placement: SignaturePlacement,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_retries: u32,
    pub(crate) retry_base_delay: Duration,
    pub(crate) default_region: Region,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) nonces: Arc<dyn NonceSource>,
    pub(crate) login_policy: LoginPolicy,
    /// The store, with this account's keys (`lbc:<hash of call_api_id>:...`).
    pub(crate) store: Namespaced,
    /// The keys that seal login states; `None` without an api key or a state key.
    pub(crate) state_keys: Option<Arc<StateKeys>>,
    /// What is checked before a call is placed.
    pub(crate) guard: Arc<Guard>,
    /// The events this client recorded ([`crate::ClientBuilder::log_level`]).
    pub(crate) events: Arc<EventLog>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("call_api_id", &self.inner.call_api_id)
            .field("signed", &self.inner.signer.is_some())
            .field("encoding", &self.inner.encoding)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API root requests go to (always ending in `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The configured `call-api-id`.
    pub fn call_api_id(&self) -> Option<&str> {
        self.inner.call_api_id.as_deref()
    }

    /// The login policy [`Client::start_login`] gives new logins.
    pub fn login_policy(&self) -> LoginPolicy {
        self.inner.login_policy
    }

    /// What the guard checks before a call is placed ([`ClientBuilder::guard`]).
    pub fn guard_policy(&self) -> &GuardPolicy {
        self.inner.guard.policy()
    }

    pub(crate) fn clock(&self) -> Arc<dyn Clock> {
        self.inner.clock.clone()
    }

    /// `text` as E.164 digits, national forms read in the client's default region
    /// ([`ClientBuilder::default_region`]); see [`crate::normalize_phone`].
    pub fn normalize_phone(&self, text: &str) -> Result<String, Error> {
        phone::normalize(text, self.inner.default_region)
    }

    /// A client with the same settings and connection pool but other credentials: e.g. to send
    /// `credential_confirm` with the new id and key after `register` or `change_credential`.
    pub fn with_credentials(
        &self,
        call_api_id: impl Into<String>,
        api_key: impl Into<ApiKey>,
    ) -> Result<Client, Error> {
        let call_api_id = call_api_id.into();
        check_text(CALL_API_ID, &call_api_id)?;
        let key: ApiKey = api_key.into();
        check_key(&key)?;
        let inner = &self.inner;
        // States stay sealed with an explicit state key; the default one follows the api key.
        let state_keys = match &inner.state_keys {
            Some(keys) if keys.explicit => Some(keys.clone()),
            _ => Some(Arc::new(StateKeys::new(
                key.expose().as_bytes(),
                &[],
                false,
            ))),
        };
        let store = Namespaced::new(inner.store.store.clone(), Some(&call_api_id));
        let guard = Arc::new(inner.guard.for_account(Some(&call_api_id)));
        Ok(Client {
            inner: Arc::new(Inner {
                agents: inner.agents.clone(),
                base_url: inner.base_url.clone(),
                call_api_id: Some(call_api_id),
                signer: Some(Signer::new(key.expose())),
                encoding: inner.encoding,
                placement: inner.placement,
                timeout: inner.timeout,
                connect_timeout: inner.connect_timeout,
                deadline: inner.deadline,
                max_response_bytes: inner.max_response_bytes,
                max_retries: inner.max_retries,
                retry_base_delay: inner.retry_base_delay,
                default_region: inner.default_region,
                clock: inner.clock.clone(),
                nonces: inner.nonces.clone(),
                login_policy: inner.login_policy,
                store,
                state_keys,
                guard,
                events: Arc::new(EventLog::new(inner.events.level())),
            }),
        })
    }

    /// The events recorded since the last take, oldest first (at most
    /// [`EVENT_CAPACITY`](crate::EVENT_CAPACITY), older ones dropped), at the level the client was
    /// built with ([`crate::ClientBuilder::log_level`]; nothing is recorded by default). Every event
    /// also goes to the `log` crate, target `loginbycall`, whatever the level.
    pub fn take_events(&self) -> Vec<Event> {
        self.inner.events.take()
    }

    /// The guard's check of a call to `msisdn`, its refusal reported as an event.
    pub(crate) fn guard_check(&self, msisdn: &str, ip: Option<&str>) -> Result<(), Error> {
        let result = self.inner.guard.check(msisdn, ip);
        if let Err(Error::GuardRefused {
            reason, message, ..
        }) = &result
        {
            if self.inner.events.wants(EventKind::GuardRefused) {
                self.inner.events.emit(Event {
                    kind: EventKind::GuardRefused,
                    message: format!("call refused by the guard ({reason}): {message}"),
                    method: "call".into(),
                    attempt: 0,
                    status: None,
                    elapsed: Duration::ZERO,
                    request_id: None,
                });
            }
        }
        result
    }

    /// Calls any method by name with raw parameters and returns the JSON answer: the escape hatch for
    /// bindings and for methods the typed API does not have yet.
    ///
    /// `call-api-id` is added from the configuration when the method takes it. Known methods are
    /// checked against the method table; an unknown method is signed (when a key is configured) over
    /// `call-api-id, timestamp, nonce` and then its parameters in the order given, and never retried.
    ///
    /// The method's name and every parameter's name are at most
    /// [`MAX_NAME_BYTES`](crate::limits::MAX_NAME_BYTES), every value at most
    /// [`MAX_TEXT_BYTES`](crate::limits::MAX_TEXT_BYTES): anything longer is refused before it
    /// is sent.
    pub fn request(&self, method: &str, params: &Params) -> Result<Value, Error> {
        check_name("method", method)?;
        for (name, value) in params.iter() {
            check_name("params", name)?;
            check_value(name, value)?;
        }
        match Method::from_name(method) {
            Some(Method::Call) => {
                self.guard_raw_call(params)?;
                self.execute(Method::Call, params.clone())
            }
            Some(known) => self.execute(known, params.clone()),
            None => self.execute_unknown(method, params.clone()),
        }
    }

    /// The guard's check of a `call` sent through [`Client::request`]: the escape hatch places
    /// calls too, so it is guarded the same way.
    fn guard_raw_call(&self, params: &Params) -> Result<(), Error> {
        let Some(msisdn) = params.get("msisdn") else {
            // Refused as missing when sent, before anything leaves.
            return Ok(());
        };
        // A number the SDK cannot read is counted by (the start of) its text.
        let msisdn = self
            .normalize_phone(msisdn)
            .unwrap_or_else(|_| msisdn.trim().chars().take(64).collect());
        self.guard_check(&msisdn, params.get("ip_address"))
    }

    /// `call-status` that ends by `deadline` (for [`crate::Login::wait_final`]).
    pub(crate) fn call_status_by(&self, call: &str, deadline: Instant) -> Result<CallState, Error> {
        check_text("call", call)?;
        let deadline = deadline.min(Instant::now() + self.inner.deadline);
        self.execute_by(
            Method::CallStatus,
            Params::new().with("call", call),
            deadline,
        )
    }

    /// Sends `method` with `params` (plus configured id and signature) and reads a typed answer.
    pub(crate) fn execute<T: FromAnswer>(
        &self,
        method: Method,
        params: Params,
    ) -> Result<T, Error> {
        self.execute_by(method, params, Instant::now() + self.inner.deadline)
    }

    fn execute_by<T: FromAnswer>(
        &self,
        method: Method,
        mut params: Params,
        deadline: Instant,
    ) -> Result<T, Error> {
        let spec = method.spec();
        self.fill_call_api_id(method, &mut params)?;
        for name in spec.required {
            if params.given(name).is_none() {
                return Err(Error::invalid_input(
                    *name,
                    format!("is required by `{method}`"),
                ));
            }
        }
        let signer = match (spec.signature, &self.inner.signer) {
            (SignatureRule::None, _) => None,
            (_, Some(signer)) => Some(signer),
            (SignatureRule::Required, None) => None,
            (SignatureRule::AlwaysRequired, None) => {
                return Err(Error::invalid_input(
                    "api_key",
                    format!("`{method}` is always signed: configure the account's api-key"),
                ));
            }
        };
        let value = self.send_with_retries(
            method.name(),
            method.name(),
            spec.retry_safe,
            deadline,
            || {
                let mut attempt = params.clone();
                let signature = match signer {
                    Some(signer) => {
                        add_replay_fields(
                            &mut attempt,
                            self.inner.clock.as_ref(),
                            self.inner.nonces.as_ref(),
                        )?;
                        Some(signer.sign(method, &attempt)?)
                    }
                    None => None,
                };
                Ok((attempt, signature))
            },
        )?;
        T::from_answer(&value)
    }

    fn execute_unknown(&self, method: &str, params: Params) -> Result<Value, Error> {
        let id = self.inner.call_api_id.clone();
        let deadline = Instant::now() + self.inner.deadline;
        self.send_with_retries(method, "request", false, deadline, || {
            let mut attempt = Params::new();
            if let (Some(id), None) = (&id, params.get(CALL_API_ID)) {
                attempt.set(CALL_API_ID, id.as_str());
            }
            let Some(signer) = &self.inner.signer else {
                for (n, v) in params.iter() {
                    attempt.set(n, v);
                }
                return Ok((attempt, None));
            };
            add_replay_fields(
                &mut attempt,
                self.inner.clock.as_ref(),
                self.inner.nonces.as_ref(),
            )?;
            for (n, v) in params.iter() {
                attempt.set(n, v);
            }
            let prefix = [CALL_API_ID, TIMESTAMP, NONCE];
            let order = prefix.into_iter().chain(
                params
                    .iter()
                    .map(|(n, _)| n)
                    .filter(|n| !prefix.contains(n)),
            );
            let signature =
                signer.sign_ordered(method, order.map(|n| (n, attempt.get(n).unwrap_or(""))));
            Ok((attempt, Some(signature)))
        })
    }

    fn fill_call_api_id(&self, method: Method, params: &mut Params) -> Result<(), Error> {
        let spec = method.spec();
        let wants_id =
            spec.required.contains(&CALL_API_ID) || spec.sign_order.contains(&CALL_API_ID);
        if !wants_id || params.given(CALL_API_ID).is_some() {
            return Ok(());
        }
        match &self.inner.call_api_id {
            Some(id) => {
                params.set(CALL_API_ID, id.as_str());
                Ok(())
            }
            None => Err(Error::invalid_input(
                "call_api_id",
                format!("`{method}` needs the account's call-api-id: configure it on the client"),
            )),
        }
    }

    fn send_with_retries(
        &self,
        method: &str,
        label: &'static str,
        retry_safe: bool,
        deadline: Instant,
        prepare: impl Fn() -> Result<(Params, Option<String>), Error>,
    ) -> Result<Value, Error> {
        let inner = &self.inner;
        let agent = inner.agents.current();
        let started = Instant::now();
        let mut attempt = 0;
        // Whether an earlier attempt may have reached the service: a later failure that sent
        // nothing (a refused connection) does not make the operation's error say otherwise.
        let mut sent_before = false;
        // The number a `call` rings, masked, for the events.
        let mut to = None;
        loop {
            cancel::check()?;
            let (params, signature) = prepare()?;
            if to.is_none() {
                to = params
                    .get("msisdn")
                    .map(|n| format!(" to +{}", mask_number(n)));
            }
            let request = lbc_protocol::build(
                method,
                &params,
                signature.as_deref(),
                inner.encoding,
                inner.placement,
            )?;
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let error = Error::Timeout {
                    method: label,
                    after: deadline.saturating_duration_since(started),
                    may_have_been_placed: sent_before,
                };
                self.report_final(method, attempt + 1, started, &error, to.as_deref());
                return Err(error);
            }
            let (timeout, reported_limit) = if left < inner.timeout {
                (left, deadline.saturating_duration_since(started))
            } else {
                (inner.timeout, inner.timeout)
            };
            let exchange = Exchange {
                agent: &agent,
                url: format!("{}{}", inner.base_url, request.target),
                method: label,
                timeout,
                connect_timeout: inner.connect_timeout,
                shortened: timeout < inner.timeout,
                reported_limit,
                max_response_bytes: inner.max_response_bytes,
            };
            let outcome = exchange.run(&request);
            let error = match outcome {
                Ok((value, request_id)) => {
                    self.report_attempt(
                        method,
                        attempt + 1,
                        started,
                        Ok(request_id),
                        to.as_deref(),
                    );
                    return Ok(value);
                }
                Err(Failure {
                    mut error,
                    transient,
                    maybe_sent,
                }) => {
                    if sent_before {
                        mark_maybe_sent(&mut error);
                    }
                    sent_before |= maybe_sent;
                    self.report_attempt(method, attempt + 1, started, Err(&error), to.as_deref());
                    let may_resend = transient && (retry_safe || !maybe_sent);
                    if !may_resend || attempt >= inner.max_retries {
                        self.report_final(method, attempt + 1, started, &error, to.as_deref());
                        return Err(error);
                    }
                    error
                }
            };
            let pause = backoff(inner.retry_base_delay, attempt);
            if Instant::now() + pause >= deadline {
                // No time for another attempt: the last failure is the answer.
                self.report_final(method, attempt + 1, started, &error, to.as_deref());
                return Err(error);
            }
            if inner.events.wants(EventKind::Retry) {
                inner.events.emit(Event {
                    kind: EventKind::Retry,
                    message: format!(
                        "{method}{} attempt {} failed ({error}): retrying in {} ms",
                        to.as_deref().unwrap_or(""),
                        attempt + 1,
                        pause.as_millis()
                    ),
                    method: method.to_owned(),
                    attempt: attempt + 1,
                    status: status_of(&error),
                    elapsed: started.elapsed(),
                    request_id: error.request_id().map(str::to_owned),
                });
            }
            cancel::sleep(pause)?;
            attempt += 1;
        }
    }

    /// The debug event of one attempt: its answer's status and request id, or its failure.
    fn report_attempt(
        &self,
        method: &str,
        attempt: u32,
        started: Instant,
        outcome: Result<Option<String>, &Error>,
        to: Option<&str>,
    ) {
        let events = &self.inner.events;
        if !events.wants(EventKind::Request) {
            return;
        }
        let elapsed = started.elapsed();
        let (status, request_id, what) = match outcome {
            Ok(id) => (Some(200), id, "HTTP 200".to_owned()),
            Err(error) => (
                status_of(error),
                error.request_id().map(str::to_owned),
                format!("failed: {error}"),
            ),
        };
        let id = request_id
            .as_deref()
            .map(|id| format!(", request id {id}"))
            .unwrap_or_default();
        events.emit(Event {
            kind: EventKind::Request,
            message: format!(
                "{method}{} attempt {attempt}: {what} in {} ms{id}",
                to.unwrap_or(""),
                elapsed.as_millis()
            ),
            method: method.to_owned(),
            attempt,
            status,
            elapsed,
            request_id,
        });
    }

    /// The warning of a `call` whose failure may still have placed the call.
    fn report_final(
        &self,
        method: &str,
        attempt: u32,
        started: Instant,
        error: &Error,
        to: Option<&str>,
    ) {
        let events = &self.inner.events;
        if method != Method::Call.name()
            || !error.may_have_been_placed()
            || !events.wants(EventKind::MayHaveBeenPlaced)
        {
            return;
        }
        events.emit(Event {
            kind: EventKind::MayHaveBeenPlaced,
            message: format!(
                "call{} may have been placed though it failed ({error}): check call-status before calling again",
                to.unwrap_or("")
            ),
            method: method.to_owned(),
            attempt,
            status: status_of(error),
            elapsed: started.elapsed(),
            request_id: error.request_id().map(str::to_owned),
        });
    }
}

/// The HTTP status an error came with: its own, or 200 for an error answer.
fn status_of(error: &Error) -> Option<u16> {
    match error {
        Error::Http { status, .. } => Some(*status),
        Error::Api(_) | Error::Decode { .. } => Some(200),
        _ => None,
    }
}

/// `base * 2^attempt`, scaled by a random factor in [0.5, 1.0).
fn backoff(base: Duration, attempt: u32) -> Duration {
    let full = base.saturating_mul(1u32 << attempt.min(10));
    let mut byte = [0u8; 1];
    let jitter = match getrandom::fill(&mut byte) {
        Ok(()) => 0.5 + f64::from(byte[0]) / 512.0,
        Err(_) => 0.75,
    };
    full.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let d = backoff(base, attempt);
            let full = base * (1 << attempt);
            assert!(d >= full / 2 && d < full, "{d:?} vs {full:?}");
        }
    }

    #[test]
    fn the_client_is_shareable() {
        fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
        assert_send_sync_clone::<Client>();
    }
}
