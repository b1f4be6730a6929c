//! `hookctl replay`: re-send what `listen --save` captured, and judge each answer.

use super::{Globals, delivery, done, runtime};
use crate::cli::ReplayArgs;
use crate::error::{Exit, Result};
use crate::output::{self, Out};
use crate::{input, replay, send};

pub fn run(args: ReplayArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    let captured = replay::read(&args.file, args.limit.max_size.0, args.strict)?;
    let records = replay::filter(captured.records, &args.filter)?;
    let source = input::label(&args.file);
    let delivery = delivery(args.delivery, g);
    let report = runtime()?.block_on(async {
        let target = send::target(&delivery).await?;
        replay::run(records, captured.bad, &source, &target).await
    })?;
    output::scenario(o, &report)?;
    done(&report)
}
