//! Money people read: dollars with two decimals beside exact credits, `pay --usd`, `--locale`
//! checked, and `pay --html FILE` writing a page whose form pays.

mod common;

use common::{RecordingServer, SandboxProcess, ScriptedServer, TempDir, http};

const PAYMENT: &str =
    r#"{"url":"https://pay.example/assistant.htm","query":{"MNT_AMOUNT":"5.00"},"method":"POST"}"#;

#[test]
fn balances_show_dollars_with_two_decimals_and_exact_credits() {
    let server = ScriptedServer::answering(
        "200 OK",
        r#"{"balance":1002555,"consumed":40,"balance_notify_limit":2000,"last_payments":[{"value":1002555,"created":1492283925}]}"#,
    );
    let words = server.run(&["balance"]).expect(0).stdout;
    for line in [
        "current balance: $100.25 (1002515 credits)",
        "paid in:         $100.26 (1002555 credits)",
        "consumed:        $0.00 (40 credits)",
        "notify below:    $0.20 (2000 credits)",
        "2017-04-15 19:18:45 UTC  $100.26 (1002555 credits)",
    ] {
        assert!(words.contains(line), "`{line}` missing in:\n{words}");
    }
    let json = server.run(&["balance", "--json"]).expect(0).json();
    assert_eq!(json["current"], 1_002_515, "JSON keeps exact credits");
}

#[test]
fn pay_takes_dollars_and_checks_the_locale() {
    let server = RecordingServer::answering("200 OK", PAYMENT);
    let paid = server
        .run(&["pay", "--usd", "5.00", "--locale", "en"])
        .expect(0);
    assert!(
        paid.stdout.contains("Amount: $5.00 (50000 credits)"),
        "{paid:?}"
    );
    server.run(&["pay", "--amount", "125"]).expect(0);
    let sent = server.requests();
    assert!(sent[0].contains("amount=50000&locale=en&"), "{sent:?}");
    assert!(sent[1].contains("amount=125&"), "{sent:?}");

    let locale = server
        .run(&["pay", "--usd", "5", "--locale", "de"])
        .expect(2);
    assert!(
        locale.stderr.contains("ru") && locale.stderr.contains("en"),
        "{locale:?}"
    );
    for bad in [
        &["pay", "--usd", "5.00001"][..],
        &["pay", "--usd", "-5"],
        &["pay", "--usd", "0"],
        &["pay", "--usd", "five"],
        &["pay", "--usd", "5", "--amount", "50000"],
        &["pay"],
    ] {
        server.run(bad).expect(2);
    }
    assert_eq!(server.count("pay"), 2, "refused before sending");
}

/// The form's `action` and its hidden fields, read from the page.
fn form_of(page: &str) -> (String, Vec<(String, String)>) {
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + tag[start..].find('"')?;
        Some(tag[start..end].replace("&amp;", "&"))
    };
    let form = page.split("<form").nth(1).expect("a form");
    let action = attribute(form, "action").expect("an action");
    let fields = form
        .split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .map(|tag| {
            (
                attribute(tag, "name").expect("name"),
                attribute(tag, "value").expect("value"),
            )
        })
        .collect();
    (action, fields)
}

#[test]
fn pay_html_writes_a_page_whose_form_pays() {
    let sandbox = SandboxProcess::start(&["--balance", "0"]);
    let dir = TempDir::new("pay");
    let file = dir.path.join("pay.html");
    let paid = sandbox
        .run(&["pay", "--usd", "2.50", "--html", file.to_str().unwrap()])
        .expect(0);
    assert!(paid.stdout.contains("open it in a browser"), "{paid:?}");
    let page = std::fs::read_to_string(&file).expect("the page was written");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"), "{page}");
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.contains("$2.50 (25000 credits)"), "{page}");
    assert!(page.contains("lbc-payment-button"), "{page}");

    // Submitting the form as a browser would credits the account.
    let (action, fields) = form_of(&page);
    let body: String = fields
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let (status, _) = http("POST", &action, "application/x-www-form-urlencoded", &body);
    assert!((200..400).contains(&status), "POST {action}: {status}");
    let balance = sandbox.run(&["balance", "--json"]).expect(0).json();
    assert_eq!(balance["balance"], 25_000, "{balance}");

    let json = sandbox
        .run(&[
            "pay",
            "--amount",
            "100",
            "--html",
            file.to_str().unwrap(),
            "--json",
        ])
        .expect(0)
        .json();
    assert_eq!(json["html_file"], file.to_str().unwrap());
    assert_eq!(json["amount"], 100);
    let unwritable = dir.path.join("no-such-dir").join("pay.html");
    sandbox
        .run(&[
            "pay",
            "--amount",
            "100",
            "--html",
            unwritable.to_str().unwrap(),
        ])
        .expect(3);
}
