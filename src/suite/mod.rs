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

use crate::catalogue::{self, Kind, Scenario};
use crate::error::{Error, Result};
use crate::send::{Body, Template};

/// A suite, checked and ready to run.
#[derive(Debug)]
pub struct Suite {
    pub label: String,
    pub cases: Vec<Case>,
    /// Where its cases can go: the targets it names (by name), then `default` (`[defaults] url`),
    /// then the cases' own urls. A case's [`Case::route`] indexes into this.
    pub targets: Vec<Target>,
    /// The headers of `[defaults]`, sent with every case.
    pub headers: Headers,
    /// Values that came from the environment (`${NAME}`), masked in every report.
    pub secrets: Vec<(String, String)>,
}

/// The name of the target that `[defaults] url` makes.
pub const DEFAULT_TARGET: &str = "default";

/// A place a suite sends cases to.
#[derive(Debug, Clone)]
pub struct Target {
    /// `botpress`, `eva-service.identify`, [`DEFAULT_TARGET`], or `case 'NAME'` for a case's own url.
    pub name: String,
    /// `--target NAME=URL` can set it: a named target or the defaults', not a case's own url.
    pub settable: bool,
    /// The url after substitution; `None` when none is written or it came out empty.
    pub url: Option<String>,
    /// The url as written, which identifies a case's own url.
    pub written: String,
    /// The environment variables its url reads, in order.
    pub variables: Vec<String>,
    pub headers: Headers,
}

/// Headers to send, and those left out because every variable in them came out empty.
#[derive(Debug, Clone, Default)]
pub struct Headers {
    /// `Name: value`, in order; a later one of the same name wins.
    pub sent: Vec<String>,
    /// The headers left out, each with the variables that came out empty.
    pub unsent: Vec<(String, Vec<String>)>,
}

#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub line: usize,
    pub what: What,
    /// The kind of request it sends (a scenario: its steps').
    pub kind: Kind,
    /// Where it goes, in order of precedence (indexes into [`Suite::targets`]): its own url or the
    /// target it names, then the suite's target for its kind, then the defaults'. The first with a
    /// url wins; the first of all is the case's target when none has one.
    pub route: Vec<usize>,
    /// Its own headers, sent after the defaults' and its target's.
    pub headers: Headers,
    pub timeout: f64,
    /// Its contract warnings fail it (`deny_warnings`, in the case or the defaults).
    pub deny_warnings: bool,
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
    targets: BTreeMap<String, Spanned<RawTarget>>,
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
    deny_warnings: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    url: Spanned<String>,
    #[serde(default)]
    headers: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    event: Option<Spanned<String>>,
    payload: Option<Spanned<String>>,
    scenario: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    #[serde(default)]
    headers: BTreeMap<String, Spanned<String>>,
    timeout: Option<Spanned<f64>>,
    deny_warnings: Option<bool>,
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
    /// The variables it reads, in order, and those that came out empty.
    names: Vec<String>,
    empty_names: Vec<String>,
    /// The values taken from the environment, by variable.
    taken: Vec<(String, String)>,
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

    /// Substitute the environment in a string (see [`Loader::subst`]); what it took is secret.
    fn env(&mut self, s: &Spanned<String>, key: &str) -> Result<String> {
        self.env_at(s.get_ref(), s.span().start, key)
    }

    fn env_at(&mut self, raw: &str, at: usize, key: &str) -> Result<String> {
        let s = self.subst(raw, at, key)?;
        self.keep_secret(s.taken);
        Ok(s.text)
    }

    /// Remember values taken from the environment, to mask them in every report.
    fn keep_secret(&mut self, taken: Vec<(String, String)>) {
        for (name, value) in taken {
            if !self.secrets.iter().any(|(_, v)| *v == value) {
                self.secrets.push((name, value));
            }
        }
    }

    /// Substitute `${NAME}` (the variable must be set) and `${NAME:-default}` (the default when
    /// the variable is unset or empty, as in a shell); `$${` is a literal `${`. What came from
    /// the environment is returned with the text, for the caller to keep as a secret or not;
    /// defaults are not secrets.
    fn subst(&mut self, raw: &str, at: usize, key: &str) -> Result<Substituted> {
        let mut out = Substituted {
            text: String::new(),
            references: 0,
            empty: 0,
            names: Vec::new(),
            empty_names: Vec::new(),
            taken: Vec::new(),
        };
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
            let value = self.variable(name, default, inner, at, key)?;
            if let Some(taken) = &value.1 {
                out.taken.push((name.to_string(), taken.clone()));
            }
            let value = value.0;
            out.references += 1;
            out.names.push(name.to_string());
            if value.is_empty() {
                out.empty += 1;
                out.empty_names.push(name.to_string());
            }
            out.text.push_str(&value);
            rest = &after[end + 1..];
        }
        out.text.push_str(rest);
        Ok(out)
    }

    /// The value of one reference `${inner}`, and the value when it came from the environment.
    fn variable(
        &self,
        name: &str,
        default: Option<&str>,
        inner: &str,
        at: usize,
        key: &str,
    ) -> Result<(String, Option<String>)> {
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
                return Err(self.err(at, format!("{key}: environment variable {name} is not valid UTF-8")));
            }
        };
        Ok(match (set.clone().filter(|v| !v.is_empty()), default) {
            (Some(value), _) => (value.clone(), Some(value)),
            (None, Some(default)) => (default.to_string(), None),
            // Set but empty: empty, as a shell would have it.
            (None, None) if set.is_some() => (String::new(), None),
            (None, None) => {
                return Err(self.err(
                    at,
                    format!(
                        "{key}: environment variable {name} is not set (give a default with ${{{name}:-default}})"
                    ),
                ));
            }
        })
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
    /// token sends no Authorization header rather than an empty bearer, and says so if the
    /// server then refuses.
    fn headers(&mut self, raw: &BTreeMap<String, Spanned<String>>, key: &str) -> Result<Headers> {
        let mut out = Headers::default();
        for (name, raw_value) in raw {
            let at = raw_value.span().start;
            let value = self.subst(raw_value.get_ref(), at, &format!("{key}.{name}"))?;
            self.keep_secret(value.taken);
            if value.references > 0 && value.empty == value.references {
                out.unsent.push((name.clone(), value.empty_names));
                continue;
            }
            // Checked here, so that a bad header names its line; what came from the environment
            // is masked.
            crate::http::header(name, value.text.trim(), &format!("{key}.{name}")).map_err(|e| {
                let masked = crate::tester::mask(&self.secrets, &e.to_string());
                self.err(at, masked)
            })?;
            out.sent.push(format!("{name}: {}", value.text));
        }
        Ok(out)
    }

    /// A target from its url as written: substituted and checked here, so that a bad one names
    /// its line. A url that comes out empty, or whose every variable came out empty
    /// (`${BASE_URL:-}/hook` with BASE_URL unset), is no url. A variable whose value is a whole
    /// url is shown (its password and secret query values redacted wherever it is shown); any
    /// other variable in a url (a token in its path) is a secret like any other.
    fn target(&mut self, name: String, settable: bool, raw: &Spanned<String>, key: &str) -> Result<Target> {
        let value = self.subst(raw.get_ref(), raw.span().start, key)?;
        let (taken, shown): (Vec<_>, Vec<_>) = value.taken.into_iter().partition(|(_, v)| !v.contains("://"));
        self.keep_secret(taken);
        let none = value.text.trim().is_empty() || (value.references > 0 && value.empty == value.references);
        if !none {
            crate::http::parse_url(&value.text, key).map_err(|e| {
                let mut masked = crate::tester::mask(&self.secrets, &e.to_string());
                for (_, v) in &shown {
                    masked = masked.replace(v.as_str(), &crate::http::shown_raw_url(v));
                }
                self.err(raw.span().start, masked)
            })?;
        }
        Ok(Target {
            name,
            settable,
            url: (!none).then_some(value.text),
            written: raw.get_ref().clone(),
            variables: value.names,
            headers: Headers::default(),
        })
    }

    fn case(
        &mut self,
        raw: Spanned<RawCase>,
        defaults: &RawDefaults,
        targets: &mut Vec<Target>,
    ) -> Result<Case> {
        let at = raw.span().start;
        let line = self.line(at);
        let raw = raw.into_inner();
        let name = raw.name.get_ref().clone();
        let ctx = format!("case '{name}'");
        let what = self.what(&raw, at, &ctx)?;
        let kind = match &what {
            What::Body(t) => t.kind,
            What::Scenario(s) => s.kind(),
        };
        let route = self.route(&raw, kind, targets, at, &ctx)?;
        let headers = self.headers(&raw.headers, &format!("{ctx}: headers"))?;
        // The defaults' timeout was checked once, where it is written.
        let timeout = match (&raw.timeout, &defaults.timeout) {
            (Some(t), _) => self.seconds(t, &format!("{ctx}: timeout"))?,
            (None, Some(t)) => *t.get_ref(),
            (None, None) => crate::defaults::TIMEOUT_SECS,
        };
        let deny_warnings = raw.deny_warnings.or(defaults.deny_warnings).unwrap_or(false);
        let expect = self.expect(raw.expect, &what, &ctx)?;
        Ok(Case { name, line, what, kind, route, headers, timeout, deny_warnings, expect })
    }

    /// What a case sends: a built-in event or a payload file with its overrides, or a scenario.
    fn what(&mut self, raw: &RawCase, at: usize, ctx: &str) -> Result<What> {
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
        if let Some(s) = &raw.scenario {
            let scenario = catalogue::scenario(s.get_ref())
                .map_err(|e| self.err(s.span().start, format!("{ctx}: scenario: {e}")))?;
            if !sets.is_empty() {
                return Err(self.err(at, format!("{ctx}: set does not apply to a scenario")));
            }
            return Ok(What::Scenario(scenario));
        }
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
        Ok(What::Body(Box::new(template)))
    }

    /// Where a case goes, in order of precedence: its own url or the target it names, then the
    /// suite's target for its kind (`botpress`, `eva-service`, `eva-answer`), then the defaults'.
    /// `targets` holds the named ones, then the defaults'; a case's own url is added to it (once
    /// per url as written).
    fn route(
        &mut self,
        raw: &RawCase,
        kind: Kind,
        targets: &mut Vec<Target>,
        at: usize,
        ctx: &str,
    ) -> Result<Vec<usize>> {
        let find = |targets: &[Target], name: &str| targets.iter().position(|t| t.settable && t.name == name);
        let mut route = Vec::new();
        match (&raw.url, &raw.target) {
            (Some(_), Some(_)) => return Err(self.err(at, format!("{ctx}: give url or target, not both"))),
            (Some(url), None) => {
                match targets.iter().position(|t| !t.settable && t.written == *url.get_ref()) {
                    Some(i) => route.push(i),
                    None => {
                        let own = self.target(ctx.to_string(), false, url, &format!("{ctx}: url"))?;
                        targets.push(own);
                        route.push(targets.len() - 1);
                    }
                }
            }
            (None, Some(name)) => match find(targets, name.get_ref()) {
                Some(i) => route.push(i),
                None => {
                    let names: Vec<&str> =
                        targets.iter().filter(|t| t.settable).map(|t| t.name.as_str()).collect();
                    return Err(self.err(
                        name.span().start,
                        format!(
                            "{ctx}: target '{}' is not in [targets]{}; the suite's targets: {}",
                            name.get_ref(),
                            catalogue::suggest(name.get_ref(), &names),
                            names.join(", ")
                        ),
                    ));
                }
            },
            (None, None) => {}
        }
        for fallback in [kind.webhook().map(|w| w.target), Some(DEFAULT_TARGET)].into_iter().flatten() {
            if let Some(i) = find(targets, fallback).filter(|i| !route.contains(i)) {
                route.push(i);
            }
        }
        Ok(route)
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
    let headers = loader.headers(&raw.defaults.headers, "defaults.headers")?;
    let mut targets = loader.targets(&raw)?;
    let mut cases = Vec::new();
    let mut names = Vec::new();
    for case in raw.case {
        let at = case.span().start;
        let case = loader.case(case, &raw.defaults, &mut targets)?;
        if names.contains(&case.name) {
            return Err(loader.err(at, format!("case '{}': a case of that name already exists", case.name)));
        }
        names.push(case.name.clone());
        cases.push(case);
    }
    Ok(Suite { label, cases, targets, headers, secrets: loader.secrets })
}

impl Loader<'_> {
    /// The suite's named targets, then the defaults' (with no url when it has none).
    fn targets(&mut self, raw: &RawSuite) -> Result<Vec<Target>> {
        let mut targets = Vec::new();
        for (name, t) in &raw.targets {
            let at = t.span().start;
            let key = format!("targets.{name}");
            if name == DEFAULT_TARGET {
                return Err(self.err(
                    at,
                    format!("{key}: '{DEFAULT_TARGET}' is the name of [defaults] url: give this target another name"),
                ));
            }
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
                return Err(self.err(
                    at,
                    format!("{key}: a target's name is made of letters, digits, '-', '_' and '.'"),
                ));
            }
            let t = t.get_ref();
            let mut target = self.target(name.clone(), true, &t.url, &format!("{key}.url"))?;
            target.headers = self.headers(&t.headers, &format!("{key}.headers"))?;
            targets.push(target);
        }
        let mut default = match &raw.defaults.url {
            Some(url) => self.target(DEFAULT_TARGET.to_string(), true, url, "defaults.url")?,
            None => Target {
                name: DEFAULT_TARGET.to_string(),
                settable: true,
                url: None,
                written: String::new(),
                variables: Vec::new(),
                headers: Headers::default(),
            },
        };
        default.headers = Headers::default();
        targets.push(default);
        Ok(targets)
    }
}

mod capture;
mod starter;
#[cfg(test)]
mod tests;

pub use capture::{FromCapture, from_capture};
pub use starter::starter;
