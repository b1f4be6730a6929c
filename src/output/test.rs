//! `test`: a line per case, what failed and why with what was sent and answered, the warnings,
//! and the tally.

use std::io;

use colored::Colorize;

use super::{Level, Out, SHOWN_BODY, bounded, plural, status_text};
use crate::contract::snippet;
use crate::tester::{CaseResult, Exchange, TestReport};

pub fn test(o: &mut Out, r: &TestReport) -> io::Result<()> {
    builtin_note(o, r)?;
    if o.style.json() {
        return o.json(r);
    }
    let (quiet, verbose) = (o.style.quiet(), o.style.verbose());
    for c in &r.cases {
        if quiet {
            // The verdicts only; warnings still said, on stderr.
            for w in &c.warnings {
                o.diag(Level::Warning, format!("case '{}': {}", c.name, warning(w)))?;
            }
            if c.passed {
                continue;
            }
        }
        case(o.out, c, quiet, verbose)?;
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
    let mut tail = Vec::new();
    if s.warnings > 0 {
        tail.push(plural(s.warnings, "warning"));
    }
    let builtin = s.builtin_receiver;
    if builtin == s.cases {
        tail.push("against hookctl's built-in receiver, not your server".to_string());
    } else if builtin > 0 {
        tail.push(format!("{builtin} of {} against hookctl's built-in receiver", plural(s.cases, "case")));
    }
    match tail.is_empty() {
        true => writeln!(out, "{verdict}"),
        false => writeln!(out, "{verdict}  {}", format!("({})", tail.join("; ")).yellow()),
    }
}

/// Said on stderr when cases had no url: which targets, and how to give them one.
fn builtin_note(o: &mut Out, r: &TestReport) -> io::Result<()> {
    let builtin: Vec<&CaseResult> = r.cases.iter().filter(|c| c.builtin_receiver).collect();
    if builtin.is_empty() {
        return Ok(());
    }
    let mut targets: Vec<&str> = builtin.iter().map(|c| c.target.as_str()).collect();
    targets.sort_unstable();
    targets.dedup();
    o.diag(
        Level::Note,
        format!(
            "no url for {} of {} (targets: {}): they ran against hookctl's built-in receiver, which answers as a correct webhook would.\n      Give each target a url: the variable its url reads in the suite, or --target NAME=URL (--url or {} for a suite with one target).",
            builtin.len(),
            plural(r.summary.cases, "case"),
            targets.join(", "),
            crate::defaults::ENV_URL
        ),
    )
}

/// One case: its line, then what failed, the warnings and hints, and the exchange (short for a
/// failed case, in full under -v, only its request line and status under -q).
fn case(out: &mut dyn io::Write, c: &CaseResult, quiet: bool, verbose: bool) -> io::Result<()> {
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
    if !quiet {
        for w in &c.warnings {
            writeln!(out, "    {} {}", "warning:".yellow().bold(), warning(w))?;
        }
    }
    for h in &c.hints {
        writeln!(out, "    {} {h}", "hint:".cyan().bold())?;
    }
    let Some(e) = &c.exchange else { return Ok(()) };
    if c.passed && !verbose {
        return Ok(());
    }
    let status = e.status.map_or_else(|| "no answer".to_string(), status_text);
    writeln!(out, "    {} {}  {status}", e.method.bold(), e.url)?;
    if quiet {
        return Ok(());
    }
    for line in exchange_lines(e, verbose) {
        writeln!(out, "      {}", line.dimmed())?;
    }
    Ok(())
}

/// A warning as one line: where, and what.
pub(super) fn warning(w: &crate::contract::Finding) -> String {
    let at = if w.pointer.is_empty() { "/" } else { &w.pointer };
    format!("{at}: {}", w.message)
}

/// What was sent and answered, as plain lines: `> ` the request's headers and body, `< ` the
/// answer's, then the curl command that repeats it. Bodies are short unless `full`; an answer's
/// body is bounded either way.
pub(super) fn exchange_lines(e: &Exchange, full: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for (name, value) in &e.request_headers {
        lines.push(format!("> {name}: {value}"));
    }
    let sent = if full { document(&e.request) } else { snippet(&e.request) };
    lines.extend(sent.lines().map(|l| format!("> {l}")));
    for (name, value) in &e.response_headers {
        lines.push(format!("< {name}: {value}"));
    }
    if let Some(body) = e.response.as_ref().filter(|b| !b.is_null()) {
        let text = if full { document(body) } else { text_of(body) };
        lines.extend(bounded(&text, SHOWN_BODY).lines().map(|l| format!("< {l}")));
    }
    lines.push(format!("$ {}", e.curl.replace('\n', "\n    ")));
    lines
}

/// A document in full: JSON pretty-printed, text as it came.
fn document(doc: &serde_json::Value) -> String {
    match doc {
        serde_json::Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// An answer's body on one line: JSON compact, text as it came.
fn text_of(doc: &serde_json::Value) -> String {
    match doc {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
