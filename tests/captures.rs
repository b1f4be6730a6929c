//! Captures as data: `validate` judges each line of a `listen --save` capture, and `init --from`
//! turns one into a suite that runs green against the server that produced it. Real captures,
//! made by the real binary listening on loopback.

mod common;

use std::path::Path;

use common::{Listener, Server, hookctl, post_raw, run};
use serde::Deserialize;
use serde_json::Value;

/// Send each command line (hookctl arguments, `{url}` the listener's) and expect its exit code.
fn feed(listener: &Listener, lines: &[(&[&str], i32)]) {
    for (args, want) in lines {
        let args: Vec<String> = args.iter().map(|a| a.replace("{url}", &listener.url)).collect();
        let (code, out, err) = run(hookctl().args(&args));
        assert_eq!(code, *want, "{args:?}\n{out}{err}");
    }
}

fn capture_of(dir: &Path, listen: &[&str], lines: &[(&[&str], i32)]) -> std::path::PathBuf {
    let path = dir.join("captures.jsonl");
    let mut args = vec!["--save", path.to_str().unwrap()];
    args.extend_from_slice(listen);
    let listener = Listener::start(&args);
    feed(&listener, lines);
    listener.stop();
    path
}

#[test]
fn validate_judges_each_line_of_a_capture_as_its_own_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("captures.jsonl");
    let listener = Listener::start(&["--save", path.to_str().unwrap()]);
    feed(
        &listener,
        &[
            (&["send", "handoff-create", "--url", "{url}"], 0),
            // Sent invalid on purpose: the listener keeps it as it came.
            (&["send", "handoff-assign", "--set", "payload.status=lost", "--url", "{url}"], 0),
            (&["send", "eva-service", "--url", "{url}"], 0),
        ],
    );
    assert_eq!(post_raw(&listener.addr, "/hook", b"not json"), 400);
    listener.stop();
    // A line no listener wrote, then one more good request.
    let mut text = std::fs::read_to_string(&path).unwrap();
    let first = text.lines().next().unwrap().to_string();
    text.push_str("{\"hello\": 1}\n\n");
    text.push_str(&first);
    text.push('\n');
    std::fs::write(&path, &text).unwrap();

    let (code, out, err) = run(hookctl().args(["validate", path.to_str().unwrap(), "-o", "json"]));
    assert_eq!(code, 2, "an unreadable line is an input error\n{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let files = report["files"].as_array().unwrap();
    let label = |n: usize| format!("{}:{n}", path.display());
    let sources: Vec<&str> = files.iter().map(|f| f["source"].as_str().unwrap()).collect();
    assert_eq!(sources, [label(1), label(2), label(3), label(4), label(5), label(7)]);
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["kind"], "botpress-event");
    assert_eq!(files[1]["valid"], false);
    assert_eq!(files[1]["errors"][0]["pointer"], "/payload/status");
    assert_eq!(files[2]["kind"], "eva-service-request");
    assert_eq!(files[2]["valid"], true);
    assert!(files[3]["error"].as_str().unwrap().starts_with(&format!("{}: not valid JSON", label(4))));
    assert!(
        files[4]["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}: not a capture record written by 'listen --save'", label(5))),
        "{}",
        files[4]
    );
    assert_eq!(files[5]["valid"], true, "the lines after a bad one are still judged");
    let s = &report["summary"];
    assert_eq!(
        (s["files"].as_u64(), s["valid"].as_u64(), s["invalid"].as_u64(), s["unreadable"].as_u64()),
        (Some(6), Some(3), Some(1), Some(2))
    );
    // On stderr, one line each, naming the file and the line.
    assert!(
        err.lines().any(|l| l.starts_with(&format!("error: {}: not a capture record", label(5)))),
        "{err}"
    );

    // In text, each document is on its line, as any file is.
    let (_, out, _) = run(hookctl().args(["validate", path.to_str().unwrap()]));
    assert!(out.contains(&format!("{}  botpress-event  invalid (1 error)", label(2))), "{out}");
    assert!(out.contains("6 documents checked: 3 valid, 1 invalid, 2 unreadable"), "{out}");

    // A directory's captures are read too, and so is a capture on standard input.
    let (code, out, _) = run(hookctl().args(["validate", dir.path().to_str().unwrap(), "-o", "json"]));
    assert_eq!(code, 2);
    let from_dir: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(from_dir["summary"]["files"], 6);
    let good: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    let (code, out, err) = run(hookctl().args(["validate", "-", "-o", "json"]).write_stdin(good));
    assert_eq!(code, 1, "{out}{err}");
    let piped: Value = serde_json::from_str(&out).unwrap();
    let sources: Vec<&str> =
        piped["files"].as_array().unwrap().iter().map(|f| f["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["<stdin>:1", "<stdin>:2", "<stdin>:3"]);
}

#[test]
fn a_capture_with_nothing_in_it_or_too_large_a_line_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "\n\n").unwrap();
    let (code, _, err) = run(hookctl().args(["validate", empty.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}: no captured requests", empty.display())), "{err}");
    // Each record is held to --max-size, and the next line is still read.
    let path = capture_of(dir.path(), &[], &[(&["send", "agent-online", "--url", "{url}"], 0)]);
    let line = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{}\n{line}", " ".repeat(50).replace(' ', "x"))).unwrap();
    let (code, out, err) = run(hookctl().args(["validate", path.to_str().unwrap(), "--max-size", "40"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("{}:1: record too large: more than --max-size (40 bytes)", path.display())),
        "{err}"
    );
    assert!(err.contains(&format!("{}:2: record too large", path.display())), "{err}");
}

/// The cases of a test report, by name: whether each passed.
fn verdicts(report: &Value) -> Vec<(String, bool)> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c["passed"] == true))
        .collect()
}

#[test]
fn init_from_a_capture_makes_a_suite_that_runs_green_against_the_server_that_produced_it() {
    let dir = tempfile::tempdir().unwrap();
    let traffic: &[(&[&str], i32)] = &[
        (&["scenario", "handoff-full", "--url", "{url}"], 0),
        (&["send", "eva-service", "--expected-options", "CLIENT,NOT_CLIENT", "--url", "{url}"], 0),
        (&["send", "eva-answer", "--answer", "Hello [NAME]", "--url", "{url}"], 0),
    ];
    let path = dir.path().join("captures.jsonl");
    let listener = Listener::start(&["--save", path.to_str().unwrap(), "--respond-option", "NOT_CLIENT"]);
    feed(&listener, traffic);
    let suite = dir.path().join("regression.toml");
    let (code, _, err) =
        run(hookctl().args(["init", "--from", path.to_str().unwrap(), suite.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    // Eight Botpress deliveries (the tag edit twice, one case) and two eva requests.
    assert!(err.contains("9 cases from") && err.contains("(10 requests, 1 repeat collapsed)"), "{err}");
    let payloads = dir.path().join("regression-payloads");
    let mut files: Vec<String> = std::fs::read_dir(&payloads)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 9);
    assert_eq!(files[0], "001-botpress-event.json");
    assert_eq!(files[8], "009-eva-answer-request.json");
    // Each payload is a captured body, byte for byte once compact.
    let captured: Vec<Value> =
        std::fs::read_to_string(&path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let service: Value =
        serde_json::from_str(&std::fs::read_to_string(payloads.join(&files[7])).unwrap()).unwrap();
    assert_eq!(service.to_string(), common::captured_bodies(&std::fs::read_to_string(&path).unwrap())[8]);
    // A JSON body on one line is kept in its place in the line, as JSON.
    assert_eq!(captured[8]["body_json"], service);
    let text = std::fs::read_to_string(&suite).unwrap();
    assert!(
        text.contains("option = [\"NOT_CLIENT\"]        # the option the captured answer chose"),
        "{text}"
    );
    assert!(text.contains("payload = \"regression-payloads/001-botpress-event.json\""), "{text}");

    // Green against the listener that answered the capture...
    let (code, out, err) = run(hookctl()
        .args(["test", suite.to_str().unwrap(), "-o", "json"])
        .env("WEBHOOK_URL", &listener.url));
    listener.stop();
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["passed"], 9, "{report:#}");
    assert_eq!(report["summary"]["builtin_receiver"], 0);
    // ... and not against a webhook that chooses another option: the suite holds what was seen.
    let other = Listener::start(&[]);
    let (code, out, _) =
        run(hookctl().args(["test", suite.to_str().unwrap(), "-o", "json"]).env("WEBHOOK_URL", &other.url));
    assert_eq!(code, 1);
    let failed: Vec<String> = verdicts(&serde_json::from_str(&out).unwrap())
        .into_iter()
        .filter(|(_, p)| !p)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(failed, ["#9 eva-service-request: hi there! good morning"]);
}

#[test]
fn init_from_refuses_to_overwrite_and_needs_a_request_to_make_a_case_of() {
    let dir = tempfile::tempdir().unwrap();
    let path = capture_of(dir.path(), &[], &[(&["send", "agent-online", "--url", "{url}"], 0)]);
    let suite = dir.path().join("s.toml");
    let init = |more: &[&str]| {
        run(hookctl().args(["init", "--from", path.to_str().unwrap(), suite.to_str().unwrap()]).args(more))
    };
    assert_eq!(init(&[]).0, 0);
    let (code, _, err) = init(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{}: already exists (--force overwrites it)", suite.display())), "{err}");
    // The payload directory alone is taken too.
    std::fs::remove_file(&suite).unwrap();
    let (code, _, err) = init(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("s-payloads: already exists"), "{err}");
    assert_eq!(init(&["--force"]).0, 0);
    let text = std::fs::read_to_string(&suite).unwrap();
    assert!(text.contains("name = \"#1 agent update online\""), "{text}");

    // Nothing a platform sends: no suite, and why.
    let junk = dir.path().join("junk.jsonl");
    let line = std::fs::read_to_string(&path).unwrap();
    let mut record: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    record.as_object_mut().unwrap().remove("body_json");
    record["body"] = Value::from("{\"option\":\"A\"}");
    std::fs::write(&junk, format!("{record}\n")).unwrap();
    let (code, _, err) = run(hookctl().args([
        "init",
        "--from",
        junk.to_str().unwrap(),
        dir.path().join("j.toml").to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not something a platform sends: no case"), "{err}");
    assert!(err.contains("no request a platform sends"), "{err}");
    assert!(!dir.path().join("j.toml").exists());
    // A capture that is not one stops at its first bad line, naming it.
    std::fs::write(&junk, "{}\n").unwrap();
    let (code, _, err) = run(hookctl().args([
        "init",
        "--from",
        junk.to_str().unwrap(),
        dir.path().join("j.toml").to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:1: not a capture record", junk.display())), "{err}");
}

#[test]
fn validate_reports_requests_the_listener_refused_for_their_headers_as_refused_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("captures.jsonl");
    let listener =
        Listener::start(&["--save", path.to_str().unwrap(), "--require-header", "X-Webhook-Key=abc"]);
    let key = "X-Webhook-Key: abc";
    // Refused: an invalid event and a body that is not JSON, both without the header (answered 401).
    feed(&listener, &[(&["send", "handoff-assign", "--set", "payload.status=lost", "--url", "{url}"], 1)]);
    assert_eq!(post_raw(&listener.addr, "/hook", b"not json"), 401);
    // Let in: a valid event, and one sent invalid on purpose.
    feed(
        &listener,
        &[
            (&["send", "handoff-create", "-H", key, "--url", "{url}"], 0),
            (&["send", "handoff-assign", "--set", "payload.status=lost", "-H", key, "--url", "{url}"], 0),
        ],
    );
    listener.stop();
    let file = path.to_str().unwrap();
    let label = |n: usize| format!("{file}:{n}");

    let (code, out, err) = run(hookctl().args(["validate", file]));
    assert_eq!(code, 1, "the invalid request let in fails the run, the refused ones do not\n{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{}  refused (401: missing required header x-webhook-key)", label(1)));
    assert_eq!(lines[1], format!("{}  refused (401: missing required header x-webhook-key)", label(2)));
    assert_eq!(lines[2], format!("{}  botpress-event  valid", label(3)));
    assert!(lines[3].starts_with(&format!("{}  botpress-event  invalid", label(4))), "{out}");
    assert!(out.ends_with("4 documents checked: 1 valid, 1 invalid, 2 refused\n"), "{out}");
    assert_eq!(err, "", "a refused request is no input error");

    let (_, out, _) = run(hookctl().args(["validate", file, "-o", "json"]));
    let report: Value = serde_json::from_str(&out).unwrap();
    let refused = &report["files"][1];
    assert_eq!(refused["source"], label(2));
    assert_eq!(
        refused["refused"],
        serde_json::json!({"status": 401, "reason": "missing required header x-webhook-key"})
    );
    assert_eq!((refused.get("kind"), refused.get("valid"), refused.get("error")), (None, None, None));
    let s = &report["summary"];
    let counts = ["files", "valid", "invalid", "unreadable", "refused"].map(|k| s[k].as_u64().unwrap());
    assert_eq!(counts, [4, 1, 1, 0, 2], "{report:#}");

    // Refused requests alongside valid ones: exit 0, and -q shows none of them.
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, kept).unwrap();
    let (code, out, err) = run(hookctl().args(["validate", file]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("3 documents checked: 1 valid, 0 invalid, 2 refused\n"), "{out}");
    let (code, out, _) = run(hookctl().args(["validate", file, "-q"]));
    assert_eq!((code, out.as_str()), (0, "3 documents checked: 1 valid, 0 invalid, 2 refused\n"));
}

/// An eva service-cell request, compact, as the fixture is but with `text` (a JSON string, as it
/// stands in the body) as its text and `hidden` (JSON text) as its hiddenContext.
fn service_request(text: &str, hidden: &str) -> String {
    let fixture = std::fs::read_to_string(common::fixture_path("fixtures/events/eva-service.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&fixture).unwrap();
    doc["text"] = Value::from("@TEXT@");
    doc["hiddenContext"] = Value::from("@HIDDEN@");
    doc.to_string().replace("\"@TEXT@\"", text).replace("\"@HIDDEN@\"", hidden)
}

/// A server that answers each eva service-cell request with its first option and its contexts
/// as they came, as a correct webhook does.
fn service_webhook() -> common::Server {
    common::Server::start(|_, req| {
        let mut answer = serde_json::json!({ "option": req["expectedOptions"][0] });
        for context in ["openContext", "visibleContext", "hiddenContext"] {
            answer[context] = req[context].clone();
        }
        common::Reply::json(200, answer)
    })
}

#[test]
fn whatever_listen_accepts_reads_back_in_replay_init_and_validate_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("captures.jsonl");
    let file = path.to_str().unwrap();
    // As deep as listen reads a body (127 levels, serde_json's limit): the verdict's copy of the
    // hidden context puts the line past that limit.
    let deep = format!("{}1{}", r#"{"a":"#.repeat(126), "}".repeat(126));
    let deepest = service_request("\"deep\"", &deep);
    // As large as listen takes a body (--max-body, 1 MiB by default), dense with escapes.
    let max_body = 1024 * 1024;
    let room = max_body - service_request("\"\"", "{}").len();
    let chunk = r#"\u0001\"\\\n\t\u2028\ud83d\ude00 é "#;
    let mut text = chunk.repeat(room / chunk.len());
    text.push_str(&"x".repeat(room - text.len()));
    let largest = service_request(&format!("\"{text}\""), "{}");
    assert_eq!(largest.len(), max_body);
    // Odd Unicode, escaped and not: NUL, the line and paragraph separators, a character outside the
    // BMP both ways.
    let odd = service_request(
        "\"nul \\u0000 ls \\u2028 \u{2028} ps \u{2029} astral \u{1F600} \\ud83d\\ude00\"",
        "{\"k\\u0000\":\"\u{2028}\"}",
    );
    // A lone surrogate, escaped: not JSON to serde_json (nor to listen, which answers 400), but a
    // body the listener took and kept all the same.
    let lone = service_request("\"lone \\udc00 \\ud800\"", "{}");
    let bodies = [deepest, largest, odd, lone];
    let listener = Listener::start_text(&["--save", file]);
    for (n, body) in bodies.iter().enumerate() {
        let status = if n == 3 { 400 } else { 200 };
        assert_eq!(post_raw(&listener.addr, "/hook", body.as_bytes()), status, "body {n}");
    }
    listener.stop_text();
    let capture = std::fs::read_to_string(&path).unwrap();
    assert_eq!(capture.lines().count(), 4);
    let deepest_line = capture.lines().next().unwrap();
    assert!(
        serde_json::from_str::<Value>(deepest_line).is_err_and(|e| e.to_string().contains("recursion limit")),
        "the first line is past serde_json's own nesting limit"
    );

    let webhook = service_webhook();
    let (code, out, err) = run(hookctl().args(["replay", file, "--url", &webhook.url()]));
    assert_eq!(code, 0, "{out}{err}");
    let sent: Vec<Vec<u8>> = webhook.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(sent.len(), 4);
    for (n, (sent, body)) in sent.iter().zip(&bodies).enumerate() {
        assert!(sent == body.as_bytes(), "request #{} is replayed byte for byte", n + 1);
    }

    // Each record is read; the lone surrogate's body is judged not JSON, as listen judged it.
    let (code, out, err) = run(hookctl().args(["validate", file, "-o", "json"]));
    assert_eq!(code, 2, "{out}{err}");
    // The report holds the deepest body's hidden context among the fields, past serde_json's limit.
    let mut report = serde_json::Deserializer::from_str(&out);
    report.disable_recursion_limit();
    let report = Value::deserialize(&mut report).unwrap();
    let s = &report["summary"];
    assert_eq!((s["valid"].as_u64(), s["unreadable"].as_u64()), (Some(3), Some(1)), "{report:#}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("error: {file}:4: not valid JSON: lone leading surrogate")), "{err}");

    let suite = dir.path().join("s.toml");
    let (code, _, err) = run(hookctl().args(["init", "--from", file, suite.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote") && err.contains("3 cases from"), "{err}");
    assert!(err.contains("request #4: the body is not JSON: no case"), "{err}");
    // Each payload is the body it came from, once compact.
    let payloads = dir.path().join("s-payloads");
    let mut names: Vec<_> = std::fs::read_dir(&payloads).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for (name, body) in names.iter().zip(&bodies) {
        let payload: Value = serde_json::from_slice(&std::fs::read(name).unwrap()).unwrap();
        assert_eq!(payload, serde_json::from_str::<Value>(body).unwrap(), "{}", name.display());
    }
}

#[test]
fn a_line_nested_deeper_than_any_record_is_named_and_the_rest_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = capture_of(dir.path(), &[], &[(&["send", "agent-online", "--url", "{url}"], 0)]);
    let good = std::fs::read_to_string(&path).unwrap();
    // A line no listener writes: a record whose answer's body is nested 100 000 deep.
    let body = format!("{}{}", "[".repeat(99_998), "]".repeat(99_998));
    let deep = good.replacen("\"answer\":{", &format!("\"answer\":{{\"body\":{body},"), 1);
    assert_ne!(deep, good);
    std::fs::write(&path, format!("{deep}{good}")).unwrap();
    let file = path.to_str().unwrap();
    let (code, out, err) = run(hookctl().args(["validate", file]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "error: {file}:1: nested 100000 levels deep, deeper than any record 'listen --save' writes"
        )),
        "{err}"
    );
    assert!(out.contains(&format!("{file}:2  botpress-event  valid")), "{out}");
}

/// A capture of three requests whose second line was cut short (a crash while writing it).
fn capture_cut_on_line_2(dir: &Path) -> std::path::PathBuf {
    let path = capture_of(
        dir,
        &[],
        &[
            (&["send", "agent-online", "--url", "{url}"], 0),
            (&["send", "handoff-create", "--url", "{url}"], 0),
            (&["send", "eva-service", "--url", "{url}"], 0),
        ],
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = &lines[1][..lines[1].len() / 2];
    std::fs::write(&path, format!("{}\n{cut}\n{}\n", lines[0], lines[2])).unwrap();
    path
}

#[test]
fn one_bad_line_is_named_and_the_rest_replayed_and_strict_stops_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = capture_cut_on_line_2(dir.path());
    let file = path.to_str().unwrap();
    let bad = format!("{file}:2: not a capture record written by 'listen --save' (EOF while parsing");

    let webhook = service_webhook();
    let (code, out, err) = run(hookctl().args(["replay", file, "--url", &webhook.url(), "-o", "json"]));
    assert_eq!(code, 2, "a line not read is an input error, after the rest is replayed\n{out}{err}");
    assert_eq!(webhook.requests().len(), 2, "the other two are sent");
    assert!(err.lines().any(|l| l.starts_with(&format!("error: {bad}"))), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let skipped = report["skipped_lines"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{report:#}");
    assert_eq!(skipped[0]["source"], format!("{file}:2"));
    assert!(skipped[0]["reason"].as_str().unwrap().starts_with("not a capture record"), "{report:#}");
    assert_eq!(report["steps"].as_array().unwrap().len(), 2);
    let (_, out, _) = run(hookctl().args(["replay", file, "--url", &webhook.url()]));
    assert!(out.contains("2/2 steps passed, 1 line of the capture skipped (not records)"), "{out}");

    // --strict: nothing is sent, and the one line says where.
    let strict = service_webhook();
    let (code, out, err) = run(hookctl().args(["replay", file, "--url", &strict.url(), "--strict"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(strict.requests().is_empty());
    assert!(common::error_line(&err).starts_with(&format!("error: {bad}")), "{err}");
    assert!(err.trim_end().ends_with("(--strict)") && err.lines().count() == 1, "{err}");

    // A capture with no bad line: exit 0, and no skipped lines in the report, --strict or not.
    let clean = dir.path().join("clean.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&clean, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    for strict in [&[][..], &["--strict"]] {
        let (code, out, err) = run(hookctl()
            .args(["replay", clean.to_str().unwrap(), "--url", &webhook.url(), "-o", "json"])
            .args(strict));
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(err, "");
        assert!(serde_json::from_str::<Value>(&out).unwrap().get("skipped_lines").is_none(), "{out}");
    }
}

#[test]
fn one_bad_line_leaves_init_from_and_validate_reading_the_rest_and_strict_stops_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = capture_cut_on_line_2(dir.path());
    let file = path.to_str().unwrap();
    let bad = format!("error: {file}:2: not a capture record written by 'listen --save' (EOF while parsing");

    let suite = dir.path().join("s.toml");
    let init =
        |more: &[&str]| run(hookctl().args(["init", "--from", file, suite.to_str().unwrap()]).args(more));
    let (code, _, err) = init(&["--strict"]);
    assert_eq!(code, 2, "{err}");
    assert!(common::error_line(&err).starts_with(&bad), "{err}");
    assert!(!suite.exists(), "--strict writes nothing");
    let (code, _, err) = init(&[]);
    assert_eq!(code, 2, "the suite is made of the rest, and the exit code says a line was not read\n{err}");
    assert!(err.lines().any(|l| l.starts_with(&bad)), "{err}");
    assert!(err.contains("2 cases from") && err.contains("1 line skipped (not records)"), "{err}");
    let parsed: toml::Table = std::fs::read_to_string(&suite).unwrap().parse().unwrap();
    assert_eq!(parsed["case"].as_array().unwrap().len(), 2);

    let (code, out, err) = run(hookctl().args(["validate", file, "-o", "json"]));
    assert_eq!(code, 2, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 3);
    assert!(report["summary"].get("stopped_at").is_none());
    let (code, out, err) = run(hookctl().args(["validate", file, "--strict", "-o", "json"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.lines().any(|l| l.starts_with(&bad)), "{err}");
    assert!(
        err.contains(&format!("note: stopped at {file}:2 (--strict): nothing after it was read")),
        "{err}"
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    let sources: Vec<&str> =
        report["files"].as_array().unwrap().iter().map(|f| f["source"].as_str().unwrap()).collect();
    assert_eq!(sources, [format!("{file}:1"), format!("{file}:2")], "line 3 is not read");
    assert_eq!(report["summary"]["stopped_at"], format!("{file}:2"));
    // A later input is not read either.
    let (code, out, _) = run(hookctl().args(["validate", file, file, "--strict", "-o", "json"]));
    assert_eq!(code, 2);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["files"].as_array().unwrap().len(), 2);
}

#[test]
fn a_file_with_no_record_at_all_is_one_line_naming_its_first_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.jsonl");
    std::fs::write(&path, "{\"not\": \"a capture\"}\n\nhello\n{\"index\":1}\n").unwrap();
    let file = path.to_str().unwrap();
    let webhook = common::Server::ok();
    let (code, _, err) = run(hookctl().args(["replay", file, "--url", &webhook.url()]));
    assert_eq!(code, 2, "{err}");
    assert!(webhook.requests().is_empty());
    let line = common::error_line(&err);
    assert!(
        line.starts_with(&format!("error: {file}:1: not a capture record written by 'listen --save'")),
        "{err}"
    );
    assert!(line.ends_with("(and 2 more lines, none a capture record)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) =
        run(hookctl().args(["init", "--from", file, dir.path().join("s.toml").to_str().unwrap()]));
    assert_eq!(code, 2);
    assert_eq!(common::error_line(&err), line);
}

#[test]
fn listen_appending_to_a_capture_cut_mid_line_starts_its_records_on_a_new_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = capture_of(dir.path(), &[], &[(&["send", "agent-online", "--url", "{url}"], 0)]);
    // Appended to a capture that ends as it should: no blank line between the sessions.
    capture_of(dir.path(), &[], &[(&["send", "agent-offline", "--url", "{url}"], 0)]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.ends_with('\n') && !text.contains("\n\n"), "{text}");
    // A crash while writing the next record: the file ends inside a line.
    let cut = "{\"index\":3,\"time\":\"2026";
    std::fs::write(&path, format!("{text}{cut}")).unwrap();
    capture_of(dir.path(), &[], &[(&["send", "handoff-create", "--url", "{url}"], 0)]);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[2], cut, "the cut line is left as it was");
    let record: hookctl::receiver::Record = serde_json::from_str(lines[3]).expect("a record of its own");
    assert!(record.text().unwrap().contains("\"handoff\""), "{}", lines[3]);

    // The cut line is the only one not read.
    let file = path.to_str().unwrap();
    let (code, out, err) = run(hookctl().args(["validate", file]));
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert!(err.contains(&format!("error: {file}:3: not a capture record")), "{err}");
    assert!(out.contains("4 documents checked: 3 valid, 0 invalid, 1 unreadable"), "{out}");
}

#[test]
fn validate_reports_requests_refused_before_their_body_came_as_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("captures.jsonl");
    let file = path.to_str().unwrap();
    let listener = Listener::start(&["--save", file, "--max-body", "1000"]);
    assert_eq!(post_raw(&listener.addr, "/hook", &[b' '; 5000]), 413);
    feed(&listener, &[(&["send", "agent-online", "--url", "{url}"], 0)]);
    listener.stop();
    let over = "body of 5000 bytes (Content-Length) over the 1000 byte limit (--max-body)";

    let (code, out, err) = run(hookctl().args(["validate", file]));
    assert_eq!(code, 0, "a refused request is no failure of the platform's\n{out}{err}");
    assert_eq!(out.lines().next().unwrap(), format!("{file}:1  refused (413: {over})"), "{out}");
    assert!(out.ends_with("2 documents checked: 1 valid, 0 invalid, 1 refused\n"), "{out}");
    assert_eq!(err, "");
    let (_, out, _) = run(hookctl().args(["validate", file, "-o", "json"]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"][0]["refused"], serde_json::json!({"status": 413, "reason": over}));

    // replay has none of its body to send: it says so and sends the rest.
    let target = Server::ok();
    let (code, out, err) = run(hookctl().args(["replay", file, "--url", &target.url()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(&format!(
            "request #1 is not replayed: the listener refused it before its body came (413 {over})"
        )),
        "{err}"
    );
    assert_eq!(target.requests().len(), 1, "only the request whose body came");

    // A body that came whole and is not JSON is the platform's: still unreadable, not refused.
    let listener = Listener::start(&["--save", file, "--max-body", "1000"]);
    assert_eq!(post_raw(&listener.addr, "/hook", b"not json"), 400);
    assert_eq!(post_raw(&listener.addr, "/hook", b""), 400);
    listener.stop();
    let (code, out, err) = run(hookctl().args(["validate", file]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.ends_with("4 documents checked: 1 valid, 0 invalid, 2 unreadable, 1 refused\n"), "{out}");

    // init --from makes no case of it, and says why.
    let (code, _, err) =
        run(hookctl().args(["init", "--from", file, dir.path().join("s.toml").to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{file}: request #1: refused by the listener ({over}): no case")), "{err}");
}
