//! C strings in (checked: not NULL, UTF-8) and out (owned by the caller, freed by `lbc_string_free`).

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

/// A new C string for the caller (freed with `lbc_string_free`).
///
/// A Rust string may hold NUL bytes, a C string cannot: the copy ends at the first NUL.
pub(crate) fn owned(text: &str) -> *mut c_char {
    let end = text.find('\0').unwrap_or(text.len());
    CString::new(&text[..end]).unwrap_or_default().into_raw()
}

/// [`owned`], or NULL for `None`.
pub(crate) fn owned_opt(text: Option<&str>) -> *mut c_char {
    text.map_or(ptr::null_mut(), owned)
}

/// Frees what [`owned`] made; NULL is a no-op.
///
/// # Safety
///
/// `ptr` must be NULL or come from [`owned`], not freed yet.
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
    fn strings_out_stop_at_nul() {
        let s = owned("ab\0cd");
        // SAFETY: `s` is a fresh C string, freed once below.
        unsafe {
            assert_eq!(CStr::from_ptr(s).to_str().unwrap(), "ab");
            free(s);
            free(ptr::null_mut());
        }
    }
}
