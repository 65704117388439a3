//! Every API subcommand against a real `lbc sandbox`, in human and JSON output.

mod common;

use common::{SandboxProcess, run_command};

#[test]
fn account_commands_answer_in_json_and_in_words() {
    let sandbox = SandboxProcess::start(&[]);

    let status = sandbox.run(&["status", "--json"]).expect(0).json();
    assert_eq!(status["activated"], true);
    assert_eq!(status["blocked"], false);
    let words = sandbox.run(&["status"]).expect(0).stdout;
    assert!(
        words.contains("activated:") && words.contains("yes"),
        "{words}"
    );

    let server = sandbox.run(&["server-status"]).expect(0).stdout;
    assert!(server.contains("server status: 1 (working)"), "{server}");

    let balance = sandbox.run(&["balance", "--json"]).expect(0).json();
    let (paid, consumed) = (
        balance["balance"].as_i64().unwrap(),
        balance["consumed"].as_i64().unwrap(),
    );
    assert_eq!(balance["current"].as_i64().unwrap(), paid - consumed);
    let words = sandbox.run(&["balance"]).expect(0).stdout;
    assert!(
        words.contains("current balance: $") && words.contains(" credits)"),
        "{words}"
    );

    sandbox
        .run(&["options", "--balance-notify-limit", "-1"])
        .expect(0);
    let limit = sandbox.run(&["balance", "--json"]).expect(0).json();
    assert_eq!(limit["balance_notify_limit"], -1);
    let set = sandbox
        .run(&["options", "--balance-notify-limit", "50000"])
        .expect(0)
        .stdout;
    assert!(set.contains("$5.00 (50000 credits)"), "{set}");

    let pay = sandbox
        .run(&["pay", "--amount", "100000", "--json"])
        .expect(0)
        .json();
    assert!(
        pay["html"].as_str().unwrap().contains("lbc-payment-button"),
        "{pay}"
    );
}

#[test]
fn a_call_from_start_to_hangup() {
    let sandbox = SandboxProcess::start(&[]);
    let started = sandbox
        .run(&["call", "+7 (925) 688-06-36", "--ip", "127.0.0.1", "--json"])
        .expect(0)
        .json();
    let call = started["call"].as_str().expect("call id").to_owned();
    let mask = started["mask"].as_str().expect("mask");
    let codelen = started["codelen"].as_u64().expect("codelen") as usize;
    assert!(codelen >= 1 && codelen <= mask.len(), "{started}");

    let state = sandbox
        .run(&["call-status", &call, "--json"])
        .expect(0)
        .json();
    let code = state["status"].as_i64().unwrap();
    assert!([1, 2, 4, 8, 16, 32].contains(&code), "{state}");
    assert_eq!(state["final"], code > 2);
    let words = sandbox.run(&["call-status", &call]).expect(0).stdout;
    assert!(words.starts_with("status: "), "{words}");

    let hangup = sandbox.run(&["call-hangup", &call]);
    // A call still ringing is hung up; one that already ended may be refused by the service.
    assert!(matches!(hangup.code, Some(0) | Some(1)), "{hangup:?}");
}

#[test]
fn the_call_prompt_hides_the_code() {
    let sandbox = SandboxProcess::start(&[]);
    let words = sandbox.run(&["call", "79256880636"]).expect(0).stdout;
    let prompt = words
        .lines()
        .find_map(|l| l.split("Waiting for a call from +").nth(1))
        .unwrap_or_else(|| panic!("no prompt in {words}"));
    let (shown, hidden) = prompt.split_once('[').expect("a [");
    assert!(shown.bytes().all(|b| b.is_ascii_digit()), "{prompt}");
    assert!(
        hidden
            .trim_end()
            .trim_end_matches(']')
            .bytes()
            .all(|b| b == b'_'),
        "{prompt}"
    );
}

#[test]
fn every_encoding_reaches_the_sandbox() {
    let sandbox = SandboxProcess::start(&[]);
    for encoding in [
        "query",
        "form",
        "rest",
        "multipart",
        "query+json",
        "form+json",
        "rest+json",
        "multipart+json",
    ] {
        let balance = sandbox.run(&["balance", "--encoding", encoding, "--json"]);
        assert_eq!(balance.code, Some(0), "{encoding}: {balance:?}");
        assert!(balance.json()["balance"].is_i64(), "{encoding}");
    }
}

#[test]
fn request_is_the_escape_hatch() {
    let sandbox = SandboxProcess::start(&[]);
    let server = sandbox
        .run(&["request", "server-status", "--json"])
        .expect(0)
        .json();
    assert_eq!(server["server_status"], 1);
    let started = sandbox
        .run(&["request", "call", "msisdn=79256880636", "--json"])
        .expect(0)
        .json();
    let call = started["call"].as_str().expect("call id");
    let state = sandbox
        .run(&["request", "call-status", &format!("call={call}")])
        .expect(0);
    assert!(state.json()["status"].is_i64(), "{state:?}");
    sandbox
        .run(&["request", "call-status", "call=nope"])
        .expect(1);
    sandbox.run(&["request", "balance", "broken"]).expect(2);
}

#[test]
fn register_and_change_credential_say_what_to_do_next() {
    let sandbox = SandboxProcess::start(&[]);
    let registered = sandbox
        .run(&[
            "register",
            "--domain",
            "cli-test.example",
            "--admin-email",
            "admin@cli-test.example",
        ])
        .expect(0)
        .stdout;
    for part in [
        "call-api-id:",
        "verify_url:",
        "admin@cli-test.example",
        "credential-confirm",
    ] {
        assert!(registered.contains(part), "`{part}` missing: {registered}");
    }
    let json = sandbox
        .run(&[
            "register",
            "--domain",
            "cli-test2.example",
            "--admin-email",
            "admin@cli-test2.example",
            "--json",
        ])
        .expect(0)
        .json();
    assert!(json["call_api_id"].is_string() && json["verify_url"].is_string());

    let changed = sandbox
        .run(&[
            "change-credential",
            "--admin-email",
            "admin@example.com",
            "--json",
        ])
        .expect(0)
        .json();
    let new_id = changed["call_api_id"].as_str().expect("new id");
    assert_ne!(new_id, sandbox.call_api_id);
}

#[test]
fn the_api_key_is_never_printed() {
    let sandbox = SandboxProcess::start(&[]);
    let key = sandbox.api_key.clone();
    let mut outputs = Vec::new();
    for args in [
        &["balance"][..],
        &["status", "--json"],
        &["call", "79256880636"],
        &["call-status", "nope"],
        &["call-status", "nope", "--json"],
        &["balance", "--call-api-id", "unknown-account"],
        &["balance", "-v"],
        &["call", "79256880636", "--verbose", "--signature-header"],
        &["--help"],
        &["balance", "--help"],
    ] {
        let mut command = sandbox.lbc();
        command.args(args);
        let result = run_command(&mut command);
        outputs.push(format!("{args:?}\n{}\n{}", result.stdout, result.stderr));
    }
    for output in outputs {
        assert!(!output.contains(&key), "the key was printed: {output}");
    }
}
