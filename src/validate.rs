//! `hookctl validate`: judge payload and response files against the catalogue.

mod parallel;

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::capture;
use crate::catalogue::{Detection, Kind};
use crate::contract::{self, Context, Finding, TextVerdict, Verdict};
use crate::error::{Counts, Error, Outcome, Result};
use crate::input::{self, Entry, NotJson};
use crate::json::Text;

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
    /// Fields kept as their text (by label), in place of the empty values the verdict's fields
    /// hold for them: big parts of a document that nothing reads inside (see [`BIG_FIELD`]).
    #[serde(skip)]
    pub texts: Vec<(&'static str, Text)>,
}

/// A field left out of a document's tape that is at least this long is kept as its text rather
/// than parsed into a tree (BENCHMARKS.md, section 7).
pub const BIG_FIELD: usize = 64 << 10;

impl FileResult {
    fn new(source: String, kind_note: Option<String>, outcome: FileOutcome) -> Self {
        FileResult { source, kind_note, outcome, texts: Vec::new() }
    }

    /// The value of a field as shown: its text when it was kept as text.
    pub fn text(&self, label: &str) -> Option<&Text> {
        self.texts.iter().find(|(l, _)| *l == label).map(|(_, t)| t)
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

/// How each document of a run is judged.
#[derive(Clone, Copy)]
struct Judging<'a> {
    opts: &'a Options,
    /// The most bytes read of a document: `--max-size`, or less to warm a schema up.
    max_size: u64,
    /// What the documents answer, when known: it decides the kind of every eva document.
    answers: Option<Kind>,
    ctx: Context<'a>,
    /// The verdicts carry the fields that matter.
    fields: bool,
    /// What a document's tape is read without.
    unread: &'a contract::Unread,
}

/// The inputs, in order: listed already, or to walk while the documents are judged.
enum Inputs<'a> {
    Listed(Vec<Entry>),
    Walked(&'a [PathBuf]),
}

impl Inputs<'_> {
    /// Each entry to `emit`, in order, until it breaks; with the first `ahead` files found in a
    /// directory still being listed also given ahead ([`input::expand_ahead`]).
    fn feed(self, ahead: usize, emit: &mut dyn FnMut(Entry) -> ControlFlow<()>) {
        match self {
            Inputs::Listed(entries) => {
                for entry in entries {
                    if emit(entry).is_break() {
                        return;
                    }
                }
            }
            Inputs::Walked(inputs) => input::expand_ahead(inputs, ahead, emit),
        }
    }
}

/// Judge every input, handing each result to `sink` in the order of the inputs, and return the
/// summary. Inputs are read and judged on as many threads as the machine has cores, a bounded
/// number of them ahead of the sink, while directories are still being walked.
pub fn run(opts: &Options, sink: &mut dyn Sink) -> Result<Summary> {
    if opts.inputs.is_empty() {
        return Err(Error::usage("validate: give at least one FILE, DIR or '-' for standard input"));
    }
    let request = opts.request.as_deref().map(|r| read_request(r, opts.max_size)).transpose()?;
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
    let (inputs, many) = inputs(&opts.inputs);
    sink.expect(many);
    let fields = sink.wants_fields();
    let kinds = opts.kind.map_or_else(|| Kind::detectable(answers), |kind| vec![kind]);
    let unread = &contract::Unread::new(&kinds, ctx, fields);
    let judging = Judging { opts, max_size: opts.max_size, answers, ctx, fields, unread };
    let mut summary = Summary::default();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if cores <= 1 || !many {
        // One document (or one core): no thread to start.
        let mut failed = None;
        inputs.feed(0, &mut |entry| match give(&mut summary, sink, one(entry, judging)) {
            Ok(flow) => flow,
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        });
        return failed.map_or(Ok(summary), Err);
    }
    parallel::run(inputs, judging, cores, &mut |item| give(&mut summary, sink, item))?;
    Ok(summary)
}

/// The inputs, and whether more than one document may come (which decides the form of the results,
/// and so the fields gathered): a directory always may (it is walked while its documents are
/// judged); files and `-` are counted first, which costs nothing.
fn inputs(paths: &[PathBuf]) -> (Inputs<'_>, bool) {
    if paths.iter().any(|input| input.is_dir()) {
        return (Inputs::Walked(paths), true);
    }
    let mut entries = Vec::new();
    input::expand(paths, &mut |entry| {
        entries.push(entry);
        ControlFlow::Continue(())
    });
    let mut files = entries.iter().filter_map(Entry::path);
    let many = files.clone().nth(1).is_some() || files.any(capture::named_as_capture);
    (Inputs::Listed(entries), many)
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
fn one(entry: Entry, judging: Judging<'_>) -> Item {
    let unreadable = |source, error| FileResult::new(source, None, FileOutcome::Unreadable { error });
    let (path, dir) = match entry {
        Entry::File(path) => (path, None),
        Entry::Listed { path, dir } | Entry::Ahead { path, dir } => (path, Some(dir)),
        Entry::Error { source, error } => return Item::Files(vec![unreadable(source, error)]),
        Entry::Skipped { source, reason } => return Item::Skipped(Skipped { source, reason }),
    };
    let (source, max_size) = (input::label(&path), judging.max_size);
    // A capture of `listen --save`: each line is a document of its own.
    if capture::named_as_capture(&path) {
        return match capture::open(&path, max_size) {
            Ok(records) => captured(&source, records, judging),
            Err(error) => Item::Files(vec![unreadable(source, error.to_string())]),
        };
    }
    let read = match &dir {
        Some(dir) => input::read_listed(dir, &path, max_size),
        None => input::read_bytes(&path, max_size),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(error) => return Item::Files(vec![unreadable(source, error.to_string())]),
    };
    // Standard input may be a capture too (`cat captures.jsonl | hookctl validate -`).
    if dir.is_none() && input::is_stdin(&path) && capture::looks_like_capture(&bytes) {
        let records = capture::records(Box::new(std::io::Cursor::new(bytes)), max_size);
        return captured(&source, records, judging);
    }
    let (kind, answers) = (judging.opts.kind, judging.answers);
    let whole = |source, doc| judge(source, doc, kind, answers, judging.ctx, judging.fields);
    let result = judged(source.clone(), bytes, judging, whole);
    Item::Files(vec![result.unwrap_or_else(|why| not_json(source, kind, &why))])
}

/// A document judged from its bytes: on its tape when it can be (most documents keep their
/// contract), with no document made, else parsed whole and judged by `whole`. The error says why
/// the bytes are not JSON.
fn judged(
    source: String,
    bytes: Vec<u8>,
    judging: Judging<'_>,
    whole: impl FnOnce(String, Value) -> FileResult,
) -> std::result::Result<FileResult, NotJson> {
    let (kind, answers, ctx) = (judging.opts.kind, judging.answers, judging.ctx);
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(not_text) => return input::parse_or_why(not_text.as_bytes()).map(|doc| whole(source, doc)),
    };
    let Some(judged) = contract::judge_text(&text, judging.unread, kind, answers, ctx) else {
        return input::parse_or_why(text.as_bytes()).map(|doc| whole(source, doc));
    };
    let note = judged.detection.guess_note();
    if judged.left_out.is_empty() {
        return Ok(FileResult::new(source, note, FileOutcome::Checked(judged.verdict)));
    }
    let doc = Arc::new(text);
    match shown_from_text(&doc, judged) {
        Some((verdict, texts)) => {
            Ok(FileResult { texts, ..FileResult::new(source, note, FileOutcome::Checked(verdict)) })
        }
        // A field's text that does not parse (the tape read it: never), judged as if not on the tape.
        None => input::parse_or_why(doc.as_bytes()).map(|doc| whole(source, doc)),
    }
}

/// The verdict of a document judged on its tape, with each field left out of the tape parsed from
/// its text, or kept as its text when it is big ([`BIG_FIELD`]) and has no key twice.
fn shown_from_text(doc: &Arc<String>, judged: TextVerdict) -> Option<(Verdict, Vec<(&'static str, Text)>)> {
    let (mut verdict, mut texts) = (judged.verdict, Vec::new());
    for (label, at) in judged.left_out {
        match (at.len() >= BIG_FIELD).then(|| Text::new(Arc::clone(doc), at.clone())).flatten() {
            Some(text) => texts.push((label, text)),
            None => *verdict.fields.get_mut(label)? = crate::json::from_str(&doc[at]).ok()?,
        }
    }
    Some((verdict, texts))
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

/// Judge every request of a capture, each labelled `FILE:LINE`. What a listener received is a
/// request, so `--request` and `--expected-options` (which say what answers are answering) do not
/// apply to it; `--kind` does. A line that is not a capture record, or whose body is not JSON, is
/// an input error for that line; the others are still judged, unless `--strict` stops at the first
/// line that is not a record: [`Item::Stop`] then. A request the listener refused (for its
/// headers, or before it had its body) is said to be refused, and not judged.
fn captured(source: &str, records: capture::Records, judging: Judging<'_>) -> Item {
    let opts = judging.opts;
    let ctx = Context { option_case: opts.option_case, ..Context::default() };
    let kinds = opts.kind.map_or_else(|| Kind::detectable(None), |kind| vec![kind]);
    let unread = &contract::Unread::new(&kinds, ctx, judging.fields);
    let judging = Judging { answers: None, ctx, unread, ..judging };
    let mut files = Vec::new();
    for (n, record) in records {
        let source = format!("{source}:{n}");
        let unreadable = |error| FileResult::new(source.clone(), None, FileOutcome::Unreadable { error });
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                files.push(unreadable(format!("{source}: {e}")));
                if opts.strict {
                    return Item::Stop(files);
                }
                continue;
            }
        };
        if let Some(reason) = capture::refusal(&record) {
            let refused = Refusal { status: record.answer.status, reason: reason.to_string() };
            files.push(FileResult::new(source, None, FileOutcome::Refused { refused }));
            continue;
        }
        let whole = |source, doc: Value| {
            // The shape decides, as for any document; the listener's own word when it has none.
            let kind = opts.kind.or_else(|| Kind::detect_with(&doc, None).map_or(record.kind, |_| None));
            judge(source, doc, kind, None, ctx, judging.fields)
        };
        let result = record.body_bytes().map_err(|e| format!("{source}: {e}")).and_then(|bytes| {
            judged(source.clone(), bytes, judging, whole).map_err(|why| why.about(&source))
        });
        files.push(result.unwrap_or_else(unreadable));
    }
    if files.is_empty() {
        let error = format!("{source}: no captured requests");
        files.push(FileResult::new(source.to_string(), None, FileOutcome::Unreadable { error }));
    }
    Item::Files(files)
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
fn judge(
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
