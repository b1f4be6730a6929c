//! `listen --forward-to` keeping the request's path and query (and `--forward-exact` not), the
//! URL each line says it forwarded to, and `listen --filter`: the real binary between `send` and a
//! real server on loopback.

mod common;

use common::{Listener, Reply, Server, hookctl, run};
use serde_json::{Value, json};

/// A server that answers as a correct receiver: `{}` to Botpress, a valid answer to eva.
fn upstream() -> Server {
    Server::start(|_, req| {
        let mut answer = json!({
            "openContext": req["openContext"],
            "visibleContext": req["visibleContext"],
            "hiddenContext": req["hiddenContext"],
        });
        if req.get("expectedOptions").is_some() {
            answer["option"] = json!("CLIENT");
        } else if req.get("answer").is_some() {
            answer["answer"] = req["answer"].clone();
        } else {
            answer = json!({});
        }
        Reply::json(200, answer)
    })
}

/// `hookctl send ARGS --url URL`, which must deliver (exit 0).
fn send_to(url: &str, args: &[&str]) {
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--url", url, "-q"]));
    assert_eq!(code, 0, "{args:?} to {url}: {out}{err}");
}

/// The request lines of a listener's JSON output, and its summary.
fn split(lines: Vec<Value>) -> (Vec<Value>, Value) {
    let (summary, records): (Vec<Value>, Vec<Value>) =
        lines.into_iter().partition(|l| l["type"] == "summary");
    (records, summary.into_iter().next().expect("a summary line")["summary"].clone())
}

#[test]
fn the_request_path_and_query_go_after_the_forward_url() {
    let upstream = upstream();
    let base = format!("http://{}/api", upstream.addr);
    let listener = Listener::start(&["--forward-to", &base]);
    let at = |path: &str| format!("http://{}{path}", listener.addr);
    send_to(&at("/eva/service?x=1"), &["eva-service"]);
    send_to(&at("/"), &["agent-online"]);
    send_to(&at("/botpress/events"), &["handoff-create"]);
    let (recs, _) = split(listener.stop());
    let got = upstream.requests();
    let paths: Vec<(&str, Option<&str>)> =
        got.iter().map(|r| (r.path.as_str(), r.query.as_deref())).collect();
    assert_eq!(paths, [("/api/eva/service", Some("x=1")), ("/api", None), ("/api/botpress/events", None)]);
    let said: Vec<&str> = recs.iter().map(|r| r["answer"]["forwarded_to"].as_str().unwrap()).collect();
    assert_eq!(said, [format!("{base}/eva/service?x=1"), base.clone(), format!("{base}/botpress/events")]);
    assert!(recs.iter().all(|r| r["answer"]["forwarded"] == true));
}

#[test]
fn forward_exact_sends_every_request_to_the_url_as_given() {
    let upstream = upstream();
    let base = format!("http://{}/botpress/events?v=2", upstream.addr);
    let listener = Listener::start(&["--forward-to", &base, "--forward-exact"]);
    send_to(&format!("http://{}/eva/service?x=1", listener.addr), &["eva-service"]);
    send_to(&format!("http://{}/other", listener.addr), &["agent-online"]);
    let (recs, _) = split(listener.stop());
    for r in upstream.requests() {
        assert_eq!((r.path.as_str(), r.query.as_deref()), ("/botpress/events", Some("v=2")));
    }
    assert_eq!(upstream.requests().len(), 2);
    assert!(recs.iter().all(|r| r["answer"]["forwarded_to"] == base.as_str()), "{recs:#?}");
    // It means nothing without --forward-to.
    let (code, _, err) = run(hookctl().args(["listen", "--port", "0", "--forward-exact"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("required arguments were not provided:\n  --forward-to <URL>"), "{err}");
}

#[test]
fn the_text_line_says_where_it_forwarded_with_its_secrets_redacted() {
    let upstream = upstream();
    let listener =
        Listener::start_text(&["--forward-to", &format!("{}:{}/api", "127.0.0.1", upstream.addr.port())]);
    send_to(&format!("http://{}/hook?token=abc123&x=1", listener.addr), &["agent-online"]);
    let out = listener.stop_text();
    let port = upstream.addr.port();
    let line = out.lines().find(|l| l.starts_with("#1 ")).unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.ends_with(&format!(
            "forwarded to http://127.0.0.1:{port}/api/hook?token=<redacted>&x=1 → 200 OK"
        )),
        "{line}"
    );
    assert!(!out.contains("abc123"), "{out}");
    assert_eq!(upstream.requests()[0].query.as_deref(), Some("token=abc123&x=1"), "the server gets it whole");
    // --keep-secrets shows it whole; a request not forwarded says no URL.
    let listener = Listener::start(&["--forward-to", &upstream.url(), "--keep-secrets"]);
    send_to(&format!("http://{}/hook?token=abc123", listener.addr), &["agent-online"]);
    let (recs, _) = split(listener.stop());
    assert_eq!(recs[0]["answer"]["forwarded_to"], format!("http://{}/hook/hook?token=abc123", upstream.addr));
    let listener = Listener::start(&[]);
    send_to(&listener.url, &["agent-online"]);
    let (recs, _) = split(listener.stop());
    assert!(recs[0]["answer"].get("forwarded_to").is_none(), "{:#}", recs[0]);
}

#[test]
fn a_failed_forward_still_says_where_it_went() {
    let closed = common::closed_port();
    let listener = Listener::start(&["--forward-to", &format!("http://127.0.0.1:{closed}/api")]);
    let (code, _, _) = run(hookctl().args(["send", "agent-online", "--url", &format!("{}/x", listener.url)]));
    assert_eq!(code, 1, "answered 502");
    let (recs, _) = split(listener.stop());
    assert_eq!(recs[0]["answer"]["status"], 502);
    assert_eq!(recs[0]["answer"]["forwarded_to"], format!("http://127.0.0.1:{closed}/api/hook/x"));
}

#[test]
fn filter_shows_and_saves_only_matches_and_answers_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("cap.jsonl");
    let upstream = upstream();
    let listener = Listener::start(&[
        "--filter",
        "eva-service-request",
        "--filter",
        "/botpress/",
        "--save",
        capture.to_str().unwrap(),
        "--forward-to",
        &format!("http://{}", upstream.addr),
    ]);
    let at = |path: &str| format!("http://{}{path}", listener.addr);
    send_to(&at("/eva/service"), &["eva-service"]);
    send_to(&at("/hook"), &["handoff-create", "--once"]);
    send_to(&at("/botpress/events"), &["agent-online"]);
    send_to(&at("/botpress"), &["agent-offline"]);
    send_to(&at("/eva/answer"), &["eva-answer"]);
    let (recs, summary) = split(listener.stop());
    let shown: Vec<(&str, &str)> =
        recs.iter().map(|r| (r["path"].as_str().unwrap(), r["kind"].as_str().unwrap())).collect();
    assert_eq!(shown, [("/eva/service", "eva-service-request"), ("/botpress/events", "botpress-event")]);
    assert_eq!(summary["requests"], 2, "{summary:#}");
    assert_eq!(summary["filtered_out"], 3, "{summary:#}");
    let saved: Vec<Value> = std::fs::read_to_string(&capture)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[1]["path"], "/botpress/events");
    // Every one was answered (send exited 0) and forwarded.
    assert_eq!(upstream.requests().len(), 5);
}

#[test]
fn without_filter_nothing_is_left_out_and_the_text_summary_counts_what_is() {
    let listener = Listener::start(&[]);
    send_to(&listener.url, &["agent-online"]);
    let (recs, summary) = split(listener.stop());
    assert_eq!(recs.len(), 1);
    assert_eq!(summary["filtered_out"], 0);

    let listener = Listener::start_text(&["--filter", "/eva*"]);
    send_to(&format!("http://{}/evaluate", listener.addr), &["eva-service"]);
    send_to(&listener.url, &["agent-online"]);
    let out = listener.stop_text();
    assert!(out.contains("POST /evaluate  eva-service-request"), "{out}");
    assert!(!out.contains("POST /hook"), "{out}");
    let last = out.lines().last().unwrap();
    assert_eq!(last, "1 request (eva-service-request 1), 0 invalid, 0 repeats, 1 left out by --filter");
}

#[test]
fn a_filter_that_is_no_kind_and_no_path_is_a_usage_error() {
    for (given, said) in [
        (
            "eva-service",
            "--filter 'eva-service': neither a kind (did you mean 'eva-service-request'?) nor a path",
        ),
        ("hook", "--filter 'hook': neither a kind nor a path (a path starts with /)"),
    ] {
        let (code, out, err) = run(hookctl().args(["listen", "--port", "0", "--filter", given]));
        assert_eq!(code, 2, "{given}: {err}");
        assert!(out.is_empty());
        assert!(common::error_line(&err).starts_with(&format!("error: {said}")), "{err}");
    }
}

#[test]
fn exit_after_counts_the_requests_a_filter_leaves_out() {
    let listener = Listener::start(&["--exit-after", "2", "--filter", "eva-service-request"]);
    send_to(&format!("http://{}/hook", listener.addr), &["agent-online"]);
    send_to(&format!("http://{}/eva", listener.addr), &["eva-service"]);
    // The listener stops on its own after the two.
    let lines: Vec<Value> = listener.wait_text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (recs, summary) = split(lines);
    assert_eq!(recs.len(), 1);
    assert_eq!(summary["filtered_out"], 1);
}
