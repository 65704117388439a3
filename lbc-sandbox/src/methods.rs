//! The API methods: what each does to the state and answers.

use std::net::IpAddr;

use lbc_protocol::{CALL_API_ID, ErrorCode, Method, Params, ParsedRequest, excerpt};
use serde_json::{Value, json};

use crate::answer::{self, Failure, Outcome, escape_html};
use crate::auth::{self, Caller};
use crate::calls::{Admission, Call};
use crate::money::usd;
use crate::shared::Shared;
use crate::state::{DEFAULT_NOTIFY_LIMIT, KeyState, Mail, PayShape, PendingPayment, State};
use crate::verify;

/// What [`dispatch`] leaves to do.
pub(crate) enum Step {
    /// The answer.
    Done(Outcome),
    /// A `credential_confirm` that must fetch its `verify_url` first ([`finish_confirm`]).
    Confirm(PendingConfirm),
}

/// A `credential_confirm` that passed the checks and waits for its verification file.
pub(crate) struct PendingConfirm {
    caller: Caller,
    verify_url: String,
}

/// Runs the method a parsed request names, without waiting on anything but the state's lock.
///
/// An unknown method name is answered with `INVALID_ARGS`; so is a missing required parameter.
pub(crate) fn dispatch(shared: &Shared, request: &ParsedRequest) -> Step {
    let method = Method::from_name(&request.method)
        .ok_or_else(|| {
            Failure::invalid_args(format!("Unknown method {}", excerpt(&request.method)))
        })
        .and_then(|method| required(method, request).map(|()| method));
    match method {
        Err(failure) => Step::Done(Err(failure)),
        Ok(Method::CredentialConfirm) => start_confirm(shared, request),
        Ok(method) => Step::Done(run(shared, method, request)),
    }
}

fn required(method: Method, request: &ParsedRequest) -> Result<(), Failure> {
    for name in method.spec().required {
        if request.params.given(name).is_none() {
            return Err(Failure::invalid_args(format!(
                "Missing required parameter {name}"
            )));
        }
    }
    Ok(())
}

fn run(shared: &Shared, method: Method, request: &ParsedRequest) -> Outcome {
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    let params = &request.params;
    match method {
        Method::Register => register(&mut state, params, now),
        Method::Status => status(&mut state, params, now),
        Method::ServerStatus => Ok(json!({"server_status": state.server_status})),
        signed => {
            let caller = auth::authorize(&mut state, signed, request, now)?;
            let ctx = Ctx {
                shared,
                state: &mut state,
                caller: &caller,
                params,
                now,
            };
            match signed {
                Method::Options => options(ctx),
                Method::Balance => balance(ctx),
                Method::Pay => pay(ctx),
                Method::ChangeCredential => change_credential(ctx),
                Method::Call => call(ctx),
                Method::CallStatus => call_status(ctx),
                Method::CallHangup => call_hangup(ctx),
                other => Err(Failure::new(
                    ErrorCode::Error,
                    format!("Method {other} is not handled"),
                )),
            }
        }
    }
}

/// What a signed method works with.
struct Ctx<'a> {
    shared: &'a Shared,
    state: &'a mut State,
    caller: &'a Caller,
    params: &'a Params,
    now: i64,
}

fn register(state: &mut State, params: &Params, now: i64) -> Outcome {
    let domain = params
        .given("domain")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some(parsed_domain) = verify::parse_domain(&domain) else {
        return Err(Failure::invalid_args(
            "domain must be a host name with an optional port, without protocol or path, \
             e.g. example.com or localhost:8000",
        ));
    };
    let admin_email = email(params, "admin_email")?;
    let admin_phone = phone(params, "admin_phone")?;
    let notify_limit = params
        .given("balance_notify_limit")
        .map(notify_limit)
        .transpose()?;
    let verify_url = params.given("verify_url").map(str::trim);
    if let Some(url) = verify_url {
        if url.len() > 2048 {
            return Err(Failure::invalid_args(
                "verify_url is longer than 2048 bytes",
            ));
        }
        verify::check_verify_url(url, parsed_domain)?;
    }
    state.sweep(now);
    // A known domain is re-registered: balance and settings stay, balance_notify_limit is ignored.
    let account = match state.domain_account(&domain, now) {
        Some(account) => account,
        None => state.create_domain_account(&domain, notify_limit.unwrap_or(DEFAULT_NOTIFY_LIMIT)),
    };
    let credentials = state
        .issue_key(
            account,
            |id| {
                Some(
                    verify_url
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("http://{domain}/lbc-{id}.html")),
                )
            },
            &admin_email,
            admin_phone.as_deref(),
            now,
        )
        .ok_or_else(too_many_registrations)?;
    let url = match state.keys.get(&credentials.call_api_id).map(|k| &k.state) {
        Some(KeyState::Pending {
            verify_url: Some(url),
        }) => url.clone(),
        _ => String::new(),
    };
    state.send_mail(Mail {
        to: admin_email,
        subject: format!("LoginByCall: the API key for {domain}"),
        body: format!(
            "Your LoginByCall account for {domain}.\n\ncall-api-id: {id}\napi-key: {key}\n\n\
             Publish a file holding just the call-api-id at {url}, then confirm the keys with \
             credential_confirm.\n",
            id = credentials.call_api_id,
            key = credentials.api_key,
        ),
        call_api_id: Some(credentials.call_api_id.clone()),
        api_key: Some(credentials.api_key),
    });
    Ok(json!({"call_api_id": credentials.call_api_id, "verify_url": url}))
}

fn status(state: &mut State, params: &Params, now: i64) -> Outcome {
    let id = params.given(CALL_API_ID).unwrap_or_default();
    let key = state
        .key(id, now)
        .ok_or_else(|| auth::unknown_account(id))?
        .clone();
    let account = state
        .accounts
        .get(&key.account)
        .ok_or_else(|| auth::unknown_account(id))?;
    // Reported for these keys: new keys of an activated account are not activated until confirmed.
    Ok(json!({
        "activated": u8::from(key.state == KeyState::Active),
        "blocked": u8::from(account.blocked || key.state == KeyState::Retired),
        "allow_unsecure_calls": u8::from(account.allow_unsecure_calls),
    }))
}

fn options(ctx: Ctx<'_>) -> Outcome {
    let limit = notify_limit(ctx.params.given("balance_notify_limit").unwrap_or_default())?;
    if let Some(account) = ctx.state.accounts.get_mut(&ctx.caller.account) {
        account.balance_notify_limit = limit;
    }
    answer::empty()
}

fn balance(ctx: Ctx<'_>) -> Outcome {
    let account = ctx
        .state
        .accounts
        .get(&ctx.caller.account)
        .ok_or_else(|| auth::unknown_account(&ctx.caller.call_api_id))?;
    let payments: Vec<Value> = account
        .payments
        .iter()
        .rev()
        .map(|p| json!({"value": p.value, "created": p.created}))
        .collect();
    Ok(json!({
        "balance": account.balance,
        "consumed": account.consumed,
        "balance_notify_limit": account.balance_notify_limit,
        "last_payments": payments,
    }))
}

fn pay(ctx: Ctx<'_>) -> Outcome {
    let text = ctx.params.given("amount").unwrap_or_default().trim();
    let amount: i64 = match text.parse() {
        Ok(amount) if (1..=1_000_000_000_000).contains(&amount) => amount,
        _ => {
            return Err(Failure::invalid_args(format!(
                "amount \"{}\" must be a positive whole number of credits",
                excerpt(text)
            )));
        }
    };
    let account = ctx.state.accounts.get(&ctx.caller.account);
    let shape = account.map_or(PayShape::Url, |a| a.pay_shape);
    let subscriber = account
        .and_then(|a| a.domain.clone())
        .unwrap_or_else(|| ctx.caller.call_api_id.clone());
    let token = ctx.state.add_payment(PendingPayment {
        account: ctx.caller.account,
        amount,
        created_ms: ctx.now,
        success_url: ctx.params.given("success_url").map(str::to_owned),
    });
    let url = format!("{}/_sandbox/pay/{token}", ctx.shared.origin);
    let signature = ctx.state.random_alnum(32).to_ascii_lowercase();
    let query = [
        ("MNT_ID", "lbc-sandbox".to_owned()),
        ("MNT_AMOUNT", usd(amount)),
        ("MNT_TRANSACTION_ID", token),
        ("MNT_SUBSCRIBER_ID", subscriber),
        ("MNT_CURRENCY_CODE", "USD".to_owned()),
        ("MNT_SIGNATURE", signature),
    ];
    Ok(match shape {
        PayShape::Url => {
            let query: serde_json::Map<String, Value> = query
                .into_iter()
                .map(|(name, value)| (name.to_owned(), Value::String(value)))
                .collect();
            json!({"url": url, "query": query, "method": "POST"})
        }
        PayShape::Html => json!({"html": payment_form(&url, &query, amount)}),
    })
}

/// The later revision's `pay` answer: a form posting to the sandbox's payment page, with a submit
/// button of class `lbc-payment-button`.
fn payment_form(url: &str, query: &[(&str, String)], amount: i64) -> String {
    let mut form = format!(
        "<form method=\"post\" action=\"{}\" class=\"lbc-payment-form\">\n",
        escape_html(url)
    );
    for (name, value) in query {
        form.push_str(&format!(
            "  <input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
            escape_html(value)
        ));
    }
    form.push_str(&format!(
        "  <input type=\"submit\" class=\"lbc-payment-button\" value=\"Pay {} USD\">\n</form>",
        usd(amount)
    ));
    form
}

fn change_credential(ctx: Ctx<'_>) -> Outcome {
    let admin_email = email(ctx.params, "admin_email")?;
    let admin_phone = phone(ctx.params, "admin_phone")?;
    let credentials = ctx
        .state
        .issue_key(
            ctx.caller.account,
            |_| None,
            &admin_email,
            admin_phone.as_deref(),
            ctx.now,
        )
        .ok_or_else(too_many_registrations)?;
    ctx.state.send_mail(Mail {
        to: admin_email,
        subject: "LoginByCall: your new API key".into(),
        body: format!(
            "New access keys were issued for your LoginByCall account.\n\ncall-api-id: {id}\n\
             api-key: {key}\n\nConfirm them with credential_confirm; the old keys work until then.\n",
            id = credentials.call_api_id,
            key = credentials.api_key,
        ),
        call_api_id: Some(credentials.call_api_id.clone()),
        api_key: Some(credentials.api_key),
    });
    Ok(json!({"call_api_id": credentials.call_api_id}))
}

fn call(ctx: Ctx<'_>) -> Outcome {
    let msisdn = ctx.params.given("msisdn").unwrap_or_default().trim();
    if !(8..=15).contains(&msisdn.len()) || !msisdn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::invalid_args(format!(
            "msisdn \"{}\" must be 8 to 15 digits (E.164 without +)",
            excerpt(msisdn)
        )));
    }
    let ip = ctx.params.given("ip_address").map(str::trim);
    if let Some(ip) = ip {
        if ip.parse::<IpAddr>().is_err() {
            return Err(Failure::invalid_args(format!(
                "ip_address \"{}\" is not an IP address",
                excerpt(ip)
            )));
        }
    }
    if ctx.state.server_status != 1 {
        return Err(Failure::new(
            ErrorCode::CallRejected,
            "The call was rejected, try again",
        ));
    }
    let settings = &ctx.shared.settings;
    let account_number = ctx.caller.account;
    let charged =
        match ctx
            .state
            .calls
            .admit(account_number, msisdn, ip, ctx.now, settings.repeat_ms)
        {
            Admission::TooEarly(remaining_ms) => {
                let seconds = (remaining_ms + 999) / 1000;
                return Err(Failure::new(
                    ErrorCode::CallRepeatTimeout,
                    format!("You can call back in {seconds} seconds"),
                )
                .with_additional(json!({"delay": remaining_ms as f64 / 1000.0})));
            }
            Admission::Allowed { charged } => charged,
        };
    let account = ctx
        .state
        .accounts
        .get_mut(&account_number)
        .ok_or_else(|| auth::unknown_account(&ctx.caller.call_api_id))?;
    let fixed_mask = account.fixed_mask.clone();
    if charged {
        if account.balance.saturating_sub(account.consumed) < settings.call_price {
            return Err(Failure::new(
                ErrorCode::NotEnoughCredit,
                "Not enough credit: refill your balance",
            ));
        }
        account.consumed = account.consumed.saturating_add(settings.call_price);
    }
    let id = loop {
        let id = ctx.state.random_alnum(40);
        if ctx.state.calls.get(&id).is_none() {
            break id;
        }
    };
    let mask = match fixed_mask {
        Some(mask) => mask,
        None => format!("7{}", ctx.state.random_digits(10)),
    };
    let call = Call {
        id: id.clone(),
        account: account_number,
        msisdn: msisdn.to_owned(),
        ip_address: ip.map(str::to_owned),
        mask: mask.clone(),
        codelen: settings.codelen,
        created_ms: ctx.now,
        hangup_ms: None,
        outcome: crate::calls::outcome_for(msisdn),
    };
    ctx.state
        .calls
        .insert(call, charged, ctx.now, settings.repeat_ms);
    Ok(json!({
        "call": id,
        "mask": mask,
        "codelen": settings.codelen,
        "repeat_timeout": (settings.repeat_ms + 999) / 1000,
    }))
}

/// The caller's own call named by the `call` parameter.
fn own_call<'a>(
    state: &'a mut State,
    caller: &Caller,
    params: &Params,
) -> Result<&'a mut Call, Failure> {
    let id = params.given("call").unwrap_or_default();
    state
        .calls
        .get_mut(id)
        .filter(|c| c.account == caller.account)
        .ok_or_else(|| {
            Failure::new(
                ErrorCode::CallNotFound,
                format!("Call {} not found", excerpt(id)),
            )
        })
}

fn call_status(ctx: Ctx<'_>) -> Outcome {
    let timing = ctx.shared.settings.timing;
    let call = own_call(ctx.state, ctx.caller, ctx.params)?;
    let status = call.status_at(ctx.now, timing);
    Ok(json!({
        "status": status.code(),
        "status_desc": status.description(),
        "last_error": call.last_error_at(ctx.now, timing),
    }))
}

/// Ends a call that is still queued or dialing. The service's documentation (the Russian original
/// decides) says the user "must have an active call with the status 2": a call that already ended
/// is no active call, and is answered as one the service cannot find, `CALL_NOT_FOUND`. A queued call
/// (1) is about to ring, and is cancelled.
fn call_hangup(ctx: Ctx<'_>) -> Outcome {
    let timing = ctx.shared.settings.timing;
    let call = own_call(ctx.state, ctx.caller, ctx.params)?;
    let status = call.status_at(ctx.now, timing);
    if status.is_final() {
        return Err(Failure::new(
            ErrorCode::CallNotFound,
            format!(
                "Call {} is not active (status {} {}): there is nothing to hang up",
                excerpt(&call.id),
                status.code(),
                status.description()
            ),
        ));
    }
    call.hangup_ms = Some(ctx.now);
    answer::empty()
}

/// `credential_confirm`, first half: checks the request; after a `change_credential` the signature
/// is enough, after a `register` the `verify_url` must be fetched ([`finish_confirm`], without
/// holding the lock).
fn start_confirm(shared: &Shared, request: &ParsedRequest) -> Step {
    let now = shared.clock.now_ms();
    let mut state = shared.lock();
    let caller = match auth::authorize(&mut state, Method::CredentialConfirm, request, now) {
        Ok(caller) => caller,
        Err(failure) => return Step::Done(Err(failure)),
    };
    match &caller.key_state {
        KeyState::Active => Step::Done(answer::empty()),
        KeyState::Pending {
            verify_url: Some(url),
        } => {
            let verify_url = url.clone();
            Step::Confirm(PendingConfirm { caller, verify_url })
        }
        _ => {
            state.activate(&caller.call_api_id);
            Step::Done(answer::empty())
        }
    }
}

/// `credential_confirm`, second half: fetches `verify_url` and compares its trimmed body with
/// `call-api-id`.
pub(crate) async fn finish_confirm(shared: &Shared, pending: PendingConfirm) -> Outcome {
    let PendingConfirm { caller, verify_url } = pending;
    let id = &caller.call_api_id;
    let body = verify::fetch(&verify_url, shared.settings.verify_timeout)
        .await
        .map_err(|why| Failure::new(ErrorCode::InvalidAccountVerifyResponse, why))?;
    if body.trim() != id {
        return Err(Failure::new(
            ErrorCode::InvalidAccountVerifyKey,
            format!("The file at {verify_url} does not hold the call-api-id {id}"),
        ));
    }
    let mut state = shared.lock();
    let now = shared.clock.now_ms();
    match state.key(id, now).map(|k| k.state.clone()) {
        None => Err(auth::unknown_account(id)),
        Some(KeyState::Retired) => Err(Failure::new(
            ErrorCode::AccountBlocked,
            format!("The access keys of {id} are outdated: newer keys were confirmed"),
        )),
        Some(KeyState::Active) => answer::empty(),
        Some(KeyState::Pending { .. }) => {
            state.activate(id);
            answer::empty()
        }
    }
}

fn too_many_registrations() -> Failure {
    Failure::new(
        ErrorCode::TooManyAccountsRegistered,
        "Too many unconfirmed keys for this account: confirm one or wait a day",
    )
}

fn email(params: &Params, name: &str) -> Result<String, Failure> {
    let email = params.given(name).unwrap_or_default().trim();
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if ok {
        Ok(email.to_owned())
    } else {
        Err(Failure::invalid_args(format!(
            "{name} \"{}\" is not an e-mail address",
            excerpt(email)
        )))
    }
}

fn phone(params: &Params, name: &str) -> Result<Option<String>, Failure> {
    let Some(raw) = params.given(name) else {
        return Ok(None);
    };
    // The plugin sends `+7...` unencoded, which a form decoder reads as ` 7...`.
    let digits = raw.trim().trim_start_matches('+');
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(digits.to_owned()))
    } else {
        Err(Failure::invalid_args(format!(
            "{name} \"{}\" must be 8 to 15 digits",
            excerpt(raw)
        )))
    }
}

fn notify_limit(text: &str) -> Result<i64, Failure> {
    match text.trim().parse::<i64>() {
        Ok(limit) if limit >= -1 => Ok(limit),
        _ => Err(Failure::invalid_args(format!(
            "balance_notify_limit \"{}\" must be a whole number of credits, or -1",
            excerpt(text)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_limits_are_checked() {
        let p = Params::new().with("admin_phone", " 79256880636");
        assert_eq!(
            phone(&p, "admin_phone").unwrap().as_deref(),
            Some("79256880636")
        );
        let bad = Params::new().with("admin_phone", "12ab");
        assert!(phone(&bad, "admin_phone").is_err());
        assert_eq!(notify_limit("-1"), Ok(-1));
        assert!(notify_limit("-2").is_err() && notify_limit("x").is_err());
        let e = Params::new().with("admin_email", "a b@c");
        assert!(email(&e, "admin_email").is_err());
    }
}
