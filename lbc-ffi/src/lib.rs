//! # libloginbycall: the C ABI of the LoginByCall SDK
//!
//! A thin layer over [`lbc_core`]: every behaviour (signing, encodings, retries, error parsing, the
//! login flow) comes from there; this crate only converts C arguments, owns the objects it hands out,
//! and maps errors to [`lbc_status`] numbers. The header `include/loginbycall.h` is generated from
//! these sources by cbindgen (see `cbindgen.toml`); the rules it documents are:
//!
//! - Opaque types (`lbc_config`, `lbc_client`, `lbc_signer`, `lbc_error`, `lbc_login`, the answers),
//!   functions named `lbc_<type>_<verb>`, the object first; `_free(NULL)` does nothing.
//! - Every fallible function returns [`lbc_status`] (an `int32_t` in C, with stable numbers, as are
//!   the other enums) and writes its out-parameters only on success; on failure it writes a new
//!   `lbc_error` into `*err` when `err` is not NULL.
//! - Every `char *` the library returns belongs to the caller, who frees it with
//!   [`lbc_string_free`] (names from fixed tables too, e.g. `lbc_status_name`, so that one rule
//!   covers every string). The only `const char *` result is [`lbc_version`], a static string. A text
//!   holding a NUL byte is never handed out cut short: a getter gives NULL, a fallible function an
//!   error.
//! - Every export runs inside one panic boundary (`guard.rs`) and checks NULL and UTF-8 first.
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

// Internal plumbing: the status numbers, C strings, the panic boundary.
mod guard;
mod status;
mod strings;

// The exported functions, in the order the header lists them (cbindgen follows this order).
mod error;

mod sign;

mod config;

mod client;

mod cache;

mod answers;

mod login;

mod phone;

mod request;

pub use answers::{
    lbc_account_status, lbc_balance, lbc_call_started, lbc_call_state, lbc_call_status,
    lbc_payment, lbc_payment_shape, lbc_registration, lbc_server_status,
};
pub use client::lbc_client;
pub use config::{lbc_config, lbc_signature_placement};
pub use error::lbc_error;
pub use login::{lbc_login, lbc_verdict};
pub use sign::{lbc_param, lbc_signer};
pub use status::lbc_status;

use std::ffi::c_char;

/// The major version of the header (`Cargo.toml`); compare with `lbc_version()` at run time.
pub const LBC_VERSION_MAJOR: u32 = 0;
/// The minor version of the header (`Cargo.toml`).
pub const LBC_VERSION_MINOR: u32 = 1;
/// The patch version of the header (`Cargo.toml`).
pub const LBC_VERSION_PATCH: u32 = 0;
// `LBC_VERSION`, the string "MAJOR.MINOR.PATCH", is made from these three by the header itself
// (cbindgen.toml, `after_includes`): cbindgen copies only number literals.

/// The longest text argument or parameter value, in bytes (lbc-core's `limits::MAX_TEXT_BYTES`):
/// longer ones are refused with `LBC_INVALID_INPUT` before anything is sent.
pub const LBC_MAX_TEXT_BYTES: usize = 4096;
/// The longest URL argument (`lbc_client_pay`'s and `lbc_client_register`'s URLs), in bytes.
pub const LBC_MAX_URL_BYTES: usize = 2048;
/// The longest method or parameter name `lbc_client_request` sends, in bytes.
pub const LBC_MAX_NAME_BYTES: usize = 64;
// Number literals for cbindgen, held to the core's values here.
const _: () = assert!(LBC_MAX_TEXT_BYTES == lbc_core::limits::MAX_TEXT_BYTES);
const _: () = assert!(LBC_MAX_URL_BYTES == lbc_core::limits::MAX_URL_BYTES);
const _: () = assert!(LBC_MAX_NAME_BYTES == lbc_core::limits::MAX_NAME_BYTES);

/// Whether the decimal text `text` is `number`.
const fn is_number(text: &str, number: u32) -> bool {
    let bytes = text.as_bytes();
    let mut value: u64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || value > u32::MAX as u64 {
            return false;
        }
        value = value * 10 + (bytes[i] - b'0') as u64;
        i += 1;
    }
    !bytes.is_empty() && value == number as u64
}

/// The version of the loaded library, e.g. `"0.1.0"`: a static string, never freed.
///
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn lbc_version() -> *const c_char {
    // The header's version macros are literals (cbindgen copies literals): the build fails when they
    // drift from Cargo.toml. A pre-release suffix would not be in LBC_VERSION, so it is refused too.
    const {
        assert!(
            is_number(env!("CARGO_PKG_VERSION_MAJOR"), LBC_VERSION_MAJOR)
                && is_number(env!("CARGO_PKG_VERSION_MINOR"), LBC_VERSION_MINOR)
                && is_number(env!("CARGO_PKG_VERSION_PATCH"), LBC_VERSION_PATCH)
                && env!("CARGO_PKG_VERSION_PRE").is_empty(),
            "LBC_VERSION_* in lbc-ffi/src/lib.rs must match Cargo.toml: update them, then `make header`"
        );
    }
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    guard::value(std::ptr::null(), || VERSION.as_ptr().cast())
}

/// Frees a string returned by this library. `NULL` is a no-op.
///
/// # Safety
///
/// `s` must be NULL or a string this library returned that was not freed yet; it must not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_string_free(s: *mut c_char) {
    guard::value((), || {
        // SAFETY: the caller promises `s` is NULL or came from `strings::owned` and is freed once.
        unsafe { strings::free(s) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_matches_cargo() {
        // SAFETY: lbc_version returns a static NUL-terminated string.
        let version = unsafe { CStr::from_ptr(lbc_version()) };
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(
            version.to_str().unwrap(),
            format!("{LBC_VERSION_MAJOR}.{LBC_VERSION_MINOR}.{LBC_VERSION_PATCH}")
        );
        assert_eq!(lbc_core::VERSION, version.to_str().unwrap());
        assert!(is_number("10", 10) && !is_number("", 0) && !is_number("1a", 1));
    }
}
