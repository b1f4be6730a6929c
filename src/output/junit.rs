//! The `test` report as JUnit XML, for CI systems: a test suite per suite file, a test case per case.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::error::{Error, Result};
use crate::tester::TestReport;

/// The report as JUnit XML: a test suite per suite file, a test case per case.
pub fn junit(r: &TestReport) -> Result<String> {
    let mut report = Report::new("hookctl");
    let mut suites: Vec<TestSuite> = Vec::new();
    for c in &r.cases {
        let status = if c.passed {
            TestCaseStatus::success()
        } else if let Some(e) = &c.error {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(e.as_str()).set_type("transport");
            s
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let lines: Vec<String> = c
                .failures
                .iter()
                .map(|f| format!("{}: expected {}, found {}", f.expectation, f.expected, f.found))
                .collect();
            s.set_message(lines.first().cloned().unwrap_or_default()).set_type("contract");
            let mut description = lines.join("\n");
            if let Some(req) = &c.request {
                description.push_str(&format!("\nsent: {req}"));
            }
            if let (Some(status), Some(body)) = (c.status, &c.response) {
                description.push_str(&format!("\nanswer: {status} {body}"));
            }
            s.set_description(description);
            s
        };
        let mut case = TestCase::new(c.name.as_str(), status);
        case.set_classname(c.suite.as_str())
            .set_time(std::time::Duration::from_secs_f64(c.duration_ms / 1e3));
        if c.builtin_receiver {
            case.add_property(("receiver", "built-in"));
            case.set_system_out(format!(
                "no url (none from --url, {} or the suite): delivered to hookctl's built-in receiver, not to your server",
                crate::defaults::ENV_URL
            ));
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
