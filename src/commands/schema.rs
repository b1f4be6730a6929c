//! `hookctl schema KIND`: the JSON Schema of a document kind, as shipped; `--openapi`: every
//! webhook in one OpenAPI 3.1 document; `--report NAME`: the JSON Schema of one of hookctl's own
//! reports.

use crate::cli::SchemaArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{Out, ReportName};
use crate::{contract, openapi};

pub fn run(args: SchemaArgs, o: &mut Out) -> Result<Exit> {
    match (args.report, args.kind) {
        (Some(Some(report)), _) => o.out.write_all(report.schema().as_bytes())?,
        (Some(None), _) => return Err(Error::usage(no_report_named())),
        (None, Some(kind)) if !args.openapi => o.json(&contract::schema(kind))?,
        (None, _) => o.json(&openapi::document())?,
    }
    Ok(Exit::Ok)
}

/// What `--report` without a name says: the names it takes.
fn no_report_named() -> String {
    let names: Vec<&str> = ReportName::ALL.iter().map(|r| r.name()).collect();
    format!("--report needs the name of a report, one of: {}", names.join(", "))
}
