//! Load mode of `send`: many events, each with fresh ids, summarised. Each worker owns one
//! HTTP/1 connection to an `http://` target and sends, awaits the answer, sends again; bodies are
//! made from one serialised template (`bodies`); an answer with no body contract (Botpress) is
//! judged by its status alone, and a redirect followed from the worker (`Target::follow`).
//! Retries, `https://` and answers with a contract (eva) go through the client single sends use.
//! The workers of per-worker connections run on a thread per core, each thread a runtime of its
//! own (`per_core`). Progress goes to the bar the caller gives (drawn on stderr, or hidden).

mod bodies;
mod conn;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use serde::Serialize;

use crate::error::{Counts, Outcome, Result};
use crate::payload::SlotValues;
use crate::send::{Delivery, Expect, Retry, Target, Template};

use bodies::Bodies;
use conn::Conn;

/// How many requests a worker sends between moves of the progress bar.
const BAR_STEP: u64 = 16;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Stop after this many requests.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Requests in flight at once.
    pub concurrency: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub event: String,
    pub url: String,
    pub concurrency: usize,
    pub requests: u64,
    /// Delivered and every check passed.
    pub passed: u64,
    /// Delivered, but the answer broke the contract or an expectation.
    pub contract_failures: u64,
    pub transport_errors: u64,
    /// Answers by HTTP status.
    pub statuses: BTreeMap<u16, u64>,
    /// Transport errors by message.
    pub errors: BTreeMap<String, u64>,
    /// The first contract failure, to say what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<String>,
    pub elapsed_s: f64,
    pub requests_per_second: f64,
    pub latency: Latency,
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

#[derive(Default)]
struct Tally {
    passed: u64,
    contract_failures: u64,
    transport_errors: u64,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
    first_failure: Option<String>,
    latencies: Vec<f64>,
}

pub async fn run(
    target: Arc<Target>,
    template: Arc<Template>,
    expect: Arc<Expect>,
    opts: Options,
    bar: ProgressBar,
) -> Result<Summary> {
    let started = Instant::now();
    let deadline = opts.duration.map(|d| started + d);
    let issued = Arc::new(AtomicU64::new(0));
    let bodies = match fast(&target, &template, &expect) {
        true => Bodies::new(&template)?.map(Arc::new),
        false => None,
    };
    let slots = Arc::new(template.slots());
    let on_cores = bodies.is_some();
    let mut workers = Vec::new();
    for _ in 0..opts.concurrency.max(1) {
        let (target, template, expect, issued, bar) =
            (target.clone(), template.clone(), expect.clone(), issued.clone(), bar.clone());
        let (bodies, slots) = (bodies.clone(), slots.clone());
        workers.push(async move {
            let mut tally = Tally::default();
            let mut conn = bodies.as_ref().and_then(|_| Conn::new(&target, template.kind.platform()));
            let mut values = SlotValues::default();
            let mut unshown = 0;
            loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if opts.count.is_some_and(|c| n >= c) {
                    break;
                }
                match (&mut conn, &bodies) {
                    (Some(c), Some(b)) => {
                        slots.fill(template.slot_seed(n), &mut values);
                        let bytes = b.make(&values);
                        let mut answer = c.post(bytes.clone()).await;
                        // A redirect is followed from here, as the client of single sends follows
                        // it: the redirecting URL is not asked twice.
                        if let Ok(a) = &answer {
                            if let Some(location) = &a.location {
                                let headers = target.headers_for(template.kind.platform());
                                if let Some(next) = target.follow(a.status, location, headers, bytes).await {
                                    let first = a.latency_ms;
                                    answer = next.map(|n| conn::Answer {
                                        status: n.status,
                                        truncated: n.truncated,
                                        latency_ms: first + n.latency_ms,
                                        location: None,
                                    });
                                }
                            }
                        }
                        tally.add_status(answer, &expect, target.delivery());
                    }
                    _ => {
                        let prepared = template.prepare_nth(n)?;
                        tally.add(&target.send_owned(prepared, &expect, n == 0).await);
                    }
                }
                // The bar is moved a few requests at a time: it is shared by every worker.
                unshown += 1;
                if unshown == BAR_STEP {
                    bar.inc(unshown);
                    unshown = 0;
                }
            }
            bar.inc(unshown);
            Ok::<Tally, crate::Error>(tally)
        });
    }
    let tallies = match on_cores {
        true => per_core(workers).await,
        false => {
            let handles: Vec<_> = workers.into_iter().map(tokio::spawn).collect();
            let mut tallies = Vec::with_capacity(handles.len());
            for h in handles {
                tallies.push(h.await.unwrap_or_else(|e| Err(stopped(e))));
            }
            tallies
        }
    };
    let mut total = Tally::default();
    for t in tallies {
        let t = t?;
        total.passed += t.passed;
        total.contract_failures += t.contract_failures;
        total.transport_errors += t.transport_errors;
        for (k, v) in t.statuses {
            *total.statuses.entry(k).or_default() += v;
        }
        for (k, v) in t.errors {
            *total.errors.entry(k).or_default() += v;
        }
        total.first_failure = total.first_failure.or(t.first_failure);
        total.latencies.extend(t.latencies);
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let requests = total.passed + total.contract_failures + total.transport_errors;
    Ok(Summary {
        event: template.name.clone(),
        url: target.shown_url().to_string(),
        concurrency: opts.concurrency,
        requests,
        passed: total.passed,
        contract_failures: total.contract_failures,
        transport_errors: total.transport_errors,
        statuses: total.statuses,
        errors: total.errors,
        first_failure: total.first_failure,
        elapsed_s: elapsed,
        requests_per_second: if elapsed > 0.0 { requests as f64 / elapsed } else { 0.0 },
        latency: latency(&mut total.latencies),
    })
}

/// Run the workers on a thread per core, each thread with a runtime of its own that drives its
/// workers and their connections (as oha's fast mode does): a worker and its connection are woken
/// on the same thread, and no task moves between threads. The results come back in the order of
/// the workers.
async fn per_core<F>(workers: Vec<F>) -> Vec<Result<Tally>>
where
    F: std::future::Future<Output = Result<Tally>> + Send + 'static,
{
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(workers.len()).max(1);
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

impl Tally {
    fn add(&mut self, report: &crate::send::Report) {
        if let Some(e) = &report.answered.transport_error {
            self.transport_errors += 1;
            *self.errors.entry(e.clone()).or_default() += 1;
            return;
        }
        if let Some(r) = &report.answered.response {
            *self.statuses.entry(r.status).or_default() += 1;
            self.latencies.push(r.latency_ms);
        }
        if report.passed {
            self.passed += 1;
        } else {
            self.contract_failures += 1;
            if self.first_failure.is_none() {
                self.first_failure = Some(first_failure(report));
            }
        }
    }

    /// Judge an answer by its status (and its size), as single sends judge an answer with no
    /// body contract.
    fn add_status(
        &mut self,
        answer: std::result::Result<conn::Answer, String>,
        expect: &Expect,
        d: &Delivery,
    ) {
        let a = match answer {
            Ok(a) => a,
            Err(e) => {
                self.transport_errors += 1;
                *self.errors.entry(e).or_default() += 1;
                return;
            }
        };
        *self.statuses.entry(a.status).or_default() += 1;
        self.latencies.push(a.latency_ms);
        let failure = match expect.status {
            Some(want) if a.status != want => Some(format!("status: expected {want}, found {}", a.status)),
            None if !(200..300).contains(&a.status) => {
                Some(format!("status: expected 2xx, found {}", a.status))
            }
            _ if a.truncated => Some(format!(
                "size: expected at most {} bytes (--max-response), found a longer body; reading stopped at the cap",
                d.max_response
            )),
            _ => None,
        };
        match failure {
            None => self.passed += 1,
            Some(f) => {
                self.contract_failures += 1;
                self.first_failure.get_or_insert(f);
            }
        }
    }
}

fn first_failure(report: &crate::send::Report) -> String {
    if let Some(c) = report.answered.checks.iter().find(|c| !c.passed) {
        return format!("{}: expected {}, found {}", c.check, c.expected, c.found);
    }
    if let Some(e) = report.answered.verdict.as_ref().and_then(|v| v.errors.first()) {
        return format!("{} {}", e.pointer, e.message);
    }
    "failed".to_string()
}

fn latency(samples: &mut [f64]) -> Latency {
    if samples.is_empty() {
        return Latency::default();
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    Latency {
        p50_ms: at(0.50),
        p90_ms: at(0.90),
        p99_ms: at(0.99),
        max_ms: samples[samples.len() - 1],
        mean_ms: samples.iter().sum::<f64>() / samples.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(l: &Latency) -> [f64; 5] {
        [l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.mean_ms]
    }

    #[test]
    fn no_samples_is_all_zero() {
        assert_eq!(ms(&latency(&mut [])), [0.0; 5]);
    }

    #[test]
    fn one_sample_is_every_percentile() {
        assert_eq!(ms(&latency(&mut [7.5])), [7.5; 5]);
    }

    #[test]
    fn percentiles_are_nearest_rank_on_sorted_samples() {
        // 1..=100 in a scrambled order: the rank of p is p itself.
        let mut samples: Vec<f64> = (0..100).map(|i| ((i * 37) % 100 + 1) as f64).collect();
        assert_eq!(ms(&latency(&mut samples)), [50.0, 90.0, 99.0, 100.0, 50.5]);
        assert!(samples.windows(2).all(|w| w[0] <= w[1]), "sorted in place");

        // Ten samples: p50 is the 5th, p90 the 9th, p99 rounds up to the 10th.
        let mut samples = [10.0, 1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 5.0];
        assert_eq!(ms(&latency(&mut samples)), [5.0, 9.0, 10.0, 10.0, 5.5]);

        // Seven samples: ranks round up (p50 is the 4th of 3.5, p90 the 7th of 6.3).
        let mut samples = [7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        assert_eq!(ms(&latency(&mut samples)), [4.0, 7.0, 7.0, 7.0, 4.0]);

        // Two samples: p50 is the lower one, everything above it the higher.
        assert_eq!(ms(&latency(&mut [4.0, 2.0])), [2.0, 4.0, 4.0, 4.0, 3.0]);
    }

    #[test]
    fn one_slow_request_shows_in_max_and_mean_not_in_the_median() {
        let mut samples = vec![1.0; 99];
        samples.push(1000.0);
        let l = latency(&mut samples);
        assert_eq!(ms(&l), [1.0, 1.0, 1.0, 1000.0, 10.99]);
    }
}
