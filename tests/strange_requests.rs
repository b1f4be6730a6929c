//! `hookctl listen` answering strange requests clearly: JSON beyond what is judged, a body that
//! stops short, header values that are not UTF-8, idle connections at the cap, statuses that are
//! not answers, and more requests than `--exit-after` takes. Real binary, raw sockets.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::raw::{BOUND, answer, closed, connect, in_flight, request};
use common::{Listener, error_line, hookctl, run};
use serde_json::Value;

/// POST a body on its own connection; the answer's status and body.
fn post(addr: &str, body: &str) -> (u16, String) {
    let mut s = connect(addr);
    s.write_all(request("/hook", body).as_bytes()).unwrap();
    answer(&mut s).map(|(status, _, body)| (status, body)).expect("an answer")
}

fn records(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l["type"] == "request").collect()
}

fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn json_beyond_what_is_judged_is_refused_saying_what_and_where() {
    let listen = Listener::start(&[]);
    let refused = [
        (r#"{"payload": {"x": 1e400}}"#.to_string(), "number out of range at /payload/x"),
        (
            format!(r#"{{"a": {{"b": {}}}}}"#, nested(126, "1")),
            "nested deeper than 127 at /a/b/0/0/0/0/0/0/0/0/0/0/...",
        ),
        (
            r#"{"t": ["ok", "x\ud800y"]}"#.to_string(),
            "lone surrogate in a string (\\ud800 to \\udfff without its pair) at /t/1",
        ),
    ];
    for (body, why) in &refused {
        let (status, answered) = post(&listen.addr, body);
        assert_eq!(status, 400, "{body}");
        let answered: Value = serde_json::from_str(&answered).unwrap();
        assert_eq!(answered["error"], *why);
    }
    // Their neighbours within the limits are JSON like any other.
    let accepted = [
        r#"{"payload": {"x": 1e300}}"#.to_string(),
        format!(r#"{{"a": {{"b": {}}}}}"#, nested(125, "1")),
        r#"{"t": ["ok", "x\ud83d\ude00y"]}"#.to_string(),
    ];
    for body in &accepted {
        assert_eq!(post(&listen.addr, body).0, 200, "{body}");
    }
    // Text that is not JSON is still called so.
    assert_eq!(post(&listen.addr, r#"{"a": tru}"#), (400, r#"{"error":"body is not JSON"}"#.into()));
    let lines = listen.stop();
    let recs = records(&lines);
    for (rec, (_, why)) in recs.iter().zip(&refused) {
        assert_eq!(rec["note"], *why);
        assert_eq!(rec["answer"]["reason"], *why);
    }
    for rec in &recs[3..6] {
        assert_eq!(rec["answer"]["status"], 200, "{rec}");
        assert!(rec["note"].is_null() || rec["note"] == "JSON of no known kind", "{rec}");
    }
    assert_eq!(recs[6]["note"], "body is not JSON");
    // A body at the limit is kept as a string: in its place in the line it would be one level too
    // deep for the line to be read back (this test reads every line).
    assert_eq!(recs[4]["body"], accepted[1]);
    assert_eq!(recs[3]["body_json"]["payload"]["x"], 1e300);
}

/// A request whose head is complete and whose body stops short of its Content-Length.
fn stalled_body(addr: &str) -> TcpStream {
    let mut s = connect(addr);
    s.write_all(b"POST /hook HTTP/1.1\r\nHost: hookctl\r\nContent-Length: 100\r\n\r\n{\"half\":").unwrap();
    s
}

#[test]
fn a_body_that_stops_short_is_408_and_closed_after_the_header_timeout_by_default() {
    let listen = Listener::start(&["--header-timeout", "1", "--idle-timeout", "60"]);
    let mut s = stalled_body(&listen.addr);
    let (status, head, _) = answer(&mut s).expect("answered before the idle timeout");
    assert_eq!(status, 408);
    assert!(head.contains("connection: close"), "{head}");
    assert!(closed(&mut s), "the connection is closed after the 408");
    let lines = listen.stop();
    assert_eq!(records(&lines)[0]["answer"]["status"], 408);
}

#[test]
fn body_timeout_sets_how_long_a_body_may_take_and_a_slow_one_within_it_is_served() {
    let listen = Listener::start(&["--body-timeout", "1", "--header-timeout", "60", "--idle-timeout", "60"]);
    let mut s = stalled_body(&listen.addr);
    assert_eq!(answer(&mut s).map(|a| a.0), Some(408));
    assert!(closed(&mut s));
    drop(listen);
    // A body that comes in pieces, within the timeout, is read whole.
    let listen = Listener::start(&["--body-timeout", "60", "--header-timeout", "60"]);
    let mut s = connect(&listen.addr);
    s.write_all(b"POST /hook HTTP/1.1\r\nHost: hookctl\r\nContent-Length: 7\r\n\r\n{\"a\"").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(b":1}").unwrap();
    assert_eq!(answer(&mut s).map(|a| a.0), Some(200));
}

#[test]
fn a_header_value_that_is_not_utf8_is_shown_escaped_and_replayed_as_it_came() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap.jsonl");
    let listen = Listener::start(&["--save", cap.to_str().unwrap()]);
    let mut s = connect(&listen.addr);
    s.write_all(
        b"POST /hook HTTP/1.1\r\nHost: hookctl\r\nX-Raw: caf\xe9 \xff!\r\nX-Name: Jos\xc3\xa9\r\nContent-Length: 2\r\n\r\n{}",
    )
    .unwrap();
    assert_eq!(answer(&mut s).map(|a| a.0), Some(200));
    drop(s);
    let lines = listen.stop();
    let rec = records(&lines)[0];
    let headers = rec["headers"].as_array().unwrap();
    let at = headers.iter().position(|h| h[0] == "x-raw").unwrap();
    assert_eq!(headers[at][1], "caf\\xe9 \\xff!", "escaped, not replaced: {rec}");
    // UTF-8 is text as it is, and only the value that is not is kept apart.
    assert!(headers.iter().any(|h| h[0] == "x-name" && h[1] == "José"), "{rec}");
    assert_eq!(rec["headers_base64"], serde_json::json!([[at, "Y2Fm6SD/IQ=="]]));
    assert!(!rec.to_string().contains('\u{fffd}'), "{rec}");

    // Replayed, the server gets the bytes that came.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", server.local_addr().unwrap());
    let got = std::thread::spawn(move || {
        let (mut c, _) = server.accept().unwrap();
        c.set_read_timeout(Some(BOUND)).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && c.read_exact(&mut byte).is_ok() {
            head.push(byte[0]);
        }
        c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").unwrap();
        head
    });
    let (_, _, err) = run(hookctl().args(["replay", cap.to_str().unwrap(), "--url", &url]));
    let head = got.join().unwrap();
    let wanted: &[u8] = b"\r\nx-raw: caf\xe9 \xff!\r\n";
    assert!(
        head.windows(wanted.len()).any(|w| w.eq_ignore_ascii_case(wanted)),
        "{}\n{err}",
        String::from_utf8_lossy(&head)
    );

    // On the terminal too.
    let listen = Listener::start_text(&["-v"]);
    let mut s = connect(&listen.addr);
    s.write_all(b"POST /hook HTTP/1.1\r\nHost: hookctl\r\nX-Raw: caf\xe9\r\nContent-Length: 2\r\n\r\n{}")
        .unwrap();
    assert_eq!(answer(&mut s).map(|a| a.0), Some(200));
    let text = listen.stop_text();
    assert!(text.contains("caf\\xe9") && !text.contains('\u{fffd}'), "{text}");
}

#[test]
fn at_the_cap_an_idle_connection_is_closed_for_a_new_client_oldest_first() {
    let listen =
        Listener::start(&["--max-connections", "3", "--idle-timeout", "60", "--header-timeout", "60"]);
    // More idle kept-alive connections than the cap: the last waits for room.
    let mut idle: Vec<TcpStream> = (0..4).map(|_| connect(&listen.addr)).collect();
    for (n, s) in idle.iter_mut().enumerate() {
        s.write_all(request(&format!("/idle{n}"), "{}").as_bytes()).unwrap();
        assert_eq!(answer(s).map(|a| a.0), Some(200), "idle connection {n} served");
    }
    // A fresh client is served at once, not after the 60 s idle timeout.
    let mut fresh = connect(&listen.addr);
    fresh.write_all(request("/fresh", "{}").as_bytes()).unwrap();
    assert_eq!(answer(&mut fresh).map(|a| a.0), Some(200), "served within {BOUND:?}");
    // The connections idle longest were the ones closed.
    assert!(closed(&mut idle[0]) && closed(&mut idle[1]));
    let lines = listen.stop();
    assert_eq!(records(&lines).len(), 5);
}

#[test]
fn at_the_cap_a_connection_with_a_request_under_way_is_never_closed() {
    let args =
        ["--max-connections", "2", "--idle-timeout", "60", "--header-timeout", "60", "--body-timeout", "60"];
    let listen = Listener::start(&args);
    // The older connection has a request under way (its body half sent); the newer one is idle.
    let mut busy = stalled_body(&listen.addr);
    let mut idle = connect(&listen.addr);
    idle.write_all(request("/idle", "{}").as_bytes()).unwrap();
    assert_eq!(answer(&mut idle).map(|a| a.0), Some(200));
    let mut fresh = connect(&listen.addr);
    fresh.write_all(request("/fresh", "{}").as_bytes()).unwrap();
    assert_eq!(answer(&mut fresh).map(|a| a.0), Some(200), "served within {BOUND:?}");
    assert!(closed(&mut idle), "the idle one made room");
    // The request under way is still read, and answered.
    busy.write_all(format!("{:<91}}}", "1").as_bytes()).unwrap();
    assert_eq!(answer(&mut busy).map(|a| a.0), Some(200));
    let lines = listen.stop();
    let paths: Vec<&Value> = records(&lines).iter().map(|r| &r["path"]).collect();
    assert_eq!(paths, ["/idle", "/fresh", "/hook"]);
}

#[test]
fn status_takes_only_a_final_status() {
    for code in ["100", "101", "103", "199", "600", "abc"] {
        // Bounded: a status taken would have it listen until stopped.
        let (exit, _, err) = run(hookctl().args(["listen", "--port", "0", "--status", code]).timeout(BOUND));
        assert_eq!(exit, 2, "{code}: {err}");
        let line = error_line(&err);
        assert!(line.contains("--status") && line.contains("200 to 599"), "{line}");
    }
    for code in ["200", "599"] {
        let listen = Listener::start(&["--status", code]);
        assert_eq!(post(&listen.addr, "{}").0.to_string(), code);
    }
}

#[test]
fn exit_after_takes_exactly_n_requests_however_many_come_at_once() {
    let listen = Listener::start(&["--exit-after", "5"]);
    let url = listen.url.clone();
    let (_, _, err) =
        run(hookctl().args(["send", "handoff-create", "--count", "40", "--concurrency", "8", "--url", &url]));
    let lines = listen.stop();
    let recs = records(&lines);
    assert_eq!(recs.len(), 5, "{err}");
    assert!(recs.iter().all(|r| r["answer"]["status"] == 200), "{recs:?}");
    assert_eq!(lines.last().unwrap()["summary"]["requests"], 5);
}

#[test]
fn a_request_past_exit_after_is_503_with_connection_close() {
    let listen = Listener::start(&["--exit-after", "1", "--grace", "60"]);
    // The first is taken (its body asked for) and holds the listener in its grace while the
    // second comes.
    let mut first = in_flight(&listen.addr, "/hook", 100, "{\"half\":");
    let mut second = connect(&listen.addr);
    second.write_all(request("/second", "{}").as_bytes()).unwrap();
    let (status, head, body) = answer(&mut second).expect("an answer");
    assert_eq!(status, 503);
    assert!(head.contains("connection: close"), "{head}");
    assert!(body.contains("--exit-after 1"), "{body}");
    assert!(closed(&mut second));
    first.write_all(format!("{:<91}}}", "1").as_bytes()).unwrap();
    assert_eq!(answer(&mut first).map(|a| a.0), Some(200));
    let lines = listen.stop();
    assert_eq!(records(&lines).len(), 1);
}
