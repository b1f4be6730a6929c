//! Big documents judged without building all of their tree. A parsed tree costs about ten times
//! its text; most of a big webhook answer is usually a context that nothing reads inside (the
//! schema asks only that it is an object, no rule looks into it). Such a part is checked as
//! parsing would check it, then kept as its text, and the document is judged with an empty value
//! of the same type in its place: the verdict is the one the whole tree gets. The text is what is
//! shown for it, written out as the tree would be.
//!
//! Anything else (a document that is not an object, not JSON, a part of another type than its
//! schema asks, a key given twice inside a part) goes the usual way.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{self as validate, FileResult};
use crate::catalogue::Kind;
use crate::contract::{self, Context};

/// Documents smaller than this are parsed whole: for them the tree costs little.
pub const BIG: usize = 1 << 20;

/// Parts shorter than this are parsed whatever they are.
const PART: usize = 64 * 1024;

/// A part of a document kept as its JSON text, checked to parse as a value with no key given twice
/// in one object. Serialised, it is written out as the value parsed from it would be.
#[derive(Clone)]
pub struct Text {
    doc: Arc<String>,
    start: usize,
    end: usize,
}

impl Text {
    fn as_str(&self) -> &str {
        &self.doc[self.start..self.end]
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Text({} bytes)", self.end - self.start)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_transcode::transcode(&mut serde_json::Deserializer::from_str(self.as_str()), s)
    }
}

/// Judge a big document as [`validate::judge`] judges it parsed whole. The bytes come back when
/// it is not one to judge this way (not UTF-8, not an object, not JSON): parsing it whole then
/// says what is wrong, in the usual words.
pub fn judge(
    source: &str,
    bytes: Vec<u8>,
    kind: Option<Kind>,
    answers: Option<Kind>,
    ctx: Context<'_>,
) -> Result<FileResult, Vec<u8>> {
    let doc = Arc::new(String::from_utf8(bytes).map_err(std::string::FromUtf8Error::into_bytes)?);
    let back =
        |doc: Arc<String>| Arc::try_unwrap(doc).map_or_else(|d| d.as_bytes().to_vec(), String::into_bytes);
    match parts(&doc).and_then(|parts| judge_parts(source, &doc, parts, kind, answers, ctx)) {
        Some(result) => Ok(result),
        None => Err(back(doc)),
    }
}

/// The top level of a document: each key with where its value's text is. A key given twice keeps
/// its first place and its last value, as in a parsed tree.
fn parts(doc: &str) -> Option<Vec<(String, usize, usize)>> {
    let mut de = serde_json::Deserializer::from_str(doc);
    let top = Top::deserialize(&mut de).ok()?;
    de.end().ok()?;
    let base = doc.as_ptr() as usize;
    Some(
        top.0
            .into_iter()
            .map(|(key, raw)| {
                let start = raw.get().as_ptr() as usize - base;
                (key, start, start + raw.get().len())
            })
            .collect(),
    )
}

fn judge_parts(
    source: &str,
    doc: &Arc<String>,
    parts: Vec<(String, usize, usize)>,
    kind: Option<Kind>,
    answers: Option<Kind>,
    ctx: Context<'_>,
) -> Option<FileResult> {
    // Small parts parsed; big objects and arrays stand in as empty ones until the kind says
    // whether anything reads inside them. The kind is told by the keys alone.
    let mut tree = Map::new();
    let mut big = Vec::new();
    for (key, start, end) in parts {
        let text = &doc[start..end];
        let empty = match text.as_bytes().first() {
            Some(b'{') => Value::Object(Map::new()),
            Some(b'[') => Value::Array(Vec::new()),
            _ => Value::Null,
        };
        if end - start >= PART && !empty.is_null() {
            tree.insert(key.clone(), empty);
            big.push((key, Text { doc: Arc::clone(doc), start, end }));
        } else {
            tree.insert(key, serde_json::from_str(text).ok()?);
        }
    }
    let mut tree = Value::Object(tree);
    let Some(judged_as) = kind.or_else(|| Kind::detect_with(&tree, answers).map(|d| d.kind)) else {
        // Of no known kind, which the keys say; but a document that does not parse is said to be
        // that first.
        for (_, text) in &big {
            check(text.as_str())?;
        }
        return Some(validate::judge(source.to_string(), tree, None, answers, ctx, true));
    };
    let unread = contract::unread_inside(judged_as, ctx);
    let mut texts = Vec::new();
    for (key, text) in big {
        let at = contract::join("", &key);
        let kept = unread.iter().any(|&(part, ty)| part == at && ty == json_type(&tree[&key]));
        if kept && check(text.as_str())? {
            texts.push((key, text));
        } else {
            tree[&key] = serde_json::from_str(text.as_str()).ok()?;
        }
    }
    let mut result = validate::judge(source.to_string(), tree, kind, answers, ctx, true);
    if let validate::FileOutcome::Checked(_) = &result.outcome {
        for (key, text) in texts {
            let at = contract::join("", &key);
            if let Some(field) = judged_as.fields().iter().find(|f| f.pointer == at) {
                result.texts.push((field.label.to_string(), text));
            }
        }
    }
    Some(result)
}

/// A value's JSON type, as schemas name it (only objects and arrays are asked here).
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        _ => "other",
    }
}

/// The top-level keys and their values' text.
struct Top<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Top<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
                let mut out: Vec<(String, &'de RawValue)> = Vec::new();
                let mut at: HashMap<String, usize> = HashMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value()?;
                    match at.get(&key) {
                        // The value given up is still parsed by a tree: it must parse.
                        Some(&i) if check(std::mem::replace(&mut out[i].1, value).get()).is_none() => {
                            return Err(de::Error::custom("a value given up does not parse"));
                        }
                        Some(_) => {}
                        None => {
                            at.insert(key.clone(), out.len());
                            out.push((key, value));
                        }
                    }
                }
                Ok(Top(out))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// Whether `text`, a value of the top-level object, parses as it would in the whole document
/// (`None` if not) with no key given twice in any object (`Some(false)`): such a value's text
/// would show both where the tree keeps the last.
fn check(text: &str) -> Option<bool> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Inside the top-level object: one level of nesting down already.
    let clean = Check { level: 1 }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(clean)
}

/// Parses a value as a tree would, keeping nothing; says whether no object held a key twice.
#[derive(Clone, Copy)]
struct Check {
    /// How many arrays and objects of the whole document hold the value.
    level: usize,
}

/// The most arrays and objects one inside the other that parsing into a tree accepts.
const DEEPEST: usize = 127;

impl Check {
    /// The checker of a value inside this one, refused where a tree's parser stops.
    fn inner<E: de::Error>(self) -> Result<Check, E> {
        match self.level + 1 {
            level if level <= DEEPEST => Ok(Check { level }),
            _ => Err(E::custom("nested too deep")),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Check {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_none<E>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let inner = self.inner()?;
        let mut clean = true;
        while let Some(ok) = seq.next_element_seed(inner)? {
            clean &= ok;
        }
        Ok(clean)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let inner = self.inner()?;
        let mut clean = true;
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key_seed(Key)? {
            clean &= keys.insert(key);
            clean &= map.next_value_seed(inner)?;
        }
        Ok(clean)
    }
}

/// An object's key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(s.into())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(s.to_string().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_checks_as_a_tree_parses_and_tells_keys_given_twice() {
        assert_eq!(check(r#"{"a": [1, -2, 3.5, "x\n", null, true, {"b": {}}]}"#), Some(true));
        assert_eq!(check(r#"{"a": 1, "a": 2}"#), Some(false));
        assert_eq!(check(r#"[{"a": 1}, {"b": [{"c": 1, "\u0063": 2}]}]"#), Some(false), "escaped keys too");
        assert_eq!(check(r#"[{"a": 1}, {"a": 1}]"#), Some(true), "the same key in two objects");
        // What parsing refuses, the check refuses.
        for bad in ["[1e400]", "[01]", r#"{"a" 1}"#, "[1,]", "\"\u{1}\"", "[1] 2"] {
            assert!(serde_json::from_str::<Value>(bad).is_err(), "{bad}");
            assert_eq!(check(bad), None, "{bad}");
        }
        // As deep as the parser goes, counting the top-level object around the part.
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [1, 100, 125, 126, 127, 128, 200] {
            let whole = format!(r#"{{"a": {}}}"#, nested(n));
            let parses = serde_json::from_str::<Value>(&whole).is_ok();
            assert_eq!(check(&nested(n)).is_some(), parses, "{n} deep");
            assert_eq!(parses, n <= 126, "{n} deep");
        }
    }

    #[test]
    fn a_text_is_written_as_its_tree() {
        let source = r#"{"b": [1, -2, 3.50, 1e2, "é\u00e9\/", null], "a": {"x": true}}"#;
        let text = Text { doc: Arc::new(source.to_string()), start: 0, end: source.len() };
        let tree: Value = serde_json::from_str(source).unwrap();
        assert_eq!(serde_json::to_string(&text).unwrap(), serde_json::to_string(&tree).unwrap());
        assert_eq!(
            serde_json::to_string_pretty(&text).unwrap(),
            serde_json::to_string_pretty(&tree).unwrap()
        );
        assert_eq!(contract::snippet(&text), contract::snippet(&tree));
    }

    #[test]
    fn top_level_keys_given_twice_keep_their_first_place_and_last_value() {
        let doc = r#"{"a": 1, "b": 2, "a": 3}"#;
        let found = parts(doc).unwrap();
        let shown: Vec<(&str, &str)> = found.iter().map(|(k, s, e)| (k.as_str(), &doc[*s..*e])).collect();
        assert_eq!(shown, [("a", "3"), ("b", "2")]);
        let tree: Value = serde_json::from_str(doc).unwrap();
        assert_eq!(tree.as_object().unwrap().keys().collect::<Vec<_>>(), ["a", "b"]);
        // A value given up is not kept, but a tree parses it, and refuses the document if it cannot.
        assert!(serde_json::from_str::<Value>(r#"{"a": 1e400, "a": 1}"#).is_err());
        assert_eq!(parts(r#"{"a": 1e400, "a": 1}"#), None);
        assert_eq!(parts("[1]"), None);
        assert_eq!(parts(r#"{"a": 1} x"#), None);
    }
}
