//! The README's reliability table, made from real runs: representative bad inputs through the real
//! binary, each with its exit code and its one line on stderr. The test fails when the README's
//! table differs; `HOOKCTL_UPDATE_README=1 cargo test --test reliability` rewrites it.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Listener, Reply, Server, closed_port, fixture_path, hookctl, post_raw, run};
use serde_json::json;

const START: &str = "<!-- reliability:start -->";
const END: &str = "<!-- reliability:end -->";
const UPDATE: &str = "HOOKCTL_UPDATE_README";

/// One row: what was given, how hookctl ended (or answered), and what it said.
struct Row {
    input: String,
    exit: String,
    message: String,
}

/// Ports change from run to run: the table says `PORT`.
fn normalise(text: &str) -> String {
    let ports = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    ports.replace_all(text, "127.0.0.1:PORT").into_owned()
}

fn shell_word(arg: &str) -> String {
    if !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c)) {
        arg.to_string()
    } else {
        format!("'{arg}'")
    }
}

/// Run `hookctl ARGS` in `dir` and make its row; `what` says what the files or the server were.
fn cli(dir: &Path, args: &[&str], what: &str) -> Row {
    let (code, out, err) = run(hookctl().args(args).current_dir(dir));
    row(args, what, code, &out, &err)
}

fn row(args: &[&str], what: &str, code: i32, out: &str, err: &str) -> Row {
    let command: Vec<String> = args.iter().map(|a| shell_word(a)).collect();
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    // One error line: ours stand alone; clap's usage errors add their tips, which the table leaves
    // out (the tips follow the first line, and end by pointing at --help).
    let lines: Vec<&str> = err.lines().collect();
    let clap_tips = code == 2 && lines.last() == Some(&"For more information, try '--help'.");
    assert!(lines.len() == 1 || clap_tips, "{args:?}: not one error on stderr:\n{err}\nstdout:\n{out}");
    assert!((1..=4).contains(&code), "{args:?}: exit {code}: {err}");
    let what = if what.is_empty() { String::new() } else { format!(" ({what})") };
    Row {
        input: normalise(&format!("`hookctl {}`{what}", command.join(" "))),
        exit: code.to_string(),
        message: normalise(lines.first().copied().unwrap_or_default()),
    }
}

/// The request records `listen -o json` printed.
fn records(lines: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    lines.into_iter().filter(|l| l.get("summary").is_none()).collect()
}

fn rows() -> Vec<Row> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("notes.txt"), "hello, not JSON").unwrap();
    std::fs::write(d.join("hello.json"), r#"{"hello": "world"}"#).unwrap();
    std::fs::write(d.join("answer.json"), r#"{"option": "CLIENT"}"#).unwrap();
    std::fs::write(d.join("hitlnext.json"), r#"{"eventsWebHook": {"headers": {}}}"#).unwrap();
    std::fs::write(d.join("captures.jsonl"), "{\"not\": \"a capture\"}\n").unwrap();
    std::fs::write(d.join("typo.toml"), "[[case]]\nname = \"a\"\nevent = \"eva-service\"\nexpcet = {}\n")
        .unwrap();
    std::fs::write(
        d.join("regex.toml"),
        "[[case]]\nname = \"greets\"\nevent = \"eva-answer\"\nexpect = { answer_matches = \"(Hi\" }\n",
    )
    .unwrap();
    std::fs::write(
        d.join("hookctl.toml"),
        "[targets.botpress]\nurl = \"${BOTPRESS_WEBHOOK_URL:-}\"\n\n[targets.eva-service]\nurl = \"${EVA_SERVICE_URL:-}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n\n[[case]]\nname = \"b\"\nevent = \"eva-service\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("env.toml"),
        "[defaults]\nurl = \"${WEBHOOK_URL}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n",
    )
    .unwrap();

    let mut rows = vec![
        cli(d, &["send", "handoff-create", "--timeout", "abc"], ""),
        cli(d, &["send", "handoff-create", "--timeout", "0"], ""),
        cli(d, &["send", "handoff-create", "--count", "100", "-c", "0"], ""),
        cli(d, &["send", "handoff-crate"], ""),
        cli(d, &["send", "agent-online", "--set", "payload.status.x=1"], ""),
        cli(d, &["send", "agent-online", "--set", "payload"], ""),
        cli(d, &["send", "agent-online", "-H", "X-Token"], ""),
        cli(d, &["send", "agent-online", "-H", "Bearer abc123"], "a value without its name"),
        cli(d, &["send", "agent-online", "--set", "payload.agentId=${AGENT_ID}"], "a variable"),
        cli(d, &["send", "agent-online", "--expect-option", "YES"], ""),
        cli(d, &["send", "eva-service", "--expected-options", "YES,"], ""),
        cli(d, &["send", "agent-online", "--url", "http//localhost:3000/hook"], ""),
        cli(d, &["send", "agent-online", "--url", "ftp://user:pw@example.test/hook?token=abc"], ""),
        cli(d, &["send", "--data", "answer.json"], "a webhook's answer"),
        cli(d, &["send", "handoff-create", "--botpress-config", "hitlnext.json"], "no url in it"),
        cli(d, &["validate", "missing.json"], "no such file"),
        cli(d, &["validate", "notes.txt"], "not JSON"),
        cli(d, &["validate", "hello.json"], "JSON of no known kind"),
        cli(d, &["validate", "answer.json", "--kind", "eva-answer"], ""),
        cli(d, &["scenario", "handoff-lifecycel"], ""),
        cli(d, &["test", "typo.toml"], "a misspelt key"),
        cli(d, &["test", "regex.toml"], "a bad regex"),
        cli(d, &["test", "env.toml"], "WEBHOOK_URL unset"),
        cli(d, &["test", "hookctl.toml", "--url", "http://localhost:3000/hook"], "two targets"),
        {
            let args = ["test", "hookctl.toml"];
            let (code, out, err) = run(hookctl().args(args).current_dir(d).env("CI", "true"));
            row(&args, "in CI, the variables unset", code, &out, &err)
        },
        cli(d, &["replay", "captures.jsonl"], "not a capture"),
    ];

    // Transport: nothing listening, and a server that does not answer in time.
    let closed = format!("http://127.0.0.1:{}/hook", closed_port());
    rows.push(cli(d, &["send", "agent-online", "--url", &closed], "nothing listening"));
    let slow = Server::start(|_, _| Reply { delay: Duration::from_secs(5), ..Reply::json(200, json!({})) });
    rows.push(cli(d, &["send", "agent-online", "--url", &slow.url(), "--timeout", "0.2"], "a slow server"));

    // A port already taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut taken_row = cli(d, &["listen", "--port", &port], "the port is taken");
    taken_row.input = taken_row.input.replace(&port, "PORT");
    rows.push(taken_row);
    rows.push(cli(d, &["listen", "--status", "100"], "not a final status"));

    // Output that cannot be written.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
        .arg("list")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdout(full)
        .output()
        .unwrap();
    rows.push(row(
        &["list"],
        "stdout is a full disk",
        out.status.code().unwrap_or(-1),
        "",
        &String::from_utf8_lossy(&out.stderr),
    ));

    // What the listener answers to bad requests, and keeps serving.
    let listener = Listener::start(&["--max-body", "1000"]);
    assert_eq!(post_raw(&listener.addr, "/hook", &vec![b'x'; 5000]), 413);
    assert_eq!(post_raw(&listener.addr, "/hook", b"hello"), 400);
    assert_eq!(post_raw(&listener.addr, "/hook", br#"{"payload": {"x": 1e400}}"#), 400);
    assert_eq!(post_raw(&listener.addr, "/hook", b"{}"), 200, "still serving");
    let recs = records(listener.stop());
    let whats = ["a 5000-byte body", "a body that is not JSON", "a number no double holds"];
    for (rec, what) in recs.iter().zip(whats) {
        rows.push(Row {
            input: format!("`hookctl listen --max-body 1000` receives {what}"),
            exit: format!("answers {}, keeps serving", rec["answer"]["status"]),
            message: rec["answer"]["reason"].as_str().unwrap().to_string(),
        });
    }
    rows
}

fn cell(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.starts_with('`') {
        text
    } else if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from("| input | exit | message |\n|---|---|---|\n");
    for r in rows {
        out.push_str(&format!("| {} | {} | {} |\n", r.input.replace('|', "\\|"), r.exit, cell(&r.message)));
    }
    out
}

#[test]
fn the_readme_reliability_table_is_what_hookctl_does() {
    let table = table(&rows());
    let path = fixture_path("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("README has the reliability markers") + START.len();
    let end = readme.find(END).expect("README has the reliability end marker");
    let current = readme[start..end].trim();
    if current == table.trim() {
        return;
    }
    if std::env::var_os(UPDATE).is_some() {
        let updated = format!("{}\n{}{}", &readme[..start], table, &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "the README's reliability table is not what hookctl does now; it should be:\n\n{table}\nrewrite it with: {UPDATE}=1 cargo test --test reliability"
    );
}

/// Each promise of the README's "A listener you can leave open" names the test that holds it: that
/// test exists, in the file named.
#[test]
fn every_promise_names_a_test_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let table = readme
        .split("<!-- promises:start -->")
        .nth(1)
        .unwrap()
        .split("<!-- promises:end -->")
        .next()
        .unwrap();
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ")).skip(1).collect();
    assert!(rows.len() >= 20, "{table}");
    for row in rows {
        let held_by = row.trim_end_matches('|').rsplit('|').next().unwrap().trim();
        let names: Vec<&str> = held_by.split('`').skip(1).step_by(2).collect();
        let [file, test] = names[..] else { panic!("not `FILE` `TEST`: {row}") };
        let source =
            std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e} ({row})"));
        assert!(source.contains(&format!("fn {test}(")), "{file} has no test {test} ({row})");
    }
}
