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

/// A webhook on 127.0.0.1 that answers its `fail`-th request (0-based) 500 with `X-Why: db down`
/// and `body`, and every other one 200 `{}`. Its url (the server serves until the test ends).
fn failing_at(fail: usize, body: &'static str) -> String {
    Server::start(move |n, _| match n == fail {
        true => Reply::raw(500, body).header("x-why", "db down"),
        false => Reply::raw(200, "{}").header("x-why", "fine"),
    })
    .url()
}

/// The curl command of the first failed step of `out`, as it would be pasted (its indent gone).
fn curl_lines(out: &str) -> Vec<&str> {
    let start = out.lines().position(|l| l.starts_with("      curl -X POST ")).expect("a curl line");
    out.lines()
        .skip(start)
        .take_while(|l| l.ends_with('\\') || l.contains("--data"))
        .map(|l| l.strip_prefix("      ").unwrap())
        .collect()
}

#[test]
fn a_failed_scenario_step_shows_what_was_sent_where_and_what_came_back() {
    let lifecycle = ["scenario", "handoff-lifecycle", "-H", "Authorization: Bearer xyz", "--url"];
    let url = failing_at(1, r#"{"error":"boom"}"#);
    let (code, out, err) = run(hookctl().args(lifecycle).arg(&url));
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let at = lines.iter().position(|l| *l == "  ✗ step 2 handoff-create: status: expected 2xx, found 500");
    let explained = &lines[at.unwrap_or_else(|| panic!("{out}"))..];
    assert_eq!(explained[1], format!("    → POST {url}"), "{out}");
    let line_of = |start: &str| *explained.iter().find(|l| l.trim_start().starts_with(start)).unwrap();
    assert_eq!(
        line_of("authorization").split_whitespace().collect::<Vec<_>>(),
        ["authorization", "<redacted>"]
    );
    assert!(line_of("user-agent").ends_with("axios/0.21.4"), "{out}");
    assert!(explained.contains(&"    ← 500 Internal Server Error"), "{out}");
    assert!(line_of("x-why").ends_with("db down"), "the answer's headers: {out}");
    assert!(explained.contains(&"        \"error\": \"boom\""), "the answer's body: {out}");
    let curl = curl_lines(&out).join("\n");
    assert!(curl.starts_with(&format!("curl -X POST {url} \\")), "{curl}");
    assert!(curl.contains("-H 'authorization: <redacted>'"), "{curl}");
    assert!(curl.contains(r#"--data-raw '{"botId":"#) && curl.contains(r#""type":"create""#), "{curl}");
    assert!(!out.contains("xyz"), "the token is not shown: {out}");
    assert_eq!(out.matches("curl -X POST").count(), 1, "only the failed step: {out}");
    assert!(out.ends_with("3/4 steps passed\n"), "{out}");

    // --show-secrets shows the token, in the headers and the curl command.
    let url = failing_at(1, r#"{"error":"boom"}"#);
    let (_, out, _) = run(hookctl().args(lifecycle).arg(&url).arg("--show-secrets"));
    assert!(out.lines().any(|l| l.trim_start().starts_with("authorization") && l.ends_with("Bearer xyz")));
    assert!(curl_lines(&out).contains(&"  -H 'authorization: Bearer xyz' \\"), "{out}");

    // -q: the failure, then where it went and what came back, on one line.
    let url = failing_at(1, r#"{"error":"boom"}"#);
    let (_, out, _) = run(hookctl().args(lifecycle).arg(&url).arg("-q"));
    assert_eq!(
        out,
        format!(
            "  ✗ step 2 handoff-create: status: expected 2xx, found 500\n    POST {url} → 500 Internal Server Error\n3/4 steps passed\n"
        )
    );

    // JSON: the failed step alone has its curl command.
    let url = failing_at(1, r#"{"error":"boom"}"#);
    let (_, out, _) = run(hookctl().args(lifecycle).arg(&url).args(["-o", "json"]));
    let report: Value = serde_json::from_str(&out).unwrap();
    let curls: Vec<Option<&str>> =
        report["steps"].as_array().unwrap().iter().map(|s| s["curl"].as_str()).collect();
    assert!(curls[0].is_none() && curls[2].is_none() && curls[3].is_none(), "{curls:?}");
    let curl = curls[1].unwrap();
    assert!(curl.starts_with(&format!("curl -X POST {url} \\\n")), "{curl}");
    assert!(curl.contains("-H 'authorization: <redacted>'") && !curl.contains("xyz"), "{curl}");
}

#[test]
fn a_long_answer_is_cut_and_a_step_not_delivered_says_why() {
    let long: &'static str = Box::leak("x".repeat(5000).into_boxed_str());
    let url = failing_at(0, long);
    let (code, out, _) = run(hookctl().args(["scenario", "handoff-lifecycle-expire", "--url", &url]));
    assert_eq!(code, 1);
    let shown = format!("      {}… (2952 more bytes)", "x".repeat(2048));
    assert!(out.lines().any(|l| l == shown), "{out}");

    let url = format!("http://127.0.0.1:{}/hook", common::closed_port());
    let (code, out, err) = run(hookctl().args(["scenario", "handoff-lifecycle-expire", "--url", &url]));
    assert_eq!(code, 3);
    assert!(out.contains("  ✗ step 2 handoff-expire: not delivered: connection refused"), "{out}");
    assert!(out.contains(&format!("    → POST {url}\n")), "{out}");
    assert!(out.contains("    ← not delivered\n"), "{out}");
    assert_eq!(out.matches("curl -X POST").count(), 2, "{out}");
    assert!(err.contains("error: step 2 handoff-expire: connection refused"), "{err}");
}

#[test]
fn a_failed_replayed_request_shows_what_was_sent_where_and_what_came_back() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("cap.jsonl");
    let listener = common::Listener::start(&["--save", capture.to_str().unwrap()]);
    for event in ["agent-online", "handoff-create"] {
        let (code, _, err) = run(hookctl().args(["send", event, "--url", &listener.url]));
        assert_eq!(code, 0, "{err}");
    }
    listener.stop();
    let replay = |url: &str, more: &[&str]| {
        run(hookctl()
            .arg("replay")
            .arg(&capture)
            .args(["-H", "Authorization: Bearer xyz", "--url", url])
            .args(more))
    };
    let url = failing_at(1, "database unavailable");
    let (code, out, err) = replay(&url, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("  ✗ step 2 #2 botpress-event: status: expected 2xx, found 500\n"), "{out}");
    assert!(out.contains(&format!("    → POST {url}\n")), "{out}");
    assert!(out.contains("    ← 500 Internal Server Error\n"), "{out}");
    assert!(out.lines().any(|l| l.trim_start().starts_with("x-why") && l.ends_with("db down")), "{out}");
    assert!(out.contains("\n      database unavailable\n"), "{out}");
    let curl = curl_lines(&out).join("\n");
    assert!(curl.starts_with(&format!("curl -X POST {url} \\")), "{curl}");
    assert!(curl.contains("-H 'authorization: <redacted>'") && !out.contains("xyz"), "{out}");
    assert!(curl.contains(r#""type":"create""#), "the captured body: {curl}");

    let url = failing_at(1, "database unavailable");
    let (_, out, _) = replay(&url, &["--show-secrets"]);
    assert!(curl_lines(&out).contains(&"  -H 'authorization: Bearer xyz' \\"), "{out}");

    let url = failing_at(1, "database unavailable");
    let (_, out, _) = replay(&url, &["-q"]);
    assert!(out.contains(&format!("\n    POST {url} → 500 Internal Server Error\n")), "{out}");

    let url = failing_at(1, "database unavailable");
    let (_, out, _) = replay(&url, &["-o", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(report["steps"][0].get("curl").is_none(), "{out}");
    let curl = report["steps"][1]["curl"].as_str().unwrap();
    assert!(curl.starts_with(&format!("curl -X POST {url} \\\n")) && curl.contains("<redacted>"), "{curl}");
}
