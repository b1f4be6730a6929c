//! `hookctl schema KIND`: the JSON Schema of a document kind, as shipped; `--openapi`: every
//! webhook in one OpenAPI 3.1 document (`--paths`: also as the receiver's operations, `--server`:
//! the receiver's URL); `--report NAME`: the JSON Schema of one of hookctl's own reports.

use crate::cli::SchemaArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{Out, ReportName};
use crate::{contract, http, openapi};

pub fn run(args: SchemaArgs, o: &mut Out) -> Result<Exit> {
    match (args.report, args.kind) {
        (Some(Some(report)), _) => o.out.write_all(report.schema().as_bytes())?,
        (Some(None), _) => return Err(Error::usage(no_report_named())),
        (None, Some(kind)) if !args.openapi => o.json(&contract::schema(kind))?,
        (None, _) => {
            let server = args.server.as_deref().map(server_url).transpose()?;
            o.json(&openapi::document(&openapi::Options { paths: args.paths, server }))?
        }
    }
    Ok(Exit::Ok)
}

/// What `--report` without a name says: the names it takes.
fn no_report_named() -> String {
    let names: Vec<&str> = ReportName::ALL.iter().map(|r| r.name()).collect();
    format!("--report needs the name of a report, one of: {}", names.join(", "))
}

/// `--server`: an absolute http(s) URL, the base that the document's paths follow, so without a
/// query or a fragment.
fn server_url(raw: &str) -> Result<url::Url> {
    let url = http::parse_url(raw, "--server")?;
    if url.query().is_some() || url.fragment().is_some() {
        let shown = http::shown_raw_url(raw);
        return Err(Error::usage(format!(
            "--server '{shown}': a server URL is the base the paths follow, without a query or a fragment"
        )));
    }
    Ok(url)
}
