//! `test`: a line per case, what failed and why with what was sent and answered (as `scenario`
//! shows a failed step), the warnings and hints, and the tally.

use std::io;

use colored::Colorize;

use super::exchange::{self, Detail, Shown};
use super::{Level, Out, plural};
use crate::suite::{CaseResult, TestReport};

pub fn test(o: &mut Out, r: &TestReport) -> io::Result<()> {
    builtin_note(o, r)?;
    if o.style.json() {
        return o.report(r);
    }
    let (quiet, verbose) = (o.style.quiet(), o.style.verbose());
    // Where each case went is worth a word when the run has several targets.
    let several = r.cases.iter().any(|c| c.target != r.cases[0].target);
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
        case(o.out, c, several, quiet, verbose)?;
    }
    let s = &r.summary;
    let rows = vec![
        ["cases", "passed", "failed", "errors", "time"].map(String::from),
        [
            s.cases.to_string(),
            s.passed.to_string(),
            s.failed.to_string(),
            s.transport_errors.to_string(),
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

/// One case: its line (with its target when the run has `several`), then what failed, the warnings and hints, and the exchange (short for a
/// failed case, in full under -v, only its request line and status under -q).
fn case(
    out: &mut dyn io::Write,
    c: &CaseResult,
    several: bool,
    quiet: bool,
    verbose: bool,
) -> io::Result<()> {
    let mark = if c.passed { "✓".green().bold() } else { "✗".red().bold() };
    let to = if several { format!("  → {}", c.target) } else { String::new() };
    let at = format!("{}:{}{to}  {:.0} ms", c.suite, c.line, c.duration_ms);
    writeln!(out, "{mark} {}  {}", c.name, at.dimmed())?;
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
    let detail = match (quiet, verbose) {
        (true, _) => Detail::Line,
        (_, true) => Detail::Full,
        _ => Detail::Failure,
    };
    exchange::write(out, &Shown::of_exchange(e), detail, 4)
}

/// A warning as one line: where, and what.
pub(super) fn warning(w: &crate::contract::Finding) -> String {
    let at = if w.pointer.is_empty() { "/" } else { &w.pointer };
    format!("{at}  {}", w.message)
}
