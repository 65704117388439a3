//! One function per API method: build the SDK call from the arguments, render its answer.

use lbc_core::{Client, Pay, Register};

use crate::args::{CallArgs, CallIdArgs, ChangeCredentialArgs, OptionsArgs, PayArgs, RegisterArgs};
use crate::exit::Failure;
use crate::output::Rendered;
use crate::render;

/// `register`.
pub fn register(client: &Client, args: &RegisterArgs) -> Result<Rendered, Failure> {
    let mut request = Register::new(args.domain.as_str(), args.admin_email.as_str());
    request.admin_phone = args.admin_phone.clone();
    request.verify_url = args.verify_url.clone();
    request.balance_notify_limit = args.balance_notify_limit;
    let answer = client.register(&request)?;
    Ok(render::registration(
        &answer,
        &args.domain,
        &args.admin_email,
    ))
}

/// `status`.
pub fn status(client: &Client) -> Result<Rendered, Failure> {
    Ok(render::account_status(&client.status()?))
}

/// `server-status`.
pub fn server_status(client: &Client) -> Result<Rendered, Failure> {
    Ok(render::server_status(&client.server_status()?))
}

/// `options`.
pub fn options(client: &Client, args: &OptionsArgs) -> Result<Rendered, Failure> {
    client.options(args.balance_notify_limit)?;
    Ok(render::options(args.balance_notify_limit))
}

/// `balance`.
pub fn balance(client: &Client) -> Result<Rendered, Failure> {
    Ok(render::balance(&client.balance()?))
}

/// `pay`.
pub fn pay(client: &Client, args: &PayArgs) -> Result<Rendered, Failure> {
    let mut request = Pay::new(args.amount).urls(
        args.success_url.clone(),
        args.fail_url.clone(),
        args.return_url.clone(),
    );
    request.locale = args.locale.clone();
    Ok(render::payment(&client.pay(&request)?))
}

/// `change-credential`.
pub fn change_credential(
    client: &Client,
    args: &ChangeCredentialArgs,
) -> Result<Rendered, Failure> {
    let answer = client.change_credential(&args.admin_email, args.admin_phone.as_deref())?;
    Ok(render::credential_change(&answer, &args.admin_email))
}

/// `credential-confirm`.
pub fn credential_confirm(client: &Client) -> Result<Rendered, Failure> {
    client.credential_confirm()?;
    Ok(render::credential_confirmed(client.call_api_id()))
}

/// `call`; a failure is reported as one that may have placed a call.
pub fn call(client: &Client, args: &CallArgs) -> Result<Rendered, Failure> {
    let answer = client
        .call(&args.msisdn, args.ip_address.as_deref())
        .map_err(Failure::placing_call)?;
    Ok(render::call_started(&answer))
}

/// `call-status`.
pub fn call_status(client: &Client, args: &CallIdArgs) -> Result<Rendered, Failure> {
    Ok(render::call_state(&client.call_status(&args.call)?))
}

/// `call-hangup`.
pub fn call_hangup(client: &Client, args: &CallIdArgs) -> Result<Rendered, Failure> {
    client.call_hangup(&args.call)?;
    Ok(render::hung_up(&args.call))
}
