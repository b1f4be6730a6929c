//! Test helpers: a real HTTP server on 127.0.0.1:0 that records every request and answers as told,
//! and a runner for the real binary.
#![allow(dead_code)]

pub mod tools;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The query string, as it arrived.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// How the server answers the n-th request (0-based), given its body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Headers beside the `content-type: application/json` every answer has.
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::raw(status, &body.to_string())
    }

    pub fn raw(status: u16, body: &str) -> Reply {
        Reply { status, body: body.as_bytes().to_vec(), delay: Duration::ZERO, headers: Vec::new() }
    }

    /// The same answer with one more header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

type Script = dyn Fn(usize, &serde_json::Value) -> Reply + Send + Sync;

pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Start a server whose answers come from `script(n, parsed_body_or_null)`.
    pub fn start(script: impl Fn(usize, &serde_json::Value) -> Reply + Send + Sync + 'static) -> Server {
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = log.clone();
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let (log, script) = (shared.clone(), script.clone());
                    let service =
                        hyper::service::service_fn(move |req| answer(req, log.clone(), script.clone()));
                    tokio::spawn(async move {
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let _ =
                            hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                    });
                }
            });
        });
        let addr = rx.recv().unwrap();
        Server { addr, log }
    }

    /// A server that answers every request 200 `{}`.
    pub fn ok() -> Server {
        Server::start(|_, _| Reply::json(200, serde_json::json!({})))
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

/// Record one request and answer it as the script says.
async fn answer(
    req: Request<Incoming>,
    log: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Script>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let n = {
        let mut log = log.lock().unwrap();
        log.push(Recorded {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: body.to_vec(),
        });
        log.len() - 1
    };
    let parsed = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let reply = script(n, &parsed);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut resp = Response::new(Full::new(Bytes::from(reply.body)));
    *resp.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    resp.headers_mut().insert("content-type", "application/json".parse().unwrap());
    for (name, value) in &reply.headers {
        resp.headers_mut().insert(*name, value.parse().unwrap());
    }
    Ok(resp)
}

/// A loopback port with nothing listening on it, and that nothing a test starts can take: it is
/// below the range the system hands out for port 0, which every server of the tests asks for. (A
/// port taken from that range and let go could be handed to another test's server at once.)
pub fn closed_port() -> u16 {
    use std::net::{SocketAddr, TcpStream};
    (1..1024)
        .find(|&port| {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(500))
                .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
        })
        .expect("a loopback port below 1024 with nothing listening on it")
}

/// A loopback port free to listen on now (the system may hand it out again once let go).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Variables set for every run of the binary, so that its output is stable.
pub const STABLE_ENV: [(&str, &str); 2] = [("NO_COLOR", "1"), ("RUST_BACKTRACE", "0")];
/// Variables removed for every run, so that the machine's environment changes nothing.
pub const CLEARED_ENV: [&str; 8] = [
    "HOOKCTL_URL",
    "WEBHOOK_URL",
    "WEBHOOK_TOKEN",
    "CLICOLOR_FORCE",
    "CI",
    "BOTPRESS_WEBHOOK_URL",
    "EVA_SERVICE_URL",
    "EVA_ANSWER_URL",
];

/// The real binary, with an environment that makes its output stable.
pub fn hookctl() -> Command {
    let mut cmd = Command::cargo_bin("hookctl").unwrap();
    cmd.envs(STABLE_ENV);
    for name in CLEARED_ENV {
        cmd.env_remove(name);
    }
    cmd
}

/// Run and return (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The one line that says what is wrong in a usage error on stderr. hookctl's own errors are that
/// line alone; a mistake clap finds in the flags also gets clap's tips and pointer to the help
/// after it, and nothing else.
pub fn error_line(err: &str) -> &str {
    let mut lines = err.lines();
    let first = lines.next().unwrap_or_else(|| panic!("no error on stderr"));
    assert!(first.starts_with("error: "), "{err}");
    let rest: Vec<&str> = lines.collect();
    if !rest.is_empty() {
        assert!(rest.iter().all(|l| !l.starts_with("error")), "one error: {err}");
        assert_eq!(rest.last(), Some(&"For more information, try '--help'."), "clap's tips: {err}");
    }
    first
}

pub fn fixture_path(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `hookctl listen` running as a child process on a free port.
pub struct Listener {
    pub url: String,
    pub addr: String,
    child: std::process::Child,
}

impl Listener {
    /// Start `hookctl listen --port 0 --output json ARGS...` and wait until it listens.
    pub fn start(args: &[&str]) -> Listener {
        Listener::start_as("json", args)
    }

    /// The same with text output: read it back with `stop_text`.
    pub fn start_text(args: &[&str]) -> Listener {
        Listener::start_as("text", args)
    }

    fn start_as(output: &str, args: &[&str]) -> Listener {
        use std::io::BufRead;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
            .args(["listen", "--port", "0", "--output", output])
            .args(args)
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in: {line}"))
            .to_string();
        // Keep draining stderr so the child never blocks on it.
        std::thread::spawn(move || for _ in stderr.lines() {});
        Listener { url: format!("http://{addr}/hook"), addr, child }
    }

    /// Stop it as Ctrl-C would, and return the NDJSON lines it printed.
    pub fn stop(self) -> Vec<serde_json::Value> {
        self.stop_text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not NDJSON ({e}): {l}")))
            .collect()
    }

    /// Wait until it stops on its own (`--exit-after`), and return everything it printed on
    /// stdout.
    pub fn wait_text(mut self) -> String {
        let out = std::mem::replace(&mut self.child, std::process::Command::new("true").spawn().unwrap())
            .wait_with_output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "listen exits 0 after --exit-after");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Stop it as Ctrl-C would, and return everything it printed on stdout.
    pub fn stop_text(mut self) -> String {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let out = std::mem::replace(&mut self.child, std::process::Command::new("true").spawn().unwrap())
            .wait_with_output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "listen exits 0 on Ctrl-C");
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// POST raw bytes with a hand-written HTTP/1.1 request; returns the status code.
pub fn post_raw(addr: &str, path: &str, body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let head = String::from_utf8_lossy(&resp);
    head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// The body of each line of a capture, as the bytes that came (as text): a line keeps a JSON body
/// in its place (`body_json`) and any other as a string, so a body is read back as a record.
pub fn captured_bodies(capture: &str) -> Vec<String> {
    capture
        .lines()
        .map(|l| {
            let record: hookctl::receiver::Record = serde_json::from_str(l).expect("a capture record");
            String::from_utf8(record.body_bytes().unwrap()).expect("a UTF-8 body")
        })
        .collect()
}

/// Raw HTTP/1.1 over a socket, for what a client library would not do (stall, send bad bytes,
/// keep a connection idle): each read waits at most [`raw::BOUND`].
pub mod raw {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    /// How long a read waits: far above what serving takes, far below the listeners' timeouts
    /// that the tests set.
    pub const BOUND: Duration = Duration::from_secs(10);

    /// Read one HTTP/1.1 request from `stream` (its head, and a body of its Content-Length), and
    /// give back its first line.
    pub fn read_request(stream: &TcpStream) -> String {
        use std::io::{BufRead, BufReader};
        let mut reader = BufReader::new(stream);
        let (mut first, mut length) = (String::new(), 0);
        let _ = reader.read_line(&mut first);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        first
    }

    pub fn connect(addr: &str) -> TcpStream {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(BOUND)).unwrap();
        s
    }

    /// A whole small request on a kept-alive connection.
    pub fn request(path: &str, body: &str) -> String {
        format!("POST {path} HTTP/1.1\r\nHost: hookctl\r\nContent-Length: {}\r\n\r\n{body}", body.len())
    }

    /// One answer from `s`: its status, head (lowercase) and body, or None when none came within
    /// the read timeout.
    pub fn answer(s: &mut TcpStream) -> Option<(u16, String, String)> {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&got).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
                    return Some((status, head.to_ascii_lowercase(), body[..length].to_string()));
                }
            }
            match s.read(&mut buf) {
                // A signal to the test process (a child ending) is no answer: read again.
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Ok(0) | Err(_) => return None,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// Whether the listener closed `s` (within the bound) with nothing more said.
    pub fn closed(s: &mut TcpStream) -> bool {
        let mut buf = [0u8; 256];
        loop {
            return match s.read(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Ok(0) => true,
                Ok(n) => panic!("answered instead of closed: {}", String::from_utf8_lossy(&buf[..n])),
                Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
            };
        }
    }

    /// A request whose head has arrived and whose body the listener is reading (it asked for it with
    /// `100 Continue`), with only `part` of its `length` bytes sent.
    pub fn in_flight(addr: &str, path: &str, length: usize, part: &str) -> TcpStream {
        let mut s = connect(addr);
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: hookctl\r\nContent-Length: {length}\r\nExpect: 100-continue\r\n\r\n"
        )
        .unwrap();
        let mut got = Vec::new();
        let mut byte = [0u8; 1];
        while !got.ends_with(b"\r\n\r\n") {
            let read = loop {
                match s.read(&mut byte) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    read => break read,
                }
            };
            assert_eq!(read.unwrap(), 1, "the listener asks for the body");
            got.push(byte[0]);
        }
        assert!(got.starts_with(b"HTTP/1.1 100"), "{}", String::from_utf8_lossy(&got));
        s.write_all(part.as_bytes()).unwrap();
        s
    }
}
