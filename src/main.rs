//! The hookctl binary: parse the command line, run it, exit with the code its result says.

use std::io::IsTerminal;
use std::process::ExitCode;

use hookctl::output::{Level, colored_stream, tag};
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
    let err_color = colored_stream(cli.color, std::io::stderr().is_terminal());
    match hookctl::commands::run(cli) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e}", tag(Level::Error, err_color));
            ExitCode::from(e.exit().code())
        }
    }
}

// hookctl allocates many small values per request (JSON bodies, headers, reports) across worker
// threads; mimalloc keeps that off the hot path where the system allocator contends.
#[global_allocator]
static ALLOC: hookctl::alloc::Allocator = hookctl::alloc::Allocator;
