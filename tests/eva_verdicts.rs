//! What an eva webhook's owner must hear, from a real server on 127.0.0.1: hidden data wherever a
//! channel can read it, contexts the answer wipes, and hints for near misses; each in both
//! directions (what must warn, and the harmless answer that must stay silent).

mod common;

use common::{Reply, Server, hookctl, run};
use serde_json::{Value, json};

/// A webhook whose answer is the request's contexts echoed, then `edit` applied.
fn webhook(edit: fn(&Value, &mut Value)) -> Server {
    Server::start(move |_, req| {
        let mut answer = json!({
            "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"],
        });
        match req.get("expectedOptions") {
            Some(options) => answer["option"] = options[0].clone(),
            None => answer["answer"] = req["answer"].clone(),
        }
        edit(req, &mut answer);
        Reply::json(200, answer)
    })
}

/// `send EVENT -o json` with a client's document hidden in the request: (exit, warnings' pointers
/// and messages, the report).
fn send(event: &str, server: &Server, more: &[&str]) -> (i32, Vec<(String, String)>, Value) {
    let (code, out, err) = run(hookctl()
        .args(["send", event, "-o", "json", "--url", &server.url()])
        .args(["--set", "hiddenContext.clientInfo={\"document\":\"87237236722\",\"name\":\"Ana Lima\"}"])
        .args(more));
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let warnings = report["verdict"]["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|w| {
                    (w["pointer"].as_str().unwrap().to_string(), w["message"].as_str().unwrap().to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    (code, warnings, report)
}

fn pointers(warnings: &[(String, String)]) -> Vec<&str> {
    warnings.iter().map(|(p, _)| p.as_str()).collect()
}

#[test]
fn hidden_data_is_a_warning_wherever_a_channel_can_read_it() {
    // Deep in visibleContext.
    let s = webhook(|req, a| {
        a["visibleContext"]["client"] = json!({"doc": req["hiddenContext"]["clientInfo"]["document"]})
    });
    let (code, w, report) = send("eva-service", &s, &[]);
    assert_eq!(code, 0, "a warning is not a failure");
    assert_eq!(pointers(&w), ["/visibleContext/client/doc"]);
    assert!(w[0].1.starts_with("← hiddenContext.clientInfo.document: "), "{w:?}");
    assert_eq!(report["verdict"]["warnings"][0]["found"], "<redacted>");
    // Inside a longer string of openContext; in a transactional answer's content and technicalText.
    let s = webhook(|_, a| a["openContext"]["note"] = json!("Ana Lima called today"));
    assert_eq!(pointers(&send("eva-service", &s, &[]).1), ["/openContext/note"]);
    let s = webhook(|_, a| {
        a["answer"]["content"]["content"] = json!("Your document 87237236722 is on file");
        a["answer"]["technicalText"] = json!({"card": "87237236722"});
    });
    let (_, w, _) = send("eva-answer", &s, &[]);
    assert_eq!(pointers(&w), ["/answer/content/content", "/answer/technicalText/card"]);
    // A value the answer itself hides and shows.
    let s = webhook(|_, a| {
        a["hiddenContext"]["token"] = json!("XK-778812");
        a["visibleContext"]["token"] = json!("XK-778812");
    });
    let (_, w, _) = send("eva-service", &s, &[]);
    assert_eq!(pointers(&w), ["/visibleContext/token"]);
    assert!(w[0].1.starts_with("← the answer's hiddenContext.token: "), "{w:?}");
    // --show-secrets shows the value.
    let s =
        webhook(|req, a| a["visibleContext"]["doc"] = req["hiddenContext"]["clientInfo"]["document"].clone());
    let (_, _, report) = send("eva-service", &s, &["--show-secrets"]);
    assert_eq!(report["verdict"]["warnings"][0]["found"], "\"87237236722\"");
}

#[test]
fn harmless_answers_stay_silent() {
    for edit in [
        // The contexts echoed, as a correct webhook does.
        (|_, _| {}) as fn(&Value, &mut Value),
        // Open copied into hidden.
        |req, a| a["hiddenContext"]["copy"] = req["openContext"].clone(),
        // A value the request already let a channel read (its text).
        |req, a| a["visibleContext"]["said"] = req["text"].clone(),
        // A common word, a small count, a boolean.
        |_, a| a["visibleContext"]["tier"] = json!({"segment": "premium", "visits": 42, "vip": true}),
    ] {
        let s = Server::start(move |_, req| {
            let mut answer = json!({"option": "CLIENT", "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"]});
            answer["hiddenContext"]["segment"] = json!("premium");
            edit(req, &mut answer);
            Reply::json(200, answer)
        });
        let (code, w, _) = send("eva-service", &s, &["--set", "hiddenContext.visits=42"]);
        assert_eq!((code, w), (0, vec![]));
    }
}

#[test]
fn a_context_the_answer_empties_or_drops_warns_naming_the_keys_lost() {
    let s = webhook(|_, a| a["visibleContext"] = json!({}));
    let (code, w, _) = send("eva-service", &s, &[]);
    assert_eq!(code, 0);
    assert_eq!(pointers(&w), ["/visibleContext"]);
    assert!(w[0].1.starts_with("the answer empties visibleContext, losing unsafeVarRO"), "{w:?}");
    let s = webhook(|_, a| {
        a.as_object_mut().unwrap().remove("openContext");
    });
    let (_, w, _) = send("eva-service", &s, &[]);
    assert_eq!(pointers(&w), ["/openContext"]);
    assert!(w[0].1.starts_with("the answer drops openContext (it held unsafeVar)"), "{w:?}");
    // A context the request had empty, answered empty: nothing is lost.
    let s = webhook(|_, a| a["visibleContext"] = json!({}));
    let (_, w, _) = send("eva-service", &s, &["--set", "visibleContext={}"]);
    assert!(w.is_empty(), "{w:?}");
    // The diff says what happened, in words.
    let s = webhook(|_, a| {
        a["visibleContext"] = json!({"fresh": 1});
        a.as_object_mut().unwrap().remove("openContext");
        a["answer"]["technicalText"] = json!("tt-2");
    });
    let (_, out, _) = run(hookctl().args(["send", "eva-answer", "--url", &s.url()]));
    assert!(out.contains("  visibleContext  added fresh; removed unsafeVarRO\n"), "{out}");
    assert!(out.contains("  openContext  dropped; removed unsafeVar\n"), "{out}");
    assert!(out.contains("  technicalText  (none) → \"tt-2\"\n"), "{out}");
    // technicalText is one of a transactional answer's fields, in text and in JSON.
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["technicalText", "tt-2"]),
        "{out}"
    );
    let (_, out, _) = run(hookctl().args(["send", "eva-answer", "-o", "json", "--url", &s.url()]));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["verdict"]["fields"]["technicalText"], "tt-2");
}

#[test]
fn near_misses_say_what_is_near() {
    // An option in another case: named, with the flag that accepts it.
    let s = webhook(|_, a| a["option"] = json!("client"));
    let (code, out, _) = run(hookctl().args(["send", "eva-service", "--url", &s.url()]));
    assert_eq!(code, 1);
    assert!(
        out.contains("it differs from 'CLIENT' only in case") && out.contains("--option-case insensitive"),
        "{out}"
    );
    let (code, _, _) =
        run(hookctl().args(["send", "eva-service", "--option-case", "insensitive", "--url", &s.url()]));
    assert_eq!(code, 0);
    // Another option: no such hint.
    let s = webhook(|_, a| a["option"] = json!("MAYBE"));
    let (_, out, _) = run(hookctl().args(["send", "eva-service", "--url", &s.url()]));
    assert!(
        out.contains("option 'MAYBE' is not one of the expectedOptions") && !out.contains("only in case"),
        "{out}"
    );

    // A transactional answer's webhook behind a service cell's url, and the reverse.
    let answers = Server::start(|_, req| {
        Reply::json(
            200,
            json!({"answer": {"template": "TEXT", "content": {"type": "TEXT", "content": "hi"}}, "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"]}),
        )
    });
    let (code, out, _) = run(hookctl().args(["send", "eva-service", "--url", &answers.url()]));
    assert_eq!(code, 1);
    assert!(
        out.contains("looks like a transactional answer's") && out.contains("service cell's webhook"),
        "{out}"
    );
    let cells = Server::start(|_, req| {
        Reply::json(
            200,
            json!({"option": "CLIENT", "openContext": req["openContext"], "visibleContext": req["visibleContext"], "hiddenContext": req["hiddenContext"]}),
        )
    });
    let (code, out, _) = run(hookctl().args(["send", "eva-answer", "--url", &cells.url()]));
    assert_eq!(code, 1);
    assert!(
        out.contains("looks like a service cell's") && out.contains("transactional answer's webhook"),
        "{out}"
    );
    // Each at its own webhook: no such hint.
    let (_, out, _) = run(hookctl().args(["send", "eva-service", "--url", &cells.url()]));
    assert!(!out.contains("looks like"), "{out}");
}
