//! `hookctl listen` under abuse: clients that stall or idle, too many connections, signals while
//! clients hang, forwarding loops, a full disk, broken framing. Real binary, raw sockets.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::raw::{BOUND, answer, closed, connect, in_flight, request};
use common::{Reply, Server, free_port, hookctl, run};
use serde_json::{Value, json};

/// `hookctl listen ARGS` as a child process (no port added: tests pass their own).
struct Listen {
    child: Child,
    addr: String,
    err: Arc<Mutex<String>>,
    out: Option<std::thread::JoinHandle<String>>,
}

impl Listen {
    /// With `-o json`.
    fn start(args: &[&str]) -> Listen {
        Listen::start_as("json", args)
    }

    fn start_as(output: &str, args: &[&str]) -> Listen {
        use std::io::BufRead;
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
            .arg("listen")
            .args(args)
            .args(["-o", output])
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
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
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in: {first}"))
            .to_string();
        let err = Arc::new(Mutex::new(first));
        let keep = err.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let mut e = keep.lock().unwrap();
                e.push_str(&line);
                e.push('\n');
            }
        });
        Listen { child, addr, err, out: Some(out) }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn stderr(&self) -> String {
        self.err.lock().unwrap().clone()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status();
        assert!(status.unwrap().success());
    }

    /// Wait (within the bound) until stderr says `needle`.
    fn wait_for_stderr(&self, needle: &str) {
        let start = Instant::now();
        while !self.stderr().contains(needle) {
            assert!(start.elapsed() < BOUND, "stderr never said {needle:?}:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait (within the bound) for it to exit; its exit code, NDJSON lines and stderr.
    fn exited(self) -> (i32, Vec<Value>, String) {
        let (code, out, err) = self.exited_text();
        let lines = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not NDJSON ({e}): {l}")))
            .collect();
        (code, lines, err)
    }

    /// Wait (within the bound) for it to exit; its exit code, stdout and stderr.
    fn exited_text(mut self) -> (i32, String, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > BOUND {
                let _ = self.child.kill();
                panic!("listen did not exit within {BOUND:?}; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = self.out.take().unwrap().join().unwrap();
        // Let the stderr thread take the last lines.
        std::thread::sleep(Duration::from_millis(50));
        (status.code().unwrap_or(-1), out, self.stderr())
    }

    /// Stop it as Ctrl-C does; what `exited` gives.
    fn stop(self) -> (i32, Vec<Value>, String) {
        self.signal("INT");
        self.exited()
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn records(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l.get("summary").is_none()).collect()
}

fn summary(lines: &[Value]) -> &Value {
    &lines.last().expect("a summary line")["summary"]
}

fn send(url: &str, args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--url", url, "-o", "json"]));
    (code, serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}")))
}

#[test]
fn a_client_stalled_in_its_headers_is_cut_off_and_the_rest_are_served() {
    let listen = Listen::start(&["--port", "0", "--header-timeout", "1", "--idle-timeout", "60"]);
    let mut stalled = connect(&listen.addr);
    stalled.write_all(b"POST /slow HTTP/1.1\r\nHost: hookctl\r\nX-Half: ").unwrap();
    // A silent connection is expected to send a request head too.
    let mut silent = connect(&listen.addr);
    assert!(closed(&mut stalled), "a head that never ends is cut off");
    assert!(closed(&mut silent), "a connection that never sends a head is cut off");
    let mut good = connect(&listen.addr);
    good.write_all(request("/ok", "{}").as_bytes()).unwrap();
    assert_eq!(answer(&mut good).map(|a| a.0), Some(200), "still serving");
    let (code, lines, _) = listen.stop();
    assert_eq!(code, 0);
    let paths: Vec<&Value> = records(&lines).iter().map(|r| &r["path"]).collect();
    assert_eq!(paths, [&json!("/ok")], "the cut-off heads never became requests");
}

#[test]
fn an_idle_kept_alive_connection_is_closed() {
    let listen = Listen::start(&["--port", "0", "--idle-timeout", "1", "--header-timeout", "60"]);
    let mut kept = connect(&listen.addr);
    kept.write_all(request("/first", "{}").as_bytes()).unwrap();
    assert_eq!(answer(&mut kept).map(|a| a.0), Some(200));
    // Kept alive after the answer, then nothing more: closed, however long the head timeout is.
    assert!(closed(&mut kept), "an idle kept-alive connection is closed");
    // A connection that keeps sending requests is not idle.
    let mut busy = connect(&listen.addr);
    for n in 0..3 {
        busy.write_all(request(&format!("/n{n}"), "{}").as_bytes()).unwrap();
        assert_eq!(answer(&mut busy).map(|a| a.0), Some(200), "request {n} on the same connection");
    }
    let (code, lines, _) = listen.stop();
    assert_eq!(code, 0);
    assert_eq!(records(&lines).len(), 4);
}

#[test]
fn connections_over_the_cap_wait_until_one_closes() {
    let listen = Listen::start(&["--port", "0", "--max-connections", "2", "--header-timeout", "60"]);
    let first = connect(&listen.addr);
    let _second = connect(&listen.addr);
    let mut third = connect(&listen.addr);
    third.write_all(request("/third", "{}").as_bytes()).unwrap();
    listen.wait_for_stderr("2 connections open, the most --max-connections allows");
    // Not served while two connections are open: waiting for an answer runs out.
    third.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    assert_eq!(answer(&mut third), None, "the third connection waits");
    drop(first);
    third.set_read_timeout(Some(BOUND)).unwrap();
    assert_eq!(answer(&mut third).map(|a| a.0), Some(200), "served once a connection closed");
    let (code, lines, _) = listen.stop();
    assert_eq!(code, 0);
    assert_eq!(records(&lines)[0]["path"], "/third");
}

/// Ctrl-C (or SIGTERM) with one client stalled in its headers and one in its body: listen
/// exits 0 with its summary, and the request it acknowledged before is kept.
fn stops_on(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listen = Listen::start(&["--port", "0", "--save", cap.to_str().unwrap(), "--read-timeout", "600"]);
    let (code, _) = send(&listen.url(), &["agent-online"]);
    assert_eq!(code, 0, "acknowledged");
    let mut head = connect(&listen.addr);
    head.write_all(b"POST /head HTTP/1.1\r\nHost: hookctl\r\nX-Half: ").unwrap();
    let mut body = in_flight(&listen.addr, "/body", 100, "{\"half\":");
    listen.signal(signal);
    let (code, lines, err) = listen.exited();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stopping"), "{err}");
    let recs = records(&lines);
    assert_eq!(recs.len(), 1, "only the acknowledged request: {lines:?}");
    assert_eq!(recs[0]["kind"], "botpress-event");
    assert_eq!(summary(&lines)["requests"], 1);
    let saved = std::fs::read_to_string(&cap).unwrap();
    assert_eq!(saved.lines().count(), 1, "the acknowledged request is on disk");
    assert!(saved.contains("\"kind\":\"botpress-event\""), "{saved}");
    assert!(closed(&mut head) && closed(&mut body), "nothing answered to either");
}

#[test]
fn ctrl_c_stops_it_with_clients_stalled_in_headers_and_body() {
    stops_on("INT");
}

#[test]
fn sigterm_stops_it_with_clients_stalled_in_headers_and_body() {
    stops_on("TERM");
}

#[test]
fn a_request_in_flight_at_ctrl_c_is_finished_answered_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listen = Listen::start(&["--port", "0", "--save", cap.to_str().unwrap(), "--grace", "600"]);
    let body = hookctl::catalogue::event("agent-online").unwrap().fixture().to_string();
    let (start, rest) = body.split_at(10);
    let mut s = in_flight(&listen.addr, "/late", body.len(), start);
    listen.signal("INT");
    listen.wait_for_stderr("stopping");
    // It stops taking connections while the request in flight still has its grace.
    let start = Instant::now();
    while TcpStream::connect(&listen.addr).is_ok() {
        assert!(start.elapsed() < BOUND, "still accepting connections");
        std::thread::sleep(Duration::from_millis(20));
    }
    s.write_all(rest.as_bytes()).unwrap();
    assert_eq!(answer(&mut s).map(|a| a.0), Some(200), "finished within the grace");
    // Nothing else in flight: it exits without using the whole grace.
    let (code, lines, _) = listen.exited();
    assert_eq!(code, 0);
    assert_eq!(records(&lines)[0]["path"], "/late");
    assert_eq!(summary(&lines)["requests"], 1);
    assert!(std::fs::read_to_string(&cap).unwrap().contains("/late"));
}

#[test]
fn a_second_ctrl_c_stops_at_once() {
    let listen = Listen::start(&["--port", "0", "--grace", "600", "--read-timeout", "600"]);
    let mut body = in_flight(&listen.addr, "/body", 100, "{");
    listen.signal("INT");
    listen.wait_for_stderr("Ctrl-C again to stop now");
    listen.signal("INT");
    let (code, lines, err) = listen.exited();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stopped at once: requests still in flight were dropped unanswered"), "{err}");
    assert_eq!(summary(&lines)["requests"], 0, "the dropped request was never acknowledged");
    assert!(closed(&mut body));
}

#[test]
fn forward_to_the_listener_itself_is_refused() {
    let port = free_port().to_string();
    for (bind, target) in [
        ("127.0.0.1", format!("http://localhost:{port}/hook")),
        ("127.0.0.1", format!("http://127.0.0.1:{port}")),
        ("0.0.0.0", format!("http://127.0.0.1:{port}/x")),
        ("0.0.0.0", format!("http://0.0.0.0:{port}/x")),
    ] {
        let out = hookctl()
            .args(["listen", "--port", &port, "--bind", bind, "--forward-to", &target])
            .timeout(BOUND)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--bind {bind} --forward-to {target}: {err}");
        assert!(err.contains("--forward-to") && err.contains("is this listener itself"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn listeners_forwarding_to_each_other_stop_the_loop_with_508() {
    let (pa, pb) = (free_port().to_string(), free_port().to_string());
    let a = Listen::start(&["--port", &pa, "--forward-to", &format!("http://127.0.0.1:{pb}/b")]);
    let b = Listen::start(&["--port", &pb, "--forward-to", &format!("http://127.0.0.1:{pa}/a")]);
    let (code, report) = send(&a.url(), &["agent-online", "--timeout", "10"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["response"]["status"], 508, "{report:#}");
    let (_, a_lines, _) = a.stop();
    let (_, b_lines, _) = b.stop();
    let (a_recs, b_recs) = (records(&a_lines), records(&b_lines));
    assert_eq!(b_recs.len(), 1, "B relayed it once: {b_lines:?}");
    assert_eq!(a_recs.len(), 2, "A saw it twice, and stopped it the second time: {a_lines:?}");
    // Each relays the path it was sent after its own target's: /hook, then /b/hook, then /a/b/hook.
    let back = a_recs.iter().find(|r| r["path"] == "/a/b/hook").unwrap();
    assert_eq!(back["answer"]["status"], 508);
    assert_eq!(back["answer"]["forwarded"], false, "not relayed again");
    assert!(back["answer"]["reason"].as_str().unwrap().contains("already came through this listener"));
}

#[test]
fn relayed_requests_carry_the_hop_header_and_too_many_hops_is_508() {
    let upstream = Server::start(|_, _| Reply::json(200, json!({})));
    let listen = Listen::start(&["--port", "0", "--forward-to", &upstream.url()]);
    let (code, _) = send(&listen.url(), &["agent-online"]);
    assert_eq!(code, 0);
    let hops: Vec<&str> = ["a", "b", "c", "d", "e", "f", "g", "h"].to_vec();
    let (code, report) =
        send(&listen.url(), &["agent-online", "-H", &format!("X-Hookctl-Hop: {}", hops.join(", "))]);
    assert_eq!(code, 1);
    assert_eq!(report["response"]["status"], 508);
    let (code, _) =
        send(&listen.url(), &["agent-online", "-H", &format!("X-Hookctl-Hop: {}", hops[..7].join(", "))]);
    assert_eq!(code, 0, "seven hops before this one are allowed");
    listen.stop();
    let got = upstream.requests();
    assert_eq!(got.len(), 2, "the request with too many hops was not relayed");
    let own = got[0].header("x-hookctl-hop").expect("a relayed request names its listener");
    assert!(!own.is_empty() && !own.contains(','), "one hop: {own}");
    let chain = got[1].header("x-hookctl-hop").unwrap();
    assert_eq!(chain, format!("a, b, c, d, e, f, g, {own}"), "the chain grows by this listener");
}

#[test]
fn capture_failures_are_said_and_counted() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here: skipped");
        return;
    }
    let listen = Listen::start(&["--port", "0", "--save", "/dev/full"]);
    for _ in 0..2 {
        let (code, report) = send(&listen.url(), &["agent-online"]);
        assert_eq!(code, 1);
        assert_eq!(report["response"]["status"], 507);
    }
    let (code, lines, err) = listen.stop();
    assert_eq!(code, 0);
    for n in [1, 2] {
        let said = format!("error: capture #{n} not saved: /dev/full: ");
        let line = err.lines().find(|l| l.starts_with(&said)).unwrap_or_else(|| panic!("{said}\n{err}"));
        assert!(line.ends_with("; answered 507"), "{line}");
    }
    let recs = records(&lines);
    assert_eq!(recs.len(), 2);
    for r in &recs {
        assert_eq!(r["answer"]["status"], 507, "the record says what was answered: {r}");
    }
    assert_eq!(summary(&lines)["not_saved"], 2);
    // And in the text summary.
    let text = Listen::start_as("text", &["--port", "0", "--save", "/dev/full"]);
    send(&text.url(), &["agent-online"]);
    text.signal("INT");
    let (code, out, _) = text.exited_text();
    assert_eq!(code, 0);
    let summary = out.lines().last().unwrap();
    assert!(summary.ends_with(", 1 not saved (answered 507)"), "{out}");
}

#[test]
fn a_failed_group_write_answers_507_to_every_request_in_it() {
    // Requests arriving together share one write of the capture: when it fails, none of them is
    // acknowledged.
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here: skipped");
        return;
    }
    let listen = Listen::start(&["--port", "0", "--save", "/dev/full", "-q"]);
    let (code, report) = send(&listen.url(), &["agent-online", "--count", "200", "-c", "16"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["statuses"]["507"], 200, "{report:#}");
    let (code, lines, _) = listen.stop();
    assert_eq!(code, 0);
    let recs = records(&lines);
    assert_eq!(recs.len(), 200);
    assert!(recs.iter().all(|r| r["answer"]["status"] == 507));
    assert_eq!(summary(&lines)["not_saved"], 200);
}

#[test]
fn broken_framing_is_400_and_only_a_body_over_the_limit_is_413() {
    let listen = Listen::start(&["--port", "0", "--max-body", "1000"]);
    // A chunk size that is not one.
    let mut s = connect(&listen.addr);
    s.write_all(b"POST /bad-chunk HTTP/1.1\r\nHost: hookctl\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
        .unwrap();
    let (status, _, body) = answer(&mut s).expect("an answer");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("malformed body"), "{body}");
    // A chunked body cut off by the client closing its side.
    let mut s = connect(&listen.addr);
    s.write_all(
        b"POST /cut-chunked HTTP/1.1\r\nHost: hookctl\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"a\"",
    )
    .unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let _ = answer(&mut s);
    // A body shorter than its Content-Length, cut off the same way.
    let mut s = connect(&listen.addr);
    s.write_all(b"POST /cut-length HTTP/1.1\r\nHost: hookctl\r\nContent-Length: 50\r\n\r\n{\"a\"").unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let _ = answer(&mut s);
    // Chunked and really over the limit.
    let mut s = connect(&listen.addr);
    let chunk = "x".repeat(600);
    write!(s, "POST /big-chunked HTTP/1.1\r\nHost: hookctl\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n").unwrap();
    assert_eq!(answer(&mut s).map(|a| a.0), Some(413));
    let (code, lines, _) = listen.stop();
    assert_eq!(code, 0);
    let by_path = |p: &str| {
        *records(&lines).iter().find(|r| r["path"] == p).unwrap_or_else(|| panic!("no {p} in {lines:?}"))
    };
    for p in ["/bad-chunk", "/cut-chunked", "/cut-length"] {
        let r = by_path(p);
        assert_eq!(r["answer"]["status"], 400, "{r}");
        assert!(r["note"].as_str().unwrap().starts_with("malformed body: "), "{r}");
    }
    assert_eq!(by_path("/big-chunked")["answer"]["status"], 413);
    assert!(by_path("/big-chunked")["note"].as_str().unwrap().contains("--max-body"));
}

#[test]
fn a_body_that_stops_coming_is_408_not_400_or_413() {
    let listen = Listen::start(&["--port", "0", "--read-timeout", "1"]);
    let mut s = in_flight(&listen.addr, "/slow-body", 100, "{\"a\":");
    let (status, _, body) = answer(&mut s).expect("an answer once the read timeout passed");
    assert_eq!(status, 408, "{body}");
    let (_, lines, _) = listen.stop();
    assert_eq!(records(&lines)[0]["note"], "body not received within 1.0 s");
}

#[test]
fn a_declared_length_over_the_limit_is_413_at_once() {
    let listen = Listen::start(&["--port", "0", "--max-body", "1000", "--read-timeout", "600"]);
    // The head only: the answer must not wait for a body that is not coming.
    let mut s = connect(&listen.addr);
    s.write_all(b"POST /declared HTTP/1.1\r\nHost: hookctl\r\nContent-Length: 5000\r\n\r\n").unwrap();
    let (status, _, body) = answer(&mut s).expect("answered without the body");
    assert_eq!(status, 413);
    assert!(body.contains("5000") && body.contains("--max-body"), "{body}");
    let (_, lines, _) = listen.stop();
    assert_eq!(records(&lines)[0]["answer"]["status"], 413);
}

#[test]
fn exit_after_zero_is_refused() {
    let out = hookctl().args(["listen", "--port", "0", "--exit-after", "0"]).timeout(BOUND).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(common::error_line(&err).contains("--exit-after"), "{err}");
}

#[test]
fn a_listener_killed_mid_run_loses_no_acknowledged_request_and_its_capture_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let file = cap.to_str().unwrap().to_string();
    let listen = Listen::start(&["--port", "0", "--save", &file]);
    let url = listen.url();
    let sender = std::thread::spawn(move || {
        run(hookctl()
            .args(["send", "handoff-create", "--count", "100000", "-c", "8", "--max-errors", "20"])
            .args(["--url", &url, "-o", "json"]))
    });
    // Killed outright (SIGKILL: nothing flushed on the way out) once requests are being kept.
    let started = Instant::now();
    while std::fs::read(&cap).map_or(0, |b| b.iter().filter(|c| **c == b'\n').count()) < 200 {
        assert!(started.elapsed() < BOUND * 3, "the capture never grew");
        std::thread::sleep(Duration::from_millis(20));
    }
    listen.signal("KILL");
    let (code, out, err) = sender.join().unwrap();
    assert_eq!(code, 3, "the run ends on the refused connections: {err}");
    let summary: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    let acknowledged = summary["statuses"]["200"].as_u64().unwrap_or(0);
    assert!(acknowledged >= 200, "{summary:#}");

    // Every request the sender saw answered is in the capture, and every reader reads it.
    let (code, out, err) = run(hookctl().args(["validate", &file, "-o", "json"]));
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    let kept = report["summary"]["valid"].as_u64().unwrap();
    assert!(kept >= acknowledged, "{kept} kept of {acknowledged} acknowledged\n{err}");
    assert!(code == 0 || code == 2, "at most the cut last line is unreadable: {err}");

    // A listener started again on it appends whole lines: the cut line, if any, is the only bad one.
    let again = Listen::start(&["--port", "0", "--save", &file]);
    let (code, _) = send(&again.url(), &["agent-online"]);
    assert_eq!(code, 0);
    let _ = again.stop();
    let (_, out, _) = run(hookctl().args(["validate", &file, "-o", "json"]));
    let after: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(after["summary"]["valid"].as_u64().unwrap(), kept + 1, "{:#}", after["summary"]);
}
