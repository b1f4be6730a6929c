//! Hiding the values a suite took from the environment: each shown as `${NAME}` in whatever a
//! run writes.

/// Replace every secret value by `${NAME}`, longest values first: a value that holds another
/// (`abcdef` and `abc`) is masked whole, not left with a tail showing. A value that is a URL is
/// masked also as messages show it, its own secrets redacted.
pub fn mask(secrets: &[(String, String)], text: &str) -> String {
    let mut forms: Vec<(&str, String)> = Vec::new();
    for (name, value) in secrets {
        for form in [value.clone(), crate::http::shown_url(value, false), crate::http::shown_raw_url(value)] {
            if !form.is_empty() && !forms.iter().any(|(_, f)| *f == form) {
                forms.push((name, form));
            }
        }
    }
    forms.sort_by_key(|(_, form)| std::cmp::Reverse(form.len()));
    let mut out = text.to_string();
    for (name, form) in forms {
        out = out.replace(form.as_str(), &format!("${{{name}}}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_occurrence_of_a_secret_becomes_its_name() {
        let s = secrets(&[("TOKEN", "tok-5150"), ("KEY", "k-93f2a1")]);
        assert_eq!(
            mask(&s, "Bearer tok-5150, key k-93f2a1, again tok-5150"),
            "Bearer ${TOKEN}, key ${KEY}, again ${TOKEN}"
        );
        assert_eq!(mask(&s, "tok-5150tok-5150"), "${TOKEN}${TOKEN}");
    }

    #[test]
    fn text_without_secrets_is_unchanged() {
        let s = secrets(&[("TOKEN", "tok-5150")]);
        assert_eq!(mask(&s, "nothing to hide: tok-515"), "nothing to hide: tok-515");
        assert_eq!(mask(&[], "tok-5150"), "tok-5150");
        assert_eq!(mask(&s, ""), "");
    }

    #[test]
    fn masking_is_case_sensitive_and_exact() {
        let s = secrets(&[("TOKEN", "Secret")]);
        assert_eq!(mask(&s, "Secret secret SECRET"), "${TOKEN} secret SECRET");
    }

    #[test]
    fn a_url_is_masked_whole() {
        let s = secrets(&[("URL", "http://user:pw@host.test/")]);
        assert_eq!(mask(&s, "posting to http://user:pw@host.test/ failed"), "posting to ${URL} failed");
    }

    #[test]
    fn a_secret_that_holds_another_is_masked_whole() {
        for pairs in [[("A", "abc"), ("B", "abcdef")], [("B", "abcdef"), ("A", "abc")]] {
            let masked = mask(&secrets(&pairs), "token abcdef and abc");
            assert_eq!(masked, "token ${B} and ${A}", "{pairs:?}");
        }
    }
}
