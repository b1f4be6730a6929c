//! Running suites: every case sent where its route says, its answers judged, and a result per
//! case: where it went, what failed and why, with what was sent and answered.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::{Case, Suite, What, judge, load, mask, routes};
use crate::contract::Finding;
use crate::error::{Counts, Error, Outcome, Result};
use crate::receiver::Receiver;
use crate::scenario;
use crate::send::{self, Delivery, Expect, Retry, Target};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub suites: Vec<PathBuf>,
    /// Overrides every url of a suite that has one target (`--url`).
    pub url: Option<String>,
    /// `HOOKCTL_URL`, when set and not blank: as `--url`, below it.
    pub env_url: Option<String>,
    /// `--target NAME=URL`: the url of a suite's target of that name.
    pub targets: Vec<(String, String)>,
    /// In CI: a case with no url is refused rather than sent to the built-in receiver...
    pub ci: bool,
    /// ... unless the built-in receiver is meant (`--builtin`).
    pub builtin: bool,
    /// Every case's contract warnings fail it (`--deny-warnings`).
    pub deny_warnings: bool,
    pub jobs: usize,
    /// Run only the cases whose name contains this.
    pub filter: Option<String>,
    pub option_case: crate::contract::OptionCase,
    /// Keep what every case sent and was answered, not only the failed ones' (`-v`).
    pub keep_exchanges: bool,
    /// Show header and url secrets, and values from the environment (`--show-secrets`).
    pub show_secrets: bool,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub expectation: String,
    pub expected: String,
    pub found: String,
}

/// One delivery of a case, as it went and as it was answered: what a failure shows.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub method: &'static str,
    /// The url it went to, resolved (its password and secret query values redacted).
    pub url: String,
    /// The request's headers, secrets redacted.
    pub request_headers: Vec<(String, String)>,
    /// The body sent (in JSON `request_body`: `request` is the whole request wherever else it
    /// appears).
    #[serde(rename = "request_body")]
    pub request: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<(String, String)>,
    /// The answer's body: JSON when it parses, else text, null when empty (in JSON
    /// `response_body`: `response` is the whole answer wherever else it appears).
    #[serde(rename = "response_body", skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// A curl command that makes the same request (secrets redacted as above).
    pub curl: String,
}

#[derive(Debug, Serialize)]
pub struct CaseResult {
    pub suite: String,
    pub name: String,
    pub line: usize,
    pub passed: bool,
    /// The suite's target it went to (`botpress`, `default`, `case 'NAME'`).
    pub target: String,
    /// No url was given for this case: it ran against hookctl's built-in receiver.
    pub builtin_receiver: bool,
    /// The target could not be reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub failures: Vec<Failure>,
    /// Contract warnings on the answers, each where it was found.
    pub warnings: Vec<Finding>,
    /// What may explain a failure (a header left out because its variable was empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    pub duration_ms: f64,
    /// The delivery that failed first (else the last one), for failed cases and under -v.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Exchange>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub transport_errors: usize,
    /// Contract warnings over every case.
    pub warnings: usize,
    /// Cases that had no url and ran against hookctl's built-in receiver, not a server of yours.
    pub builtin_receiver: usize,
    pub duration_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct TestReport {
    pub cases: Vec<CaseResult>,
    pub summary: Summary,
    /// Values from the environment, to mask wherever the report is written.
    #[serde(skip)]
    pub secrets: Vec<(String, String)>,
}

impl Outcome for TestReport {
    /// A case that could not reach its target is a transport failure; one that failed an
    /// expectation a contract failure.
    fn counts(&self) -> Counts {
        Counts { transport: self.summary.transport_errors, input: 0, contract: self.summary.failed }
    }
}

/// One case to run, and where it goes.
struct Job {
    suite: String,
    case: Case,
    target: String,
    unsent: Vec<(String, Vec<String>)>,
    client: Arc<Target>,
}

/// Load every suite first (so a broken one fails before anything is sent), decide where every
/// case goes (so a url missing in CI fails before anything is sent too), then run.
pub async fn run(opts: &Options) -> Result<TestReport> {
    let started = Instant::now();
    let mut suites: Vec<Suite> = opts.suites.iter().map(|p| load(p)).collect::<Result<_>>()?;
    let secrets: Vec<(String, String)> =
        if opts.show_secrets { Vec::new() } else { suites.iter().flat_map(|s| s.secrets.clone()).collect() };
    let global = match (&opts.url, &opts.env_url) {
        (Some(u), _) => Some(("--url", u.as_str())),
        (None, Some(u)) => Some((crate::defaults::ENV_URL, u.as_str())),
        (None, None) => None,
    };
    if let Some((origin, url)) = global {
        crate::http::parse_url(url, origin)?;
    }
    routes::check_names(&suites, &opts.targets)?;
    let overrides = routes::Overrides { global, targets: &opts.targets };

    let mut planned = Vec::new();
    for suite in &mut suites {
        let cases: Vec<Case> = std::mem::take(&mut suite.cases)
            .into_iter()
            .filter(|c| opts.filter.as_ref().is_none_or(|f| c.name.contains(f.as_str())))
            .collect();
        let resolved = routes::resolve(suite, &cases, &overrides)?;
        planned.push((cases, resolved));
    }
    if planned.iter().all(|(cases, _)| cases.is_empty()) {
        return Err(Error::usage(match &opts.filter {
            Some(f) => format!("--filter '{f}' matches no case"),
            None => "no case to run".to_string(),
        }));
    }
    if opts.ci && !opts.builtin {
        routes::refuse_builtin_in_ci(suites.iter().zip(planned.iter().map(|(_, r)| r.as_slice())))?;
    }
    // The built-in receiver, when a case has no url, serves until every case has run.
    let mut builtin: Option<Receiver> = None;
    let jobs = clients(&suites, planned, opts, &secrets, &mut builtin).await?;
    let permits = Arc::new(tokio::sync::Semaphore::new(opts.jobs.max(1)));
    let mut handles = Vec::with_capacity(jobs.len());
    for job in jobs {
        let permits = permits.clone();
        let (keep, deny) = (opts.keep_exchanges, opts.deny_warnings);
        handles.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            run_case(&job, keep, deny).await
        }));
    }
    let mut cases = Vec::with_capacity(handles.len());
    for h in handles {
        cases.push(h.await.map_err(|e| Error::internal(format!("a test case stopped: {e}")))?);
    }
    let summary = Summary {
        cases: cases.len(),
        passed: cases.iter().filter(|c| c.passed).count(),
        failed: cases.iter().filter(|c| !c.passed && c.error.is_none()).count(),
        transport_errors: cases.iter().filter(|c| c.error.is_some()).count(),
        warnings: cases.iter().map(|c| c.warnings.len()).sum(),
        builtin_receiver: cases.iter().filter(|c| c.builtin_receiver).count(),
        duration_ms: started.elapsed().as_secs_f64() * 1e3,
    };
    Ok(TestReport { cases, summary, secrets })
}

/// A client for every case: one per distinct url, headers and timeout (connections are pooled);
/// cases with no url share one built-in receiver, started on first need.
async fn clients(
    suites: &[Suite],
    planned: Vec<(Vec<Case>, Vec<routes::Resolved>)>,
    opts: &Options,
    secrets: &[(String, String)],
    builtin: &mut Option<Receiver>,
) -> Result<Vec<Job>> {
    let mut made: HashMap<(String, Vec<String>, u64), Arc<Target>> = HashMap::new();
    let mut jobs = Vec::new();
    for (suite, (cases, resolved)) in suites.iter().zip(planned) {
        for (case, r) in cases.into_iter().zip(resolved) {
            let is_builtin = r.url.is_none();
            let url = match r.url {
                Some(url) => url,
                None => match builtin {
                    Some(receiver) => receiver.url(),
                    None => {
                        let receiver = Receiver::loopback().await?;
                        let url = receiver.url();
                        *builtin = Some(receiver);
                        url
                    }
                },
            };
            let key = (url.clone(), r.headers.clone(), case.timeout.to_bits());
            let client = match made.get(&key) {
                Some(t) => t.clone(),
                None => {
                    let delivery = Delivery {
                        url: Some(url),
                        botpress_config: None,
                        headers: r.headers,
                        timeout: Duration::from_secs_f64(case.timeout),
                        retry: Retry::None,
                        retry_scale: 1.0,
                        max_response: crate::defaults::MAX_RESPONSE,
                        show_secrets: opts.show_secrets,
                        option_case: opts.option_case,
                    };
                    let mut t = send::target(&delivery).await.map_err(|e| {
                        let msg = format!("{}:{}: case '{}': {e}", suite.label, case.line, case.name);
                        Error::usage(mask(secrets, &msg))
                    })?;
                    t.builtin = is_builtin;
                    let t = Arc::new(t);
                    made.insert(key, t.clone());
                    t
                }
            };
            let target = suite.targets[r.target].name.clone();
            jobs.push(Job { suite: suite.label.clone(), case, target, unsent: r.unsent, client });
        }
    }
    Ok(jobs)
}

async fn run_case(job: &Job, keep_exchanges: bool, deny_warnings: bool) -> CaseResult {
    let (case, target) = (&job.case, &*job.client);
    let started = Instant::now();
    let mut result = CaseResult {
        suite: job.suite.clone(),
        name: case.name.clone(),
        line: case.line,
        passed: false,
        target: job.target.clone(),
        builtin_receiver: target.builtin,
        error: None,
        failures: Vec::new(),
        warnings: Vec::new(),
        hints: Vec::new(),
        duration_ms: 0.0,
        exchange: None,
    };
    match &case.what {
        What::Body(template) => match template.prepare() {
            Ok(prepared) => {
                // As the platform delivers it (a tag edit twice at once), and all of it once more
                // in a row when the case expects the receiver to be idempotent.
                let (at_once, _) = template.deliveries();
                let rounds = if case.expect.idempotent { 2 } else { 1 };
                let total = at_once * rounds;
                let mut delivery = 0;
                'rounds: for _ in 0..rounds {
                    for report in target.send_times(&prepared, &Expect::default(), at_once).await {
                        delivery += 1;
                        let of = format!("delivery {delivery} of {total}");
                        let tag = if total > 1 { judge::Tag::Delivery(&of) } else { judge::Tag::Only };
                        judge::judge(&mut result, &report, &case.expect, tag);
                        if result.error.is_some() {
                            break 'rounds;
                        }
                    }
                }
            }
            Err(e) => result.error = Some(e.to_string()),
        },
        What::Scenario(s) => {
            let opts = scenario::Options {
                name: s.name.to_string(),
                duplicate: case.expect.idempotent,
                ..Default::default()
            };
            match scenario::run(&opts, target).await {
                Ok(report) => {
                    for (i, step) in report.steps.iter().enumerate() {
                        let tag = format!("step {} {}", i + 1, step.event);
                        judge::judge(&mut result, step, &case.expect, judge::Tag::Step(&tag));
                        if result.error.is_some() {
                            break;
                        }
                    }
                }
                Err(e) => result.error = Some(e.to_string()),
            }
        }
    }
    judge::finish(&mut result, &job.unsent, case.deny_warnings || deny_warnings);
    result.duration_ms = started.elapsed().as_secs_f64() * 1e3;
    if result.passed && !keep_exchanges {
        result.exchange = None;
    }
    result
}
