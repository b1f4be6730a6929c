//! Captures as data: `validate` judges each line of a `listen --save` capture, and `init --from`
//! turns one into a suite that runs green against the server that produced it. Real captures,
//! made by the real binary listening on loopback.

mod common;

use std::path::Path;

use common::{Listener, hookctl, post_raw, run};
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
