//! How faults reach the wire: the gateway pages, an answer cut short, a connection reset, raw bytes
//! instead of an answer, and the per-connection mark behind the connection counter.
//!
//! A handler cannot reach the socket its request came on, so a reset or a raw answer goes through
//! the connection's [`ResetSwitch`]: the accept loop serves each connection inside [`with_switch`]
//! over a [`Switched`] stream. [`request_reset`] flips the switch from the handler, and the next
//! write on that connection fails after setting `SO_LINGER` to zero, so that dropping the socket
//! sends a RST instead of a FIN. [`request_raw`] leaves bytes in the switch: the next write on the
//! connection writes them instead of what hyper wrote, then fails, so that hyper closes the
//! connection (a FIN, after the bytes).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Response, StatusCode, header};
use hyper::body::Frame;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

/// How long a cut answer waits after its first half before the connection closes, so that the
/// half is flushed first.
const CUT_PAUSE: Duration = Duration::from_millis(50);

/// nginx's page for an HTTP status, as the service's front sends it.
pub(crate) fn gateway_page(status: StatusCode) -> Response<Body> {
    let title = match status.as_u16() {
        502 => "502 Bad Gateway",
        _ => "503 Service Temporarily Unavailable",
    };
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n\
         <center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

/// `response` with the same headers and a body cut in half: `Content-Length` still announces the
/// whole body, the first half is sent, then the connection is closed.
pub(crate) async fn truncate(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, Body::new(CutBody::new(half)))
}

/// A body that yields its bytes, pauses, then fails (which makes hyper close the connection).
struct CutBody {
    first: Option<Bytes>,
    pause: Pin<Box<Sleep>>,
}

impl CutBody {
    fn new(first: Bytes) -> Self {
        CutBody {
            first: Some(first),
            pause: Box::pin(tokio::time::sleep(CUT_PAUSE)),
        }
    }
}

impl hyper::body::Body for CutBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        // Pending here lets hyper flush what it has before the failure ends the connection.
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::other("answer cut by a fault")))),
        }
    }
}

/// A connection's switches: "reset me", "write these bytes instead", and "carried an API request".
#[derive(Clone, Debug, Default)]
pub(crate) struct ResetSwitch(Arc<Switches>);

#[derive(Debug, Default)]
struct Switches {
    reset: AtomicBool,
    raw: Mutex<Option<Vec<u8>>>,
    carried_api: AtomicBool,
}

tokio::task_local! {
    static SWITCH: ResetSwitch;
}

/// Runs a connection's future with its switch reachable from [`request_reset`].
pub(crate) async fn with_switch<F: Future>(switch: ResetSwitch, connection: F) -> F::Output {
    SWITCH.scope(switch, connection).await
}

/// Asks for the current connection to be reset instead of answered; `false` outside a connection.
pub(crate) fn request_reset() -> bool {
    SWITCH
        .try_with(|switch| switch.0.reset.store(true, Ordering::SeqCst))
        .is_ok()
}

/// Asks for `bytes` to be written on the current connection instead of the answer, which then
/// closes; `false` outside a connection.
pub(crate) fn request_raw(bytes: Vec<u8>) -> bool {
    SWITCH
        .try_with(|switch| {
            *switch
                .0
                .raw
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(bytes);
        })
        .is_ok()
}

/// Marks the current connection as one that carried an API request; `true` the first time only
/// (and never outside a connection).
pub(crate) fn mark_api_connection() -> bool {
    SWITCH
        .try_with(|switch| !switch.0.carried_api.swap(true, Ordering::SeqCst))
        .unwrap_or(false)
}

/// A TCP stream that fails its writes, resetting the connection, once its switch is flipped.
pub(crate) struct Switched {
    stream: TcpStream,
    switch: ResetSwitch,
    /// A raw answer being written, and how much of it is written.
    raw: Option<(Vec<u8>, usize)>,
}

impl Switched {
    pub(crate) fn new(stream: TcpStream, switch: ResetSwitch) -> Self {
        Switched {
            stream,
            switch,
            raw: None,
        }
    }

    /// Writes the raw answer asked for, if any: `Ready(Some(error))` once it is all written (the
    /// connection is then done), `Ready(None)` when there is none, `Pending` while writing.
    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Error>> {
        if self.raw.is_none() {
            let asked = self
                .switch
                .0
                .raw
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            match asked {
                Some(bytes) => self.raw = Some((bytes, 0)),
                None => return Poll::Ready(None),
            }
        }
        let Some((bytes, written)) = &mut self.raw else {
            return Poll::Ready(None);
        };
        while *written < bytes.len() {
            match Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => break,
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Some(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Some(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "answered with raw bytes by a fault",
        )))
    }

    fn tripped(&self) -> Option<io::Error> {
        if !self.switch.0.reset.load(Ordering::SeqCst) {
            return None;
        }
        // With a zero linger time, closing the socket (when hyper drops it) sends a RST.
        let _ = self.stream.set_zero_linger();
        Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by a fault",
        ))
    }
}

impl AsyncRead for Switched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Switched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(reset) = self.tripped() {
            return Poll::Ready(Err(reset));
        }
        if let Some(done) = std::task::ready!(self.poll_raw(cx)) {
            return Poll::Ready(Err(done));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(reset) = self.tripped() {
            return Poll::Ready(Err(reset));
        }
        if let Some(done) = std::task::ready!(self.poll_raw(cx)) {
            return Poll::Ready(Err(done));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(reset) = self.tripped() {
            return Poll::Ready(Err(reset));
        }
        if let Some(done) = std::task::ready!(self.poll_raw(cx)) {
            return Poll::Ready(Err(done));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(reset) = self.tripped() {
            return Poll::Ready(Err(reset));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_pages_are_nginx_html() {
        let page = gateway_page(StatusCode::BAD_GATEWAY);
        assert_eq!(page.status(), 502);
        assert_eq!(page.headers()[header::CONTENT_TYPE], "text/html");
        assert_eq!(gateway_page(StatusCode::SERVICE_UNAVAILABLE).status(), 503);
    }

    #[test]
    fn a_reset_outside_a_connection_is_refused() {
        assert!(!request_reset());
        assert!(!request_raw(b"x".to_vec()));
        assert!(!mark_api_connection());
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let switch = ResetSwitch::default();
        let flipped = rt.block_on(with_switch(switch.clone(), async { request_reset() }));
        assert!(flipped && switch.0.reset.load(Ordering::SeqCst));
    }
}
