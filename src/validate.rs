//! `hookctl validate`: judge payload and response files against the catalogue.

pub mod skeleton;

use std::ops::ControlFlow;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::capture;
use crate::catalogue::{Detection, Kind};
use crate::contract::{self, Context, Finding, Verdict};
use crate::error::{Counts, Error, Outcome, Result};
use crate::input::{self, Entry, NotJson};

#[derive(Debug, Clone)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub kind: Option<Kind>,
    /// The request a response answers: enables the option check and context comparisons.
    pub request: Option<PathBuf>,
    pub expected_options: Option<Vec<String>>,
    pub option_case: contract::OptionCase,
    /// The most bytes read of any document (`--max-size`).
    pub max_size: u64,
    /// Stop at the first line of a capture that is not a record (`--strict`).
    pub strict: bool,
}

/// The result for one input.
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub source: String,
    /// Set when the document fitted no kind exactly and was judged as the closest one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_note: Option<String>,
    #[serde(flatten)]
    pub outcome: FileOutcome,
    /// Fields of a big document kept as their text (by label), in place of the empty values the
    /// verdict's fields hold for them ([`skeleton`]).
    #[serde(skip)]
    pub texts: Vec<(String, skeleton::Text)>,
}

impl FileResult {
    fn new(source: String, kind_note: Option<String>, outcome: FileOutcome) -> Self {
        FileResult { source, kind_note, outcome, texts: Vec::new() }
    }

    /// The value of a field as shown: its text when it was kept as text.
    pub fn text(&self, label: &str) -> Option<&skeleton::Text> {
        self.texts.iter().find(|(l, _)| l == label).map(|(_, t)| t)
    }

    /// The result as `-o json` writes it: with the fields kept as text written out in full, as
    /// their parsed values would be.
    pub fn shown(&self) -> Shown<'_> {
        Shown(self)
    }
}

/// A [`FileResult`] with its fields kept as text written in place.
pub struct Shown<'a>(&'a FileResult);

impl Serialize for Shown<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap};
        let f = self.0;
        if f.texts.is_empty() {
            return f.serialize(s);
        }
        // Written as the derived form is, entry by entry: the fields kept as text hold only
        // empty values in the verdict, so this copy is small.
        let Value::Object(head) = serde_json::to_value(f).map_err(S::Error::custom)? else {
            return Err(S::Error::custom("a file result is an object"));
        };
        let mut map = s.serialize_map(Some(head.len()))?;
        for (key, value) in &head {
            match value {
                Value::Object(fields) if key == "fields" => map.serialize_entry(key, &Fields(fields, f))?,
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// A verdict's fields with those kept as text in place.
struct Fields<'a>(&'a serde_json::Map<String, Value>, &'a FileResult);

impl Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (label, value) in self.0 {
            match self.1.text(label) {
                Some(text) => map.serialize_entry(label, text)?,
                None => map.serialize_entry(label, value)?,
            }
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum FileOutcome {
    Checked(Verdict),
    /// A captured request the listener refused, for its headers (`listen --require-header`) or
    /// before it had its body (413, 408, 400 for broken framing): what the platform sent is not
    /// judged, since the server would not have read it either.
    Refused {
        refused: Refusal,
    },
    /// The input could not be judged: unreadable, not JSON, or of no known kind.
    Unreadable {
        error: String,
    },
}

/// How a captured request was refused: the status answered, and why.
#[derive(Debug, Serialize)]
pub struct Refusal {
    pub status: u16,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub valid: usize,
    pub invalid: usize,
    pub unreadable: usize,
    /// Captured requests the listener refused (for their headers, or before it had their body),
    /// and so not judged.
    pub refused: usize,
    pub warnings: usize,
    /// Entries of directories that were not read (not regular files, links to directories).
    pub skipped: usize,
    /// `--strict`: the line of a capture (`FILE:LINE`) that was not a record, where the run
    /// stopped; nothing after it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<String>,
}

/// Something found in a directory and not read, and why.
#[derive(Debug, Serialize)]
pub struct Skipped {
    pub source: String,
    pub reason: String,
}

/// Where the results go, as they are made, in the order of the inputs: `validate` holds no more
/// than a few documents at a time, whatever the number of inputs.
pub trait Sink {
    /// An entry of a directory that was not read.
    fn skipped(&mut self, skipped: Skipped) -> Result<()>;
    /// The result for one input (or one line of a capture).
    fn file(&mut self, file: FileResult) -> Result<()>;
    /// Told once the inputs are known, before any result: whether more than one document may
    /// come (several files, or a capture of many requests).
    fn expect(&mut self, _many: bool) {}
    /// Whether the verdicts should carry the fields that matter. A sink that never shows them
    /// says no, and they are not gathered. Asked after [`Sink::expect`].
    fn wants_fields(&self) -> bool {
        true
    }
}

impl Outcome for Summary {
    /// An input that could not be read is an input error; an invalid one a contract failure.
    /// What a directory held and was skipped counts for nothing (a directory of which nothing was
    /// read is itself an input error), and so does a captured request the listener refused:
    /// refusing it was the listener's doing, not a fault of the platform's body.
    fn counts(&self) -> Counts {
        Counts { transport: 0, input: self.unreadable, contract: self.invalid }
    }
}

/// What one entry of the inputs gives.
enum Item {
    Files(Vec<FileResult>),
    /// The results of a capture up to its first line that is not a record, the last of them,
    /// under `--strict`: the run stops there.
    Stop(Vec<FileResult>),
    Skipped(Skipped),
}

/// How many batches wait in each queue between the threads: with [`BATCH`], the bound on what
/// is held at once.
const AHEAD: usize = 4;

/// How many entries a worker takes at a time, at first and at most. Each batch handed over can
/// wake a thread, which costs about as much as judging a document, so batches grow from the first
/// (which lets a few inputs still share the cores, and the first results come soon) to the most
/// (which bounds what a worker can still hold when the others are done).
const BATCH: (usize, usize) = (16, 256);

/// The largest document judged to warm a schema (one read of [`input::read_listed`]): judging a
/// bigger one twice would cost more than the wait it saves.
const WARM_UP_MAX: u64 = 64 << 10;

/// What the feeder hands the workers.
enum Job {
    /// The first document found in a directory still being listed, judged at once and the result
    /// dropped: judging it compiles the schema of its kind (most of a directory is often of one
    /// kind), which then is done when the listing ends and the batches come, instead of keeping
    /// every worker but one waiting for it. It is judged again in its place. Only a document of
    /// at most [`WARM_UP_MAX`] is judged so.
    WarmUp(Entry),
    /// The next batch of entries in order, with its number.
    Batch(usize, Vec<Entry>),
}

/// Judge every input, handing each result to `sink` in the order of the inputs, and return the
/// summary. Inputs are read and judged on as many threads as the machine has cores, a bounded
/// number of them ahead of the sink, while directories are still being walked.
pub fn run(opts: &Options, sink: &mut dyn Sink) -> Result<Summary> {
    if opts.inputs.is_empty() {
        return Err(Error::usage("validate: give at least one FILE, DIR or '-' for standard input"));
    }
    let request = opts.request.as_deref().map(|r| read_request(r, opts.max_size)).transpose()?;
    // What the documents answer, when known: it decides the kind of every eva document.
    let answers = match (&request, &opts.expected_options) {
        (Some((_, kind)), _) => kind.response_kind(),
        (None, Some(_)) => Some(Kind::EvaServiceResponse),
        (None, None) => None,
    };
    let ctx = Context {
        request: request.as_ref().map(|(doc, _)| doc),
        expected_options: opts.expected_options.as_deref(),
        option_case: opts.option_case,
        show_secrets: false,
    };
    let mut summary = Summary::default();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // Whether more than one document may come decides the form of the results, and so the fields
    // gathered: a directory always may (it is walked while its documents are judged); files and
    // `-` are counted first, which costs nothing.
    let dirs = opts.inputs.iter().any(|input| input.is_dir());
    let listed = (!dirs).then(|| {
        let mut entries = Vec::new();
        input::expand(&opts.inputs, &mut |entry| {
            entries.push(entry);
            ControlFlow::Continue(())
        });
        entries
    });
    let many = listed.as_ref().is_none_or(|entries| {
        let mut files = entries.iter().filter_map(Entry::path);
        files.clone().nth(1).is_some() || files.any(capture::named_as_capture)
    });
    sink.expect(many);
    let fields = sink.wants_fields();
    let unread = &unread_parts(opts, answers, ctx, fields);
    // Each entry, in order, from the list or from the walk.
    let feed = move |ahead: usize, emit: &mut dyn FnMut(Entry) -> ControlFlow<()>| match listed {
        Some(entries) => {
            for entry in entries {
                if emit(entry).is_break() {
                    return;
                }
            }
        }
        None => input::expand_ahead(&opts.inputs, ahead, emit),
    };
    if cores <= 1 || !many {
        // One document (or one core): no thread to start.
        let mut failed = None;
        feed(
            0,
            &mut |entry| match give(&mut summary, sink, one(entry, opts, answers, ctx, fields, unread)) {
                Ok(flow) => flow,
                Err(e) => {
                    failed = Some(e);
                    ControlFlow::Break(())
                }
            },
        );
        return failed.map_or(Ok(summary), Err);
    }
    // A feeder walks the inputs and hands the entries out in order through a short queue; the
    // workers' results come back through another, and are put back in order here. Both queues
    // are bounded, so what is held at once is bounded too, however slow the sink.
    let (jobs_tx, jobs_rx) = std::sync::mpsc::sync_channel::<Job>(AHEAD);
    // Shared by the workers, and gone with the last of them, which stops the feeder.
    let jobs_rx = std::sync::Arc::new(std::sync::Mutex::new(jobs_rx));
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Item>)>(AHEAD);
    let warm_up = &Options { max_size: opts.max_size.min(WARM_UP_MAX), ..opts.clone() };
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let (mut size, mut i) = (BATCH.0, 0);
            let mut batch = Vec::with_capacity(size);
            feed(1, &mut |entry| {
                if let Entry::Ahead { .. } = entry {
                    return if jobs_tx.send(Job::WarmUp(entry)).is_err() {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    };
                }
                batch.push(entry);
                if batch.len() < size {
                    return ControlFlow::Continue(());
                }
                size = (size * 2).min(BATCH.1);
                let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
                i += 1;
                if jobs_tx.send(Job::Batch(i - 1, full)).is_err() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            if !batch.is_empty() {
                let _ = jobs_tx.send(Job::Batch(i, batch));
            }
        });
        for _ in 0..cores {
            let tx = tx.clone();
            let jobs_rx = std::sync::Arc::clone(&jobs_rx);
            scope.spawn(move || {
                loop {
                    let job = match jobs_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let (i, batch) = match job {
                        Ok(Job::Batch(i, batch)) => (i, batch),
                        Ok(Job::WarmUp(entry)) => {
                            drop(one(entry, warm_up, answers, ctx, fields, unread));
                            continue;
                        }
                        Err(_) => return,
                    };
                    let items = batch
                        .into_iter()
                        .map(|entry| one(entry, opts, answers, ctx, fields, unread))
                        .collect();
                    if tx.send((i, items)).is_err() {
                        return;
                    }
                }
            });
        }
        drop((tx, jobs_rx));
        let mut waiting = std::collections::BTreeMap::new();
        let mut want = 0;
        // Owned here, so that on an error it is dropped at once and the workers stop.
        for (i, item) in rx {
            waiting.insert(i, item);
            while let Some(items) = waiting.remove(&want) {
                for item in items {
                    // On an error, or a stop, the queues are dropped on return, which stops the
                    // feeder and the workers.
                    if give(&mut summary, sink, item)?.is_break() {
                        return Ok(());
                    }
                }
                want += 1;
            }
        }
        Ok::<(), Error>(())
    })?;
    Ok(summary)
}

/// The parts of a document nothing reads, for the kinds it may be judged as.
fn unread_parts(opts: &Options, answers: Option<Kind>, ctx: Context<'_>, fields: bool) -> contract::Unread {
    let kinds = opts.kind.map_or_else(|| Kind::detectable(answers), |kind| vec![kind]);
    contract::Unread::new(&kinds, ctx, fields)
}

/// Count what an entry gave, and hand it to the sink; break when the run stops there.
fn give(summary: &mut Summary, sink: &mut dyn Sink, item: Item) -> Result<ControlFlow<()>> {
    match item {
        Item::Skipped(s) => {
            summary.skipped += 1;
            sink.skipped(s)?;
            Ok(ControlFlow::Continue(()))
        }
        Item::Files(files) => {
            files.into_iter().try_for_each(|f| counted(summary, sink, f))?;
            Ok(ControlFlow::Continue(()))
        }
        Item::Stop(files) => {
            summary.stopped_at = files.last().map(|f| f.source.clone());
            files.into_iter().try_for_each(|f| counted(summary, sink, f))?;
            Ok(ControlFlow::Break(()))
        }
    }
}

/// Count one result, and hand it to the sink.
fn counted(summary: &mut Summary, sink: &mut dyn Sink, f: FileResult) -> Result<()> {
    summary.files += 1;
    match &f.outcome {
        FileOutcome::Checked(v) if v.valid => summary.valid += 1,
        FileOutcome::Checked(_) => summary.invalid += 1,
        FileOutcome::Refused { .. } => summary.refused += 1,
        FileOutcome::Unreadable { .. } => summary.unreadable += 1,
    }
    if let FileOutcome::Checked(v) = &f.outcome {
        summary.warnings += v.warnings.len();
    }
    sink.file(f)
}

/// Read and judge one entry of the inputs.
fn one(
    entry: Entry,
    opts: &Options,
    answers: Option<Kind>,
    ctx: Context<'_>,
    fields: bool,
    unread: &contract::Unread,
) -> Item {
    let unreadable = |source, error| FileResult::new(source, None, FileOutcome::Unreadable { error });
    let mut files = Vec::new();
    let (path, dir) = match entry {
        Entry::File(path) => (path, None),
        Entry::Listed { path, dir } | Entry::Ahead { path, dir } => (path, Some(dir)),
        Entry::Error { source, error } => return Item::Files(vec![unreadable(source, error)]),
        Entry::Skipped { source, reason } => return Item::Skipped(Skipped { source, reason }),
    };
    let source = input::label(&path);
    // A capture of `listen --save`: each line is a document of its own.
    if capture::named_as_capture(&path) {
        let stopped = match capture::open(&path, opts.max_size) {
            Ok(records) => captured(&source, records, opts, fields, &mut files),
            Err(error) => {
                files.push(unreadable(source, error.to_string()));
                false
            }
        };
        return if stopped { Item::Stop(files) } else { Item::Files(files) };
    }
    let read = match &dir {
        Some(dir) => input::read_listed(dir, &path, opts.max_size),
        None => input::read_bytes(&path, opts.max_size),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(error) => return Item::Files(vec![unreadable(source, error.to_string())]),
    };
    // Standard input may be a capture too (`cat captures.jsonl | hookctl validate -`).
    if dir.is_none() && input::is_stdin(&path) && capture::looks_like_capture(&bytes) {
        let records = capture::records(Box::new(std::io::Cursor::new(bytes)), opts.max_size);
        let stopped = captured(&source, records, opts, fields, &mut files);
        return if stopped { Item::Stop(files) } else { Item::Files(files) };
    }
    // A big document is judged without building the parts of its tree nothing reads.
    let bytes = if bytes.len() >= skeleton::BIG {
        match skeleton::judge(&source, bytes, opts.kind, answers, ctx) {
            Ok(result) => return Item::Files(vec![result]),
            Err(bytes) => bytes,
        }
    } else {
        bytes
    };
    // Most documents keep their contract: one is judged from its text when it can be, with no
    // document made.
    if let Some((d, verdict)) = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| contract::judged_on_tape(text, unread, opts.kind, answers, ctx))
    {
        return Item::Files(vec![FileResult::new(source, d.guess_note(), FileOutcome::Checked(verdict))]);
    }
    let judged = |doc| judge(source.clone(), doc, opts.kind, answers, ctx, fields);
    files.push(parse_judged(&bytes, unread, judged).unwrap_or_else(|why| not_json(source, opts.kind, &why)));
    Item::Files(files)
}

/// A document that is not JSON. Validated as an answer (`--kind` of an answer), it is a server's
/// broken answer: a contract failure, as `send` reports the same body. Anything else (no kind
/// given, or a request's kind) is an input error naming the file.
fn not_json(source: String, kind: Option<Kind>, why: &NotJson) -> FileResult {
    let Some(kind) = kind.filter(|k| k.is_response()) else {
        let error = why.about(&source);
        return FileResult::new(source, None, FileOutcome::Unreadable { error });
    };
    let message = match why {
        NotJson::Empty => "the answer is empty".to_string(),
        NotJson::Binary => "the answer is not JSON: binary data, not JSON text".to_string(),
        NotJson::Invalid(reason) => format!("the answer is not JSON: {reason}"),
    };
    let verdict = Verdict {
        kind,
        valid: false,
        errors: vec![Finding::new("", message)],
        warnings: Vec::new(),
        not_checked: Vec::new(),
        fields: contract::Fields::default(),
    };
    FileResult::new(source, None, FileOutcome::Checked(verdict))
}

/// Parse a document leaving out what `unread` names, and judge it with `judged`; one parsed without
/// a part its kind reads, or judged with any finding, is parsed again whole and judged again, so
/// that what is said shows it as it is. The error says why the bytes are not JSON.
fn parse_judged(
    bytes: &[u8],
    unread: &contract::Unread,
    judged: impl Fn(Value) -> FileResult,
) -> std::result::Result<FileResult, NotJson> {
    unread.judged(
        |skips| input::parse_or_why(bytes, skips),
        judged,
        |result| match &result.outcome {
            FileOutcome::Checked(v) => (Some(v.kind), v.says_something()),
            FileOutcome::Refused { .. } | FileOutcome::Unreadable { .. } => (None, true),
        },
    )
}

/// Judge every request of a capture, each labelled `FILE:LINE`. What a listener received is a
/// request, so `--request` and `--expected-options` (which say what answers are answering) do not
/// apply to it; `--kind` does. A line that is not a capture record, or whose body is not JSON, is
/// an input error for that line; the others are still judged, unless `--strict` stops at the first
/// line that is not a record: then it returns true. A request the listener refused (for its
/// headers, or before it had its body) is said to be refused, and not judged.
fn captured(
    source: &str,
    records: capture::Records,
    opts: &Options,
    fields: bool,
    files: &mut Vec<FileResult>,
) -> bool {
    let ctx = Context { option_case: opts.option_case, ..Context::default() };
    let kinds = opts.kind.map_or_else(|| Kind::detectable(None), |kind| vec![kind]);
    let unread = contract::Unread::new(&kinds, ctx, fields);
    let before = files.len();
    for (n, record) in records {
        let source = format!("{source}:{n}");
        let unreadable = |error| FileResult::new(source.clone(), None, FileOutcome::Unreadable { error });
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                files.push(unreadable(format!("{source}: {e}")));
                if opts.strict {
                    return true;
                }
                continue;
            }
        };
        if let Some(reason) = capture::refusal(&record) {
            let refused = Refusal { status: record.answer.status, reason: reason.to_string() };
            files.push(FileResult::new(source, None, FileOutcome::Refused { refused }));
            continue;
        }
        let judged = |doc: Value| {
            // The shape decides, as for any document; the listener's own word when it has none.
            let kind = opts.kind.or_else(|| Kind::detect_with(&doc, None).map_or(record.kind, |_| None));
            judge(source.clone(), doc, kind, None, ctx, fields)
        };
        let result = record
            .body_bytes()
            .map_err(|e| format!("{source}: {e}"))
            .and_then(|bytes| parse_judged(&bytes, &unread, judged).map_err(|why| why.about(&source)));
        files.push(result.unwrap_or_else(unreadable));
    }
    if files.len() == before {
        let error = format!("{source}: no captured requests");
        files.push(FileResult::new(source.to_string(), None, FileOutcome::Unreadable { error }));
    }
    false
}

/// Read `--request`: it must be a body eva sends (a service-cell or transactional-answer request).
fn read_request(path: &std::path::Path, max_size: u64) -> Result<(Value, Kind)> {
    let source = input::label(path);
    let doc = input::read_json_max(path, max_size).map_err(|e| Error::usage(format!("--request {e}")))?;
    match Kind::detect_with(&doc, None) {
        Some(d)
            if d.closest.is_none() && matches!(d.kind, Kind::EvaServiceRequest | Kind::EvaAnswerRequest) =>
        {
            Ok((doc, d.kind))
        }
        Some(d) if d.closest.is_none() => Err(Error::usage(format!(
            "--request {source}: this is {} {}, not an eva request; give the body eva sent to the webhook",
            if d.kind.is_response() { "an" } else { "a" },
            d.kind
        ))),
        Some(d) => Err(Error::usage(format!(
            "--request {source}: not an eva request eva would send ({}); it needs info and expectedOptions (service cell) or answer (transactional answer)",
            d.closest.unwrap_or_default()
        ))),
        None => Err(Error::usage(format!(
            "--request {source}: not an eva request (JSON of no known kind); it needs info and expectedOptions (service cell) or answer (transactional answer)"
        ))),
    }
}

/// Judge one parsed document: of the kind given, else of the kind its shape (and what it answers)
/// says, else of no known kind. The verdict carries the fields that matter when `fields` is set.
pub fn judge(
    source: String,
    doc: Value,
    kind: Option<Kind>,
    answers: Option<Kind>,
    ctx: Context<'_>,
    fields: bool,
) -> FileResult {
    let detection = match kind {
        Some(kind) => Some(Detection { kind, closest: None }),
        None => Kind::detect_with(&doc, answers),
    };
    match detection {
        Some(d) => FileResult::new(
            source,
            d.guess_note(),
            FileOutcome::Checked(if fields {
                contract::check_owned(d.kind, doc, ctx)
            } else {
                contract::check_bare(d.kind, &doc, ctx)
            }),
        ),
        None => {
            let error = format!(
                "{source}: JSON of no known kind (not a Botpress event, nor an eva request or answer); pass --kind"
            );
            FileResult::new(source, None, FileOutcome::Unreadable { error })
        }
    }
}
