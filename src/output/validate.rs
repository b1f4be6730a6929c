//! `validate`: a line per document with its verdict, then the errors, warnings and fields.

use std::io;

use colored::Colorize;

use super::{Level, Out, fields, finding, plural, verdict};
use crate::validate::{FileOutcome, Report};

pub fn validate(o: &mut Out, report: &Report) -> io::Result<()> {
    // Inputs that could not be judged, and entries of directories that were skipped, are
    // diagnostics: stderr, one line each, in either format.
    for s in &report.skipped {
        o.diag(Level::Warning, format_args!("{}: {}", s.source, s.reason))?;
    }
    for f in &report.files {
        if let FileOutcome::Unreadable { error } = &f.outcome {
            o.diag(Level::Error, error)?;
        }
    }
    if o.style.json() {
        return o.json(report);
    }
    let (quiet, verbose) = (o.style.quiet(), o.style.verbose());
    let out = &mut *o.out;
    for f in &report.files {
        let FileOutcome::Checked(v) = &f.outcome else { continue };
        if quiet && v.valid {
            continue;
        }
        let status = if v.valid {
            "valid".green().bold()
        } else {
            format!("invalid ({})", plural(v.errors.len(), "error")).red().bold()
        };
        let unchecked = if v.not_checked.is_empty() {
            String::new()
        } else {
            format!("  ({})", v.not_checked.join("; ")).yellow().to_string()
        };
        writeln!(out, "{}  {}  {status}{unchecked}", f.source.bold(), v.kind.to_string().cyan())?;
        if quiet {
            // The errors only: no notes, warnings or fields.
            for e in &v.errors {
                finding(out, e, true)?;
            }
            continue;
        }
        if let Some(note) = &f.kind_note {
            writeln!(out, "    {} {}", "?".yellow().bold(), note.dimmed())?;
        }
        verdict(out, v)?;
        // The fields that matter: of a valid document, and under -v of an invalid one too.
        if v.valid || verbose {
            fields(out, &v.fields, "    ")?;
        }
    }
    let s = &report.summary;
    let mut line =
        format!("{} checked: {} valid, {} invalid", plural(s.files, "document"), s.valid, s.invalid);
    if s.unreadable > 0 {
        line.push_str(&format!(", {} unreadable", s.unreadable));
    }
    if s.skipped > 0 {
        line.push_str(&format!(", {} skipped", s.skipped));
    }
    if s.warnings > 0 {
        line.push_str(&format!(", {}", plural(s.warnings, "warning")));
    }
    writeln!(out, "{}", line.dimmed())
}
