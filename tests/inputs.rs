//! Inputs everywhere: directories with links and special files, size caps, flags that must be
//! refused with one line, suites' numbers and capture records. The real binary, every time.
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Server, hookctl, run};
use serde_json::{Value, json};

/// Long enough for anything here to finish; only a hang reaches it.
const BOUND: Duration = Duration::from_secs(60);

fn show(args: &[&str]) -> Vec<u8> {
    let out = hookctl().arg("show").args(args).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn validate_json(args: &[&std::ffi::OsStr]) -> (i32, Value, String) {
    let (code, out, err) = run(hookctl().arg("validate").args(args).args(["-o", "json"]).timeout(BOUND));
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, report, err)
}

fn sources(report: &Value) -> Vec<String> {
    let mut s: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s
}

/// The line of a refusal, checked: exit 2, nothing on stdout, one error line that names `needles`
/// (followed by clap's tips when clap found the mistake).
fn refused(cmd: &mut assert_cmd::Command, needles: &[&str]) -> String {
    let (code, out, err) = run(cmd.timeout(BOUND));
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "nothing on stdout: {out}");
    let line = common::error_line(&err);
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(line.contains(n), "names {n:?}: {err}");
    }
    err
}

// ------------------------------------------------------------------ directories

#[test]
fn link_loops_in_a_directory_are_not_followed_and_each_file_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("captures");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    write(&root, "a.json", &show(&["eva-service", "--response"]));
    write(&root, "b.json", &show(&["handoff-create"]));
    write(&root.join("sub"), "c.json", &show(&["agent-online"]));
    // Two links back to the directory itself, one up from below, and a second name for a file.
    symlink(".", root.join("loop")).unwrap();
    symlink(".", root.join("loop2")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    symlink("a.json", root.join("same.json")).unwrap();

    let (code, report, err) = validate_json(&[root.as_os_str()]);
    assert_eq!(code, 0, "{report:#}\n{err}");
    let root_s = root.display().to_string();
    assert_eq!(
        sources(&report),
        [format!("{root_s}/a.json"), format!("{root_s}/b.json"), format!("{root_s}/sub/c.json")],
        "each file once, under its first name"
    );
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["summary"]["valid"], 3);
    // The links to directories are said, one line each, and not followed.
    for link in ["loop", "loop2", "sub/up"] {
        let line =
            err.lines().find(|l| l.contains(&format!("{root_s}/{link}:"))).unwrap_or_else(|| panic!("{err}"));
        assert!(line.contains("link to a directory, not followed"), "{line}");
    }
    assert_eq!(report["summary"]["skipped"], 3);

    // A file given by name and found again in the directory is read once.
    let a = root.join("a.json");
    let (code, report, _) = validate_json(&[a.as_os_str(), root.as_os_str(), a.as_os_str()]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files"], 3, "{report:#}");
}

#[test]
fn a_tree_is_reported_in_the_order_of_its_paths() {
    // Names that sort differently as whole strings and as paths: "a/z.json" comes before
    // "a.json" as a path (component "a" < "a.json"), after it as a string ('/' > '.').
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let names = ["b.json", "a/z.json", "ab.json", "a.json", "a/b/c.json", "b/a.json", "a-b.json", "a/a.json"];
    let doc = show(&["handoff-create"]);
    for name in names {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &doc).unwrap();
    }
    let (code, report, err) = validate_json(&[root.as_os_str()]);
    assert_eq!(code, 0, "{report:#}\n{err}");
    let mut want: Vec<PathBuf> = names.iter().map(|n| root.join(n)).collect();
    want.sort();
    let want: Vec<String> = want.iter().map(|p| p.display().to_string()).collect();
    let got: Vec<&str> =
        report["files"].as_array().unwrap().iter().map(|f| f["source"].as_str().unwrap()).collect();
    assert_eq!(got, want);
}

/// More entries that are not read than the queues between the threads hold, before and after
/// the only document: the walk goes on while they wait, and the results keep the order of the names.
#[test]
fn a_directory_of_many_skipped_entries_and_one_document_is_walked_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1200 {
        mkfifo(&dir.path().join(format!("p{i:04}.json")));
    }
    write(dir.path(), "p0600-doc.json", &show(&["handoff-create"]));
    write(dir.path(), "q-broken.json", b"{");
    let (code, report, err) = validate_json(&[dir.path().as_os_str()]);
    assert_eq!(code, 2, "the broken one is an input error: {err}");
    assert_eq!(report["summary"]["skipped"], 1200, "{}", report["summary"]);
    assert_eq!(report["summary"]["valid"], 1, "{}", report["summary"]);
    let at = |name: &str| dir.path().join(name).display().to_string();
    assert_eq!(sources(&report), [at("p0600-doc.json"), at("q-broken.json")]);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped[0]["source"], at("p0000.json"));
    assert_eq!(skipped[1199]["source"], at("p1199.json"));
}

#[test]
fn a_fifo_in_a_directory_is_skipped_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.json", &show(&["handoff-create"]));
    mkfifo(&dir.path().join("x.json"));
    let (code, report, err) = validate_json(&[dir.path().as_os_str()]);
    assert_eq!(code, 0, "the rest is validated, and a skipped entry is no failure: {err}");
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["valid"], 1);
    assert_eq!(report["summary"]["skipped"], 1);
    assert_eq!(report["skipped"][0]["source"], dir.path().join("x.json").display().to_string());
    let notice: Vec<&str> = err.lines().filter(|l| l.contains("x.json")).collect();
    assert_eq!(notice.len(), 1, "{err}");
    assert!(
        notice[0].starts_with("warning:") && notice[0].contains("FIFO") && notice[0].contains("skipped"),
        "{err}"
    );

    // Text output says it too, in its summary.
    let (code, out, _) = run(hookctl().arg("validate").arg(dir.path()).timeout(BOUND));
    assert_eq!(code, 0);
    assert!(out.contains("1 skipped"), "{out}");

    // A directory of which nothing could be validated is not a success.
    let only = tempfile::tempdir().unwrap();
    mkfifo(&only.path().join("x.json"));
    let (code, _, err) = run(hookctl().arg("validate").arg(only.path()).timeout(BOUND));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no .json files") && err.contains("1 skipped"), "{err}");
}

#[test]
fn a_fifo_named_explicitly_is_read() {
    // As `validate <(curl ...)` gives it: the user named it, so it is read, under the cap.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("answer.json");
    mkfifo(&fifo);
    let body = show(&["eva-service", "--response"]);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, body).unwrap())
    };
    let (code, report, err) = validate_json(&[fifo.as_os_str()]);
    writer.join().unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["summary"]["valid"], 1);
}

// ------------------------------------------------------------------ sizes

#[test]
fn a_document_over_max_size_is_refused_naming_it_and_one_at_the_cap_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let body = show(&["handoff-create"]);
    let file = write(dir.path(), "event.json", &body);
    let n = body.len();
    let at_cap = n.to_string();
    let under = (n - 1).to_string();

    let (code, out, err) = run(hookctl().arg("validate").arg(&file).args(["--max-size", &at_cap]));
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(hookctl().arg("validate").arg(&file).args(["--max-size", &under]));
    assert_eq!(code, 2, "{err}");
    let line = err.lines().next().unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        line.contains("event.json")
            && line.contains("--max-size")
            && line.contains(&format!("{under} bytes")),
        "{line}"
    );
    // The other files are still validated.
    let other = write(dir.path(), "other.json", &show(&["agent-online"]));
    let (code, report, _) =
        validate_json(&[file.as_os_str(), other.as_os_str(), "--max-size".as_ref(), under.as_ref()]);
    assert_eq!(code, 2);
    assert_eq!(report["summary"]["valid"], 1);
    assert_eq!(report["summary"]["unreadable"], 1);

    // Standard input is capped the same way.
    let (code, _, err) =
        run(hookctl().args(["validate", "-", "--max-size", &under]).write_stdin(body.clone()));
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>") && err.contains("--max-size"), "{err}");
    let (code, _, err) =
        run(hookctl().args(["validate", "-", "--max-size", &at_cap]).write_stdin(body.clone()));
    assert_eq!(code, 0, "{err}");

    // Sizes take units.
    let (code, _, err) = run(hookctl().arg("validate").arg(&file).args(["--max-size", "1MiB"]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(hookctl().arg("validate").arg(&file).args(["--max-size", "1KB"]));
    assert_eq!(code, 2, "{n} bytes is over 1000: {err}");
}

#[test]
fn an_endless_input_hits_the_default_cap() {
    let (code, out, err) = run(hookctl().args(["validate", "/dev/zero", "-o", "json"]).timeout(BOUND));
    assert_eq!(code, 2, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["summary"]["unreadable"], 1);
    assert!(err.contains("/dev/zero") && err.contains("--max-size (64 MiB)"), "{err}");
    let (code, _, err) =
        run(hookctl().args(["send", "--data", "/dev/zero", "--max-size", "1000"]).timeout(BOUND));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--data /dev/zero") && err.contains("--max-size (1000 bytes)"), "{err}");
}

#[test]
fn max_size_must_be_a_size() {
    for bad in ["0", "ten", "10XB", "-5", "0.5B", ".5MiB"] {
        refused(hookctl().args(["validate", "-", &format!("--max-size={bad}")]), &["--max-size", bad]);
    }
}

#[test]
fn send_data_over_max_size_is_refused_and_nothing_is_sent() {
    let server = Server::ok();
    let dir = tempfile::tempdir().unwrap();
    let body = show(&["handoff-create"]);
    let file = write(dir.path(), "my-event.json", &body);
    let under = (body.len() - 1).to_string();
    refused(
        hookctl().args(["send", "--url", &server.url(), "--max-size", &under, "--data"]).arg(&file),
        &["--data", "my-event.json", "--max-size"],
    );
    assert!(server.requests().is_empty());
    let (code, out, err) = run(hookctl()
        .args(["send", "--url", &server.url(), "--max-size", &body.len().to_string(), "--data"])
        .arg(&file));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(server.requests()[0].json(), serde_json::from_slice::<Value>(&body).unwrap(), "sent as read");
}

// ------------------------------------------------------------------ flags

#[test]
fn expect_status_outside_100_to_599_is_a_usage_error() {
    let server = Server::ok();
    for bad in ["0", "42", "99", "600", "1000"] {
        refused(
            hookctl().args(["send", "agent-online", "--url", &server.url(), "--expect-status", bad]),
            &["--expect-status", bad],
        );
    }
    assert!(server.requests().is_empty(), "a refused flag sends nothing");
}

#[test]
fn headers_hookctl_writes_itself_are_refused() {
    let server = Server::ok();
    for (spec, name) in [
        ("Host: example.test", "Host"),
        ("content-length: 5", "content-length"),
        ("Transfer-Encoding: chunked", "Transfer-Encoding"),
    ] {
        let err = refused(
            hookctl().args(["send", "agent-online", "--url", &server.url(), "-H", spec]),
            &["-H", name],
        );
        assert!(err.contains("hookctl sets"), "{err}");
    }
    // From a Botpress configuration too.
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "hitlnext.json",
        json!({"eventsWebHook": {"url": server.url(), "headers": {"Host": "example.test"}}})
            .to_string()
            .as_bytes(),
    );
    refused(
        hookctl().args(["send", "agent-online", "--botpress-config"]).arg(&cfg),
        &["hitlnext.json", "eventsWebHook.headers.Host"],
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_header_value_with_a_line_break_is_refused_and_shown_escaped() {
    let server = Server::ok();
    let err = refused(
        hookctl().args([
            "send",
            "agent-online",
            "--url",
            &server.url(),
            "-H",
            "X-Tenant: acme\r\nX-Injected: 1",
        ]),
        &["-H", "x-tenant", "line break", r#""acme\r\nX-Injected: 1""#],
    );
    assert!(!err.contains('\r'), "no raw CR on the terminal: {err:?}");
    // A value that looks secret is not shown, even escaped.
    let err = refused(
        hookctl().args([
            "send",
            "agent-online",
            "--url",
            &server.url(),
            "-H",
            "Authorization: Bearer s3cret\nX: 1",
        ]),
        &["authorization", "line break"],
    );
    assert!(!err.contains("s3cret"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_set_pointer_with_a_bad_escape_is_refused() {
    let server = Server::ok();
    for (spec, bad) in [("/payload/a~2b=1", "~2"), ("/payload/a~=1", "'~'")] {
        refused(
            hookctl().args(["send", "handoff-create", "--url", &server.url(), "--set", spec]),
            &["--set", bad],
        );
    }
    assert!(server.requests().is_empty());
    // ~0 and ~1 are the escapes for ~ and /.
    let (code, _, err) = run(hookctl().args([
        "send",
        "handoff-create",
        "--url",
        &server.url(),
        "--set",
        "/payload/a~1b~0c=1",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(server.requests()[0].json()["payload"]["a/b~c"], 1);
}

// ------------------------------------------------------------------ suites

#[test]
fn suite_numbers_out_of_range_name_the_line_of_their_key() {
    let dir = tempfile::tempdir().unwrap();
    // The case starts on line 4; its name is on line 5; the key under test is on line 8.
    let case = |key: &str| {
        format!(
            "[defaults]\nurl = \"http://127.0.0.1:9/\"\n\n[[case]]\nname = \"a\"\nevent = \"eva-service\"\n\n{key}\n"
        )
    };
    let cases = [
        (case("timeout = nan"), ":8:", "timeout"),
        (case("timeout = inf"), ":8:", "timeout"),
        (case("timeout = -1"), ":8:", "timeout"),
        (case("timeout = 0"), ":8:", "timeout"),
        (case("timeout = 1e12"), ":8:", "timeout"),
        (case("seed = -1"), ":8:", "seed"),
        (case("seed = 1.5"), ":8:", "seed"),
        (case("[case.expect]\nmax_latency_ms = nan"), ":9:", "expect.max_latency_ms"),
        (case("[case.expect]\nmax_latency_ms = -inf"), ":9:", "expect.max_latency_ms"),
        (case("[case.expect]\nmax_latency_ms = -5"), ":9:", "expect.max_latency_ms"),
        (case("[case.expect]\nmax_latency_ms = 1e300"), ":9:", "expect.max_latency_ms"),
        (case("[case.expect]\nstatus = 600"), ":9:", "expect.status"),
        (case("[case.expect]\nstatus = 99"), ":9:", "expect.status"),
        ("[defaults]\nurl = \"http://127.0.0.1:9/\"\ntimeout = nan\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n".into(), ":3:", "defaults.timeout"),
    ];
    for (n, (content, line, key)) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("s{n}.toml"), content.as_bytes());
        let err = refused(hookctl().arg("test").arg(&path), &[&format!("s{n}.toml{line}"), key]);
        assert!(!err.contains("panicked"), "{content}: {err}");
    }
}

#[test]
fn suite_headers_are_checked_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let base =
        "[defaults]\nurl = \"http://127.0.0.1:9/\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n";
    for (n, (headers, needles)) in [
        ("[case.headers]\nHost = \"example.test\"", &["headers.Host", "hookctl sets"][..]),
        ("[case.headers]\nX-A = \"b\\r\\nX-B: c\"", &["headers.X-A", r#""b\r\nX-B: c""#][..]),
    ]
    .into_iter()
    .enumerate()
    {
        let path = write(dir.path(), &format!("h{n}.toml"), format!("{base}{headers}\n").as_bytes());
        let mut all = vec![format!("h{n}.toml:8:")];
        all.extend(needles.iter().map(|s| s.to_string()));
        refused(hookctl().arg("test").arg(&path), &all.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

// ------------------------------------------------------------------ replay

/// A capture record as `listen --save` writes it, for a body.
fn record(index: u64, body: &[u8]) -> Value {
    json!({
        "index": index,
        "time": "2024-05-02T10:00:00.000Z",
        "method": "POST",
        "path": "/hook",
        "headers": [["content-type", "application/json"], ["x-tenant", "acme"]],
        "body": String::from_utf8(body.to_vec()).unwrap(),
        "bytes": body.len(),
        "answer": {"status": 200}
    })
}

fn capture(dir: &Path, name: &str, records: &[Value]) -> PathBuf {
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    write(dir, name, text.as_bytes())
}

#[test]
fn the_requests_of_one_capture_are_many_documents_each_valid_one_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let body = show(&["handoff-create"]);
    let cap = capture(dir.path(), "one.jsonl", &[record(1, &body), record(2, &body)]);
    let (code, out, err) = run(hookctl().arg("validate").arg(&cap));
    assert_eq!(code, 0, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "a line each, then the summary: {out}");
    assert!(lines[0].ends_with("one.jsonl:1  botpress-event  valid"), "{out}");
    assert!(lines[1].ends_with("one.jsonl:2  botpress-event  valid"), "{out}");
    // -v shows each in full, with the fields that matter.
    let (_, out, _) = run(hookctl().arg("validate").arg(&cap).arg("-v"));
    assert!(out.lines().any(|l| l.trim_start().starts_with("userThreadId ")), "{out}");
}

#[test]
fn a_record_with_no_body_or_a_bad_method_names_its_line() {
    let server = Server::ok();
    let dir = tempfile::tempdir().unwrap();
    let body = show(&["agent-online"]);
    let good = record(1, &body);
    let mut no_body = record(2, &body);
    no_body.as_object_mut().unwrap().remove("body");
    let cap = capture(dir.path(), "nobody.jsonl", &[good.clone(), no_body]);
    refused(
        hookctl().arg("replay").arg(&cap).args(["--url", &server.url(), "--strict"]),
        &["nobody.jsonl:2:", "record has no body"],
    );
    for method in ["GE T", "", "POST\r\n", "{}"] {
        let mut bad = record(2, &body);
        bad["method"] = json!(method);
        // A blank line before it: the line is the file's, not the record's.
        let cap = write(dir.path(), "method.jsonl", format!("{good}\n\n{bad}\n").as_bytes());
        refused(
            hookctl().arg("replay").arg(&cap).args(["--url", &server.url(), "--strict"]),
            &["method.jsonl:3:", "method"],
        );
    }
    assert!(server.requests().is_empty(), "a bad capture sends nothing");
}

#[test]
fn a_capture_record_over_max_size_is_refused_naming_its_line() {
    let server = Server::ok();
    let dir = tempfile::tempdir().unwrap();
    let small = record(1, &show(&["agent-online"]));
    let big = record(2, &show(&["handoff-create"]));
    let cap = capture(dir.path(), "cap.jsonl", &[small.clone(), big.clone()]);
    let cap_size = big.to_string().len();
    refused(
        hookctl().arg("replay").arg(&cap).args([
            "--url",
            &server.url(),
            "--max-size",
            &(cap_size - 1).to_string(),
            "--strict",
        ]),
        &["cap.jsonl:2:", "--max-size"],
    );
    assert!(server.requests().is_empty());
    let (code, out, err) = run(hookctl().arg("replay").arg(&cap).args([
        "--url",
        &server.url(),
        "--max-size",
        &cap_size.to_string(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(server.requests().len(), 2);
    // An endless stream stops at the cap.
    refused(
        hookctl().args(["replay", "/dev/zero", "--url", &server.url()]),
        &["/dev/zero:1:", "--max-size (64 MiB)"],
    );
}

#[test]
fn a_captured_header_dropped_for_bad_bytes_is_reported() {
    let server = Server::ok();
    let dir = tempfile::tempdir().unwrap();
    let mut rec = record(1, &show(&["agent-online"]));
    rec["headers"].as_array_mut().unwrap().push(json!(["x-broken", "a\r\nb"]));
    rec["headers"].as_array_mut().unwrap().push(json!(["bad name", "x"]));
    let cap = capture(dir.path(), "cap.jsonl", &[rec]);
    let (code, out, err) =
        run(hookctl().arg("replay").arg(&cap).args(["--url", &server.url(), "-o", "json"]));
    assert_eq!(code, 0, "the request is still replayed: {out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let notes: Vec<&str> = report["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(
        notes.iter().any(|n| n.contains("x-broken") && n.contains(r"a\r\nb") && n.contains("not replayed")),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.contains("'bad name'") && n.contains("not replayed")), "{notes:?}");
    let got = server.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-tenant"), Some("acme"), "the good headers are replayed");
    assert_eq!(got[0].header("x-broken"), None);
    // Text output says it on stderr.
    let (code, _, err) = run(hookctl().arg("replay").arg(&cap).args(["--url", &server.url()]));
    assert_eq!(code, 0);
    assert!(err.lines().any(|l| l.starts_with("note:") && l.contains("x-broken")), "{err}");
}

#[test]
fn each_request_of_a_capture_is_judged_as_its_body_alone_whatever_its_stored_conversation_holds() {
    let dir = tempfile::tempdir().unwrap();
    let create: Value = serde_json::from_slice(&show(&["handoff-create", "--compact"])).unwrap();
    let mut deep = create.clone();
    deep["payload"]["userConversation"]["event"] = json!({"state": {"any": [[{"x": null}]]}});
    let mut wrong = create.clone();
    wrong["payload"]["userConversation"]["event"] = json!("not an object");
    let mut agent = create.clone();
    agent["resource"] = json!("agent");
    let bodies: Vec<Vec<u8>> =
        [create, deep, wrong, agent].iter().map(|b| b.to_string().into_bytes()).collect();
    let records: Vec<Value> = bodies.iter().enumerate().map(|(i, b)| record(i as u64 + 1, b)).collect();
    let cap = capture(dir.path(), "events.jsonl", &records);
    // In brief (text, many documents) nothing of the stored conversation's event is built.
    let (code, brief, _) = run(hookctl().arg("validate").arg(&cap));
    assert_eq!(code, 1, "{brief}");
    for (i, body) in bodies.iter().enumerate() {
        let file = write(dir.path(), &format!("{i}.json"), body);
        let (alone_code, alone, _) = run(hookctl().arg("validate").arg(&file));
        let label = format!("events.jsonl:{}", i + 1);
        let head = brief.lines().find(|l| l.contains(&label)).unwrap_or_else(|| panic!("{label}: {brief}"));
        assert_eq!(head.contains("  valid"), alone_code == 0, "{label}: {head}\n{alone}");
        // The findings under it are the body's own, word for word.
        let under = |out: &str, start: &str| -> Vec<String> {
            out.lines()
                .skip_while(|l| !l.contains(start))
                .skip(1)
                .take_while(|l| l.starts_with("    "))
                .map(String::from)
                .collect()
        };
        let alone_findings = under(&alone, &file.display().to_string());
        let brief_findings = under(&brief, &label);
        let findings = |f: &[String]| {
            f.iter().filter(|l| !l.trim_start().starts_with("note:")).cloned().collect::<Vec<_>>()
        };
        if alone_code != 0 {
            assert_eq!(findings(&brief_findings), findings(&alone_findings), "{label}");
        }
    }
    assert_eq!(brief.lines().filter(|l| l.contains("  valid")).count(), 2, "{brief}");
    // In JSON, each request's findings are those of its body judged whole, parsed into a tree with
    // nothing left out.
    let (_, out, err) = run(hookctl().arg("validate").arg(&cap).args(["-o", "json"]));
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
    for (i, body) in bodies.iter().enumerate() {
        let doc: Value = serde_json::from_slice(body).unwrap();
        let kind = hookctl::catalogue::Kind::BotpressEvent;
        let whole = hookctl::contract::check(kind, &doc, hookctl::contract::Context::default());
        let whole = serde_json::to_value(&whole).unwrap();
        for key in ["valid", "errors", "warnings"] {
            assert_eq!(report["files"][i][key], whole[key], "request {}, {key}", i + 1);
        }
    }
}
