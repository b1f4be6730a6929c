//! `hookctl init` (and `hookctl test --init`): write the starter suite.

use std::path::Path;

use crate::cli::{InitArgs, TestArgs};
use crate::defaults;
use crate::error::{Error, Exit, Result};
use crate::output::Out;
use crate::{input, suite};

pub fn run(args: InitArgs, o: &mut Out) -> Result<Exit> {
    write(&args.path, args.force, o)
}

/// `hookctl test --init [SUITE]`: the same, to the first SUITE path.
pub fn from_test(args: TestArgs, o: &mut Out) -> Result<Exit> {
    let path = args.suites.first().cloned().unwrap_or_else(|| defaults::SUITE_PATH.into());
    write(&path, args.force, o)
}

/// Write the starter suite, refusing to overwrite unless forced.
fn write(path: &Path, force: bool, o: &mut Out) -> Result<Exit> {
    if path.exists() && !force {
        return Err(Error::usage(format!("{}: already exists (--force overwrites it)", path.display())));
    }
    std::fs::write(path, suite::starter())
        .map_err(|e| Error::usage(format!("{}: cannot write: {}", path.display(), input::io_reason(&e))))?;
    let run = if path == Path::new(defaults::SUITE_PATH) {
        "hookctl test".to_string()
    } else {
        format!("hookctl test {}", path.display())
    };
    writeln!(
        o.err,
        "wrote {}: a case for every built-in event. Run it: {run} (against hookctl's built-in receiver until WEBHOOK_URL or --url names your server)",
        path.display(),
    )?;
    Ok(Exit::Ok)
}
