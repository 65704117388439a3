//! The command line, as clap reads it: global connection flags and one subcommand per job.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use lbc_core::{Encoding, Region};
use lbc_protocol::excerpt;
use lbc_sandbox::Credentials;

use crate::exit::EXIT_CODES_HELP;

/// `lbc`: every LoginByCall API method from a shell, a local sandbox of the service, and a login demo.
#[derive(Debug, Parser)]
#[command(
    name = "lbc",
    version,
    about = "LoginByCall from the command line: every API method, a local sandbox, a login demo",
    long_about = "LoginByCall from the command line: every API method, a local sandbox of the \
                  service, and a demo of the whole phone-call login.\n\n\
                  Prefer LBC_API_KEY in the environment to --api-key: command lines are visible to \
                  other users of the machine. The api-key is never printed.",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    /// Connection and output settings shared by every subcommand.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The API root [default: the service's own]
    #[arg(long, global = true, env = "LBC_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// The account's call-api-id
    #[arg(long, global = true, env = "LBC_CALL_API_ID", value_name = "ID")]
    pub call_api_id: Option<String>,

    /// The account's secret api-key (prefer the environment variable)
    #[arg(
        long,
        global = true,
        env = "LBC_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,

    /// How requests travel: query, form, rest or multipart, optionally +json [default: form]
    #[arg(long, global = true, value_name = "ENCODING", value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,

    /// Seconds one attempt of a request may take, answer included [default: 15]
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,

    /// Seconds the whole operation may take, every retry and backoff included [default: the timeout]
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub deadline: Option<Duration>,

    /// The region whose national number forms phone numbers may be typed in (8 (925) ... in RU)
    #[arg(
        long,
        global = true,
        env = "LBC_REGION",
        value_name = "CC",
        default_value = "RU",
        value_parser = parse_region
    )]
    pub region: Region,

    /// Print the answer as JSON (and errors as JSON on stderr), for scripts
    #[arg(long, global = true)]
    pub json: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// `register`: register a domain (the api-key is e-mailed to the administrator)
    Register(RegisterArgs),
    /// `status`: whether the account is activated, blocked, allowed unsigned calls
    Status,
    /// `server-status`: whether the service can place calls now
    ServerStatus,
    /// `options`: set the balance below which the administrator is mailed
    Options(OptionsArgs),
    /// `balance`: payments, consumption, what is left
    Balance,
    /// `pay`: a payment form to refill the balance
    Pay(PayArgs),
    /// `change_credential`: issue a new call-api-id and api-key (mailed to the administrator)
    #[command(alias = "change_credential")]
    ChangeCredential(ChangeCredentialArgs),
    /// `credential_confirm`: activate this (new) call-api-id and api-key; older keys stop working
    #[command(alias = "credential_confirm")]
    CredentialConfirm,
    /// `call`: ring a phone from a random number (costs money; never sent twice by lbc)
    Call(CallArgs),
    /// `call-status`: where a call is
    CallStatus(CallIdArgs),
    /// `call-hangup`: end a call that is still ringing
    CallHangup(CallIdArgs),
    /// Call any method by name with raw name=value parameters; prints the JSON answer
    Request(RequestArgs),
    /// Sign parameters for a method offline: the signature, or the signed string
    Sign(SignArgs),
    /// Run a local emulator of the service; prints one JSON ready line, serves until SIGINT/SIGTERM
    Sandbox(SandboxArgs),
    /// Run a whole phone-call login against an embedded sandbox
    Demo(DemoArgs),
}

/// Arguments of `register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The site's domain, without protocol or path (example.com)
    #[arg(long)]
    pub domain: String,
    /// Where the api-key and balance warnings are mailed
    #[arg(long)]
    pub admin_email: String,
    /// The administrator's phone number
    #[arg(long)]
    pub admin_phone: Option<String>,
    /// Where the file proving domain ownership will be [default: the service's choice]
    #[arg(long)]
    pub verify_url: Option<String>,
    /// Mail the administrator when the balance falls below this many credits (-1: never)
    #[arg(long, allow_negative_numbers = true)]
    pub balance_notify_limit: Option<i64>,
}

/// Arguments of `options`.
#[derive(Debug, Args)]
pub struct OptionsArgs {
    /// Mail the administrator when the balance falls below this many credits (-1: never)
    #[arg(long, allow_negative_numbers = true)]
    pub balance_notify_limit: i64,
}

/// Arguments of `pay`.
#[derive(Debug, Args)]
pub struct PayArgs {
    /// How much to pay in, in credits (1 USD = 10 000 credits)
    #[arg(long)]
    pub amount: i64,
    /// The payment form's language: ru or en
    #[arg(long)]
    pub locale: Option<String>,
    /// Where the payment system sends the user after paying
    #[arg(long)]
    pub success_url: Option<String>,
    /// Where it sends the user after a failed payment
    #[arg(long)]
    pub fail_url: Option<String>,
    /// Where it sends the user who gave up
    #[arg(long)]
    pub return_url: Option<String>,
}

/// Arguments of `change-credential`.
#[derive(Debug, Args)]
pub struct ChangeCredentialArgs {
    /// Where the new api-key is mailed
    #[arg(long)]
    pub admin_email: String,
    /// The administrator's phone number
    #[arg(long)]
    pub admin_phone: Option<String>,
}

/// Arguments of `call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The phone number to ring, in any common notation (+7 (925) 688-06-36)
    pub msisdn: String,
    /// The user's IP address (the service's repeat timeout is per number and address)
    #[arg(long = "ip", value_name = "IP_ADDRESS")]
    pub ip_address: Option<String>,
}

/// The call id of `call-status` and `call-hangup`.
#[derive(Debug, Args)]
pub struct CallIdArgs {
    /// The call's id, as `call` printed it
    pub call: String,
}

/// Arguments of `request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The method's wire name (e.g. call-status); unknown names are sent as given
    pub method: String,
    /// Parameters as name=value (call-api-id, timestamp, nonce and signature are added)
    #[arg(value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub params: Vec<(String, String)>,
}

/// Arguments of `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The api-key to sign with
    #[arg(long, env = "LBC_API_KEY", hide_env_values = true, value_name = "KEY")]
    pub key: Option<String>,
    /// Print the signed string (NUL bytes shown as \0) instead of the signature
    #[arg(long)]
    pub canonical: bool,
    /// The method's wire name (e.g. call)
    pub method: String,
    /// Parameters as name=value, in any order: the method decides the signing order
    #[arg(value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub params: Vec<(String, String)>,
}

/// Arguments of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Where to listen
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// An activated account with a balance, as CALL_API_ID:API_KEY (repeatable) [default: one generated]
    #[arg(long = "account", value_name = "ID:KEY", value_parser = parse_account)]
    pub accounts: Vec<Credentials>,
    /// Milliseconds a call stays queued before it rings [default: the sandbox's]
    #[arg(long, value_name = "N")]
    pub dial_ms: Option<u64>,
    /// Milliseconds a call rings before its final status [default: the sandbox's]
    #[arg(long, value_name = "N")]
    pub ring_ms: Option<u64>,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The phone number to log in with (its last two digits pick the call's fate in the sandbox:
    /// 08 busy, 16 not answered, 32 error, else answered)
    #[arg(long, default_value = "+7 (925) 688-06-36")]
    pub phone: String,
    /// Take the digits from the sandbox instead of stdin (for scripts and CI)
    #[arg(long)]
    pub auto: bool,
}

/// Reads `--encoding` through the SDK's own parser.
fn parse_encoding(text: &str) -> Result<Encoding, String> {
    Encoding::parse(text).map_err(|e| e.to_string())
}

/// Reads `--region` through the SDK's own parser (two letters, either case).
fn parse_region(text: &str) -> Result<Region, String> {
    text.parse().map_err(|e: lbc_core::Error| e.to_string())
}

/// Reads `--timeout` and `--deadline`: a positive number of seconds, fractions allowed.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number of seconds", excerpt(text)))?;
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        _ => Err(format!(
            "`{}`: give a positive number of seconds",
            excerpt(text)
        )),
    }
}

/// Reads `name=value`, split at the first `=`; the value may be empty, the name may not.
pub fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("`{}` is not name=value", excerpt(text))),
    }
}

/// Reads `CALL_API_ID:API_KEY`, split at the first `:`; neither part may be empty.
pub fn parse_account(text: &str) -> Result<Credentials, String> {
    match text.split_once(':') {
        Some((id, key)) if !id.trim().is_empty() && !key.trim().is_empty() => Ok(Credentials {
            call_api_id: id.to_owned(),
            api_key: key.to_owned(),
        }),
        _ => Err("expected CALL_API_ID:API_KEY, both parts non-empty".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pairs_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_pair("nonce=n&o=n ce+/").unwrap(),
            ("nonce".into(), "n&o=n ce+/".into())
        );
        assert_eq!(
            parse_pair("ip_address=").unwrap(),
            ("ip_address".into(), String::new())
        );
        assert!(parse_pair("=x").is_err());
        assert!(parse_pair("novalue").is_err());
    }

    #[test]
    fn accounts_need_both_parts() {
        let account = parse_account("id:k:ey").unwrap();
        assert_eq!(
            (account.call_api_id.as_str(), account.api_key.as_str()),
            ("id", "k:ey")
        );
        for bad in ["nocolon", ":key", "id:", " : "] {
            assert!(parse_account(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        for bad in ["0", "-1", "soon", "NaN"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refusals_quote_only_an_excerpt() {
        let long = "9".repeat(100_000);
        for message in [
            parse_pair(&long).unwrap_err(),
            parse_seconds(&format!("x{long}")).unwrap_err(),
            parse_seconds(&format!("-{long}")).unwrap_err(),
            parse_region(&long).unwrap_err(),
        ] {
            assert!(message.len() < 200, "{} bytes", message.len());
        }
    }

    #[test]
    fn regions_are_two_letters_in_either_case() {
        assert_eq!(parse_region("ru").unwrap(), Region::RU);
        assert_eq!(parse_region("KZ").unwrap().as_str(), "KZ");
        for bad in ["", "RUS", "XX", "1"] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
        if std::env::var_os("LBC_REGION").is_none() {
            let cli = Cli::try_parse_from(["lbc", "status"]).unwrap();
            assert_eq!(cli.global.region, Region::RU);
        }
    }
}
