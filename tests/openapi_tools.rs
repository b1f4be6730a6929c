//! `hookctl schema --openapi` (and its `--paths` variant) fed to the tools users feed it to, each
//! installed from its registry on first use (tests/common/tools.rs): Redocly and Spectral lint it,
//! Prism mocks each webhook receiver from it, Schemathesis runs its examples against `hookctl
//! listen`, and the TypeScript (openapi-typescript, checked by tsc) and Python
//! (datamodel-code-generator, pydantic) types generated from it accept every fixture hookctl
//! ships. Each tool runs within a bound; one that does not finish is killed and the test fails
//! saying so.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Listener, fixture_path, free_port, hookctl, run, tools};
use serde_json::{Value, json};

const REDOCLY: &str = "@redocly/cli@2.77.0";
const SPECTRAL: &str = "@stoplight/spectral-cli@6.16.3";
const PRISM: &str = "@stoplight/prism-cli@5.16.0";
const OPENAPI_TYPESCRIPT: &str = "openapi-typescript@7.13.0";
const TYPESCRIPT: &str = "typescript@5.9.3";
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
const DATAMODEL_CODEGEN: &str = "datamodel-code-generator==0.103.0";

/// The bound on one run of a tool (installs are not counted: they happen before).
const BOUND: Duration = Duration::from_secs(180);

/// The two outputs: the webhooks alone, and with the receivers' operations.
const VARIANTS: [&[&str]; 2] = [&["--openapi"], &["--openapi", "--paths"]];

fn document(flags: &[&str]) -> Value {
    let (code, out, err) = run(hookctl().arg("schema").args(flags));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    path
}

/// Runs a command to its end, within [`BOUND`]: one that takes longer is killed and fails the test.
fn bounded(cmd: &mut Command, what: &str) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (out, err) = (drain(child.stdout.take().unwrap()), drain(child.stderr.take().unwrap()));
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {} s: killed", BOUND.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

fn drain(mut r: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn npm_tool(package: &str, bin: &str, test: &str) -> Option<PathBuf> {
    tools::ready(tools::npm(package, bin), test)
}

/// Every fixture hookctl ships, with the kind it is: the events and the answers.
fn fixtures() -> Vec<(String, &'static str, Value)> {
    let mut all = Vec::new();
    for e in hookctl::catalogue::EVENTS {
        all.push((e.name.to_string(), e.request.name(), e.fixture()));
        if let (Some(kind), Some(answer)) = (e.response_kind(), e.example_response()) {
            all.push((format!("{}-response", e.name), kind.name(), answer));
        }
    }
    // The files themselves, so that a fixture the catalogue does not name is not left out.
    for dir in ["fixtures/events", "fixtures/responses"] {
        let count = std::fs::read_dir(fixture_path(dir)).unwrap().count();
        let named =
            all.iter().filter(|(n, _, _)| n.ends_with("-response") == dir.ends_with("responses")).count();
        assert_eq!(count, named, "{dir}: every file is a catalogue fixture");
    }
    all
}

// ------------------------------------------------------------------ linters

#[test]
fn redocly_lints_both_documents_without_errors() {
    let test = "redocly_lints_both_documents_without_errors";
    let Some(redocly) = npm_tool(REDOCLY, "redocly", test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let lint = |path: &Path| {
        bounded(Command::new(&redocly).arg("lint").arg(path).current_dir(dir.path()), "redocly lint")
    };
    for flags in VARIANTS {
        let path = write(dir.path(), "openapi.json", &document(flags));
        let out = lint(&path);
        assert!(out.status.success(), "{flags:?}: redocly refused the export:\n{}", text(&out));
    }
    // Not vacuous: the errors it reported before are still errors to it.
    let mut broken = document(&["--openapi"]);
    broken.as_object_mut().unwrap().remove("servers");
    broken["webhooks"]["handoff-create"]["post"].as_object_mut().unwrap().remove("security");
    let out = lint(&write(dir.path(), "broken.json", &broken));
    assert!(!out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("no-empty-servers") && said.contains("security-defined"), "{said}");
}

#[test]
fn spectral_lints_both_documents_without_errors() {
    let test = "spectral_lints_both_documents_without_errors";
    let Some(spectral) = npm_tool(SPECTRAL, "spectral", test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let ruleset = dir.path().join(".spectral.json");
    std::fs::write(&ruleset, r#"{"extends": ["spectral:oas"]}"#).unwrap();
    let lint = |path: &Path| {
        bounded(
            Command::new(&spectral)
                .arg("lint")
                .arg(path)
                .arg("--ruleset")
                .arg(&ruleset)
                .current_dir(dir.path()),
            "spectral lint",
        )
    };
    for flags in VARIANTS {
        let out = lint(&write(dir.path(), "openapi.json", &document(flags)));
        assert!(out.status.success(), "{flags:?}: spectral refused the export:\n{}", text(&out));
    }
    // Not vacuous: an array without items is still an error to it.
    let mut broken = document(&["--openapi"]);
    broken["components"]["schemas"]["content"]["properties"]["content"]
        .as_object_mut()
        .unwrap()
        .remove("items");
    let out = lint(&write(dir.path(), "broken.json", &broken));
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("array-items"), "{}", text(&out));
}

// ------------------------------------------------------------------ Prism and Schemathesis

/// A long-running tool, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a tool and waits (within [`BOUND`]) for a line of its output that contains `ready`.
fn start(cmd: &mut Command, ready: &str, what: &str) -> Running {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (tx, rx) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let running = Running(child);
    let deadline = Instant::now() + BOUND;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(ready) => return running,
            Ok(line) => seen.push(line),
            Err(_) => panic!(
                "{what} was not ready within {} s (killed); it said:\n{}",
                BOUND.as_secs(),
                seen.join("\n")
            ),
        }
    }
}

#[test]
fn prism_mocks_every_webhook_receiver_and_refuses_a_bad_body() {
    let test = "prism_mocks_every_webhook_receiver_and_refuses_a_bad_body";
    let Some(prism) = npm_tool(PRISM, "prism", test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let doc = document(&["--openapi", "--paths"]);
    let path = write(dir.path(), "openapi.json", &doc);
    let port = free_port().to_string();
    let _prism = start(
        Command::new(&prism).args(["mock", "--host", "127.0.0.1", "--port", &port]).arg(&path),
        "Prism is listening",
        "prism mock",
    );
    let base = format!("http://127.0.0.1:{port}");
    for e in hookctl::catalogue::EVENTS {
        let webhook = e.request.webhook().unwrap();
        let url = format!("{base}{}", webhook.example_path);
        let (code, out, err) = run(hookctl().args(["send", e.name, "--url", &url]));
        assert_eq!(code, 0, "{}: prism's mock of {url} did not accept it:\n{out}{err}", e.name);
    }
    // A body that breaks the contract is refused, for each receiver.
    for webhook in hookctl::catalogue::WEBHOOKS {
        let url = format!("{base}{}", webhook.example_path);
        let event = hookctl::catalogue::EVENTS.iter().find(|e| e.request.webhook() == Some(webhook)).unwrap();
        let (code, out, err) =
            run(hookctl().args(["send", event.name, "--url", &url, "--set", "info=3", "--set", "payload=3"]));
        assert_eq!(code, 1, "{}: a broken body accepted by prism's mock:\n{out}{err}", event.name);
        assert!(out.contains("422"), "{out}{err}");
    }
}

/// Runs Schemathesis on the `--paths` document against `hookctl listen ARGS`: the examples, then
/// the coverage and fuzzing phases with valid bodies (the listener answers every body, valid or
/// not: it shows what a platform sends, so refusing invalid ones is not asked of it).
fn schemathesis(st: &Path, listen: &[&str]) -> (Output, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "openapi.json", &document(&["--openapi", "--paths"]));
    let listener = Listener::start(listen);
    let out = bounded(
        Command::new(st)
            .args(["run", "--phases", "examples,coverage,fuzzing", "--mode", "positive", "--checks", "all"])
            .args(["--max-examples", "20", "--generation-deterministic", "--url"])
            .arg(format!("http://{}", listener.addr))
            .arg(&path)
            .env("NO_COLOR", "1")
            .current_dir(dir.path()),
        "schemathesis run",
    );
    (out, listener.stop())
}

#[test]
fn schemathesis_runs_against_listen_and_its_answers_match_the_documented_responses() {
    let test = "schemathesis_runs_against_listen_and_its_answers_match_the_documented_responses";
    let Some(st) = tools::ready(tools::pip(SCHEMATHESIS, "schemathesis"), test) else { return };
    let (out, lines) = schemathesis(&st, &[]);
    assert!(out.status.success(), "schemathesis failed against hookctl listen:\n{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("Examples") && said.contains("Fuzzing") && said.contains("No issues found"),
        "{said}"
    );
    let requests: Vec<&Value> = lines.iter().filter(|l| l["type"] == "request").collect();
    for e in hookctl::catalogue::EVENTS {
        let fixture = e.fixture();
        assert!(
            requests.iter().any(|r| r["body_json"] == fixture),
            "{}: its example was not sent\n{said}",
            e.name
        );
    }
    // Not vacuous: a receiver whose answers break the documented response fails it.
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.json");
    std::fs::write(&answer, r#"{"nothing": "of the contract"}"#).unwrap();
    let (out, _) = schemathesis(&st, &["--respond", answer.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Response violates schema"), "{}", text(&out));
}

// ------------------------------------------------------------------ generated types

#[test]
fn typescript_types_accept_every_fixture() {
    let test = "typescript_types_accept_every_fixture";
    let Some(generate) = npm_tool(OPENAPI_TYPESCRIPT, "openapi-typescript", test) else { return };
    let Some(tsc) = npm_tool(TYPESCRIPT, "tsc", test) else { return };
    for flags in VARIANTS {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "openapi.json", &document(flags));
        let out = bounded(
            Command::new(&generate).arg(&path).args(["-o", "types.ts"]).current_dir(dir.path()),
            "openapi-typescript",
        );
        assert!(out.status.success(), "{flags:?}: openapi-typescript failed:\n{}", text(&out));
        std::fs::write(dir.path().join("check.ts"), typescript_checks(flags.contains(&"--paths"))).unwrap();
        let out = bounded(
            Command::new(&tsc)
                .args(["--noEmit", "--strict", "--target", "es2022", "check.ts"])
                .current_dir(dir.path()),
            "tsc",
        );
        assert!(
            out.status.success(),
            "{flags:?}: the generated types refuse what they must take:\n{}",
            text(&out)
        );
    }
}

/// A TypeScript file that type-checks only if every fixture has its kind's type, payloads are
/// typed per resource and contexts are open objects.
fn typescript_checks(paths: bool) -> String {
    let mut ts = String::from(
        "import type { components, webhooks } from \"./types\";\ntype S = components[\"schemas\"];\n",
    );
    for (i, (name, kind, value)) in fixtures().iter().enumerate() {
        ts.push_str(&format!("// {name}\nexport const fixture{i}: S[\"{kind}\"] = {value};\n"));
    }
    let event = |name: &str| hookctl::catalogue::event(name).unwrap().fixture();
    let mut agent_with_handoff = event("handoff-create");
    agent_with_handoff["resource"] = json!("agent");
    let mut handoff_with_status = event("handoff-create");
    handoff_with_status["payload"] = json!({ "online": true });
    let mut no_info = event("eva-service");
    no_info.as_object_mut().unwrap().remove("info");
    let mut open = event("eva-answer");
    open["hiddenContext"] = json!({ "anything": [1, { "deep": null }], "at": "all" });
    ts.push_str(&format!(
        "// @ts-expect-error an agent event's payload is the agent's status, not a handoff\n\
         export const bad1: S[\"botpress-event\"] = {agent_with_handoff};\n\
         // @ts-expect-error a handoff event's payload is a handoff\n\
         export const bad2: S[\"botpress-event\"] = {handoff_with_status};\n\
         // @ts-expect-error info is required\n\
         export const bad3: S[\"eva-service-request\"] = {no_info};\n\
         export const open: S[\"eva-answer-request\"] = {open};\n\
         export const handoffPayload: S[\"handoff\"] = fixture0.payload as S[\"handoff\"];\n\
         export function status(e: S[\"botpress-event\"]): string {{ return e.resource === \"handoff\" ? e.payload.status : String(e.payload.online); }}\n\
         export type Hooks = webhooks[\"handoff-create\"];\n"
    ));
    if paths {
        ts.push_str(&format!(
            "import type {{ paths }} from \"./types\";\n\
             export const viaPath: paths[\"/eva/service\"][\"post\"][\"requestBody\"][\"content\"][\"application/json\"] = {};\n",
            event("eva-service")
        ));
    }
    ts
}

#[test]
fn python_models_validate_every_fixture() {
    let test = "python_models_validate_every_fixture";
    let Some(codegen) = tools::ready(tools::pip(DATAMODEL_CODEGEN, "datamodel-codegen"), test) else {
        return;
    };
    let python = codegen.parent().unwrap().join("python");
    for flags in VARIANTS {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "openapi.json", &document(flags));
        let out = bounded(
            Command::new(&codegen)
                .arg("--input")
                .arg(&path)
                .args(["--input-file-type", "openapi", "--output-model-type", "pydantic_v2.BaseModel"])
                .args(["--output", "models.py"])
                .current_dir(dir.path()),
            "datamodel-codegen",
        );
        assert!(out.status.success(), "{flags:?}: datamodel-codegen failed:\n{}", text(&out));
        let cases: Vec<Value> = fixtures()
            .into_iter()
            .map(|(name, kind, value)| json!({"name": name, "kind": kind, "value": value}))
            .collect();
        write(dir.path(), "cases.json", &Value::Array(cases));
        std::fs::write(dir.path().join("check.py"), PYTHON_CHECK).unwrap();
        let out = bounded(Command::new(&python).arg("check.py").current_dir(dir.path()), "python check.py");
        assert!(
            out.status.success(),
            "{flags:?}: the generated models refuse what they must take:\n{}",
            text(&out)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("checked 13 fixtures"), "{}", text(&out));
    }
}

/// Validates each fixture with its kind's model (read back unchanged), checks that a payload is
/// the model of its resource, and that a payload of the other resource is refused.
const PYTHON_CHECK: &str = r#"
import copy, json
import models
from pydantic import ValidationError

def model(kind):
    return getattr(models, "".join(p[:1].upper() + p[1:] for p in kind.split("-")))

cases = json.load(open("cases.json"))
for case in cases:
    m = model(case["kind"]).model_validate(case["value"])
    back = m.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert back == case["value"], (case["name"], back)
    if case["kind"] == "botpress-event":
        payload = type(m.root.payload).__name__
        want = {"handoff": "Handoff", "agent": "AgentStatus"}[case["value"]["resource"]]
        assert payload == want, (case["name"], payload)
        wrong = copy.deepcopy(case["value"])
        wrong["payload"] = {"online": True} if wrong["resource"] == "handoff" else {"id": 1}
        try:
            model("botpress-event").model_validate(wrong)
        except ValidationError:
            pass
        else:
            raise AssertionError(case["name"] + ": a payload of the other resource was taken")
    if case["kind"].startswith("eva-") and "openContext" in case["value"]:
        assert isinstance(m.openContext, dict) or m.openContext.model_extra is not None, case["name"]
print("checked %d fixtures" % len(cases))
"#;
