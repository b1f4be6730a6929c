//! `hookctl listen -o json`: every line on stdout says what it is, run as the real binary.

mod common;

use common::{Listener, hookctl, post_raw, run};

#[test]
fn every_json_line_of_listen_has_the_format_and_then_a_type() {
    let listener = Listener::start(&["--require-header", "X-Team"]);
    // A request of each sort the listener tells apart: refused for its header, valid, not JSON.
    let (code, _, err) = run(hookctl().args(["send", "handoff-create", "--url", &listener.url]));
    assert_eq!(code, 1, "answered 401 without the header: {err}");
    let (code, _, err) =
        run(hookctl().args(["send", "eva-service", "-H", "X-Team: a", "--url", &listener.url]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(post_raw(&listener.addr, "/raw", b"not json"), 401);
    let lines = listener.stop();
    let types: Vec<&str> = lines
        .iter()
        .map(|l| l["type"].as_str().unwrap_or_else(|| panic!("a line with no type: {l}")))
        .collect();
    assert_eq!(types, ["request", "request", "request", "summary"], "{lines:#?}");
    for line in &lines {
        let first = line.as_object().and_then(|o| o.iter().next());
        assert_eq!(first, Some((&"hookctl".to_string(), &serde_json::json!({"format": 1}))), "{line}");
        assert_eq!(line.as_object().unwrap().keys().nth(1).map(String::as_str), Some("type"), "{line}");
    }
    let indexes: Vec<u64> = lines[..3].iter().map(|l| l["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, [1, 2, 3], "each request line is the record");
    assert_eq!(lines[1]["kind"], "eva-service-request");
    assert_eq!(lines[3]["summary"]["requests"], 3, "the summary is where it was: {}", lines[3]);
}
