//! The HTTP side of sending: one client per run (connections are pooled and reused), transport
//! errors that say which (refused, DNS, TLS, timeout), capped response bodies; what is secret and
//! how it is redacted lives in `http/redact.rs`.

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::error::{Error, Result};

mod address;
mod redact;

pub use crate::error::escaped;

pub use redact::{
    KeptHeaders, NOT_SECRET, REDACTED, SECRET_PARTS, SECRET_WORDS, escaped_bytes, is_secret, is_secret_param,
    redacted_params, shown_headers, shown_headers_kept, shown_raw_url, shown_url,
};

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

/// Check a target URL typed by a person (a flag, a variable, a suite): absolute, http or https;
/// without a scheme it is `http://` (`localhost:3000/hook`, `:3000/hook` on localhost). A
/// mistyped scheme (`http//host`, `htp://host`) is refused with the URL meant. Errors name
/// `origin` and echo the URL with its secrets redacted.
pub fn parse_url(raw: &str, origin: &str) -> Result<url::Url> {
    address::parse(raw, origin, address::Scheme::Optional)
}

/// As [`parse_url`], for a URL a platform uses as written (a Botpress config's): without its
/// scheme it is refused, with the URL meant.
pub fn parse_url_as_written(raw: &str, origin: &str) -> Result<url::Url> {
    address::parse(raw, origin, address::Scheme::Required)
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

/// A transport failure (refused, DNS, TLS, timeout, a broken answer): an outcome of a delivery,
/// not an error of the command. It holds its one-line description ([`describe`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// POST a body and read the answer, at most `cap` bytes of it.
pub async fn post(
    client: &reqwest::Client,
    url: &url::Url,
    headers: &HeaderMap,
    body: &bytes::Bytes,
    cap: usize,
    timeout: Duration,
) -> std::result::Result<Answer, TransportError> {
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
) -> std::result::Result<Answer, TransportError> {
    let started = Instant::now();
    let mut request = client.request(method, url.clone()).headers(headers);
    if let Some(body) = body {
        request = request.body(body);
    }
    let mut resp = request.send().await.map_err(|e| TransportError(describe(&e, url, timeout)))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = resp.chunk().await.map_err(|e| TransportError(describe(&e, url, timeout)))? {
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
        let io = s.downcast_ref::<std::io::Error>();
        if let Some(said) = io.and_then(|io| io_failure(io, &at)) {
            return said;
        }
        if wrapped_tls(s).is_some_and(plain_http) {
            return format!("TLS handshake failed: the server speaks plain HTTP; use {}", as_http(url));
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

/// The TLS error `e` is, or wraps in I/O errors (whose own `source` skips what they wrap).
fn wrapped_tls<'a>(mut e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    loop {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        e = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

/// Whether a TLS handshake failed because the server answered in plain text: what came back
/// does not begin as a TLS record does (a plain HTTP server answers `HTTP/1.1 400`).
fn plain_http(e: &rustls::Error) -> bool {
    matches!(e, rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType))
}

/// An `https://` URL as `http://` to the same host and port, as an error message shows it.
fn as_http(url: &url::Url) -> String {
    let mut plain = url.clone();
    let port = url.port_or_known_default();
    if plain.set_scheme("http").is_ok() {
        let _ = plain.set_port(port);
    }
    shown_url(plain.as_str(), false)
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
        // Without a scheme, http; `:PORT` is on localhost.
        for (raw, read) in [
            ("localhost:3000/hook", "http://localhost:3000/hook"),
            (":3000/hook", "http://localhost:3000/hook"),
            ("example.test", "http://example.test/"),
            ("[::1]:8080/x?y=1", "http://[::1]:8080/x?y=1"),
            (" 127.0.0.1:9/eva ", "http://127.0.0.1:9/eva"),
        ] {
            assert_eq!(parse_url(raw, "--url").unwrap().as_str(), read, "{raw}");
        }
        // A mistyped scheme names the URL meant.
        assert_eq!(
            usage(parse_url("http//localhost:3000/hook", "defaults.url")),
            "defaults.url 'http//localhost:3000/hook': mistyped scheme; did you mean http://localhost:3000/hook?"
        );
        assert_eq!(
            usage(parse_url("htps://example.test/x", "--url")),
            "--url 'htps://example.test/x': mistyped scheme; did you mean https://example.test/x?"
        );
        // As written: the scheme is needed.
        assert_eq!(
            usage(parse_url_as_written("localhost:3000/hook", "hitlnext.json: eventsWebHook.url")),
            "hitlnext.json: eventsWebHook.url 'localhost:3000/hook': no scheme, and this URL is used as written; \
             did you mean http://localhost:3000/hook?"
        );
        assert!(parse_url_as_written("http://localhost:3000/hook", "x").is_ok());
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
