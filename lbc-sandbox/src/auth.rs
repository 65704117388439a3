//! Who is calling: the account behind `call-api-id`, the signature, the timestamp window, nonce
//! replay, and whether these keys may be used.
//!
//! Order of the checks (the first failing one answers): unknown id `INVALID_ACCOUNT`; blocked by the
//! administrator `ACCOUNT_BLOCKED_ADMIN`; then, when the request must be signed, `NO_SIGNATURE`,
//! `INVALID_SIGNATURE`, `INVALID_TIMESTAMP`, a missing nonce `INVALID_ARGS`, `NONCE_ALREADY_USED`;
//! last the key's state: retired `ACCOUNT_BLOCKED`, unconfirmed `ACCOUNT_INACTIVE` (except for
//! `credential_confirm`, which is how a key gets confirmed).
//!
//! Accounts allowed unsigned calls skip the signature checks (the documentation says the signature
//! parameters are then ignored), except on `change_credential` and `credential_confirm`.

use lbc_protocol::{
    CALL_API_ID, ErrorCode, Method, NONCE, ParsedRequest, SignatureRule, TIMESTAMP, excerpt,
};

use crate::answer::Failure;
use crate::clock::DAY_MS;
use crate::state::{self, KeyState, State};

/// The longest nonce remembered.
const MAX_NONCE_LEN: usize = 256;

/// A request that passed the checks.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// The account's number in the state.
    pub(crate) account: u64,
    /// The `call-api-id` used.
    pub(crate) call_api_id: String,
    /// The key's state when checked.
    pub(crate) key_state: KeyState,
}

/// Checks a request to a signed method and records its nonce.
pub(crate) fn authorize(
    state: &mut State,
    method: Method,
    request: &ParsedRequest,
    now_ms: i64,
) -> Result<Caller, Failure> {
    let id = request.params.given(CALL_API_ID).unwrap_or_default();
    let key = state
        .key(id, now_ms)
        .ok_or_else(|| unknown_account(id))?
        .clone();
    let account = state
        .accounts
        .get_mut(&key.account)
        .ok_or_else(|| unknown_account(id))?;
    if account.blocked {
        return Err(Failure::new(
            ErrorCode::AccountBlockedAdmin,
            format!("Account {id} is blocked by the administrator"),
        ));
    }
    let must_sign =
        method.spec().signature == SignatureRule::AlwaysRequired || !account.allow_unsecure_calls;
    if must_sign {
        let signature = request.signature.as_deref().ok_or_else(|| {
            Failure::new(
                ErrorCode::NoSignature,
                format!("Method {method} needs a signature"),
            )
        })?;
        if !key.signer.verify(method, &request.params, signature) {
            return Err(Failure::new(
                ErrorCode::InvalidSignature,
                "Invalid signature",
            ));
        }
        let timestamp_ms = check_timestamp(request.params.get(TIMESTAMP), now_ms)?;
        let nonce = request
            .params
            .given(NONCE)
            .ok_or_else(|| Failure::invalid_args("nonce is required in a signed request"))?;
        if nonce.len() > MAX_NONCE_LEN {
            return Err(Failure::invalid_args(format!(
                "nonce is longer than {MAX_NONCE_LEN} characters"
            )));
        }
        if !account.nonces.remember(nonce, timestamp_ms, now_ms) {
            return Err(Failure::new(
                ErrorCode::NonceAlreadyUsed,
                format!("Nonce {} has already been used", excerpt(nonce)),
            ));
        }
    }
    match key.state {
        KeyState::Retired => Err(Failure::new(
            ErrorCode::AccountBlocked,
            format!("The access keys of {id} are outdated: newer keys were confirmed"),
        )),
        KeyState::Pending { .. } if method != Method::CredentialConfirm => Err(Failure::new(
            ErrorCode::AccountInactive,
            format!("Account {id} is not activated yet"),
        )),
        state => Ok(Caller {
            account: key.account,
            call_api_id: id.to_owned(),
            key_state: state,
        }),
    }
}

/// The `INVALID_ACCOUNT` answer. It names the id as the service does, unless the id could not be
/// one (then only an excerpt).
pub(crate) fn unknown_account(id: &str) -> Failure {
    let shown = if state::usable_credential(id) {
        id.to_owned()
    } else {
        excerpt(id)
    };
    Failure::new(ErrorCode::InvalidAccount, format!("Unknown user {shown}"))
}

/// Reads `timestamp` (UNIX seconds) and checks it is within 24 hours of the sandbox clock.
fn check_timestamp(timestamp: Option<&str>, now_ms: i64) -> Result<i64, Failure> {
    let text = timestamp.unwrap_or_default().trim();
    let seconds: i64 = text.parse().map_err(|_| {
        Failure::new(
            ErrorCode::InvalidTimestamp,
            format!(
                "timestamp \"{}\" is not a UNIX time in seconds",
                excerpt(text)
            ),
        )
    })?;
    let ms = seconds.saturating_mul(1000);
    if ms.abs_diff(now_ms) > DAY_MS.unsigned_abs() {
        return Err(Failure::new(
            ErrorCode::InvalidTimestamp,
            format!(
                "timestamp {seconds} differs from the current time {} by more than 24 hours",
                now_ms.div_euclid(1000)
            ),
        ));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_ids_are_quoted_whole_only_when_they_could_be_ids() {
        let id = "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01fwNjP6";
        assert_eq!(unknown_account(id).reason, format!("Unknown user {id}"));
        let long = unknown_account(&"x".repeat(100_000)).reason;
        assert!(long.len() < 100, "{long}");
        let control = unknown_account("id\u{1b}[31m").reason;
        assert_eq!(control, "Unknown user id\\u{1b}[31m");
    }

    #[test]
    fn timestamps_are_checked_against_a_day_either_way() {
        let now = 1_700_000_000_000;
        assert_eq!(check_timestamp(Some("1700000000"), now), Ok(now));
        assert!(
            check_timestamp(Some("1699913600"), now).is_ok(),
            "exactly a day"
        );
        for bad in [
            Some("1699913599"),
            Some("1700086401"),
            Some("abc"),
            Some(""),
            None,
            Some("1.7e9"),
            Some("99999999999999999999"),
        ] {
            let err = check_timestamp(bad, now).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidTimestamp, "{bad:?}");
        }
    }
}
