//! Hints for near misses: a failure's note fits the kind of webhook that failed, and a `--set`
//! that adds a top-level field the platform never sends is warned of before sending.

mod common;

use common::{Reply, Server, hookctl, run};
use serde_json::Value;

const SERVICE_NOTE: &str = "eva sends the cell down its error path";
const ANSWER_NOTE: &str = "does not say what becomes of a transactional answer whose webhook fails";

/// `send EVENT` to a server that answers 500: (text output, the status check's note in JSON).
fn failed(event: &str) -> (String, String) {
    let server = Server::start(|_, _| Reply::json(500, serde_json::json!({"error": "down"})));
    let (code, out, err) = run(hookctl().args(["send", event, "--url", &server.url()]));
    assert_eq!(code, 1, "{out}{err}");
    let (code, json, err) = run(hookctl().args(["send", event, "-o", "json", "--url", &server.url()]));
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let status = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "status").unwrap();
    (out, status["note"].as_str().unwrap_or_default().to_string())
}

#[test]
fn a_failed_service_cell_and_a_failed_transactional_answer_get_their_own_notes() {
    let (out, note) = failed("eva-service");
    assert!(out.contains(SERVICE_NOTE) && out.contains("HTTP 460"), "{out}");
    assert!(!out.contains(ANSWER_NOTE), "{out}");
    assert!(note.contains(SERVICE_NOTE) && !note.contains(ANSWER_NOTE), "{note}");

    let (out, note) = failed("eva-answer");
    assert!(out.contains(ANSWER_NOTE), "{out}");
    assert!(!out.contains(SERVICE_NOTE) && !out.contains("HTTP 460"), "{out}");
    assert!(note.contains(ANSWER_NOTE) && !note.contains(SERVICE_NOTE), "{note}");

    // Botpress's own note is unchanged.
    let (out, _) = failed("agent-online");
    assert!(out.contains("Botpress counts anything but 2xx as a failure"), "{out}");
    assert!(!out.contains(SERVICE_NOTE) && !out.contains(ANSWER_NOTE), "{out}");
}

#[test]
fn a_set_of_a_top_level_field_the_platform_never_sends_is_warned_of_and_sent() {
    let server = Server::ok();
    let (_, _, err) = run(hookctl().args(["send", "eva-service", "--set", "foo=1", "--url", &server.url()]));
    assert!(
        err.contains(
            "warning: --set foo: eva never sends a top-level 'foo'; a server that depends on it will not get it from eva"
        ),
        "{err}"
    );
    assert_eq!(server.requests()[0].json()["foo"], 1, "sent as asked");
    // What the other kind adds is not what this one is sent with.
    let (_, _, err) = run(hookctl().args(["send", "eva-service", "--set", "answer=1", "--dry-run"]));
    assert!(err.contains("eva never sends a top-level 'answer'"), "{err}");
    // Botpress's envelope alike.
    let (_, _, err) = run(hookctl().args(["send", "handoff-create", "--set", "userId=7", "--dry-run"]));
    assert!(err.contains("--set userId: Botpress HITL Next never sends a top-level 'userId'"), "{err}");
}

#[test]
fn a_set_of_a_known_field_or_under_one_is_silent() {
    let cases: &[&[&str]] = &[
        &["eva-service", "--set", "text=hi", "--set", "info.foo=2", "--set", "/hiddenContext/id=3"],
        &["eva-answer", "--set", "answer.template=TEXT", "--set", "code=X"],
        &["handoff-create", "--set", "payload.tags=[\"vip\"]", "--set", "botId=b"],
    ];
    for args in cases {
        let server = Server::ok();
        let (_, _, err) = run(hookctl().arg("send").args(*args).args(["--url", &server.url()]));
        assert!(!err.contains("never sends"), "{args:?}: {err}");
        assert!(!err.contains("warning"), "{args:?}: {err}");
        assert_eq!(server.requests().len(), 1, "{args:?}");
    }
}
