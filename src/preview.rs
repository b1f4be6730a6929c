//! `send --dry-run` and `send --print curl|k6`: the request exactly as `send` would deliver it
//! (the same body from the same template, the same headers, the same url), and nothing sent; a
//! k6 script (`k6`) sends it as load mode does.

pub mod k6;

use serde::Serialize;
use serde_json::Value;

use crate::catalogue::{Kind, Platform};
use crate::contract::{self, Context, Verdict};
use crate::defaults;
use crate::error::Result;
use crate::http;
use crate::send::{self, Aim, Delivery, Template};

/// A form to print a request in, instead of sending it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Print {
    /// One curl command line, shell-quoted.
    Curl,
    /// A k6 script that sends the event as load mode does (fresh ids each request), with checks.
    K6,
}

/// A body over this many bytes does not go on curl's command line (one argument may hold at most
/// 128 KiB on Linux): the command pipes it in from the shell's own `printf` instead.
pub const INLINE_MAX: usize = 64 * 1024;

/// The request `send` would make.
#[derive(Debug, Serialize)]
pub struct Preview {
    pub event: String,
    pub kind: Kind,
    pub platform: Platform,
    pub method: &'static str,
    /// `None` when it would go to hookctl's built-in receiver (which a dry run does not start).
    pub url: Option<String>,
    pub builtin_receiver: bool,
    /// In the order they would be sent; secret values redacted unless asked.
    pub headers: Vec<(String, String)>,
    /// The exact bytes, as text (the body is JSON, so UTF-8).
    #[serde(skip)]
    pub wire: String,
    pub body: Value,
    pub bytes: usize,
    /// How many times `send` would deliver it (Botpress sends tag edits twice).
    pub deliveries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The body judged against its own kind's contract (sending an invalid body is allowed). In
    /// JSON `verdict`, as every document's verdict is named.
    #[serde(rename = "verdict")]
    pub checks: Verdict,
    /// Some header values were redacted (and so are in `curl`).
    pub redacted: bool,
    /// The curl command, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
    /// The k6 script, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k6: Option<k6::Script>,
    /// The url the curl command targets when `send` has none (where `hookctl listen` listens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curl_url_note: Option<String>,
}

/// Build the request `send` would make, without starting anything. `once` is `send --once`.
pub fn preview(
    template: Template,
    delivery: &Delivery,
    once: bool,
    print: Option<Print>,
    expect: &send::Expect,
) -> Result<Preview> {
    let aim = send::aim(delivery)?;
    let (times, why) = template.deliveries();
    // A k6 script sends each event once an iteration, as load mode does.
    let once = once || print == Some(Print::K6);
    let (deliveries, note) = match times {
        n if n > 1 && !once => (n, Some(format!("delivered {n} times at once: {why}; --once sends one"))),
        _ => (1, None),
    };
    let platform = template.kind.platform();
    let mut headers = aim.headers_for(platform);
    // What the client adds too, so that the preview is the whole request.
    send::client::complete(&mut headers);
    let k6 = match print {
        Some(Print::K6) => Some(k6_script(&template, &aim, &headers, delivery, expect)?),
        _ => None,
    };
    let prepared = template.into_prepared()?;
    let wire = String::from_utf8(send::wire(&prepared.doc).to_vec()).expect("JSON is UTF-8");
    let shown = http::shown_headers(&headers, delivery.show_secrets);
    let redacted = shown.iter().any(|(_, v)| v == http::REDACTED);
    let checks = contract::check(prepared.kind, &prepared.doc, Context::default());
    let mut preview = Preview {
        event: prepared.name,
        kind: prepared.kind,
        platform,
        method: "POST",
        url: aim.url.as_ref().map(|u| http::shown_url(u.as_str(), delivery.show_secrets)),
        builtin_receiver: aim.url.is_none(),
        headers: shown,
        bytes: wire.len(),
        wire,
        body: prepared.doc,
        deliveries,
        note,
        checks,
        redacted,
        curl: None,
        k6,
        curl_url_note: None,
    };
    if print == Some(Print::Curl) {
        let url = match &aim {
            Aim { url: Some(url), .. } => http::shown_url(url.as_str(), delivery.show_secrets),
            _ => {
                let url = listen_url();
                preview.curl_url_note = Some(format!(
                    "no --url given: the command targets {url}, where `hookctl listen` listens by default"
                ));
                url
            }
        };
        preview.curl = Some(curl(&url, &preview.headers, &preview.wire));
    }
    Ok(preview)
}

/// The k6 script of one event: its body marked where each request gets fresh values.
fn k6_script(
    template: &Template,
    aim: &Aim,
    headers: &reqwest::header::HeaderMap,
    delivery: &Delivery,
    expect: &send::Expect,
) -> Result<k6::Script> {
    let (marked, slots) = template.marked_with_times(k6::mark, Some(&k6::mark_time))?;
    let times = 1;
    let step = k6::Step { name: marked.name, kind: marked.kind, doc: marked.doc, times };
    k6::script(&k6::Plan {
        title: format!("send {}", template.name),
        url: aim.url.clone(),
        headers,
        steps: vec![step],
        slots,
        expect,
        option_case: delivery.option_case,
        seed: template.seed(),
        duplicate: false,
        shuffle: false,
        show_secrets: delivery.show_secrets,
    })
}

/// Where `hookctl listen` listens by default.
pub fn listen_url() -> String {
    format!("http://127.0.0.1:{}/hook", defaults::PORT)
}

/// One curl command that makes the same request: `POST`, the headers in order, the exact bytes,
/// each word quoted for a POSIX shell where it needs to be. A body of up to [`INLINE_MAX`] bytes is
/// inline (`--data-raw`); a larger one is piped in.
pub fn curl(url: &str, headers: &[(String, String)], body: &str) -> String {
    use shell_words::quote;
    let mut parts = vec![format!("curl -X POST {}", quote(url))];
    for (name, value) in headers {
        parts.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    if body.len() <= INLINE_MAX {
        parts.push(format!("--data-raw {}", quote(body)));
        parts.join(" \\\n  ")
    } else {
        parts.push("--data-binary @-".to_string());
        format!("printf '%s' {} \\\n  | {}", quote(body), parts.join(" \\\n  "))
    }
}

/// The curl command that repeats a request already sent, as its report shows it: the url and the
/// headers redacted as the report has them (unless `--show-secrets`), the body as it went.
pub fn curl_of(sent: &send::Sent) -> String {
    let body = match &sent.body {
        Value::String(text) => text.clone(),
        doc => String::from_utf8_lossy(&send::wire(doc)).into_owned(),
    };
    curl(&sent.url, &sent.headers, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_where_a_shell_would_read_them_otherwise() {
        let headers = |value: &str| vec![("x-a".to_string(), value.to_string())];
        let command = curl("http://h/x?a=1", &headers("it's"), "");
        assert_eq!(command, "curl -X POST 'http://h/x?a=1' \\\n  -H 'x-a: it'\\''s' \\\n  --data-raw ''");
        let command = curl("http://h/x", &headers("$HOME `x` \"y\" \\n"), "true");
        assert_eq!(
            command,
            "curl -X POST http://h/x \\\n  -H 'x-a: $HOME `x` \"y\" \\n' \\\n  --data-raw true"
        );
    }

    #[test]
    fn a_small_body_is_inline_and_a_large_one_piped() {
        let headers = vec![("content-type".to_string(), "application/json".to_string())];
        let small = curl("http://h/x", &headers, r#"{"a":"it's"}"#);
        assert_eq!(
            small,
            "curl -X POST http://h/x \\\n  -H 'content-type: application/json' \\\n  --data-raw '{\"a\":\"it'\\''s\"}'"
        );
        let big = format!("\"{}\"", "x".repeat(INLINE_MAX));
        let piped = curl("http://h/x", &headers, &big);
        assert!(piped.starts_with("printf '%s' '\"xxx"), "{}", &piped[..40]);
        assert!(piped.ends_with("--data-binary @-"), "{}", &piped[piped.len() - 40..]);
        assert!(!piped.contains("--data-raw"));
    }
}
