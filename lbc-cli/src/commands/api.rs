//! One function per API method: build the SDK call from the arguments, render its answer. The
//! parameter closures give `--verbose` the method's parameters as the SDK sets them.

use std::net::IpAddr;

use lbc_core::protocol::{Method, Params};
use lbc_core::{Client, Error, Pay, Register};

use crate::args::{CallArgs, CallIdArgs, ChangeCredentialArgs, OptionsArgs, PayArgs, RegisterArgs};
use crate::connect::Session;
use crate::exit::Failure;
use crate::output::Rendered;
use crate::{pay_page, render};

/// `register`.
pub fn register(session: &Session, args: &RegisterArgs) -> Result<Rendered, Failure> {
    let mut request = Register::new(args.domain.as_str(), args.admin_email.as_str());
    request.admin_phone = args.admin_phone.clone();
    request.verify_url = args.verify_url.clone();
    request.balance_notify_limit = args.balance_notify_limit;
    let params = |client: &Client| {
        let mut params = Params::new()
            .with("domain", args.domain.as_str())
            .with("admin_email", args.admin_email.as_str());
        if let Some(phone) = &args.admin_phone {
            params.set("admin_phone", client.normalize_phone(phone)?);
        }
        params.set_opt("verify_url", args.verify_url.as_deref());
        params.set_opt(
            "balance_notify_limit",
            args.balance_notify_limit.map(|l| l.to_string()),
        );
        Ok(params)
    };
    let answer = session.send(Method::Register, params, |c| c.register(&request))?;
    Ok(render::registration(
        &answer,
        &args.domain,
        &args.admin_email,
    ))
}

/// `status`.
pub fn status(session: &Session) -> Result<Rendered, Failure> {
    let answer = session.send(Method::Status, no_params, Client::status)?;
    Ok(render::account_status(&answer))
}

/// `server-status`.
pub fn server_status(session: &Session) -> Result<Rendered, Failure> {
    let answer = session.send(Method::ServerStatus, no_params, Client::server_status)?;
    Ok(render::server_status(&answer))
}

/// `options`.
pub fn options(session: &Session, args: &OptionsArgs) -> Result<Rendered, Failure> {
    let limit = args.balance_notify_limit;
    let params = |_: &Client| Ok(Params::new().with("balance_notify_limit", limit.to_string()));
    session.send(Method::Options, params, |c| c.options(limit))?;
    Ok(render::options(limit))
}

/// `balance`.
pub fn balance(session: &Session) -> Result<Rendered, Failure> {
    let answer = session.send(Method::Balance, no_params, Client::balance)?;
    Ok(render::balance(&answer))
}

/// `pay`; with `--html FILE`, the form is also written there as a whole page.
pub fn pay(session: &Session, args: &PayArgs) -> Result<Rendered, Failure> {
    let amount = args.credits();
    let mut request = Pay::new(amount).urls(
        args.success_url.clone(),
        args.fail_url.clone(),
        args.return_url.clone(),
    );
    request.locale = args.locale.clone();
    let params = |_: &Client| {
        let mut params = Params::new().with("amount", amount.to_string());
        params
            .set_opt("locale", request.locale.as_deref())
            .set_opt("success_url", request.success_url.as_deref())
            .set_opt("fail_url", request.fail_url.as_deref())
            .set_opt("return_url", request.return_url.as_deref());
        Ok(params)
    };
    let answer = session.send(Method::Pay, params, |c| c.pay(&request))?;
    let mut rendered = render::payment(&answer, amount);
    if let Some(path) = &args.html {
        let page = pay_page::page(&answer, amount, args.locale.as_deref());
        std::fs::write(path, page).map_err(Failure::io(format!("writing {}", path.display())))?;
        rendered.human.push_str(&format!(
            "\nWrote the payment page to {}: open it in a browser to pay.",
            path.display()
        ));
        rendered.json["html_file"] = serde_json::json!(path);
    }
    Ok(rendered)
}

/// `change-credential`.
pub fn change_credential(
    session: &Session,
    args: &ChangeCredentialArgs,
) -> Result<Rendered, Failure> {
    let params = |client: &Client| {
        let mut params = Params::new().with("admin_email", args.admin_email.as_str());
        if let Some(phone) = &args.admin_phone {
            params.set("admin_phone", client.normalize_phone(phone)?);
        }
        Ok(params)
    };
    let answer = session.send(Method::ChangeCredential, params, |c| {
        c.change_credential(&args.admin_email, args.admin_phone.as_deref())
    })?;
    Ok(render::credential_change(&answer, &args.admin_email))
}

/// `credential-confirm`.
pub fn credential_confirm(session: &Session) -> Result<Rendered, Failure> {
    session.send(
        Method::CredentialConfirm,
        no_params,
        Client::credential_confirm,
    )?;
    Ok(render::credential_confirmed(session.client.call_api_id()))
}

/// `call`; a failure is reported as one that may have placed a call.
pub fn call(session: &Session, args: &CallArgs) -> Result<Rendered, Failure> {
    let params = |client: &Client| {
        let mut params = Params::new().with("msisdn", client.normalize_phone(&args.msisdn)?);
        if let Some(ip) = &args.ip_address {
            let ip: IpAddr = ip
                .trim()
                .parse()
                .map_err(|_| Error::invalid_input("ip_address", "not an IP address"))?;
            params.set("ip_address", ip.to_string());
        }
        Ok(params)
    };
    let answer = session
        .send(Method::Call, params, |c| {
            c.call(&args.msisdn, args.ip_address.as_deref())
        })
        .map_err(Failure::placing_call)?;
    Ok(render::call_started(&answer))
}

/// `call-status`.
pub fn call_status(session: &Session, args: &CallIdArgs) -> Result<Rendered, Failure> {
    let answer = session.send(Method::CallStatus, call_param(&args.call), |c| {
        c.call_status(&args.call)
    })?;
    Ok(render::call_state(&answer))
}

/// `call-hangup`.
pub fn call_hangup(session: &Session, args: &CallIdArgs) -> Result<Rendered, Failure> {
    session.send(Method::CallHangup, call_param(&args.call), |c| {
        c.call_hangup(&args.call)
    })?;
    Ok(render::hung_up(&args.call))
}

/// The parameters of a method that has none of its own.
fn no_params(_: &Client) -> Result<Params, Error> {
    Ok(Params::new())
}

/// `call=ID`.
fn call_param(call: &str) -> impl FnOnce(&Client) -> Result<Params, Error> + '_ {
    move |_| Ok(Params::new().with("call", call))
}
