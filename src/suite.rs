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
    seed: Option<u64>,
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

    /// Substitute `${NAME}` from the environment, remembering the values to mask them later.
    fn env(&mut self, s: &Spanned<String>, key: &str) -> Result<String> {
        self.env_at(s.get_ref(), s.span().start, key)
    }

    fn env_at(&mut self, raw: &str, at: usize, key: &str) -> Result<String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| self.err(at, format!("{key}: '${{' without a closing '}}'")))?;
            let name = &after[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(self.err(at, format!("{key}: '${{{name}}}' is not an environment variable name")));
            }
            let value = std::env::var(name)
                .map_err(|_| self.err(at, format!("{key}: environment variable {name} is not set")))?;
            if !value.is_empty() && !self.secrets.iter().any(|(_, v)| *v == value) {
                self.secrets.push((name.to_string(), value.clone()));
            }
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
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

    fn headers(&mut self, raw: &BTreeMap<String, Spanned<String>>, key: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for (name, value) in raw {
            let value = self.env(value, &format!("{key}.{name}"))?;
            out.push(format!("{name}: {value}"));
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
            let body = Body { event, data, sets, seed: raw.seed, ..Body::default() };
            let template = Template::new(&body).map_err(|e| self.err(origin, format!("{ctx}: {e}")))?;
            What::Body(Box::new(template))
        };
        let url = match (&raw.url, &defaults.url) {
            (Some(u), _) => Some(self.env(u, &format!("{ctx}: url"))?),
            (None, Some(u)) => Some(self.env(u, "defaults.url")?),
            (None, None) => None,
        };
        let mut headers = default_headers.to_vec();
        headers.extend(self.headers(&raw.headers, &format!("{ctx}: headers"))?);
        let timeout = raw.timeout.as_ref().or(defaults.timeout.as_ref()).map_or(5.0, |t| *t.get_ref());
        if !(timeout > 0.0 && timeout <= 86_400.0) {
            return Err(self.err(at, format!("{ctx}: timeout must be a number of seconds above 0")));
        }
        let expect = self.expect(raw.expect, &what, &ctx)?;
        Ok(Case { name, line, what, url, headers, timeout, expect })
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
                        format!("{ctx}: expect.status must be a code (200) or a class (\"2xx\")"),
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
            max_latency_ms: raw.max_latency_ms.map(|m| *m.get_ref()),
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
    let bytes = crate::input::read_bytes(path).map_err(Error::usage)?;
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
# Values may come from the environment with ${NAME}; they are masked in every report.

[defaults]
# Where your webhook listens. `hookctl listen` (port 8080) answers as a correct receiver and eva
# webhook would, so this suite passes against it as it stands; point it at your own server.
url = "http://127.0.0.1:8080/hook"
timeout = 5                        # seconds
# headers = { Authorization = "Bearer ${WEBHOOK_TOKEN}" }
"#,
    );
    for e in EVENTS {
        s.push_str(&format!(
            "\n[[case]]\nname = \"{}\"\nevent = \"{}\"    # {}\n",
            e.name, e.name, e.summary
        ));
        match (e.platform, e.request) {
            (Platform::Botpress, _) => {
                if e.name == "handoff-tags" {
                    s.push_str("[case.expect]\nstatus = \"2xx\"\nidempotent = true     # Botpress sends tag edits twice\n");
                } else {
                    s.push_str("[case.expect]\nstatus = \"2xx\"\n");
                }
            }
            (Platform::Eva, Kind::EvaServiceRequest) => {
                let options: Vec<String> = e
                    .fixture()
                    .get("expectedOptions")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|o| o.to_string()).collect())
                    .unwrap_or_default();
                s.push_str(&format!(
                    "# [case.set]                      # overrides: dotted paths or JSON pointers\n\
                     # \"hiddenContext.id\" = 6722\n\
                     [case.expect]\nvalid = true\noption = [{}]\n",
                    options.join(", ")
                ));
            }
            (Platform::Eva, _) => s.push_str(
                "[case.expect]\nvalid = true\n\
                 # answer_contains = \"John\"\n\
                 # max_latency_ms = 500\n\
                 # field.\"/hiddenContext/clientInfo\" = { exists = true }\n",
            ),
        }
    }
    s.push_str(
        "\n[[case]]\nname = \"a handoff's whole life\"\nscenario = \"handoff-lifecycle\"   # agent online, create, assign, resolve\n",
    );
    s
}
