//! `hookctl list`: the built-in events.

use crate::error::{Exit, Result};
use crate::output::{self, Out};

pub fn run(o: &mut Out) -> Result<Exit> {
    output::list(o)?;
    Ok(Exit::Ok)
}
