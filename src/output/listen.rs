//! `listen`: the banner, a line per received request (NDJSON under `-o json`), the summary.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;

use colored::Colorize;

use super::{Level, Out, Status, field_value, finding, plural, verdict};
use crate::contract::{Verdict, snippet};
use crate::http::human;
use crate::platform::eva;
use crate::receiver::{AnswerRecord, Event, Record, Tally};

/// Text in a colour when colour is on; its bytes as they are, with nothing made of them, when it
/// is off.
fn put(
    line: &mut Vec<u8>,
    on: bool,
    text: &str,
    style: impl Fn(&str) -> colored::ColoredString,
) -> io::Result<()> {
    match on {
        true => write!(line, "{}", style(text)),
        false => {
            line.extend_from_slice(text.as_bytes());
            Ok(())
        }
    }
}

/// Fields of the fields-that-matter too long for the one line under a request.
const LONG_FIELDS: &[&str] = &["comments", "intents", "updatedAt"];

/// What `listen` says when it starts, on stderr.
pub struct Listening<'a> {
    pub addr: SocketAddr,
    pub save: Option<&'a Path>,
    pub forward_to: Option<&'a url::Url>,
    /// `--forward-exact`: every request to the forward url as given, whatever its path.
    pub forward_exact: bool,
    /// `--filter`, as given: only the matching requests are shown (and saved).
    pub filter: &'a [String],
    /// `--keep-secrets`: show the forward url whole.
    pub keep_secrets: bool,
    /// The headers every request must carry (`--require-header`), as they may be shown.
    pub required: &'a [String],
}

pub fn listening(o: &mut Out, l: &Listening) -> io::Result<()> {
    let addr = l.addr;
    writeln!(
        o.err,
        "{} listening on http://{addr} (any path, any method); Ctrl-C to stop",
        "hookctl".bold()
    )?;
    if !addr.ip().is_loopback() {
        o.diag(
            Level::Warning,
            format!("bound to {}: anyone who can reach this machine can post to it", addr.ip()),
        )?;
    }
    if let Some(save) = l.save {
        writeln!(
            o.err,
            "      capturing to {} (one JSON line a request, written before it is answered)",
            save.display()
        )?;
    }
    if let Some(url) = l.forward_to {
        let how = match l.forward_exact {
            true => "every request to it as given",
            false => "each request's path and query after it",
        };
        writeln!(
            o.err,
            "      forwarding to {} ({how})",
            crate::http::shown_url(url.as_str(), l.keep_secrets)
        )?;
    }
    if !l.filter.is_empty() {
        let filter = l.filter.iter().map(|f| crate::http::escaped(f)).collect::<Vec<_>>().join(", ");
        writeln!(
            o.err,
            "      showing only {filter} (--filter: the others are answered, not shown or saved)"
        )?;
    }
    if !l.required.is_empty() {
        writeln!(o.err, "      requiring {} (401 without)", l.required.join(", "))?;
    }
    Ok(())
}

/// What the receiver reports: each request on stdout; what went wrong around them on stderr.
pub fn listen_event(o: &mut Out, e: &Event) -> io::Result<()> {
    match e {
        // A forward that failed (the target unreachable, its answer over --max-response) is said
        // on stderr too: the client was answered 502.
        Event::Request(r) if r.answer.forwarded && r.answer.status == 502 && r.answer.reason.is_some() => {
            let why = r.answer.reason.as_deref().unwrap_or_default();
            o.diag(Level::Error, format!("#{}: {why}; answered 502", r.index))?;
            record(o, r)
        }
        Event::Request(r) => record(o, r),
        Event::NotSaved { record: r, reason } => {
            o.diag(Level::Error, format!("capture #{} not saved: {reason}; answered 507", r.index))?;
            record(o, r)
        }
        // Answered, and only counted: the summary says how many.
        Event::FilteredOut => Ok(()),
        Event::Full { limit } => o.diag(
            Level::Warning,
            format!(
                "{limit} connections open, the most --max-connections allows: a new client closes the \
                 kept-alive connection idle longest, or waits until one closes"
            ),
        ),
    }
}

/// Said when `listen` is told to stop, while requests in flight finish.
pub fn listen_stopping(o: &mut Out, grace: std::time::Duration) -> io::Result<()> {
    o.diag(
        Level::Note,
        format!(
            "stopping: requests in flight get up to {} to finish (Ctrl-C again to stop now)",
            human(grace)
        ),
    )
}

/// Said when a second Ctrl-C cut the grace short.
pub fn listen_hurried(o: &mut Out) -> io::Result<()> {
    o.diag(Level::Warning, "stopped at once: requests still in flight were dropped unanswered")
}

/// One received request: a line, and the fields that matter beneath it. NDJSON under `-o json`:
/// a report, the record with `"type": "request"` after the version (the summary's line is
/// `"type": "summary"`).
/// Not flushed: the caller writes several at once when several are waiting.
pub fn record(o: &mut Out, r: &Record) -> io::Result<()> {
    let out = &mut *o.out;
    if o.style.json() {
        let mut line = Vec::with_capacity(r.bytes + 1024);
        super::report::open(&mut line, false)?;
        // The record's own object, its `{` replaced by the comma after the version.
        let start = line.len();
        r.write_json_typed(&mut line, Some("request"))?;
        line[start] = b',';
        line.push(b'\n');
        return out.write_all(&line);
    }
    let on = colored::control::SHOULD_COLORIZE.should_colorize();
    out.write_all(&request_line(r, on)?)?;
    if o.style.quiet() {
        // One line a request.
        return Ok(());
    }
    if let Some(v) = &r.verdict {
        request_verdict(out, v, on)?;
    }
    let a = &r.answer;
    if let Some(reason) = a.reason.as_ref().filter(|_| r.unauthorized.is_none()) {
        writeln!(out, "    {} {reason}", "answer:".dimmed())?;
    }
    if let Some(v) = &a.verdict {
        if a.forwarded {
            let state = if v.valid { "valid".green().bold() } else { "invalid".red().bold() };
            writeln!(out, "    {} {} {state}", "your server's answer:".dimmed(), v.kind)?;
        } else if !v.valid {
            writeln!(out, "    {}", "the mock's answer (sent as asked):".dimmed())?;
        }
        verdict(out, v)?;
    }
    if o.style.verbose() {
        in_full(out, r)?;
        if let Some(body) = &a.body {
            answer_body(out, body)?;
        }
    }
    Ok(())
}

/// The line a request gets in text: number, time, method, path, kind, verdict or note, what it
/// repeats, and what it was answered.
///
/// Gathered in pieces and written once. With colour off (the usual case when a stream of requests
/// is piped or saved) a piece is its bytes: nothing is formatted but two numbers.
fn request_line(r: &Record, on: bool) -> io::Result<Vec<u8>> {
    let time = r.time.get(11..23).unwrap_or(&r.time);
    let kind = r.kind.map_or("unknown", |k| k.name());
    let mut head = Vec::with_capacity(160);
    if on {
        write!(head, "{} ", format!("#{}", r.index).bold())?;
    } else {
        head.push(b'#');
        head.extend_from_slice(itoa::Buffer::new().format(r.index).as_bytes());
        head.push(b' ');
    }
    put(&mut head, on, time, |t| t.dimmed())?;
    for piece in ["  ", &r.method, " ", &r.path, "  "] {
        head.extend_from_slice(piece.as_bytes());
    }
    put(&mut head, on, kind, |k| k.cyan())?;
    head.extend_from_slice(b"  ");
    match (&r.verdict, &r.note) {
        (Some(v), _) if v.valid => put(&mut head, on, "valid", |t| t.green().bold())?,
        (Some(v), _) => put(&mut head, on, &format!("invalid ({})", v.errors.len()), |t| t.red().bold())?,
        (None, Some(note)) => put(&mut head, on, note, |t| t.yellow())?,
        (None, None) => {}
    }
    if let Some(i) = r.repeat_of {
        put(&mut head, on, &format!("  repeat of #{i}"), |t| t.yellow())?;
    }
    answer_summary(&mut head, &r.answer, on)?;
    if let Some(why) = &r.unauthorized {
        put(&mut head, on, &format!("  ✗ {why}"), |t| t.red().bold())?;
    }
    head.push(b'\n');
    Ok(head)
}

/// The end of a request's line: the status it was answered (and where it was forwarded), what
/// the answer said, and whether that answer keeps the contract.
fn answer_summary(head: &mut Vec<u8>, a: &AnswerRecord, on: bool) -> io::Result<()> {
    head.extend_from_slice(b"  ");
    match (&a.forwarded_to, a.forwarded) {
        (Some(to), _) => {
            put(head, on, "forwarded to ", |t| t.dimmed())?;
            head.extend_from_slice(to.as_bytes());
            put(head, on, " → ", |t| t.dimmed())?;
        }
        (None, true) => put(head, on, "forwarded → ", |t| t.dimmed())?,
        (None, false) => put(head, on, "→ ", |t| t.dimmed())?,
    }
    if on {
        write!(head, "{}", Status(a.status))?;
    } else {
        head.extend_from_slice(itoa::Buffer::new().format(a.status).as_bytes());
        head.push(b' ');
        head.extend_from_slice(super::reason(a.status).as_bytes());
    }
    if let Some(option) = &a.option {
        head.extend_from_slice(b"  option ");
        put(head, on, &field_value(option), |t| t.bold())?;
    }
    if let Some(content) = &a.content {
        head.extend_from_slice(b"  answer ");
        put(head, on, &snippet(content), |t| t.bold())?;
    }
    match &a.verdict {
        Some(v) if v.valid => {
            head.extend_from_slice(b"  ");
            put(head, on, "✓", |t| t.green().bold())?;
        }
        Some(v) => {
            head.extend_from_slice(b"  ");
            put(head, on, "✗", |t| t.red().bold())?;
            head.push(b' ');
            put(head, on, &format!("answer breaks the {} contract", v.kind), |t| t.red().bold())?;
        }
        None => {}
    }
    Ok(())
}

/// Beneath a request's line: the fields that matter (long values stay in the JSON output and the
/// capture), then its first three errors.
fn request_verdict(out: &mut dyn io::Write, v: &Verdict, on: bool) -> io::Result<()> {
    let shown = v.fields.iter().filter(|(k, _)| !LONG_FIELDS.contains(k) && !eva::CONTEXTS.contains(k));
    // Gathered here in pieces, with no formatting to set up for each (a dozen a request), and
    // written out once.
    let mut line = Vec::with_capacity(256);
    for (k, val) in shown {
        line.extend_from_slice(if line.is_empty() { b"    " } else { b"  " });
        match on {
            true => write!(line, "{}", k.dimmed())?,
            false => line.extend_from_slice(k.as_bytes()),
        }
        line.push(b' ');
        line.extend_from_slice(field_value(val).as_bytes());
    }
    if !line.is_empty() {
        line.push(b'\n');
        out.write_all(&line)?;
    }
    for e in v.errors.iter().take(3) {
        finding(out, e, true)?;
    }
    if v.errors.len() > 3 {
        writeln!(out, "    … and {} more", v.errors.len() - 3)?;
    }
    Ok(())
}

/// `-v`: the body your `--forward-to` server answered (one not judged as an eva answer).
fn answer_body(out: &mut dyn io::Write, body: &serde_json::Value) -> io::Result<()> {
    let text = match body {
        serde_json::Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).map_err(io::Error::other)?,
    };
    writeln!(out, "    {}", "your server's answer body".dimmed().italic())?;
    for line in text.lines() {
        writeln!(out, "      {line}")?;
    }
    Ok(())
}

/// `-v`: the request's headers and body as they came (a body that is not UTF-8 as base64).
fn in_full(out: &mut dyn io::Write, r: &Record) -> io::Result<()> {
    writeln!(out, "    {}", "headers".dimmed().italic())?;
    let width = r.headers.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in &r.headers {
        writeln!(out, "      {:width$}  {}", name.dimmed(), value)?;
    }
    let (label, body) = match (r.text(), &r.body_base64) {
        (Some(text), _) => {
            // JSON pretty-printed for reading; anything else as it came.
            let pretty = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok());
            ("body", pretty.unwrap_or_else(|| text.to_string()))
        }
        (None, Some(b64)) => ("body (base64)", b64.clone()),
        (None, None) => return writeln!(out, "    {}  {}", "body".dimmed().italic(), "(none)".dimmed()),
    };
    writeln!(out, "    {}", label.dimmed().italic())?;
    for line in body.lines() {
        writeln!(out, "      {line}")?;
    }
    Ok(())
}

pub fn listen_summary(o: &mut Out, t: &Tally) -> io::Result<()> {
    let out = &mut *o.out;
    if o.style.json() {
        super::report::write(out, &serde_json::json!({ "type": "summary", "summary": t }), false)?;
        return writeln!(out);
    }
    let kinds: Vec<String> = t.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let mut line = plural(t.requests as usize, "request");
    if !kinds.is_empty() {
        line.push_str(&format!(" ({})", kinds.join(", ")));
    }
    line.push_str(&format!(", {} invalid, {}", t.invalid, plural(t.repeats as usize, "repeat")));
    if t.invalid_answers > 0 {
        line.push_str(&format!(", {} breaking the contract", plural(t.invalid_answers as usize, "answer")));
    }
    if t.unauthorized > 0 {
        line.push_str(&format!(", {} without a required header (answered 401)", t.unauthorized));
    }
    if t.not_saved > 0 {
        line.push_str(&format!(", {} not saved (answered 507)", t.not_saved));
    }
    if t.filtered_out > 0 {
        line.push_str(&format!(", {} left out by --filter", t.filtered_out));
    }
    writeln!(out, "{}", line.bold())
}
