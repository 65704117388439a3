//! Request signatures for callers that build their own requests: `lbc_signer`, keyed once with the
//! `api-key`, and `lbc_signer_sign` (the one way to sign from C).

use std::ffi::c_char;

use lbc_core::Error;
use lbc_core::protocol::{Method, Params, Signer};

use crate::error::lbc_error;
use crate::guard::{self, Out, arg};
use crate::status::lbc_status;
use crate::strings::{arg_str, c_string, opt_str};

/// One request parameter: a name and its value (a NULL or empty value counts as absent).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct lbc_param {
    /// The parameter's name, e.g. `"call-api-id"`.
    pub name: *const c_char,
    /// Its value; NULL or `""` leaves the parameter out of the signature.
    pub value: *const c_char,
}

/// Reads the C array of parameters; NULL and empty values are left out.
///
/// # Safety
///
/// `params` must be NULL (only with `n_params` 0) or point to `n_params` readable `lbc_param`s whose
/// strings are NULL or NUL-terminated.
unsafe fn read_params(params: *const lbc_param, n_params: usize) -> Result<Params, Error> {
    if n_params == 0 {
        return Ok(Params::new());
    }
    if params.is_null() {
        return Err(Error::invalid_input(
            "params",
            format!("is NULL with n_params = {n_params}"),
        ));
    }
    // SAFETY: not NULL, and the caller promises `n_params` readable, initialised elements.
    let items = unsafe { std::slice::from_raw_parts(params, n_params) };
    let mut out = Params::new();
    // The argument's name in an error, e.g. `params[2].value`, made only when there is an error: this
    // is the hot path of the PHP package's Signer.
    let named = |i: usize, field: &str, error: Error| match error {
        Error::InvalidInput { reason, .. } => {
            Error::invalid_input(format!("params[{i}].{field}"), reason)
        }
        other => other,
    };
    for (i, param) in items.iter().enumerate() {
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let name = unsafe { arg_str(param.name, "") }.map_err(|e| named(i, "name", e))?;
        // SAFETY: as above.
        let value = unsafe { opt_str(param.value, "") }.map_err(|e| named(i, "value", e))?;
        out.set_opt(name, value.filter(|v| !v.is_empty()));
    }
    Ok(out)
}

/// A signer keyed once with an account's `api-key` (HMAC-SHA512's keyed state is computed by
/// `lbc_signer_new`; each signature then costs only hashing the request). Made by `lbc_signer_new`,
/// freed by `lbc_signer_free`.
///
/// It keeps no copy of the key, only the keyed hash state, which is as secret as the key.
///
/// Thread-safe: one signer may sign on many threads at the same time (`lbc_signer_sign` takes a
/// `const lbc_signer *`).
pub struct lbc_signer {
    inner: Signer,
}

/// A new signer keyed with `api_key` (any UTF-8 text; the key is not kept).
///
/// On success `*out_signer` is new; free it with `lbc_signer_free`.
///
/// # Safety
///
/// `api_key` must be NULL or NUL-terminated; `out_signer` NULL or writable; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_signer_new(
    api_key: *const c_char,
    out_signer: *mut *mut lbc_signer,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_signer), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let api_key = unsafe { arg_str(api_key, "api_key") }?;
        out.required("out_signer")?;
        let signer = Signer::new(api_key);
        out.write(|| guard::boxed(lbc_signer { inner: signer }));
        Ok(())
    })
}

/// Signs METHOD's parameters with the signer's key: HMAC-SHA512 over the method name and the
/// parameters in the method's documented order, as lbc-core signs every request. Any array order
/// (the method's signing order decides); NULL or "" values are left out; for a name given twice the
/// last non-empty value counts; an unknown method, or one that is never signed (`register`,
/// `status`, `server-status`), is `LBC_INVALID_INPUT`. On success `*out_hex` is a new lower-case hex
/// string of 128 digits; free it with `lbc_string_free`.
///
/// Thread-safe: the signer is only read.
///
/// # Safety
///
/// `signer` must be NULL or a live signer; `method` NULL or NUL-terminated; `params` NULL (only with
/// `n_params` 0) or an array of `n_params` `lbc_param`s whose strings are NULL or NUL-terminated;
/// `out_hex` NULL or writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_signer_sign(
    signer: *const lbc_signer,
    method: *const c_char,
    params: *const lbc_param,
    n_params: usize,
    out_hex: *mut *mut c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_hex), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `signer` is NULL or live.
        let signer = unsafe { arg(signer, "signer") }?;
        // SAFETY: the caller's promises, forwarded.
        unsafe { sign_with(&signer.inner, method, params, n_params, out) }
    })
}

/// Frees a signer. NULL is a no-op.
///
/// # Safety
///
/// `signer` must be NULL or a signer from `lbc_signer_new` not freed yet, with no
/// `lbc_signer_sign` using it still running; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_signer_free(signer: *mut lbc_signer) {
    guard::value((), || {
        // SAFETY: the caller promises `signer` is NULL or owned, unused, and freed once.
        unsafe { guard::free_box(signer) }
    })
}

/// The body of `lbc_signer_sign`: reads METHOD and the parameters, signs, writes `out`.
///
/// # Safety
///
/// As `lbc_signer_sign` for `method` and `params`.
unsafe fn sign_with(
    signer: &Signer,
    method: *const c_char,
    params: *const lbc_param,
    n_params: usize,
    out: Out<*mut c_char>,
) -> Result<(), Error> {
    // SAFETY: the caller promises NULL or a NUL-terminated string.
    let method: Method = unsafe { arg_str(method, "method") }?.parse()?;
    // SAFETY: the caller promises a valid array of `n_params` parameters.
    let params = unsafe { read_params(params, n_params) }?;
    out.required("out_hex")?;
    let signature = c_string(&signer.sign(method, &params)?, "out_hex")?;
    out.write(|| signature.into_raw());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn a_signer_is_thread_safe_and_signs_as_the_core_does() {
        assert_send_sync::<lbc_signer>();
        let params = [
            lbc_param {
                name: c"call-api-id".as_ptr(),
                value: c"id".as_ptr(),
            },
            lbc_param {
                name: c"nonce".as_ptr(),
                value: c"n".as_ptr(),
            },
            lbc_param {
                name: c"timestamp".as_ptr(),
                value: c"1".as_ptr(),
            },
        ];
        let mut signer: *mut lbc_signer = ptr::null_mut();
        let mut one: *mut c_char = ptr::null_mut();
        // SAFETY: locals valid for writes, literal C strings, a live signer freed once.
        unsafe {
            let status = lbc_signer_new(c"key".as_ptr(), &mut signer, ptr::null_mut());
            assert_eq!(status, lbc_status::LBC_OK);
            let by_signer = lbc_signer_sign(
                signer,
                c"balance".as_ptr(),
                params.as_ptr(),
                params.len(),
                &mut one,
                ptr::null_mut(),
            );
            assert_eq!(by_signer, lbc_status::LBC_OK);
            let mut expected = Params::new();
            expected.set_opt("call-api-id", Some("id"));
            expected.set_opt("nonce", Some("n"));
            expected.set_opt("timestamp", Some("1"));
            let expected = Signer::new("key").sign(Method::Balance, &expected).unwrap();
            assert_eq!(CStr::from_ptr(one).to_str().unwrap(), expected);
            assert_eq!(CStr::from_ptr(one).to_bytes().len(), 128);
            crate::strings::free(one);
            let null_signer = lbc_signer_sign(
                ptr::null(),
                c"balance".as_ptr(),
                ptr::null(),
                0,
                &mut one,
                ptr::null_mut(),
            );
            assert_eq!(null_signer, lbc_status::LBC_INVALID_INPUT);
            lbc_signer_free(signer);
            lbc_signer_free(ptr::null_mut());
        }
    }
}
