//! `hookctl completions SHELL`: a completion script made from the command-line definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Exit, Result};
use crate::output::Out;

pub fn run(args: CompletionsArgs, o: &mut Out) -> Result<Exit> {
    clap_complete::generate(args.shell, &mut Cli::command(), "hookctl", &mut *o.out);
    Ok(Exit::Ok)
}
