//! The body of a send: a fixture or the user's file, with fresh ids, the conveniences and `--set`.

use serde_json::{Value, json};

use super::{Body, Expect, Prepared};
use crate::catalogue::{self, Kind};
use crate::error::{Error, Result};
use crate::payload::{self, Freshener, Slots};
use crate::platform::eva::{self, Convenience};
use crate::{defaults, input};

/// A body parsed once, from which each send makes its own copy with fresh ids.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub kind: Kind,
    doc: Value,
    /// The built-in event, when the body is one.
    event: Option<&'static catalogue::Event>,
    /// Built-in fixtures get fresh ids per send; the user's own `--data` is sent as given.
    fresh: bool,
    body: Body,
    sets: Vec<(Vec<String>, Value)>,
}

impl Template {
    /// Read the fixture or the user's file, and check every override once.
    pub fn new(body: &Body) -> Result<Template> {
        let (name, kind, doc, event) = match (&body.event, &body.data) {
            (Some(_), Some(_)) => {
                return Err(Error::usage("give either an EVENT or --data, not both"));
            }
            (None, None) => {
                return Err(Error::usage("give an EVENT (see 'hookctl list') or --data FILE"));
            }
            (Some(name), None) => {
                let event = catalogue::event(name)?;
                (event.name.to_string(), body.kind.unwrap_or(event.request), event.fixture(), Some(event))
            }
            (None, Some(path)) => {
                let max = body.max_size.unwrap_or(defaults::MAX_INPUT);
                let doc = input::read_json_max(path, max).map_err(|e| Error::usage(format!("--data {e}")))?;
                let kind = body.kind.or_else(|| Kind::detect(&doc)).ok_or_else(|| {
                    Error::usage(format!("--data {}: JSON of no known kind; pass --kind", input::label(path)))
                })?;
                if kind.is_response() {
                    return Err(Error::usage(format!(
                        "--data {}: this is a webhook's answer ({kind}), not something a platform sends",
                        input::label(path)
                    )));
                }
                (input::label(path), kind, doc, None)
            }
        };
        let fresh = event.is_some();
        let sets = body.sets.iter().map(|s| payload::parse_set(s)).collect::<Result<Vec<_>>>()?;
        let template = Template { name, kind, doc, event, fresh, body: body.clone(), sets };
        template.instantiate(&mut Freshener::new(body.seed, &[&template.doc]))?;
        Ok(template)
    }

    /// A body ready to send: fresh ids from `freshener`, then the conveniences, then `--set`.
    pub fn instantiate(&self, freshener: &mut Freshener) -> Result<Prepared> {
        self.finish(self.doc.clone(), freshener)
    }

    /// The one body of a single send, made from the template itself rather than a copy of it (a
    /// `--data` body can be large).
    pub fn into_prepared(mut self) -> Result<Prepared> {
        let doc = std::mem::take(&mut self.doc);
        let mut freshener = Freshener::new(self.body.seed, &[&doc]);
        self.finish(doc, &mut freshener)
    }

    fn finish(&self, mut doc: Value, freshener: &mut Freshener) -> Result<Prepared> {
        if self.fresh {
            freshener.refresh(self.kind, &mut doc);
        }
        apply_conveniences(&self.body, self.kind, &mut doc)?;
        for (path, value) in &self.sets {
            payload::set(&mut doc, path, value.clone())?;
        }
        Ok(Prepared { name: self.name.clone(), kind: self.kind, doc })
    }

    /// The `--set`s that put a top-level field the platform never sends into the body: each as
    /// the path was written, and the field. A server that depends on one will not get it from
    /// the platform.
    pub fn unsent_fields(&self) -> Vec<(String, String)> {
        let written =
            self.body.sets.iter().map(|spec| spec.split_once('=').map_or(spec.as_str(), |(p, _)| p));
        written
            .zip(&self.sets)
            .filter_map(|(path, (segments, _))| Some((path, segments.first()?)))
            .filter(|(_, key)| !self.kind.sends_top_level(key))
            .map(|(path, key)| (path.to_string(), key.clone()))
            .collect()
    }

    /// Refuse expectations that cannot apply to this kind of body, as the body's own flags are.
    pub fn check_expect(&self, expect: &Expect) -> Result<()> {
        if expect.option.is_some() {
            applies_to("--expect-option", self.kind, eva::EXPECT_OPTION_KINDS)?;
        }
        Ok(())
    }

    /// How many times the platform delivers this body for one action, and why when more than
    /// once: built-in events say (Botpress sends tag edits twice); a `--data` body is sent once.
    pub fn deliveries(&self) -> (u32, &'static str) {
        self.event.map_or((1, ""), |e| (e.deliveries.max(1), e.deliveries_why))
    }

    /// One body, as `hookctl send` sends it.
    pub fn prepare(&self) -> Result<Prepared> {
        self.prepare_nth(0)
    }

    /// The body of a run with its identifiers marked by `mark(slot)` (see
    /// `Freshener::mark_slots`), and the old identifiers in slot order (none when the body is sent
    /// as given). Putting `fresh_values(n)` into the slots makes the body `prepare_nth(n)` makes.
    pub fn marked(&self, mark: impl Fn(usize) -> String) -> Result<(Prepared, Vec<Value>)> {
        self.marked_with_times(mark, None)
    }

    /// As `marked`, and when `mark_time` is given each timestamp the fresh body carries (moved as
    /// `prepare` moves it) is replaced by `mark_time(t)`; the conveniences and `--set` come after,
    /// so what they write is kept as written.
    pub fn marked_with_times(
        &self,
        mark: impl Fn(usize) -> String,
        mark_time: Option<&dyn Fn(chrono::DateTime<chrono::Utc>) -> String>,
    ) -> Result<(Prepared, Vec<Value>)> {
        let mut doc = self.doc.clone();
        let mut order = Vec::new();
        if self.fresh {
            order = Freshener::new(self.body.seed, &[&self.doc]).mark_slots(self.kind, &mut doc, mark);
            if let Some(mark_time) = mark_time {
                payload::mark_timestamps(&mut doc, mark_time);
            }
        }
        apply_conveniences(&self.body, self.kind, &mut doc)?;
        for (path, value) in &self.sets {
            payload::set(&mut doc, path, value.clone())?;
        }
        Ok((Prepared { name: self.name.clone(), kind: self.kind, doc }, order))
    }

    /// The slots of `marked`, whose values for the n-th body are drawn from `slot_seed(n)`.
    pub fn slots(&self) -> Slots {
        match self.fresh {
            true => Slots::new(self.kind, &self.doc),
            false => Slots::new(self.kind, &Value::Null),
        }
    }

    /// The seed of the bodies (`--seed`): ids reproducible, timestamps as in the fixture.
    pub fn seed(&self) -> Option<u64> {
        self.body.seed
    }

    /// The seed of the n-th body's slot values, as `prepare_nth` seeds it; unseeded, a random one
    /// (the same fresh values, without looking for the latest timestamp: the slots hold none).
    pub fn slot_seed(&self, n: u64) -> u64 {
        self.body.seed.map_or_else(|| fastrand::u64(..), |s| s.wrapping_add(n))
    }

    /// The n-th body of a run: fresh ids each time; under `--seed S` the ids of body n come from
    /// seed S + n, so a seeded run is reproducible and its bodies still differ.
    pub fn prepare_nth(&self, n: u64) -> Result<Prepared> {
        let seed = self.body.seed.map(|s| s.wrapping_add(n));
        self.instantiate(&mut Freshener::new(seed, &[&self.doc]))
    }
}

/// A flag that only makes sense for some kinds of body: a usage error for the others.
fn applies_to(flag: &str, kind: Kind, allowed: &[Kind]) -> Result<()> {
    if allowed.contains(&kind) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
    Err(Error::usage(format!("{flag} applies to {} only, not to {kind}", names.join(" and "))))
}

fn apply_conveniences(body: &Body, kind: Kind, doc: &mut Value) -> Result<()> {
    let mut set = |flag: &Convenience, value: Value| -> Result<()> {
        applies_to(flag.flag, kind, flag.kinds)?;
        for pointer in flag.pointers {
            let path: Vec<String> = pointer.split('/').skip(1).map(str::to_string).collect();
            payload::set(doc, &path, value.clone())?;
        }
        Ok(())
    };
    if let Some(text) = &body.text {
        set(&eva::TEXT_FLAG, json!(text))?;
    }
    if let Some(options) = &body.expected_options {
        set(&eva::EXPECTED_OPTIONS_FLAG, json!(options))?;
    }
    if let Some(answer) = &body.answer {
        set(&eva::ANSWER_FLAG, json!(answer))?;
    }
    if let Some(ty) = &body.answer_type {
        set(&eva::ANSWER_TYPE_FLAG, json!(ty))?;
    }
    Ok(())
}
