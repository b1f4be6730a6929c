//! What one worker of a load run counts as it goes, and the sum of them all: answers by verdict
//! and status, transport errors grouped by what went wrong (with when each kind first happened),
//! and latencies in a histogram of fixed precision, so that a run of any length keeps the same
//! memory. The workers of one thread share their histogram ([`Latencies`], behind a lock only
//! they take), so that memory does not grow with the concurrency either.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use hdrhistogram::Histogram;

use super::{Bucket, ErrorGroup, Latency};
use crate::send::{Delivery, Expect};

/// Significant figures the latencies are kept to: a percentile is within 0.1 % of the sample it
/// names (and exact below 2 ms), the histogram's size set by the slowest answer, not by the count.
const SIGFIG: u8 = 3;

/// How many buckets a run's latency histogram has (as oha shows it).
pub const HISTOGRAM_BUCKETS: usize = 11;

pub(super) struct Tally {
    pub passed: u64,
    pub contract_failures: u64,
    pub transport_errors: u64,
    pub statuses: BTreeMap<u16, u64>,
    /// Transport errors by message: how many, and when the first came.
    pub errors: BTreeMap<String, (u64, SystemTime)>,
    pub first_failure: Option<String>,
    /// Where this worker's latencies go, shared with the workers of its thread.
    latencies: Arc<Mutex<Latencies>>,
}

/// Latencies in microseconds, and what a histogram does not keep exactly: the sum, the min and
/// the max.
pub(super) struct Latencies {
    histogram: Histogram<u32>,
    sum_ms: f64,
    min_ms: f64,
    max_ms: f64,
}

impl Default for Latencies {
    fn default() -> Latencies {
        // Auto-resizing: it grows to the slowest answer seen, once, and no further.
        let histogram =
            Histogram::new(SIGFIG).expect("3 significant figures are within hdrhistogram's range");
        Latencies { histogram, sum_ms: 0.0, min_ms: f64::INFINITY, max_ms: 0.0 }
    }
}

impl Latencies {
    /// One answer's latency.
    pub fn record(&mut self, ms: f64) {
        let us = (ms * 1e3).round().max(0.0) as u64;
        if self.histogram.record(us).is_err() {
            // Beyond what it can grow to (about 146 years): kept as its largest value.
            self.histogram.saturating_record(us);
        }
        self.sum_ms += ms;
        self.min_ms = self.min_ms.min(ms);
        self.max_ms = self.max_ms.max(ms);
    }

    /// Other workers' latencies, added to these.
    pub fn add(&mut self, o: &Latencies) {
        // Two auto-resizing histograms of the same precision always add up.
        let _ = self.histogram.add(&o.histogram);
        self.sum_ms += o.sum_ms;
        self.min_ms = self.min_ms.min(o.min_ms);
        self.max_ms = self.max_ms.max(o.max_ms);
    }

    /// Nearest-rank percentiles (the sample at rank ⌈q·n⌉), never above the slowest answer.
    pub fn summary(&self) -> Latency {
        let n = self.histogram.len();
        if n == 0 {
            return Latency::default();
        }
        let at = |q: f64| (self.histogram.value_at_quantile(q) as f64 / 1e3).min(self.max_ms);
        Latency {
            p50_ms: at(0.50),
            p75_ms: at(0.75),
            p90_ms: at(0.90),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            p999_ms: at(0.999),
            max_ms: self.max_ms,
            mean_ms: self.sum_ms / n as f64,
            histogram: self.buckets(),
        }
    }

    /// The answers in [`HISTOGRAM_BUCKETS`] buckets of equal width from the fastest to the
    /// slowest, each answer in the first bucket whose bound is at or above it (so the fastest are
    /// the first bucket); the bounds are whole microseconds, as latencies are recorded.
    fn buckets(&self) -> Vec<Bucket> {
        let n = self.histogram.len();
        if n == 0 {
            return Vec::new();
        }
        let us = |ms: f64| (ms * 1e3).round().max(0.0) as u64;
        let (min, max) = (us(self.min_ms), us(self.max_ms));
        if max <= min {
            return vec![Bucket { le_ms: self.max_ms, count: n }];
        }
        let last = HISTOGRAM_BUCKETS as u64 - 1;
        let bounds: Vec<u64> = (0..=last).map(|i| min + (max - min) * i / last).collect();
        let mut buckets: Vec<Bucket> =
            bounds.iter().map(|&b| Bucket { le_ms: b as f64 / 1e3, count: 0 }).collect();
        for v in self.histogram.iter_recorded() {
            // A recorded value stands for its range of equivalent values: kept within the run's.
            let value = v.value_iterated_to().clamp(min, max);
            let i = bounds.partition_point(|&b| b < value);
            buckets[i.min(HISTOGRAM_BUCKETS - 1)].count += u64::from(v.count_at_value());
        }
        // The last bound is the slowest answer exactly, not its microsecond.
        if let Some(b) = buckets.last_mut() {
            b.le_ms = self.max_ms;
        }
        buckets
    }
}

impl Tally {
    /// A worker's tally, its latencies going to `latencies`.
    pub fn new(latencies: Arc<Mutex<Latencies>>) -> Tally {
        Tally {
            passed: 0,
            contract_failures: 0,
            transport_errors: 0,
            statuses: BTreeMap::new(),
            errors: BTreeMap::new(),
            first_failure: None,
            latencies,
        }
    }

    fn record(&self, ms: f64) {
        // Taken only by the workers of one thread, one at a time: never waited for there.
        self.latencies.lock().unwrap_or_else(PoisonError::into_inner).record(ms);
    }

    /// Count a delivery judged as single sends judge it; true when it was a transport error.
    pub fn add(&mut self, report: &crate::send::Report) -> bool {
        if let Some(e) = &report.answered.transport_error {
            self.transport_error(e.clone());
            return true;
        }
        if let Some(r) = &report.answered.response {
            *self.statuses.entry(r.status).or_default() += 1;
            self.record(r.latency_ms);
        }
        if report.passed {
            self.passed += 1;
        } else {
            self.contract_failures += 1;
            if self.first_failure.is_none() {
                self.first_failure = Some(first_failure(report));
            }
        }
        false
    }

    /// Judge an answer by its status (and its size), as single sends judge an answer with no
    /// body contract; true when it was a transport error.
    pub fn add_status(
        &mut self,
        answer: std::result::Result<super::conn::Answer, crate::http::TransportError>,
        expect: &Expect,
        d: &Delivery,
    ) -> bool {
        let a = match answer {
            Ok(a) => a,
            Err(e) => {
                self.transport_error(e.0);
                return true;
            }
        };
        *self.statuses.entry(a.status).or_default() += 1;
        self.record(a.latency_ms);
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
        false
    }

    fn transport_error(&mut self, e: String) {
        self.transport_errors += 1;
        // The clock is read once per kind of error, not per error.
        match self.errors.get_mut(&e) {
            Some((n, _)) => *n += 1,
            None => {
                self.errors.insert(e, (1, SystemTime::now()));
            }
        }
    }

    /// Add another worker's counts to these (its latencies are summed apart, with its thread's).
    pub fn merge(&mut self, t: Tally) {
        self.passed += t.passed;
        self.contract_failures += t.contract_failures;
        self.transport_errors += t.transport_errors;
        for (k, v) in t.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        for (k, (n, first)) in t.errors {
            let e = self.errors.entry(k).or_insert((0, first));
            e.0 += n;
            e.1 = e.1.min(first);
        }
        self.first_failure = self.first_failure.take().or(t.first_failure);
    }

    /// The transport errors grouped by message, the earliest first.
    pub fn groups(&self) -> Vec<ErrorGroup> {
        let mut groups: Vec<ErrorGroup> = self
            .errors
            .iter()
            .map(|(e, &(count, first))| ErrorGroup {
                refused: refused(e),
                error: e.clone(),
                count,
                since: chrono::DateTime::<chrono::Utc>::from(first)
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                first,
            })
            .collect();
        groups.sort_by_key(|g| g.first);
        groups
    }

    /// The transport errors that were refused connections.
    pub fn refused(&self) -> u64 {
        self.errors.iter().filter(|(e, _)| refused(e)).map(|(_, (n, _))| n).sum()
    }
}

/// Whether a transport error is a refused connection: nothing listens where the target is (the
/// one wording both the load's connections and the client use, `http::io_failure`).
fn refused(e: &str) -> bool {
    e.starts_with("connection refused")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn latency(samples: &[f64]) -> [f64; 5] {
        let mut l = Latencies::default();
        samples.iter().for_each(|&s| l.record(s));
        let l = l.summary();
        [l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.mean_ms]
    }

    /// Each value within the histogram's precision of the one expected.
    fn near(got: [f64; 5], want: [f64; 5]) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= w * 1e-3 + 1e-9, "{got:?} is not {want:?}");
        }
    }

    #[test]
    fn no_samples_is_all_zero() {
        assert_eq!(latency(&[]), [0.0; 5]);
    }

    #[test]
    fn one_sample_is_every_percentile() {
        near(latency(&[7.5]), [7.5; 5]);
        // Below 2 ms, to the microsecond.
        assert_eq!(latency(&[1.234]), [1.234; 5]);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        // 1..=100 in a scrambled order: the rank of p is p itself.
        let samples: Vec<f64> = (0..100).map(|i| ((i * 37) % 100 + 1) as f64).collect();
        near(latency(&samples), [50.0, 90.0, 99.0, 100.0, 50.5]);

        // Ten samples: p50 is the 5th, p90 the 9th, p99 rounds up to the 10th.
        near(latency(&[10.0, 1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 5.0]), [5.0, 9.0, 10.0, 10.0, 5.5]);

        // Seven samples: ranks round up (p50 is the 4th of 3.5, p90 the 7th of 6.3).
        near(latency(&[7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]), [4.0, 7.0, 7.0, 7.0, 4.0]);

        // Two samples: p50 is the lower one, everything above it the higher.
        near(latency(&[4.0, 2.0]), [2.0, 4.0, 4.0, 4.0, 3.0]);
    }

    #[test]
    fn one_slow_request_shows_in_max_and_mean_not_in_the_median() {
        let mut samples = vec![1.0; 99];
        samples.push(1000.0);
        near(latency(&samples), [1.0, 1.0, 1.0, 1000.0, 10.99]);
    }

    fn percentiles(samples: &[f64]) -> [f64; 6] {
        let mut l = Latencies::default();
        samples.iter().for_each(|&s| l.record(s));
        let l = l.summary();
        [l.p50_ms, l.p75_ms, l.p90_ms, l.p95_ms, l.p99_ms, l.p999_ms]
    }

    #[test]
    fn every_percentile_is_nearest_rank() {
        // 1..=1000 ms in a scrambled order: the rank of p is p·1000.
        let samples: Vec<f64> = (0..1000).map(|i| ((i * 37) % 1000 + 1) as f64).collect();
        let got = percentiles(&samples);
        for (g, w) in got.iter().zip([500.0, 750.0, 900.0, 950.0, 990.0, 999.0]) {
            assert!((g - w).abs() <= w * 1e-3, "{got:?}");
        }
        // Twenty samples: p75 the 15th, p95 the 19th, p99.9 rounds up to the 20th.
        let twenty: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        let got = percentiles(&twenty);
        for (g, w) in got.iter().zip([10.0, 15.0, 18.0, 19.0, 20.0, 20.0]) {
            assert!((g - w).abs() <= w * 1e-3, "{got:?}");
        }
    }

    fn buckets(samples: &[f64]) -> Vec<(f64, u64)> {
        let mut l = Latencies::default();
        samples.iter().for_each(|&s| l.record(s));
        l.summary().histogram.iter().map(|b| (b.le_ms, b.count)).collect()
    }

    #[test]
    fn the_histogram_spans_the_fastest_to_the_slowest_in_equal_buckets() {
        // 1.0 to 2.0 ms: bounds every 0.1 ms, each sample in the first bucket at or above it.
        let got = buckets(&[1.0, 1.05, 1.1, 1.1, 1.25, 1.5, 1.999, 2.0]);
        let want = [
            (1.0, 1),
            (1.1, 3),
            (1.2, 0),
            (1.3, 1),
            (1.4, 0),
            (1.5, 1),
            (1.6, 0),
            (1.7, 0),
            (1.8, 0),
            (1.9, 0),
            (2.0, 2),
        ];
        assert_eq!(got, want);
        // Large values are kept to 3 figures: counts add up and the ends are the run's own.
        let samples: Vec<f64> = (0..5000).map(|i| 10.0 + f64::from(i % 997) * 3.7).collect();
        let got = buckets(&samples);
        assert_eq!(got.len(), HISTOGRAM_BUCKETS);
        assert_eq!(got.iter().map(|b| b.1).sum::<u64>(), 5000);
        assert_eq!((got[0].0, got[10].0), (10.0, 10.0 + 996.0 * 3.7));
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "{got:?}");
    }

    #[test]
    fn a_run_of_one_latency_has_one_bucket_and_a_run_without_answers_none() {
        assert_eq!(buckets(&[3.0, 3.0, 3.0]), [(3.0, 3)]);
        assert_eq!(buckets(&[]), []);
        // Workers' latencies added up: the ends are those of all of them.
        let (mut a, mut b) = (Latencies::default(), Latencies::default());
        a.record(5.0);
        b.record(1.0);
        b.record(2.0);
        a.add(&b);
        let got: Vec<(f64, u64)> = a.summary().histogram.iter().map(|b| (b.le_ms, b.count)).collect();
        assert_eq!((got[0], got[3], got[10]), ((1.0, 1), (2.2, 1), (5.0, 1)));
    }

    #[test]
    fn memory_does_not_grow_with_the_count() {
        let mut l = Latencies::default();
        (0..1000).for_each(|i| l.record(f64::from(i % 50) + 0.5));
        let size = l.histogram.distinct_values();
        (0..200_000).for_each(|i| l.record(f64::from(i % 50) + 0.5));
        assert_eq!(l.histogram.distinct_values(), size, "the same buckets, however many samples");
        assert_eq!(l.histogram.len(), 201_000);
    }

    #[test]
    fn workers_add_up() {
        let (mut a, mut b) = (Latencies::default(), Latencies::default());
        (1..=50).for_each(|i| a.record(f64::from(i)));
        (51..=100).for_each(|i| b.record(f64::from(i)));
        a.add(&b);
        let l = a.summary();
        near([l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.mean_ms], [50.0, 90.0, 99.0, 100.0, 50.5]);
    }

    #[test]
    fn workers_of_a_thread_share_one_histogram() {
        let shared = Arc::new(Mutex::new(Latencies::default()));
        let (mut a, mut b) = (Tally::new(shared.clone()), Tally::new(shared.clone()));
        let answer = |ms| {
            Ok(crate::load::conn::Answer { status: 200, truncated: false, latency_ms: ms, location: None })
        };
        let expect = Expect::default();
        let d = Delivery {
            url: None,
            botpress_config: None,
            headers: Vec::new(),
            timeout: std::time::Duration::from_secs(1),
            retry: crate::send::Retry::None,
            retry_scale: 1.0,
            max_response: 100,
            show_secrets: false,
            option_case: crate::contract::OptionCase::default(),
        };
        assert!(!a.add_status(answer(1.0), &expect, &d));
        assert!(!b.add_status(answer(3.0), &expect, &d));
        assert!(b.add_status(
            Err(crate::http::TransportError(
                "connection refused: nothing is listening on 127.0.0.1:9".into()
            )),
            &expect,
            &d
        ));
        a.merge(b);
        assert_eq!((a.passed, a.transport_errors, a.refused()), (2, 1, 1));
        let l = shared.lock().unwrap().summary();
        assert_eq!([l.p50_ms, l.max_ms, l.mean_ms], [1.0, 3.0, 2.0]);
    }

    #[test]
    fn refused_connections_are_told_from_other_transport_errors() {
        let mut t = Tally::new(Arc::default());
        t.transport_error("connection refused: nothing is listening on 127.0.0.1:9".into());
        t.transport_error("connection refused: nothing is listening on 127.0.0.1:9".into());
        t.transport_error("timeout: http://127.0.0.1:9/ did not answer within 1.0 s (--timeout)".into());
        assert_eq!((t.transport_errors, t.refused()), (3, 2));
        let groups = t.groups();
        assert_eq!(groups.iter().map(|g| (g.count, g.refused)).collect::<Vec<_>>(), [(2, true), (1, false)]);
    }
}
