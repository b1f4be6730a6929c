//! The commands: each module turns its arguments into options, calls the core, and hands the
//! result to its renderer. The exit code comes from the result ([`Outcome`]), by one rule.

mod completions;
mod export;
mod init;
mod list;
mod listen;
mod man;
mod replay;
mod scenario;
mod schema;
mod send;
mod show;
mod test;
mod validate;

use std::io::{self, IsTerminal};

use crate::cli::{Cli, Command, DeliveryArgs};
use crate::contract::OptionCase;
use crate::error::{Error, Exit, Outcome, Result};
use crate::output::{Out, Style, Verbosity};

/// What every command may need beside its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Globals {
    pub option_case: OptionCase,
}

/// Run one parsed command line. Errors that stop a command come back as `Err`; outcomes (contract
/// or transport failures included) come back as their exit code.
pub fn run(cli: Cli) -> Result<Exit> {
    let style = Style::new(cli.output, cli.color, io::stdout().is_terminal(), io::stderr().is_terminal());
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let width = if style.terminal { crate::output::terminal_width() } else { None };
    let style = style.with_verbosity(verbosity).with_width(width);
    style.apply();
    // Stdout is held for the run (only renderers write there); stderr is not, since a progress
    // bar draws on it from other threads.
    let (mut stdout, mut stderr) = (io::stdout().lock(), io::stderr());
    let mut o = Out { out: &mut stdout, err: &mut stderr, style };
    let g = Globals { option_case: cli.option_case() };
    let exit = match cli.command {
        Command::List => list::run(&mut o)?,
        Command::Show(args) => show::run(args, &mut o)?,
        Command::Schema(args) => schema::run(args, &mut o)?,
        Command::Validate(args) => validate::run(args, g, &mut o)?,
        Command::Send(args) => send::run(args, g, &mut o)?,
        Command::Scenario(args) => scenario::run(args, g, &mut o)?,
        Command::Listen(args) => listen::run(args, g, &mut o)?,
        Command::Replay(args) => replay::run(args, g, &mut o)?,
        Command::Export(args) => export::run(args, &mut o)?,
        Command::Test(args) if args.init => init::from_test(args, &mut o)?,
        Command::Test(args) => test::run(args, g, &mut o)?,
        Command::Init(args) => init::run(args, &mut o)?,
        Command::Completions(args) => completions::run(args, &mut o)?,
        Command::Man(args) => man::run(args, &mut o)?,
    };
    o.out.flush()?;
    Ok(exit)
}

/// The exit code of a result, once it is rendered.
fn done(outcome: &impl Outcome) -> Result<Exit> {
    Ok(outcome.exit())
}

/// One async runtime for the whole command.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))
}

/// Where and how to deliver, from the flags `send`, `scenario` and `replay` share.
fn delivery(args: DeliveryArgs, g: Globals) -> crate::send::Delivery {
    crate::send::Delivery {
        url: args.url,
        botpress_config: args.botpress_config,
        headers: args.headers,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        retry: args.retry,
        retry_scale: args.retry_scale,
        max_response: usize::try_from(args.max_response.0).unwrap_or(usize::MAX),
        show_secrets: args.show_secrets,
        option_case: g.option_case,
    }
}
