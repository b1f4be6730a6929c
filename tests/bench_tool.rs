//! The benchmark's own helpers are right: the workload says which of its documents are invalid,
//! as hookctl judges them, and the capture check counts what it should. (The benchmarks
//! themselves are run by `benches/run`, not here: no timing is asserted.)

mod common;

#[path = "../benches/tool/capture_check.rs"]
mod capture_check;
#[path = "../benches/tool/workload.rs"]
mod workload;

use common::{hookctl, run};

#[test]
fn the_workload_labels_each_document_as_hookctl_judges_it() {
    let dir = tempfile::tempdir().unwrap();
    let n = 60;
    let invalid = workload::write(dir.path(), n).unwrap();
    assert_eq!(invalid, 6, "one in ten");
    let (code, out, _) = run(hookctl().args(["validate", "-o", "json"]).arg(dir.path()));
    assert_eq!(code, 1, "invalid documents are contract failures");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), n);
    // Judged on several threads, reported in the order of the inputs (a directory: by name).
    let sources: Vec<&str> = files.iter().map(|f| f["source"].as_str().unwrap()).collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted);
    for f in files {
        let source = f["source"].as_str().unwrap();
        let name = std::path::Path::new(source).file_name().unwrap().to_str().unwrap();
        assert_eq!(f["kind"], "eva-service-response", "{name}");
        let labelled_valid = name.starts_with("valid-");
        assert!(labelled_valid || name.starts_with("invalid-"), "{name}");
        assert_eq!(f["valid"].as_bool(), Some(labelled_valid), "{name}: {f}");
    }
    assert_eq!(report["summary"]["invalid"], 6);
    assert_eq!(report["summary"]["valid"], 54);
}

#[test]
fn the_big_document_is_valid_and_of_the_size_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let bytes = workload::big_document(200_000);
    assert!((180_000..=220_000).contains(&bytes.len()), "{}", bytes.len());
    std::fs::write(&path, bytes).unwrap();
    let (code, _, err) = run(hookctl().args(["validate", "-q"]).arg(&path));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_reader_that_stops_early_stops_validate() {
    // Many documents, and a reader that takes the first bytes and goes: hookctl stops (exit 0,
    // as for any closed pipe) rather than waiting on its own workers.
    let dir = tempfile::tempdir().unwrap();
    workload::write(dir.path(), 3000).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["validate", "-o", "json"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut head = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
    drop(child.stdout.take());
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "validate hung on a closed pipe");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn oha(codes: &str) -> String {
    format!(r#"{{"summary": {{"requestsPerSec": 1.0}}, "statusCodeDistribution": {codes}}}"#)
}

fn line(status: u16) -> String {
    format!(r#"{{"method":"POST","path":"/hook","body":"{{}}","answer":{{"status":{status}}}}}"#) + "\n"
}

#[test]
fn the_capture_check_counts_2xx_answers_and_lines() {
    let capture = [line(200), line(200), line(204)].concat();
    let c = capture_check::count(&capture, &oha(r#"{"200": 2, "204": 1}"#)).unwrap();
    assert_eq!(c, capture_check::CaptureCount { acknowledged: 3, captured_2xx: 3, lines: 3 });
    assert!(c.ok());
    // A request oha saw acknowledged but missing from the capture.
    let c = capture_check::count(&[line(200), line(200)].concat(), &oha(r#"{"200": 3}"#)).unwrap();
    assert!(!c.ok(), "{c:?}");
    // A captured request answered 507 (not saved) is no acknowledgement; oha saw it as 507.
    let c = capture_check::count(&[line(200), line(507)].concat(), &oha(r#"{"200": 1, "507": 1}"#)).unwrap();
    assert_eq!((c.acknowledged, c.captured_2xx, c.lines), (1, 1, 2));
    assert!(!c.ok(), "a line beyond the acknowledged ones is a mismatch");
    // Broken input is an error, not a count.
    assert!(capture_check::count("not json\n", &oha("{}")).is_err());
    assert!(capture_check::count("", "{}").is_err());
}
