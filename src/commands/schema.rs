//! `hookctl schema KIND`: the JSON Schema of a document kind, as shipped.

use crate::cli::SchemaArgs;
use crate::contract;
use crate::error::{Exit, Result};
use crate::output::Out;

pub fn run(args: SchemaArgs, o: &mut Out) -> Result<Exit> {
    o.json(&contract::schema(args.kind))?;
    Ok(Exit::Ok)
}
