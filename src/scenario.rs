//! `hookctl scenario`: a story of events sent in order, sharing one handoff, user and agent.

use serde::Serialize;

use crate::catalogue::{self, Scenario};
use crate::error::{Exit, Result};
use crate::payload::Freshener;
use crate::send::{Expect, Prepared, Report, Target};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub name: String,
    /// Deliver every event twice in a row (Botpress does for tag edits and on retries).
    pub duplicate: bool,
    /// Deliver the steps in a random order (fixed by --seed).
    pub shuffle: bool,
    pub seed: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioReport {
    pub scenario: String,
    pub summary: String,
    /// Things worth knowing about the run (a header that could not be replayed, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub builtin_receiver: bool,
    /// The order the steps were delivered in, by index into the scenario's steps.
    pub order: Vec<usize>,
    pub steps: Vec<Report>,
    pub passed: bool,
}

impl ScenarioReport {
    pub fn exit(&self) -> Exit {
        self.steps.iter().map(Report::exit).fold(Exit::Ok, Exit::worst)
    }
}

/// The bodies of a scenario's steps: one `Freshener` for all, so the same old id gets the same new
/// id in every step and the timestamps keep their order.
pub fn bodies(scenario: &Scenario, seed: Option<u64>) -> Result<Vec<Prepared>> {
    let events = scenario.steps.iter().map(|s| catalogue::event(s)).collect::<Result<Vec<_>>>()?;
    let mut docs: Vec<_> = events.iter().map(|e| e.fixture()).collect();
    let mut freshener = Freshener::new(seed, &docs.iter().collect::<Vec<_>>());
    Ok(events
        .iter()
        .zip(docs.iter_mut())
        .map(|(e, doc)| {
            freshener.refresh(e.request, doc);
            Prepared { name: e.name.to_string(), kind: e.request, doc: doc.clone() }
        })
        .collect())
}

pub async fn run(opts: &Options, target: &Target) -> Result<ScenarioReport> {
    let scenario = catalogue::scenario(&opts.name)?;
    let bodies = bodies(scenario, opts.seed)?;
    let mut order: Vec<usize> = (0..bodies.len()).collect();
    if opts.shuffle {
        let mut rng = opts.seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        rng.shuffle(&mut order);
    }
    if opts.duplicate {
        order = order.into_iter().flat_map(|i| [i, i]).collect();
    }
    let mut steps = Vec::with_capacity(order.len());
    for &i in &order {
        steps.push(target.send(&bodies[i], &Expect::default()).await);
    }
    Ok(ScenarioReport {
        scenario: scenario.name.to_string(),
        summary: scenario.summary.to_string(),
        notes: Vec::new(),
        builtin_receiver: steps.first().is_some_and(|s| s.builtin_receiver),
        passed: steps.iter().all(|s| s.passed),
        order,
        steps,
    })
}
