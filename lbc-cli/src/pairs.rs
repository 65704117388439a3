//! `name=value` arguments into SDK parameters.

use lbc_core::protocol::{Params, excerpt};

use crate::exit::Failure;

/// The pairs as [`Params`], in the order given; a name given twice is a usage error.
pub fn to_params(pairs: &[(String, String)]) -> Result<Params, Failure> {
    let mut params = Params::new();
    for (name, value) in pairs {
        if params.get(name).is_some() {
            return Err(Failure::usage(format!(
                "parameter `{}` is given twice",
                excerpt(name)
            )));
        }
        params.set(name.as_str(), value.as_str());
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_and_duplicates_refused() {
        let pairs = vec![
            ("b".to_owned(), "1".to_owned()),
            ("a".to_owned(), String::new()),
        ];
        let params = to_params(&pairs).unwrap();
        assert_eq!(params.iter().collect::<Vec<_>>(), [("b", "1"), ("a", "")]);
        let twice = vec![
            ("a".to_owned(), "1".to_owned()),
            ("a".to_owned(), "2".to_owned()),
        ];
        assert!(matches!(to_params(&twice), Err(Failure::Usage(_))));
    }

    #[test]
    fn a_long_name_given_twice_is_quoted_short() {
        let name = "n".repeat(100_000);
        let twice = vec![(name.clone(), "1".to_owned()), (name, "2".to_owned())];
        let Err(Failure::Usage(message)) = to_params(&twice) else {
            panic!("refused");
        };
        assert!(message.len() < 100, "{} bytes", message.len());
    }
}
