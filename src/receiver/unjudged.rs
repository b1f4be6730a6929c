//! Why a body that is JSON to the letter of the grammar is still not judged: a number beyond what
//! a double holds, nesting deeper than the parser goes, a lone UTF-16 surrogate in a string. The
//! parser refuses these as it refuses text that is not JSON; the receiver says which, and where
//! (a JSON pointer), rather than "body is not JSON". Only refused bodies come here.

/// The deepest a body is nested and still judged: `serde_json` refuses a container deeper.
pub(super) const DEEPEST: usize = 127;

/// The most of a pointer a reason shows: a body nested a hundred levels down is named by its
/// first steps.
const SHOWN_TOKENS: usize = 12;
const SHOWN_BYTES: usize = 160;

/// The reason a body is refused when it is JSON hookctl does not judge, naming the place; `None`
/// when it is not JSON at all (or parses: nothing to say).
pub(super) fn reason(text: &str) -> Option<String> {
    let error = crate::json::from_str(text).err()?;
    let message = error.to_string();
    let what = message.rsplit_once(" at line ").map_or(message.as_str(), |(what, _)| what);
    let (said, container) = match what {
        "number out of range" => ("number out of range", false),
        "recursion limit exceeded" => (&*format!("nested deeper than {DEEPEST}"), true),
        // A high surrogate with no low one after it, or a low one alone.
        "unexpected end of hex escape" | "lone leading surrogate in hex escape" => {
            ("lone surrogate in a string (\\ud800 to \\udfff without its pair)", false)
        }
        _ => return None,
    };
    let at = offset(text, error.line(), error.column())?;
    Some(format!("{said} at {}", shown(&place(&text[..at], container))))
}

/// Whether JSON text is nested at least `limit` containers deep. Most text has fewer brackets
/// than that, and is told so by counting them, without following its strings.
pub(super) fn at_least(text: &str, limit: usize) -> bool {
    limit == 0
        || (memchr::memchr2_iter(b'[', b'{', text.as_bytes()).nth(limit - 1).is_some()
            && depth(text) >= limit)
}

/// How deep JSON text is nested: its most containers one inside another.
fn depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = memchr::memchr3(b'"', b'[', b'{', &bytes[i..]).map(|n| n + i) {
        // Closings between here and there.
        depth -= bytes[i..at].iter().filter(|&&b| b == b']' || b == b'}').count().min(depth);
        i = match bytes[at] {
            b'"' => match string_end(bytes, at + 1) {
                Some(end) => end + 1,
                None => return deepest,
            },
            _ => {
                depth += 1;
                deepest = deepest.max(depth);
                at + 1
            }
        };
    }
    deepest
}

/// The byte offset of a 1-based line and the count of bytes before the place on that line, as
/// `serde_json` reports where it stopped.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = match line {
        0 | 1 => 0,
        n => memchr::memchr_iter(b'\n', text.as_bytes()).nth(n - 2)? + 1,
    };
    let at = (start + column).min(text.len());
    // Within a character the parser stopped in: its start.
    Some((0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0))
}

/// One container the text stopped in.
enum Frame {
    /// The key of the member being read, once read.
    Object(Option<String>),
    /// The index of the item being read, once it has begun.
    Array(usize, bool),
}

/// The tokens of the pointer to where `prefix` (the text up to where the parser stopped, which is
/// JSON so far) ends. With `container`, the place is a container just opened: it is named by
/// where it stands.
fn place(prefix: &str, container: bool) -> Vec<String> {
    let bytes = prefix.as_bytes();
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(Frame::Array(_, begun)) = frames.last_mut() {
            if !b.is_ascii_whitespace() && b != b']' && b != b',' {
                *begun = true;
            }
        }
        match b {
            b'{' => frames.push(Frame::Object(None)),
            b'[' => frames.push(Frame::Array(0, false)),
            b'}' | b']' => {
                frames.pop();
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(n, begun)) => (*n, *begun) = (*n + 1, false),
                None => {}
            },
            b'"' => {
                let Some(end) = string_end(bytes, i + 1) else { break };
                if let Some(Frame::Object(key @ None)) = frames.last_mut() {
                    let raw = &prefix[i..=end];
                    *key = Some(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()));
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    if container {
        frames.pop();
    }
    frames
        .into_iter()
        .map_while(|frame| match frame {
            Frame::Object(key) => key,
            Frame::Array(n, true) => Some(n.to_string()),
            Frame::Array(_, false) => None,
        })
        .collect()
}

/// The index of the quote that closes a string whose text starts at `from`, if it is in `bytes`.
fn string_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', &bytes[from.min(bytes.len())..])?;
        if bytes[at] == b'"' {
            return Some(at);
        }
        from = at + 2;
    }
}

/// A pointer as a reason shows it: whole when short, else its first tokens and `/...`; the root
/// in words.
fn shown(tokens: &[String]) -> String {
    if tokens.is_empty() {
        return "the root".into();
    }
    let mut out = String::new();
    for (n, token) in tokens.iter().enumerate() {
        let escaped = token.replace('~', "~0").replace('/', "~1");
        if n == SHOWN_TOKENS || (n > 0 && out.len() + escaped.len() > SHOWN_BYTES) {
            out.push_str("/...");
            return out;
        }
        out.push('/');
        out.push_str(&escaped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_names_its_place() {
        let cases = [
            (r#"{"payload": {"x": 1e400}}"#, Some("number out of range at /payload/x")),
            (r#"[1, 2, -1e999]"#, Some("number out of range at /2")),
            ("1e400", Some("number out of range at the root")),
            ("{\n \"a\": [\n  {\"b\": 2e400}]}", Some("number out of range at /a/0/b")),
            (r#"{"a/b~": 1e400}"#, Some("number out of range at /a~1b~0")),
            (
                r#"{"t": "x\ud800"}"#,
                Some("lone surrogate in a string (\\ud800 to \\udfff without its pair) at /t"),
            ),
            (
                r#"{"t": ["ok", "\udc00"]}"#,
                Some("lone surrogate in a string (\\ud800 to \\udfff without its pair) at /t/1"),
            ),
            (r#"{"\"k\"": 1, "é": 1e400}"#, Some("number out of range at /é")),
            // Not JSON at all: nothing to add to "body is not JSON".
            ("{", None),
            (r#"{"a": tru}"#, None),
            // JSON within the limits.
            (r#"{"x": 1e300, "t": "\ud83d\ude00"}"#, None),
        ];
        for (text, want) in cases {
            assert_eq!(reason(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn depth_counts_containers_and_not_brackets_in_strings() {
        assert_eq!(depth("1"), 0);
        assert_eq!(depth(r#"{"a": [1, {"b": "[[{{"}], "c": [[]]}"#), 3);
        assert_eq!(depth(r#"[[], [], [[["\"", "\\]]"]]]]"#), 4);
        let limit = format!("{}{}", "[".repeat(DEEPEST), "]".repeat(DEEPEST));
        assert_eq!(depth(&limit), DEEPEST);
        assert!(at_least(&limit, DEEPEST) && !at_least(&limit, DEEPEST + 1));
        // Brackets enough, in strings and side by side, but not nested.
        let flat =
            format!("[\"{}\", {}]", "[".repeat(DEEPEST), "{}, ".repeat(DEEPEST).trim_end_matches(", "));
        assert!(!at_least(&flat, DEEPEST) && at_least(&flat, 2) && !at_least(&flat, 3));
    }

    #[test]
    fn nesting_is_refused_past_the_limit_and_named_by_its_first_steps() {
        let at_limit = format!("{}{}", "[".repeat(DEEPEST), "]".repeat(DEEPEST));
        assert_eq!(reason(&at_limit), None);
        let past = format!("{}{}", "[".repeat(DEEPEST + 1), "]".repeat(DEEPEST + 1));
        assert_eq!(reason(&past).as_deref(), Some("nested deeper than 127 at /0/0/0/0/0/0/0/0/0/0/0/0/..."));
        let keyed = format!("{{\"a\": {{\"b\": {}1{}}}}}", "[".repeat(DEEPEST), "]".repeat(DEEPEST));
        assert_eq!(reason(&keyed).as_deref(), Some("nested deeper than 127 at /a/b/0/0/0/0/0/0/0/0/0/0/..."));
        let shallow = format!("{{\"a\": {}}}", "[".repeat(DEEPEST));
        assert!(reason(&shallow).is_some_and(|r| r.starts_with("nested deeper than 127 at /a/0/")));
    }
}
