//! `hookctl send`: deliver an event as the platform does, then judge the answer.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::catalogue::{Kind, Platform};
use crate::contract::{self, Context, Verdict};
use crate::error::{Counts, Error, Outcome, Result};
use crate::http::{self, Answer};
use crate::json::Pointer;
use crate::platform::botpress;
use crate::platform::eva::{self, Changes};
use crate::receiver::Receiver;
use crate::{defaults, input};

mod attempts;
pub mod client;
mod template;

pub use template::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Retry {
    /// One attempt.
    None,
    /// Botpress's schedule.
    #[value(help = format!("Botpress's schedule: {}", botpress::retry_schedule()))]
    Botpress,
}

/// Where and how to deliver: shared by every event of a run.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub url: Option<String>,
    pub botpress_config: Option<PathBuf>,
    pub headers: Vec<String>,
    pub timeout: Duration,
    pub retry: Retry,
    /// Multiplies the retry waits (0.01 makes Botpress's 51 s schedule take half a second).
    pub retry_scale: f64,
    pub max_response: usize,
    pub show_secrets: bool,
    pub option_case: contract::OptionCase,
}

/// What to send.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub event: Option<String>,
    pub data: Option<PathBuf>,
    pub kind: Option<Kind>,
    pub sets: Vec<String>,
    pub seed: Option<u64>,
    pub text: Option<String>,
    pub answer: Option<String>,
    pub answer_type: Option<String>,
    pub expected_options: Option<Vec<String>>,
    /// The most bytes read of a `--data` body (`--max-size`); the default cap when not given.
    pub max_size: Option<u64>,
}

/// What the answer must show beyond the contract.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub status: Option<u16>,
    pub option: Option<String>,
}

/// A body ready to go.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub name: String,
    pub kind: Kind,
    pub doc: Value,
}

/// Bytes ready to go, with what is known of them.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub name: String,
    pub kind: Option<Kind>,
    /// The body parsed, when it is JSON.
    pub doc: Option<Value>,
    pub bytes: Bytes,
    pub headers: HeaderMap,
}

/// A resolved target and the client that talks to it.
pub struct Target {
    pub url: url::Url,
    pub builtin: bool,
    /// The url as reports show it: its secrets redacted unless `--show-secrets`.
    shown_url: String,
    config_headers: HeaderMap,
    extra_headers: HeaderMap,
    /// What each platform sends, with the overrides applied: built once, cloned per request.
    botpress_headers: HeaderMap,
    eva_headers: HeaderMap,
    client: reqwest::Client,
    /// The client that goes on from a redirect followed by hand ([`Target::follow`]): it follows
    /// one redirect fewer, so that a delivery is redirected as many times in all. Made at the
    /// first such redirect.
    follower: std::sync::OnceLock<reqwest::Client>,
    delivery: Delivery,
    /// Told of each attempt as it ends ([`Target::observe`]).
    observer: Option<Observer>,
    _receiver: Option<Receiver>,
}

/// What is told of each attempt as it ends, while the delivery goes on: a command shows progress
/// with it (a down server under `--retry botpress` means about a minute of waiting).
pub type Observer = std::sync::Arc<dyn Fn(&Progress) + Send + Sync>;

/// One attempt of a delivery, just ended.
#[derive(Debug, Clone)]
pub struct Progress {
    /// 1 for the first delivery of a body, 2 for its second (a tag edit goes out twice at once).
    pub delivery: u32,
    /// How many deliveries of the body go out at once.
    pub deliveries: u32,
    pub attempt: Attempt,
    /// The most attempts the delivery makes.
    pub attempts: u32,
    /// How long until the next attempt; `None` when this one was the last.
    pub next_in: Option<Duration>,
}

#[derive(Debug, Serialize)]
pub struct Sent {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
    pub bytes: usize,
    /// The request judged against its own schema: sending an invalid body on purpose is allowed,
    /// but it is said. Load runs judge the first request only. In JSON `verdict`, as every
    /// document's verdict is named (`checks` are the expectations on the answer).
    #[serde(rename = "verdict", skip_serializing_if = "Option::is_none")]
    pub checks: Option<Verdict>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub latency_ms: f64,
    /// How long we waited before this attempt.
    pub waited_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct Received {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body: JSON when it parses, else text (lossy UTF-8), else null when empty.
    pub body: Value,
    pub bytes: usize,
    pub truncated: bool,
    pub latency_ms: f64,
}

/// One expectation on the answer (its status, the option it chose, ...).
#[derive(Debug, Serialize)]
pub struct Check {
    pub check: String,
    pub passed: bool,
    pub expected: String,
    pub found: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub event: String,
    /// The kind of the body sent; none for a replayed body of no known kind.
    pub kind: Option<Kind>,
    pub platform: Option<Platform>,
    pub builtin_receiver: bool,
    pub request: Sent,
    /// The first delivery.
    #[serde(flatten)]
    pub answered: Answered,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
    /// The same bytes delivered again, as the platform does for this event (Botpress sends tag
    /// edits twice), each judged on its own. The fields above are the first delivery's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<Repeat>,
    /// Why the event was delivered more than once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The curl command that repeats the request, as reported (secrets redacted unless
    /// `--show-secrets`): given for a failed step of `scenario` and `replay`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
    /// Every delivery passed.
    pub passed: bool,
}

/// One delivery of a body: its attempts, and how it was answered and judged.
#[derive(Debug, Default, Serialize)]
pub struct Answered {
    pub attempts: Vec<Attempt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Received>,
    /// The answer judged against the contract (eva), absent when the platform reads only the status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_error: Option<String>,
}

/// A further delivery of the same bytes, and how it was answered.
#[derive(Debug, Serialize)]
pub struct Repeat {
    /// 2 for the second delivery, ...
    pub delivery: u32,
    #[serde(flatten)]
    pub answered: Answered,
    pub passed: bool,
}

impl Outcome for Report {
    /// Every delivery counts: the first, and each repeat.
    fn counts(&self) -> Counts {
        Counts::one(self.answered.transport_error.is_none(), self.passed)
            + self.repeats.iter().map(|r| Counts::one(r.answered.transport_error.is_none(), r.passed)).sum()
    }
}

/// Where a delivery goes and with which headers, decided before anything is started: `send
/// --dry-run` shows it, [`target`] starts from it.
#[derive(Debug, Clone)]
pub struct Aim {
    /// `None`: hookctl's built-in receiver.
    pub url: Option<url::Url>,
    config_headers: HeaderMap,
    extra_headers: HeaderMap,
}

impl Aim {
    /// The headers a platform's request carries: the platform's own, then the configured ones,
    /// then `-H`; later ones win.
    pub fn headers_for(&self, platform: Platform) -> HeaderMap {
        self.with_overrides(platform.headers())
    }

    /// Put the configured headers and then the `-H` ones over `headers`.
    pub fn with_overrides(&self, mut headers: HeaderMap) -> HeaderMap {
        for (name, value) in self.config_headers.iter().chain(self.extra_headers.iter()) {
            headers.insert(name.clone(), value.clone());
        }
        headers
    }
}

/// Decide where to deliver: `--url`, else `--botpress-config`'s url, else `HOOKCTL_URL`, else the
/// built-in receiver (`None`); and the configured and `-H` headers.
pub fn aim(delivery: &Delivery) -> Result<Aim> {
    let mut config_headers = HeaderMap::new();
    let mut config_url = None;
    if let Some(path) = &delivery.botpress_config {
        let doc = input::read_json(path).map_err(|e| Error::usage(format!("--botpress-config {e}")))?;
        let (url, headers) = botpress::webhook_config(&doc, &input::label(path))?;
        if url.is_none() && delivery.url.is_none() {
            // Botpress disables the webhook when the url is missing or empty: nothing to aim at.
            return Err(Error::usage(format!(
                "--botpress-config {}: eventsWebHook has no url, so Botpress would not call any webhook (give --url to send anyway)",
                input::label(path)
            )));
        }
        config_url = url;
        config_headers = headers;
    }
    let env_url = defaults::env_url();
    let chosen = match (&delivery.url, config_url, env_url) {
        (Some(u), _, _) => Some(http::parse_url(u, "--url")?),
        (None, Some(u), _) => Some(http::parse_url_as_written(
            &u,
            &format!(
                "{}: eventsWebHook.url",
                delivery.botpress_config.as_deref().map(input::label).unwrap_or_default()
            ),
        )?),
        (None, None, Some(u)) => Some(http::parse_url(&u, defaults::ENV_URL)?),
        (None, None, None) => None,
    };
    let mut extra_headers = HeaderMap::new();
    for spec in &delivery.headers {
        let (name, value) = http::parse_header(spec)?;
        extra_headers.insert(name, value);
    }
    Ok(Aim { url: chosen, config_headers, extra_headers })
}

/// Resolve where to deliver (see [`aim`]), starting the built-in receiver when there is no url.
pub async fn target(delivery: &Delivery) -> Result<Target> {
    let Aim { url: chosen, config_headers, extra_headers } = aim(delivery)?;
    let client = http::client(delivery.timeout)?;
    let (url, builtin, receiver) = match chosen {
        Some(url) => (url, false, None),
        None => {
            let receiver = Receiver::loopback().await?;
            let url = http::parse_url(&receiver.url(), "built-in receiver")?;
            (url, true, Some(receiver))
        }
    };
    let mut target = Target {
        shown_url: http::shown_url(url.as_str(), delivery.show_secrets),
        url,
        builtin,
        config_headers,
        extra_headers,
        botpress_headers: HeaderMap::new(),
        eva_headers: HeaderMap::new(),
        client,
        follower: std::sync::OnceLock::new(),
        delivery: delivery.clone(),
        observer: None,
        _receiver: receiver,
    };
    target.botpress_headers = target.with_overrides(Platform::Botpress.headers());
    target.eva_headers = target.with_overrides(Platform::Eva.headers());
    Ok(target)
}

impl Target {
    /// How every request of the run is delivered.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// Tell `observer` of each attempt of every delivery as it ends, while the delivery goes on.
    pub fn observe(&mut self, observer: Observer) {
        self.observer = Some(observer);
    }

    /// The url as reports show it: its password and secret query values redacted unless
    /// `--show-secrets`.
    pub fn shown_url(&self) -> &str {
        &self.shown_url
    }

    /// The headers the platform sends, then the configured ones, then `-H`: later ones win.
    pub fn headers_for(&self, platform: Platform) -> HeaderMap {
        match platform {
            Platform::Botpress => self.botpress_headers.clone(),
            Platform::Eva => self.eva_headers.clone(),
        }
    }

    /// Put the configured headers and then the `-H` ones over `headers`.
    pub fn with_overrides(&self, mut headers: HeaderMap) -> HeaderMap {
        for (name, value) in self.config_headers.iter().chain(self.extra_headers.iter()) {
            headers.insert(name.clone(), value.clone());
        }
        headers
    }

    /// Deliver one body (with retries when asked) and judge the answer.
    pub async fn send(&self, prepared: &Prepared, expect: &Expect) -> Report {
        self.send_owned(prepared.clone(), expect, true).await
    }

    /// As `send`, taking the body; `check_request` says whether to judge the request body too.
    pub async fn send_owned(&self, prepared: Prepared, expect: &Expect, check_request: bool) -> Report {
        self.exchange(self.outgoing(prepared), expect, check_request).await
    }

    fn outgoing(&self, prepared: Prepared) -> Outgoing {
        Outgoing {
            bytes: wire(&prepared.doc),
            headers: self.headers_for(prepared.kind.platform()),
            name: prepared.name,
            kind: Some(prepared.kind),
            doc: Some(prepared.doc),
        }
    }

    /// Deliver the same bytes `times` times at once, as Botpress does with a tag edit (it fires
    /// both requests without waiting for either). Each delivery is judged on its own (with
    /// retries when asked). One report per delivery.
    pub async fn send_times(&self, prepared: &Prepared, expect: &Expect, times: u32) -> Vec<Report> {
        self.deliver_times(self.outgoing(prepared.clone()), expect, times).await
    }

    /// The same bytes `times` times at once; the last delivery takes `outgoing` itself.
    async fn deliver_times(&self, outgoing: Outgoing, expect: &Expect, times: u32) -> Vec<Report> {
        let times = times.max(1);
        let mut copies: Vec<Outgoing> = (1..times).map(|_| outgoing.clone()).collect();
        copies.push(outgoing);
        let of = |n: u32| (n, times);
        attempts::join_all(
            copies.into_iter().zip(1..).map(|(o, n)| self.deliver(o, expect, true, of(n))).collect(),
        )
        .await
    }

    /// `send_times` as one report: the first delivery, the others as its repeats, passed only
    /// when every delivery passed. `why` says why the body went out more than once.
    pub async fn send_repeated(&self, prepared: Prepared, expect: &Expect, times: u32, why: &str) -> Report {
        let mut reports = self.deliver_times(self.outgoing(prepared), expect, times).await.into_iter();
        let mut report = reports.next().expect("at least one delivery");
        report.repeats = reports
            .zip(2..)
            .map(|(r, delivery)| Repeat { delivery, answered: r.answered, passed: r.passed })
            .collect();
        if !report.repeats.is_empty() {
            report.passed = report.passed && report.repeats.iter().all(|r| r.passed);
            report.note = Some(why.to_string());
        }
        report
    }

    /// Follow a redirect that a POST of `body` to this target was answered with, as the client of
    /// single sends (`http::client`) follows one: a 301 or 302 to a POST, and a 303, become a GET
    /// without the body and its headers; a 307 or 308 repeats the POST; the sensitive headers are
    /// dropped when the origin changes, and the Referer names this target. The next request goes
    /// through a client like it, which follows the further redirects that client would have
    /// followed, and no more. `None` when the client would not
    /// follow this answer (another 3xx, or a Location that is no URL): it is the answer.
    pub async fn follow(
        &self,
        status: u16,
        location: &HeaderValue,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> Option<std::result::Result<Answer, http::TransportError>> {
        use reqwest::header::{
            AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION,
            REFERER, TRANSFER_ENCODING, WWW_AUTHENTICATE,
        };
        let next = self.url.join(location.to_str().ok()?).ok()?;
        let (method, body) = match status {
            301..=303 => {
                for h in [CONTENT_TYPE, CONTENT_LENGTH, CONTENT_ENCODING, TRANSFER_ENCODING] {
                    headers.remove(h);
                }
                (reqwest::Method::GET, None)
            }
            307 | 308 => (reqwest::Method::POST, Some(body)),
            _ => return None,
        };
        if (next.scheme(), next.host_str(), next.port_or_known_default())
            != (self.url.scheme(), self.url.host_str(), self.url.port_or_known_default())
        {
            for h in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, WWW_AUTHENTICATE] {
                headers.remove(h);
            }
            headers.remove("cookie2");
        }
        if !(next.scheme() == "http" && self.url.scheme() == "https") {
            let mut referer = self.url.clone();
            let _ = referer.set_username("");
            let _ = referer.set_password(None);
            referer.set_fragment(None);
            if let Ok(v) = HeaderValue::from_str(referer.as_str()) {
                headers.insert(REFERER, v);
            }
        }
        let d = &self.delivery;
        let client = match self.follower.get() {
            Some(client) => client,
            None => match http::client_following(d.timeout, http::REDIRECTS.saturating_sub(1)) {
                Ok(client) => self.follower.get_or_init(|| client),
                Err(_) => &self.client,
            },
        };
        Some(http::send(client, method, &next, headers, body, d.max_response, d.timeout).await)
    }

    /// Deliver bytes as they are (with retries when asked) and judge the answer.
    pub async fn exchange(&self, out: Outgoing, expect: &Expect, check_request: bool) -> Report {
        self.deliver(out, expect, check_request, (1, 1)).await
    }

    /// `exchange`, as delivery `of.0` of `of.1` of the same bytes at once (for the observer).
    async fn deliver(
        &self,
        mut out: Outgoing,
        expect: &Expect,
        check_request: bool,
        of: (u32, u32),
    ) -> Report {
        client::complete(&mut out.headers);
        let (headers, bytes) = (&out.headers, &out.bytes);
        let d = &self.delivery;
        let (attempts, last) = self.attempts(headers, bytes, of).await;
        let request = Sent {
            method: "POST",
            url: self.shown_url.clone(),
            headers: http::shown_headers(headers, d.show_secrets),
            body: Value::Null,
            bytes: bytes.len(),
            checks: match (check_request, out.kind, &out.doc) {
                (true, Some(kind), Some(doc)) => Some(contract::check(kind, doc, Context::default())),
                _ => None,
            },
        };
        let mut report = Report {
            event: out.name.clone(),
            kind: out.kind,
            platform: out.kind.map(Kind::platform),
            builtin_receiver: self.builtin,
            request,
            answered: Answered { attempts, ..Answered::default() },
            changes: None,
            repeats: Vec::new(),
            note: None,
            curl: None,
            passed: false,
        };
        match last {
            Err(e) => report.answered.transport_error = Some(e.to_string()),
            Ok(answer) => judge(&mut report, &out, answer, expect, d),
        }
        report.request.body = match out.doc {
            Some(doc) => doc,
            None => Value::String(String::from_utf8_lossy(&out.bytes).into_owned()),
        };
        report
    }
}

/// Judge an answer: its status, its size, its body against the contract of the request's kind,
/// the option expected; then keep the answer as shown and decide whether the delivery passed.
fn judge(report: &mut Report, out: &Outgoing, answer: Answer, expect: &Expect, d: &Delivery) {
    let parsed: Option<Value> = serde_json::from_slice(&answer.body).ok();
    let body = match &parsed {
        Some(v) => v.clone(),
        None if answer.body.is_empty() => Value::Null,
        None => Value::String(String::from_utf8_lossy(&answer.body).into_owned()),
    };
    let ok_status = (200..300).contains(&answer.status);
    report.answered.checks.push(status_check(answer.status, expect.status, report.kind));
    if answer.truncated {
        report.answered.checks.push(Check {
            check: "size".into(),
            passed: false,
            expected: format!("at most {} bytes (--max-response)", d.max_response),
            found: "a longer body; reading stopped at the cap".into(),
            note: None,
        });
    }
    if ok_status {
        check_contract(report, out, &answer, parsed.as_ref(), d);
    }
    if let Some(want) = &expect.option {
        let found = parsed.as_ref().and_then(|b| b.at(eva::ptr::OPTION));
        report.answered.checks.push(Check {
            check: "option".into(),
            passed: found.and_then(Value::as_str) == Some(want.as_str()),
            expected: want.clone(),
            found: found.map_or_else(|| "no option".into(), contract::snippet),
            note: None,
        });
    }
    report.answered.response = Some(Received {
        status: answer.status,
        headers: http::shown_headers(&answer.headers, d.show_secrets),
        body,
        bytes: answer.body.len(),
        truncated: answer.truncated,
        latency_ms: answer.latency_ms,
    });
    report.passed = report.answered.checks.iter().all(|c| c.passed)
        && report.answered.verdict.as_ref().is_none_or(|v| v.valid);
}

/// The status expected (`--expect-status`), else any 2xx, with a note on what a failure means to
/// the platform.
fn status_check(status: u16, want: Option<u16>, kind: Option<Kind>) -> Check {
    match want {
        Some(want) => Check {
            check: "status".into(),
            passed: status == want,
            expected: want.to_string(),
            found: status.to_string(),
            note: None,
        },
        None => {
            let ok = (200..300).contains(&status);
            Check {
                check: "status".into(),
                passed: ok,
                expected: "2xx".into(),
                found: status.to_string(),
                note: (!ok)
                    .then(|| kind.map_or_else(|| Platform::Botpress.failure_note(), Kind::failure_note)),
            }
        }
    }
}

/// A request whose kind has an answer contract (eva): its accepted answer judged against it, and
/// what the answer changes; a body that is not JSON fails (a truncated one is not judged).
fn check_contract(
    report: &mut Report,
    out: &Outgoing,
    answer: &Answer,
    parsed: Option<&Value>,
    d: &Delivery,
) {
    let (Some(response_kind), Some(request)) = (out.kind.and_then(Kind::response_kind), &out.doc) else {
        return;
    };
    match parsed {
        Some(doc) if !answer.truncated => {
            let ctx = Context {
                request: Some(request),
                expected_options: None,
                option_case: d.option_case,
                show_secrets: d.show_secrets,
            };
            report.answered.verdict = Some(contract::check(response_kind, doc, ctx));
            report.changes = Some(eva::changes(request, doc));
        }
        _ if answer.truncated => {}
        _ => report.answered.checks.push(Check {
            check: "body".into(),
            passed: false,
            expected: format!("a JSON {response_kind}"),
            found: if answer.body.is_empty() {
                "an empty body".into()
            } else {
                "a body that is not JSON".into()
            },
            note: None,
        }),
    }
}

/// A body as the platforms put it on the wire: compact JSON, keys in their order.
pub fn wire(doc: &Value) -> Bytes {
    serde_json::to_vec(doc).expect("a JSON value serialises").into()
}
