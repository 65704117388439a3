//! A saved login read back from any text: refused, or a login whose code cannot be guessed by an
//! empty, blank or wrong-length answer, that the right code unlocks, and that saves back the same.
#![no_main]
#![forbid(unsafe_code)]

use lbc_core::{Login, Verdict};
use libfuzzer_sys::fuzz_target;

/// Checks `digits` on a copy, so that every check starts from the login as it was read.
fn check(login: &Login, digits: &str) -> Verdict {
    // At the moment it started, a live login is never expired.
    login.clone().check_at(digits, login.started_at())
}

fuzz_target!(|text: &str| {
    let Ok(login) = Login::from_json(text) else {
        return;
    };
    let codelen = login.codelen() as usize;
    assert!(codelen >= 1, "codelen 0");
    let prompt = login.prompt();
    assert!(prompt.bytes().all(|b| b.is_ascii_digit()), "{prompt:?}");

    let saved = login.to_json();
    let back = Login::from_json(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert_eq!(back, login, "{saved}");
    assert_eq!(back.to_json(), saved);

    // The right code: what the prompt hides, the mask's last `codelen` digits, read off the saved
    // state.
    let state: serde_json::Value = serde_json::from_str(&saved).expect("to_json gives JSON");
    let mask = state["mask"].as_str().expect("a saved login has a mask");
    assert!(
        mask.starts_with(prompt),
        "{prompt:?} is not a prefix of the mask"
    );
    let code = &mask[prompt.len()..];
    assert_eq!(code.len(), codelen, "{saved}");

    // Every answer that is not exactly `codelen` digits is refused, even when it holds the code.
    let short = &code[1..];
    let long = format!("{code}0");
    let spaced = format!("{} {}", &code[..1], &code[1..]);
    let mut wrong = vec!["", " ", "\t\r\n", "\u{a0}", short, &long];
    if codelen >= 2 {
        wrong.push(&spaced);
    }
    for wrong in wrong {
        let verdict = check(&login, wrong);
        assert!(!verdict.is_accepted(), "{wrong:?} unlocked {saved}");
    }

    // The right code is accepted once, while attempts are left.
    let live = !login.is_accepted() && login.attempts() < login.policy().max_attempts;
    // Surrounding whitespace is trimmed; digits of another script are not digits.
    assert_eq!(check(&login, &format!(" {code}\r\n")).is_accepted(), live);
    let fullwidth: String = code
        .chars()
        .map(|d| char::from_u32(u32::from(d) - u32::from('0') + 0xFF10).unwrap_or(d))
        .collect();
    assert!(!check(&login, &fullwidth).is_accepted(), "{fullwidth:?}");
    let mut right = login.clone();
    let verdict = right.check_at(code, login.started_at());
    assert_eq!(verdict.is_accepted(), live, "{verdict:?} for {saved}");
    if live {
        assert!(right.is_accepted());
        assert_eq!(right.check_at(code, login.started_at()), Verdict::Locked);
    }
});
