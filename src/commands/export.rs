//! `hookctl export`: a capture as curl commands or a HAR log, on stdout or in a file (`--out`).

use std::io::Write;

use crate::cli::ExportArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Out};
use crate::{export, http, input, replay};

pub fn run(args: ExportArgs, o: &mut Out) -> Result<Exit> {
    let url = args.url.as_deref().map(|u| http::parse_url(u, "--url")).transpose()?;
    let captured = replay::read(&args.file, args.limit.max_size.0, args.strict)?;
    let records = replay::filter(captured.records, &args.filter)?;
    let source = input::label(&args.file);
    let opts = export::Options { url, show_secrets: args.show_secrets };
    let exported = export::export(&records, args.format, &opts, &source)?;
    for line in &captured.bad {
        o.diag(output::Level::Error, line)?;
    }
    match &args.out {
        None => output::export(o, &exported, None)?,
        Some(path) => {
            let cannot = |e: std::io::Error| {
                Error::usage(format!("--out {}: cannot write: {}", path.display(), input::io_reason(&e)))
            };
            let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(cannot)?);
            output::export(o, &exported, Some(&mut file))?;
            file.flush().map_err(cannot)?;
        }
    }
    Ok(if captured.bad.is_empty() { Exit::Ok } else { Exit::Usage })
}
