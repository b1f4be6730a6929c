//! JSON text into a [`Value`], as `serde_json::from_str` makes it, with every object and array
//! allocated once at its final size.
//!
//! `serde_json`'s own visitor starts each object as an empty map and inserts into it, so a map of
//! a dozen keys grows (and rehashes its index) three or four times, and an array grows likewise.
//! Here the members of an object or array are gathered on a stack shared by the whole document,
//! and the map or vector is made once they are all known. The parser underneath is `serde_json`'s:
//! what is refused, where, and the words of the error, are its own, as are its nesting limit and
//! what a duplicate key does (the later value, in the place of the first). One difference, on
//! purpose: `serde_json` takes a key spelled as its private raw-value token for an instruction to
//! itself; here it is a key like any other.
//!
//! A parse can also be told of parts to leave out ([`Skips`]): such a part is parsed as any other
//! (what it would refuse is refused, in the same words) but nothing of it is kept, and an empty
//! value of its type stands in its place.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// What the stack keeps between documents at most: a huge array does not leave its room behind.
const KEPT: usize = 4096;

/// The members of the objects and arrays being read, innermost last.
#[derive(Default)]
struct Stack {
    entries: Vec<(String, Value)>,
    items: Vec<Value>,
    /// The parts left out of the document being read, a bit each in the order of the [`Skips`].
    left_out: u32,
}

/// The parts of a document to check but not keep: each a path of object keys from the root and
/// the type the part must be of to be left out (a part of another type is kept, whole).
#[derive(Debug, Clone, Default)]
pub struct Skips(Vec<(Vec<String>, Container)>);

/// The types of value a part left out can be of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Object,
    Array,
}

impl Skips {
    /// The most parts one parse can leave out.
    pub const MOST: usize = 32;

    /// From each part's JSON pointer (object keys only) and type; `None` for a pointer that is
    /// not one or for more than [`Skips::MOST`] parts.
    pub fn new<'a>(parts: impl IntoIterator<Item = (&'a str, Container)>) -> Option<Skips> {
        let mut out = Vec::new();
        for (pointer, container) in parts {
            let keys: Vec<String> = super::tokens(pointer)?.map(|t| t.into_owned()).collect();
            if keys.is_empty() {
                return None;
            }
            out.push((keys, container));
        }
        (out.len() <= Skips::MOST).then_some(Skips(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

thread_local! {
    static STACK: RefCell<Stack> = RefCell::default();
}

/// Parse one JSON document: a value, then nothing but whitespace.
pub fn from_str(text: &str) -> serde_json::Result<Value> {
    // Nothing parses while parsing, so the stack is never borrowed twice.
    STACK.with_borrow_mut(|stack| {
        // A document that failed half-way left its members here.
        stack.entries.clear();
        stack.items.clear();
        let parsed = document(text, stack, Mode::Keep);
        stack.entries.shrink_to(KEPT);
        stack.items.shrink_to(KEPT);
        parsed
    })
}

/// As [`from_str`], leaving out the parts `skips` names; says which were left out, a bit each in
/// their order (bit 0 the first).
pub fn from_str_skipping(text: &str, skips: &Skips) -> serde_json::Result<(Value, u32)> {
    if skips.is_empty() {
        return from_str(text).map(|v| (v, 0));
    }
    STACK.with_borrow_mut(|stack| {
        stack.entries.clear();
        stack.items.clear();
        stack.left_out = 0;
        let parsed = document(text, stack, Mode::planned(skips));
        stack.entries.shrink_to(KEPT);
        stack.items.shrink_to(KEPT);
        parsed.map(|v| (v, stack.left_out))
    })
}

fn document(text: &str, stack: &mut Stack, mode: Mode<'_>) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Sized(stack, mode).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Where a value stands against the parts to leave out.
#[derive(Clone, Copy)]
pub(super) enum Mode<'p> {
    /// Kept whole.
    Keep,
    /// `depth` keys down from the root; `live` are the parts whose keys so far lead here.
    Plan { skips: &'p Skips, live: u32, depth: usize },
    /// The part of this index, to leave out when it is of this type.
    Leave(usize, Container),
}

impl<'p> Mode<'p> {
    /// The mode of a document's root, with these parts to leave out.
    pub(super) fn planned(skips: &'p Skips) -> Mode<'p> {
        if skips.is_empty() {
            return Mode::Keep;
        }
        let all = u32::MAX >> (u32::BITS as usize - skips.0.len());
        Mode::Plan { skips, live: all, depth: 0 }
    }

    /// The mode of the value under `key` of an object in this mode.
    pub(super) fn under(self, key: &str) -> Mode<'p> {
        let Mode::Plan { skips, live, depth } = self else { return Mode::Keep };
        let mut next = 0;
        for (i, (keys, container)) in skips.0.iter().enumerate() {
            if live & (1 << i) != 0 && keys[depth] == key {
                if keys.len() == depth + 1 {
                    return Mode::Leave(i, *container);
                }
                next |= 1 << i;
            }
        }
        if next == 0 { Mode::Keep } else { Mode::Plan { skips, live: next, depth: depth + 1 } }
    }
}

struct Sized<'s, 'p>(&'s mut Stack, Mode<'p>);

impl<'de> DeserializeSeed<'de> for Sized<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sized<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let stack = self.0;
        if let Mode::Leave(i, Container::Array) = self.1 {
            while seq.next_element_seed(Ignored)?.is_some() {}
            stack.left_out |= 1 << i;
            return Ok(Value::Array(Vec::new()));
        }
        let start = stack.items.len();
        // Parts to leave out are named by object keys only: nothing inside an array is one.
        while let Some(item) = seq.next_element_seed(Sized(&mut *stack, Mode::Keep))? {
            stack.items.push(item);
        }
        // Collected from a drain, the vector is allocated at its length.
        Ok(Value::Array(stack.items.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let (stack, mode) = (self.0, self.1);
        if let Mode::Leave(i, Container::Object) = mode {
            while map.next_key_seed(Ignored)?.is_some() {
                map.next_value_seed(Ignored)?;
            }
            stack.left_out |= 1 << i;
            return Ok(Value::Object(Map::new()));
        }
        let start = stack.entries.len();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Sized(&mut *stack, mode.under(&key)))?;
            stack.entries.push((key, value));
        }
        let mut object = Map::with_capacity(stack.entries.len() - start);
        for (key, value) in stack.entries.drain(start..) {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Whether a text is one JSON value as a tree's parser reads it (nested at most as deep, so refused
/// where a tree would be), read without keeping any of it.
pub fn is_json(text: &str) -> bool {
    let mut de = serde_json::Deserializer::from_str(text);
    Ignored.deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// A value parsed as any other (through the same paths of the parser, so refused where it would be
/// refused, nesting limit included) with nothing of it kept.
struct Ignored;

impl<'de> DeserializeSeed<'de> for Ignored {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Ignored {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Ignored)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Ignored)?.is_some() {
            map.next_value_seed(Ignored)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What each parser makes of `text`, as the text of the value (equal maps may differ in
    /// order; the text they make may not) or the words of the error.
    fn both(text: &str) -> (Result<String, String>, Result<String, String>) {
        let said = |r: serde_json::Result<Value>| r.map(|v| v.to_string()).map_err(|e| e.to_string());
        (said(from_str(text)), said(serde_json::from_str::<Value>(text)))
    }

    fn same_as_serde_json(text: &str) {
        let (ours, theirs) = both(text);
        assert_eq!(ours, theirs, "{text}");
    }

    #[test]
    fn documents_parse_as_serde_json_parses_them() {
        for text in [
            "null",
            " true ",
            "0",
            "-0",
            "-0.0",
            "1e400",
            "-1e400",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5e-7",
            r#""""#,
            r#""a\"b\\c\u00e9\ud83d\ude00\n""#,
            "[]",
            "{}",
            "[[],[{}],{}]",
            r#"{"b":1,"a":2,"c":{"z":[1,2,{"y":null}],"x":"é"}}"#,
            r#"{"a":1,"b":2,"a":3}"#,
            r#"{"a":{"x":1},"a":{"y":2},"b":[1,[2,[3]]]}"#,
        ] {
            same_as_serde_json(text);
        }
    }

    #[test]
    fn broken_documents_are_refused_with_serde_json_s_words() {
        for text in [
            "",
            " ",
            "{",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            "[1] [2]",
            "{} x",
            "nul",
            r#""\x""#,
            "\"a\u{1}\"",
            "01",
            "1.",
            "[1,2",
            r#"{"a":[1,{"b":}]}"#,
        ] {
            same_as_serde_json(text);
        }
    }

    #[test]
    fn the_nesting_limit_is_serde_json_s() {
        for depth in [127, 128, 129, 200] {
            same_as_serde_json(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
            same_as_serde_json(&format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth)));
        }
    }

    #[test]
    fn a_failed_document_leaves_nothing_for_the_next() {
        assert!(from_str(r#"{"a":[1,2,{"b":3,"c":"#).is_err());
        assert_eq!(from_str(r#"{"d":[4]}"#).unwrap(), serde_json::json!({"d": [4]}));
        let big = format!("[{}0]", "0,".repeat(3 * KEPT));
        assert_eq!(from_str(&big).unwrap().as_array().map(Vec::len), Some(3 * KEPT + 1));
        STACK.with(|s| assert!(s.borrow().items.capacity() <= KEPT, "the room of a big array is given back"));
    }

    fn skips(parts: &[(&str, Container)]) -> Skips {
        Skips::new(parts.iter().copied()).unwrap()
    }

    /// The document parsed whole, with an empty value of the same type in the place of each part
    /// of the type asked.
    fn stood_in(text: &str, parts: &[(&str, Container)]) -> (Value, u32) {
        use crate::json::Pointer;
        let mut doc: Value = serde_json::from_str(text).unwrap();
        let mut left_out = 0;
        for (i, (at, container)) in parts.iter().enumerate() {
            match (doc.at_mut(at), container) {
                (Some(v @ Value::Object(_)), Container::Object) => *v = Value::Object(Map::new()),
                (Some(v @ Value::Array(_)), Container::Array) => *v = Value::Array(Vec::new()),
                _ => continue,
            }
            left_out |= 1 << i;
        }
        (doc, left_out)
    }

    #[test]
    fn a_part_left_out_is_an_empty_value_of_its_type_and_the_rest_is_whole() {
        let parts = [("/a/b", Container::Object), ("/a/c", Container::Array), ("/d~1e", Container::Object)];
        for text in [
            r#"{"a":{"b":{"x":[1,{"y":2}]},"c":[1,[2]],"k":3},"d/e":{"z":1},"f":{"b":{"x":1}}}"#,
            // Of another type than asked: kept whole.
            r#"{"a":{"b":[1,2],"c":{"x":1}},"d/e":"s"}"#,
            // Under an array, a key of the same name is not the part.
            r#"[{"a":{"b":{"x":1}}}]"#,
            r#"{"a":[{"b":{"x":1}}]}"#,
            r#"{"x":1}"#,
            "7",
        ] {
            let ours = from_str_skipping(text, &skips(&parts)).unwrap();
            let whole = stood_in(text, &parts);
            assert_eq!(ours, whole, "{text}");
            assert_eq!(ours.0.to_string(), whole.0.to_string(), "the order of keys: {text}");
        }
        // Given twice: each value is left out, and the later one stands, in the first one's place.
        let text = r#"{"a":{"b":{"x":1},"k":2,"b":{"y":2}}}"#;
        let (doc, left_out) = from_str_skipping(text, &skips(&parts)).unwrap();
        assert_eq!(left_out, 0b001);
        assert_eq!(doc.to_string(), r#"{"a":{"b":{},"k":2}}"#);
        let (doc, _) = from_str_skipping(r#"{"a":{"b":{"x":1}},"a":5}"#, &skips(&parts)).unwrap();
        assert_eq!(doc, serde_json::json!({"a": 5}));
        // A part left out and then given again as another type: the later value stands, and the
        // part is still said to have been left out (harmless: what stands is the value given last).
        let (doc, left_out) =
            from_str_skipping(r#"{"a":{},"a":null}"#, &skips(&[("/a", Container::Object)])).unwrap();
        assert_eq!((doc, left_out), (serde_json::json!({"a": null}), 1));
        // Nothing to leave out: a plain parse.
        let text = r#"{"a":{"b":{"x":1}}}"#;
        assert_eq!(from_str_skipping(text, &Skips::default()).unwrap(), (from_str(text).unwrap(), 0));
    }

    #[test]
    fn a_part_left_out_is_refused_where_and_as_a_whole_parse_refuses_it() {
        let parts = skips(&[("/a", Container::Object), ("/b", Container::Array)]);
        let deep = |n: usize| format!(r#"{{"a":{{"x":{}{}}}}}"#, "[".repeat(n), "]".repeat(n));
        let mut texts: Vec<String> = vec![
            r#"{"a":{"x":01}}"#.into(),
            r#"{"a":{"x":1e400}}"#.into(),
            r#"{"a":{"x":"\q"}}"#.into(),
            "{\"a\":{\"x\":\"\u{1}\"}}".into(),
            r#"{"a":{"x" 1}}"#.into(),
            r#"{"a":{"x":[1,]}}"#.into(),
            r#"{"b":[{"x":}]}"#.into(),
            r#"{"b":[1,2"#.into(),
            r#"{"a":{}} x"#.into(),
        ];
        texts.extend([124, 125, 126, 127, 200].map(deep));
        for text in texts {
            let ours = from_str_skipping(&text, &parts).map(|_| ()).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(&text).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn parts_are_object_keys_and_few() {
        assert!(Skips::new([("", Container::Object)]).is_none(), "not the whole document");
        assert!(Skips::new([("a", Container::Object)]).is_none(), "not a pointer");
        let many: Vec<String> = (0..=Skips::MOST).map(|i| format!("/k{i}")).collect();
        assert!(Skips::new(many.iter().map(|p| (p.as_str(), Container::Object))).is_none());
        let most = &many[..Skips::MOST];
        let parts = Skips::new(most.iter().map(|p| (p.as_str(), Container::Object))).unwrap();
        let members: Vec<String> = most.iter().map(|p| format!(r#""{}":{{"x":1}}"#, &p[1..])).collect();
        let (doc, left_out) = from_str_skipping(&format!("{{{}}}", members.join(",")), &parts).unwrap();
        assert_eq!(left_out, u32::MAX, "each one");
        assert_eq!(doc.as_object().map(Map::len), Some(Skips::MOST));
        assert!(
            doc.as_object().unwrap().values().all(|v| *v == Value::Object(Map::new())),
            "the last one too"
        );
    }

    /// Any JSON value; an object is generated as its text, keys repeated at times (see [`text`]).
    pub(in crate::json) fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-c\"\\\\\u{e9}\u{1f600}\n ]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                // Few key letters, so that keys repeat: a repeated key is written twice below.
                proptest::collection::vec(("[a-d]{0,2}", inner), 0..6).prop_map(|pairs| {
                    let text: Vec<String> = pairs
                        .iter()
                        .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), text(v)))
                        .collect();
                    Value::String(format!("\u{0}{{{}}}", text.join(",")))
                }),
            ]
        })
    }

    /// The text of a generated value: a string marked with NUL stands for an object written out
    /// with its keys as generated, repeats included.
    pub(in crate::json) fn text(v: &Value) -> String {
        match v {
            Value::String(s) if s.starts_with('\u{0}') => s[1..].to_string(),
            Value::Array(items) => format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(",")),
            other => other.to_string(),
        }
    }

    proptest! {
        #[test]
        fn any_document_with_parts_left_out_parses_as_a_whole_one_with_them_emptied(v in value()) {
            let parts = [("/a", Container::Object), ("/b/c", Container::Array), ("/b/a", Container::Object)];
            let text = text(&v);
            let ours = from_str_skipping(&text, &skips(&parts));
            match serde_json::from_str::<Value>(&text) {
                Ok(_) => {
                    // A key given twice may have had its first value left out: said as left out.
                    let ((doc, left_out), whole) = (ours.unwrap(), stood_in(&text, &parts));
                    prop_assert_eq!(doc, whole.0);
                    prop_assert_eq!(left_out & whole.1, whole.1);
                }
                Err(e) => prop_assert_eq!(ours.unwrap_err().to_string(), e.to_string()),
            }
        }

        #[test]
        fn any_document_parses_as_serde_json_parses_it(v in value(), pad in "[ \n\t]{0,2}") {
            let (ours, theirs) = both(&format!("{pad}{}{pad}", text(&v)));
            prop_assert_eq!(ours, theirs);
        }
    }
}
