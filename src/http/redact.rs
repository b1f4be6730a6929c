//! What is secret, and how it is shown: the one rule by name for headers and URL parameters,
//! and the redaction of URLs (userinfo, query, fragment, matrix parameters) and header lists that
//! every output uses.

use std::borrow::Cow;

use reqwest::header::{self, HeaderMap, HeaderName};

/// The one rule for what is secret, by name, for a header and for a parameter of a URL (in its
/// query, its fragment or a path segment's `;name=value`) alike. A name is secret when, in any
/// case, it contains one of these ...
pub const SECRET_PARTS: &[&str] = &[
    "auth",
    "cookie",
    "credential",
    "jwt",
    "key",
    "passphrase",
    "passwd",
    "password",
    "secret",
    "session",
    "signature",
    "token",
];

/// ... or one of its words is one of these: words split at anything not a letter or a digit, and
/// where a lowercase letter or a digit meets an uppercase one (`sig`, `api_code`, `accessCode`; not
/// `signal`, `zipcode`, `passage`). `code` is Azure Functions' key (`?code=`), `sig` Azure's SAS.
pub const SECRET_WORDS: &[&str] = &["code", "hmac", "pass", "pwd", "sig"];

/// ... unless it is one of these, which hold what a server tells every client (how to authenticate),
/// never a credential.
pub const NOT_SECRET: &[&str] = &["www-authenticate", "proxy-authenticate"];

pub const REDACTED: &str = "<redacted>";

/// Whether a header's value is a secret, by the header's name ([`SECRET_PARTS`], [`SECRET_WORDS`]).
pub fn is_secret(name: &str) -> bool {
    secret_name(name.as_bytes()) && !NOT_SECRET.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a URL parameter's value is a secret, by the parameter's name (percent-decoded): the
/// same rule as for headers.
pub fn is_secret_param(name: &str) -> bool {
    secret_name(name.as_bytes())
}

fn secret_name(name: &[u8]) -> bool {
    has_secret_part(name) || has_secret_word(name)
}

fn has_secret_part(name: &[u8]) -> bool {
    // This runs for every header of every request a listener receives, and names are short: one
    // pass over the name, each place looked up by its byte among the parts' first bytes, a part
    // compared (in any case) only where one starts with it.
    (0..name.len()).any(|at| {
        let mut parts = SECRET_STARTS[name[at].to_ascii_lowercase() as usize];
        while parts != 0 {
            let part = SECRET_PARTS[parts.trailing_zeros() as usize].as_bytes();
            if name.get(at..at + part.len()).is_some_and(|w| w.eq_ignore_ascii_case(part)) {
                return true;
            }
            parts &= parts - 1;
        }
        false
    })
}

/// For each byte, the parts of [`SECRET_PARTS`] that start with it (a bit each, in order).
static SECRET_STARTS: [u16; 256] = {
    let mut starts = [0u16; 256];
    let mut i = 0;
    while i < SECRET_PARTS.len() {
        starts[SECRET_PARTS[i].as_bytes()[0] as usize] |= 1 << i;
        i += 1;
    }
    starts
};

/// Whether a word of the name is one of [`SECRET_WORDS`]. Bytes beyond ASCII count as letters
/// without case.
fn has_secret_word(name: &[u8]) -> bool {
    let word_char = |b: u8| b.is_ascii_alphanumeric() || !b.is_ascii();
    let mut start = 0;
    for at in 0..=name.len() {
        let end = match name.get(at) {
            None => true,
            Some(&b) if !word_char(b) => true,
            // A lowercase letter or a digit, then an uppercase one: a new word starts here.
            Some(&b) => b.is_ascii_uppercase() && at > start && !name[at - 1].is_ascii_uppercase(),
        };
        if !end {
            continue;
        }
        let word = &name[start..at];
        if SECRET_WORDS.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word)) {
            return true;
        }
        start = if name.get(at).is_some_and(|&b| word_char(b)) { at } else { at + 1 };
    }
    false
}

/// A URL (`http://user:pw@host/hook?token=abc`) or a request target (`/hook?token=abc`) as it may
/// be shown, printed or saved: unless `show`, the password of its userinfo (or its user name when
/// it stands alone, as a token does) and the value of every secret parameter ([`is_secret_param`])
/// in its query, its fragment (`#access_token=...`) and its path (`/hook;token=...`) are
/// `<redacted>`. The one place URLs are redacted, for every command and every output.
pub fn shown_url(text: &str, show: bool) -> String {
    if show {
        return text.to_string();
    }
    let (main, fragment) = match text.find('#') {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (before, query) = match main.find('?') {
        Some(at) => (&main[..at], Some(&main[at + 1..])),
        None => (main, None),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&redact_path_params(&redact_userinfo(before)));
    for (mark, params) in [('?', query), ('#', fragment)] {
        if let Some(params) = params {
            out.push(mark);
            out.push_str(&redact_params(params, '&'));
        }
    }
    out
}

/// `scheme://user:password@host/...` with the password redacted, `scheme://user@host/...` with
/// the user redacted; anything else as it is.
fn redact_userinfo(text: &str) -> Cow<'_, str> {
    let Some(scheme_end) = text.find("://") else { return Cow::Borrowed(text) };
    let start = scheme_end + 3;
    let authority_end = text[start..].find('/').map_or(text.len(), |i| start + i);
    let authority = &text[start..authority_end];
    let Some(at) = authority.rfind('@') else { return Cow::Borrowed(text) };
    let from = match authority[..at].find(':') {
        Some(colon) => colon + 1,
        None => 0,
    };
    if from == at {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{}{REDACTED}{}", &text[..start + from], &text[start + at..]))
}

/// A path with the values of its secret matrix parameters (`/hook;token=abc`) redacted.
fn redact_path_params(path: &str) -> Cow<'_, str> {
    if !path.contains(';') {
        return Cow::Borrowed(path);
    }
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| match segment.split_once(';') {
            Some((head, params)) => format!("{head};{}", redact_params(params, ';')),
            None => segment.to_string(),
        })
        .collect();
    Cow::Owned(segments.join("/"))
}

/// A URL that may not parse, as an error message echoes it: as [`shown_url`] shows it, and with
/// whatever stands between the first `:` after the scheme and the last `@` redacted, since nothing
/// tells where the password of such a URL ends.
pub fn shown_raw_url(raw: &str) -> String {
    let start = raw.find("://").map_or(0, |i| i + 3);
    if let Some(at) = raw[start..].rfind('@').map(|i| start + i) {
        if let Some(colon) = raw[start..at].find(':').map(|i| start + i) {
            return format!("{}{REDACTED}{}", &raw[..=colon], shown_url(&raw[at..], false));
        }
    }
    shown_url(raw, false)
}

/// Parameters (`name=value`, split at `separator`) with the values of secret ones redacted;
/// names, order and the other values as they were.
fn redact_params(params: &str, separator: char) -> String {
    let pairs: Vec<String> = params
        .split(separator)
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !value.is_empty() && is_secret_param(&decoded(name)) => {
                format!("{name}={REDACTED}")
            }
            _ => pair.to_string(),
        })
        .collect();
    pairs.join(&separator.to_string())
}

/// A query name percent-decoded (and `+` as a space), as a server reads it.
fn decoded(name: &str) -> String {
    url::form_urlencoded::parse(name.as_bytes()).next().map_or_else(String::new, |(n, _)| n.into_owned())
}

/// The names of the parameters that [`shown_url`] redacted in `text`'s query and path (to say
/// what a replay cannot send; a fragment is never sent).
pub fn redacted_params(text: &str) -> Vec<String> {
    let main = text.split('#').next().unwrap_or_default();
    main.split(['?', '&', ';'])
        .skip(1)
        .filter_map(|pair| pair.split_once('='))
        .filter(|(_, value)| value.split('/').next() == Some(REDACTED))
        .map(|(name, _)| decoded(name))
        .collect()
}

/// Headers nearly every request carries, none of them a secret by the rule: known at a glance (a
/// standard name compares as a number), so the rule is read only for the others.
const PLAIN: [HeaderName; 7] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::HOST,
    header::ACCEPT,
    header::USER_AGENT,
    header::ACCEPT_ENCODING,
    header::CONNECTION,
];

/// Headers whose value is a URL, shown as [`shown_url`] shows one (lowercase, as a header map
/// holds names).
const URL_VALUED: &[&str] = &["location", "content-location", "referer"];

/// Headers as `(name, value)` pairs for printing and saving, with secrets redacted unless asked.
/// A value that is not UTF-8 has those bytes escaped (`\xff`), never replaced.
pub fn shown_headers(headers: &HeaderMap, show_secrets: bool) -> Vec<(String, String)> {
    shown_headers_kept(headers, show_secrets).0
}

/// Headers as shown, with the values shown escaped as they came: each its index in the pairs
/// and its bytes, base64.
pub type KeptHeaders = (Vec<(String, String)>, Vec<(usize, String)>);

/// As [`shown_headers`], and the values shown escaped (not UTF-8) kept as they came.
pub fn shown_headers_kept(headers: &HeaderMap, show_secrets: bool) -> KeptHeaders {
    use base64::Engine;
    // At its final size: a header map's iterator does not say how many it holds.
    let mut shown = Vec::with_capacity(headers.len());
    let mut kept = Vec::new();
    for (name, value) in headers {
        let v = if !show_secrets && !PLAIN.contains(name) && is_secret(name.as_str()) {
            REDACTED.to_string()
        } else {
            let url_valued = URL_VALUED.contains(&name.as_str());
            // Visible ASCII, as most values are, is the same text read either way.
            let text = match value.to_str() {
                Ok(text) => text.to_owned(),
                Err(_) => match std::str::from_utf8(value.as_bytes()) {
                    Ok(text) => text.to_owned(),
                    Err(_) => {
                        // Kept as they came, but for a URL, whose secrets are redacted below.
                        if !url_valued {
                            let bytes = base64::engine::general_purpose::STANDARD.encode(value.as_bytes());
                            kept.push((shown.len(), bytes));
                        }
                        escaped_bytes(value.as_bytes())
                    }
                },
            };
            match url_valued {
                true => shown_url(&text, show_secrets),
                false => text,
            }
        };
        shown.push((name.as_str().to_owned(), v));
    }
    (shown, kept)
}

/// Bytes as text: UTF-8 as it is, each other byte as `\xNN`.
pub fn escaped_bytes(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn a_name_holds_a_secret_part_anywhere_in_any_case() {
        let naive = |name: &str| SECRET_PARTS.iter().any(|p| name.to_ascii_lowercase().contains(p));
        let bits = ["", "x-", "a", "toke", "-id", "sessio", "T", "COOKIE", "Signature", "pass", "word"];
        let mut names = Vec::new();
        for a in bits {
            for b in bits {
                for c in bits {
                    names.push(format!("{a}{b}{c}"));
                }
            }
        }
        names.extend(SECRET_PARTS.iter().map(|p| p.to_string()));
        names.extend(SECRET_PARTS.iter().map(|p| p[..p.len() - 1].to_string()));
        for name in &names {
            assert_eq!(has_secret_part(name.as_bytes()), naive(name), "{name}");
        }
        assert!(
            names.iter().filter(|n| has_secret_part(n.as_bytes())).count() > 100,
            "secret names among them"
        );
    }

    #[test]
    fn secret_headers_are_known_by_any_part_of_their_name_in_any_case() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "Set-Cookie",
            "X-Api-Key",
            "x-apikey",
            "X-Auth-Token",
            "x-webhook-secret",
            "X-Password",
            "X-Session-Id",
            "AUTHORIZATION",
            "X-Webhook-Key",
            "X-Auth-Key",
            "X-Key",
            "X-Jwt-Assertion",
            "X-Hub-Signature",
            "X-Functions-Key",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "Content-Type",
            "Accept",
            "User-Agent",
            "X-Tenant",
            "X-Trace",
            "Host",
            "Keep-Alive",
            "X-Api",
            "X-Assessment",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn shown_headers_redact_secrets_unless_asked() {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("Bearer tok"));
        h.insert("x-tenant", HeaderValue::from_static("acme"));
        assert_eq!(
            shown_headers(&h, false),
            [
                ("authorization".to_string(), REDACTED.to_string()),
                ("x-tenant".to_string(), "acme".to_string())
            ]
        );
        assert_eq!(shown_headers(&h, true)[0], ("authorization".to_string(), "Bearer tok".to_string()));
        h.insert("location", HeaderValue::from_static("https://u:pw@host/next?code=abc&page=2"));
        let location = |show| shown_headers(&h, show).pop().map(|(_, v)| v);
        assert_eq!(location(false).as_deref(), Some("https://u:<redacted>@host/next?code=<redacted>&page=2"));
        assert_eq!(location(true).as_deref(), Some("https://u:pw@host/next?code=abc&page=2"));
        assert_eq!(REDACTED, "<redacted>");
    }

    #[test]
    fn shown_headers_keep_a_value_that_is_not_visible_ascii_as_its_utf8_reads() {
        let mut h = HeaderMap::new();
        h.append("x-name", HeaderValue::from_bytes("José\tSilva".as_bytes()).expect("a value"));
        h.append("x-name", HeaderValue::from_bytes(b"ab\xffcd").expect("a value"));
        h.append("x-name", HeaderValue::from_static("plain\tvalue"));
        let values: Vec<String> = shown_headers(&h, false).into_iter().map(|(_, v)| v).collect();
        // Bytes that are not UTF-8 escaped, never replaced.
        assert_eq!(values, ["José\tSilva", "ab\\xffcd", "plain\tvalue"]);
    }

    #[test]
    fn shown_headers_kept_keeps_the_bytes_of_a_value_that_is_not_utf8_but_not_of_a_url_or_a_secret() {
        let mut h = HeaderMap::new();
        h.append("x-name", HeaderValue::from_bytes("José".as_bytes()).expect("a value"));
        h.append("x-raw", HeaderValue::from_bytes(b"ab\xffcd").expect("a value"));
        h.append("authorization", HeaderValue::from_bytes(b"Bearer \xff").expect("a value"));
        h.append("location", HeaderValue::from_bytes(b"/x?token=s3cret&a=\xff").expect("a value"));
        let (shown, kept) = shown_headers_kept(&h, false);
        assert_eq!(shown[1].1, "ab\\xffcd");
        assert_eq!(shown[2].1, REDACTED);
        assert!(!shown[3].1.contains("s3cret"), "{shown:?}");
        // Only the plain value is kept as bytes: a secret's and a URL's would bypass redaction.
        assert_eq!(kept, [(1, "YWL/Y2Q=".to_string())]);
    }

    #[test]
    fn signature_headers_are_secret() {
        for name in ["X-Signature", "X-Hub-Signature-256", "x-hub-signature", "Stripe-Signature"] {
            assert!(is_secret(name), "{name}");
        }
        for name in ["Content-Type", "User-Agent", "X-Request-Id"] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn secret_params_by_name() {
        for name in [
            "token",
            "access_token",
            "accessToken",
            "api_key",
            "apikey",
            "API-KEY",
            "XApiKey",
            "key",
            "secret",
            "client_secret",
            "signature",
            "hub.signature",
            "sig",
            "password",
            "auth",
            "authorization",
            "X-Amz-Credential",
            "sessionId",
            "jwt",
        ] {
            assert!(is_secret_param(name), "{name}");
        }
        for name in ["x", "page", "design", "signal", "zipcode", "codec", "passage", "id", "hooks", "Sigma"] {
            assert!(!is_secret_param(name), "{name}");
        }
    }

    #[test]
    fn secret_words_stand_alone_or_are_split_at_punctuation_and_case() {
        for name in
            ["code", "CODE", "api_code", "accessCode", "x-sig", "sig", "hmac", "user.pwd", "pass", "s3Sig"]
        {
            assert!(is_secret_param(name) && is_secret(name), "{name}");
        }
        for name in ["encode", "codes", "signals", "passes", "pwdx", "XSIGN", "Content-Encoding", "a_b_c"] {
            assert!(!is_secret_param(name) && !is_secret(name), "{name}");
        }
    }

    #[test]
    fn the_plain_headers_are_not_secrets_by_the_rule() {
        for name in &PLAIN {
            assert!(!is_secret(name.as_str()), "{name}");
        }
    }

    #[test]
    fn challenges_are_not_secrets_though_they_name_auth() {
        for name in ["WWW-Authenticate", "proxy-authenticate"] {
            assert!(!is_secret(name), "{name}");
        }
        assert!(is_secret("Authentication-Info") && is_secret("X-Authenticate-Token"));
    }

    #[test]
    fn urls_lose_their_password_and_secret_values() {
        let cases = [
            (
                "http://user:pw@127.0.0.1:3000/hook?token=abc&x=1",
                "http://user:<redacted>@127.0.0.1:3000/hook?token=<redacted>&x=1",
            ),
            ("https://tok3n@host/hook", "https://<redacted>@host/hook"),
            ("https://host/a@b", "https://host/a@b"),
            ("https://@host/hook", "https://@host/hook"),
            ("/cb#access_token=abc&state=s1", "/cb#access_token=<redacted>&state=s1"),
            ("/cb#top", "/cb#top"),
            ("/hook;token=abc;v=1/x;sig=s?x=1", "/hook;token=<redacted>;v=1/x;sig=<redacted>?x=1"),
            ("/hook;v=1", "/hook;v=1"),
            (
                "/api?code=abc&X-Amz-Signature=s&X-Amz-Credential=c",
                "/api?code=<redacted>&X-Amz-Signature=<redacted>&X-Amz-Credential=<redacted>",
            ),
            ("https://:pw@host", "https://:<redacted>@host"),
            ("http://u:p%40ss@host/a@b?x=1", "http://u:<redacted>@host/a@b?x=1"),
            ("/hook?sig=abc", "/hook?sig=<redacted>"),
            ("/hook?Api%5FKey=abc&page=2#top", "/hook?Api%5FKey=<redacted>&page=2#top"),
            ("/hook?token=&key&x=secret", "/hook?token=&key&x=secret"),
            ("/hook", "/hook"),
            ("not a url at all", "not a url at all"),
        ];
        for (raw, shown) in cases {
            assert_eq!(shown_url(raw, false), shown, "{raw}");
            assert_eq!(shown_url(raw, true), raw, "{raw}");
        }
    }

    #[test]
    fn redacted_params_are_named() {
        let shown = shown_url("/hook;key=k/x?sig=abc&x=1&access_token=t#token=f", false);
        assert_eq!(redacted_params(&shown), ["key", "sig", "access_token"]);
        assert!(redacted_params("/hook?x=1").is_empty());
    }
}
