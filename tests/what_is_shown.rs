//! What `send` shows of a request is what went: every header the server received, the same set
//! `--dry-run` lists; and `-q` still says when the request itself breaks its contract.

mod common;

use common::{Server, hookctl, run};
use serde_json::Value;

/// The header names a real server received, lowercased, without the two the url and the body
/// make (`host`, `content-length`), in order.
fn received(server: &Server) -> Vec<String> {
    let got = server.requests();
    let first = got.first().expect("send delivered");
    first
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| n != "host" && n != "content-length")
        .collect()
}

/// The header names of a `send -v` report: the lines under the request's `headers`.
fn names_in_text(out: &str) -> Vec<String> {
    out.lines()
        .skip_while(|l| *l != "  headers")
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| l.split_whitespace().next().unwrap().to_ascii_lowercase())
        .collect()
}

fn names_in_json(headers: &Value) -> Vec<String> {
    headers.as_array().unwrap().iter().map(|h| h[0].as_str().unwrap().to_ascii_lowercase()).collect()
}

#[test]
fn send_reports_every_header_the_server_received_as_the_dry_run_lists_them() {
    let cases: &[&[&str]] = &[
        // eva sets no Accept: the client's own goes on the wire, and must be in the report.
        &["eva-service", "--seed", "1"],
        &["eva-answer", "--seed", "1", "-H", "Authorization: Bearer s3cret"],
        &["handoff-create", "--seed", "1", "-H", "X-Team: blue"],
    ];
    for args in cases {
        let server = Server::ok();
        let (code, out, err) = run(hookctl().arg("send").args(*args).args(["-v", "--url", &server.url()]));
        assert!(code == 0 || code == 1, "{args:?}: {out}{err}");
        let wire = received(&server);
        assert!(!wire.is_empty(), "{args:?}");
        assert_eq!(names_in_text(&out), wire, "{args:?} -v: {out}");

        let server = Server::ok();
        let (code, out, err) =
            run(hookctl().arg("send").args(*args).args(["-o", "json", "--url", &server.url()]));
        assert!(code == 0 || code == 1, "{args:?}: {err}");
        let report: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(names_in_json(&report["request"]["headers"]), received(&server), "{args:?} json");

        let (code, out, err) =
            run(hookctl().arg("send").args(*args).args(["--dry-run", "-o", "json", "--url", &server.url()]));
        assert_eq!(code, 0, "{args:?}: {err}");
        let preview: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(names_in_json(&preview["headers"]), wire, "{args:?} dry run");
    }
    // eva's requests carry the client's Accept, and the report says so.
    let server = Server::ok();
    let (_, out, _) = run(hookctl().args(["send", "eva-service", "-o", "json", "--url", &server.url()]));
    let report: Value = serde_json::from_str(&out).unwrap();
    let accept = report["request"]["headers"].as_array().unwrap().iter().find(|h| h[0] == "accept").cloned();
    assert_eq!(accept, Some(serde_json::json!(["accept", "*/*"])));
    assert_eq!(server.requests()[0].header("accept"), Some("*/*"));
}

#[test]
fn quiet_still_says_when_the_request_itself_breaks_its_contract() {
    let line = "the request itself breaks the eva-service-request contract (sent as asked)";
    // A body made invalid on purpose: the line and why, under -q too.
    let (code, out, err) = run(hookctl().args(["send", "eva-service", "--set", "text=5", "-q"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(line), "{out}");
    assert!(out.contains("/text  5 is not of type \"string\""), "{out}");
    assert_eq!(out.lines().last(), Some("PASSED"), "{out}");
    // A valid body: the verdict alone.
    let (code, out, err) = run(hookctl().args(["send", "eva-service", "-q"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("breaks the"), "{out}");
    assert_eq!(out, "PASSED\n");
}
