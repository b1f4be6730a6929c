//! `hookctl test` against a deployment's several webhooks: targets and their precedence, the
//! built-in receiver refused in CI, failures that say where they went and what came back, hints,
//! and warnings in every report.

mod common;

use common::{Reply, Server, hookctl, run};
use serde_json::{Value, json};

/// Write `text` as `name` in a new temporary directory.
fn suite_file(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn report(out: &str, err: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"))
}

fn case<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name}"))
}

/// The names of the cases a server received, by the handoff or agent event they sent.
fn kinds(server: &Server) -> Vec<String> {
    let mut seen: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            let b = r.json();
            match b.get("resource") {
                Some(_) => format!("{}/{}", b["resource"].as_str().unwrap(), b["type"].as_str().unwrap()),
                None if b.get("expectedOptions").is_some() => "eva-service".into(),
                None => "eva-answer".into(),
            }
        })
        .collect();
    seen.sort();
    seen
}

const PRECEDENCE: &str = r#"
[defaults]
url = "${T_DEFAULT_URL:-}"

[targets.botpress]
url = "${T_BOTPRESS_URL:-}"

[targets.custom]
url = "${T_CUSTOM_URL:-}"

[[case]]
name = "by kind"
event = "agent-online"

[[case]]
name = "named target"
event = "handoff-create"
target = "custom"

[[case]]
name = "own url"
event = "handoff-resolve"
url = "${T_OWN_URL:-}"

[[case]]
name = "no target of its kind"
event = "eva-answer"
"#;

#[test]
fn each_step_of_the_precedence_decides_where_a_case_goes() {
    let (_dir, path) = suite_file("where.toml", PRECEDENCE);
    let [default, botpress, custom, own, flag] = [(); 5].map(|_| Server::ok());
    let test = || {
        let mut cmd = hookctl();
        cmd.arg("test").arg(&path).args(["-o", "json"]);
        cmd.env("T_DEFAULT_URL", default.url()).env("T_BOTPRESS_URL", botpress.url());
        cmd.env("T_CUSTOM_URL", custom.url()).env("T_OWN_URL", own.url());
        cmd
    };
    let (code, out, err) = run(&mut test());
    // The eva answer case fails on the server's `{}`: where it went is what matters here.
    assert_eq!(code, 1, "{out}\n{err}");
    let r = report(&out, &err);
    assert_eq!(kinds(&botpress), ["agent/update"], "the target of its kind");
    assert_eq!(kinds(&custom), ["handoff/create"], "the target it names, over its kind's");
    assert_eq!(kinds(&own), ["handoff/update"], "its own url, over its kind's");
    assert_eq!(kinds(&default), ["eva-answer"], "the defaults', when its kind has no target");
    let targets: Vec<&str> =
        r["cases"].as_array().unwrap().iter().map(|c| c["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["botpress", "custom", "case 'own url'", "default"]);
    // A named target or an own url that comes out empty gives way to the kind's target.
    let (code, out, err) = run(test().env("T_CUSTOM_URL", "").env_remove("T_OWN_URL"));
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(kinds(&botpress), ["agent/update", "agent/update", "handoff/create", "handoff/update"]);
    assert_eq!(custom.requests().len(), 1);

    // --target sets a target's url over the suite's; the others keep theirs.
    let set = format!("botpress={}", flag.url());
    let (code, out, err) = run(test().args(["--target", &set]));
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(kinds(&flag), ["agent/update"]);
    assert_eq!(custom.requests().len(), 2);
    let set = format!("default={}", flag.url());
    let (_, out, err) = run(test().args(["--target", &set]));
    assert_eq!(case(&report(&out, &err), "no target of its kind")["target"], "default");
    assert_eq!(kinds(&flag), ["agent/update", "eva-answer"]);

    // An unknown name is a usage error that names the suite's targets.
    let (code, out, err) = run(test().args(["--target", "botpres=http://127.0.0.1:9/x"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(
            "error: --target botpres: no suite has a target of that name (did you mean 'botpress'?)"
        ),
        "{err}"
    );
    assert!(err.contains("targets: botpress, custom, default"), "{err}");
    // Across suites, each name once.
    let other = path.with_file_name("other.toml");
    std::fs::write(&other, "[targets.botpress]\nurl = \"http://127.0.0.1:9/x\"\n\n[[case]]\nname = \"o\"\nevent = \"agent-online\"\n").unwrap();
    let (code, _, err) = run(test().arg(&other).args(["--target", "botpres=http://127.0.0.1:9/x"]));
    assert_eq!(code, 2);
    assert!(err.trim_end().ends_with("targets: botpress, custom, default"), "{err}");
    let (code, _, err) = run(test().args(["--target", "botpress"]));
    assert_eq!(code, 2);
    assert!(err.contains("'botpress' is not NAME=URL"), "{err}");

    // In text, each case's line names its target when the run has several; with one, it need not.
    let mut text = hookctl();
    text.arg("test").arg(&path).env("T_DEFAULT_URL", default.url()).env("T_BOTPRESS_URL", botpress.url());
    text.env("T_CUSTOM_URL", custom.url()).env("T_OWN_URL", own.url());
    let (_, out, _) = run(&mut text);
    assert!(out.lines().any(|l| l.starts_with("✓ named target  ") && l.contains("  → custom  ")), "{out}");
    let (_, out, _) = run(text.args(["--filter", "by kind"]));
    assert!(out.starts_with("✓ by kind  ") && !out.contains("→"), "{out}");
}

#[test]
fn in_ci_a_case_with_no_url_stops_the_run_unless_the_built_in_receiver_is_meant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hookctl.toml");
    let (code, _, _) = run(hookctl().arg("init").arg(&path));
    assert_eq!(code, 0);
    let test = || {
        let mut cmd = hookctl();
        cmd.arg("test").arg(&path);
        cmd
    };
    // In CI, with no url: exit 2 before anything runs, naming each target and its variable.
    let (code, out, err) = run(test().env("CI", "true"));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for (target, var) in [
        ("botpress", "BOTPRESS_WEBHOOK_URL"),
        ("eva-service", "EVA_SERVICE_URL"),
        ("eva-answer", "EVA_ANSWER_URL"),
    ] {
        assert!(err.contains(&format!("{target} (set {var}, or --target {target}=URL)")), "{err}");
    }
    assert!(err.contains("--builtin"), "{err}");
    // A variable set to an empty string counts as unset; only the targets without a url are named.
    let server = Server::ok();
    let (code, _, err) = run(test()
        .env("CI", "true")
        .env("BOTPRESS_WEBHOOK_URL", server.url())
        .env("EVA_SERVICE_URL", "")
        .env("EVA_ANSWER_URL", server.url()));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no url for eva-service (set EVA_SERVICE_URL") && !err.contains("botpress ("),
        "{err}"
    );
    assert!(server.requests().is_empty(), "nothing is sent");
    // --builtin runs against the built-in receiver on purpose, and says so.
    let (code, out, err) = run(test().env("CI", "true").arg("--builtin"));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("against hookctl's built-in receiver"), "{out}");
    // Outside CI (unset, empty or false), it runs against the built-in receiver as before.
    for ci in [None, Some(""), Some("false")] {
        let mut cmd = test();
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 0, "CI={ci:?}: {out}\n{err}");
        assert!(err.contains("ran against hookctl's built-in receiver"), "{err}");
    }
}

/// A server that answers 500 with a header of its own... by content type, the only header the
/// test server sets, and a body that says why.
fn failing() -> Server {
    Server::start(|_, _| Reply::json(500, json!({"error": "database down", "trace": "x".repeat(5000)})))
}

#[test]
fn a_failed_case_shows_where_it_went_what_went_and_what_came_back() {
    let server = failing();
    let (_dir, path) = suite_file(
        "fail.toml",
        "[defaults]\nheaders = { Authorization = \"Bearer ${T_TOKEN}\", X-Trace = \"t-1\" }\n\n[targets.botpress]\nurl = \"${T_URL}/botpress/events?token=${T_QUERY}\"\n\n[[case]]\nname = \"refused\"\nevent = \"agent-online\"\n",
    );
    let test = || {
        let mut cmd = hookctl();
        cmd.arg("test").arg(&path).env("T_URL", format!("http://{}", server.addr));
        cmd.env("T_TOKEN", "tok-SECRET-1").env("T_QUERY", "q-SECRET-2");
        cmd
    };
    let sent = format!("→ POST http://{}/botpress/events?token=<redacted>\n", server.addr);
    let junit = path.with_extension("xml");
    let (code, out, err) = run(test().arg("--junit").arg(&junit));
    assert_eq!(code, 1, "{out}\n{err}");
    // The url as resolved from its variable, its secret query value redacted.
    assert!(out.contains(&sent), "{out}");
    assert!(out.contains("← 500 Internal Server Error\n"), "{out}");
    let header = |name: &str, value: &str| {
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == [name, value])
    };
    assert!(header("authorization", "<redacted>") && header("x-trace", "t-1"), "{out}");
    assert!(header("content-type", "application/json"), "the answer's headers: {out}");
    assert!(out.contains("\"error\": \"database down\""), "{out}");
    assert!(out.contains("more bytes)"), "a long answer is bounded: {out}");
    let curl = format!("curl -X POST 'http://{}/botpress/events?token=<redacted>'", server.addr);
    assert!(out.contains(&format!("again with curl:\n      {curl}")), "{out}");
    assert!(out.contains("-H 'authorization: <redacted>'"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    for text in [&out, &err, &xml] {
        assert!(!text.contains("tok-SECRET-1") && !text.contains("q-SECRET-2"), "{text}");
    }
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).unwrap();
    let text = failure.text().unwrap_or_default();
    for said in
        [sent.as_str(), "← 500 Internal Server Error", "  authorization: <redacted>", &curl, "database down"]
    {
        assert!(text.contains(said), "{said}: {xml}");
    }

    // -q keeps the url and the status, not the rest.
    let (_, out, _) = run(test().arg("-q"));
    let line =
        format!("POST http://{}/botpress/events?token=<redacted> → 500 Internal Server Error", server.addr);
    assert!(out.contains(&line) && !out.contains("curl"), "{out}");

    // JSON: the same, field by field.
    let (_, out, err) = run(test().args(["-o", "json"]));
    let c = case(&report(&out, &err), "refused").clone();
    assert_eq!(c["method"], "POST");
    assert_eq!(c["url"], format!("http://{}/botpress/events?token=<redacted>", server.addr));
    assert_eq!(c["status"], 500);
    assert!(
        c["request_headers"].as_array().unwrap().contains(&json!(["authorization", "<redacted>"])),
        "{c:#}"
    );
    assert!(c["response_headers"].as_array().unwrap().contains(&json!(["content-type", "application/json"])));
    assert_eq!(c["response_body"]["error"], "database down");
    assert!(c["curl"].as_str().unwrap().starts_with(&curl), "{c:#}");

    // --show-secrets shows them, where the curl command can use them.
    let (_, out, _) = run(test().arg("--show-secrets"));
    assert!(
        out.contains("-H 'authorization: Bearer tok-SECRET-1'") && out.contains("token=q-SECRET-2"),
        "{out}"
    );

    // A passed case shows none of it, unless -v.
    let ok = Server::ok();
    let (_, out, _) = run(hookctl()
        .arg("test")
        .arg(&path)
        .env("T_URL", format!("http://{}", ok.addr))
        .env("T_TOKEN", "tok-ok-77")
        .env("T_QUERY", "q-ok-78"));
    assert!(!out.contains("curl") && !out.contains("POST http"), "{out}");
    let (_, out, _) = run(hookctl()
        .arg("test")
        .arg(&path)
        .arg("-v")
        .env("T_URL", format!("http://{}", ok.addr))
        .env("T_TOKEN", "tok-ok-77")
        .env("T_QUERY", "q-ok-78"));
    assert!(out.contains("again with curl:") && out.contains("← 200 OK"), "{out}");
}

#[test]
fn a_refusal_while_a_header_was_left_out_says_which_variable_was_empty() {
    let (_dir, path) = suite_file(
        "auth.toml",
        "[defaults]\nurl = \"${T_URL}\"\nheaders = { Authorization = \"Bearer ${WEBHOOK_TOKEN:-}\" }\n\n[[case]]\nname = \"guarded\"\nevent = \"agent-online\"\n",
    );
    let test = |server: &Server| {
        let mut cmd = hookctl();
        cmd.arg("test").arg(&path).env("T_URL", server.url());
        cmd
    };
    let hint = "hint: Authorization not sent: WEBHOOK_TOKEN is empty";
    for status in [401, 403] {
        let guard = Server::start(move |_, _| Reply::json(status, json!({"error": "who are you"})));
        let junit = path.with_extension("xml");
        let (code, out, err) = run(test(&guard).arg("--junit").arg(&junit));
        assert_eq!(code, 1, "{out}\n{err}");
        assert!(out.contains(hint), "{status}: {out}");
        assert!(std::fs::read_to_string(&junit).unwrap().contains(hint));
        let (_, out, err) = run(test(&guard).args(["-o", "json"]));
        assert_eq!(
            case(&report(&out, &err), "guarded")["hints"],
            json!(["Authorization not sent: WEBHOOK_TOKEN is empty"])
        );
        // With the token set, a refusal is the server's own business: no hint.
        let (code, out, _) = run(test(&guard).env("WEBHOOK_TOKEN", "t"));
        assert_eq!(code, 1);
        assert!(!out.contains("hint:"), "{out}");
    }
    // Another failure with the header left out: no hint either.
    let (code, out, _) = run(&mut test(&failing()));
    assert_eq!(code, 1);
    assert!(!out.contains("hint:"), "{out}");
}

/// An eva service webhook that puts the client's document, which came hidden, where a channel
/// can read it (`leak`), or keeps it hidden.
fn eva_service(leak: bool) -> Server {
    Server::start(move |_, req| {
        let mut visible = req["visibleContext"].clone();
        if leak {
            visible["document"] = req["hiddenContext"]["document"].clone();
        }
        Reply::json(
            200,
            json!({"option": "CLIENT", "openContext": req["openContext"], "visibleContext": visible, "hiddenContext": req["hiddenContext"]}),
        )
    })
}

const LEAK: &str = "[defaults]\nurl = \"${T_URL}\"\n\n[[case]]\nname = \"identify\"\nevent = \"eva-service\"\nset = { \"hiddenContext.document\" = \"87237236722\" }\n";

#[test]
fn warnings_reach_every_report_and_fail_the_case_when_denied() {
    let (dir, path) = suite_file("leak.toml", LEAK);
    let test = |server: &Server, path: &std::path::Path| {
        let mut cmd = hookctl();
        cmd.arg("test").arg(path).env("T_URL", server.url());
        cmd
    };
    let (leaky, tidy) = (eva_service(true), eva_service(false));
    let junit = dir.path().join("j.xml");
    let (code, out, err) = run(test(&leaky, &path).arg("--junit").arg(&junit));
    assert_eq!(code, 0, "a warning is not a failure: {out}\n{err}");
    assert!(out.contains("warning: /visibleContext/document  ← hiddenContext.document: "), "{out}");
    assert!(out.contains("(1 warning)"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let system_out =
        doc.descendants().find(|n| n.has_tag_name("system-out")).map(|n| n.text().unwrap_or_default());
    assert!(system_out.is_some_and(|t| t.contains("warning: /visibleContext/document")), "{xml}");
    let (_, out, err) = run(test(&leaky, &path).args(["-o", "json"]));
    let r = report(&out, &err);
    let warnings = case(&r, "identify")["warnings"].as_array().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["pointer"], "/visibleContext/document");
    assert!(warnings[0]["message"].is_string());
    assert_eq!(r["summary"]["warnings"], 1);
    // -q: on stderr.
    let (code, out, err) = run(test(&leaky, &path).arg("-q"));
    assert_eq!(code, 0);
    assert!(
        err.contains("warning: case 'identify': /visibleContext/document  ← hiddenContext.document")
            && !out.contains("warning:"),
        "{out}\n{err}"
    );

    // Denied: by flag, in the defaults, or in the case itself.
    let (code, out, _) = run(test(&leaky, &path).arg("--deny-warnings"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no warning at /visibleContext/document (deny_warnings)"), "{out}");
    for (name, text) in [
        ("defaults.toml", LEAK.replace("[defaults]\n", "[defaults]\ndeny_warnings = true\n")),
        ("case.toml", format!("{LEAK}deny_warnings = true\n")),
    ] {
        let other = dir.path().join(name);
        std::fs::write(&other, text).unwrap();
        let (code, out, _) = run(&mut test(&leaky, &other));
        assert_eq!(code, 1, "{name}: {out}");
        // The harmless answer stays silent and green, denied or not.
        let (code, out, err) = run(&mut test(&tidy, &other));
        assert_eq!(code, 0, "{name}: {out}\n{err}");
        assert!(!out.contains("warning") && !err.contains("warning"), "{out}\n{err}");
    }
}

#[test]
fn init_writes_one_platform_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    for (platform, has, lacks) in [
        (
            "botpress",
            ["[targets.botpress]", "event = \"handoff-create\"", "scenario ="],
            ["[targets.eva-service]", "event = \"eva-service\"", "EVA_ANSWER_URL"],
        ),
        (
            "eva",
            ["[targets.eva-service]", "[targets.eva-answer]", "event = \"eva-answer\""],
            ["[targets.botpress]", "event = \"agent-online\"", "scenario ="],
        ),
    ] {
        let path = dir.path().join(format!("{platform}.toml"));
        let (code, _, err) = run(hookctl().arg("init").arg(&path).args(["--platform", platform]));
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&path).unwrap();
        for h in has {
            assert!(text.contains(h), "{platform} has {h}: {text}");
        }
        for l in lacks {
            assert!(!text.contains(l), "{platform} lacks {l}: {text}");
        }
        let (code, out, err) = run(hookctl().arg("test").arg(&path));
        assert_eq!(code, 0, "{out}\n{err}");
    }
    let (code, _, err) = run(hookctl().args(["init", "--platform", "slack"]));
    assert_eq!(code, 2);
    assert!(err.contains("'slack'"), "{err}");
}

#[test]
fn send_quiet_still_says_a_warning_on_stderr() {
    for (leak, warned) in [(true, true), (false, false)] {
        let server = eva_service(leak);
        let (code, out, err) = run(hookctl()
            .args(["send", "eva-service", "-q", "--url", &server.url()])
            .args(["--set", "hiddenContext.document=\"87237236722\""]));
        assert_eq!((code, out.as_str()), (0, "PASSED\n"), "{err}");
        assert_eq!(
            err.contains("warning: /visibleContext/document  ← hiddenContext.document: "),
            warned,
            "{err}"
        );
    }
}
