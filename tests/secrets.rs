//! Secrets in URLs and headers: a URL's password and token-like query values reach the server
//! whole, and are redacted wherever hookctl shows or keeps them (text, JSON, JUnit, captures,
//! error messages) unless `--show-secrets` / `--keep-secrets`.

mod common;

use std::time::Duration;

use base64::Engine;
use common::{Listener, Reply, Server, closed_port, hookctl, post_raw, run};
use serde_json::{Value, json};

const PASSWORD: &str = "pw-s3cret";
const TOKEN: &str = "tok-abc123";

/// A URL to `server` with a password in its userinfo, a token in its query and a plain parameter.
fn secret_url(addr: impl std::fmt::Display) -> String {
    format!("http://user:{PASSWORD}@{addr}/hook?token={TOKEN}&x=1")
}

fn shown_url(addr: impl std::fmt::Display) -> String {
    format!("http://user:<redacted>@{addr}/hook?token=<redacted>&x=1")
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(PASSWORD), "{what} shows the password:\n{text}");
    assert!(!text.contains(TOKEN), "{what} shows the token:\n{text}");
}

#[test]
fn send_delivers_the_secrets_but_shows_them_redacted() {
    let server = Server::ok();
    let url = secret_url(server.addr);
    let (code, out, err) = run(hookctl().args(["send", "agent-online", "--url", &url]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_no_secret("text output", &out);
    assert_no_secret("stderr", &err);
    assert!(out.contains(&shown_url(server.addr)), "{out}");

    let (code, out, err) = run(hookctl().args(["send", "agent-online", "--url", &url, "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_no_secret("JSON output", &out);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["request"]["url"], shown_url(server.addr));

    // The server got the real values: the query as written, the userinfo as Basic credentials.
    let got = server.requests();
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(r.query.as_deref(), Some(format!("token={TOKEN}&x=1").as_str()));
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{PASSWORD}"));
        assert_eq!(r.header("authorization"), Some(format!("Basic {basic}").as_str()));
    }
}

#[test]
fn show_secrets_shows_the_url_whole() {
    let server = Server::ok();
    let url = secret_url(server.addr);
    let (code, out, _) = run(hookctl().args(["send", "agent-online", "--url", &url, "--show-secrets"]));
    assert_eq!(code, 0);
    assert!(out.contains(&url), "{out}");
    let (_, out, _) =
        run(hookctl().args(["send", "agent-online", "--url", &url, "--show-secrets", "-o", "json"]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["request"]["url"], url);
}

#[test]
fn load_mode_summary_redacts_the_url() {
    let server = Server::ok();
    let url = secret_url(server.addr);
    for output in ["text", "json"] {
        let (code, out, err) =
            run(hookctl().args(["send", "agent-online", "--count", "3", "--url", &url, "-o", output]));
        assert_eq!(code, 0, "{out}\n{err}");
        assert_no_secret(output, &out);
        assert!(out.contains(&shown_url(server.addr)), "{out}");
    }
}

#[test]
fn a_transport_error_does_not_show_the_secrets() {
    // Refused: the line names host and port only.
    let url = secret_url(format!("127.0.0.1:{}", closed_port()));
    let (code, out, err) = run(hookctl().args(["send", "agent-online", "--url", &url]));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(err.contains("connection refused"), "{err}");
    assert_no_secret("refused", &format!("{out}{err}"));

    // A timeout names the URL: redacted, in the error line and in the JSON report.
    let slow = Server::start(|_, _| Reply { delay: Duration::from_secs(5), ..Reply::json(200, json!({})) });
    let url = secret_url(slow.addr);
    for output in ["text", "json"] {
        let (code, out, err) =
            run(hookctl().args(["send", "agent-online", "--timeout", "0.2", "--url", &url, "-o", output]));
        assert_eq!(code, 3, "{out}\n{err}");
        assert!(err.contains("timeout: ") && err.contains(&shown_url(slow.addr)), "{err}");
        assert_no_secret("timeout", &format!("{out}{err}"));
    }
}

#[test]
fn a_bad_url_is_refused_without_echoing_its_secrets() {
    for bad in [
        format!("ftp://user:{PASSWORD}@host/hook?token={TOKEN}"),
        format!("http://user:{PASSWORD}@[::1/hook?token={TOKEN}"),
    ] {
        let (code, out, err) = run(hookctl().args(["send", "agent-online", "--url", &bad]));
        assert_eq!(code, 2, "{bad}: {out}\n{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("--url") && err.contains("user:<redacted>@"), "{err}");
        assert_no_secret("--url error", &err);
        let (code, _, err) = run(hookctl().args(["send", "agent-online"]).env("HOOKCTL_URL", &bad));
        assert_eq!(code, 2);
        assert!(err.contains("HOOKCTL_URL"), "{err}");
        assert_no_secret("HOOKCTL_URL error", &err);
    }
}

#[test]
fn signature_headers_are_secret() {
    let server = Server::ok();
    let (code, out, _) = run(hookctl().args([
        "send",
        "agent-online",
        "--url",
        &server.url(),
        "-H",
        "X-Hub-Signature-256: sha256=deadbeef",
        "-H",
        "X-Signature: sig-value-1",
        "-H",
        "X-Tenant: acme",
        "-o",
        "json",
    ]));
    assert_eq!(code, 0);
    assert!(!out.contains("deadbeef") && !out.contains("sig-value-1"), "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let headers = report["request"]["headers"].as_array().unwrap();
    let value = |name: &str| headers.iter().find(|h| h[0] == name).map(|h| h[1].clone());
    assert_eq!(value("x-hub-signature-256"), Some(json!("<redacted>")));
    assert_eq!(value("x-signature"), Some(json!("<redacted>")));
    assert_eq!(value("x-tenant"), Some(json!("acme")));
    assert_eq!(server.requests()[0].header("x-hub-signature-256"), Some("sha256=deadbeef"));
}

#[test]
fn listen_redacts_secret_query_values_in_output_and_captures_unless_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    assert_eq!(post_raw(&listener.addr, "/hook?sig=abc-sig&x=1", b"{}"), 200);
    // Another secret value on the same path is another delivery, not a repeat.
    assert_eq!(post_raw(&listener.addr, "/hook?sig=other-sig&x=1", b"{}"), 200);
    let lines = listener.stop();
    let saved = std::fs::read_to_string(&cap).unwrap();
    let printed = serde_json::to_string(&lines).unwrap();
    for text in [&printed, &saved] {
        assert!(!text.contains("abc-sig") && !text.contains("other-sig"), "{text}");
        assert!(text.contains("/hook?sig=<redacted>&x=1"), "{text}");
    }
    assert!(lines[1].get("repeat_of").is_none(), "{:#}", lines[1]);

    let listener = Listener::start_text(&[]);
    post_raw(&listener.addr, "/hook?access_token=abc-tok", b"{}");
    let text = listener.stop_text();
    assert!(!text.contains("abc-tok") && text.contains("/hook?access_token=<redacted>"), "{text}");

    let listener = Listener::start(&["--keep-secrets"]);
    post_raw(&listener.addr, "/hook?sig=abc-sig&x=1", b"{}");
    let lines = listener.stop();
    assert_eq!(lines[0]["path"], "/hook?sig=abc-sig&x=1");
}

#[test]
fn listen_banner_redacts_the_forward_url() {
    use std::io::BufRead;
    let target = Server::ok();
    let url = secret_url(target.addr);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
        .args(["listen", "--port", "0", "--forward-to", &url])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    while !banner.contains("forwarding to") {
        if stderr.read_line(&mut banner).unwrap() == 0 {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(banner.contains(&format!("forwarding to {}", shown_url(target.addr))), "{banner}");
    assert_no_secret("listen banner", &banner);
}

#[test]
fn replay_says_a_redacted_query_value_is_not_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    let sent =
        run(hookctl().args(["send", "agent-online", "--url", &format!("{}?sig=abc-sig", listener.url)]));
    assert_eq!(sent.0, 0, "{sent:?}");
    listener.stop();
    let target = Server::ok();
    let (code, out, err) =
        run(hookctl().arg("replay").arg(&cap).args(["--url", &target.url(), "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let notes = report["notes"].to_string();
    assert!(notes.contains("sig was redacted in the capture") && notes.contains("--keep-secrets"), "{notes}");
}

#[test]
fn test_reports_redact_a_literal_url_in_text_json_and_junit() {
    let slow = Server::start(|_, _| Reply { delay: Duration::from_secs(5), ..Reply::json(200, json!({})) });
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("s.toml");
    std::fs::write(
        &suite,
        format!(
            "[defaults]\nurl = \"{}\"\ntimeout = 0.2\n\n[[case]]\nname = \"slow\"\nevent = \"agent-online\"\n",
            secret_url(slow.addr)
        ),
    )
    .unwrap();
    let junit = dir.path().join("junit.xml");
    let (code, out, err) = run(hookctl().arg("test").arg(&suite).arg("--junit").arg(&junit));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains(&shown_url(slow.addr)), "{out}");
    assert_no_secret("test text", &format!("{out}{err}"));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("user:&lt;redacted&gt;@") || xml.contains("user:<redacted>@"), "{xml}");
    assert_no_secret("JUnit", &xml);
    let (code, out, err) = run(hookctl().arg("test").arg(&suite).args(["-o", "json"]));
    assert_eq!(code, 3);
    assert_no_secret("test JSON", &format!("{out}{err}"));

    // The same url from the environment is shown resolved, as a url is: its password and secret
    // query values redacted, the rest as it is, so that a failure says where it went.
    std::fs::write(
        &suite,
        "[defaults]\nurl = \"${WEBHOOK_URL}\"\ntimeout = 0.2\n\n[[case]]\nname = \"slow\"\nevent = \"agent-online\"\n",
    )
    .unwrap();
    let (code, out, err) = run(hookctl().arg("test").arg(&suite).env("WEBHOOK_URL", secret_url(slow.addr)));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains(&format!("timeout: {} did not answer", shown_url(slow.addr))), "{out}");
    assert!(out.contains(&format!("→ POST {}\n", shown_url(slow.addr))), "{out}");
    assert_no_secret("test text, url from the environment", &format!("{out}{err}"));

    // A literal url that cannot be used is refused, naming its line, without its password.
    std::fs::write(
        &suite,
        format!("[[case]]\nname = \"bad\"\nevent = \"agent-online\"\nurl = \"ftp://user:{PASSWORD}@host/?token={TOKEN}\"\n"),
    )
    .unwrap();
    let (code, _, err) = run(hookctl().arg("test").arg(&suite));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("s.toml:4") && err.lines().count() == 1, "{err}");
    assert_no_secret("suite error", &err);
}
