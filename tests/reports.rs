//! hookctl's JSON reports, run as the real binary against real servers and listeners: each opens
//! with the format's version, and matches the JSON Schema `hookctl schema --report NAME` prints,
//! when a run passes, when it fails the contract and when it cannot reach its target.

mod common;

use std::collections::BTreeMap;

use common::{Listener, Reply, Server, closed_port, error_line, hookctl, post_raw, run, tools};
use serde_json::{Value, json};

const NAMES: [&str; 8] = ["list", "validate", "send", "load", "scenario", "listen-line", "replay", "test"];

fn schema(name: &str) -> Value {
    let (code, out, err) = run(hookctl().args(["schema", "--report", name]));
    assert_eq!(code, 0, "{name}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Why `report` does not match the schema of the report `name`, one line per error.
fn errors(name: &str, report: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema(name))
        .unwrap();
    validator.iter_errors(report).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// A report as printed: JSON, the format's version first, and valid against its schema.
fn checked(name: &str, text: &str) -> Value {
    let report: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {text}"));
    let first = report.as_object().and_then(|o| o.iter().next());
    assert_eq!(first, Some((&"hookctl".to_string(), &json!({"format": 1}))), "{name}: {text}");
    assert_eq!(errors(name, &report), Vec::<String>::new(), "{name}: {report:#}");
    report
}

/// `hookctl ARGS -o json`: its exit code and its report, checked.
fn report(name: &str, args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(hookctl().args(args).args(["-o", "json"]));
    assert!(!out.is_empty(), "{args:?} printed nothing: {err}");
    (code, checked(name, &out))
}

/// A webhook that fails every request with `status`, its body a JSON object.
fn failing(status: u16) -> Server {
    Server::start(move |_, _| Reply::json(status, json!({"error": "down"})))
}

/// A webhook that answers every event well, eva's with a valid answer: `hookctl listen`.
fn good() -> Listener {
    Listener::start(&[])
}

#[test]
fn every_report_schema_is_valid_json_schema_2020_12() {
    for name in NAMES {
        let schema = schema(name);
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        jsonschema::draft202012::meta::validate(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // The check is not vacuous: a schema that breaks the meta-schema is caught.
    let mut broken = schema("send");
    broken["required"] = json!("hookctl");
    assert!(jsonschema::draft202012::meta::validate(&broken).is_err());
}

#[test]
fn an_outside_validator_accepts_the_schemas_and_the_reports_they_describe() {
    let Some(tool) =
        tools::ready(tools::pip("check-jsonschema==0.33.0", "check-jsonschema"), "check-jsonschema")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::ok();
    let (_, out, _) = run(hookctl().args(["send", "handoff-tags", "--url", &server.url(), "-o", "json"]));
    let report = dir.path().join("send.json");
    std::fs::write(&report, out).unwrap();
    let schema = dir.path().join("send.schema.json");
    std::fs::write(&schema, schema_text("send")).unwrap();
    let check = |args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(&tool).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, out) = check(&["--check-metaschema".as_ref(), schema.as_os_str()]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = check(&["--schemafile".as_ref(), schema.as_os_str(), report.as_os_str()]);
    assert_eq!(code, Some(0), "{out}");
    // And it fails a report with a member renamed.
    let mut renamed: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let passed = renamed.as_object_mut().unwrap().remove("passed").unwrap();
    renamed["ok"] = passed;
    std::fs::write(&report, renamed.to_string()).unwrap();
    let (code, out) = check(&["--schemafile".as_ref(), schema.as_os_str(), report.as_os_str()]);
    assert_eq!(code, Some(1), "{out}");
}

fn schema_text(name: &str) -> String {
    run(hookctl().args(["schema", "--report", name])).1
}

#[test]
fn schema_report_without_a_name_or_with_a_bad_one_lists_the_names() {
    let (code, out, err) = run(hookctl().args(["schema", "--report"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(
        error_line(&err),
        format!("error: --report needs the name of a report, one of: {}", NAMES.join(", "))
    );
    let (code, out, err) = run(hookctl().args(["schema", "--report", "lst"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    for name in NAMES {
        assert!(err.contains(name), "{name} not listed: {err}");
    }
    // With a name it prints only the schema, as a kind's schema is printed.
    let (code, _, err) = run(hookctl().args(["schema", "--report", "list", "botpress-event"]));
    assert_eq!(code, 2, "a kind and a report at once: {err}");
}

#[test]
fn list_and_the_scenario_list_are_versioned_objects() {
    let (code, list) = report("list", &["list"]);
    assert_eq!(code, 0);
    assert_eq!(list["events"][0]["name"], "handoff-create");
    assert!(list["events"][0]["description"].is_string(), "{list:#}");
    let (code, scenarios) = report("scenario", &["scenario"]);
    assert_eq!(code, 0);
    assert_eq!(scenarios["scenarios"][0]["name"], "handoff-lifecycle");
}

#[test]
fn validate_reports_match_their_schema_for_valid_invalid_and_unreadable_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (_, event, _) = run(hookctl().args(["show", "handoff-create"]));
    std::fs::write(path("ok.json"), &event).unwrap();
    std::fs::write(path("bad.json"), event.replace("\"pending\"", "\"lost\"")).unwrap();
    std::fs::write(path("garbled.json"), "{not json").unwrap();
    let (code, ok) = report("validate", &["validate", &path("ok.json")]);
    assert_eq!((code, &ok["summary"]["valid"]), (0, &json!(1)));
    let (code, bad) = report("validate", &["validate", &path("ok.json"), &path("bad.json")]);
    assert_eq!((code, &bad["summary"]["invalid"]), (1, &json!(1)));
    let (code, garbled) = report("validate", &["validate", &path("ok.json"), &path("garbled.json")]);
    assert_eq!((code, &garbled["summary"]["unreadable"]), (2, &json!(1)), "{garbled:#}");
    // A file named `unreadable` in place of `error`, or a summary without `valid`, is caught.
    let mut renamed = garbled.clone();
    let file = renamed["files"][1].as_object_mut().unwrap();
    let error = file.remove("error").unwrap();
    file.insert("message".into(), error);
    assert!(!errors("validate", &renamed).is_empty());
    let mut missing = ok.clone();
    missing["summary"].as_object_mut().unwrap().remove("valid");
    assert!(!errors("validate", &missing).is_empty());
}

#[test]
fn send_reports_match_their_schema_passed_failed_unreachable_and_unsent() {
    let botpress = Server::ok();
    let (code, ok) = report("send", &["send", "handoff-tags", "--url", &botpress.url()]);
    assert_eq!((code, ok["repeats"].as_array().map(Vec::len)), (0, Some(1)), "{ok:#}");
    let good = good();
    let (code, answered) = report("send", &["send", "eva-service", "--url", &good.url]);
    assert_eq!(code, 0, "{answered:#}");
    assert!(answered["changes"].is_object() && answered["verdict"]["valid"] == true, "{answered:#}");
    let failing = failing(500);
    let (code, failed) = report("send", &["send", "eva-service", "--url", &failing.url()]);
    assert_eq!((code, &failed["passed"]), (1, &json!(false)));
    let (code, invalid) = report("send", &["send", "eva-answer", "--set", "answer=3", "--url", &good.url]);
    assert_eq!((code, &invalid["request"]["verdict"]["valid"]), (1, &json!(false)), "{invalid:#}");
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, unreachable) = report("send", &["send", "handoff-create", "--url", &closed]);
    assert_eq!(code, 3);
    assert!(unreachable["transport_error"].is_string(), "{unreachable:#}");
    let (code, preview) = report("send", &["send", "handoff-tags", "--dry-run", "--url", &closed]);
    assert_eq!((code, &preview["deliveries"]), (0, &json!(2)));
    let (code, _) = report("send", &["send", "eva-service", "--dry-run", "--print", "curl"]);
    assert_eq!(code, 0);
    let (code, k6) = report("send", &["send", "eva-service", "--print", "k6"]);
    assert!(code == 0 && k6["k6"]["script"].as_str().is_some_and(|s| s.contains("k6/http")), "{k6:#}");
    // A report without `passed`, or with an attempt's latency in seconds, is caught.
    let mut missing = ok.clone();
    missing.as_object_mut().unwrap().remove("passed");
    assert!(!errors("send", &missing).is_empty());
    let mut renamed = ok.clone();
    let attempt = renamed["attempts"][0].as_object_mut().unwrap();
    let latency = attempt.remove("latency_ms").unwrap();
    attempt.insert("latency_s".into(), latency);
    assert!(!errors("send", &renamed).is_empty());
}

#[test]
fn load_reports_match_their_schema_and_count_time_in_milliseconds() {
    let botpress = Server::ok();
    let (code, ok) =
        report("load", &["send", "handoff-create", "--count", "20", "-c", "2", "--url", &botpress.url()]);
    assert_eq!((code, &ok["summary"]["passed"], &ok["passed"]), (0, &json!(20), &json!(true)));
    assert!(ok["elapsed_ms"].as_f64().unwrap() > 0.0 && ok.get("elapsed_s").is_none(), "{ok:#}");
    let failing = failing(500);
    let (code, failed) = report("load", &["send", "eva-service", "--count", "5", "--url", &failing.url()]);
    assert_eq!((code, &failed["summary"]["failed"], &failed["passed"]), (1, &json!(5), &json!(false)));
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, unreachable) =
        report("load", &["send", "handoff-create", "--count", "50", "--max-errors", "3", "--url", &closed]);
    assert_eq!((code, &unreachable["stopped"]), (3, &json!("max_errors")), "{unreachable:#}");
    assert!(unreachable["transport_errors_by_message"].is_object(), "{unreachable:#}");
    // The latency's distribution may come with more percentiles and a histogram; a histogram
    // bucket must say its bound and its count.
    let mut richer = ok.clone();
    richer["latency"]["p75_ms"] = json!(1.5);
    richer["latency"]["histogram"] = json!([{"le_ms": 1.0, "count": 3}, {"le_ms": 2.5, "count": 17}]);
    assert_eq!(errors("load", &richer), Vec::<String>::new());
    richer["latency"]["histogram"] = json!([{"le": 1.0, "count": 3}]);
    assert!(!errors("load", &richer).is_empty());
    let mut old = ok.clone();
    let elapsed = old.as_object_mut().unwrap().remove("elapsed_ms").unwrap();
    old["elapsed_s"] = elapsed;
    assert!(!errors("load", &old).is_empty(), "the old name is refused");
}

#[test]
fn scenario_reports_match_their_schema_with_a_summary_of_the_steps() {
    let botpress = Server::ok();
    let (code, ok) = report("scenario", &["scenario", "handoff-lifecycle", "--url", &botpress.url()]);
    assert_eq!(code, 0);
    assert_eq!(ok["scenario"], "handoff-lifecycle");
    assert_eq!(ok["summary"], json!({"steps": 4, "passed": 4, "failed": 0, "transport_errors": 0}));
    let failing = Server::start(|i, _| Reply::json(if i == 1 { 500 } else { 200 }, json!({})));
    let (code, failed) = report("scenario", &["scenario", "handoff-lifecycle", "--url", &failing.url()]);
    assert_eq!(code, 1);
    assert_eq!(failed["summary"], json!({"steps": 4, "passed": 3, "failed": 1, "transport_errors": 0}));
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, unreachable) = report("scenario", &["scenario", "handoff-lifecycle-expire", "--url", &closed]);
    assert_eq!(code, 3);
    assert_eq!(unreachable["summary"]["transport_errors"], 2);
    let (code, k6) = report("scenario", &["scenario", "handoff-lifecycle", "--print", "k6"]);
    assert!(code == 0 && k6["script"].as_str().is_some_and(|s| s.contains("k6/http")), "{k6:#}");
    // A summary that is a string again, as the story once was, is caught.
    let mut story = ok.clone();
    story["summary"] = ok["description"].clone();
    assert!(!errors("scenario", &story).is_empty());
}

#[test]
fn listen_lines_match_their_schema_for_each_sort_of_request_and_the_summary() {
    let upstream = Server::start(|_, _| Reply::json(202, json!({"seen": true})));
    let forwarding = Listener::start(&["--forward-to", &upstream.url()]);
    let (code, _, err) = run(hookctl().args(["send", "handoff-create", "--url", &forwarding.url]));
    assert_eq!(code, 0, "{err}");
    let listener = Listener::start(&["--require-header", "X-Team"]);
    run(hookctl().args(["send", "handoff-create", "--url", &listener.url]));
    let (code, _, err) =
        run(hookctl().args(["send", "eva-service", "-H", "X-Team: a", "--url", &listener.url]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(post_raw(&listener.addr, "/raw", b"\xff not json"), 401);
    let mut lines = forwarding.stop_text();
    lines.push_str(&listener.stop_text());
    let lines: Vec<Value> = lines.lines().map(|l| checked("listen-line", l)).collect();
    let types: Vec<&Value> = lines.iter().map(|l| &l["type"]).collect();
    assert_eq!(types, ["request", "summary", "request", "request", "request", "summary"], "{lines:#?}");
    assert_eq!(lines[0]["answer"]["forwarded"], true);
    // A forwarded request says where it went, in its answer (and nowhere else); a line without
    // `type` is caught.
    let to = lines[0]["answer"]["forwarded_to"].as_str().unwrap_or_default();
    assert!(to.starts_with(&upstream.url()), "{:#}", lines[0]);
    let mut forwarded = lines[0].clone();
    forwarded["forwarded_to"] = json!(upstream.url());
    assert!(!errors("listen-line", &forwarded).is_empty());
    let mut untyped = lines[2].clone();
    untyped.as_object_mut().unwrap().remove("type");
    assert!(!errors("listen-line", &untyped).is_empty());
}

#[test]
fn replay_reports_match_their_schema_and_name_the_replay_not_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.jsonl");
    let capture = capture.to_str().unwrap();
    let listener = Listener::start(&["--save", capture]);
    for event in ["handoff-create", "eva-service"] {
        let (code, _, err) = run(hookctl().args(["send", event, "--url", &listener.url]));
        assert_eq!(code, 0, "{err}");
    }
    listener.stop();
    let good = good();
    let (code, ok) = report("replay", &["replay", capture, "--url", &good.url]);
    assert_eq!(code, 0, "{ok:#}");
    assert_eq!((ok.get("scenario"), &ok["replay"]), (None, &json!(capture)));
    assert_eq!(ok["summary"], json!({"steps": 2, "passed": 2, "failed": 0, "transport_errors": 0}));
    let failing = failing(500);
    let (code, failed) = report("replay", &["replay", capture, "--url", &failing.url()]);
    assert_eq!((code, &failed["summary"]["failed"]), (1, &json!(2)));
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, unreachable) = report("replay", &["replay", capture, "--url", &closed]);
    assert_eq!((code, &unreachable["summary"]["transport_errors"]), (3, &json!(2)));
    let (code, printed) = report("replay", &["replay", capture, "--print", "curl", "--filter", "1"]);
    assert_eq!(code, 0);
    assert!(printed["requests"][0]["curl"].as_str().is_some_and(|c| c.starts_with("curl ")), "{printed:#}");
    // A line that is no record is listed, and the rest replayed.
    let mut text = std::fs::read_to_string(capture).unwrap();
    text.push_str("not a record\n");
    std::fs::write(capture, text).unwrap();
    let (code, skipped) = report("replay", &["replay", capture, "--url", &good.url]);
    assert_eq!((code, skipped["skipped_lines"].as_array().map(Vec::len)), (2, Some(1)));
    // The replay calling itself a scenario is caught.
    let mut named = ok.clone();
    named.as_object_mut().unwrap().remove("replay");
    named["scenario"] = json!("replay");
    assert!(!errors("replay", &named).is_empty());
}

#[test]
fn test_reports_match_their_schema_passed_failed_and_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("s.toml");
    std::fs::write(
        &suite,
        "[[case]]\nname = \"created\"\nevent = \"handoff-create\"\n\n\
         [[case]]\nname = \"service\"\nevent = \"eva-service\"\n",
    )
    .unwrap();
    let suite = suite.to_str().unwrap();
    let good = good();
    let (code, ok) = report("test", &["test", suite, "--url", &good.url]);
    assert_eq!((code, &ok["summary"]["passed"]), (0, &json!(2)), "{ok:#}");
    let failing = failing(500);
    let (code, failed) = report("test", &["test", suite, "--url", &failing.url()]);
    assert_eq!((code, &failed["summary"]["failed"]), (1, &json!(2)));
    assert!(failed["cases"][0]["response_body"].is_object(), "{failed:#}");
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, unreachable) = report("test", &["test", suite, "--url", &closed]);
    assert_eq!((code, &unreachable["summary"]["transport_errors"]), (3, &json!(2)));
    // The old name of the count of cases that could not reach their target is caught.
    let mut old = unreachable.clone();
    let count = old["summary"].as_object_mut().unwrap().remove("transport_errors").unwrap();
    old["summary"]["errors"] = count;
    assert!(!errors("test", &old).is_empty());
}

/// Every member name in a report, with the JSON type of its values (bodies, fields and maps keyed
/// by data left out: their names are the platforms' or the user's).
fn names(value: &Value, under_summary: bool, into: &mut BTreeMap<String, Vec<&'static str>>) {
    const DATA: [&str; 15] = [
        "body",
        "body_json",
        "request_body",
        "response_body",
        "fields",
        "answer_before",
        "answer_after",
        "technical_text_before",
        "technical_text_after",
        "option",
        "content",
        "statuses",
        "transport_errors_by_message",
        "by_kind",
        "headers",
    ];
    match value {
        Value::Object(map) => {
            for (name, v) in map {
                let kind = match v {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                };
                let key = if under_summary { format!("summary.{name}") } else { name.clone() };
                let kinds = into.entry(key).or_default();
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
                if !DATA.contains(&name.as_str()) {
                    names(v, name == "summary", into);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| names(v, false, into)),
        _ => {}
    }
}

#[test]
fn a_member_name_means_one_thing_in_every_report() {
    let botpress = Server::ok();
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("s.toml");
    std::fs::write(&suite, "[[case]]\nname = \"created\"\nevent = \"handoff-create\"\n").unwrap();
    let suite = suite.to_str().unwrap();
    let url = botpress.url();
    let runs: [(&str, Vec<&str>); 9] = [
        ("send", vec!["send", "handoff-tags", "--url", &url]),
        ("send", vec!["send", "handoff-create", "--url", &closed]),
        ("send", vec!["send", "handoff-create", "--dry-run"]),
        ("load", vec!["send", "handoff-create", "--count", "4", "--url", &url]),
        ("scenario", vec!["scenario", "handoff-full", "--url", &url]),
        ("test", vec!["test", suite, "--url", &url]),
        ("test", vec!["test", suite, "--url", &closed]),
        ("list", vec!["list"]),
        ("scenario", vec!["scenario"]),
    ];
    let mut seen = BTreeMap::new();
    for (name, args) in &runs {
        names(&report(name, args).1, false, &mut seen);
    }
    // Durations are in milliseconds, and say so.
    for (name, kinds) in &seen {
        let word = name.rsplit('.').next().unwrap();
        if !kinds.contains(&"number") {
            continue;
        }
        let timed =
            ["elapsed", "duration", "latency", "waited", "seconds", "secs"].iter().any(|w| word.contains(w));
        assert!(!timed || word.ends_with("_ms"), "{name} is a duration not in milliseconds");
        assert!(!word.ends_with("_s"), "{name} is in seconds");
    }
    // A summary is an object of counts wherever it appears, and the same count has one name.
    assert_eq!(seen["summary"], ["object"]);
    for (name, kinds) in &seen {
        if let Some(count) = name.strip_prefix("summary.") {
            assert_eq!(kinds, &["number"], "summary.{count}");
        }
    }
    for (name, meaning) in
        [("errors", "array"), ("verdict", "object"), ("checks", "array"), ("description", "string")]
    {
        assert_eq!(seen[name], [meaning], "{name}: {seen:#?}");
    }
    assert_eq!(seen["summary.transport_errors"], ["number"]);
    assert!(!seen.contains_key("summary.errors"), "the count of transport errors has one name");
}
