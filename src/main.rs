//! The hookctl binary: parse the command line, run it, exit with the code its result says.

use std::process::ExitCode;

use colored::Colorize;
use hookctl::{Error, Exit};

fn main() -> ExitCode {
    hookctl::alloc::configure();
    let cli = match hookctl::cli::try_parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => {
            // clap says it all, tips and usage included: --help and --version on stdout (exit 0),
            // usage mistakes and the help shown for no command at all on stderr (exit 2).
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(Exit::Usage.code()) } else { ExitCode::SUCCESS };
        }
    };
    match hookctl::commands::run(cli) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e}", "error:".red().bold());
            ExitCode::from(e.exit().code())
        }
    }
}

// hookctl allocates many small values per request (JSON bodies, headers, reports) across worker
// threads; mimalloc keeps that off the hot path where the system allocator contends.
#[global_allocator]
static ALLOC: hookctl::alloc::Allocator = hookctl::alloc::Allocator;
