//! The summary of a load run, as the real binary against real servers on 127.0.0.1:0: the latency
//! distribution (p50 to p99.9, max, mean) and the histogram of response times, in text and in
//! `-o json`, and nothing of them when no request was answered.

mod common;

use common::{Server, closed_port, hookctl, run};
use serde_json::Value;

/// `send ARGS... -o json`: exit code, the summary, stderr.
fn summary(args: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["-o", "json"]));
    let summary = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, summary, err)
}

#[test]
fn json_carries_every_percentile_and_the_histograms_buckets() {
    let server = Server::ok();
    let (code, s, err) = summary(&["handoff-create", "--count", "300", "-c", "4", "--url", &server.url()]);
    assert_eq!(code, 0, "{err}");
    let l = &s["latency"];
    let ms = |name: &str| l[name].as_f64().unwrap_or_else(|| panic!("latency.{name}: {l}"));
    let percentiles = ["p50_ms", "p75_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms"].map(ms);
    assert!(percentiles.windows(2).all(|w| w[0] <= w[1]), "in order: {l}");
    assert!(percentiles[0] > 0.0 && ms("mean_ms") > 0.0, "{l}");

    let buckets = l["histogram"].as_array().expect("latency.histogram");
    // Eleven buckets, or one when every answer took the same microsecond.
    assert!(buckets.len() == 11 || buckets.len() == 1, "{l}");
    let bounds: Vec<f64> = buckets.iter().map(|b| b["le_ms"].as_f64().unwrap()).collect();
    let counts: Vec<u64> = buckets.iter().map(|b| b["count"].as_u64().unwrap()).collect();
    assert!(buckets.iter().all(|b| b.as_object().unwrap().len() == 2), "le_ms and count only: {l}");
    assert_eq!(counts.iter().sum::<u64>(), 300, "every answer in one bucket: {l}");
    assert!(bounds.windows(2).all(|w| w[0] < w[1]), "bounds rise: {l}");
    assert_eq!(bounds.last().copied(), Some(ms("max_ms")), "the last bound is the slowest answer");
    assert!(counts[0] >= 1, "the fastest answer is in the first bucket: {l}");
}

#[test]
fn text_shows_the_distribution_and_a_histogram_scaled_to_the_largest_bucket() {
    let server = Server::ok();
    let (code, out, err) =
        run(hookctl().args(["send", "handoff-create", "--count", "300", "-c", "4", "--url", &server.url()]));
    assert_eq!(code, 0, "{err}");
    for row in ["latency p50", "latency p75", "latency p90", "latency p95", "latency p99 ", "latency p99.9"] {
        assert!(out.contains(row), "{row}: {out}");
    }
    for row in ["latency max", "latency mean"] {
        assert!(out.contains(row), "{row}: {out}");
    }
    let lines: Vec<&str> = out.lines().skip_while(|l| *l != "  response times").skip(1).collect();
    assert!(lines.len() == 11 || lines.len() == 1, "{out}");
    let re = regex::Regex::new(r"^ +(\d+\.\d\d) ms \[(\d+)\] +\|(■*)$").unwrap();
    let rows: Vec<(f64, u64, usize)> = lines
        .iter()
        .map(|l| {
            let c = re.captures(l).unwrap_or_else(|| panic!("not a bucket: {l:?}\n{out}"));
            (c[1].parse().unwrap(), c[2].parse().unwrap(), c[3].chars().count())
        })
        .collect();
    assert_eq!(rows.iter().map(|r| r.1).sum::<u64>(), 300, "{out}");
    let most = rows.iter().map(|r| r.1).max().unwrap();
    for (_, count, bar) in &rows {
        assert_eq!(*bar as u64, (count * 32 + most / 2) / most, "bars scaled to the largest: {out}");
    }
    // The bars line up: every `|` in the same column.
    let columns: Vec<usize> = lines.iter().map(|l| l.find('|').unwrap()).collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{out}");
}

#[test]
fn a_run_with_no_answer_has_no_histogram() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, s, err) = summary(&["handoff-create", "--count", "5", "-c", "1", "--url", &url]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(s["latency"]["histogram"], serde_json::json!([]), "{s}");
    assert_eq!(s["latency"]["p999_ms"], 0.0);
    let (code, out, _) =
        run(hookctl().args(["send", "handoff-create", "--count", "5", "-c", "1", "--url", &url]));
    assert_eq!(code, 3);
    assert!(out.contains("transport errors") && !out.contains("response times"), "{out}");
}
