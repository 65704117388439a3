//! `name=value` arguments into SDK parameters.

use lbc_core::Params;

use crate::exit::Failure;

/// The pairs as [`Params`], in the order given; a name given twice is a usage error.
pub fn to_params(pairs: &[(String, String)]) -> Result<Params, Failure> {
    let mut params = Params::new();
    for (name, value) in pairs {
        if params.get(name).is_some() {
            return Err(Failure::usage(format!("parameter `{name}` is given twice")));
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
}
