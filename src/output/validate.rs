//! `validate`: a line per document with its verdict, then the errors, warnings and fields.

use std::io::{self, Write};

use serde::Serialize;

use colored::Colorize;

use super::{Level, Out, Style, fields, finding, plural, verdict};
use crate::error::Result;
use crate::validate::{FileOutcome, FileResult, Sink, Skipped, Summary};

/// Renders `validate`'s results as they come: each document as soon as it is judged, then the
/// summary. Under `-o json` the one JSON object written is the same as if it were made whole:
/// `files`, `skipped` (when any) and `summary`.
pub struct Validate<'o, 'a> {
    o: &'o mut Out<'a>,
    files: usize,
    /// Kept for the JSON object's `skipped`, which comes after the files.
    skipped: Vec<Skipped>,
}

impl<'o, 'a> Validate<'o, 'a> {
    pub fn new(o: &'o mut Out<'a>) -> Self {
        Validate { o, files: 0, skipped: Vec::new() }
    }

    /// The summary, and under `-o json` the end of the object.
    pub fn finish(self, s: &Summary) -> io::Result<()> {
        let out = &mut *self.o.out;
        if self.o.style.json() {
            if self.files == 0 {
                write!(out, "{{\n  \"files\": []")?;
            } else {
                write!(out, "\n  ]")?;
            }
            if !self.skipped.is_empty() {
                write!(out, ",\n  \"skipped\": ")?;
                indented(out, &self.skipped, "  ")?;
            }
            write!(out, ",\n  \"summary\": ")?;
            indented(out, s, "  ")?;
            writeln!(out, "\n}}")?;
            return out.flush();
        }
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
        writeln!(out, "{}", line.dimmed())?;
        out.flush()
    }
}

/// A value as pretty JSON, every line after the first indented by `indent` (JSON text holds no
/// raw line break inside a string, so each one is between tokens).
fn indented<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T, indent: &str) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value)?;
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

impl Sink for Validate<'_, '_> {
    /// The text under -q shows no fields; JSON and the other levels do.
    fn wants_fields(&self) -> bool {
        self.o.style.json() || !self.o.style.quiet()
    }

    // Inputs that could not be judged, and entries of directories that were skipped, are
    // diagnostics: stderr, one line each, in either format.
    fn skipped(&mut self, s: Skipped) -> Result<()> {
        self.o.diag(Level::Warning, format_args!("{}: {}", s.source, s.reason))?;
        self.skipped.push(s);
        Ok(())
    }

    fn file(&mut self, f: FileResult) -> Result<()> {
        if let FileOutcome::Unreadable { error } = &f.outcome {
            self.o.diag(Level::Error, error)?;
        }
        self.files += 1;
        if self.o.style.json() {
            let out = &mut *self.o.out;
            out.write_all(if self.files == 1 { b"{\n  \"files\": [\n    " } else { b",\n    " })?;
            indented(out, &f, "    ")?;
            return Ok(());
        }
        Ok(document(self.o.out, self.o.style, &f)?)
    }
}

/// One document in text: its line, then (unless -q) the note, the errors and warnings, and the
/// fields that matter.
fn document(out: &mut dyn Write, style: Style, f: &FileResult) -> io::Result<()> {
    let (quiet, verbose) = (style.quiet(), style.verbose());
    let FileOutcome::Checked(v) = &f.outcome else { return Ok(()) };
    if quiet && v.valid {
        return Ok(());
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
        return Ok(());
    }
    if let Some(note) = &f.kind_note {
        writeln!(out, "    {} {}", "?".yellow().bold(), note.dimmed())?;
    }
    verdict(out, v)?;
    // The fields that matter: of a valid document, and under -v of an invalid one too.
    if v.valid || verbose {
        fields(out, &v.fields, "    ")?;
    }
    Ok(())
}
