//! `lbc_client_request`: any method by name, parameters and answer as JSON (the escape hatch).

use std::ffi::c_char;

use lbc_core::protocol::Params;

use crate::client::lbc_client;
use crate::error::lbc_error;
use crate::guard::{self, Out, arg};
use crate::status::lbc_status;
use crate::strings::{arg_str, c_string, opt_str};

/// Calls any API method by its wire name (e.g. `"call-status"`) and returns the answer as JSON: the
/// escape hatch for bindings and for methods the typed functions do not have yet.
///
/// `params_json` is a JSON object of string or number values (NULL: no parameters); `call-api-id`,
/// `timestamp`, `nonce` and the signature are added as for the typed functions. On success
/// `*out_answer_json` is the answer's JSON object (`{}` for the empty successes); free it with
/// `lbc_string_free`. An error answer is `LBC_API_ERROR`, as everywhere.
///
/// # Safety
///
/// `client` must be NULL or a live client; `method` and `params_json` NULL or NUL-terminated;
/// `out_answer_json` NULL or writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_request(
    client: *const lbc_client,
    method: *const c_char,
    params_json: *const c_char,
    out_answer_json: *mut *mut c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_answer_json), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let method = unsafe { arg_str(method, "method") }?;
        // SAFETY: as above.
        let params_json = unsafe { opt_str(params_json, "params_json") }?;
        out.required("out_answer_json")?;
        let params = match params_json {
            Some(text) => Params::from_json(text, "params_json")?,
            None => Params::new(),
        };
        let answer = client.inner.request(method, &params)?;
        let answer = c_string(&answer.to_string(), "out_answer_json")?;
        out.write(|| answer.into_raw());
        Ok(())
    })
}
