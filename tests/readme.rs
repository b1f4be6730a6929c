//! The README's `hookctl test` examples and its "Use in CI" recipe, read from README.md and run as
//! written, in a fresh directory, against real servers on loopback.

mod common;

use std::path::Path;

use common::{Listener, Recorded, Reply, Server, fixture_path, hookctl, run};
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

/// The variables of the suite `init` writes, one per webhook.
const WEBHOOK_VARIABLES: [&str; 3] = ["BOTPRESS_WEBHOOK_URL", "EVA_SERVICE_URL", "EVA_ANSWER_URL"];

/// A value for each variable the recipe sets: the server for the urls, a token for the rest.
fn recipe_env(recipe: &Recipe, url: &str) -> Vec<(String, String)> {
    for var in WEBHOOK_VARIABLES {
        assert!(recipe.env.iter().any(|v| v == var), "the recipe sets {var}: {:?}", recipe.env);
    }
    recipe
        .env
        .iter()
        .map(|name| {
            let value = if name.ends_with("_URL") { url.to_string() } else { format!("{name}-value-6130") };
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
    // Each failure says where it went, what came back, and how to send it again.
    let at = recipe.command.iter().position(|a| a == "--junit").unwrap();
    let xml = std::fs::read_to_string(dir.path().join(&recipe.command[at + 1])).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for failure in doc.descendants().filter(|n| n.has_tag_name("failure")) {
        let text = failure.text().unwrap_or_default();
        assert!(text.contains(&format!("→ POST {}\n", server.url())), "{text}");
        assert!(text.contains("← 500 Internal Server Error"), "{text}");
        assert!(text.contains(&format!("curl -X POST {}", server.url())), "{text}");
    }
}

#[test]
fn the_ci_recipe_stops_with_exit_2_when_a_url_is_missing() {
    let recipe = ci_recipe();
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(hookctl().arg("init").current_dir(dir.path()));
    assert_eq!(code, 0, "{err}");
    // CI sets CI; the step forgot EVA_ANSWER_URL.
    let mut cmd = hookctl();
    cmd.args(&recipe.command[1..]).current_dir(dir.path()).env("CI", "true");
    for (k, v) in recipe_env(&recipe, "http://127.0.0.1:9/hook") {
        if k != "EVA_ANSWER_URL" {
            cmd.env(k, v);
        }
    }
    let (code, out, err) = run(&mut cmd);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("eva-answer (set EVA_ANSWER_URL, or --target eva-answer=URL)"), "{err}");
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
    let mut cmd = hookctl();
    cmd.arg("test").arg(&path).args(["-o", "json"]).env("WEBHOOK_TOKEN", "t-0412");
    for var in WEBHOOK_VARIABLES {
        cmd.env(var, &listener.url);
    }
    let (code, out, err) = run(&mut cmd);
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

/// A Botpress receiver that takes every event, and an eva server whose two service cells each
/// answer one fixed option of their own, as real cells do (`confirm` answers `confirm_says`).
fn deployment(confirm_says: &'static str) -> (Server, Server) {
    let botpress = Server::start(|_, _| Reply::json(200, json!({})));
    let eva = Server::start(move |_, body| {
        let option = if body["text"] == "yes, please" { confirm_says } else { "CLIENT" };
        let mut answer = json!({"option": option});
        for c in ["openContext", "visibleContext", "hiddenContext"] {
            answer[c] = body[c].clone();
        }
        Reply::json(200, answer)
    });
    (botpress, eva)
}

#[test]
fn the_deployment_layout_is_green_against_correct_servers_and_red_against_a_broken_one() {
    let whole = readme();
    let section = section(&whole, "### `hookctl test");
    let toml = blocks(section, "toml").into_iter().find(|b| b.starts_with("# contract.toml")).unwrap();
    let line = blocks(section, "sh")
        .into_iter()
        .flat_map(|b| b.lines().map(String::from).collect::<Vec<_>>())
        .find(|l| l.contains("contract.toml"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("contract.toml"), &toml).unwrap();
    let run_at = |botpress: &Server, eva: &Server, extra: &[(&str, &str)]| {
        let script = line
            .replace("localhost:3000", &botpress.addr.to_string())
            .replace("localhost:8080", &eva.addr.to_string());
        let mut cmd = shell(&script, dir.path(), dir.path());
        cmd.envs(extra.iter().copied());
        let out = cmd.output().unwrap();
        (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
    };
    let paths = |s: &Server| {
        let mut p: Vec<String> = s.requests().iter().map(|r| r.path.clone()).collect();
        p.dedup();
        p
    };

    // Correct servers: green, each webhook at its own path.
    let (botpress, eva) = deployment("YES");
    let (code, out, err) = run_at(&botpress, &eva, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("PASSED") && !err.contains("built-in"), "{out}\n{err}");
    let said = whole.split("(`✓ confirm takes yes or no").nth(1).and_then(|t| t.split('`').next()).unwrap();
    let said = format!("✓ confirm takes yes or no{}", said.replace('\n', " "));
    let said = said.split("  ").filter(|p| !p.ends_with(" ms")).collect::<Vec<_>>().join("  ");
    assert!(
        out.lines()
            .any(|l| l.split("  ").filter(|p| !p.ends_with(" ms")).collect::<Vec<_>>().join("  ") == said),
        "the README's line {said:?} in {out}"
    );
    assert_eq!(paths(&botpress), ["/botpress/events"]);
    let mut eva_paths = paths(&eva);
    eva_paths.sort();
    eva_paths.dedup();
    assert_eq!(eva_paths, ["/eva/confirm", "/eva/identify"]);

    // A planted bug (confirm answers an option it was not offered): red, and the JUnit report
    // says where the failing case went, what came back, and how to send it again.
    let (botpress, eva) = deployment("MAYBE");
    let (code, out, err) = run_at(&botpress, &eva, &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    let xml = std::fs::read_to_string(dir.path().join("contract.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failed: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(failed.len(), 1, "{xml}");
    let case = failed[0].parent().unwrap();
    assert_eq!(case.attribute("name"), Some("confirm takes yes or no"));
    let confirm = format!("http://{}/eva/confirm", eva.addr);
    let said = failed[0].text().unwrap_or_default();
    assert!(said.contains(&format!("→ POST {confirm}\n")) && said.contains("← 200 OK"), "{said}");
    assert!(said.contains("\"option\": \"MAYBE\""), "{said}");
    assert!(said.contains(&format!("curl -X POST {confirm}")), "{said}");

    // In CI with the variables left out: exit 2 before anything is sent.
    let script = "CI=true hookctl test contract.toml --junit contract.xml";
    let out = shell(script, dir.path(), dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    for var in ["BOTPRESS_WEBHOOK_URL", "EVA_SERVICE_URL"] {
        assert!(err.contains(&format!("set {var}")), "{err}");
    }
}

// Every example line of the README, run as written.
//
// `examples()` names every command line of every `sh` block in the README, with what the README
// promises of it. A line runs through bash, in a directory prepared with the files it names, with
// `hookctl` on PATH as the binary under test, and with only these changes: the host:port of a
// localhost or 127.0.0.1 URL becomes a loopback server of the test's (`$WEBHOOK_URL` is its
// address too), `cargo run --release --` is `hookctl`, and a listener binds port 0 instead of a
// fixed port that another run could hold. A line the table does not know, or a table line the
// README no longer has, fails `every_readme_example_is_run_or_skipped_with_a_reason`.

/// One command line of a README `sh` block (continuation lines joined), under its heading.
struct ReadmeLine {
    heading: String,
    text: String,
}

fn readme_lines() -> Vec<ReadmeLine> {
    let text = readme();
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut fence: Option<bool> = None; // inside a block: whether it is `sh`
    let mut pending: Option<String> = None;
    for line in text.lines() {
        match fence {
            Some(_) if line.trim() == "```" => fence = None,
            Some(true) => {
                let joined = match pending.take() {
                    Some(before) => format!("{before}\n{line}"),
                    None => line.to_string(),
                };
                if joined.trim_end().ends_with('\\') {
                    pending = Some(joined);
                } else if !joined.trim().is_empty() && !joined.trim().starts_with('#') {
                    out.push(ReadmeLine { heading: heading.clone(), text: joined.trim().to_string() });
                }
            }
            Some(false) => {}
            None if line.trim_start().starts_with("```") => fence = Some(line.trim() == "```sh"),
            None if line.starts_with('#') => heading = line.to_string(),
            None => {}
        }
    }
    out
}

/// The first column of the table under `heading`: every name in backquotes.
fn table_names(heading: &str) -> Vec<String> {
    let text = readme();
    let rows = section(&text, heading).lines().filter(|l| l.starts_with("| `")).map(String::from);
    rows.flat_map(|row| {
        let first = row.split('|').nth(1).unwrap().to_string();
        first.split('`').skip(1).step_by(2).map(String::from).collect::<Vec<_>>()
    })
    .collect()
}

/// What came of one README line.
struct Ran {
    /// The line as it was run.
    line: String,
    /// Its working directory.
    dir: std::path::PathBuf,
    home: std::path::PathBuf,
    code: i32,
    out: String,
    err: String,
    /// What the loopback server behind the line's URLs received.
    server: Vec<Recorded>,
    /// For a listener: what each command sent to it gave (code, stdout, stderr).
    fed: Vec<(i32, String, String)>,
}

impl Ran {
    fn context(&self) -> String {
        format!(
            "line as run: {}\n--- stdout\n{}\n--- stderr\n{}\n--- fed\n{:?}",
            self.line, self.out, self.err, self.fed
        )
    }

    fn exits(&self, code: i32) {
        assert_eq!(self.code, code, "exit code\n{}", self.context());
    }

    fn says(&self, needle: &str) {
        assert!(has(&self.out, needle), "stdout lacks {needle:?}\n{}", self.context());
    }

    fn warns(&self, needle: &str) {
        assert!(has(&self.err, needle), "stderr lacks {needle:?}\n{}", self.context());
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", self.context()))
    }

    fn json(&self, name: &str) -> Value {
        serde_json::from_str(&self.file(name)).unwrap_or_else(|e| panic!("{name}: {e}\n{}", self.context()))
    }

    /// The server received exactly `n` requests.
    fn served(&self, n: usize) -> &[Recorded] {
        assert_eq!(self.server.len(), n, "requests the server received\n{}", self.context());
        &self.server
    }

    /// The same command again with more arguments (to read what text output leaves out).
    fn again_with(&self, more: &str) -> (i32, String, String) {
        let mut cmd = shell(&format!("{} {more}", command_part(&self.line)), &self.dir, &self.home);
        let out = cmd.output().unwrap();
        (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
    }

    /// The request lines (`#N ...`) a text-mode listener printed.
    fn listened(&self) -> Vec<&str> {
        self.out.lines().filter(|l| l.starts_with('#')).collect()
    }
}

/// Whether `text` says `needle`, however wide the columns are padded.
fn has(text: &str, needle: &str) -> bool {
    squeeze(text).contains(&squeeze(needle))
}

/// How many times `text` says `needle`, however wide the columns are padded.
fn count(text: &str, needle: &str) -> usize {
    squeeze(text).matches(&squeeze(needle)).count()
}

/// `text` with every run of spaces made one space.
fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

type Check = fn(&Ran);

enum How {
    /// Run it, then check what it did.
    Run(Check),
    /// Run it with stdout on a terminal, as a user at a shell does.
    Terminal(Check),
    /// It runs until Ctrl-C: start it, run each feed command against it (`{addr}` is where it
    /// listens), stop it with SIGINT, then check.
    Listen(&'static [&'static str], Check),
    /// Another test runs it as written: the one named here.
    Elsewhere(&'static str),
    /// Not run, for the reason given.
    Skip(&'static str),
}

struct Example {
    line: &'static str,
    how: How,
    /// How the loopback server answers the n-th request.
    reply: fn(usize, &Value) -> Reply,
}

fn ex(line: &'static str, how: How) -> Example {
    Example { line, how, reply: reference_webhook }
}

/// A correct webhook for both platforms: 200 `{}` to Botpress; to eva the contexts echoed, with
/// the first expected option for a service cell and the answer unchanged for a transactional one.
fn reference_webhook(_: usize, body: &Value) -> Reply {
    let mut answer = json!({});
    if body.get("info").is_some() {
        if let Some(options) = body.get("expectedOptions") {
            answer["option"] = options[0].clone();
        }
        if let Some(a) = body.get("answer") {
            answer["answer"] = a.clone();
        }
        for c in ["openContext", "visibleContext", "hiddenContext"] {
            answer[c] = body.get(c).cloned().unwrap_or(json!({}));
        }
    }
    Reply::json(200, answer)
}

/// A file to write, and the `hookctl show` arguments that give its content.
type ShownFile = (&'static str, &'static [&'static str]);

/// The examples' files, by the name a line gives them: what `hookctl show` gives, written as a
/// user would keep them.
const INPUTS: &[(&str, &[ShownFile])] = &[
    ("req.json", &[("req.json", &["eva-service"])]),
    ("answer.json", &[("answer.json", &["eva-service", "--response"])]),
    ("response.json", &[("response.json", &["eva-answer", "--response"])]),
    ("my-event.json", &[("my-event.json", &["handoff-create", "--pretty"])]),
    ("export.json", &[("export.json", &["handoff-create", "--pretty"])]),
    ("body.json", &[("body.json", &["handoff-resolve", "--pretty"])]),
    (
        "captures/",
        &[
            ("captures/botpress/handoff-create.json", &["handoff-create"]),
            ("captures/botpress/handoff-assign.json", &["handoff-assign"]),
            ("captures/botpress/agent-online.json", &["agent-online"]),
            ("captures/eva/service-request.json", &["eva-service"]),
            ("captures/eva/answer-response.json", &["eva-answer", "--response"]),
        ],
    ),
    (
        "recorded-answers/",
        &[
            ("recorded-answers/service.json", &["eva-service", "--response"]),
            ("recorded-answers/answer.json", &["eva-answer", "--response"]),
        ],
    ),
];

fn show(args: &[&str]) -> String {
    let (code, out, err) = run(hookctl().arg("show").args(args));
    assert_eq!(code, 0, "hookctl show {args:?}: {err}");
    out
}

/// Write the files `line` names that a user would already have.
fn prepare(line: &str, dir: &Path) {
    let words: Vec<&str> = line.split_whitespace().collect();
    for (name, files) in INPUTS {
        if !words.contains(name) || dir.join(name).exists() {
            continue;
        }
        for (file, args) in *files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, show(args)).unwrap();
        }
    }
    if words.contains(&"captures/") {
        // Only *.json is read.
        std::fs::write(dir.join("captures/notes.txt"), "not a document").unwrap();
    }
    if words.contains(&"odd.json") && !dir.join("odd.json").exists() {
        // A transactional answer that echoes the whole request, as real webhooks often do: by its
        // shape it is a request, so only --kind says what it is.
        let mut odd: Value = serde_json::from_str(&show(&["eva-answer"])).unwrap();
        let answer: Value = serde_json::from_str(&show(&["eva-answer", "--response"])).unwrap();
        for (k, v) in answer.as_object().unwrap() {
            odd[k] = v.clone();
        }
        std::fs::write(dir.join("odd.json"), serde_json::to_string_pretty(&odd).unwrap()).unwrap();
    }
}

/// bash running `script` in `dir`, with the built binary first on PATH and `home` as HOME.
fn shell(script: &str, dir: &Path, home: &Path) -> std::process::Command {
    let bin_dir = assert_cmd::cargo::cargo_bin("hookctl").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-o", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", home)
        .env("SHELL", "bash")
        .envs(common::STABLE_ENV);
    for name in common::CLEARED_ENV {
        cmd.env_remove(name);
    }
    cmd
}

/// The line with the test's substitutions (see the top of this part).
fn as_run(line: &str, server: Option<&str>) -> String {
    let mut line = line.to_string();
    if let Some(rest) = line.strip_prefix("cargo run --release -- ") {
        line = format!("hookctl {rest}");
    }
    if let Some(addr) = server {
        line = regex::Regex::new(r"\b(localhost|127\.0\.0\.1):\d+")
            .unwrap()
            .replace_all(&line, addr)
            .into_owned();
    }
    if line.starts_with("hookctl listen") {
        line = match regex::Regex::new(r"(--port|-p) \d+").unwrap().find(&line) {
            Some(m) => line.replacen(m.as_str(), "--port 0", 1),
            None => line.replacen("hookctl listen", "hookctl listen --port 0", 1),
        };
    }
    let has_jq =
        std::process::Command::new("bash").args(["-c", "command -v jq"]).output().unwrap().status.success();
    if !has_jq {
        // jq is not installed here: `cat` passes the same lines through.
        line = line.replace("| jq .", "| cat");
    }
    line
}

/// The command part of a line, without its comment.
fn command_part(line: &str) -> &str {
    line.split(" #").next().unwrap()
}

fn run_example(example: &Example, dir: &Path, home: &Path) -> Ran {
    let command = command_part(example.line);
    let needs_server = ["localhost:", "127.0.0.1:", "$WEBHOOK_URL"].iter().any(|n| command.contains(n));
    let server = needs_server.then(|| Server::start(example.reply));
    let addr = server.as_ref().map(|s| s.addr.to_string());
    let line = as_run(example.line, addr.as_deref());
    prepare(&line, dir);
    let env_url = |cmd: &mut std::process::Command| {
        if let Some(s) = &server {
            cmd.env("WEBHOOK_URL", s.url());
        }
    };
    let (code, out, err, fed) = match &example.how {
        How::Run(_) => {
            let mut cmd = shell(&line, dir, home);
            env_url(&mut cmd);
            let out = cmd.output().unwrap();
            (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr), vec![])
        }
        How::Terminal(_) => {
            let script = format!("script -qec {} /dev/null", shell_quote(&line));
            let mut cmd = shell(&script, dir, home);
            env_url(&mut cmd);
            let out = cmd.output().unwrap();
            assert!(
                !text(&out.stderr).contains("script: command not found"),
                "running a line on a terminal needs `script` (util-linux)"
            );
            // The terminal turns \n into \r\n and carries stderr too.
            (out.status.code().unwrap_or(-1), text(&out.stdout).replace("\r\n", "\n"), String::new(), vec![])
        }
        How::Listen(feed, _) => listen(&line, feed, dir, home),
        How::Elsewhere(_) | How::Skip(_) => unreachable!(),
    };
    let server = server.map(|s| s.requests()).unwrap_or_default();
    Ran { line, dir: dir.to_path_buf(), home: home.to_path_buf(), code, out, err, server, fed }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Kills a process group the test started, should the test stop early.
struct Group(u32);

impl Drop for Group {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill").args(["-KILL", &format!("-{}", self.0)]).status();
    }
}

/// The `hookctl` process that `bash_pid` runs: bash itself when it exec'd the command, else
/// its child (the first stage of a pipeline).
fn hookctl_process(bash_pid: u32) -> u32 {
    let comm = |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    if comm(bash_pid).trim() == "hookctl" {
        return bash_pid;
    }
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let after_name = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let ppid = after_name.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(bash_pid) && comm(pid).trim() == "hookctl" {
            return pid;
        }
    }
    panic!("no hookctl process under bash {bash_pid}");
}

/// Start a listener line, wait for its "listening on" line, run `feed` against it, and stop it
/// with SIGINT as Ctrl-C does. Only hookctl gets the signal: on a terminal, what a pipeline's
/// last stage (`jq`) printed is already on the screen, while here it sits in its buffer until
/// hookctl's output ends.
fn listen(
    line: &str,
    feed: &[&str],
    dir: &Path,
    home: &Path,
) -> (i32, String, String, Vec<(i32, String, String)>) {
    use std::io::{BufRead, Read};
    use std::os::unix::process::CommandExt;
    let mut child = shell(line, dir, home)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let group = Group(child.id());
    let mut stdout = child.stdout.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut err = String::new();
    let addr = loop {
        let mut l = String::new();
        if stderr.read_line(&mut l).unwrap() == 0 {
            panic!("{line}: ended without listening\n{err}");
        }
        err.push_str(&l);
        if let Some(at) = l.find("listening on http://") {
            break l[at + 20..].split_whitespace().next().unwrap().to_string();
        }
    };
    let draining = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let fed = feed
        .iter()
        .map(|f| {
            let out = shell(&f.replace("{addr}", &addr), dir, home).output().unwrap();
            (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
        })
        .collect();
    let pid = hookctl_process(child.id());
    std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    std::mem::forget(group);
    err.push_str(&draining.join().unwrap());
    (status.code().unwrap_or(-1), reading.join().unwrap(), err, fed)
}

/// Run, in README order and in one directory, the examples under headings that start with one
/// of `headings`.
fn run_examples(headings: &[&str]) {
    let table = examples();
    let dir = tempfile::tempdir().unwrap();
    let (work, home) = (dir.path().join("work"), dir.path().join("home"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    let mut ran = 0;
    for line in readme_lines().iter().filter(|l| headings.iter().any(|h| l.heading.starts_with(h))) {
        let example = table
            .iter()
            .find(|e| e.line == line.text)
            .unwrap_or_else(|| panic!("README line without a test: {}", line.text));
        let check = match example.how {
            How::Run(c) | How::Terminal(c) | How::Listen(_, c) => c,
            How::Elsewhere(_) | How::Skip(_) => continue,
        };
        check(&run_example(example, &work, &home));
        ran += 1;
    }
    assert!(ran > 0, "no README example under {headings:?}");
}

/// Every command line of the README's `sh` blocks and what the README says it does.
fn examples() -> Vec<Example> {
    use How::*;
    vec![
        // ## Install
        ex("git clone <this repository> hookctl && cd hookctl", Skip("the tests run inside the checkout")),
        ex(
            "cargo install --path .          # puts `hookctl` on your PATH",
            Skip("installs into the user's cargo home; the tests run the binary built from the same code"),
        ),
        // ## Quick start
        ex(
            "cargo run --release -- send handoff-create",
            Run(|r| {
                r.exits(0);
                r.warns("delivered to hookctl's built-in receiver");
                r.says("→ POST http://127.0.0.1:");
                r.says("user-agent    axios/0.21.4");
                r.says("status         pending");
                r.says("← 200 OK");
                r.says("PASSED");
            }),
        ),
        ex(
            "hookctl send handoff-create --url http://localhost:3000/botpress/events",
            Run(|r| {
                r.exits(0);
                r.says("PASSED");
                let got = r.served(1);
                assert_eq!((got[0].method.as_str(), got[0].path.as_str()), ("POST", "/botpress/events"));
                assert_eq!(got[0].json()["type"], "create");
                assert!(!r.err.contains("built-in receiver"), "{}", r.context());
            }),
        ),
        ex(
            "hookctl send eva-service   --url http://localhost:8080/eva/service",
            Run(|r| {
                r.exits(0);
                r.says("✓ contract: eva-service-response valid");
                let got = r.served(1);
                assert_eq!(got[0].path, "/eva/service");
                assert_eq!(got[0].json()["expectedOptions"], json!(["CLIENT", "NOT_CLIENT"]));
            }),
        ),
        // ## Commands
        ex(
            "hookctl send --help                  # every flag, then examples",
            Run(|r| {
                r.exits(0);
                r.says("Usage: hookctl send [OPTIONS] [EVENT]");
                r.says("--expect-option <OPTION>");
                r.says("\nExamples:\n  # Deliver an event to your server\n  hookctl send handoff-create --url http://localhost:3000/hook\n");
            }),
        ),
        ex(
            "hookctl send eva-service -v          # the request and the answer in full: headers, bodies, timings",
            Run(|r| {
                r.exits(0);
                // The request's body in full, pretty, beside the fields that matter.
                r.says("  body in full\n    {\n      \"expectedOptions\": [\n        \"CLIENT\",");
                r.says("\"browserVersion\": \"105.0.5195.102\"");
                // Each attempt with its time; the answer's headers and body in full.
                assert!(r.out.lines().any(|l| l.starts_with("  attempt  1  200 OK  ") && l.ends_with(" ms")));
                r.says("content-length  117");
                r.says("      \"option\": \"CLIENT\",");
                r.says("PASSED");
            }),
        ),
        ex(
            "hookctl validate captures/ -q        # only the invalid documents, and the summary",
            Run(|r| {
                r.exits(0);
                // All five are valid: nothing but the summary.
                assert_eq!(r.out, "5 documents checked: 5 valid, 0 invalid\n", "{}", r.context());
            }),
        ),
        // ### hookctl list
        ex(
            "hookctl list",
            Run(|r| {
                r.exits(0);
                let names = table_names("### `hookctl list`");
                assert!(names.len() >= 11, "{names:?}");
                for name in names {
                    assert!(
                        r.out.lines().any(|l| l.starts_with(&format!("{name} "))),
                        "{name}\n{}",
                        r.context()
                    );
                }
            }),
        ),
        // ### hookctl show
        ex(
            "hookctl show handoff-assign                # pretty on a terminal",
            Terminal(|r| {
                r.exits(0);
                r.says("{\n  \"botId\": \"support-bot\",\n  \"resource\": \"handoff\",");
            }),
        ),
        ex(
            "hookctl show handoff-assign > body.json    # piped: the compact bytes that go on the wire",
            Run(|r| {
                r.exits(0);
                let body = r.file("body.json");
                let doc: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(body.trim_end(), serde_json::to_string(&doc).unwrap(), "compact, keys in order");
                assert_eq!(doc["payload"]["status"], "assigned");
            }),
        ),
        ex(
            "hookctl show eva-service --response        # a valid answer to it, as your webhook should give",
            Run(|r| {
                r.exits(0);
                std::fs::write(r.dir.join("shown-answer.json"), &r.out).unwrap();
                std::fs::write(r.dir.join("shown-request.json"), show(&["eva-service"])).unwrap();
                let (code, out, err) = run(hookctl()
                    .args(["validate", "shown-answer.json", "--request", "shown-request.json"])
                    .current_dir(&r.dir));
                assert_eq!(code, 0, "{out}\n{err}");
                assert!(has(&out, "shown-answer.json  eva-service-response  valid"), "{out}");
            }),
        ),
        ex(
            "hookctl show eva-service --seed 7 --expected-options YES,NO   # what send with the same flags sends",
            Run(|r| {
                r.exits(0);
                assert_eq!(
                    serde_json::from_str::<Value>(&r.out).unwrap()["expectedOptions"],
                    json!(["YES", "NO"])
                );
                let server = Server::start(reference_webhook);
                let (code, _, err) = run(hookctl().args([
                    "send",
                    "eva-service",
                    "--seed",
                    "7",
                    "--expected-options",
                    "YES,NO",
                    "--url",
                    &server.url(),
                ]));
                assert_eq!(code, 0, "{err}");
                assert_eq!(server.requests()[0].body, r.out.trim_end().as_bytes(), "byte for byte");
            }),
        ),
        // ### hookctl schema
        ex(
            "hookctl schema eva-service-response > eva-service-response.schema.json",
            Run(|r| {
                r.exits(0);
                let schema = r.json("eva-service-response.schema.json");
                assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
                // Usable with another validator.
                let validator = jsonschema::validator_for(&schema).unwrap();
                let answer: Value = serde_json::from_str(&show(&["eva-service", "--response"])).unwrap();
                assert!(validator.is_valid(&answer));
                assert!(!validator.is_valid(&json!({"option": 3})));
            }),
        ),
        ex(
            "hookctl schema --openapi > webhooks.openapi.json   # the whole contract, for linters and code generators",
            Run(|r| {
                r.exits(0);
                let doc = r.json("webhooks.openapi.json");
                assert_eq!(doc["openapi"], "3.1.0");
                let hooks: Vec<&String> = doc["webhooks"].as_object().unwrap().keys().collect();
                assert_eq!(hooks.len(), table_names("### `hookctl list`").len(), "every event of the list");
                assert_eq!(
                    doc["webhooks"]["eva-service"]["post"]["responses"]["200"]["content"]["application/json"]
                        ["schema"]["$ref"],
                    "#/components/schemas/eva-service-response"
                );
            }),
        ),
        ex(
            "hookctl schema --openapi --paths --server https://hooks.example.com > receivers.openapi.json   # also as your receiver's operations, for Prism and Schemathesis",
            Run(|r| {
                r.exits(0);
                let doc = r.json("receivers.openapi.json");
                assert_eq!(doc["servers"][0]["url"], "https://hooks.example.com");
                let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
                assert_eq!(paths, ["/botpress/events", "/eva/service", "/eva/answer"]);
                assert_eq!(doc["webhooks"], r.json("webhooks.openapi.json")["webhooks"], "the same webhooks");
            }),
        ),
        ex(
            "hookctl schema --report send > send-report.schema.json   # what send -o json prints, for scripts",
            Run(|r| {
                r.exits(0);
                let schema = r.json("send-report.schema.json");
                assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
                // What send -o json prints follows it, and a report without `passed` does not.
                let server = Server::start(reference_webhook);
                let (code, out, err) =
                    run(hookctl().args(["send", "eva-service", "--url", &server.url(), "-o", "json"]));
                assert_eq!(code, 0, "{err}");
                let mut report: Value = serde_json::from_str(&out).unwrap();
                let validator = jsonschema::validator_for(&schema).unwrap();
                assert!(validator.is_valid(&report), "{report:#}");
                report.as_object_mut().unwrap().remove("passed");
                assert!(!validator.is_valid(&report));
            }),
        ),
        // ### hookctl validate
        ex(
            "hookctl validate response.json",
            Run(|r| {
                r.exits(0);
                r.says("response.json  eva-answer-response  valid");
                r.says("1 document checked: 1 valid, 0 invalid");
            }),
        ),
        ex(
            "hookctl validate captures/                          # every *.json below it",
            Run(|r| {
                r.exits(0);
                for f in ["botpress/handoff-create", "botpress/agent-online", "eva/answer-response"] {
                    r.says(&format!("captures/{f}.json  "));
                }
                r.says("5 documents checked: 5 valid, 0 invalid");
                assert!(!r.out.contains("notes.txt") && !r.err.contains("notes.txt"), "{}", r.context());
            }),
        ),
        ex(
            "hookctl validate answer.json --request req.json     # check the option against the request's expectedOptions",
            Run(|r| {
                r.exits(0);
                r.says("answer.json  eva-service-response  valid\n");
                assert!(!r.out.contains("not checked"), "{}", r.context());
                // And the option is checked: one the request does not offer fails.
                let mut wrong = r.json("answer.json");
                wrong["option"] = json!("MAYBE");
                std::fs::write(r.dir.join("answer.json"), wrong.to_string()).unwrap();
                let (code, out, _) = r.again_with("");
                std::fs::write(r.dir.join("answer.json"), show(&["eva-service", "--response"])).unwrap();
                assert_eq!(code, 1, "{out}");
                assert!(has(&out, "✗ /option  option 'MAYBE' is not one of the expectedOptions"), "{out}");
            }),
        ),
        ex(
            "hookctl validate answer.json --expected-options CLIENT,NOT_CLIENT",
            Run(|r| {
                r.exits(0);
                r.says("answer.json  eva-service-response  valid");
                assert!(!r.out.contains("option not checked"), "{}", r.context());
            }),
        ),
        ex(
            "hookctl validate odd.json --kind eva-answer-response",
            Run(|r| {
                r.exits(0);
                r.says("odd.json  eva-answer-response  valid");
                // Without --kind its shape says request.
                let (code, out, _) = run(hookctl().args(["validate", "odd.json"]).current_dir(&r.dir));
                assert_eq!(code, 0, "{out}");
                assert!(has(&out, "odd.json  eva-answer-request"), "{out}");
            }),
        ),
        ex(
            "hookctl validate export.json --max-size 256MiB      # a document over 64 MiB is refused unless you allow it",
            Run(|r| {
                r.exits(0);
                r.says("export.json  botpress-event  valid");
                // Under a cap smaller than the file, it is refused, naming the file and the cap.
                let (code, _, err) =
                    run(hookctl().args(["validate", "export.json", "--max-size", "1KB"]).current_dir(&r.dir));
                assert_eq!(code, 2, "{err}");
                assert!(has(&err, "export.json: too large") && has(&err, "--max-size (1000 bytes)"), "{err}");
            }),
        ),
        ex(
            "hookctl show eva-service > req.json",
            Elsewhere("the_readme_pipe_into_validate_passes_the_request"),
        ),
        ex(
            "curl -s localhost:8080/eva/service -H 'Content-Type: application/json' -d @req.json \\\n  | hookctl validate - --request req.json",
            Elsewhere("the_readme_pipe_into_validate_passes_the_request"),
        ),
        // ### hookctl send
        ex(
            "hookctl send handoff-create --url http://localhost:3000/hook",
            Run(|r| {
                r.exits(0);
                r.says("PASSED");
                let got = r.served(1);
                assert_eq!(got[0].header("user-agent"), Some("axios/0.21.4"));
                assert_eq!(got[0].json()["payload"]["status"], "pending");
            }),
        ),
        ex(
            "hookctl send handoff-create localhost:3000/hook  # the URL after the event; http:// when it has no scheme",
            Run(|r| {
                r.exits(0);
                r.says("PASSED");
                let got = r.served(1);
                assert_eq!(got[0].path, "/hook");
                assert_eq!(got[0].json()["type"], "create");
            }),
        ),
        ex(
            "hookctl send handoff-assign --set payload.tags='[\"vip\"]' --set /payload/userChannel=messenger",
            Run(|r| {
                r.exits(0);
                r.says("tags           [\"vip\"]");
                r.says("PASSED");
                // The text leaves userChannel out: the JSON report has the whole body.
                let (code, out, _) = r.again_with("-o json");
                assert_eq!(code, 0);
                let report: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(report["request"]["body"]["payload"]["userChannel"], "messenger");
                assert_eq!(report["request"]["body"]["payload"]["tags"], json!(["vip"]));
            }),
        ),
        ex(
            "hookctl send eva-service --expected-options YES,NO --text \"am I a client?\" --expect-option YES",
            Run(|r| {
                r.exits(0);
                r.says("text             am I a client?");
                r.says("expectedOptions  [\"YES\",\"NO\"]");
                r.says("✓ option: expected YES, found \"YES\"");
                r.says("PASSED");
            }),
        ),
        ex(
            "hookctl send eva-answer --answer \"Hello [NAME]\" --answer-type TEXT",
            Run(|r| {
                r.exits(0);
                assert_eq!(
                    count(&r.out, "answer          Hello [NAME]"),
                    2,
                    "sent and answered\n{}",
                    r.context()
                );
                r.says("template        TEXT");
                r.says("✓ contract: eva-answer-response valid");
            }),
        ),
        ex(
            "hookctl send --data my-event.json --url http://localhost:3000/hook",
            Run(|r| {
                r.exits(0);
                r.says("my-event.json (botpress-event");
                let mine: Value = r.json("my-event.json");
                let got = r.served(1);
                // Sent as it is, re-serialised compact.
                assert_eq!(String::from_utf8_lossy(&got[0].body), serde_json::to_string(&mine).unwrap());
            }),
        ),
        ex(
            "hookctl send handoff-create -H 'Authorization: Bearer dev-token'",
            Run(|r| {
                r.exits(0);
                r.says("authorization  <redacted>");
                assert!(!r.out.contains("dev-token") && !r.err.contains("dev-token"), "{}", r.context());
                // It was sent all the same.
                let (code, out, _) = r.again_with("--show-secrets");
                assert_eq!(code, 0);
                assert!(has(&out, "authorization  Bearer dev-token"), "{out}");
            }),
        ),
        Example {
            reply: |n, body| if n == 0 { Reply::json(500, json!({})) } else { reference_webhook(n, body) },
            ..ex(
                "hookctl send handoff-create --retry botpress --url http://localhost:3000/hook",
                Run(|r| {
                    r.exits(0);
                    r.says("attempt  1  500 Internal Server Error");
                    r.says("attempt  2  after 100 ms  200 OK");
                    r.says("PASSED");
                    let got = r.served(2);
                    assert_eq!(got[0].body, got[1].body, "the same body again");
                }),
            )
        },
        ex(
            "hookctl send handoff-tags --once                 # one delivery instead of Botpress's two",
            Run(|r| {
                r.exits(0);
                assert_eq!(count(&r.out, "← 200 OK"), 1, "{}", r.context());
                assert!(!r.out.contains("delivered twice"), "{}", r.context());
                r.says("PASSED");
            }),
        ),
        ex(
            "hookctl send handoff-tags --dry-run --url http://localhost:3000/hook     # both of Botpress's deliveries, unsent",
            Run(|r| {
                r.exits(0);
                r.served(0);
                r.warns("dry run: nothing sent");
                r.warns("would get it twice");
                assert!(r.out.starts_with("POST http://127.0.0.1:"), "{}", r.context());
                r.says("user-agent: axios/0.21.4\n");
                let body: Value = serde_json::from_str(r.out.split("\n\n").nth(1).unwrap()).unwrap();
                assert_eq!(body["payload"]["tags"], json!(["billing", "vip"]));
            }),
        ),
        ex(
            "hookctl send eva-service --text \"it's me\" --print curl --url http://localhost:8080/eva | bash",
            Run(|r| {
                r.exits(0);
                let got = r.served(1);
                assert_eq!(got[0].path, "/eva");
                assert_eq!(got[0].json()["text"], "it's me");
                assert_eq!(got[0].header("user-agent").map(|u| u.starts_with("hookctl/")), Some(true));
                // curl printed the webhook's answer.
                r.says("\"option\":\"CLIENT\"");
            }),
        ),
        ex(
            "hookctl send handoff-create --count 10000 -c 32 --url http://localhost:3000/hook",
            Run(|r| {
                r.exits(0);
                r.says("10000 requests handoff-create");
                r.says("concurrency 32");
                for row in ["passed              10000", "contract failures   0", "transport errors    0"] {
                    r.says(row);
                }
                for row in [
                    "requests/s",
                    "latency p50",
                    "latency p75",
                    "latency p90",
                    "latency p95",
                    "latency p99",
                    "latency p99.9",
                    "latency max",
                    "latency mean",
                    "200: 10000",
                    "  response times\n",
                ] {
                    r.says(row);
                }
                let got = r.served(10000);
                let bodies: std::collections::HashSet<&[u8]> =
                    got.iter().map(|g| g.body.as_slice()).collect();
                assert_eq!(bodies.len(), 10000, "each with fresh ids");
            }),
        ),
        // #### Beyond one machine: k6
        ex(
            "hookctl send handoff-create --print k6 --url http://localhost:3000/hook > handoff-create.js",
            Run(|r| {
                r.exits(0);
                r.served(0);
                r.warns("printed, not sent");
                let script = r.file("handoff-create.js");
                assert!(script.contains("const URL = __ENV.HOOKCTL_URL || 'http://127.0.0.1:"), "{script}");
                assert!(script.contains("['handoff-create', body_0, CHECKS_0, 1]"), "{script}");
            }),
        ),
        ex(
            "hookctl scenario handoff-full --print k6 > handoff-full.js",
            Run(|r| {
                r.exits(0);
                let script = r.file("handoff-full.js");
                assert!(script.contains("['handoff-tags', body_3, CHECKS_3, 2]"), "twice at once: {script}");
                assert!(script.contains("['agent-offline', body_6, CHECKS_6, 1]"), "{script}");
            }),
        ),
        ex(
            "k6 run --vus 50 --duration 10m -e HOOKCTL_URL=http://localhost:3000/hook handoff-create.js",
            Elsewhere("send_s_script_sends_valid_events_with_fresh_ids_and_the_platform_s_headers"),
        ),
        ex(
            "kubectl create configmap handoff-create --from-file=handoff-create.js",
            Skip("needs a Kubernetes cluster with k6-operator"),
        ),
        ex(
            "kubectl apply -f handoff-create-testrun.yaml",
            Skip("needs a Kubernetes cluster with k6-operator"),
        ),
        ex(
            "k6 cloud run -e HOOKCTL_URL=https://hooks.example.com/botpress handoff-create.js",
            Skip("needs a Grafana Cloud k6 account"),
        ),
        // ### hookctl scenario
        ex(
            "hookctl scenario                                     # list them",
            Run(|r| {
                r.exits(0);
                for name in table_names("### `hookctl scenario") {
                    assert!(
                        r.out.lines().any(|l| l.starts_with(&format!("{name} "))),
                        "{name}\n{}",
                        r.context()
                    );
                }
            }),
        ),
        ex(
            "hookctl scenario handoff-lifecycle --url http://localhost:3000/hook",
            Run(|r| {
                r.exits(0);
                r.says("4/4 steps passed");
                r.says("steps 1, 3-4");
                let got: Vec<Value> = r.served(4).iter().map(|g| g.json()).collect();
                let kinds: Vec<_> =
                    got.iter().map(|b| (b["resource"].clone(), b["payload"]["status"].clone())).collect();
                assert_eq!(
                    kinds,
                    [
                        (json!("agent"), Value::Null),
                        (json!("handoff"), json!("pending")),
                        (json!("handoff"), json!("assigned")),
                        (json!("handoff"), json!("resolved"))
                    ]
                );
                assert!(got[1..].iter().all(|b| b["id"] == got[1]["id"]), "one handoff");
                assert_eq!(got[0]["id"], got[2]["payload"]["agentId"], "the agent online takes it");
            }),
        ),
        ex(
            "hookctl scenario handoff-full --duplicate            # every event twice: is your receiver idempotent?",
            Run(|r| {
                r.exits(0);
                let events = step_events(&r.out);
                // Seven steps, the tags step delivered twice as Botpress does, every delivery twice.
                assert_eq!(events.len(), 16, "{}", r.context());
                for pair in events.chunks(2) {
                    assert_eq!(pair[0], pair[1], "each delivery twice in a row\n{}", r.context());
                }
                r.says("16/16 steps passed");
            }),
        ),
        ex(
            "hookctl scenario handoff-full --shuffle --seed 3     # out of order, as retries can make it",
            Run(|r| {
                r.exits(0);
                let events = step_events(&r.out);
                let in_order = [
                    "agent-online",
                    "handoff-create",
                    "handoff-assign",
                    "handoff-tags",
                    "handoff-tags",
                    "handoff-comment",
                    "handoff-resolve",
                    "agent-offline",
                ];
                let mut sorted = events.clone();
                sorted.sort();
                let mut expected = in_order.to_vec();
                expected.sort();
                assert_eq!(sorted, expected, "the same deliveries\n{}", r.context());
                assert_ne!(events, in_order, "out of order\n{}", r.context());
                let (_, again, _) = r.again_with("");
                assert_eq!(step_events(&again), events, "the seed fixes the order");
            }),
        ),
        // ### hookctl listen
        ex(
            "hookctl scenario handoff-full --print k6 > handoff-full.js   # a k6 script: each iteration the whole story",
            Run(|r| {
                r.exits(0);
                r.warns("printed, not sent");
                let script = r.file("handoff-full.js");
                assert!(script.contains("hookctl scenario handoff-full --print k6"), "{script}");
                assert!(script.contains("export default function"), "{script}");
            }),
        ),
        ex(
            "hookctl listen                                   # http://127.0.0.1:8080, any path, any method",
            Listen(&["hookctl send handoff-create --url http://{addr}/any/path"], |r| {
                r.exits(0);
                r.warns("listening on http://127.0.0.1:");
                assert_eq!(r.fed[0].0, 0, "{}", r.context());
                let seen = r.listened();
                assert_eq!(seen.len(), 1, "{}", r.context());
                assert!(has(seen[0], "POST /any/path  botpress-event  valid  → 200 OK"), "{}", r.context());
                // The port the line leaves to its default (the test binds port 0 instead).
                let (_, help, _) = run(hookctl().args(["listen", "--help"]));
                let port = help.split("--port <PORT>").nth(1).unwrap();
                assert!(port.contains("[default: 8080]"), "{help}");
                assert!(
                    help.split("--bind <ADDR>").nth(1).unwrap().contains("[default: 127.0.0.1]"),
                    "{help}"
                );
            }),
        ),
        ex(
            "hookctl listen --port 9000 --save captures.jsonl # also keep every request on disk",
            Listen(
                &[
                    "hookctl scenario handoff-full --url http://{addr}/hook",
                    "hookctl send eva-service --url http://{addr}/eva/service",
                ],
                |r| {
                    r.exits(0);
                    assert!(r.fed.iter().all(|f| f.0 == 0), "{}", r.context());
                    let lines: Vec<Value> =
                        r.file("captures.jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
                    assert_eq!(lines.len(), 9, "8 Botpress deliveries and one eva request\n{}", r.context());
                    for l in &lines {
                        assert_eq!(l["method"], "POST");
                        assert!(l["body_json"].is_object(), "each body is JSON, in its place: {l}");
                    }
                    assert_eq!(lines[8]["kind"], "eva-service-request");
                    r.says("9 requests (botpress-event 8, eva-service-request 1)");
                },
            ),
        ),
        ex(
            "hookctl listen --forward-to localhost:3000       # stand between the platform and your server",
            Listen(&["hookctl send eva-service --url http://{addr}/eva/service?x=1"], |r| {
                r.exits(0);
                assert_eq!(r.fed[0].0, 0, "{}", r.context());
                let got = r.served(1);
                assert_eq!((got[0].path.as_str(), got[0].query.as_deref()), ("/eva/service", Some("x=1")));
                assert_eq!(got[0].header("user-agent").map(|u| u.starts_with("hookctl/")), Some(true));
                assert_eq!(got[0].json()["expectedOptions"], json!(["CLIENT", "NOT_CLIENT"]));
                r.says("/eva/service?x=1 → 200 OK");
                assert!(has(&r.out, "forwarded to http://127.0.0.1:"), "{}", r.context());
            }),
        ),
        ex(
            "hookctl listen --filter eva-service-request --filter /botpress/   # show and save only these",
            Listen(
                &[
                    "hookctl send eva-service --url http://{addr}/eva",
                    "hookctl send handoff-create --url http://{addr}/hook",
                    "hookctl send agent-online --url http://{addr}/botpress/events",
                ],
                |r| {
                    r.exits(0);
                    assert!(r.fed.iter().all(|f| f.0 == 0), "every one answered\n{}", r.context());
                    let seen = r.listened();
                    assert_eq!(seen.len(), 2, "{}", r.context());
                    assert!(has(seen[0], "POST /eva  eva-service-request"), "{}", r.context());
                    assert!(has(seen[1], "POST /botpress/events  botpress-event"), "{}", r.context());
                    r.says("2 requests (botpress-event 1, eva-service-request 1), 0 invalid, 0 repeats, 1 left out by --filter");
                },
            ),
        ),
        ex(
            "hookctl listen --status 500                      # watch Botpress retry",
            Listen(
                &["hookctl send handoff-create --retry botpress --retry-scale 0.01 --url http://{addr}/hook"],
                |r| {
                    r.exits(0);
                    let (code, out, _) = &r.fed[0];
                    assert_eq!(*code, 1, "{}", r.context());
                    assert!(has(out, "attempt 10"), "{out}");
                    let seen = r.listened();
                    assert_eq!(seen.len(), 10, "Botpress's ten attempts\n{}", r.context());
                    assert!(seen.iter().all(|l| l.contains("→ 500")), "{}", r.context());
                    assert!(seen[1..].iter().all(|l| l.contains("repeat of #1")), "{}", r.context());
                },
            ),
        ),
        ex(
            "hookctl listen --fail-first 2                    # fail each body twice, then accept",
            Listen(
                &["hookctl send handoff-create --retry botpress --retry-scale 0.01 --url http://{addr}/hook"],
                |r| {
                    r.exits(0);
                    assert_eq!(r.fed[0].0, 0, "{}", r.context());
                    let seen = r.listened();
                    assert_eq!(seen.len(), 3, "{}", r.context());
                    assert!(seen[0].contains("→ 503") && seen[1].contains("→ 503"), "{}", r.context());
                    assert!(seen[2].contains("→ 200 OK"), "{}", r.context());
                },
            ),
        ),
        ex(
            "hookctl listen --respond-option NOT_CLIENT       # as an eva webhook mock, choose this option",
            Listen(
                &["hookctl send eva-service --expect-option NOT_CLIENT --url http://{addr}/eva/service"],
                |r| {
                    r.exits(0);
                    let (code, out, _) = &r.fed[0];
                    assert_eq!(*code, 0, "{}", r.context());
                    assert!(has(out, "✓ option: expected NOT_CLIENT, found \"NOT_CLIENT\""), "{out}");
                    r.says("option NOT_CLIENT");
                },
            ),
        ),
        ex(
            "hookctl listen -o json | jq .                    # one JSON object per request (NDJSON)",
            Listen(
                &[
                    "hookctl send handoff-create --url http://{addr}/hook",
                    "hookctl send eva-service --url http://{addr}/eva",
                ],
                |r| {
                    r.exits(0);
                    let values: Vec<Value> = serde_json::Deserializer::from_str(&r.out)
                        .into_iter()
                        .collect::<Result<_, _>>()
                        .unwrap_or_else(|e| panic!("{e}\n{}", r.context()));
                    let requests: Vec<&Value> = values.iter().filter(|v| v.get("method").is_some()).collect();
                    assert_eq!(requests.len(), 2, "{}", r.context());
                    assert_eq!(requests[0]["kind"], "botpress-event");
                    assert_eq!(requests[1]["answer"]["option"], "CLIENT");
                    // Ctrl-C adds the summary, as one more object.
                    assert_eq!(values.len(), 3, "{}", r.context());
                    assert_eq!(values[2]["summary"]["requests"], 2, "{}", r.context());
                },
            ),
        ),
        ex(
            "hookctl listen --require-header 'Authorization=Bearer dev-token'   # 401 to requests without it",
            Listen(
                &[
                    "hookctl send handoff-create --url http://{addr}/hook",
                    "hookctl send handoff-create -H 'Authorization: Bearer dev-token' --url http://{addr}/hook",
                ],
                |r| {
                    r.exits(0);
                    assert_eq!((r.fed[0].0, r.fed[1].0), (1, 0), "{}", r.context());
                    let seen = r.listened();
                    assert_eq!(seen.len(), 2, "{}", r.context());
                    assert!(
                        has(seen[0], "→ 401 Unauthorized ✗ missing required header authorization"),
                        "{}",
                        r.context()
                    );
                    assert!(has(seen[1], "→ 200 OK"), "{}", r.context());
                    r.warns("requiring authorization: <redacted>");
                    assert!(!r.err.contains("dev-token") && !r.out.contains("dev-token"), "{}", r.context());
                },
            ),
        ),
        // ### hookctl replay (the capture is the one the `--save` line above made)
        ex(
            "hookctl replay captures.jsonl --url http://localhost:3000/hook",
            Run(|r| {
                r.exits(0);
                r.says("replay (9 requests from captures.jsonl)");
                r.says("9/9 steps passed");
                let captured: Vec<Value> =
                    r.file("captures.jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
                let bodies = common::captured_bodies(&r.file("captures.jsonl"));
                let got = r.served(9);
                for ((g, c), body) in got.iter().zip(&captured).zip(&bodies) {
                    assert_eq!(String::from_utf8_lossy(&g.body), *body, "exact bytes");
                    let ua = c["headers"].as_array().unwrap().iter().find(|h| h[0] == "user-agent").unwrap();
                    assert_eq!(g.header("user-agent"), ua[1].as_str(), "its headers");
                }
            }),
        ),
        ex(
            "hookctl replay captures.jsonl --filter eva-service-request,7 --url http://localhost:8080/eva",
            Run(|r| {
                r.exits(0);
                r.says("2/2 steps passed");
                r.says("#7 botpress-event");
                r.says("#9 eva-service-request");
                let captured = common::captured_bodies(&r.file("captures.jsonl"));
                let got = r.served(2);
                assert!(got.iter().all(|g| g.path == "/eva"));
                assert_eq!(String::from_utf8_lossy(&got[0].body), captured[6]);
                assert_eq!(String::from_utf8_lossy(&got[1].body), captured[8]);
            }),
        ),
        ex(
            "hookctl replay captures.jsonl --strict --url http://localhost:3000/hook",
            Run(|r| {
                // Every line of the capture is a record: all of it is replayed.
                r.exits(0);
                r.says("9/9 steps passed");
                r.served(9);
            }),
        ),
        ex(
            "hookctl replay captures.jsonl --filter 9 --set text=hello --url http://localhost:8080/eva",
            Run(|r| {
                r.exits(0);
                r.says("1/1 steps passed");
                let mut want: Value =
                    serde_json::from_str(&common::captured_bodies(&r.file("captures.jsonl"))[8]).unwrap();
                want["text"] = json!("hello");
                assert_eq!(r.served(1)[0].json(), want, "{}", r.context());
            }),
        ),
        ex(
            "hookctl replay captures.jsonl --filter 1 --data body.json --print curl",
            Run(|r| {
                r.exits(0);
                r.says("# #1 botpress-event");
                r.says("curl -X POST http://127.0.0.1:8080/hook");
                let body: Value = serde_json::from_str(&r.file("body.json")).unwrap();
                r.says(&serde_json::to_string(&body).unwrap());
                r.warns("printed, not sent");
            }),
        ),
        ex(
            "hookctl replay captures.jsonl --filter 3 -H 'Authorization: Bearer dev' --url http://localhost:3000/hook",
            Run(|r| {
                r.exits(0);
                let got = r.served(1);
                assert_eq!(got[0].header("authorization"), Some("Bearer dev"), "{}", r.context());
                assert_eq!(
                    String::from_utf8_lossy(&got[0].body),
                    common::captured_bodies(&r.file("captures.jsonl"))[2]
                );
            }),
        ),
        ex(
            "hookctl replay captures.jsonl --print curl --show-secrets --url http://localhost:3000/hook | sh",
            Run(|r| {
                r.exits(0);
                let captured = common::captured_bodies(&r.file("captures.jsonl"));
                for (got, body) in r.served(9).iter().zip(&captured) {
                    assert_eq!(String::from_utf8_lossy(&got.body), *body, "{}", r.context());
                }
            }),
        ),
        // #### Captures as data (the capture of the `--save` line above)
        ex(
            "hookctl validate captures.jsonl                       # every captured request judged, as FILE:LINE",
            Run(|r| {
                r.exits(0);
                r.says("captures.jsonl:1  botpress-event  valid");
                r.says("captures.jsonl:9  eva-service-request  valid");
                r.says("9 documents checked: 9 valid, 0 invalid");
            }),
        ),
        ex(
            "hookctl init --from captures.jsonl regression.toml    # real traffic becomes a suite",
            Run(|r| {
                r.exits(0);
                // Seven distinct Botpress bodies (the tag edit came twice) and the eva request.
                r.warns(
                    "wrote regression.toml: 8 cases from captures.jsonl (9 requests, 1 repeat collapsed)",
                );
                let suite = r.file("regression.toml");
                assert_eq!(suite.matches("[[case]]").count(), 8, "{suite}");
                assert!(suite.contains("option = [\"CLIENT\"]"), "{suite}");
                r.file("regression-payloads/008-eva-service-request.json");
            }),
        ),
        ex(
            "hookctl validate captures.jsonl --strict              # stop at the first line that is not a record",
            Run(|r| {
                r.exits(0);
                r.says("9 documents checked: 9 valid, 0 invalid");
            }),
        ),
        ex(
            "hookctl test regression.toml --target botpress=http://localhost:3000/hook --target eva-service=http://localhost:3000/eva/service",
            Run(|r| {
                r.exits(0);
                r.says("PASSED");
                let captured = common::captured_bodies(&r.file("captures.jsonl"));
                let got = r.served(8);
                // The captured bodies, sent as they came, each to its own path's target.
                for g in got {
                    let body = String::from_utf8_lossy(&g.body);
                    assert!(captured.iter().any(|c| *c == body), "{body}");
                    let eva = body.contains("expectedOptions");
                    assert_eq!(g.path, if eva { "/eva/service" } else { "/hook" }, "{body}");
                }
            }),
        ),
        // ### hookctl export (the capture of the `--save` line above)
        ex(
            "hookctl export captures.jsonl --format har --out captures.har",
            Run(|r| {
                r.exits(0);
                let har = r.json("captures.har");
                assert_eq!(har["log"]["version"], "1.2");
                let entries = har["log"]["entries"].as_array().unwrap();
                assert_eq!(entries.len(), 9, "{}", r.context());
                assert_eq!(entries[8]["comment"], "#9 eva-service-request");
            }),
        ),
        ex(
            "hookctl export captures.jsonl --format curl --url http://localhost:3000/hook > replay.sh",
            Run(|r| {
                r.exits(0);
                let script = r.file("replay.sh");
                assert_eq!(script.matches("curl -X POST http://").count(), 9, "{script}");
                assert!(script.starts_with("# #1 botpress-event\n"), "{script}");
            }),
        ),
        ex(
            "hookctl export captures.jsonl --format curl --filter eva-service-request",
            Run(|r| {
                r.exits(0);
                r.says("# #9 eva-service-request");
                r.says("/eva/service");
                assert_eq!(r.out.matches("curl -X POST").count(), 1, "{}", r.context());
            }),
        ),
        // ### hookctl test
        ex(
            "hookctl init                                   # writes hookctl.toml: a target per webhook, a case for every event",
            Elsewhere("the_test_examples_run_as_written"),
        ),
        ex(
            "hookctl test                                   # runs ./hookctl.toml",
            Elsewhere("the_test_examples_run_as_written"),
        ),
        ex(
            "BOTPRESS_WEBHOOK_URL=http://localhost:3000/botpress/events hookctl test --filter handoff --junit report.xml",
            Elsewhere("the_test_examples_run_as_written"),
        ),
        ex(
            "hookctl test suites/*.toml --target eva-service=http://localhost:3000/eva --filter service",
            Elsewhere("the_test_examples_run_as_written"),
        ),
        ex(
            "hookctl test suites/botpress-receiver.toml --url http://localhost:3000/botpress/events",
            Elsewhere("the_test_examples_run_as_written"),
        ),
        ex(
            "BOTPRESS_WEBHOOK_URL=http://localhost:3000/botpress/events EVA_SERVICE_URL=http://localhost:8080/eva hookctl test contract.toml --junit contract.xml",
            Elsewhere("the_deployment_layout_is_green_against_correct_servers_and_red_against_a_broken_one"),
        ),
        // ### hookctl completions
        ex(
            "mkdir -p ~/.local/share/bash-completion/completions",
            Run(|r| {
                r.exits(0);
                assert!(r.home.join(".local/share/bash-completion/completions").is_dir());
            }),
        ),
        ex(
            "hookctl completions bash > ~/.local/share/bash-completion/completions/hookctl",
            Run(|r| {
                r.exits(0);
                let path = r.home.join(".local/share/bash-completion/completions/hookctl");
                let written = std::fs::read_to_string(&path).unwrap();
                let shipped = std::fs::read_to_string(fixture_path("completions/hookctl.bash")).unwrap();
                assert_eq!(written, shipped);
                let out = std::process::Command::new("bash")
                    .args(["-c", &format!("source {} && complete -p hookctl", path.display())])
                    .output()
                    .unwrap();
                assert!(out.status.success() && text(&out.stdout).contains("hookctl"), "{out:?}");
            }),
        ),
        ex(
            "mkdir -p ~/.zfunc && hookctl completions zsh > ~/.zfunc/_hookctl    # with fpath+=(~/.zfunc) before compinit",
            Run(|r| {
                r.exits(0);
                let written = std::fs::read_to_string(r.home.join(".zfunc/_hookctl")).unwrap();
                assert_eq!(written, std::fs::read_to_string(fixture_path("completions/_hookctl")).unwrap());
                assert!(written.starts_with("#compdef hookctl"), "zsh loads it from fpath by this line");
            }),
        ),
        ex(
            "mkdir -p ~/.config/fish/completions && hookctl completions fish > ~/.config/fish/completions/hookctl.fish",
            Run(|r| {
                r.exits(0);
                let written =
                    std::fs::read_to_string(r.home.join(".config/fish/completions/hookctl.fish")).unwrap();
                assert_eq!(
                    written,
                    std::fs::read_to_string(fixture_path("completions/hookctl.fish")).unwrap()
                );
            }),
        ),
        ex(
            "hookctl man | man -l -                                          # read it",
            Run(|r| {
                if !has_man() {
                    println!("note: no `man` here: `hookctl man | man -l -` not run");
                    return;
                }
                r.exits(0);
                r.says("SYNOPSIS");
                r.says("hookctl-send(1)");
                r.says("EXIT STATUS");
            }),
        ),
        ex(
            "mkdir -p ~/.local/share/man/man1 && hookctl man > ~/.local/share/man/man1/hookctl.1",
            Run(|r| {
                r.exits(0);
                let page = std::fs::read_to_string(r.home.join(".local/share/man/man1/hookctl.1")).unwrap();
                assert!(page.starts_with(".TH hookctl 1 "), "{page}");
            }),
        ),
        ex(
            "hookctl man send > ~/.local/share/man/man1/hookctl-send.1       # one page per command",
            Run(|r| {
                r.exits(0);
                let page =
                    std::fs::read_to_string(r.home.join(".local/share/man/man1/hookctl-send.1")).unwrap();
                assert!(page.starts_with(".TH hookctl-send 1 "), "{page}");
                assert!(page.contains("\n.SH \"EXAMPLES\"\n"), "{page}");
            }),
        ),
        // ## Use in CI
        ex(
            "hookctl send eva-service --url \"$WEBHOOK_URL\" --expect-option CLIENT -o json > result.json",
            Run(|r| {
                r.exits(0);
                let result = r.json("result.json");
                assert_eq!(result["passed"], true, "{result:#}");
                assert_eq!(result["response"]["body"]["option"], "CLIENT", "{result:#}");
                r.served(1);
            }),
        ),
        ex(
            "hookctl scenario handoff-lifecycle --duplicate --url \"$WEBHOOK_URL\"",
            Run(|r| {
                r.exits(0);
                r.says("8/8 steps passed");
                r.served(8);
            }),
        ),
        ex(
            "hookctl validate recorded-answers/",
            Run(|r| {
                r.exits(0);
                r.says("2 documents checked: 2 valid, 0 invalid");
            }),
        ),
        // ## Benchmarks
        ex(
            "benches/run",
            Skip(
                "installs peers and takes minutes of both cores; its helpers are tested in tests/bench_tool.rs",
            ),
        ),
        // ## Development
        ex(
            "cargo test             # the whole suite: real binary, real HTTP servers on 127.0.0.1",
            Skip("it is this suite"),
        ),
        ex(
            "cargo nextest run      # the same, with nextest if you have it",
            Skip("this suite again, under a runner that may not be installed"),
        ),
    ]
}

/// Whether `man` is installed, to read a page with.
fn has_man() -> bool {
    std::process::Command::new("bash")
        .args(["-c", "command -v man"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The EVENT column of a step table.
fn step_events(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.split_whitespace().next().is_some_and(|w| w.parse::<usize>().is_ok()))
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn every_readme_example_is_run_or_skipped_with_a_reason() {
    let readme_lines = readme_lines();
    let table = examples();
    for line in &readme_lines {
        let found: Vec<&Example> = table.iter().filter(|e| e.line == line.text).collect();
        assert_eq!(
            found.len(),
            1,
            "README example with {} entries in examples() (want one): {}",
            found.len(),
            line.text
        );
        if let How::Run(_) | How::Terminal(_) | How::Listen(..) = found[0].how {
            let run_by = GROUPS.iter().flat_map(|g| g.iter()).any(|h| line.heading.starts_with(h));
            assert!(run_by, "no test runs the examples under {:?}: add its heading to GROUPS", line.heading);
        }
    }
    let lines: Vec<&str> = readme_lines.iter().map(|l| l.text.as_str()).collect();
    let sources: String = std::fs::read_dir(fixture_path("tests"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    for e in &table {
        assert!(lines.contains(&e.line), "examples() has a line the README no longer has: {}", e.line);
        match e.how {
            How::Elsewhere(test) => assert!(sources.contains(&format!("fn {test}()")), "no test {test}"),
            How::Skip(reason) => assert!(!reason.is_empty()),
            _ => {}
        }
    }
}

/// The headings whose examples each `the_*_run_as_written` test below runs.
const QUICK_START: &[&str] = &["## Quick start"];
const COMMANDS: &[&str] = &["## Commands"];
const LIST_SHOW_SCHEMA: &[&str] = &["### `hookctl list`", "### `hookctl show", "### `hookctl schema"];
const VALIDATE: &[&str] = &["### `hookctl validate"];
const SEND: &[&str] = &["### `hookctl send", "#### Beyond one machine: k6"];
const SCENARIO: &[&str] = &["### `hookctl scenario"];
const LISTEN_REPLAY: &[&str] =
    &["### `hookctl listen", "### `hookctl replay", "#### Captures as data", "### `hookctl export"];
const COMPLETIONS: &[&str] = &["### `hookctl completions"];
const CI: &[&str] = &["## Use in CI"];
const GROUPS: &[&[&str]] =
    &[QUICK_START, COMMANDS, LIST_SHOW_SCHEMA, VALIDATE, SEND, SCENARIO, LISTEN_REPLAY, COMPLETIONS, CI];

#[test]
fn the_quick_start_runs_as_written() {
    run_examples(QUICK_START);
}

#[test]
fn the_commands_examples_run_as_written() {
    run_examples(COMMANDS);
}

#[test]
fn the_list_show_and_schema_examples_run_as_written() {
    run_examples(LIST_SHOW_SCHEMA);
}

#[test]
fn the_validate_examples_run_as_written() {
    run_examples(VALIDATE);
}

#[test]
fn the_send_examples_run_as_written() {
    run_examples(SEND);
}

#[test]
fn the_scenario_examples_run_as_written() {
    run_examples(SCENARIO);
}

#[test]
fn the_listen_and_replay_examples_run_as_written() {
    run_examples(LISTEN_REPLAY);
}

#[test]
fn the_completions_example_runs_as_written() {
    run_examples(COMPLETIONS);
}

#[test]
fn the_ci_script_lines_run_as_written() {
    run_examples(CI);
}
