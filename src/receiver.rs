//! The receiver: stands where the user's server would stand. It records every request, judges it
//! against the catalogue, captures it to disk before answering, and answers as a correct receiver
//! would (200 `{}` to Botpress, a valid answer to eva), as told (`--status`, `--fail-first`,
//! `--respond`), or with what the user's own server answers (`--forward-to`).
//!
//! `hookctl listen` runs it in the foreground; `hookctl send` with no target runs it quietly.
//! It returns records (and what went wrong around them) over a channel and never prints.

mod auth;
mod forward;
mod heavy;
mod hops;
mod serve;
mod unjudged;

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::catalogue::{Kind, Platform};
use crate::contract::{self, Context, Verdict};
use crate::error::{Error, Result};
use crate::json::Pointer;
use crate::platform::eva;
use crate::{defaults, http};

pub use auth::Required;

/// How the receiver answers and what it keeps.
#[derive(Debug, Clone)]
pub struct Config {
    /// Answer every request with this status (and `{}`), instead of the reference answer.
    pub status: Option<u16>,
    /// Fail the first N deliveries of each distinct body with 503, then answer normally.
    pub fail_first: u32,
    /// Answer with these bytes (a JSON body) instead of the reference answer.
    pub respond: Option<Vec<u8>>,
    /// The option a service cell answer chooses, instead of the first expected one.
    pub respond_option: Option<String>,
    /// Relay each request to this URL and answer with what it answers.
    pub forward_to: Option<url::Url>,
    /// Give up on the forward target after this long.
    pub forward_timeout: Duration,
    /// Larger bodies are answered 413.
    pub max_body: usize,
    /// A `--forward-to` answer longer than this is not relayed: the client is answered 502.
    pub max_response: usize,
    /// A client that takes longer than this to send its body is answered 408.
    pub read_timeout: Duration,
    /// A connection whose request head takes longer than this (from its first byte, or from when
    /// the connection opened) is closed.
    pub header_timeout: Duration,
    /// A connection with no request under way for this long after its last answer is closed.
    pub idle_timeout: Duration,
    /// At most this many connections are open at once; more wait until one closes.
    pub max_connections: usize,
    /// Once told to stop, requests in flight get this long to finish.
    pub grace: Duration,
    /// Append every request to this file as one JSON line, before answering it.
    pub save: Option<PathBuf>,
    /// Keep secret header values in records and captures.
    pub keep_secrets: bool,
    /// How a service cell answer's option (the mock's own or a forwarded one) is compared with
    /// the expected ones.
    pub option_case: contract::OptionCase,
    /// Headers every request must carry (`--require-header`): one that lacks any is answered 401.
    pub require_headers: Vec<Required>,
    /// Take this many requests, counted as they arrive, and answer any more 503 with
    /// `Connection: close` (`--exit-after`): the listener is stopping.
    pub exit_after: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            status: None,
            fail_first: 0,
            respond: None,
            respond_option: None,
            forward_to: None,
            forward_timeout: defaults::FORWARD_TIMEOUT,
            max_body: defaults::MAX_BODY,
            max_response: defaults::MAX_RESPONSE,
            read_timeout: defaults::READ_TIMEOUT,
            header_timeout: defaults::HEADER_TIMEOUT,
            idle_timeout: defaults::IDLE_TIMEOUT,
            max_connections: defaults::MAX_CONNECTIONS,
            grace: defaults::GRACE,
            save: None,
            keep_secrets: false,
            option_case: contract::OptionCase::Exact,
            require_headers: Vec::new(),
            exit_after: None,
        }
    }
}

/// One request as received, judged, and answered. The same shape is printed with
/// `--output json`, appended by `--save`, and read back by `replay`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// 1-based, in order of arrival.
    pub index: u64,
    pub time: String,
    pub method: String,
    /// The path with its query string, secret query values redacted unless `--keep-secrets`.
    pub path: String,
    /// Each value as text: a value that is not UTF-8 has those bytes escaped (`\xff`), and is
    /// kept exactly under `headers_base64`.
    pub headers: Vec<(String, String)>,
    /// The header values that are not UTF-8, exactly as received: `[index, base64]`, the index
    /// of the value in `headers`. Absent when every value is UTF-8 (as a rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers_base64: Vec<(usize, String)>,
    /// The body exactly as received, as a JSON string, when it is UTF-8 (and not under
    /// `body_json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body exactly as received, when it is JSON on one line with nothing around it: a line
    /// holds it as it came, as JSON in its place rather than as a string, so that it costs no
    /// escaping to write and reads as what it is. Written only by [`Record::write_json`], which
    /// puts it last in the line.
    #[serde(default, skip_serializing, deserialize_with = "verbatim_json")]
    pub body_json: Option<String>,
    /// The body exactly as received, base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    pub bytes: usize,
    #[serde(default)]
    pub kind: Option<Kind>,
    /// The request judged against its kind's contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Why the request could not be judged (not JSON, no known kind, too large, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The index of the first request with the same body (Botpress retries and double-sends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<u64>,
    /// Why the request was refused for its headers (`--require-header`): answered 401.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unauthorized: Option<String>,
    pub answer: AnswerRecord,
}

/// The answer given to one request. Botpress reads only the status, so for its events that is all
/// there is; an eva request's 2xx answer also says what it answered and how it stands against the
/// contract, whoever made it (the mock itself or the `--forward-to` server).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub status: u16,
    /// The answer came from the `--forward-to` server.
    #[serde(default)]
    pub forwarded: bool,
    /// Why the answer is what it is, when it is not the plain reference answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The `option` the answer chose (service cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<Value>,
    /// The answer's content, `/answer/content/content` (transactional answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// The answer judged against the eva contract, with the request as context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// The body the `--forward-to` server answered, when it is not judged as an eva answer (a
    /// Botpress event's, or an answer that is not 2xx): JSON as a value, else text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl Record {
    /// The body's bytes, exactly as received.
    pub fn body_bytes(&self) -> std::result::Result<Vec<u8>, String> {
        match (self.text(), &self.body_base64) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("body_base64 is not base64: {e}")),
            (None, None) => Ok(Vec::new()),
        }
    }

    /// The exact bytes of the header value at `index` of `headers`, when they are kept apart
    /// (not UTF-8); an error says why they cannot be read.
    pub fn header_bytes(&self, index: usize) -> Option<std::result::Result<Vec<u8>, String>> {
        let (_, b64) = self.headers_base64.iter().find(|(i, _)| *i == index)?;
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("headers_base64 is not base64: {e}")),
        )
    }

    /// The body as text, when it is UTF-8, whichever way the record holds it.
    pub fn text(&self) -> Option<&str> {
        self.body_json.as_deref().or(self.body.as_deref())
    }

    /// Take the body out as text, when it is UTF-8.
    pub fn take_text(&mut self) -> Option<String> {
        self.body_json.take().or_else(|| self.body.take())
    }

    /// Hold a UTF-8 body: as it is when it is JSON (`parsed`) on one line with nothing around it,
    /// as a string otherwise.
    fn hold(&mut self, text: String, parsed: bool) {
        let verbatim = parsed
            && text.as_bytes().first().is_some_and(|b| !b.is_ascii_whitespace())
            && text.as_bytes().last().is_some_and(|b| !b.is_ascii_whitespace())
            && memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_none();
        if verbatim { self.body_json = Some(text) } else { self.body = Some(text) }
    }

    /// The record as one line of JSON (without its newline), as `--save` and `-o json` write
    /// it: every field, as `serde_json` writes the record, and last, under `body_json`, a JSON
    /// body as it came. Written by hand around the parts that vary (the findings, the answer and
    /// values other than strings go through `serde_json`), strings by `json_string`:
    /// `serde_json` scans every string for escapes a byte at a time, the record's own member
    /// names included, and a record holds several dozen short strings.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.write_json_typed(out, None)
    }

    /// As [`Record::write_json`], with a first member `"type": TYPE` when given: `listen -o json`
    /// tells its lines apart by it.
    pub fn write_json_typed(&self, out: &mut Vec<u8>, r#type: Option<&str>) -> serde_json::Result<()> {
        out.push(b'{');
        if let Some(t) = r#type {
            out.extend_from_slice(b"\"type\":");
            json_string(out, t);
            out.push(b',');
        }
        self.write_members(out)
    }

    /// The record's members and its closing brace, as [`Record::write_json`] writes them.
    fn write_members(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"\"index\":");
        serde_json::to_writer(&mut *out, &self.index)?;
        out.extend_from_slice(b",\"time\":");
        json_string(out, &self.time);
        out.extend_from_slice(b",\"method\":");
        json_string(out, &self.method);
        out.extend_from_slice(b",\"path\":");
        json_string(out, &self.path);
        out.extend_from_slice(b",\"headers\":[");
        for (n, (name, value)) in self.headers.iter().enumerate() {
            out.extend_from_slice(if n == 0 { b"[" } else { b",[" });
            json_string(out, name);
            out.push(b',');
            json_string(out, value);
            out.push(b']');
        }
        out.push(b']');
        if !self.headers_base64.is_empty() {
            out.extend_from_slice(b",\"headers_base64\":");
            serde_json::to_writer(&mut *out, &self.headers_base64)?;
        }
        if let Some(body) = &self.body {
            out.extend_from_slice(b",\"body\":");
            json_string(out, body);
        }
        if let Some(b64) = &self.body_base64 {
            out.extend_from_slice(b",\"body_base64\":");
            json_string(out, b64);
        }
        out.extend_from_slice(b",\"bytes\":");
        serde_json::to_writer(&mut *out, &self.bytes)?;
        out.extend_from_slice(b",\"kind\":");
        serde_json::to_writer(&mut *out, &self.kind)?;
        if let Some(v) = &self.verdict {
            out.extend_from_slice(b",\"verdict\":{\"kind\":");
            serde_json::to_writer(&mut *out, &v.kind)?;
            out.extend_from_slice(if v.valid {
                b",\"valid\":true,\"errors\":"
            } else {
                b",\"valid\":false,\"errors\":"
            });
            serde_json::to_writer(&mut *out, &v.errors)?;
            out.extend_from_slice(b",\"warnings\":");
            serde_json::to_writer(&mut *out, &v.warnings)?;
            if !v.not_checked.is_empty() {
                out.extend_from_slice(b",\"not_checked\":");
                serde_json::to_writer(&mut *out, &v.not_checked)?;
            }
            out.extend_from_slice(b",\"fields\":{");
            for (n, (label, value)) in v.fields.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                json_string(out, label);
                out.push(b':');
                match value {
                    Value::String(s) => json_string(out, s),
                    other => serde_json::to_writer(&mut *out, other)?,
                }
            }
            out.extend_from_slice(b"}}");
        }
        if let Some(note) = &self.note {
            out.extend_from_slice(b",\"note\":");
            json_string(out, note);
        }
        if let Some(first) = self.repeat_of {
            out.extend_from_slice(b",\"repeat_of\":");
            serde_json::to_writer(&mut *out, &first)?;
        }
        if let Some(why) = &self.unauthorized {
            out.extend_from_slice(b",\"unauthorized\":");
            json_string(out, why);
        }
        out.extend_from_slice(b",\"answer\":");
        serde_json::to_writer(&mut *out, &self.answer)?;
        if let Some(json) = &self.body_json {
            out.extend_from_slice(b",\"body_json\":");
            out.extend_from_slice(json.as_bytes());
        }
        out.push(b'}');
        Ok(())
    }
}

/// A string as JSON, byte for byte as `serde_json` writes it: the runs with nothing to escape (a
/// quote, a backslash, a control character) found eight bytes at a time and copied whole, each
/// byte between them escaped as `serde_json` escapes it. Most strings of a record have nothing to
/// escape: those are one run, and the escaping is out of line.
fn json_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let stop = crate::json::tape::plain_run(bytes, 0);
    out.extend_from_slice(&bytes[..stop]);
    if stop < bytes.len() {
        escaped(out, bytes, stop);
    }
    out.push(b'"');
}

/// The rest of a string from the byte at `at`, the first to escape.
#[inline(never)]
fn escaped(out: &mut Vec<u8>, bytes: &[u8], mut at: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]),
        }
        let stop = crate::json::tape::plain_run(bytes, at + 1);
        out.extend_from_slice(&bytes[at + 1..stop]);
        at = stop;
    }
}

/// A `body_json` read back: the JSON text as it stands in the line, byte for byte (`null` too: a
/// body of `null` is JSON like any other, not the absence of a body).
fn verbatim_json<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(d)?;
    Ok(Some(String::from(Box::<str>::from(raw))))
}

/// Totals for the end of a session.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Tally {
    pub requests: u64,
    pub by_kind: std::collections::BTreeMap<String, u64>,
    pub invalid: u64,
    pub repeats: u64,
    /// eva answers (the mock's own or forwarded) that break the contract.
    pub invalid_answers: u64,
    /// Requests whose capture could not be written, and so were answered 507 (not acknowledged).
    pub not_saved: u64,
    /// Requests that lacked a `--require-header` header (or had another value): answered 401.
    pub unauthorized: u64,
}

/// What a running receiver reports, in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// A request as received, judged, answered and captured.
    Request(Record),
    /// A request whose capture could not be written: answered 507, so the sender will retry.
    /// The record says what was answered.
    NotSaved { record: Record, reason: String },
    /// As many connections are open as allowed: new ones wait until one closes (said once).
    Full { limit: usize },
}

struct Shared {
    config: Config,
    /// Requests arrived so far, counted for `--exit-after` only.
    arrived: std::sync::atomic::AtomicU64,
    save: Option<Capture>,
    seen: Mutex<Seen>,
    forward: Option<reqwest::Client>,
    /// This listener's name in the hop header of what it relays.
    hop_id: String,
    events: Option<mpsc::UnboundedSender<Event>>,
}

impl Shared {
    fn event(&self, event: Event) {
        if let Some(tx) = &self.events {
            let _ = tx.send(event);
        }
    }
}

/// The `--save` file, written in groups. A request's line joins the group being gathered; one of
/// the requests of that group writes it whole in one call while the next group gathers, and every
/// request of a group is answered only once the write that holds its line has returned. Under a
/// stream of requests that is one write for several of them; alone, a request writes its own.
struct Capture {
    path: PathBuf,
    /// The file and how long it is: a group that cannot be written whole is cut off again, so
    /// that a capture never holds half a line. Only the group's writer takes it.
    file: Mutex<(File, u64)>,
    gather: Mutex<Group>,
    written: tokio::sync::Notify,
}

/// The lines gathered for the next write, and where their outcome will be told.
#[derive(Default)]
struct Group {
    lines: Vec<u8>,
    /// The room of the group written last, emptied, for the group after the next: a group does not
    /// grow from nothing (each growth into memory never touched yet costs a page fault).
    spare: Vec<u8>,
    outcome: Arc<std::sync::OnceLock<std::result::Result<(), String>>>,
    /// A group is being written.
    writing: bool,
}

/// The most room a written group leaves behind for the next ones.
const GROUP_KEPT: usize = 1 << 20;

impl Capture {
    fn new(path: PathBuf, file: File) -> Capture {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        Capture {
            path,
            file: Mutex::new((file, len)),
            gather: Mutex::default(),
            written: tokio::sync::Notify::new(),
        }
    }

    /// Append a line (ending in a newline), returning once it is written or could not be.
    async fn append(&self, line: &[u8]) -> std::result::Result<(), String> {
        let outcome = {
            let mut group = lock(&self.gather);
            group.lines.extend_from_slice(line);
            group.outcome.clone()
        };
        loop {
            let written = self.written.notified();
            tokio::pin!(written);
            written.as_mut().enable();
            if let Some(result) = outcome.get() {
                return result.clone();
            }
            // No group is being written, so the one this line is in has not been taken: this
            // request writes it, once the requests already under way have had their turn to join.
            let writer = {
                let mut group = lock(&self.gather);
                !std::mem::replace(&mut group.writing, true)
            };
            if !writer {
                written.await;
                continue;
            }
            // Should this request be dropped while it waits (its client gone, the server
            // stopping now), another one takes the writing over.
            let role = Writer(self);
            tokio::task::yield_now().await;
            let (mut lines, told) = {
                let mut group = lock(&self.gather);
                let spare = std::mem::take(&mut group.spare);
                (std::mem::replace(&mut group.lines, spare), std::mem::take(&mut group.outcome))
            };
            let _ = told.set(self.write(&lines));
            if lines.capacity() <= GROUP_KEPT {
                lines.clear();
                lock(&self.gather).spare = lines;
            }
            drop(role);
        }
    }

    fn write(&self, lines: &[u8]) -> std::result::Result<(), String> {
        let mut file = lock(&self.file);
        let (f, len) = &mut *file;
        match f.write_all(lines).and_then(|_| f.flush()) {
            Ok(()) => {
                *len += lines.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Not a regular file (a pipe, /dev/full): nothing to cut.
                let _ = f.set_len(*len);
                Err(format!("{}: {}", self.path.display(), crate::input::io_reason(&e)))
            }
        }
    }
}

/// Open the `--save` file to append to. A file that ends inside a line (its writer stopped in the
/// middle of a record: a crash, a full disk) is given the line's end first, so that the records
/// appended start on lines of their own and the cut line is the only one not read back. That is
/// checked once, here, not for each record.
fn open_capture(path: &std::path::Path) -> std::io::Result<File> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    if ends_inside_a_line(path, &file) {
        file.write_all(b"\n")?;
    }
    Ok(file)
}

/// Whether a capture file, open to append to, is a regular file whose last byte is not a line's
/// end. Its last byte is read through a handle of its own (the appending one cannot read); a file
/// that cannot be read so is taken as it is.
fn ends_inside_a_line(path: &std::path::Path, file: &File) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let len = match file.metadata() {
        Ok(m) if m.is_file() && m.len() > 0 => m.len(),
        _ => return false,
    };
    let mut last = [0u8];
    let read = File::open(path)
        .and_then(|mut f| f.seek(SeekFrom::Start(len - 1)).and_then(|_| f.read_exact(&mut last)));
    read.is_ok() && last[0] != b'\n'
}

/// The writing of a capture's group, handed back when it is done or dropped.
struct Writer<'a>(&'a Capture);

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        lock(&self.0.gather).writing = false;
        self.0.written.notify_waiters();
    }
}

/// A lock, also when a thread panicked while holding it (what it guards stays consistent).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Default)]
struct Seen {
    next: u64,
    /// First index and delivery count of each distinct delivery (method, path and body).
    bodies: HashMap<(usize, u64), (u64, u32)>,
    tally: Tally,
}

/// A running receiver.
pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    hurry: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Bind and serve in the background. Records and the rest go to `events` when given.
    pub async fn start(
        bind: SocketAddr,
        config: Config,
        events: Option<mpsc::UnboundedSender<Event>>,
    ) -> Result<Receiver> {
        let save = match &config.save {
            Some(path) => {
                let file = open_capture(path).map_err(|e| {
                    Error::usage(format!(
                        "--save {}: cannot open: {}",
                        path.display(),
                        crate::input::io_reason(&e)
                    ))
                })?;
                Some(Capture::new(path.clone(), file))
            }
            None => None,
        };
        let forward = match config.forward_to {
            Some(_) => Some(http::client(config.forward_timeout)?),
            None => None,
        };
        let listener = TcpListener::bind(bind).await.map_err(|e| {
            let hint =
                if e.kind() == std::io::ErrorKind::AddrInUse { " (choose another with --port)" } else { "" };
            Error::usage(format!("cannot listen on {bind}: {}{hint}", crate::input::io_reason(&e)))
        })?;
        let addr =
            listener.local_addr().map_err(|e| Error::usage(format!("cannot listen on {bind}: {e}")))?;
        if let Some(url) = &config.forward_to {
            if hops::reaches_itself(url, addr).await {
                return Err(Error::usage(format!(
                    "--forward-to {} is this listener itself (it listens on {addr}): every request \
                     would be relayed back to it; give your server's address",
                    http::shown_url(url.as_str(), false)
                )));
            }
        }
        let limits = serve::Limits {
            header_timeout: config.header_timeout,
            idle_timeout: config.idle_timeout,
            max_connections: config.max_connections,
            grace: config.grace,
        };
        let hop_id = hops::new_id();
        let shared = Arc::new(Shared {
            config,
            arrived: std::sync::atomic::AtomicU64::new(0),
            save,
            seen: Mutex::default(),
            forward,
            hop_id,
            events,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (hurry, hurried) = tokio::sync::oneshot::channel::<()>();
        let stops = serve::Stops { stop: stopped, hurry: hurried };
        let task = tokio::spawn(serve::serve(listener, shared.clone(), limits, stops));
        Ok(Receiver { addr, shared, stop: Some(stop), hurry: Some(hurry), task })
    }

    /// Start quietly on a free loopback port with the default answers (for `send`).
    pub async fn loopback() -> Result<Receiver> {
        Receiver::start(SocketAddr::from(([127, 0, 0, 1], 0)), Config::default(), None).await
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Stop accepting, let requests in flight finish within the grace, and return the totals.
    pub async fn shutdown(self) -> Tally {
        self.shutdown_unless(std::future::pending()).await.0
    }

    /// As [`Receiver::shutdown`], but when `hurry` completes first, the requests still in flight
    /// are dropped at once, unanswered (so never acknowledged). Says whether that happened.
    pub async fn shutdown_unless(mut self, hurry: impl std::future::Future<Output = ()>) -> (Tally, bool) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let hurried = tokio::select! {
            _ = &mut self.task => false,
            _ = hurry => {
                if let Some(now) = self.hurry.take() {
                    let _ = now.send(());
                }
                let _ = (&mut self.task).await;
                true
            }
        };
        (self.tally(), hurried)
    }

    pub fn tally(&self) -> Tally {
        self.shared.seen.lock().map(|s| s.tally.clone()).unwrap_or_default()
    }
}

async fn handle(shared: Arc<Shared>, req: Request) -> Response {
    let config = &shared.config;
    if let Some(n) = config.exit_after {
        // Counted as they arrive, whatever comes at once: the first N are taken, no more.
        if shared.arrived.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= n {
            return beyond(n);
        }
    }
    let (parts, body) = req.into_parts();
    let path = match parts.uri.path_and_query() {
        // As it is shown, with no formatting: a path and query that starts as an origin's does.
        Some(p) if p.as_str().starts_with(['/', '*']) => p.as_str().to_owned(),
        Some(p) => p.to_string(),
        None => parts.uri.path().to_string(),
    };
    let (bytes, refusal) = match receive(body, &parts.headers, config).await {
        Ok(bytes) => (bytes, None),
        Err(refusal) => (Bytes::new(), Some(refusal)),
    };

    let unauthorized = auth::check(&config.require_headers, &parts.headers);
    // UTF-8 is checked once, for the record and for the parser (which then skips it).
    let text = std::str::from_utf8(&bytes).ok();
    // A request that nothing reads again to answer it, and that keeps its contract (a Botpress
    // event, as a rule), is judged from its text with no document made. Any other is parsed,
    // without the parts nothing reads inside (an event's stored conversation, most of it); its
    // fields are added once the document is no longer needed, moved out of it.
    // A long body of short values is not made a tree of (see `heavy`): only its top level is read.
    // A Botpress event is still judged on the tape, which passes over its stored conversation.
    let heavy = heavy::too_many_values(&bytes).map(|values| (values, text.and_then(heavy::Skim::read)));
    let on_tape_first = heavy.as_ref().is_none_or(|(_, skim)| {
        skim.as_ref().and_then(heavy::Skim::kind).is_some_and(|k| k.platform() == Platform::Botpress)
    });
    let quick = text
        .filter(|_| on_tape_first)
        .and_then(|t| contract::judged_on_tape(t, contract::receiving(), None, None, Context::default()))
        .map(|(_, verdict)| verdict);
    let heavy = heavy.filter(|_| quick.is_none());
    // Read on the tape: nested no deeper than it reads, well within what a line can hold.
    let on_tape = quick.is_some();
    let (parsed, doc, kind, mut verdict) = match (&heavy, quick) {
        (Some((_, skim)), _) => {
            // JSON as a tree's parser reads it, but for the tree.
            let parsed = skim.is_some() || text.is_some_and(heavy::is_json);
            (parsed, None, skim.as_ref().and_then(heavy::Skim::kind), None)
        }
        (None, Some(verdict)) => (true, None, Some(verdict.kind), Some(verdict)),
        (None, None) => match text.and_then(|t| contract::parse_judged(t, contract::receiving())) {
            Some((doc, kind, verdict)) => (true, Some(doc), kind, verdict),
            None => (false, None, None, None),
        },
    };
    // JSON that is beyond what is judged (a number out of range, too deep, a lone surrogate) says
    // so, and where; other text that does not parse is not JSON.
    let not_json = match parsed || bytes.is_empty() {
        true => None,
        false => Some(text.and_then(unjudged::reason).unwrap_or_else(|| "body is not JSON".into())),
    };
    let mut note = refusal.as_ref().map(|(_, why)| why.clone());
    if let (None, Some((values, _)), true) = (&note, &heavy, parsed) {
        note = Some(heavy::note(*values, bytes.len()));
    }
    if note.is_none() {
        note = match (parsed, kind) {
            (false, _) if bytes.is_empty() => Some("empty body".into()),
            (false, _) => not_json.clone(),
            (true, None) => Some("JSON of no known kind".into()),
            _ => None,
        };
    }

    // Index, repeats and fail-first bookkeeping in one critical section.
    let (index, repeat_of, deliveries) = {
        let mut seen = shared.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.next += 1;
        let index = seen.next;
        let (repeat_of, deliveries) = if refusal.is_some() {
            (None, 1)
        } else {
            let entry =
                seen.bodies.entry(delivery_key(parts.method.as_str(), &path, &bytes)).or_insert((index, 0));
            entry.1 += 1;
            let (first, count) = *entry;
            ((first != index).then_some(first), count)
        };
        let t = &mut seen.tally;
        t.requests += 1;
        let name = kind.map_or("unknown", Kind::name);
        match t.by_kind.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                t.by_kind.insert(name.to_string(), 1);
            }
        }
        if verdict.as_ref().is_some_and(|v| !v.valid) || (kind.is_none() && refusal.is_none()) {
            t.invalid += 1;
        }
        if repeat_of.is_some() {
            t.repeats += 1;
        }
        if unauthorized.is_some() {
            t.unauthorized += 1;
        }
        (index, repeat_of, deliveries)
    };

    // Decide the answer (forwarding when asked). The reference answer is kept as a value too, so
    // that judging it below does not parse it again.
    let mut built: Option<Value> = None;
    let (status, answer_body, reason, forwarded) = if let Some(why) = &unauthorized {
        // As a server that checks the platform's configured headers answers.
        let why = format!("{why} (--require-header)");
        (StatusCode::UNAUTHORIZED, json!({ "error": why }).to_string().into_bytes(), Some(why), false)
    } else if let Some((status, why)) = refusal {
        (status, json!({ "error": why }).to_string().into_bytes(), Some(why), false)
    } else if deliveries <= config.fail_first {
        let why = format!("--fail-first {}: delivery {deliveries} of this body", config.fail_first);
        (StatusCode::SERVICE_UNAVAILABLE, json!({ "error": why }).to_string().into_bytes(), Some(why), false)
    } else if let (Some(url), Some(client)) = (&config.forward_to, &shared.forward) {
        match hops::relay_chain(&parts.headers, &shared.hop_id) {
            Err(why) => (
                StatusCode::LOOP_DETECTED,
                json!({ "error": why }).to_string().into_bytes(),
                Some(why),
                false,
            ),
            Ok(chain) => {
                match forward::forward(client, url, &parts.headers, &chain, &parts.method, &bytes, config)
                    .await
                {
                    Ok((status, body)) => (status, body, None, true),
                    Err(why) => (
                        StatusCode::BAD_GATEWAY,
                        json!({ "error": why }).to_string().into_bytes(),
                        Some(why),
                        true,
                    ),
                }
            }
        }
    } else if !parsed {
        let why = not_json.unwrap_or_else(|| "body is not JSON".into());
        (StatusCode::BAD_REQUEST, json!({ "error": why }).to_string().into_bytes(), Some(why), false)
    } else if let Some(code) = config.status {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
        (status, b"{}".to_vec(), Some(format!("--status {code}")), false)
    } else if let Some(body) = &config.respond {
        (StatusCode::OK, body.clone(), Some("--respond".into()), false)
    } else {
        let bytes = match &heavy {
            Some((_, Some(skim))) => skim.reference_answer(kind, config.respond_option.as_deref()),
            _ => {
                let body = eva::reference_answer(
                    kind,
                    doc.as_ref().unwrap_or(&Value::Null),
                    config.respond_option.as_deref(),
                );
                // The answer echoes the request's contexts: made at about its final size, not
                // grown to twice what it holds.
                let echoes = kind.and_then(Kind::response_kind).is_some();
                let mut out = Vec::with_capacity(if echoes { bytes.len() + 256 } else { 2 });
                // Cannot fail: a value's keys are strings, and memory takes any write.
                let _ = serde_json::to_writer(&mut out, &body);
                built = Some(body);
                out
            }
        };
        let reason = config.respond_option.as_ref().map(|o| format!("--respond-option {o}"));
        (StatusCode::OK, bytes, reason.filter(|_| kind == Some(Kind::EvaServiceRequest)), false)
    };

    // Every 2xx answer to an eva request is judged, whoever made it: a mock that answers outside
    // the contract (as asked) must say so, never pass it off as valid.
    let mut answered = Answered::default();
    if let (Some(rk), Some(request)) = (kind.and_then(Kind::response_kind), &doc) {
        if status.is_success() {
            answered = judge_answer(rk, request, built, &answer_body, config.option_case);
        }
    }
    // Botpress reads only the status, but what your server answered is kept to be seen; an eva
    // answer's is in its option, content and verdict.
    let forwarded_body =
        (forwarded && answered.verdict.is_none()).then(|| forward::kept_body(&answer_body)).flatten();
    if answered.verdict.as_ref().is_some_and(|v| !v.valid) {
        shared.seen.lock().unwrap_or_else(|p| p.into_inner()).tally.invalid_answers += 1;
    }
    if let (Some(v), Some(doc)) = (verdict.as_mut(), doc) {
        v.fields = contract::fields_owned(v.kind, doc);
    }

    let body_base64 = match text {
        Some(_) => None,
        None => Some(base64::engine::general_purpose::STANDARD.encode(&bytes)),
    };
    let (headers, headers_base64) = http::shown_headers_kept(&parts.headers, config.keep_secrets);
    let mut record = Record {
        index,
        time: crate::payload::format_timestamp(chrono::Utc::now()),
        method: parts.method.as_str().to_owned(),
        path: http::shown_url(&path, config.keep_secrets),
        headers,
        headers_base64,
        body: None,
        body_json: None,
        body_base64,
        bytes: bytes.len(),
        kind,
        verdict,
        note,
        repeat_of,
        unauthorized,
        answer: AnswerRecord {
            status: status.as_u16(),
            forwarded,
            reason,
            option: answered.option,
            content: answered.content,
            verdict: answered.verdict,
            body: forwarded_body,
        },
    };
    if let Some(text) = text {
        // A body in its place in the line is nested one level deeper there: one at the parser's
        // limit would make the line unreadable, so it is held as a string.
        let fits = parsed && (on_tape || !unjudged::at_least(text, unjudged::DEEPEST));
        // The body's own bytes, not a copy of them, unless something else still holds them.
        let owned = Vec::from(bytes);
        // SAFETY: these are the bytes `text` was found to be UTF-8 in, unchanged.
        record.hold(unsafe { String::from_utf8_unchecked(owned) }, fits);
    }

    // On disk before the sender hears back: what was acknowledged is never lost.
    if let Some(capture) = &shared.save {
        if let Err(reason) = save(capture, &record).await {
            // Not saved, so not acknowledged: the sender will retry.
            shared.seen.lock().unwrap_or_else(|p| p.into_inner()).tally.not_saved += 1;
            let why = format!("capture not saved: {reason}");
            record.answer = AnswerRecord {
                status: StatusCode::INSUFFICIENT_STORAGE.as_u16(),
                forwarded: false,
                reason: Some(why.clone()),
                option: None,
                content: None,
                verdict: None,
                body: None,
            };
            shared.event(Event::NotSaved { record, reason });
            return answer(
                StatusCode::INSUFFICIENT_STORAGE,
                json!({ "error": why }).to_string().into_bytes(),
            );
        }
    }
    shared.event(Event::Request(record));
    let mut resp = answer(status, answer_body);
    if status == StatusCode::REQUEST_TIMEOUT {
        // What is left of a body that stopped coming is not waited for on this connection.
        resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// The answer to a request past `--exit-after N`: 503, and the connection closed.
fn beyond(n: u64) -> Response {
    let why = format!("--exit-after {n}: this listener has taken its {n} requests and is stopping");
    let mut resp = answer(StatusCode::SERVICE_UNAVAILABLE, json!({ "error": why }).to_string().into_bytes());
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn answer(status: StatusCode, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// Append a record to the capture as one line, or say why it could not be.
async fn save(capture: &Capture, record: &Record) -> std::result::Result<(), String> {
    // A line that cannot be made is not saved either: never an empty line acknowledged.
    // Room for the body, escaped, and the rest of the record: the line is not grown piece by piece.
    let mut line = Vec::with_capacity(record.bytes + record.bytes / 4 + 2048);
    record.write_json(&mut line).map_err(|e| format!("cannot encode the record: {e}"))?;
    line.push(b'\n');
    capture.append(&line).await
}

/// Read a request's body within the limits, or say how it is refused: 413 for a body over
/// `--max-body` (at once when its declared length is), 400 for one whose framing is broken or that
/// ends early, 408 for one that does not arrive in time.
async fn receive(
    body: Body,
    headers: &HeaderMap,
    config: &Config,
) -> std::result::Result<Bytes, (StatusCode, String)> {
    let over = || {
        (StatusCode::PAYLOAD_TOO_LARGE, format!("body over the {} byte limit (--max-body)", config.max_body))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > config.max_body as u64) {
        let why = format!(
            "body of {n} bytes (Content-Length) over the {} byte limit (--max-body)",
            config.max_body
        );
        return Err((StatusCode::PAYLOAD_TOO_LARGE, why));
    }
    let read = async {
        use http_body_util::BodyExt;
        let mut body = body;
        // Most bodies come in one piece: it is kept as it is, not copied.
        let (mut pieces, mut total) = (Vec::<Bytes>::new(), 0usize);
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| (StatusCode::BAD_REQUEST, format!("malformed body: {}", cause(&e))))?;
            if let Ok(data) = frame.into_data() {
                total += data.len();
                if total > config.max_body {
                    return Err(over());
                }
                pieces.push(data);
            }
        }
        Ok(match pieces.len() {
            0 | 1 => pieces.pop().unwrap_or_default(),
            _ => Bytes::from(pieces.concat()),
        })
    };
    tokio::time::timeout(config.read_timeout, read).await.unwrap_or_else(|_| {
        Err((
            StatusCode::REQUEST_TIMEOUT,
            format!("body not received within {}", http::human(config.read_timeout)),
        ))
    })
}

/// What went wrong at the bottom of an error's chain.
fn cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(source) = last.source() {
        last = source;
    }
    last.to_string()
}

/// What makes two requests the same delivery: method, path and body bytes (hashed, so that a long
/// session does not keep every body in memory).
fn delivery_key(method: &str, path: &str, bytes: &[u8]) -> (usize, u64) {
    use std::hash::BuildHasher;
    // A fixed seed: the same delivery has the same key for the whole session.
    (bytes.len(), foldhash::quality::FixedState::with_seed(0).hash_one((method, path, bytes)))
}

/// What an eva answer said and how it stands.
#[derive(Default)]
struct Answered {
    option: Option<Value>,
    content: Option<Value>,
    verdict: Option<Verdict>,
}

/// Judge an answer to an eva request against the response contract, with the request as context.
/// `built` is the answer when it is already a value; otherwise the bytes are parsed, unless they
/// hold more values than the receiver makes a tree of (then the answer is not judged).
fn judge_answer(
    kind: Kind,
    request: &Value,
    built: Option<Value>,
    bytes: &[u8],
    option_case: contract::OptionCase,
) -> Answered {
    if built.is_none() && heavy::too_many_values(bytes).is_some() {
        return Answered::default();
    }
    let Some(answer) = built.or_else(|| serde_json::from_slice(bytes).ok()) else {
        return Answered { verdict: Some(not_json_verdict(kind)), ..Answered::default() };
    };
    let ctx = Context { request: Some(request), expected_options: None, option_case, ..Context::default() };
    Answered {
        option: answer.at(eva::ptr::OPTION).cloned(),
        content: answer.at(eva::ptr::ANSWER_CONTENT).cloned(),
        verdict: Some(contract::check(kind, &answer, ctx)),
    }
}

fn not_json_verdict(kind: Kind) -> Verdict {
    Verdict {
        kind,
        valid: false,
        errors: vec![contract::Finding::new("", "the answer is not JSON").expected(format!("a JSON {kind}"))],
        warnings: Vec::new(),
        not_checked: Vec::new(),
        fields: contract::Fields::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Finding;
    use proptest::prelude::*;

    /// The line as `serde_json` writes the record, a JSON body put last.
    fn by_serde(r: &Record) -> Vec<u8> {
        let mut line = serde_json::to_vec(r).expect("a record serialises");
        if let Some(json) = &r.body_json {
            line.pop();
            line.extend_from_slice(b",\"body_json\":");
            line.extend_from_slice(json.as_bytes());
            line.push(b'}');
        }
        line
    }

    fn verdict(s: &str, kind: Kind, valid: bool, with: bool) -> Verdict {
        let finding = || Finding::new(s, s).expected(s).found(Some(&json!(s)));
        let fields = match with {
            true => serde_json::from_value(json!({
                s: s, "n": 1.5, "none": null, "yes": true, "list": [s, 2], "object": { s: [s] },
            }))
            .expect("fields"),
            false => contract::Fields::default(),
        };
        Verdict {
            kind,
            valid,
            errors: if with { vec![finding(), finding()] } else { Vec::new() },
            warnings: if with { vec![finding()] } else { Vec::new() },
            not_checked: if with { vec![s.to_string()] } else { Vec::new() },
            fields,
        }
    }

    /// A record with every optional part (`full`) or none, its strings `s`.
    fn record(s: &str, full: bool, body_json: bool) -> Record {
        let some = |v: String| full.then_some(v);
        Record {
            index: 7,
            time: s.to_string(),
            method: s.to_string(),
            path: s.to_string(),
            headers: if full {
                vec![(s.to_string(), s.to_string()), ("a".into(), s.to_string())]
            } else {
                vec![]
            },
            // A record holds its body one way: as JSON in its place, or as a string.
            headers_base64: if full { vec![(1, s.to_string())] } else { vec![] },
            body: some(s.to_string()).filter(|_| !body_json),
            body_json: body_json.then(|| r#"{"x": [1, "y"]}"#.to_string()),
            body_base64: some(s.to_string()),
            bytes: 12,
            kind: full.then_some(Kind::EvaServiceRequest),
            verdict: full.then(|| verdict(s, Kind::BotpressEvent, false, true)),
            note: some(s.to_string()),
            repeat_of: full.then_some(3),
            unauthorized: some(s.to_string()),
            answer: AnswerRecord {
                status: 200,
                forwarded: full,
                reason: some(s.to_string()),
                option: full.then(|| json!(s)),
                content: full.then(|| json!({ s: s })),
                verdict: full.then(|| verdict(s, Kind::EvaServiceResponse, true, false)),
                body: full.then(|| json!({ "ok": s })),
            },
        }
    }

    #[test]
    fn a_line_is_the_record_as_serde_json_writes_it() {
        let strings = [
            "",
            "plain",
            "a \"quote\"",
            "back\\slash",
            "line\nbreak\ttab",
            "\u{1}\u{1f}\u{7f}",
            "José ✓ 日本",
        ];
        for s in strings {
            for full in [false, true] {
                for body_json in [false, true] {
                    let r = record(s, full, body_json);
                    let mut line = Vec::new();
                    r.write_json(&mut line).expect("written");
                    assert_eq!(
                        String::from_utf8_lossy(&line),
                        String::from_utf8_lossy(&by_serde(&r)),
                        "{s:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_ascii_character_is_escaped_as_serde_json_escapes_it() {
        for c in (0u8..0x80).map(char::from) {
            // Alone, between plain runs, and twice in a row past an eight-byte word.
            for s in [c.to_string(), format!("a{c}b"), format!("0123456789{c}{c}x")] {
                let mut out = Vec::new();
                json_string(&mut out, &s);
                assert_eq!(out, serde_json::to_vec(&s).expect("a string"), "{s:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn text_dense_with_escapes_is_written_as_serde_json_writes_it(
            s in proptest::collection::vec(
                prop_oneof![
                    proptest::char::range('\u{0}', '\u{1f}'),
                    proptest::sample::select(vec!['"', '\\', 'a', ' ', '\u{7f}', 'é', '\u{2028}']),
                ],
                0..40,
            ).prop_map(String::from_iter)
        ) {
            let mut out = Vec::new();
            json_string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_vec(&s).expect("a string"));
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in any::<String>()) {
            let mut out = Vec::new();
            json_string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_vec(&s).expect("a string"));
            let r = record(&s, true, false);
            let mut line = Vec::new();
            r.write_json(&mut line).expect("written");
            prop_assert_eq!(line, by_serde(&r));
        }
    }
}
