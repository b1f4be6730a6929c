//! `hookctl replay`: re-send what `listen --save` captured, exact bytes, in order; or edited
//! (`--set`, `--data`, `-H`) and judged as sent; or printed as curl commands instead.

use std::path::Path;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::capture::BadLine;
use crate::catalogue::{Kind, Platform};
use crate::contract::{self, Context, Verdict};
use crate::error::{Error, Result};
use crate::http::{self, REDACTED};
use crate::receiver::Record;
use crate::scenario::ScenarioReport;
use crate::send::{self, Check, Delivery, Expect, Outgoing, Target};
use crate::{capture, input, payload, preview};

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

/// What `replay` changes in what it re-sends: `--set` (parsed and applied as `send --set` is)
/// and `--data` (a body instead of the captured one). An edited body goes compact, as the
/// platforms send JSON, and is judged as what was sent.
#[derive(Debug, Default)]
pub struct Edits {
    /// Each `--set`: the path as written, then parsed, and the value.
    sets: Vec<(String, Vec<String>, Value)>,
    data: Option<Value>,
}

impl Edits {
    /// Parse the `--set`s and read the `--data` body (JSON, at most `max` bytes).
    pub fn new(sets: &[String], data: Option<&Path>, max: u64) -> Result<Edits> {
        let sets = sets
            .iter()
            .map(|spec| {
                let written = spec.split_once('=').map_or(spec.as_str(), |(p, _)| p).to_string();
                payload::parse_set(spec).map(|(path, value)| (written, path, value))
            })
            .collect::<Result<Vec<_>>>()?;
        let data = data
            .map(|path| input::read_json_max(path, max).map_err(|e| Error::usage(format!("--data {e}"))))
            .transpose()?;
        Ok(Edits { sets, data })
    }

    /// `--data` is one body: refused, saying how to pick one, when more requests are to go.
    pub fn check(&self, records: &[Record], source: &str) -> Result<()> {
        match records {
            [first, _, ..] if self.data.is_some() => Err(Error::usage(format!(
                "--data replaces the body of one request, and {} requests of {source} are to be re-sent: pick one with --filter (such as --filter {})",
                records.len(),
                first.index
            ))),
            _ => Ok(()),
        }
    }

    /// The `--set`s that put a top-level field the platform never sends into a body re-sent, by
    /// platform, each as the path was written and the field, as `send` warns of them: a server
    /// that depends on one will not get it from the platform.
    pub fn unsent_fields(&self, records: &[Record]) -> Vec<(Platform, Vec<(String, String)>)> {
        let mut kinds: Vec<Kind> = match &self.data {
            Some(doc) => Kind::detect(doc).into_iter().collect(),
            None => records.iter().filter_map(|r| r.kind).collect(),
        };
        kinds.dedup();
        let mut out: Vec<(Platform, Vec<(String, String)>)> = Vec::new();
        for kind in kinds {
            for (written, path, _) in &self.sets {
                // A longer path needs its parent there already: a body without it is an error.
                let [key] = path.as_slice() else { continue };
                if kind.sends_top_level(key) {
                    continue;
                }
                let field = (written.clone(), key.clone());
                match out.iter_mut().find(|(p, _)| *p == kind.platform()) {
                    Some((_, fields)) if fields.contains(&field) => {}
                    Some((_, fields)) => fields.push(field),
                    None => out.push((kind.platform(), vec![field])),
                }
            }
        }
        out
    }

    fn any(&self) -> bool {
        !self.sets.is_empty() || self.data.is_some()
    }

    /// The edited body of a request whose captured body is `captured`: `--data`'s, or the captured
    /// one parsed, then each `--set`; compact. `origin` names the request in errors.
    fn apply(&self, captured: &[u8], origin: &str) -> Result<(Bytes, Value)> {
        let mut doc = match &self.data {
            Some(doc) => doc.clone(),
            None => serde_json::from_slice(captured).map_err(|e| {
                Error::usage(format!("{origin}: --set edits a JSON body, and this one is not JSON ({e})"))
            })?,
        };
        for (_, path, value) in &self.sets {
            payload::set(&mut doc, path, value.clone())
                .map_err(|e| Error::usage(format!("{origin}: {e}")))?;
        }
        Ok((send::wire(&doc), doc))
    }
}

/// A request ready to re-send, and whether it was edited.
struct Resend {
    outgoing: Outgoing,
    edited: bool,
}

/// Re-send each record, exact bytes (or edited) and the captured headers (with `-H` and config
/// headers over them), and judge each answer as `send` does; an edited body that breaks its
/// contract fails its step. The lines of the capture that were not records (`skipped`) go in
/// the report.
pub async fn run(
    records: Vec<Record>,
    edits: &Edits,
    skipped: Vec<BadLine>,
    source: &str,
    target: &Target,
) -> Result<ScenarioReport> {
    let mut notes = Vec::new();
    let resends = prepare(records, edits, source, &|h| target.with_overrides(h), &mut notes)?;
    let mut steps = Vec::with_capacity(resends.len());
    for Resend { outgoing, edited } in resends {
        let mut step = target.exchange(outgoing, &Expect::default(), true).await;
        if edited {
            fail_if_broken(&mut step);
        }
        steps.push(step);
    }
    crate::scenario::with_curl(&mut steps);
    Ok(report(steps, notes, skipped, source))
}

/// An edited body that breaks its kind's contract fails its step, with the first error: the
/// verdict is on what was sent.
fn fail_if_broken(step: &mut crate::send::Report) {
    let Some(v) = step.request.checks.as_ref().filter(|v| !v.valid) else { return };
    let first = v.errors.first().map(|e| format!("{} at {}", e.message, shown_pointer(&e.pointer)));
    step.answered.checks.push(Check {
        check: "request".into(),
        passed: false,
        expected: format!("a valid {} (the body as edited)", v.kind),
        found: match (v.errors.len(), first) {
            (1, Some(first)) => first,
            (n, Some(first)) => format!("{n} errors, the first: {first}"),
            (_, None) => "a body that breaks its contract".into(),
        },
        note: None,
    });
    step.passed = false;
}

/// A JSON pointer as findings show it: `/` for the whole document.
fn shown_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// `replay --print curl`: the requests replay would send, edits applied, as curl commands;
/// nothing is started or sent.
#[derive(Debug, Serialize)]
pub struct Printed {
    pub requests: Vec<PrintedRequest>,
    pub notes: Vec<String>,
    /// Some header values are shown as `<redacted>` (and so are in the commands).
    pub redacted: bool,
}

/// One request as a command.
#[derive(Debug, Serialize)]
pub struct PrintedRequest {
    pub event: String,
    pub curl: String,
    /// An edited body that breaks its contract, judged (it is printed as asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<Verdict>,
}

/// The requests `run` would send to where `delivery` aims, as curl commands (`send --print
/// curl`'s quoting and redaction): with no url, the commands target where `hookctl listen`
/// listens, and a note says so.
pub fn print(records: Vec<Record>, edits: &Edits, source: &str, delivery: &Delivery) -> Result<Printed> {
    let aim = send::aim(delivery)?;
    let show = delivery.show_secrets;
    let mut notes = Vec::new();
    let resends = prepare(records, edits, source, &|h| aim.with_overrides(h), &mut notes)?;
    let url = match &aim.url {
        Some(url) => http::shown_url(url.as_str(), show),
        None => {
            let url = preview::listen_url();
            notes.push(format!(
                "no --url given: the commands target {url}, where `hookctl listen` listens by default"
            ));
            url
        }
    };
    let mut requests = Vec::with_capacity(resends.len());
    for Resend { mut outgoing, edited } in resends {
        send::client::complete(&mut outgoing.headers);
        let headers = http::shown_headers(&outgoing.headers, show);
        let broken = match (edited, outgoing.kind, &outgoing.doc) {
            (true, Some(kind), Some(doc)) => {
                Some(contract::check(kind, doc, Context::default())).filter(|v| !v.valid)
            }
            _ => None,
        };
        requests.push(PrintedRequest {
            curl: crate::export::curl(&url, &headers, &outgoing.bytes),
            event: outgoing.name,
            broken,
        });
    }
    let redacted = requests.iter().any(|r| r.curl.contains(REDACTED));
    Ok(Printed { requests, notes, redacted })
}

/// The requests to re-send, in capture order: each body exactly as captured, or edited; the
/// captured headers that can be replayed, with `overrides` over them. What cannot be sent is
/// left out with a note; a body that cannot be read or edited stops everything (nothing sent).
fn prepare(
    records: Vec<Record>,
    edits: &Edits,
    source: &str,
    overrides: &dyn Fn(HeaderMap) -> HeaderMap,
    notes: &mut Vec<String>,
) -> Result<Vec<Resend>> {
    let mut resends = Vec::with_capacity(records.len());
    for mut record in records {
        // Refused before its body came: there is nothing of it to send.
        if let Some(why) = capture::refusal(&record).filter(|_| record.unauthorized.is_none()) {
            notes.push(format!(
                "request #{} is not replayed: the listener refused it before its body came ({} {why})",
                record.index, record.answer.status
            ));
            continue;
        }
        let origin = format!("{source}: request #{}", record.index);
        let captured: Bytes = match record.take_text() {
            Some(text) => text.into(),
            None => record.body_bytes().map_err(|e| Error::usage(format!("{origin}: {e}")))?.into(),
        };
        let (bytes, doc, kind) = match edits.any() {
            false => {
                let doc: Option<Value> = serde_json::from_slice(&captured).ok();
                let kind = record.kind.or_else(|| doc.as_ref().and_then(Kind::detect));
                (captured, doc, kind)
            }
            true => {
                let (bytes, doc) = edits.apply(&captured, &origin)?;
                // A body of its own is of the kind its shape says; an edited one stays what it was.
                let kind = match edits.data {
                    Some(_) => Kind::detect(&doc).or(record.kind),
                    None => record.kind.or_else(|| Kind::detect(&doc)),
                };
                (bytes, Some(doc), kind)
            }
        };
        let headers = headers(&record, source, notes);
        let params = http::redacted_params(&record.path);
        if !params.is_empty() {
            note(
                notes,
                format!(
                    "the query's {} was redacted in the capture: replay sends to the url it is given, so put it there, or capture with --keep-secrets",
                    params.join(", ")
                ),
            );
        }
        let outgoing = Outgoing {
            name: format!("#{} {}", record.index, kind.map_or("unknown", Kind::name)),
            kind,
            doc,
            bytes,
            headers: overrides(headers),
        };
        resends.push(Resend { outgoing, edited: edits.any() });
    }
    Ok(resends)
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
