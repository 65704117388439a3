//! C strings in (checked: not NULL, UTF-8) and out (owned by the caller, freed by `lbc_string_free`).
//!
//! A C string ends at its first NUL, so a text holding one cannot be handed out whole: it is refused
//! (NULL from a getter, an error from a fallible function), never cut short. lbc-core already refuses
//! answers holding a NUL; this is the backstop.

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use lbc_core::Error;

/// Reads a string argument that must be given.
///
/// # Safety
///
/// `ptr` must be NULL or a NUL-terminated string that stays unchanged during `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    // SAFETY: forwarded from the caller.
    unsafe { opt_str(ptr, name) }?.ok_or_else(|| Error::invalid_input(name, "is NULL"))
}

/// Reads an optional string argument: NULL is `None`.
///
/// # Safety
///
/// `ptr` must be NULL or a NUL-terminated string that stays unchanged during `'a`.
pub(crate) unsafe fn opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and the caller promises a NUL-terminated string valid during 'a.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|_| Error::invalid_input(name, "is not valid UTF-8"))
}

/// A C copy of `text` for a fallible function's out-parameter `field`; a text holding a NUL is a
/// decode error naming `field` (it can only have come from an answer). Hand it out with
/// `CString::into_raw` (freed by `lbc_string_free`).
pub(crate) fn c_string(text: &str, field: &str) -> Result<CString, Error> {
    CString::new(text)
        .map_err(|_| Error::decode_field(field, "holds a NUL byte, which a C string cannot carry"))
}

/// A new C string for a getter's caller (freed with `lbc_string_free`); NULL when `text` holds a NUL.
pub(crate) fn owned(text: &str) -> *mut c_char {
    CString::new(text).map_or(ptr::null_mut(), CString::into_raw)
}

/// [`owned`], or NULL for `None`.
pub(crate) fn owned_opt(text: Option<&str>) -> *mut c_char {
    text.map_or(ptr::null_mut(), owned)
}

/// Frees what [`owned`] or [`c_string`] made; NULL is a no-op.
///
/// # Safety
///
/// `ptr` must be NULL or come from `CString::into_raw`, not freed yet.
pub(crate) unsafe fn free(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: the caller promises `ptr` came from CString::into_raw and is freed once.
        drop(unsafe { CString::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_in_are_checked() {
        // SAFETY: NULL and a literal C string.
        unsafe {
            assert!(arg_str(ptr::null(), "x").is_err());
            assert_eq!(opt_str(ptr::null(), "x").unwrap(), None);
            assert_eq!(arg_str(c"abc".as_ptr(), "x").unwrap(), "abc");
            let bad = [0xffu8, 0xfe, 0];
            let err = arg_str(bad.as_ptr().cast(), "digits").unwrap_err();
            assert!(err.to_string().contains("digits"), "{err}");
        }
    }

    #[test]
    fn strings_out_with_a_nul_are_refused_not_cut() {
        assert!(owned("ab\0cd").is_null());
        assert!(owned_opt(Some("\0")).is_null());
        let err = c_string("ab\0cd", "call_api_id").unwrap_err();
        assert_eq!(err.kind(), lbc_core::ErrorKind::Decode);
        assert_eq!(err.field(), Some("call_api_id"));
        let s = owned("abc");
        // SAFETY: `s` is a fresh C string, freed once below.
        unsafe {
            assert_eq!(CStr::from_ptr(s).to_str().unwrap(), "abc");
            free(s);
            free(ptr::null_mut());
        }
        assert_eq!(c_string("", "x").unwrap().as_bytes(), b"");
    }
}
