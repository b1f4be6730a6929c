//! `send --retry botpress` shows each attempt on stderr as it ends, run as the real binary against
//! real servers on 127.0.0.1:0.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use common::{Reply, Server, closed_port, hookctl, run};
use serde_json::{Value, json};

/// The attempt lines of a run's stderr.
fn attempt_lines(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.starts_with("attempt ")).collect()
}

#[test]
fn each_attempt_is_shown_while_the_delivery_is_still_going_on() {
    // 503 twice; the third request is held until the test has read the first two attempts.
    let (release, gate) = mpsc::channel::<()>();
    let gate = Mutex::new(gate);
    let server = Server::start(move |n, _| match n {
        0 | 1 => Reply::raw(503, "down"),
        _ => {
            let _ = gate.lock().unwrap().recv_timeout(Duration::from_secs(60));
            Reply::json(200, json!({}))
        }
    });
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
        .args(["send", "handoff-create", "--retry", "botpress", "--retry-scale", "0.01"])
        .args(["--timeout", "120", "--url", &server.url()])
        .envs(common::STABLE_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut next_line = || {
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        line
    };
    assert_eq!(next_line(), "attempt 1 of 10: 503 Service Unavailable, next in 1 ms\n");
    assert_eq!(next_line(), "attempt 2 of 10: 503 Service Unavailable, next in 2 ms\n");
    // Both were shown while the third attempt is still unanswered: the run has not ended.
    assert!(child.try_wait().unwrap().is_none(), "the delivery is still going on");
    release.send(()).unwrap();
    assert_eq!(next_line(), "attempt 3 of 10: 200 OK\n");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.trim_end().ends_with("PASSED"), "{stdout}");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_server_that_is_down_shows_every_attempt_in_order_before_the_error_and_json_is_unchanged() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let args = ["send", "handoff-create", "--retry", "botpress", "--retry-scale", "0.01", "--url", &url];
    let (code, out, err) = run(hookctl().args(args).args(["-o", "json"]));
    assert_eq!(code, 3, "{err}");
    let attempts = attempt_lines(&err);
    assert_eq!(attempts.len(), 10, "{err}");
    for (n, line) in attempts.iter().enumerate() {
        assert!(line.starts_with(&format!("attempt {} of 10: connection refused", n + 1)), "{err}");
    }
    assert!(attempts[0].ends_with(", next in 1 ms"), "{err}");
    assert!(attempts[8].ends_with(", next in 256 ms"), "{err}");
    assert!(attempts[9].ends_with(", no attempt left"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let last_attempt = lines.iter().position(|l| l.starts_with("attempt 10 of 10")).unwrap();
    let error = lines.iter().position(|l| l.starts_with("error: ")).expect("the error");
    assert!(last_attempt < error, "the attempts come before the verdict: {err}");
    // Stdout is the report alone, its attempts as before.
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["attempts"].as_array().unwrap().len(), 10);

    // Quiet text: the progress still goes to stderr, and stdout keeps its verdict.
    let (code, out, err) = run(hookctl().args(args).arg("-q"));
    assert_eq!(code, 3);
    assert_eq!(attempt_lines(&err).len(), 10, "{err}");
    assert_eq!(out, "NOT DELIVERED\n");
}

#[test]
fn the_deliveries_of_a_tag_edit_say_which_is_which_and_one_attempt_says_nothing() {
    let server = Server::start(|_, _| Reply::raw(500, "no"));
    let (code, _, err) = run(hookctl().args(["send", "handoff-tags", "--retry", "botpress"]).args([
        "--retry-scale",
        "0.001",
        "--url",
        &server.url(),
    ]));
    assert_eq!(code, 1, "{err}");
    // The two deliveries go on at once: each one's attempts in its own order.
    for delivery in 1..=2 {
        let prefix = format!("delivery {delivery} of 2, attempt ");
        let numbers: Vec<u32> = err
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(numbers, (1..=10).collect::<Vec<_>>(), "{err}");
    }
    assert!(err.contains("delivery 2 of 2, attempt 10 of 10: 500 Internal Server Error, no attempt left"));
    // Without --retry there is one attempt, and no progress to show.
    let ok = Server::ok();
    let (code, _, err) = run(hookctl().args(["send", "handoff-create", "--url", &ok.url()]));
    assert_eq!(code, 0);
    assert!(!err.contains("attempt"), "{err}");
}
