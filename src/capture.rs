//! Capture files, as `listen --save` writes them: one [`Record`] a line. Read line by line, each
//! line capped (`--max-size`) and checked on its own, so that `replay` can stop at the first bad
//! line and `validate` can name it and go on.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::input::{self, Size};
use crate::receiver::Record;

/// Whether a file is a capture by its name: `*.jsonl`, as `listen --save captures.jsonl` writes.
pub fn named_as_capture(path: &Path) -> bool {
    input::has_extension(path, "jsonl")
}

/// Whether some bytes read as a capture: their first line that is not blank is a record.
pub fn looks_like_capture(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').find(|l| !l.iter().all(u8::is_ascii_whitespace));
    first.is_some_and(|l| parse(l).is_ok())
}

/// Open a capture file (or standard input for `-`), with a message naming it when it cannot be.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, String> {
    let source = input::label(path);
    let cannot = |e: std::io::Error| input::cannot_read(&source, &e);
    if input::is_stdin(path) {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map_err(cannot)?.is_dir() {
        return Err(format!("{source}: is a directory"));
    }
    Ok(Box::new(BufReader::new(file)))
}

/// The records of a capture, each with its 1-based line number. Blank lines are skipped. A line
/// that is not a record (or longer than `max` bytes) is an error for that line only; a read that
/// fails ends the records with one last error.
pub fn records(reader: Box<dyn BufRead>, max: u64) -> Records {
    Records { reader, max, line: 0, buf: Vec::new(), done: false, rest_of_line: false }
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
}

impl Iterator for Records {
    type Item = (usize, Result<Record, String>);

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
                    return Some((self.line, Err(format!("cannot read: {}", input::io_reason(&e)))));
                }
                Ok(_) => {
                    let text = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
                    let text = text.strip_suffix(b"\r").unwrap_or(text);
                    if text.len() as u64 > self.max {
                        // Past the cap: the rest of the line is not read into memory, only passed.
                        self.rest_of_line = !self.buf.ends_with(b"\n");
                        let why =
                            format!("record too large: more than --max-size ({})", Size(self.max).human());
                        return Some((self.line, Err(why)));
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

/// One line as a record: JSON of the record's shape, with a body, and a method that is an HTTP
/// token (a capture is user input, and may have been edited by hand).
fn parse(text: &[u8]) -> Result<Record, String> {
    let text = std::str::from_utf8(text).map_err(|_| "binary data, not a capture record".to_string())?;
    let record: Record = serde_json::from_str(text)
        .map_err(|e| format!("not a capture record written by 'listen --save' ({e})"))?;
    if record.text().is_none() && record.body_base64.is_none() {
        return Err("record has no body (neither body, body_json nor body_base64)".into());
    }
    if reqwest::Method::from_bytes(record.method.as_bytes()).is_err() {
        return Err(format!("method {:?} is not an HTTP method (a token such as POST)", record.method));
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"{"index":1,"time":"t","method":"POST","path":"/h","headers":[],"body":"{}","bytes":2,"answer":{"status":200}}"#;

    fn read(text: &str, max: u64) -> Vec<(usize, Result<u64, String>)> {
        let reader: Box<dyn BufRead> = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        records(reader, max).map(|(n, r)| (n, r.map(|r| r.index))).collect()
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
    fn a_capture_is_told_by_its_name_or_its_first_line() {
        assert!(named_as_capture(Path::new("a/captures.JSONL")));
        assert!(!named_as_capture(Path::new("a/captures.json")));
        assert!(looks_like_capture(format!("\n{RECORD}\nanything").as_bytes()));
        assert!(!looks_like_capture(br#"{"resource":"agent","payload":{}}"#));
        assert!(!looks_like_capture(b""));
    }
}
