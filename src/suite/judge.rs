//! Holding one delivery's report against a case's expectations, and what the case's result keeps
//! of it: the failures, the contract warnings, the exchange to show, the hints.

use serde_json::Value;

use super::{CaseResult, Exchange, Expectations, Failure, FieldCheck, TextExpect};
use crate::json::Pointer;
use crate::platform::eva;
use crate::send;

/// Which delivery of a case a failure is about: one of several of a body, or a scenario's step.
#[derive(Debug, Clone, Copy)]
pub enum Tag<'a> {
    Only,
    /// `delivery 2 of 4`, after the expectation.
    Delivery(&'a str),
    /// `step 3 handoff-assign`, before it.
    Step(&'a str),
}

impl Tag<'_> {
    fn on(self, what: &str) -> String {
        match self {
            Tag::Only => what.to_string(),
            Tag::Delivery(d) => format!("{what} ({d})"),
            Tag::Step(s) => format!("{s}: {what}"),
        }
    }
}

/// The delivery as a failure shows it.
fn exchange(report: &send::Report) -> Exchange {
    let response = report.answered.response.as_ref();
    Exchange {
        method: report.request.method,
        url: report.request.url.clone(),
        request_headers: report.request.headers.clone(),
        request: report.request.body.clone(),
        status: response.map(|r| r.status),
        response_headers: response.map(|r| r.headers.clone()).unwrap_or_default(),
        response: response.map(|r| r.body.clone()),
        curl: crate::preview::curl_of(&report.request),
    }
}

/// Hold one delivery's report against the expectations. The result keeps the exchange of the
/// first delivery that failed, else of the latest one.
pub fn judge(result: &mut CaseResult, report: &send::Report, expect: &Expectations, tag: Tag) {
    let failed_before = !result.failures.is_empty();
    check(result, report, expect, tag);
    for w in report.answered.verdict.iter().flat_map(|v| &v.warnings) {
        if !result.warnings.iter().any(|k| k.pointer == w.pointer && k.message == w.message) {
            result.warnings.push(w.clone());
        }
    }
    // While nothing has failed, this delivery is the first to fail or the latest.
    if !failed_before {
        result.exchange = Some(exchange(report));
    }
}

/// A failed expectation as it is found: what, expected, found.
type Fail<'a> = dyn FnMut(String, String, String) + 'a;

/// The expectations, one failure for each that does not hold.
fn check(result: &mut CaseResult, report: &send::Report, expect: &Expectations, tag: Tag) {
    if let Some(e) = &report.answered.transport_error {
        result.error = Some(e.clone());
        return;
    }
    let Some(resp) = &report.answered.response else { return };
    let fail = &mut |what: String, expected: String, found: String| {
        result.failures.push(Failure { expectation: tag.on(&what), expected, found });
    };
    if !expect.status.matches(resp.status) {
        fail("status".into(), expect.status.to_string(), resp.status.to_string());
    }
    if expect.valid {
        check_valid(&report.answered, fail);
    }
    let body = &resp.body;
    if let Some(options) = &expect.option {
        check_option(body, options, fail);
    }
    check_answer(body, &expect.answer, fail);
    check_fields(body, &expect.fields, fail);
    if let Some(max) = expect.max_latency_ms {
        if resp.latency_ms > max {
            fail("max_latency_ms".into(), format!("at most {max} ms"), format!("{:.1} ms", resp.latency_ms));
        }
    }
}

/// `valid`: every check `send` made but the status passed, and the answer keeps its contract.
fn check_valid(answered: &send::Answered, fail: &mut Fail) {
    for c in answered.checks.iter().filter(|c| !c.passed && c.check != "status") {
        fail(format!("valid ({})", c.check), c.expected.clone(), c.found.clone());
    }
    if let Some(v) = answered.verdict.as_ref().filter(|v| !v.valid) {
        for e in &v.errors {
            let at = if e.pointer.is_empty() { "/" } else { &e.pointer };
            fail(
                format!("valid {} at {at}", v.kind),
                e.expected.clone().unwrap_or_else(|| e.message.clone()),
                e.found.clone().unwrap_or_else(|| e.message.clone()),
            );
        }
    }
}

/// `option`: the service cell's option is one of `options`.
fn check_option(body: &Value, options: &[String], fail: &mut Fail) {
    let found = body.at(eva::ptr::OPTION);
    if !found.and_then(Value::as_str).is_some_and(|o| options.iter().any(|x| x == o)) {
        let expected =
            if options.len() == 1 { options[0].clone() } else { format!("one of {}", options.join(", ")) };
        fail("option".into(), expected, found.map_or_else(|| "no option".into(), crate::contract::snippet));
    }
}

/// `answer_*`: the answer's content as text, against each expectation on it.
fn check_answer(body: &Value, answer: &[TextExpect], fail: &mut Fail) {
    let content = body.at(eva::ptr::ANSWER_CONTENT).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    for t in answer {
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
            let shown = content.as_ref().map_or_else(|| "no answer content".into(), |c| format!("{c:?}"));
            fail(what.into(), expected, shown);
        }
    }
}

/// `field."/pointer"`: each check on a field of the answer's body.
fn check_fields(body: &Value, fields: &[(String, FieldCheck)], fail: &mut Fail) {
    for (pointer, check) in fields {
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
            fail(format!("field {pointer}"), expected, shown);
        }
    }
}

/// Once every delivery is judged: warnings become failures when denied, a refusal (401, 403)
/// while a header was left out for want of its variable says so, and the verdict is made.
pub fn finish(result: &mut CaseResult, unsent: &[(String, Vec<String>)], deny_warnings: bool) {
    if deny_warnings {
        for w in &result.warnings {
            let at = if w.pointer.is_empty() { "/" } else { &w.pointer };
            result.failures.push(Failure {
                expectation: format!("no warning at {at} (deny_warnings)"),
                expected: "no contract warning".into(),
                found: w.message.clone(),
            });
        }
    }
    let refused = result.exchange.as_ref().and_then(|e| e.status).is_some_and(|s| s == 401 || s == 403);
    if refused {
        for (header, vars) in unsent {
            let verb = if vars.len() == 1 { "is" } else { "are" };
            result.hints.push(format!("{header} not sent: {} {verb} empty", vars.join(" and ")));
        }
    }
    result.passed = result.error.is_none() && result.failures.is_empty();
}
