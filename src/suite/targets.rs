//! Where a suite's cases go: its targets (`[targets.NAME]`, `[defaults] url`, a case's own url),
//! their headers (those whose variables came out empty left out, and remembered), and each
//! case's route through them in order of precedence.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Loader, RawCase, RawSuite};
use crate::catalogue::{self, Kind};
use crate::error::Result;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    url: Spanned<String>,
    #[serde(default)]
    headers: BTreeMap<String, Spanned<String>>,
}

impl Loader<'_> {
    /// A header whose every variable came out empty is not sent: `Bearer ${TOKEN:-}` without a
    /// token sends no Authorization header rather than an empty bearer, and says so if the
    /// server then refuses.
    pub(super) fn headers(&mut self, raw: &BTreeMap<String, Spanned<String>>, key: &str) -> Result<Headers> {
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
                let masked = super::mask(&self.secrets, &e.to_string());
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
    pub(super) fn target(
        &mut self,
        name: String,
        settable: bool,
        raw: &Spanned<String>,
        key: &str,
    ) -> Result<Target> {
        let value = self.subst(raw.get_ref(), raw.span().start, key)?;
        let (taken, shown): (Vec<_>, Vec<_>) = value.taken.into_iter().partition(|(_, v)| !v.contains("://"));
        self.keep_secret(taken);
        let none = value.text.trim().is_empty() || (value.references > 0 && value.empty == value.references);
        if !none {
            crate::http::parse_url(&value.text, key).map_err(|e| {
                let mut masked = super::mask(&self.secrets, &e.to_string());
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

    /// Where a case goes, in order of precedence: its own url or the target it names, then the
    /// suite's target for its kind (`botpress`, `eva-service`, `eva-answer`), then the defaults'.
    /// `targets` holds the named ones, then the defaults'; a case's own url is added to it (once
    /// per url as written).
    pub(super) fn route(
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

    /// The suite's named targets, then the defaults' (with no url when it has none).
    pub(super) fn targets(&mut self, raw: &RawSuite) -> Result<Vec<Target>> {
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
        let default = match &raw.defaults.url {
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
        targets.push(default);
        Ok(targets)
    }
}
