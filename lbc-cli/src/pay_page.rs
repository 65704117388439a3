//! `lbc pay --html FILE`: the payment form as a whole HTML page, to open in a browser.
//!
//! The form is the SDK's [`Payment::to_html`] (escaped by the SDK for the first revision's shape, the
//! service's own fragment for the later one). The page lets it post where it points but runs no
//! script and loads nothing else: its Content-Security-Policy allows inline styles only.

use lbc_core::{Credits, Payment};

use crate::money;

/// The page.
pub fn page(payment: &Payment, amount: i64, locale: Option<&str>) -> String {
    let russian = locale == Some("ru");
    let (lang, title, lead, note) = if russian {
        (
            "ru",
            "Пополнение баланса LoginByCall",
            "Сумма",
            "Кнопка откроет страницу платёжной системы.",
        )
    } else {
        (
            "en",
            "Refill the LoginByCall balance",
            "Amount",
            "The button takes you to the payment system's page.",
        )
    };
    let shown = money::amount(Credits(amount));
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"{lang}\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{title}: {usd}</title>\n\
         <style>\n\
         body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #222; }}\n\
         .amount {{ font-size: 1.25rem; }}\n\
         .lbc-payment-button {{ font-size: 1.1rem; padding: .6rem 1.6rem; cursor: pointer; }}\n\
         .note {{ color: #666; font-size: .9rem; }}\n\
         </style>\n\
         </head>\n\
         <body>\n\
         <main>\n\
         <h1>{title}</h1>\n\
         <p class=\"amount\">{lead}: {shown}</p>\n\
         {form}\n\
         <p class=\"note\">{note}</p>\n\
         </main>\n\
         </body>\n\
         </html>\n",
        usd = money::usd(Credits(amount)),
        form = payment.to_html(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_whole_and_holds_the_form() {
        let payment = Payment::Form {
            url: "https://pay.example/a?b=1&c=2".into(),
            method: "POST".into(),
            fields: vec![("MNT_AMOUNT".into(), "5.00".into())],
        };
        let page = page(&payment, 50_000, None);
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page}"
        );
        assert!(page.trim_end().ends_with("</html>"));
        assert!(page.contains("$5.00 (50000 credits)"));
        assert!(page.contains("action=\"https://pay.example/a?b=1&amp;c=2\""));
        assert!(page.contains("name=\"MNT_AMOUNT\" value=\"5.00\""));
        assert!(page.contains("class=\"lbc-payment-button\""));
        assert!(page.contains("default-src 'none'"));
        assert!(page_in_russian().contains("<html lang=\"ru\">"));
    }

    fn page_in_russian() -> String {
        let html = Payment::Html {
            html: "<form></form>".into(),
        };
        page(&html, 1, Some("ru"))
    }
}
