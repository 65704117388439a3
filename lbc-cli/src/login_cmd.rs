//! `lbc login`, `lbc logout` and `lbc profiles`: storing accounts by name, like the Stripe CLI's
//! profiles. The key is read from stdin (without echo on a terminal) and never printed.

use lbc_core::protocol::excerpt;
use serde_json::json;

use crate::args::{LoginArgs, ProfileArgs};
use crate::exit::Failure;
use crate::output::Rendered;
use crate::profile::{self, DEFAULT, Profile};
use crate::prompt;
use crate::sanitize;

/// `lbc login`: asks for what is missing, checks it, stores the profile.
pub fn login(args: &LoginArgs) -> Result<Rendered, Failure> {
    let name = args.profile.as_deref().unwrap_or(DEFAULT);
    profile::check_name(name)?;
    let path = profile::required_path()?;
    let call_api_id = match args.call_api_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            prompt::line("call-api-id: ", false)?.trim().to_owned()
        }
        _ => {
            return Err(Failure::usage(
                "no call-api-id: give --call-api-id ID or set LBC_CALL_API_ID (the key is read from stdin)",
            ));
        }
    };
    check_text("call-api-id", &call_api_id)?;
    let api_key = prompt::line(&format!("api-key for profile `{name}` (not shown): "), true)?
        .trim()
        .to_owned();
    check_text("api-key", &api_key)?;
    let base_url = args.base_url.clone();
    if let Some(url) = &base_url {
        // The SDK's own check, so that a bad URL is refused now rather than on every later command.
        lbc_core::Client::builder().base_url(url.as_str()).build()?;
    }

    let mut profiles = profile::load(&path)?;
    let replaced = profiles
        .profiles
        .insert(
            name.to_owned(),
            Profile {
                call_api_id: call_api_id.clone(),
                api_key,
                base_url: base_url.clone(),
            },
        )
        .is_some();
    profile::save(&path, &profiles)?;

    let verb = if replaced { "Replaced" } else { "Saved" };
    let usage = if name == DEFAULT {
        "every command uses it unless given --profile".to_owned()
    } else {
        format!("use it with --profile {name}")
    };
    Ok(Rendered {
        human: format!(
            "{verb} profile `{name}` (call-api-id {}) in {}; {usage}.",
            sanitize::line(&call_api_id),
            path.display()
        ),
        json: json!({
            "profile": name,
            "call_api_id": call_api_id,
            "base_url": base_url,
            "path": path,
            "replaced": replaced,
        }),
    })
}

/// `lbc logout`: removes the profile.
pub fn logout(args: &ProfileArgs) -> Result<Rendered, Failure> {
    let name = args.profile.as_deref().unwrap_or(DEFAULT);
    profile::check_name(name)?;
    let path = profile::required_path()?;
    let mut profiles = profile::load(&path)?;
    if profiles.profiles.remove(name).is_none() {
        return Err(Failure::usage(format!(
            "no profile `{name}` in {}",
            path.display()
        )));
    }
    profile::save(&path, &profiles)?;
    Ok(Rendered {
        human: format!("Removed profile `{name}` from {}.", path.display()),
        json: json!({ "profile": name, "path": path, "removed": true }),
    })
}

/// `lbc profiles`: the stored profiles, without their keys.
pub fn list() -> Result<Rendered, Failure> {
    let path = profile::required_path()?;
    let profiles = profile::load(&path)?;
    let mut human = if profiles.profiles.is_empty() {
        format!(
            "No profiles in {}: store one with `lbc login`.",
            path.display()
        )
    } else {
        format!("Profiles in {}:", path.display())
    };
    let mut listed = Vec::new();
    for (name, profile) in &profiles.profiles {
        human.push_str(&format!(
            "\n  {name}  call-api-id {}{}",
            sanitize::line(&profile.call_api_id),
            profile
                .base_url
                .as_deref()
                .map(|url| format!("  base URL {}", sanitize::line(url)))
                .unwrap_or_default()
        ));
        listed.push(json!({
            "profile": name,
            "call_api_id": profile.call_api_id,
            "base_url": profile.base_url,
        }));
    }
    Ok(Rendered {
        human,
        json: json!({ "path": path, "profiles": listed }),
    })
}

/// Refuses an empty, overlong or control-character-holding id or key (never quoting a key).
fn check_text(what: &str, value: &str) -> Result<(), Failure> {
    if value.is_empty() {
        return Err(Failure::usage(format!("no {what} given")));
    }
    if value.len() > 1024 || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        let shown = if what == "api-key" {
            String::new()
        } else {
            format!(" `{}`", excerpt(value))
        };
        return Err(Failure::usage(format!(
            "the {what}{shown} is not plausible: at most 1024 characters, no spaces or control characters"
        )));
    }
    Ok(())
}
