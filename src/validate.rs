//! `hookctl validate`: judge payload and response files against the catalogue.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::catalogue::Kind;
use crate::contract::{self, Context, Verdict};
use crate::error::{Error, Exit, Result};
use crate::input;

#[derive(Debug, Default)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub kind: Option<Kind>,
    /// The request a response answers: enables the option check and context comparisons.
    pub request: Option<PathBuf>,
    pub expected_options: Option<Vec<String>>,
    pub option_case: contract::OptionCase,
}

/// The result for one input.
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub source: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome {
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
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub files: Vec<FileResult>,
    pub summary: Summary,
}

impl Report {
    /// 2 if any input could not be read, else 1 if any is invalid, else 0.
    pub fn exit(&self) -> Exit {
        if self.summary.unreadable > 0 {
            Exit::Usage
        } else if self.summary.invalid > 0 {
            Exit::Contract
        } else {
            Exit::Ok
        }
    }
}

pub fn run(opts: &Options) -> Result<Report> {
    if opts.inputs.is_empty() {
        return Err(Error::usage("validate: give at least one FILE, DIR or '-' for standard input"));
    }
    let request = opts
        .request
        .as_deref()
        .map(|p| input::read_json(p).map_err(|e| Error::usage(format!("--request {e}"))))
        .transpose()?;
    let ctx = Context {
        request: request.as_ref(),
        expected_options: opts.expected_options.as_deref(),
        option_case: opts.option_case,
    };
    let files: Vec<FileResult> = input::expand(&opts.inputs)
        .into_iter()
        .map(|path| match path {
            Ok(path) => {
                let source = input::label(&path);
                let outcome = match input::read_json(&path) {
                    Ok(doc) => judge(&source, &doc, opts.kind, ctx),
                    Err(error) => Outcome::Unreadable { error },
                };
                FileResult { source, outcome }
            }
            Err((source, error)) => FileResult { source, outcome: Outcome::Unreadable { error } },
        })
        .collect();
    let mut summary = Summary { files: files.len(), ..Summary::default() };
    for f in &files {
        match &f.outcome {
            Outcome::Checked(v) if v.valid => summary.valid += 1,
            Outcome::Checked(_) => summary.invalid += 1,
            Outcome::Unreadable { .. } => summary.unreadable += 1,
        }
        if let Outcome::Checked(v) = &f.outcome {
            summary.warnings += v.warnings.len();
        }
    }
    Ok(Report { files, summary })
}

/// Judge one parsed document, detecting its kind unless one was given.
pub fn judge(source: &str, doc: &Value, kind: Option<Kind>, ctx: Context<'_>) -> Outcome {
    match kind.or_else(|| Kind::detect(doc)) {
        Some(kind) => Outcome::Checked(contract::check(kind, doc, ctx)),
        None => Outcome::Unreadable {
            error: format!(
                "{source}: JSON of no known kind (not a Botpress event, nor an eva request or response); pass --kind"
            ),
        },
    }
}
