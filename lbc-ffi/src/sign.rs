//! Request signatures for callers that build their own requests: `lbc_signer`, keyed once, and
//! `lbc_sign`, which keys one for each call.

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
    for (i, param) in items.iter().enumerate() {
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let name = unsafe { arg_str(param.name, &format!("params[{i}].name")) }?;
        // SAFETY: as above.
        let value = unsafe { opt_str(param.value, &format!("params[{i}].value")) }?;
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

/// Signs METHOD's parameters with the signer's key: the same signature as `lbc_sign` with that key,
/// and the same rules (any array order; the method's signing order decides; NULL or "" values are
/// left out; an unknown or never-signed method is `LBC_INVALID_INPUT`). On success `*out_hex` is a
/// new lower-case hex string; free it with `lbc_string_free`.
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

/// The length of a signature in hex (HMAC-SHA512: 64 bytes, 128 hex digits); a buffer for
/// `lbc_signer_sign_packed` needs one byte more, for the NUL.
pub const LBC_SIGNATURE_HEX_LEN: usize = 128;

/// Signs like `lbc_signer_sign`, with the parameters packed in one buffer and the signature written
/// into the caller's: the fast path for FFIs where building an array of C strings costs more than
/// the signature itself (PHP's, Python's ctypes).
///
/// `packed` holds `packed_len` bytes: each parameter's name and value, every one followed by a NUL
/// byte (`"call-api-id\0ID\0nonce\0N\0"`), so names and values cannot themselves hold a NUL;
/// `packed_len` 0 (with `packed` NULL or not) is no parameters. Empty values are left out, as
/// everywhere. On success `out_hex` receives the lower-case hex signature and a NUL
/// (`LBC_SIGNATURE_HEX_LEN` + 1 bytes); `out_hex_size` smaller than that is `LBC_INVALID_INPUT`
/// naming `out_hex`, and so is a buffer that does not split into whole name-value pairs (naming
/// `packed`).
///
/// Thread-safe: the signer is only read.
///
/// # Safety
///
/// `signer` must be NULL or a live signer; `method` NULL or NUL-terminated; `packed` NULL (only with
/// `packed_len` 0) or readable for `packed_len` bytes; `out_hex` NULL or writable for
/// `out_hex_size` bytes; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_signer_sign_packed(
    signer: *const lbc_signer,
    method: *const c_char,
    packed: *const c_char,
    packed_len: usize,
    out_hex: *mut c_char,
    out_hex_size: usize,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or a writable `err`.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises `signer` is NULL or live.
        let signer = unsafe { arg(signer, "signer") }?;
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let method: Method = unsafe { arg_str(method, "method") }?.parse()?;
        let bytes: &[u8] = if packed_len == 0 {
            &[]
        } else if packed.is_null() {
            return Err(Error::invalid_input(
                "packed",
                format!("is NULL with packed_len = {packed_len}"),
            ));
        } else {
            // SAFETY: not NULL, and the caller promises `packed_len` readable bytes.
            unsafe { std::slice::from_raw_parts(packed.cast::<u8>(), packed_len) }
        };
        let pairs = unpack(bytes)?;
        if out_hex.is_null() || out_hex_size < LBC_SIGNATURE_HEX_LEN + 1 {
            return Err(Error::invalid_input(
                "out_hex",
                format!("needs room for {} bytes", LBC_SIGNATURE_HEX_LEN + 1),
            ));
        }
        let order = method.spec().sign_order;
        if order.is_empty() {
            // A method that is never signed: the core's own error.
            signer.inner.sign(method, &Params::new())?;
        }
        // The same as `Signer::sign` over these pairs in a `Params` (the last non-empty value of a
        // name counts), without building one: this is the hot path of the PHP package.
        let value_of = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(n, v)| *n == name && !v.is_empty())
                .map_or("", |(_, v)| *v)
        };
        let signature = signer.inner.sign_ordered(
            method.name(),
            order.iter().map(|name| (*name, value_of(name))),
        );
        debug_assert_eq!(signature.len(), LBC_SIGNATURE_HEX_LEN);
        // SAFETY: `out_hex` is writable for `out_hex_size` >= 129 bytes (checked above), and the
        // signature is 128 ASCII bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                signature.as_ptr(),
                out_hex.cast::<u8>(),
                LBC_SIGNATURE_HEX_LEN,
            );
            out_hex.add(LBC_SIGNATURE_HEX_LEN).write(0);
        }
        Ok(())
    })
}

/// Field `what` of packed pair `i` as text.
fn utf8<'a>(bytes: &'a [u8], i: usize, what: &str) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes)
        .map_err(|_| Error::invalid_input(format!("packed[{i}].{what}"), "is not valid UTF-8"))
}

/// Reads `name\0value\0` pairs (as they are: empty values included).
fn unpack(bytes: &[u8]) -> Result<Vec<(&str, &str)>, Error> {
    let mut pairs = Vec::new();
    if bytes.is_empty() {
        return Ok(pairs);
    }
    let Some(body) = bytes.strip_suffix(b"\0") else {
        return Err(Error::invalid_input(
            "packed",
            "does not end with a NUL byte",
        ));
    };
    let mut fields = body.split(|b| *b == 0);
    let mut i = 0;
    while let Some(name) = fields.next() {
        let Some(value) = fields.next() else {
            return Err(Error::invalid_input(
                "packed",
                "holds a name without a value",
            ));
        };
        pairs.push((utf8(name, i, "name")?, utf8(value, i, "value")?));
        i += 1;
    }
    Ok(pairs)
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

/// Signs METHOD's parameters (any array order; the method's signing order decides; NULL or "" values
/// are left out). On success *out_hex is a new NUL-terminated lower-case hex string.
///
/// The signature is lbc-core's: HMAC-SHA512 keyed with `api_key` over the method name and the
/// parameters in the method's documented order. An unknown method, or one that is never signed
/// (`register`, `status`, `server-status`), is `LBC_INVALID_INPUT`. Free `*out_hex` with
/// `lbc_string_free`. Thread-safe.
///
/// This keys HMAC anew on every call: to sign many requests with one key, make an `lbc_signer` once.
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
        // SAFETY: the caller's promises, forwarded.
        unsafe { sign_with(&Signer::new(api_key), method, params, n_params, out) }
    })
}

/// The body of both signing functions: reads METHOD and the parameters, signs, writes `out`.
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
    fn a_signer_is_thread_safe_and_signs_as_lbc_sign() {
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
        let (mut one, mut two): (*mut c_char, *mut c_char) = (ptr::null_mut(), ptr::null_mut());
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
            let by_key = lbc_sign(
                c"key".as_ptr(),
                c"balance".as_ptr(),
                params.as_ptr(),
                params.len(),
                &mut two,
                ptr::null_mut(),
            );
            assert_eq!(
                (by_signer, by_key),
                (lbc_status::LBC_OK, lbc_status::LBC_OK)
            );
            assert_eq!(CStr::from_ptr(one), CStr::from_ptr(two));
            assert_eq!(CStr::from_ptr(one).to_bytes().len(), 128);
            crate::strings::free(one);
            crate::strings::free(two);
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

    #[test]
    fn packed_parameters_sign_as_an_array_does() {
        let mut signer: *mut lbc_signer = ptr::null_mut();
        let mut one: *mut c_char = ptr::null_mut();
        let mut buffer = [1 as c_char; LBC_SIGNATURE_HEX_LEN + 1];
        let params = [
            lbc_param {
                name: c"msisdn".as_ptr(),
                value: c"79256880636".as_ptr(),
            },
            lbc_param {
                name: c"call-api-id".as_ptr(),
                value: c"id".as_ptr(),
            },
            lbc_param {
                name: c"ip_address".as_ptr(),
                value: c"".as_ptr(),
            },
        ];
        let packed = b"msisdn\x0079256880636\x00call-api-id\x00id\x00ip_address\x00\x00";
        let sign_packed = |bytes: &[u8], out: &mut [c_char], signer| {
            // SAFETY: a live signer, readable bytes, a writable buffer of out.len() bytes.
            unsafe {
                lbc_signer_sign_packed(
                    signer,
                    c"call".as_ptr(),
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    out.as_mut_ptr(),
                    out.len(),
                    ptr::null_mut(),
                )
            }
        };
        // SAFETY: locals valid for writes, literal C strings, a live signer freed once.
        unsafe {
            lbc_signer_new(c"key".as_ptr(), &mut signer, ptr::null_mut());
            let by_array = lbc_signer_sign(
                signer,
                c"call".as_ptr(),
                params.as_ptr(),
                params.len(),
                &mut one,
                ptr::null_mut(),
            );
            assert_eq!(by_array, lbc_status::LBC_OK);
            assert_eq!(sign_packed(packed, &mut buffer, signer), lbc_status::LBC_OK);
            assert_eq!(CStr::from_ptr(buffer.as_ptr()), CStr::from_ptr(one));
            crate::strings::free(one);

            // A repeated name: the last non-empty value counts, as in an array (lbc_signer_sign).
            let repeated = [
                lbc_param {
                    name: c"msisdn".as_ptr(),
                    value: c"79256880636".as_ptr(),
                },
                lbc_param {
                    name: c"msisdn".as_ptr(),
                    value: c"".as_ptr(),
                },
                lbc_param {
                    name: c"call-api-id".as_ptr(),
                    value: c"a".as_ptr(),
                },
                lbc_param {
                    name: c"call-api-id".as_ptr(),
                    value: c"id".as_ptr(),
                },
            ];
            lbc_signer_sign(
                signer,
                c"call".as_ptr(),
                repeated.as_ptr(),
                repeated.len(),
                &mut one,
                ptr::null_mut(),
            );
            let packed_repeated =
                b"msisdn\x0079256880636\x00msisdn\x00\x00call-api-id\x00a\x00call-api-id\x00id\x00";
            assert_eq!(
                sign_packed(packed_repeated, &mut buffer, signer),
                lbc_status::LBC_OK
            );
            assert_eq!(CStr::from_ptr(buffer.as_ptr()), CStr::from_ptr(one));
            crate::strings::free(one);

            // No parameters; malformed buffers; a buffer too small for the signature.
            assert_eq!(sign_packed(b"", &mut buffer, signer), lbc_status::LBC_OK);
            for bad in [
                &b"msisdn"[..],
                b"msisdn\x00",
                b"a\x00b\x00c\x00",
                b"\xff\x00v\x00",
            ] {
                assert_eq!(
                    sign_packed(bad, &mut buffer, signer),
                    lbc_status::LBC_INVALID_INPUT,
                    "{bad:?}"
                );
            }
            let mut small = [0 as c_char; LBC_SIGNATURE_HEX_LEN];
            assert_eq!(
                sign_packed(packed, &mut small, signer),
                lbc_status::LBC_INVALID_INPUT
            );
            assert!(
                small.iter().all(|b| *b == 0),
                "nothing written to a short buffer"
            );
            lbc_signer_free(signer);
        }
    }
}
