//! Verdicts at the edges: kind detection for broken documents, what could not be checked, the
//! hiddenContext leak rule, and one error per mistake. Each runs the real binary, against a real
//! loopback server where a webhook's answer is what is judged.

mod common;

use common::{Listener, Reply, Server, hookctl, run};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    hookctl::catalogue::event(name).unwrap().fixture()
}

fn write(dir: &tempfile::TempDir, name: &str, doc: &Value) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, doc.to_string()).unwrap();
    p.to_str().unwrap().to_string()
}

/// `hookctl validate ARGS -o json`: (exit code, report, stderr).
fn validate_json(args: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = run(hookctl().arg("validate").args(args).args(["-o", "json"]));
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, report, err)
}

/// `hookctl send ARGS -o json` to `url`: (exit code, report).
fn send_json(url: &str, args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--url", url, "-o", "json"]));
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}")))
}

/// An eva webhook on loopback that answers every request with `answer(request)`.
fn webhook(answer: impl Fn(&Value) -> Value + Send + Sync + 'static) -> Server {
    Server::start(move |_, req| Reply::json(200, answer(req)))
}

fn contexts_of(req: &Value) -> Value {
    json!({
        "openContext": req["openContext"],
        "visibleContext": req["visibleContext"],
        "hiddenContext": req["hiddenContext"],
    })
}

fn pointers(verdict: &Value) -> Vec<&str> {
    verdict["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect()
}

// ------------------------------------------------------------------ kind detection

#[test]
fn an_answer_with_the_contexts_but_no_option_is_a_contract_failure_not_an_unknown_kind() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(&dir, "answer.json", &contexts_of(&fixture("eva-service")));

    let (code, out, err) = run(hookctl().args(["validate", &broken]));
    assert_eq!(code, 1, "a broken answer is a contract failure: {out}{err}");
    assert!(err.is_empty(), "no usage error: {err}");
    assert!(out.contains("eva-service-response") && out.contains("/option"), "{out}");
    assert!(out.contains("required field 'option' is missing"), "{out}");
    assert!(out.contains("closest kind"), "the guess is said: {out}");

    let (code, report, _) = validate_json(&[&broken]);
    assert_eq!(code, 1);
    let file = &report["files"][0];
    assert_eq!(file["kind"], "eva-service-response");
    assert_eq!(file["valid"], false);
    assert_eq!(pointers(file), ["/option"]);
    assert!(file["kind_note"].as_str().unwrap().contains("--kind"), "{file:#}");

    // --expected-options says these are service-cell answers: no guess to report.
    let (code, report, _) = validate_json(&[&broken, "--expected-options", "CLIENT,NOT_CLIENT"]);
    assert_eq!(code, 1);
    assert_eq!(report["files"][0]["kind"], "eva-service-response");
    assert!(report["files"][0].get("kind_note").is_none(), "{report:#}");
}

#[test]
fn the_request_decides_which_answer_a_broken_document_is() {
    let dir = tempfile::tempdir().unwrap();
    let request = write(&dir, "req.json", &fixture("eva-answer"));
    let broken = write(&dir, "answer.json", &contexts_of(&fixture("eva-answer")));
    let (code, report, _) = validate_json(&[&broken, "--request", &request]);
    assert_eq!(code, 1);
    assert_eq!(report["files"][0]["kind"], "eva-answer-response");
    assert_eq!(pointers(&report["files"][0]), ["/answer"]);

    // Webhooks echo request keys such as info: with the request known, an echo is still an answer.
    let mut echoed = hookctl::catalogue::event("eva-answer").unwrap().example_response().unwrap();
    echoed["info"] = fixture("eva-answer")["info"].clone();
    let echoed = write(&dir, "echoed.json", &echoed);
    let (code, report, _) = validate_json(&[&echoed, "--request", &request]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"][0]["kind"], "eva-answer-response");

    // A service-cell answer that echoes info is still a service-cell answer: the option says so.
    let mut answer = hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap();
    answer["info"] = fixture("eva-service")["info"].clone();
    let answer = write(&dir, "service.json", &answer);
    let (code, report, _) = validate_json(&[&answer]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"][0]["kind"], "eva-service-response");
}

#[test]
fn documents_that_resemble_no_kind_are_still_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    for doc in [json!({"hello": "world"}), json!([1, 2]), json!({}), json!("text")] {
        let f = write(&dir, "odd.json", &doc);
        let (code, out, err) = run(hookctl().args(["validate", &f]));
        assert_eq!(code, 2, "{doc}: {out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("no known kind") && err.contains("--kind"), "{err}");
    }
}

/// `hookctl validate ARGS` with `input` on standard input: (exit code, stdout, stderr).
fn validate_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    run(hookctl().arg("validate").args(args).write_stdin(input.to_string()))
}

#[test]
fn an_answer_that_is_not_json_is_a_contract_failure_in_every_output() {
    // What a broken server behind a proxy answers, piped in as `curl ... | hookctl validate -` does.
    let page = "<html>502 Bad Gateway</html>";
    let reason = "the answer is not JSON: expected value at line 1 column 1";
    for kind in ["eva-service-response", "eva-answer-response"] {
        let (code, out, err) = validate_stdin(&["--kind", kind, "-"], page);
        assert_eq!(code, 1, "a broken answer is a contract failure, not an input error\n{out}{err}");
        assert!(out.contains(&format!("<stdin>  {kind}  invalid (1 error)")), "{out}");
        assert!(out.contains(&format!("(document)  {reason}")), "{out}");
        assert!(out.contains("1 document checked: 0 valid, 1 invalid\n"), "{out}");
        assert_eq!(err, "", "a verdict, not an error on stderr");
        for flag in ["-q", "-v"] {
            let (code, out, _) = validate_stdin(&["--kind", kind, "-", flag], page);
            assert_eq!(code, 1, "{flag}");
            assert!(out.contains(reason) && out.contains("invalid (1 error)"), "{flag}: {out}");
        }
        let (code, out, _) = validate_stdin(&["--kind", kind, "-", "-o", "json"], page);
        assert_eq!(code, 1);
        let report: Value = serde_json::from_str(&out).unwrap();
        let file = &report["files"][0];
        assert_eq!((&file["kind"], &file["valid"]), (&json!(kind), &json!(false)), "{report:#}");
        assert_eq!(file["errors"][0]["message"], reason);
        assert_eq!(file["errors"][0]["pointer"], "");
        let s = &report["summary"];
        assert_eq!((&s["invalid"], &s["unreadable"]), (&json!(1), &json!(0)), "{report:#}");
    }
    // An empty body is said as such, in a file as on standard input.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    for input in [empty.to_str().unwrap(), "-"] {
        let (code, out, _) = validate_stdin(&["--kind", "eva-service-response", input], "  \n");
        assert_eq!(code, 1, "{input}: {out}");
        assert!(out.contains("(document)  the answer is empty"), "{input}: {out}");
    }
}

#[test]
fn a_document_that_is_not_json_stays_an_input_error_without_an_answer_kind() {
    let page = "<html>502 Bad Gateway</html>";
    // No kind given, or the kind of a request: not a server's answer, so an input error.
    for args in [&["-"][..], &["--kind", "eva-service-request", "-"], &["--kind", "botpress-event", "-"]] {
        let (code, out, err) = validate_stdin(args, page);
        assert_eq!(code, 2, "{args:?}\n{out}{err}");
        assert_eq!(err, "error: <stdin>: not valid JSON: expected value at line 1 column 1\n", "{args:?}");
        assert!(out.contains("0 invalid, 1 unreadable"), "{args:?}: {out}");
    }
    // A JSON answer given its kind is judged as before: a good one passes.
    let good = std::fs::read_to_string(common::fixture_path("fixtures/responses/eva-service.json")).unwrap();
    let (code, out, err) = validate_stdin(&["--kind", "eva-service-response", "-"], &good);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn listen_judges_a_broken_eva_request_against_its_closest_kind() {
    // The same detection serves listen: an eva request missing its expectedOptions is an invalid
    // service-cell request, not a body of no known kind.
    let listener = Listener::start(&[]);
    let mut body = fixture("eva-service");
    body.as_object_mut().unwrap().remove("expectedOptions");
    let status = common::post_raw(&listener.addr, "/hook", body.to_string().as_bytes());
    assert_eq!(status, 200);
    let lines = listener.stop();
    let rec = lines.iter().find(|l| l["index"] == 1).expect("the request is recorded");
    assert_eq!(rec["kind"], "eva-service-request", "{rec:#}");
    assert_eq!(rec["verdict"]["valid"], false);
    assert_eq!(pointers(&rec["verdict"]), ["/expectedOptions"]);
    assert_eq!(lines.last().unwrap()["summary"]["invalid"], 1);
}

// ------------------------------------------------------------------ what was not checked

#[test]
fn validate_says_the_option_was_not_checked_without_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let answer = write(
        &dir,
        "answer.json",
        &hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap(),
    );
    let request = write(&dir, "req.json", &fixture("eva-service"));
    let note = "option not checked against expectedOptions: pass --request or --expected-options";

    let (code, out, _) = run(hookctl().args(["validate", &answer]));
    assert_eq!(code, 0);
    let line = out.lines().next().unwrap();
    assert!(line.contains("answer.json") && line.contains(note), "on the document's line: {out}");

    let (code, report, _) = validate_json(&[&answer]);
    assert_eq!(code, 0);
    let not_checked: Vec<&str> =
        report["files"][0]["not_checked"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(not_checked.contains(&note), "{not_checked:?}");

    for extra in [["--request", request.as_str()], ["--expected-options", "CLIENT,NOT_CLIENT"]] {
        let (code, report, _) = validate_json(&[&answer, extra[0], extra[1]]);
        assert_eq!(code, 0, "{extra:?}");
        let file = &report["files"][0];
        let noted = file["not_checked"].as_array().into_iter().flatten().any(|n| n == note);
        assert!(!noted, "{extra:?}: the option was checked: {file:#}");
    }
}

#[test]
fn of_many_documents_a_valid_one_is_one_line_and_what_was_not_checked_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let example = hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap();
    let a = write(&dir, "a.json", &example);
    let b = write(&dir, "b.json", &example);
    let mut broken = example.clone();
    broken["option"] = json!(7);
    let c = write(&dir, "c.json", &broken);
    let note = "option not checked against expectedOptions: pass --request or --expected-options";
    // The label of a field that matters, as its line under a document begins.
    let field_line = |out: &str| out.lines().any(|l| l.trim_start().starts_with("openContext "));

    let (code, out, _) = run(hookctl().args(["validate", &a, &b, &c]));
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with("a.json  eva-service-response  valid"), "one line, no note: {out}");
    assert!(lines[1].ends_with("b.json  eva-service-response  valid"), "{out}");
    assert!(lines[2].contains("c.json") && lines[2].contains("invalid (1 error)"), "{out}");
    assert!(lines[3].contains("✗ /option"), "an invalid document in full: {out}");
    assert!(!field_line(&out), "no fields without -v: {out}");
    let said: Vec<&&str> = lines.iter().filter(|l| l.contains(note)).collect();
    assert_eq!(said, [&format!("{note} (in 2 valid documents)")], "said once, with the count: {out}");
    assert!(lines.last().unwrap().starts_with("3 documents checked: 2 valid, 1 invalid"), "{out}");

    // -v: each in full, its notes on its line and its fields beneath it.
    let (code, out, _) = run(hookctl().args(["validate", &a, &b, "-v"]));
    assert_eq!(code, 0, "{out}");
    let first = out.lines().next().unwrap();
    assert!(first.contains("a.json") && first.contains(note), "{out}");
    assert!(field_line(&out), "{out}");
    assert!(!out.contains("(in 2 valid documents)"), "{out}");

    // A document alone is shown in full.
    let (code, out, _) = run(hookctl().args(["validate", &a]));
    assert_eq!(code, 0, "{out}");
    assert!(out.lines().next().unwrap().contains(note) && field_line(&out), "{out}");

    // -q: no valid document, and so nothing said of them.
    let (_, out, _) = run(hookctl().args(["validate", &a, &b, &c, "-q"]));
    assert!(!out.contains("a.json") && !out.contains(note), "{out}");

    // JSON stays whole: every document with its notes and fields.
    let (_, report, _) = validate_json(&[&a, &b]);
    for file in report["files"].as_array().unwrap() {
        assert!(file["not_checked"].as_array().unwrap().iter().any(|n| n == note), "{file:#}");
        assert!(file["fields"]["openContext"].is_object(), "{file:#}");
    }
}

#[test]
fn a_valid_document_on_one_line_keeps_its_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let req = fixture("eva-service");
    let request = write(&dir, "req.json", &req);
    let example = hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap();
    let mut leak = example.clone();
    leak["openContext"]["id"] = leak["hiddenContext"]["id"].clone();
    let leaky = write(&dir, "leaky.json", &leak);
    let (code, report, _) = validate_json(&[&leaky, "--request", &request]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"][0]["warnings"][0]["pointer"], "/openContext/id", "{report:#}");
    let plain = write(&dir, "plain.json", &example);
    let (_, out, _) = run(hookctl().args(["validate", &leaky, &plain, "--request", &request]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with("leaky.json  eva-service-response  valid"), "{out}");
    assert!(lines[1].contains("/openContext/id  ← hiddenContext.id: "), "the warning under its line: {out}");
    assert_eq!(lines[2].trim(), "found <redacted>", "the value, redacted: {out}");
    assert!(lines[3].ends_with("plain.json  eva-service-response  valid"), "no more than it: {out}");
}

#[test]
fn a_request_that_is_not_an_eva_request_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let answer = write(
        &dir,
        "answer.json",
        &hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap(),
    );
    for (name, doc, needle) in [
        ("botpress.json", fixture("handoff-create"), "botpress-event"),
        ("answer-as-request.json", json!({"option": "CLIENT"}), "eva-service-response"),
        ("contexts.json", json!({"openContext": {}}), "not an eva request"),
        ("odd.json", json!({"hello": 1}), "not an eva request"),
    ] {
        let request = write(&dir, name, &doc);
        let (code, out, err) = run(hookctl().args(["validate", &answer, "--request", &request]));
        assert_eq!(code, 2, "{name}: {out}");
        assert!(out.is_empty(), "{name}: {out}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains("--request") && err.contains(name) && err.contains(needle), "{name}: {err}");
    }
}

#[test]
fn the_readme_pipe_into_validate_passes_the_request() {
    // The README's example, run as written against a real eva webhook (hookctl's own listener).
    let readme = std::fs::read_to_string(common::fixture_path("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("hookctl show eva-service > req.json")).unwrap();
    let curl = lines.iter().position(|l| l.starts_with("curl -s localhost:8080/eva/service")).unwrap();
    assert_eq!(curl, start + 1, "the request is written just before it is used");
    let mut script = vec![lines[start].to_string()];
    let mut i = curl;
    loop {
        script.push(lines[i].to_string());
        if !lines[i].trim_end().ends_with('\\') {
            break;
        }
        i += 1;
    }
    let script = script.join("\n");
    assert!(script.contains("validate - --request req.json"), "{script}");

    let bin_dir = assert_cmd::cargo::cargo_bin("hookctl").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let sh = |target: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("bash")
            .args(["-o", "pipefail", "-c", &script.replace("localhost:8080", target)])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };

    let listener = Listener::start(&[]);
    let (code, out) = sh(&listener.addr);
    listener.stop();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("<stdin>  eva-service-response  valid"), "{out}");
    assert!(!out.contains("not checked"), "the request makes every check possible: {out}");

    let wrong = webhook(|req| {
        let mut a = contexts_of(req);
        a["option"] = json!("MAYBE");
        a
    });
    let (code, out) = sh(&wrong.addr.to_string());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("/option") && out.contains("MAYBE"), "{out}");
}

// ------------------------------------------------------------------ the leak warning

#[test]
fn copying_open_context_into_hidden_context_is_not_a_leak() {
    let server = webhook(|req| {
        let mut a = contexts_of(req);
        a["option"] = json!("CLIENT");
        a["hiddenContext"]["unsafeVar"] = req["openContext"]["unsafeVar"].clone();
        a["hiddenContext"]["unsafeVarRO"] = req["visibleContext"]["unsafeVarRO"].clone();
        a
    });
    let (code, report) = send_json(&server.url(), &["eva-service"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"]["warnings"], json!([]), "{report:#}");
}

#[test]
fn a_hidden_value_moved_where_channels_read_it_is_a_leak() {
    let server = webhook(|req| {
        let mut a = contexts_of(req);
        a["option"] = json!("CLIENT");
        // The same key and value, and the same value under another name.
        a["openContext"]["id"] = req["hiddenContext"]["id"].clone();
        a["visibleContext"]["customer"] = req["hiddenContext"]["id"].clone();
        a
    });
    let (code, report) = send_json(&server.url(), &["eva-service"]);
    assert_eq!(code, 0, "a leak is a warning, not a failure: {report:#}");
    let warned: Vec<&str> = report["verdict"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(warned, ["/openContext/id", "/visibleContext/customer"], "{report:#}");
}

#[test]
fn a_leak_of_the_answers_own_hidden_value_is_found_however_little_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = fixture("eva-service");
    for context in ["openContext", "visibleContext", "hiddenContext"] {
        req[context] = json!({});
    }
    let request = write(&dir, "req.json", &req);
    // A hidden value the request did not have, in the answer's hiddenContext and where a channel
    // reads it.
    let answer = json!({
        "option": req["expectedOptions"][0],
        "openContext": {"x": "a-token-of-its-own"},
        "visibleContext": {},
        "hiddenContext": {"token": "a-token-of-its-own"},
    });
    let path = write(&dir, "answer.json", &answer);
    let (code, report, _) = validate_json(&[&path, "--request", &request]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"][0]["warnings"][0]["pointer"], "/openContext/x", "{report:#}");
    // Without the fields shown (-q, or many documents in brief), it is found all the same.
    let (_, out, _) = run(hookctl().args(["validate", "-q", &path, "--request", &request]));
    assert!(out.contains("1 valid, 0 invalid, 1 warning"), "{out}");
    let again = write(&dir, "again.json", &answer);
    let (_, out, _) = run(hookctl().args(["validate", &path, &again, "--request", &request]));
    assert!(out.contains("2 valid, 0 invalid, 2 warnings"), "{out}");
}

#[test]
fn a_value_the_request_already_had_in_the_open_is_not_a_leak() {
    // The request carries the same value in hiddenContext and openContext: echoing it is no leak.
    let server = webhook(|req| {
        let mut a = contexts_of(req);
        a["option"] = json!("CLIENT");
        a
    });
    let (code, report) = send_json(&server.url(), &["eva-service", "--set", "openContext.id=6722"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"]["warnings"], json!([]), "{report:#}");
}

#[test]
fn without_the_request_the_leak_check_is_said_to_be_partial() {
    let dir = tempfile::tempdir().unwrap();
    let mut answer = hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap();
    answer["openContext"]["id"] = answer["hiddenContext"]["id"].clone();
    let f = write(&dir, "answer.json", &answer);
    let (code, report, _) = validate_json(&[&f]);
    assert_eq!(code, 0);
    let file = &report["files"][0];
    assert_eq!(file["warnings"], json!([]), "no guess without the request: {file:#}");
    assert!(
        file["not_checked"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("hiddenContext")),
        "{file:#}"
    );
    let request = write(&dir, "req.json", &fixture("eva-service"));
    let (code, report, _) = validate_json(&[&f, "--request", &request]);
    assert_eq!(code, 0, "a leak is a warning: {report:#}");
    assert_eq!(report["files"][0]["warnings"][0]["pointer"], "/openContext/id", "{report:#}");
}

// ------------------------------------------------------------------ one error per mistake

fn answer_with(req: &Value, ty: &str, content: Value) -> Value {
    let mut a = contexts_of(req);
    a["answer"] = json!({ "template": ty, "content": { "type": ty, "content": content } });
    a
}

#[test]
fn a_text_answer_with_an_array_gets_one_error_in_its_types_words() {
    let server = webhook(|req| answer_with(req, "TEXT", json!(["a", "b", "c"])));
    let (code, report) = send_json(&server.url(), &["eva-answer"]);
    assert_eq!(code, 1, "{report:#}");
    let errors = report["verdict"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "one mistake, one error: {errors:#?}");
    assert_eq!(errors[0]["pointer"], "/answer/content/content");
    assert!(errors[0]["message"].as_str().unwrap().contains("TEXT answer's content must be a string"));
}

#[test]
fn a_carousel_is_judged_by_the_carousel_branch_only() {
    let server = webhook(|req| answer_with(req, "CAROUSEL", json!("not cards")));
    let (code, report) = send_json(&server.url(), &["eva-answer"]);
    assert_eq!(code, 1);
    let errors = report["verdict"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0]["message"].as_str().unwrap().contains("CAROUSEL"), "{errors:#?}");

    let cards =
        json!([{ "title": "A", "subTitle": "a" }, { "title": "B", "imageUrl": "https://x.test/b.png" }]);
    let server = webhook(move |req| answer_with(req, "CAROUSEL", cards.clone()));
    let (code, report) = send_json(&server.url(), &["eva-answer"]);
    assert_eq!(code, 0, "{report:#}");

    // Two bad cards are two mistakes, each at its own card.
    let server = webhook(|req| answer_with(req, "CAROUSEL", json!([{ "title": 1 }, "oops"])));
    let (code, report) = send_json(&server.url(), &["eva-answer"]);
    assert_eq!(code, 1);
    let mut at = pointers(&report["verdict"]);
    at.sort();
    assert_eq!(at, ["/answer/content/content/0/title", "/answer/content/content/1"], "{report:#}");
}

#[test]
fn of_many_documents_each_is_judged_as_alone_whatever_its_contexts_hold() {
    // Judged in brief (no fields shown), the contexts are not built: the verdicts must be those of
    // each document judged alone, in full, where they are.
    let dir = tempfile::tempdir().unwrap();
    let example = hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap();
    let with = |key: &str, value: Value| {
        let mut doc = example.clone();
        doc[key] = value;
        doc
    };
    let docs = [
        ("a.json", with("openContext", json!({"anything": [{"deep": {"x": null}}], "n": 1e300}))),
        ("b.json", with("openContext", json!(["not", "an", "object"]))),
        ("c.json", with("hiddenContext", json!("a string"))),
        ("d.json", with("option", json!(7))),
        ("e.json", example.clone()),
    ];
    let files: Vec<String> = docs.iter().map(|(name, doc)| write(&dir, name, doc)).collect();
    let (code, brief, _) = run(hookctl().args(["validate"]).args(&files));
    assert_eq!(code, 1, "{brief}");
    for (file, (name, _)) in files.iter().zip(&docs) {
        let (_, alone, _) = run(hookctl().args(["validate", file]));
        let verdict = |out: &str| {
            let head = out.lines().find(|l| l.contains(*name)).unwrap_or_default().to_string();
            // The line, less what is said once for all, and the findings beneath it.
            let head = head.split("  note:").next().unwrap().trim_end().to_string();
            let findings: Vec<String> = out
                .lines()
                .skip_while(|l| !l.contains(*name))
                .skip(1)
                .take_while(|l| l.starts_with("    ") && (l.contains('✗') || l.contains("expected")))
                .map(String::from)
                .collect();
            (head, findings)
        };
        let (brief_head, brief_findings) = verdict(&brief);
        let (alone_head, alone_findings) = verdict(&alone);
        assert!(brief_head.contains(*name), "{brief}");
        assert_eq!(brief_findings, alone_findings, "{name}:\n{brief}\n---\n{alone}");
        let valid = |h: &str| h.contains("  valid");
        assert_eq!(valid(&brief_head), valid(&alone_head), "{name}: {brief_head} / {alone_head}");
    }
    let valid: Vec<bool> = files.iter().map(|f| run(hookctl().args(["validate", f])).0 == 0).collect();
    assert_eq!(valid, [true, false, false, false, true]);
    assert!(brief.contains("/openContext") && brief.contains("/hiddenContext"), "{brief}");
}
