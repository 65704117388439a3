//! `lbc_sign`: a request signature, for callers that build their own requests.

use std::ffi::c_char;

use lbc_core::{Error, Method, Params, Signer};

use crate::error::lbc_error;
use crate::guard::{self, Out};
use crate::status::lbc_status;
use crate::strings::{arg_str, opt_str, owned};

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
    for (i, param) in items.iter().enumerate() {
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let name = unsafe { arg_str(param.name, &format!("params[{i}].name")) }?;
        // SAFETY: as above.
        let value = unsafe { opt_str(param.value, &format!("params[{i}].value")) }?;
        out.set_opt(name, value.filter(|v| !v.is_empty()));
    }
    Ok(out)
}

/// Signs METHOD's parameters (any array order; the method's signing order decides; NULL or "" values
/// are left out). On success *out_hex is a new NUL-terminated lower-case hex string.
///
/// The signature is lbc-core's: HMAC-SHA512 keyed with `api_key` over the method name and the
/// parameters in the method's documented order. An unknown method, or one that is never signed
/// (`register`, `status`, `server-status`), is `LBC_INVALID_INPUT`. Free `*out_hex` with
/// `lbc_string_free`. Thread-safe.
///
/// # Safety
///
/// `api_key` and `method` must be NULL or NUL-terminated; `params` NULL (only with `n_params` 0) or
/// an array of `n_params` `lbc_param`s whose strings are NULL or NUL-terminated; `out_hex` NULL or
/// writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_sign(
    api_key: *const c_char,
    method: *const c_char,
    params: *const lbc_param,
    n_params: usize,
    out_hex: *mut *mut c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_hex), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let api_key = unsafe { arg_str(api_key, "api_key") }?;
        // SAFETY: as above.
        let method: Method = unsafe { arg_str(method, "method") }?.parse()?;
        // SAFETY: the caller promises a valid array of `n_params` parameters.
        let params = unsafe { read_params(params, n_params) }?;
        out.required("out_hex")?;
        let signature = Signer::new(api_key).sign(method, &params)?;
        out.write(|| owned(&signature));
        Ok(())
    })
}
