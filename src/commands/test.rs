//! `hookctl test`: run contract suites, print the results (values from the environment masked),
//! and write the JUnit report when asked.

use std::path::PathBuf;

use super::{Globals, done, runtime};
use crate::cli::TestArgs;
use crate::defaults;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Out};
use crate::{input, suite};

pub fn run(args: TestArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    let opts = suite::Options {
        suites: suites(args.suites)?,
        url: args.url,
        env_url: defaults::env_url(),
        targets: args.target,
        ci: defaults::in_ci(),
        builtin: args.builtin,
        deny_warnings: args.deny_warnings,
        jobs: args.jobs.into(),
        filter: args.filter,
        option_case: g.option_case,
        // Shown under -v; the JSON report keeps them for failed cases only, whatever -v says.
        keep_exchanges: o.style.verbose() && !o.style.json(),
        show_secrets: args.show_secrets,
    };
    let report = runtime()?.block_on(suite::run(&opts))?;
    // Rendered aside first, to mask what came from the environment in everything shown.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    output::test(&mut Out { out: &mut out, err: &mut err, style: o.style }, &report)?;
    o.err.write_all(suite::mask(&report.secrets, &String::from_utf8_lossy(&err)).as_bytes())?;
    // The results before the JUnit file: a path that cannot be written must not hide them.
    o.out.write_all(suite::mask(&report.secrets, &String::from_utf8_lossy(&out)).as_bytes())?;
    o.out.flush()?;
    if let Some(path) = &args.junit {
        let xml = suite::mask(&report.secrets, &output::junit(&report)?);
        std::fs::write(path, xml).map_err(|e| {
            Error::usage(format!("--junit {}: cannot write: {}", path.display(), input::io_reason(&e)))
        })?;
    }
    done(&report)
}

/// The suites to run: those named, else ./hookctl.toml, which must then exist.
fn suites(named: Vec<PathBuf>) -> Result<Vec<PathBuf>> {
    if !named.is_empty() {
        return Ok(named);
    }
    let default = PathBuf::from(defaults::SUITE_PATH);
    if !default.exists() {
        return Err(Error::usage(format!(
            "no suite named and no {} in this directory: write one with `hookctl init`, or name one: hookctl test SUITE",
            defaults::SUITE_PATH
        )));
    }
    Ok(vec![default])
}
