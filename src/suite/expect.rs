//! What a case expects of the answer (`[case.expect]`): the status, the contract, the option,
//! the answer's text, fields by JSON pointer, latency and idempotence, each checked where it is
//! written.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{Loader, What};
use crate::catalogue::Kind;
use crate::error::{Error, Result};

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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExpect {
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

impl Loader<'_> {
    pub(super) fn regex(&self, s: &str, offset: usize, key: &str) -> Result<Regex> {
        Regex::new(s).map_err(|e| {
            let first = e.to_string().lines().last().unwrap_or_default().trim().to_string();
            self.err(offset, format!("{key}: invalid regex '{s}': {first}"))
        })
    }

    /// A latency bound in milliseconds: above 0 and at most a day.
    pub(super) fn millis(&self, m: &Spanned<f64>, key: &str) -> Result<f64> {
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

    pub(super) fn expect(&mut self, raw: RawExpect, what: &What, ctx: &str) -> Result<Expectations> {
        let expect = Expectations {
            status: self.status(raw.status.as_ref(), ctx)?,
            valid: raw.valid.unwrap_or(true),
            option: self.option(raw.option.as_ref(), ctx)?,
            answer: self.answer(&raw, ctx)?,
            fields: self.fields(&raw.field, ctx)?,
            max_latency_ms: raw
                .max_latency_ms
                .as_ref()
                .map(|m| self.millis(m, &format!("{ctx}: expect.max_latency_ms")))
                .transpose()?,
            idempotent: raw.idempotent.unwrap_or(false),
        };
        self.applies(&expect, what, ctx)?;
        Ok(expect)
    }

    /// `status`: a code (`200`, `"200"`) or a class (`"2xx"`); 2xx when not given.
    fn status(&self, raw: Option<&Spanned<toml::Value>>, ctx: &str) -> Result<StatusExpect> {
        let Some(s) = raw else { return Ok(StatusExpect::Class(2)) };
        let bad = || {
            self.err(
                s.span().start,
                format!("{ctx}: expect.status must be a code from 100 to 599 (200) or a class (\"2xx\")"),
            )
        };
        Ok(match s.get_ref() {
            toml::Value::Integer(n) if (100..=599).contains(n) => StatusExpect::Exact(*n as u16),
            toml::Value::String(t) => match t.to_ascii_lowercase().as_str() {
                c if c.len() == 3 && c.ends_with("xx") && (b'1'..=b'5').contains(&c.as_bytes()[0]) => {
                    StatusExpect::Class(u16::from(c.as_bytes()[0] - b'0'))
                }
                c => StatusExpect::Exact(c.parse().ok().filter(|n| (100..=599).contains(n)).ok_or_else(bad)?),
            },
            _ => return Err(bad()),
        })
    }

    /// `option`: one option or a non-empty list of them.
    fn option(&self, raw: Option<&Spanned<toml::Value>>, ctx: &str) -> Result<Option<Vec<String>>> {
        let Some(o) = raw else { return Ok(None) };
        match o.get_ref() {
            toml::Value::String(s) => Ok(Some(vec![s.clone()])),
            toml::Value::Array(items) if !items.is_empty() && items.iter().all(toml::Value::is_str) => {
                Ok(Some(items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect()))
            }
            _ => Err(self
                .err(o.span().start, format!("{ctx}: expect.option must be a string or a list of strings"))),
        }
    }

    /// `answer_contains`, `answer_matches` and `answer_equals`, in that order.
    fn answer(&mut self, raw: &RawExpect, ctx: &str) -> Result<Vec<TextExpect>> {
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
        Ok(answer)
    }

    /// `[case.expect.field."/pointer"]`: each key a JSON pointer, each with one check.
    fn fields(
        &self,
        raw: &BTreeMap<String, Spanned<RawField>>,
        ctx: &str,
    ) -> Result<Vec<(String, FieldCheck)>> {
        let mut fields = Vec::new();
        for (pointer, f) in raw {
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
            fields.push((pointer.clone(), self.field(f, &key)?));
        }
        Ok(fields)
    }

    fn field(&self, f: &Spanned<RawField>, key: &str) -> Result<FieldCheck> {
        let spec = f.get_ref();
        Ok(match (&spec.equals, spec.exists, &spec.matches) {
            (Some(v), None, None) => FieldCheck::Equals(
                serde_json::to_value(v).map_err(|e| self.err(f.span().start, format!("{key}: {e}")))?,
            ),
            (None, Some(b), None) => FieldCheck::Exists(b),
            (None, None, Some(r)) => {
                FieldCheck::Matches(self.regex(r, f.span().start, &format!("{key}.matches"))?)
            }
            _ => {
                return Err(
                    self.err(f.span().start, format!("{key}: give exactly one of equals, exists or matches"))
                );
            }
        })
    }

    /// The expectations that only some cases can have: none of option or answer for a scenario,
    /// option for eva-service only, answer for eva-answer only.
    fn applies(&self, expect: &Expectations, what: &What, ctx: &str) -> Result<()> {
        let wrong = match what {
            What::Scenario(_)
                if expect.option.is_some() || !expect.answer.is_empty() || !expect.fields.is_empty() =>
            {
                "a scenario case takes only status, valid, max_latency_ms and idempotent expectations"
            }
            What::Body(t) if expect.option.is_some() && t.kind != Kind::EvaServiceRequest => {
                "expect.option applies to eva-service cases only"
            }
            What::Body(t) if !expect.answer.is_empty() && t.kind != Kind::EvaAnswerRequest => {
                "expect.answer_* applies to eva-answer cases only"
            }
            _ => return Ok(()),
        };
        Err(Error::usage(format!("{}: {ctx}: {wrong}", self.label)))
    }
}
