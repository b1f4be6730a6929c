//! `hookctl schema KIND`: the JSON Schema of a document kind, as shipped; `--openapi`: every
//! webhook in one OpenAPI 3.1 document (`--paths`: also as the receiver's operations, `--server`:
//! the receiver's URL).

use crate::cli::SchemaArgs;
use crate::error::{Error, Exit, Result};
use crate::output::Out;
use crate::{contract, http, openapi};

pub fn run(args: SchemaArgs, o: &mut Out) -> Result<Exit> {
    match args.kind {
        Some(kind) if !args.openapi => o.json(&contract::schema(kind))?,
        _ => {
            let server = args.server.as_deref().map(server_url).transpose()?;
            o.json(&openapi::document(&openapi::Options { paths: args.paths, server }))?
        }
    }
    Ok(Exit::Ok)
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
