//! The catalogue's views: `list`, the scenario list, and `show`.

use std::io;

use serde::Serialize;
use serde_json::Value;
use tabled::Tabled;

use super::{Level, Out};
use crate::catalogue::{EVENTS, Event, SCENARIOS};

#[derive(Serialize, Tabled)]
struct EventRow {
    #[tabled(rename = "EVENT")]
    name: &'static str,
    #[tabled(rename = "PLATFORM")]
    platform: &'static str,
    #[tabled(rename = "REQUEST")]
    request: &'static str,
    #[tabled(rename = "ANSWER CHECKED")]
    response: &'static str,
    #[tabled(rename = "SIMULATES")]
    #[serde(rename = "description")]
    summary: &'static str,
}

/// Every built-in event.
pub fn list(o: &mut Out) -> io::Result<()> {
    let rows: Vec<EventRow> = EVENTS
        .iter()
        .map(|e| EventRow {
            name: e.name,
            platform: e.platform.label(),
            request: e.request.name(),
            response: e.response_kind().map_or("2xx", |k| k.name()),
            summary: e.summary,
        })
        .collect();
    o.rows("events", rows)
}

#[derive(Serialize, Tabled)]
struct ScenarioRow {
    #[tabled(rename = "SCENARIO")]
    name: &'static str,
    #[tabled(rename = "STEPS")]
    steps: String,
    #[tabled(rename = "STORY")]
    #[serde(rename = "description")]
    summary: &'static str,
}

/// Every built-in scenario.
pub fn scenarios(o: &mut Out) -> io::Result<()> {
    let rows: Vec<ScenarioRow> = SCENARIOS
        .iter()
        .map(|s| ScenarioRow { name: s.name, steps: s.steps.join(" → "), summary: s.summary })
        .collect();
    o.rows("scenarios", rows)
}

/// A document of an event: pretty on a terminal (or when asked), else the compact bytes the
/// platform puts on the wire. `pretty` is `None` to decide by the terminal.
pub fn show(o: &mut Out, event: &Event, doc: &Value, pretty: Option<bool>) -> io::Result<()> {
    if pretty.unwrap_or(o.style.terminal) {
        o.diag(
            Level::Note,
            format!(
                "pretty-printed for reading; {} posts it compact (hookctl show {} --compact)",
                event.platform.label(),
                event.name
            ),
        )?;
        o.json(doc)
    } else {
        writeln!(o.out, "{doc}")
    }
}
