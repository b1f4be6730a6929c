//! `hookctl scenario` and `hookctl replay` reports, run as the real binary against real servers on
//! 127.0.0.1:0: the step numbers, and what a failed step shows.

mod common;

use common::{Reply, Server, hookctl, run};
use serde_json::{Value, json};

/// The rows a note names: `steps 13-14, 15-16 handoff-tags: ...` is 13 to 16.
fn note_rows(note: &str, event: &str) -> Vec<usize> {
    let list = note
        .strip_prefix("steps ")
        .and_then(|rest| rest.split_once(&format!(" {event}: ")))
        .unwrap_or_else(|| panic!("no rows for {event} in: {note}"))
        .0;
    let mut rows = Vec::new();
    for run in list.split(", ") {
        let (a, b) = run.split_once('-').unwrap_or((run, run));
        rows.extend(a.parse::<usize>().unwrap()..=b.parse::<usize>().unwrap());
    }
    rows
}

/// The numbers of the table's rows that deliver `event`.
fn table_rows(out: &str, event: &str) -> Vec<usize> {
    out.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let n = words.next()?.parse::<usize>().ok()?;
            (words.next()? == event).then_some(n)
        })
        .collect()
}

/// A webhook that fails the 13th and 14th requests it gets, and accepts the others.
fn failing_13_and_14() -> Server {
    Server::start(|n, _| if n == 12 || n == 13 { Reply::raw(500, "no") } else { Reply::json(200, json!({})) })
}

#[test]
fn the_note_of_a_tag_edit_names_the_rows_the_report_shows_shuffled_and_duplicated() {
    // Seed 1 moves the tag edit (the story's step 4) to the end: 7-8, or 13-16 duplicated.
    let shuffled = ["scenario", "handoff-full", "--shuffle", "--seed", "1"];
    let server = failing_13_and_14();
    let (code, out, err) =
        run(hookctl().args(shuffled).args(["--duplicate", "-o", "json", "--url", &server.url()]));
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let steps = report["steps"].as_array().unwrap();
    let rows_of = |pick: &dyn Fn(&Value) -> bool| -> Vec<usize> {
        steps.iter().enumerate().filter(|(_, s)| pick(s)).map(|(i, _)| i + 1).collect()
    };
    let tags = rows_of(&|s| s["event"] == "handoff-tags");
    let note = report["notes"][0].as_str().unwrap();
    assert_eq!(note_rows(note, "handoff-tags"), tags, "{note}");
    assert!(!tags.contains(&4), "the seed moves the tag edit from its place in the story: {tags:?}");
    assert!(note.contains(": delivered twice at once, each time: Botpress sends tag edits twice"), "{note}");
    assert_eq!(rows_of(&|s| s["passed"] == false), [13, 14]);

    // Text: the note on stderr, the table's rows, the failures and the -v headings agree.
    let server = failing_13_and_14();
    let (code, out, err) = run(hookctl().args(shuffled).args(["--duplicate", "-v", "--url", &server.url()]));
    assert_eq!(code, 1, "{err}");
    let note = err.lines().find_map(|l| l.strip_prefix("note: steps ")).expect("the note");
    let rows = note_rows(&format!("steps {note}"), "handoff-tags");
    assert_eq!(table_rows(&out, "handoff-tags"), rows, "{out}");
    for n in &rows {
        assert!(out.lines().any(|l| l == format!("step {n} handoff-tags")), "-v heading {n}: {out}");
    }
    for n in [13, 14] {
        let failed = format!("  ✗ step {n} handoff-tags: status: expected 2xx, found 500");
        assert!(out.lines().any(|l| l == failed), "{failed}\n{out}");
    }

    // Shuffled once each: the pair alone.
    let server = Server::ok();
    let (code, out, err) = run(hookctl().args(shuffled).args(["--url", &server.url()]));
    assert_eq!(code, 0, "{err}");
    let note = err.lines().find_map(|l| l.strip_prefix("note: ")).expect("the note");
    assert!(note.starts_with("steps 7-8 handoff-tags: delivered twice at once: Botpress"), "{note}");
    assert_eq!(table_rows(&out, "handoff-tags"), [7, 8], "{out}");
}
