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
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::catalogue::{Kind, Platform};
use crate::contract::{self, Context, Verdict};
use crate::error::{Error, Result};
use crate::json::Pointer;
use crate::platform::eva;
use crate::{defaults, http};

pub use crate::capture::{AnswerRecord, Record};
pub use auth::Required;

use crate::capture::writer::{Capture, open_capture, save};

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
            let parsed = skim.is_some() || text.is_some_and(crate::json::is_json);
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
        if let Err(reason) = save(capture, &record).await.map_err(|e| e.to_string()) {
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
