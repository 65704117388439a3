//! The HTTP surface: the API under `/callapi/v2.0/`, `/_sandbox/`, and what every answer gets
//! (an `X-Request-Id`, a time limit, a JSON answer instead of a crash).

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::middleware::{self, Next};
use axum::routing::get;
use lbc_protocol::{ErrorCode, IncomingRequest, Method, ParsedRequest, SIGNATURE_HEADER};
use serde_json::Value;
use tokio::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;

use crate::answer::{self, Failure, Outcome};
use crate::body::{self, BodyError};
use crate::faults::FaultKind;
use crate::methods::{self, Step};
use crate::shared::Shared;
use crate::{control, dashboard, sabotage, work};

/// Where the API lives.
pub(crate) const API_ROOT: &str = "/callapi/v2.0";

/// The whole service.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/callapi/v2.0/{*rest}", get(api).post(api))
        .route("/callapi/v2.0/", get(api).post(api))
        .route("/callapi/v2.0", get(api).post(api))
        .merge(control::routes())
        .merge(dashboard::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(shared.clone(), envelope))
        .with_state(shared)
}

/// Adds `X-Request-Id` to every answer, bounds the time a request may take (the API bounds its own,
/// see [`api`]), and saves the state file after any change.
async fn envelope(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let id = shared.next_request_id();
    let limit = shared.settings.request_timeout;
    let is_api = request.uri().path().starts_with(API_ROOT);
    let mut response = if is_api {
        next.run(request).await
    } else {
        match tokio::time::timeout(limit, next.run(request)).await {
            Ok(response) => response,
            Err(_) => too_slow(limit),
        }
    };
    shared.persist();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
        .headers_mut()
        .insert("x-powered-by", HeaderValue::from_static("lbc-sandbox"));
    response
}

/// The answer to a request that took longer than `limit`.
fn too_slow(limit: Duration) -> Response<Body> {
    answer::api(Err(Failure::new(
        ErrorCode::Error,
        format!("The request took longer than {:.1} s", limit.as_secs_f64()),
    )))
}

/// One API request, in any of the five encodings.
///
/// Parsing and the method's own work run on the blocking pool when the request is large (see
/// [`work`]), so that a hostile body never holds up the threads that answer everyone else. Once the
/// request is parsed it takes the fault armed for its method, if any (see [`crate::Fault`]). The
/// request must be answered within the request timeout, a fault's delay not counted. Once parsed,
/// a request runs to its end even if its client goes away.
async fn api(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    if sabotage::mark_api_connection() {
        shared.connections.api();
    }
    let limit = shared.settings.request_timeout;
    let deadline = Instant::now() + limit;
    let received = tokio::time::timeout_at(deadline, receive(&shared, request)).await;
    let (parsed, fault) = match received {
        Ok(Ok(received)) => received,
        Ok(Err(answer)) => return answer,
        Err(_) => return too_slow(limit),
    };
    let delay = match fault {
        Some(FaultKind::BadGateway) => return sabotage::gateway_page(StatusCode::BAD_GATEWAY),
        Some(FaultKind::Unavailable) => {
            return sabotage::gateway_page(StatusCode::SERVICE_UNAVAILABLE);
        }
        Some(FaultKind::Reset) => {
            // Never written: the connection fails its first write and is reset.
            sabotage::request_reset();
            return Response::new(Body::empty());
        }
        Some(FaultKind::Error { code, additional }) => {
            let mut failure = Failure::new(
                ErrorCode::from_wire(&code),
                "Answered by a fault armed in the sandbox",
            );
            failure.additional = additional.map(Value::Object);
            return answer::api(Err(failure));
        }
        Some(FaultKind::Raw(bytes)) => {
            // Never written: the connection writes these bytes instead, then closes.
            sabotage::request_raw(bytes.into_bytes());
            return Response::new(Body::empty());
        }
        Some(FaultKind::Hang) => {
            // Until the sandbox stops; then the connection is reset, still without an answer.
            shared.stopped().await;
            sabotage::request_reset();
            return Response::new(Body::empty());
        }
        Some(FaultKind::Delay(delay)) => delay,
        Some(FaultKind::Truncate) | None => Duration::ZERO,
    };
    let deadline = deadline + delay;
    // On a task of its own, so that the request still runs (a call is placed) when the client
    // gives up waiting and closes the connection, as it would on the service.
    let worker = shared.clone();
    let task = tokio::spawn(async move {
        // Only when a fault asks for it: even a zero sleep waits for the timer's next tick (~1 ms).
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let outcome = tokio::time::timeout_at(deadline, run(&worker, parsed)).await;
        // Saved here too: the envelope does not see a request whose client went away.
        worker.persist();
        outcome
    });
    let outcome = match task.await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => return too_slow(limit),
        Err(_) => Err(Failure::new(
            ErrorCode::Error,
            "Unexpected error in the sandbox",
        )),
    };
    let response = answer::api(outcome);
    match fault {
        Some(FaultKind::Truncate) => sabotage::truncate(response).await,
        _ => response,
    }
}

/// A request read and parsed (or refused), and the fault it took.
type Received = (Result<ParsedRequest, Failure>, Option<FaultKind>);

/// Reads and parses an API request, counts it, and takes its fault; an answer when the body cannot
/// be read.
async fn receive(shared: &Arc<Shared>, request: Request) -> Result<Received, Response<Body>> {
    let (parts, body) = request.into_parts();
    let body = match body::read(&parts.headers, body).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            // As the service's nginx front would: 413, here with a JSON body.
            return Err(answer::json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &Failure::invalid_args("The request body is larger than 1 MiB").to_json(),
            ));
        }
        Err(BodyError::Broken(why)) => {
            return Err(answer::api(Err(Failure::new(
                ErrorCode::Error,
                format!("Reading the request failed: {why}"),
            ))));
        }
    };
    let size = parts.uri.path().len() + parts.uri.query().map_or(0, str::len) + body.len();
    let parsed = work::run(size, move || {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let path = parts.uri.path();
        let below_root = path.strip_prefix(API_ROOT).unwrap_or(path);
        let incoming = IncomingRequest {
            path: below_root,
            query: parts.uri.query(),
            content_type: header(header::CONTENT_TYPE.as_str()),
            signature_header: header(SIGNATURE_HEADER),
            body: &body,
        };
        lbc_protocol::parse(&incoming).map_err(|refused| {
            Failure::invalid_args(format!("Invalid {}: {}", refused.field, refused.reason))
        })
    })
    .await
    .and_then(|parsed| parsed);
    let method = parsed
        .as_ref()
        .ok()
        .and_then(|p| Method::from_name(&p.method));
    let fault = shared.lock().receive(method);
    Ok((parsed, fault))
}

/// Runs the method of a parsed request.
async fn run(shared: &Arc<Shared>, parsed: Result<ParsedRequest, Failure>) -> Outcome {
    let parsed = parsed?;
    let size = parsed
        .params
        .iter()
        .map(|(n, v)| n.len() + v.len())
        .sum::<usize>();
    let worker = shared.clone();
    let step = work::run(size, move || methods::dispatch(&worker, &parsed)).await;
    match step {
        Ok(Step::Done(outcome)) => outcome,
        Ok(Step::Confirm(pending)) => methods::finish_confirm(shared, pending).await,
        Err(failure) => Err(failure),
    }
}

async fn not_found(request: Request) -> Response<Body> {
    answer::http_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!(
            "No such path {}; the API is under {API_ROOT}/",
            request.uri().path()
        ),
    )
}

async fn method_not_allowed(request: Request) -> Response<Body> {
    answer::http_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &format!("{} is not allowed here", request.method()),
    )
}

/// A bug in the sandbox is answered as the service answers its own: code `Error`, HTTP 200.
fn panicked(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    answer::api(Err(Failure::new(
        ErrorCode::Error,
        "Unexpected error in the sandbox",
    )))
}
