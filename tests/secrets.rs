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

/// What `hookctl listen ARGS` says on stderr at start, up to the line that holds `until`.
fn listen_banner(args: &[&str], until: &str) -> String {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
        .args(["listen", "--port", "0"])
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    while !banner.contains(until) {
        if stderr.read_line(&mut banner).unwrap() == 0 {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    banner
}

#[test]
fn listen_banner_redacts_the_forward_url() {
    let target = Server::ok();
    let url = secret_url(target.addr);
    let banner = listen_banner(&["--forward-to", &url], "forwarding to");
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

/// The README's table of what is secret, row by row (its cells, backticks and all).
fn readme_rows() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table =
        readme.split("<!-- secrets:start -->").nth(1).unwrap().split("<!-- secrets:end -->").next().unwrap();
    table
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// The names in backticks in a cell (`X-Api-Key`, `?code=`), without `?` and `=`.
fn names_in(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(|n| n.trim_matches(['?', '=']).to_string()).collect()
}

#[test]
fn the_readme_table_states_the_rule_the_code_applies() {
    let rows = readme_rows();
    assert_eq!(rows.len(), 6, "{rows:?}");
    let stated = |row: usize| names_in(&rows[row][1]);
    assert_eq!(stated(0), hookctl::http::SECRET_PARTS);
    assert_eq!(stated(1), hookctl::http::SECRET_WORDS);
    let never: Vec<String> = names_in(&rows[2][3]).iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(never, hookctl::http::NOT_SECRET);
}

/// `send` with these headers and this url to a server that answers with `answer_headers`: the
/// `-o json` report, and what the server received.
fn sent(
    headers: &[String],
    url_tail: &str,
    answer_headers: &[(&'static str, String)],
) -> (Value, common::Recorded) {
    let answer_headers = answer_headers.to_vec();
    let server = Server::start(move |_, _| {
        answer_headers.iter().fold(Reply::json(200, json!({})), |r, (n, v)| r.header(n, v.clone()))
    });
    let url = format!("http://{}{url_tail}", server.addr);
    let mut cmd = hookctl();
    cmd.args(["send", "agent-online", "--url", &url, "-o", "json"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{out}\n{err}");
    (serde_json::from_str(&out).unwrap(), server.requests().remove(0))
}

/// The value a report's header list gives `name` (headers are `[name, value]` pairs).
fn header_in(list: &Value, name: &str) -> Option<String> {
    list.as_array()?
        .iter()
        .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|h| h[1].as_str().unwrap().to_string())
}

#[test]
fn row_names_that_contain_a_secret_part_are_redacted_as_headers_and_parameters() {
    let rows = readme_rows();
    let (redacted, kept) = (names_in(&rows[0][2]), names_in(&rows[0][3]));
    let headers: Vec<&String> = redacted.iter().chain(&kept).filter(|n| !n.starts_with(['?', 'a'])).collect();
    let lines: Vec<String> = headers.iter().map(|n| format!("{n}: value-of-{}", n.to_lowercase())).collect();
    let params: Vec<String> = redacted
        .iter()
        .chain(&kept)
        .filter(|n| n.contains('_') || n.contains("Amz") || *n == "page")
        .cloned()
        .collect();
    let query: Vec<String> = params.iter().map(|p| format!("{p}=value-of-{}", p.to_lowercase())).collect();
    let (report, got) = sent(&lines, &format!("/hook?{}", query.join("&")), &[]);
    let shown = &report["request"]["headers"];
    for name in headers {
        let value = header_in(shown, name).unwrap_or_else(|| panic!("{name} not shown: {shown}"));
        let secret = redacted.contains(name);
        assert_eq!(value == "<redacted>", secret, "{name}: {value}");
        // Sent as given whatever it is.
        assert_eq!(got.header(name), Some(format!("value-of-{}", name.to_lowercase()).as_str()));
    }
    let url = report["request"]["url"].as_str().unwrap();
    for p in &params {
        let secret = redacted.contains(p);
        assert_eq!(url.contains(&format!("{p}=<redacted>")), secret, "{p}: {url}");
        assert_eq!(url.contains(&format!("value-of-{}", p.to_lowercase())), !secret, "{p}: {url}");
    }
}

#[test]
fn row_names_with_a_secret_word_are_redacted_and_longer_words_are_not() {
    let (report, got) = sent(
        &["X-Sig: s1g-value".into(), "X-Signal: green".into()],
        "/api?code=fn-k3y&accessCode=ac-k3y&sig=sas-s1g&zipcode=75001&signal=on",
        &[],
    );
    let url = report["request"]["url"].as_str().unwrap();
    assert!(
        url.ends_with("/api?code=<redacted>&accessCode=<redacted>&sig=<redacted>&zipcode=75001&signal=on"),
        "{url}"
    );
    assert_eq!(header_in(&report["request"]["headers"], "x-sig").as_deref(), Some("<redacted>"));
    assert_eq!(header_in(&report["request"]["headers"], "x-signal").as_deref(), Some("green"));
    assert_eq!(
        got.query.as_deref(),
        Some("code=fn-k3y&accessCode=ac-k3y&sig=sas-s1g&zipcode=75001&signal=on")
    );
}

#[test]
fn row_a_challenge_is_shown_though_its_name_says_auth() {
    let challenge = ("www-authenticate", "Bearer realm=\"hooks\"".to_string());
    let (report, _) = sent(&[], "/hook", &[challenge, ("x-auth-token", "t0k-in-answer".to_string())]);
    let answer = &report["response"]["headers"];
    assert_eq!(header_in(answer, "www-authenticate").as_deref(), Some("Bearer realm=\"hooks\""), "{answer}");
    assert_eq!(header_in(answer, "x-auth-token").as_deref(), Some("<redacted>"), "{answer}");
}

#[test]
fn row_userinfo_loses_its_password_or_a_user_that_stands_alone() {
    for (userinfo, shown) in [("user:pa55w0rd", "user:<redacted>"), ("ghp_t0ken", "<redacted>")] {
        let server = Server::ok();
        let url = format!("http://{userinfo}@{}/hook", server.addr);
        let (code, out, err) =
            run(hookctl().args(["send", "agent-online", "--url", &url, "--dry-run", "--print", "curl"]));
        assert_eq!(code, 0, "{out}\n{err}");
        let secret = userinfo.rsplit(':').next().unwrap();
        assert!(!out.contains(secret), "{out}");
        assert!(out.contains(&format!("http://{shown}@{}/hook", server.addr)), "{out}");
    }
}

#[test]
fn row_parameters_in_the_fragment_and_the_path_are_redacted_too() {
    let listener = Listener::start(&[]);
    // A fragment never reaches a server; a matrix parameter does, in the path.
    assert_eq!(post_raw(&listener.addr, "/hook;token=m4trix-t0k;v=1?x=1", b"{}"), 200);
    let lines = listener.stop();
    assert_eq!(lines[0]["path"], "/hook;token=<redacted>;v=1?x=1", "{:#}", lines[0]);

    let server = Server::ok();
    let url = format!("http://{}/cb#access_token=fr4g-t0k&state=s1", server.addr);
    let (code, out, err) = run(hookctl().args(["send", "agent-online", "--url", &url, "--dry-run"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains("fr4g-t0k") && out.contains("#access_token=<redacted>&state=s1"), "{out}");
}

#[test]
fn row_a_location_header_shows_its_url_redacted() {
    let next = "https://u:l0c-pw@example.test/next?code=l0c-code&page=2".to_string();
    let (report, _) = sent(&[], "/hook", &[("location", next.clone()), ("x-next", next)]);
    let answer = &report["response"]["headers"];
    assert_eq!(
        header_in(answer, "location").as_deref(),
        Some("https://u:<redacted>@example.test/next?code=<redacted>&page=2"),
        "{answer}"
    );
}

/// POST `{}` to a listener with these headers, and the status line it answers.
fn post_with_headers(addr: &str, headers: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut request =
        format!("POST /hook HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n{}");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

#[test]
fn listen_redacts_custom_key_headers_in_its_banner_output_and_capture() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let required = ["--require-header", "X-Webhook-Key=wk-s3cret"];
    let listener = Listener::start_text(&[required[0], required[1], "--save", cap.to_str().unwrap()]);
    let status =
        post_with_headers(&listener.addr, &[("X-Webhook-Key", "wk-s3cret"), ("X-Api-Key", "api-s3cret")]);
    assert!(status.contains(" 200 "), "{status}");
    let status = post_with_headers(&listener.addr, &[("X-Webhook-Key", "wr0ng-value")]);
    assert!(status.contains(" 401 "), "{status}");
    let text = listener.stop_text();
    let saved = std::fs::read_to_string(&cap).unwrap();
    for (what, shown) in [("listen's output", &text), ("the capture", &saved)] {
        for secret in ["wk-s3cret", "api-s3cret", "wr0ng-value"] {
            assert!(!shown.contains(secret), "{what} shows {secret}:\n{shown}");
        }
    }
    assert!(saved.contains("[\"x-webhook-key\",\"<redacted>\"]"), "{saved}");

    let banner = listen_banner(&required, "requiring");
    assert!(banner.contains("requiring x-webhook-key: <redacted>"), "{banner}");
    assert!(!banner.contains("wk-s3cret"), "{banner}");
}

#[test]
fn init_from_a_capture_writes_variables_for_its_secrets_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let service = hookctl::catalogue::event("eva-service").unwrap().fixture().to_string();
    for keep in [false, true] {
        let mut args = vec!["--save", cap.to_str().unwrap()];
        if keep {
            args.push("--keep-secrets");
        }
        let listener = Listener::start(&args);
        let url = format!("http://{}/api/eva?code=fn-k3y-5150&page=2", listener.addr);
        let (code, out, err) = run(hookctl()
            .args(["send", "--data", "-", "--url", &url, "-H", "X-Webhook-Key: wk-s3cret"])
            .write_stdin(service.clone()));
        assert_eq!(code, 0, "{out}\n{err}");
        listener.stop();
    }
    let suite = dir.path().join("suite.toml");
    let (code, out, err) =
        run(hookctl().args(["init", "--from", cap.to_str().unwrap(), suite.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("set X_WEBHOOK_KEY (header x-webhook-key), WEBHOOK_CODE (query code of /api/eva)"),
        "{err}"
    );
    let mut written = std::fs::read_to_string(&suite).unwrap();
    for payload in std::fs::read_dir(dir.path().join("suite-payloads")).unwrap() {
        written.push_str(&std::fs::read_to_string(payload.unwrap().path()).unwrap());
    }
    for secret in ["fn-k3y-5150", "wk-s3cret"] {
        assert!(!written.contains(secret), "{secret} copied:\n{written}");
    }
    assert!(written.contains("url = \"${WEBHOOK_URL:-}?code=${WEBHOOK_CODE:-}\""), "{written}");
    assert!(written.contains("x-webhook-key = \"${X_WEBHOOK_KEY:-}\""), "{written}");

    // The suite sends what the variables hold.
    let server = Server::ok();
    let (code, out, err) = run(hookctl()
        .args(["test", suite.to_str().unwrap()])
        .env("WEBHOOK_URL", format!("http://{}/api/eva", server.addr))
        .env("WEBHOOK_CODE", "code-from-env")
        .env("X_WEBHOOK_KEY", "key-from-env"));
    assert!(code == 0 || code == 1, "{out}\n{err}");
    let got = server.requests();
    assert!(!got.is_empty(), "{out}\n{err}");
    assert_eq!(got[0].query.as_deref(), Some("code=code-from-env"));
    assert_eq!(got[0].header("x-webhook-key"), Some("key-from-env"));
}
