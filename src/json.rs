//! JSON pointers (RFC 6901) resolved without allocating: a token is unescaped into a new string
//! only when it holds an escape (`~0`, `~1`), which no pointer of the catalogue does. The checks
//! and the fields that matter resolve a dozen pointers a document, so this is on every hot path.
//! Documents are parsed here too: into a [`Value`] ([`from_str`], each object and array made at its
//! final size), or onto a [`tape::Tape`] that borrows from the text and can leave parts out.

use std::borrow::Cow;

use serde_json::Value;

#[cfg(target_arch = "x86_64")]
mod blocks;
mod count;
mod parse;
mod skips;
pub mod tape;
mod text;

pub use count::values;
pub use parse::{from_str, is_json};
pub use skips::{Container, Skips};
pub use text::{Key, Text};

/// Resolving a JSON pointer in a value, as [`Value::pointer`] does.
pub trait Pointer {
    /// The value at `pointer`; `""` is the whole value.
    fn at(&self, pointer: &str) -> Option<&Value>;
    /// As [`Pointer::at`], mutable.
    fn at_mut(&mut self, pointer: &str) -> Option<&mut Value>;
}

impl Pointer for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        let mut target = self;
        for token in tokens(pointer)? {
            target = match target {
                Value::Object(map) => map.get(token.as_ref())?,
                Value::Array(list) => list.get(index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    fn at_mut(&mut self, pointer: &str) -> Option<&mut Value> {
        let mut target = self;
        for token in tokens(pointer)? {
            target = match target {
                Value::Object(map) => map.get_mut(token.as_ref())?,
                Value::Array(list) => list.get_mut(index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }
}

/// What the contract's rules read of a document, whichever way it is held: a [`Value`], or a
/// [`tape::Tape`] read from the text without making one. A rule written once over this reads
/// both alike.
pub trait Tree<'a>: Copy + 'a {
    /// The value under a key of an object.
    fn get(self, key: &str) -> Option<Self>;
    /// The item at an index of an array.
    fn item(self, index: usize) -> Option<Self>;
    fn as_str(self) -> Option<&'a str>;
    fn is_null(self) -> bool;
    /// The elements of an array; `None` for anything else.
    fn elements(self) -> Option<impl Iterator<Item = Self>>;
    /// Whether the two are equal, as `Value`'s `==` has it (`1` is not `1.0`).
    fn equals(self, other: Self) -> bool;
    /// The value as a [`Value`], to report.
    fn value(self) -> Cow<'a, Value>;

    /// The value at a JSON pointer, as [`Pointer::at`] finds it.
    fn find(self, pointer: &str) -> Option<Self> {
        let mut target = self;
        for token in tokens(pointer)? {
            target = match target.get(&token) {
                Some(found) => found,
                None => target.item(index(&token)?)?,
            };
        }
        Some(target)
    }
}

impl<'a> Tree<'a> for &'a Value {
    fn get(self, key: &str) -> Option<Self> {
        self.as_object()?.get(key)
    }

    fn item(self, index: usize) -> Option<Self> {
        self.as_array()?.get(index)
    }

    fn as_str(self) -> Option<&'a str> {
        Value::as_str(self)
    }

    fn is_null(self) -> bool {
        Value::is_null(self)
    }

    fn elements(self) -> Option<impl Iterator<Item = Self>> {
        self.as_array().map(|items| items.iter())
    }

    fn equals(self, other: Self) -> bool {
        self == other
    }

    fn value(self) -> Cow<'a, Value> {
        Cow::Borrowed(self)
    }

    fn find(self, pointer: &str) -> Option<Self> {
        self.at(pointer)
    }
}

/// The unescaped reference tokens of a pointer; `None` when it is neither empty nor starts
/// with `/`.
pub(crate) fn tokens(pointer: &str) -> Option<Tokens<'_>> {
    let rest = match pointer {
        "" => None,
        p => Some(p.strip_prefix('/')?),
    };
    Some(Tokens { rest })
}

/// The tokens of a pointer, split and unescaped byte by byte: `/` and `~` are ASCII, and a token
/// is a few bytes long, shorter than what sets a character search up.
pub(crate) struct Tokens<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Cow<'a, str>;

    fn next(&mut self) -> Option<Cow<'a, str>> {
        let rest = self.rest?;
        let (token, after) = match rest.bytes().position(|b| b == b'/') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        self.rest = after;
        Some(if token.as_bytes().contains(&b'~') {
            Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(token)
        })
    }
}

/// The value at `pointer`, as [`Tree::find`] finds it, where the object or array that holds it
/// may be the one found for the pointer before (`last`, kept from call to call): pointers one
/// after another under one parent (most fields of a kind) find that parent once.
pub(crate) fn find_after<'a, 'p, T: Tree<'a>>(
    root: T,
    pointer: &'p str,
    last: &mut Option<(&'p str, Option<T>)>,
) -> Option<T> {
    // Byte by byte, as `Tokens` splits: the parts are a few bytes long.
    let split = pointer.bytes().rposition(|b| b == b'/').map(|i| (&pointer[..i], &pointer[i + 1..]));
    let Some((up, token)) = split.filter(|(_, token)| !token.as_bytes().contains(&b'~')) else {
        return root.find(pointer);
    };
    let parent = match *last {
        Some((before, place)) if before == up => place,
        _ => {
            let place = root.find(up);
            *last = Some((up, place));
            place
        }
    }?;
    parent.get(token).or_else(|| parent.item(index(token)?))
}

/// An array index as a pointer spells it: digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "a": {"b": [10, {"c": true}], "": "empty key"},
            "x/y": 1,
            "m~n": 2,
            "~1": 3,
            "0": "zero key",
            "list": ["first", "second"],
        })
    }

    #[test]
    fn resolves_as_serde_json_does() {
        let doc = doc();
        let pointers = [
            "",
            "/",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/b/2",
            "/a/b/-",
            "/a/b/01",
            "/a/b/+1",
            "/a/",
            "/x~1y",
            "/m~0n",
            "/~01",
            "/~1",
            "/0",
            "/list/1",
            "/list/1/x",
            "a",
            "/missing",
            "/a/b/1/c/d",
            "/list/18446744073709551616",
        ];
        for p in pointers {
            assert_eq!(doc.at(p), doc.pointer(p), "{p:?}");
        }
    }

    #[test]
    fn a_value_found_can_be_changed() {
        let mut doc = doc();
        *doc.at_mut("/a/b/1/c").expect("present") = json!(false);
        assert_eq!(doc.pointer("/a/b/1/c"), Some(&json!(false)));
        assert!(doc.at_mut("/a/b/9").is_none());
        assert!(doc.at_mut("no slash").is_none());
    }

    proptest! {
        #[test]
        fn pointers_one_after_another_resolve_as_each_alone(
            list in proptest::collection::vec(proptest::collection::vec("[a-c0-2~/+-]{0,3}|list|a|b", 0..4), 0..8),
        ) {
            let doc = doc();
            let pointers: Vec<String> =
                list.iter().map(|tokens| tokens.iter().map(|t| format!("/{t}")).collect()).collect();
            let mut last = None;
            for p in &pointers {
                prop_assert_eq!(find_after(&doc, p, &mut last), doc.pointer(p), "{:?}", p);
            }
        }

        #[test]
        fn any_pointer_resolves_as_serde_json_does(tokens in proptest::collection::vec("[a-c0-2~/+-]{0,3}", 0..4)) {
            let doc = doc();
            let p: String = tokens.iter().map(|t| format!("/{t}")).collect();
            prop_assert_eq!(doc.at(&p), doc.pointer(&p));
        }
    }
}
