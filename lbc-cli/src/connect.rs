//! The SDK client for a subcommand: settings from flags, then environment variables, then the
//! profile; checks that refuse a request the service could only refuse (no call-api-id, no key for a
//! signed method) before anything is sent.

use lbc_core::protocol::{CALL_API_ID, SignatureRule};
use lbc_core::protocol::{Method, Params, SignaturePlacement};
use lbc_core::{Client, Error};
use serde::Serialize;
use serde_json::Value;

use crate::args::ClientOpts;
use crate::exit::Failure;
use crate::profile;
use crate::verbose::{self, Trace};

/// A client ready for one subcommand, and the `--verbose` printer when asked for.
#[derive(Debug)]
pub struct Session {
    /// The SDK client.
    pub client: Client,
    /// What `--verbose` prints with; `None` without it.
    pub trace: Option<Trace>,
}

impl Session {
    /// Runs `call` (one SDK method call of `method`); with `--verbose`, prints the request built from
    /// `params` (the method's own parameters, as the SDK sets them) before and the answer after.
    pub fn send<T: Serialize>(
        &self,
        method: Method,
        params: impl FnOnce(&Client) -> Result<Params, Error>,
        call: impl FnOnce(&Client) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let Some(trace) = &self.trace else {
            return call(&self.client);
        };
        // Parameters the SDK would refuse print nothing: the call below reports the refusal.
        if let Ok(params) = params(&self.client) {
            trace.request(method, &params);
        }
        self.traced_answer(call(&self.client))
    }

    /// `lbc request`: any method by name, raw parameters and answer.
    pub fn request(&self, method: &str, params: &Params) -> Result<Value, Error> {
        if let Some(trace) = &self.trace {
            match Method::from_name(method) {
                Some(known) => trace.request(known, params),
                None => trace.unknown_request(method, params),
            }
        }
        let answer = self.client.request(method, params);
        match &self.trace {
            Some(_) => self.traced_answer(answer),
            None => answer,
        }
    }

    fn traced_answer<T: Serialize>(&self, answer: Result<T, Error>) -> Result<T, Error> {
        match &answer {
            Ok(value) => verbose::print(&verbose::answer_lines(
                &serde_json::to_value(value).unwrap_or(Value::Null),
            )),
            Err(error) => verbose::print(&verbose::error_lines(error)),
        }
        answer
    }
}

/// The account settings after flags, environment and profile have been merged.
#[derive(Debug, Default)]
struct Account {
    base_url: Option<String>,
    call_api_id: Option<String>,
    api_key: Option<String>,
}

/// Builds the client for `method` (when the subcommand knows which), refusing it first when the
/// call-api-id or the key it needs is missing.
pub fn open(opts: &ClientOpts, method: Option<Method>) -> Result<Session, Failure> {
    let account = account(opts)?;
    if let Some(method) = method {
        preflight(method, &account, opts.unsigned)?;
    }
    let placement = if opts.signature_header {
        SignaturePlacement::Header
    } else {
        SignaturePlacement::Param
    };
    // One admin command is one process: its counters need not outlive it. The guard's number type
    // and country checks still apply; its rates and the brake, counted in this process's memory,
    // do not carry over between commands.
    let mut builder = Client::builder()
        .store("memory:")
        .default_region(opts.region)
        .signature_placement(placement);
    if let Some(url) = &account.base_url {
        builder = builder.base_url(url.as_str());
    }
    if let Some(id) = &account.call_api_id {
        builder = builder.call_api_id(id.as_str());
    }
    let signed = account.api_key.is_some();
    if let Some(key) = account.api_key {
        builder = builder.api_key(key);
    }
    if let Some(encoding) = opts.encoding {
        builder = builder.encoding(encoding);
    }
    if let Some(timeout) = opts.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(timeout) = opts.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(deadline) = opts.deadline {
        builder = builder.deadline(deadline);
    }
    if let Some(retries) = opts.retries {
        builder = builder.max_retries(retries);
    }
    if let Some(path) = &opts.ca_bundle {
        builder = builder.ca_bundle(path.as_path());
    }
    if let Some(proxy) = opts.proxy.as_deref().filter(|p| !p.is_empty()) {
        builder = builder.proxy(proxy);
    }
    let client = builder.build()?;
    let trace = opts.verbose.then(|| Trace {
        base_url: client.base_url().to_owned(),
        call_api_id: account.call_api_id.clone(),
        signed,
        encoding: opts.encoding.unwrap_or_default(),
        placement,
    });
    Ok(Session { client, trace })
}

/// Flags and environment variables (clap merges the two) first, then the profile, field by field;
/// `--unsigned` drops the key.
fn account(opts: &ClientOpts) -> Result<Account, Failure> {
    let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    let stored = profile::select(opts.profile.as_deref().filter(|p| !p.is_empty()))?;
    let stored = stored.as_ref();
    let api_key = given(&opts.api_key).or_else(|| stored.map(|p| p.api_key.clone()));
    Ok(Account {
        base_url: given(&opts.base_url).or_else(|| stored.and_then(|p| p.base_url.clone())),
        call_api_id: given(&opts.call_api_id).or_else(|| stored.map(|p| p.call_api_id.clone())),
        api_key: if opts.unsigned { None } else { api_key },
    })
}

/// Refuses `method` when it cannot succeed with these settings, naming the flag, the variable and
/// `lbc login` that would supply what is missing.
fn preflight(method: Method, account: &Account, unsigned: bool) -> Result<(), Failure> {
    let spec = method.spec();
    let wants_id = spec.required.contains(&CALL_API_ID) || spec.sign_order.contains(&CALL_API_ID);
    if wants_id && account.call_api_id.is_none() {
        return Err(Failure::usage(format!(
            "`{method}` needs the account's call-api-id: give --call-api-id ID, set \
             LBC_CALL_API_ID, or store it with `lbc login`"
        )));
    }
    match spec.signature {
        SignatureRule::None => Ok(()),
        SignatureRule::AlwaysRequired if unsigned => Err(Failure::usage(format!(
            "`{method}` is always signed, even for accounts allowed unsigned calls: drop --unsigned"
        ))),
        _ if account.api_key.is_some() || unsigned => Ok(()),
        SignatureRule::AlwaysRequired => Err(Failure::usage(format!(
            "`{method}` is always signed and no api-key is configured: set LBC_API_KEY (or give \
             --api-key), or store it with `lbc login`"
        ))),
        SignatureRule::Required => Err(Failure::usage(format!(
            "`{method}` is signed and no api-key is configured: set LBC_API_KEY (or give \
             --api-key), store it with `lbc login`, or add --unsigned if the service allows this \
             account unsigned calls"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: bool, key: bool) -> Account {
        Account {
            base_url: None,
            call_api_id: id.then(|| "id".to_owned()),
            api_key: key.then(|| "key".to_owned()),
        }
    }

    fn refusal(method: Method, account: &Account, unsigned: bool) -> String {
        match preflight(method, account, unsigned) {
            Err(Failure::Usage(message)) => message,
            other => panic!("{method}: {other:?}"),
        }
    }

    #[test]
    fn a_missing_id_names_the_flag_and_the_variable() {
        let message = refusal(Method::Balance, &account(false, true), false);
        assert!(
            message.contains("--call-api-id") && message.contains("LBC_CALL_API_ID"),
            "{message}"
        );
        assert!(preflight(Method::ServerStatus, &account(false, false), false).is_ok());
        assert!(preflight(Method::Register, &account(false, false), false).is_ok());
    }

    #[test]
    fn signed_methods_need_a_key_or_unsigned() {
        let message = refusal(Method::Call, &account(true, false), false);
        assert!(
            message.contains("LBC_API_KEY") && message.contains("--unsigned"),
            "{message}"
        );
        assert!(preflight(Method::Call, &account(true, false), true).is_ok());
        assert!(preflight(Method::Call, &account(true, true), false).is_ok());
        assert!(preflight(Method::Status, &account(true, false), false).is_ok());
    }

    #[test]
    fn always_signed_methods_refuse_unsigned() {
        let message = refusal(Method::CredentialConfirm, &account(true, false), true);
        assert!(message.contains("always signed"), "{message}");
        let message = refusal(Method::ChangeCredential, &account(true, false), false);
        assert!(!message.contains("--unsigned"), "{message}");
        assert!(preflight(Method::CredentialConfirm, &account(true, true), false).is_ok());
    }
}
