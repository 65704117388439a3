//! `lbc_login`: the login flow a site runs (wraps `lbc_core::Login`).

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use lbc_core::{Login, Verdict};

use crate::answers::lbc_call_state;
use crate::client::lbc_client;
use crate::error::lbc_error;
use crate::guard::{self, Out, arg, arg_mut};
use crate::status::lbc_status;
use crate::strings::{arg_str, c_string, opt_str, owned, owned_opt};

/// One login in progress: the call placed for it and the checks made so far.
///
/// It holds no code: its saved state (`lbc_login_to_json`) holds the call, the number, the prompt
/// and a keyed hash of the code, sealed with the client's state key; the attempts and whether the
/// code was accepted are counted in the client's store (`lbc_config_set_store`), so every process
/// resuming the state (`lbc_client_resume_login`) sees the same count.
///
/// Use a login from one thread at a time (it may be moved between threads): `lbc_login_check`
/// updates what its getters report.
pub struct lbc_login {
    pub(crate) inner: Login,
}

/// The verdict on digits the user typed (`lbc_login_check`).
///
/// A 32-bit signed integer in C (`typedef int32_t lbc_verdict`); the numbers never change.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum lbc_verdict {
    /// The right digits: log the user in (and hang up the call).
    LBC_VERDICT_ACCEPTED = 1,
    /// Wrong digits (or not exactly `codelen` digits); the user may try again (see attempts left).
    LBC_VERDICT_REJECTED = 2,
    /// No attempts left, or the code was already accepted once: start a new call.
    LBC_VERDICT_LOCKED = 3,
    /// The code is too old: start a new call.
    LBC_VERDICT_EXPIRED = 4,
}

impl From<Verdict> for lbc_verdict {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Accepted => lbc_verdict::LBC_VERDICT_ACCEPTED,
            Verdict::Rejected { .. } => lbc_verdict::LBC_VERDICT_REJECTED,
            Verdict::Locked => lbc_verdict::LBC_VERDICT_LOCKED,
            Verdict::Expired => lbc_verdict::LBC_VERDICT_EXPIRED,
        }
    }
}

/// Reads a login inside the panic boundary; `fallback` for NULL.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
unsafe fn get<R>(login: *const lbc_login, fallback: R, read: impl FnOnce(&Login) -> R) -> R
where
    R: Copy,
{
    guard::value(fallback, || {
        // SAFETY: the caller promises `login` is NULL or live.
        match unsafe { login.as_ref() } {
            Some(login) => read(&login.inner),
            None => fallback,
        }
    })
}

/// Places the call for a login: `msisdn` as the user typed it, `ip_address` the user's address
/// (recommended; may be NULL). Uses the client's login policy (`lbc_config_set_login_policy`).
///
/// On success `*out_login` is new; free it with `lbc_login_free`. The failures are those of
/// `lbc_client_call`.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out_login` NULL or
/// writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_start_login(
    client: *const lbc_client,
    msisdn: *const c_char,
    ip_address: *const c_char,
    out_login: *mut *mut lbc_login,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_login), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let msisdn = unsafe { arg_str(msisdn, "msisdn") }?;
        // SAFETY: as above.
        let ip_address = unsafe { opt_str(ip_address, "ip_address") }?;
        out.required("out_login")?;
        let login = client.inner.start_login(msisdn, ip_address)?;
        out.write(|| guard::boxed(lbc_login { inner: login }));
        Ok(())
    })
}

/// What may be shown while the phone rings: the caller's number without its last `codelen` digits,
/// e.g. `"7925688"` (show it as `+7925688[____]`). NULL for a NULL login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_prompt(login: *const lbc_login) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, ptr::null_mut(), |l| owned(l.prompt())) }
}

/// The id of the login's call. NULL for a NULL login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_call(login: *const lbc_login) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, ptr::null_mut(), |l| owned(l.call())) }
}

/// The number called, normalised to digits with the country code (e.g. `"79256880636"` for
/// `"8 (925) 688-06-36"`): the user's phone number once the login is accepted. NULL for a NULL
/// login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_msisdn(login: *const lbc_login) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, ptr::null_mut(), |l| owned(l.msisdn())) }
}

/// The user's IP address given to `lbc_client_start_login`; NULL when none was given (and for a
/// NULL login).
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_ip_address(login: *const lbc_login) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, ptr::null_mut(), |l| owned_opt(l.ip_address())) }
}

/// How many digits the user types (0 for a NULL login).
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_codelen(login: *const lbc_login) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, Login::codelen) }
}

/// Seconds the service asks to wait before calling the same number again (`repeat_timeout` of the
/// `call` answer; 0 for a NULL login).
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_repeat_timeout(login: *const lbc_login) -> u64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, Login::repeat_timeout) }
}

/// When the call was placed, as UNIX seconds, by the clock that stamped the login (the system
/// clock). 0 for a NULL login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_started_at(login: *const lbc_login) -> u64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, Login::started_at) }
}

/// The checks made so far, right or wrong (0 for a NULL login).
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_attempts(login: *const lbc_login) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, Login::attempts) }
}

/// The checks left before the login locks: the policy's `max_attempts` minus the checks made, 0
/// once the code was accepted (and 0 for a NULL login).
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_attempts_left(login: *const lbc_login) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, Login::attempts_left) }
}

/// How many checks the login allows in all: the client's policy (`lbc_config_set_login_policy`,
/// default 3). 0 for a NULL login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_max_attempts(login: *const lbc_login) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, |l| l.policy().max_attempts) }
}

/// Whether a check accepted the code (`LBC_VERDICT_ACCEPTED`): the user is logged in. False for a
/// NULL login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_is_accepted(login: *const lbc_login) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, false, Login::is_accepted) }
}

/// When the code stops being accepted, as UNIX seconds: the call's start plus the policy's `ttl`, by the clock that stamped the login (the system clock). 0 for a NULL login.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_expires_at(login: *const lbc_login) -> u64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(login, 0, Login::expires_at) }
}

/// Checks the digits the user typed. Surrounding whitespace is trimmed first (a space, a tab, the
/// line break `fgets` keeps); what is left must be exactly `codelen` ASCII digits, compared in
/// constant time (`"636"` is not `"0636"`). Every check of a live login counts as an attempt,
/// well-formed or not, in the client's store: however many processes check one call at once, at
/// most the policy's `max_attempts` checks are judged, and the code is accepted once. A check after
/// expiry costs none. Expiry is judged by the clock that stamped the login (see
/// `lbc_login_expires_at`).
///
/// On success `*out_verdict` is the verdict and, when `out_attempts_left` is not NULL,
/// `*out_attempts_left` the checks left (0 unless the verdict is `LBC_VERDICT_REJECTED`). A wrong
/// code is a verdict, not a failure: the function fails on bad arguments, and with
/// `LBC_STORE_ERROR` when the store cannot be reached (then nothing was judged: refuse the login
/// for now).
///
/// # Safety
///
/// `login` must be NULL or a live login no other thread uses; `digits` NULL or NUL-terminated;
/// `out_verdict` NULL or writable; `out_attempts_left` NULL or writable; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_check(
    login: *mut lbc_login,
    digits: *const c_char,
    out_verdict: *mut lbc_verdict,
    out_attempts_left: *mut u32,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (verdict_out, left_out, err) = unsafe {
        (
            Out::new(out_verdict),
            Out::new(out_attempts_left),
            Out::new(err),
        )
    };
    guard::run(err, || {
        // SAFETY: the caller promises `login` is NULL or live and not shared.
        let login = unsafe { arg_mut(login, "login") }?;
        // SAFETY: the caller promises `digits` is NULL or NUL-terminated.
        let digits = unsafe { arg_str(digits, "digits") }?;
        verdict_out.required("out_verdict")?;
        // A store failure (lbc-core's `Error::Store`) is a failure: nothing was judged.
        let verdict = login.inner.check(digits)?;
        verdict_out.write(|| verdict.into());
        left_out.write(|| verdict.attempts_left());
        Ok(())
    })
}

/// The login's sealed state as JSON, for a web session: no code and no mask in it, sealed with the
/// client's state key (any change to it is refused by `lbc_client_resume_login`). It does not change
/// with checks (they are counted in the store), so a site saves it once, after
/// `lbc_client_start_login`.
///
/// On success `*out_json` is a new string; free it with `lbc_string_free`.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed; `out_json` NULL or writable; `err` NULL
/// or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_to_json(
    login: *const lbc_login,
    out_json: *mut *mut c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_json), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `login` is NULL or live.
        let login = unsafe { arg(login, "login") }?;
        out.required("out_json")?;
        let json = c_string(&login.inner.to_json(), "out_json")?;
        out.write(|| json.into_raw());
        Ok(())
    })
}

/// A login back from its saved state (`lbc_login_to_json`), through the client that made it (or one
/// with the same state key, or an older key given by `lbc_config_add_old_state_key`). The attempts
/// made so far and whether the code was accepted are read from the client's store; the policy is the
/// client's.
///
/// Anything that is not byte for byte a state this library wrote (any edit anywhere), a seal no key
/// of the client makes, or a `started_at` in the future is `LBC_INVALID_INPUT` naming
/// `login_state`. A state past its lifetime is resumed: its checks answer `LBC_VERDICT_EXPIRED`. A
/// store that cannot be read is `LBC_STORE_ERROR`.
///
/// On success `*out_login` is new; free it with `lbc_login_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; `state` NULL or NUL-terminated; `out_login` NULL or
/// writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_resume_login(
    client: *const lbc_client,
    state: *const c_char,
    out_login: *mut *mut lbc_login,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_login), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let state = unsafe { arg_str(state, "state") }?;
        out.required("out_login")?;
        let login = client.inner.resume_login(state)?;
        out.write(|| guard::boxed(lbc_login { inner: login }));
        Ok(())
    })
}

/// Polls `call-status` (backing off from 0.5 s to 3 s) until the call's status is final or
/// `timeout_ms` milliseconds pass; `*out_state` is the last status seen, which is not final if the
/// time ran out (check `lbc_call_state_is_final`). Blocks the calling thread.
///
/// On success `*out_state` is new; free it with `lbc_call_state_free`.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed; `client` NULL or a live client;
/// `out_state` NULL or writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_wait_final(
    login: *const lbc_login,
    client: *const lbc_client,
    timeout_ms: u64,
    out_state: *mut *mut lbc_call_state,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_state), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let login = unsafe { arg(login, "login") }?;
        // SAFETY: as above.
        let client = unsafe { arg(client, "client") }?;
        out.required("out_state")?;
        let state = login
            .inner
            .wait_final(&client.inner, Duration::from_millis(timeout_ms))?;
        out.write(|| guard::boxed(lbc_call_state { inner: state }));
        Ok(())
    })
}

/// Ends the login's call if it is still ringing (`call-hangup`), e.g. once the digits were accepted.
///
/// # Safety
///
/// `login` must be NULL or a live login not being changed; `client` NULL or a live client; `err`
/// NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_hangup(
    login: *const lbc_login,
    client: *const lbc_client,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or a writable `err`.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let login = unsafe { arg(login, "login") }?;
        // SAFETY: as above.
        let client = unsafe { arg(client, "client") }?;
        login.inner.hangup(&client.inner)
    })
}

/// Frees a login. NULL is a no-op.
///
/// # Safety
///
/// `login` must be NULL or a login from this library not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_login_free(login: *mut lbc_login) {
    guard::value((), || {
        // SAFETY: the caller promises `login` is NULL or owned and freed once.
        unsafe { guard::free_box(login) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_numbers_are_stable() {
        let expected = [
            (lbc_verdict::LBC_VERDICT_ACCEPTED, 1),
            (lbc_verdict::LBC_VERDICT_REJECTED, 2),
            (lbc_verdict::LBC_VERDICT_LOCKED, 3),
            (lbc_verdict::LBC_VERDICT_EXPIRED, 4),
        ];
        for (verdict, number) in expected {
            assert_eq!(verdict as i32, number, "{verdict:?}");
        }
        assert_eq!(size_of::<lbc_verdict>(), 4);
    }

    #[test]
    fn resume_login_refuses_null_and_edited_states() {
        let mut login = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: a NULL client is refused, not dereferenced; live out-parameters.
        let status =
            unsafe { lbc_client_resume_login(ptr::null(), c"{}".as_ptr(), &mut login, &mut err) };
        assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
        assert!(login.is_null());
        // SAFETY: the error this library made, freed once.
        unsafe { crate::error::lbc_error_free(err) };
    }
}
