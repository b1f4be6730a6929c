//! The one reading of a target URL, for every flag, variable and file that names one: `http` or
//! `https`, the scheme left out meaning `http://` (`localhost:3000/hook`, `:3000/hook`), and a
//! mistyped scheme (`http//host`, `htp://host`, `http:/host`) refused with the URL that was meant.

use super::shown_raw_url;
use crate::error::{Error, Result};

/// Whether a URL may be given without its scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    /// Typed by a person: none means `http://`.
    Optional,
    /// Read by the platform as written: it must be there.
    Required,
}

/// How a URL begins, as far as its scheme goes.
#[derive(Debug, PartialEq, Eq)]
enum Start<'a> {
    /// `SCHEME://REST`.
    Scheme(&'a str),
    /// A scheme close to `http` or `https` with its separator mistyped, or a scheme one edit from
    /// either: the URL meant, whole.
    Mistyped(String),
    /// `NAME:` followed by what is no port (`mailto:x`): some other scheme, or not a URL.
    Other,
    /// No scheme: a host (and port, path, query), or `:PORT`.
    None,
}

/// Check a target URL (absolute, http or https) and name where it came from in errors, which
/// echo it with its secrets redacted.
pub(super) fn parse(raw: &str, origin: &str, scheme: Scheme) -> Result<url::Url> {
    let shown = shown_raw_url(raw);
    let refuse = |why: &str| Error::usage(format!("{origin} '{shown}': {why}"));
    let invalid = |e: &dyn std::fmt::Display| {
        refuse(&format!("not a valid URL ({e}); expected e.g. http://localhost:3000/hook"))
    };
    let text = raw.trim();
    let written = match start(text) {
        Start::Mistyped(meant) => {
            return Err(refuse(&format!("mistyped scheme; did you mean {}?", shown_raw_url(&meant))));
        }
        Start::Scheme(_) | Start::Other => text.to_string(),
        Start::None if text.starts_with('/') => return Err(invalid(&"a path alone, with no host")),
        Start::None if scheme == Scheme::Required => {
            let meant = with_http(text);
            return Err(refuse(&format!(
                "no scheme, and this URL is used as written; did you mean {}?",
                shown_raw_url(&meant)
            )));
        }
        Start::None => with_http(text),
    };
    let url = url::Url::parse(&written).map_err(|e| invalid(&e))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(refuse(&format!("unsupported scheme '{other}' (use http or https)"))),
    }
}

/// A URL without its scheme as `http://` reads it: `:3000/hook` is on localhost.
fn with_http(text: &str) -> String {
    match text.strip_prefix(':') {
        Some(rest) => format!("http://localhost:{rest}"),
        None => format!("http://{text}"),
    }
}

/// Read how `text` begins: its scheme, a mistyped one, or none.
fn start(text: &str) -> Start<'_> {
    let first = text.as_bytes().first().copied();
    let len = match first {
        Some(b) if b.is_ascii_alphabetic() => text
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
            .unwrap_or(text.len()),
        _ => 0,
    };
    let (name, after) = text.split_at(len);
    if name.is_empty() {
        return Start::None;
    }
    let near = near_http(name);
    if let Some(rest) = after.strip_prefix("://") {
        return match near {
            Some(meant) if !name.eq_ignore_ascii_case(meant) => Start::Mistyped(format!("{meant}://{rest}")),
            _ => Start::Scheme(name),
        };
    }
    let port_follows = |s: &str| {
        s.strip_prefix(':').is_some_and(|p| p.is_empty() || p.starts_with(|c: char| c.is_ascii_digit()))
    };
    if let Some(meant) = near {
        // `http//host`, `http:/host`, `http:host`: the separator is mistyped (`http:3000` is a
        // host named http and its port). `http:` alone means nothing.
        let mistyped = after.starts_with("//") || (after.starts_with(':') && !port_follows(after));
        let rest = after.trim_start_matches([':', '/']);
        match (mistyped, rest.is_empty()) {
            (true, false) => return Start::Mistyped(format!("{meant}://{rest}")),
            (_, true) if !after.is_empty() => return Start::Other,
            _ => {}
        }
    }
    if after.starts_with(':') && !port_follows(after) { Start::Other } else { Start::None }
}

/// `http` or `https` when `scheme` is one of them in any case, or one edit (a letter added, left
/// out, changed, or two swapped) from one of them; the nearer, `http` on a tie.
fn near_http(scheme: &str) -> Option<&'static str> {
    let lower = scheme.to_ascii_lowercase();
    ["http", "https"]
        .into_iter()
        .map(|s| (strsim::osa_distance(&lower, s), s))
        .filter(|(d, _)| *d <= 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_a_url_begins() {
        assert_eq!(start("http://h/x"), Start::Scheme("http"));
        assert_eq!(start("HTTPS://h"), Start::Scheme("HTTPS"));
        assert_eq!(start("ftp://h"), Start::Scheme("ftp"));
        for (raw, meant) in [
            ("http//h/x", "http://h/x"),
            ("https//h", "https://h"),
            ("http:/h", "http://h"),
            ("http:h", "http://h"),
            ("htp://h", "http://h"),
            ("htps://h:1/x?y", "https://h:1/x?y"),
            ("hhtp://h", "http://h"),
            ("httpss://h", "https://h"),
            ("HTTP//h", "http://h"),
            ("htp//h", "http://h"),
        ] {
            assert_eq!(start(raw), Start::Mistyped(meant.into()), "{raw}");
        }
        for raw in ["localhost:3000/hook", ":3000/hook", "example.test/hook", "127.0.0.1:8080", "[::1]:80/x"]
        {
            assert_eq!(start(raw), Start::None, "{raw}");
        }
        // A host named like the scheme, and its port.
        assert_eq!(start("http:3000/x"), Start::None);
        assert_eq!(start("httpbin.org/post"), Start::None);
        assert_eq!(start("mailto:someone"), Start::Other);
        assert_eq!(start("http:"), Start::Other, "nothing after it to mean");
        assert_eq!(start("http://"), Start::Scheme("http"));
    }

    #[test]
    fn near_http_is_one_edit_away() {
        assert_eq!(near_http("http"), Some("http"));
        assert_eq!(near_http("HTTPS"), Some("https"));
        assert_eq!(near_http("htpt"), Some("http"));
        assert_eq!(near_http("httpx"), Some("http"), "a tie goes to http");
        for far in ["ftp", "ws", "wss", "file", "hxxp", "localhost", ""] {
            assert_eq!(near_http(far), None, "{far}");
        }
    }
}
