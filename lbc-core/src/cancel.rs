//! [`Cancellation`]: how a binding stops an operation it gave up on (Ctrl-C in Python, an asyncio
//! task cancelled) at its next pause: before an attempt, during a retry's backoff, between the polls
//! of `wait_final`. An attempt already in flight ends by its timeout; its connection is then
//! dropped or finished, never handed back half-read.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::Error;

thread_local! {
    static CURRENT: RefCell<Option<Cancellation>> = const { RefCell::new(None) };
}

/// A flag an operation checks at its pauses; cheap to clone, one per operation.
#[derive(Clone, Debug, Default)]
pub struct Cancellation(Arc<AtomicBool>);

impl Cancellation {
    /// A flag not raised.
    pub fn new() -> Self {
        Cancellation::default()
    }

    /// Asks the operation to stop at its next pause.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Cancellation::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Runs `work` on this thread with this flag checked at the pauses of every client operation
    /// it makes; a cancelled operation fails with [`Error::Internal`] (`cancelled`).
    pub fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        struct Restore(Option<Cancellation>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let _restore = Restore(previous);
        work()
    }
}

/// Whether this thread's operation was cancelled.
pub(crate) fn cancelled() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(Cancellation::is_cancelled))
}

/// Fails if this thread's operation was cancelled.
pub(crate) fn check() -> Result<(), Error> {
    if cancelled() {
        return Err(Error::Internal("cancelled".into()));
    }
    Ok(())
}

/// Sleeps `pause`, waking every 20 ms to see whether the operation was cancelled.
pub(crate) fn sleep(pause: Duration) -> Result<(), Error> {
    let until = Instant::now() + pause;
    loop {
        check()?;
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_sleep_ends_at_once() {
        let flag = Cancellation::new();
        assert!(flag.run(|| sleep(Duration::from_millis(1))).is_ok());
        let other = flag.clone();
        let started = Instant::now();
        let slept = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        assert!(flag.run(|| sleep(Duration::from_secs(10))).is_err());
        assert!(started.elapsed() < Duration::from_secs(5));
        slept.join().unwrap();
        assert!(!cancelled(), "the flag is this operation's only");
    }
}
