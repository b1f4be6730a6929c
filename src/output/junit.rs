//! The `test` report as JUnit XML, for CI systems: a test suite per suite file, a test case per
//! case; a failure's text says what failed, where the case went and what came back, with a curl
//! command that repeats it, so that CI's test view shows all of it.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::exchange::{self, Shown};
use super::test::warning;
use crate::error::{Error, Result};
use crate::suite::{CaseResult, TestReport};

/// The report as JUnit XML: a test suite per suite file, a test case per case.
pub fn junit(r: &TestReport) -> Result<String> {
    let mut report = Report::new("hookctl");
    let mut suites: Vec<TestSuite> = Vec::new();
    for c in &r.cases {
        let mut case = TestCase::new(c.name.as_str(), status(c));
        case.set_classname(c.suite.as_str())
            .set_time(std::time::Duration::from_secs_f64(c.duration_ms / 1e3));
        case.add_property(("target", c.target.as_str()));
        let mut out = Vec::new();
        if c.builtin_receiver {
            case.add_property(("receiver", "built-in"));
            out.push(format!(
                "no url for target '{}': delivered to hookctl's built-in receiver, not to your server",
                c.target
            ));
        }
        out.extend(c.warnings.iter().map(|w| format!("warning: {}", warning(w))));
        if !out.is_empty() {
            case.set_system_out(out.join("\n"));
        }
        match suites.iter_mut().find(|s| s.name.as_str() == c.suite) {
            Some(s) => {
                s.add_test_case(case);
            }
            None => {
                let mut s = TestSuite::new(c.suite.as_str());
                s.add_test_case(case);
                suites.push(s);
            }
        }
    }
    report.add_test_suites(suites);
    report.set_time(std::time::Duration::from_secs_f64(r.summary.duration_ms / 1e3));
    report.to_string().map_err(|e| Error::internal(format!("cannot write the JUnit report: {e}")))
}

/// Passed, an error (not delivered) or a failure; with what failed, the hints, where it went
/// and what came back.
fn status(c: &CaseResult) -> TestCaseStatus {
    if c.passed {
        return TestCaseStatus::success();
    }
    let mut lines: Vec<String> = c
        .failures
        .iter()
        .map(|f| format!("{}: expected {}, found {}", f.expectation, f.expected, f.found))
        .collect();
    let (kind, kind_name, message) = match &c.error {
        Some(e) => (NonSuccessKind::Error, "transport", e.clone()),
        None => (NonSuccessKind::Failure, "contract", lines.first().cloned().unwrap_or_default()),
    };
    lines.extend(c.hints.iter().map(|h| format!("hint: {h}")));
    if let Some(e) = &c.exchange {
        lines.push(exchange::plain(&Shown::of_exchange(e)));
    }
    let mut s = TestCaseStatus::non_success(kind);
    s.set_message(message).set_type(kind_name).set_description(lines.join("\n"));
    s
}
