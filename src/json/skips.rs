//! The parts of a document that a [`Tape`](super::tape::Tape) reads to their end but does not keep:
//! each named by the object keys that lead to it from the root, with the type it must be of to be
//! left out.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::tape::Tape;

    #[test]
    fn parts_are_object_keys_and_few() {
        assert!(Skips::new([("", Container::Object)]).is_none(), "not the whole document");
        assert!(Skips::new([("a", Container::Object)]).is_none(), "not a pointer");
        let many: Vec<String> = (0..=Skips::MOST).map(|i| format!("/k{i}")).collect();
        assert!(Skips::new(many.iter().map(|p| (p.as_str(), Container::Object))).is_none());
        let most = &many[..Skips::MOST];
        let parts = Skips::new(most.iter().map(|p| (p.as_str(), Container::Object))).unwrap();
        let members: Vec<String> = most.iter().map(|p| format!(r#""{}":{{"x":1}}"#, &p[1..])).collect();
        let text = format!("{{{}}}", members.join(","));
        let (tape, left_out) = Tape::parse_skipping(&text, &parts).unwrap();
        assert_eq!(left_out, u32::MAX, "each one");
        let doc = tape.root().owned();
        assert_eq!(doc.as_object().map(serde_json::Map::len), Some(Skips::MOST));
        assert!(doc.as_object().unwrap().values().all(|v| *v == serde_json::json!({})), "the last one too");
    }
}
