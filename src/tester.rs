//! `hookctl test`: run contract suites against a webhook and report per case.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Counts, Error, Outcome, Result};
use crate::json::Pointer;
use crate::platform::eva;
use crate::receiver::Receiver;
use crate::scenario;
use crate::send::{self, Delivery, Expect, Retry, Target};
use crate::suite::{self, Case, Expectations, FieldCheck, Suite, TextExpect, What};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub suites: Vec<PathBuf>,
    /// Overrides every url in the suites.
    pub url: Option<String>,
    pub jobs: usize,
    /// Run only the cases whose name contains this.
    pub filter: Option<String>,
    pub option_case: crate::contract::OptionCase,
    /// Keep what every case sent and was answered, not only the failed ones' (`-v`).
    pub keep_exchanges: bool,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub expectation: String,
    pub expected: String,
    pub found: String,
}

#[derive(Debug, Serialize)]
pub struct CaseResult {
    pub suite: String,
    pub name: String,
    pub line: usize,
    pub passed: bool,
    /// No url was given for this case: it ran against hookctl's built-in receiver.
    pub builtin_receiver: bool,
    /// The target could not be reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub failures: Vec<Failure>,
    pub duration_ms: f64,
    /// What was sent and what came back (the last delivery), for failed cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
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
        Counts { transport: self.summary.errors, input: 0, contract: self.summary.failed }
    }
}

impl TestReport {
    /// Replace every value that came from the environment by `${NAME}`.
    pub fn mask(&self, text: &str) -> String {
        mask(&self.secrets, text)
    }
}

/// Replace every secret value by `${NAME}`, longest values first: a value that holds another
/// (`abcdef` and `abc`) is masked whole, not left with a tail showing. A value that is a URL is
/// masked also as messages show it, its own secrets redacted.
pub(crate) fn mask(secrets: &[(String, String)], text: &str) -> String {
    let mut forms: Vec<(&str, String)> = Vec::new();
    for (name, value) in secrets {
        for form in [value.clone(), crate::http::shown_url(value, false), crate::http::shown_raw_url(value)] {
            if !form.is_empty() && !forms.iter().any(|(_, f)| *f == form) {
                forms.push((name, form));
            }
        }
    }
    forms.sort_by_key(|(_, form)| std::cmp::Reverse(form.len()));
    let mut out = text.to_string();
    for (name, form) in forms {
        out = out.replace(form.as_str(), &format!("${{{name}}}"));
    }
    out
}

/// Load every suite first (so a broken one fails before anything is sent), then run.
pub async fn run(opts: &Options) -> Result<TestReport> {
    let started = Instant::now();
    let mut suites: Vec<Suite> = opts.suites.iter().map(|p| suite::load(p)).collect::<Result<_>>()?;
    let secrets: Vec<(String, String)> = suites.iter().flat_map(|s| s.secrets.clone()).collect();
    let env_url = crate::defaults::env_url();
    if let Some(u) = &opts.url {
        crate::http::parse_url(u, "--url")?;
    } else if let Some(u) = &env_url {
        crate::http::parse_url(u, crate::defaults::ENV_URL)?;
    }

    // With no url from anywhere, the cases go to one built-in receiver, started on first need and
    // kept until every case has run.
    let mut builtin: Option<Receiver> = None;
    // One target (client, connection pool) per distinct url, headers and timeout.
    let mut targets: HashMap<(String, Vec<String>, u64), Arc<Target>> = HashMap::new();
    let mut jobs = Vec::new();
    for suite in &mut suites {
        for case in std::mem::take(&mut suite.cases) {
            if opts.filter.as_ref().is_some_and(|f| !case.name.contains(f.as_str())) {
                continue;
            }
            // --url > HOOKCTL_URL > the case's url > the suite's defaults (folded into case.url).
            let chosen = opts.url.clone().or_else(|| env_url.clone()).or_else(|| case.url.clone());
            let is_builtin = chosen.is_none();
            let url = match chosen {
                Some(url) => url,
                None => match &builtin {
                    Some(r) => r.url(),
                    None => {
                        let r = Receiver::loopback().await?;
                        let url = r.url();
                        builtin = Some(r);
                        url
                    }
                },
            };
            let key = (url.clone(), case.headers.clone(), case.timeout.to_bits());
            let target = match targets.get(&key) {
                Some(t) => t.clone(),
                None => {
                    let delivery = Delivery {
                        url: Some(url),
                        botpress_config: None,
                        headers: case.headers.clone(),
                        timeout: Duration::from_secs_f64(case.timeout),
                        retry: Retry::None,
                        retry_scale: 1.0,
                        max_response: crate::defaults::MAX_RESPONSE,
                        show_secrets: false,
                        option_case: opts.option_case,
                    };
                    let mut t = send::target(&delivery).await.map_err(|e| {
                        let msg = format!("{}:{}: case '{}': {e}", suite.label, case.line, case.name);
                        Error::usage(mask(&secrets, &msg))
                    })?;
                    t.builtin = is_builtin;
                    let t = Arc::new(t);
                    targets.insert(key, t.clone());
                    t
                }
            };
            jobs.push((suite.label.clone(), case, target));
        }
    }
    if jobs.is_empty() {
        return Err(Error::usage(match &opts.filter {
            Some(f) => format!("--filter '{f}' matches no case"),
            None => "no case to run".to_string(),
        }));
    }

    let permits = Arc::new(tokio::sync::Semaphore::new(opts.jobs.max(1)));
    let mut handles = Vec::with_capacity(jobs.len());
    for (label, case, target) in jobs {
        let permits = permits.clone();
        let keep = opts.keep_exchanges;
        handles.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            run_case(&label, &case, &target, keep).await
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
        errors: cases.iter().filter(|c| c.error.is_some()).count(),
        builtin_receiver: cases.iter().filter(|c| c.builtin_receiver).count(),
        duration_ms: started.elapsed().as_secs_f64() * 1e3,
    };
    Ok(TestReport { cases, summary, secrets })
}

async fn run_case(label: &str, case: &Case, target: &Target, keep_exchanges: bool) -> CaseResult {
    let started = Instant::now();
    let mut result = CaseResult {
        suite: label.to_string(),
        name: case.name.clone(),
        line: case.line,
        passed: false,
        builtin_receiver: target.builtin,
        error: None,
        failures: Vec::new(),
        duration_ms: 0.0,
        request: None,
        status: None,
        response: None,
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
                        judge(&mut result, &report, &case.expect, (total > 1).then_some((delivery, total)));
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
                        let before = result.failures.len();
                        judge(&mut result, step, &case.expect, None);
                        for f in &mut result.failures[before..] {
                            f.expectation = format!("step {} {}: {}", i + 1, step.event, f.expectation);
                        }
                        if result.error.is_some() {
                            break;
                        }
                    }
                }
                Err(e) => result.error = Some(e.to_string()),
            }
        }
    }
    result.passed = result.error.is_none() && result.failures.is_empty();
    result.duration_ms = started.elapsed().as_secs_f64() * 1e3;
    if result.passed && !keep_exchanges {
        result.request = None;
        result.response = None;
    }
    result
}

/// Hold one delivery's report against the expectations.
fn judge(
    result: &mut CaseResult,
    report: &send::Report,
    expect: &Expectations,
    delivery: Option<(u32, u32)>,
) {
    let tag = |what: &str| match delivery {
        Some((n, of)) => format!("{what} (delivery {n} of {of})"),
        None => what.to_string(),
    };
    result.request = Some(report.request.body.clone());
    if let Some(e) = &report.answered.transport_error {
        result.error = Some(e.clone());
        return;
    }
    let Some(resp) = &report.answered.response else { return };
    result.status = Some(resp.status);
    result.response = Some(resp.body.clone());
    let mut fail = |what: String, expected: String, found: String| {
        result.failures.push(Failure { expectation: what, expected, found });
    };
    if !expect.status.matches(resp.status) {
        fail(tag("status"), expect.status.to_string(), resp.status.to_string());
    }
    if expect.valid {
        for c in report.answered.checks.iter().filter(|c| !c.passed && c.check != "status") {
            fail(tag(&format!("valid ({})", c.check)), c.expected.clone(), c.found.clone());
        }
        if let Some(v) = report.answered.verdict.as_ref().filter(|v| !v.valid) {
            for e in &v.errors {
                fail(
                    tag(&format!(
                        "valid {} at {}",
                        v.kind,
                        if e.pointer.is_empty() { "/" } else { &e.pointer }
                    )),
                    e.expected.clone().unwrap_or_else(|| e.message.clone()),
                    e.found.clone().unwrap_or_else(|| e.message.clone()),
                );
            }
        }
    }
    let body = &resp.body;
    if let Some(options) = &expect.option {
        let found = body.at(eva::ptr::OPTION);
        if !found.and_then(Value::as_str).is_some_and(|o| options.iter().any(|x| x == o)) {
            let expected = if options.len() == 1 {
                options[0].clone()
            } else {
                format!("one of {}", options.join(", "))
            };
            fail(tag("option"), expected, found.map_or_else(|| "no option".into(), crate::contract::snippet));
        }
    }
    let content = body.at(eva::ptr::ANSWER_CONTENT).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    for t in &expect.answer {
        let found = content.clone().unwrap_or_default();
        let (what, expected, ok) = match t {
            TextExpect::Contains(s) => {
                ("answer_contains", format!("content containing {s:?}"), found.contains(s.as_str()))
            }
            TextExpect::Matches(r) => {
                ("answer_matches", format!("content matching /{}/", r.as_str()), r.is_match(&found))
            }
            TextExpect::Equals(s) => ("answer_equals", format!("{s:?}"), found == *s),
        };
        if !ok {
            fail(
                tag(what),
                expected,
                content.as_ref().map_or_else(|| "no answer content".into(), |c| format!("{c:?}")),
            );
        }
    }
    for (pointer, check) in &expect.fields {
        let found = body.at(pointer);
        let shown = found.map_or_else(|| "nothing (absent)".to_string(), crate::contract::snippet);
        let (expected, ok) = match check {
            FieldCheck::Equals(v) => (crate::contract::snippet(v), found == Some(v)),
            FieldCheck::Exists(true) => ("present".to_string(), found.is_some()),
            FieldCheck::Exists(false) => ("absent".to_string(), found.is_none()),
            FieldCheck::Matches(r) => {
                let text = found.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
                (format!("matching /{}/", r.as_str()), text.is_some_and(|t| r.is_match(&t)))
            }
        };
        if !ok {
            fail(tag(&format!("field {pointer}")), expected, shown);
        }
    }
    if let Some(max) = expect.max_latency_ms {
        if resp.latency_ms > max {
            fail(tag("max_latency_ms"), format!("at most {max} ms"), format!("{:.1} ms", resp.latency_ms));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_occurrence_of_a_secret_becomes_its_name() {
        let s = secrets(&[("TOKEN", "tok-5150"), ("KEY", "k-93f2a1")]);
        assert_eq!(
            mask(&s, "Bearer tok-5150, key k-93f2a1, again tok-5150"),
            "Bearer ${TOKEN}, key ${KEY}, again ${TOKEN}"
        );
        assert_eq!(mask(&s, "tok-5150tok-5150"), "${TOKEN}${TOKEN}");
    }

    #[test]
    fn text_without_secrets_is_unchanged() {
        let s = secrets(&[("TOKEN", "tok-5150")]);
        assert_eq!(mask(&s, "nothing to hide: tok-515"), "nothing to hide: tok-515");
        assert_eq!(mask(&[], "tok-5150"), "tok-5150");
        assert_eq!(mask(&s, ""), "");
    }

    #[test]
    fn masking_is_case_sensitive_and_exact() {
        let s = secrets(&[("TOKEN", "Secret")]);
        assert_eq!(mask(&s, "Secret secret SECRET"), "${TOKEN} secret SECRET");
    }

    #[test]
    fn the_report_masks_with_its_own_secrets() {
        let report = TestReport {
            cases: Vec::new(),
            summary: Summary::default(),
            secrets: secrets(&[("URL", "http://user:pw@host.test/")]),
        };
        assert_eq!(report.mask("posting to http://user:pw@host.test/ failed"), "posting to ${URL} failed");
    }

    #[test]
    fn a_secret_that_holds_another_is_masked_whole() {
        for pairs in [[("A", "abc"), ("B", "abcdef")], [("B", "abcdef"), ("A", "abc")]] {
            let masked = mask(&secrets(&pairs), "token abcdef and abc");
            assert_eq!(masked, "token ${B} and ${A}", "{pairs:?}");
        }
    }
}
