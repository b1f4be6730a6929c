//! Hidden data where a channel can read it. eva shows `hiddenContext` only to itself and its
//! webhooks (sensitive data lives there); `openContext` and `visibleContext` are readable by
//! channels, and a transactional answer's content and `technicalText` go to the user's channel.
//! A value held in the request's or the answer's `hiddenContext`, at any depth, that the answer
//! puts in one of those readable places (as a value, or inside a longer string) is a leak, unless
//! the request already had it where a channel could read it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;

use serde_json::Value;

use super::{HIDDEN, READABLE, ptr};
use crate::finding::{Finding, join};
use crate::json::Pointer;

/// The fewest characters a string must have to be compared; shorter ones (`yes`, `Ana`) cannot
/// tell anyone apart.
const MIN_STRING: usize = 6;
/// The fewest digits a number must have to be compared (`1`, `42`, `250` are counts).
const MIN_DIGITS: usize = 4;

/// A value to protect: where it is held, and its text as it would show in a longer string.
struct Held<'a> {
    /// `hiddenContext.clientInfo.document`, or `the answer's hiddenContext.doc`.
    source: String,
    value: &'a Value,
    /// The string itself (not a copy of it), or the number as it is written.
    text: Cow<'a, str>,
}

/// Whether a value could tell someone apart, and so is worth looking for: numbers of
/// [`MIN_DIGITS`] digits or more, and strings of [`MIN_STRING`] characters or more that are not a
/// plain lowercase word (they hold a capital, a digit, a space or a sign: `John Doe`,
/// `87237236722`, `ana@example.com`). Booleans, null, small numbers, short strings and plain
/// words (`premium`, `active`) are not compared.
fn telling(v: &Value) -> bool {
    match v {
        Value::String(s) => s.chars().count() >= MIN_STRING && !s.chars().all(|c| c.is_lowercase()),
        Value::Number(n) => n.to_string().chars().filter(char::is_ascii_digit).count() >= MIN_DIGITS,
        _ => false,
    }
}

/// Every telling leaf under `v`, with its dotted path from `prefix`.
fn leaves<'a>(v: &'a Value, prefix: &str, out: &mut Vec<Held<'a>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                leaves(child, &format!("{prefix}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                leaves(child, &format!("{prefix}[{i}]"), out);
            }
        }
        leaf if telling(leaf) => {
            let text = leaf.as_str().map_or_else(|| Cow::Owned(leaf.to_string()), Cow::Borrowed);
            out.push(Held { source: prefix.to_string(), value: leaf, text });
        }
        _ => {}
    }
}

/// The held values, searched for all at once: every string of a document is read once, whatever
/// the number of values held (an answer's contexts can hold thousands of each).
struct Search<'h> {
    held: &'h [Held<'h>],
    /// One pattern per distinct text; each stands for the values held with that text.
    texts: AhoCorasick,
    holders: Vec<Vec<usize>>,
    /// The numbers held, by how they are written: a number shows only as an equal number.
    numbers: HashMap<&'h str, Vec<usize>>,
}

impl<'h> Search<'h> {
    fn new(held: &'h [Held<'h>]) -> Search<'h> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut holders: Vec<Vec<usize>> = Vec::new();
        let mut numbers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, h) in held.iter().enumerate() {
            let slot = *index.entry(h.text.as_ref()).or_insert_with(|| {
                holders.push(Vec::new());
                holders.len() - 1
            });
            holders[slot].push(i);
            if h.value.is_number() {
                numbers.entry(h.text.as_ref()).or_default().push(i);
            }
        }
        let mut patterns = vec![""; holders.len()];
        for (text, slot) in index {
            patterns[slot] = text;
        }
        let texts = AhoCorasick::new(patterns).expect("patterns of a few hundred bytes each at most");
        Search { held, texts, holders, numbers }
    }

    /// The held values (indices) that show in the leaf `v`: an equal number, or a text standing
    /// in a string as a whole, not run into a letter or a digit on either side (`6722` is not in
    /// `87237236722`, `Ana` is not in `Banana`).
    fn in_leaf(&self, v: &Value, out: &mut Vec<usize>) {
        match v {
            Value::String(s) => {
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                for m in self.texts.find_overlapping_iter(s.as_str()) {
                    if !word(s[..m.start()].chars().next_back()) && !word(s[m.end()..].chars().next()) {
                        out.extend(&self.holders[m.pattern().as_usize()]);
                    }
                }
            }
            Value::Number(n) => {
                let text = n.to_string();
                let equal = self.numbers.get(text.as_str()).into_iter().flatten();
                out.extend(equal.filter(|&&i| self.held[i].value == v));
            }
            _ => {}
        }
    }

    /// Each leaf of `v` (at any depth), with its pointer from `at`, and the held values in it.
    fn leaves(&self, v: &Value, at: &str, each: &mut dyn FnMut(String, &[usize])) {
        match v {
            Value::Object(map) => map.iter().for_each(|(k, child)| self.leaves(child, &join(at, k), each)),
            Value::Array(items) => {
                items.iter().enumerate().for_each(|(i, child)| self.leaves(child, &format!("{at}/{i}"), each))
            }
            leaf => {
                let mut found = Vec::new();
                self.in_leaf(leaf, &mut found);
                if !found.is_empty() {
                    each(at.to_string(), &found);
                }
            }
        }
    }
}

/// What a channel can read of a document: its readable contexts, and for a transactional answer
/// its content and `technicalText`.
fn readable(doc: &Value) -> Vec<(String, &Value)> {
    let mut out: Vec<(String, &Value)> =
        READABLE.iter().filter_map(|name| doc.get(*name).map(|v| (format!("/{name}"), v))).collect();
    for pointer in [ptr::ANSWER_CONTENT, ptr::TECHNICAL_TEXT] {
        if let Some(v) = doc.at(pointer) {
            out.push((pointer.to_string(), v));
        }
    }
    out
}

/// The leak warnings of an answer given its request. Each names where the value was found and
/// where it was held; the value itself is in `found`, redacted unless `show_secrets`.
pub fn leak_rule(doc: &Value, request: &Value, show_secrets: bool, warnings: &mut Vec<Finding>) {
    let mut held = Vec::new();
    if let Some(hidden) = request.get(HIDDEN) {
        leaves(hidden, HIDDEN, &mut held);
    }
    if let Some(hidden) = doc.get(HIDDEN) {
        let mut more = Vec::new();
        leaves(hidden, &format!("the answer's {HIDDEN}"), &mut more);
        // Values already held, told apart as `==` tells them (a string from a number by its
        // type; numbers by how they are written, as `1` is not `1.0`): looked up, not compared
        // with each in turn, since an answer echoes the request's hidden values.
        let seen: HashSet<(bool, &str)> =
            held.iter().map(|h| (h.value.is_string(), h.text.as_ref())).collect();
        more.retain(|m| !seen.contains(&(m.value.is_string(), m.text.as_ref())));
        held.extend(more);
    }
    // What a channel could already read in the request is no secret of the answer's.
    let search = Search::new(&held);
    let mut known = vec![false; held.len()];
    let mark = &mut |_: String, found: &[usize]| found.iter().for_each(|&i| known[i] = true);
    for (at, v) in readable(request).into_iter().chain(request.at(ptr::TEXT).map(|v| (String::new(), v))) {
        search.leaves(v, &at, mark);
    }
    // Each place read is said once, of the first value held (in order) that shows there.
    let mut hits: Vec<(usize, usize, String)> = Vec::new();
    for (at, v) in readable(doc) {
        search.leaves(v, &at, &mut |pointer, found| {
            if let Some(&first) = found.iter().filter(|&&i| !known[i]).min() {
                hits.push((first, hits.len(), pointer));
            }
        });
    }
    hits.sort();
    for (i, _, pointer) in hits {
        let h = &held[i];
        let mut finding = Finding::new(
            &pointer,
            format!(
                "← {}: hidden data where a channel can read it (hiddenContext holds the sensitive kind)",
                h.source
            ),
        );
        finding.found = Some(match show_secrets {
            true => crate::finding::snippet(h.value),
            false => crate::http::REDACTED.to_string(),
        });
        warnings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// (where found, the message) of each leak warning.
    fn leaks(request: &Value, answer: &Value) -> Vec<(String, String)> {
        let mut warnings = Vec::new();
        leak_rule(answer, request, false, &mut warnings);
        warnings.into_iter().map(|w| (w.pointer, w.message)).collect()
    }

    fn pointers(request: &Value, answer: &Value) -> Vec<String> {
        leaks(request, answer).into_iter().map(|(p, _)| p).collect()
    }

    const CLIENT: &str = "87237236722";

    fn request() -> Value {
        json!({
            "text": "my name is Ana Lima",
            "openContext": {"plan": "Gold-Plus 2"},
            "visibleContext": {},
            "hiddenContext": {"clientInfo": {"document": CLIENT, "name": "Ana Lima", "id": 67221, "vip": true, "segment": "premium", "visits": 42}},
        })
    }

    #[test]
    fn a_hidden_value_at_any_depth_is_a_leak_wherever_a_channel_can_read_it() {
        let answer = json!({
            "visibleContext": {"client": {"document": CLIENT}},
            "openContext": {"note": format!("client {CLIENT} called"), "ids": [1, 67221]},
            "answer": {"content": {"content": format!("Your document {CLIENT} is on file"), "type": "TEXT"}, "technicalText": {"doc": CLIENT}},
        });
        let mut found = pointers(&request(), &answer);
        found.sort();
        assert_eq!(
            found,
            [
                "/answer/content/content",
                "/answer/technicalText/doc",
                "/openContext/ids/1",
                "/openContext/note",
                "/visibleContext/client/document",
            ]
        );
        let all = leaks(&request(), &answer);
        let said = |at: &str| all.iter().find(|(p, _)| p == at).map(|(_, m)| m.clone()).unwrap();
        let message = said("/visibleContext/client/document");
        assert!(message.starts_with("← hiddenContext.clientInfo.document: "), "{message}");
        let message = said("/openContext/ids/1");
        assert!(message.starts_with("← hiddenContext.clientInfo.id: "), "{message}");
    }

    #[test]
    fn a_value_the_answer_itself_hides_and_shows_is_a_leak() {
        let answer = json!({"hiddenContext": {"doc": "XK-778812"}, "visibleContext": {"doc": "XK-778812"}});
        let found = leaks(&json!({}), &answer);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.starts_with("← the answer's hiddenContext.doc: "), "{found:?}");
    }

    #[test]
    fn harmless_answers_stay_silent() {
        let request = request();
        for answer in [
            // Open copied into hidden, and everything echoed.
            json!({"openContext": request["openContext"], "hiddenContext": {"plan": "Gold-Plus 2", "clientInfo": request["hiddenContext"]["clientInfo"]}}),
            // A value the request already let a channel read: the name is in its text.
            json!({"visibleContext": {"greeting": "Hello Ana Lima"}}),
            // A common word, a small count, a boolean.
            json!({"visibleContext": {"segment": "premium", "visits": 42, "vip": true}}),
        ] {
            assert!(leaks(&request, &answer).is_empty(), "{answer}");
        }
    }

    #[test]
    fn a_value_inside_a_string_counts_only_as_a_whole() {
        let request = json!({"hiddenContext": {"id": 6722}});
        let seen = |note: &str| pointers(&request, &json!({"visibleContext": {"note": note}}));
        assert_eq!(seen("your id is 6722."), ["/visibleContext/note"]);
        assert_eq!(seen("6722"), ["/visibleContext/note"]);
        assert!(seen("document 87237236722").is_empty(), "run into other digits");
        assert!(seen("A6722B").is_empty());
    }

    #[test]
    fn the_value_is_redacted_unless_secrets_are_shown() {
        let answer = json!({"visibleContext": {"d": CLIENT}});
        for (show, found) in [(false, "<redacted>"), (true, "\"87237236722\"")] {
            let mut warnings = Vec::new();
            leak_rule(&answer, &request(), show, &mut warnings);
            assert_eq!(warnings[0].found.as_deref(), Some(found));
        }
    }

    #[test]
    fn only_values_that_can_tell_someone_apart_are_compared() {
        for (v, is) in [
            (json!("Ana Lima"), true),
            (json!("87237236722"), true),
            (json!("ana@example.com"), true),
            (json!("premium"), false),
            (json!("Ana"), false),
            (json!("ÄÖÜßxy"), true),
            (json!(""), false),
            (json!(1234), true),
            (json!(123), false),
            (json!(-1234), true),
            (json!(1.5), false),
            (json!(true), false),
            (json!(null), false),
        ] {
            assert_eq!(telling(&v), is, "{v}");
        }
    }
}
