//! The benchmark helper behind `benches/run`, one binary for its four jobs:
//!
//! - `bench sink [PORT]`: the bare hyper sink (see `sink.rs`);
//! - `bench workload DIR N`: the validate workload, N labelled service-cell answers in DIR;
//! - `bench big FILE BYTES`: one valid service-cell answer of about BYTES bytes;
//! - `bench capture-check CAPTURE OHA_JSON`: every 2xx oha saw is a line of the capture;
//! - `bench parse FILE N`: one document parsed N rounds of 100 times by `serde_json`, by hookctl's
//!   parser, and read onto hookctl's tape leaving out what a receiver does not read, in turns, each
//!   one's median time a parse (the parsers' own cost, no process around).
//!
//! Build: `cargo build --release --example bench`.

mod capture_check;
mod sink;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!(
        "usage: bench sink [PORT] | workload DIR N | big FILE BYTES | capture-check CAPTURE OHA_JSON | parse FILE N"
    );
    ExitCode::from(2)
}

fn number(arg: Option<&String>, what: &str) -> Result<usize, String> {
    let arg = arg.ok_or_else(|| format!("bench: {what} is missing"))?;
    arg.parse().map_err(|_| format!("bench: {what} must be a number, got {arg:?}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("sink") => {
            let port = args.get(1).map_or(Ok(0), |_| number(args.get(1), "PORT"));
            port.and_then(|p| u16::try_from(p).map_err(|_| "bench: PORT is over 65535".into()))
                .and_then(|p| sink::serve(p).map_err(|e| format!("bench sink: {e}")))
        }
        Some("workload") if args.len() == 3 => number(args.get(2), "N").and_then(|n| {
            let dir = PathBuf::from(&args[1]);
            std::fs::create_dir_all(&dir).map_err(|e| format!("bench: {}: {e}", dir.display()))?;
            let invalid = workload::write(&dir, n).map_err(|e| format!("bench: {}: {e}", dir.display()))?;
            println!("{n} documents, {invalid} invalid, in {}", dir.display());
            Ok(())
        }),
        Some("big") if args.len() == 3 => number(args.get(2), "BYTES").and_then(|n| {
            std::fs::write(&args[1], workload::big_document(n))
                .map_err(|e| format!("bench: {}: {e}", args[1]))
        }),
        Some("capture-check") if args.len() == 3 => {
            let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("bench: {p}: {e}"));
            read(&args[1]).and_then(|cap| {
                let c = capture_check::count(&cap, &read(&args[2])?)?;
                println!(
                    "capture check: {} lines, {} answered 2xx, {} 2xx seen by oha: {}",
                    c.lines,
                    c.captured_2xx,
                    c.acknowledged,
                    if c.ok() { "OK" } else { "MISMATCH" }
                );
                if c.ok() { Ok(()) } else { Err("bench: capture check failed".into()) }
            })
        }
        Some("parse") if args.len() == 3 => number(args.get(2), "N").and_then(|n| {
            let text = std::fs::read_to_string(&args[1]).map_err(|e| format!("bench: {}: {e}", args[1]))?;
            let [theirs, ours, receiving] = parse_times(&text, n.max(1))?;
            println!(
                "parse {} bytes: serde_json {:.2} us, hookctl {:.2} us ({:.2}x); on the tape, leaving out what a receiver does not read, {:.2} us ({:.2}x)",
                text.len(),
                theirs,
                ours,
                theirs / ours,
                receiving,
                theirs / receiving
            );
            Ok(())
        }),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Median microseconds a parse of `text`, by `serde_json`, by hookctl, and onto hookctl's tape
/// leaving out what a receiver does not read, over `n` rounds of 100 parses each, the three taking
/// turns.
fn parse_times(text: &str, n: usize) -> Result<[f64; 3], String> {
    use std::time::Instant;
    type Parse = fn(&str) -> bool;
    let parsers: [Parse; 3] = [
        |t| serde_json::from_str::<serde_json::Value>(t).is_ok(),
        |t| hookctl::json::from_str(t).is_ok(),
        |t| hookctl::json::tape::Tape::parse_skipping(t, hookctl::contract::receiving().skips()).is_some(),
    ];
    let theirs = serde_json::from_str::<serde_json::Value>(text).map_err(|e| e.to_string())?;
    if theirs != hookctl::json::from_str(text).map_err(|e| e.to_string())? {
        return Err("bench: the two parsers disagree".into());
    }
    let mut times = [Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n)];
    for _ in 0..n {
        for (parse, times) in parsers.iter().zip(times.iter_mut()) {
            let start = Instant::now();
            for _ in 0..100 {
                std::hint::black_box(parse(std::hint::black_box(text)));
            }
            times.push(start.elapsed().as_secs_f64() * 1e6 / 100.0);
        }
    }
    Ok(times.map(|mut t| {
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    }))
}
