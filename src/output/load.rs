//! Load mode of `send`: the progress of many deliveries, what Ctrl-C says, and their summary:
//! transport errors grouped one line per wording on stderr, answers (with their statuses) apart
//! from the requests that got none.

use std::io;
use std::time::Duration;

use colored::Colorize;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use super::{Level, Out, plural};
use crate::load::{Bucket, Stopped, Summary};

/// The progress bar of a load run, on stderr; indicatif hides it when stderr is not a terminal.
/// With `count` it runs on the requests sent, else on the time of `duration`; either way it shows
/// the requests sent, their rate (whole requests a second) and the time left.
pub fn progress(count: Option<u64>, duration: Option<Duration>) -> ProgressBar {
    let bar = match count {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    bar.set_style(progress_style(count, duration));
    if !bar.is_hidden() {
        // Redrawn as time passes, not only as requests are counted: a slow server still shows
        // the time go by.
        bar.enable_steady_tick(Duration::from_millis(200));
    }
    bar
}

/// How the bar draws: `[=====>    ] 512/1000 sent  2345/s  ETA 1s` on the count, `[==>  ] 3s/10s
/// 7035 sent  2345/s  ETA 7s` on the time.
fn progress_style(count: Option<u64>, duration: Option<Duration>) -> ProgressStyle {
    let template = match count {
        Some(_) => "{spinner} [{bar:30}] {pos}/{len} sent  {rate}  ETA {left}",
        None => "{spinner} [{time_bar}] {elapsed}/{total} {pos} sent  {rate}  ETA {left}",
    };
    let total = duration.unwrap_or_default();
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
        .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", s.per_sec());
        })
        .with_key("total", move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}", whole_seconds(total));
        })
        .with_key("time_bar", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&time_bar(s.elapsed(), total, 30));
        })
        .with_key("left", move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let on_count = s.len().map(|_| s.eta());
            let on_time = duration.map(|d| d.saturating_sub(s.elapsed()));
            let left = match (on_count, on_time) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b).unwrap_or_default(),
            };
            let _ = write!(w, "{}", whole_seconds(left));
        })
}

/// `12s`, `3m 05s`, `1h 02m`: a duration to the second, rounded up (a run with 0.4 s left has
/// not ended).
fn whole_seconds(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A bar of `width` characters filled as far as `elapsed` is through `total`.
fn time_bar(elapsed: Duration, total: Duration, width: usize) -> String {
    let fraction = match total.is_zero() {
        true => 0.0,
        false => (elapsed.as_secs_f64() / total.as_secs_f64()).clamp(0.0, 1.0),
    };
    let filled = (fraction * width as f64).floor() as usize;
    match filled {
        f if f >= width => "=".repeat(width),
        f => format!("{}>{}", "=".repeat(f), " ".repeat(width - f - 1)),
    }
}

/// The first Ctrl-C of a load run: no new request; those in flight get up to `timeout`.
pub fn load_stopping(o: &mut Out, timeout: Duration) -> io::Result<()> {
    o.diag(
        Level::Note,
        format!(
            "stopping: waiting for the requests in flight (at most {}, --timeout); Ctrl-C again to stop at once",
            crate::http::human(timeout)
        ),
    )
}

/// The second Ctrl-C: stopped at once, with no summary.
pub fn load_hurried(o: &mut Out) -> io::Result<()> {
    o.diag(Level::Error, "interrupted again: stopped at once, the requests in flight dropped, no summary")
}

pub fn load(o: &mut Out, s: &Summary) -> io::Result<()> {
    for g in &s.error_groups {
        let since = chrono::DateTime::<chrono::Local>::from(g.first).format("%H:%M:%S");
        let what = if g.refused { "attempt" } else { "time" };
        o.diag(Level::Error, format!("{} since {since}, {}", g.error, plural(g.count as usize, what)))?;
    }
    match s.stopped {
        Some(Stopped::MaxErrors) => o.diag(
            Level::Error,
            format!(
                "stopped after {} (--max-errors {}; 0 never stops)",
                plural(s.transport_errors as usize, "transport error"),
                s.max_errors
            ),
        )?,
        Some(Stopped::Interrupted) => {
            o.diag(Level::Note, "interrupted (Ctrl-C): the summary of what was done until then")?
        }
        None => {}
    }
    if o.style.json() {
        return o.report(s);
    }
    writeln!(
        o.out,
        "{} {} → {}  {}",
        plural(s.requests as usize, "request").bold(),
        s.event.cyan(),
        s.url,
        format!("(concurrency {}, {:.2} s)", s.concurrency, s.elapsed_s).dimmed()
    )?;
    let rows = vec![
        ["answered".to_string(), s.answered.to_string()],
        ["passed".to_string(), s.passed.to_string()],
        ["contract failures".to_string(), s.contract_failures.to_string()],
        ["transport errors".to_string(), s.transport_errors.to_string()],
        ["refused".to_string(), s.refused.to_string()],
        ["requests/s".to_string(), format!("{:.0}", s.requests_per_second)],
    ];
    let l = &s.latency;
    let latencies = [
        ("p50", l.p50_ms),
        ("p75", l.p75_ms),
        ("p90", l.p90_ms),
        ("p95", l.p95_ms),
        ("p99", l.p99_ms),
        ("p99.9", l.p999_ms),
        ("max", l.max_ms),
        ("mean", l.mean_ms),
    ];
    let rows = rows
        .into_iter()
        .chain(latencies.iter().map(|(name, ms)| [format!("latency {name}"), format!("{ms:.2} ms")]));
    o.table(tabled::builder::Builder::from_iter(rows).build())?;
    let statuses: Vec<String> = s.statuses.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    if !statuses.is_empty() {
        writeln!(o.out, "  statuses  {}", statuses.join(", "))?;
    }
    histogram(o, &l.histogram)?;
    if let Some(f) = &s.first_failure {
        writeln!(o.out, "  {} first failure: {f}", "✗".red().bold())?;
    }
    if s.interrupted {
        writeln!(o.out, "  {} interrupted: what was done until Ctrl-C", "!".yellow().bold())?;
    }
    Ok(())
}

/// The longest bar of the histogram, in characters.
const BAR: u64 = 32;

/// The latencies' histogram, as oha draws it: each bucket's bound, its count and a bar scaled to
/// the largest count. Nothing without answers.
fn histogram(o: &mut Out, buckets: &[Bucket]) -> io::Result<()> {
    if buckets.is_empty() {
        return Ok(());
    }
    let most = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let bounds: Vec<String> = buckets.iter().map(|b| format!("{:.2} ms", b.le_ms)).collect();
    let counts: Vec<String> = buckets.iter().map(|b| format!("[{}]", b.count)).collect();
    let bound_width = bounds.iter().map(String::len).max().unwrap_or(0);
    let count_width = counts.iter().map(String::len).max().unwrap_or(0);
    writeln!(o.out, "  response times")?;
    for ((bound, count), b) in bounds.iter().zip(&counts).zip(buckets) {
        let bar = "■".repeat(((b.count * BAR + most / 2) / most) as usize);
        writeln!(o.out, "  {bound:>bound_width$} {count:<count_width$} |{}", bar.green())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use indicatif::{ProgressDrawTarget, TermLike};

    use super::*;

    /// A terminal that keeps what is drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.0.lock().unwrap().clear();
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    /// What a bar of this style shows at `pos`.
    fn drawn(count: Option<u64>, duration: Option<Duration>, pos: u64) -> String {
        let screen = Screen::default();
        let bar =
            ProgressBar::with_draw_target(count, ProgressDrawTarget::term_like(Box::new(screen.clone())));
        bar.set_style(progress_style(count, duration));
        bar.set_position(pos);
        bar.tick();
        screen.0.lock().unwrap().clone()
    }

    #[test]
    fn the_bar_of_a_count_shows_the_total_a_whole_rate_and_the_time_left() {
        let shown = drawn(Some(1000), None, 250);
        let re =
            regex::Regex::new(r"^. \[={7}> {22}\] 250/1000 sent  \d+/s  ETA (\d+s|\d+m \d\ds|\d+h \d\dm)$")
                .unwrap();
        assert!(re.is_match(shown.trim_end()), "{shown:?}");
    }

    #[test]
    fn the_bar_of_a_duration_runs_on_time_and_counts_the_requests() {
        let shown = drawn(None, Some(Duration::from_secs(600)), 42);
        // Started a moment ago: the bar is (nearly) empty and most of the ten minutes are left.
        let re =
            regex::Regex::new(r"^. \[> {29}\] \d+s/10m 00s 42 sent  \d+/s  ETA (10m 00s|9m \d\ds)$").unwrap();
        assert!(re.is_match(shown.trim_end()), "{shown:?}");
    }

    #[test]
    fn a_time_bar_fills_with_the_time_gone() {
        let total = Duration::from_secs(10);
        assert_eq!(time_bar(Duration::ZERO, total, 10), ">         ");
        assert_eq!(time_bar(Duration::from_secs(5), total, 10), "=====>    ");
        assert_eq!(time_bar(Duration::from_millis(9999), total, 10), "=========>");
        assert_eq!(time_bar(Duration::from_secs(10), total, 10), "==========");
        assert_eq!(time_bar(Duration::from_secs(11), total, 10), "==========");
        assert_eq!(time_bar(Duration::from_secs(1), Duration::ZERO, 4), ">   ");
    }

    #[test]
    fn time_left_is_whole_seconds_rounded_up() {
        assert_eq!(whole_seconds(Duration::ZERO), "0s");
        assert_eq!(whole_seconds(Duration::from_millis(400)), "1s");
        assert_eq!(whole_seconds(Duration::from_secs(59)), "59s");
        assert_eq!(whole_seconds(Duration::from_secs(65)), "1m 05s");
        assert_eq!(whole_seconds(Duration::from_secs(3725)), "1h 02m");
    }

    fn histogram_text(buckets: &[Bucket]) -> String {
        colored::control::set_override(false);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let style = super::super::Style::new(
            super::super::Format::Text,
            super::super::ColorChoice::Never,
            false,
            false,
        );
        let mut o = Out { out: &mut out, err: &mut err, style };
        histogram(&mut o, buckets).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_histogram_scales_its_bars_to_the_largest_count() {
        let buckets = [
            // Half a character rounds up; nothing is no bar at all.
            Bucket { le_ms: 0.5, count: 1 },
            Bucket { le_ms: 1.25, count: 64 },
            Bucket { le_ms: 12.0, count: 16 },
            Bucket { le_ms: 20.0, count: 0 },
        ];
        let bar = |n: usize| "■".repeat(n);
        let want = format!(
            "  response times\n   0.50 ms [1]  |{}\n   1.25 ms [64] |{}\n  12.00 ms [16] |{}\n  20.00 ms [0]  |\n",
            bar(1),
            bar(32),
            bar(8)
        );
        assert_eq!(histogram_text(&buckets), want);
        assert_eq!(histogram_text(&[]), "", "no answers, no histogram");
    }
}
