//! The HTTP side of sending: one client per run (connections are pooled and reused), transport
//! errors that say which (refused, DNS, TLS, timeout), capped response bodies, redacted headers.

use std::borrow::Cow;
use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::error::{Error, Result};

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
        let v = if !show_secrets && is_secret(name.as_str()) {
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

/// The header in which `listen --forward-to` names the hookctl listeners a relayed request came
/// through, so that a request that comes back is not relayed again.
pub const HOP_HEADER: &str = "x-hookctl-hop";

/// Headers that describe one hop, not the message (RFC 9110 7.6.1, plus the framing and the hop
/// header hookctl owns): not relayed by `--forward-to`, not replayed. Any case.
pub fn hop_by_hop(name: &str) -> bool {
    const HOP: &[&str] = &[
        HOP_HEADER,
        "host",
        "content-length",
        "connection",
        "transfer-encoding",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
    ];
    HOP.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Headers hookctl writes itself, from the URL and the body it sends: a user's value would
/// contradict the request. With why, for the message.
const OWNED: &[(&str, &str)] = &[
    ("host", "from the URL"),
    ("content-length", "from the body it sends"),
    ("transfer-encoding", "from the body it sends"),
];

/// Parse `Name: value` (from `-H`), naming the flag in errors.
pub fn parse_header(spec: &str) -> Result<(HeaderName, HeaderValue)> {
    let Some((name, value)) = spec.split_once(':') else {
        // A bare header name is shown; anything else may be a secret given without its name
        // (`-H 'Bearer abc123'`), and is not.
        let shown = match HeaderName::from_bytes(spec.trim().as_bytes()) {
            Ok(_) => escaped(spec),
            Err(_) => REDACTED.to_string(),
        };
        return Err(Error::usage(format!("-H '{shown}': expected 'Name: value'")));
    };
    let shown =
        if is_secret(name.trim()) { format!("{}: {REDACTED}", name.trim()) } else { spec.to_string() };
    header(name.trim(), value.trim(), &format!("-H '{}'", escaped(&shown)))
}

/// A header from a name and a value, naming where it came from in errors. Refused: what is not a
/// header name, a value of more than one line (or with other control characters), and the
/// headers hookctl writes itself. Messages show what was given escaped, on one line, and do not
/// show a value that looks secret.
pub fn header(name: &str, value: &str, origin: &str) -> Result<(HeaderName, HeaderValue)> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::usage(format!("{origin}: '{}' is not a valid header name", escaped(name))))?;
    if let Some((_, why)) = OWNED.iter().find(|(n, _)| *n == header_name.as_str()) {
        return Err(Error::usage(format!(
            "{origin}: hookctl sets {name} itself, {why}; leave it out",
            name = escaped(name)
        )));
    }
    let value = HeaderValue::from_str(value).map_err(|_| {
        let what = if value.contains(['\r', '\n']) { "a line break" } else { "a control character" };
        let shown = if is_secret(header_name.as_str()) {
            "the value looks secret and is not shown".to_string()
        } else {
            format!("\"{}\"", escaped(value))
        };
        Error::usage(format!(
            "{origin}: the value of {header_name} holds {what} ({shown}); a header value is one line of text"
        ))
    })?;
    Ok((header_name, value))
}

/// Text on one line: line breaks, tabs and other control characters written as escapes.
pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// How many redirects a delivery follows, as axios does.
pub const REDIRECTS: usize = 5;

/// A client for a whole run. Redirects are followed as axios does (at most [`REDIRECTS`]), to
/// `http://` and `https://` alike. Its TLS setup is the client's own default (the system's roots,
/// TLS 1.2 and 1.3, ALPN h2 then http/1.1), except that the system's roots are read at the first
/// TLS handshake rather than here: a run that never meets `https://` never reads them.
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    client_following(timeout, REDIRECTS)
}

/// As [`client`], following at most `redirects` redirects (for a delivery whose first redirect
/// was followed by hand).
pub fn client_following(timeout: Duration, redirects: usize) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(redirects))
        .tls_backend_preconfigured(tls_config()?)
        .build()
        .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))
}

/// The TLS configuration the client would build by default, with the certificate verifier
/// deferred ([`SystemRoots`]).
fn tls_config() -> Result<rustls::ClientConfig> {
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(SystemRoots::new(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform's certificate verifier (the system's root store), made when a TLS handshake
/// first asks for it. Every check is the platform verifier's own; a system with no roots fails
/// the handshake that needs them, not the run.
#[derive(Debug)]
struct SystemRoots {
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
    verifier: std::sync::OnceLock<std::result::Result<rustls_platform_verifier::Verifier, rustls::Error>>,
}

impl SystemRoots {
    fn new(provider: std::sync::Arc<rustls::crypto::CryptoProvider>) -> Self {
        SystemRoots { provider, verifier: std::sync::OnceLock::new() }
    }

    fn get(&self) -> std::result::Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| rustls_platform_verifier::Verifier::new(self.provider.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl rustls::client::danger::ServerCertVerifier for SystemRoots {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        self.get()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        // What the platform verifier answers, from the same provider, without its roots.
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Check a target URL: absolute, http or https.
pub fn parse_url(raw: &str, origin: &str) -> Result<url::Url> {
    // The URL is echoed in the message, but never its secrets.
    let shown = shown_raw_url(raw);
    let url = url::Url::parse(raw).map_err(|e| {
        Error::usage(format!(
            "{origin} '{shown}': not a valid URL ({e}); expected e.g. http://localhost:3000/hook"
        ))
    })?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => {
            Err(Error::usage(format!("{origin} '{shown}': unsupported scheme '{other}' (use http or https)")))
        }
    }
}

/// What came back.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub status: u16,
    #[serde(skip)]
    pub headers: HeaderMap,
    #[serde(skip)]
    pub body: Vec<u8>,
    /// The body was longer than the cap; only the first `cap` bytes were read.
    pub truncated: bool,
    pub latency_ms: f64,
}

/// POST a body and read the answer, at most `cap` bytes of it.
/// The error is the one-line description of a transport failure.
pub async fn post(
    client: &reqwest::Client,
    url: &url::Url,
    headers: &HeaderMap,
    body: &bytes::Bytes,
    cap: usize,
    timeout: Duration,
) -> std::result::Result<Answer, String> {
    send(client, reqwest::Method::POST, url, headers.clone(), Some(body.clone()), cap, timeout).await
}

/// Send one request with `method` (and `body` when given), and read the answer up to `cap` bytes.
pub async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &url::Url,
    headers: HeaderMap,
    body: Option<bytes::Bytes>,
    cap: usize,
    timeout: Duration,
) -> std::result::Result<Answer, String> {
    let started = Instant::now();
    let mut request = client.request(method, url.clone()).headers(headers);
    if let Some(body) = body {
        request = request.body(body);
    }
    let mut resp = request.send().await.map_err(|e| describe(&e, url, timeout))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e, url, timeout))? {
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, headers, body, truncated, latency_ms: started.elapsed().as_secs_f64() * 1e3 })
}

/// A transport failure the operating system names (refused, reset, timed out), in one line; `None`
/// for the others. Shared by every client hookctl runs.
pub fn io_failure(io: &std::io::Error, at: &str) -> Option<String> {
    match io.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            Some(format!("connection refused: nothing is listening on {at}"))
        }
        std::io::ErrorKind::ConnectionReset => Some(format!("connection reset by {at} before it answered")),
        std::io::ErrorKind::TimedOut => Some(format!("timeout: connecting to {at} timed out")),
        _ => None,
    }
}

/// Say which transport failure this is, in one line. The URL's secrets are never in it, shown or
/// not elsewhere: an error message is copied into logs and reports.
pub fn describe(e: &reqwest::Error, url: &url::Url, timeout: Duration) -> String {
    let host = url.host_str().unwrap_or_default();
    let shown = shown_url(url.as_str(), false);
    let at = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    if e.is_timeout() {
        return format!("timeout: {shown} did not answer within {} (--timeout)", human(timeout));
    }
    let mut chain = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(said) = s.downcast_ref::<std::io::Error>().and_then(|io| io_failure(io, &at)) {
            return said;
        }
        chain.push_str(&s.to_string().to_lowercase());
        chain.push(' ');
        source = s.source();
    }
    if chain.contains("dns") || chain.contains("lookup") || chain.contains("resolve") {
        format!("DNS: cannot resolve host '{host}'")
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake") {
        format!("TLS: handshake with {at} failed ({})", chain.trim())
    } else if e.is_redirect() {
        format!("too many redirects from {shown}")
    } else if chain.is_empty() {
        // reqwest's own words end with the URL, whole: keep the words, not the URL.
        let words = e.to_string();
        let words = words.split(" for url (").next().unwrap_or_default().to_string();
        format!("transport error talking to {at}: {words}")
    } else {
        format!("transport error talking to {at}: {}", chain.trim())
    }
}

pub fn human(d: Duration) -> String {
    if d.as_millis() < 1000 { format!("{} ms", d.as_millis()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    fn usage<T: std::fmt::Debug>(r: Result<T>) -> String {
        let e = r.expect_err("expected a usage error");
        assert_eq!(e.exit(), Exit::Usage);
        e.to_string()
    }

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
    fn hop_by_hop_headers_in_any_case() {
        for name in [
            "Host",
            "CONTENT-LENGTH",
            "connection",
            "Transfer-Encoding",
            "keep-alive",
            "Upgrade",
            "TE",
            "trailer",
        ] {
            assert!(hop_by_hop(name), "{name}");
        }
        for name in
            ["content-type", "authorization", "trailers", "x-host", "x-forwarded-host", "user-agent", ""]
        {
            assert!(!hop_by_hop(name), "{name}");
        }
    }

    #[test]
    fn parse_header_splits_at_the_first_colon_and_trims() {
        let (n, v) = parse_header("Authorization: Bearer dev-token").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("authorization", "Bearer dev-token"));
        let (n, v) = parse_header("  X-Trace :  t1  ").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("x-trace", "t1"));
        let (n, v) = parse_header("X-Callback: http://localhost:3000/a").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("x-callback", "http://localhost:3000/a"));
        let (_, v) = parse_header("X-Empty:").unwrap();
        assert_eq!(v.to_str().unwrap(), "");
    }

    #[test]
    fn parse_header_names_the_flag_and_what_is_wrong() {
        assert_eq!(usage(parse_header("no-colon")), "-H 'no-colon': expected 'Name: value'");
        // Not a header name: it may be a secret given without its name.
        assert_eq!(usage(parse_header("Bearer abc123")), "-H '<redacted>': expected 'Name: value'");
        assert_eq!(
            usage(parse_header("bad name: v")),
            "-H 'bad name: v': 'bad name' is not a valid header name"
        );
        assert_eq!(usage(parse_header(": v")), "-H ': v': '' is not a valid header name");
        assert_eq!(
            usage(parse_header("X-A: line\nbreak")),
            "-H 'X-A: line\\nbreak': the value of x-a holds a line break (\"line\\nbreak\"); a header value is one line of text"
        );
        assert_eq!(
            usage(header("x-b", "a\u{7f}b", "somewhere")),
            "somewhere: the value of x-b holds a control character (\"a\\u{7f}b\"); a header value is one line of text"
        );
    }

    #[test]
    fn parse_url_takes_absolute_http_and_https_only() {
        for raw in ["http://localhost:3000/hook", "https://example.test/eva?x=1", "HTTP://127.0.0.1/"] {
            assert!(parse_url(raw, "--url").is_ok(), "{raw}");
        }
        assert_eq!(parse_url("http://localhost:3000/hook", "--url").unwrap().port(), Some(3000));
        assert_eq!(
            usage(parse_url("ftp://example.test/hook", "--url")),
            "--url 'ftp://example.test/hook': unsupported scheme 'ftp' (use http or https)"
        );
        // Without a scheme the host reads as one.
        assert_eq!(
            usage(parse_url("localhost:3000/hook", "defaults.url")),
            "defaults.url 'localhost:3000/hook': unsupported scheme 'localhost' (use http or https)"
        );
        for raw in ["not a url", "/hook", ""] {
            let msg = usage(parse_url(raw, "HOOKCTL_URL"));
            assert!(msg.starts_with(&format!("HOOKCTL_URL '{raw}': not a valid URL (")), "{msg}");
            assert!(msg.ends_with("); expected e.g. http://localhost:3000/hook"), "{msg}");
        }
    }

    #[test]
    fn human_durations() {
        for (ms, said) in [
            (0, "0 ms"),
            (100, "100 ms"),
            (999, "999 ms"),
            (1_000, "1.0 s"),
            (1_949, "1.9 s"),
            (25_600, "25.6 s"),
            (51_100, "51.1 s"),
        ] {
            assert_eq!(human(Duration::from_millis(ms)), said, "{ms}");
        }
        assert_eq!(human(Duration::from_micros(1_500)), "1 ms");
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

    #[test]
    fn a_bad_url_is_echoed_without_its_password() {
        let e = parse_url("ftp://user:hunter2@host/x?token=abc", "--url").unwrap_err().to_string();
        assert!(!e.contains("hunter2") && !e.contains("abc"), "{e}");
        assert!(e.contains("ftp://user:<redacted>@host/x?token=<redacted>"), "{e}");
        for raw in
            ["http://user:hunter2@[::1/x", "http://user:hun?ter2@host:x/", "?://u:hunter2@?", "u:hunter2@h"]
        {
            let e = parse_url(raw, "--url").unwrap_err().to_string();
            assert!(!e.contains("hunter2") && !e.contains("ter2"), "{e}");
        }
    }
}
