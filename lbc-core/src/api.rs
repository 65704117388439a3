//! One typed method on [`Client`] per API method, and the argument types of the larger ones.

use std::net::IpAddr;

use crate::answer::{
    AccountStatus, Balance, CallStarted, CallState, CredentialChange, Payment, Registration,
    ServerStatus,
};
use lbc_protocol::{Method, Params, excerpt};

use crate::limits::{check_text, check_url, check_value};
use crate::{Client, Error};

/// The arguments of `register`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// The site's domain, without protocol or path (`example.com`).
    pub domain: String,
    /// Where the service mails the `api-key` and balance warnings.
    pub admin_email: String,
    /// The administrator's phone number.
    pub admin_phone: Option<String>,
    /// Where the file proving domain ownership will be (default `http://DOMAIN/lbc-ID.html`).
    pub verify_url: Option<String>,
    /// Mail the administrator when the balance falls below this (credits; `-1`: never).
    pub balance_notify_limit: Option<i64>,
}

impl Register {
    /// The two required arguments.
    pub fn new(domain: impl Into<String>, admin_email: impl Into<String>) -> Self {
        Register {
            domain: domain.into(),
            admin_email: admin_email.into(),
            admin_phone: None,
            verify_url: None,
            balance_notify_limit: None,
        }
    }

    /// Sets `admin_phone`.
    pub fn admin_phone(mut self, phone: impl Into<String>) -> Self {
        self.admin_phone = Some(phone.into());
        self
    }

    /// Sets `verify_url`.
    pub fn verify_url(mut self, url: impl Into<String>) -> Self {
        self.verify_url = Some(url.into());
        self
    }

    /// Sets `balance_notify_limit`.
    pub fn balance_notify_limit(mut self, credits: i64) -> Self {
        self.balance_notify_limit = Some(credits);
        self
    }
}

/// The arguments of `pay`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pay {
    /// How much to pay in, in credits (1 USD = 10 000).
    pub amount: i64,
    /// The payment form's language, `ru` or `en`.
    pub locale: Option<String>,
    /// Where the payment system sends the user after paying.
    pub success_url: Option<String>,
    /// Where it sends the user after a failed payment.
    pub fail_url: Option<String>,
    /// Where it sends the user who gave up.
    pub return_url: Option<String>,
}

impl Pay {
    /// A payment of `amount` credits.
    pub fn new(amount: i64) -> Self {
        Pay {
            amount,
            locale: None,
            success_url: None,
            fail_url: None,
            return_url: None,
        }
    }

    /// Sets `locale`.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Sets `success_url`, `fail_url` and `return_url` at once (`None` leaves one out).
    pub fn urls(
        mut self,
        success: Option<String>,
        fail: Option<String>,
        return_url: Option<String>,
    ) -> Self {
        self.success_url = success;
        self.fail_url = fail;
        self.return_url = return_url;
        self
    }
}

impl Client {
    /// `register`: registers `domain` (or re-registers it, keeping its balance); the `api-key` is
    /// mailed to `admin_email`. Needs no credentials.
    pub fn register(&self, args: &Register) -> Result<Registration, Error> {
        check_text("domain", &args.domain)?;
        if args.domain.contains(['/', ' ', '?', '#', '@']) {
            return Err(Error::invalid_input(
                "domain",
                "a bare domain name (with a port if the site has one), without protocol or path: \
                 example.com, localhost:8000",
            ));
        }
        check_email(&args.admin_email)?;
        let mut params = Params::new()
            .with("domain", args.domain.as_str())
            .with("admin_email", args.admin_email.as_str());
        if let Some(phone) = &args.admin_phone {
            params.set("admin_phone", self.normalize_phone(phone)?);
        }
        if let Some(url) = &args.verify_url {
            check_url("verify_url", url)?;
        }
        params.set_opt("verify_url", args.verify_url.as_deref());
        params.set_opt(
            "balance_notify_limit",
            args.balance_notify_limit.map(|l| l.to_string()),
        );
        self.execute(Method::Register, params)
    }

    /// `status`: whether the account is activated, blocked, allowed unsigned calls.
    pub fn status(&self) -> Result<AccountStatus, Error> {
        self.execute(Method::Status, Params::new())
    }

    /// `server-status`: whether the service can place calls now.
    pub fn server_status(&self) -> Result<ServerStatus, Error> {
        self.execute(Method::ServerStatus, Params::new())
    }

    /// `options`: sets the balance below which the administrator is mailed (credits; `-1`: never).
    pub fn options(&self, balance_notify_limit: i64) -> Result<(), Error> {
        self.execute(
            Method::Options,
            Params::new().with("balance_notify_limit", balance_notify_limit.to_string()),
        )
    }

    /// `balance`: payments, consumption, the notification limit and the last payments.
    pub fn balance(&self) -> Result<Balance, Error> {
        self.execute(Method::Balance, Params::new())
    }

    /// `pay`: a payment form for refilling the balance.
    pub fn pay(&self, args: &Pay) -> Result<Payment, Error> {
        if args.amount <= 0 {
            return Err(Error::invalid_input(
                "amount",
                "must be a positive number of credits",
            ));
        }
        for (field, url) in [
            ("success_url", &args.success_url),
            ("fail_url", &args.fail_url),
            ("return_url", &args.return_url),
        ] {
            if let Some(url) = url {
                check_url(field, url)?;
            }
        }
        if let Some(locale) = args.locale.as_deref() {
            check_value("locale", locale)?;
        }
        let mut params = Params::new().with("amount", args.amount.to_string());
        params
            .set_opt("locale", args.locale.as_deref())
            .set_opt("success_url", args.success_url.as_deref())
            .set_opt("fail_url", args.fail_url.as_deref())
            .set_opt("return_url", args.return_url.as_deref());
        self.execute(Method::Pay, params)
    }

    /// `change_credential`: issues a new id and key (mailed to `admin_email`); confirm them with
    /// [`Client::credential_confirm`] on a client made by [`Client::with_credentials`].
    pub fn change_credential(
        &self,
        admin_email: &str,
        admin_phone: Option<&str>,
    ) -> Result<CredentialChange, Error> {
        check_email(admin_email)?;
        let mut params = Params::new().with("admin_email", admin_email);
        if let Some(phone) = admin_phone {
            params.set("admin_phone", self.normalize_phone(phone)?);
        }
        self.execute(Method::ChangeCredential, params)
    }

    /// `credential_confirm`: activates this client's (new) id and key; every older key stops working.
    pub fn credential_confirm(&self) -> Result<(), Error> {
        self.execute(Method::CredentialConfirm, Params::new())
    }

    /// `call`: rings `msisdn` (any common notation; normalised to E.164 digits) from a random number.
    ///
    /// Costs money, so it is never sent twice by the SDK: a timeout is reported as one, saying that
    /// the call may have been placed.
    pub fn call(&self, msisdn: &str, ip_address: Option<&str>) -> Result<CallStarted, Error> {
        let mut params = Params::new().with("msisdn", self.normalize_phone(msisdn)?);
        if let Some(ip) = ip_address {
            let ip: IpAddr = ip.trim().parse().map_err(|_| {
                Error::invalid_input(
                    "ip_address",
                    format!("`{}` is not an IP address", excerpt(ip)),
                )
            })?;
            params.set("ip_address", ip.to_string());
        }
        let guarded = params.get("msisdn").unwrap_or("");
        self.guard_check(guarded, params.get("ip_address"))?;
        self.execute(Method::Call, params)
    }

    /// `call-status`: where the call is.
    pub fn call_status(&self, call: &str) -> Result<CallState, Error> {
        check_text("call", call)?;
        self.execute(Method::CallStatus, Params::new().with("call", call))
    }

    /// `call-hangup`: ends a call that is still ringing.
    pub fn call_hangup(&self, call: &str) -> Result<(), Error> {
        check_text("call", call)?;
        self.execute(Method::CallHangup, Params::new().with("call", call))
    }
}

fn check_email(email: &str) -> Result<(), Error> {
    check_text("admin_email", email)?;
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !email.contains(' ') =>
        {
            Ok(())
        }
        _ => Err(Error::invalid_input(
            "admin_email",
            format!("`{}` is not an e-mail address", excerpt(email)),
        )),
    }
}
