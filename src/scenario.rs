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

/// What was run: a built-in scenario, by its name, or a capture replayed, by where it was read.
/// In JSON, the report's `scenario` or `replay` member.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Run {
    Scenario(String),
    Replay(String),
}

impl Run {
    /// The heading of the run's text: the scenario's name, or `replay`.
    pub fn heading(&self) -> &str {
        match self {
            Run::Scenario(name) => name,
            Run::Replay(_) => "replay",
        }
    }
}

/// The counts of a run's deliveries (its rows), as every report's `summary` counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StepSummary {
    pub steps: usize,
    /// Answered and accepted.
    pub passed: usize,
    /// Answered, but the answer failed a check.
    pub failed: usize,
    /// Not answered: the target could not be reached.
    pub transport_errors: usize,
}

impl StepSummary {
    pub fn of(steps: &[Report]) -> StepSummary {
        let transport_errors = steps.iter().filter(|s| s.answered.transport_error.is_some()).count();
        let passed = steps.iter().filter(|s| s.passed).count();
        StepSummary {
            steps: steps.len(),
            passed,
            failed: steps.len() - passed - transport_errors,
            transport_errors,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ScenarioReport {
    #[serde(flatten)]
    pub run: Run,
    /// What the run is: the scenario's story, or how many requests were replayed from where.
    pub description: String,
    /// Things worth knowing about the run (a header that could not be replayed, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub builtin_receiver: bool,
    /// The order the deliveries were made in, by index into the scenario's steps (a step delivered
    /// twice appears twice), one entry for each report in `steps`.
    pub order: Vec<usize>,
    pub steps: Vec<Report>,
    pub summary: StepSummary,
    pub passed: bool,
    /// `replay`: the lines of the capture that were not records, and so were not sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_lines: Vec<crate::capture::BadLine>,
}

impl Outcome for ScenarioReport {
    /// The steps' outcomes; a line of a capture that could not be read is an input error.
    fn counts(&self) -> Counts {
        let skipped = Counts { input: self.skipped_lines.len(), ..Counts::default() };
        self.steps.iter().map(Outcome::counts).sum::<Counts>() + skipped
    }
}

/// The bodies of a scenario's steps, a consistent story: one `Freshener` for all, so the same old
/// id gets the same new id in every step and the timestamps keep their order; and each handoff
/// update is the handoff as the step before left it, plus what that step's action changes
/// (`Event::updates`, taken from the step's own fixture). So tags stay null until a tags step,
/// comments empty until a note, and a resolve carries only what happened before it.
pub fn bodies(scenario: &Scenario, seed: Option<u64>) -> Result<Vec<Prepared>> {
    story(scenario, seed, |freshener, kind, doc| freshener.refresh(kind, doc))
}

/// The bodies of `bodies` with their identifiers marked by `mark(slot)`, slots numbered across
/// the steps (an id shared by steps is one slot), and each timestamp by `mark_time(t)`; and the
/// old identifiers in slot order. Putting fresh values into the slots makes another story.
pub fn marked_bodies(
    scenario: &Scenario,
    seed: Option<u64>,
    mark: &dyn Fn(usize) -> String,
    mark_time: &dyn Fn(chrono::DateTime<chrono::Utc>) -> String,
) -> Result<(Vec<Prepared>, Vec<Value>)> {
    let mut order = Vec::new();
    let bodies = story(scenario, seed, |freshener, kind, doc| {
        let base = order.len();
        order.extend(freshener.mark_slots(kind, doc, |i| mark(base + i)));
        crate::payload::mark_timestamps(doc, mark_time);
    })?;
    Ok((bodies, order))
}

/// The steps' bodies, each made fresh by `fresh` with the one freshener of the story, then each
/// handoff update made from the handoff as the step before left it.
fn story(
    scenario: &Scenario,
    seed: Option<u64>,
    mut fresh: impl FnMut(&mut Freshener, crate::catalogue::Kind, &mut Value),
) -> Result<Vec<Prepared>> {
    let events = scenario.steps.iter().map(|s| catalogue::event(s)).collect::<Result<Vec<_>>>()?;
    let mut docs: Vec<_> = events.iter().map(|e| e.fixture()).collect();
    let mut freshener = Freshener::new(seed, &docs.iter().collect::<Vec<_>>());
    // The handoff as the story has left it so far.
    let mut handoff: Option<Value> = None;
    let mut bodies = Vec::with_capacity(events.len());
    for (e, doc) in events.iter().zip(docs.iter_mut()) {
        fresh(&mut freshener, e.request, doc);
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

/// The k6 script of a scenario (`scenario NAME --print k6`): each iteration sends the steps in
/// order (shuffled each time under `--shuffle`, each twice under `--duplicate`), the ids that tie
/// them together shared, fresh for each iteration; a step Botpress delivers twice goes twice at once.
pub fn k6_script(opts: &Options, delivery: &crate::send::Delivery) -> Result<crate::preview::k6::Script> {
    use crate::preview::k6;
    let scenario = catalogue::scenario(&opts.name)?;
    let (bodies, slots) = marked_bodies(scenario, opts.seed, &k6::mark, &k6::mark_time)?;
    let aim = crate::send::aim(delivery)?;
    let platform = bodies.first().map_or(crate::catalogue::Platform::Botpress, |b| b.kind.platform());
    let mut headers = aim.headers_for(platform);
    crate::send::client::complete(&mut headers);
    let steps = bodies
        .into_iter()
        .map(|b| {
            let times = catalogue::event(&b.name).map_or(1, |e| e.deliveries.max(1));
            k6::Step { name: b.name, kind: b.kind, doc: b.doc, times }
        })
        .collect();
    k6::script(&k6::Plan {
        title: format!("scenario {}", scenario.name),
        url: aim.url,
        headers: &headers,
        steps,
        slots,
        expect: &Expect::default(),
        option_case: delivery.option_case,
        seed: opts.seed,
        duplicate: opts.duplicate,
        shuffle: opts.shuffle,
        show_secrets: delivery.show_secrets,
    })
}

/// Give each failed step the curl command that repeats its request, as its report shows it (the
/// url and headers with their secrets redacted unless `--show-secrets`, the body as it went).
pub fn with_curl(steps: &mut [Report]) {
    for step in steps.iter_mut().filter(|s| !s.passed) {
        step.curl = Some(crate::preview::curl_of(&step.request));
    }
}

/// What the report says of a step delivered more than once at once, naming its rows as the
/// report numbers them: `steps 4-5 handoff-tags: delivered twice at once: ...`, and under
/// `--duplicate` `steps 4-5, 6-7 handoff-tags: delivered twice at once, each time: ...`.
fn at_once_note(e: &catalogue::Event, rows: &[(usize, usize)]) -> String {
    let times = if e.deliveries == 2 { "twice".to_string() } else { format!("{} times", e.deliveries) };
    let each = if rows.len() > 1 { ", each time" } else { "" };
    let rows: Vec<String> = rows.iter().map(|&(a, b)| format!("{a}-{b}")).collect();
    format!("steps {} {}: delivered {times} at once{each}: {}", rows.join(", "), e.name, e.deliveries_why)
}

/// `step 3`, `steps 1-4`, `steps 1, 3-4`: the report's steps (1-based), runs joined.
pub fn step_list(steps: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &n in steps {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    let parts: Vec<String> =
        runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect();
    format!("{} {}", if steps.len() == 1 { "step" } else { "steps" }, parts.join(", "))
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
    let mut order = Vec::with_capacity(steps_order.len());
    let mut steps = Vec::with_capacity(steps_order.len());
    // The rows (1-based, as the report numbers its steps) of each step delivered more than once
    // at once (a tag edit), by scenario step.
    let mut at_once: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    for &i in &steps_order {
        let first = steps.len() + 1;
        for report in target.send_times(&bodies[i], &Expect::default(), events[i].deliveries).await {
            order.push(i);
            steps.push(report);
        }
        if events[i].deliveries > 1 {
            match at_once.iter_mut().find(|(step, _)| *step == i) {
                Some((_, rows)) => rows.push((first, steps.len())),
                None => at_once.push((i, vec![(first, steps.len())])),
            }
        }
    }
    let notes = at_once.iter().map(|(i, rows)| at_once_note(events[*i], rows)).collect();
    with_curl(&mut steps);
    Ok(ScenarioReport {
        run: Run::Scenario(scenario.name.to_string()),
        description: scenario.summary.to_string(),
        notes,
        builtin_receiver: steps.first().is_some_and(|s| s.builtin_receiver),
        passed: steps.iter().all(|s| s.passed),
        summary: StepSummary::of(&steps),
        order,
        steps,
        skipped_lines: Vec::new(),
    })
}
