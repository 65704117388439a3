//! The panic boundary every export runs inside, and the checks on C pointers.
//!
//! [`catch`] is the one place that calls `catch_unwind`; [`run`] (fallible functions) and [`value`]
//! (getters and frees) are built on it. A panic never crosses into C: a fallible function returns
//! `LBC_PANIC` with the panic's message in its `lbc_error`, a getter returns its documented fallback.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lbc_core::Error;

use crate::error::lbc_error;
use crate::status::lbc_status;

/// Runs `f`, turning a panic into its message. The only `catch_unwind` of the library.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // Unwind safety: after a panic the library reports it and touches none of the state `f` was
    // using again in this call; objects the caller passed are documented as left as they were.
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// The boundary of a function that cannot fail (getters, frees): a panic gives `fallback`.
pub(crate) fn value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch(f).unwrap_or(fallback)
}

/// The boundary of a fallible function: `LBC_OK`, or the failure's status with its details written to
/// `err` (when the caller gave it).
pub(crate) fn run(err: Out<*mut lbc_error>, f: impl FnOnce() -> Result<(), Error>) -> lbc_status {
    let failure = match catch(f) {
        Ok(Ok(())) => return lbc_status::LBC_OK,
        Ok(Err(error)) => lbc_error::new(error),
        Err(message) => lbc_error::panic(&message),
    };
    let status = failure.status;
    err.write(|| boxed(failure));
    status
}

/// Moves `value` to the heap for C; freed by [`free_box`].
pub(crate) fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees what [`boxed`] made; NULL is a no-op.
///
/// # Safety
///
/// `ptr` must be NULL or come from [`boxed`] with the same `T`, and not have been freed.
pub(crate) unsafe fn free_box<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller promises `ptr` came from Box::into_raw and is freed once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// A C out-parameter: NULL, or valid for writing one `T`.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Wraps a C out-parameter.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or valid for writing a `T` (aligned, pointing to writable memory) for as long
    /// as the `Out` lives.
    pub(crate) unsafe fn new(ptr: *mut T) -> Self {
        Out(ptr)
    }

    /// Fails with `LBC_INVALID_INPUT` naming `name` when the out-parameter is NULL.
    pub(crate) fn required(&self, name: &str) -> Result<(), Error> {
        if self.0.is_null() {
            Err(Error::invalid_input(name, "is NULL"))
        } else {
            Ok(())
        }
    }

    /// Writes the value `make` gives when the out-parameter is not NULL; `make` is not called
    /// otherwise (so nothing is allocated that no one would free).
    pub(crate) fn write(self, make: impl FnOnce() -> T) {
        if !self.0.is_null() {
            // SAFETY: `new`'s contract: a non-NULL pointer is valid for writing a T. `write` does not
            // drop the (possibly uninitialised) old value.
            unsafe { self.0.write(make()) }
        }
    }
}

/// Reads a pointer argument that must not be NULL.
///
/// # Safety
///
/// `ptr` must be NULL or point to a live `T` that nothing mutates during `'a`.
pub(crate) unsafe fn arg<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller promises `ptr` is NULL or valid for reads during 'a.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid_input(name, "is NULL"))
}

/// Reads a mutable pointer argument that must not be NULL.
///
/// # Safety
///
/// `ptr` must be NULL or point to a live `T` that nothing else uses during `'a`.
pub(crate) unsafe fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: the caller promises `ptr` is NULL or valid and unaliased during 'a.
    unsafe { ptr.as_mut() }.ok_or_else(|| Error::invalid_input(name, "is NULL"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn panics_become_lbc_panic_with_their_message() {
        let mut err: *mut lbc_error = ptr::null_mut();
        // SAFETY: `err` is a local, valid for writes.
        let out = unsafe { Out::new(&mut err) };
        let status = run(out, || panic!("boom {}", 42));
        assert_eq!(status, lbc_status::LBC_PANIC);
        assert!(!err.is_null());
        // SAFETY: `run` wrote a live boxed lbc_error.
        let error = unsafe { &*err };
        assert_eq!(error.status, lbc_status::LBC_PANIC);
        assert!(
            error.error.to_string().contains("boom 42"),
            "{}",
            error.error
        );
        // SAFETY: `err` came from `boxed` and is freed once.
        unsafe { free_box(err) };
        assert_eq!(value(7, || panic!("getter")), 7);
    }

    #[test]
    fn failures_without_err_still_report_their_status() {
        // SAFETY: NULL is allowed.
        let out = unsafe { Out::new(ptr::null_mut()) };
        let status = run(out, || Err(Error::invalid_input("x", "is NULL")));
        assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
    }
}
