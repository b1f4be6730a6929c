//! `hookctl replay`: re-send what `listen --save` captured (or edited: `--set`, `--data`, `-H`),
//! and judge each answer; or print the requests as curl commands (`--print curl`).

use super::{Globals, delivery, done, runtime};
use crate::cli::ReplayArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Out};
use crate::{input, replay, send};

pub fn run(args: ReplayArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    if let Some(data) = args.data.as_deref().filter(|d| input::is_stdin(d) && input::is_stdin(&args.file)) {
        return Err(Error::usage(format!(
            "--data {}: the capture is read from standard input already; give --data a file",
            input::label(data)
        )));
    }
    let max = args.limit.max_size.0;
    let captured = replay::read(&args.file, max, args.strict)?;
    let records = replay::filter(captured.records, &args.filter)?;
    let source = input::label(&args.file);
    let edits = replay::Edits::new(&args.sets, args.data.as_deref(), max)?;
    edits.check(&records, &source)?;
    for (platform, unsent) in edits.unsent_fields(&records) {
        output::unsent_fields(o, platform, &unsent)?;
    }
    let delivery = delivery(args.delivery, g);
    if args.print.is_some() {
        let printed = replay::print(records, &edits, &source, &delivery)?;
        for line in &captured.bad {
            o.diag(output::Level::Error, line)?;
        }
        output::replay_curl(o, &printed)?;
        return Ok(if captured.bad.is_empty() { Exit::Ok } else { Exit::Usage });
    }
    let report = runtime()?.block_on(async {
        let target = send::target(&delivery).await?;
        replay::run(records, &edits, captured.bad, &source, &target).await
    })?;
    output::scenario(o, &report)?;
    done(&report)
}
