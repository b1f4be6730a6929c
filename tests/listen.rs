//! `hookctl listen` and `hookctl replay` (and the step table replay shares with `scenario`): real
//! HTTP to a listener started by the test.

mod common;

use common::{Listener, Reply, Server, hookctl, post_raw, run};
use serde_json::{Value, json};

fn send(url: &str, args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--url", url, "-o", "json"]));
    (code, serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}")))
}

/// `send` that must exit 0: the report.
fn send_ok(url: &str, args: &[&str]) -> Value {
    let (code, report) = send(url, args);
    assert_eq!(code, 0, "{args:?}: {report:#}");
    report
}

/// The request records, without the summary line.
fn records(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l.get("summary").is_none()).collect()
}

/// The first line of `text` that starts with `prefix`.
fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{text}"))
}

/// The records of a capture file.
fn captured(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A long id as the step table shows it: its first 8 characters.
fn short(id: &Value) -> String {
    format!("{}…", &id.as_str().unwrap()[..8])
}

#[test]
fn every_built_in_event_arrives_valid_with_its_fields() {
    let listener = Listener::start(&[]);
    for e in hookctl::catalogue::EVENTS {
        // One delivery each (handoff-tags would otherwise go twice), so records match events.
        let (code, report) = send(&listener.url, &[e.name, "--once"]);
        assert_eq!(code, 0, "{}: {report:#}", e.name);
    }
    let lines = listener.stop();
    let recs = records(&lines);
    assert_eq!(recs.len(), hookctl::catalogue::EVENTS.len());
    for (rec, e) in recs.iter().zip(hookctl::catalogue::EVENTS) {
        assert_eq!(rec["kind"], e.request.name(), "{}", e.name);
        assert_eq!(rec["verdict"]["valid"], true, "{}: {rec:#}", e.name);
        assert_eq!(rec["answer"]["status"], 200);
    }
    let create = recs[0];
    assert_eq!(create["verdict"]["fields"]["status"], "pending");
    assert!(create["verdict"]["fields"]["userThreadId"].is_string());
    assert!(recs[1]["verdict"]["fields"]["agentThreadId"].is_string());
    let service = recs.iter().find(|r| r["kind"] == "eva-service-request").unwrap();
    assert_eq!(service["verdict"]["fields"]["expectedOptions"], json!(["CLIENT", "NOT_CLIENT"]));
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["requests"], hookctl::catalogue::EVENTS.len());
    assert_eq!(summary["invalid"], 0);
}

#[test]
fn an_invalid_body_is_reported_with_its_pointer() {
    let listener = Listener::start(&[]);
    // Sending a broken body on purpose is allowed (exit 0), and the report says it is broken.
    let report = send_ok(&listener.url, &["handoff-assign", "--set", "payload.status=waiting"]);
    assert_eq!(report["request"]["verdict"]["valid"], false, "{report:#}");
    let lines = listener.stop();
    let rec = records(&lines)[0];
    assert_eq!(rec["verdict"]["valid"], false);
    assert_eq!(rec["verdict"]["errors"][0]["pointer"], "/payload/status");
    assert_eq!(lines.last().unwrap()["summary"]["invalid"], 1);
}

#[test]
fn save_round_trips_exact_bytes_even_when_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    let report = send_ok(&listener.url, &["handoff-create"]);
    let binary: &[u8] = &[0xff, 0xfe, 0x00, b'{', 0x80];
    let status = post_raw(&listener.addr, "/raw?x=1", binary);
    assert_eq!(status, 400, "not JSON: answered 400 but captured");
    listener.stop();
    let lines: Vec<hookctl::receiver::Record> =
        std::fs::read_to_string(&cap).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    let sent = serde_json::to_vec(&report["request"]["body"]).unwrap();
    assert_eq!(lines[0].body_bytes().unwrap(), sent, "the JSON body byte for byte");
    assert_eq!(lines[1].body_bytes().unwrap(), binary, "the binary body byte for byte");
    assert_eq!(lines[1].path, "/raw?x=1");
    assert!(lines[1].body.is_none() && lines[1].body_base64.is_some());
}

#[test]
fn a_json_body_on_one_line_is_kept_in_place_and_every_other_as_a_string() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    // (body, kept as JSON in its place)
    let bodies: [(&[u8], bool); 9] = [
        (br#"{"resource":"agent","type":"online","id":1}"#, true),
        // `null` is a body, not the lack of one.
        (b"null", true),
        // A JSON string is JSON too: in place, it keeps its quotes.
        (br#""hi""#, true),
        // A line break inside a string is escaped in JSON: still one line.
        (br#"{"note":"two\nlines"}"#, true),
        // Whatever surrounds the JSON or breaks its line would be lost in place.
        (b"{\"a\":1}\n", false),
        (b" {\"a\":1}", false),
        (b"{\n  \"a\": 1\n}", false),
        (b"{\"a\":1,\r\"b\":2}", false),
        (b"not json", false),
    ];
    for (body, _) in &bodies {
        post_raw(&listener.addr, "/hook", body);
    }
    let shown = listener.stop();
    let text = std::fs::read_to_string(&cap).unwrap();
    let saved: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(saved.len(), bodies.len(), "one line each");
    let shown = records(&shown);
    for (((body, in_place), line), out) in bodies.iter().zip(&saved).zip(&shown) {
        let what = String::from_utf8_lossy(body);
        for rec in [line, *out] {
            if *in_place {
                assert_eq!(rec["body_json"], serde_json::from_slice::<Value>(body).unwrap(), "{what}");
                assert!(rec.get("body").is_none(), "{what}");
            } else {
                assert_eq!(rec["body"], Value::from(what.as_ref()), "{what}");
                assert!(rec.get("body_json").is_none(), "{what}");
            }
        }
    }
    // Read back, each gives its bytes exactly.
    let records: Vec<hookctl::receiver::Record> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for ((body, _), rec) in bodies.iter().zip(&records) {
        assert_eq!(rec.body_bytes().unwrap(), *body, "{}", String::from_utf8_lossy(body));
    }
    // And so does replay: the server gets each body as it first came.
    let server = Server::ok();
    let (_, out, err) = run(hookctl().arg("replay").arg(&cap).args(["--url", &server.url(), "-o", "json"]));
    let got = server.requests();
    assert_eq!(got.len(), bodies.len(), "{out}{err}");
    for ((body, _), req) in bodies.iter().zip(&got) {
        assert_eq!(req.body, *body);
    }
}

#[test]
fn secrets_are_redacted_in_output_and_captures_unless_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    send_ok(
        &listener.url,
        &[
            "agent-online",
            "-H",
            "Authorization: Bearer tok-123",
            "-H",
            "X-Api-Key: key-456",
            "-H",
            "X-Tenant: acme",
        ],
    );
    let lines = listener.stop();
    let printed = serde_json::to_string(&lines).unwrap();
    let saved = std::fs::read_to_string(&cap).unwrap();
    for text in [&printed, &saved] {
        assert!(!text.contains("tok-123") && !text.contains("key-456"), "{text}");
        assert!(text.contains("<redacted>") && text.contains("acme"));
    }
    let listener = Listener::start(&["--keep-secrets"]);
    send_ok(&listener.url, &["agent-online", "-H", "Authorization: Bearer tok-123"]);
    let printed = serde_json::to_string(&listener.stop()).unwrap();
    assert!(printed.contains("tok-123"));
}

#[test]
fn fail_first_with_botpress_retries_shows_three_attempts_and_repeats() {
    let listener = Listener::start(&["--fail-first", "2"]);
    let (code, report) =
        send(&listener.url, &["handoff-tags", "--once", "--retry", "botpress", "--retry-scale", "0.01"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["attempts"].as_array().unwrap().len(), 3);
    let lines = listener.stop();
    let recs = records(&lines);
    assert_eq!(recs.len(), 3);
    let statuses: Vec<&Value> = recs.iter().map(|r| &r["answer"]["status"]).collect();
    assert_eq!(statuses, [&json!(503), &json!(503), &json!(200)]);
    assert!(recs[0].get("repeat_of").is_none());
    assert_eq!(recs[1]["repeat_of"], 1);
    assert_eq!(recs[2]["repeat_of"], 1);
    assert_eq!(lines.last().unwrap()["summary"]["repeats"], 2);
}

#[test]
fn status_500_makes_botpress_give_up_after_ten() {
    let listener = Listener::start(&["--status", "500"]);
    let (code, report) = send(&listener.url, &["agent-offline", "--retry", "botpress", "--retry-scale", "0"]);
    assert_eq!(code, 1);
    assert_eq!(report["attempts"].as_array().unwrap().len(), 10);
    assert_eq!(records(&listener.stop()).len(), 10);
}

#[test]
fn the_eva_mock_answers_validly() {
    let listener = Listener::start(&["--respond-option", "NOT_CLIENT"]);
    let (code, report) = send(&listener.url, &["eva-service", "--expect-option", "NOT_CLIENT"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"]["valid"], true);
    let (code, report) = send(&listener.url, &["eva-answer"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"]["kind"], "eva-answer-response");
    assert!(report["verdict"]["warnings"].as_array().unwrap().is_empty(), "contexts echoed");
    listener.stop();
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.json");
    std::fs::write(&answer, r#"{"option": "LATER"}"#).unwrap();
    let listener = Listener::start(&["--respond", answer.to_str().unwrap()]);
    let (code, report) = send(&listener.url, &["eva-service"]);
    assert_eq!(code, 1, "LATER is not an expected option");
    assert_eq!(report["verdict"]["errors"][0]["pointer"], "/option");
    listener.stop();
}

#[test]
fn forward_to_relays_to_a_second_server_and_judges_its_answer() {
    let upstream = Server::start(|_, req| {
        if req.get("expectedOptions").is_some() {
            Reply::json(200, json!({"option": "NOPE"}))
        } else {
            Reply::json(202, json!({"ok": true}))
        }
    });
    let listener = Listener::start(&["--forward-to", &upstream.url()]);
    let (code, report) = send(&listener.url, &["handoff-create", "-H", "X-Trace: t1"]);
    assert_eq!(code, 0);
    assert_eq!(report["response"]["status"], 202, "the upstream's answer comes back");
    let (code, service) = send(&listener.url, &["eva-service"]);
    assert_eq!(code, 1, "the upstream's NOPE is no expected option: {service:#}");
    let lines = listener.stop();
    let got = upstream.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, serde_json::to_vec(&report["request"]["body"]).unwrap(), "exact bytes");
    assert_eq!(got[0].header("user-agent"), Some("axios/0.21.4"));
    assert_eq!(got[0].header("x-trace"), Some("t1"));
    let recs = records(&lines);
    assert_eq!(recs[0]["answer"]["forwarded"], true);
    assert_eq!(recs[1]["answer"]["verdict"]["valid"], false, "the upstream's wrong option is caught");
    assert_eq!(recs[1]["answer"]["verdict"]["errors"][0]["pointer"], "/option");
}

#[test]
fn forward_to_keeps_the_body_a_botpress_event_was_answered_with() {
    let upstream = Server::start(|_, req| {
        if req.get("expectedOptions").is_some() {
            Reply::json(
                200,
                json!({"option": "CLIENT", "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"]}),
            )
        } else {
            Reply::json(202, json!({"queued": "job-41"}))
        }
    });
    let listener = Listener::start(&["--forward-to", &upstream.url()]);
    send_ok(&listener.url, &["handoff-create"]);
    send_ok(&listener.url, &["eva-service"]);
    let lines = listener.stop();
    let recs = records(&lines);
    assert_eq!(recs[0]["answer"]["status"], 202);
    assert_eq!(recs[0]["answer"]["body"], json!({"queued": "job-41"}), "{:#}", recs[0]);
    // eva's answer is still kept as its option and verdict, not as a second copy of its body.
    assert_eq!(recs[1]["answer"]["option"], "CLIENT", "{:#}", recs[1]);
    assert_eq!(recs[1]["answer"]["verdict"]["valid"], true);
    assert!(recs[1]["answer"].get("body").is_none(), "{:#}", recs[1]);
    // -v prints it under the request.
    let listener = Listener::start_text(&["-v", "--forward-to", &upstream.url()]);
    send_ok(&listener.url, &["handoff-create"]);
    send_ok(&listener.url, &["eva-service"]);
    let out = listener.stop_text();
    let (_, after) = out.split_once("your server's answer body").unwrap_or_else(|| panic!("{out}"));
    assert!(after.lines().nth(2).is_some_and(|l| l.trim() == r#""queued": "job-41""#), "{out}");
    assert!(out.contains("option CLIENT"), "{out}");
    assert_eq!(out.matches("your server's answer body").count(), 1, "{out}");
}

#[test]
fn a_body_over_the_limit_gets_413_and_the_listener_keeps_serving() {
    let listener = Listener::start(&["--max-body", "1000"]);
    assert_eq!(post_raw(&listener.addr, "/big", &vec![b'x'; 5000]), 413);
    let (code, _) = send(&listener.url, &["agent-online"]);
    assert_eq!(code, 0, "still serving");
    let lines = listener.stop();
    let recs = records(&lines);
    assert_eq!(recs[0]["answer"]["status"], 413);
    assert_eq!(recs[1]["answer"]["status"], 200);
}

#[test]
fn replay_reproduces_a_capture() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    for e in ["agent-online", "handoff-create", "eva-service"] {
        send_ok(&listener.url, &[e]);
    }
    listener.stop();
    let originals: Vec<hookctl::receiver::Record> =
        std::fs::read_to_string(&cap).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let target = Server::start(|_, req| {
        if let Some(first) = req.pointer("/expectedOptions/0") {
            Reply::json(
                200,
                json!({"option": first, "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"]}),
            )
        } else {
            Reply::json(200, json!({}))
        }
    });
    let (code, out, err) =
        run(hookctl().arg("replay").arg(&cap).args(["--url", &target.url(), "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let got = target.requests();
    assert_eq!(got.len(), 3);
    for (g, o) in got.iter().zip(&originals) {
        assert_eq!(g.body, o.body_bytes().unwrap(), "exact bytes, in order");
        assert_eq!(
            g.header("user-agent"),
            o.headers.iter().find(|(n, _)| n == "user-agent").map(|(_, v)| v.as_str())
        );
    }
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["steps"].as_array().unwrap().len(), 3);
    // Filter by kind and by index.
    let target = Server::ok();
    let (code, _, _) =
        run(hookctl().arg("replay").arg(&cap).args(["--filter", "botpress-event", "--url", &target.url()]));
    assert_eq!(code, 0);
    assert_eq!(target.requests().len(), 2);
    let target = Server::ok();
    let (code, out, err) =
        run(hookctl().arg("replay").arg(&cap).args(["--filter", "2", "--url", &target.url()]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(target.requests().len(), 1);
    assert_eq!(target.requests()[0].body, originals[1].body_bytes().unwrap());
}

#[test]
fn replay_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"not\": \"a record\"}\n").unwrap();
    let (code, _, err) = run(hookctl().arg("replay").arg(&bad));
    assert_eq!(code, 2);
    assert!(err.contains("bad.jsonl:1") && err.lines().count() == 1, "{err}");
    let (code, _, err) = run(hookctl().args(["replay", "/nonexistent.jsonl"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent.jsonl"), "{err}");
}

#[test]
fn listen_on_a_taken_port_is_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, _, err) = run(hookctl().args(["listen", "--port", &port]));
    assert_eq!(code, 2);
    assert!(err.contains("--port") && err.lines().count() == 1, "{err}");
}

#[test]
fn the_eva_mock_records_what_it_answered_and_that_it_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    send_ok(&listener.url, &["eva-service"]);
    let answer_report = send_ok(&listener.url, &["eva-answer"]);
    send_ok(&listener.url, &["handoff-create"]);
    let lines = listener.stop();
    let recs = records(&lines);
    let saved = captured(&cap);
    for rec in [recs[0], &saved[0]] {
        assert_eq!(rec["answer"]["option"], "CLIENT", "{rec:#}");
        assert_eq!(rec["answer"]["verdict"]["kind"], "eva-service-response");
        assert_eq!(rec["answer"]["verdict"]["valid"], true);
        assert_eq!(rec["answer"]["forwarded"], false);
    }
    let content = &answer_report["request"]["body"]["answer"]["content"]["content"];
    assert!(content.is_string());
    for rec in [recs[1], &saved[1]] {
        assert_eq!(&rec["answer"]["content"], content, "the answer's content is kept: {rec:#}");
        assert_eq!(rec["answer"]["verdict"]["kind"], "eva-answer-response");
        assert_eq!(rec["answer"]["verdict"]["valid"], true);
    }
    // Botpress reads only the status: nothing else is kept of its answer.
    let keys: Vec<&String> = recs[2]["answer"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["status", "forwarded"], "{:#}", recs[2]);
    assert_eq!(lines.last().unwrap()["summary"]["invalid_answers"], 0);
}

#[test]
fn an_option_outside_expected_options_is_sent_as_asked_but_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--respond-option", "MAYBE", "--save", cap.to_str().unwrap()]);
    let (code, report) = send(&listener.url, &["eva-service"]);
    assert_eq!(code, 1, "send sees the wrong option: {report:#}");
    assert_eq!(report["response"]["body"]["option"], "MAYBE", "sent as asked");
    let lines = listener.stop();
    let rec = records(&lines)[0];
    let saved = &captured(&cap)[0];
    for rec in [rec, saved] {
        let answer = &rec["answer"];
        assert_eq!(answer["status"], 200);
        assert_eq!(answer["option"], "MAYBE");
        assert_eq!(answer["reason"], "--respond-option MAYBE");
        assert_eq!(answer["verdict"]["valid"], false, "never valid: {rec:#}");
        let error = &answer["verdict"]["errors"][0];
        assert_eq!(error["pointer"], "/option");
        assert_eq!(error["message"], "option 'MAYBE' is not one of the expectedOptions");
        assert_eq!(rec["verdict"]["valid"], true, "the request itself is fine");
    }
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["invalid_answers"], 1);
    assert_eq!(summary["invalid"], 0);
}

#[test]
fn a_respond_file_that_breaks_the_contract_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.json");
    std::fs::write(&answer, r#"{"option": "LATER"}"#).unwrap();
    let listener = Listener::start(&["--respond", answer.to_str().unwrap()]);
    // send sees the same broken answers the listener flags; Botpress reads only the status.
    for (event, expected) in [("eva-service", 1), ("eva-answer", 1), ("agent-online", 0)] {
        let (code, report) = send(&listener.url, &[event]);
        assert_eq!(code, expected, "{event}: {report:#}");
    }
    let lines = listener.stop();
    let recs = records(&lines);
    let service = &recs[0]["answer"];
    assert_eq!(service["option"], "LATER");
    assert_eq!(service["reason"], "--respond");
    assert_eq!(service["verdict"]["valid"], false);
    assert_eq!(service["verdict"]["errors"][0]["pointer"], "/option");
    let answer = &recs[1]["answer"];
    assert_eq!(answer["verdict"]["kind"], "eva-answer-response");
    assert_eq!(answer["verdict"]["valid"], false, "an option is no transactional answer: {answer:#}");
    assert_eq!(answer["verdict"]["errors"][0]["pointer"], "/answer");
    assert!(recs[2]["answer"].get("verdict").is_none(), "Botpress: the status is the whole answer");
    assert_eq!(lines.last().unwrap()["summary"]["invalid_answers"], 2);
}

#[test]
fn the_text_line_under_a_request_shows_its_fields_label_then_value() {
    let listener = Listener::start_text(&[]);
    let report = send_ok(&listener.url, &["handoff-create"]);
    let out = listener.stop_text();
    let body = &report["request"]["body"];
    let under = out.lines().skip_while(|l| !l.starts_with("#1 ")).nth(1).unwrap_or_else(|| panic!("{out}"));
    assert!(under.starts_with("    resource ") && !under.ends_with(' '), "indented four: {out}");
    // Each field is its label, a space and its value, two spaces from the next: a number and a
    // null shown as JSON writes them.
    let shown: Vec<(&str, &str)> = under
        .trim_start()
        .split("  ")
        .map(|f| f.split_once(' ').unwrap_or_else(|| panic!("{f:?}: {out}")))
        .collect();
    let value = |label: &str| shown.iter().find(|(l, _)| *l == label).map(|(_, v)| *v);
    assert_eq!(value("resource"), Some("handoff"), "{out}");
    assert_eq!(value("type"), Some("create"), "{out}");
    assert_eq!(value("id"), Some(body["id"].to_string().as_str()), "{out}");
    assert_eq!(value("status"), Some("pending"), "{out}");
    assert_eq!(value("userThreadId"), body["payload"]["userThreadId"].as_str(), "{out}");
    assert_eq!(value("agentId"), Some("null"), "{out}");
}

#[test]
fn the_eva_mock_text_shows_its_answer_and_never_calls_a_broken_one_valid() {
    let listener = Listener::start_text(&["--respond-option", "MAYBE"]);
    let (code, report) = send(&listener.url, &["eva-service"]);
    assert_eq!(code, 1, "MAYBE is no expected option: {report:#}");
    // --respond-option is for service cells: the transactional answer is answered correctly.
    let answer_report = send_ok(&listener.url, &["eva-answer"]);
    send_ok(&listener.url, &["handoff-create"]);
    let out = listener.stop_text();

    let service = line(&out, "#1 ");
    let (_, answered) = service.split_once('→').unwrap_or_else(|| panic!("{out}"));
    assert!(answered.contains("200 OK  option MAYBE"), "{out}");
    assert!(answered.contains('✗') && !answered.contains("valid"), "{out}");
    assert!(out.contains("✗ /option  option 'MAYBE' is not one of the expectedOptions"), "{out}");
    assert!(out.contains(r#"expected one of CLIENT, NOT_CLIENT, found "MAYBE""#), "{out}");

    let content = answer_report["request"]["body"]["answer"]["content"]["content"].as_str().unwrap();
    let (_, answered) = line(&out, "#2 ").split_once('→').unwrap();
    assert!(answered.contains(&format!("200 OK  answer \"{content}\"")), "{out}");
    assert!(answered.contains('✓') && !answered.contains('✗'), "{out}");

    let (_, answered) = line(&out, "#3 ").split_once('→').unwrap();
    assert_eq!(answered.trim(), "200 OK", "a Botpress answer is its status: {out}");

    let summary = out.lines().last().unwrap();
    assert!(summary.starts_with("3 requests") && summary.contains("1 answer breaking the contract"), "{out}");
}

#[test]
fn replay_text_explains_a_failed_answer() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    send_ok(&listener.url, &["handoff-create"]);
    send_ok(&listener.url, &["eva-service"]);
    listener.stop();
    let target = Server::start(|_, req| {
        if req.get("expectedOptions").is_some() {
            Reply::json(
                200,
                json!({"option": "NOPE", "openContext": {}, "visibleContext": {}, "hiddenContext": {}}),
            )
        } else {
            Reply::json(200, json!({}))
        }
    });
    let (code, out, err) = run(hookctl().arg("replay").arg(&cap).args(["--url", &target.url()]));
    assert_eq!(code, 1, "{out}\n{err}");
    let heading = line(&out, "  ✗ step 2 #2 eva-service-request");
    assert!(heading.contains("eva-service-response contract (1 error)"), "{out}");
    assert!(out.contains("✗ /option  option 'NOPE' is not one of the expectedOptions"), "{out}");
    assert!(out.contains(r#"expected one of CLIENT, NOT_CLIENT, found "NOPE""#), "{out}");
    assert!(!out.contains("step 1 #1"), "the step that passed is not explained: {out}");
    assert!(out.contains("1/2 steps passed"), "{out}");
}

#[test]
fn replay_shows_each_requests_ids_and_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    let mut sent = Vec::new();
    for e in ["agent-online", "handoff-create", "handoff-assign", "eva-service"] {
        sent.push(send_ok(&listener.url, &[e])["request"]["body"].clone());
    }
    listener.stop();
    let target = Listener::start(&["--respond-option", "NOT_CLIENT"]);
    let (code, out, err) = run(hookctl().arg("replay").arg(&cap).args(["--url", &target.url]));
    target.stop();
    assert_eq!(code, 0, "{out}\n{err}");
    let header = line(&out, "#  ");
    for column in ["HANDOFF", "USER THREAD", "AGENT THREAD", "AGENT ", "SESSION", "OPTION"] {
        assert!(header.contains(column), "{column}: {out}");
    }
    let (online, create, assign, service) = (&sent[0], &sent[1], &sent[2], &sent[3]);
    // The table: each row its own ids (long ones cut), and the option answered.
    assert!(line(&out, "1 ").contains(&short(&online["id"])), "{out}");
    let row = line(&out, "3 ");
    for id in [
        &assign["payload"]["agentThreadId"],
        &assign["payload"]["agentId"],
        &assign["payload"]["userThreadId"],
    ] {
        assert!(row.contains(&short(id)), "{id}: {out}");
    }
    assert!(row.contains(&assign["id"].to_string()), "{out}");
    let row = line(&out, "4 ");
    assert!(row.contains(&short(&service["info"]["sessionCode"])) && row.contains("NOT_CLIENT"), "{out}");
    // The footer: every request's ids in full, not only the first one's.
    let footer = |label: &str, value: &Value, steps: &str| {
        let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
        let l = out
            .lines()
            .find(|l| l.trim_start().starts_with(label) && l.contains(&value))
            .unwrap_or_else(|| panic!("no {label} {value} in:\n{out}"));
        assert!(l.trim_end().ends_with(steps), "{l}");
    };
    footer("handoff", &create["id"], "step 2");
    footer("handoff", &assign["id"], "step 3");
    footer("userThreadId", &create["payload"]["userThreadId"], "step 2");
    footer("userThreadId", &assign["payload"]["userThreadId"], "step 3");
    footer("agentThreadId", &assign["payload"]["agentThreadId"], "step 3");
    footer("agentId", &online["id"], "step 1");
    footer("agentId", &assign["payload"]["agentId"], "step 3");
    footer("sessionCode", &service["info"]["sessionCode"], "step 4");
}

#[test]
fn the_scenario_table_shows_the_agent_and_its_thread() {
    let server = Server::ok();
    let (code, out, err) = run(hookctl().args(["scenario", "handoff-lifecycle", "--url", &server.url()]));
    assert_eq!(code, 0, "{out}\n{err}");
    let bodies: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    let assign = &bodies[2];
    assert_eq!(assign["payload"]["status"], "assigned");
    let header = line(&out, "#  ");
    assert!(header.contains("AGENT THREAD") && header.contains("AGENT "), "{out}");
    let row = line(&out, "3 ");
    assert!(row.contains("handoff-assign"), "{out}");
    assert!(row.contains(&short(&assign["payload"]["agentThreadId"])), "{out}");
    assert!(row.contains(&short(&assign["payload"]["agentId"])), "{out}");
    assert!(
        line(&out, "1 ").contains(&short(&assign["payload"]["agentId"])),
        "the agent who goes online: {out}"
    );
    // Shared ids are listed once, in full, with the steps that carry them.
    let thread = assign["payload"]["agentThreadId"].as_str().unwrap();
    let l = line(&out, "  agentThreadId");
    assert!(l.contains(thread) && l.trim_end().ends_with("steps 3-4"), "{out}");
    let l = line(&out, "  agentId");
    assert!(
        l.contains(assign["payload"]["agentId"].as_str().unwrap()) && l.trim_end().ends_with("steps 1, 3-4"),
        "{out}"
    );
    assert_eq!(out.matches("  userThreadId").count(), 1, "one thread for the whole story: {out}");
}

#[test]
fn replay_reads_captures_written_before_answers_were_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    send_ok(&listener.url, &["eva-service"]);
    listener.stop();
    // The answer as older captures had it: its status only.
    let mut rec = captured(&cap).remove(0);
    rec["answer"] = json!({"status": 200, "forwarded": false});
    let old = dir.path().join("old.jsonl");
    std::fs::write(&old, format!("{rec}\n")).unwrap();
    let target = Listener::start(&[]);
    let (code, out, err) = run(hookctl().arg("replay").arg(&old).args(["--url", &target.url]));
    target.stop();
    assert_eq!(code, 0, "{out}\n{err}");
}

#[test]
fn a_repeat_is_the_same_body_to_the_same_path() {
    let listener = Listener::start(&[]);
    let body = hookctl::catalogue::event("agent-online").unwrap().fixture().to_string();
    for path in ["/a", "/b", "/a"] {
        assert_eq!(post_raw(&listener.addr, path, body.as_bytes()), 200);
    }
    // Empty bodies to different paths are different requests too.
    assert_eq!(post_raw(&listener.addr, "/x", b""), 400);
    assert_eq!(post_raw(&listener.addr, "/y", b""), 400);
    let lines = listener.stop();
    let recs = records(&lines);
    let repeats: Vec<Option<u64>> = recs.iter().map(|r| r["repeat_of"].as_u64()).collect();
    assert_eq!(repeats, [None, None, Some(1), None, None], "{recs:#?}");
    assert_eq!(lines.last().unwrap()["summary"]["repeats"], 1);
}

#[test]
fn requests_arriving_together_are_each_captured_whole_once() {
    // Many connections at once: their lines are written in groups, and every request answered is
    // on disk as one whole record, none twice, none lost.
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap(), "-q"]);
    let report = send_ok(&listener.url, &["handoff-create", "--count", "400", "-c", "16"]);
    assert_eq!(report["summary"]["passed"], 400, "{report:#}");
    let lines = listener.stop();
    let saved = captured(&cap);
    assert_eq!(saved.len(), 400);
    let mut indexes: Vec<u64> = saved.iter().map(|r| r["index"].as_u64().unwrap()).collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (1..=400).collect::<Vec<_>>());
    assert!(saved.iter().all(|r| r["answer"]["status"] == 200 && r["verdict"]["valid"] == true));
    assert_eq!(records(&lines).len(), 400);
    assert_eq!(lines.last().unwrap()["summary"]["not_saved"], 0);
}

#[test]
fn listen_judges_an_event_as_validate_judges_it_whatever_its_stored_conversation_holds() {
    let create = hookctl::catalogue::EVENTS.iter().find(|e| e.name == "handoff-create").unwrap().fixture();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut doc = create.clone();
        edit(&mut doc);
        doc
    };
    let bodies = [
        create.clone(),
        // Nothing reads inside the stored event: whatever it holds, the event is valid.
        with(&|d| d["payload"]["userConversation"]["event"] = json!({"state": {"deep": [[{"x": null}]]}})),
        // Not an object: invalid, and said with what it is.
        with(&|d| d["payload"]["userConversation"]["event"] = json!(["not", "an", "object"])),
        // An agent event refuses the stored conversation, and shows it as it came: its stored
        // event first, so that the finding's snippet holds it.
        with(&|d| {
            d["resource"] = json!("agent");
            let mut conversation = serde_json::Map::new();
            conversation.insert("event".into(), json!({"text": "shown as it came"}));
            let old = d["payload"]["userConversation"].as_object().unwrap().clone();
            conversation.extend(old.into_iter().filter(|(k, _)| k != "event"));
            d["payload"]["userConversation"] = Value::Object(conversation);
        }),
    ];
    let texts: Vec<String> = bodies.iter().map(Value::to_string).collect();
    let recs = heard_as_validated(&texts);
    for (i, (rec, body)) in recs.iter().zip(&bodies).enumerate() {
        // And as the body judged whole, parsed into a tree with nothing left out.
        let kind = hookctl::catalogue::Kind::BotpressEvent;
        let whole = hookctl::contract::check(kind, body, hookctl::contract::Context::default());
        let whole = serde_json::to_value(&whole).unwrap();
        for key in ["valid", "errors", "warnings"] {
            assert_eq!(rec["verdict"][key], whole[key], "body {i}, {key}, judged whole");
        }
    }
    assert_eq!(
        recs.iter().map(|r| r["verdict"]["valid"] == true).collect::<Vec<_>>(),
        [true, true, false, false]
    );
    let agent = &recs[3]["verdict"]["errors"];
    let shown =
        agent.as_array().unwrap().iter().find(|e| e["pointer"] == "/payload/userConversation").unwrap();
    assert!(shown["found"].as_str().unwrap().contains("shown as it came"), "{shown}");
}

/// Each text posted to a listener, and the records it made of them, each checked to say what
/// `validate` says of the same text in a file: the kind, the verdict and the fields.
fn heard_as_validated(texts: &[String]) -> Vec<Value> {
    let listener = Listener::start(&[]);
    for text in texts {
        assert_eq!(post_raw(&listener.addr, "/hook", text.as_bytes()), 200, "{text}");
    }
    let lines = listener.stop();
    let recs: Vec<Value> = records(&lines).into_iter().cloned().collect();
    assert_eq!(recs.len(), texts.len());
    let dir = tempfile::tempdir().unwrap();
    for (i, (rec, text)) in recs.iter().zip(texts).enumerate() {
        let file = dir.path().join(format!("{i}.json"));
        std::fs::write(&file, text).unwrap();
        let (_, out, err) = run(hookctl().args(["validate", file.to_str().unwrap(), "-o", "json"]));
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
        let file = &report["files"][0];
        for key in ["kind", "valid", "errors", "warnings", "fields"] {
            let heard = if key == "kind" { &rec["kind"] } else { &rec["verdict"][key] };
            assert_eq!(heard, &file[key], "text {i}, {key}: {text}");
        }
    }
    recs
}

#[test]
fn listen_judges_an_event_as_validate_judges_it_however_its_text_is_written() {
    let create = hookctl::catalogue::EVENTS.iter().find(|e| e.name == "handoff-create").unwrap().fixture();
    let compact = create.to_string();
    let edit = |from: &str, to: &str| {
        let text = compact.replacen(from, to, 1);
        assert_ne!(text, compact, "{from}");
        text
    };
    let texts = [
        compact.clone(),
        serde_json::to_string_pretty(&create).unwrap().replace('\n', "\r\n\t"),
        // A key twice: the later value is the one judged.
        edit(r#""status":"pending""#, r#""status":"assigned","status":"pending""#),
        edit(r#""status":"pending""#, r#""status":"pending","status":"assigned""#),
        // Escapes are what they stand for, in the fields too.
        edit(r#""userThreadId":"f0"#, r#""userThreadId":"\u0066\u0030"#),
        // 42.0 is not the handoff's id 42.
        edit(r#""id":42,"#, r#""id":42.0,"#),
    ];
    let recs = heard_as_validated(&texts);
    let valid: Vec<bool> = recs.iter().map(|r| r["verdict"]["valid"] == true).collect();
    assert_eq!(valid, [true, true, true, false, true, false]);
    assert_eq!(recs[4]["verdict"]["fields"]["userThreadId"], create["payload"]["userThreadId"]);
    assert_eq!(recs[3]["verdict"]["errors"][0]["pointer"], "/payload/status");
    assert_eq!(recs[5]["verdict"]["errors"][0]["pointer"], "/id");
}
