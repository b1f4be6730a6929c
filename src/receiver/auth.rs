//! `listen --require-header`: the headers a platform is configured to send (Botpress's
//! `eventsWebHook.headers`, an eva webhook's header pairs), which a request must carry to be
//! accepted. One that lacks one, or carries another value, is answered 401 and flagged.

use hyper::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::http;

/// A header every request must carry: with this exact value, or with any value when `None`.
#[derive(Debug, Clone)]
pub struct Required {
    pub name: HeaderName,
    pub value: Option<HeaderValue>,
}

impl Required {
    /// `NAME=VALUE` (the value compared exactly) or `NAME` (present, with any value). A header name
    /// holds no `=`, so the first one ends it.
    pub fn parse(spec: &str) -> Result<Required> {
        let flag = "--require-header";
        let (name, value) = match spec.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value)),
            None => (spec.trim(), None),
        };
        if name.is_empty() {
            return Err(Error::usage(format!(
                "{flag} '{}': expected NAME=VALUE or NAME",
                http::escaped(spec)
            )));
        }
        // The same rules as any header hookctl handles, with the value hidden when it looks secret.
        let (name, value) = match value {
            Some(v) => {
                let (n, v) = http::header(name, v.trim(), flag)?;
                (n, Some(v))
            }
            None => (http::header(name, "", flag)?.0, None),
        };
        Ok(Required { name, value })
    }

    /// How it is said at start: the value redacted when it looks secret, unless kept.
    pub fn shown(&self, keep_secrets: bool) -> String {
        match &self.value {
            None => format!("{} (any value)", self.name),
            Some(_) if !keep_secrets && http::is_secret(self.name.as_str()) => {
                format!("{}: {}", self.name, http::REDACTED)
            }
            Some(v) => format!("{}: {}", self.name, String::from_utf8_lossy(v.as_bytes())),
        }
    }
}

/// Why a request is refused for its headers, or `None` when it carries every required one.
/// A header may come more than once: one of its values must match, each compared in constant
/// time. The reason names the header only, never a value (nor its length or a part of it): it is
/// the body of the 401 a client gets.
pub fn check(required: &[Required], headers: &HeaderMap) -> Option<String> {
    use subtle::ConstantTimeEq;
    let problems: Vec<String> = required
        .iter()
        .filter_map(|r| {
            let mut values = headers.get_all(&r.name).iter().peekable();
            if values.peek().is_none() {
                return Some(format!("missing required header {}", r.name));
            }
            let want = r.value.as_ref()?;
            let matched = values.any(|v| bool::from(v.as_bytes().ct_eq(want.as_bytes())));
            (!matched).then(|| format!("required header {} has another value", r.name))
        })
        .collect();
    let (missing, other): (Vec<String>, Vec<String>) =
        problems.into_iter().partition(|p| p.starts_with("missing"));
    let problems: Vec<String> = other.into_iter().chain(missing).collect();
    (!problems.is_empty()).then(|| problems.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(HeaderName::from_bytes(n.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn required(specs: &[&str]) -> Vec<Required> {
        specs.iter().map(|s| Required::parse(s).unwrap()).collect()
    }

    #[test]
    fn a_value_is_compared_exactly_and_a_name_alone_asks_for_presence() {
        let r = required(&["X-Source=botpress", "X-Trace"]);
        assert_eq!(check(&r, &headers(&[("x-source", "botpress"), ("x-trace", "1")])), None);
        assert_eq!(
            check(&r, &headers(&[("x-source", "Botpress"), ("x-trace", "")])).as_deref(),
            Some("required header x-source has another value")
        );
        assert_eq!(
            check(&r, &headers(&[("x-source", "botpress")])).as_deref(),
            Some("missing required header x-trace")
        );
        assert_eq!(
            check(&r, &headers(&[])).as_deref(),
            Some("missing required header x-source; missing required header x-trace")
        );
        // One of several values is enough.
        assert_eq!(
            check(&r, &headers(&[("x-source", "a"), ("x-source", "botpress"), ("x-trace", "")])),
            None
        );
    }

    #[test]
    fn a_refusal_never_says_a_value_whatever_the_header_s_name() {
        for spec in ["Authorization=Bearer s3cret", "X-Webhook-Key=s3cret", "X-Source=s3cret"] {
            let r = required(&[spec]);
            let name = r[0].name.as_str().to_string();
            let wrong = headers(&[(&name, "s3cre"), (&name, "guess")]);
            let said = check(&r, &wrong).unwrap();
            assert_eq!(said, format!("required header {name} has another value"));
        }
        let r = required(&["Authorization=Bearer s3cret"]);
        assert_eq!(r[0].shown(false), "authorization: <redacted>");
        assert_eq!(r[0].shown(true), "authorization: Bearer s3cret");
        assert_eq!(required(&["X-Trace"])[0].shown(false), "x-trace (any value)");
    }

    #[test]
    fn a_bad_spec_is_a_usage_error_naming_the_flag() {
        for spec in ["", "=v", "bad name=v", "X-A=line\nbreak"] {
            let e = Required::parse(spec).unwrap_err();
            assert_eq!(e.exit(), crate::error::Exit::Usage, "{spec:?}");
            assert!(e.to_string().starts_with("--require-header"), "{spec:?}: {e}");
        }
        // A value may hold '=' (base64, query strings).
        let r = Required::parse("X-Sig=a=b==").unwrap();
        assert_eq!(r.value.unwrap(), "a=b==");
    }
}
