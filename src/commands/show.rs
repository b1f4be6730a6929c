//! `hookctl show EVENT`: an event's fixture, or a valid answer to it, as it goes on the wire.

use crate::catalogue;
use crate::cli::ShowArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Out};

pub fn run(args: ShowArgs, o: &mut Out) -> Result<Exit> {
    let event = catalogue::event(&args.event)?;
    let doc = if args.response {
        event.example_response().ok_or_else(|| {
            Error::usage(format!(
                "show {} --response: Botpress reads nothing of the receiver's answer but its status (any 2xx), so there is no response body",
                event.name
            ))
        })?
    } else {
        event.fixture()
    };
    let pretty = if args.pretty {
        Some(true)
    } else if args.compact {
        Some(false)
    } else {
        None
    };
    output::show(o, event, &doc, pretty)?;
    Ok(Exit::Ok)
}
