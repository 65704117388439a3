//! Each typed answer as human text and as JSON. Every string from an answer reaches the human
//! text only through [`sanitize::line`]; the JSON keeps it as it came (serde escapes it).

use std::fmt::Write as _;

use lbc_core::{
    AccountStatus, Balance, CallStarted, CallState, CredentialChange, Credits, Payment,
    Registration, ServerStatus,
};
use serde_json::{Value, json};

use crate::money;
use crate::output::Rendered;
use crate::sanitize;

/// `register`: the new id, where to publish it, and what to do next.
pub fn registration(answer: &Registration, domain: &str, admin_email: &str) -> Rendered {
    let Registration {
        call_api_id,
        verify_url,
    } = answer;
    let human = human_registration(
        &sanitize::line(call_api_id),
        &sanitize::line(verify_url),
        domain,
        admin_email,
    );
    Rendered {
        human,
        json: json!({ "call_api_id": call_api_id, "verify_url": verify_url }),
    }
}

/// The text of [`registration`], from cleaned strings.
fn human_registration(
    call_api_id: &str,
    verify_url: &str,
    domain: &str,
    admin_email: &str,
) -> String {
    format!(
        "Registered {domain}.\n\
         \x20 call-api-id: {call_api_id}\n\
         \x20 verify_url:  {verify_url}\n\
         \n\
         Next:\n\
         \x20 1. The api-key was e-mailed to {admin_email}.\n\
         \x20 2. Publish a file at {verify_url}\n\
         \x20    whose whole content is: {call_api_id}\n\
         \x20 3. Activate the keys within 24 hours (the service fetches that file):\n\
         \x20    LBC_CALL_API_ID={call_api_id} LBC_API_KEY=<the mailed key> lbc credential-confirm"
    )
}

/// `status`.
pub fn account_status(answer: &AccountStatus) -> Rendered {
    let yes_no = |flag: bool| if flag { "yes" } else { "no" };
    Rendered {
        human: format!(
            "activated:              {}\nblocked:                {}\nunsigned calls allowed: {}",
            yes_no(answer.activated),
            yes_no(answer.blocked),
            yes_no(answer.allow_unsecure_calls)
        ),
        json: json!({
            "activated": answer.activated,
            "blocked": answer.blocked,
            "allow_unsecure_calls": answer.allow_unsecure_calls,
        }),
    }
}

/// `server-status`.
pub fn server_status(answer: &ServerStatus) -> Rendered {
    let meaning = if answer.is_working() {
        "working"
    } else {
        "technical trouble: offer users another way to log in"
    };
    Rendered {
        human: format!("server status: {} ({meaning})", answer.server_status),
        json: json!({ "server_status": answer.server_status, "working": answer.is_working() }),
    }
}

/// `options`: the limit that was set.
pub fn options(limit: i64) -> Rendered {
    let human = if limit < 0 {
        "OK: balance notifications turned off.".to_owned()
    } else {
        format!(
            "OK: the administrator is mailed when the balance falls below {}.",
            money::amount(Credits(limit))
        )
    };
    Rendered {
        human,
        json: json!({}),
    }
}

/// `balance`.
pub fn balance(answer: &Balance) -> Rendered {
    let limit = if answer.balance_notify_limit.0 < 0 {
        "never".to_owned()
    } else {
        money::amount(answer.balance_notify_limit)
    };
    let mut human = format!(
        "current balance: {}\npaid in:         {}\nconsumed:        {}\nnotify below:    {limit}\n",
        money::amount(answer.current()),
        money::amount(answer.balance),
        money::amount(answer.consumed),
    );
    if answer.last_payments.is_empty() {
        human.push_str("last payments:   none\n");
    } else {
        human.push_str("last payments:\n");
        for payment in &answer.last_payments {
            let _ = writeln!(
                human,
                "  {}  {}",
                lbc_core::protocol::UtcDateTime::from_unix(payment.created),
                money::amount(payment.value)
            );
        }
    }
    let payments: Vec<Value> = answer
        .last_payments
        .iter()
        .map(|p| json!({ "value": p.value.0, "created": p.created }))
        .collect();
    Rendered {
        human,
        json: json!({
            "balance": answer.balance.0,
            "consumed": answer.consumed.0,
            "current": answer.current().0,
            "balance_notify_limit": answer.balance_notify_limit.0,
            "last_payments": payments,
        }),
    }
}

/// `pay`: the amount asked for and the form, whichever shape the service answered in.
pub fn payment(answer: &Payment, amount: i64) -> Rendered {
    let mut human = format!("Amount: {}\n", money::amount(Credits(amount)));
    human.push_str(&match answer {
        Payment::Form {
            url,
            method,
            fields,
        } => {
            let mut text = format!(
                "Payment form: {} {}\n",
                sanitize::line(method),
                sanitize::line(url)
            );
            for (name, value) in fields {
                let _ = writeln!(
                    text,
                    "  {} = {}",
                    sanitize::line(name),
                    sanitize::line(value)
                );
            }
            text
        }
        Payment::Html { html } => {
            let mut text = "Payment form (HTML):\n".to_owned();
            for line in html.lines() {
                let _ = writeln!(text, "{}", sanitize::line(line));
            }
            text
        }
    });
    let mut json = serde_json::to_value(answer).unwrap_or(Value::Null);
    json["html"] = json!(answer.to_html());
    json["amount"] = json!(amount);
    Rendered { human, json }
}

/// `change-credential`: the new id and what to do next.
pub fn credential_change(answer: &CredentialChange, admin_email: &str) -> Rendered {
    let id = sanitize::line(&answer.call_api_id);
    Rendered {
        human: format!(
            "New call-api-id: {id}\n\
             \n\
             Next:\n\
             \x20 1. The new api-key was e-mailed to {admin_email}.\n\
             \x20 2. Activate it within 24 hours (until then the old keys keep working):\n\
             \x20    LBC_CALL_API_ID={id} LBC_API_KEY=<the mailed key> lbc credential-confirm"
        ),
        json: json!({ "call_api_id": answer.call_api_id }),
    }
}

/// `credential-confirm`.
pub fn credential_confirmed(call_api_id: Option<&str>) -> Rendered {
    Rendered {
        human: format!(
            "Keys confirmed: call-api-id {} is active; every older key of the account stopped working.",
            call_api_id.unwrap_or("(configured)")
        ),
        json: json!({}),
    }
}

/// `call`: the call's id, the caller number and the prompt a site would show.
pub fn call_started(answer: &CallStarted) -> Rendered {
    let mask = sanitize::line(&answer.mask);
    let keep = mask.len().saturating_sub(answer.codelen as usize);
    let prompt = format!(
        "+{}[{}]",
        mask.get(..keep).unwrap_or_default(),
        "_".repeat(answer.codelen as usize)
    );
    Rendered {
        human: format!(
            "call:           {}\n\
             calling from:   +{} (the user types its last {} digits)\n\
             prompt:         Waiting for a call from {prompt}\n\
             repeat timeout: {} s",
            sanitize::line(&answer.call),
            mask,
            answer.codelen,
            answer.repeat_timeout
        ),
        json: json!({
            "call": answer.call,
            "mask": answer.mask,
            "codelen": answer.codelen,
            "repeat_timeout": answer.repeat_timeout,
        }),
    }
}

/// `call-status`: the status by name and number, and the failure reason if any.
pub fn call_state(answer: &CallState) -> Rendered {
    let finality = if answer.is_final() {
        "final"
    } else {
        "may still change"
    };
    let mut human = format!(
        "status: {} ({}, {finality})",
        answer.status.description(),
        answer.status.code()
    );
    if let Some(error) = &answer.last_error {
        let _ = write!(human, "\nlast error: {}", sanitize::line(error));
    }
    Rendered {
        human,
        json: json!({
            "status": answer.status.code(),
            "status_desc": answer.status_desc,
            "last_error": answer.last_error,
            "final": answer.is_final(),
        }),
    }
}

/// `call-hangup`.
pub fn hung_up(call: &str) -> Rendered {
    Rendered {
        human: format!("Hung up call {call}."),
        json: json!({}),
    }
}

/// `request`: the raw answer (pretty for people).
pub fn raw(answer: Value) -> Rendered {
    Rendered {
        human: serde_json::to_string_pretty(&sanitize::value(answer.clone())).unwrap_or_default(),
        json: answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lbc_core::PaymentRecord;
    use lbc_core::protocol::CallStatus;

    #[test]
    fn money_shows_credits_and_dollars() {
        let answer = Balance {
            balance: Credits(1_000_000),
            consumed: Credits(2_500),
            balance_notify_limit: Credits(-1),
            last_payments: vec![PaymentRecord {
                value: Credits(1_000_000),
                created: 0,
            }],
        };
        let rendered = balance(&answer);
        assert!(
            rendered
                .human
                .contains("current balance: $99.75 (997500 credits)"),
            "{}",
            rendered.human
        );
        assert!(
            rendered
                .human
                .contains("consumed:        $0.25 (2500 credits)")
        );
        assert!(rendered.human.contains("never"));
        assert_eq!(rendered.json["current"], 997_500);
    }

    #[test]
    fn call_states_show_names() {
        let state = CallState {
            status: CallStatus::Failed,
            status_desc: "error".into(),
            last_error: Some("Call rejected, try again".into()),
        };
        let rendered = call_state(&state);
        assert!(rendered.human.contains("error (32, final)"));
        assert!(rendered.human.contains("Call rejected"));
        assert_eq!(rendered.json["status"], 32);
    }

    #[test]
    fn prompts_hide_the_code() {
        let started = CallStarted {
            call: "c".into(),
            mask: "79256880636".into(),
            codelen: 4,
            repeat_timeout: 30,
        };
        assert!(call_started(&started).human.contains("+7925688[____]"));
    }
}
