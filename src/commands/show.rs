//! `hookctl show EVENT`: an event's body as `send` would send it (the same flags, the same
//! template), or a valid answer to it.

use crate::catalogue;
use crate::cli::ShowArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Out};
use crate::send::Template;

pub fn run(args: ShowArgs, o: &mut Out) -> Result<Exit> {
    let event = catalogue::event(&args.event)?;
    let doc = if args.response {
        event.example_response().ok_or_else(|| {
            Error::usage(format!(
                "show {} --response: Botpress reads nothing of the receiver's answer but its status (any 2xx), so there is no response body",
                event.name
            ))
        })?
    } else if args.body.any() {
        // Through the very template `send` uses: what is shown is what goes.
        let body = super::send::body(Some(args.event.clone()), None, None, args.body, None);
        Template::new(&body)?.into_prepared()?.doc
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
