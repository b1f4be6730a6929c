//! Renderers: turn the values commands return into human text or JSON, and nothing else.
//!
//! Every renderer takes an [`Out`]: the writer for results (stdout), the writer for diagnostics
//! (stderr) and a [`Style`] decided once from the command line. Renderers never look at the
//! command line, the environment or the terminal themselves, and never print directly. Human
//! text is coloured and tabled on a terminal, plain when piped or under `NO_COLOR`.

mod catalogue;
mod exchange;
mod export;
mod junit;
mod listen;
mod load;
mod preview;
mod report;
mod scenario;
mod send;
mod test;
mod validate;

use std::borrow::Cow;
use std::io::{self, Write};

use colored::Colorize;
use serde::Serialize;
use serde_json::Value;
use tabled::settings::peaker::Priority;
use tabled::settings::{Modify, Padding, Style as TableStyle, Width, object::Rows};
use tabled::{Table, Tabled};

use crate::contract::{Fields, Finding, Verdict, snippet};

pub use catalogue::{list, scenarios, show};
pub use export::{export, replay_curl};
pub use junit::junit;
pub use listen::{
    Listening, listen_event, listen_hurried, listen_stopping, listen_summary, listening, record,
};
pub use load::{load, load_hurried, load_stopping, progress};
pub use preview::{preview, script};
pub use report::{FORMAT, ReportName};
pub use scenario::scenario;
pub use send::{attempt, send, unsent_fields};
pub use test::test;
pub use validate::Validate;

/// The form of what goes to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Coloured, tabled text for people.
    Text,
    /// One JSON document on stdout, for machines.
    Json,
}

/// When to colour text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How much text output says (`-q`, `-v`); JSON output is the same whatever it is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Only the verdicts and the summary.
    Quiet,
    #[default]
    Normal,
    /// The requests and the answers in full, and timings.
    Verbose,
}

/// How output looks, decided once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: Format,
    /// Text on stdout is coloured.
    pub color: bool,
    /// Diagnostics on stderr are coloured: decided for stderr on its own.
    pub err_color: bool,
    /// Stdout is a terminal: tables get borders, documents are pretty-printed.
    pub terminal: bool,
    pub verbosity: Verbosity,
    /// The width tables fit on the terminal, their long values wrapped; none (when piped):
    /// every value whole.
    pub width: Option<usize>,
}

impl Style {
    /// The style for a run, each stream's colour decided on its own ([`colored_stream`]).
    pub fn new(format: Format, choice: ColorChoice, terminal: bool, err_terminal: bool) -> Style {
        Style {
            format,
            color: colored_stream(choice, terminal),
            err_color: colored_stream(choice, err_terminal),
            terminal,
            verbosity: Verbosity::Normal,
            width: None,
        }
    }

    /// Tables fit `width` columns (see [`terminal_width`]).
    pub fn with_width(self, width: Option<usize>) -> Style {
        Style { width, ..self }
    }

    pub fn with_verbosity(self, verbosity: Verbosity) -> Style {
        Style { verbosity, ..self }
    }

    pub fn quiet(self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    pub fn verbose(self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// Make the colour choice take effect for this process (the colouring crate keeps it globally).
    pub fn apply(self) {
        colored::control::set_override(self.color);
    }

    pub fn json(self) -> bool {
        self.format == Format::Json
    }
}

/// Whether a stream is coloured: `--color always|never`, else not under `NO_COLOR` (not empty) or
/// `TERM=dumb`, else under `CLICOLOR_FORCE` (not empty nor `0`), else when the stream is a
/// terminal.
pub fn colored_stream(choice: ColorChoice, terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR").is_some() => false,
        ColorChoice::Auto if set("TERM").is_some_and(|t| t == "dumb") => false,
        ColorChoice::Auto => set("CLICOLOR_FORCE").is_some_and(|v| v != "0") || terminal,
    }
}

/// The width of the terminal stdout is: `COLUMNS` when it is a number (as `ls` reads it), else
/// the terminal's own; none when neither says.
pub fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    columns
        .filter(|&c| c > 0)
        .or_else(|| terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0)))
}

/// A diagnostic's tag (`error:`, `warning:`, `note:`) as a stream shows it: bold and coloured when
/// that stream is, whatever stdout's choice (which the colouring crate keeps for the process).
pub fn tag(level: Level, color: bool) -> String {
    let (word, code) = match level {
        Level::Error => ("error:", "31"),
        Level::Warning => ("warning:", "33"),
        Level::Note => ("note:", "36"),
    };
    if color { format!("\x1b[1;{code}m{word}\x1b[0m") } else { word.to_string() }
}

/// Where a renderer writes: results to `out`, diagnostics (errors, notes, progress) to `err`.
pub struct Out<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub style: Style,
}

impl Out<'_> {
    /// One diagnostic line on `err`: `error:`, `warning:` or `note:` and the message.
    pub fn diag(&mut self, level: Level, msg: impl std::fmt::Display) -> io::Result<()> {
        let tag = tag(level, self.style.err_color);
        writeln!(self.err, "{tag} {msg}")
    }

    /// Any serialisable value as pretty JSON on `out`, as it is: for the documents `show` and
    /// `schema` print, which are not hookctl's reports.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        json(self.out, value)
    }

    /// A report (a value that serialises as an object) as pretty JSON on `out`, its first member
    /// the format's version (see [`report`]).
    pub fn report<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        report::write(self.out, value, true)
    }

    /// A table on `out`, bordered on a terminal, aligned plain text otherwise. On a terminal of a
    /// known width, long values are wrapped (between words where they can be) so that no line is
    /// wider than it; piped, every value is whole.
    pub fn table(&mut self, mut table: Table) -> io::Result<()> {
        if self.style.terminal {
            table.with(TableStyle::rounded());
            if let Some(width) = self.style.width {
                table.with(Width::wrap(width).priority(Priority::max(true)).keep_words(true));
            }
        } else {
            table.with(TableStyle::blank());
            table.with(Modify::new(Rows::new(..)).with(Padding::new(0, 2, 0, 0)));
        }
        writeln!(self.out, "{table}")
    }

    /// Rows as a table for people, or as a JSON report holding them as the array `member`.
    pub fn rows<T: Serialize + Tabled>(&mut self, member: &str, rows: Vec<T>) -> io::Result<()> {
        if self.style.json() {
            let mut report = serde_json::Map::new();
            report.insert(member.to_string(), serde_json::to_value(&rows).map_err(io::Error::other)?);
            self.report(&report)
        } else {
            self.table(Table::new(rows))
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Level {
    Error,
    Warning,
    Note,
}

/// Any serialisable value as pretty JSON with a final newline.
pub fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// The most of an answer's body that a failure shows (text and JUnit); the rest is counted.
pub const SHOWN_BODY: usize = 2048;

/// `text` cut to at most `max` bytes at a character boundary, saying how many bytes were left
/// out; whole when it fits.
pub fn bounded(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}… ({} more bytes)", &text[..end], text.len() - end))
}

/// `200 OK` in green, anything else in red.
fn status_text(status: u16) -> String {
    Status(status).to_string()
}

/// A status and its reason, green for 2xx and red otherwise, written where it goes: plain when
/// colour is off, with no string made for it (a listener shows one for each request).
struct Status(u16);

/// The reason phrase of a status code, or nothing for a code with none.
fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self.0;
        let reason = reason(status);
        if !colored::control::SHOULD_COLORIZE.should_colorize() {
            return write!(f, "{status} {reason}");
        }
        let s = format!("{status} {reason}");
        let painted = if (200..300).contains(&status) { s.green().bold() } else { s.red().bold() };
        painted.fmt(f)
    }
}

/// `    /pointer  message` then `expected … found …` on the next line.
fn finding(out: &mut dyn Write, f: &Finding, error: bool) -> io::Result<()> {
    let pointer = if f.pointer.is_empty() { "(document)" } else { &f.pointer };
    let mark = if error { "✗".red().bold() } else { "!".yellow().bold() };
    writeln!(out, "    {mark} {}  {}", pointer.bold(), f.message)?;
    match (&f.expected, &f.found) {
        (Some(e), Some(found)) => writeln!(out, "        expected {e}, found {found}"),
        (Some(e), None) => writeln!(out, "        expected {e}"),
        (None, Some(found)) => writeln!(out, "        found {found}"),
        (None, None) => Ok(()),
    }
}

/// Every error, then every warning, of a verdict.
fn verdict(out: &mut dyn Write, v: &Verdict) -> io::Result<()> {
    for e in &v.errors {
        finding(out, e, true)?;
    }
    for w in &v.warnings {
        finding(out, w, false)?;
    }
    Ok(())
}

/// Aligned `label  value` lines for the fields that matter.
fn fields(out: &mut dyn Write, fields: &Fields, indent: &str) -> io::Result<()> {
    fields_shown(out, fields, indent, |_, value| field_value(value).into_owned())
}

/// As [`fields`], each value shown by `show` (given its label).
fn fields_shown(
    out: &mut dyn Write,
    fields: &Fields,
    indent: &str,
    show: impl Fn(&str, &Value) -> String,
) -> io::Result<()> {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (label, value) in fields.iter() {
        writeln!(out, "{indent}{:width$}  {}", label.dimmed(), show(label, value))?;
    }
    Ok(())
}

/// A field's value on one line: strings bare, null dimmed, the rest compact JSON, long ones cut.
fn field_value(value: &Value) -> Cow<'_, str> {
    match value {
        // Short, with nothing to escape (most ids and names): shown as it is.
        Value::String(s)
            if s.len() <= crate::contract::SNIPPET_CHARS - 2
                && s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') =>
        {
            Cow::Borrowed(s)
        }
        // Only the head of a string is shown: copy no more of it.
        Value::String(s) => {
            let head = s.chars().take(crate::contract::SNIPPET_CHARS).collect();
            Cow::Owned(snippet(&Value::String(head)).trim_matches('"').to_string())
        }
        Value::Null if colored::control::SHOULD_COLORIZE.should_colorize() => {
            Cow::Owned("null".dimmed().to_string())
        }
        Value::Null => Cow::Borrowed("null"),
        // As their snippets, which they never fill, with no buffer set up to cut them short.
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Array(a) if a.is_empty() => Cow::Borrowed("[]"),
        other => Cow::Owned(snippet(other)),
    }
}

/// Said on stderr whenever a run had no target of the user's and used the built-in receiver.
fn builtin_note(o: &mut Out) -> io::Result<()> {
    o.diag(
        Level::Note,
        format!(
            "no --url given: delivered to hookctl's built-in receiver, which answers as a correct webhook would.\n      Target your server with --url http://localhost:PORT/PATH (or {}, or --botpress-config hitlnext.json).",
            crate::defaults::ENV_URL
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_text_is_cut_at_a_character_and_says_how_much_is_left() {
        assert_eq!(super::bounded("abc", 3), "abc");
        assert_eq!(super::bounded("abcdef", 4), "abcd… (2 more bytes)");
        // "é" is two bytes: a cut inside it moves back to before it.
        assert_eq!(super::bounded("aé", 2), "a… (2 more bytes)");
    }

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_string_field_is_shown_as_its_snippet_whatever_its_length_and_characters() {
        let snipped = |s: &str| {
            let head: String = s.chars().take(crate::contract::SNIPPET_CHARS).collect();
            snippet(&Value::String(head)).trim_matches('"').to_string()
        };
        for n in [0usize, 1, 40, 77, 78, 79, 80, 81, 200] {
            for fill in ["a", "é", "\"", "\\", "\n", "\u{7f}", "😀"] {
                let s = format!("{}{}", "x".repeat(n.saturating_sub(1)), fill.repeat(n.min(1)));
                assert_eq!(field_value(&Value::String(s.clone())), snipped(&s), "{n} {fill:?}");
            }
        }
    }

    #[test]
    fn a_number_or_a_boolean_field_is_shown_as_its_snippet() {
        let values = "0 42 -7 18446744073709551615 -9223372036854775808 1.5 -0.0 1e300 \
                      2.2250738585072014e-308 123456789.12345679 true false";
        for text in values.split_whitespace() {
            let value: Value = serde_json::from_str(text).expect("JSON");
            assert_eq!(field_value(&value), snippet(&value), "{text}");
        }
    }

    proptest! {
        #[test]
        fn any_number_field_is_shown_as_its_snippet(
            n in prop_oneof![
                any::<u64>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                proptest::num::f64::NORMAL.prop_map(Value::from),
                proptest::num::f64::SUBNORMAL.prop_map(Value::from),
            ]
        ) {
            prop_assert_eq!(field_value(&n), snippet(&n));
        }
    }
}
