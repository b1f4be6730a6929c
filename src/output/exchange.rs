//! One delivery as a failure shows it, the same for `scenario`, `replay` and `test`, in text and
//! in a JUnit failure: where it went (`→ POST url`), the request's headers, what came back
//! (`← 500 Internal Server Error`), the answer's headers and body (its first [`SHOWN_BODY`]
//! bytes), and a curl command that sends it again. Secrets are as the report has them.

use std::io;

use colored::Colorize;
use serde_json::Value;

use super::{SHOWN_BODY, bounded, reason, status_text};
use crate::send::Report;
use crate::suite::Exchange;

/// What is shown of a delivery, from whichever report holds it.
pub struct Shown<'a> {
    method: &'a str,
    url: &'a str,
    request_headers: &'a [(String, String)],
    request: &'a Value,
    /// `None`: not delivered.
    status: Option<u16>,
    response_headers: &'a [(String, String)],
    response: Option<&'a Value>,
    curl: Option<&'a str>,
}

impl<'a> Shown<'a> {
    pub fn of_report(r: &'a Report) -> Shown<'a> {
        let resp = r.answered.response.as_ref();
        Shown {
            method: r.request.method,
            url: &r.request.url,
            request_headers: &r.request.headers,
            request: &r.request.body,
            status: resp.map(|a| a.status),
            response_headers: resp.map_or(&[], |a| a.headers.as_slice()),
            response: resp.map(|a| &a.body),
            curl: r.curl.as_deref(),
        }
    }

    pub fn of_exchange(e: &'a Exchange) -> Shown<'a> {
        Shown {
            method: e.method,
            url: &e.url,
            request_headers: &e.request_headers,
            request: &e.request,
            status: e.status,
            response_headers: &e.response_headers,
            response: e.response.as_ref(),
            curl: Some(&e.curl),
        }
    }
}

/// How much is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `POST url → status` on one line.
    Line,
    /// The headers, the answer's body and the curl command too.
    Failure,
    /// And the request's body, pretty.
    Full,
}

/// Write it in text, indented by `indent` spaces (colour as the style says).
pub fn write(out: &mut dyn io::Write, s: &Shown, detail: Detail, indent: usize) -> io::Result<()> {
    let pad = " ".repeat(indent);
    let answer = s.status.map_or_else(|| "not delivered".red().to_string(), status_text);
    if detail == Detail::Line {
        return writeln!(out, "{pad}{} {} → {answer}", s.method.bold(), s.url);
    }
    writeln!(out, "{pad}{} {} {}", "→".bold(), s.method.bold(), s.url)?;
    headers(out, s.request_headers, &pad)?;
    if detail == Detail::Full {
        for line in document(s.request).lines() {
            writeln!(out, "{pad}  {line}")?;
        }
    }
    writeln!(out, "{pad}{} {answer}", "←".bold())?;
    headers(out, s.response_headers, &pad)?;
    for line in body(s) {
        writeln!(out, "{pad}  {line}")?;
    }
    if let Some(curl) = s.curl {
        writeln!(out, "{pad}{}", "again with curl:".dimmed())?;
        for line in curl.lines() {
            writeln!(out, "{pad}  {line}")?;
        }
    }
    Ok(())
}

/// The same as plain text, for a JUnit failure.
pub fn plain(s: &Shown) -> String {
    let mut out = Vec::new();
    let answer = s.status.map_or_else(|| "not delivered".to_string(), |c| format!("{c} {}", reason(c)));
    let mut line = |text: String| {
        out.push(text);
    };
    line(format!("→ {} {}", s.method, s.url));
    for (name, value) in s.request_headers {
        line(format!("  {name}: {value}"));
    }
    line(format!("← {answer}"));
    for (name, value) in s.response_headers {
        line(format!("  {name}: {value}"));
    }
    for text in body(s) {
        line(format!("  {text}"));
    }
    if let Some(curl) = s.curl {
        line("again with curl:".to_string());
        for text in curl.lines() {
            line(format!("  {text}"));
        }
    }
    out.join("\n")
}

/// Headers, one a line, their names aligned.
fn headers(out: &mut dyn io::Write, headers: &[(String, String)], pad: &str) -> io::Result<()> {
    let width = headers.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in headers {
        writeln!(out, "{pad}  {}  {value}", format!("{name:width$}").dimmed())?;
    }
    Ok(())
}

/// The answer's body as lines, bounded: JSON pretty, text as it came, `(no body)` when empty.
fn body(s: &Shown) -> Vec<String> {
    match s.response {
        None => Vec::new(),
        Some(Value::Null) => vec!["(no body)".to_string()],
        Some(doc) => bounded(&document(doc), SHOWN_BODY).lines().map(str::to_string).collect(),
    }
}

/// A document in full: JSON pretty-printed, text as it came.
fn document(doc: &Value) -> String {
    match doc {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}
