//! The service's money: credits, a ten-thousandth of a US dollar each.

/// Credits in a US dollar.
pub(crate) const CREDITS_PER_USD: i64 = 10_000;

/// Credits as a USD amount with at least two decimals: 50000 → `5.00`, 12345 → `1.2345`,
/// -15000 → `-1.50`.
pub(crate) fn usd(credits: i64) -> String {
    let per = CREDITS_PER_USD;
    let sign = if credits < 0 { "-" } else { "" };
    let magnitude = credits.unsigned_abs();
    let per = per.unsigned_abs();
    let text = format!("{}.{:04}", magnitude / per, magnitude % per);
    let trimmed = text.trim_end_matches('0');
    let decimals = trimmed.find('.').map_or(2, |dot| trimmed.len() - dot - 1);
    format!(
        "{sign}{trimmed}{}",
        "0".repeat(2usize.saturating_sub(decimals))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usd_amounts_keep_two_decimals_at_least() {
        assert_eq!(usd(50_000), "5.00");
        assert_eq!(usd(12_345), "1.2345");
        assert_eq!(usd(1), "0.0001");
        assert_eq!(usd(0), "0.00");
        assert_eq!(usd(100_000_000), "10000.00");
        assert_eq!(usd(15_000), "1.50");
        assert_eq!(usd(-15_000), "-1.50");
        assert_eq!(usd(i64::MIN), "-922337203685477.5808");
    }
}
