//! What judging a document finds, and what it is judged with: a finding located by JSON pointer,
//! the context beside the document (the request, the options offered), how options are compared,
//! and the bounded rendering of values in messages. Below the contract and the platforms' rules,
//! which both speak in these terms.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One problem found in a document, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Where, as a JSON pointer into the document (`""` is the whole document).
    pub pointer: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl Finding {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding { pointer: pointer.into(), message: message.into(), expected: None, found: None }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: Option<&Value>) -> Self {
        self.found = Some(found.map_or_else(|| "nothing (field absent)".to_string(), snippet));
        self
    }
}

/// What is known beside the document itself: the request a response answers, or the options a
/// service cell offered.
#[derive(Debug, Default, Clone, Copy)]
pub struct Context<'a> {
    pub request: Option<&'a Value>,
    pub expected_options: Option<&'a [String]>,
    pub option_case: OptionCase,
    /// Findings show secret values as they are (`--show-secrets`), not redacted.
    pub show_secrets: bool,
}

/// How a service cell's `option` is compared with the request's `expectedOptions`. eva does not
/// document its matching, so exact is the default and insensitive is a choice.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OptionCase {
    #[default]
    Exact,
    Insensitive,
}

impl OptionCase {
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            OptionCase::Exact => a == b,
            OptionCase::Insensitive => a.to_lowercase() == b.to_lowercase(),
        }
    }
}

/// Append a key to a JSON pointer, escaping it.
pub fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// How many characters of a value [`snippet`] shows.
pub const SNIPPET_CHARS: usize = 80;

/// A compact, bounded rendering of a value for messages. Only what is shown is serialised, so a
/// huge value costs no more than its first bytes.
pub fn snippet<T: Serialize + ?Sized>(v: &T) -> String {
    const MAX: usize = SNIPPET_CHARS;
    /// Keeps the first bytes written, then refuses the rest (a character is at most 4 bytes).
    struct Head(Vec<u8>);
    impl std::io::Write for Head {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            let room = (MAX + 1) * 4 - self.0.len();
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let n = b.len().min(room);
            self.0.extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut head = Head(Vec::new());
    // Stopping early is the point: the error only says the head is full.
    let _ = serde_json::to_writer(&mut head, v);
    let s = String::from_utf8_lossy(&head.0);
    if s.chars().count() <= MAX {
        s.into_owned()
    } else {
        let cut: String = s.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}
