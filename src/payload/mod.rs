//! Building the body to send: fresh identifiers and timestamps, consistent inside one send (and
//! across the steps of a scenario), and the user's `--set` overrides.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::Value;

use crate::catalogue::Kind;
use crate::error::{Error, Result};
use crate::json::Pointer;

/// Gives identifiers fresh values of the same shape and moves timestamps to the present.
///
/// One `Freshener` maps each old identifier to one new value, so a thread id that appears in five
/// places (or in five events of a scenario) gets the same new value everywhere.
pub struct Freshener {
    rng: fastrand::Rng,
    /// String identifiers, looked up by `&str` while walking a document (no allocation).
    strings: HashMap<String, String>,
    /// Numeric identifiers, replaced only where the catalogue says they are identifiers.
    numbers: HashMap<Value, Value>,
    shift: TimeDelta,
}

impl Freshener {
    /// With a seed, identifiers are reproducible and timestamps are kept as in the fixtures, so two
    /// runs with the same seed send the same bytes. Without one, identifiers are random and
    /// timestamps are moved so that the latest of `docs` is now.
    pub fn new(seed: Option<u64>, docs: &[&Value]) -> Self {
        let (rng, shift) = match seed {
            Some(seed) => (fastrand::Rng::with_seed(seed), TimeDelta::zero()),
            None => {
                let latest = docs.iter().filter_map(|d| latest_timestamp(d)).max();
                let shift = latest.map_or(TimeDelta::zero(), |t| Utc::now() - t);
                (fastrand::Rng::new(), shift)
            }
        };
        Freshener { rng, strings: HashMap::new(), numbers: HashMap::new(), shift }
    }

    /// Refresh one document of the given kind in place.
    pub fn refresh(&mut self, kind: Kind, doc: &mut Value) {
        let (_, int_sites) = self.mint(kind, doc);
        self.replace(doc, int_sites);
    }

    /// Mark each identifier of `doc` with a placeholder string naming its slot, shifting the
    /// timestamps as `refresh` does, and return the old identifiers in slot order: a body made by
    /// putting `fresh_values(kind, doc)` (from a freshener seeded alike) into the slots is the body
    /// `refresh` would have made.
    pub fn mark_slots(&mut self, kind: Kind, doc: &mut Value, mark: impl Fn(usize) -> String) -> Vec<Value> {
        let (order, int_sites) = self.mint(kind, doc);
        for (i, old) in order.iter().enumerate() {
            match old {
                Value::String(s) => {
                    self.strings.insert(s.clone(), mark(i));
                }
                other => {
                    self.numbers.insert(other.clone(), Value::String(mark(i)));
                }
            }
        }
        self.replace(doc, int_sites);
        order
    }

    /// The new values `refresh` would give the identifiers of `doc`, in the order of `mark_slots`.
    pub fn fresh_values(&mut self, kind: Kind, doc: &Value) -> Vec<Value> {
        let (order, _) = self.mint(kind, doc);
        order
            .iter()
            .map(|old| match old {
                Value::String(s) => Value::String(self.strings[s.as_str()].clone()),
                other => self.numbers[other].clone(),
            })
            .collect()
    }

    /// Make a new value for each identifier not seen before; the new ones in the order made, and
    /// the places of the numeric ones.
    fn mint(&mut self, kind: Kind, doc: &Value) -> (Vec<Value>, Vec<String>) {
        let mut order = Vec::new();
        let mut int_sites = Vec::new();
        for pattern in kind.identifiers() {
            for pointer in expand_pointer(doc, pattern) {
                let Some(old) = doc.at(&pointer).cloned() else { continue };
                match &old {
                    Value::String(s) if !self.strings.contains_key(s) => {
                        let new = self.fresh_like(&old);
                        if let Value::String(new) = new {
                            self.strings.insert(s.clone(), new);
                            order.push(old);
                        }
                    }
                    Value::Number(_) => {
                        if !self.numbers.contains_key(&old) {
                            let new = self.fresh_like(&old);
                            self.numbers.insert(old.clone(), new);
                            order.push(old);
                        }
                        int_sites.push(pointer);
                    }
                    _ => {}
                }
            }
        }
        (order, int_sites)
    }

    fn replace(&self, doc: &mut Value, int_sites: Vec<String>) {
        // Numbers are replaced only where they are identifiers; strings wherever they occur.
        for pointer in int_sites {
            if let Some(slot) = doc.at_mut(&pointer) {
                if let Some(new) = self.numbers.get(slot) {
                    *slot = new.clone();
                }
            }
        }
        self.walk(doc);
    }

    fn walk(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(new) = self.strings.get(s.as_str()) {
                    s.clone_from(new);
                } else if let Some(t) = parse_timestamp(s) {
                    *s = format_timestamp(t + self.shift);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.walk(i)),
            Value::Object(map) => map.values_mut().for_each(|i| self.walk(i)),
            _ => {}
        }
    }

    /// A new value shaped like the old one: uuid, 32-char hex, digits, integer, or same-length text.
    fn fresh_like(&mut self, old: &Value) -> Value {
        let Some(shape) = Shape::of(old) else {
            // Not an identifier's shape: nothing to make fresh.
            return old.clone();
        };
        let mut text = String::new();
        loop {
            text.clear();
            shape.draw(&mut self.rng, &mut text);
            let new = match shape {
                Shape::Number => Value::from(text.parse::<u64>().expect("digits")),
                _ => Value::String(text.clone()),
            };
            let taken = match &new {
                Value::String(n) => self.strings.values().any(|v| v == n),
                other => self.numbers.values().any(|v| v == other),
            };
            if new != *old && !taken {
                return new;
            }
        }
    }
}

/// The shape of an identifier, which its fresh values keep (and a k6 script's values too).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// An integer, made from 1,000 to 999,999.
    Number,
    Uuid,
    Hex32,
    /// A string of this many digits, the first not zero.
    Digits(usize),
    /// Any other string: this many letters and digits (at least 8).
    Text(usize),
}

impl Shape {
    /// The shape of an identifier's value; `None` for what is not an identifier's shape.
    pub fn of(old: &Value) -> Option<Shape> {
        Some(match old {
            Value::Number(_) => Shape::Number,
            Value::String(s) if is_uuid(s) => Shape::Uuid,
            Value::String(s) if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) => Shape::Hex32,
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                Shape::Digits(s.len())
            }
            Value::String(s) => Shape::Text(s.len().max(8)),
            _ => return None,
        })
    }

    /// Append one value of this shape (a number as its digits) drawn from `rng`; the one place the
    /// draws are made, so a run's slots get what `Freshener::refresh` gives under the same seed.
    fn draw(self, rng: &mut fastrand::Rng, out: &mut String) {
        use std::fmt::Write;
        match self {
            Shape::Number => {
                let _ = write!(out, "{}", rng.u64(1_000..1_000_000));
            }
            Shape::Uuid => {
                let mut h = [0u8; 32];
                h.iter_mut().for_each(|c| *c = rng.digit(16) as u8);
                let h = std::str::from_utf8(&h).expect("hex digits");
                let variant = ['8', '9', 'a', 'b'][rng.usize(0..4)];
                let _ = write!(
                    out,
                    "{}-{}-4{}-{variant}{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[13..16],
                    &h[17..20],
                    &h[20..32]
                );
            }
            Shape::Hex32 => (0..32).for_each(|_| out.push(rng.digit(16))),
            Shape::Digits(len) => {
                let first = rng.digit(9);
                out.push(if first == '0' { '1' } else { first });
                (1..len).for_each(|_| out.push(rng.digit(10)));
            }
            Shape::Text(len) => (0..len).for_each(|_| out.push(rng.alphanumeric())),
        }
    }
}

/// The identifiers of one document as slots, in the order of `Freshener::mark_slots`: each
/// request's values are drawn from its own seed without walking the document again.
#[derive(Debug)]
pub struct Slots {
    /// Each slot's shape and old value (a fresh value is never the old one).
    shapes: Vec<(Shape, Value)>,
}

/// The values of one request's slots, written one after another: slot i is
/// `text[ends[i - 1]..ends[i]]`, a JSON number or the inside of a JSON string.
#[derive(Debug, Default)]
pub struct SlotValues {
    pub text: String,
    pub ends: Vec<usize>,
    pub quoted: Vec<bool>,
}

impl SlotValues {
    /// Slot i: its text, and whether it is a string (else a number).
    pub fn get(&self, i: usize) -> Option<(&str, bool)> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some((&self.text[start..end], self.quoted[i]))
    }
}

impl Slots {
    pub fn new(kind: Kind, doc: &Value) -> Slots {
        let (order, _) = Freshener::new(Some(0), &[]).mint(kind, doc);
        Slots { shapes: order.into_iter().filter_map(|old| Some((Shape::of(&old)?, old))).collect() }
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The values a freshener seeded `seed` gives the slots (`Freshener::fresh_values`), into
    /// `out` (cleared first).
    pub fn fill(&self, seed: u64, out: &mut SlotValues) {
        let mut rng = fastrand::Rng::with_seed(seed);
        out.text.clear();
        out.ends.clear();
        out.quoted.clear();
        for (i, (shape, old)) in self.shapes.iter().enumerate() {
            let start = out.text.len();
            let quoted = *shape != Shape::Number;
            loop {
                out.text.truncate(start);
                shape.draw(&mut rng, &mut out.text);
                let new = &out.text[start..];
                let same = match old {
                    Value::String(s) => quoted && s == new,
                    Value::Number(n) => !quoted && n.as_u64().is_some_and(|n| new.parse() == Ok(n)),
                    _ => false,
                };
                let taken = (0..i).any(|j| {
                    out.quoted[j] == quoted
                        && &out.text[if j == 0 { 0 } else { out.ends[j - 1] }..out.ends[j]] == new
                });
                if !same && !taken {
                    break;
                }
            }
            out.ends.push(out.text.len());
            out.quoted.push(quoted);
        }
    }
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An ISO-8601 UTC timestamp with milliseconds, as both platforms write them.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    if s.len() != 24 || !s.ends_with('Z') {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Replace each timestamp string of `doc` (as [`parse_timestamp`] reads one) by `mark(t)`.
pub fn mark_timestamps(doc: &mut Value, mark: &dyn Fn(DateTime<Utc>) -> String) {
    match doc {
        Value::String(s) => {
            if let Some(t) = parse_timestamp(s) {
                *s = mark(t);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| mark_timestamps(i, mark)),
        Value::Object(map) => map.values_mut().for_each(|i| mark_timestamps(i, mark)),
        _ => {}
    }
}

fn latest_timestamp(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => parse_timestamp(s),
        Value::Array(items) => items.iter().filter_map(latest_timestamp).max(),
        Value::Object(map) => map.values().filter_map(latest_timestamp).max(),
        _ => None,
    }
}

/// The concrete pointers a pattern with `*` (every array index) stands for in this document.
fn expand_pointer(doc: &Value, pattern: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for seg in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for prefix in out {
            if seg == "*" {
                let len = doc.at(&prefix).and_then(Value::as_array).map_or(0, Vec::len);
                next.extend((0..len).map(|i| format!("{prefix}/{i}")));
            } else {
                next.push(format!("{prefix}/{seg}"));
            }
        }
        out = next;
    }
    out
}

/// Parse one `--set PATH=VALUE`: the path is a JSON pointer (`/payload/status`) or dotted
/// (`payload.status`, `intents.0.name`); the value is JSON when it parses as JSON, text otherwise.
pub fn parse_set(spec: &str) -> Result<(Vec<String>, Value)> {
    let (path, raw) =
        spec.split_once('=').ok_or_else(|| Error::usage(format!("--set '{spec}': expected PATH=VALUE")))?;
    let segments: Vec<String> = if let Some(rest) = path.strip_prefix('/') {
        if let Some(bad) = bad_escape(path) {
            return Err(Error::usage(format!(
                "--set '{spec}': '{bad}' in '{path}' is not a JSON pointer escape (~0 is ~, ~1 is /)"
            )));
        }
        rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    } else {
        path.split('.').map(str::to_string).collect()
    };
    if path.is_empty() || segments.iter().any(String::is_empty) {
        return Err(Error::usage(format!("--set '{spec}': '{path}' is not a valid path")));
    }
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    Ok((segments, value))
}

/// The first `~` of a JSON pointer that is not `~0` or `~1` (RFC 6901), with what follows it.
pub fn bad_escape(pointer: &str) -> Option<String> {
    let at = pointer
        .match_indices('~')
        .map(|(i, _)| i)
        .find(|&i| !matches!(pointer.as_bytes().get(i + 1), Some(b'0' | b'1')))?;
    Some(pointer[at..].chars().take(2).collect())
}

/// Put a value at a path. The parent must exist; the last segment may add a key or append to an
/// array (index = length, or `-`).
pub fn set(doc: &mut Value, segments: &[String], value: Value) -> Result<()> {
    let shown = segments.join(".");
    let (last, parents) = segments.split_last().ok_or_else(|| Error::usage("--set: empty path"))?;
    let mut cur = doc;
    for (i, seg) in parents.iter().enumerate() {
        let here = segments[..=i].join(".");
        cur = match cur {
            Value::Object(map) => map.get_mut(seg),
            Value::Array(items) => seg.parse::<usize>().ok().and_then(|n| items.get_mut(n)),
            _ => None,
        }
        .ok_or_else(|| Error::usage(format!("--set {shown}: '{here}' does not exist in the payload")))?;
    }
    match cur {
        Value::Object(map) => {
            map.insert(last.clone(), value);
        }
        Value::Array(items) => {
            let len = items.len();
            let n = if last == "-" { Some(len) } else { last.parse::<usize>().ok() };
            match n {
                Some(n) if n < len => items[n] = value,
                Some(n) if n == len => items.push(value),
                _ => {
                    return Err(Error::usage(format!(
                        "--set {shown}: '{last}' is not an index of an array of {len}"
                    )));
                }
            }
        }
        other => {
            let parent = if parents.is_empty() {
                "the payload".to_string()
            } else {
                format!("'{}'", parents.join("."))
            };
            return Err(Error::usage(format!(
                "--set {shown}: {parent} is {}, not an object or array",
                kind_of(other)
            )));
        }
    }
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
