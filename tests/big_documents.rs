//! Big documents: `validate` judges them without building the parts of the tree nothing reads
//! inside (shown from their text), and must say exactly what it says of them parsed whole. The
//! real binary, every time; what is expected is worked out from the whole tree here.

mod common;

use std::path::{Path, PathBuf};

use common::{hookctl, run};
use hookctl::contract::snippet;
use serde_json::{Value, json};

/// A context of a conversation's history, a little over `bytes` long as text.
fn history(bytes: usize) -> Value {
    let entry =
        |i: usize| json!({"at": "2024-01-01T00:00:00Z", "intent": format!("intent_{}", i % 97), "n": i});
    let one = serde_json::to_vec(&entry(0)).unwrap().len() + 1;
    json!({"history": (0..bytes / one + 1).map(entry).collect::<Vec<_>>()})
}

/// How big a big document is here.
const BIG: usize = 1 << 20;

/// A service-cell answer with a context bigger than a field shown from its text.
fn big_answer() -> Value {
    json!({
        "option": "CLIENT",
        "openContext": {"channel": "web"},
        "visibleContext": {},
        "hiddenContext": history(BIG + 1000)
    })
}

fn write(dir: &Path, doc: &[u8]) -> PathBuf {
    assert!(doc.len() > BIG && BIG > hookctl::validate::BIG_FIELD, "big enough to be shown from its text");
    let path = dir.join("big.json");
    std::fs::write(&path, doc).unwrap();
    path
}

/// The eva request the answers answer, and the file it is written to in `dir`.
fn eva_request(dir: &Path) -> (Value, PathBuf) {
    let request = hookctl::catalogue::event("eva-service").unwrap().fixture();
    let path = dir.join("request.json");
    std::fs::write(&path, serde_json::to_vec(&request).unwrap()).unwrap();
    (request, path)
}

/// The `-o json` report of an answer validated with `--request`, which must pass. Bounded, so
/// that a judgement that does not end fails rather than hangs.
fn judged_with(request: &Path, answer: &Path) -> Value {
    let (code, out, err) = run(hookctl()
        .args(["validate", "-o", "json", "--request"])
        .arg(request)
        .arg(answer)
        .timeout(std::time::Duration::from_secs(120)));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn validate(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    run(hookctl().arg("validate").args(args))
}

#[test]
fn a_big_valid_answer_is_judged_and_shown_as_its_tree_would_be() {
    let dir = tempfile::tempdir().unwrap();
    let doc = big_answer();
    let path = write(dir.path(), &serde_json::to_vec(&doc).unwrap());
    let (code, out, err) = validate(&[path.as_os_str()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.lines().next().unwrap().ends_with("eva-service-response  valid  (option not checked against expectedOptions: pass --request or --expected-options; hiddenContext leaks not checked: pass --request)"), "{out}");
    // The fields, each as the whole tree shows it.
    let fields: Vec<String> = out.lines().skip(1).take(4).map(str::to_string).collect();
    assert_eq!(
        fields,
        [
            "    option          CLIENT".to_string(),
            format!("    openContext     {}", snippet(&doc["openContext"])),
            "    visibleContext  {}".to_string(),
            format!("    hiddenContext   {}", snippet(&doc["hiddenContext"])),
        ],
        "{out}"
    );
    assert!(fields[3].ends_with('…') && fields[3].contains(r#"{"history":[{"at":"#), "{out}");

    // In JSON, the big context is written out whole, as the tree is written.
    let (code, out, err) = validate(&["-o".as_ref(), "json".as_ref(), path.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["valid"], true);
    assert_eq!(file["fields"], doc, "every field, the big one whole");
    let keys: Vec<&str> = file["fields"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["option", "openContext", "visibleContext", "hiddenContext"]);
    let pretty = serde_json::to_string_pretty(&doc["hiddenContext"]).unwrap().replace('\n', "\n        ");
    assert!(
        out.contains(&format!("\"hiddenContext\": {pretty}\n      }}\n    }}\n  ]")),
        "indented as the rest"
    );

    // From standard input too.
    let (code, stdin_out, err) =
        run(hookctl().args(["validate", "-o", "json", "-"]).write_stdin(serde_json::to_vec(&doc).unwrap()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdin_out.replace("<stdin>", &path.display().to_string()), out);
}

#[test]
fn a_big_invalid_answer_points_at_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    // An option that is not a string, beside a big context.
    let mut doc = big_answer();
    doc["option"] = json!(3);
    let path = write(dir.path(), &serde_json::to_vec(&doc).unwrap());
    let (code, out, _) = validate(&["-o".as_ref(), "json".as_ref(), path.as_os_str()]);
    assert_eq!(code, 1, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["files"][0]["errors"],
        json!([{"pointer": "/option", "message": "3 is not of type \"string\"", "expected": "type \"string\"", "found": "3"}])
    );
    assert_eq!(report["files"][0]["fields"]["hiddenContext"], doc["hiddenContext"]);

    // A big context of the wrong type: the error shows what was found.
    let mut doc = big_answer();
    doc["hiddenContext"] = doc["hiddenContext"]["history"].take();
    let path = write(dir.path(), &serde_json::to_vec(&doc).unwrap());
    let (code, out, _) = validate(&["-o".as_ref(), "json".as_ref(), path.as_os_str()]);
    assert_eq!(code, 1, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let errors = report["files"][0]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["pointer"], "/hiddenContext");
    assert_eq!(errors[0]["expected"], "type \"object\"");
    assert_eq!(errors[0]["found"], snippet(&doc["hiddenContext"]));
    assert!(errors[0]["message"].as_str().unwrap().ends_with("is not of type \"object\""));
    let (code, out, _) = validate(&["-q".as_ref(), path.as_os_str()]);
    assert_eq!(code, 1);
    assert!(out.contains("invalid (1 error)") && out.contains("/hiddenContext"), "{out}");
}

#[test]
fn a_key_given_twice_in_a_big_context_is_shown_once_with_its_last_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::to_string(&big_answer()).unwrap();
    // `{"hiddenContext":{"twice":1,"twice":2,"history":...`, as a parsed tree keeps it.
    let text = text.replacen(r#""hiddenContext":{"#, r#""hiddenContext":{"twice":1,"twice":2,"#, 1);
    let tree: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(tree["hiddenContext"]["twice"], 2);
    let path = write(dir.path(), text.as_bytes());
    let (code, out, _) = validate(&["-o".as_ref(), "json".as_ref(), path.as_os_str()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("\"twice\"").count(), 1, "shown once");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"][0]["fields"]["hiddenContext"], tree["hiddenContext"]);
}

#[test]
fn a_big_document_that_does_not_parse_says_where_as_parsing_it_whole_does() {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::to_string(&big_answer()).unwrap();
    // A number no tree can hold, deep inside the big context or in a value given up for a later
    // one of the same key, and a small mistake at the end.
    for bad in [
        text.replacen(r#""n":4000"#, r#""n":4e400"#, 1),
        // In a document of no known kind too.
        text.replacen(r#""n":4000"#, r#""n":4e400"#, 1)
            .replacen(r#""option":"CLIENT","#, "", 1)
            .replace("Context", "Ctx"),
        text.replacen('{', r#"{"hiddenContext":[4e400],"#, 1),
        format!("{}x", &text),
    ] {
        let path = write(dir.path(), bad.as_bytes());
        let reason = serde_json::from_str::<Value>(&bad).unwrap_err().to_string();
        let (code, out, err) = validate(&[path.as_os_str()]);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains(&format!("{}: not valid JSON: {reason}", path.display())), "{err}");
    }
}

#[test]
fn a_readable_context_of_a_big_answer_is_still_compared_with_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let (request, request_path) = eva_request(dir.path());
    let (key, value) = request["hiddenContext"].as_object().unwrap().iter().next().unwrap();
    // The hidden value copied into a big readable context. (The hidden context is small: every
    // value held in it is looked for in every readable one.)
    let mut doc = big_answer();
    doc["option"] = request["expectedOptions"][0].clone();
    doc["openContext"] = history(BIG + 1000);
    doc["openContext"][key] = value.clone();
    doc["hiddenContext"] = json!({"channel": "web"});
    let path = write(dir.path(), &serde_json::to_vec(&doc).unwrap());
    let report = judged_with(&request_path, &path);
    let warnings = report["files"][0]["warnings"].as_array().unwrap();
    let leak = format!("/openContext/{key}");
    assert!(warnings.iter().any(|w| w["pointer"] == leak.as_str()), "{warnings:#?}");
    assert_eq!(report["files"][0]["fields"]["openContext"], doc["openContext"]);
}

#[test]
fn a_big_hidden_context_is_judged_as_it_is_with_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let (request, request_path) = eva_request(dir.path());
    assert!(request["hiddenContext"].as_object().is_some_and(|o| !o.is_empty()), "the request holds some");
    let mut doc = big_answer();
    doc["option"] = request["expectedOptions"][0].clone();
    let path = write(dir.path(), &serde_json::to_vec(&doc).unwrap());
    let report = judged_with(&request_path, &path);
    let warnings = &report["files"][0]["warnings"];
    // Not said to empty its hidden context: it holds the history.
    assert!(!warnings.as_array().unwrap().iter().any(|w| w["pointer"] == "/hiddenContext"), "{warnings:#}");
    let ctx = hookctl::contract::Context { request: Some(&request), ..Default::default() };
    let whole = hookctl::contract::check(hookctl::catalogue::Kind::EvaServiceResponse, &doc, ctx);
    assert_eq!(*warnings, serde_json::to_value(&whole.warnings).unwrap(), "as the whole tree is judged");
}

#[test]
fn every_value_of_a_big_hidden_context_is_looked_for_in_a_big_readable_one() {
    let dir = tempfile::tempdir().unwrap();
    let (request, request_path) = eva_request(dir.path());
    // Tens of thousands of values held (dates, intents, counts), and as many strings a channel can
    // read, of which one is a held value.
    let mut doc = big_answer();
    doc["option"] = request["expectedOptions"][0].clone();
    let letters =
        |i: usize| (0..4).map(|d| char::from(b'a' + (i / 26usize.pow(d) % 26) as u8)).collect::<String>();
    let log: Vec<String> = (0..20_000).map(|i| format!("Step {} done", letters(i))).collect();
    doc["openContext"] = json!({"log": log, "copied": "intent_42"});
    let path = write(dir.path(), &serde_json::to_vec(&doc).unwrap());
    let report = judged_with(&request_path, &path);
    let warnings = report["files"][0]["warnings"].as_array().unwrap();
    let in_open: Vec<&Value> = warnings
        .iter()
        .filter(|w| w["pointer"].as_str().is_some_and(|p| p.starts_with("/openContext")))
        .collect();
    assert_eq!(in_open.len(), 1, "{in_open:#?}");
    assert_eq!(in_open[0]["pointer"], "/openContext/copied");
    assert!(
        in_open[0]["message"].as_str().unwrap().contains("the answer's hiddenContext.history["),
        "{in_open:#?}"
    );
}
