//! `listen --filter`: which requests are shown and saved. A request matches when its kind is one
//! named, or its path (without the query, as the request spells it) is one named: exactly, or by
//! its beginning when the filter ends in `/` or `*`. The others are still answered (and
//! forwarded), only counted.

use crate::catalogue::{Kind, suggest};
use crate::error::{Error, Result};

/// The name a request of no known kind goes by, as the summary counts it.
pub const UNKNOWN: &str = "unknown";

/// What `--filter` lets through: any of these kinds or paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The kinds named; `None` stands for a request of no known kind (`unknown`).
    kinds: Vec<Option<Kind>>,
    paths: Vec<PathMatch>,
}

/// A path as `--filter` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PathMatch {
    Exact(String),
    /// Every path that begins so (`/eva/` or `/eva*`, the `*` left out).
    Prefix(String),
}

impl Filter {
    /// Read the `--filter` values (each a kind, `unknown`, or a path starting with `/`); `None`
    /// when there are none, so that everything is shown. Anything else is a usage error that
    /// names the flag and the kinds.
    pub fn parse(specs: &[String]) -> Result<Option<Filter>> {
        let mut filter = Filter::default();
        for spec in specs.iter().map(|s| s.trim()) {
            if spec.starts_with('/') {
                filter.paths.push(match spec.strip_suffix('*') {
                    Some(prefix) => PathMatch::Prefix(prefix.to_string()),
                    None if spec.ends_with('/') => PathMatch::Prefix(spec.to_string()),
                    None => PathMatch::Exact(spec.to_string()),
                });
            } else if spec == UNKNOWN {
                filter.kinds.push(None);
            } else if let Some(kind) = Kind::ALL.into_iter().find(|k| k.name() == spec) {
                filter.kinds.push(Some(kind));
            } else {
                let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                names.push(UNKNOWN);
                return Err(Error::usage(format!(
                    "--filter '{}': neither a kind{} nor a path (a path starts with /); the kinds: {}",
                    crate::http::escaped(spec),
                    suggest(spec, &names),
                    names.join(", ")
                )));
            }
        }
        Ok((filter != Filter::default()).then_some(filter))
    }

    /// Whether a request of `kind` to `path` (its query, if any, not looked at) is shown.
    pub fn shows(&self, kind: Option<Kind>, path: &str) -> bool {
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        self.kinds.contains(&kind)
            || self.paths.iter().any(|m| match m {
                PathMatch::Exact(p) => p == path,
                PathMatch::Prefix(p) => path.starts_with(p.as_str()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(specs: &[&str]) -> Filter {
        Filter::parse(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap().unwrap()
    }

    #[test]
    fn kinds_and_paths_match_as_documented() {
        let f = filter(&["eva-service-request", "/botpress/events", "/eva/", "/hook*"]);
        assert!(f.shows(Some(Kind::EvaServiceRequest), "/anywhere"));
        assert!(!f.shows(Some(Kind::EvaAnswerRequest), "/anywhere"));
        assert!(f.shows(Some(Kind::BotpressEvent), "/botpress/events"));
        assert!(f.shows(Some(Kind::BotpressEvent), "/botpress/events?token=x"), "the query is not looked at");
        assert!(!f.shows(Some(Kind::BotpressEvent), "/botpress/events/x"), "exact");
        assert!(!f.shows(Some(Kind::BotpressEvent), "/botpress"), "exact");
        assert!(f.shows(None, "/eva/"));
        assert!(f.shows(None, "/eva/answer"));
        assert!(!f.shows(None, "/eva"), "the prefix is /eva/");
        assert!(f.shows(None, "/hook"));
        assert!(f.shows(None, "/hooks/1"));
        assert!(!f.shows(None, "/"));
        let unknown = filter(&["unknown"]);
        assert!(unknown.shows(None, "/x"));
        assert!(!unknown.shows(Some(Kind::BotpressEvent), "/x"));
        assert!(filter(&["/*"]).shows(Some(Kind::BotpressEvent), "/anything"));
    }

    #[test]
    fn no_filter_is_none_and_a_bad_one_names_the_flag() {
        assert_eq!(Filter::parse(&[]).unwrap(), None);
        let e = Filter::parse(&["eva-service".to_string()]).unwrap_err();
        assert_eq!(e.exit(), crate::error::Exit::Usage);
        assert_eq!(
            e.to_string(),
            "--filter 'eva-service': neither a kind (did you mean 'eva-service-request'?) nor a path (a \
             path starts with /); the kinds: botpress-event, eva-answer-request, eva-answer-response, \
             eva-service-request, eva-service-response, unknown"
        );
        let e = Filter::parse(&["hook".to_string()]).unwrap_err().to_string();
        assert!(e.starts_with("--filter 'hook': neither a kind nor a path (a path starts with /)"), "{e}");
    }
}
