//! Where each case of a run goes: the url its route gives (a `--target NAME=URL` before the
//! suite's own), a global `--url` or `HOOKCTL_URL` for a suite with one target only, and no url at
//! all refused in CI unless `--builtin` says the built-in receiver is meant.

use std::collections::BTreeSet;

use super::{Case, Suite, Target};
use crate::error::{Error, Result};

/// Where one case goes, decided before anything is sent.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The suite's target the url came from; the first of its route when it has none.
    pub target: usize,
    /// `None`: hookctl's built-in receiver.
    pub url: Option<String>,
    /// The defaults', the target's and the case's own, in that order (later ones win).
    pub headers: Vec<String>,
    /// Headers left out because their variables came out empty, with those variables.
    pub unsent: Vec<(String, Vec<String>)>,
}

/// A url for every case, given what the command line and the environment say.
pub struct Overrides<'a> {
    /// `--url`, else `HOOKCTL_URL`, with the name of where it came from.
    pub global: Option<(&'a str, &'a str)>,
    /// `--target NAME=URL`.
    pub targets: &'a [(String, String)],
}

/// Check every `--target` name against the suites: one that no suite has is a usage error.
pub fn check_names(suites: &[Suite], overrides: &[(String, String)]) -> Result<()> {
    for (name, url) in overrides {
        crate::http::parse_url(url, &format!("--target {name}"))?;
        if !suites.iter().any(|s| s.targets.iter().any(|t| t.settable && t.name == *name)) {
            let mut names: Vec<&str> = suites
                .iter()
                .flat_map(|s| &s.targets)
                .filter(|t| t.settable)
                .map(|t| t.name.as_str())
                .collect();
            names.sort_unstable();
            names.dedup();
            return Err(Error::usage(format!(
                "--target {name}: no suite has a target of that name{}; targets: {}",
                crate::catalogue::suggest(name, &names),
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// Where each of `cases` (of `suite`) goes. A global url applies to a suite whose cases go to one
/// target only; for several it is refused, naming them and how to set each.
pub fn resolve(suite: &Suite, cases: &[Case], overrides: &Overrides) -> Result<Vec<Resolved>> {
    let firsts: BTreeSet<usize> = cases.iter().map(|c| c.route[0]).collect();
    if let Some((origin, _)) = overrides.global {
        if firsts.len() > 1 {
            return Err(several_targets(suite, &firsts, origin));
        }
    }
    Ok(cases.iter().map(|case| resolve_one(suite, case, overrides)).collect())
}

fn resolve_one(suite: &Suite, case: &Case, overrides: &Overrides) -> Resolved {
    let set = |t: &Target| {
        overrides
            .targets
            .iter()
            .rev()
            .find(|(name, _)| t.settable && *name == t.name)
            .map(|(_, url)| url.clone())
    };
    let (target, url) = match overrides.global {
        Some((_, url)) => (case.route[0], Some(url.to_string())),
        None => case
            .route
            .iter()
            .find_map(|&i| {
                set(&suite.targets[i]).or_else(|| suite.targets[i].url.clone()).map(|u| (i, Some(u)))
            })
            .unwrap_or((case.route[0], None)),
    };
    let parts = [&suite.headers, &suite.targets[target].headers, &case.headers];
    let headers: Vec<String> = parts.iter().flat_map(|h| h.sent.iter().cloned()).collect();
    let sent = |name: &str| {
        headers.iter().any(|h| h.split_once(':').is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name)))
    };
    let unsent =
        parts.iter().flat_map(|h| h.unsent.iter().cloned()).filter(|(name, _)| !sent(name)).collect();
    Resolved { target, url, headers, unsent }
}

/// `--url` (or `HOOKCTL_URL`) given for a suite whose cases go to several targets.
fn several_targets(suite: &Suite, targets: &BTreeSet<usize>, origin: &str) -> Error {
    let listed: Vec<String> = targets.iter().map(|&i| described(&suite.targets[i])).collect();
    let unset =
        if origin == crate::defaults::ENV_URL { format!("unset {origin}, then ") } else { String::new() };
    Error::usage(format!(
        "{origin} applies to a suite with one target, and {} sends to {}: {}; {unset}set each with --target NAME=URL (repeatable) or its variable",
        suite.label,
        targets.len(),
        listed.join(", ")
    ))
}

/// A target and the variables its url reads: `botpress (BOTPRESS_WEBHOOK_URL)`.
fn described(t: &Target) -> String {
    match t.variables.as_slice() {
        [] => t.name.clone(),
        vars => format!("{} ({})", t.name, vars.join(", ")),
    }
}

/// In CI, cases with no url are refused unless the built-in receiver is meant: a green run
/// against it would prove nothing about the user's server. Names each target without a url and
/// what would set it.
pub fn refuse_builtin_in_ci<'a>(runs: impl Iterator<Item = (&'a Suite, &'a [Resolved])>) -> Result<()> {
    let mut missing = Vec::new();
    for (suite, resolved) in runs {
        let targets: BTreeSet<usize> =
            resolved.iter().filter(|r| r.url.is_none()).map(|r| r.target).collect();
        if !targets.is_empty() {
            let how: Vec<String> = targets.iter().map(|&i| how_to_set(&suite.targets[i])).collect();
            missing.push(format!("{}: no url for {}", suite.label, how.join(", ")));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "{}; CI is set, and a run against hookctl's built-in receiver would prove nothing about your server (--builtin runs against it on purpose)",
        missing.join("; ")
    )))
}

/// `botpress (set BOTPRESS_WEBHOOK_URL, or --target botpress=URL)`.
fn how_to_set(t: &Target) -> String {
    let vars = t.variables.join(" or ");
    match (t.settable, vars.is_empty()) {
        (true, false) => format!("{} (set {vars}, or --target {}=URL)", t.name, t.name),
        (true, true) => {
            format!("{} (the suite gives it no url: --target {}=URL, or --url URL)", t.name, t.name)
        }
        (false, false) => format!("{} (set {vars})", t.name),
        (false, true) => format!("{} (its url is empty)", t.name),
    }
}
