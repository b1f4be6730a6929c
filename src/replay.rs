//! `hookctl replay`: re-send what `listen --save` captured, exact bytes, in order.

use std::path::Path;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::capture::BadLine;
use crate::catalogue::Kind;
use crate::error::{Error, Result};
use crate::http::{self, REDACTED};
use crate::receiver::Record;
use crate::scenario::ScenarioReport;
use crate::send::{Expect, Outgoing, Target};
use crate::{capture, input};

/// A capture as read: its records, and the lines that are not records.
#[derive(Debug)]
pub struct Captured {
    pub records: Vec<Record>,
    pub bad: Vec<BadLine>,
}

/// Read a capture file: one record a line; blank lines are skipped. Each record is read up to
/// `max` bytes (`--max-size`), so a stray huge line or an endless stream is refused, naming its
/// line. A capture is user input: a record must have a body and a method that is an HTTP token.
/// A line that is not a record is set aside with why, and the rest read; under `strict` it stops
/// everything instead (nothing is sent). A file of which no line is a record is an error naming
/// its first bad line.
pub fn read(path: &Path, max: u64, strict: bool) -> Result<Captured> {
    let source = input::label(path);
    let (mut records, mut bad) = (Vec::new(), Vec::new());
    for (n, record) in capture::open(path, max)? {
        match record {
            Ok(record) => records.push(record),
            Err(reason) => {
                let line = BadLine { source: format!("{source}:{n}"), reason: reason.to_string() };
                if strict {
                    return Err(Error::usage(format!("{line} (--strict)")));
                }
                bad.push(line);
            }
        }
    }
    if records.is_empty() {
        return Err(Error::usage(match bad.split_first() {
            None => format!("{source}: no captured requests"),
            Some((first, [])) => first.to_string(),
            Some((first, [_])) => format!("{first} (and 1 more line, none a capture record)"),
            Some((first, rest)) => format!("{first} (and {} more lines, none a capture record)", rest.len()),
        }));
    }
    Ok(Captured { records, bad })
}

/// Keep the records a `--filter` names: kinds (`eva-service-request`, `unknown`) or 1-based indices.
pub fn filter(records: Vec<Record>, filter: &[String]) -> Result<Vec<Record>> {
    if filter.is_empty() {
        return Ok(records);
    }
    let mut kinds = Vec::new();
    let mut indices = Vec::new();
    for f in filter {
        match f.parse::<u64>() {
            Ok(n) => indices.push(n),
            Err(_) if f == "unknown" => kinds.push(None),
            Err(_) => kinds.push(Some(Kind::parse(f).map_err(|e| Error::usage(format!("--filter: {e}")))?)),
        }
    }
    let kept: Vec<Record> =
        records.into_iter().filter(|r| indices.contains(&r.index) || kinds.contains(&r.kind)).collect();
    if kept.is_empty() {
        return Err(Error::usage(format!("--filter {}: matches no captured request", filter.join(","))));
    }
    Ok(kept)
}

/// Re-send each record, exact bytes and the captured headers (with `-H` and config headers over
/// them), and judge each answer as `send` does. Each body moves from its record to the wire
/// without a copy. The lines of the capture that were not records (`skipped`) go in the report.
pub async fn run(
    records: Vec<Record>,
    skipped: Vec<BadLine>,
    source: &str,
    target: &Target,
) -> Result<ScenarioReport> {
    let mut notes = Vec::new();
    let mut steps = Vec::with_capacity(records.len());
    for mut record in records {
        // Refused before its body came: there is nothing of it to send.
        if let Some(why) = capture::refusal(&record).filter(|_| record.unauthorized.is_none()) {
            notes.push(format!(
                "request #{} is not replayed: the listener refused it before its body came ({} {why})",
                record.index, record.answer.status
            ));
            continue;
        }
        let bytes: Bytes = match record.take_text() {
            Some(text) => text.into(),
            None => record
                .body_bytes()
                .map_err(|e| Error::usage(format!("{source}: request #{}: {e}", record.index)))?
                .into(),
        };
        let headers = headers(&record, source, &mut notes);
        let params = http::redacted_params(&record.path);
        if !params.is_empty() {
            note(
                &mut notes,
                format!(
                    "the query's {} was redacted in the capture: replay sends to the url it is given, so put it there, or capture with --keep-secrets",
                    params.join(", ")
                ),
            );
        }
        let doc: Option<Value> = serde_json::from_slice(&bytes).ok();
        let kind = record.kind.or_else(|| doc.as_ref().and_then(Kind::detect));
        let outgoing = Outgoing {
            name: format!("#{} {}", record.index, kind.map_or("unknown", Kind::name)),
            kind,
            doc,
            bytes,
            headers: target.with_overrides(headers),
        };
        steps.push(target.exchange(outgoing, &Expect::default(), true).await);
    }
    crate::scenario::with_curl(&mut steps);
    Ok(report(steps, notes, skipped, source))
}

/// Add a note once.
fn note(notes: &mut Vec<String>, note: String) {
    if !notes.contains(&note) {
        notes.push(note);
    }
}

/// The record's headers that can be replayed; each one that cannot (redacted, or no valid
/// header) is left out with a note saying why.
fn headers(record: &Record, source: &str, notes: &mut Vec<String>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (at, (name, value)) in record.headers.iter().enumerate() {
        if http::hop_by_hop(name) {
            continue;
        }
        if value == REDACTED {
            note(
                notes,
                format!(
                    "{name} was redacted in the capture and is not replayed: pass it with -H, or capture with --keep-secrets"
                ),
            );
            continue;
        }
        match header(record, at, source) {
            Ok((n, v)) => {
                headers.append(n, v);
            }
            // A hand-edited capture can hold what no header may: say what is dropped.
            Err(e) => note(notes, format!("{e}; it is not replayed")),
        }
    }
    headers
}

/// The record's header `at` as it is sent. A value that is not UTF-8 is shown escaped and kept as
/// it came (in `headers_base64`): the bytes are sent.
fn header(record: &Record, at: usize, source: &str) -> Result<(HeaderName, HeaderValue)> {
    let (name, value) = &record.headers[at];
    let origin = format!("{source}: request #{}", record.index);
    let (n, v) = http::header(name, value, &origin)?;
    match record.header_bytes(at) {
        None => Ok((n, v)),
        Some(raw) => raw
            .map_err(|e| e.to_string())
            .and_then(|raw| HeaderValue::from_bytes(&raw).map_err(|_| "a control character".into()))
            .map(|v| (n, v))
            .map_err(|why| Error::usage(format!("{origin}: the value of {name} in headers_base64: {why}"))),
    }
}

/// The replay's report: its steps in capture order, the run named `replay` and its source.
fn report(
    steps: Vec<crate::send::Report>,
    notes: Vec<String>,
    skipped: Vec<BadLine>,
    source: &str,
) -> ScenarioReport {
    ScenarioReport {
        run: crate::scenario::Run::Replay(source.to_string()),
        description: match steps.len() {
            1 => format!("1 request from {source}"),
            n => format!("{n} requests from {source}"),
        },
        notes,
        builtin_receiver: steps.first().is_some_and(|s| s.builtin_receiver),
        passed: steps.iter().all(|s| s.passed),
        summary: crate::scenario::StepSummary::of(&steps),
        order: (0..steps.len()).collect(),
        steps,
        skipped_lines: skipped,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::Exit;

    /// Five captured requests: 1 and 3 Botpress, 2 a service cell, 4 of no known kind, 5 an answer request.
    fn records() -> Vec<Record> {
        [
            Some("botpress-event"),
            Some("eva-service-request"),
            Some("botpress-event"),
            None,
            Some("eva-answer-request"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            serde_json::from_value(json!({
                "index": i + 1,
                "time": "2022-08-19T13:27:32.174Z",
                "method": "POST",
                "path": "/hook",
                "headers": [["content-type", "application/json"]],
                "body": "{}",
                "bytes": 2,
                "kind": kind,
                "answer": {"status": 200},
            }))
            .unwrap()
        })
        .collect()
    }

    fn kept(f: &[&str]) -> Result<Vec<u64>> {
        let f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
        Ok(filter(records(), &f)?.iter().map(|r| r.index).collect())
    }

    fn refused(f: &[&str]) -> String {
        let e = kept(f).expect_err("expected a usage error");
        assert_eq!(e.exit(), Exit::Usage);
        e.to_string()
    }

    #[test]
    fn no_filter_keeps_everything() {
        assert_eq!(kept(&[]).unwrap(), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_filter_keeps_kinds_and_indices_in_capture_order() {
        assert_eq!(kept(&["botpress-event"]).unwrap(), [1, 3]);
        assert_eq!(kept(&["eva-service-request"]).unwrap(), [2]);
        assert_eq!(kept(&["unknown"]).unwrap(), [4]);
        assert_eq!(kept(&["2"]).unwrap(), [2]);
        assert_eq!(kept(&["5", "1"]).unwrap(), [1, 5], "capture order, not filter order");
        assert_eq!(kept(&["eva-answer-request", "3", "unknown"]).unwrap(), [3, 4, 5]);
        assert_eq!(kept(&["1", "botpress-event"]).unwrap(), [1, 3], "a record kept twice is there once");
    }

    #[test]
    fn a_filter_that_matches_nothing_is_a_usage_error() {
        assert_eq!(refused(&["9"]), "--filter 9: matches no captured request");
        assert_eq!(refused(&["0"]), "--filter 0: matches no captured request");
        assert_eq!(
            refused(&["eva-service-response", "6"]),
            "--filter eva-service-response,6: matches no captured request"
        );
    }

    #[test]
    fn an_unknown_kind_is_a_usage_error_that_suggests() {
        let msg = refused(&["botpress-evnt"]);
        assert!(
            msg.starts_with("--filter: unknown kind 'botpress-evnt' (did you mean 'botpress-event'?)"),
            "{msg}"
        );
        let msg = refused(&["2", "xyz"]);
        assert!(msg.starts_with("--filter: unknown kind 'xyz'; known kinds: botpress-event,"), "{msg}");
        assert!(refused(&["-1"]).starts_with("--filter: unknown kind '-1'"));
    }
}
