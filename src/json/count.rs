//! How many values a JSON text holds, told without parsing it: what a tree of it would cost is
//! about proportional to that, whatever the text's length.

/// An upper bound on the values and keys a JSON text holds: one, and one more for each `[`, `{`,
/// `,` and `:` outside its strings (each value or key but the first follows one of those). A text
/// that is not JSON gets a count too; it says nothing of what parsing it would say.
pub fn values(text: &[u8]) -> usize {
    let mut n = 1;
    let mut at = 0;
    while let Some(&b) = text.get(at) {
        match b {
            b'"' => at = string_end(text, at + 1),
            b'[' | b'{' | b',' | b':' => {
                n += 1;
                at += 1;
            }
            _ => at += 1,
        }
    }
    n
}

/// Where a string whose first byte (after its opening quote) is at `from` ends, past its closing
/// quote (or the text's end, when it is not closed).
fn string_end(text: &[u8], mut from: usize) -> usize {
    while let Some(i) = memchr::memchr2(b'"', b'\\', &text[from.min(text.len())..]) {
        let at = from + i;
        if text[at] == b'"' {
            return at + 1;
        }
        from = at + 2;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values and keys, counted in a parsed tree.
    fn in_tree(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Array(a) => 1 + a.iter().map(in_tree).sum::<usize>(),
            serde_json::Value::Object(o) => 1 + o.values().map(|v| 1 + in_tree(v)).sum::<usize>(),
            _ => 1,
        }
    }

    #[test]
    fn the_count_is_the_tree_s_values_and_keys_outside_strings() {
        for text in [
            "1",
            "[1,2,3]",
            r#"{"a":1,"b":[true,null,"x"]}"#,
            r#"{"a,b:c":"[{,:}]","q\"[,":"\\","e":"\\\",["}"#,
            r#"[{"a":[1,[2,{"b":3}]]},"x",-1.5e3]"#,
        ] {
            let tree: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(values(text.as_bytes()), in_tree(&tree), "{text}");
        }
    }

    #[test]
    fn an_empty_container_counts_once_more_than_it_holds_and_no_more() {
        // Never under the tree's count: an empty container is counted as one more value.
        for text in ["[]", "{}", "[[],{}]", r#"{"a":{}}"#] {
            let tree: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(values(text.as_bytes()) >= in_tree(&tree), "{text}");
            assert!(values(text.as_bytes()) <= 2 * in_tree(&tree), "{text}");
        }
    }

    #[test]
    fn a_string_not_closed_ends_the_count() {
        assert_eq!(values(br#"["a,b"#), 2);
        assert_eq!(values(br#"["a\"#), 2);
    }
}
