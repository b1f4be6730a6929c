//! Contract suites: TOML files of cases, and `hookctl test`, which runs them against the webhooks
//! of a deployment. This file reads a suite, its variables and its cases; `targets` says where
//! each case can go and `expect` what it expects; `run` runs the cases, `routes` picks each one's
//! url and `judge` holds the answers to the expectations; `mask` hides the values taken from the
//! environment; `starter` and `capture` write new suites.
//!
//! TOML because users write these by hand and keep them in their repositories: it has comments,
//! needs no indentation discipline, and quoted keys hold JSON pointers (`"/option"`) as they are.
//! Every mistake is reported with the file, the line and the key, and exits 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::catalogue::{self, Kind, Scenario};
use crate::error::{Error, Result};
use crate::send::{Body, Template};
use expect::RawExpect;
use targets::RawTarget;

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

    fn json(&self, value: &Spanned<toml::Value>, key: &str) -> Result<Value> {
        serde_json::to_value(value.get_ref())
            .map_err(|e| self.err(value.span().start, format!("{key}: cannot be expressed as JSON ({e})")))
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

mod capture;
mod expect;
mod judge;
mod mask;
mod routes;
mod run;
mod starter;
mod targets;
#[cfg(test)]
mod tests;

pub use capture::{FromCapture, from_capture};
pub use expect::{Expectations, FieldCheck, StatusExpect, TextExpect};
pub use mask::mask;
pub use run::{CaseResult, Exchange, Failure, Options, Summary, TestReport, run};
pub use starter::starter;
pub use targets::{DEFAULT_TARGET, Headers, Target};
