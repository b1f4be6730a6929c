//! The offline commands, run as the real binary: list, show, schema, validate, completions.

mod common;

use common::{fixture_path, hookctl, run};
use serde_json::{Value, json};

fn write(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// The columns of a document's first line: (source, kind, verdict). The verdict is the word
/// itself ("valid", "invalid (1 error)"), so "valid" never matches "invalid"; notes after it are
/// further columns.
fn verdict_line(out: &str) -> (String, String, String) {
    let first = out.lines().next().unwrap_or_else(|| panic!("no output"));
    let cols: Vec<&str> = first.split("  ").filter(|c| !c.is_empty()).map(str::trim).collect();
    assert!(cols.len() >= 3, "not a verdict line: {first}");
    (cols[0].to_string(), cols[1].to_string(), cols[2].to_string())
}

/// The line of a field in a valid document's listing: `    label   value`.
fn field_line<'a>(out: &'a str, label: &str) -> Option<&'a str> {
    out.lines().find(|l| l.starts_with("    ") && l.split_whitespace().next() == Some(label))
}

fn example_response(event: &str) -> Value {
    hookctl::catalogue::event(event).unwrap().example_response().unwrap()
}

#[test]
fn list_shows_every_event() {
    let (code, out, _) = run(hookctl().arg("list"));
    assert_eq!(code, 0);
    for e in hookctl::catalogue::EVENTS {
        assert!(out.contains(e.name), "{} missing from list", e.name);
    }
    let (code, out, _) = run(hookctl().args(["list", "--output", "json"]));
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    let rows = report["events"].as_array().unwrap();
    assert_eq!(rows.len(), hookctl::catalogue::EVENTS.len());
    assert_eq!(rows[0]["name"], "handoff-create");
    assert_eq!(rows[0]["platform"], "Botpress HITL Next");
}

#[test]
fn show_prints_the_compact_wire_form_when_piped() {
    let (code, out, _) = run(hookctl().args(["show", "handoff-create"]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "compact: one line");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc, hookctl::catalogue::event("handoff-create").unwrap().fixture());
    assert!(out.starts_with(r#"{"botId":"#), "keys in the platform's order: {out}");
    let (code, out, err) = run(hookctl().args(["show", "eva-service", "--response", "--pretty"]));
    assert_eq!(code, 0);
    assert!(out.lines().count() > 3);
    assert_eq!(
        err.trim_end(),
        "note: pretty-printed for reading; eva posts it compact (hookctl show eva-service --compact)"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(doc["option"].is_string());
}

#[test]
fn show_unknown_event_suggests_and_exits_2() {
    let (code, out, err) = run(hookctl().args(["show", "handof-create"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("unknown event 'handof-create'") && err.contains("handoff-create"), "{err}");
    let (code, _, err) = run(hookctl().args(["show", "handoff-create", "--response"]));
    assert_eq!(code, 2);
    assert!(err.contains("no response body"), "{err}");
}

#[test]
fn schema_prints_each_kind() {
    for kind in [
        "botpress-event",
        "eva-answer-request",
        "eva-answer-response",
        "eva-service-request",
        "eva-service-response",
    ] {
        let (code, out, _) = run(hookctl().args(["schema", kind]));
        assert_eq!(code, 0, "{kind}");
        let s: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
    let (code, _, err) = run(hookctl().args(["schema", "eva-request"]));
    assert_eq!(code, 2);
    assert!(err.contains("eva-request"), "{err}");
}

#[test]
fn validate_valid_files_exits_0_and_prints_the_fields() {
    let path = fixture_path("tests/data/seeds/botpress-assign.json");
    let (code, out, _) = run(hookctl().arg("validate").arg(&path));
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        verdict_line(&out),
        (path.display().to_string(), "botpress-event".to_string(), "valid".to_string()),
        "{out}"
    );
    let thread = field_line(&out, "agentThreadId").unwrap_or_else(|| panic!("{out}"));
    assert_eq!(thread.split_whitespace().nth(1), Some("0ec07e29-5dcc-47e0-91ee-71479eeaa50a"), "{out}");
    let status = field_line(&out, "status").unwrap_or_else(|| panic!("{out}"));
    assert_eq!(status.split_whitespace().nth(1), Some("assigned"), "{out}");
    assert!(out.ends_with("1 document checked: 1 valid, 0 invalid\n"), "{out}");
}

#[test]
fn validate_a_directory_and_json_output() {
    let (code, out, _) =
        run(hookctl().args(["validate", "--output", "json"]).arg(fixture_path("tests/data/seeds")));
    assert_eq!(code, 0, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["files"], 6);
    assert_eq!(report["summary"]["valid"], 6);
    let kinds: Vec<&str> =
        report["files"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"eva-service-response") && kinds.contains(&"botpress-event"));
}

#[test]
fn validate_stdin() {
    let body = example_response("eva-service").to_string();
    let (code, out, _) =
        run(hookctl().args(["validate", "-", "--expected-options", "CLIENT,NOT_CLIENT"]).write_stdin(body));
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        verdict_line(&out),
        ("<stdin>".to_string(), "eva-service-response".to_string(), "valid".to_string()),
        "{out}"
    );
    let body = json!({"option": "LATER"}).to_string();
    let (code, out, _) =
        run(hookctl().args(["validate", "-", "--expected-options", "CLIENT,NOT_CLIENT"]).write_stdin(body));
    assert_eq!(code, 1);
    assert_eq!(verdict_line(&out).2, "invalid (1 error)", "{out}");
    assert!(out.contains("✗ /option  option 'LATER' is not one of the expectedOptions"), "{out}");
    assert!(out.contains(r#"expected one of CLIENT, NOT_CLIENT, found "LATER""#), "{out}");
}

#[test]
fn validate_invalid_reports_pointer_expected_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = hookctl::catalogue::event("handoff-assign").unwrap().fixture();
    doc["payload"]["status"] = json!("waiting");
    let bad = write(&dir, "bad.json", doc.to_string().as_bytes());
    let (code, out, _) = run(hookctl().arg("validate").arg(&bad));
    assert_eq!(code, 1);
    assert_eq!(
        verdict_line(&out),
        (bad.display().to_string(), "botpress-event".to_string(), "invalid (1 error)".to_string()),
        "{out}"
    );
    let error = out
        .lines()
        .find(|l| l.trim_start().starts_with("✗ /payload/status "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(error.contains("\"waiting\" is not one of"), "{out}");
    assert!(out.contains(r#"found "waiting""#), "{out}");
    let (code, out, _) = run(hookctl().args(["validate", "-o", "json"]).arg(&bad));
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    let e = &report["files"][0]["errors"][0];
    assert_eq!(e["pointer"], "/payload/status");
    assert_eq!(e["found"], "\"waiting\"");
}

#[test]
fn validate_with_the_request_checks_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let request = write(
        &dir,
        "req.json",
        hookctl::catalogue::event("eva-service").unwrap().fixture().to_string().as_bytes(),
    );
    let mut response = example_response("eva-service");
    response["option"] = json!("SOMETHING_ELSE");
    let resp = write(&dir, "resp.json", response.to_string().as_bytes());
    let (code, out, _) = run(hookctl().arg("validate").arg(&resp).arg("--request").arg(&request));
    assert_eq!(code, 1, "{out}");
    assert_eq!(verdict_line(&out).2, "invalid (1 error)", "{out}");
    assert!(out.contains("✗ /option  option 'SOMETHING_ELSE' is not one of the expectedOptions"), "{out}");
    let (code, out, _) = run(hookctl().arg("validate").arg(&resp));
    assert_eq!(code, 0, "no request, no option check");
    assert_eq!(verdict_line(&out).2, "valid", "{out}");
}

#[test]
fn bad_inputs_each_get_one_line_and_the_rest_is_still_validated() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "a-valid.json", example_response("eva-answer").to_string().as_bytes());
    write(&dir, "b-notjson.json", b"{ not json");
    write(&dir, "c-empty.json", b"");
    write(&dir, "d-binary.json", &[0x89, b'P', b'N', b'G', 0, 0, 1]);
    write(&dir, "e-unknown.json", br#"{"hello": "world"}"#);
    write(&dir, "f-invalid.json", br#"{"option": 3}"#);
    write(&dir, "notes.txt", b"not considered");
    let (code, out, err) = run(hookctl().arg("validate").arg(dir.path()));
    assert_eq!(code, 2, "an unreadable input wins over an invalid one");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].contains("b-notjson.json") && lines[0].contains("not valid JSON"), "{err}");
    assert!(lines[1].contains("c-empty.json") && lines[1].contains("empty"), "{err}");
    assert!(lines[2].contains("d-binary.json") && lines[2].contains("binary"), "{err}");
    assert!(lines[3].contains("e-unknown.json") && lines[3].contains("--kind"), "{err}");
    assert!(out.contains("a-valid.json") && out.contains("f-invalid.json"), "{out}");
    assert!(out.contains("6 documents checked: 1 valid, 1 invalid, 4 unreadable"), "{out}");
}

#[test]
fn exit_codes_for_missing_file_and_unknown_kind() {
    let (code, _, err) = run(hookctl().args(["validate", "/nonexistent/response.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/response.json") && err.contains("no such file"), "{err}");
    let (code, _, err) = run(hookctl().args(["validate", "--kind", "eva-thing", "x.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("eva-thing"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn validate_with_an_explicit_kind() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "contexts.json", br#"{"openContext": {}}"#);
    let (code, out, _) = run(hookctl().args(["validate", "--kind", "eva-answer-response"]).arg(&f));
    assert_eq!(code, 1);
    assert_eq!(verdict_line(&out).1, "eva-answer-response", "the kind given: {out}");
    assert_eq!(verdict_line(&out).2, "invalid (1 error)", "{out}");
    assert!(out.contains("✗ /answer  required field 'answer' is missing"), "{out}");
}

#[test]
fn committed_completions_are_up_to_date() {
    for (shell, file) in [
        ("bash", "hookctl.bash"),
        ("zsh", "_hookctl"),
        ("fish", "hookctl.fish"),
        ("powershell", "hookctl.ps1"),
        ("elvish", "hookctl.elv"),
    ] {
        let (code, out, _) = run(hookctl().args(["completions", shell]));
        assert_eq!(code, 0);
        let committed = std::fs::read_to_string(fixture_path(&format!("completions/{file}"))).unwrap();
        assert_eq!(
            out, committed,
            "completions/{file} is stale: run `hookctl completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    hookctl::cli::Cli::command().debug_assert();
    // As parsed (the global flags a command does not take hidden there), and as documented.
    hookctl::cli::command().debug_assert();
    hookctl::cli::documented().debug_assert();
}

#[test]
fn option_case_flag_reaches_validate() {
    let body = json!({"option": "client"}).to_string();
    let (code, out, _) =
        run(hookctl().args(["validate", "-", "--expected-options", "CLIENT"]).write_stdin(body.clone()));
    assert_eq!(code, 1);
    assert_eq!(verdict_line(&out).2, "invalid (1 error)", "{out}");
    let (code, out, _) = run(hookctl()
        .args(["--option-case", "insensitive", "validate", "-", "--expected-options", "CLIENT"])
        .write_stdin(body));
    assert_eq!(code, 0);
    assert_eq!(verdict_line(&out).2, "valid", "{out}");
}

#[test]
fn output_that_cannot_be_written_is_exit_4_with_one_line() {
    // Not the user's mistake, and not a contract or transport failure: hookctl itself could not work.
    let full =
        std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full, as on every Linux");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("hookctl"))
        .args(["show", "handoff-create"])
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot write output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Run `hookctl ARGS` with a terminal on stdout and stderr (util-linux `script`), `redirect` added
/// to the shell line (`2>FILE`); what the terminal showed.
fn on_a_terminal(args: &str, redirect: &str, env: &[(&str, &str)]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("hookctl");
    let line = format!("'{}' {args} {redirect}", bin.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .output()
        .expect("util-linux script (Debian bsdutils) runs a command on a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const ESC: &str = "\u{1b}[";

#[test]
fn each_stream_is_coloured_on_its_own_decision() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("err.log");
    // stdout a terminal, stderr a file: the summary coloured, the error line in the file plain.
    let shown = on_a_terminal("validate missing.json", &format!("2>'{}'", log.display()), &[]);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(shown.contains(ESC), "{shown:?}");
    assert!(logged.starts_with("error: missing.json: cannot read"), "{logged:?}");
    assert!(!logged.contains(ESC), "{logged:?}");
    // Asked for, it is coloured wherever it goes.
    on_a_terminal("validate missing.json --color always", &format!("2>'{}'", log.display()), &[]);
    assert!(std::fs::read_to_string(&log).unwrap().contains(ESC));
}

#[test]
fn term_dumb_and_no_color_mean_no_colour_even_on_a_terminal() {
    assert!(on_a_terminal("validate missing.json", "", &[]).contains(ESC), "a terminal is coloured");
    for env in [("TERM", "dumb"), ("NO_COLOR", "1")] {
        let shown = on_a_terminal("validate missing.json", "", &[env]);
        assert!(!shown.contains(ESC), "{env:?}: {shown:?}");
        let (_, out, _) = run(hookctl()
            .args(["validate", "missing.json"])
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .env(env.0, env.1));
        assert!(!out.contains(ESC), "{env:?} wins over CLICOLOR_FORCE: {out:?}");
    }
    let (_, out, _) = run(hookctl()
        .args(["validate", "missing.json"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .env("TERM", "xterm"));
    assert!(out.contains(ESC), "CLICOLOR_FORCE colours a pipe");
}

#[test]
fn color_never_reaches_the_parsers_own_errors() {
    let shown = on_a_terminal("send handoff-crate", "", &[]);
    assert!(shown.contains("unknown event") && shown.contains(ESC), "{shown:?}");
    for args in ["--color never send handoff-crate", "send handoff-crate --color=never"] {
        let shown = on_a_terminal(args, "", &[]);
        assert!(shown.contains("unknown event") && !shown.contains(ESC), "{args}: {shown:?}");
    }
}

/// What a terminal showed, without colours and carriage returns.
fn plain(shown: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;?]*[a-zA-Z]").unwrap().replace_all(shown, "").replace('\r', "")
}

#[test]
fn tables_fit_the_terminals_width_and_piped_tables_keep_long_values_whole() {
    // Each table hookctl draws: the catalogue, a scenario's steps, a load run's summary.
    for args in ["list", "scenario handoff-lifecycle", "send handoff-create --count 20"] {
        let shown = plain(&on_a_terminal(args, "2>/dev/null", &[("COLUMNS", "60")]));
        assert!(shown.contains('╭'), "{args}: a bordered table: {shown}");
        let table = shown.lines().filter(|l| l.starts_with(['╭', '│', '├', '╰']));
        for line in table {
            assert!(line.chars().count() <= 60, "{args}: wider than 60: {line:?}\n{shown}");
        }
    }
    // Piped, COLUMNS changes nothing: every value whole.
    let (code, piped, _) = run(hookctl().arg("list").env("COLUMNS", "60"));
    assert_eq!(code, 0);
    // Wrapped, nothing is lost: the same characters as the piped table, borders and spaces aside.
    let characters = |text: &str| {
        let mut c: Vec<char> =
            text.chars().filter(|c| !c.is_whitespace() && !"╭╮╰╯─│┬┴├┤┼".contains(*c)).collect();
        c.sort_unstable();
        c
    };
    let narrow = plain(&on_a_terminal("list", "", &[("COLUMNS", "60")]));
    assert_eq!(characters(&narrow), characters(&piped), "{narrow}");
    // A wide terminal keeps the table on one line a row.
    let longest = hookctl::catalogue::EVENTS.iter().map(|e| e.summary).max_by_key(|s| s.len()).unwrap();
    let wide = plain(&on_a_terminal("list", "", &[("COLUMNS", "300")]));
    assert!(wide.lines().any(|l| l.contains(longest)), "{wide}");
    let (_, unset, _) = run(hookctl().arg("list").env_remove("COLUMNS"));
    assert_eq!(piped, unset);
    for e in hookctl::catalogue::EVENTS {
        assert!(piped.lines().any(|l| l.contains(e.summary)), "{}: {piped}", e.name);
    }
}

#[test]
fn a_load_run_on_a_terminal_shows_a_progress_bar_and_a_pipe_none() {
    // The bar draws on stderr; a first frame is drawn as the run starts, and cleared at its end.
    let shown = plain(&on_a_terminal("send handoff-create --count 300 -c 2", "", &[("COLUMNS", "120")]));
    let bar = regex::Regex::new(r"\[[=> ]{30}\] \d+/300 sent  \d+/s  ETA \d+[hms]").unwrap();
    assert!(bar.is_match(&shown), "{shown}");
    let timed = plain(&on_a_terminal("send handoff-create --duration 1 -c 2", "", &[("COLUMNS", "120")]));
    let bar = regex::Regex::new(r"\[[=> ]{30}\] \d+s/1s \d+ sent  \d+/s  ETA \d+[hms]").unwrap();
    assert!(bar.is_match(&timed), "{timed}");
    let (code, _, err) = run(hookctl().args(["send", "handoff-create", "--count", "300", "-c", "2"]));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(" sent "), "no bar in a pipe: {err}");
}
