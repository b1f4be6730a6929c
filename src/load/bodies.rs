//! The bodies of a load run from one serialised template: the bytes between the identifiers are
//! made once, and each body is those bytes with the request's fresh identifiers put between them.

use bytes::Bytes;

use crate::error::Result;
use crate::payload::SlotValues;
use crate::send::{self, Template};

/// What a marked identifier looks like once serialised: a JSON string whose control characters
/// are written as escapes, so no other string of the body can be mistaken for one.
const OPEN: &[u8] = b"\"\\u0001hookctl-slot-";
const CLOSE: &[u8] = b"\\u0001\"";

fn mark(slot: usize) -> String {
    format!("\u{1}hookctl-slot-{slot}\u{1}")
}

/// A piece of the body: fixed bytes, or the identifier of a slot.
#[derive(Debug, PartialEq)]
enum Piece {
    Fixed(std::ops::Range<usize>),
    Slot(usize),
}

pub struct Bodies {
    bytes: Bytes,
    pieces: Vec<Piece>,
    slots: usize,
}

impl Bodies {
    /// `None` when the body cannot be cut at its identifiers (one of them is inside a longer
    /// string): then each body is made whole.
    pub fn new(template: &Template) -> Result<Option<Bodies>> {
        let (prepared, order) = template.marked(mark)?;
        let bytes = send::wire(&prepared.doc);
        Ok(cut(&bytes, order.len()).map(|pieces| Bodies { bytes, pieces, slots: order.len() }))
    }

    /// The body whose identifiers are `values` (one per slot, from `Slots::fill`).
    pub fn make(&self, values: &SlotValues) -> Bytes {
        if self.slots == 0 {
            return self.bytes.clone();
        }
        let mut out = Vec::with_capacity(self.bytes.len() + values.text.len() + 2 * self.pieces.len());
        for piece in &self.pieces {
            match piece {
                Piece::Fixed(r) => out.extend_from_slice(&self.bytes[r.clone()]),
                Piece::Slot(i) => match values.get(*i) {
                    // Drawn values are letters, digits and dashes: nothing to escape.
                    Some((s, true)) => {
                        out.push(b'"');
                        out.extend_from_slice(s.as_bytes());
                        out.push(b'"');
                    }
                    Some((s, false)) => out.extend_from_slice(s.as_bytes()),
                    None => out.extend_from_slice(b"null"),
                },
            }
        }
        out.into()
    }
}

/// Cut serialised bytes at the marked slots; `None` when a mark is found that is not a whole
/// string, or names a slot that does not exist.
fn cut(bytes: &[u8], slots: usize) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let (mut at, mut fixed) = (0, 0);
    while let Some(found) = find(&bytes[at..], OPEN) {
        let start = at + found;
        let digits = start + OPEN.len();
        let end = digits + bytes[digits..].iter().take_while(|b| b.is_ascii_digit()).count();
        let slot: usize = std::str::from_utf8(&bytes[digits..end]).ok()?.parse().ok()?;
        if slot >= slots || !bytes[end..].starts_with(CLOSE) {
            return None;
        }
        pieces.push(Piece::Fixed(fixed..start));
        pieces.push(Piece::Slot(slot));
        at = end + CLOSE.len();
        fixed = at;
    }
    pieces.push(Piece::Fixed(fixed..bytes.len()));
    // A mark left inside a longer string would go out as it is.
    let leftover = pieces.iter().any(|p| match p {
        Piece::Fixed(r) => find(&bytes[r.clone()], b"hookctl-slot-").is_some(),
        Piece::Slot(_) => false,
    });
    (!leftover).then_some(pieces)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn values(slots: &[(&str, bool)]) -> SlotValues {
        let mut v = SlotValues::default();
        for (text, quoted) in slots {
            v.text.push_str(text);
            v.ends.push(v.text.len());
            v.quoted.push(*quoted);
        }
        v
    }

    fn wire(v: &Value) -> Vec<u8> {
        serde_json::to_vec(v).unwrap()
    }

    #[test]
    fn marks_are_cut_out_and_the_rest_kept() {
        let doc = json!({"a": mark(0), "b": [mark(1), 5, mark(0)], "c": "x"});
        let bytes = wire(&doc);
        let pieces = cut(&bytes, 2).unwrap();
        assert_eq!(pieces.iter().filter(|p| matches!(p, Piece::Slot(_))).count(), 3);
        let b = Bodies { bytes: bytes.into(), pieces, slots: 2 };
        let made = b.make(&values(&[("u-1", true), ("42", false)]));
        let back: Value = serde_json::from_slice(&made).unwrap();
        assert_eq!(back, json!({"a": "u-1", "b": [42, 5, "u-1"], "c": "x"}));
    }

    #[test]
    fn a_mark_inside_a_longer_string_or_out_of_range_is_refused() {
        assert!(cut(&wire(&json!({"a": format!("x{}", mark(0))})), 1).is_none());
        assert!(cut(&wire(&json!({"a": format!("{}x", mark(0))})), 1).is_none());
        assert!(cut(&wire(&json!({"a": mark(3)})), 1).is_none());
        assert_eq!(cut(&wire(&json!({"a": 1})), 0).unwrap().len(), 1);
    }
}
