//! `hookctl validate`: judge payload and response files against the catalogue.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::capture;
use crate::catalogue::{Detection, Kind};
use crate::contract::{self, Context, Verdict};
use crate::error::{Counts, Error, Outcome, Result};
use crate::input::{self, Entry};

#[derive(Debug)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub kind: Option<Kind>,
    /// The request a response answers: enables the option check and context comparisons.
    pub request: Option<PathBuf>,
    pub expected_options: Option<Vec<String>>,
    pub option_case: contract::OptionCase,
    /// The most bytes read of any document (`--max-size`).
    pub max_size: u64,
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
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum FileOutcome {
    Checked(Verdict),
    /// The input could not be judged: unreadable, not JSON, or of no known kind.
    Unreadable {
        error: String,
    },
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub valid: usize,
    pub invalid: usize,
    pub unreadable: usize,
    pub warnings: usize,
    /// Entries of directories that were not read (not regular files, links to directories).
    pub skipped: usize,
}

/// Something found in a directory and not read, and why.
#[derive(Debug, Serialize)]
pub struct Skipped {
    pub source: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub files: Vec<FileResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    pub summary: Summary,
}

impl Outcome for Report {
    /// An input that could not be read is an input error; an invalid one a contract failure.
    /// What a directory held and was skipped counts for nothing (a directory of which nothing was
    /// read is itself an input error).
    fn counts(&self) -> Counts {
        Counts { transport: 0, input: self.summary.unreadable, contract: self.summary.invalid }
    }
}

pub fn run(opts: &Options) -> Result<Report> {
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
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in input::expand(&opts.inputs) {
        let unreadable = |source, error| FileResult {
            source,
            kind_note: None,
            outcome: FileOutcome::Unreadable { error },
        };
        match entry {
            // A capture of `listen --save`: each line is a document of its own.
            Entry::File(path) if capture::named_as_capture(&path) => match capture::open(&path) {
                Ok(reader) => captured(&input::label(&path), reader, opts, &mut files),
                Err(error) => files.push(unreadable(input::label(&path), error)),
            },
            Entry::File(path) => {
                let source = input::label(&path);
                let bytes = match input::read_bytes(&path, opts.max_size) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        files.push(unreadable(source, error));
                        continue;
                    }
                };
                // Standard input may be a capture too (`cat captures.jsonl | hookctl validate -`).
                if path == std::path::Path::new("-") && capture::looks_like_capture(&bytes) {
                    captured(&source, Box::new(std::io::Cursor::new(bytes)), opts, &mut files);
                    continue;
                }
                files.push(match input::parse(&source, &bytes) {
                    Ok(doc) => {
                        drop(bytes);
                        judge(source, doc, opts.kind, answers, ctx)
                    }
                    Err(error) => unreadable(source, error),
                });
            }
            Entry::Error { source, error } => files.push(unreadable(source, error)),
            Entry::Skipped { source, reason } => skipped.push(Skipped { source, reason }),
        }
    }
    let mut summary = Summary { files: files.len(), skipped: skipped.len(), ..Summary::default() };
    for f in &files {
        match &f.outcome {
            FileOutcome::Checked(v) if v.valid => summary.valid += 1,
            FileOutcome::Checked(_) => summary.invalid += 1,
            FileOutcome::Unreadable { .. } => summary.unreadable += 1,
        }
        if let FileOutcome::Checked(v) = &f.outcome {
            summary.warnings += v.warnings.len();
        }
    }
    Ok(Report { files, skipped, summary })
}

/// Judge every request of a capture, each labelled `FILE:LINE`. What a listener received is a
/// request, so `--request` and `--expected-options` (which say what answers are answering) do not
/// apply to it; `--kind` does. A line that is not a capture record, or whose body is not JSON, is
/// an input error for that line; the others are still judged.
fn captured(source: &str, reader: Box<dyn std::io::BufRead>, opts: &Options, files: &mut Vec<FileResult>) {
    let ctx = Context { option_case: opts.option_case, ..Context::default() };
    let before = files.len();
    for (n, record) in capture::records(reader, opts.max_size) {
        let source = format!("{source}:{n}");
        let unreadable = |error| FileResult {
            source: source.clone(),
            kind_note: None,
            outcome: FileOutcome::Unreadable { error },
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                files.push(unreadable(format!("{source}: {e}")));
                continue;
            }
        };
        let doc = match record.body_bytes().map_err(|e| format!("{source}: {e}")) {
            Ok(bytes) => input::parse(&source, &bytes),
            Err(e) => Err(e),
        };
        files.push(match doc {
            Ok(doc) => {
                // The shape decides, as for any document; the listener's own word when it has none.
                let kind = opts.kind.or_else(|| Kind::detect_with(&doc, None).map_or(record.kind, |_| None));
                judge(source, doc, kind, None, ctx)
            }
            Err(error) => unreadable(error),
        });
    }
    if files.len() == before {
        files.push(FileResult {
            source: source.to_string(),
            kind_note: None,
            outcome: FileOutcome::Unreadable { error: format!("{source}: no captured requests") },
        });
    }
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
/// says, else of no known kind.
pub fn judge(
    source: String,
    doc: Value,
    kind: Option<Kind>,
    answers: Option<Kind>,
    ctx: Context<'_>,
) -> FileResult {
    let detection = match kind {
        Some(kind) => Some(Detection { kind, closest: None }),
        None => Kind::detect_with(&doc, answers),
    };
    match detection {
        Some(d) => FileResult {
            kind_note: d.guess_note(),
            outcome: FileOutcome::Checked(contract::check_owned(d.kind, doc, ctx)),
            source,
        },
        None => FileResult {
            outcome: FileOutcome::Unreadable {
                error: format!(
                    "{source}: JSON of no known kind (not a Botpress event, nor an eva request or answer); pass --kind"
                ),
            },
            kind_note: None,
            source,
        },
    }
}
