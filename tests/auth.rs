//! `listen --require-header`: the headers a platform is configured to send, checked as the
//! user's server would check them. The real binary on both sides.

mod common;

use common::{Listener, fixture_path, hookctl, run};
use serde_json::Value;

/// `send EVENT -H ... --url URL -o json`: (exit code, the status answered).
fn send(url: &str, event: &str, headers: &[&str]) -> (i32, Value) {
    let mut cmd = hookctl();
    cmd.args(["send", event, "--url", url, "-o", "json"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let (code, out, err) = run(&mut cmd);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, report["response"]["status"].clone())
}

fn requests(lines: Vec<Value>) -> (Vec<Value>, Value) {
    let summary = lines.iter().find_map(|l| l.get("summary").cloned()).expect("a summary");
    (lines.into_iter().filter(|l| l.get("method").is_some()).collect(), summary)
}

#[test]
fn a_request_without_the_required_header_is_answered_401_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.jsonl");
    let listener = Listener::start(&[
        "--require-header",
        "Authorization=Bearer s3cret",
        "--save",
        capture.to_str().unwrap(),
    ]);
    let url = listener.url.clone();
    assert_eq!(send(&url, "handoff-create", &[]), (1, Value::from(401)));
    assert_eq!(send(&url, "handoff-create", &["Authorization: Bearer s3cret"]), (0, Value::from(200)));
    assert_eq!(send(&url, "eva-service", &["Authorization: Bearer guess"]), (1, Value::from(401)));
    // Compared exactly: another case is another value.
    assert_eq!(send(&url, "agent-online", &["Authorization: bearer s3cret"]), (1, Value::from(401)));
    let (records, summary) = requests(listener.stop());
    let flags: Vec<Value> = records.iter().map(|r| r["unauthorized"].clone()).collect();
    assert_eq!(
        flags,
        [
            Value::from("missing required header authorization"),
            Value::Null,
            Value::from("required header authorization has another value"),
            Value::from("required header authorization has another value"),
        ]
    );
    let statuses: Vec<&Value> = records.iter().map(|r| &r["answer"]["status"]).collect();
    assert_eq!(statuses, [401, 200, 401, 401]);
    assert_eq!(records[0]["answer"]["reason"], "missing required header authorization (--require-header)");
    // An eva request refused for its headers gets no answer to judge.
    assert_eq!(records[2]["answer"].get("option"), None);
    assert_eq!(summary["unauthorized"], 3);
    // The capture says the same, and the secret is nowhere.
    let saved: Vec<Value> = std::fs::read_to_string(&capture)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(saved.iter().map(|r| r["unauthorized"].clone()).collect::<Vec<_>>(), flags);
    let text = std::fs::read_to_string(&capture).unwrap();
    assert!(!text.contains("s3cret") && !text.contains("guess"), "{text}");
}

#[test]
fn a_name_alone_asks_for_the_header_with_any_value_and_text_output_flags_it() {
    let listener =
        Listener::start_text(&["--require-header", "X-Api-Key", "--require-header", "X-Source=botpress"]);
    let url = listener.url.clone();
    assert_eq!(send(&url, "handoff-create", &["X-Api-Key: anything", "X-Source: botpress"]).0, 0);
    assert_eq!(send(&url, "handoff-create", &["X-Source: botpress"]).0, 1);
    assert_eq!(send(&url, "handoff-create", &["X-Api-Key: k", "X-Source: eva"]).0, 1);
    let out = listener.stop_text();
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].contains("→ 200 OK") && !lines[0].contains('✗'), "{out}");
    assert!(lines[1].contains("→ 401 Unauthorized  ✗ missing required header x-api-key"), "{out}");
    // No value is said, whatever the header's name: the refusal is what a client reads.
    assert!(lines[2].ends_with("✗ required header x-source has another value"), "{out}");
    assert!(out.contains("2 without a required header (answered 401)"), "{out}");
}

#[test]
fn a_401_names_the_header_never_its_value() {
    // X-Webhook-Key does not look secret by its name; its value is a secret all the same.
    let listener = Listener::start(&["--require-header", "X-Webhook-Key=k-77-s3cret"]);
    let addr = listener.addr.clone();
    for given in ["k-77-s3creT", "k-77", "nothing like it"] {
        use std::io::{Read, Write};
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            conn,
            "POST /hook HTTP/1.1\r\nHost: {addr}\r\nX-Webhook-Key: {given}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
        .unwrap();
        let mut answer = Vec::new();
        conn.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(answer.contains("required header x-webhook-key has another value"), "{answer}");
        assert!(
            !answer.contains("s3cret") && !answer.contains("k-77"),
            "the 401 gives nothing away: {answer}"
        );
    }
    listener.stop();
}

#[test]
fn a_bad_require_header_is_a_usage_error_naming_the_flag() {
    for (spec, says) in [
        ("=value", "--require-header '=value': expected NAME=VALUE or NAME"),
        ("bad name=x", "--require-header: 'bad name' is not a valid header name"),
    ] {
        let (code, _, err) = run(hookctl().args(["listen", "--port", "0", "--require-header", spec]));
        assert_eq!(code, 2, "{spec}: {err}");
        assert!(err.contains(says), "{spec}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// The README's suite for a webhook that checks the platform's header.
fn readme_suite() -> String {
    let readme = std::fs::read_to_string(fixture_path("README.md")).unwrap();
    let at = readme.find("expect = { status = 401 }").expect("the README shows a 401 case");
    let start = readme[..at].rfind("```toml\n").unwrap() + 8;
    let end = at + readme[at..].find("```").unwrap();
    readme[start..end].to_string()
}

#[test]
fn the_readme_suite_states_the_401_and_runs_green_against_a_listener_that_requires_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("auth.toml");
    std::fs::write(&suite, readme_suite()).unwrap();
    let readme = std::fs::read_to_string(fixture_path("README.md")).unwrap();
    assert!(readme.contains("hookctl listen --require-header 'Authorization=Bearer dev-token'"));
    let test = |listener: &Listener| {
        let (code, out, err) = run(hookctl()
            .args(["test", suite.to_str().unwrap(), "-o", "json"])
            .env("WEBHOOK_URL", &listener.url));
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        (code, report)
    };
    let requiring = Listener::start(&["--require-header", "Authorization=Bearer dev-token"]);
    let (code, report) = test(&requiring);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["passed"], report["summary"]["cases"]);
    assert_eq!(report["summary"]["builtin_receiver"], 0);
    let (records, _) = requests(requiring.stop());
    let statuses: Vec<u64> = records.iter().map(|r| r["answer"]["status"].as_u64().unwrap()).collect();
    assert!(statuses.contains(&401) && statuses.contains(&200), "{statuses:?}");
    // Against a webhook that checks nothing, the 401 case fails: it says something.
    let lax = Listener::start(&[]);
    let (code, report) = test(&lax);
    assert_eq!(code, 1, "{report:#}");
    let failed: Vec<&Value> =
        report["cases"].as_array().unwrap().iter().filter(|c| c["passed"] == false).collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["failures"][0]["expectation"], "status");
    assert_eq!(failed[0]["failures"][0]["expected"], "401");
}
