//! `hookctl scenario`: a handoff's life delivered step by step, or the list of scenarios.

use super::{Globals, delivery, done, runtime};
use crate::cli::ScenarioArgs;
use crate::error::{Exit, Result};
use crate::output::{self, Out};
use crate::{scenario, send};

pub fn run(args: ScenarioArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    let Some(name) = args.name else {
        output::scenarios(o)?;
        return Ok(Exit::Ok);
    };
    let opts = scenario::Options { name, duplicate: args.duplicate, shuffle: args.shuffle, seed: args.seed };
    let delivery = delivery(args.delivery, g);
    match args.print {
        Some(crate::preview::Print::K6) => {
            output::script(o, &scenario::k6_script(&opts, &delivery)?)?;
            return Ok(Exit::Ok);
        }
        Some(other) => {
            let form = clap::ValueEnum::to_possible_value(&other).map(|v| v.get_name().to_string());
            return Err(crate::Error::usage(format!(
                "--print {}: a scenario prints as k6 only (send --print curl prints one event)",
                form.unwrap_or_default()
            )));
        }
        None => {}
    }
    let report = runtime()?.block_on(async {
        let target = send::target(&delivery).await?;
        scenario::run(&opts, &target).await
    })?;
    output::scenario(o, &report)?;
    done(&report)
}
