//! The hookctl binary: parse the command line, run it, exit with the code its result says.

use std::process::ExitCode;

use clap::Parser;
use colored::Colorize;
use hookctl::{Error, Exit, cli::Cli};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's first line, without its tips and usage block.
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut first = lines.next().unwrap_or_default().to_string();
            if first.ends_with(':') {
                // "the following required arguments were not provided:" names them on the next line.
                first = format!("{first} {}", lines.next().unwrap_or_default());
            }
            let first = first.strip_prefix("error: ").unwrap_or(&first);
            eprintln!("{} {first} (see 'hookctl --help')", "error:".red().bold());
            return ExitCode::from(Exit::Usage.code());
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
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
