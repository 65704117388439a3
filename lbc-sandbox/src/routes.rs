//! The HTTP surface: the API under `/callapi/v2.0/`, `/_sandbox/`, and what every answer gets
//! (an `X-Request-Id`, a time limit, a JSON answer instead of a crash).

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::middleware::{self, Next};
use axum::routing::get;
use lbc_protocol::{ErrorCode, IncomingRequest, SIGNATURE_HEADER};
use tower_http::catch_panic::CatchPanicLayer;

use crate::answer::{self, Failure};
use crate::body::{self, BodyError};
use crate::methods::{self, Step};
use crate::shared::Shared;
use crate::{control, work};

/// Where the API lives.
pub(crate) const API_ROOT: &str = "/callapi/v2.0";

/// The whole service.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/callapi/v2.0/{*rest}", get(api).post(api))
        .route("/callapi/v2.0/", get(api).post(api))
        .route("/callapi/v2.0", get(api).post(api))
        .merge(control::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(shared.clone(), envelope))
        .with_state(shared)
}

/// Adds `X-Request-Id` to every answer and bounds the time a request may take.
async fn envelope(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let id = shared.next_request_id();
    let limit = shared.settings.request_timeout;
    let mut response = match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => answer::api(Err(Failure::new(
            ErrorCode::Error,
            format!("The request took longer than {:.1} s", limit.as_secs_f64()),
        ))),
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
        .headers_mut()
        .insert("x-powered-by", HeaderValue::from_static("lbc-sandbox"));
    response
}

/// One API request, in any of the five encodings.
///
/// Parsing and the method's own work run on the blocking pool when the request is large (see
/// [`work`]), so that a hostile body never holds up the threads that answer everyone else.
async fn api(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = match body::read(&parts.headers, body).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            // As the service's nginx front would: 413, here with a JSON body.
            return answer::json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &Failure::invalid_args("The request body is larger than 1 MiB").to_json(),
            );
        }
        Err(BodyError::Broken(why)) => {
            return answer::api(Err(Failure::new(
                ErrorCode::Error,
                format!("Reading the request failed: {why}"),
            )));
        }
    };
    let size = parts.uri.path().len() + parts.uri.query().map_or(0, str::len) + body.len();
    let worker = shared.clone();
    let step = work::run(size, move || {
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
        match lbc_protocol::parse(&incoming) {
            Ok(parsed) => methods::dispatch(&worker, &parsed),
            Err(refused) => Step::Done(Err(Failure::invalid_args(format!(
                "Invalid {}: {}",
                refused.field, refused.reason
            )))),
        }
    })
    .await;
    let outcome = match step {
        Ok(Step::Done(outcome)) => outcome,
        Ok(Step::Confirm(pending)) => methods::finish_confirm(&shared, pending).await,
        Err(failure) => Err(failure),
    };
    answer::api(outcome)
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
