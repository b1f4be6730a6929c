//! Target URLs as every flag, variable and suite takes them: without a scheme meaning `http://`,
//! a mistyped scheme refused with the URL meant, `send EVENT URL`, and `https://` to a server that
//! speaks plain HTTP. The real binary against real servers on loopback.

mod common;

use common::{Server, hookctl, run};

/// A suite of one case (agent-online) with `url` as its defaults' url, written as `name`.
fn suite(dir: &std::path::Path, name: &str, url: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("[defaults]\nurl = \"{url}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// A capture of one Botpress event, for replay.
fn capture(dir: &std::path::Path) -> String {
    let path = dir.join("cap.jsonl");
    let listener = common::Listener::start(&["--save", path.to_str().unwrap()]);
    let (code, _, err) = run(hookctl().args(["send", "agent-online", "--url", &listener.url]));
    assert_eq!(code, 0, "{err}");
    listener.stop();
    path.to_str().unwrap().to_string()
}

/// Every way to name a target, each given `url`: the command line, a suite and the environment.
/// `cap` is a capture to replay; `good` a URL the suites hold when a flag sets theirs.
fn every_flag(dir: &std::path::Path, cap: &str, url: &str, good: &str) -> Vec<(String, assert_cmd::Command)> {
    let (plain, own) = (suite(dir, "plain.toml", good), suite(dir, "own.toml", url));
    let mut ways: Vec<(String, assert_cmd::Command)> = Vec::new();
    let mut add = |what: &str, args: &[&str]| {
        let mut cmd = hookctl();
        cmd.args(args);
        ways.push((what.to_string(), cmd));
    };
    add("send --url", &["send", "agent-online", "--url", url]);
    add("send URL", &["send", "agent-online", url]);
    add("scenario --url", &["scenario", "handoff-lifecycle", "--url", url]);
    add("replay --url", &["replay", cap, "--url", url]);
    add("test --url", &["test", &plain, "--url", url]);
    add("test --target", &["test", &plain, "--target", &format!("default={url}")]);
    add("a suite's url", &["test", &own]);
    let mut env = hookctl();
    env.args(["send", "agent-online"]).env("HOOKCTL_URL", url);
    ways.push(("HOOKCTL_URL".into(), env));
    ways
}

#[test]
fn a_url_without_a_scheme_means_http_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::ok();
    let (cap, port) = (capture(dir.path()), server.addr.port());
    for url in [format!("127.0.0.1:{port}/hook"), format!(":{port}/hook"), format!("localhost:{port}/hook")] {
        for (what, mut cmd) in every_flag(dir.path(), &cap, &url, &server.url()) {
            let before = server.requests().len();
            let (code, out, err) = run(&mut cmd);
            assert_eq!(code, 0, "{what} {url}: {out}{err}");
            assert!(server.requests().len() > before, "{what} {url}: nothing arrived");
            assert!(server.requests().iter().all(|r| r.path == "/hook"), "{what}");
        }
    }
    // listen --forward-to too.
    let listener = common::Listener::start(&["--forward-to", &format!(":{port}/fwd")]);
    let (code, _, err) = run(hookctl().args(["send", "agent-online", &listener.url]));
    assert_eq!(code, 0, "{err}");
    listener.stop();
    assert_eq!(server.requests().last().unwrap().path, "/fwd/hook");
}

#[test]
fn a_mistyped_scheme_is_refused_everywhere_with_the_url_meant() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::ok();
    let (cap, port) = (capture(dir.path()), server.addr.port());
    for (typed, meant) in [
        (format!("http//127.0.0.1:{port}/hook"), format!("http://127.0.0.1:{port}/hook")),
        (format!("htp://127.0.0.1:{port}/hook"), format!("http://127.0.0.1:{port}/hook")),
        (format!("http:/127.0.0.1:{port}/hook"), format!("http://127.0.0.1:{port}/hook")),
        (format!("https//127.0.0.1:{port}/hook"), format!("https://127.0.0.1:{port}/hook")),
    ] {
        for (what, mut cmd) in every_flag(dir.path(), &cap, &typed, &server.url()) {
            let (code, _, err) = run(&mut cmd);
            assert_eq!(code, 2, "{what} {typed}: {err}");
            assert!(
                err.contains(&format!("'{typed}': mistyped scheme; did you mean {meant}?")),
                "{what}: {err}"
            );
        }
        let (code, _, err) = run(hookctl().args(["listen", "--port", "0", "--forward-to", &typed]));
        assert_eq!(code, 2, "{err}");
        assert_eq!(
            common::error_line(&err),
            format!("error: --forward-to '{typed}': mistyped scheme; did you mean {meant}?")
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent anywhere");
    // Which flag, and the secrets of the URL meant are not shown either.
    let (code, _, err) =
        run(hookctl().args(["send", "agent-online", "htp://u:hunter2@example.test/x?token=abc"]));
    assert_eq!(code, 2);
    assert_eq!(
        common::error_line(&err),
        "error: URL 'htp://u:<redacted>@example.test/x?token=<redacted>': mistyped scheme; did you mean \
         http://u:<redacted>@example.test/x?token=<redacted>?"
    );
}

#[test]
fn a_botpress_config_url_needs_its_scheme_as_botpress_does() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("hitlnext.json");
    std::fs::write(&cfg, r#"{"eventsWebHook": {"url": "localhost:3000/hook"}}"#).unwrap();
    let (code, _, err) = run(hookctl().args(["send", "agent-online", "--botpress-config"]).arg(&cfg));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("eventsWebHook.url 'localhost:3000/hook': no scheme, and this URL is used as written; did you mean http://localhost:3000/hook?"),
        "{err}"
    );
    // With it, it is sent there.
    let server = Server::ok();
    std::fs::write(&cfg, format!(r#"{{"eventsWebHook": {{"url": "{}"}}}}"#, server.url())).unwrap();
    let (code, _, err) = run(hookctl().args(["send", "agent-online", "--botpress-config"]).arg(&cfg));
    assert_eq!(code, 0, "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn send_takes_the_url_after_the_event_and_not_with_url_too() {
    let server = Server::ok();
    let (code, out, err) = run(hookctl().args(["send", "handoff-create", &server.url(), "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["builtin_receiver"], false, "{report:#}");
    assert_eq!(report["request"]["url"], server.url(), "{report:#}");
    assert_eq!(server.requests().len(), 1);

    let (code, out, err) =
        run(hookctl().args(["send", "agent-online", &server.url(), "--url", &server.url()]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        common::error_line(&err),
        "error: the URL after the event and --url both say where to send: give one"
    );

    // HOOKCTL_URL fills --url for the parser, yet it is no --url given: the URL after the event
    // is taken, and wins over the variable as --url does.
    let closed = format!("http://127.0.0.1:{}/hook", common::closed_port());
    let (code, _, err) =
        run(hookctl().env("HOOKCTL_URL", &closed).args(["send", "agent-online", &server.url()]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(server.requests().len(), 2);

    // A URL where the event goes is not taken for an unknown event.
    for args in
        [&["send", "localhost:3000/hook"][..], &["send", "http://localhost:3000/hook", "agent-online"]]
    {
        let (code, _, err) = run(hookctl().args(args));
        assert_eq!(code, 2, "{args:?}");
        assert!(common::error_line(&err).contains("is a URL, not an event: the event comes first"), "{err}");
    }
    assert_eq!(server.requests().len(), 2, "nothing more was sent");
}

#[test]
fn https_to_a_plain_http_server_says_so() {
    let server = Server::ok();
    let port = server.addr.port();
    let (code, out, err) = run(hookctl().args([
        "send",
        "agent-online",
        &format!("https://127.0.0.1:{port}/hook"),
        "-o",
        "json",
    ]));
    assert_eq!(code, 3, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["transport_error"],
        format!("TLS handshake failed: the server speaks plain HTTP; use http://127.0.0.1:{port}/hook")
    );
}

#[test]
fn another_tls_failure_keeps_its_own_wording() {
    // A server that takes the connection and closes it without a word.
    let quiet = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = quiet.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in quiet.incoming().flatten() {
            drop(stream);
        }
    });
    let (code, out, _) = run(hookctl().args([
        "send",
        "agent-online",
        "--url",
        &format!("https://127.0.0.1:{port}/"),
        "-o",
        "json",
    ]));
    assert_eq!(code, 3, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let said = report["transport_error"].as_str().unwrap();
    assert!(!said.contains("plain HTTP"), "{said}");
    // An untrusted certificate is tests/send.rs's an_https_server_the_system_does_not_trust_is_a_tls_failure.
}

#[test]
fn send_data_takes_the_url_after_the_body_and_refuses_an_event() {
    let server = Server::ok();
    let body = common::fixture_path("fixtures/events/agent-online.json");
    let body = body.to_str().unwrap();
    let (code, out, err) = run(hookctl().args(["send", "--data", body, &server.url(), "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["request"]["url"], server.url(), "{report:#}");
    assert_eq!(server.requests().len(), 1);

    // An event beside --data is refused, with or without a URL after it, and nothing is sent.
    for args in [&["agent-online"][..], &["agent-online", "localhost:3000/hook"]] {
        let (code, _, err) = run(hookctl().args(["send", "--data", body]).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            common::error_line(&err).contains("--data sends your own body, not an event"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(server.requests().len(), 1);
}
