//! The typed answers of the API methods, as opaque objects with getters.
//!
//! Every answer object is immutable: its getters may be called from any thread, at the same time. A
//! string getter returns a new string (free it with `lbc_string_free`) or NULL when the value is
//! absent or the object is NULL (or, never expected since lbc-core refuses such answers, when the
//! value holds a NUL byte: it is not cut short); a number getter returns 0 (false) for a NULL
//! object.

use std::ffi::c_char;
use std::ptr;

use lbc_core::{
    AccountStatus, Balance, CallStarted, CallState, Payment, Registration, ServerStatus,
};

use crate::guard;
use crate::strings::{owned, owned_opt};

/// Reads field(s) of an answer object inside the panic boundary; `fallback` for NULL.
///
/// # Safety
///
/// `object` must be NULL or a live object of this library.
unsafe fn get<T, R>(object: *const T, fallback: R, read: impl FnOnce(&T) -> R) -> R
where
    R: Copy,
{
    guard::value(fallback, || {
        // SAFETY: the caller promises `object` is NULL or live; answers are never mutated.
        match unsafe { object.as_ref() } {
            Some(object) => read(object),
            None => fallback,
        }
    })
}

/// Frees an answer object inside the panic boundary.
///
/// # Safety
///
/// `object` must be NULL or an object of this type from this library, not freed yet.
unsafe fn free<T>(object: *mut T) {
    guard::value((), || {
        // SAFETY: forwarded from the caller.
        unsafe { guard::free_box(object) }
    })
}

// --- register -----------------------------------------------------------------------------------

/// The answer to `register` (`lbc_client_register`). Immutable, usable from any thread.
pub struct lbc_registration {
    pub(crate) inner: Registration,
}

/// The account's (new) `call-api-id`.
///
/// # Safety
///
/// `registration` must be NULL or a live `lbc_registration`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_registration_call_api_id(
    registration: *const lbc_registration,
) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(registration, ptr::null_mut(), |r| {
            owned(&r.inner.call_api_id)
        })
    }
}

/// Where the service will look for the file holding the `call-api-id`.
///
/// # Safety
///
/// `registration` must be NULL or a live `lbc_registration`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_registration_verify_url(
    registration: *const lbc_registration,
) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(registration, ptr::null_mut(), |r| {
            owned(&r.inner.verify_url)
        })
    }
}

/// Frees a registration. NULL is a no-op.
///
/// # Safety
///
/// `registration` must be NULL or an `lbc_registration` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_registration_free(registration: *mut lbc_registration) {
    // SAFETY: forwarded from the caller.
    unsafe { free(registration) }
}

// --- status -------------------------------------------------------------------------------------

/// The answer to `status` (`lbc_client_status`). Immutable, usable from any thread.
pub struct lbc_account_status {
    pub(crate) inner: AccountStatus,
}

/// Whether the account is activated.
///
/// # Safety
///
/// `status` must be NULL or a live `lbc_account_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_account_status_activated(status: *const lbc_account_status) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { get(status, false, |s| s.inner.activated) }
}

/// Whether the account is suspended.
///
/// # Safety
///
/// `status` must be NULL or a live `lbc_account_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_account_status_blocked(status: *const lbc_account_status) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { get(status, false, |s| s.inner.blocked) }
}

/// Whether the service's administrator allowed the account unsigned requests.
///
/// # Safety
///
/// `status` must be NULL or a live `lbc_account_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_account_status_allow_unsecure_calls(
    status: *const lbc_account_status,
) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { get(status, false, |s| s.inner.allow_unsecure_calls) }
}

/// Frees an account status. NULL is a no-op.
///
/// # Safety
///
/// `status` must be NULL or an `lbc_account_status` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_account_status_free(status: *mut lbc_account_status) {
    // SAFETY: forwarded from the caller.
    unsafe { free(status) }
}

// --- server-status ------------------------------------------------------------------------------

/// The answer to `server-status` (`lbc_client_server_status`). Immutable, usable from any thread.
pub struct lbc_server_status {
    pub(crate) inner: ServerStatus,
}

/// The service's own figure: 1 works, 0 technical trouble.
///
/// # Safety
///
/// `status` must be NULL or a live `lbc_server_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_server_status_value(status: *const lbc_server_status) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(status, 0, |s| s.inner.server_status) }
}

/// Whether calls can be placed now; when not, offer users another way to log in.
///
/// # Safety
///
/// `status` must be NULL or a live `lbc_server_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_server_status_is_working(status: *const lbc_server_status) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { get(status, false, |s| s.inner.is_working()) }
}

/// Frees a server status. NULL is a no-op.
///
/// # Safety
///
/// `status` must be NULL or an `lbc_server_status` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_server_status_free(status: *mut lbc_server_status) {
    // SAFETY: forwarded from the caller.
    unsafe { free(status) }
}

// --- balance ------------------------------------------------------------------------------------

/// The answer to `balance` (`lbc_client_balance`); amounts in credits (1 USD = 10 000 credits).
/// Immutable, usable from any thread.
pub struct lbc_balance {
    pub(crate) inner: Balance,
}

/// The sum of every payment, in credits.
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_balance(balance: *const lbc_balance) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(balance, 0, |b| b.inner.balance.0) }
}

/// The sum of every charge, in credits.
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_consumed(balance: *const lbc_balance) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(balance, 0, |b| b.inner.consumed.0) }
}

/// What is left, `balance - consumed`, in credits.
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_current(balance: *const lbc_balance) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(balance, 0, |b| b.inner.current().0) }
}

/// The balance below which the administrator is mailed, in credits (-1: never).
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_notify_limit(balance: *const lbc_balance) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(balance, 0, |b| b.inner.balance_notify_limit.0) }
}

/// How many of the last payments (at most 5) the answer lists.
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_payment_count(balance: *const lbc_balance) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { get(balance, 0, |b| b.inner.last_payments.len()) }
}

/// The amount of payment `index` (0 = the first listed), in credits; 0 when out of range.
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_payment_value(
    balance: *const lbc_balance,
    index: usize,
) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(balance, 0, |b| {
            b.inner.last_payments.get(index).map_or(0, |p| p.value.0)
        })
    }
}

/// When payment `index` was made, as UNIX seconds; 0 when out of range.
///
/// # Safety
///
/// `balance` must be NULL or a live `lbc_balance`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_payment_created(
    balance: *const lbc_balance,
    index: usize,
) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(balance, 0, |b| {
            b.inner.last_payments.get(index).map_or(0, |p| p.created)
        })
    }
}

/// Frees a balance. NULL is a no-op.
///
/// # Safety
///
/// `balance` must be NULL or an `lbc_balance` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_balance_free(balance: *mut lbc_balance) {
    // SAFETY: forwarded from the caller.
    unsafe { free(balance) }
}

// --- pay ----------------------------------------------------------------------------------------

/// Which of the service's two answer shapes a payment came in.
///
/// A 32-bit signed integer in C (`typedef int32_t lbc_payment_shape`); the numbers never change.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum lbc_payment_shape {
    /// Only for a NULL payment.
    LBC_PAYMENT_NONE = 0,
    /// The first revision: a form posting fields to a URL (`lbc_payment_url`, `_method`, `_field_*`).
    LBC_PAYMENT_FORM = 1,
    /// The later revision: a ready HTML form (`lbc_payment_html`).
    LBC_PAYMENT_HTML = 2,
}

/// The answer to `pay` (`lbc_client_pay`): a payment form in either shape; `lbc_payment_to_html`
/// gives HTML for both. Immutable, usable from any thread.
pub struct lbc_payment {
    pub(crate) inner: Payment,
}

/// The URL, method and fields of a form-shaped payment.
type Form<'a> = (&'a str, &'a str, &'a [(String, String)]);

fn form(payment: &Payment) -> Option<Form<'_>> {
    match payment {
        Payment::Form {
            url,
            method,
            fields,
        } => Some((url, method, fields)),
        Payment::Html { .. } => None,
    }
}

/// The shape the service answered in (`LBC_PAYMENT_NONE` for NULL).
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_shape_of(payment: *const lbc_payment) -> lbc_payment_shape {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(payment, lbc_payment_shape::LBC_PAYMENT_NONE, |p| {
            match &p.inner {
                Payment::Form { .. } => lbc_payment_shape::LBC_PAYMENT_FORM,
                Payment::Html { .. } => lbc_payment_shape::LBC_PAYMENT_HTML,
            }
        })
    }
}

/// The payment system's address (form shape; NULL for the HTML shape).
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_url(payment: *const lbc_payment) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(payment, ptr::null_mut(), |p| {
            owned_opt(form(&p.inner).map(|f| f.0))
        })
    }
}

/// The form's HTTP method, `"GET"` or `"POST"` (form shape; NULL for the HTML shape).
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_method(payment: *const lbc_payment) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(payment, ptr::null_mut(), |p| {
            owned_opt(form(&p.inner).map(|f| f.1))
        })
    }
}

/// How many hidden fields the form has (0 for the HTML shape).
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_field_count(payment: *const lbc_payment) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { get(payment, 0, |p| form(&p.inner).map_or(0, |f| f.2.len())) }
}

/// The name of hidden field `index`, in the service's order; NULL when out of range.
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_field_name(
    payment: *const lbc_payment,
    index: usize,
) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(payment, ptr::null_mut(), |p| {
            owned_opt(
                form(&p.inner)
                    .and_then(|f| f.2.get(index))
                    .map(|f| f.0.as_str()),
            )
        })
    }
}

/// The value of hidden field `index`; NULL when out of range.
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_field_value(
    payment: *const lbc_payment,
    index: usize,
) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(payment, ptr::null_mut(), |p| {
            owned_opt(
                form(&p.inner)
                    .and_then(|f| f.2.get(index))
                    .map(|f| f.1.as_str()),
            )
        })
    }
}

/// The HTML fragment of the HTML shape (NULL for the form shape; see `lbc_payment_to_html`).
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_html(payment: *const lbc_payment) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(payment, ptr::null_mut(), |p| match &p.inner {
            Payment::Html { html } => owned(html),
            Payment::Form { .. } => ptr::null_mut(),
        })
    }
}

/// The payment as an HTML form a page can embed, whichever shape the service answered in (its
/// button has the class `lbc-payment-button`).
///
/// # Safety
///
/// `payment` must be NULL or a live `lbc_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_to_html(payment: *const lbc_payment) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(payment, ptr::null_mut(), |p| owned(&p.inner.to_html())) }
}

/// Frees a payment. NULL is a no-op.
///
/// # Safety
///
/// `payment` must be NULL or an `lbc_payment` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_payment_free(payment: *mut lbc_payment) {
    // SAFETY: forwarded from the caller.
    unsafe { free(payment) }
}

// --- call ---------------------------------------------------------------------------------------

/// The answer to `call` (`lbc_client_call`): the call is queued. Immutable, usable from any thread.
pub struct lbc_call_started {
    pub(crate) inner: CallStarted,
}

/// The call's id, for `lbc_client_call_status` and `lbc_client_call_hangup`.
///
/// # Safety
///
/// `started` must be NULL or a live `lbc_call_started`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_started_call(started: *const lbc_call_started) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(started, ptr::null_mut(), |s| owned(&s.inner.call)) }
}

/// The number the call comes from; its last `codelen` digits are the code (never show them).
///
/// # Safety
///
/// `started` must be NULL or a live `lbc_call_started`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_started_mask(started: *const lbc_call_started) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(started, ptr::null_mut(), |s| owned(&s.inner.mask)) }
}

/// How many trailing digits of the mask the user must type.
///
/// # Safety
///
/// `started` must be NULL or a live `lbc_call_started`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_started_codelen(started: *const lbc_call_started) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe { get(started, 0, |s| s.inner.codelen) }
}

/// Seconds before the same number may be called again.
///
/// # Safety
///
/// `started` must be NULL or a live `lbc_call_started`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_started_repeat_timeout(started: *const lbc_call_started) -> u64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(started, 0, |s| s.inner.repeat_timeout) }
}

/// Frees a started call. NULL is a no-op.
///
/// # Safety
///
/// `started` must be NULL or an `lbc_call_started` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_started_free(started: *mut lbc_call_started) {
    // SAFETY: forwarded from the caller.
    unsafe { free(started) }
}

// --- call-status --------------------------------------------------------------------------------

/// The service's call status numbers (`lbc_call_state_status`). 1 and 2 may still change; the rest
/// are final. A number not listed here is one this library does not know, and counts as final.
///
/// A 32-bit signed integer in C (`typedef int32_t lbc_call_status`); the numbers are the service's.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum lbc_call_status {
    /// In the queue.
    LBC_CALL_QUEUED = 1,
    /// The phone is ringing.
    LBC_CALL_DIALING = 2,
    /// The user picked up.
    LBC_CALL_ANSWERED = 4,
    /// The user rejected the call or was busy.
    LBC_CALL_BUSY = 8,
    /// Nobody answered within 30 seconds.
    LBC_CALL_NOT_ANSWERED = 16,
    /// The call failed; see `lbc_call_state_last_error`.
    LBC_CALL_FAILED = 32,
}

/// The answer to `call-status` (`lbc_client_call_status`, `lbc_login_wait_final`). Immutable, usable
/// from any thread.
pub struct lbc_call_state {
    pub(crate) inner: CallState,
}

/// The status number (see `lbc_call_status`).
///
/// # Safety
///
/// `state` must be NULL or a live `lbc_call_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_state_status(state: *const lbc_call_state) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { get(state, 0, |s| s.inner.status.code()) }
}

/// Whether the status will not change any more.
///
/// # Safety
///
/// `state` must be NULL or a live `lbc_call_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_state_is_final(state: *const lbc_call_state) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { get(state, false, |s| s.inner.is_final()) }
}

/// The service's `status_desc`, e.g. `"answered"`.
///
/// # Safety
///
/// `state` must be NULL or a live `lbc_call_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_state_status_desc(state: *const lbc_call_state) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { get(state, ptr::null_mut(), |s| owned(&s.inner.status_desc)) }
}

/// Why the call failed (`LBC_CALL_FAILED`); NULL when the service gave no reason.
///
/// # Safety
///
/// `state` must be NULL or a live `lbc_call_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_state_last_error(state: *const lbc_call_state) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        get(state, ptr::null_mut(), |s| {
            owned_opt(s.inner.last_error.as_deref())
        })
    }
}

/// Frees a call state. NULL is a no-op.
///
/// # Safety
///
/// `state` must be NULL or an `lbc_call_state` not freed yet; not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_call_state_free(state: *mut lbc_call_state) {
    // SAFETY: forwarded from the caller.
    unsafe { free(state) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lbc_core::protocol::CallStatus;

    #[test]
    fn payment_shape_numbers_are_stable() {
        assert_eq!(lbc_payment_shape::LBC_PAYMENT_NONE as i32, 0);
        assert_eq!(lbc_payment_shape::LBC_PAYMENT_FORM as i32, 1);
        assert_eq!(lbc_payment_shape::LBC_PAYMENT_HTML as i32, 2);
        assert_eq!(size_of::<lbc_payment_shape>(), 4);
        assert_eq!(size_of::<lbc_call_status>(), 4);
    }

    #[test]
    fn call_status_numbers_are_lbc_cores() {
        let pairs = [
            (lbc_call_status::LBC_CALL_QUEUED, CallStatus::Queued),
            (lbc_call_status::LBC_CALL_DIALING, CallStatus::Dialing),
            (lbc_call_status::LBC_CALL_ANSWERED, CallStatus::Answered),
            (lbc_call_status::LBC_CALL_BUSY, CallStatus::Busy),
            (
                lbc_call_status::LBC_CALL_NOT_ANSWERED,
                CallStatus::NotAnswered,
            ),
            (lbc_call_status::LBC_CALL_FAILED, CallStatus::Failed),
        ];
        for (ours, core) in pairs {
            assert_eq!(ours as i64, core.code(), "{ours:?}");
        }
    }
}
