//! `validate`: a line per document with its verdict, then the errors, warnings and fields.

use std::io::{self, Write};

use serde::Serialize;

use colored::Colorize;

use super::{Level, Out, Style, field_value, fields_shown, finding, plural, verdict};
use crate::error::Result;
use crate::validate::{FileOutcome, FileResult, Sink, Skipped, Summary};

/// Renders `validate`'s results as they come: each document as soon as it is judged, then the
/// summary. Under `-o json` the one JSON report written is the same as if it were made whole:
/// the format's version, `files`, `skipped` (when any) and `summary`.
///
/// In text, of many documents (several files, or a capture file), a valid one is one line: what
/// was not checked in them is said once at the end, with how many it concerns, and `-v` shows each
/// in full. An invalid one is always shown in full, and a document alone too. (Standard input is
/// one document until it is read, so a capture piped in is shown in full.)
pub struct Validate<'o, 'a> {
    o: &'o mut Out<'a>,
    files: usize,
    /// Kept for the JSON object's `skipped`, which comes after the files.
    skipped: Vec<Skipped>,
    /// Valid documents are one line each.
    brief: bool,
    /// What was not checked in the valid documents shown as one line, and in how many of them,
    /// in the order first met.
    unchecked: Vec<(String, usize)>,
}

impl<'o, 'a> Validate<'o, 'a> {
    pub fn new(o: &'o mut Out<'a>) -> Self {
        Validate { o, files: 0, skipped: Vec::new(), brief: false, unchecked: Vec::new() }
    }

    /// The summary, and under `-o json` the end of the object.
    pub fn finish(self, s: &Summary) -> io::Result<()> {
        if let Some(line) = &s.stopped_at {
            self.o
                .diag(Level::Note, format_args!("stopped at {line} (--strict): nothing after it was read"))?;
        }
        let out = &mut *self.o.out;
        if self.o.style.json() {
            if self.files == 0 {
                super::report::open(out, true)?;
                write!(out, ",\n  \"files\": []")?;
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
        for (note, n) in &self.unchecked {
            writeln!(out, "{}", format!("{note} (in {})", plural(*n, "valid document")).yellow())?;
        }
        let mut line =
            format!("{} checked: {} valid, {} invalid", plural(s.files, "document"), s.valid, s.invalid);
        if s.unreadable > 0 {
            line.push_str(&format!(", {} unreadable", s.unreadable));
        }
        if s.refused > 0 {
            line.push_str(&format!(", {} refused", s.refused));
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
    /// Indents every line after the first as it passes (JSON strings hold no raw line breaks), so
    /// that a big document is written out without being held whole.
    struct Indent<'a>(&'a mut dyn Write, &'a [u8]);
    impl Write for Indent<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut lines = buf.split(|b| *b == b'\n');
            if let Some(first) = lines.next() {
                self.0.write_all(first)?;
            }
            for line in lines {
                self.0.write_all(b"\n")?;
                self.0.write_all(self.1)?;
                self.0.write_all(line)?;
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut text = io::BufWriter::with_capacity(8 * 1024, Indent(out, indent.as_bytes()));
    serde_json::to_writer_pretty(&mut text, value)?;
    text.flush()
}

impl Sink for Validate<'_, '_> {
    fn expect(&mut self, many: bool) {
        self.brief = many && !self.o.style.verbose();
    }

    /// The text under -q shows no fields, nor that of many documents without -v; JSON and the
    /// other levels do.
    fn wants_fields(&self) -> bool {
        self.o.style.json() || !(self.o.style.quiet() || self.brief)
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
            if self.files == 1 {
                super::report::open(out, true)?;
                out.write_all(b",\n  \"files\": [\n    ")?;
            } else {
                out.write_all(b",\n    ")?;
            }
            indented(out, &f.shown(), "    ")?;
            return Ok(());
        }
        let brief = match &f.outcome {
            FileOutcome::Checked(v) => self.brief && v.valid,
            FileOutcome::Refused { .. } | FileOutcome::Unreadable { .. } => false,
        };
        if let (true, FileOutcome::Checked(v), false) = (brief, &f.outcome, self.o.style.quiet()) {
            for note in &v.not_checked {
                match self.unchecked.iter_mut().find(|(n, _)| n == note) {
                    Some((_, count)) => *count += 1,
                    None => self.unchecked.push((note.clone(), 1)),
                }
            }
        }
        Ok(document(self.o.out, self.o.style, &f, brief)?)
    }
}

/// One document in text: its line, then (unless -q) the note, the errors and warnings, and the
/// fields that matter. A `brief` one is its line and its warnings. A captured request refused for
/// its headers is one line (none under -q: it is no failure).
fn document(out: &mut dyn Write, style: Style, f: &FileResult, brief: bool) -> io::Result<()> {
    let (quiet, verbose) = (style.quiet(), style.verbose());
    let v = match &f.outcome {
        FileOutcome::Checked(v) => v,
        FileOutcome::Refused { refused } if !quiet => {
            let why = format!("refused ({}: {})", refused.status, refused.reason);
            return writeln!(out, "{}  {}", f.source.bold(), why.yellow().bold());
        }
        FileOutcome::Refused { .. } | FileOutcome::Unreadable { .. } => return Ok(()),
    };
    if quiet && v.valid {
        return Ok(());
    }
    let status = if v.valid {
        "valid".green().bold()
    } else {
        format!("invalid ({})", plural(v.errors.len(), "error")).red().bold()
    };
    let unchecked = if v.not_checked.is_empty() || brief {
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
    if brief {
        return Ok(());
    }
    // The fields that matter: of a valid document, and under -v of an invalid one too.
    if v.valid || verbose {
        // A field kept as text is shown from it.
        fields_shown(out, &v.fields, "    ", |label, value| {
            f.text(label).map_or_else(|| field_value(value).into_owned(), crate::contract::snippet)
        })?;
    }
    Ok(())
}
