//! `hookctl test` and `hookctl init`: suites against real servers, reports, and broken suites.

mod common;

use std::time::Duration;

use common::{Listener, Reply, Server, closed_port, fixture_path, hookctl, run};
use serde_json::{Value, json};

const EVA: &str = "fixtures/suites/eva-webhook.toml";
const BOTPRESS: &str = "fixtures/suites/botpress-receiver.toml";

fn test_json(args: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = run(hookctl().arg("test").args(args).args(["-o", "json"]));
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, report, err)
}

fn case<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn suite(name: &str) -> String {
    fixture_path(name).to_string_lossy().into_owned()
}

#[test]
fn the_example_suites_pass_against_the_listen_mock() {
    let listener = Listener::start(&[]);
    for s in [EVA, BOTPRESS] {
        let (code, report, err) = test_json(&[&suite(s), "--url", &listener.url]);
        assert_eq!(code, 0, "{s}: {report:#}\n{err}");
        assert_eq!(report["summary"]["failed"], 0);
        assert!(report["summary"]["cases"].as_u64().unwrap() >= 4);
    }
    listener.stop();
}

/// An eva webhook that answers service cells with `option` and echoes transactional answers,
/// with `mangle` applied to the answer.
fn eva_server(option: &'static str, mangle: fn(&mut Value)) -> Server {
    Server::start(move |_, req| {
        let mut resp = json!({
            "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"]
        });
        if req.get("expectedOptions").is_some() {
            resp["option"] = json!(option);
        } else {
            resp["answer"] = req["answer"].clone();
        }
        mangle(&mut resp);
        Reply::json(200, resp)
    })
}

#[test]
fn a_wrong_option_fails_the_option_cases() {
    let server = eva_server("MAYBE", |_| {});
    let (code, report, _) = test_json(&[&suite(EVA), "--url", &server.url()]);
    assert_eq!(code, 1);
    let c = case(&report, "service cell picks one of the offered options");
    assert_eq!(c["passed"], false);
    let option = c["failures"].as_array().unwrap().iter().find(|f| f["expectation"] == "option").unwrap();
    assert_eq!(option["expected"], "one of CLIENT, NOT_CLIENT");
    assert_eq!(option["found"], "\"MAYBE\"");
    assert!(
        c["failures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["expectation"].as_str().unwrap().starts_with("valid eva-service-response at /option"))
    );
    assert_eq!(case(&report, "transactional answer comes back well formed")["passed"], true);
}

#[test]
fn an_invalid_answer_fails_the_answer_case() {
    let server = eva_server("CLIENT", |r| {
        if r.get("answer").is_some() {
            r["answer"]["template"] = json!("CAROUSEL");
            r["answer"]["content"]["type"] = json!("CAROUSEL");
        }
    });
    let (code, report, _) = test_json(&[&suite(EVA), "--url", &server.url()]);
    assert_eq!(code, 1);
    let c = case(&report, "transactional answer comes back well formed");
    let fails: Vec<&str> =
        c["failures"].as_array().unwrap().iter().map(|f| f["expectation"].as_str().unwrap()).collect();
    assert!(fails.contains(&"valid eva-answer-response at /answer/content/content"), "{fails:?}");
    assert!(fails.contains(&"field /answer/template"), "{fails:?}");
    assert!(
        c["request"].is_object() && c["response"].is_object(),
        "a failed case shows what was sent and answered"
    );
    assert_eq!(case(&report, "service cell picks one of the offered options")["passed"], true);
}

#[test]
fn a_500_fails_every_case_with_the_status() {
    let server = Server::start(|_, _| Reply::json(500, json!({"error": "down"})));
    let (code, out, _) = run(hookctl().arg("test").arg(suite(BOTPRESS)).args(["--url", &server.url()]));
    assert_eq!(code, 1);
    assert!(out.contains("status: expected 2xx, found 500"), "{out}");
    assert!(out.contains("step 1 agent-online: status"), "{out}");
    assert!(out.contains("FAILED"));
}

#[test]
fn a_slow_answer_fails_on_latency_or_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("slow.toml");
    std::fs::write(&s, "[[case]]\nname = \"fast enough\"\nevent = \"agent-online\"\nexpect = { max_latency_ms = 100 }\n\n[[case]]\nname = \"times out\"\nevent = \"agent-offline\"\ntimeout = 0.2\n").unwrap();
    let server =
        Server::start(|_, _| Reply { status: 200, body: b"{}".to_vec(), delay: Duration::from_millis(400) });
    let (code, report, _) = test_json(&[s.to_str().unwrap(), "--url", &server.url()]);
    assert_eq!(code, 3, "a timeout is a transport error: {report:#}");
    let slow = case(&report, "fast enough");
    assert_eq!(slow["failures"][0]["expectation"], "max_latency_ms");
    assert_eq!(slow["failures"][0]["expected"], "at most 100 ms");
    assert!(case(&report, "times out")["error"].as_str().unwrap().starts_with("timeout"));
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["summary"]["failed"], 1);
}

#[test]
fn junit_report_has_the_right_counts() {
    let server = eva_server("MAYBE", |_| {});
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let (code, _, _) =
        run(hookctl().arg("test").arg(suite(EVA)).args(["--url", &server.url(), "--junit"]).arg(&junit));
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("4"));
    assert_eq!(root.attribute("failures"), Some("3"), "three cases see the wrong option");
    assert_eq!(root.attribute("errors"), Some("0"));
    let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(failures.len(), 3);
    assert!(failures[0].attribute("message").unwrap().contains("MAYBE"));
    // A transport error is an <error>.
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, _, _) =
        run(hookctl().arg("test").arg(suite(EVA)).args(["--url", &url, "--junit"]).arg(&junit));
    assert_eq!(code, 3);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("errors"), Some("4"));
}

#[test]
fn invalid_suites_exit_2_with_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unknown-key.toml",
            "[[case]]\nname = \"a\"\nevent = \"agent-online\"\nexpekt = { status = 200 }\n",
            ":4:",
            "expekt",
        ),
        (
            "bad-regex.toml",
            "[defaults]\nurl = \"http://127.0.0.1:9/\"\n\n[[case]]\nname = \"a\"\nevent = \"eva-answer\"\n[case.expect]\nanswer_matches = \"(unclosed\"\n",
            ":8:",
            "answer_matches",
        ),
        (
            "unknown-event.toml",
            "[defaults]\nurl = \"http://127.0.0.1:9/\"\n[[case]]\nname = \"a\"\nevent = \"handoff-creat\"\n",
            ":5:",
            "did you mean 'handoff-create'",
        ),
        ("no-url.toml", "[[case]]\nname = \"lonely\"\nevent = \"agent-online\"\n", ":1:", "no url"),
        (
            "bad-status.toml",
            "[defaults]\nurl = \"http://127.0.0.1:9/\"\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\nexpect = { status = \"9xx\" }\n",
            ":6:",
            "expect.status",
        ),
        ("not-toml.toml", "[[case]\nname = ", ":1:", "TOML"),
        (
            "option-on-botpress.toml",
            "[defaults]\nurl = \"http://127.0.0.1:9/\"\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\nexpect = { option = \"X\" }\n",
            "",
            "expect.option applies to eva-service",
        ),
    ];
    for (file, content, line, needle) in cases {
        let path = dir.path().join(file);
        std::fs::write(&path, content).unwrap();
        let (code, out, err) = run(hookctl().arg("test").arg(&path).env_remove("HOOKCTL_URL"));
        assert_eq!(code, 2, "{file}: {err}");
        assert!(out.is_empty(), "{file}: nothing runs");
        assert_eq!(err.lines().count(), 1, "{file}: one line: {err}");
        assert!(err.contains(&format!("{file}{line}")), "{file}: names file and line: {err}");
        assert!(err.to_lowercase().contains(&needle.to_lowercase()), "{file}: names the key: {err}");
    }
    let (code, _, err) = run(hookctl().args(["test", "/nonexistent/suite.toml"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/suite.toml"));
}

#[test]
fn env_values_are_substituted_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("env.toml");
    std::fs::write(
        &s,
        "[defaults]\nurl = \"${HOOKCTL_TEST_URL}\"\nheaders = { X-Webhook-Key = \"${HOOKCTL_TEST_KEY}\" }\n\n[[case]]\nname = \"keyed\"\nevent = \"eva-service\"\n[case.set]\ntext = \"my key is ${HOOKCTL_TEST_KEY}\"\n[case.expect]\nstatus = 201\n",
    )
    .unwrap();
    let server = Server::ok();
    let junit = dir.path().join("j.xml");
    let (code, out, err) = run(hookctl()
        .arg("test")
        .arg(&s)
        .arg("--junit")
        .arg(&junit)
        .env("HOOKCTL_TEST_URL", server.url())
        .env("HOOKCTL_TEST_KEY", "k-93f2a1"));
    assert_eq!(code, 1, "200 is not the expected 201: {out}{err}");
    let got = &server.requests()[0];
    assert_eq!(got.header("x-webhook-key"), Some("k-93f2a1"), "substituted on the wire");
    assert_eq!(got.json()["text"], "my key is k-93f2a1");
    let xml = std::fs::read_to_string(&junit).unwrap();
    for text in [&out, &err, &xml] {
        assert!(!text.contains("k-93f2a1"), "masked: {text}");
    }
    let (_, json_out, _) = run(hookctl()
        .arg("test")
        .arg(&s)
        .args(["-o", "json"])
        .env("HOOKCTL_TEST_URL", server.url())
        .env("HOOKCTL_TEST_KEY", "k-93f2a1"));
    assert!(!json_out.contains("k-93f2a1"));
    let report: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(report["cases"][0]["request"]["text"], "my key is ${HOOKCTL_TEST_KEY}");
    let (code, _, err) =
        run(hookctl().arg("test").arg(&s).env_remove("HOOKCTL_TEST_URL").env("HOOKCTL_TEST_KEY", "k-93f2a1"));
    assert_eq!(code, 2);
    assert!(err.contains("env.toml:2") && err.contains("HOOKCTL_TEST_URL is not set"), "{err}");
}

#[test]
fn init_writes_a_suite_that_runs_green_against_the_listener() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("starter.toml");
    let (code, _, _) = run(hookctl().arg("init").arg(&path));
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&path).unwrap();
    for e in hookctl::catalogue::EVENTS {
        assert!(text.contains(&format!("event = \"{}\"", e.name)), "{} in the starter", e.name);
    }
    let (code, _, err) = run(hookctl().arg("init").arg(&path));
    assert_eq!(code, 2, "no overwrite without --force");
    assert!(err.contains("--force"));
    let listener = Listener::start(&[]);
    let (code, report, err) = test_json(&[path.to_str().unwrap(), "--url", &listener.url]);
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["summary"]["cases"], hookctl::catalogue::EVENTS.len() + 1);
    listener.stop();
    // `test --init` is the same.
    let other = dir.path().join("other.toml");
    let (code, _, _) = run(hookctl().args(["test", "--init"]).arg(&other));
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&other).unwrap(), text);
}

#[test]
fn filter_and_jobs() {
    let listener = Listener::start(&[]);
    let (code, report, _) =
        test_json(&[&suite(BOTPRESS), "--url", &listener.url, "--filter", "tag", "-j", "1"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["cases"], 1);
    let (code, _, err) =
        run(hookctl().arg("test").arg(suite(BOTPRESS)).args(["--url", &listener.url, "--filter", "zzz"]));
    assert_eq!(code, 2);
    assert!(err.contains("zzz"));
    listener.stop();
}

#[test]
fn an_unwritable_junit_path_still_shows_the_results() {
    let listener = Listener::start(&[]);
    let (code, out, err) = run(hookctl().arg("test").arg(suite(BOTPRESS)).args([
        "--url",
        &listener.url,
        "--junit",
        "/nonexistent/dir/junit.xml",
    ]));
    listener.stop();
    assert_eq!(code, 2);
    assert!(out.contains("PASSED"), "the results are printed: {out}");
    assert!(err.contains("--junit /nonexistent/dir/junit.xml") && err.lines().count() == 1, "{err}");
}

#[test]
fn a_bad_url_from_the_environment_is_not_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("env-url.toml");
    std::fs::write(&s, "[defaults]\nurl = \"${HOOKCTL_TEST_SECRET_URL}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n")
        .unwrap();
    let (code, _, err) = run(hookctl()
        .arg("test")
        .arg(&s)
        .env("HOOKCTL_TEST_SECRET_URL", "ftp://user:pa55w0rd@example.test/hook"));
    assert_eq!(code, 2);
    assert!(err.contains("unsupported scheme"), "{err}");
    assert!(!err.contains("pa55w0rd") && err.contains("${HOOKCTL_TEST_SECRET_URL}"), "{err}");
}
