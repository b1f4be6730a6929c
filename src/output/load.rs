//! Load mode of `send`: the summary of many deliveries.

use std::io;

use colored::Colorize;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Level, Out, plural};
use crate::load::Summary;

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

pub fn load(o: &mut Out, s: &Summary) -> io::Result<()> {
    for (e, n) in &s.errors {
        o.diag(Level::Error, format!("{e} ({})", plural(*n as usize, "time")))?;
    }
    if o.style.json() {
        return o.json(s);
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
        ["passed".to_string(), s.passed.to_string()],
        ["contract failures".to_string(), s.contract_failures.to_string()],
        ["transport errors".to_string(), s.transport_errors.to_string()],
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
    Ok(())
}
