//! The JSON reports' envelope: every report hookctl prints (`-o json` of every command, each line
//! of `listen -o json`) is an object whose first member is `"hookctl": {"format": FORMAT}`, and
//! the JSON Schema of each report, as shipped (`hookctl schema --report NAME`).
//!
//! The documents `show` and `schema` print are the platforms' own, not reports: they carry none.

use std::io::{self, Write};

use serde::Serialize;

/// The version of the reports' format: raised whenever a report's members change in a way a
/// script reading them would notice (a member renamed, removed or given another meaning).
pub const FORMAT: u32 = 1;

/// The reports whose JSON Schema hookctl ships, by the name `schema --report` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportName {
    /// `list -o json`.
    List,
    /// `validate -o json`.
    Validate,
    /// `send -o json` (and `send --dry-run -o json`).
    Send,
    /// `send --count/--duration -o json`.
    Load,
    /// `scenario NAME -o json` (and the list of scenarios, `scenario -o json`).
    Scenario,
    /// Each line of `listen -o json`.
    ListenLine,
    /// `replay -o json`.
    Replay,
    /// `test -o json`.
    Test,
}

impl ReportName {
    pub const ALL: [ReportName; 8] = [
        ReportName::List,
        ReportName::Validate,
        ReportName::Send,
        ReportName::Load,
        ReportName::Scenario,
        ReportName::ListenLine,
        ReportName::Replay,
        ReportName::Test,
    ];

    /// The name `schema --report` takes.
    pub fn name(self) -> &'static str {
        match self {
            ReportName::List => "list",
            ReportName::Validate => "validate",
            ReportName::Send => "send",
            ReportName::Load => "load",
            ReportName::Scenario => "scenario",
            ReportName::ListenLine => "listen-line",
            ReportName::Replay => "replay",
            ReportName::Test => "test",
        }
    }

    /// The report's JSON Schema (2020-12), as the text built into the binary.
    pub fn schema(self) -> &'static str {
        match self {
            ReportName::List => include_str!("../../fixtures/reports/list.schema.json"),
            ReportName::Validate => include_str!("../../fixtures/reports/validate.schema.json"),
            ReportName::Send => include_str!("../../fixtures/reports/send.schema.json"),
            ReportName::Load => include_str!("../../fixtures/reports/load.schema.json"),
            ReportName::Scenario => include_str!("../../fixtures/reports/scenario.schema.json"),
            ReportName::ListenLine => include_str!("../../fixtures/reports/listen-line.schema.json"),
            ReportName::Replay => include_str!("../../fixtures/reports/replay.schema.json"),
            ReportName::Test => include_str!("../../fixtures/reports/test.schema.json"),
        }
    }
}

/// Open a report: `{` and its first member, `"hookctl": {"format": FORMAT}`, pretty (as the
/// members after it at an indent of two spaces) or compact. The caller writes the other members,
/// each after a comma, and the closing brace. Every JSON report starts here.
pub fn open(out: &mut dyn Write, pretty: bool) -> io::Result<()> {
    if pretty {
        write!(out, "{{\n  \"hookctl\": {{\n    \"format\": {FORMAT}\n  }}")
    } else {
        write!(out, "{{\"hookctl\":{{\"format\":{FORMAT}}}")
    }
}

/// A value that serialises as a JSON object, written as a report: [`open`], then the object's
/// own members. Pretty with a final newline, or compact on one line (without its newline).
pub fn write<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T, pretty: bool) -> io::Result<()> {
    open(out, pretty)?;
    let mut members = Members { out, pretty, state: State::Start };
    if pretty {
        serde_json::to_writer_pretty(&mut members, value)?;
    } else {
        serde_json::to_writer(&mut members, value)?;
    }
    if members.state != State::Body {
        return Err(io::Error::other("a report must be a JSON object"));
    }
    if pretty { writeln!(out) } else { Ok(()) }
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    /// Nothing written yet: the object's `{` comes next, and is dropped.
    Start,
    /// After the `{`: a `}` (an empty object) or its first member.
    Opened,
    /// Inside the object, after a comma put before its first member.
    Body,
}

/// Passes an object's text on without its opening brace, a comma before its first member: what
/// follows [`open`].
struct Members<'a> {
    out: &'a mut dyn Write,
    pretty: bool,
    state: State,
}

impl Write for Members<'_> {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let len = buf.len();
        while !buf.is_empty() && self.state != State::Body {
            match (&self.state, buf[0]) {
                (State::Start, b'{') => self.state = State::Opened,
                (State::Opened, b'}') => {
                    self.out.write_all(if self.pretty { b"\n}" } else { b"}" })?;
                    self.state = State::Body;
                }
                (State::Opened, _) => {
                    self.out.write_all(b",")?;
                    self.state = State::Body;
                    continue;
                }
                (State::Start, _) => return Err(io::Error::other("a report must be a JSON object")),
                (State::Body, _) => unreachable!("the loop stops in the body"),
            }
            buf = &buf[1..];
        }
        self.out.write_all(buf)?;
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn written(value: &Value, pretty: bool) -> String {
        let mut out = Vec::new();
        write(&mut out, value, pretty).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_report_opens_with_the_format_and_keeps_its_members_in_order() {
        let value = json!({"b": 1, "a": {"c": [1, 2]}});
        for pretty in [true, false] {
            let text = written(&value, pretty);
            let back: Value = serde_json::from_str(&text).unwrap();
            let keys: Vec<&String> = back.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["hookctl", "b", "a"], "{text}");
            assert_eq!(back["hookctl"], json!({"format": FORMAT}));
            assert_eq!(back["a"], value["a"]);
        }
        assert_eq!(written(&value, false), r#"{"hookctl":{"format":1},"b":1,"a":{"c":[1,2]}}"#);
        assert!(
            written(&value, true).starts_with("{\n  \"hookctl\": {\n    \"format\": 1\n  },\n  \"b\": 1,")
        );
    }

    #[test]
    fn an_empty_object_is_the_format_alone_and_what_is_no_object_is_refused() {
        for pretty in [true, false] {
            let back: Value = serde_json::from_str(&written(&json!({}), pretty)).unwrap();
            assert_eq!(back, json!({"hookctl": {"format": FORMAT}}));
            assert!(write(&mut Vec::new(), &json!([1]), pretty).is_err());
        }
    }

    #[test]
    fn the_names_are_those_the_flag_takes() {
        use clap::ValueEnum;
        assert_eq!(ReportName::value_variants(), ReportName::ALL);
        for r in ReportName::ALL {
            assert_eq!(r.to_possible_value().unwrap().get_name(), r.name());
        }
    }

    #[test]
    fn every_shipped_schema_is_json_and_names_its_report() {
        for r in ReportName::ALL {
            let schema: Value =
                serde_json::from_str(r.schema()).unwrap_or_else(|e| panic!("{}: {e}", r.name()));
            assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{}", r.name());
            assert_eq!(schema["properties"]["hookctl"]["$ref"], "#/$defs/version", "{}", r.name());
        }
    }
}
