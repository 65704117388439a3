//! `/_sandbox/`: inspection and control for tests, and the sandbox's payment page (the endpoints
//! are listed in the crate's documentation).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use lbc_protocol::excerpt;
use serde_json::{Map, Value, json};

use crate::answer::{escape_html, html, http_error, json_response};
use crate::body;
use crate::faults::{Fault, MAX_ARMED};
use crate::shared::Shared;
use crate::state::{self, KeyState, NewAccount, PayShape};

/// The routes under `/_sandbox/`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox/calls/{call}", get(call))
        .route("/_sandbox/phones/{msisdn}", get(phone))
        .route("/_sandbox/outbox", get(outbox))
        .route("/_sandbox/clock", post(clock))
        .route("/_sandbox/accounts", post(create_account))
        .route(
            "/_sandbox/accounts/{id}",
            get(show_account).patch(patch_account),
        )
        .route("/_sandbox/pay/{token}", get(pay_page).post(pay_submit))
        .route(
            "/_sandbox/faults",
            get(list_faults).post(arm_fault).delete(clear_faults),
        )
        .route(
            "/_sandbox/connections",
            get(show_connections).delete(reset_connections),
        )
        .route(
            "/_sandbox/server-status",
            get(show_server_status).put(set_server_status),
        )
}

type Answer = Response<Body>;

/// A refused control request: its HTTP status and reason.
#[derive(Debug)]
struct Reject(StatusCode, String);

impl IntoResponse for Reject {
    fn into_response(self) -> Answer {
        let code = match self.0 {
            StatusCode::NOT_FOUND => "NOT_FOUND",
            StatusCode::CONFLICT => "CONFLICT",
            _ => "BAD_REQUEST",
        };
        http_error(self.0, code, &self.1)
    }
}

fn bad_request(reason: impl Into<String>) -> Reject {
    Reject(StatusCode::BAD_REQUEST, reason.into())
}

fn not_found(reason: impl Into<String>) -> Reject {
    Reject(StatusCode::NOT_FOUND, reason.into())
}

fn ok(value: &Value) -> Answer {
    json_response(StatusCode::OK, value)
}

fn segment(path: Result<Path<String>, PathRejection>) -> Result<String, Reject> {
    path.map(|Path(s)| s)
        .map_err(|e| bad_request(format!("bad path: {e}")))
}

/// Reads a JSON object body; an empty body is an empty object.
async fn json_object(headers: &HeaderMap, body: Body) -> Result<Map<String, Value>, Reject> {
    let bytes = body::read(headers, body).await.map_err(|e| match e {
        body::BodyError::TooLarge => Reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is larger than 1 MiB".into(),
        ),
        body::BodyError::Broken(why) => bad_request(why),
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(bad_request("the body must be a JSON object")),
        Err(e) => Err(bad_request(format!("the body is not JSON: {e}"))),
    }
}

/// Refuses members other than `allowed`, so that a typo does not pass silently.
fn only(object: &Map<String, Value>, allowed: &[&str]) -> Result<(), Reject> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(bad_request(format!(
            "unknown member \"{}\"; allowed: {}",
            excerpt(unknown),
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

fn flag(object: &Map<String, Value>, name: &str) -> Result<Option<bool>, Reject> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) if v.as_i64() == Some(0) => Ok(Some(false)),
        Some(v) if v.as_i64() == Some(1) => Ok(Some(true)),
        Some(_) => Err(bad_request(format!("{name} must be true, false, 0 or 1"))),
    }
}

fn integer(object: &Map<String, Value>, name: &str) -> Result<Option<i64>, Reject> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad_request(format!("{name} must be a whole number"))),
    }
}

fn text(object: &Map<String, Value>, name: &str) -> Result<Option<String>, Reject> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad_request(format!("{name} must be a string"))),
    }
}

type Handled = Result<Answer, Reject>;

async fn call(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
) -> Handled {
    let id = segment(path)?;
    let now = shared.clock.now_ms();
    let view = shared
        .lock()
        .calls
        .get(&id)
        .map(|c| c.view(now, shared.settings.timing))
        .ok_or_else(|| not_found(format!("no call {}", excerpt(&id))))?;
    Ok(ok(&json!(view)))
}

async fn phone(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
) -> Handled {
    let msisdn = segment(path)?;
    let now = shared.clock.now_ms();
    let view = shared
        .lock()
        .calls
        .latest_to(&msisdn)
        .map(|c| c.view(now, shared.settings.timing))
        .ok_or_else(|| not_found(format!("no call to {}", excerpt(&msisdn))))?;
    Ok(ok(&json!(view)))
}

async fn outbox(State(shared): State<Arc<Shared>>) -> Answer {
    let mails: Vec<Value> = shared.lock().outbox.iter().map(|m| json!(m)).collect();
    ok(&Value::Array(mails))
}

async fn clock(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Handled {
    const TEN_YEARS: f64 = 10.0 * 366.0 * 86_400.0;
    let object = json_object(&headers, body).await?;
    only(&object, &["advance_seconds"])?;
    let seconds = match object.get("advance_seconds").and_then(Value::as_f64) {
        Some(s) if s.is_finite() && s.abs() <= TEN_YEARS => s,
        _ => {
            return Err(bad_request(
                "advance_seconds must be a number of seconds (at most ten years)",
            ));
        }
    };
    shared.clock.advance_ms((seconds * 1000.0).round() as i64);
    Ok(ok(&json!({"now": shared.clock.now_ms().div_euclid(1000)})))
}

async fn create_account(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Handled {
    let object = json_object(&headers, body).await?;
    only(
        &object,
        &[
            "call_api_id",
            "api_key",
            "balance",
            "activated",
            "allow_unsecure_calls",
            "fixed_mask",
            "pay_shape",
        ],
    )?;
    let fixed_mask = mask_change(&object, &shared)?.flatten();
    let pay_shape = pay_shape(&object)?;
    let spec = NewAccount {
        call_api_id: text(&object, "call_api_id")?,
        api_key: text(&object, "api_key")?,
        balance: integer(&object, "balance")?.unwrap_or(shared.settings.account_balance),
        activated: flag(&object, "activated")?.unwrap_or(true),
        allow_unsecure_calls: flag(&object, "allow_unsecure_calls")?.unwrap_or(false),
    };
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    if let Some(id) = &spec.call_api_id {
        if state.keys.contains_key(id) {
            return Err(Reject(
                StatusCode::CONFLICT,
                format!("an account with call_api_id {id} exists already"),
            ));
        }
    }
    let credentials = state.create_account(spec, now).map_err(bad_request)?;
    if let Some(number) = state.account_of(&credentials.call_api_id, now) {
        if let Some(account) = state.accounts.get_mut(&number) {
            account.fixed_mask = fixed_mask;
            account.pay_shape = pay_shape.unwrap_or_default();
        }
    }
    Ok(ok(&json!(credentials)))
}

/// The account state the control endpoints answer with.
fn account_json(state: &mut state::State, id: &str, now_ms: i64) -> Result<Value, Reject> {
    let unknown = || not_found(format!("no account {}", excerpt(id)));
    let key = state.key(id, now_ms).ok_or_else(unknown)?.clone();
    let account = state.accounts.get(&key.account).ok_or_else(unknown)?;
    let key_state = match key.state {
        KeyState::Pending { .. } => "pending",
        KeyState::Active => "active",
        KeyState::Retired => "retired",
    };
    Ok(json!({
        "call_api_id": id,
        "key_state": key_state,
        "domain": account.domain,
        "admin_email": account.admin_email,
        "activated": account.activated,
        "blocked": account.blocked,
        "allow_unsecure_calls": account.allow_unsecure_calls,
        "balance": account.balance,
        "consumed": account.consumed,
        "balance_notify_limit": account.balance_notify_limit,
        "fixed_mask": account.fixed_mask,
        "pay_shape": account.pay_shape,
        "server_status": state.server_status,
    }))
}

async fn show_account(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
) -> Handled {
    let id = segment(path)?;
    let now = shared.clock.now_ms();
    Ok(ok(&account_json(&mut shared.lock(), &id, now)?))
}

async fn patch_account(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Handled {
    let id = segment(path)?;
    let object = json_object(&headers, body).await?;
    only(
        &object,
        &[
            "balance",
            "blocked",
            "allow_unsecure_calls",
            "server_status",
            "fixed_mask",
            "pay_shape",
        ],
    )?;
    let fixed_mask = mask_change(&object, &shared)?;
    let pay_shape = pay_shape(&object)?;
    let balance = integer(&object, "balance")?;
    let blocked = flag(&object, "blocked")?;
    let unsecure = flag(&object, "allow_unsecure_calls")?;
    let server_status = integer(&object, "server_status")?;
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    let number = state
        .key(&id, now)
        .map(|k| k.account)
        .ok_or_else(|| not_found(format!("no account {}", excerpt(&id))))?;
    if let Some(account) = state.accounts.get_mut(&number) {
        if let Some(balance) = balance {
            account.balance = balance;
        }
        if let Some(blocked) = blocked {
            account.blocked = blocked;
        }
        if let Some(unsecure) = unsecure {
            account.allow_unsecure_calls = unsecure;
        }
        if let Some(mask) = fixed_mask {
            account.fixed_mask = mask;
        }
        if let Some(shape) = pay_shape {
            account.pay_shape = shape;
        }
    }
    if let Some(server_status) = server_status {
        state.server_status = server_status;
    }
    Ok(ok(&account_json(&mut state, &id, now)?))
}

/// `fixed_mask`: absent `None`, `null` `Some(None)` (clears it), a usable mask `Some(Some(_))`.
fn mask_change(
    object: &Map<String, Value>,
    shared: &Shared,
) -> Result<Option<Option<String>>, Reject> {
    match object.get("fixed_mask") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(mask)) => {
            state::check_mask(mask, shared.settings.codelen).map_err(bad_request)?;
            Ok(Some(Some(mask.clone())))
        }
        Some(_) => Err(bad_request("fixed_mask must be a string of digits or null")),
    }
}

fn pay_shape(object: &Map<String, Value>) -> Result<Option<PayShape>, Reject> {
    match text(object, "pay_shape")? {
        None => Ok(None),
        Some(name) => PayShape::from_name(&name)
            .map(Some)
            .ok_or_else(|| bad_request("pay_shape must be \"url\" or \"html\"")),
    }
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Answer {
    ok(&json!(shared.lock().faults.list()))
}

async fn arm_fault(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Handled {
    let object = json_object(&headers, body).await?;
    let fault = Fault::from_json(&Value::Object(object)).map_err(bad_request)?;
    let mut state = shared.lock();
    if state.faults.len() >= MAX_ARMED {
        return Err(bad_request(format!(
            "{MAX_ARMED} faults are armed already: DELETE /_sandbox/faults first"
        )));
    }
    state.faults.arm(fault.clone());
    Ok(ok(&json!(fault)))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Answer {
    let mut state = shared.lock();
    let cleared = state.faults.len();
    state.faults.clear();
    ok(&json!({"cleared": cleared}))
}

async fn show_connections(State(shared): State<Arc<Shared>>) -> Answer {
    ok(&json!(shared.connections.read()))
}

async fn reset_connections(State(shared): State<Arc<Shared>>) -> Answer {
    ok(&json!(shared.connections.reset()))
}

async fn show_server_status(State(shared): State<Arc<Shared>>) -> Answer {
    ok(&json!({"server_status": shared.lock().server_status}))
}

async fn set_server_status(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Handled {
    let object = json_object(&headers, body).await?;
    only(&object, &["server_status"])?;
    let status = integer(&object, "server_status")?
        .ok_or_else(|| bad_request("server_status is required: 1 works, 0 technical trouble"))?;
    shared.lock().server_status = status;
    Ok(ok(&json!({"server_status": status})))
}

async fn pay_page(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
) -> Handled {
    let token = segment(path)?;
    let Some(amount) = shared.lock().payments.get(&token).map(|p| p.amount) else {
        return Err(not_found("no such payment (unknown, or paid already)"));
    };
    let action = escape_html(&format!("/_sandbox/pay/{token}"));
    Ok(html(
        StatusCode::OK,
        format!(
            "<!doctype html>\n<title>LoginByCall sandbox payment</title>\n\
             <h1>Pay {amount} credits</h1>\n<p>This is the sandbox: no money moves.</p>\n\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"submit\" class=\"lbc-payment-button\" value=\"PAY\"></form>\n"
        ),
    ))
}

async fn pay_submit(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Handled {
    let token = segment(path)?;
    // The form's fields are not needed; the body is read only so the connection stays usable.
    let _ = body::read(&headers, body).await;
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    let Some(payment) = state.payments.remove(&token) else {
        return Err(not_found("no such payment (unknown, or paid already)"));
    };
    let Some(account) = state.accounts.get_mut(&payment.account) else {
        return Err(not_found("the account of this payment is gone"));
    };
    account.pay(payment.amount, now);
    let redirect = payment
        .success_url
        .as_deref()
        .and_then(|url| HeaderValue::from_str(url).ok());
    Ok(match redirect {
        Some(location) => {
            let mut answer = html(StatusCode::SEE_OTHER, String::new());
            answer.headers_mut().insert(header::LOCATION, location);
            answer
        }
        None => html(
            StatusCode::OK,
            format!(
                "<!doctype html>\n<title>Paid</title>\n<h1>Payment of {} credits received</h1>\n",
                payment.amount
            ),
        ),
    })
}
