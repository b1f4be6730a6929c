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
        let parsed = document(text, stack);
        stack.entries.shrink_to(KEPT);
        stack.items.shrink_to(KEPT);
        parsed
    })
}

fn document(text: &str, stack: &mut Stack) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Sized(stack).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

struct Sized<'s>(&'s mut Stack);

impl<'de> DeserializeSeed<'de> for Sized<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sized<'_> {
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
        let start = stack.items.len();
        while let Some(item) = seq.next_element_seed(Sized(&mut *stack))? {
            stack.items.push(item);
        }
        // Collected from a drain, the vector is allocated at its length.
        Ok(Value::Array(stack.items.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let stack = self.0;
        let start = stack.entries.len();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Sized(&mut *stack))?;
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
        fn any_document_parses_as_serde_json_parses_it(v in value(), pad in "[ \n\t]{0,2}") {
            let (ours, theirs) = both(&format!("{pad}{}{pad}", text(&v)));
            prop_assert_eq!(ours, theirs);
        }
    }
}
