//! `hookctl test` and `hookctl init`: suites against real servers, reports, and broken suites.

mod common;

use std::time::Duration;

use common::{Listener, Reply, Server, closed_port, fixture_path, hookctl, run};
use serde_json::{Value, json};

const EVA: &str = "fixtures/suites/eva-webhook.toml";
const BOTPRESS: &str = "fixtures/suites/botpress-receiver.toml";

fn test_json<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, Value, String) {
    let (code, out, err) = run(hookctl().arg("test").args(args).args(["-o", "json"]));
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, report, err)
}

/// The eva example suite, with both its targets at `url`.
fn eva_suite_at(url: &str) -> Vec<String> {
    let mut args = vec![suite(EVA)];
    for target in ["eva-service", "eva-answer"] {
        args.extend(["--target".to_string(), format!("{target}={url}")]);
    }
    args
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
    let service = format!("eva-service={}/eva/service", listener.url);
    let answer = format!("eva-answer={}/eva/answer", listener.url);
    for (s, to) in
        [(EVA, ["--target", &service, "--target", &answer]), (BOTPRESS, ["--url", &listener.url, "", ""])]
    {
        let mut args = vec![suite(s)];
        args.extend(to.iter().filter(|a| !a.is_empty()).map(|a| a.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, report, err) = test_json(&args);
        assert_eq!(code, 0, "{s}: {report:#}\n{err}");
        assert_eq!(report["summary"]["failed"], 0);
        let written = std::fs::read_to_string(suite(s)).unwrap().lines().filter(|l| *l == "[[case]]").count();
        assert_eq!(report["summary"]["cases"], written, "{s}: every case ran");
        assert_eq!(report["summary"]["passed"], written, "{s}");
        // With no url they run against the built-in receiver, which answers as `listen` does.
        let (code, report, err) = test_json(&[&suite(s)]);
        assert_eq!(code, 0, "{s}: {report:#}\n{err}");
        assert_eq!(report["summary"]["builtin_receiver"], report["summary"]["cases"]);
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
    let (code, report, _) = test_json(&eva_suite_at(&server.url()));
    assert_eq!(code, 1);
    let c = case(&report, "service cell picks one of the options it offers");
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
    let (code, report, _) = test_json(&eva_suite_at(&server.url()));
    assert_eq!(code, 1);
    let c = case(&report, "transactional answer comes back well formed");
    let fails: Vec<&str> =
        c["failures"].as_array().unwrap().iter().map(|f| f["expectation"].as_str().unwrap()).collect();
    assert!(fails.contains(&"valid eva-answer-response at /answer/content/content"), "{fails:?}");
    assert!(fails.contains(&"field /answer/template"), "{fails:?}");
    assert!(
        c["request_body"].is_object() && c["response_body"].is_object(),
        "a failed case shows what was sent and answered"
    );
    assert_eq!(case(&report, "service cell picks one of the options it offers")["passed"], true);
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
    let server = Server::start(|_, _| Reply { delay: Duration::from_millis(400), ..Reply::raw(200, "{}") });
    let (code, report, _) = test_json(&[s.to_str().unwrap(), "--url", &server.url()]);
    assert_eq!(code, 3, "a timeout is a transport error: {report:#}");
    let slow = case(&report, "fast enough");
    assert_eq!(slow["failures"][0]["expectation"], "max_latency_ms");
    assert_eq!(slow["failures"][0]["expected"], "at most 100 ms");
    assert!(case(&report, "times out")["error"].as_str().unwrap().starts_with("timeout"));
    assert_eq!(report["summary"]["transport_errors"], 1);
    assert_eq!(report["summary"]["failed"], 1);
}

#[test]
fn junit_report_has_the_right_counts() {
    let server = eva_server("MAYBE", |_| {});
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let (code, _, _) =
        run(hookctl().arg("test").args(eva_suite_at(&server.url())).arg("--junit").arg(&junit));
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
    let (code, _, _) = run(hookctl().arg("test").args(eva_suite_at(&url)).arg("--junit").arg(&junit));
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
        (
            "bad-url.toml",
            "[defaults]\nurl = \"htp://localhost:3000/hook\"\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n",
            ":2:",
            "defaults.url",
        ),
        (
            "bad-reference.toml",
            "[[case]]\nname = \"a\"\nevent = \"agent-online\"\nurl = \"${HOOKCTL_T_URL-http://127.0.0.1:9/}\"\n",
            ":4:",
            "${NAME:-default}",
        ),
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
    let (code, json_out, _) = run(hookctl()
        .arg("test")
        .arg(&s)
        .args(["-o", "json"])
        .env("HOOKCTL_TEST_URL", server.url())
        .env("HOOKCTL_TEST_KEY", "k-93f2a1"));
    assert_eq!(code, 1, "200 is not the expected 201: {json_out}");
    assert!(!json_out.contains("k-93f2a1"));
    let report: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(report["cases"][0]["request_body"]["text"], "my key is ${HOOKCTL_TEST_KEY}");
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
    let cases = hookctl::catalogue::EVENTS.len() + 1;
    let listener = Listener::start(&[]);
    let mut args = vec![path.to_str().unwrap().to_string()];
    for target in ["botpress", "eva-service", "eva-answer"] {
        args.extend(["--target".to_string(), format!("{target}={}", listener.url)]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, report, err) = test_json(&args);
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["summary"]["cases"], cases);
    assert_eq!(report["summary"]["builtin_receiver"], 0);
    // The urls the starter reads from its variables, as the README's CI recipe sets them.
    let (code, out, err) = run(hookctl()
        .arg("test")
        .arg(&path)
        .args(["-o", "json"])
        .env("BOTPRESS_WEBHOOK_URL", &listener.url)
        .env("EVA_SERVICE_URL", &listener.url)
        .env("EVA_ANSWER_URL", &listener.url));
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["builtin_receiver"], 0, "the variables are used: {err}");
    let seen = listener.stop().into_iter().filter(|r| r.get("method").is_some()).count();
    assert!(seen > 2 * cases, "both runs reached the listener: {seen} requests");
    // And with nothing else running, against the built-in receiver.
    let (code, report, err) = test_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["summary"]["passed"], cases);
    assert_eq!(report["summary"]["builtin_receiver"], cases);
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
    // A variable that holds a whole url is shown as a url is: its password redacted.
    assert!(!err.contains("pa55w0rd") && err.contains("ftp://user:<redacted>@example.test/hook"), "{err}");
}

/// A suite with one case per source of url: its own, the defaults', and an own url that comes out
/// empty (and so falls back to the defaults').
fn precedence_suite(dir: &std::path::Path, defaults: &Server, own: &Server) -> std::path::PathBuf {
    let path = dir.join("where.toml");
    std::fs::write(
        &path,
        format!(
            "[defaults]\nurl = \"{}\"\n\n[[case]]\nname = \"own url\"\nevent = \"agent-online\"\nurl = \"{}\"\n\n[[case]]\nname = \"defaults url\"\nevent = \"agent-offline\"\n\n[[case]]\nname = \"empty own url\"\nevent = \"handoff-create\"\nurl = \"${{HOOKCTL_T_UNSET_URL:-}}\"\n",
            defaults.url(),
            own.url()
        ),
    )
    .unwrap();
    path
}

fn events(server: &Server) -> Vec<String> {
    let mut seen: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            let b = r.json();
            format!(
                "{}/{}",
                b["resource"].as_str().unwrap(),
                b["payload"]["online"].as_bool().map_or("-".into(), |o| o.to_string())
            )
        })
        .collect();
    seen.sort();
    seen
}

#[test]
fn a_global_url_overrides_a_suite_with_one_target_and_is_refused_for_several() {
    let dir = tempfile::tempdir().unwrap();
    let (defaults, own, env, flag) = (Server::ok(), Server::ok(), Server::ok(), Server::ok());
    let path = precedence_suite(dir.path(), &defaults, &own);
    let test = |path: &std::path::Path| {
        let mut cmd = hookctl();
        cmd.arg("test").arg(path).args(["-o", "json"]).env_remove("HOOKCTL_T_UNSET_URL");
        cmd
    };

    // The suite alone: a case's url, else the defaults' (an own url that comes out empty too).
    let (code, out, err) = run(&mut test(&path));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(events(&own), ["agent/true"]);
    assert_eq!(events(&defaults), ["agent/false", "handoff/-"]);

    // Two targets (the defaults' and a case's own url): --url and HOOKCTL_URL are refused, with
    // the targets named and how to set each; nothing is sent.
    let (code, out, err) = run(test(&path).args(["--url", &flag.url()]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--url applies to a suite with one target, and ")
            && err.contains("where.toml sends to 3"),
        "{err}"
    );
    assert!(err.contains("default, case 'own url', case 'empty own url' (HOOKCTL_T_UNSET_URL)"), "{err}");
    assert!(err.contains("--target NAME=URL"), "{err}");
    let (code, _, err) = run(test(&path).env("HOOKCTL_URL", env.url()));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("HOOKCTL_URL applies to a suite with one target") && err.contains("unset HOOKCTL_URL"),
        "{err}"
    );
    assert!(flag.requests().is_empty() && env.requests().is_empty());

    // A suite with one target: HOOKCTL_URL wins over its url, and --url over HOOKCTL_URL.
    let single = dir.path().join("single.toml");
    std::fs::write(
        &single,
        format!(
            "[defaults]\nurl = \"{}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n\n[[case]]\nname = \"b\"\nevent = \"agent-offline\"\n",
            defaults.url()
        ),
    )
    .unwrap();
    let (code, out, err) = run(test(&single).env("HOOKCTL_URL", env.url()));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(events(&env), ["agent/false", "agent/true"]);
    assert_eq!(defaults.requests().len(), 2, "the suite's url lost to HOOKCTL_URL");
    let (code, out, err) = run(test(&single).env("HOOKCTL_URL", env.url()).args(["--url", &flag.url()]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(events(&flag), ["agent/false", "agent/true"]);
    assert_eq!(env.requests().len(), 2, "HOOKCTL_URL lost to --url");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["builtin_receiver"], 0);

    // A bad HOOKCTL_URL is named as such.
    let (code, _, err) = run(test(&single).env("HOOKCTL_URL", "ftp://example.test/hook"));
    assert_eq!(code, 2);
    assert!(err.starts_with("error: HOOKCTL_URL 'ftp://") && err.lines().count() == 1, "{err}");
}

#[test]
fn variables_take_shell_defaults_which_are_not_masked() {
    let dir = tempfile::tempdir().unwrap();
    let (fallback, chosen) = (Server::ok(), Server::ok());
    let path = dir.path().join("vars.toml");
    std::fs::write(
        &path,
        format!(
            "[defaults]\nurl = \"${{HOOKCTL_T_URL:-{}}}\"\nheaders = {{ Authorization = \"Bearer ${{HOOKCTL_T_TOKEN:-}}\", X-Literal = \"$${{NOT_A_VARIABLE}}\" }}\n\n[[case]]\nname = \"named\"\nevent = \"eva-service\"\n[case.set]\ntext = \"I am ${{HOOKCTL_T_NAME:-Ana Lima}}\"\n[case.expect]\nstatus = 201\n",
            fallback.url()
        ),
    )
    .unwrap();
    let test = |vars: &[(&str, &str)]| {
        let mut cmd = hookctl();
        cmd.arg("test").arg(&path).args(["-o", "json"]);
        for name in ["HOOKCTL_T_URL", "HOOKCTL_T_TOKEN", "HOOKCTL_T_NAME"] {
            cmd.env_remove(name);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 1, "200 is not the expected 201: {out}\n{err}");
        (serde_json::from_str::<Value>(&out).unwrap(), out)
    };

    // Unset: the defaults, shown as they are (they are not secrets); an empty bearer is not sent.
    let (report, _) = test(&[]);
    let got = &fallback.requests()[0];
    assert_eq!(got.json()["text"], "I am Ana Lima");
    assert_eq!(got.header("authorization"), None, "no token, no Authorization header");
    assert_eq!(got.header("x-literal"), Some("${NOT_A_VARIABLE}"), "$${{ is a literal ${{");
    assert_eq!(report["cases"][0]["request_body"]["text"], "I am Ana Lima");

    // Set but empty: the defaults too, as in a shell.
    test(&[("HOOKCTL_T_URL", ""), ("HOOKCTL_T_NAME", ""), ("HOOKCTL_T_TOKEN", "")]);
    assert_eq!(fallback.requests().len(), 2);
    assert_eq!(fallback.requests()[1].json()["text"], "I am Ana Lima");
    assert_eq!(fallback.requests()[1].header("authorization"), None);

    // Set: the environment's values, on the wire, masked in the report.
    let (report, out) = test(&[
        ("HOOKCTL_T_URL", &chosen.url()),
        ("HOOKCTL_T_NAME", "Zed-8812"),
        ("HOOKCTL_T_TOKEN", "t-4471"),
    ]);
    assert_eq!(fallback.requests().len(), 2, "the environment's url wins over the default");
    let got = &chosen.requests()[0];
    assert_eq!(got.json()["text"], "I am Zed-8812");
    assert_eq!(got.header("authorization"), Some("Bearer t-4471"));
    assert!(!out.contains("Zed-8812") && !out.contains("t-4471"), "{out}");
    assert_eq!(report["cases"][0]["request_body"]["text"], "I am ${HOOKCTL_T_NAME}");
}

#[test]
fn with_no_url_anywhere_cases_run_against_the_built_in_receiver_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bare.toml");
    std::fs::write(
        &path,
        "[[case]]\nname = \"no url at all\"\nevent = \"eva-service\"\nexpect = { option = \"CLIENT\" }\n\n[[case]]\nname = \"an empty url\"\nevent = \"handoff-create\"\nurl = \"${HOOKCTL_T_UNSET_URL:-}\"\ntimeout = 3\n\n[[case]]\nname = \"a whole life\"\nscenario = \"handoff-lifecycle\"\n",
    )
    .unwrap();
    let test = || {
        let mut cmd = hookctl();
        cmd.arg("test").arg(&path).env_remove("HOOKCTL_T_UNSET_URL");
        cmd
    };
    let (code, out, err) = run(test().args(["-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["passed"], 3);
    assert_eq!(report["summary"]["builtin_receiver"], 3);
    assert!(report["cases"].as_array().unwrap().iter().all(|c| c["builtin_receiver"] == true));
    assert_eq!(err.matches("built-in receiver").count(), 1, "said once: {err}");
    assert!(err.contains("no url for 3 of 3 cases"), "{err}");

    // In text, on the verdict line; in JUnit, on every case.
    let junit = dir.path().join("j.xml");
    let (code, out, _) = run(test().arg("--junit").arg(&junit));
    assert_eq!(code, 0);
    assert!(out.contains("PASSED  (against hookctl's built-in receiver, not your server)"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 3);
    for c in cases {
        assert!(
            c.descendants().any(|p| p.has_tag_name("property")
                && p.attribute("name") == Some("receiver")
                && p.attribute("value") == Some("built-in")),
            "{xml}"
        );
    }

    // With a url, none of that. The suite has two targets (the defaults' and a case's own), so
    // --url is refused; the defaults' target takes every case, the empty own url falling to it.
    let server = Server::ok();
    let (code, _, err) = run(test().args(["--url", &server.url()]));
    assert_eq!(code, 2, "{err}");
    let target = format!("default={}", server.url());
    let (code, out, err) = run(test().args(["-o", "json", "--target", &target]));
    assert_eq!(code, 1, "the server's {{}} is no eva answer: {out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["builtin_receiver"], 0);
    assert!(report["cases"].as_array().unwrap().iter().all(|c| c["builtin_receiver"] == false));
    assert!(!err.contains("built-in"), "{err}");
}

#[test]
fn test_without_a_suite_runs_hookctl_toml_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(hookctl().arg("test").current_dir(dir.path()));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("hookctl.toml") && err.contains("hookctl init"), "{err}");

    let (code, _, err) = run(hookctl().arg("init").current_dir(dir.path()));
    assert_eq!(code, 0);
    assert!(err.contains("Run it: hookctl test "), "{err}");
    let server = Server::ok();
    let (code, out, err) = run(hookctl()
        .args(["test", "-o", "json", "--filter", "handoff-", "--url", &server.url()])
        .current_dir(dir.path()));
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["cases"][0]["suite"], "hookctl.toml");
    let handoffs = hookctl::catalogue::EVENTS.iter().filter(|e| e.name.starts_with("handoff-")).count();
    assert_eq!(report["summary"]["cases"], handoffs);
    assert!(server.requests().len() >= handoffs);
}

#[test]
fn a_tag_edit_case_is_delivered_as_botpress_delivers_it() {
    // Botpress sends a tag edit twice; an idempotent case delivers all of that once more.
    let dir = tempfile::tempdir().unwrap();
    for (expect, deliveries) in [("", 2), ("expect = { idempotent = true }\n", 4)] {
        let path = dir.path().join("tags.toml");
        std::fs::write(&path, format!("[[case]]\nname = \"tags\"\nevent = \"handoff-tags\"\n{expect}"))
            .unwrap();
        let server = Server::start(|n, _| Reply::json(if n == 1 { 500 } else { 200 }, json!({})));
        let (code, report, err) = test_json(&[path.to_str().unwrap(), "--url", &server.url()]);
        assert_eq!(code, 1, "the second delivery was refused: {report:#}\n{err}");
        let reqs = server.requests();
        assert_eq!(reqs.len(), deliveries, "{expect}");
        assert!(reqs.iter().all(|r| r.body == reqs[0].body), "the same bytes every time");
        let failures = case(&report, "tags")["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 1, "{failures:#?}");
        let what = failures[0]["expectation"].as_str().unwrap();
        assert!(
            what.starts_with("status (delivery ") && what.ends_with(&format!("of {deliveries})")),
            "{what}"
        );
    }
}
