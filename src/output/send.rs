//! `send`: the request as it went, each delivery's answer, the verdict and the checks.

use std::io::{self, Write};

use colored::Colorize;
use serde_json::Value;

use super::{Level, Out, builtin_note, fields, finding, plural, status_text, verdict};
use crate::catalogue::Platform;
use crate::contract::{Verdict, snippet};
use crate::http::human;
use crate::platform::eva::Changes;
use crate::send::{Answered, Progress, Received, Report, Sent};

/// One attempt as it ends, on stderr, whatever the output: `attempt 2 of 10: 503 Service
/// Unavailable, next in 200 ms`. The report on stdout comes when the delivery is done.
pub fn attempt(o: &mut Out, p: &Progress) -> io::Result<()> {
    let a = &p.attempt;
    let of = if p.deliveries > 1 {
        format!("delivery {} of {}, ", p.delivery, p.deliveries)
    } else {
        String::new()
    };
    let what = match (a.status, &a.error) {
        (Some(s), _) => status_text(s),
        (None, Some(e)) => e.red().to_string(),
        (None, None) => String::new(),
    };
    let next = match (p.next_in, a.status) {
        (Some(wait), _) => format!(", next in {}", human(wait)),
        (None, Some(s)) if (200..300).contains(&s) => String::new(),
        (None, _) => ", no attempt left".to_string(),
    };
    writeln!(o.err, "{of}attempt {} of {}: {what}{next}", a.attempt, p.attempts)
}

/// A `--set` that adds a top-level field the platform never sends, on stderr before sending:
/// what the server gets from hookctl it would not get from the platform.
pub fn unsent_fields(o: &mut Out, platform: Platform, unsent: &[(String, String)]) -> io::Result<()> {
    let name = platform.label();
    for (path, key) in unsent {
        o.diag(
            Level::Warning,
            format!("--set {path}: {name} never sends a top-level '{key}'; a server that depends on it will not get it from {name}"),
        )?;
    }
    Ok(())
}

pub fn send(o: &mut Out, r: &Report) -> io::Result<()> {
    if let Some(e) = &r.answered.transport_error {
        o.diag(Level::Error, e)?;
    }
    for again in &r.repeats {
        if let Some(e) = &again.answered.transport_error {
            o.diag(Level::Error, format!("delivery {}: {e}", again.delivery))?;
        }
    }
    if r.builtin_receiver {
        builtin_note(o)?;
    }
    if o.style.json() {
        return o.report(r);
    }
    let verbose = o.style.verbose();
    if o.style.quiet() {
        // The verdict only; the answer's warnings still said, on stderr.
        let deliveries = std::iter::once(&r.answered).chain(r.repeats.iter().map(|a| &a.answered));
        for w in deliveries.filter_map(|a| a.verdict.as_ref()).flat_map(|v| &v.warnings) {
            let at = if w.pointer.is_empty() { "/" } else { &w.pointer };
            o.diag(Level::Warning, format!("{at}  {}", w.message))?;
        }
        return quiet(o.out, r);
    }
    let out = &mut *o.out;
    let req = &r.request;
    writeln!(
        out,
        "{} {} {}  {} {}",
        "→".bold(),
        req.method.bold(),
        req.url,
        r.event.cyan().bold(),
        format!("({}, {} bytes)", r.kind.map_or("unknown kind", |k| k.name()), req.bytes).dimmed()
    )?;
    writeln!(out, "  {}", "headers".dimmed().italic())?;
    let width = req.headers.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in &req.headers {
        writeln!(out, "    {:width$}  {}", name.dimmed(), value)?;
    }
    if let Some(checks) = &req.checks {
        writeln!(out, "  {}", "body".dimmed().italic())?;
        fields(out, &checks.fields, "    ")?;
        if !checks.valid {
            request_breaks(out, checks)?;
        }
    }
    if verbose {
        document(out, "body in full", &req.body)?;
    }
    let deliveries = 1 + r.repeats.len();
    if let Some(note) = &r.note {
        let times = if deliveries == 2 { "twice".to_string() } else { format!("{deliveries} times") };
        writeln!(out, "  {} {}", format!("delivered {times} at once:").bold(), note)?;
    }
    let of = |n: u32| (deliveries > 1).then(|| format!("delivery {n} of {deliveries}"));
    delivered(out, &r.answered, of(1), r.changes.as_ref(), verbose)?;
    for again in &r.repeats {
        delivered(out, &again.answered, of(again.delivery), None, verbose)?;
    }
    writeln!(out, "{}", verdict_line(r))
}

/// PASSED, FAILED, or NOT DELIVERED when a delivery never got an answer.
fn verdict_line(r: &Report) -> colored::ColoredString {
    let not_delivered = r.answered.transport_error.is_some()
        || r.repeats.iter().any(|again| again.answered.transport_error.is_some());
    if not_delivered {
        "NOT DELIVERED".red().bold()
    } else if r.passed {
        "PASSED".green().bold()
    } else {
        "FAILED".red().bold()
    }
}

/// The request itself breaks its own contract (a body made invalid on purpose): said, with why,
/// whatever the output level, since it explains the answer.
fn request_breaks(out: &mut dyn Write, checks: &Verdict) -> io::Result<()> {
    writeln!(
        out,
        "  {} the request itself breaks the {} contract (sent as asked):",
        "!".yellow().bold(),
        checks.kind
    )?;
    verdict(out, checks)
}

/// `-q`: the request's own contract errors when it breaks it, then what failed (expectations,
/// and the answer's contract errors), then the verdict.
fn quiet(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    if let Some(checks) = r.request.checks.as_ref().filter(|c| !c.valid) {
        request_breaks(out, checks)?;
    }
    let deliveries = 1 + r.repeats.len();
    let all = std::iter::once((1, &r.answered)).chain(r.repeats.iter().map(|a| (a.delivery, &a.answered)));
    for (n, d) in all {
        let of = if deliveries > 1 { format!(" (delivery {n} of {deliveries})") } else { String::new() };
        for c in d.checks.iter().filter(|c| !c.passed) {
            writeln!(
                out,
                "  {} {}: expected {}, found {}{of}",
                "✗".red().bold(),
                c.check,
                c.expected,
                c.found
            )?;
        }
        if let Some(v) = d.verdict.as_ref().filter(|v| !v.valid) {
            let errors = plural(v.errors.len(), "error");
            writeln!(out, "  {} contract: {} {errors}{of}", "✗".red().bold(), v.kind)?;
            for e in &v.errors {
                finding(out, e, true)?;
            }
        }
    }
    writeln!(out, "{}", verdict_line(r))
}

/// `-v`: a request as it went, headers and body in full.
pub(super) fn request_in_full(out: &mut dyn Write, req: &Sent) -> io::Result<()> {
    writeln!(
        out,
        "{} {} {}  {}",
        "→".bold(),
        req.method.bold(),
        req.url,
        format!("{} bytes", req.bytes).dimmed()
    )?;
    headers(out, &req.headers)?;
    document(out, "body", &req.body)
}

/// `-v`: each attempt with its timing, then the answer, headers and body in full.
pub(super) fn answered_in_full(out: &mut dyn Write, d: &Answered) -> io::Result<()> {
    attempts(out, d)?;
    if let Some(resp) = &d.response {
        writeln!(out, "{} {}  {}", "←".bold(), status_text(resp.status), answer_size(resp).dimmed())?;
        answer_in_full(out, resp, "body")?;
    }
    Ok(())
}

fn answer_in_full(out: &mut dyn Write, resp: &Received, label: &str) -> io::Result<()> {
    headers(out, &resp.headers)?;
    document(out, label, &resp.body)
}

fn headers(out: &mut dyn Write, headers: &[(String, String)]) -> io::Result<()> {
    writeln!(out, "  {}", "headers".dimmed().italic())?;
    let width = headers.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in headers {
        writeln!(out, "    {:width$}  {}", name.dimmed(), value)?;
    }
    Ok(())
}

/// A body in full, indented: JSON pretty-printed, text as it came, nothing when there is none.
fn document(out: &mut dyn Write, label: &str, body: &Value) -> io::Result<()> {
    let text = match body {
        Value::Null => return writeln!(out, "  {}  {}", label.dimmed().italic(), "(none)".dimmed()),
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).map_err(io::Error::other)?,
    };
    writeln!(out, "  {}", label.dimmed().italic())?;
    for line in text.lines() {
        writeln!(out, "    {line}")?;
    }
    Ok(())
}

/// Every attempt of a delivery: its status or error, how long it waited first and how long it took.
fn attempts(out: &mut dyn Write, d: &Answered) -> io::Result<()> {
    for a in &d.attempts {
        let what = match (a.status, &a.error) {
            (Some(s), _) => status_text(s),
            (None, Some(e)) => e.red().to_string(),
            (None, None) => String::new(),
        };
        let waited = if a.waited_ms > 0 { format!("after {} ms  ", a.waited_ms) } else { String::new() };
        writeln!(
            out,
            "  attempt {:>2}  {}{what}  {}",
            a.attempt,
            waited.dimmed(),
            format!("{:.1} ms", a.latency_ms).dimmed()
        )?;
    }
    Ok(())
}

fn answer_size(resp: &Received) -> String {
    format!(
        "{:.1} ms, {} bytes{}",
        resp.latency_ms,
        resp.bytes,
        if resp.truncated { ", cut at the cap" } else { "" }
    )
}

/// What the webhook changed, labelled: the answer and its `technicalText` (before → after), and
/// each context's keys added, changed and removed, or the context dropped.
fn context_changes(out: &mut dyn Write, c: &Changes) -> io::Result<()> {
    let show = |v: &Option<Value>| v.as_ref().map_or("(none)".to_string(), snippet);
    let pairs = [
        ("answer", &c.answer_before, &c.answer_after),
        ("technicalText", &c.technical_text_before, &c.technical_text_after),
    ];
    for (label, before, after) in pairs {
        if before != after {
            writeln!(out, "  {}  {} → {}", label.dimmed(), show(before), show(after).bold())?;
        }
    }
    for ctx in &c.contexts {
        let mut parts = Vec::new();
        if ctx.dropped {
            parts.push("dropped".red().to_string());
        }
        for (label, keys, color) in [
            ("added", &ctx.added, colored::Color::Green),
            ("changed", &ctx.changed, colored::Color::Yellow),
            ("removed", &ctx.removed, colored::Color::Red),
        ] {
            if !keys.is_empty() {
                parts.push(format!("{} {}", label.color(color), keys.join(", ")));
            }
        }
        writeln!(out, "  {}  {}", ctx.context.dimmed(), parts.join("; "))?;
    }
    Ok(())
}

/// One delivery of a sent body: its attempts, the answer, the verdict and the checks; `of` says
/// "delivery 2 of 2" when the body went out more than once.
fn delivered(
    out: &mut dyn Write,
    d: &Answered,
    of: Option<String>,
    changes: Option<&Changes>,
    verbose: bool,
) -> io::Result<()> {
    let shown_of = of.as_ref().map(|o| format!("  ({o})").dimmed().to_string()).unwrap_or_default();
    if verbose || d.attempts.len() > 1 || d.transport_error.is_some() {
        attempts(out, d)?;
        if d.response.is_none() && of.is_some() {
            writeln!(out, "{} {}{shown_of}", "←".bold(), "not delivered".red().bold())?;
        }
    }
    if let Some(resp) = &d.response {
        writeln!(
            out,
            "{} {}  {}{shown_of}",
            "←".bold(),
            status_text(resp.status),
            answer_size(resp).dimmed()
        )?;
        if verbose {
            answer_in_full(out, resp, "body in full")?;
        }
        match &d.verdict {
            Some(v) => {
                writeln!(out, "  {}", "body".dimmed().italic())?;
                fields(out, &v.fields, "    ")?;
                verdict(out, v)?;
            }
            None if !resp.body.is_null() && !verbose => writeln!(out, "    {}", snippet(&resp.body))?,
            None => {}
        }
    }
    if let Some(c) = changes {
        context_changes(out, c)?;
    }
    if let Some(v) = &d.verdict {
        let (mark, state) = if v.valid {
            ("✓".green().bold(), "valid".to_string())
        } else {
            ("✗".red().bold(), format!("{} (see above)", plural(v.errors.len(), "error")))
        };
        writeln!(out, "  {mark} contract: {} {state}", v.kind)?;
    }
    for c in &d.checks {
        let mark = if c.passed { "✓".green().bold() } else { "✗".red().bold() };
        writeln!(out, "  {mark} {}: expected {}, found {}", c.check, c.expected, c.found)?;
        if let Some(note) = &c.note {
            writeln!(out, "      {}", note.dimmed())?;
        }
    }
    Ok(())
}
