//! Contract suites: TOML files of cases that `hookctl test` runs against a webhook.
//!
//! TOML because users write these by hand and keep them in their repositories: it has comments,
//! needs no indentation discipline, and quoted keys hold JSON pointers (`"/option"`) as they are.
//! Every mistake is reported with the file, the line and the key, and exits 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::catalogue::{self, EVENTS, Kind, Platform, Scenario};
use crate::error::{Error, Result};
use crate::json::Pointer;
use crate::send::{Body, Template};

/// A suite, checked and ready to run.
#[derive(Debug)]
pub struct Suite {
    pub label: String,
    pub cases: Vec<Case>,
    /// Values that came from the environment (`${NAME}`), masked in every report.
    pub secrets: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub line: usize,
    pub what: What,
    pub url: Option<String>,
    pub headers: Vec<String>,
    pub timeout: f64,
    pub expect: Expectations,
}

#[derive(Debug)]
pub enum What {
    /// One body: a built-in event or a payload file, with overrides.
    Body(Box<Template>),
    /// A built-in scenario: every step must be accepted.
    Scenario(&'static Scenario),
}

#[derive(Debug, Clone)]
pub enum StatusExpect {
    Exact(u16),
    /// 2 for 2xx, 4 for 4xx, ...
    Class(u16),
}

impl StatusExpect {
    pub fn matches(&self, status: u16) -> bool {
        match self {
            StatusExpect::Exact(s) => *s == status,
            StatusExpect::Class(c) => status / 100 == *c,
        }
    }
}

impl std::fmt::Display for StatusExpect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusExpect::Exact(s) => write!(f, "{s}"),
            StatusExpect::Class(c) => write!(f, "{c}xx"),
        }
    }
}

#[derive(Debug, Clone)]
pub enum TextExpect {
    Contains(String),
    Matches(Regex),
    Equals(String),
}

#[derive(Debug, Clone)]
pub enum FieldCheck {
    Equals(Value),
    Exists(bool),
    Matches(Regex),
}

#[derive(Debug, Clone)]
pub struct Expectations {
    pub status: StatusExpect,
    /// The answer follows the platform's contract (eva: schema and contract checks).
    pub valid: bool,
    /// The service cell's option is one of these.
    pub option: Option<Vec<String>>,
    pub answer: Vec<TextExpect>,
    /// JSON pointer into the answer's body, and what must hold there.
    pub fields: Vec<(String, FieldCheck)>,
    pub max_latency_ms: Option<f64>,
    /// Deliver twice; both must be accepted.
    pub idempotent: bool,
}

// ------------------------------------------------------------------ the file as written

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    url: Option<Spanned<String>>,
    #[serde(default)]
    headers: BTreeMap<String, Spanned<String>>,
    timeout: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    event: Option<Spanned<String>>,
    payload: Option<Spanned<String>>,
    scenario: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    #[serde(default)]
    headers: BTreeMap<String, Spanned<String>>,
    timeout: Option<Spanned<f64>>,
    seed: Option<Spanned<toml::Value>>,
    #[serde(default)]
    set: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    expect: RawExpect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    status: Option<Spanned<toml::Value>>,
    valid: Option<bool>,
    option: Option<Spanned<toml::Value>>,
    answer_contains: Option<Spanned<String>>,
    answer_matches: Option<Spanned<String>>,
    answer_equals: Option<Spanned<String>>,
    #[serde(default)]
    field: BTreeMap<String, Spanned<RawField>>,
    max_latency_ms: Option<Spanned<f64>>,
    idempotent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    equals: Option<toml::Value>,
    exists: Option<bool>,
    matches: Option<String>,
}

// ------------------------------------------------------------------ loading

/// A string after substitution, and how many of its variable references came out empty.
struct Substituted {
    text: String,
    references: usize,
    empty: usize,
}

/// Reads a suite and reports its mistakes as `file:line: key: what`.
struct Loader<'a> {
    label: String,
    text: &'a str,
    dir: PathBuf,
    secrets: Vec<(String, String)>,
}

impl Loader<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].bytes().filter(|b| *b == b'\n').count() + 1
    }

    fn err(&self, offset: usize, msg: impl std::fmt::Display) -> Error {
        Error::usage(format!("{}:{}: {msg}", self.label, self.line(offset)))
    }

    /// Substitute the environment in a string (see [`Loader::subst`]).
    fn env(&mut self, s: &Spanned<String>, key: &str) -> Result<String> {
        Ok(self.subst(s.get_ref(), s.span().start, key)?.text)
    }

    fn env_at(&mut self, raw: &str, at: usize, key: &str) -> Result<String> {
        Ok(self.subst(raw, at, key)?.text)
    }

    /// Substitute `${NAME}` (the variable must be set) and `${NAME:-default}` (the default when
    /// the variable is unset or empty, as in a shell); `$${` is a literal `${`. Values taken from
    /// the environment are remembered, to mask them in every report; defaults are not secrets.
    fn subst(&mut self, raw: &str, at: usize, key: &str) -> Result<Substituted> {
        let mut out = Substituted { text: String::new(), references: 0, empty: 0 };
        let mut rest = raw;
        while let Some(start) = rest.find('$') {
            out.text.push_str(&rest[..start]);
            let tail = &rest[start..];
            if let Some(after) = tail.strip_prefix("$${") {
                out.text.push_str("${");
                rest = after;
                continue;
            }
            let Some(after) = tail.strip_prefix("${") else {
                out.text.push('$');
                rest = &tail[1..];
                continue;
            };
            let end = after
                .find('}')
                .ok_or_else(|| self.err(at, format!("{key}: '${{' without a closing '}}'")))?;
            let inner = &after[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (inner, None),
            };
            if default.is_some_and(|d| d.contains("${")) {
                return Err(
                    self.err(at, format!("{key}: '${{{inner}}}': a default cannot hold another reference"))
                );
            }
            if name.is_empty()
                || name.starts_with(|c: char| c.is_ascii_digit())
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(self.err(
                    at,
                    format!(
                        "{key}: '${{{inner}}}' is not a variable reference: write ${{NAME}} or ${{NAME:-default}} ($${{ for a literal ${{)"
                    ),
                ));
            }
            let set = match std::env::var(name) {
                Ok(v) => Some(v),
                Err(std::env::VarError::NotPresent) => None,
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(
                        self.err(at, format!("{key}: environment variable {name} is not valid UTF-8"))
                    );
                }
            };
            let value = match (set.clone().filter(|v| !v.is_empty()), default) {
                (Some(value), _) => {
                    if !self.secrets.iter().any(|(_, v)| *v == value) {
                        self.secrets.push((name.to_string(), value.clone()));
                    }
                    value
                }
                (None, Some(default)) => default.to_string(),
                // Set but empty: empty, as a shell would have it.
                (None, None) if set.is_some() => String::new(),
                (None, None) => {
                    return Err(self.err(
                        at,
                        format!(
                            "{key}: environment variable {name} is not set (give a default with ${{{name}:-default}})"
                        ),
                    ));
                }
            };
            out.references += 1;
            if value.is_empty() {
                out.empty += 1;
            }
            out.text.push_str(&value);
            rest = &after[end + 1..];
        }
        out.text.push_str(rest);
        Ok(out)
    }

    /// Substitute the environment in every string of a JSON value.
    fn env_json(&mut self, v: &mut Value, at: usize, key: &str) -> Result<()> {
        match v {
            Value::String(s) => *s = self.env_at(s, at, key)?,
            Value::Array(items) => {
                for i in items {
                    self.env_json(i, at, key)?;
                }
            }
            Value::Object(map) => {
                for i in map.values_mut() {
                    self.env_json(i, at, key)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn regex(&self, s: &str, offset: usize, key: &str) -> Result<Regex> {
        Regex::new(s).map_err(|e| {
            let first = e.to_string().lines().last().unwrap_or_default().trim().to_string();
            self.err(offset, format!("{key}: invalid regex '{s}': {first}"))
        })
    }

    /// A header whose every variable came out empty is not sent: `Bearer ${TOKEN:-}` without a
    /// token sends no Authorization header rather than an empty bearer.
    fn headers(&mut self, raw: &BTreeMap<String, Spanned<String>>, key: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for (name, raw_value) in raw {
            let at = raw_value.span().start;
            let value = self.subst(raw_value.get_ref(), at, &format!("{key}.{name}"))?;
            if value.references > 0 && value.empty == value.references {
                continue;
            }
            // Checked here, so that a bad header names its line; what came from the environment
            // is masked.
            crate::http::header(name, value.text.trim(), &format!("{key}.{name}")).map_err(|e| {
                let masked = crate::tester::mask(&self.secrets, &e.to_string());
                self.err(at, masked)
            })?;
            out.push(format!("{name}: {}", value.text));
        }
        Ok(out)
    }

    fn case(
        &mut self,
        raw: Spanned<RawCase>,
        defaults: &RawDefaults,
        default_headers: &[String],
    ) -> Result<Case> {
        let at = raw.span().start;
        let line = self.line(at);
        let raw = raw.into_inner();
        let name = raw.name.get_ref().clone();
        let ctx = format!("case '{name}'");
        let sources = [raw.event.is_some(), raw.payload.is_some(), raw.scenario.is_some()];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(self.err(at, format!("{ctx}: give exactly one of event, payload or scenario")));
        }
        let mut sets = Vec::new();
        for (path, value) in &raw.set {
            let key = format!("{ctx}: set.{path}");
            let mut json = self.json(value, &key)?;
            self.env_json(&mut json, value.span().start, &key)?;
            sets.push(format!("{path}={json}"));
        }
        let what = if let Some(s) = &raw.scenario {
            let scenario = catalogue::scenario(s.get_ref())
                .map_err(|e| self.err(s.span().start, format!("{ctx}: scenario: {e}")))?;
            if !sets.is_empty() {
                return Err(self.err(at, format!("{ctx}: set does not apply to a scenario")));
            }
            What::Scenario(scenario)
        } else {
            let (event, data, origin) = match (&raw.event, &raw.payload) {
                (Some(e), _) => (Some(e.get_ref().clone()), None, e.span().start),
                (_, Some(p)) => {
                    let path = self.env(p, &format!("{ctx}: payload"))?;
                    (None, Some(self.dir.join(path)), p.span().start)
                }
                _ => unreachable!("exactly one source was checked above"),
            };
            let seed = raw.seed.as_ref().map(|s| self.seed(s, &format!("{ctx}: seed"))).transpose()?;
            let body = Body { event, data, sets, seed, ..Body::default() };
            let template = Template::new(&body).map_err(|e| self.err(origin, format!("{ctx}: {e}")))?;
            What::Body(Box::new(template))
        };
        // The case's url, else the defaults'; one that comes out empty ("${WEBHOOK_URL:-}" with the
        // variable unset) is no url.
        let mut url = None;
        if let Some(u) = &raw.url {
            url = self.url(u, &format!("{ctx}: url"))?;
        }
        if url.is_none() {
            if let Some(u) = &defaults.url {
                url = self.url(u, "defaults.url")?;
            }
        }
        let mut headers = default_headers.to_vec();
        headers.extend(self.headers(&raw.headers, &format!("{ctx}: headers"))?);
        // The defaults' timeout was checked once, where it is written.
        let timeout = match (&raw.timeout, &defaults.timeout) {
            (Some(t), _) => self.seconds(t, &format!("{ctx}: timeout"))?,
            (None, Some(t)) => *t.get_ref(),
            (None, None) => crate::defaults::TIMEOUT_SECS,
        };
        let expect = self.expect(raw.expect, &what, &ctx)?;
        Ok(Case { name, line, what, url, headers, timeout, expect })
    }

    /// A url after substitution, checked here so that a bad one names its line; empty is none.
    /// The message masks what came from the environment.
    fn url(&mut self, raw: &Spanned<String>, key: &str) -> Result<Option<String>> {
        let url = self.env(raw, key)?;
        if url.trim().is_empty() {
            return Ok(None);
        }
        crate::http::parse_url(&url, key).map_err(|e| {
            let masked = crate::tester::mask(&self.secrets, &e.to_string());
            self.err(raw.span().start, masked)
        })?;
        Ok(Some(url))
    }

    /// A number of seconds: above 0 and at most a day, as `--timeout` takes it. A mistake names
    /// the line of the value itself.
    fn seconds(&self, t: &Spanned<f64>, key: &str) -> Result<f64> {
        let v = *t.get_ref();
        if v > 0.0 && v <= crate::defaults::MAX_SECS {
            return Ok(v);
        }
        Err(self.err(
            t.span().start,
            format!(
                "{key}: {v} is not a number of seconds above 0 and at most {}",
                crate::defaults::MAX_SECS
            ),
        ))
    }

    /// A seed: a whole number, 0 or above.
    fn seed(&self, s: &Spanned<toml::Value>, key: &str) -> Result<u64> {
        match s.get_ref() {
            toml::Value::Integer(n) if *n >= 0 => Ok(n.unsigned_abs()),
            other => {
                Err(self.err(s.span().start, format!("{key}: {other} is not a whole number, 0 or above")))
            }
        }
    }

    /// A latency bound in milliseconds: above 0 and at most a day.
    fn millis(&self, m: &Spanned<f64>, key: &str) -> Result<f64> {
        let v = *m.get_ref();
        let max = crate::defaults::MAX_SECS * 1000.0;
        if v > 0.0 && v <= max {
            return Ok(v);
        }
        Err(self.err(
            m.span().start,
            format!("{key}: {v} is not a number of milliseconds above 0 and at most {max}"),
        ))
    }

    fn json(&self, value: &Spanned<toml::Value>, key: &str) -> Result<Value> {
        serde_json::to_value(value.get_ref())
            .map_err(|e| self.err(value.span().start, format!("{key}: cannot be expressed as JSON ({e})")))
    }

    fn expect(&mut self, raw: RawExpect, what: &What, ctx: &str) -> Result<Expectations> {
        let status = match &raw.status {
            None => StatusExpect::Class(2),
            Some(s) => {
                let bad = || {
                    self.err(
                        s.span().start,
                        format!(
                            "{ctx}: expect.status must be a code from 100 to 599 (200) or a class (\"2xx\")"
                        ),
                    )
                };
                match s.get_ref() {
                    toml::Value::Integer(n) if (100..=599).contains(n) => StatusExpect::Exact(*n as u16),
                    toml::Value::String(t) => match t.to_ascii_lowercase().as_str() {
                        c if c.len() == 3
                            && c.ends_with("xx")
                            && (b'1'..=b'5').contains(&c.as_bytes()[0]) =>
                        {
                            StatusExpect::Class(u16::from(c.as_bytes()[0] - b'0'))
                        }
                        c => StatusExpect::Exact(
                            c.parse().ok().filter(|n| (100..=599).contains(n)).ok_or_else(bad)?,
                        ),
                    },
                    _ => return Err(bad()),
                }
            }
        };
        let option = match &raw.option {
            None => None,
            Some(o) => Some(match o.get_ref() {
                toml::Value::String(s) => vec![s.clone()],
                toml::Value::Array(items) if !items.is_empty() && items.iter().all(toml::Value::is_str) => {
                    items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect()
                }
                _ => {
                    return Err(self.err(
                        o.span().start,
                        format!("{ctx}: expect.option must be a string or a list of strings"),
                    ));
                }
            }),
        };
        let mut answer = Vec::new();
        if let Some(s) = &raw.answer_contains {
            answer.push(TextExpect::Contains(self.env(s, &format!("{ctx}: expect.answer_contains"))?));
        }
        if let Some(s) = &raw.answer_matches {
            answer.push(TextExpect::Matches(self.regex(
                s.get_ref(),
                s.span().start,
                &format!("{ctx}: expect.answer_matches"),
            )?));
        }
        if let Some(s) = &raw.answer_equals {
            answer.push(TextExpect::Equals(self.env(s, &format!("{ctx}: expect.answer_equals"))?));
        }
        let mut fields = Vec::new();
        for (pointer, f) in &raw.field {
            let key = format!("{ctx}: expect.field.\"{pointer}\"");
            if !pointer.starts_with('/') {
                return Err(self.err(
                    f.span().start,
                    format!("{key}: the key must be a JSON pointer such as \"/option\""),
                ));
            }
            if let Some(bad) = crate::payload::bad_escape(pointer) {
                return Err(self.err(
                    f.span().start,
                    format!("{key}: '{bad}' is not a JSON pointer escape (~0 is ~, ~1 is /)"),
                ));
            }
            let spec = f.get_ref();
            let check = match (&spec.equals, spec.exists, &spec.matches) {
                (Some(v), None, None) => FieldCheck::Equals(
                    serde_json::to_value(v).map_err(|e| self.err(f.span().start, format!("{key}: {e}")))?,
                ),
                (None, Some(b), None) => FieldCheck::Exists(b),
                (None, None, Some(r)) => {
                    FieldCheck::Matches(self.regex(r, f.span().start, &format!("{key}.matches"))?)
                }
                _ => {
                    return Err(self.err(
                        f.span().start,
                        format!("{key}: give exactly one of equals, exists or matches"),
                    ));
                }
            };
            fields.push((pointer.clone(), check));
        }
        let expect = Expectations {
            status,
            valid: raw.valid.unwrap_or(true),
            option,
            answer,
            fields,
            max_latency_ms: raw
                .max_latency_ms
                .as_ref()
                .map(|m| self.millis(m, &format!("{ctx}: expect.max_latency_ms")))
                .transpose()?,
            idempotent: raw.idempotent.unwrap_or(false),
        };
        match what {
            What::Scenario(_)
                if expect.option.is_some() || !expect.answer.is_empty() || !expect.fields.is_empty() =>
            {
                Err(Error::usage(format!(
                    "{}: {ctx}: a scenario case takes only status, valid, max_latency_ms and idempotent expectations",
                    self.label
                )))
            }
            What::Body(t) if expect.option.is_some() && t.kind != Kind::EvaServiceRequest => {
                Err(Error::usage(format!(
                    "{}: {ctx}: expect.option applies to eva-service cases only",
                    self.label
                )))
            }
            What::Body(t) if !expect.answer.is_empty() && t.kind != Kind::EvaAnswerRequest => {
                Err(Error::usage(format!(
                    "{}: {ctx}: expect.answer_* applies to eva-answer cases only",
                    self.label
                )))
            }
            _ => Ok(expect),
        }
    }
}

/// Read and check a suite file.
pub fn load(path: &Path) -> Result<Suite> {
    let label = crate::input::label(path);
    let bytes = crate::input::read_bytes(path, crate::defaults::MAX_INPUT).map_err(Error::usage)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::usage(format!("{label}: binary data, not a TOML suite")))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loader = Loader { label: label.clone(), text, dir, secrets: Vec::new() };
    let raw: RawSuite = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        loader.err(at, e.message().trim())
    })?;
    if raw.case.is_empty() {
        return Err(Error::usage(format!("{label}: no [[case]] in the suite")));
    }
    if let Some(t) = &raw.defaults.timeout {
        loader.seconds(t, "defaults.timeout")?;
    }
    let default_headers = loader.headers(&raw.defaults.headers, "defaults.headers")?;
    let mut cases = Vec::new();
    let mut names = Vec::new();
    for case in raw.case {
        let at = case.span().start;
        let case = loader.case(case, &raw.defaults, &default_headers)?;
        if names.contains(&case.name) {
            return Err(loader.err(at, format!("case '{}': a case of that name already exists", case.name)));
        }
        names.push(case.name.clone());
        cases.push(case);
    }
    Ok(Suite { label, cases, secrets: loader.secrets })
}

/// A commented starter suite with a case for every built-in event, written by `hookctl init`.
pub fn starter() -> String {
    let mut s = String::from(
        r#"# hookctl contract suite. Run it with:  hookctl test hookctl.toml
# Values may come from the environment: ${NAME} (must be set) or ${NAME:-default} (the default
# when NAME is unset or empty). Values taken from the environment are masked in every report.

[defaults]
# Where your webhook listens:  WEBHOOK_URL=http://localhost:3000/hook hookctl test hookctl.toml
# With WEBHOOK_URL unset this is empty, and with no --url or HOOKCTL_URL either the cases go to
# hookctl's built-in receiver, which answers as a correct webhook would: the suite passes as it
# stands (and says so). --url, then HOOKCTL_URL, override this url; a case's own url overrides it.
url = "${WEBHOOK_URL:-}"
timeout = 5                        # seconds
# Sent only when WEBHOOK_TOKEN is set and not empty: no token, no Authorization header.
headers = { Authorization = "Bearer ${WEBHOOK_TOKEN:-}" }
"#,
    );
    for e in EVENTS {
        s.push_str(&format!(
            "\n[[case]]\nname = \"{}\"\nevent = \"{}\"    # {}\n",
            e.name, e.name, e.summary
        ));
        match (e.platform, e.request) {
            (Platform::Botpress, _) => {
                if e.deliveries > 1 {
                    s.push_str(&format!(
                        "[case.expect]\nstatus = \"2xx\"\nidempotent = true     # {}: every delivery must be accepted\n",
                        e.deliveries_why
                    ));
                } else {
                    s.push_str("[case.expect]\nstatus = \"2xx\"\n");
                }
            }
            (Platform::Eva, Kind::EvaServiceRequest) => {
                let options: Vec<String> = e
                    .fixture()
                    .at(crate::platform::eva::ptr::EXPECTED_OPTIONS)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|o| o.to_string()).collect())
                    .unwrap_or_default();
                s.push_str(&format!(
                    "# [case.set]                      # overrides: dotted paths or JSON pointers\n\
                     # \"{}.id\" = 6722\n\
                     [case.expect]\nvalid = true\noption = [{}]\n",
                    crate::platform::eva::HIDDEN,
                    options.join(", ")
                ));
            }
            (Platform::Eva, _) => s.push_str(&format!(
                "[case.expect]\nvalid = true\n\
                 # answer_contains = \"John\"\n\
                 # max_latency_ms = 500\n\
                 # field.\"{}/clientInfo\" = {{ exists = true }}\n",
                crate::platform::eva::ptr::HIDDEN_CONTEXT
            )),
        }
    }
    s.push_str(
        "\n[[case]]\nname = \"a handoff's whole life\"\nscenario = \"handoff-lifecycle\"   # agent online, create, assign, resolve\n",
    );
    s
}

mod capture;
#[cfg(test)]
mod tests;

pub use capture::{FromCapture, from_capture};
