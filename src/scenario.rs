//! `hookctl scenario`: a story of events sent in order, sharing one handoff, user and agent.

use serde::Serialize;
use serde_json::Value;

use crate::catalogue::{self, Scenario};
use crate::error::{Counts, Outcome, Result};
use crate::payload::Freshener;
use crate::platform::botpress;
use crate::send::{Expect, Prepared, Report, Target};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub name: String,
    /// Deliver every step twice in a row (as retries can). A step Botpress itself delivers
    /// twice (a tag edit) then goes out twice at once, twice in a row.
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
    /// The order the deliveries were made in, by index into the scenario's steps (a step delivered
    /// twice appears twice), one entry for each report in `steps`.
    pub order: Vec<usize>,
    pub steps: Vec<Report>,
    pub passed: bool,
}

impl Outcome for ScenarioReport {
    fn counts(&self) -> Counts {
        self.steps.iter().map(Outcome::counts).sum()
    }
}

/// The bodies of a scenario's steps, a consistent story: one `Freshener` for all, so the same old
/// id gets the same new id in every step and the timestamps keep their order; and each handoff
/// update is the handoff as the step before left it, plus what that step's action changes
/// (`Event::updates`, taken from the step's own fixture). So tags stay null until a tags step,
/// comments empty until a note, and a resolve carries only what happened before it.
pub fn bodies(scenario: &Scenario, seed: Option<u64>) -> Result<Vec<Prepared>> {
    let events = scenario.steps.iter().map(|s| catalogue::event(s)).collect::<Result<Vec<_>>>()?;
    let mut docs: Vec<_> = events.iter().map(|e| e.fixture()).collect();
    let mut freshener = Freshener::new(seed, &docs.iter().collect::<Vec<_>>());
    // The handoff as the story has left it so far.
    let mut handoff: Option<Value> = None;
    let mut bodies = Vec::with_capacity(events.len());
    for (e, doc) in events.iter().zip(docs.iter_mut()) {
        freshener.refresh(e.request, doc);
        if botpress::resource(doc) == Some(botpress::RESOURCE_HANDOFF) {
            if let (Some(changes), Some(before)) = (e.updates, &handoff) {
                doc["payload"] = updated(before, &doc["payload"], changes);
            }
            handoff = Some(doc["payload"].clone());
        }
        bodies.push(Prepared { name: e.name.to_string(), kind: e.request, doc: doc.clone() });
    }
    Ok(bodies)
}

/// The handoff `before`, with the fields an action changes taken from `after` (the action's own
/// fixture). Comments are appended: those of `after` that `before` does not have yet.
fn updated(before: &Value, after: &Value, changes: &[&str]) -> Value {
    let mut handoff = before.clone();
    for &field in changes {
        if field == "comments" {
            let had = before["comments"].as_array().cloned().unwrap_or_default();
            let new = after["comments"].as_array().into_iter().flatten().filter(|c| !had.contains(c));
            handoff["comments"] = Value::Array(had.iter().chain(new).cloned().collect());
        } else {
            handoff[field] = after[field].clone();
        }
    }
    handoff
}

pub async fn run(opts: &Options, target: &Target) -> Result<ScenarioReport> {
    let scenario = catalogue::scenario(&opts.name)?;
    let bodies = bodies(scenario, opts.seed)?;
    let events = scenario.steps.iter().map(|s| catalogue::event(s)).collect::<Result<Vec<_>>>()?;
    let mut steps_order: Vec<usize> = (0..bodies.len()).collect();
    if opts.shuffle {
        let mut rng = opts.seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        rng.shuffle(&mut steps_order);
    }
    if opts.duplicate {
        steps_order = steps_order.into_iter().flat_map(|i| [i, i]).collect();
    }
    // A step Botpress delivers more than once (a tag edit) goes out that many times at once.
    let mut notes = Vec::new();
    for (i, e) in events.iter().enumerate().filter(|(_, e)| e.deliveries > 1) {
        let times = if e.deliveries == 2 { "twice".to_string() } else { format!("{} times", e.deliveries) };
        notes.push(format!("step {} {} is delivered {times} at once: {}", i + 1, e.name, e.deliveries_why));
    }
    let mut order = Vec::with_capacity(steps_order.len());
    let mut steps = Vec::with_capacity(steps_order.len());
    for &i in &steps_order {
        for report in target.send_times(&bodies[i], &Expect::default(), events[i].deliveries).await {
            order.push(i);
            steps.push(report);
        }
    }
    Ok(ScenarioReport {
        scenario: scenario.name.to_string(),
        summary: scenario.summary.to_string(),
        notes,
        builtin_receiver: steps.first().is_some_and(|s| s.builtin_receiver),
        passed: steps.iter().all(|s| s.passed),
        order,
        steps,
    })
}
