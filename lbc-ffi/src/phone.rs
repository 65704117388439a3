//! `lbc_normalize_phone`: a phone number as people write it, read as lbc-core reads it.

use std::ffi::c_char;

use lbc_core::Region;

use crate::config::parse_region;
use crate::error::lbc_error;
use crate::guard::{self, Out};
use crate::status::lbc_status;
use crate::strings::{arg_str, c_string, opt_str};

/// Turns a phone number as people write it into the E.164 digits the service wants, without `+`:
/// `"+7 (925) 688-06-36"` and, in region RU, `"8 (925) 688-06-36"` both become `"79256880636"`.
/// This is what `lbc_client_start_login` and `lbc_client_call` do with the number they are given
/// (with the client's default region), so a site can store and compare numbers the same way.
///
/// `region` is a two-letter code in either case (`"RU"`, `"KZ"`); NULL means `"RU"`. A number that
/// libphonenumber's metadata does not know as valid is `LBC_INVALID_INPUT` naming `msisdn`; a bad
/// region is `LBC_INVALID_INPUT` naming `region`. On success `*out` is a new string; free it with
/// `lbc_string_free`. Thread-safe; sends nothing.
///
/// # Safety
///
/// `text` and `region` must be NULL or NUL-terminated; `out` NULL or writable; `err` NULL or a
/// valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_normalize_phone(
    text: *const c_char,
    region: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let text = unsafe { arg_str(text, "text") }?;
        // SAFETY: as above.
        let region = match unsafe { opt_str(region, "region") }? {
            Some(code) => parse_region(code, "region")?,
            None => Region::RU,
        };
        out.required("out")?;
        let digits = c_string(&lbc_core::normalize_phone(text, region)?, "out")?;
        out.write(|| digits.into_raw());
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr;

    /// The digits, or the failure's status and field.
    fn normalize(text: &CStr, region: Option<&CStr>) -> Result<String, (lbc_status, String)> {
        let mut out: *mut c_char = ptr::null_mut();
        let mut err: *mut lbc_error = ptr::null_mut();
        // SAFETY: literal C strings, locals valid for writes; what is written is freed once.
        unsafe {
            let status = lbc_normalize_phone(
                text.as_ptr(),
                region.map_or(ptr::null(), CStr::as_ptr),
                &mut out,
                &mut err,
            );
            if status == lbc_status::LBC_OK {
                let digits = CStr::from_ptr(out).to_str().unwrap().to_owned();
                crate::strings::free(out);
                Ok(digits)
            } else {
                let field = (*err).error.field().unwrap_or_default().to_owned();
                guard::free_box(err);
                Err((status, field))
            }
        }
    }

    #[test]
    fn numbers_are_read_as_the_core_reads_them() {
        assert_eq!(
            normalize(c"8 (925) 688-06-36", None).unwrap(),
            "79256880636"
        );
        assert_eq!(
            normalize(c"8 (925) 688-06-36", Some(c"ru")).unwrap(),
            "79256880636"
        );
        assert_eq!(
            normalize(c"+1 202-555-0143", Some(c"RU")).unwrap(),
            "12025550143"
        );
        assert_eq!(
            normalize(c"12345", None),
            Err((lbc_status::LBC_INVALID_INPUT, "msisdn".into()))
        );
        assert_eq!(
            normalize(c"8 925 688 06 36", Some(c"Russia")),
            Err((lbc_status::LBC_INVALID_INPUT, "region".into()))
        );
        let mut out: *mut c_char = ptr::null_mut();
        // SAFETY: NULL arguments are allowed and refused.
        unsafe {
            let status = lbc_normalize_phone(ptr::null(), ptr::null(), &mut out, ptr::null_mut());
            assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
            let status = lbc_normalize_phone(
                c"+79256880636".as_ptr(),
                ptr::null(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
        }
        assert!(out.is_null());
    }
}
