//! Reading the documents users give us: files, directories, standard input.
//! Every failure is one line that names the source and says what is wrong with it.
//!
//! Inputs are capped (`--max-size`, [`defaults::MAX_INPUT`]): at most the cap and one byte more is
//! read (`input/read.rs`), so a huge file or an endless stream (`/dev/zero`) is refused without
//! exhausting memory. What is accepted is read once, into one buffer sized for it, and parsed from
//! those bytes. Directories are walked in `input/walk.rs`.

use std::path::Path;

use serde_json::Value;

use crate::defaults;

mod read;
mod walk;

pub use read::{InputError, ListedDir, read_bytes, read_listed};
pub use walk::{Entry, expand, expand_ahead};

/// Where a document comes from, for messages.
pub fn label(path: &Path) -> String {
    match path.to_str() {
        _ if is_stdin(path) => "<stdin>".to_string(),
        Some(text) => text.to_string(),
        None => path.display().to_string(),
    }
}

/// Whether a path given as an input names standard input: `-`, as it is written.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A number of bytes as flags take it, read by [`bytesize`]: `1000`, `10MB` or `1.5GB` (powers of
/// 1000), `64MiB` (powers of 1024), units in any case. Shown back in the form it is best written
/// in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Size, String> {
        let bad = || {
            format!(
                "'{s}' is not a size: give bytes (1000) or a number with KB, MB, GB, KiB, MiB or GiB (64MiB, 1.5GB)"
            )
        };
        let t = s.trim();
        if !t.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad());
        }
        // bytesize saturates what overflows: the largest count stands for "too large".
        match t.parse::<bytesize::ByteSize>().map_err(|_| bad())?.as_u64() {
            0 => Err(format!("'{s}' is not a size: it must be at least 1 byte")),
            u64::MAX => Err(bad()),
            bytes => Ok(Size(bytes)),
        }
    }
}

impl std::fmt::Display for Size {
    /// The shortest exact form, which parses back: `64MiB`, `1KiB`, `1000`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (unit, scale) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
            if self.0 >= scale && self.0 % scale == 0 {
                return write!(f, "{}{unit}", self.0 / scale);
            }
        }
        write!(f, "{}", self.0)
    }
}

impl Size {
    /// For messages: `64 MiB`, `1000 bytes`, `1 byte`.
    pub fn human(self) -> String {
        match self.to_string() {
            s if s.ends_with('B') => {
                let at = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
                format!("{} {}", &s[..at], &s[at..])
            }
            _ if self.0 == 1 => "1 byte".to_string(),
            s => format!("{s} bytes"),
        }
    }
}

/// Read and parse a JSON document from a file or `-`, with the default cap.
pub fn read_json(path: &Path) -> Result<Value, InputError> {
    read_json_max(path, defaults::MAX_INPUT)
}

/// Read and parse a JSON document from a file or `-`, refusing more than `max` bytes. The bytes
/// are gone once the document is parsed.
pub fn read_json_max(path: &Path, max: u64) -> Result<Value, InputError> {
    let bytes = read_bytes(path, max)?;
    let parsed = parse_or_why(&bytes);
    parsed.map_err(|why| InputError::NotJson { file: label(path), why })
}

/// Parse bytes as one JSON document, with a message that says why not. What the parser accepts is
/// text without NUL, so the bytes are looked at again only when it refuses them, to say whether
/// they were empty or binary rather than broken JSON.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Value, String> {
    parse_or_why(bytes).map_err(|why| why.about(source))
}

/// Why some bytes are not one JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotJson {
    /// Nothing, or only white space.
    Empty,
    /// Not text: a NUL, or bytes that are not UTF-8.
    Binary,
    /// Text the parser refused, with its reason.
    Invalid(String),
}

impl NotJson {
    /// As an input error naming its source.
    pub fn about(&self, source: &str) -> String {
        match self {
            NotJson::Empty => format!("{source}: empty, expected a JSON document"),
            NotJson::Binary => format!("{source}: binary data, not JSON text"),
            NotJson::Invalid(e) => format!("{source}: not valid JSON: {e}"),
        }
    }
}

/// As [`parse`], saying why not as a value.
pub fn parse_or_why(bytes: &[u8]) -> Result<Value, NotJson> {
    // Text checked as UTF-8 in one pass spares the parser checking each string again.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => crate::json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    parsed.map_err(|e| {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            NotJson::Empty
        } else if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
            NotJson::Binary
        } else {
            NotJson::Invalid(e.to_string())
        }
    })
}

/// Whether a name is that of a document (`*.json`) or a capture of `listen --save` (`*.jsonl`),
/// in any case.
fn named_as_document(name: &std::ffi::OsStr) -> bool {
    extension(name).is_some_and(|ext| ext.eq_ignore_ascii_case(b"json") || ext.eq_ignore_ascii_case(b"jsonl"))
}

/// Whether the last part of a path ends in `.EXT`, in any case.
pub fn has_extension(path: &Path, ext: &str) -> bool {
    extension(last_part(path)).is_some_and(|e| e.eq_ignore_ascii_case(ext.as_bytes()))
}

/// What follows the last dot of a name, as [`Path::extension`] has it (a leading dot does not
/// start an extension), without parsing the path it ends.
fn extension(name: &std::ffi::OsStr) -> Option<&[u8]> {
    let name = name.as_encoded_bytes();
    match name.iter().rposition(|b| *b == b'.') {
        Some(dot) if dot > 0 => Some(&name[dot + 1..]),
        _ => None,
    }
}

/// The last part of a path made by joining a name to a directory: what follows its last `/`.
#[cfg(unix)]
fn last_part(path: &Path) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let at = bytes.iter().rposition(|b| *b == b'/').map_or(0, |i| i + 1);
    std::ffi::OsStr::from_bytes(&bytes[at..])
}

#[cfg(not(unix))]
fn last_part(path: &Path) -> &std::ffi::OsStr {
    path.file_name().unwrap_or(path.as_os_str())
}

/// The reason of an I/O error without the "(os error N)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        for (s, n) in [
            ("1000", 1000),
            ("10MB", 10_000_000),
            ("64MiB", 64 << 20),
            ("64 mib", 64 << 20),
            ("2kb", 2000),
            ("1KiB", 1024),
            ("3GiB", 3 << 30),
            ("7B", 7),
            ("1.5MiB", 3 << 19),
            ("2.5 kb", 2500),
        ] {
            assert_eq!(s.parse::<Size>(), Ok(Size(n)), "{s}");
        }
        for s in [
            "",
            "0",
            "0MiB",
            "MiB",
            "0.5B",
            ".5MiB",
            "-1",
            "10XB",
            "99999999999999999999",
            "18446744073709551615GiB",
        ] {
            assert!(s.parse::<Size>().is_err(), "{s}");
        }
    }

    #[test]
    fn sizes_show_in_a_form_that_parses_back() {
        for n in [1, 1000, 1024, 64 << 20, (64 << 20) + 1, 5 << 30] {
            let shown = Size(n).to_string();
            assert_eq!(shown.parse::<Size>(), Ok(Size(n)), "{shown}");
        }
        assert_eq!(Size(64 << 20).to_string(), "64MiB");
        assert_eq!(Size(64 << 20).human(), "64 MiB");
        assert_eq!(Size(1000).human(), "1000 bytes");
        assert_eq!(Size(1).human(), "1 byte");
    }

    #[test]
    fn names_are_of_documents_as_their_extension_says() {
        for (name, document) in [
            ("a.json", true),
            ("a.JSONL", true),
            ("a.b.Json", true),
            ("x..json", true),
            (".json", false),
            (".jsonl", false),
            ("json", false),
            ("a.json.bak", false),
            ("a.jso", false),
            ("a.", false),
        ] {
            let listed = named_as_document(std::ffi::OsStr::new(name));
            for dir in ["", "docs/", "/tmp/a.json/", "./"] {
                let path = PathBuf::from(format!("{dir}{name}"));
                let by_path = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
                assert_eq!(has_extension(&path, "jsonl"), by_path, "{}", path.display());
            }
            let by_path = Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonl"));
            assert_eq!((listed, by_path), (document, document), "{name}");
        }
    }
}
