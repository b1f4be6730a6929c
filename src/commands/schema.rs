//! `hookctl schema KIND`: the JSON Schema of a document kind, as shipped; `--openapi`: every
//! webhook in one OpenAPI 3.1 document.

use crate::cli::SchemaArgs;
use crate::error::{Exit, Result};
use crate::output::Out;
use crate::{contract, openapi};

pub fn run(args: SchemaArgs, o: &mut Out) -> Result<Exit> {
    match args.kind {
        Some(kind) if !args.openapi => o.json(&contract::schema(kind))?,
        _ => o.json(&openapi::document())?,
    }
    Ok(Exit::Ok)
}
