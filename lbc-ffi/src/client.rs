//! `lbc_client` and one function per API method.

use std::ffi::c_char;
use std::ptr;

use lbc_core::{Client, Pay, Register};

use crate::answers::{
    lbc_account_status, lbc_balance, lbc_call_started, lbc_call_state, lbc_payment,
    lbc_registration, lbc_server_status,
};
use crate::config::lbc_config;
use crate::error::lbc_error;
use crate::guard::{self, Out, arg};
use crate::status::lbc_status;
use crate::strings::{arg_str, c_string, opt_str, owned};

/// A LoginByCall client: the settings of a config, one keep-alive connection pool.
///
/// Thread-safe: one client may be used by many threads at the same time (every function taking a
/// `const lbc_client *`). Free it with `lbc_client_free` once no call using it is running.
pub struct lbc_client {
    pub(crate) inner: Client,
}

// The documented thread safety: one client, many threads.
const _: () = {
    const fn thread_safe<T: Send + Sync>() {}
    thread_safe::<lbc_client>();
};

/// Builds a client from `config`, checking its settings (base URL, credentials, CA bundle, proxy).
///
/// On success `*out_client` is a new client; free it with `lbc_client_free`. The config is not
/// changed and may be freed at once.
///
/// # Safety
///
/// `config` must be NULL or a live config no thread is changing; `out_client` NULL or writable;
/// `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_new(
    config: *const lbc_config,
    out_client: *mut *mut lbc_client,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_client), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `config` is NULL or live and not being changed.
        let config = unsafe { arg(config, "config") }?;
        out.required("out_client")?;
        let client = config.builder.clone().build()?;
        out.write(|| guard::boxed(lbc_client { inner: client }));
        Ok(())
    })
}

/// A new client with the same settings and connection pool as `client` but other credentials: e.g.
/// to send `credential_confirm` with the new id and key after `change_credential`.
///
/// # Safety
///
/// `client` must be NULL or a live client; `call_api_id`, `api_key` NULL or NUL-terminated strings;
/// `out_client` NULL or writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_with_credentials(
    client: *const lbc_client,
    call_api_id: *const c_char,
    api_key: *const c_char,
    out_client: *mut *mut lbc_client,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_client), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let call_api_id = unsafe { arg_str(call_api_id, "call_api_id") }?;
        // SAFETY: as above.
        let api_key = unsafe { arg_str(api_key, "api_key") }?;
        out.required("out_client")?;
        let other = client.inner.with_credentials(call_api_id, api_key)?;
        out.write(|| guard::boxed(lbc_client { inner: other }));
        Ok(())
    })
}

/// Frees a client. NULL is a no-op.
///
/// # Safety
///
/// `client` must be NULL or a client from this library not freed yet, with no call using it still
/// running; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_free(client: *mut lbc_client) {
    guard::value((), || {
        // SAFETY: the caller promises `client` is NULL or owned, unused, and freed once.
        unsafe { guard::free_box(client) }
    })
}

/// The events `client` recorded since the last take, oldest first, as a NUL-terminated JSON array;
/// free it with `lbc_string_free`. `[]` when there are none (or `client` is NULL); NULL only if
/// memory ran out.
///
/// Each event is `{"level": "debug"|"info"|"warning", "event": "request"|"retry"|"guard_refused"|
/// "may_have_been_placed", "message": "a line for people", "fields": {"method": "call-status",
/// "attempt": 1, "status": 200 or null, "elapsed_ms": 12, "request_id": "..." or null}}`. Which are
/// recorded is the config's `lbc_config_set_log_level` (none by default); the record keeps the
/// last 256, dropping older ones. Phone numbers appear with their last 4 digits hidden; keys and
/// signatures never. A client from `lbc_client_shared` is shared: its record holds the events of
/// every user of it. Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_take_log(client: *const lbc_client) -> *mut c_char {
    guard::value(ptr::null_mut(), || {
        // SAFETY: the caller promises `client` is NULL or live.
        let Ok(client) = (unsafe { arg(client, "client") }) else {
            return owned("[]");
        };
        owned(&lbc_core::events_to_json(&client.inner.take_events()))
    })
}

/// `register`: registers `domain` (or re-registers it, keeping its balance); the `api-key` is mailed
/// to `admin_email`. Needs no credentials.
///
/// `admin_phone`, `verify_url` and `balance_notify_limit` (credits, -1: never) may be NULL to leave
/// them out. On success `*out_registration` is new; free it with `lbc_registration_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated;
/// `balance_notify_limit` NULL or readable; `out_registration` NULL or writable; `err` NULL or a
/// valid `lbc_error **`.
// A C function takes its optional arguments one by one: no struct passed by value.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_register(
    client: *const lbc_client,
    domain: *const c_char,
    admin_email: *const c_char,
    admin_phone: *const c_char,
    verify_url: *const c_char,
    balance_notify_limit: *const i64,
    out_registration: *mut *mut lbc_registration,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_registration), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let domain = unsafe { arg_str(domain, "domain") }?;
        // SAFETY: as above.
        let admin_email = unsafe { arg_str(admin_email, "admin_email") }?;
        // SAFETY: as above.
        let admin_phone = unsafe { opt_str(admin_phone, "admin_phone") }?;
        // SAFETY: as above.
        let verify_url = unsafe { opt_str(verify_url, "verify_url") }?;
        // SAFETY: the caller promises `balance_notify_limit` is NULL or readable.
        let limit = unsafe { balance_notify_limit.as_ref() }.copied();
        out.required("out_registration")?;
        let mut args = Register::new(domain, admin_email);
        args.admin_phone = admin_phone.map(str::to_owned);
        args.verify_url = verify_url.map(str::to_owned);
        args.balance_notify_limit = limit;
        let registration = client.inner.register(&args)?;
        out.write(|| {
            guard::boxed(lbc_registration {
                inner: registration,
            })
        });
        Ok(())
    })
}

/// `status`: whether the account is activated, blocked, allowed unsigned calls.
///
/// On success `*out_status` is new; free it with `lbc_account_status_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; `out_status` NULL or writable; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_status(
    client: *const lbc_client,
    out_status: *mut *mut lbc_account_status,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_status), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `client` is NULL or live.
        let client = unsafe { arg(client, "client") }?;
        out.required("out_status")?;
        let status = client.inner.status()?;
        out.write(|| guard::boxed(lbc_account_status { inner: status }));
        Ok(())
    })
}

/// `server-status`: whether the service can place calls now.
///
/// On success `*out_status` is new; free it with `lbc_server_status_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; `out_status` NULL or writable; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_server_status(
    client: *const lbc_client,
    out_status: *mut *mut lbc_server_status,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_status), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `client` is NULL or live.
        let client = unsafe { arg(client, "client") }?;
        out.required("out_status")?;
        let status = client.inner.server_status()?;
        out.write(|| guard::boxed(lbc_server_status { inner: status }));
        Ok(())
    })
}

/// `options`: sets the balance below which the administrator is mailed (credits; -1: never).
///
/// # Safety
///
/// `client` must be NULL or a live client; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_options(
    client: *const lbc_client,
    balance_notify_limit: i64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or a writable `err`.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises `client` is NULL or live.
        let client = unsafe { arg(client, "client") }?;
        client.inner.options(balance_notify_limit)
    })
}

/// `balance`: payments, consumption, the notification limit and the last payments.
///
/// On success `*out_balance` is new; free it with `lbc_balance_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; `out_balance` NULL or writable; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_balance(
    client: *const lbc_client,
    out_balance: *mut *mut lbc_balance,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_balance), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `client` is NULL or live.
        let client = unsafe { arg(client, "client") }?;
        out.required("out_balance")?;
        let balance = client.inner.balance()?;
        out.write(|| guard::boxed(lbc_balance { inner: balance }));
        Ok(())
    })
}

/// `pay`: a payment form refilling the balance by `amount` credits (1 USD = 10 000 credits).
///
/// `locale` (`"ru"`, `"en"`), `success_url`, `fail_url` and `return_url` may be NULL to leave them
/// out. On success `*out_payment` is new; free it with `lbc_payment_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out_payment` NULL
/// or writable; `err` NULL or a valid `lbc_error **`.
// A C function takes its optional arguments one by one: no struct passed by value.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_pay(
    client: *const lbc_client,
    amount: i64,
    locale: *const c_char,
    success_url: *const c_char,
    fail_url: *const c_char,
    return_url: *const c_char,
    out_payment: *mut *mut lbc_payment,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_payment), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let locale = unsafe { opt_str(locale, "locale") }?;
        // SAFETY: as above.
        let success_url = unsafe { opt_str(success_url, "success_url") }?;
        // SAFETY: as above.
        let fail_url = unsafe { opt_str(fail_url, "fail_url") }?;
        // SAFETY: as above.
        let return_url = unsafe { opt_str(return_url, "return_url") }?;
        out.required("out_payment")?;
        let mut args = Pay::new(amount);
        args.locale = locale.map(str::to_owned);
        args.success_url = success_url.map(str::to_owned);
        args.fail_url = fail_url.map(str::to_owned);
        args.return_url = return_url.map(str::to_owned);
        let payment = client.inner.pay(&args)?;
        out.write(|| guard::boxed(lbc_payment { inner: payment }));
        Ok(())
    })
}

/// `change_credential`: issues a new id and key, mailed to `admin_email`; confirm them with
/// `lbc_client_credential_confirm` on a client from `lbc_client_with_credentials`.
///
/// `admin_phone` may be NULL. On success `*out_call_api_id` is the new `call-api-id` (free it with
/// `lbc_string_free`).
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out_call_api_id`
/// NULL or writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_change_credential(
    client: *const lbc_client,
    admin_email: *const c_char,
    admin_phone: *const c_char,
    out_call_api_id: *mut *mut c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_call_api_id), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let admin_email = unsafe { arg_str(admin_email, "admin_email") }?;
        // SAFETY: as above.
        let admin_phone = unsafe { opt_str(admin_phone, "admin_phone") }?;
        out.required("out_call_api_id")?;
        let change = client.inner.change_credential(admin_email, admin_phone)?;
        let call_api_id = c_string(&change.call_api_id, "call_api_id")?;
        out.write(|| call_api_id.into_raw());
        Ok(())
    })
}

/// `credential_confirm`: activates this client's (new) id and key; every older key stops working.
///
/// # Safety
///
/// `client` must be NULL or a live client; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_credential_confirm(
    client: *const lbc_client,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or a writable `err`.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises `client` is NULL or live.
        let client = unsafe { arg(client, "client") }?;
        client.inner.credential_confirm()
    })
}

/// `call`: rings `msisdn` (any common notation, e.g. `"+7 (925) 688-06-36"`) from a random number.
/// `ip_address` is the user's address (used for the service's repeat timeout; may be NULL).
///
/// A call costs money: it is never sent twice by the library. After a failure with
/// `lbc_error_may_have_been_placed` true (an HTTP error status, an unreadable answer, a timeout or
/// transport failure after the request was written), a call may have been placed.
/// On success `*out_started` is new; free it with `lbc_call_started_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out_started` NULL
/// or writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_call(
    client: *const lbc_client,
    msisdn: *const c_char,
    ip_address: *const c_char,
    out_started: *mut *mut lbc_call_started,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_started), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let msisdn = unsafe { arg_str(msisdn, "msisdn") }?;
        // SAFETY: as above.
        let ip_address = unsafe { opt_str(ip_address, "ip_address") }?;
        out.required("out_started")?;
        let started = client.inner.call(msisdn, ip_address)?;
        out.write(|| guard::boxed(lbc_call_started { inner: started }));
        Ok(())
    })
}

/// `call-status`: where call `call` is.
///
/// On success `*out_state` is new; free it with `lbc_call_state_free`.
///
/// # Safety
///
/// `client` must be NULL or a live client; `call` NULL or NUL-terminated; `out_state` NULL or
/// writable; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_call_status(
    client: *const lbc_client,
    call: *const c_char,
    out_state: *mut *mut lbc_call_state,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_state), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let call = unsafe { arg_str(call, "call") }?;
        out.required("out_state")?;
        let state = client.inner.call_status(call)?;
        out.write(|| guard::boxed(lbc_call_state { inner: state }));
        Ok(())
    })
}

/// `call-hangup`: ends call `call` if it is still ringing.
///
/// # Safety
///
/// `client` must be NULL or a live client; `call` NULL or NUL-terminated; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_call_hangup(
    client: *const lbc_client,
    call: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or a writable `err`.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises valid pointers or NULL.
        let client = unsafe { arg(client, "client") }?;
        // SAFETY: as above.
        let call = unsafe { arg_str(call, "call") }?;
        client.inner.call_hangup(call)
    })
}
