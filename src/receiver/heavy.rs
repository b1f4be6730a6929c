//! Documents with more values than the receiver makes a tree of. A parsed tree costs a hundred
//! bytes and more a value, so a body of short values (`[1,1,1,…]`, many short keys) would cost
//! the listener a hundred times its length and more: such a body is received, kept and answered,
//! but not judged. Its top level is read without a tree, for its kind and for what an eva
//! reference answer copies (the first expected option, the answer, the contexts), which is
//! written out from the text as the tree would be.
//!
//! Bodies shorter than [`WEIGHED`] are not weighed: the ordinary path does no more work.

use std::borrow::Cow;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::catalogue::Kind;
use crate::json::Key;
use crate::platform::eva;

/// Bodies shorter than this are judged whatever they hold (their tree costs a few megabytes at
/// most).
pub(super) const WEIGHED: usize = 16 * 1024;
/// A body is judged when it holds at most this many values (and keys)...
const FLOOR: usize = 8 * 1024;
/// ... or at most one for this many bytes of it.
const BYTES_PER_VALUE: usize = 128;

/// The values (and keys) a body holds when they are more than the receiver makes a tree of:
/// `None` for a body to judge as usual.
pub(super) fn too_many_values(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < WEIGHED {
        return None;
    }
    let values = crate::json::values(bytes);
    (values > FLOOR.max(bytes.len() / BYTES_PER_VALUE)).then_some(values)
}

/// Why a body is not judged.
pub(super) fn note(values: usize, bytes: usize) -> String {
    format!(
        "not judged: about {values} values in {bytes} bytes, more than the listener makes a tree of \
         (at most {FLOOR}, or one per {BYTES_PER_VALUE} bytes)"
    )
}

/// The top-level keys kept to tell a document's kind: any key that tells one is short, and a
/// document with more keys than this is not one of the platforms'.
const KEYS: usize = 64;
const KEY_LEN: usize = 64;
/// The top-level members an eva reference answer copies.
const COPIED: [&str; 5] = ["expectedOptions", "answer", eva::CONTEXTS[0], eva::CONTEXTS[1], eva::CONTEXTS[2]];

/// A document's top level, read without a tree.
pub(super) struct Skim<'a> {
    /// The first [`KEYS`] distinct top-level keys of up to [`KEY_LEN`] bytes.
    keys: Vec<Cow<'a, str>>,
    /// The text of the members of [`COPIED`] (the last one given, as in a tree).
    copied: [Option<&'a RawValue>; COPIED.len()],
}

impl<'a> Skim<'a> {
    /// The top level of a JSON object; `None` when the text is not one, or not JSON as a tree's
    /// parser reads it (nested too deep, say: a member's text is otherwise read to its end only).
    pub(super) fn read(text: &'a str) -> Option<Skim<'a>> {
        crate::json::is_json(text).then_some(())?;
        let mut de = serde_json::Deserializer::from_str(text);
        let skim = de.deserialize_map(TopLevel).ok()?;
        de.end().ok()?;
        Some(skim)
    }

    /// The document's kind, as its keys tell it.
    pub(super) fn kind(&self) -> Option<Kind> {
        crate::platform::detect_by_keys(|k| self.keys.iter().any(|have| have == k), None).map(|d| d.kind)
    }

    fn copied(&self, name: &str) -> Option<&'a RawValue> {
        COPIED.iter().position(|c| *c == name).and_then(|i| self.copied[i])
    }

    /// The reference answer to an eva request (see [`eva::reference_answer`]), written from the
    /// text: byte for byte what the tree's answer is written as, but that a key given twice inside
    /// a copied member is written twice. `{}` for any other document.
    pub(super) fn reference_answer(&self, kind: Option<Kind>, option: Option<&str>) -> Vec<u8> {
        let mut out = Vec::new();
        match kind {
            Some(Kind::EvaServiceRequest) => {
                let first = self.copied("expectedOptions").and_then(first_string);
                let chosen = option.or(first.as_deref()).unwrap_or(eva::SERVICE_ERROR_OPTION);
                out.extend_from_slice(b"{\"option\":");
                let _ = serde_json::to_writer(&mut out, chosen);
            }
            Some(Kind::EvaAnswerRequest) => {
                out.extend_from_slice(b"{\"answer\":");
                write_copy(&mut out, self.copied("answer"), b"null");
            }
            _ => return b"{}".to_vec(),
        }
        for ctx in eva::CONTEXTS {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(ctx.as_bytes());
            out.extend_from_slice(b"\":");
            write_copy(&mut out, self.copied(ctx), b"{}");
        }
        out.push(b'}');
        out
    }
}

/// A member's text written as its tree would be, or `absent`.
fn write_copy(out: &mut Vec<u8>, raw: Option<&RawValue>, absent: &[u8]) {
    let Some(raw) = raw else {
        out.extend_from_slice(absent);
        return;
    };
    let start = out.len();
    let mut from = serde_json::Deserializer::from_str(raw.get());
    if serde_transcode::transcode(&mut from, &mut serde_json::Serializer::new(&mut *out)).is_err() {
        // Read once already: it does not fail; should it, the text as it came.
        out.truncate(start);
        out.extend_from_slice(raw.get().as_bytes());
    }
}

/// The first item of an array, when it is a string.
fn first_string(raw: &RawValue) -> Option<String> {
    if !raw.get().starts_with('[') {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_seq(First).ok().flatten()
}

struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Skim<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skim<'de>, A::Error> {
        let mut skim = Skim { keys: Vec::new(), copied: [None; COPIED.len()] };
        while let Some(key) = map.next_key_seed(Key)? {
            match COPIED.iter().position(|c| *c == key) {
                Some(i) => skim.copied[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if key.len() <= KEY_LEN && skim.keys.len() < KEYS && !skim.keys.contains(&key) {
                skim.keys.push(key);
            }
        }
        Ok(skim)
    }
}

/// The first item of an array when it is a string; the rest is read and let go.
struct First;

impl<'de> Visitor<'de> for First {
    type Value = Option<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
        let first: Option<&'de RawValue> = seq.next_element()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first.and_then(|raw| serde_json::from_str(raw.get()).ok()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// The reference answer made from the text is the one made from the tree, byte for byte.
    #[test]
    fn the_answer_from_the_text_is_the_answer_from_the_tree() {
        let service = json!({
            "expectedOptions": ["CLIENT", "NOT_CLIENT"], "info": {"bot": "b"}, "text": "hi",
            "openContext": {"a": [1, 2.50, "x\u{e9}\n"]}, "hiddenContext": {"id": 6722, "n": 1e2},
        });
        let answer = json!({"answer": {"content": {"content": "Hi", "type": "TEXT"}}, "info": {}, "visibleContext": {"v": null}});
        let odd = json!({"expectedOptions": [{"x": 1}, "B"], "info": {}});
        for (doc, option) in [(service.clone(), None), (service, Some("OTHER")), (answer, None), (odd, None)]
        {
            // Written with spaces and escapes the tree does not keep.
            let text = serde_json::to_string_pretty(&doc).unwrap().replace("CLIENT\"", "CLIEN\\u0054\"");
            let tree: Value = serde_json::from_str(&text).unwrap();
            let skim = Skim::read(&text).unwrap();
            assert_eq!(skim.kind(), Kind::detect(&tree), "{text}");
            let made = skim.reference_answer(skim.kind(), option);
            let expected = eva::reference_answer(Kind::detect(&tree), &tree, option).to_string();
            assert_eq!(String::from_utf8(made).unwrap(), expected, "{text}");
        }
    }

    #[test]
    fn only_bodies_over_the_floor_and_the_density_are_not_judged() {
        let numbers = |n: usize| format!("[{}1]", "1,".repeat(n - 1));
        // Short: not weighed at all.
        assert_eq!(too_many_values(numbers(WEIGHED / 2 - 10).as_bytes()), None);
        // Dense and over the floor: not judged.
        let dense = numbers(FLOOR * 2);
        assert_eq!(too_many_values(dense.as_bytes()), Some(FLOOR * 2 + 1));
        // As long, with long values: judged.
        let sparse = format!("[{}]", vec![format!("\"{}\"", "x".repeat(200)); 200].join(","));
        assert!(sparse.len() > WEIGHED);
        assert_eq!(too_many_values(sparse.as_bytes()), None);
    }

    #[test]
    fn a_text_is_json_as_a_tree_s_parser_reads_it() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for text in [
            nested(127),
            nested(128),
            nested(129),
            "[1e400]".into(),
            "[01]".into(),
            "{\"a\":1} x".into(),
            r#"{"a":[1,{"b":null}],"c":"\u00e9"}"#.into(),
        ] {
            assert_eq!(
                crate::json::is_json(&text),
                serde_json::from_str::<Value>(&text).is_ok(),
                "{text:.40}"
            );
        }
    }

    #[test]
    fn a_document_that_is_not_an_object_is_not_skimmed() {
        assert!(Skim::read("[1,2]").is_none());
        // What a tree's parser refuses, nested too deep inside a member that is copied.
        let deep = format!(r#"{{"hiddenContext":{}{}}}"#, "[".repeat(200), "]".repeat(200));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
        assert!(Skim::read(&deep).is_none());
        assert!(Skim::read(r#"{"a":1} x"#).is_none());
        assert!(Skim::read(r#"{"a":[1,}"#).is_none());
    }
}
