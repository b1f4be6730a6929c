//! Capture files: the record of one request ([`Record`], one a line) and how `listen --save` writes
//! it (`capture/writer.rs`) and every reader reads it. Read line by line, each
//! line capped (`--max-size`) and checked on its own, so that a bad line (cut by a crash, edited
//! by hand) is named as `FILE:LINE` and the readers (`replay`, `init --from`, `validate`) go on
//! with the rest, or stop there under `--strict`. Whatever `listen` writes reads back, however
//! deep its body is nested ([`DEEPEST`]). Also what a record says of how the listener refused it.

mod record;
pub(crate) mod writer;

pub use record::{AnswerRecord, Record};

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::input::{self, InputError, Size};

/// The deepest a line is nested for it to be read as a record: past the deepest line `listen`
/// writes, which is past `serde_json`'s own limit (128). A body is nested at most as deep as
/// `serde_json` reads (127 levels), and a record holds it one level in (`body_json`) and copies of
/// its parts a few levels in (`verdict.fields.LABEL`, and the answer's in
/// `answer.verdict.fields.LABEL`, four levels in, of a part at least one level into the answer),
/// so a line it writes is at most 130 levels deep. The bound keeps a hand-made line from nesting
/// deep enough to exhaust the stack.
pub const DEEPEST: usize = 160;

/// A line of a capture that is not a record, and why, as `FILE:LINE: reason` says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadLine {
    /// `FILE:LINE`.
    pub source: String,
    pub reason: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

/// Why a line of a capture is not a record, or why the reading stopped there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A record whose body or header value kept as base64 is not base64.
    #[error("{field} is not base64: {reason}")]
    NotBase64 { field: &'static str, reason: String },
    #[error("binary data, not a capture record")]
    Binary,
    /// Not JSON of a record's shape: `serde_json`'s reason.
    #[error("not a capture record written by 'listen --save' ({0})")]
    NotRecord(String),
    /// Nested deeper than [`DEEPEST`]: how deep.
    #[error("nested {0} levels deep, deeper than any record 'listen --save' writes (at most {DEEPEST} read)")]
    Nested(usize),
    #[error("record has no body (neither body, body_json nor body_base64)")]
    NoBody,
    #[error("method {0:?} is not an HTTP method (a token such as POST)")]
    Method(String),
    /// Longer than `--max-size`; in a stream, the reading stops there.
    #[error(
        "record too large: more than --max-size ({}){}",
        Size(*max).human(),
        if *stream { "; a stream is not read past it" } else { "" }
    )]
    TooLarge { max: u64, stream: bool },
    /// A read failed: the reason of the I/O error. The reading stops there.
    #[error("cannot read: {0}")]
    Unreadable(String),
}

/// Whether a file is a capture by its name: `*.jsonl`, as `listen --save captures.jsonl` writes.
pub fn named_as_capture(path: &Path) -> bool {
    input::has_extension(path, "jsonl")
}

/// Whether some bytes read as a capture: their first line that is not blank is a record.
pub fn looks_like_capture(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').find(|l| !l.iter().all(u8::is_ascii_whitespace));
    first.is_some_and(|l| parse(l).is_ok())
}

/// The records of a capture file (or standard input for `-`), as [`records`] reads them, or a
/// error naming the file when it cannot be opened. A line longer than `max` is passed over in a
/// file; in a stream (standard input, a pipe, a device), which may never end it (`/dev/zero`), the
/// reading stops there.
pub fn open(path: &Path, max: u64) -> Result<Records, InputError> {
    let source = input::label(path);
    let cannot = |e: std::io::Error| InputError::unreadable(&source, &e);
    if input::is_stdin(path) {
        return Ok(Records { stream: true, ..records(Box::new(std::io::stdin().lock()), max) });
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(InputError::Directory { file: source });
    }
    Ok(Records { stream: !meta.is_file(), ..records(Box::new(BufReader::new(file)), max) })
}

/// The records of a capture, each with its 1-based line number. Blank lines are skipped. A line
/// that is not a record (or longer than `max` bytes) is an error for that line only; a read that
/// fails ends the records with one last error.
pub fn records(reader: Box<dyn BufRead>, max: u64) -> Records {
    Records { reader, max, line: 0, buf: Vec::new(), done: false, rest_of_line: false, stream: false }
}

pub struct Records {
    reader: Box<dyn BufRead>,
    max: u64,
    line: usize,
    buf: Vec<u8>,
    done: bool,
    /// The last line was cut at the cap: the rest of it is passed over before the next one (only
    /// when the next one is asked for, so that a reader that stops there reads no further).
    rest_of_line: bool,
    /// What is read may never end: a line past the cap ends the reading instead of being passed.
    stream: bool,
}

impl Iterator for Records {
    type Item = (usize, Result<Record, RecordError>);

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            if std::mem::take(&mut self.rest_of_line) {
                self.skip_line();
            }
            self.line += 1;
            self.buf.clear();
            // The cap, and room for the line's end ("\r\n").
            let read = self.reader.by_ref().take(self.max.saturating_add(2)).read_until(b'\n', &mut self.buf);
            match read {
                Ok(0) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some((self.line, Err(RecordError::Unreadable(input::io_reason(&e)))));
                }
                Ok(_) => {
                    let text = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
                    let text = text.strip_suffix(b"\r").unwrap_or(text);
                    if text.len() as u64 > self.max {
                        // Past the cap: the rest of the line is not read into memory, only passed,
                        // unless it may never end.
                        let mut stream = false;
                        if !self.buf.ends_with(b"\n") {
                            if self.stream {
                                self.done = true;
                                stream = true;
                            } else {
                                self.rest_of_line = true;
                            }
                        }
                        return Some((self.line, Err(RecordError::TooLarge { max: self.max, stream })));
                    }
                    if text.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some((self.line, parse(text)));
                }
            }
        }
        None
    }
}

impl Records {
    /// Pass over what is left of the current line.
    fn skip_line(&mut self) {
        loop {
            let (used, end) = match self.reader.fill_buf() {
                Ok([]) | Err(_) => return,
                Ok(buf) => match buf.iter().position(|b| *b == b'\n') {
                    Some(at) => (at + 1, true),
                    None => (buf.len(), false),
                },
            };
            self.reader.consume(used);
            if end {
                return;
            }
        }
    }
}

/// Why the listener refused a captured request without judging its body, when it did: for its
/// headers (`--require-header`, 401), or before it had the body whole (over `--max-body`, 413;
/// not sent in time, 408; its framing broken, 400), when the record holds no body, and its note
/// is the reason answered. A body that came whole and was answered 400 for not being JSON was not
/// refused: it is the platform's, and is judged.
pub fn refusal(record: &Record) -> Option<&str> {
    if let Some(why) = &record.unauthorized {
        return Some(why);
    }
    let note = record.note.as_deref()?;
    let refused = record.bytes == 0
        && (400..500).contains(&record.answer.status)
        && !record.answer.forwarded
        && record.answer.reason.as_deref() == Some(note);
    refused.then_some(note)
}

/// One line as a record: JSON of the record's shape, with a body, and a method that is an HTTP
/// token (a capture is user input, and may have been edited by hand).
fn parse(text: &[u8]) -> Result<Record, RecordError> {
    let text = std::str::from_utf8(text).map_err(|_| RecordError::Binary)?;
    let not_a_record = |e: serde_json::Error| RecordError::NotRecord(e.to_string());
    let record: Record = match serde_json::from_str(text) {
        Ok(record) => record,
        // serde_json's words for its nesting limit: a line as deep as `listen` writes is past it.
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            deep(text).map_err(|e| match e {
                Deep::Nested(depth) => RecordError::Nested(depth),
                Deep::Json(e) => not_a_record(e),
            })?
        }
        Err(e) => return Err(not_a_record(e)),
    };
    if record.text().is_none() && record.body_base64.is_none() {
        return Err(RecordError::NoBody);
    }
    if reqwest::Method::from_bytes(record.method.as_bytes()).is_err() {
        return Err(RecordError::Method(record.method));
    }
    Ok(record)
}

/// Why a deep line is not read.
enum Deep {
    /// Nested deeper than [`DEEPEST`].
    Nested(usize),
    Json(serde_json::Error),
}

/// A line nested past `serde_json`'s limit read as a record: past its limit, within [`DEEPEST`].
/// Only such a line takes the pass that measures its depth.
fn deep(text: &str) -> Result<Record, Deep> {
    let depth = nesting(text.as_bytes());
    if depth > DEEPEST {
        return Err(Deep::Nested(depth));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let record = Record::deserialize(&mut de).map_err(Deep::Json)?;
    de.end().map_err(Deep::Json)?;
    Ok(record)
}

/// How deep the arrays and objects of some JSON text are nested (its strings passed over).
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut string, mut escaped) = (false, false);
    for &b in bytes {
        if string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"{"index":1,"time":"t","method":"POST","path":"/h","headers":[],"body":"{}","bytes":2,"answer":{"status":200}}"#;

    fn read(text: &str, max: u64) -> Vec<(usize, Result<u64, String>)> {
        let reader: Box<dyn BufRead> = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        records(reader, max).map(|(n, r)| (n, r.map(|r| r.index).map_err(|e| e.to_string()))).collect()
    }

    #[test]
    fn each_line_is_judged_on_its_own_with_its_number() {
        let text = format!("{RECORD}\n\nnot json\n{}\r\n{RECORD}", RECORD.replace("POST", "PO ST"));
        let got = read(&text, 1000);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (1, Ok(1)));
        assert_eq!(got[1].0, 3);
        assert!(
            got[1].1.as_ref().unwrap_err().starts_with("not a capture record written by 'listen --save'")
        );
        assert_eq!(got[2], (4, Err("method \"PO ST\" is not an HTTP method (a token such as POST)".into())));
        assert_eq!(got[3], (5, Ok(1)));
    }

    #[test]
    fn a_line_over_the_cap_is_refused_and_the_next_one_still_read() {
        let long = format!("{{\"x\":\"{}\"}}", "y".repeat(5000));
        let got = read(&format!("{long}\n{RECORD}\n"), 1000);
        assert_eq!(got[0], (1, Err("record too large: more than --max-size (1000 bytes)".into())));
        assert_eq!(got[1], (2, Ok(1)));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn a_line_past_serde_json_s_nesting_limit_is_read_within_the_bound_and_refused_past_it() {
        // A record whose answer's body (a value read as such: two levels in) makes it this deep.
        let nested = |depth: usize| {
            let inner = format!("{}1{}", "[".repeat(depth - 2), "]".repeat(depth - 2));
            RECORD.replacen("\"answer\":{", &format!("\"answer\":{{\"body\":{inner},"), 1)
        };
        assert_eq!(nesting(nested(140).as_bytes()), 140);
        assert!(serde_json::from_str::<Record>(&nested(140)).is_err(), "past serde_json's limit");
        assert_eq!(read(&nested(140), 100_000), [(1, Ok(1))]);
        assert_eq!(read(&nested(DEEPEST), 100_000), [(1, Ok(1))]);
        let why = format!(
            "nested {} levels deep, deeper than any record 'listen --save' writes (at most {DEEPEST} read)",
            DEEPEST + 1
        );
        assert_eq!(read(&nested(DEEPEST + 1), 100_000), [(1, Err(why))]);
        // Brackets inside strings, escaped quotes included, are not nesting.
        assert_eq!(nesting(br#"{"a":"[[[\"{{{","b":[[]]}"#), 3);
    }

    #[test]
    fn a_request_refused_before_its_body_came_reads_as_refused_and_one_answered_for_its_body_does_not() {
        let record = |bytes: usize, note: Option<&str>, status: u16, reason: Option<&str>| {
            let mut r: Record = serde_json::from_str(RECORD).unwrap();
            (r.bytes, r.note, r.answer.status) = (bytes, note.map(str::to_string), status);
            r.answer.reason = reason.map(str::to_string);
            r
        };
        for why in ["body not received within 30 s", "malformed body: early eof"] {
            for status in [408, 400, 413] {
                assert_eq!(refusal(&record(0, Some(why), status, Some(why))), Some(why));
            }
        }
        // A body that came and is not JSON, an empty one, and one answered as asked: not refused.
        let not_json = "body is not JSON";
        assert_eq!(refusal(&record(8, Some(not_json), 400, Some(not_json))), None);
        assert_eq!(refusal(&record(0, Some("empty body"), 400, Some(not_json))), None);
        assert_eq!(refusal(&record(0, None, 413, Some("--status 413"))), None);
        assert_eq!(refusal(&record(0, Some("x"), 200, Some("x"))), None);
        let mut unauthorized = record(2, None, 401, Some("missing required header x-key (--require-header)"));
        unauthorized.unauthorized = Some("missing required header x-key".into());
        assert_eq!(refusal(&unauthorized), Some("missing required header x-key"));
    }

    #[test]
    fn a_capture_is_told_by_its_name_or_its_first_line() {
        assert!(named_as_capture(Path::new("a/captures.JSONL")));
        assert!(!named_as_capture(Path::new("a/captures.json")));
        assert!(looks_like_capture(format!("\n{RECORD}\nanything").as_bytes()));
        assert!(!looks_like_capture(br#"{"resource":"agent","payload":{}}"#));
        assert!(!looks_like_capture(b""));
    }
}
