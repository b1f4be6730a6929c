//! The README's `hookctl test` examples and its "Use in CI" recipe, read from README.md and run as
//! written, in a fresh directory, against real servers on loopback.

mod common;

use std::path::Path;

use common::{Listener, Reply, Server, fixture_path, hookctl, run};
use serde_json::{Value, json};

fn readme() -> String {
    std::fs::read_to_string(fixture_path("README.md")).unwrap()
}

/// The text under a heading that starts with `heading`, up to the next heading of any level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(&format!("\n{heading}")).unwrap_or_else(|| panic!("README has no '{heading}'")) + 1;
    let body = &text[start..];
    let body_start = body.find('\n').unwrap() + 1;
    let rest = &body[body_start..];
    let end = rest.match_indices("\n#").find(|(i, _)| !in_code(rest, *i)).map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// Whether `at` is inside a fenced code block of `text`.
fn in_code(text: &str, at: usize) -> bool {
    text[..at].lines().filter(|l| l.starts_with("```")).count() % 2 == 1
}

/// The fenced code blocks of a language in `text`.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(block) if line.trim() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The recipe's contract step: the `hookctl test ...` command it runs and the variables it sets.
struct Recipe {
    command: Vec<String>,
    env: Vec<String>,
}

fn ci_recipe() -> Recipe {
    let text = readme();
    let yaml = blocks(section(&text, "## Use in CI"), "yaml").into_iter().next().expect("a yaml recipe");
    let lines: Vec<&str> = yaml.lines().collect();
    let run_at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("run: hookctl test"))
        .expect("the recipe runs hookctl test");
    let command =
        lines[run_at].trim_start().trim_start_matches("run:").split_whitespace().map(String::from).collect();
    // The variables of the same step: the lines under `env:` above the run line.
    let step = lines[..run_at].iter().rposition(|l| l.trim_start().starts_with("- ")).unwrap();
    let mut env = Vec::new();
    let mut in_env = false;
    for line in &lines[step..run_at] {
        let t = line.trim();
        if t == "env:" {
            in_env = true;
        } else if in_env {
            match t.split_once(':') {
                Some((name, _))
                    if name.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()) =>
                {
                    env.push(name.to_string())
                }
                _ => in_env = false,
            }
        }
    }
    Recipe { command, env }
}

/// A value for each variable the recipe sets: the server for the url, a token for the rest.
fn recipe_env(recipe: &Recipe, url: &str) -> Vec<(String, String)> {
    assert!(recipe.env.iter().any(|v| v == "WEBHOOK_URL"), "the recipe sets WEBHOOK_URL: {:?}", recipe.env);
    recipe
        .env
        .iter()
        .map(|name| {
            let value = if name == "WEBHOOK_URL" { url.to_string() } else { format!("{name}-value-6130") };
            (name.clone(), value)
        })
        .collect()
}

/// `hookctl init` in a fresh directory, then the recipe's command there with its variables.
fn run_recipe(recipe: &Recipe, url: &str) -> (tempfile::TempDir, i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(hookctl().arg("init").current_dir(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(recipe.command[0], "hookctl");
    let mut cmd = hookctl();
    cmd.args(&recipe.command[1..]).current_dir(dir.path());
    for (k, v) in recipe_env(recipe, url) {
        cmd.env(k, v);
    }
    let (code, out, err) = run(&mut cmd);
    (dir, code, out, err)
}

/// The JUnit file the command names: (tests, failures, errors).
fn junit_counts(recipe: &Recipe, dir: &Path) -> (usize, usize, usize) {
    let at = recipe.command.iter().position(|a| a == "--junit").expect("the recipe keeps a JUnit report");
    let xml =
        std::fs::read_to_string(dir.join(&recipe.command[at + 1])).expect("the JUnit report is written");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is XML");
    let root = doc.root_element();
    let count = |a: &str| root.attribute(a).unwrap().parse::<usize>().unwrap();
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    assert_eq!(cases, count("tests"));
    (count("tests"), count("failures"), count("errors"))
}

fn starter_cases() -> usize {
    hookctl::catalogue::EVENTS.len() + 1
}

#[test]
fn the_ci_recipe_runs_as_written_against_a_webhook() {
    let recipe = ci_recipe();
    let listener = Listener::start(&["--keep-secrets"]);
    let (dir, code, out, err) = run_recipe(&recipe, &listener.url);
    let records: Vec<Value> = listener.stop().into_iter().filter(|r| r.get("method").is_some()).collect();
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        !err.contains("built-in receiver"),
        "it ran against the server, not the built-in receiver: {err}"
    );
    assert_eq!(junit_counts(&recipe, dir.path()), (starter_cases(), 0, 0));
    assert!(records.len() >= starter_cases(), "every case reached the listener: {}", records.len());
    if recipe.env.iter().any(|v| v == "WEBHOOK_TOKEN") {
        for r in &records {
            let auth = r["headers"].as_array().unwrap().iter().find(|h| h[0] == "authorization");
            assert_eq!(auth.map(|h| &h[1]), Some(&json!("Bearer WEBHOOK_TOKEN-value-6130")), "{r}");
        }
    }
}

#[test]
fn the_ci_recipe_fails_with_a_report_when_the_webhook_fails() {
    let recipe = ci_recipe();
    let server = Server::start(|_, _| Reply::json(500, json!({"error": "down"})));
    let (dir, code, out, err) = run_recipe(&recipe, &server.url());
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(junit_counts(&recipe, dir.path()), (starter_cases(), starter_cases(), 0));
    assert!(server.requests().len() >= starter_cases());
}

/// Run one line of a README `sh` block in `dir`: leading `NAME=value` words are its environment,
/// `localhost:3000` is the given server, and a `*` word is expanded as the shell would.
fn run_line(line: &str, dir: &Path, addr: &str) -> (i32, String, String) {
    let line = line.split(" #").next().unwrap().trim();
    let mut words = line.split_whitespace().map(|w| w.replace("localhost:3000", addr)).peekable();
    let mut cmd = hookctl();
    cmd.current_dir(dir);
    while let Some((k, v)) =
        words.peek().and_then(|w| w.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string()))
    {
        cmd.env(k, v);
        words.next();
    }
    assert_eq!(words.next().as_deref(), Some("hookctl"), "{line}");
    for word in words {
        match word.split_once('*') {
            Some((prefix, suffix)) => {
                let (folder, start) = prefix.rsplit_once('/').unwrap_or((".", prefix));
                let mut found: Vec<String> = std::fs::read_dir(dir.join(folder))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(start) && n.ends_with(suffix))
                    .map(|n| format!("{folder}/{n}"))
                    .collect();
                found.sort();
                assert!(!found.is_empty(), "{word} matches nothing");
                cmd.args(found);
            }
            None => {
                cmd.arg(word);
            }
        }
    }
    run(&mut cmd)
}

#[test]
fn the_test_examples_run_as_written() {
    let text = readme();
    let block = blocks(section(&text, "### `hookctl test"), "sh").into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("suites")).unwrap();
    for s in ["botpress-receiver.toml", "eva-webhook.toml"] {
        std::fs::copy(fixture_path(&format!("fixtures/suites/{s}")), dir.path().join("suites").join(s))
            .unwrap();
    }
    let listener = Listener::start(&[]);
    let mut ran = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let (code, out, err) = run_line(line, dir.path(), &listener.addr);
        assert_eq!(code, 0, "{line}\n{out}\n{err}");
        if line.contains("hookctl test") {
            ran += 1;
            assert!(out.contains("PASSED"), "{line}\n{out}");
            // Only the line that names no server runs against the built-in receiver.
            assert_eq!(err.contains("built-in receiver"), !line.contains("localhost:3000"), "{line}\n{err}");
        }
        if let Some(at) = line.find("--junit ") {
            let file = line[at + 8..].split_whitespace().next().unwrap();
            let xml = std::fs::read_to_string(dir.path().join(file)).unwrap();
            roxmltree::Document::parse(&xml).expect("JUnit is XML");
        }
    }
    assert!(ran >= 3, "the examples run hookctl test: {block}");
    let seen = listener.stop().into_iter().filter(|r| r.get("method").is_some()).count();
    assert!(seen > starter_cases(), "the examples with a url reached the listener: {seen}");
}

#[test]
fn the_example_suite_runs_as_written() {
    let text = readme();
    let toml = blocks(section(&text, "### `hookctl test"), "toml").into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.toml");
    std::fs::write(&path, toml).unwrap();
    let listener = Listener::start(&["--keep-secrets"]);
    let (code, out, err) = run(hookctl()
        .arg("test")
        .arg(&path)
        .args(["-o", "json"])
        .env("WEBHOOK_URL", &listener.url)
        .env("WEBHOOK_TOKEN", "t-0412"));
    let records: Vec<Value> = listener.stop().into_iter().filter(|r| r.get("method").is_some()).collect();
    // The reference webhook echoes what it gets: it neither greets by name nor adds clientInfo,
    // which is what the first two cases ask of *your* webhook.
    assert_eq!(code, 1, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let case =
        |name: &str| report["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    let failed = |name: &str| -> Vec<String> {
        case(name)["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["expectation"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(failed("known users are clients").contains(&"field /hiddenContext/clientInfo".to_string()));
    assert!(!failed("known users are clients").contains(&"option".to_string()));
    assert_eq!(failed("greets by name"), ["answer_matches"]);
    assert_eq!(case("tag edits are idempotent")["passed"], true);
    assert_eq!(case("a handoff's whole life")["passed"], true);
    assert_eq!(report["summary"]["builtin_receiver"], 0);
    assert!(!records.is_empty());
    for r in &records {
        let auth = r["headers"].as_array().unwrap().iter().find(|h| h[0] == "authorization");
        assert_eq!(auth.map(|h| &h[1]), Some(&json!("Bearer t-0412")), "{r}");
    }
}
