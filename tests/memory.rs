//! What `hookctl listen` holds in memory: a body of many short values is received, kept and
//! answered without a tree of it (its peak memory read from /proc), and a `--forward-to` answer
//! over `--max-response` is not relayed. Real HTTP to a listener started by the test.

mod common;

use std::io::{BufRead, Read, Write};
use std::process::{Child, Stdio};

use common::{Reply, Server, fixture_path};
use serde_json::{Value, json};

/// `hookctl listen --port 0 -o json ARGS`, its address, and its stderr after the first line.
fn listen(args: &[&str]) -> (Child, String, std::io::BufReader<std::process::ChildStderr>) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
        .args(["listen", "--port", "0", "-o", "json"])
        .args(args)
        .envs(common::STABLE_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).unwrap().to_string();
    (child, addr, stderr)
}

/// POST a body; the answer's status and body.
fn post(addr: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /hook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let split = resp.windows(4).position(|w| w == b"\r\n\r\n").expect("an answer head") + 4;
    let head = String::from_utf8_lossy(&resp[..split]).to_string();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap();
    (status, resp[split..].to_vec())
}

/// The records a stopped listener printed.
fn records(child: Child) -> Vec<Value> {
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["type"] == "request")
        .collect()
}

/// An eva service request whose `hiddenContext` holds `fill` (JSON text) under `big`, of about
/// `size` bytes in all.
fn service_request(fill: &str) -> Vec<u8> {
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(fixture_path("fixtures/events/eva-service.json")).unwrap())
            .unwrap();
    doc["hiddenContext"]["big"] = json!("@FILL@");
    doc.to_string().replace("\"@FILL@\"", fill).into_bytes()
}

/// `n` small numbers, as a JSON array: two bytes a value.
fn numbers(n: usize) -> String {
    format!("[{}7]", "7,".repeat(n - 1))
}

/// The most memory the process has held, in bytes (Linux).
fn peak(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).unwrap();
    kb.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap() * 1024
}

#[test]
fn a_body_of_many_short_values_is_answered_but_not_judged_and_one_of_few_is_judged() {
    let (child, addr, _) = listen(&["--exit-after", "2"]);
    // Over the floor of values: answered with its option and contexts, not judged, said why.
    let dense = service_request(&numbers(40_000));
    let (status, answer) = post(&addr, &dense);
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    let request: Value = serde_json::from_slice(&dense).unwrap();
    assert_eq!(answer["option"], "CLIENT");
    assert_eq!(answer["hiddenContext"], request["hiddenContext"], "the contexts are copied whole");
    // As long, of long strings: judged as usual.
    let sparse = service_request(&json!(vec!["x".repeat(100); 900]).to_string());
    assert!(sparse.len() > dense.len());
    let (status, _) = post(&addr, &sparse);
    assert_eq!(status, 200);
    let recs = records(child);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["kind"], "eva-service-request");
    assert!(recs[0].get("verdict").is_none(), "{}", recs[0]["note"]);
    let note = recs[0]["note"].as_str().unwrap();
    assert!(note.starts_with("not judged: about 40"), "{note}");
    assert!(recs[0]["answer"].get("verdict").is_none());
    assert_eq!(recs[1]["verdict"]["valid"], true, "{}", recs[1]["note"]);
    assert!(recs[1].get("note").is_none());
    assert_eq!(recs[1]["answer"]["verdict"]["valid"], true);
}

#[test]
fn a_botpress_event_with_a_long_stored_conversation_is_still_judged() {
    let (child, addr, _) = listen(&["--exit-after", "1"]);
    let mut event: Value =
        serde_json::from_slice(&std::fs::read(fixture_path("fixtures/events/handoff-create.json")).unwrap())
            .unwrap();
    let frames: Vec<Value> =
        (0..12_000).map(|i| json!({"flow": "main.flow.json", "node": format!("n{i}")})).collect();
    event["payload"]["userConversation"]["event"]["state"]["__stacktrace"] = json!(frames);
    let body = event.to_string().into_bytes();
    assert!(body.len() > 16 * 1024);
    assert_eq!(post(&addr, &body).0, 200);
    let recs = records(child);
    assert_eq!(recs[0]["verdict"]["valid"], true, "{}", recs[0]["note"]);
    assert!(recs[0].get("note").is_none(), "{}", recs[0]["note"]);
}

#[test]
fn a_long_body_nested_deeper_than_json_is_read_is_refused_saying_so() {
    let (child, addr, _) = listen(&["--exit-after", "1"]);
    let deep = service_request(&format!("{}{}", "[".repeat(20_000), "]".repeat(20_000)));
    assert_eq!(post(&addr, &deep).0, 400);
    let note = records(child)[0]["note"].as_str().unwrap().to_string();
    assert!(note.starts_with("nested deeper than 127 at /hiddenContext/big/0/0/"), "{note}");
}

/// The shapes that cost a tree the most, each a megabyte, in the places of each kind.
fn worst_bodies() -> Vec<Vec<u8>> {
    const SIZE: usize = 1 << 20;
    let keys = |n: usize| {
        let members: Vec<String> = (0..n).map(|i| format!("\"{i:x}\":0")).collect();
        format!("{{{}}}", members.join(","))
    };
    let empties = |n: usize| format!("[{}{{}}]", "{},".repeat(n - 1));
    let fills = [numbers(SIZE / 2 - 1000), keys(SIZE / 10), empties(SIZE / 3 - 1000)];
    let mut bodies = Vec::new();
    for (fixture, places) in [
        ("eva-service.json", &["/hiddenContext", "/openContext", ""][..]),
        ("eva-answer.json", &["/hiddenContext", "/answer/content"][..]),
        ("handoff-create.json", &["/payload", ""][..]),
    ] {
        let doc: Value = serde_json::from_slice(
            &std::fs::read(fixture_path(&format!("fixtures/events/{fixture}"))).unwrap(),
        )
        .unwrap();
        for place in places {
            for fill in &fills {
                let mut doc = doc.clone();
                doc.pointer_mut(place).unwrap()["big"] = json!("@FILL@");
                let body = doc.to_string().replace("\"@FILL@\"", fill).into_bytes();
                assert!(body.len() <= SIZE + 8192, "{}", body.len());
                bodies.push(body);
            }
        }
    }
    bodies
}

#[cfg(target_os = "linux")]
#[test]
fn worst_case_bodies_cost_the_listener_a_few_times_their_length() {
    let bodies = worst_bodies();
    let (child, addr, _) = listen(&["-q", "--max-body", "1200000"]);
    post(&addr, b"{}");
    let base = peak(&child);
    for body in &bodies {
        let (status, _) = post(&addr, body);
        assert_eq!(status, 200);
    }
    let sequential = peak(&child) - base;
    // Twelve at once.
    std::thread::scope(|s| {
        for body in bodies.iter().take(12) {
            let addr = &addr;
            s.spawn(move || assert_eq!(post(addr, body).0, 200));
        }
    });
    let together = peak(&child) - base;
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    // Before, one of them alone cost 180 MB and more; a tree of any is several times that of the
    // body. Generous bounds: a few bodies' worth, and a few per body at once.
    const MB: u64 = 1 << 20;
    assert!(sequential < 48 * MB, "one at a time: {} MB over the start", sequential / MB);
    assert!(together < 120 * MB, "twelve at once: {} MB over the start", together / MB);
}

#[test]
fn a_forwarded_answer_over_max_response_is_not_relayed_and_one_at_the_limit_is() {
    const CAP: usize = 1000;
    // `{"option":"CLIENT","pad":"xxx…"}` of exactly `len` bytes.
    let answer = |len: usize| {
        let pad = len - r#"{"option":"CLIENT","pad":""}"#.len();
        format!(r#"{{"option":"CLIENT","pad":"{}"}}"#, "x".repeat(pad))
    };
    let upstream = Server::start(move |n, _| Reply::raw(200, &answer(if n == 0 { CAP + 1 } else { CAP })));
    let cap = CAP.to_string();
    let (child, addr, stderr) =
        listen(&["--forward-to", &upstream.url(), "--max-response", &cap, "--exit-after", "2"]);
    let request = std::fs::read(fixture_path("fixtures/events/eva-service.json")).unwrap();
    let (status, body) = post(&addr, &request);
    assert_eq!(status, 502);
    let said = "--forward-to: the answer is over the 1000 byte limit (--max-response); not relayed";
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({ "error": said }));
    let (status, body) = post(&addr, &request);
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8(body).unwrap(), answer(CAP), "relayed intact");
    let recs = records(child);
    assert_eq!(recs[0]["answer"]["reason"], said);
    assert_eq!(recs[1]["answer"]["verdict"]["valid"], true, "{:#}", recs[1]);
    let errors: Vec<String> = stderr.lines().map(Result::unwrap).filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors, [format!("error: #1: {said}; answered 502")]);
}

#[test]
fn max_response_and_max_body_take_a_size_with_its_unit() {
    for flag in ["--max-response", "--max-body"] {
        let (code, _, err) = common::run(common::hookctl().args(["listen", "--port", "0", flag, "lots"]));
        assert_eq!(code, 2);
        assert!(
            err.contains(&format!("invalid value 'lots' for '{flag} <SIZE>': 'lots' is not a size")),
            "{err}"
        );
    }
    let (child, addr, _) = listen(&["--exit-after", "2", "--max-body", "1KiB"]);
    assert_eq!(post(&addr, &vec![b' '; 1024]).0, 400, "at the limit: read, and not JSON");
    assert_eq!(post(&addr, &vec![b' '; 1025]).0, 413);
    drop(records(child));
}
