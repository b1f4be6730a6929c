//! The HTTP side of sending: one client per run (connections are pooled and reused), transport
//! errors that say which (refused, DNS, TLS, timeout), capped response bodies, redacted headers.

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::error::{Error, Result};

/// Header names whose values are secrets. Matched case-insensitively, also as parts of a name
/// (`x-api-key`, `x-auth-token`).
const SECRET_PARTS: &[&str] =
    &["authorization", "cookie", "api-key", "apikey", "token", "secret", "password", "session"];

pub const REDACTED: &str = "<redacted>";

pub fn is_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_PARTS.iter().any(|p| lower.contains(p))
}

/// Headers as `(name, value)` pairs for printing and saving, with secrets redacted unless asked.
pub fn shown_headers(headers: &HeaderMap, show_secrets: bool) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let v = if !show_secrets && is_secret(name.as_str()) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_string(), v)
        })
        .collect()
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

/// Parse `Name: value` (from `-H`), naming the flag in errors.
pub fn parse_header(spec: &str) -> Result<(HeaderName, HeaderValue)> {
    let (name, value) =
        spec.split_once(':').ok_or_else(|| Error::usage(format!("-H '{spec}': expected 'Name: value'")))?;
    header(name.trim(), value.trim(), &format!("-H '{spec}'"))
}

/// A header from a name and a value, naming where it came from in errors.
pub fn header(name: &str, value: &str, origin: &str) -> Result<(HeaderName, HeaderValue)> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::usage(format!("{origin}: '{name}' is not a valid header name")))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| Error::usage(format!("{origin}: the value of {name} is not a valid header value")))?;
    Ok((name, value))
}

/// A client for a whole run. Redirects are followed as axios does (at most 5).
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .map_err(|e| Error::internal(format!("cannot build the HTTP client: {e}")))
}

/// Check a target URL: absolute, http or https.
pub fn parse_url(raw: &str, origin: &str) -> Result<url::Url> {
    let url = url::Url::parse(raw).map_err(|e| {
        Error::usage(format!(
            "{origin} '{raw}': not a valid URL ({e}); expected e.g. http://localhost:3000/hook"
        ))
    })?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => {
            Err(Error::usage(format!("{origin} '{raw}': unsupported scheme '{other}' (use http or https)")))
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
    let started = Instant::now();
    let mut resp = client
        .post(url.clone())
        .headers(headers.clone())
        .body(body.clone())
        .send()
        .await
        .map_err(|e| describe(&e, url, timeout))?;
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

/// Say which transport failure this is, in one line.
pub fn describe(e: &reqwest::Error, url: &url::Url, timeout: Duration) -> String {
    let host = url.host_str().unwrap_or_default();
    let at = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    if e.is_timeout() {
        return format!("timeout: {url} did not answer within {} (--timeout)", human(timeout));
    }
    let mut chain = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return format!("connection refused: nothing is listening on {at}");
                }
                std::io::ErrorKind::ConnectionReset => {
                    return format!("connection reset by {at} before it answered");
                }
                std::io::ErrorKind::TimedOut => {
                    return format!("timeout: connecting to {at} timed out");
                }
                _ => {}
            }
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
        format!("too many redirects from {url}")
    } else if chain.is_empty() {
        format!("transport error talking to {at}: {e}")
    } else {
        format!("transport error talking to {at}: {}", chain.trim())
    }
}

pub fn human(d: Duration) -> String {
    if d.as_millis() < 1000 { format!("{} ms", d.as_millis()) } else { format!("{:.1} s", d.as_secs_f64()) }
}
