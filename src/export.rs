//! `hookctl export`: a capture of `listen --save` as what other tools take: curl commands (a shell
//! script) or a HAR 1.2 log (browsers' devtools, Postman). A feature that returns values, not a
//! renderer: what an export says of a request (its url, its headers, what is secret, how a body
//! that is not text is carried) is decided about requests, as `send --print curl` decides it; the
//! renderer (`output/export.rs`) writes the commands as text and the log as JSON. Secret values
//! follow the one rule (`http/redact.rs`) unless `--show-secrets`.

use base64::Engine;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::capture::{self, Record};
use crate::catalogue::Kind;
use crate::error::{Error, Result};
use crate::http::{self, REDACTED};
use crate::preview;

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A curl command per request: a shell script.
    Curl,
    /// A HAR 1.2 log, as browsers' devtools and Postman import.
    Har,
}

/// How the requests are written.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where every request goes, instead of where it came (its Host header and path).
    pub url: Option<url::Url>,
    pub show_secrets: bool,
}

/// A capture, exported.
#[derive(Debug)]
pub struct Export {
    pub document: Document,
    /// What the reader should know (a request left out, a secret the capture redacted).
    pub notes: Vec<String>,
    /// Some header values are written as `<redacted>`.
    pub redacted: bool,
}

/// What is written.
#[derive(Debug)]
pub enum Document {
    /// Each request, named (`#3 eva-service-request`), and its command.
    Curl(Vec<(String, String)>),
    Har(Har),
}

/// The records as `format` says. `source` names the capture in errors.
pub fn export(records: &[Record], format: Format, opts: &Options, source: &str) -> Result<Export> {
    let mut notes = Vec::new();
    let document = match format {
        Format::Curl => Document::Curl(curls(records, opts, source, &mut notes)?),
        Format::Har => Document::Har(har(records, opts, source)?),
    };
    let redacted = match &document {
        Document::Curl(commands) => commands.iter().any(|(_, c)| c.contains(REDACTED)),
        Document::Har(har) => {
            har.log.entries.iter().any(|e| e.request.headers.iter().any(|h| h.value == REDACTED))
        }
    };
    for record in records {
        let params = http::redacted_params(&record.path);
        if !params.is_empty() && opts.url.is_none() {
            let note = format!(
                "request #{}: the query's {} was redacted in the capture (capture with --keep-secrets to keep it)",
                record.index,
                params.join(", ")
            );
            notes.push(note);
        }
    }
    Ok(Export { document, notes, redacted })
}

/// A curl command per record that has a body to send; one refused before its body came has none,
/// and a note says so.
fn curls(
    records: &[Record],
    opts: &Options,
    source: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<(String, String)>> {
    let mut commands = Vec::with_capacity(records.len());
    for record in records {
        if let Some(why) = capture::refusal(record).filter(|_| record.unauthorized.is_none()) {
            notes.push(format!(
                "request #{} has no command: the listener refused it before its body came ({} {why})",
                record.index, record.answer.status
            ));
            continue;
        }
        let body = body(record, source)?;
        let mut map = HeaderMap::new();
        for (name, value) in record.headers.iter().filter(|(n, _)| !http::hop_by_hop(n)) {
            match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                (Ok(n), Ok(v)) => {
                    map.append(n, v);
                }
                _ => notes.push(format!(
                    "request #{}: the header {} cannot be sent; it is left out",
                    record.index,
                    http::escaped(name)
                )),
            }
        }
        let headers = http::shown_headers(&map, opts.show_secrets);
        let url = http::shown_url(&url_of(record, opts), opts.show_secrets);
        commands.push((name_of(record), curl(&url, &headers, &body)));
    }
    Ok(commands)
}

/// One curl command that makes the request: `send --print curl`'s ([`preview::curl`]: `POST`, the
/// headers in order, each word quoted for a POSIX shell) for a body that is text; a body that is
/// not UTF-8 is piped in from the shell's own `printf`, its bytes escaped, so that the same bytes
/// are sent.
pub fn curl(url: &str, headers: &[(String, String)], body: &[u8]) -> String {
    use shell_words::quote;
    if let Ok(text) = std::str::from_utf8(body) {
        return preview::curl(url, headers, text);
    }
    let mut format = String::with_capacity(body.len() * 2);
    for (at, &b) in body.iter().enumerate() {
        match b {
            b'%' => format.push_str("%%"),
            b'\\' => format.push_str("\\\\"),
            // A leading `-` would read as an option to some shells' printf.
            b'-' if at == 0 => format.push_str("\\055"),
            0x20..=0x7e => format.push(b as char),
            _ => format.push_str(&format!("\\{b:03o}")),
        }
    }
    let mut parts = vec![format!("curl -X POST {}", quote(url))];
    for (name, value) in headers {
        parts.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    parts.push("--data-binary @-".to_string());
    format!("printf {} \\\n  | {}", quote(&format), parts.join(" \\\n  "))
}

/// `#3 eva-service-request`, as `replay` names a request.
fn name_of(record: &Record) -> String {
    format!("#{} {}", record.index, record.kind.map_or("unknown", Kind::name))
}

/// The body's bytes, as they came.
fn body(record: &Record, source: &str) -> Result<Vec<u8>> {
    record.body_bytes().map_err(|e| Error::usage(format!("{source}: request #{}: {e}", record.index)))
}

/// Where the request goes: `--url`, else where it came (`http://` its Host header, its path).
fn url_of(record: &Record, opts: &Options) -> String {
    if let Some(url) = &opts.url {
        return url.to_string();
    }
    let host = header(record, "host").unwrap_or("localhost");
    format!("http://{host}{}", record.path)
}

/// The first value of a captured header, by name in any case.
fn header<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    record.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A HAR 1.2 log (<http://www.softwareishard.com/blog/har-12-spec/>): what browsers' devtools and
/// Postman import.
#[derive(Debug, Serialize)]
pub struct Har {
    pub log: Log,
}

#[derive(Debug, Serialize)]
pub struct Log {
    pub version: &'static str,
    pub creator: Creator,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Creator {
    pub name: &'static str,
    pub version: &'static str,
}

/// One request and its answer. The capture keeps no timings: they are 0 (`-1`, not known, where
/// the spec allows it).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub started_date_time: String,
    pub time: f64,
    pub request: Request,
    pub response: Response,
    pub cache: Cache,
    pub timings: Timings,
    pub comment: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub method: String,
    pub url: String,
    pub http_version: &'static str,
    pub cookies: Vec<Pair>,
    pub headers: Vec<Pair>,
    pub query_string: Vec<Pair>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_data: Option<PostData>,
    pub headers_size: i64,
    pub body_size: i64,
}

/// A header, a cookie or a query parameter.
#[derive(Debug, Serialize)]
pub struct Pair {
    pub name: String,
    pub value: String,
}

/// The request's body: its text, or its bytes in base64 with `encoding` saying so.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostData {
    pub mime_type: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
}

/// The answer the listener (or the server behind `--forward-to`) gave. The capture keeps its
/// status, not its headers; its body only when it was relayed and not judged.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    pub status: u16,
    pub status_text: String,
    pub http_version: &'static str,
    pub cookies: Vec<Pair>,
    pub headers: Vec<Pair>,
    pub content: Content,
    #[serde(rename = "redirectURL")]
    pub redirect_url: String,
    pub headers_size: i64,
    pub body_size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    pub size: i64,
    pub mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Cache {}

#[derive(Debug, Serialize)]
pub struct Timings {
    pub blocked: f64,
    pub dns: f64,
    pub connect: f64,
    pub send: f64,
    pub wait: f64,
    pub receive: f64,
    pub ssl: f64,
}

/// The log of the records.
fn har(records: &[Record], opts: &Options, source: &str) -> Result<Har> {
    let entries = records.iter().map(|r| entry(r, opts, source)).collect::<Result<Vec<_>>>()?;
    let creator = Creator { name: "hookctl", version: env!("CARGO_PKG_VERSION") };
    Ok(Har { log: Log { version: "1.2", creator, entries } })
}

fn entry(record: &Record, opts: &Options, source: &str) -> Result<Entry> {
    let show = opts.show_secrets;
    let bytes = body(record, source)?;
    let url = http::shown_url(&url_of(record, opts), show);
    let post_data = (!bytes.is_empty() || record.bytes > 0).then(|| {
        let mime_type = header(record, "content-type").unwrap_or("application/octet-stream").to_string();
        match String::from_utf8(bytes.clone()) {
            Ok(text) => PostData { mime_type, text, encoding: None },
            Err(_) => PostData {
                mime_type,
                text: base64::engine::general_purpose::STANDARD.encode(&bytes),
                encoding: Some("base64"),
            },
        }
    });
    let request = Request {
        method: record.method.clone(),
        http_version: "HTTP/1.1",
        cookies: cookies(record, show),
        headers: shown_pairs(record, show),
        query_string: query(&url, show),
        url,
        post_data,
        headers_size: -1,
        body_size: bytes.len() as i64,
    };
    let comment = match &record.note {
        Some(note) => format!("{}: {note}", name_of(record)),
        None => name_of(record),
    };
    Ok(Entry {
        started_date_time: record.time.clone(),
        time: 0.0,
        request,
        response: response(record),
        cache: Cache {},
        timings: Timings {
            blocked: -1.0,
            dns: -1.0,
            connect: -1.0,
            send: 0.0,
            wait: 0.0,
            receive: 0.0,
            ssl: -1.0,
        },
        comment,
    })
}

/// Every captured header, in order, its value as the one rule shows it.
fn shown_pairs(record: &Record, show: bool) -> Vec<Pair> {
    record
        .headers
        .iter()
        .map(|(name, value)| {
            let mut one = HeaderMap::new();
            let value = match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                (Ok(n), Ok(v)) => {
                    one.insert(n, v);
                    http::shown_headers(&one, show).pop().map_or_else(|| value.clone(), |(_, v)| v)
                }
                _ if !show && http::is_secret(name) => REDACTED.to_string(),
                _ => value.clone(),
            };
            Pair { name: name.clone(), value }
        })
        .collect()
}

/// The cookies of the `Cookie` header, each value redacted unless `show` (a cookie is a secret by
/// the one rule); none when the capture redacted the header.
fn cookies(record: &Record, show: bool) -> Vec<Pair> {
    let Some(cookie) = header(record, "cookie").filter(|v| *v != REDACTED) else { return Vec::new() };
    cookie
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .map(|(name, value)| Pair {
            name: name.to_string(),
            value: if show { value.to_string() } else { REDACTED.to_string() },
        })
        .collect()
}

/// The url's query parameters, decoded, secret values redacted unless `show`.
fn query(url: &str, show: bool) -> Vec<Pair> {
    let Ok(parsed) = url::Url::parse(url) else { return Vec::new() };
    parsed
        .query_pairs()
        .map(|(name, value)| {
            let secret = !show && http::is_secret_param(&name) && value != REDACTED;
            Pair {
                value: if secret { REDACTED.to_string() } else { value.into_owned() },
                name: name.into_owned(),
            }
        })
        .collect()
}

/// The answer as far as the capture keeps it.
fn response(record: &Record) -> Response {
    let answer = &record.answer;
    let status_text = reqwest::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or_default()
        .to_string();
    let (text, mime_type) = match &answer.body {
        Some(serde_json::Value::String(text)) => (Some(text.clone()), "text/plain"),
        Some(doc) => (Some(doc.to_string()), "application/json"),
        None => (None, "x-unknown"),
    };
    let size = text.as_ref().map_or(0, |t| t.len() as i64);
    Response {
        status: answer.status,
        status_text,
        http_version: "HTTP/1.1",
        cookies: Vec::new(),
        headers: Vec::new(),
        content: Content { size, mime_type: mime_type.to_string(), text },
        redirect_url: String::new(),
        headers_size: -1,
        body_size: if answer.body.is_some() { size } else { -1 },
        comment: answer.reason.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_body_is_send_print_curl_s_command_and_bytes_go_through_printf() {
        let headers = vec![("content-type".to_string(), "application/json".to_string())];
        assert_eq!(curl("http://h/x", &headers, b"{}"), preview::curl("http://h/x", &headers, "{}"));
        let command = curl("http://h/x", &headers, b"-\xff%'\\\n a");
        assert_eq!(
            command,
            "printf '\\055\\377%%'\\''\\\\\\012 a' \\\n  | curl -X POST http://h/x \\\n  -H 'content-type: application/json' \\\n  --data-binary @-"
        );
    }

    #[test]
    fn har_members_have_the_spec_s_names() {
        let record: Record = serde_json::from_value(serde_json::json!({
            "index": 1, "time": "2022-08-19T13:27:32.174Z", "method": "POST", "path": "/hook?a=1",
            "headers": [["host", "127.0.0.1:9"], ["content-type", "application/json"]],
            "body": "{}", "bytes": 2, "kind": null, "answer": {"status": 503},
        }))
        .unwrap();
        let har = serde_json::to_value(har(&[record], &Options::default(), "c.jsonl").unwrap()).unwrap();
        let entry = &har["log"]["entries"][0];
        assert_eq!(entry["request"]["url"], "http://127.0.0.1:9/hook?a=1");
        assert_eq!(entry["request"]["httpVersion"], "HTTP/1.1");
        assert_eq!(entry["request"]["queryString"][0]["name"], "a");
        assert_eq!(entry["response"]["redirectURL"], "");
        assert_eq!(entry["response"]["statusText"], "Service Unavailable");
        assert_eq!(entry["startedDateTime"], "2022-08-19T13:27:32.174Z");
    }
}
