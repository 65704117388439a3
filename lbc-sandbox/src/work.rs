//! Where a request's CPU work runs: small requests on the async worker that read them, large ones
//! on the blocking pool.
//!
//! The runtime has two async workers; a request that kept one busy (a 1 MiB body to parse, a long
//! value to hash) would hold up every connection waiting on it. Small requests, the usual case,
//! stay inline, since moving work to another thread costs more than parsing them.

use lbc_protocol::ErrorCode;

use crate::answer::Failure;

/// Requests up to this size (path, query and body) are handled inline.
pub(crate) const INLINE_LIMIT: usize = 4 * 1024;

/// Runs `job` for a request of `size` bytes, off the async workers when it is large. A panic in an
/// offloaded job is answered as a panic in a handler is: the code `Error`.
pub(crate) async fn run<T, F>(size: usize, job: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if size <= INLINE_LIMIT {
        return Ok(job());
    }
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|_| Failure::new(ErrorCode::Error, "Unexpected error in the sandbox"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread::{self, ThreadId};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap()
    }

    #[test]
    fn large_requests_run_off_the_async_worker() {
        let rt = runtime();
        let (caller, small, large): (ThreadId, ThreadId, ThreadId) = rt.block_on(async {
            tokio::spawn(async {
                let here = thread::current().id();
                let small = run(INLINE_LIMIT, || thread::current().id()).await.unwrap();
                let large = run(INLINE_LIMIT + 1, || thread::current().id())
                    .await
                    .unwrap();
                (here, small, large)
            })
            .await
            .unwrap()
        });
        assert_eq!(
            small, caller,
            "a small request is handled where it was read"
        );
        assert_ne!(large, caller, "a large one goes to the blocking pool");
    }

    #[test]
    fn a_panic_off_the_worker_is_an_error_answer() {
        let rt = runtime();
        let failure = rt
            .block_on(run(INLINE_LIMIT + 1, || -> u8 { panic!("boom") }))
            .unwrap_err();
        assert_eq!(failure.code, ErrorCode::Error);
    }
}
