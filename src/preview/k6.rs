//! `--print k6`: a k6 script (JavaScript) that sends an event, or a scenario's steps, as hookctl's
//! load mode does: the platform's headers (secret ones read from the environment unless
//! `--show-secrets`), the body with fresh identifiers and timestamps for each request (of the
//! forms hookctl gives them), and k6 checks of the status and, for eva, of the answer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::catalogue::Kind;
use crate::contract::OptionCase;
use crate::error::{Error, Result};
use crate::http;
use crate::payload::Shape;
use crate::platform::eva;
use crate::send::{self, Expect};

/// What an identifier is replaced by in a marked body, as `load`'s bodies mark theirs.
pub fn mark(slot: usize) -> String {
    format!("\u{1}hookctl-slot-{slot}\u{1}")
}

/// What a timestamp is replaced by in a marked body: its time, in milliseconds since 1970.
pub fn mark_time(t: DateTime<Utc>) -> String {
    format!("\u{1}hookctl-time-{}\u{1}", t.timestamp_millis())
}

/// One request of an iteration: a marked body, and how many times it goes at once.
pub struct Step {
    pub name: String,
    pub kind: Kind,
    pub doc: Value,
    pub times: u32,
}

/// Everything a script is made of.
pub struct Plan<'a> {
    /// What the script stands for: `send handoff-create`, `scenario handoff-lifecycle`.
    pub title: String,
    /// The url to send to when `HOOKCTL_URL` is not set, as hookctl would aim.
    pub url: Option<url::Url>,
    pub headers: &'a reqwest::header::HeaderMap,
    pub steps: Vec<Step>,
    /// The old identifiers, in slot order (their shapes give the new values' forms).
    pub slots: Vec<Value>,
    pub expect: &'a Expect,
    pub option_case: OptionCase,
    /// `--seed`: timestamps stay as they are in the body (as a seeded run keeps them), and the
    /// numbers' start is the seed's.
    pub seed: Option<u64>,
    /// Scenario: each step twice in a row.
    pub duplicate: bool,
    /// Scenario: the steps in a new random order each iteration.
    pub shuffle: bool,
    pub show_secrets: bool,
}

/// A script, and what the user must know to run it.
#[derive(Debug, Serialize)]
pub struct Script {
    pub script: String,
    /// Said on stderr: the variables the script reads, where it sends without one.
    pub notes: Vec<String>,
}

/// Where `hookctl listen` listens by default, the url of a script given none.
fn listen_url() -> String {
    format!("http://127.0.0.1:{}/hook", crate::defaults::PORT)
}

/// Write the script of `plan`.
pub fn script(plan: &Plan) -> Result<Script> {
    let mut notes = Vec::new();
    let mut out = String::new();
    let (url_default, url_line) = url_default(plan, &mut notes);
    let headers = headers(plan, &mut notes);
    out.push_str(&format!("// hookctl {} --print k6: a k6 script that sends ", plan.title));
    out.push_str(if plan.steps.len() == 1 { "the event" } else { "the scenario's steps, in order," });
    out.push_str(" as hookctl's load mode does:\n");
    out.push_str(match plan.slots.is_empty() {
        true => "// the platform's headers, the body as it is (a --data body goes as given), and k6 checks\n",
        false => "// the platform's headers, the body with fresh ids and timestamps for each request, and k6 checks\n",
    });
    out.push_str(
        "// of the answer (a failed check fails the run, exit 99). Run it with\n\
         //   k6 run --vus 10 --duration 1m -e HOOKCTL_URL=http://host:port/hook script.js\n",
    );
    out.push_str(&url_line);
    for (name, env) in headers.iter().filter_map(|h| Some((&h.name, h.env.as_ref()?))) {
        out.push_str(&format!(
            "// The secret header {name} is not written here: it is read from {env} (k6 run -e {env}=...).\n"
        ));
    }
    if plan.show_secrets && plan.headers.keys().any(|n| http::is_secret(n.as_str())) {
        out.push_str(
            "// Secret header values are written as they are (--show-secrets): keep this file private.\n",
        );
    }
    out.push_str(PRELUDE);
    out.push_str(&format!("const URL = {url_default};\n"));
    out.push_str("const HEADERS = {\n");
    for h in &headers {
        out.push_str(&format!("  {}: {},\n", js_str(&h.name), h.value));
    }
    out.push_str("};\n");
    out.push_str(&format!("const MOVE_TIMES = {};\n", plan.seed.is_none()));
    out.push_str(&format!("const INSENSITIVE = {};\n", plan.option_case == OptionCase::Insensitive));
    let bodies: Vec<Pieces> = plan.steps.iter().map(|s| cut(&send::wire(&s.doc))).collect::<Result<_>>()?;
    let latest = bodies.iter().flat_map(|b| b.iter()).filter_map(|p| match p {
        Piece::Time(ms) => Some(*ms),
        _ => None,
    });
    out.push_str(&format!("const LATEST = {};\n\n", latest.max().unwrap_or(0)));
    let start = plan.seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed).u32(0..999_000);
    out.push_str(&ids(&plan.slots, start));
    for (i, (step, body)) in plan.steps.iter().zip(&bodies).enumerate() {
        out.push_str(&body_fn(i, step, body));
        out.push_str(&checks_fn(i, step, plan)?);
    }
    out.push_str(&iteration(plan));
    Ok(Script { script: out, notes })
}

/// The url's expression and the comment line that says it; a note when the user must know.
fn url_default(plan: &Plan, notes: &mut Vec<String>) -> (String, String) {
    match &plan.url {
        None => {
            let url = listen_url();
            notes.push(format!(
                "no --url given: the script sends to {url} (where `hookctl listen` listens by default) unless HOOKCTL_URL is set"
            ));
            (
                format!("__ENV.HOOKCTL_URL || {}", js_str(&url)),
                format!("// It sends to HOOKCTL_URL, else {url}.\n"),
            )
        }
        Some(url) => {
            let shown = http::shown_url(url.as_str(), plan.show_secrets);
            if shown == url.as_str() {
                let line = format!("// It sends to HOOKCTL_URL, else {shown}.\n");
                return (format!("__ENV.HOOKCTL_URL || {}", js_str(&shown)), line);
            }
            notes.push(format!(
                "the url carries a secret ({shown}): the script reads the whole url from HOOKCTL_URL (--show-secrets writes it in)"
            ));
            let line = format!(
                "// It sends to HOOKCTL_URL, which must be set: the url ({shown}) carries a secret.\n"
            );
            (format!("need('HOOKCTL_URL', {})", js_str(&format!("the url ({shown})"))), line)
        }
    }
}

struct Header {
    name: String,
    /// A JavaScript expression.
    value: String,
    /// The variable a secret value is read from.
    env: Option<String>,
}

/// The headers, secret ones (by the one rule) as reads of the environment unless `--show-secrets`.
fn headers(plan: &Plan, notes: &mut Vec<String>) -> Vec<Header> {
    let mut secrets = Vec::new();
    let shown = http::shown_headers(plan.headers, plan.show_secrets);
    let headers = shown
        .into_iter()
        .map(|(name, value)| {
            if plan.show_secrets || !http::is_secret(&name) {
                return Header { value: js_str(&value), name, env: None };
            }
            let env = env_name(&name);
            secrets.push(env.clone());
            let value = format!("need({}, {})", js_str(&env), js_str(&format!("the {name} header")));
            Header { env: Some(env), name, value }
        })
        .collect();
    if !secrets.is_empty() {
        notes.push(format!(
            "secret header values are not in the script: it reads them from {} (k6 run -e NAME=...); --show-secrets writes them in",
            secrets.join(", ")
        ));
    }
    headers
}

/// The variable a secret header's value is read from: its name in capitals, `_` for the rest.
fn env_name(header: &str) -> String {
    header.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// A piece of a serialised body.
#[derive(Debug, PartialEq)]
enum Piece {
    Text(String),
    Slot(usize),
    Time(i64),
}

type Pieces = Vec<Piece>;

/// Cut a marked body's bytes at its marks (each a whole JSON string).
fn cut(bytes: &[u8]) -> Result<Pieces> {
    const OPEN: &str = "\"\\u0001hookctl-";
    const CLOSE: &str = "\\u0001\"";
    let text = std::str::from_utf8(bytes).map_err(|_| Error::internal("a body that is not UTF-8"))?;
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        pieces.push(Piece::Text(rest[..at].to_string()));
        let after = &rest[at + OPEN.len()..];
        let end = after.find(CLOSE).ok_or_else(|| Error::internal("a mark cut short in a k6 body"))?;
        let piece = match after[..end].split_once('-') {
            Some(("slot", n)) => n.parse().ok().map(Piece::Slot),
            Some(("time", n)) => n.parse().ok().map(Piece::Time),
            _ => None,
        };
        pieces.push(piece.ok_or_else(|| Error::internal("a mark of no known form in a k6 body"))?);
        rest = &after[end + CLOSE.len()..];
    }
    pieces.push(Piece::Text(rest.to_string()));
    if pieces
        .iter()
        .any(|p| matches!(p, Piece::Text(t) if t.contains("hookctl-slot-") || t.contains("hookctl-time-")))
    {
        return Err(Error::internal("a mark inside a longer string of a k6 body"));
    }
    Ok(pieces)
}

/// A JavaScript string literal (single-quoted) holding `text` exactly.
fn js_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `ids()`: one iteration's identifiers, as JSON texts, slot by slot.
fn ids(slots: &[Value], start: u32) -> String {
    let numbers = slots.iter().filter(|v| Shape::of(v) == Some(Shape::Number)).count();
    let mut out = format!(
        "// Numbers (1,000 to 999,999) count up from a start drawn when the script was printed, so that no\n\
         // two requests of a run share one, across VUs and k6 instances (k6-operator's parallel runners\n\
         // too); the other ids are drawn at random, of the fixture's form.\n\
         const NUMBERS = {numbers};\n\
         const START = {start};\n\n\
         // The identifiers of one iteration, as JSON (each commented with the value it replaces).\n\
         function ids() {{\n  const n = exec.scenario.iterationInTest * NUMBERS;\n  return [\n"
    );
    let mut k = 0;
    for old in slots {
        let expr = match Shape::of(old) {
            Some(Shape::Number) => {
                k += 1;
                format!("String(number(n + {}))", k - 1)
            }
            Some(Shape::Uuid) => "q(uuid())".to_string(),
            Some(Shape::Hex32) => "q(hex(32))".to_string(),
            Some(Shape::Digits(n)) => format!("q(digits({n}))"),
            Some(Shape::Text(n)) => format!("q(text({n}))"),
            None => old.to_string(),
        };
        out.push_str(&format!("    {expr}, // {}\n", comment(old)));
    }
    out.push_str("  ];\n}\n\n");
    out
}

/// A value as a comment shows it, on one line.
fn comment(v: &Value) -> String {
    v.to_string().replace(['\n', '\r', '\u{2028}', '\u{2029}'], " ")
}

/// `body_i(v, at)`: step i's body with the identifiers `v` and timestamps made by `at`.
fn body_fn(i: usize, step: &Step, pieces: &Pieces) -> String {
    let mut parts = Vec::new();
    for p in pieces {
        match p {
            Piece::Text(t) if t.is_empty() => {}
            Piece::Text(t) => parts.push(js_str(t)),
            Piece::Slot(n) => parts.push(format!("v[{n}]")),
            Piece::Time(ms) => parts.push(format!("at({ms})")),
        }
    }
    if parts.is_empty() {
        parts.push("''".to_string());
    }
    let mut out = format!("// {}: the exact bytes hookctl sends, ids and timestamps filled in.\n", step.name);
    out.push_str(&format!("function body_{i}(v, at) {{\n  return {};\n}}\n\n", parts.join("\n    + ")));
    out
}

/// `checks_i`: what k6 checks of step i's answer.
fn checks_fn(i: usize, step: &Step, plan: &Plan) -> Result<String> {
    let prefix = if plan.steps.len() > 1 { format!("{}: ", step.name) } else { String::new() };
    let mut checks = Vec::new();
    match plan.expect.status {
        Some(code) => checks.push((format!("status is {code}"), format!("r.status === {code}"))),
        None => checks.push(("status is 2xx".to_string(), "r.status >= 200 && r.status < 300".to_string())),
    }
    match step.kind {
        Kind::EvaServiceRequest => {
            let options = step.doc.pointer(eva::ptr::EXPECTED_OPTIONS).cloned().unwrap_or(Value::Null);
            let options = serde_json::to_string(&options).map_err(|e| Error::internal(e.to_string()))?;
            checks.push((
                "option is one of expectedOptions".to_string(),
                format!("one_of({options}, option(r))"),
            ));
            if let Some(want) = &plan.expect.option {
                checks.push((format!("option is {want}"), format!("same({}, option(r))", js_str(want))));
            }
        }
        Kind::EvaAnswerRequest => {
            checks.push(("the answer carries an answer object".to_string(), "answer(r)".to_string()))
        }
        _ => {}
    }
    let mut out = format!("const CHECKS_{i} = {{\n");
    for (name, test) in checks {
        out.push_str(&format!("  {}: (r) => {test},\n", js_str(&format!("{prefix}{name}"))));
    }
    out.push_str("};\n\n");
    Ok(out)
}

/// The default function: one iteration.
fn iteration(plan: &Plan) -> String {
    let mut out = String::from(
        "export default function () {\n  const v = ids();\n  const at = clock();\n  let steps = [\n",
    );
    for (i, step) in plan.steps.iter().enumerate() {
        out.push_str(&format!(
            "    [{}, body_{i}, CHECKS_{i}, {}],\n",
            js_str(&step.name),
            step.times.max(1)
        ));
    }
    out.push_str("  ];\n");
    if plan.shuffle {
        out.push_str("  steps = shuffled(steps);\n");
    }
    let sends = if plan.duplicate { 2 } else { 1 };
    out.push_str(&format!(
        "  for (const [name, body, checks, times] of steps) {{\n    for (let d = 0; d < {sends}; d++) {{\n      send(name, body(v, at), checks, times);\n    }}\n  }}\n}}\n"
    ));
    out
}

/// What every script has: the imports, the thresholds, and the helpers.
const PRELUDE: &str = r#"
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

export const options = {
  thresholds: { checks: ['rate==1'] },
};

// A variable that must be set: the run stops at once, saying which, when it is not.
function need(name, what) {
  const value = __ENV[name];
  if (value === undefined || value === '') {
    throw new Error(`set ${name} to ${what}: k6 run -e ${name}=... script.js`);
  }
  return value;
}

function pick(chars) {
  return chars[Math.floor(Math.random() * chars.length)];
}
function hex(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += pick('0123456789abcdef');
  return s;
}
function uuid() {
  return hex(8) + '-' + hex(4) + '-4' + hex(3) + '-' + pick('89ab') + hex(3) + '-' + hex(12);
}
function digits(n) {
  let s = pick('123456789');
  for (let i = 1; i < n; i++) s += pick('0123456789');
  return s;
}
function text(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  return s;
}
function number(k) {
  return 1000 + ((START + k) % 999000);
}
function q(s) {
  return '"' + s + '"';
}

// Timestamps as hookctl moves them: the latest of the body is now (unless seeded), as JSON.
function clock() {
  const shift = MOVE_TIMES ? Date.now() - LATEST : 0;
  return (ms) => q(new Date(ms + shift).toISOString());
}

function json(r) {
  try {
    return r.json();
  } catch (e) {
    return undefined;
  }
}
function option(r) {
  const doc = json(r);
  return doc && typeof doc === 'object' ? doc.option : undefined;
}
function answer(r) {
  const doc = json(r);
  return !!doc && typeof doc === 'object' && !!doc.answer && typeof doc.answer === 'object';
}
function same(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return INSENSITIVE ? a.toLowerCase() === b.toLowerCase() : a === b;
}
function one_of(options, value) {
  return Array.isArray(options) && options.some((o) => same(o, value));
}
function shuffled(items) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// One delivery of a step: `times` requests at once (Botpress sends a tag edit twice), each checked.
function send(name, body, checks, times) {
  const params = { headers: HEADERS, tags: { name: name } };
  const answers = times > 1
    ? http.batch(Array.from({ length: times }, () => ['POST', URL, body, params]))
    : [http.post(URL, body, params)];
  for (const r of answers) {
    check(r, checks);
  }
}

"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_cut_out_and_text_kept() {
        let doc = serde_json::json!({"id": mark(0), "at": mark_time(DateTime::from_timestamp_millis(5).unwrap()), "x": "y"});
        let pieces = cut(&send::wire(&doc)).unwrap();
        assert_eq!(
            pieces,
            vec![
                Piece::Text("{\"id\":".into()),
                Piece::Slot(0),
                Piece::Text(",\"at\":".into()),
                Piece::Time(5),
                Piece::Text(",\"x\":\"y\"}".into()),
            ]
        );
        let inside = serde_json::json!({"id": format!("x{}", mark(0))});
        assert!(cut(&send::wire(&inside)).is_err());
    }

    #[test]
    fn strings_are_javascript_literals_of_the_same_text() {
        assert_eq!(js_str(r#"{"a":"it's \"x\"\n"}"#), r#"'{"a":"it\'s \\"x\\"\\n"}'"#);
        assert_eq!(js_str("a\nb"), r"'a\nb'");
        assert_eq!(js_str("a\u{2028}b"), "'a\\u2028b'");
        assert_eq!(env_name("x-api-key"), "X_API_KEY");
    }
}
