//! Money as people read it: US dollars with two decimals, the exact credits beside them; and
//! `--usd 5.00` read exactly (no floating point) into credits.

use lbc_core::Credits;
use lbc_core::protocol::excerpt;

/// Credits per cent.
const PER_CENT: i64 = Credits::PER_USD / 100;

/// `$99.75 (997500 credits)`: dollars rounded half away from zero to the cent, credits exact.
pub fn amount(credits: Credits) -> String {
    format!("{} ({} credits)", usd(credits), credits.0)
}

/// `$99.75`, `-$0.01`: dollars rounded half away from zero to the cent.
pub fn usd(credits: Credits) -> String {
    let sign = if credits.0 < 0 { "-" } else { "" };
    let abs = u128::from(credits.0.unsigned_abs());
    let per_cent = PER_CENT as u128;
    let cents = (abs + per_cent / 2) / per_cent;
    format!("{sign}${}.{:02}", cents / 100, cents % 100)
}

/// Reads a positive amount of US dollars (`5`, `5.00`, `$0.0001`) as credits; more than four
/// decimals (finer than one credit) is refused rather than rounded.
pub fn parse_usd(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{}` is not an amount of US dollars (like 5 or 5.00, at most 4 decimals)",
            excerpt(text)
        )
    };
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('$').unwrap_or(trimmed);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    if fraction.len() > 4 {
        return Err(format!(
            "`{}` has more than 4 decimals: one credit is $0.0001",
            excerpt(text)
        ));
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let fraction: i64 = format!("{fraction:0<4}").parse().map_err(|_| bad())?;
    let credits = whole
        .checked_mul(Credits::PER_USD)
        .and_then(|c| c.checked_add(fraction))
        .ok_or_else(bad)?;
    if credits == 0 {
        return Err("give an amount of more than $0".to_owned());
    }
    Ok(credits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_have_two_decimals_and_credits_stay_exact() {
        assert_eq!(amount(Credits(997_500)), "$99.75 (997500 credits)");
        assert_eq!(amount(Credits(2_555)), "$0.26 (2555 credits)");
        assert_eq!(usd(Credits(49)), "$0.00");
        assert_eq!(usd(Credits(50)), "$0.01");
        assert_eq!(usd(Credits(-150)), "-$0.02");
        assert_eq!(usd(Credits(0)), "$0.00");
        assert_eq!(usd(Credits(i64::MIN)), "-$922337203685477.58");
    }

    #[test]
    fn dollars_are_read_exactly() {
        assert_eq!(parse_usd("5.00"), Ok(50_000));
        assert_eq!(parse_usd("5"), Ok(50_000));
        assert_eq!(parse_usd(" $12.5 "), Ok(125_000));
        assert_eq!(parse_usd("0.0001"), Ok(1));
        assert_eq!(parse_usd(".25"), Ok(2_500));
        for bad in [
            "",
            ".",
            "-5",
            "5,00",
            "1e3",
            "0",
            "0.00",
            "5.00001",
            "$",
            "99999999999999999999",
            "x",
        ] {
            assert!(parse_usd(bad).is_err(), "{bad}");
        }
    }
}
