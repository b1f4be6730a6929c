//! `send --dry-run` and `send --print curl`: the request as it would go, and that nothing went.

use std::io;

use colored::Colorize;

use super::{Level, Out, finding};
use crate::preview::Preview;

pub fn preview(o: &mut Out, p: &Preview) -> io::Result<()> {
    let printed = p.curl.is_some() || p.k6.is_some();
    let nothing = if printed { "printed, not sent" } else { "dry run: nothing sent" };
    let aim = match &p.url {
        Some(url) => format!("{url} would get"),
        None => "hookctl's built-in receiver would get".to_string(),
    };
    let times = match p.deliveries {
        1 => String::new(),
        2 => " twice".to_string(),
        n => format!(" {n} times"),
    };
    o.diag(Level::Note, format!("{nothing} ({aim} it{times})"))?;
    if let Some(note) = &p.note {
        o.diag(Level::Note, note)?;
    }
    if let Some(note) = &p.curl_url_note {
        o.diag(Level::Note, note)?;
    }
    for note in p.k6.iter().flat_map(|k| &k.notes) {
        o.diag(Level::Note, note)?;
    }
    if p.redacted && p.k6.is_none() {
        o.diag(Level::Note, "secret header values are shown as <redacted>: --show-secrets prints them")?;
    }
    if !p.checks.valid {
        o.diag(
            Level::Warning,
            format!("the body breaks the {} contract (it would be sent as asked):", p.checks.kind),
        )?;
        for e in &p.checks.errors {
            finding(o.err, e, true)?;
        }
    }
    if o.style.json() {
        return o.report(p);
    }
    let out = &mut *o.out;
    if let Some(curl) = &p.curl {
        return writeln!(out, "{curl}");
    }
    if let Some(k6) = &p.k6 {
        return write!(out, "{}", k6.script);
    }
    let url = p.url.clone().unwrap_or_else(|| "(built-in receiver)".to_string());
    writeln!(out, "{} {url}", p.method.bold())?;
    for (name, value) in &p.headers {
        writeln!(out, "{}: {value}", name.dimmed())?;
    }
    writeln!(out)?;
    writeln!(out, "{}", p.wire)
}

/// A printed script (`scenario --print k6`): the notes on stderr, the script on stdout, or both
/// in one object under `-o json`.
pub fn script(o: &mut Out, s: &crate::preview::k6::Script) -> io::Result<()> {
    o.diag(Level::Note, "printed, not sent")?;
    for note in &s.notes {
        o.diag(Level::Note, note)?;
    }
    if o.style.json() {
        return o.report(s);
    }
    write!(o.out, "{}", s.script)
}
