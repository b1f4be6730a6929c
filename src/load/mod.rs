//! Load mode of `send`: many events, each with fresh ids, summarised. Each worker owns one
//! HTTP/1 connection to an `http://` target and sends, awaits the answer, sends again; bodies are
//! made from one serialised template (`bodies`); an answer with no body contract (Botpress) is
//! judged by its status alone, and a redirect followed from the worker (`Target::follow`).
//! Retries, `https://` and answers with a contract (eva) go through the client single sends use.
//! The workers of per-worker connections run on a thread per core, each thread a runtime of its
//! own (`per_core`). Progress goes to the bar the caller gives (drawn on stderr, or hidden).
//! A run ends at its count or duration, when told to stop ([`Stop`], Ctrl-C), or after
//! `--max-errors` transport errors; what each worker counted is summed by `load/tally.rs`.

mod bodies;
mod conn;
mod tally;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use indicatif::ProgressBar;
use serde::Serialize;

use crate::error::{Counts, Outcome, Result};
use crate::payload::SlotValues;
use crate::send::{Expect, Retry, Target, Template};

use bodies::Bodies;
use conn::Conn;
use tally::{Latencies, Tally};

/// How many requests a worker sends between moves of the progress bar.
const BAR_STEP: u64 = 16;

/// Transport errors after which a run stops, unless `--max-errors` says otherwise.
pub const MAX_ERRORS: u64 = 100;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Stop after this many requests.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Stop after this many transport errors; 0 never stops for them.
    pub max_errors: u64,
}

/// Why a run ended before its count or its duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// Told to stop (Ctrl-C): the requests in flight were let finish.
    Interrupted,
    /// `--max-errors` transport errors were reached.
    MaxErrors,
}

/// Tells the workers of a run to send no more; shared by the run and whoever may interrupt it.
/// The first reason given is the one kept.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicU8>);

impl Stop {
    /// Stop the run as Ctrl-C does: no new request, those in flight finish, then the summary.
    pub fn interrupt(&self) {
        self.set(Stopped::Interrupted);
    }

    fn set(&self, why: Stopped) {
        let code = match why {
            Stopped::Interrupted => 1,
            Stopped::MaxErrors => 2,
        };
        let _ = self.0.compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed);
    }

    fn why(&self) -> Option<Stopped> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            1 => Some(Stopped::Interrupted),
            _ => Some(Stopped::MaxErrors),
        }
    }
}

/// The latencies of the answers of a run (transport errors have none): percentiles, max and mean,
/// and how they spread.
#[derive(Debug, Default, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p75_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    /// The answers counted in [`tally::HISTOGRAM_BUCKETS`] buckets of equal width, from the
    /// fastest answer (the first bucket's bound) to the slowest (the last's); one bucket when
    /// every answer took the same time, none without answers.
    pub histogram: Vec<Bucket>,
}

/// The answers whose latency is at most `le_ms` and above the bound of the bucket before.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bucket {
    pub le_ms: f64,
    pub count: u64,
}

/// Transport errors of one wording: how many, and since when.
#[derive(Debug, Serialize)]
pub struct ErrorGroup {
    pub error: String,
    /// A refused connection: nothing listening where the target is.
    pub refused: bool,
    pub count: u64,
    /// When the first came (RFC 3339, UTC).
    pub since: String,
    #[serde(skip)]
    pub first: SystemTime,
}

/// What a load run did. In JSON (its `Serialize`) the counts sit in `summary` and `passed` is
/// whether the run passed, as in every other report.
#[derive(Debug)]
pub struct Summary {
    pub event: String,
    pub url: String,
    pub concurrency: usize,
    pub requests: u64,
    /// Answered, whatever the status: passed and contract failures.
    pub answered: u64,
    /// Delivered and every check passed.
    pub passed: u64,
    /// Delivered, but the answer broke the contract or an expectation.
    pub contract_failures: u64,
    /// Not answered: refused connections, timeouts and other transport failures.
    pub transport_errors: u64,
    /// The transport errors that were refused connections.
    pub refused: u64,
    /// Answers by HTTP status.
    pub statuses: BTreeMap<u16, u64>,
    /// Transport errors by message (in JSON `transport_errors_by_message`: `errors` is a list of
    /// findings wherever else it appears).
    pub errors: BTreeMap<String, u64>,
    /// The same, with when each first happened, the earliest first.
    pub error_groups: Vec<ErrorGroup>,
    /// The first contract failure, to say what went wrong.
    pub first_failure: Option<String>,
    /// The run was stopped by Ctrl-C: this is what was done until then.
    pub interrupted: bool,
    /// Why the run ended early, if it did: `interrupted` or `max_errors`.
    pub stopped: Option<Stopped>,
    /// The `--max-errors` of the run (0: never stop for transport errors).
    pub max_errors: u64,
    /// Seconds; in JSON `elapsed_ms`, in milliseconds, as every duration of a report is.
    pub elapsed_s: f64,
    pub requests_per_second: f64,
    pub latency: Latency,
}

/// The load report as JSON shows it.
#[derive(Serialize)]
struct Report<'a> {
    event: &'a str,
    url: &'a str,
    concurrency: usize,
    summary: LoadCounts,
    /// Every request answered and every answer passed.
    passed: bool,
    statuses: &'a BTreeMap<u16, u64>,
    transport_errors_by_message: &'a BTreeMap<String, u64>,
    error_groups: &'a [ErrorGroup],
    #[serde(skip_serializing_if = "Option::is_none")]
    first_failure: Option<&'a str>,
    interrupted: bool,
    stopped: Option<Stopped>,
    max_errors: u64,
    elapsed_ms: f64,
    requests_per_second: f64,
    latency: &'a Latency,
}

/// The counts of a load run, named as in the other reports' `summary`: `failed` are answers that
/// broke the contract or an expectation.
#[derive(Serialize)]
struct LoadCounts {
    requests: u64,
    answered: u64,
    passed: u64,
    failed: u64,
    transport_errors: u64,
    refused: u64,
}

impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        Report {
            event: &self.event,
            url: &self.url,
            concurrency: self.concurrency,
            summary: LoadCounts {
                requests: self.requests,
                answered: self.answered,
                passed: self.passed,
                failed: self.contract_failures,
                transport_errors: self.transport_errors,
                refused: self.refused,
            },
            passed: self.contract_failures == 0 && self.transport_errors == 0,
            statuses: &self.statuses,
            transport_errors_by_message: &self.errors,
            error_groups: &self.error_groups,
            first_failure: self.first_failure.as_deref(),
            interrupted: self.interrupted,
            stopped: self.stopped,
            max_errors: self.max_errors,
            elapsed_ms: self.elapsed_s * 1e3,
            requests_per_second: self.requests_per_second,
            latency: &self.latency,
        }
        .serialize(s)
    }
}

impl Outcome for Summary {
    fn counts(&self) -> Counts {
        Counts {
            transport: self.transport_errors as usize,
            input: 0,
            contract: self.contract_failures as usize,
        }
    }
}

/// What every worker of a run shares.
struct Shared {
    target: Arc<Target>,
    template: Arc<Template>,
    expect: Arc<Expect>,
    bodies: Option<Bodies>,
    slots: crate::payload::Slots,
    opts: Options,
    deadline: Option<Instant>,
    /// Requests taken, by number: the n-th gets the n-th seed.
    issued: AtomicU64,
    /// Transport errors so far, against `--max-errors`.
    errors: AtomicU64,
    stop: Stop,
    bar: ProgressBar,
    /// The latencies of the workers of each thread: worker i's are at i modulo their number.
    latencies: Vec<Arc<Mutex<Latencies>>>,
}

/// Run the load until its count or duration, `stop`, or `--max-errors`; the summary says which.
pub async fn run(
    target: Arc<Target>,
    template: Arc<Template>,
    expect: Arc<Expect>,
    opts: Options,
    bar: ProgressBar,
    stop: Stop,
) -> Result<Summary> {
    let started = Instant::now();
    let bodies = match fast(&target, &template, &expect) {
        true => Bodies::new(&template)?,
        false => None,
    };
    let on_cores = bodies.is_some();
    let workers = opts.concurrency.max(1);
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(workers);
    let shared = Arc::new(Shared {
        slots: template.slots(),
        target,
        template,
        expect,
        bodies,
        opts,
        deadline: opts.duration.map(|d| started + d),
        issued: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        stop,
        bar,
        latencies: (0..threads).map(|_| Arc::default()).collect(),
    });
    let workers: Vec<_> = (0..workers).map(|i| worker(shared.clone(), i)).collect();
    let tallies = match on_cores {
        true => per_core(workers, threads).await,
        false => {
            let handles: Vec<_> = workers.into_iter().map(tokio::spawn).collect();
            let mut tallies = Vec::with_capacity(handles.len());
            for h in handles {
                tallies.push(h.await.unwrap_or_else(|e| Err(stopped(e))));
            }
            tallies
        }
    };
    let mut total = Tally::new(Arc::default());
    for t in tallies {
        total.merge(t?);
    }
    let mut latencies = Latencies::default();
    for l in &shared.latencies {
        latencies.add(&l.lock().unwrap_or_else(PoisonError::into_inner));
    }
    shared.bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let requests = total.passed + total.contract_failures + total.transport_errors;
    let stopped = shared.stop.why();
    Ok(Summary {
        event: shared.template.name.clone(),
        url: shared.target.shown_url().to_string(),
        concurrency: opts.concurrency,
        requests,
        answered: total.passed + total.contract_failures,
        passed: total.passed,
        contract_failures: total.contract_failures,
        transport_errors: total.transport_errors,
        refused: total.refused(),
        error_groups: total.groups(),
        errors: total.errors.iter().map(|(e, (n, _))| (e.clone(), *n)).collect(),
        statuses: std::mem::take(&mut total.statuses),
        first_failure: total.first_failure.take(),
        interrupted: stopped == Some(Stopped::Interrupted),
        stopped,
        max_errors: opts.max_errors,
        elapsed_s: elapsed,
        requests_per_second: if elapsed > 0.0 { requests as f64 / elapsed } else { 0.0 },
        latency: latencies.summary(),
    })
}

/// Worker `i`: take the next request, send it, count its answer, until the run ends.
async fn worker(s: Arc<Shared>, i: usize) -> Result<Tally> {
    let mut tally = Tally::new(s.latencies[i % s.latencies.len()].clone());
    let mut conn = s.bodies.as_ref().and_then(|_| Conn::new(&s.target, s.template.kind.platform()));
    let mut values = SlotValues::default();
    let mut unshown = 0;
    loop {
        if s.stop.why().is_some() || s.deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let n = s.issued.fetch_add(1, Ordering::Relaxed);
        if s.opts.count.is_some_and(|c| n >= c) {
            break;
        }
        let failed = match (&mut conn, &s.bodies) {
            (Some(c), Some(b)) => {
                s.slots.fill(s.template.slot_seed(n), &mut values);
                let answer = post(c, &s, b.make(&values)).await;
                tally.add_status(answer, &s.expect, s.target.delivery())
            }
            _ => {
                let prepared = s.template.prepare_nth(n)?;
                tally.add(&s.target.send_owned(prepared, &s.expect, n == 0).await)
            }
        };
        if failed {
            let errors = s.errors.fetch_add(1, Ordering::Relaxed) + 1;
            if s.opts.max_errors > 0 && errors >= s.opts.max_errors {
                s.stop.set(Stopped::MaxErrors);
            }
        }
        // The bar is moved a few requests at a time: it is shared by every worker.
        unshown += 1;
        if unshown == BAR_STEP {
            s.bar.inc(unshown);
            unshown = 0;
        }
    }
    s.bar.inc(unshown);
    Ok(tally)
}

/// Post one body on the worker's connection; a redirect is followed from here, as the client of
/// single sends follows it: the redirecting URL is not asked twice.
async fn post(
    c: &mut Conn,
    s: &Shared,
    bytes: bytes::Bytes,
) -> std::result::Result<conn::Answer, crate::http::TransportError> {
    let answer = c.post(bytes.clone()).await;
    let Ok(a) = &answer else { return answer };
    let Some(location) = &a.location else { return answer };
    let headers = s.target.headers_for(s.template.kind.platform());
    match s.target.follow(a.status, location, headers, bytes).await {
        Some(next) => {
            let first = a.latency_ms;
            next.map(|n| conn::Answer {
                status: n.status,
                truncated: n.truncated,
                latency_ms: first + n.latency_ms,
                location: None,
            })
        }
        None => answer,
    }
}

/// Run the workers on `threads` threads (one per core), worker i on thread i modulo `threads`,
/// each thread with a runtime of its own that drives its workers and their connections (as oha's
/// fast mode does): a worker and its connection are woken on the same thread, and no task moves
/// between threads. The results come back in the order of the workers.
async fn per_core<F>(workers: Vec<F>, threads: usize) -> Vec<Result<Tally>>
where
    F: std::future::Future<Output = Result<Tally>> + Send + 'static,
{
    let threads = threads.clamp(1, workers.len().max(1));
    let mut shares: Vec<Vec<(usize, F)>> = (0..threads).map(|_| Vec::new()).collect();
    let count = workers.len();
    for (i, w) in workers.into_iter().enumerate() {
        shares[i % threads].push((i, w));
    }
    let mut answers = Vec::with_capacity(threads);
    for share in shares {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let ids: Vec<usize> = share.iter().map(|(i, _)| *i).collect();
        let spawned = std::thread::Builder::new().name("hookctl-load".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => return drop(tx.send(Err(e.to_string()))),
            };
            let results = rt.block_on(async move {
                let handles: Vec<_> = share.into_iter().map(|(i, w)| (i, tokio::spawn(w))).collect();
                let mut results = Vec::with_capacity(handles.len());
                for (i, h) in handles {
                    results.push((i, h.await.unwrap_or_else(|e| Err(stopped(e)))));
                }
                results
            });
            // The runtime goes back with the results and is shut down once every thread is done:
            // a connection the shared client (redirects) opened on one runtime may be taken from
            // its pool by a worker of another.
            let _ = tx.send(Ok((results, rt)));
        });
        answers.push((ids, spawned.map(|_| rx)));
    }
    let mut results: Vec<Option<Result<Tally>>> = (0..count).map(|_| None).collect();
    let mut runtimes = Vec::with_capacity(threads);
    for (ids, answer) in answers {
        let got = match answer {
            Ok(rx) => rx.await.unwrap_or_else(|_| Err("it stopped".to_string())),
            Err(e) => Err(e.to_string()),
        };
        match got {
            Ok((done, rt)) => {
                done.into_iter().for_each(|(i, r)| results[i] = Some(r));
                runtimes.push(rt);
            }
            Err(e) => {
                for i in ids {
                    results[i] = Some(Err(crate::Error::internal(format!("cannot run a load thread: {e}"))));
                }
            }
        }
    }
    runtimes.into_iter().for_each(tokio::runtime::Runtime::shutdown_background);
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(crate::Error::internal("a load worker gave no result"))))
        .collect()
}

fn stopped(e: tokio::task::JoinError) -> crate::Error {
    crate::Error::internal(format!("a load worker stopped: {e}"))
}

/// Whether the run can go through per-worker connections with bodies from the template: a plain
/// `http://` target, one attempt per body, and an answer judged by its status alone.
fn fast(target: &Target, template: &Template, expect: &Expect) -> bool {
    target.url.scheme() == "http"
        && target.delivery().retry == Retry::None
        && template.kind.response_kind().is_none()
        && expect.option.is_none()
}
