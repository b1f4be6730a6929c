//! `hookctl validate`: judge payload and response files.

use std::io::BufWriter;

use super::{Globals, done};
use crate::cli::ValidateArgs;
use crate::error::{Exit, Result};
use crate::output::{self, Out};
use crate::validate;

pub fn run(args: ValidateArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    // Many documents make many lines: written in blocks, not a line at a time.
    let mut buffered = BufWriter::with_capacity(64 * 1024, &mut *o.out);
    let mut o = Out { out: &mut buffered, err: &mut *o.err, style: o.style };
    let mut render = output::Validate::new(&mut o);
    let summary = validate::run(
        &validate::Options {
            inputs: args.inputs,
            kind: args.kind,
            request: args.request,
            expected_options: args.expected_options,
            option_case: g.option_case,
            max_size: args.limit.max_size.0,
            strict: args.strict,
        },
        &mut render,
    )?;
    render.finish(&summary)?;
    done(&summary)
}
