//! Preview before sending: `show` with send's body flags, `send --dry-run`, `send --print curl`.
//! Each preview is held against what a real loopback server receives from `send` (or from the
//! printed curl command, run by bash).

mod common;

use common::{Recorded, Server, hookctl, run};
use serde_json::Value;

/// The body flags of each case, given alike to `show` and `send`.
const CASES: &[&[&str]] = &[
    &["handoff-assign", "--seed", "7", "--set", "payload.tags=[\"vip\"]"],
    &["handoff-create", "--seed", "11"],
    &["eva-service", "--seed", "3", "--expected-options", "YES, NO", "--text", "it's me, \"Ana\""],
    &["eva-answer", "--seed", "9", "--answer", "Hello [NAME]", "--answer-type", "TEXT"],
];

/// What `send ARGS --url server` delivered (the first delivery).
fn sent(args: &[&str]) -> Recorded {
    let server = Server::ok();
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--once", "--url", &server.url()]));
    assert!(code == 0 || code == 1, "{args:?}: {out}{err}");
    server.requests().into_iter().next().expect("send delivered")
}

#[test]
fn show_with_send_s_flags_prints_the_bytes_send_sends() {
    for args in CASES {
        let (code, shown, err) = run(hookctl().arg("show").args(*args));
        assert_eq!(code, 0, "{args:?}: {err}");
        let got = sent(args);
        assert_eq!(shown.trim_end().as_bytes(), got.body.as_slice(), "{args:?}");
        // The same seed, the same bytes, run after run.
        let (_, again, _) = run(hookctl().arg("show").args(*args));
        assert_eq!(again, shown, "{args:?}");
    }
}

#[test]
fn show_applies_the_flags_and_refuses_them_where_send_does() {
    let (code, out, _) =
        run(hookctl().args(["show", "eva-service", "--expected-options", "A,B", "--seed", "1"]));
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["expectedOptions"], serde_json::json!(["A", "B"]));
    // An eva flag on a Botpress event, and a path whose parent does not exist, as send says.
    let (code, _, err) = run(hookctl().args(["show", "handoff-create", "--text", "hi"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--text applies to eva-answer-request and eva-service-request only"), "{err}");
    let (code, _, err) = run(hookctl().args(["show", "handoff-create", "--set", "nope.deeper=1"]));
    assert_eq!(code, 2, "{err}");
    // --response shows an answer: the body flags do not apply to it.
    let (code, _, err) = run(hookctl().args(["show", "eva-service", "--response", "--seed", "1"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("'--response' cannot be used with '--seed <N>'"), "{err}");
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let server = Server::ok();
    let args = ["handoff-tags", "--seed", "5", "-H", "X-Team: blue"];
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--dry-run", "--url", &server.url()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(server.requests().is_empty(), "a dry run sends nothing");
    assert!(err.contains("dry run: nothing sent"), "{err}");
    assert!(err.contains("would get it twice") && err.contains("Botpress sends tag edits twice"), "{err}");
    // The request as an HTTP message: the method and url, the headers, a blank line, the body.
    let (head, body) = out.split_once("\n\n").expect("a blank line before the body");
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some(format!("POST {}", server.url()).as_str()));
    let headers: Vec<&str> = lines.collect();
    assert_eq!(
        headers,
        [
            "content-type: application/json",
            "accept: application/json, text/plain, */*",
            "user-agent: axios/0.21.4",
            "x-team: blue"
        ]
    );
    // Exactly what send delivers with the same flags, twice as Botpress does.
    let real = Server::ok();
    let (code, _, _) = run(hookctl().arg("send").args(args).args(["--url", &real.url()]));
    assert_eq!(code, 0);
    let got = real.requests();
    assert_eq!(got.len(), 2);
    for g in &got {
        assert_eq!(body.trim_end().as_bytes(), g.body.as_slice());
        for h in &headers {
            let (name, value) = h.split_once(": ").unwrap();
            assert_eq!(g.header(name), Some(value), "{name}");
        }
    }
}

#[test]
fn dry_run_in_json_and_without_a_url() {
    let (code, out, err) =
        run(hookctl().args(["send", "eva-service", "--seed", "2", "--dry-run", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(p["method"], "POST");
    assert_eq!(p["url"], Value::Null);
    assert_eq!(p["builtin_receiver"], true);
    assert_eq!(p["deliveries"], 1);
    assert_eq!(p["kind"], "eva-service-request");
    assert_eq!(p["verdict"]["valid"], true);
    let names: Vec<&str> = p["headers"].as_array().unwrap().iter().map(|h| h[0].as_str().unwrap()).collect();
    assert_eq!(names, ["content-type", "user-agent", "accept"]);
    let (_, shown, _) = run(hookctl().args(["show", "eva-service", "--seed", "2"]));
    assert_eq!(p["body"], serde_json::from_str::<Value>(&shown).unwrap());
    assert_eq!(p["bytes"], shown.trim_end().len());
    assert!(err.contains("hookctl's built-in receiver would get it"), "{err}");
    // In text, the url is said to be the built-in receiver's, which a dry run does not start.
    let (code, out, _) = run(hookctl().args(["send", "handoff-create", "--dry-run"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("POST (built-in receiver)\n"), "{out}");
    // HOOKCTL_URL is where it would go, as for send.
    let (_, out, _) =
        run(hookctl().args(["send", "handoff-create", "--dry-run"]).env("HOOKCTL_URL", "http://h.test:9/in"));
    assert!(out.starts_with("POST http://h.test:9/in\n"), "{out}");
}

#[test]
fn dry_run_redacts_secrets_unless_asked_and_refuses_load_mode() {
    let args = ["send", "handoff-create", "--dry-run", "-H", "Authorization: Bearer tok-5521"];
    let (code, out, err) = run(hookctl().args(args));
    assert_eq!(code, 0);
    assert!(out.contains("authorization: <redacted>\n") && !out.contains("tok-5521"), "{out}");
    assert!(err.contains("--show-secrets prints them"), "{err}");
    let (_, out, _) = run(hookctl().args(args).arg("--show-secrets"));
    assert!(out.contains("authorization: Bearer tok-5521\n"), "{out}");
    let (code, _, err) = run(hookctl().args(["send", "handoff-create", "--dry-run", "--count", "3"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("'--dry-run' cannot be used with '--count <N>'"), "{err}");
}

/// Run a printed command with bash, reading it as `hookctl send ... --print curl | bash` does.
fn bash(command: &str) -> (i32, String, String) {
    run(assert_cmd::Command::new("bash").write_stdin(command))
}

#[test]
fn print_curl_is_a_command_that_makes_the_same_request() {
    for args in CASES {
        let server = Server::ok();
        let extra = ["-H", "X-Note: it's \"quoted\" $HOME `x`", "--url"];
        let (code, curl, err) = run(hookctl()
            .arg("send")
            .args(*args)
            .args(["--once", "--print", "curl"])
            .args(extra)
            .arg(server.url()));
        assert_eq!(code, 0, "{err}");
        assert!(server.requests().is_empty(), "printing sends nothing");
        assert!(curl.starts_with(&format!("curl -X POST {}", server.url())), "{curl}");
        let (code, _, err) = bash(&curl);
        assert_eq!(code, 0, "{curl}\n{err}");
        let from_curl = server.requests();
        assert_eq!(from_curl.len(), 1);
        let from_send = sent(&[args, &extra[..2]].concat());
        assert_eq!(from_curl[0].body, from_send.body, "{args:?}: the same bytes");
        for name in ["content-type", "user-agent", "accept", "x-note"] {
            assert_eq!(from_curl[0].header(name), from_send.header(name), "{args:?}: {name}");
        }
        assert_eq!(from_curl[0].header("x-note"), Some("it's \"quoted\" $HOME `x`"));
    }
}

#[test]
fn print_curl_pipes_a_large_body_and_redacts_secrets_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.json");
    let mut doc: Value = serde_json::from_str(&run(hookctl().args(["show", "handoff-create"])).1).unwrap();
    doc["payload"]["userConversation"]["padding"] = Value::String("é'x".repeat(40_000));
    std::fs::write(&data, doc.to_string()).unwrap();
    let server = Server::ok();
    let secret = ["-H", "Authorization: Bearer tok-7731", "--url"];
    let print = |more: &[&str]| {
        let (code, out, err) = run(hookctl()
            .args(["send", "--data", data.to_str().unwrap(), "--print", "curl"])
            .args(secret)
            .arg(server.url())
            .args(more));
        assert_eq!(code, 0, "{err}");
        (out, err)
    };
    let (curl, err) = print(&[]);
    assert!(curl.starts_with("printf '%s' "), "a large body is piped in: {}", &curl[..60]);
    assert!(curl.contains("--data-binary @-") && !curl.contains("tok-7731"), "redacted");
    assert!(curl.contains("-H 'authorization: <redacted>'"), "redacted");
    assert!(err.contains("--show-secrets prints them"), "{err}");
    let (curl, _) = print(&["--show-secrets"]);
    assert!(curl.contains("-H 'authorization: Bearer tok-7731'"));
    let (code, _, err) = bash(&curl);
    assert_eq!(code, 0, "{err}");
    let got = server.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, doc.to_string().into_bytes(), "the same bytes, piped");
    assert_eq!(got[0].header("authorization"), Some("Bearer tok-7731"));
}

#[test]
fn print_curl_without_a_url_targets_the_listener_s_default_address() {
    let (code, out, err) = run(hookctl().args(["send", "agent-online", "--print", "curl"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("curl -X POST http://127.0.0.1:8080/hook"), "{out}");
    assert!(err.contains("where `hookctl listen` listens by default"), "{err}");
    // In JSON the command is a field of the preview.
    let (_, out, _) = run(hookctl().args(["send", "agent-online", "--print", "curl", "-o", "json"]));
    let p: Value = serde_json::from_str(&out).unwrap();
    assert!(p["curl"].as_str().unwrap().starts_with("curl -X POST"), "{p}");
}

#[test]
fn previews_redact_the_secrets_of_the_url_unless_asked() {
    let url = "http://ana:hunter2@127.0.0.1:9/hook?token=abc123&x=1";
    for print in [&["--dry-run"][..], &["--print", "curl"][..], &["--dry-run", "-o", "json"][..]] {
        let (code, out, err) = run(hookctl().args(["send", "agent-online", "--url", url]).args(print));
        assert_eq!(code, 0, "{print:?}: {err}");
        assert!(!out.contains("hunter2") && !out.contains("abc123"), "{print:?}: {out}");
        assert!(out.contains("x=1") && out.contains("ana:"), "{print:?}: only the secrets go: {out}");
        let (_, out, _) =
            run(hookctl().args(["send", "agent-online", "--url", url, "--show-secrets"]).args(print));
        assert!(out.contains("hunter2") && out.contains("abc123"), "{print:?}: {out}");
    }
}
