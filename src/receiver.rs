//! The receiver: stands where the user's server would stand. It records every request, judges it
//! against the catalogue, captures it to disk before answering, and answers as a correct receiver
//! would (200 `{}` to Botpress, a valid answer to eva), as told (`--status`, `--fail-first`,
//! `--respond`), or with what the user's own server answers (`--forward-to`).
//!
//! `hookctl listen` runs it in the foreground; `hookctl send` with no target runs it quietly.
//! It returns records (and what went wrong around them) over a channel and never prints.
//!
//! It is served with hyper alone, not a web framework: it runs its own accept loop and connection
//! limits (`serve`) and sends every path and method to one handler, so a router, extractors and
//! middleware would have nothing to do. The body is read as hyper gives it, and the answer is one
//! buffer (`Full<Bytes>`), with nothing boxed on the way.

mod auth;
mod body;
mod filter;
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

use base64::Engine;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
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
pub use filter::Filter;

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
    /// Relay each request to this URL (its path and query after this URL's) and answer with what
    /// it answers.
    pub forward_to: Option<url::Url>,
    /// Relay every request to `forward_to` as given, whatever its path (`--forward-exact`).
    pub forward_exact: bool,
    /// Show and save only the requests that match (`--filter`); the others are answered all the
    /// same, and only counted.
    pub filter: Option<Filter>,
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
            forward_exact: false,
            filter: None,
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
    /// Requests `--filter` left out: answered, neither shown nor saved nor counted above.
    pub filtered_out: u64,
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
    /// A request `--filter` left out, answered (counted for `--exit-after`, not shown).
    FilteredOut,
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
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

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

/// A request as it arrived: its head, its path as shown, its body (empty when refused) or why it
/// was refused, and what it lacks of the `--require-header` headers.
struct Arrival {
    parts: hyper::http::request::Parts,
    path: String,
    bytes: Bytes,
    refusal: Option<(StatusCode, String)>,
    unauthorized: Option<String>,
}

/// What the receiver made of a request's body.
struct Judged<'a> {
    /// The body, when it is UTF-8 (checked once, for the record and for the parser).
    text: Option<&'a str>,
    /// A long body of short values (see `heavy`): how many, and its top level when it is read.
    heavy: Option<(usize, Option<heavy::Skim<'a>>)>,
    /// Judged on the tape: nested no deeper than it reads, well within what a line can hold.
    on_tape: bool,
    /// JSON, as a tree's parser reads it.
    parsed: bool,
    /// The document, when one was made: the answer is made from it and judged with it.
    doc: Option<Value>,
    kind: Option<Kind>,
    verdict: Option<Verdict>,
    /// Why a body that does not parse is not judged.
    not_json: Option<String>,
    /// What the record says of a body with no verdict (or of a refused request).
    note: Option<String>,
}

/// A request's place among those received: its number, the first delivery it repeats, how many
/// times its delivery (method, path and body) has come, and whether `--filter` shows it.
struct Counted {
    index: u64,
    repeat_of: Option<u64>,
    deliveries: u32,
    shown: bool,
}

/// What the client is answered, and why when it is not the reference answer.
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
    reason: Option<String>,
    /// Where the request was relayed (`--forward-to`), whatever came of it.
    forwarded: Option<url::Url>,
    /// The reference answer as a value too, so that judging it does not parse it again.
    built: Option<Value>,
}

impl Reply {
    /// `status` with `{"error": why}`.
    fn error(status: StatusCode, why: String, forwarded: Option<url::Url>) -> Reply {
        Reply { status, body: error_body(&why), reason: Some(why), forwarded, built: None }
    }

    /// The mock's answer, as told.
    fn told(status: StatusCode, body: Vec<u8>, reason: Option<String>) -> Reply {
        Reply { status, body, reason, forwarded: None, built: None }
    }
}

fn error_body(why: &str) -> Vec<u8> {
    json!({ "error": why }).to_string().into_bytes()
}

/// Serve one request: read it, judge it, count it, decide the answer, capture the record, then
/// answer.
async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let config = &shared.config;
    if let Some(n) = config.exit_after {
        // Counted as they arrive, whatever comes at once: the first N are taken, no more.
        if shared.arrived.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= n {
            return beyond(n);
        }
    }
    let arrival = arrive(req, config).await;
    let refused = arrival.refusal.as_ref().map(|(_, why)| why.as_str());
    let mut judged = judge_request(&arrival.bytes, refused);
    let counted = shared.count(&arrival, &judged);
    let mut reply = choose_reply(&shared, &arrival, &judged, counted.deliveries).await;

    // Every 2xx answer to an eva request is judged, whoever made it: a mock that answers outside
    // the contract (as asked) must say so, never pass it off as valid.
    let answered = match (judged.kind.and_then(Kind::response_kind), &judged.doc) {
        (Some(kind), Some(request)) if reply.status.is_success() => {
            judge_answer(kind, request, reply.built.take(), &reply.body, config.option_case)
        }
        _ => Answered::default(),
    };
    let shown = counted.shown;
    if shown && answered.verdict.as_ref().is_some_and(|v| !v.valid) {
        shared.seen().tally.invalid_answers += 1;
    }
    if let (Some(v), Some(doc)) = (judged.verdict.as_mut(), judged.doc.take()) {
        v.fields = contract::fields_owned(v.kind, doc);
    }
    // A body in its place in the line is nested one level deeper there: one at the parser's limit
    // would make the line unreadable, so it is held as a string.
    let fits = judged
        .text
        .map(|text| judged.parsed && (judged.on_tape || !unjudged::at_least(text, unjudged::DEEPEST)));
    let mut record = make_record(config, &arrival, judged, counted, &mut reply, answered);
    if let Some(fits) = fits {
        // The body's own bytes, not a copy of them, unless something else still holds them.
        let owned = Vec::from(arrival.bytes);
        // SAFETY: these are the bytes `judge_request` found to be UTF-8 (`fits` is only `Some`
        // then), unchanged.
        record.hold(unsafe { String::from_utf8_unchecked(owned) }, fits);
    }
    capture_then_answer(&shared, record, shown, reply.status, reply.body).await
}

/// Read a request's head and body (within the limits), and check its required headers.
async fn arrive(req: Request<Incoming>, config: &Config) -> Arrival {
    let (parts, body) = req.into_parts();
    let path = match parts.uri.path_and_query() {
        // As it is shown, with no formatting: a path and query that starts as an origin's does.
        Some(p) if p.as_str().starts_with(['/', '*']) => p.as_str().to_owned(),
        Some(p) => p.to_string(),
        None => parts.uri.path().to_string(),
    };
    let (bytes, refusal) = match body::receive(body, &parts.headers, config).await {
        Ok(bytes) => (bytes, None),
        Err(refusal) => (Bytes::new(), Some(refusal)),
    };
    let unauthorized = auth::check(&config.require_headers, &parts.headers);
    Arrival { parts, path, bytes, refusal, unauthorized }
}

/// Judge a request's body against the receiving contracts. `refused` is why its body was not
/// read, if it was not.
///
/// A request that nothing reads again to answer it, and that keeps its contract (a Botpress event,
/// as a rule), is judged from its text with no document made, passing over the parts nothing reads
/// inside (an event's stored conversation, most of it). Any other is parsed whole; its fields are added
/// once the document is no longer needed, moved out of it. A long body of short values is not made
/// a tree of (see `heavy`): only its top level is read. A Botpress event is still judged on the
/// tape, which passes over its stored conversation.
fn judge_request<'a>(bytes: &'a [u8], refused: Option<&str>) -> Judged<'a> {
    let text = std::str::from_utf8(bytes).ok();
    let heavy = heavy::too_many_values(bytes).map(|values| (values, text.and_then(heavy::Skim::read)));
    let on_tape_first = heavy.as_ref().is_none_or(|(_, skim)| {
        skim.as_ref().and_then(heavy::Skim::kind).is_some_and(|k| k.platform() == Platform::Botpress)
    });
    let judged_on_tape = text
        .filter(|_| on_tape_first)
        .and_then(|t| contract::judged_on_tape(t, contract::receiving(), None, None, Context::default()))
        .map(|(_, verdict)| verdict);
    let heavy = heavy.filter(|_| judged_on_tape.is_none());
    let on_tape = judged_on_tape.is_some();
    let (parsed, doc, kind, verdict) = match (&heavy, judged_on_tape) {
        (Some((_, skim)), _) => {
            // JSON as a tree's parser reads it, but for the tree.
            let parsed = skim.is_some() || text.is_some_and(crate::json::is_json);
            (parsed, None, skim.as_ref().and_then(heavy::Skim::kind), None)
        }
        (None, Some(verdict)) => (true, None, Some(verdict.kind), Some(verdict)),
        (None, None) => match text.and_then(contract::parse_judged) {
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
    let note = match (refused, &heavy) {
        (Some(why), _) => Some(why.to_owned()),
        (None, Some((values, _))) if parsed => Some(heavy::note(*values, bytes.len())),
        _ => match (parsed, kind) {
            (false, _) if bytes.is_empty() => Some("empty body".into()),
            (false, _) => not_json.clone(),
            (true, None) => Some("JSON of no known kind".into()),
            _ => None,
        },
    };
    Judged { text, heavy, on_tape, parsed, doc, kind, verdict, not_json, note }
}

impl Shared {
    /// Number a request, find the delivery it repeats, and count it in the tally (as left out
    /// when `--filter` does not show it), all in one critical section. A refused request is no
    /// delivery: it repeats none, and none repeats it.
    fn count(&self, arrival: &Arrival, judged: &Judged<'_>) -> Counted {
        let shown =
            self.config.filter.as_ref().is_none_or(|f| f.shows(judged.kind, arrival.parts.uri.path()));
        let refused = arrival.refusal.is_some();
        let key =
            (!refused).then(|| delivery_key(arrival.parts.method.as_str(), &arrival.path, &arrival.bytes));
        let mut seen = self.seen();
        seen.next += 1;
        let index = seen.next;
        let (repeat_of, deliveries) = match key {
            None => (None, 1),
            Some(key) => {
                let entry = seen.bodies.entry(key).or_insert((index, 0));
                entry.1 += 1;
                let (first, count) = *entry;
                ((first != index).then_some(first), count)
            }
        };
        let t = &mut seen.tally;
        if !shown {
            t.filtered_out += 1;
            return Counted { index, repeat_of, deliveries, shown };
        }
        t.requests += 1;
        let name = judged.kind.map_or("unknown", Kind::name);
        match t.by_kind.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                t.by_kind.insert(name.to_string(), 1);
            }
        }
        if judged.verdict.as_ref().is_some_and(|v| !v.valid) || (judged.kind.is_none() && !refused) {
            t.invalid += 1;
        }
        if repeat_of.is_some() {
            t.repeats += 1;
        }
        if arrival.unauthorized.is_some() {
            t.unauthorized += 1;
        }
        Counted { index, repeat_of, deliveries, shown }
    }
}

/// Decide the answer, in this order: 401 without a required header, the refusal of a body not
/// read, 503 for `--fail-first`, what the `--forward-to` target answers, or the mock's own.
async fn choose_reply(shared: &Shared, arrival: &Arrival, judged: &Judged<'_>, deliveries: u32) -> Reply {
    let config = &shared.config;
    if let Some(why) = &arrival.unauthorized {
        // As a server that checks the platform's configured headers answers.
        return Reply::error(StatusCode::UNAUTHORIZED, format!("{why} (--require-header)"), None);
    }
    if let Some((status, why)) = &arrival.refusal {
        return Reply::error(*status, why.clone(), None);
    }
    if deliveries <= config.fail_first {
        let why = format!("--fail-first {}: delivery {deliveries} of this body", config.fail_first);
        return Reply::error(StatusCode::SERVICE_UNAVAILABLE, why, None);
    }
    if let (Some(url), Some(client)) = (&config.forward_to, &shared.forward) {
        let headers = &arrival.parts.headers;
        return match hops::relay_chain(headers, &shared.hop_id) {
            Err(why) => Reply::error(StatusCode::LOOP_DETECTED, why.0, None),
            Ok(chain) => {
                let (method, to) =
                    (&arrival.parts.method, forward::target(url, &arrival.path, config.forward_exact));
                match forward::forward(client, &to, headers, &chain, method, &arrival.bytes, config).await {
                    Ok((status, body)) => {
                        Reply { status, body, reason: None, forwarded: Some(to), built: None }
                    }
                    Err(why) => Reply::error(StatusCode::BAD_GATEWAY, why.0, Some(to)),
                }
            }
        };
    }
    own_reply(config, judged, arrival.bytes.len())
}

/// The mock's own answer: 400 to a body that is not JSON; otherwise as told (`--status`,
/// `--respond`) or the reference answer (made as a value, kept to be judged).
fn own_reply(config: &Config, judged: &Judged<'_>, request_len: usize) -> Reply {
    if !judged.parsed {
        let why = judged.not_json.clone().unwrap_or_else(|| "body is not JSON".into());
        return Reply::error(StatusCode::BAD_REQUEST, why, None);
    }
    if let Some(code) = config.status {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
        return Reply::told(status, b"{}".to_vec(), Some(format!("--status {code}")));
    }
    if let Some(body) = &config.respond {
        return Reply::told(StatusCode::OK, body.clone(), Some("--respond".into()));
    }
    let (kind, option) = (judged.kind, config.respond_option.as_deref());
    let (body, built) = match &judged.heavy {
        Some((_, Some(skim))) => (skim.reference_answer(kind, option), None),
        _ => {
            let body = eva::reference_answer(kind, judged.doc.as_ref().unwrap_or(&Value::Null), option);
            // The answer echoes the request's contexts: made at about its final size, not grown
            // to twice what it holds.
            let echoes = kind.and_then(Kind::response_kind).is_some();
            let mut out = Vec::with_capacity(if echoes { request_len + 256 } else { 2 });
            // Cannot fail: a value's keys are strings, and memory takes any write.
            let _ = serde_json::to_writer(&mut out, &body);
            (out, Some(body))
        }
    };
    let reason =
        option.map(|o| format!("--respond-option {o}")).filter(|_| kind == Some(Kind::EvaServiceRequest));
    Reply { status: StatusCode::OK, body, reason, forwarded: None, built }
}

/// The record of a request as judged and answered, without its body (held after). The reply's
/// reason moves into it.
fn make_record(
    config: &Config,
    arrival: &Arrival,
    judged: Judged<'_>,
    counted: Counted,
    reply: &mut Reply,
    answered: Answered,
) -> Record {
    // Botpress reads only the status, but what your server answered is kept to be seen; an eva
    // answer's is in its option, content and verdict.
    let forwarded_body = (reply.forwarded.is_some() && answered.verdict.is_none())
        .then(|| forward::kept_body(&reply.body))
        .flatten();
    let body_base64 = match judged.text {
        Some(_) => None,
        None => Some(base64::engine::general_purpose::STANDARD.encode(&arrival.bytes)),
    };
    let (headers, headers_base64) = http::shown_headers_kept(&arrival.parts.headers, config.keep_secrets);
    Record {
        index: counted.index,
        time: crate::payload::format_timestamp(chrono::Utc::now()),
        method: arrival.parts.method.as_str().to_owned(),
        path: http::shown_url(&arrival.path, config.keep_secrets),
        headers,
        headers_base64,
        body: None,
        body_json: None,
        body_base64,
        bytes: arrival.bytes.len(),
        kind: judged.kind,
        verdict: judged.verdict,
        note: judged.note,
        repeat_of: counted.repeat_of,
        unauthorized: arrival.unauthorized.clone(),
        answer: AnswerRecord {
            status: reply.status.as_u16(),
            forwarded: reply.forwarded.is_some(),
            forwarded_to: reply.forwarded.as_ref().map(|u| http::shown_url(u.as_str(), config.keep_secrets)),
            reason: reply.reason.take(),
            option: answered.option,
            content: answered.content,
            verdict: answered.verdict,
            body: forwarded_body,
        },
    }
}

/// Capture the record, then answer: on disk before the sender hears back, so what was
/// acknowledged is never lost. A record that cannot be written is answered 507 instead (not
/// acknowledged, so the sender will retry). One `--filter` does not show is neither captured nor
/// reported, only answered.
async fn capture_then_answer(
    shared: &Shared,
    mut record: Record,
    shown: bool,
    status: StatusCode,
    body: Vec<u8>,
) -> Response<Full<Bytes>> {
    if !shown {
        shared.event(Event::FilteredOut);
    } else if let Some(capture) = &shared.save {
        if let Err(reason) = save(capture, &record).await {
            shared.seen().tally.not_saved += 1;
            let why = format!("capture not saved: {reason}");
            let body = error_body(&why);
            record.answer = AnswerRecord {
                status: StatusCode::INSUFFICIENT_STORAGE.as_u16(),
                forwarded: false,
                forwarded_to: None,
                reason: Some(why),
                option: None,
                content: None,
                verdict: None,
                body: None,
            };
            shared.event(Event::NotSaved { record, reason: reason.to_string() });
            return answer(StatusCode::INSUFFICIENT_STORAGE, body);
        }
    }
    if shown {
        shared.event(Event::Request(record));
    }
    let mut resp = answer(status, body);
    if status == StatusCode::REQUEST_TIMEOUT {
        // What is left of a body that stopped coming is not waited for on this connection.
        resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// The answer to a request past `--exit-after N`: 503, and the connection closed.
fn beyond(n: u64) -> Response<Full<Bytes>> {
    let why = format!("--exit-after {n}: this listener has taken its {n} requests and is stopping");
    let mut resp = answer(StatusCode::SERVICE_UNAVAILABLE, error_body(&why));
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn answer(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
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
