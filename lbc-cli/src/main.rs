//! `lbc`: the LoginByCall command-line tool. See `lbc --help`, and the exit codes in [`exit`].
#![forbid(unsafe_code)]

mod args;
mod commands;
mod connect;
mod demo;
mod exit;
mod login_cmd;
mod money;
mod output;
mod pairs;
mod pay_page;
mod profile;
mod prompt;
mod render;
mod sandbox_cmd;
mod sanitize;
mod sign_cmd;
mod term;
mod verbose;

use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue};
use lbc_core::protocol::Method;
use lbc_core::protocol::excerpt;
use serde_json::json;

use crate::args::{Cli, Command, SignArgs};
use crate::commands::{api, request};
use crate::exit::{Exit, Failure};
use crate::output::Output;

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|error| shorten(error).exit());
    let json = cli.json;
    match run(cli) {
        Ok(()) => Exit::Ok.into(),
        Err(failure) => {
            failure.report(json);
            failure.exit().into()
        }
    }
}

/// Runs the chosen subcommand.
fn run(cli: Cli) -> Result<(), Failure> {
    let out = Output { json: cli.json };
    let session = |method: Option<Method>| match cli.command.client_opts() {
        Some(opts) => connect::open(opts, method),
        None => Err(Failure::usage(
            "this subcommand does not talk to the service",
        )),
    };
    let rendered = match &cli.command {
        Command::Sign(args) => return sign(args, cli.json),
        Command::Sandbox(args) => return sandbox_cmd::run(args),
        Command::Demo(args) => return demo::run(args, cli.json),
        Command::Login(args) => login_cmd::login(args)?,
        Command::Logout(args) => login_cmd::logout(args)?,
        Command::Profiles => login_cmd::list()?,
        Command::Register(args) => api::register(&session(Some(Method::Register))?, args)?,
        Command::Status(_) => api::status(&session(Some(Method::Status))?)?,
        Command::ServerStatus(_) => api::server_status(&session(Some(Method::ServerStatus))?)?,
        Command::Options(args) => api::options(&session(Some(Method::Options))?, args)?,
        Command::Balance(_) => api::balance(&session(Some(Method::Balance))?)?,
        Command::Pay(args) => api::pay(&session(Some(Method::Pay))?, args)?,
        Command::ChangeCredential(args) => {
            api::change_credential(&session(Some(Method::ChangeCredential))?, args)?
        }
        Command::CredentialConfirm(_) => {
            api::credential_confirm(&session(Some(Method::CredentialConfirm))?)?
        }
        Command::Call(args) => api::call(&session(Some(Method::Call))?, args)?,
        Command::CallStatus(args) => api::call_status(&session(Some(Method::CallStatus))?, args)?,
        Command::CallHangup(args) => api::call_hangup(&session(Some(Method::CallHangup))?, args)?,
        Command::Request(args) => request::run(&session(Method::from_name(&args.method))?, args)?,
    };
    out.print(&rendered)
}

/// `lbc sign`: the line on stdout, a note on stderr for each parameter the method does not sign;
/// with `--json`, one object holding both.
fn sign(args: &SignArgs, json: bool) -> Result<(), Failure> {
    let (line, ignored) = sign_cmd::run(args)?;
    if json {
        let what = if args.canonical {
            "canonical"
        } else {
            "signature"
        };
        let mut answer = json!({ "method": args.method });
        answer[what] = json!(line);
        answer["not_signed"] = json!(ignored);
        return output::line(&answer.to_string());
    }
    for name in ignored {
        eprintln!(
            "lbc: note: `{}` is not signed by `{}`; left out",
            excerpt(&name),
            args.method
        );
    }
    output::line(&line)
}

/// clap's error with the command-line words it quotes (a rejected value, an unknown argument or
/// subcommand) cut to an [`excerpt`], so that a 1 MB argument does not come back as a 1 MB message.
fn shorten(mut error: clap::Error) -> clap::Error {
    for kind in [
        ContextKind::InvalidValue,
        ContextKind::InvalidArg,
        ContextKind::InvalidSubcommand,
    ] {
        let short = match error.get(kind) {
            Some(ContextValue::String(text)) => ContextValue::String(excerpt(text)),
            Some(ContextValue::Strings(texts)) => {
                ContextValue::Strings(texts.iter().map(|t| excerpt(t)).collect())
            }
            _ => continue,
        };
        error.insert(kind, short);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_quote_only_an_excerpt() {
        let long = "x".repeat(100_000);
        for args in [
            vec!["lbc", long.as_str()],
            vec!["lbc", "status", long.as_str()],
            vec!["lbc", "status", "--timeout", long.as_str()],
            vec!["lbc", "status", "--encoding", long.as_str()],
            vec!["lbc", "sign", "balance", long.as_str()],
        ] {
            let error = Cli::try_parse_from(&args).expect_err("refused");
            assert!(error.to_string().len() > 100_000, "clap quotes it all");
            let message = shorten(error).to_string();
            assert!(
                message.len() < 2_000,
                "{} bytes: {}",
                message.len(),
                &message[..200]
            );
        }
    }
}
