//! Reading request bodies, at most 1 MiB.
//!
//! An oversized body (up to 8 MiB) is read to its end and thrown away before the refusal is sent:
//! answering while the client is still sending makes the kernel reset the connection, and the client
//! would see a reset instead of the answer. Beyond 8 MiB the connection is simply dropped after the
//! answer.

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use http_body_util::BodyExt;

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 1024 * 1024;
/// The most of an oversized body that is drained before answering.
const MAX_DRAIN: u64 = 8 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Larger than [`MAX_BODY`].
    TooLarge,
    /// The connection failed while reading.
    Broken(String),
}

/// Reads the whole body, refusing more than [`MAX_BODY`] bytes.
pub(crate) async fn read(headers: &HeaderMap, mut body: Body) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_DRAIN) {
        return Err(BodyError::TooLarge);
    }
    let mut kept = Vec::new();
    let mut seen: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len() as u64);
        if seen > MAX_DRAIN {
            return Err(BodyError::TooLarge);
        }
        if seen <= MAX_BODY as u64 {
            kept.extend_from_slice(&data);
        }
    }
    if seen > MAX_BODY as u64 {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(kept))
}
