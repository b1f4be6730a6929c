//! The one printer: renders the values commands return as human text or JSON.
//! Human text is coloured and tabled on a terminal, plain when piped or under `NO_COLOR`.

use std::io::{self, IsTerminal, Write};

use colored::Colorize;
use serde::Serialize;
use serde_json::{Map, Value};
use tabled::settings::{Modify, Padding, Style, object::Rows};
use tabled::{Table, Tabled};

use crate::catalogue::{EVENTS, Event};
use crate::contract::{Finding, Verdict};
use crate::validate::{self, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Coloured, tabled text for people.
    Text,
    /// One JSON document on stdout, for machines.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decide once whether text is coloured: `--color`, then `NO_COLOR` / `CLICOLOR_FORCE`, then
/// whether stdout is a terminal.
pub fn init_color(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                io::stdout().is_terminal()
            }
        }
    };
    colored::control::set_override(on);
}

/// Rows as a table for people, or as a JSON array.
fn rows_out<T: Serialize + Tabled>(out: &mut impl Write, rows: Vec<T>, format: Format) -> io::Result<()> {
    match format {
        Format::Json => json(out, &rows),
        Format::Text => write_table(out, Table::new(rows)),
    }
}

fn write_table(out: &mut impl Write, mut table: Table) -> io::Result<()> {
    table_style(&mut table);
    writeln!(out, "{table}")
}

fn table_style(table: &mut Table) {
    if io::stdout().is_terminal() {
        table.with(Style::rounded());
    } else {
        table.with(Style::blank());
        table.with(Modify::new(Rows::new(..)).with(Padding::new(0, 2, 0, 0)));
    }
}

/// Print any serialisable report as pretty JSON with a final newline.
pub fn json<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

// ---------------------------------------------------------------- list

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
    summary: &'static str,
}

fn event_row(e: &Event) -> EventRow {
    EventRow {
        name: e.name,
        platform: e.platform.label(),
        request: e.request.name(),
        response: e.response_kind().map_or("2xx", |k| k.name()),
        summary: e.summary,
    }
}

pub fn list(out: &mut impl Write, format: Format) -> io::Result<()> {
    let rows: Vec<EventRow> = EVENTS.iter().map(event_row).collect();
    rows_out(out, rows, format)
}

// ---------------------------------------------------------------- findings and fields

/// `    /pointer  message` then `expected … found …` on the next line.
pub fn finding(out: &mut impl Write, f: &Finding, error: bool) -> io::Result<()> {
    let pointer = if f.pointer.is_empty() { "(document)" } else { &f.pointer };
    let mark = if error { "✗".red().bold() } else { "!".yellow().bold() };
    writeln!(out, "    {mark} {}  {}", pointer.bold(), f.message)?;
    match (&f.expected, &f.found) {
        (Some(e), Some(found)) => writeln!(out, "        expected {e}, found {found}"),
        (Some(e), None) => writeln!(out, "        expected {e}"),
        (None, Some(found)) => writeln!(out, "        found {found}"),
        (None, None) => Ok(()),
    }
}

/// Aligned `label  value` lines for the fields that matter.
pub fn fields(out: &mut impl Write, fields: &Map<String, Value>, indent: &str) -> io::Result<()> {
    let width = fields.keys().map(|k| k.len()).max().unwrap_or(0);
    for (label, value) in fields {
        writeln!(out, "{indent}{:width$}  {}", label.dimmed(), field_value(value))?;
    }
    Ok(())
}

/// A field's value on one line: strings bare, null dimmed, the rest compact JSON, long ones cut.
pub fn field_value(value: &Value) -> String {
    match value {
        Value::String(s) => crate::contract::snippet(&Value::String(s.clone())).trim_matches('"').to_string(),
        Value::Null => "null".dimmed().to_string(),
        Value::Array(a) if a.is_empty() => "[]".to_string(),
        other => crate::contract::snippet(other),
    }
}

pub fn verdict(out: &mut impl Write, v: &Verdict) -> io::Result<()> {
    for e in &v.errors {
        finding(out, e, true)?;
    }
    for w in &v.warnings {
        finding(out, w, false)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- validate

pub fn validate(out: &mut impl Write, report: &validate::Report, format: Format) -> io::Result<()> {
    // Inputs that could not be judged are diagnostics: stderr, one line each, in either format.
    for f in &report.files {
        if let Outcome::Unreadable { error } = &f.outcome {
            eprintln!("{} {error}", "error:".red().bold());
        }
    }
    if format == Format::Json {
        return json(out, report);
    }
    for f in &report.files {
        let Outcome::Checked(v) = &f.outcome else { continue };
        let status = if v.valid {
            "valid".green().bold()
        } else {
            let n = v.errors.len();
            format!("invalid ({n} error{})", if n == 1 { "" } else { "s" }).red().bold()
        };
        let unchecked = if v.not_checked.is_empty() {
            String::new()
        } else {
            format!("  ({})", v.not_checked.join("; ")).yellow().to_string()
        };
        writeln!(out, "{}  {}  {status}{unchecked}", f.source.bold(), v.kind.to_string().cyan())?;
        if let Some(note) = &f.kind_note {
            writeln!(out, "    {} {}", "?".yellow().bold(), note.dimmed())?;
        }
        verdict(out, v)?;
        if v.valid {
            fields(out, &v.fields, "    ")?;
        }
    }
    let s = &report.summary;
    let mut line =
        format!("{} checked: {} valid, {} invalid", plural(s.files, "document"), s.valid, s.invalid);
    if s.unreadable > 0 {
        line.push_str(&format!(", {} unreadable", s.unreadable));
    }
    if s.warnings > 0 {
        line.push_str(&format!(", {}", plural(s.warnings, "warning")));
    }
    writeln!(out, "{}", line.dimmed())
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

// ---------------------------------------------------------------- send

pub fn send(out: &mut impl Write, r: &crate::send::Report, format: Format) -> io::Result<()> {
    if let Some(e) = &r.transport_error {
        eprintln!("{} {e}", "error:".red().bold());
    }
    for again in &r.repeats {
        if let Some(e) = &again.transport_error {
            eprintln!("{} delivery {}: {e}", "error:".red().bold(), again.delivery);
        }
    }
    if r.builtin_receiver {
        builtin_note();
    }
    if format == Format::Json {
        return json(out, r);
    }
    let req = &r.request;
    writeln!(
        out,
        "{} {} {}  {} {}",
        "→".bold(),
        req.method.bold(),
        req.url,
        r.event.cyan().bold(),
        format!("({}, {} bytes)", r.kind.map_or("unknown kind", |k| k.name()), req.bytes).dimmed()
    )?;
    writeln!(out, "  {}", "headers".dimmed().italic())?;
    let width = req.headers.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in &req.headers {
        writeln!(out, "    {:width$}  {}", name.dimmed(), value)?;
    }
    if let Some(checks) = &req.checks {
        writeln!(out, "  {}", "body".dimmed().italic())?;
        fields(out, &checks.fields, "    ")?;
        if !checks.valid {
            writeln!(
                out,
                "  {} the request itself breaks the {} contract (sent as asked):",
                "!".yellow().bold(),
                checks.kind
            )?;
            verdict(out, checks)?;
        }
    }
    let deliveries = 1 + r.repeats.len();
    if let Some(note) = &r.note {
        let times = if deliveries == 2 { "twice".to_string() } else { format!("{deliveries} times") };
        writeln!(out, "  {} {}", format!("delivered {times} at once:").bold(), note)?;
    }
    let of = |n: u32| (deliveries > 1).then(|| format!("delivery {n} of {deliveries}"));
    let first = Delivered {
        of: of(1),
        attempts: &r.attempts,
        response: r.response.as_ref(),
        verdict: r.verdict.as_ref(),
        changes: r.changes.as_ref(),
        checks: &r.checks,
        transport_error: r.transport_error.as_deref(),
    };
    delivered(out, &first)?;
    for again in &r.repeats {
        let d = Delivered {
            of: of(again.delivery),
            attempts: &again.attempts,
            response: again.response.as_ref(),
            verdict: again.verdict.as_ref(),
            changes: None,
            checks: &again.checks,
            transport_error: again.transport_error.as_deref(),
        };
        delivered(out, &d)?;
    }
    let not_delivered =
        r.transport_error.is_some() || r.repeats.iter().any(|again| again.transport_error.is_some());
    let verdict_line = if not_delivered {
        "NOT DELIVERED".red().bold()
    } else if r.passed {
        "PASSED".green().bold()
    } else {
        "FAILED".red().bold()
    };
    writeln!(out, "{verdict_line}")
}

/// One delivery of a sent body: its attempts, the answer, the verdict and the checks.
struct Delivered<'a> {
    /// "delivery 2 of 2" when the body went out more than once.
    of: Option<String>,
    attempts: &'a [crate::send::Attempt],
    response: Option<&'a crate::send::Received>,
    verdict: Option<&'a Verdict>,
    changes: Option<&'a crate::platform::eva::Changes>,
    checks: &'a [crate::send::Check],
    transport_error: Option<&'a str>,
}

fn delivered(out: &mut impl Write, d: &Delivered) -> io::Result<()> {
    let of = d.of.as_ref().map(|o| format!("  ({o})").dimmed().to_string()).unwrap_or_default();
    if d.attempts.len() > 1 || d.transport_error.is_some() {
        for a in d.attempts {
            let what = match (a.status, &a.error) {
                (Some(s), _) => status_text(s),
                (None, Some(e)) => e.red().to_string(),
                (None, None) => String::new(),
            };
            let waited = if a.waited_ms > 0 { format!("after {} ms  ", a.waited_ms) } else { String::new() };
            writeln!(out, "  attempt {:>2}  {}{what}", a.attempt, waited.dimmed())?;
        }
        if d.response.is_none() && d.of.is_some() {
            writeln!(out, "{} {}{of}", "←".bold(), "not delivered".red().bold())?;
        }
    }
    if let Some(resp) = d.response {
        writeln!(
            out,
            "{} {}  {}{of}",
            "←".bold(),
            status_text(resp.status),
            format!(
                "{:.1} ms, {} bytes{}",
                resp.latency_ms,
                resp.bytes,
                if resp.truncated { ", cut at the cap" } else { "" }
            )
            .dimmed()
        )?;
        match d.verdict {
            Some(v) => {
                writeln!(out, "  {}", "body".dimmed().italic())?;
                fields(out, &v.fields, "    ")?;
                verdict(out, v)?;
            }
            None if !resp.body.is_null() => writeln!(out, "    {}", crate::contract::snippet(&resp.body))?,
            None => {}
        }
    }
    if let Some(c) = d.changes {
        if c.answer_before != c.answer_after {
            let show = |v: &Option<Value>| v.as_ref().map_or("(none)".to_string(), crate::contract::snippet);
            writeln!(
                out,
                "  {}  {} → {}",
                "answer".dimmed(),
                show(&c.answer_before),
                show(&c.answer_after).bold()
            )?;
        }
        for ctx in &c.contexts {
            let mut parts = Vec::new();
            parts.extend(ctx.added.iter().map(|k| format!("+{k}").green().to_string()));
            parts.extend(ctx.changed.iter().map(|k| format!("~{k}").yellow().to_string()));
            parts.extend(ctx.removed.iter().map(|k| format!("-{k}").red().to_string()));
            writeln!(out, "  {}  {}", ctx.context.dimmed(), parts.join(" "))?;
        }
    }
    if let Some(v) = d.verdict {
        let (mark, state) = if v.valid {
            ("✓".green().bold(), "valid".to_string())
        } else {
            ("✗".red().bold(), format!("{} (see above)", plural(v.errors.len(), "error")))
        };
        writeln!(out, "  {mark} contract: {} {state}", v.kind)?;
    }
    for c in d.checks {
        let mark = if c.passed { "✓".green().bold() } else { "✗".red().bold() };
        writeln!(out, "  {mark} {}: expected {}, found {}", c.check, c.expected, c.found)?;
        if let Some(note) = &c.note {
            writeln!(out, "      {}", note.dimmed())?;
        }
    }
    Ok(())
}

fn status_text(status: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let s = format!("{status} {reason}");
    if (200..300).contains(&status) { s.green().bold().to_string() } else { s.red().bold().to_string() }
}

fn builtin_note() {
    eprintln!(
        "{} no --url given: delivered to hookctl's built-in receiver, which answers as a correct webhook would.\n      Target your server with --url http://localhost:PORT/PATH (or HOOKCTL_URL, or --botpress-config hitlnext.json).",
        "note:".cyan().bold()
    );
}

// ---------------------------------------------------------------- scenario

#[derive(Serialize, Tabled)]
struct ScenarioRow {
    #[tabled(rename = "SCENARIO")]
    name: &'static str,
    #[tabled(rename = "STEPS")]
    steps: String,
    #[tabled(rename = "STORY")]
    summary: &'static str,
}

pub fn scenarios(out: &mut impl Write, format: Format) -> io::Result<()> {
    let rows: Vec<ScenarioRow> = crate::catalogue::SCENARIOS
        .iter()
        .map(|s| ScenarioRow { name: s.name, steps: s.steps.join(" → "), summary: s.summary })
        .collect();
    rows_out(out, rows, format)
}

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
    fn of(s: &crate::send::Report) -> StepIds {
        let body = &s.request.body;
        let at = |p: &str| body.pointer(p).filter(|v| !v.is_null()).map(plain);
        let resource = body.get("resource").and_then(Value::as_str);
        let eva = s.kind.and_then(crate::catalogue::Kind::response_kind).is_some();
        StepIds {
            handoff: if resource == Some("handoff") { at("/id") } else { None },
            user_thread: at("/payload/userThreadId"),
            user: at("/payload/userId"),
            agent_thread: at("/payload/agentThreadId"),
            // An agent event's envelope id is the agent's id.
            agent: if resource == Some("agent") { at("/id") } else { at("/payload/agentId") },
            session: at("/info/sessionCode"),
            option: s
                .response
                .as_ref()
                .filter(|_| eva)
                .and_then(|r| r.body.get("option"))
                .filter(|v| !v.is_null())
                .map(plain),
        }
    }

    const LISTED: usize = 6;

    /// The ids the footer lists, by label.
    fn listed(&self) -> [(&'static str, &Option<String>); Self::LISTED] {
        [
            ("handoff", &self.handoff),
            ("userThreadId", &self.user_thread),
            ("userId", &self.user),
            ("agentThreadId", &self.agent_thread),
            ("agentId", &self.agent),
            ("sessionCode", &self.session),
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

/// `step 3`, `steps 1-4`, `steps 1, 3-4`.
fn step_list(steps: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &n in steps {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    let parts: Vec<String> =
        runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect();
    format!("{} {}", if steps.len() == 1 { "step" } else { "steps" }, parts.join(", "))
}

pub fn scenario(out: &mut impl Write, r: &crate::scenario::ScenarioReport, format: Format) -> io::Result<()> {
    for step in &r.steps {
        if let Some(e) = &step.transport_error {
            eprintln!("{} {}: {e}", "error:".red().bold(), step.event);
        }
    }
    if r.builtin_receiver {
        builtin_note();
    }
    if format == Format::Json {
        return json(out, r);
    }
    for note in &r.notes {
        eprintln!("{} {note}", "note:".cyan().bold());
    }
    writeln!(out, "{} {}", r.scenario.cyan().bold(), format!("({})", r.summary).dimmed())?;
    let ids: Vec<StepIds> = r.steps.iter().map(StepIds::of).collect();
    let cells = |f: &dyn Fn(usize, &crate::send::Report, &StepIds) -> String| -> Vec<String> {
        r.steps.iter().zip(&ids).enumerate().map(|(i, (s, id))| f(i, s, id)).collect()
    };
    // (header, cells, shown even when empty)
    let columns: Vec<(&str, Vec<String>, bool)> = vec![
        ("#", cells(&|i, _, _| (i + 1).to_string()), true),
        ("EVENT", cells(&|_, s, _| s.event.clone()), true),
        ("HANDOFF", cells(&|_, _, id| id.handoff.clone().unwrap_or_default()), false),
        (
            "STATUS",
            cells(&|_, s, _| {
                let body = &s.request.body;
                match (body.pointer("/payload/status"), body.pointer("/payload/online")) {
                    (Some(status), _) => field_value(status),
                    (None, Some(online)) if body["resource"] == "agent" => format!("online={online}"),
                    _ => String::new(),
                }
            }),
            false,
        ),
        ("USER THREAD", cells(&|_, _, id| short_id(&id.user_thread)), false),
        ("AGENT THREAD", cells(&|_, _, id| short_id(&id.agent_thread)), false),
        ("AGENT", cells(&|_, _, id| short_id(&id.agent)), false),
        ("SESSION", cells(&|_, _, id| short_id(&id.session)), false),
        ("OPTION", cells(&|_, _, id| id.option.clone().unwrap_or_default()), false),
        (
            "ANSWER",
            cells(&|_, s, _| match (&s.response, &s.transport_error) {
                (Some(resp), _) => status_text(resp.status),
                (None, Some(_)) => "not delivered".red().to_string(),
                _ => String::new(),
            }),
            true,
        ),
        (
            "MS",
            cells(&|_, s, _| s.response.as_ref().map(|r| format!("{:.1}", r.latency_ms)).unwrap_or_default()),
            true,
        ),
        (
            "RESULT",
            cells(&|_, s, _| if s.passed { "✓".green().to_string() } else { "✗".red().to_string() }),
            true,
        ),
    ];
    let columns: Vec<_> =
        columns.into_iter().filter(|(_, c, always)| *always || c.iter().any(|v| !v.is_empty())).collect();
    let mut table = tabled::builder::Builder::default();
    table.push_record(columns.iter().map(|(h, _, _)| h.to_string()));
    for n in 0..r.steps.len() {
        table.push_record(columns.iter().map(|(_, c, _)| c[n].clone()));
    }
    write_table(out, table.build())?;

    // Each id in full, once, with the steps that carry it.
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

    // Why each failed step failed: its failed checks, and the answer's errors as `send` shows them.
    for (n, s) in r.steps.iter().enumerate().filter(|(_, s)| !s.passed) {
        let step = format!("step {} {}", n + 1, s.event);
        for c in s.checks.iter().filter(|c| !c.passed) {
            writeln!(
                out,
                "  {} {step}: {}: expected {}, found {}",
                "✗".red().bold(),
                c.check,
                c.expected,
                c.found
            )?;
        }
        if let Some(v) = s.verdict.as_ref().filter(|v| !v.valid) {
            writeln!(
                out,
                "  {} {step}: the answer breaks the {} contract ({})",
                "✗".red().bold(),
                v.kind,
                plural(v.errors.len(), "error")
            )?;
            verdict(out, v)?;
        }
    }
    let ok = r.steps.iter().filter(|s| s.passed).count();
    let line = format!("{ok}/{} steps passed", r.steps.len());
    writeln!(out, "{}", if r.passed { line.green().bold() } else { line.red().bold() })
}

// ---------------------------------------------------------------- load

pub fn load(out: &mut impl Write, s: &crate::load::Summary, format: Format) -> io::Result<()> {
    for (e, n) in &s.errors {
        eprintln!("{} {e} ({})", "error:".red().bold(), plural(*n as usize, "time"));
    }
    if format == Format::Json {
        return json(out, s);
    }
    writeln!(
        out,
        "{} {} → {}  {}",
        plural(s.requests as usize, "request").bold(),
        s.event.cyan(),
        s.url,
        format!("(concurrency {}, {:.2} s)", s.concurrency, s.elapsed_s).dimmed()
    )?;
    let rows = vec![
        ["passed".to_string(), s.passed.to_string()],
        ["contract failures".to_string(), s.contract_failures.to_string()],
        ["transport errors".to_string(), s.transport_errors.to_string()],
        ["requests/s".to_string(), format!("{:.0}", s.requests_per_second)],
        ["latency p50".to_string(), format!("{:.2} ms", s.latency.p50_ms)],
        ["latency p90".to_string(), format!("{:.2} ms", s.latency.p90_ms)],
        ["latency p99".to_string(), format!("{:.2} ms", s.latency.p99_ms)],
        ["latency max".to_string(), format!("{:.2} ms", s.latency.max_ms)],
    ];
    write_table(out, tabled::builder::Builder::from_iter(rows).build())?;
    let statuses: Vec<String> = s.statuses.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    if !statuses.is_empty() {
        writeln!(out, "  statuses  {}", statuses.join(", "))?;
    }
    if let Some(f) = &s.first_failure {
        writeln!(out, "  {} first failure: {f}", "✗".red().bold())?;
    }
    Ok(())
}

// ---------------------------------------------------------------- listen

pub fn listening(addr: std::net::SocketAddr, args: &crate::cli::ListenArgs) {
    eprintln!("{} listening on http://{addr} (any path, any method); Ctrl-C to stop", "hookctl".bold());
    if !addr.ip().is_loopback() {
        eprintln!(
            "{} bound to {}: anyone who can reach this machine can post to it",
            "warning:".yellow().bold(),
            addr.ip()
        );
    }
    if let Some(save) = &args.save {
        eprintln!(
            "      capturing to {} (one JSON line a request, written before it is answered)",
            save.display()
        );
    }
    if let Some(url) = &args.forward_to {
        eprintln!("      forwarding to {url}");
    }
}

/// One received request: a line, and the fields that matter beneath it. NDJSON under `-o json`.
pub fn record(out: &mut impl Write, r: &crate::receiver::Record, format: Format) -> io::Result<()> {
    if format == Format::Json {
        serde_json::to_writer(&mut *out, r)?;
        writeln!(out)?;
        return out.flush();
    }
    let time = r.time.get(11..23).unwrap_or(&r.time);
    let kind = r.kind.map_or("unknown".to_string(), |k| k.name().to_string());
    let state = match (&r.verdict, &r.note) {
        (Some(v), _) if v.valid => "valid".green().bold().to_string(),
        (Some(v), _) => format!("invalid ({})", v.errors.len()).red().bold().to_string(),
        (None, Some(note)) => note.yellow().to_string(),
        (None, None) => String::new(),
    };
    let repeat = r.repeat_of.map(|i| format!("  repeat of #{i}").yellow().to_string()).unwrap_or_default();
    let a = &r.answer;
    let arrow = if a.forwarded { "forwarded → ".to_string() } else { "→ ".to_string() };
    // What was answered, then whether that answer keeps the contract.
    let mut said = String::new();
    if let Some(option) = &a.option {
        said.push_str(&format!("  option {}", field_value(option).bold()));
    }
    if let Some(content) = &a.content {
        said.push_str(&format!("  answer {}", crate::contract::snippet(content).bold()));
    }
    match &a.verdict {
        Some(v) if v.valid => said.push_str(&format!("  {}", "✓".green().bold())),
        Some(v) => said.push_str(&format!(
            "  {} {}",
            "✗".red().bold(),
            format!("answer breaks the {} contract", v.kind).red().bold()
        )),
        None => {}
    }
    writeln!(
        out,
        "{} {}  {} {}  {}  {state}{repeat}  {}{}{said}",
        format!("#{}", r.index).bold(),
        time.dimmed(),
        r.method,
        r.path,
        kind.cyan(),
        arrow.dimmed(),
        status_text(a.status)
    )?;
    if let Some(v) = &r.verdict {
        let shown: Vec<String> = v
            .fields
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "comments" | "intents" | "openContext" | "visibleContext" | "hiddenContext" | "updatedAt"
                )
            })
            .map(|(k, val)| format!("{} {}", k.dimmed(), field_value(val)))
            .collect();
        if !shown.is_empty() {
            writeln!(out, "    {}", shown.join("  "))?;
        }
        for e in v.errors.iter().take(3) {
            finding(out, e, true)?;
        }
        if v.errors.len() > 3 {
            writeln!(out, "    … and {} more", v.errors.len() - 3)?;
        }
    }
    if let Some(reason) = &r.answer.reason {
        writeln!(out, "    {} {reason}", "answer:".dimmed())?;
    }
    if let Some(v) = &a.verdict {
        if a.forwarded {
            let state = if v.valid { "valid".green().bold() } else { "invalid".red().bold() };
            writeln!(out, "    {} {} {state}", "your server's answer:".dimmed(), v.kind)?;
        } else if !v.valid {
            writeln!(out, "    {}", "the mock's answer (sent as asked):".dimmed())?;
        }
        verdict(out, v)?;
    }
    out.flush()
}

pub fn listen_summary(out: &mut impl Write, t: &crate::receiver::Tally, format: Format) -> io::Result<()> {
    if format == Format::Json {
        serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": t }))?;
        return writeln!(out);
    }
    let kinds: Vec<String> = t.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let mut line = plural(t.requests as usize, "request");
    if !kinds.is_empty() {
        line.push_str(&format!(" ({})", kinds.join(", ")));
    }
    line.push_str(&format!(", {} invalid, {}", t.invalid, plural(t.repeats as usize, "repeat")));
    if t.invalid_answers > 0 {
        line.push_str(&format!(", {} breaking the contract", plural(t.invalid_answers as usize, "answer")));
    }
    writeln!(out, "{}", line.bold())
}

// ---------------------------------------------------------------- test

pub fn test(out: &mut impl Write, r: &crate::tester::TestReport, format: Format) -> io::Result<()> {
    let builtin = r.summary.builtin_receiver;
    if builtin > 0 {
        eprintln!(
            "{} no url for {} of {} (none from --url, HOOKCTL_URL or the suite): they ran against hookctl's built-in receiver, which answers as a correct webhook would.\n      Target your server with --url, HOOKCTL_URL, or url in the suite (url = \"${{WEBHOOK_URL:-}}\" reads WEBHOOK_URL).",
            "note:".cyan().bold(),
            builtin,
            plural(r.summary.cases, "case")
        );
    }
    if format == Format::Json {
        return json(out, r);
    }
    for c in &r.cases {
        let mark = if c.passed { "✓".green().bold() } else { "✗".red().bold() };
        writeln!(
            out,
            "{mark} {}  {}",
            c.name,
            format!("{}:{}  {:.0} ms", c.suite, c.line, c.duration_ms).dimmed()
        )?;
        if let Some(e) = &c.error {
            writeln!(out, "    {} {e}", "not delivered:".red().bold())?;
        }
        for f in &c.failures {
            writeln!(
                out,
                "    {} expected {}, found {}",
                format!("{}:", f.expectation).bold(),
                f.expected,
                f.found
            )?;
        }
        if !c.passed {
            if let Some(req) = &c.request {
                writeln!(out, "    {} {}", "sent:".dimmed(), crate::contract::snippet(req))?;
            }
            if let Some(status) = c.status {
                let body = c.response.as_ref().map(crate::contract::snippet).unwrap_or_default();
                writeln!(out, "    {} {} {body}", "answer:".dimmed(), status_text(status))?;
            }
        }
    }
    let s = &r.summary;
    let rows = vec![
        ["cases", "passed", "failed", "errors", "time"].map(String::from),
        [
            s.cases.to_string(),
            s.passed.to_string(),
            s.failed.to_string(),
            s.errors.to_string(),
            format!("{:.2} s", s.duration_ms / 1e3),
        ],
    ];
    write_table(out, tabled::builder::Builder::from_iter(rows).build())?;
    let verdict = if s.passed == s.cases { "PASSED".green().bold() } else { "FAILED".red().bold() };
    if builtin > 0 {
        let which = if builtin == s.cases {
            "against hookctl's built-in receiver, not your server".to_string()
        } else {
            format!("{builtin} of {} against hookctl's built-in receiver", plural(s.cases, "case"))
        };
        writeln!(out, "{verdict}  {}", format!("({which})").yellow())
    } else {
        writeln!(out, "{verdict}")
    }
}

/// The report as JUnit XML: a test suite per suite file, a test case per case.
pub fn junit(r: &crate::tester::TestReport) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("hookctl");
    let mut suites: Vec<TestSuite> = Vec::new();
    for c in &r.cases {
        let status = if c.passed {
            TestCaseStatus::success()
        } else if let Some(e) = &c.error {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(e.as_str()).set_type("transport");
            s
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let lines: Vec<String> = c
                .failures
                .iter()
                .map(|f| format!("{}: expected {}, found {}", f.expectation, f.expected, f.found))
                .collect();
            s.set_message(lines.first().cloned().unwrap_or_default()).set_type("contract");
            let mut description = lines.join("\n");
            if let Some(req) = &c.request {
                description.push_str(&format!("\nsent: {req}"));
            }
            if let (Some(status), Some(body)) = (c.status, &c.response) {
                description.push_str(&format!("\nanswer: {status} {body}"));
            }
            s.set_description(description);
            s
        };
        let mut case = TestCase::new(c.name.as_str(), status);
        case.set_classname(c.suite.as_str())
            .set_time(std::time::Duration::from_secs_f64(c.duration_ms / 1e3));
        if c.builtin_receiver {
            case.add_property(("receiver", "built-in"));
            case.set_system_out(
                "no url (none from --url, HOOKCTL_URL or the suite): delivered to hookctl's built-in receiver, not to your server",
            );
        }
        match suites.iter_mut().find(|s| s.name.as_str() == c.suite) {
            Some(s) => {
                s.add_test_case(case);
            }
            None => {
                let mut s = TestSuite::new(c.suite.as_str());
                s.add_test_case(case);
                suites.push(s);
            }
        }
    }
    report.add_test_suites(suites);
    report.set_time(std::time::Duration::from_secs_f64(r.summary.duration_ms / 1e3));
    report.to_string().unwrap_or_default()
}
