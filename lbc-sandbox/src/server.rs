//! The accept loop: HTTP/1.1 connections with a header-read timeout, and a graceful stop that lets
//! answers in flight finish (for a few seconds at most). Each connection carries the switch that
//! lets a `reset` fault reset it (see `sabotage`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::sabotage::{ResetSwitch, Switched, with_switch};
use crate::shared::Shared;

/// A client has this long to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stop waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Serves `router` on `listener` until `stop` fires (or its sender is dropped), counting the
/// connections it accepts in `shared`.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    shared.connections.accepted();
                    let service = TowerToHyperService::new(router.clone());
                    let switch = ResetSwitch::default();
                    let io = TokioIo::new(Switched::new(stream, switch.clone()));
                    let connection = http.serve_connection(io, service);
                    let watched = graceful.watch(connection);
                    tokio::spawn(with_switch(switch, async move {
                        // A connection's failure (reset, timeout) concerns that client only.
                        let _ = watched.await;
                    }));
                }
                // E.g. out of file descriptors: wait a little instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            _ = &mut stop => break,
        }
    }
    // Ends the requests that hang faults hold, so that they do not hold up the stop.
    shared.stopping.send_replace(true);
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}
