//! `hookctl validate`: judge payload and response files.

use super::{Globals, done};
use crate::cli::ValidateArgs;
use crate::error::{Exit, Result};
use crate::output::{self, Out};
use crate::validate;

pub fn run(args: ValidateArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    let report = validate::run(&validate::Options {
        inputs: args.inputs,
        kind: args.kind,
        request: args.request,
        expected_options: args.expected_options,
        option_case: g.option_case,
        max_size: args.limit.max_size.0,
    })?;
    output::validate(o, &report)?;
    done(&report)
}
