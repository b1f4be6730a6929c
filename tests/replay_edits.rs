//! `replay` with edits: `--set`, `--data` and `-H` change what is re-sent, the server gets the
//! edited request, and the verdict is on what was sent; `--print curl` prints the requests
//! (edits applied) as commands that `sh` runs to the same effect. Real captures, made by the real
//! binary listening on loopback, re-sent to real servers.

mod common;

use std::path::{Path, PathBuf};

use common::{Listener, Reply, Server, error_line, hookctl, run};
use serde_json::{Value, json};

/// A capture of two requests, made by `listen --save --keep-secrets`: #1 `handoff-create` with
/// `Authorization: Bearer s3cret-old`, #2 `eva-service`; both with fixed ids (`--seed`).
fn capture(dir: &Path) -> PathBuf {
    let path = dir.join("captures.jsonl");
    let listener = Listener::start(&["--save", path.to_str().unwrap(), "--keep-secrets"]);
    for args in [
        &["send", "handoff-create", "--seed", "7", "-H", "Authorization: Bearer s3cret-old"][..],
        &["send", "eva-service", "--seed", "7"][..],
    ] {
        let (code, out, err) = run(hookctl().args(args).args(["--url", &listener.url]));
        assert_eq!(code, 0, "{args:?}\n{out}{err}");
    }
    listener.stop();
    path
}

/// The body of each captured request, as it came.
fn captured(path: &Path) -> Vec<Vec<u8>> {
    common::captured_bodies(&std::fs::read_to_string(path).unwrap())
        .into_iter()
        .map(String::into_bytes)
        .collect()
}

fn replay(capture: &Path, args: &[&str]) -> (i32, String, String) {
    run(hookctl().arg("replay").arg(capture).args(args))
}

#[test]
fn set_edits_the_field_the_server_gets_and_without_edits_the_bytes_are_the_captured_ones() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let bodies = captured(&capture);

    let server = Server::ok();
    let (code, out, err) = replay(&capture, &["--filter", "1", "--url", &server.url()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(server.requests()[0].body, bodies[0], "unedited: the captured bytes");

    let server = Server::ok();
    let (code, out, err) = replay(
        &capture,
        &[
            "--filter",
            "1",
            "--set",
            "payload.tags=[\"vip\"]",
            "--set",
            "/payload/userChannel=telegram",
            "--url",
            &server.url(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let got = server.requests();
    assert_eq!(got.len(), 1);
    let mut want: Value = serde_json::from_slice(&bodies[0]).unwrap();
    want["payload"]["tags"] = json!(["vip"]);
    want["payload"]["userChannel"] = json!("telegram");
    assert_eq!(got[0].json(), want, "each --set, and nothing else, changed");
    assert_eq!(got[0].body, serde_json::to_vec(&want).unwrap(), "sent compact, keys in their order");
    assert_eq!(got[0].header("user-agent"), Some("axios/0.21.4"), "the captured headers go with it");
    assert_eq!(got[0].header("authorization"), Some("Bearer s3cret-old"));
}

#[test]
fn header_replaces_the_captured_one_or_adds_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let server = Server::ok();
    let (code, out, err) = replay(
        &capture,
        &[
            "--filter",
            "1",
            "-H",
            "authorization: Bearer s3cret-new",
            "--header",
            "X-Trace: t-1",
            "--url",
            &server.url(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let got = &server.requests()[0];
    let auth: Vec<&str> =
        got.headers.iter().filter(|(n, _)| n == "authorization").map(|(_, v)| v.as_str()).collect();
    assert_eq!(auth, ["Bearer s3cret-new"], "replaced, not added beside the captured one");
    assert_eq!(got.header("x-trace"), Some("t-1"));
    assert_eq!(got.header("user-agent"), Some("axios/0.21.4"), "the other captured headers are kept");
    assert_eq!(got.body, captured(&capture)[0], "the body is the captured one");
}

#[test]
fn data_replaces_the_body_of_the_one_request_filter_picks_and_is_refused_for_several() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let data = dir.path().join("body.json");
    let (_, resolve, _) = run(hookctl().args(["show", "handoff-resolve", "--seed", "3", "--pretty"]));
    std::fs::write(&data, &resolve).unwrap();
    let data = data.to_str().unwrap();

    let server = Server::ok();
    let (code, out, err) = replay(&capture, &["--data", data, "--url", &server.url()]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        error_line(&err),
        format!(
            "error: --data replaces the body of one request, and 2 requests of {} are to be re-sent: pick one with --filter (such as --filter 1)",
            capture.display()
        )
    );
    assert!(server.requests().is_empty(), "nothing sent");

    let (code, out, err) = replay(&capture, &["--filter", "1", "--data", data, "--url", &server.url()]);
    assert_eq!(code, 0, "{out}{err}");
    let got = &server.requests()[0];
    let want: Value = serde_json::from_str(&resolve).unwrap();
    assert_eq!(got.body, serde_json::to_vec(&want).unwrap(), "the file's body, compact");
    assert_eq!(got.header("authorization"), Some("Bearer s3cret-old"), "with the captured headers");
    assert!(out.contains("#1 botpress-event"), "{out}");
}

#[test]
fn an_edit_that_breaks_the_contract_fails_and_one_that_keeps_it_passes() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let server = Server::ok();
    let (code, out, err) =
        replay(&capture, &["--filter", "1", "--set", "payload.status=bogus", "--url", &server.url()]);
    assert_eq!(code, 1, "the body as sent breaks the contract\n{out}{err}");
    assert_eq!(server.requests()[0].json()["payload"]["status"], "bogus", "it is sent as asked");
    assert!(out.contains("request: expected a valid botpress-event (the body as edited), found"), "{out}");
    assert!(out.contains("/payload/status"), "{out}");
    let (code, out, err) = replay(
        &capture,
        &["--filter", "1", "--set", "payload.status=bogus", "--url", &server.url(), "-o", "json"],
    );
    assert_eq!(code, 1, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let step = &report["steps"][0];
    assert_eq!(step["passed"], false);
    assert_eq!(step["request"]["verdict"]["valid"], false, "the request's own verdict\n{step:#}");

    let (code, out, err) =
        replay(&capture, &["--filter", "1", "--set", "payload.status=pending", "--url", &server.url()]);
    assert_eq!(code, 0, "a valid edit passes\n{out}{err}");

    // eva: the answer is judged against the request as edited. The webhook always chooses
    // CLIENT, one of the captured request's options and not one of the edited request's.
    let eva = Server::start(|_, _| Reply::json(200, json!({ "option": "CLIENT" })));
    let (code, out, err) = replay(&capture, &["--filter", "2", "--url", &eva.url()]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = replay(
        &capture,
        &["--filter", "2", "--set", "expectedOptions=[\"YES\",\"NO\"]", "--url", &eva.url()],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("the answer breaks the eva-service-response contract"), "{out}");
    assert!(out.contains("CLIENT"), "{out}");
}

#[test]
fn an_edit_that_cannot_be_made_names_the_request_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let server = Server::ok();
    let (code, _, err) = replay(&capture, &["--set", "payload.status=resolved", "--url", &server.url()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        error_line(&err),
        format!(
            "error: {}: request #2: --set payload.status: 'payload' does not exist in the payload",
            capture.display()
        )
    );
    assert!(server.requests().is_empty(), "nothing sent, not even request #1");
    // The same parser as send's: a bad path or a variable is refused before anything is read.
    let (code, _, err) = replay(&capture, &["--set", "nopath", "--url", &server.url()]);
    assert_eq!((code, error_line(&err)), (2, "error: --set 'nopath': expected PATH=VALUE"));
    let (code, _, err) = replay(&capture, &["--set", "text=${HOME}", "--url", &server.url()]);
    assert_eq!(code, 2, "{err}");
    assert!(error_line(&err).contains("${HOME} is not expanded in --set"), "{err}");
    assert!(server.requests().is_empty());
}

/// Run a script with `sh`, as `hookctl replay ... --print curl | sh` does.
fn sh(script: &str) -> (i32, String, String) {
    run(assert_cmd::Command::new("sh").write_stdin(script))
}

#[test]
fn print_curl_prints_the_edited_requests_and_sh_makes_them_as_replay_would() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let edits = ["--set", "payload.tags=[\"it's\"]", "-H", "X-Trace: $HOME `x`"];

    let direct = Server::ok();
    let (code, out, err) =
        replay(&capture, &[&edits[..], &["--filter", "1", "--url", &direct.url()]].concat());
    assert_eq!(code, 0, "{out}{err}");

    let printed = Server::ok();
    let printed_url = printed.url();
    let args = [&edits[..], &["--filter", "1", "--url", &printed_url, "--print", "curl"]].concat();
    let (code, script, err) = replay(&capture, &args);
    assert_eq!(code, 0, "{err}");
    assert!(printed.requests().is_empty(), "printed, not sent");
    assert!(script.starts_with(&format!("# #1 botpress-event\ncurl -X POST {}", printed.url())), "{script}");
    assert!(!script.contains("s3cret-old"), "secrets redacted: {script}");
    assert!(script.contains("-H 'authorization: <redacted>'"), "{script}");
    assert!(err.contains("--show-secrets"), "{err}");

    let args = [&args[..], &["--show-secrets"]].concat();
    let (code, script, err) = replay(&capture, &args);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = sh(&script);
    assert_eq!(code, 0, "{script}\n{err}");
    let (from_sh, from_replay) = (&printed.requests()[0], &direct.requests()[0]);
    assert_eq!(from_sh.body, from_replay.body, "the same bytes");
    for name in ["content-type", "user-agent", "accept", "authorization", "x-trace"] {
        assert_eq!(from_sh.header(name), from_replay.header(name), "{name}");
    }
    assert_eq!(from_sh.header("x-trace"), Some("$HOME `x`"));

    // Every request, each under its name; an edit that breaks the contract is printed, and said.
    let (code, script, err) = replay(&capture, &["--print", "curl", "--set", "text=42"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(script.lines().filter(|l| l.starts_with("# #")).count(), 2, "{script}");
    assert!(script.contains("curl -X POST http://127.0.0.1:8080/hook"), "no --url: the listener's address");
    assert!(
        err.contains(
            "warning: #2 eva-service-request: the body as edited breaks the eva-service-request contract"
        ),
        "{err}"
    );
    // As send warns of it: Botpress never sends a top-level `text` (eva does, and is not named).
    let unsent: Vec<&str> = err.lines().filter(|l| l.contains("never sends a top-level")).collect();
    assert_eq!(unsent.len(), 1, "{err}");
    assert!(
        unsent[0].starts_with("warning: --set text: Botpress HITL Next never sends a top-level 'text'"),
        "{err}"
    );
    let (_, _, err) = replay(&capture, &["--print", "curl", "--set", "payload.tags=[]", "--filter", "1"]);
    assert!(!err.contains("warning"), "a field the platform sends is silent: {err}");

    // -o json: the commands and the notes.
    let (code, out, err) = replay(&capture, &["--print", "curl", "--filter", "2", "-o", "json"]);
    assert_eq!(code, 0, "{err}");
    let printed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(printed["hookctl"]["format"], 1, "a report, versioned as every report is: {printed}");
    assert_eq!(printed["requests"][0]["event"], "#2 eva-service-request");
    assert!(printed["requests"][0]["curl"].as_str().unwrap().starts_with("curl -X POST "), "{printed}");
    assert!(printed["notes"].is_array(), "{printed}");
}

#[test]
fn data_from_standard_input_needs_the_capture_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let lines = std::fs::read_to_string(&capture).unwrap();
    let (code, _, err) =
        run(hookctl().args(["replay", "-", "--data", "-", "--print", "curl"]).write_stdin(lines));
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        error_line(&err),
        "error: --data <stdin>: the capture is read from standard input already; give --data a file"
    );
    let (_, body, _) = run(hookctl().args(["show", "handoff-resolve", "--seed", "3"]));
    let (code, out, err) = run(hookctl()
        .arg("replay")
        .arg(&capture)
        .args(["--filter", "1", "--data", "-", "--print", "curl"])
        .write_stdin(body.clone()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("--data-raw '{}'", body.trim())), "{out}");
}
