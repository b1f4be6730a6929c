//! `test`: a line per case, what failed and why, and the tally.

use std::io;

use colored::Colorize;

use super::{Level, Out, plural, status_text};
use crate::contract::snippet;
use crate::tester::TestReport;

pub fn test(o: &mut Out, r: &TestReport) -> io::Result<()> {
    let builtin = r.summary.builtin_receiver;
    if builtin > 0 {
        o.diag(
            Level::Note,
            format!(
                "no url for {} of {} (none from --url, {env} or the suite): they ran against hookctl's built-in receiver, which answers as a correct webhook would.\n      Target your server with --url, {env}, or url in the suite (url = \"${{WEBHOOK_URL:-}}\" reads WEBHOOK_URL).",
                builtin,
                plural(r.summary.cases, "case"),
                env = crate::defaults::ENV_URL
            ),
        )?;
    }
    if o.style.json() {
        return o.json(r);
    }
    let (quiet, verbose) = (o.style.quiet(), o.style.verbose());
    let out = &mut *o.out;
    for c in r.cases.iter().filter(|c| !quiet || !c.passed) {
        let mark = if c.passed { "✓".green().bold() } else { "✗".red().bold() };
        writeln!(
            out,
            "{mark} {}  {}",
            c.name,
            format!("{}:{}  {:.0} ms", c.suite, c.line, c.duration_ms).dimmed()
        )?;
        if let Some(e) = &c.error {
            writeln!(out, "    {} {e}", "not delivered:".red().bold())?;
        }
        for f in &c.failures {
            writeln!(
                out,
                "    {} expected {}, found {}",
                format!("{}:", f.expectation).bold(),
                f.expected,
                f.found
            )?;
        }
        if verbose {
            // What was sent and answered, in full, for every case.
            if let Some(req) = &c.request {
                writeln!(out, "    {}", "sent:".dimmed())?;
                indented(out, req)?;
            }
            if let Some(status) = c.status {
                writeln!(out, "    {} {}", "answer:".dimmed(), status_text(status))?;
                if let Some(body) = c.response.as_ref().filter(|b| !b.is_null()) {
                    indented(out, body)?;
                }
            }
        } else if !c.passed && !quiet {
            if let Some(req) = &c.request {
                writeln!(out, "    {} {}", "sent:".dimmed(), snippet(req))?;
            }
            if let Some(status) = c.status {
                let body = c.response.as_ref().map(snippet).unwrap_or_default();
                writeln!(out, "    {} {} {body}", "answer:".dimmed(), status_text(status))?;
            }
        }
    }
    let s = &r.summary;
    let rows = vec![
        ["cases", "passed", "failed", "errors", "time"].map(String::from),
        [
            s.cases.to_string(),
            s.passed.to_string(),
            s.failed.to_string(),
            s.errors.to_string(),
            format!("{:.2} s", s.duration_ms / 1e3),
        ],
    ];
    o.table(tabled::builder::Builder::from_iter(rows).build())?;
    let out = &mut *o.out;
    let verdict = if s.passed == s.cases { "PASSED".green().bold() } else { "FAILED".red().bold() };
    if builtin > 0 {
        let which = if builtin == s.cases {
            "against hookctl's built-in receiver, not your server".to_string()
        } else {
            format!("{builtin} of {} against hookctl's built-in receiver", plural(s.cases, "case"))
        };
        writeln!(out, "{verdict}  {}", format!("({which})").yellow())
    } else {
        writeln!(out, "{verdict}")
    }
}

/// A document in full under a case: JSON pretty-printed, text as it came.
fn indented(out: &mut dyn io::Write, doc: &serde_json::Value) -> io::Result<()> {
    let text = match doc {
        serde_json::Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).map_err(io::Error::other)?,
    };
    for line in text.lines() {
        writeln!(out, "        {line}")?;
    }
    Ok(())
}
