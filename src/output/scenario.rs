//! `scenario` and `replay`: a row per delivery with the ids that matter, the ids in full, and
//! why each failed step failed.

use std::io;

use colored::Colorize;
use serde_json::Value;

use super::exchange::{self, Detail, Shown};
use super::send::{answered_in_full, request_in_full};
use super::{Level, Out, builtin_note, field_value, finding, plural, status_text, verdict};
use crate::catalogue::Kind;
use crate::json::Pointer;
use crate::platform::{botpress, eva, label_of};
use crate::scenario::{ScenarioReport, step_list};
use crate::send::Report;

/// The identifiers of one step's request, and the option its answer chose: what the step table
/// shows (long ids cut) and its footer lists in full.
#[derive(Default)]
struct StepIds {
    handoff: Option<String>,
    user_thread: Option<String>,
    user: Option<String>,
    agent_thread: Option<String>,
    agent: Option<String>,
    session: Option<String>,
    option: Option<String>,
}

impl StepIds {
    fn of(s: &Report) -> StepIds {
        let body = &s.request.body;
        let at = |p: &str| body.at(p).filter(|v| !v.is_null()).map(plain);
        let resource = botpress::resource(body);
        let eva = s.kind.and_then(Kind::response_kind).is_some();
        StepIds {
            handoff: if resource == Some(botpress::RESOURCE_HANDOFF) { at(botpress::ptr::ID) } else { None },
            user_thread: at(botpress::ptr::USER_THREAD),
            user: at(botpress::ptr::USER_ID),
            agent_thread: at(botpress::ptr::AGENT_THREAD),
            // An agent event's envelope id is the agent's id.
            agent: if resource == Some(botpress::RESOURCE_AGENT) {
                at(botpress::ptr::ID)
            } else {
                at(botpress::ptr::AGENT_ID)
            },
            session: at(eva::ptr::SESSION_CODE),
            option: s
                .answered
                .response
                .as_ref()
                .filter(|_| eva)
                .and_then(|r| r.body.at(eva::ptr::OPTION))
                .filter(|v| !v.is_null())
                .map(plain),
        }
    }

    const LISTED: usize = 6;

    /// The ids the footer lists, by label.
    fn listed(&self) -> [(&'static str, &Option<String>); Self::LISTED] {
        [
            ("handoff", &self.handoff),
            (label_of(botpress::FIELDS, botpress::ptr::USER_THREAD), &self.user_thread),
            (label_of(botpress::FIELDS, botpress::ptr::USER_ID), &self.user),
            (label_of(botpress::FIELDS, botpress::ptr::AGENT_THREAD), &self.agent_thread),
            (label_of(botpress::FIELDS, botpress::ptr::AGENT_ID), &self.agent),
            (label_of(eva::REQUEST_FIELDS, eva::ptr::SESSION_CODE), &self.session),
        ]
    }
}

/// A value as bare text: strings without quotes, the rest as JSON.
fn plain(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// A long id cut to its first 8 characters, as short commit hashes are; the footer has it whole.
fn short_id(id: &Option<String>) -> String {
    match id {
        Some(id) if id.chars().count() > 9 => format!("{}…", id.chars().take(8).collect::<String>()),
        Some(id) => id.clone(),
        None => String::new(),
    }
}

pub fn scenario(o: &mut Out, r: &ScenarioReport) -> io::Result<()> {
    // `replay`: each line of the capture that was not read, as `FILE:LINE: reason`.
    for line in &r.skipped_lines {
        o.diag(Level::Error, line)?;
    }
    for (n, step) in r.steps.iter().enumerate() {
        if let Some(e) = &step.answered.transport_error {
            o.diag(Level::Error, format!("step {} {}: {e}", n + 1, step.event))?;
        }
    }
    if r.builtin_receiver {
        builtin_note(o)?;
    }
    if o.style.json() {
        return o.report(r);
    }
    for note in &r.notes {
        o.diag(Level::Note, note)?;
    }
    if o.style.quiet() {
        failed_steps(o.out, r, true)?;
        return summary_line(o.out, r);
    }
    if o.style.verbose() {
        // Each delivery in full first; the table and the ids then sum them up.
        for (n, s) in r.steps.iter().enumerate() {
            writeln!(o.out, "{}", format!("step {} {}", n + 1, s.event).cyan().bold())?;
            request_in_full(o.out, &s.request)?;
            answered_in_full(o.out, &s.answered)?;
        }
    }
    writeln!(o.out, "{} {}", r.run.heading().cyan().bold(), format!("({})", r.description).dimmed())?;
    let ids: Vec<StepIds> = r.steps.iter().map(StepIds::of).collect();
    let columns: Vec<_> = columns(r, &ids)
        .into_iter()
        .filter(|(_, c, always)| *always || c.iter().any(|v| !v.is_empty()))
        .collect();
    let mut table = tabled::builder::Builder::default();
    table.push_record(columns.iter().map(|(h, _, _)| h.to_string()));
    for n in 0..r.steps.len() {
        table.push_record(columns.iter().map(|(_, c, _)| c[n].clone()));
    }
    o.table(table.build())?;
    ids_in_full(o.out, &ids)?;
    failed_steps(o.out, r, false)?;
    summary_line(o.out, r)
}

/// The step table's columns: (header, a cell per step, shown even when every cell is empty).
fn columns(r: &ScenarioReport, ids: &[StepIds]) -> Vec<(&'static str, Vec<String>, bool)> {
    let cells = |f: &dyn Fn(usize, &Report, &StepIds) -> String| -> Vec<String> {
        r.steps.iter().zip(ids).enumerate().map(|(i, (s, id))| f(i, s, id)).collect()
    };
    vec![
        ("#", cells(&|i, _, _| (i + 1).to_string()), true),
        ("EVENT", cells(&|_, s, _| s.event.clone()), true),
        ("HANDOFF", cells(&|_, _, id| id.handoff.clone().unwrap_or_default()), false),
        ("STATUS", cells(&|_, s, _| status_cell(&s.request.body)), false),
        ("USER THREAD", cells(&|_, _, id| short_id(&id.user_thread)), false),
        ("AGENT THREAD", cells(&|_, _, id| short_id(&id.agent_thread)), false),
        ("AGENT", cells(&|_, _, id| short_id(&id.agent)), false),
        ("SESSION", cells(&|_, _, id| short_id(&id.session)), false),
        ("OPTION", cells(&|_, _, id| id.option.clone().unwrap_or_default()), false),
        (
            "ANSWER",
            cells(&|_, s, _| match (&s.answered.response, &s.answered.transport_error) {
                (Some(resp), _) => status_text(resp.status),
                (None, Some(_)) => "not delivered".red().to_string(),
                _ => String::new(),
            }),
            true,
        ),
        (
            "MS",
            cells(&|_, s, _| {
                s.answered.response.as_ref().map(|r| format!("{:.1}", r.latency_ms)).unwrap_or_default()
            }),
            true,
        ),
        (
            "RESULT",
            cells(&|_, s, _| if s.passed { "✓".green().to_string() } else { "✗".red().to_string() }),
            true,
        ),
    ]
}

/// The STATUS cell: the Botpress status a request sets, or an agent's `online`.
fn status_cell(body: &Value) -> String {
    match (body.at(botpress::ptr::STATUS), body.at(botpress::ptr::ONLINE)) {
        (Some(status), _) => field_value(status).into_owned(),
        (None, Some(online)) if botpress::resource(body) == Some(botpress::RESOURCE_AGENT) => {
            format!("online={online}")
        }
        _ => String::new(),
    }
}

/// Each id in full, once, with the steps that carry it.
fn ids_in_full(out: &mut dyn io::Write, ids: &[StepIds]) -> io::Result<()> {
    let mut listed: Vec<(&str, &str, Vec<usize>)> = Vec::new();
    for slot in 0..StepIds::LISTED {
        for (n, id) in ids.iter().enumerate() {
            let (label, Some(value)) = id.listed()[slot] else { continue };
            match listed.iter_mut().find(|(l, v, _)| *l == label && *v == value) {
                Some((_, _, steps)) => steps.push(n + 1),
                None => listed.push((label, value, vec![n + 1])),
            }
        }
    }
    let label_width = listed.iter().map(|(l, _, _)| l.len()).max().unwrap_or(0);
    let value_width = listed.iter().map(|(_, v, _)| v.chars().count()).max().unwrap_or(0);
    for (label, value, steps) in &listed {
        writeln!(
            out,
            "  {}  {value:value_width$}  {}",
            format!("{label:label_width$}").dimmed(),
            step_list(steps).dimmed()
        )?;
    }
    Ok(())
}

/// Why each failed step failed: its failed checks, and the answer's errors as `send` shows them
/// (without its warnings under `-q`); then what it sent and where, and what came back.
fn failed_steps(out: &mut dyn io::Write, r: &ScenarioReport, quiet: bool) -> io::Result<()> {
    for (n, s) in r.steps.iter().enumerate().filter(|(_, s)| !s.passed) {
        let step = format!("step {} {}", n + 1, s.event);
        for c in s.answered.checks.iter().filter(|c| !c.passed) {
            writeln!(
                out,
                "  {} {step}: {}: expected {}, found {}",
                "✗".red().bold(),
                c.check,
                c.expected,
                c.found
            )?;
        }
        if let Some(v) = s.answered.verdict.as_ref().filter(|v| !v.valid) {
            writeln!(
                out,
                "  {} {step}: the answer breaks the {} contract ({})",
                "✗".red().bold(),
                v.kind,
                plural(v.errors.len(), "error")
            )?;
            if quiet {
                for e in &v.errors {
                    finding(out, e, true)?;
                }
            } else {
                verdict(out, v)?;
            }
        }
        if let Some(e) = &s.answered.transport_error {
            writeln!(out, "  {} {step}: not delivered: {e}", "✗".red().bold())?;
        }
        let detail = if quiet { Detail::Line } else { Detail::Failure };
        exchange::write(out, &Shown::of_report(s), detail, 4)?;
    }
    Ok(())
}

/// `3/4 steps passed`.
fn summary_line(out: &mut dyn io::Write, r: &ScenarioReport) -> io::Result<()> {
    let ok = r.steps.iter().filter(|s| s.passed).count();
    let line = format!("{ok}/{} steps passed", r.steps.len());
    write!(out, "{}", if r.passed { line.green().bold() } else { line.red().bold() })?;
    match r.skipped_lines.len() {
        0 => writeln!(out),
        n => {
            writeln!(out, "{}", format!(", {} of the capture skipped (not records)", plural(n, "line")).red())
        }
    }
}
