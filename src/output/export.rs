//! `export` and `replay --print curl`: requests as curl commands (a shell script, each command
//! under a comment naming its request) or as a HAR log (JSON); what to know about them on stderr.

use std::io::{self, Write};

use super::{Level, Out, finding, json};
use crate::export::{Document, Export};
use crate::replay::Printed;

/// Said when a command or a header holds `<redacted>`.
const REDACTED_NOTE: &str = "secret header values are written as <redacted>: --show-secrets writes them";

/// An export, written to `to` (a file) or else to stdout; its notes on stderr.
pub fn export(o: &mut Out, e: &Export, to: Option<&mut dyn Write>) -> io::Result<()> {
    for note in &e.notes {
        o.diag(Level::Note, note)?;
    }
    if e.redacted {
        o.diag(Level::Note, REDACTED_NOTE)?;
    }
    match to {
        Some(file) => document(file, &e.document),
        None => document(o.out, &e.document),
    }
}

/// The commands as a script, or the log as JSON.
fn document(out: &mut dyn Write, d: &Document) -> io::Result<()> {
    match d {
        Document::Curl(commands) => commands_text(out, commands.iter().map(|(name, curl)| (name, curl))),
        Document::Har(har) => json(out, har),
    }
}

/// `replay --print curl`: the commands (or, under `-o json`, them and the notes as JSON), and on
/// stderr the notes and each edited body that breaks its contract.
pub fn replay_curl(o: &mut Out, p: &Printed) -> io::Result<()> {
    o.diag(Level::Note, "printed, not sent")?;
    for note in &p.notes {
        o.diag(Level::Note, note)?;
    }
    if p.redacted {
        o.diag(Level::Note, REDACTED_NOTE)?;
    }
    for r in &p.requests {
        if let Some(v) = &r.broken {
            o.diag(
                Level::Warning,
                format!("{}: the body as edited breaks the {} contract:", r.event, v.kind),
            )?;
            for e in &v.errors {
                finding(o.err, e, true)?;
            }
        }
    }
    if o.style.json() {
        return o.report(p);
    }
    commands_text(o.out, p.requests.iter().map(|r| (&r.event, &r.curl)))
}

/// Each command under a comment naming its request: a script `sh` runs as it is.
fn commands_text<'a>(
    out: &mut dyn Write,
    commands: impl Iterator<Item = (&'a String, &'a String)>,
) -> io::Result<()> {
    for (name, curl) in commands {
        writeln!(out, "# {name}")?;
        writeln!(out, "{curl}")?;
    }
    Ok(())
}
