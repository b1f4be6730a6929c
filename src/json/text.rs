//! A JSON value kept as its text rather than parsed: written out as the [`Value`] parsed from it
//! would be, for a big part of a document that is only shown.
//!
//! [`Value`]: serde_json::Value

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use foldhash::HashSet;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

/// One JSON value, as it stands in the text of a document. Serialised, it is written as the value
/// parsed from it would be (numbers and strings as `serde_json` writes them, in any format).
#[derive(Clone)]
pub struct Text {
    doc: Arc<String>,
    range: Range<usize>,
}

impl Text {
    /// The value whose text is at `range` of `doc`, which must be one JSON value as a `Value`'s
    /// parser reads it. `None` when an object in it has a key twice: the text shows both, where a
    /// `Value` keeps one.
    pub fn new(doc: Arc<String>, range: Range<usize>) -> Option<Text> {
        let text = doc.get(range.clone())?;
        let mut de = serde_json::Deserializer::from_str(text);
        Distinct.deserialize(&mut de).ok()?.then_some(Text { doc, range })
    }

    fn as_str(&self) -> &str {
        &self.doc[self.range.clone()]
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Text({} bytes)", self.range.len())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_transcode::transcode(&mut serde_json::Deserializer::from_str(self.as_str()), s)
    }
}

/// Reads a value, keeping nothing of it; says whether no object in it has a key twice.
struct Distinct;

impl<'de> DeserializeSeed<'de> for Distinct {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Distinct {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut distinct = true;
        while let Some(inner) = seq.next_element_seed(Distinct)? {
            distinct &= inner;
        }
        Ok(distinct)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut distinct = true;
        let mut keys = HashSet::default();
        while let Some(key) = map.next_key_seed(Key)? {
            distinct &= keys.insert(key);
            distinct &= map.next_value_seed(Distinct)?;
        }
        Ok(distinct)
    }
}

/// An object's key as a seed for `serde_json`: borrowed from the text when it has no escape.
pub struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn text(s: &str) -> Option<Text> {
        Text::new(Arc::new(format!("[0, {s}]")), 4..4 + s.len())
    }

    #[test]
    fn a_text_is_written_as_its_value() {
        let source = r#"{"b": [1, -2, 3.50, 1e2, "é\u00e9\/", null, -0], "a": {"x": true, "": {}}}"#;
        let value: Value = serde_json::from_str(source).unwrap();
        let kept = text(source).expect("no key twice");
        assert_eq!(serde_json::to_string(&kept).unwrap(), serde_json::to_string(&value).unwrap());
        assert_eq!(
            serde_json::to_string_pretty(&kept).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn a_text_with_a_key_twice_in_an_object_is_not_kept() {
        assert!(text(r#"{"a": 1, "a": 2}"#).is_none());
        assert!(text(r#"[{"a": 1}, {"b": [{"c": 1, "\u0063": 2}]}]"#).is_none(), "escaped keys too");
        assert!(text(r#"[{"a": 1}, {"a": 1}]"#).is_some(), "the same key in two objects");
        assert!(text(r#"{"a": {"a": {"a": 1}}}"#).is_some(), "the same key one inside the other");
        assert!(text("[1").is_none(), "not one value");
    }
}
