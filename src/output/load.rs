//! Load mode of `send`: the progress of many deliveries, what Ctrl-C says, and their summary:
//! transport errors grouped one line per wording on stderr, answers (with their statuses) apart
//! from the requests that got none.

use std::io;
use std::time::Duration;

use colored::Colorize;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Level, Out, plural};
use crate::load::{Stopped, Summary};

/// The progress bar of a load run, on stderr; indicatif hides it when stderr is not a terminal.
pub fn progress(count: Option<u64>) -> ProgressBar {
    let bar = match count {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} sent  {per_sec}  {elapsed_precise}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
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
        ["latency p50".to_string(), format!("{:.2} ms", s.latency.p50_ms)],
        ["latency p90".to_string(), format!("{:.2} ms", s.latency.p90_ms)],
        ["latency p99".to_string(), format!("{:.2} ms", s.latency.p99_ms)],
        ["latency max".to_string(), format!("{:.2} ms", s.latency.max_ms)],
    ];
    o.table(tabled::builder::Builder::from_iter(rows).build())?;
    let statuses: Vec<String> = s.statuses.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    if !statuses.is_empty() {
        writeln!(o.out, "  statuses  {}", statuses.join(", "))?;
    }
    if let Some(f) = &s.first_failure {
        writeln!(o.out, "  {} first failure: {f}", "✗".red().bold())?;
    }
    if s.interrupted {
        writeln!(o.out, "  {} interrupted: what was done until Ctrl-C", "!".yellow().bold())?;
    }
    Ok(())
}
