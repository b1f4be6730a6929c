//! `send` in load mode under faults, as the real binary against real servers on 127.0.0.1:0:
//! Ctrl-C (the summary of what was done, exit 130; a second one stops at once), a target that
//! dies or was never up (refused connections grouped in one line, the run stopped after
//! `--max-errors`, exit 3), and the units of the load's flags in their messages.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Reply, Server, closed_port, error_line, hookctl, run};
use serde_json::Value;

/// A generous bound for what must not be stuck: far more than any of these runs needs.
const PATIENCE: Duration = Duration::from_secs(30);

/// `hookctl send ARGS...` running as a child process, its stderr read line by line as it comes.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    err: Vec<String>,
    out: Option<std::thread::JoinHandle<String>>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
            .arg("send")
            .args(args)
            .envs(common::STABLE_ENV)
            .env_remove("HOOKCTL_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Running { child, lines, err: Vec::new(), out: Some(out) }
    }

    /// Ctrl-C, as a terminal sends it.
    fn interrupt(&self) {
        let pid = self.child.id().to_string();
        let killed = std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(killed.success());
    }

    /// Wait (at most PATIENCE) for a line on stderr that contains `text`.
    fn wait_for_line(&mut self, text: &str) {
        let until = Instant::now() + PATIENCE;
        while !self.err.iter().any(|l| l.contains(text)) {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.err.push(line),
                Err(_) => panic!("no '{text}' on stderr: {:?}", self.err),
            }
        }
    }

    /// Wait (at most `within`) for the end: exit code (-1 when killed by a signal), stdout, stderr.
    fn finish(mut self, within: Duration) -> (i32, String, String) {
        let until = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                panic!("still running after {within:?}; stderr so far: {:?}", self.err);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = self.out.take().map(|o| o.join().unwrap()).unwrap_or_default();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.err.push(line);
        }
        (status.code().unwrap_or(-1), out, self.err.join("\n"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Wait (at most PATIENCE) until `server` has seen at least `n` requests.
fn until_served(server: &Server, n: usize) {
    let until = Instant::now() + PATIENCE;
    while server.requests().len() < n {
        assert!(Instant::now() < until, "the server saw {} requests, not {n}", server.requests().len());
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn summary(out: &str, err: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\nstderr: {err}"))
}

#[test]
fn ctrl_c_ends_a_load_run_with_the_json_summary_of_what_was_done_and_exit_130() {
    let server = Server::ok();
    let url = server.url();
    let running =
        Running::start(&["handoff-create", "--duration", "600", "-c", "2", "-o", "json", "--url", &url]);
    until_served(&server, 20);
    running.interrupt();
    let (code, out, err) = running.finish(PATIENCE);
    assert_eq!(code, 130, "{out}\n{err}");
    let s = summary(&out, &err);
    assert_eq!(
        (s["interrupted"].as_bool(), s["stopped"].as_str()),
        (Some(true), Some("interrupted")),
        "{s:#}"
    );
    let requests = s["summary"]["requests"].as_u64().unwrap();
    assert!(requests >= 20, "{s:#}");
    // The requests in flight were let finish and counted: every request sent is in the summary.
    assert_eq!(requests as usize, server.requests().len(), "{s:#}");
    assert_eq!(
        (s["summary"]["passed"].as_u64(), s["summary"]["answered"].as_u64()),
        (Some(requests), Some(requests)),
        "{s:#}"
    );
    assert!(err.contains("stopping: waiting for the requests in flight"), "{err}");
}

#[test]
fn ctrl_c_ends_a_text_load_run_with_its_summary_too() {
    let server = Server::ok();
    let url = server.url();
    let running = Running::start(&["handoff-create", "--count", "100000000", "-c", "2", "--url", &url]);
    until_served(&server, 20);
    running.interrupt();
    let (code, out, err) = running.finish(PATIENCE);
    assert_eq!(code, 130, "{out}\n{err}");
    let served = server.requests().len();
    assert!(out.starts_with(&format!("{served} requests handoff-create")), "{out}");
    assert!(out.contains(&format!("passed              {served}")), "{out}");
    assert!(out.contains("interrupted: what was done until Ctrl-C"), "{out}");
    assert!(err.contains("interrupted (Ctrl-C)"), "{err}");
}

#[test]
fn a_load_run_left_alone_is_not_marked_interrupted() {
    let server = Server::ok();
    let (code, out, err) = load("handoff-create", &server.url(), "--count 30 -o json");
    assert_eq!(code, 0, "{out}\n{err}");
    let s = summary(&out, &err);
    assert_eq!((s["interrupted"].as_bool(), &s["stopped"]), (Some(false), &Value::Null), "{s:#}");
    let (code, out, err) =
        run(hookctl().args(["send", "handoff-create", "--count", "30", "--url", &server.url()]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains("interrupted") && !err.contains("interrupted"), "{out}\n{err}");
}

#[test]
fn a_second_ctrl_c_stops_at_once_without_waiting_for_the_requests_in_flight() {
    // Every answer takes a minute, and the timeout is longer: only a second Ctrl-C ends it soon.
    let server = Server::start(|_, _| Reply { delay: Duration::from_secs(60), ..Reply::raw(200, "{}") });
    let url = server.url();
    let mut running = Running::start(&[
        "handoff-create",
        "--count",
        "100",
        "-c",
        "2",
        "--timeout",
        "120",
        "-o",
        "json",
        "--url",
        &url,
    ]);
    until_served(&server, 2);
    running.interrupt();
    running.wait_for_line("Ctrl-C again to stop at once");
    running.interrupt();
    let started = Instant::now();
    let (code, out, err) = running.finish(PATIENCE);
    assert!(started.elapsed() < Duration::from_secs(20), "not at once: {:?}", started.elapsed());
    assert_eq!(code, 130, "{out}\n{err}");
    assert!(out.is_empty(), "no summary: {out}");
    assert!(err.contains("interrupted again: stopped at once"), "{err}");
}

/// A server that answers `served` requests `200 {}`, a connection each, then stops listening: it
/// lets go of its port as it takes the last one, before answering it, so that the next attempt
/// is refused.
fn dying_server(served: usize) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut listening = Some(listener);
        for n in 1..=served {
            let Some(Ok((mut stream, _))) = listening.as_ref().map(|l| l.accept()) else { return };
            if n == served {
                listening = None;
            }
            common::raw::read_request(&stream);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
        }
    });
    url
}

/// `hookctl send EVENT FLAGS --url URL` (FLAGS split at spaces): its exit code, stdout and stderr.
fn load(event: &str, url: &str, flags: &str) -> (i32, String, String) {
    run(hookctl().args(["send", event]).args(flags.split(' ')).args(["--url", url]))
}

/// The lines on stderr that name refused connections.
fn refused_lines(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.contains("connection refused")).collect()
}

/// `HH:MM:SS, N attempts` at the end of a grouped line: the count.
fn attempts(line: &str) -> u64 {
    let (head, tail) = line.rsplit_once(", ").unwrap_or_else(|| panic!("no count: {line}"));
    let since = head.rsplit_once(" since ").map(|(_, t)| t).unwrap_or_else(|| panic!("no since: {line}"));
    assert!(
        since.len() == 8
            && since.chars().enumerate().all(|(i, c)| if i % 3 == 2 { c == ':' } else { c.is_ascii_digit() }),
        "not HH:MM:SS: {line}"
    );
    tail.strip_suffix(" attempts").unwrap_or_else(|| panic!("not N attempts: {line}")).parse().unwrap()
}

#[test]
fn a_target_that_dies_mid_run_is_one_refused_line_and_the_run_stops_after_max_errors() {
    let url = dying_server(5);
    let (code, out, err) = load("handoff-create", &url, "--count 1000 -c 1 --max-errors 7 -o json");
    assert_eq!(code, 3, "{out}\n{err}");
    let s = summary(&out, &err);
    // One worker: five answered, then exactly seven errors, and nothing more sent.
    let counts =
        ["requests", "answered", "passed", "transport_errors"].map(|k| s["summary"][k].as_u64().unwrap());
    assert_eq!(counts, [12, 5, 5, 7], "{s:#}");
    assert_eq!(s["statuses"], serde_json::json!({"200": 5}), "{s:#}");
    assert_eq!(s["stopped"], "max_errors", "{s:#}");
    let refused = s["summary"]["refused"].as_u64().unwrap();
    let lines = refused_lines(&err);
    assert_eq!(lines.len(), 1, "one line for all the attempts: {err}");
    assert!(lines[0].starts_with("error: connection refused: nothing is listening on 127.0.0.1:"), "{err}");
    assert_eq!(attempts(lines[0]), refused, "{err}");
    one_line_per_wording(&s, &err);
    assert!(err.contains("error: stopped after 7 transport errors (--max-errors 7"), "{err}");
}

#[test]
fn the_text_summary_puts_the_answered_apart_from_the_refused() {
    let url = dying_server(3);
    let (code, out, err) = load("handoff-create", &url, "--count 1000 -c 1 --max-errors 4");
    assert_eq!(code, 3, "{out}\n{err}");
    let refused = attempts(refused_lines(&err)[0]);
    for row in [
        "7 requests".to_string(),
        "answered            3".to_string(),
        "passed              3".to_string(),
        "transport errors    4".to_string(),
        format!("refused             {refused}"),
        "statuses  200: 3".to_string(),
    ] {
        assert!(out.contains(&row), "{row}: {out}{err}");
    }
}

/// Each wording of transport error is one line on stderr, its count that of the summary: a
/// connection the system took just as the port closed may be reset rather than refused, but is
/// counted, and said, all the same.
fn one_line_per_wording(s: &Value, err: &str) {
    let groups = s["error_groups"].as_array().unwrap();
    let said: Vec<&str> = err.lines().filter(|l| l.contains(" since ")).collect();
    assert_eq!(said.len(), groups.len(), "{err}");
    for g in groups {
        let line = said.iter().find(|l| l.contains(g["error"].as_str().unwrap())).unwrap();
        let n: u64 = line.rsplit_once(", ").unwrap().1.split(' ').next().unwrap().parse().unwrap();
        assert_eq!(Some(n), g["count"].as_u64(), "{line}");
        assert_eq!(g["refused"].as_bool(), Some(line.contains("connection refused")), "{line}");
        assert!(g["since"].as_str().unwrap().ends_with('Z'), "{g}");
    }
    let total: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(Some(total), s["summary"]["transport_errors"].as_u64(), "{s:#}");
}

#[test]
fn a_target_never_up_stops_the_run_after_the_default_max_errors() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, out, err) = load("handoff-create", &url, "--count 100000 -c 4 -o json");
    assert_eq!(code, 3, "{out}\n{err}");
    let s = summary(&out, &err);
    // Stopped at 100 errors; the workers' requests already under way when it did are counted.
    let errors = s["summary"]["transport_errors"].as_u64().unwrap();
    assert!((100..100 + 4).contains(&errors), "{s:#}");
    assert_eq!(
        (s["summary"]["refused"].as_u64(), s["summary"]["answered"].as_u64()),
        (Some(errors), Some(0)),
        "{s:#}"
    );
    assert_eq!((s["max_errors"].as_u64(), s["stopped"].as_str()), (Some(100), Some("max_errors")), "{s:#}");
    let lines = refused_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert_eq!(attempts(lines[0]), errors, "{err}");
}

#[test]
fn max_errors_0_never_stops_for_transport_errors() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, out, err) = load("handoff-create", &url, "--count 300 -c 2 --max-errors 0 -o json");
    assert_eq!(code, 3, "{out}\n{err}");
    let s = summary(&out, &err);
    assert_eq!(
        (s["summary"]["transport_errors"].as_u64(), s["summary"]["refused"].as_u64()),
        (Some(300), Some(300)),
        "{s:#}"
    );
    assert_eq!(s["stopped"], Value::Null, "{s:#}");
    assert!(!err.contains("stopped after"), "{err}");
    assert_eq!(attempts(refused_lines(&err)[0]), 300, "{err}");
}

#[test]
fn runs_through_the_client_of_single_sends_stop_after_max_errors_too() {
    // eva answers are judged in full: these requests go through the client, not the workers'
    // own connections.
    let url = format!("http://127.0.0.1:{}/eva", closed_port());
    let (code, out, err) = load("eva-service", &url, "--count 1000 -c 1 --max-errors 5 -o json");
    assert_eq!(code, 3, "{out}\n{err}");
    let s = summary(&out, &err);
    let counts =
        ["requests", "transport_errors", "refused", "answered"].map(|k| s["summary"][k].as_u64().unwrap());
    assert_eq!(counts, [5, 5, 5, 0], "{s:#}");
    assert_eq!(attempts(refused_lines(&err)[0]), 5, "{err}");
}

#[test]
fn a_healthy_run_says_nothing_of_refusals_nor_of_stopping() {
    let server = Server::ok();
    let (code, out, err) = load("handoff-create", &server.url(), "--count 50 -c 4 --max-errors 1");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.is_empty(), "{err}");
    for row in ["answered            50", "transport errors    0", "refused             0"] {
        assert!(out.contains(row), "{row}: {out}");
    }
}

#[test]
fn the_load_flags_say_their_units_and_bounds() {
    for (flag, value, said) in [
        ("--timeout", "0", "'0' for '--timeout <SECONDS>': 0 s is too short: it must be more than 0 s"),
        ("--duration", "0", "'0' for '--duration <SECONDS>': 0 s is too short: it must be more than 0 s"),
        ("--duration", "100000", "100000 s is too long: it must be at most 86400 s (a day)"),
        (
            "--duration",
            "soon",
            "'soon' is not a duration: give seconds (5, 0.5) or a number with a unit (500ms, 10s, 2m)",
        ),
        ("--timeout", "2d", "2d is too long: it must be at most 86400 s (a day)"),
        (
            "--concurrency",
            "0",
            "'0' for '--concurrency <C>': 0 requests in flight: it must be from 1 to 1024",
        ),
        ("--concurrency", "1025", "1025 requests in flight: it must be from 1 to 1024"),
        ("--count", "0", "'0' for '--count <N>': '0' is not a count of 1 or more"),
        ("--max-response", "1x", "'1x' for '--max-response <SIZE>': '1x' is not a size"),
        ("--max-errors", "x", "'x' for '--max-errors <N>'"),
    ] {
        let load = if flag == "--count" { "--duration" } else { "--count" };
        let (code, out, err) = run(hookctl().args(["send", "handoff-create", load, "1", flag, value]));
        assert_eq!(code, 2, "{flag} {value}: {out}{err}");
        let line = error_line(&err);
        assert!(line.contains(said), "{flag} {value}: {line}");
    }
    // The harmless direction: the same flags within their bounds, with their units, run.
    let server = Server::ok();
    let (code, out, err) = load(
        "handoff-create",
        &server.url(),
        "--count 3 --timeout 500ms --duration 24h -c 1024 --max-response 64KiB",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(server.requests().len(), 3);
    let (_, help, _) = run(hookctl().args(["send", "--help"]));
    for said in [
        "500ms, 10s",
        "more than 0 s, at most 86400 s",
        "1 to 1024",
        "0 never stops",
        "[default: 100]",
        "[default: 1MiB]",
    ] {
        assert!(help.contains(said), "{said}: {help}");
    }
}
