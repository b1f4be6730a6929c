//! `hookctl send`, run as the real binary against real servers on 127.0.0.1:0.

mod common;

use std::time::Duration;

use common::{Reply, Server, closed_port, hookctl, run};
use serde_json::{Value, json};

fn send_json(args: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = run(hookctl().arg("send").args(args).args(["--output", "json"]));
    let report =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\nstderr: {err}"));
    (code, report, err)
}

/// An eva webhook that answers as told, given the request.
fn eva_server(answer: impl Fn(&Value) -> Reply + Send + Sync + 'static) -> Server {
    Server::start(move |_, body| answer(body))
}

fn echo_contexts(req: &Value, mut resp: Value) -> Value {
    for c in ["openContext", "visibleContext", "hiddenContext"] {
        resp[c] = req[c].clone();
    }
    resp
}

#[test]
fn botpress_event_arrives_as_botpress_sends_it() {
    let server = Server::ok();
    let (code, report, _) = send_json(&["handoff-create", "--url", &server.url()]);
    assert_eq!(code, 0, "{report:#}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/hook");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json, text/plain, */*"));
    assert_eq!(r.header("user-agent"), Some("axios/0.21.4"));
    // Compact JSON, the envelope's keys in Botpress's order.
    let body = String::from_utf8(r.body.clone()).unwrap();
    assert!(!body.contains('\n') && !body.contains(": "), "compact: {body}");
    assert!(
        body.starts_with(r#"{"botId":"support-bot","resource":"handoff","type":"create","id":"#),
        "{body}"
    );
    let doc = r.json();
    assert_eq!(doc["id"], doc["payload"]["id"]);
    assert_eq!(doc["payload"]["status"], "pending");
    // Fresh ids: not the fixture's, and consistent inside the body.
    let fixture = hookctl::catalogue::event("handoff-create").unwrap().fixture();
    assert_ne!(doc["payload"]["userThreadId"], fixture["payload"]["userThreadId"]);
    assert_ne!(doc["id"], fixture["id"]);
    assert_eq!(doc["payload"]["userConversation"]["threadId"], doc["payload"]["userThreadId"]);
    assert_eq!(doc["payload"]["user"]["id"], doc["payload"]["userId"]);
    assert!(doc["payload"]["createdAt"].as_str().unwrap() <= doc["payload"]["updatedAt"].as_str().unwrap());
    // What the server got is what the report says was sent.
    assert_eq!(report["request"]["body"], doc);
    assert_eq!(report["request"]["bytes"], r.body.len());
    assert_eq!(report["response"]["status"], 200);
    assert_eq!(report["passed"], true);
}

#[test]
fn seeded_sends_are_reproducible() {
    let server = Server::ok();
    for _ in 0..2 {
        let (code, _, _) = send_json(&["handoff-assign", "--seed", "7", "--url", &server.url()]);
        assert_eq!(code, 0);
    }
    let reqs = server.requests();
    assert_eq!(reqs[0].body, reqs[1].body);
}

#[test]
fn eva_event_arrives_with_json_headers() {
    let server = eva_server(|req| Reply::json(200, echo_contexts(req, json!({"option": "CLIENT"}))));
    let (code, report, _) = send_json(&["eva-service", "--url", &server.url()]);
    assert_eq!(code, 0, "{report:#}");
    let r = &server.requests()[0];
    assert_eq!(r.header("content-type"), Some("application/json"));
    let doc = r.json();
    assert_eq!(doc["expectedOptions"], json!(["CLIENT", "NOT_CLIENT"]));
    assert!(doc["info"]["sessionCode"].is_string());
    assert_eq!(report["verdict"]["valid"], true);
    assert_eq!(report["verdict"]["fields"]["option"], "CLIENT");
}

#[test]
fn set_overrides_and_convenience_flags() {
    let server = Server::ok();
    let (code, _, _) = send_json(&[
        "handoff-tags",
        "--set",
        "payload.tags=[\"urgent\"]",
        "--set",
        "/payload/userChannel=messenger",
        "--set",
        "payload.user.attributes.language=en",
        "--url",
        &server.url(),
    ]);
    assert_eq!(code, 0);
    let doc = server.requests()[0].json();
    assert_eq!(doc["payload"]["tags"], json!(["urgent"]));
    assert_eq!(doc["payload"]["userChannel"], "messenger");
    assert_eq!(doc["payload"]["user"]["attributes"]["language"], "en");

    let eva = eva_server(|req| Reply::json(200, echo_contexts(req, json!({"option": "B"}))));
    let (code, report, _) =
        send_json(&["eva-service", "--expected-options", "A,B", "--text", "hello", "--url", &eva.url()]);
    assert_eq!(code, 0, "{report:#}");
    let doc = eva.requests()[0].json();
    assert_eq!(doc["expectedOptions"], json!(["A", "B"]));
    assert_eq!(doc["text"], "hello");
}

#[test]
fn bad_set_paths_are_usage_errors() {
    for (spec, needle) in [
        ("payload.nothing.here=1", "'payload.nothing' does not exist"),
        ("payload.status.deeper=1", "is a string, not an object or array"),
        ("novalue", "expected PATH=VALUE"),
        ("payload..x=1", "not a valid path"),
    ] {
        let (code, out, err) = run(hookctl().args(["send", "handoff-create", "--set", spec]));
        assert_eq!(code, 2, "{spec}");
        assert!(out.is_empty());
        assert!(err.contains(needle) && err.lines().count() == 1, "{spec}: {err}");
    }
}

#[test]
fn a_variable_in_set_is_refused_not_sent_half_expanded_and_a_doubled_dollar_is_literal() {
    for spec in ["payload.agentId=${AGENT_ID}", "payload.agentId=a-$${B}-${C:-c}"] {
        let (code, out, err) = run(hookctl().args(["show", "agent-online", "--set", spec]));
        assert_eq!(code, 2, "{spec}: {out}");
        assert!(out.is_empty(), "{out}");
        let first = err.lines().next().unwrap_or_default();
        assert!(first.contains("--set") && first.contains("is not expanded in --set"), "{err}");
        assert!(first.contains("suite files") && first.contains("$${ for a literal ${"), "{err}");
    }
    let (code, out, err) =
        run(hookctl().args(["show", "agent-online", "--set", "payload.note=$${name} and $HOME {x}"]));
    assert_eq!(code, 0, "{err}");
    let body: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["payload"]["note"], "${name} and $HOME {x}");
}

#[test]
fn data_sends_the_users_own_body() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.json");
    std::fs::write(&path, r#"{ "botId": "b", "resource": "agent", "type": "update", "id": "0123456789abcdef0123456789abcdef", "payload": { "online": true } }"#).unwrap();
    let server = Server::ok();
    let (code, report, _) = send_json(&["--data", path.to_str().unwrap(), "--url", &server.url()]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["kind"], "botpress-event");
    let body = &server.requests()[0].body;
    assert_eq!(body, br#"{"botId":"b","resource":"agent","type":"update","id":"0123456789abcdef0123456789abcdef","payload":{"online":true}}"#);
    let (code, _, err) = run(hookctl().args(["send", "--data", "/nonexistent.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent.json"), "{err}");
}

#[test]
fn botpress_config_aims_and_adds_headers_redacted_in_output() {
    let server = Server::ok();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("hitlnext.json");
    std::fs::write(
        &cfg,
        json!({"$schema": "../../assets/modules/hitlnext/config.schema.json", "eventsWebHook": {"url": server.url(), "headers": {"authorization": "Bearer s3cret", "x-tenant": "acme"}}}).to_string(),
    )
    .unwrap();
    let (code, out, _) = run(hookctl().args(["send", "agent-online", "--botpress-config"]).arg(&cfg));
    assert_eq!(code, 0, "{out}");
    let r = &server.requests()[0];
    assert_eq!(r.header("authorization"), Some("Bearer s3cret"));
    assert_eq!(r.header("x-tenant"), Some("acme"));
    assert!(!out.contains("s3cret"), "secret printed: {out}");
    assert!(out.contains("<redacted>") && out.contains("acme"));
    let (code, out, _) =
        run(hookctl().args(["send", "agent-online", "--show-secrets", "--botpress-config"]).arg(&cfg));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Bearer s3cret"));

    std::fs::write(&cfg, "{ eventsWebHook: ").unwrap();
    let (code, _, err) = run(hookctl().args(["send", "agent-online", "--botpress-config"]).arg(&cfg));
    assert_eq!(code, 2);
    assert!(err.contains("hitlnext.json") && err.contains("not valid JSON"), "{err}");
    let (code, _, err) =
        run(hookctl().args(["send", "agent-online", "--botpress-config", "/nonexistent/hitlnext.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("--botpress-config /nonexistent/hitlnext.json: cannot read"), "{err}");
}

#[test]
fn without_a_url_the_builtin_receiver_answers() {
    for event in ["handoff-create", "eva-service", "eva-answer"] {
        let (code, report, err) = send_json(&[event]);
        assert_eq!(code, 0, "{event}: {report:#}");
        assert_eq!(report["builtin_receiver"], true);
        assert!(err.contains("--url"), "says how to target a real server: {err}");
        assert_eq!(report["passed"], true);
    }
    let (code, out, _) = run(hookctl().args(["send", "handoff-create"]));
    assert_eq!(code, 0);
    assert!(out.contains("200 OK") && out.contains("PASSED") && out.contains("userThreadId"), "{out}");
}

#[test]
fn eva_answers_are_judged() {
    // Option outside expectedOptions.
    let s = eva_server(|req| Reply::json(200, echo_contexts(req, json!({"option": "MAYBE"}))));
    let (code, report, _) = send_json(&["eva-service", "--url", &s.url()]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"]["errors"][0]["pointer"], "/option");
    // Missing option.
    let s = eva_server(|req| Reply::json(200, echo_contexts(req, json!({}))));
    let (code, report, _) = send_json(&["eva-service", "--url", &s.url()]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"]["errors"][0]["pointer"], "/option");
    // Not JSON.
    let s = eva_server(|_| Reply::raw(200, "<html>oops</html>"));
    let (code, report, _) = send_json(&["eva-answer", "--url", &s.url()]);
    assert_eq!(code, 1);
    assert!(
        report["checks"].as_array().unwrap().iter().any(|c| c["check"] == "body" && c["passed"] == false)
    );
    // 500.
    let s = eva_server(|_| Reply::json(500, json!({"error": "boom"})));
    let (code, out, _) = run(hookctl().args(["send", "eva-service", "--url", &s.url()]));
    assert_eq!(code, 1);
    assert!(out.contains("500") && out.contains("460"), "{out}");
    // The answer rewritten, a context key added: shown.
    let s = eva_server(|req| {
        let mut resp = echo_contexts(req, json!({"answer": req["answer"].clone()}));
        resp["answer"]["content"]["content"] = json!("Hi, John. How may I help you?");
        resp["hiddenContext"]["clientInfo"] = json!({"name": "John"});
        Reply::json(200, resp)
    });
    let (code, out, _) = run(hookctl().args(["send", "eva-answer", "--url", &s.url()]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Hi, John.") && out.contains("hiddenContext  added clientInfo\n"), "{out}");
}

#[test]
fn expectations_on_status_and_option() {
    let s = eva_server(|req| Reply::json(200, echo_contexts(req, json!({"option": "NOT_CLIENT"}))));
    let (code, report, _) = send_json(&["eva-service", "--expect-option", "CLIENT", "--url", &s.url()]);
    assert_eq!(code, 1);
    let c = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "option").unwrap();
    assert_eq!(c["found"], "\"NOT_CLIENT\"");
    let s = Server::start(|_, _| Reply::json(202, json!({})));
    let (code, _, _) = send_json(&["agent-offline", "--expect-status", "202", "--url", &s.url()]);
    assert_eq!(code, 0);
    let (code, _, _) = send_json(&["agent-offline", "--expect-status", "200", "--url", &s.url()]);
    assert_eq!(code, 1);
}

#[test]
fn a_slow_answer_past_the_timeout_is_a_transport_error() {
    let s = Server::start(|_, _| Reply { delay: Duration::from_secs(3), ..Reply::raw(200, "{}") });
    let (code, report, err) = send_json(&["handoff-create", "--timeout", "0.3", "--url", &s.url()]);
    assert_eq!(code, 3);
    assert!(err.contains("timeout") && err.contains("--timeout"), "{err}");
    assert!(report["transport_error"].as_str().unwrap().starts_with("timeout"));
}

#[test]
fn a_closed_port_is_a_transport_error() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let (code, out, err) = run(hookctl().args(["send", "handoff-create", "--url", &url]));
    assert_eq!(code, 3);
    assert!(err.contains("connection refused"), "{err}");
    assert!(out.contains("NOT DELIVERED"));
}

#[test]
fn retry_botpress_recovers_after_two_failures() {
    let s =
        Server::start(|n, _| if n < 2 { Reply::json(503, json!({})) } else { Reply::json(200, json!({})) });
    let (code, report, _) =
        send_json(&["handoff-create", "--retry", "botpress", "--retry-scale", "0.01", "--url", &s.url()]);
    assert_eq!(code, 0, "{report:#}");
    let reqs = s.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.body == reqs[0].body), "a retry re-sends the same bytes");
    let attempts = report["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert_eq!(attempts[0]["status"], 503);
    assert_eq!(attempts[1]["waited_ms"], 1);
    assert_eq!(attempts[2]["waited_ms"], 2);
    assert_eq!(attempts[2]["status"], 200);
}

#[test]
fn retry_gives_up_after_ten_attempts() {
    let s = Server::start(|_, _| Reply::json(500, json!({})));
    let (code, report, _) =
        send_json(&["agent-online", "--retry", "botpress", "--retry-scale", "0", "--url", &s.url()]);
    assert_eq!(code, 1);
    assert_eq!(s.requests().len(), 10);
    assert_eq!(report["attempts"].as_array().unwrap().len(), 10);
}

#[test]
fn an_oversized_answer_is_capped_and_said() {
    let big = format!("{{\"option\":\"CLIENT\",\"pad\":\"{}\"}}", "x".repeat(200_000));
    let s = Server::start(move |_, _| Reply::raw(200, &big));
    let (code, report, _) = send_json(&["eva-service", "--max-response", "1000", "--url", &s.url()]);
    assert_eq!(code, 1);
    assert_eq!(report["response"]["truncated"], true);
    assert_eq!(report["response"]["bytes"], 1000);
}

#[test]
fn bad_targets_and_events_are_usage_errors() {
    for (args, needle) in [
        (vec!["handoff-create", "--url", "not a url"], "not a valid URL"),
        (vec!["handoff-create", "--url", "ftp://example.test/hook"], "unsupported scheme 'ftp'"),
        (vec!["handoff-creat"], "did you mean 'handoff-create'"),
        (vec!["handoff-create", "-H", "no-colon"], "expected 'Name: value'"),
        (vec!["handoff-create", "--text", "hi"], "--text applies to"),
        (vec!["handoff-create", "--expect-option", "YES"], "--expect-option applies to"),
        (vec!["handoff-create", "--timeout=-1"], "--timeout"),
        (vec!["handoff-create", "--no-such-flag"], "--no-such-flag"),
    ] {
        let (code, out, err) = run(hookctl().arg("send").args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert!(common::error_line(&err).contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn hookctl_url_from_the_environment() {
    let server = Server::ok();
    let (code, _, _) = run(hookctl().args(["send", "agent-offline"]).env("HOOKCTL_URL", server.url()));
    assert_eq!(code, 0);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn scenario_shares_ids_across_steps_in_order() {
    let server = Server::ok();
    let (code, out, err) =
        run(hookctl().args(["scenario", "handoff-lifecycle", "--output", "json", "--url", &server.url()]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["passed"], true);
    let bodies: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    let seen: Vec<(String, String)> = bodies
        .iter()
        .map(|b| {
            (
                b["resource"].as_str().unwrap().to_string(),
                b["payload"]["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [("agent", ""), ("handoff", "pending"), ("handoff", "assigned"), ("handoff", "resolved")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let (online, create, assign, resolve) = (&bodies[0], &bodies[1], &bodies[2], &bodies[3]);
    assert_eq!(create["id"], assign["id"]);
    assert_eq!(assign["id"], resolve["id"]);
    for f in ["userId", "userThreadId"] {
        assert_eq!(create["payload"][f], assign["payload"][f], "{f}");
        assert_eq!(create["payload"][f], resolve["payload"][f], "{f}");
    }
    assert_eq!(assign["payload"]["agentThreadId"], resolve["payload"]["agentThreadId"]);
    assert_eq!(online["id"], assign["payload"]["agentId"], "the agent who went online takes the handoff");
    let fixture = hookctl::catalogue::event("handoff-create").unwrap().fixture();
    assert_ne!(create["id"], fixture["id"], "fresh handoff id");
    // Timestamps keep the life cycle's order.
    let at = |b: &Value, f: &str| b["payload"][f].as_str().unwrap().to_string();
    assert!(at(create, "createdAt") < at(assign, "assignedAt"));
    assert!(at(assign, "assignedAt") <= at(resolve, "resolvedAt"));
}

#[test]
fn scenario_duplicate_and_shuffle() {
    let server = Server::ok();
    let (code, _, _) =
        run(hookctl().args(["scenario", "handoff-lifecycle-reject", "--duplicate", "--url", &server.url()]));
    assert_eq!(code, 0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 6);
    for pair in reqs.chunks(2) {
        assert_eq!(pair[0].body, pair[1].body, "a duplicate is the same bytes");
    }
    // The order a seeded shuffle sends, and the bodies in that order. What a seed gives depends
    // on the generator, so no seed is assumed to give any particular order.
    let shuffled = |seed: &str| -> (Vec<u64>, Vec<Vec<u8>>) {
        let server = Server::ok();
        let (code, out, err) = run(hookctl().args([
            "scenario",
            "handoff-full",
            "--shuffle",
            "--seed",
            seed,
            "-o",
            "json",
            "--url",
            &server.url(),
        ]));
        assert_eq!(code, 0, "seed {seed}: {err}");
        let report: Value = serde_json::from_str(&out).unwrap();
        let order: Vec<u64> =
            report["order"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        let bodies: Vec<Vec<u8>> = server.requests().into_iter().map(|r| r.body).collect();
        assert_eq!(bodies.len(), 8, "seed {seed}");
        (order, bodies)
    };
    let story = [0, 1, 2, 3, 3, 4, 5, 6];
    let mut orders = Vec::new();
    for seed in ["1", "2", "3", "4", "5"] {
        let (order, _) = shuffled(seed);
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, story, "seed {seed}: every step once, the tag edit (step 4) twice");
        orders.push(order);
    }
    assert!(orders.iter().any(|o| *o != story), "five seeds and never a shuffle: {orders:?}");
    // The same seed twice: the same order and the same bytes.
    assert_eq!(shuffled("3"), shuffled("3"));
    // Shuffled and duplicated, the bodies are the same story's: the same bytes as in order.
    let distinct = |server: &Server| -> std::collections::BTreeSet<Vec<u8>> {
        server.requests().into_iter().map(|r| r.body).collect()
    };
    let (straight, mixed) = (Server::ok(), Server::ok());
    let (code, _, _) =
        run(hookctl().args(["scenario", "handoff-full", "--seed", "9", "--url", &straight.url()]));
    assert_eq!(code, 0);
    let (code, _, _) = run(hookctl().args([
        "scenario",
        "handoff-full",
        "--seed",
        "9",
        "--shuffle",
        "--duplicate",
        "--url",
        &mixed.url(),
    ]));
    assert_eq!(code, 0);
    assert_eq!(mixed.requests().len(), 16, "every delivery twice in a row, the tag edit's pair too");
    assert_eq!(distinct(&straight), distinct(&mixed));
    assert_eq!(distinct(&straight).len(), 7);
}

#[test]
fn scenario_failures_and_unknown_names() {
    let server = Server::start(|n, _| Reply::json(if n == 1 { 500 } else { 200 }, json!({})));
    let (code, out, _) = run(hookctl().args(["scenario", "handoff-lifecycle", "--url", &server.url()]));
    assert_eq!(code, 1);
    assert!(out.contains("3/4 steps passed"), "{out}");
    let (code, _, err) = run(hookctl().args(["scenario", "handoff-lifecycle-rejected"]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean 'handoff-lifecycle-reject'"), "{err}");
}

#[test]
fn load_mode_sends_exactly_n_requests_with_fresh_ids() {
    let server = Server::ok();
    let (code, summary, _) =
        send_json(&["handoff-create", "--count", "200", "-c", "8", "--url", &server.url()]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["summary"]["requests"], 200);
    assert_eq!(summary["summary"]["passed"], 200);
    assert_eq!(summary["statuses"]["200"], 200);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 200);
    let ids: std::collections::HashSet<String> =
        reqs.iter().map(|r| r.json()["payload"]["userThreadId"].to_string()).collect();
    assert_eq!(ids.len(), 200, "each request has its own ids");
    assert!(summary["latency"]["p99_ms"].as_f64().unwrap() >= summary["latency"]["p50_ms"].as_f64().unwrap());
}

#[test]
fn load_mode_counts_contract_failures() {
    let server = Server::start(|n, req| {
        let option = if n % 2 == 0 { "CLIENT" } else { "WRONG" };
        Reply::json(200, echo_contexts(req, json!({ "option": option })))
    });
    let (code, out, _) =
        run(hookctl().args(["send", "eva-service", "--count", "20", "-o", "json", "--url", &server.url()]));
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["summary"]["requests"], 20);
    assert_eq!(summary["summary"]["failed"], 10);
    assert!(summary["first_failure"].as_str().unwrap().contains("/option"));
}

#[test]
fn seeded_load_runs_are_reproducible_and_still_fresh_per_request() {
    let bodies = |server: &Server| -> Vec<Vec<u8>> {
        let mut b: Vec<Vec<u8>> = server.requests().into_iter().map(|r| r.body).collect();
        b.sort();
        b
    };
    let (a, b) = (Server::ok(), Server::ok());
    for s in [&a, &b] {
        let (code, _, _) =
            run(hookctl().args(["send", "handoff-create", "--seed", "5", "--count", "3", "--url", &s.url()]));
        assert_eq!(code, 0);
    }
    let (first, second) = (bodies(&a), bodies(&b));
    assert_eq!(first, second, "same seed, same bodies");
    assert_eq!(first.iter().collect::<std::collections::HashSet<_>>().len(), 3, "each request its own ids");
}

#[test]
fn load_bodies_are_the_bodies_single_sends_make_with_the_same_seed() {
    let load = Server::ok();
    let (code, _, err) =
        run(hookctl().args(["send", "handoff-create", "--seed", "5", "--count", "3", "--url", &load.url()]));
    assert_eq!(code, 0, "{err}");
    let single = Server::ok();
    for seed in ["5", "6", "7"] {
        let (code, _, err) =
            run(hookctl().args(["send", "handoff-create", "--seed", seed, "--url", &single.url()]));
        assert_eq!(code, 0, "{err}");
    }
    let sorted = |s: &Server| {
        let mut b: Vec<Vec<u8>> = s.requests().into_iter().map(|r| r.body).collect();
        b.sort();
        b
    };
    assert_eq!(sorted(&load), sorted(&single), "body n of a run seeded S is the body of a send seeded S + n");
}

#[test]
fn load_ids_differ_per_request_and_agree_inside_each_body() {
    let server = Server::ok();
    let (code, summary, err) =
        send_json(&["handoff-create", "--count", "60", "-c", "4", "--url", &server.url()]);
    assert_eq!(code, 0, "{summary}{err}");
    let bodies: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies.len(), 60);
    let mut users = std::collections::HashSet::new();
    let mut threads = std::collections::HashSet::new();
    for b in &bodies {
        let p = &b["payload"];
        let user = p["userId"].as_str().unwrap();
        assert_ne!(user, "c3a5e7f1-2b4d-4c68-9e0a-7d1f3b5c9a24", "not the fixture's id");
        assert_eq!(p["user"]["id"], p["userId"], "{b}");
        assert_eq!(p["userConversation"]["event"]["target"], p["userId"], "{b}");
        assert_eq!(p["userConversation"]["threadId"], p["userThreadId"], "{b}");
        assert_eq!(p["userConversation"]["event"]["threadId"], p["userThreadId"], "{b}");
        assert!(b["id"].is_u64() && b["id"] != 42, "the numeric id is fresh: {b}");
        assert_eq!(b["id"], p["id"], "{b}");
        users.insert(user.to_string());
        threads.insert(p["userThreadId"].as_str().unwrap().to_string());
    }
    assert_eq!((users.len(), threads.len()), (60, 60), "each request its own ids");
}

#[test]
fn load_judges_a_botpress_answer_by_its_status_alone() {
    // Botpress reads nothing of the answer: a body that is not JSON is fine, a 500 is not.
    let server =
        Server::start(|n, _| if n % 3 == 0 { Reply::raw(500, "oops") } else { Reply::raw(200, "not json") });
    let (code, summary, err) =
        send_json(&["agent-online", "--count", "30", "-c", "3", "--url", &server.url()]);
    assert_eq!(code, 1, "{summary}{err}");
    assert_eq!(summary["summary"]["requests"], 30);
    assert_eq!(
        (summary["summary"]["passed"].as_u64(), summary["summary"]["failed"].as_u64()),
        (Some(20), Some(10))
    );
    assert_eq!(summary["statuses"], json!({"200": 20, "500": 10}));
    assert_eq!(summary["first_failure"], "status: expected 2xx, found 500");

    // --expect-status is the status wanted, and --max-response still caps what is read.
    let (code, out, _) = run(hookctl()
        .args(["send", "agent-online", "--count", "4", "--expect-status", "500", "-o", "json", "--url"])
        .arg(server.url()));
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert!(
        summary["first_failure"].as_str().unwrap().starts_with("status: expected 500, found 200"),
        "{summary}"
    );
    let big = Server::start(|_, _| Reply::raw(200, &"x".repeat(5000)));
    let (code, out, _) = run(hookctl()
        .args(["send", "agent-online", "--count", "3", "--max-response", "1000", "-o", "json", "--url"])
        .arg(big.url()));
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["summary"]["failed"], 3, "{summary}");
    assert!(summary["first_failure"].as_str().unwrap().contains("--max-response"), "{summary}");
}

#[test]
fn load_times_out_each_request_on_its_own_clock() {
    // One connection: the first two answers come after 0.6 s, within the 1 s timeout, the third
    // never in time. The second must not be cut off by the first one's clock, nor the third
    // escape its own.
    let s = Server::start(|n, _| {
        let delay = if n < 2 { Duration::from_millis(600) } else { Duration::from_secs(4) };
        Reply { delay, ..Reply::raw(200, "{}") }
    });
    let (code, summary, err) =
        send_json(&["handoff-create", "--count", "3", "-c", "1", "--timeout", "1", "--url", &s.url()]);
    assert_eq!(code, 3, "{summary}{err}");
    assert_eq!(
        (summary["summary"]["passed"].as_u64(), summary["summary"]["transport_errors"].as_u64()),
        (Some(2), Some(1)),
        "{summary}"
    );
    let errors = summary["transport_errors_by_message"].as_object().unwrap();
    assert!(errors.keys().all(|e| e.starts_with("timeout") && e.contains("--timeout")), "{summary}");
}

/// A server that answers each request `200 {}` and closes the connection after it, as a server
/// with keep-alive off does; says how many connections it took.
fn closing_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let taken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = taken.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            common::raw::read_request(&stream);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
        }
    });
    (url, taken)
}

#[test]
fn load_connects_again_when_the_server_closes_the_connection() {
    let (url, connections) = closing_server();
    let (code, summary, err) = send_json(&["handoff-create", "--count", "20", "-c", "2", "--url", &url]);
    assert_eq!(code, 0, "{summary}{err}");
    assert_eq!(summary["summary"]["passed"], 20, "{summary}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 20, "one connection per request");
}

/// A server that answers `/old` with `status` and `Location: /new`, and `/new` with `200 {}`, each
/// on a connection of its own; says which requests it saw, method and path.
fn redirecting_server(status: u16) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/old", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let first = common::raw::read_request(&stream);
            let request: Vec<&str> = first.split_whitespace().take(2).collect();
            log.lock().unwrap().push(request.join(" "));
            let answer = match request.get(1) {
                Some(&"/old") => format!(
                    "HTTP/1.1 {status} Moved\r\nlocation: /new\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                ),
                _ => "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}".to_string(),
            };
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (url, seen)
}

#[test]
fn load_follows_a_redirect_without_asking_the_redirecting_url_twice() {
    // As Botpress's client does: once to the URL, then where it points, with the method the
    // status asks for.
    for (status, method) in [(307, "POST"), (308, "POST"), (302, "GET"), (303, "GET")] {
        let (url, seen) = redirecting_server(status);
        let (code, summary, err) = send_json(&["handoff-create", "--count", "3", "-c", "1", "--url", &url]);
        assert_eq!(code, 0, "{status}: {summary}{err}");
        assert_eq!(summary["summary"]["passed"], 3, "{status}: {summary}");
        assert_eq!(summary["statuses"], json!({"200": 3}), "{status}: {summary}");
        let seen = seen.lock().unwrap().clone();
        let old = seen.iter().filter(|r| *r == "POST /old").count();
        let new = seen.iter().filter(|r| **r == format!("{method} /new")).count();
        assert_eq!((old, new, seen.len()), (3, 3, 6), "{status}: {seen:?}");
    }
}

#[test]
fn load_transport_errors_are_counted_and_named() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (code, summary, err) = send_json(&["handoff-create", "--count", "5", "-c", "2", "--url", &url]);
    assert_eq!(code, 3, "{summary}{err}");
    assert_eq!(summary["summary"]["transport_errors"], 5);
    let want = format!("connection refused: nothing is listening on 127.0.0.1:{port}");
    assert_eq!(summary["transport_errors_by_message"], json!({ want: 5 }), "{summary}");
}

#[test]
fn a_botpress_config_without_a_url_is_a_usage_error() {
    let server = Server::ok();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("hitlnext.json");
    // Botpress calls no webhook when the url is absent, null or empty.
    for hook in [
        json!({"headers": {"x-tenant": "acme"}}),
        json!({"url": null, "headers": {"x-tenant": "acme"}}),
        json!({"url": "", "headers": {"x-tenant": "acme"}}),
    ] {
        std::fs::write(&cfg, json!({ "eventsWebHook": hook }).to_string()).unwrap();
        for command in [&["send", "agent-online"][..], &["scenario", "handoff-lifecycle"][..]] {
            // Not the built-in receiver, and not HOOKCTL_URL either: the config outranks the
            // environment, and it says that nothing is called.
            for env_url in [None, Some(server.url())] {
                let mut cmd = hookctl();
                cmd.args(command).arg("--botpress-config").arg(&cfg);
                if let Some(url) = &env_url {
                    cmd.env("HOOKCTL_URL", url);
                }
                let (code, out, err) = run(&mut cmd);
                assert_eq!(code, 2, "{hook} {command:?} {env_url:?}: {out}{err}");
                assert!(out.is_empty(), "{out}");
                assert_eq!(err.lines().count(), 1, "one line: {err}");
                assert!(
                    err.contains("hitlnext.json") && err.contains("Botpress would not call any webhook"),
                    "{err}"
                );
            }
        }
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    // With --url the config still gives its headers.
    let (code, out, err) =
        run(hookctl().args(["send", "agent-online", "--url", &server.url(), "--botpress-config"]).arg(&cfg));
    assert_eq!(code, 0, "{out}{err}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].header("x-tenant"), Some("acme"));
}

#[test]
fn expected_options_are_trimmed_and_empty_names_refused() {
    let eva = eva_server(|req| Reply::json(200, echo_contexts(req, json!({"option": "NO"}))));
    let (code, report, _) = send_json(&["eva-service", "--expected-options", "YES, NO", "--url", &eva.url()]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(eva.requests()[0].json()["expectedOptions"], json!(["YES", "NO"]));
    assert_eq!(report["verdict"]["valid"], true, "NO is one of the options: {report:#}");

    // validate takes the same names the same way.
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.json");
    let mut doc = hookctl::catalogue::event("eva-service").unwrap().example_response().unwrap();
    doc["option"] = json!("NOT_CLIENT");
    std::fs::write(&answer, doc.to_string()).unwrap();
    let (code, out, err) =
        run(hookctl().arg("validate").arg(&answer).args(["--expected-options", "CLIENT, NOT_CLIENT"]));
    assert_eq!(code, 0, "{out}{err}");

    for bad in ["YES,,NO", "YES, ", " ", ""] {
        let (code, out, err) =
            run(hookctl().args(["send", "eva-service", "--expected-options", bad, "--url", &eva.url()]));
        assert_eq!(code, 2, "{bad:?}: {out}{err}");
        assert!(out.is_empty());
        let line = common::error_line(&err);
        assert!(line.contains("--expected-options") && line.contains("empty"), "{bad:?}: {err}");
        let (code, _, err) = run(hookctl().arg("validate").arg(&answer).args(["--expected-options", bad]));
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert!(err.contains("--expected-options") && err.contains("empty"), "{bad:?}: {err}");
    }
    assert_eq!(eva.requests().len(), 1, "a refused flag sends nothing");
}

#[test]
fn expect_option_applies_to_service_cells_only() {
    let server = Server::ok();
    for (event, kind) in [
        ("handoff-create", "botpress-event"),
        ("agent-online", "botpress-event"),
        ("eva-answer", "eva-answer-request"),
    ] {
        for load in [&[][..], &["--count", "2"][..]] {
            let (code, out, err) = run(hookctl()
                .args(["send", event, "--expect-option", "YES", "--url", &server.url()])
                .args(load));
            assert_eq!(code, 2, "{event} {load:?}: {out}{err}");
            assert!(out.is_empty(), "{out}");
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(
                err.contains(&format!("--expect-option applies to eva-service-request only, not to {kind}")),
                "{err}"
            );
        }
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn the_retry_hint_counts_attempts_as_the_schedule_does() {
    let s = Server::start(|_, _| Reply::json(500, json!({})));
    let (code, report, _) = send_json(&["handoff-create", "--url", &s.url()]);
    assert_eq!(code, 1);
    let note = report["checks"][0]["note"].as_str().unwrap();
    for said in ["10 attempts in all", "the first at once", "9 retries", "100 ms", "25.6 s", "about 51 s"] {
        assert!(note.contains(said), "{said:?} not in: {note}");
    }
    // The schedule run is the one said: 10 attempts, waits of 100 ms doubling to 25.6 s (scaled).
    let (code, report, _) =
        send_json(&["handoff-create", "--retry", "botpress", "--retry-scale", "0.01", "--url", &s.url()]);
    assert_eq!(code, 1);
    let waits: Vec<u64> =
        report["attempts"].as_array().unwrap().iter().map(|a| a["waited_ms"].as_u64().unwrap()).collect();
    assert_eq!(waits, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256]);
    let (code, help, _) = run(hookctl().args(["send", "--help"]));
    assert_eq!(code, 0);
    assert!(help.contains("10 attempts in all: the first at once, then 9 retries"), "{help}");
}

#[test]
fn handoff_tags_is_delivered_twice_as_botpress_does() {
    let server = Server::ok();
    let (code, report, _) = send_json(&["handoff-tags", "--url", &server.url()]);
    assert_eq!(code, 0, "{report:#}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "Botpress sends a tag edit twice");
    assert_eq!(reqs[0].body, reqs[1].body, "the same bytes");
    assert_eq!(report["passed"], true);
    assert_eq!(report["response"]["status"], 200);
    let repeats = report["repeats"].as_array().unwrap();
    assert_eq!(repeats.len(), 1);
    assert_eq!(repeats[0]["delivery"], 2);
    assert_eq!(repeats[0]["response"]["status"], 200);
    assert_eq!(repeats[0]["passed"], true);
    assert_eq!(report["note"], "Botpress sends tag edits twice since v12.30.6; --once sends one");

    let (code, out, _) = run(hookctl().args(["send", "handoff-tags", "--url", &server.url()]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("delivered twice at once: Botpress sends tag edits twice since v12.30.6"), "{out}");
    assert!(out.contains("(delivery 1 of 2)") && out.contains("(delivery 2 of 2)"), "{out}");
    assert_eq!(server.requests().len(), 4);

    // --once sends one.
    let once = Server::ok();
    let (code, report, _) = send_json(&["handoff-tags", "--once", "--url", &once.url()]);
    assert_eq!(code, 0);
    assert_eq!(once.requests().len(), 1);
    assert!(report.get("repeats").is_none() && report.get("note").is_none(), "{report:#}");

    // It passes only when both deliveries are accepted.
    let second_fails = Server::start(|n, _| Reply::json(if n == 1 { 500 } else { 200 }, json!({})));
    let (code, report, _) = send_json(&["handoff-tags", "--url", &second_fails.url()]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["passed"], false);
    let first_ok = report["checks"][0]["passed"].as_bool().unwrap();
    let second_ok = report["repeats"][0]["passed"].as_bool().unwrap();
    assert!(first_ok != second_ok, "exactly one of the two was refused: {report:#}");

    // Load mode delivers each body once.
    let load = Server::ok();
    let (code, out, _) =
        run(hookctl().args(["send", "handoff-tags", "--count", "3", "-o", "json", "--url", &load.url()]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(load.requests().len(), 3);
    // Other events go once.
    let other = Server::ok();
    let (code, report, _) = send_json(&["handoff-assign", "--url", &other.url()]);
    assert_eq!(code, 0);
    assert_eq!(other.requests().len(), 1);
    assert!(report.get("repeats").is_none());
}

#[test]
fn a_scenario_delivers_its_tag_edit_twice() {
    let server = Server::ok();
    let (code, out, err) =
        run(hookctl().args(["scenario", "handoff-full", "-o", "json", "--url", &server.url()]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let events: Vec<&str> =
        report["steps"].as_array().unwrap().iter().map(|s| s["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        [
            "agent-online",
            "handoff-create",
            "handoff-assign",
            "handoff-tags",
            "handoff-tags",
            "handoff-comment",
            "handoff-resolve",
            "agent-offline"
        ]
    );
    assert_eq!(report["order"], json!([0, 1, 2, 3, 3, 4, 5, 6]));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 8);
    assert_eq!(reqs[3].body, reqs[4].body, "the pair is the same bytes");
    assert!(report["notes"][0].as_str().unwrap().contains("Botpress sends tag edits twice since v12.30.6"));
    let (code, _, err) = run(hookctl().args(["scenario", "handoff-full", "--url", &server.url()]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note: steps 4-5 handoff-tags: delivered twice at once"), "{err}");
}

/// What each handoff update changes in the handoff, as Botpress does it ("which action sends
/// what"): the handoff row is written with a new `updatedAt`; a note is stored apart and leaves
/// the row as it was.
fn changes_of(event: &str) -> &'static [&'static str] {
    match event {
        "handoff-assign" => &["status", "agentId", "agentThreadId", "assignedAt", "updatedAt"],
        "handoff-resolve" | "handoff-reject" => &["status", "resolvedAt", "updatedAt"],
        "handoff-expire" => &["status", "updatedAt"],
        "handoff-tags" => &["tags", "updatedAt"],
        "handoff-comment" => &["comments"],
        other => panic!("{other} is not a handoff update"),
    }
}

/// The latest moment a handoff records: its own timestamps and its comments'.
fn latest(handoff: &Value) -> String {
    let mut times: Vec<&str> = ["createdAt", "updatedAt", "assignedAt", "resolvedAt"]
        .iter()
        .filter_map(|f| handoff[f].as_str())
        .collect();
    times.extend(handoff["comments"].as_array().unwrap().iter().map(|c| c["createdAt"].as_str().unwrap()));
    times.into_iter().max().unwrap().to_string()
}

#[test]
fn every_scenario_is_a_consistent_story() {
    for scenario in hookctl::catalogue::SCENARIOS {
        let name = scenario.name;
        let server = Server::ok();
        let (code, out, err) = run(hookctl().args(["scenario", name, "-o", "json", "--url", &server.url()]));
        assert_eq!(code, 0, "{name}: {err}");
        let report: Value = serde_json::from_str(&out).unwrap();
        let steps = report["steps"].as_array().unwrap();
        let received: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
        assert_eq!(received.len(), steps.len(), "{name}");
        let mut before: Option<(String, Value)> = None;
        let mut seen: Vec<String> = Vec::new();
        for (step, body) in steps.iter().zip(&received) {
            let event = step["event"].as_str().unwrap().to_string();
            // What went on the wire is what the report says, and it follows the contract.
            assert_eq!(&step["request"]["body"], body, "{name}: {event}");
            assert_eq!(
                step["request"]["verdict"]["valid"], true,
                "{name}: {event}: {:#}",
                step["request"]["verdict"]
            );
            if body["resource"] != "handoff" {
                continue;
            }
            let p = &body["payload"];
            assert_eq!(body["id"], p["id"], "{name}: {event}");
            let at = |f: &str| p[f].as_str().map(str::to_string);
            // Tags only after a tag edit, notes only after a note.
            let tagged = seen.iter().any(|e| e == "handoff-tags") || event == "handoff-tags";
            assert_eq!(p["tags"].is_null(), !tagged, "{name}: {event}: tags {}", p["tags"]);
            let noted = seen.iter().any(|e| e == "handoff-comment") || event == "handoff-comment";
            assert_eq!(p["comments"] == json!([]), !noted, "{name}: {event}: comments {}", p["comments"]);
            let status = match event.as_str() {
                "handoff-create" => "pending",
                "handoff-assign" => "assigned",
                "handoff-resolve" => "resolved",
                "handoff-reject" => "rejected",
                "handoff-expire" => "expired",
                _ => before.as_ref().map_or("", |(_, b)| b["status"].as_str().unwrap()),
            };
            assert_eq!(p["status"], status, "{name}: {event}");
            if event == "handoff-expire" {
                assert!(p["resolvedAt"].is_null(), "{name}: an expired handoff was never resolved");
            }
            // The handoff's own timestamps in the life cycle's order.
            let created = at("createdAt").unwrap();
            for f in ["assignedAt", "resolvedAt", "updatedAt"] {
                assert!(at(f).is_none_or(|t| t >= created), "{name}: {event}: {f} before createdAt");
            }
            if let (Some(assigned), Some(resolved)) = (at("assignedAt"), at("resolvedAt")) {
                assert!(assigned <= resolved, "{name}: {event}");
            }
            match &before {
                None => assert_eq!(event, "handoff-create", "{name}: the story starts with a create"),
                // The second delivery of a tag edit: the same body again.
                Some((last, prev)) if *last == event && prev == p && event == "handoff-tags" => continue,
                Some((_, prev)) => {
                    let changed = changes_of(&event);
                    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
                    assert_eq!(keys(p), keys(prev), "{name}: {event}: the same fields in the same order");
                    for (k, v) in p.as_object().unwrap() {
                        if !changed.contains(&k.as_str()) {
                            assert_eq!(v, &prev[k], "{name}: {event} must not change {k}");
                        }
                    }
                    // What the action changes, it changes, and later than anything before.
                    if changed.contains(&"updatedAt") {
                        assert!(
                            at("updatedAt").unwrap() > latest(prev),
                            "{name}: {event}: updatedAt moves on"
                        );
                    }
                    if event == "handoff-comment" {
                        let (old, new) =
                            (prev["comments"].as_array().unwrap(), p["comments"].as_array().unwrap());
                        assert_eq!(new.len(), old.len() + 1, "{name}: one note added");
                        assert_eq!(&new[..old.len()], &old[..], "{name}: appended");
                        let note = new.last().unwrap();
                        assert_eq!(note["handoffId"], p["id"]);
                        assert_eq!(note["agentId"], p["agentId"], "{name}: the assigned agent writes it");
                        assert!(
                            note["createdAt"].as_str().unwrap() > latest(prev).as_str(),
                            "{name}: note in order"
                        );
                    }
                }
            }
            seen.push(event.clone());
            before = Some((event, p.clone()));
        }
    }
    // `send handoff-resolve` on its own is the fixture: a handoff resolved after tags and a note.
    let server = Server::ok();
    let (code, _, _) = send_json(&["handoff-resolve", "--seed", "1", "--url", &server.url()]);
    assert_eq!(code, 0);
    let doc = server.requests()[0].json();
    assert_eq!(doc["payload"]["tags"], json!(["billing", "vip"]));
    assert_eq!(doc["payload"]["comments"].as_array().unwrap().len(), 1);
}

// Redirects and TLS. The client's TLS roots are read at the first handshake, not when the client
// is built: these tests hold the redirects and the https deliveries to what they were.

/// A server that answers every request `status` with `location`; its url, and the server (which
/// counts the requests).
fn redirector(status: u16, location: String) -> (String, Server) {
    let server = Server::start(move |_, _| Reply::raw(status, "").header("location", location.clone()));
    (format!("http://{}/old", server.addr), server)
}

#[test]
fn redirects_keep_the_method_rules_of_the_client() {
    for status in [301, 302, 303, 307, 308] {
        let target = Server::ok();
        let (from, hits) = redirector(status, target.url());
        let (code, report, err) = send_json(&["handoff-create", "--url", &from]);
        assert_eq!(code, 0, "{status}: {report:#} {err}");
        assert_eq!(hits.requests().len(), 1, "{status}");
        let reqs = target.requests();
        assert_eq!(reqs.len(), 1, "{status}");
        let r = &reqs[0];
        assert_eq!(r.header("user-agent"), Some("axios/0.21.4"), "{status}");
        if status == 307 || status == 308 {
            // The same request again, body and all.
            assert_eq!(r.method, "POST", "{status}");
            assert_eq!(r.header("content-type"), Some("application/json"), "{status}");
            assert_eq!(r.json(), report["request"]["body"], "{status}");
        } else {
            // A POST becomes a GET without its body or the headers that described it.
            assert_eq!(r.method, "GET", "{status}");
            assert!(r.body.is_empty(), "{status}");
            assert_eq!(r.header("content-type"), None, "{status}");
        }
    }
}

#[test]
fn a_redirect_to_another_origin_drops_the_credentials() {
    let target = Server::ok();
    let (from, _) = redirector(307, target.url());
    let (code, _, err) = send_json(&[
        "handoff-create",
        "--url",
        &from,
        "-H",
        "Authorization: Bearer s3cret",
        "-H",
        "X-Tenant: acme",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = &target.requests()[0];
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.header("x-tenant"), Some("acme"));
}

#[test]
fn redirects_stop_after_five() {
    let (from, hits) = redirector(307, "/again".to_string());
    let (code, report, err) = send_json(&["handoff-create", "--url", &from]);
    assert_eq!(code, 3, "{report:#} {err}");
    assert_eq!(hits.requests().len(), 6, "the first request and five more");
    let said = report["transport_error"].as_str().unwrap();
    assert!(said.starts_with("too many redirects from http://127.0.0.1:"), "{said}");
}

#[test]
fn a_load_run_stops_a_redirect_loop_where_a_single_send_does() {
    // The worker follows the first redirect itself; the client it hands over to must follow one
    // fewer, so that the redirecting server is asked as often as by a single send.
    let (from, hits) = redirector(307, "/again".to_string());
    let (code, report, err) = send_json(&["handoff-create", "--url", &from, "--count", "1"]);
    assert_eq!(code, 3, "{report:#} {err}");
    assert_eq!(report["transport_errors"], 1, "{report:#}");
    assert_eq!(hits.requests().len(), 6, "the first request and five more");
}

/// The test certificates: a CA, and a server certificate it signed for `localhost` and 127.0.0.1
/// (valid for a hundred years).
fn tls_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls").join(name)
}

/// The method and body of each request a server saw.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// An HTTPS server with the test certificate that answers every request 200 `{}`, recording each
/// request's method and body.
fn tls_server() -> (u16, Seen) {
    use http_body_util::BodyExt;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![CertificateDer::from_pem_file(tls_file("localhost.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(tls_file("localhost.key")).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let log: Seen = Seen::default();
    let shared = log.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                let (acceptor, log) = (acceptor.clone(), shared.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let service =
                        hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                            let log = log.clone();
                            async move {
                                let method = req.method().to_string();
                                let body = req.into_body().collect().await?.to_bytes().to_vec();
                                log.lock().unwrap().push((method, body));
                                Ok::<_, hyper::Error>(hyper::Response::new(http_body_util::Full::new(
                                    bytes::Bytes::from_static(b"{}"),
                                )))
                            }
                        });
                    let io = hyper_util::rt::TokioIo::new(tls);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
    });
    (rx.recv().unwrap(), log)
}

#[test]
fn a_redirect_to_https_is_followed_and_checked_against_the_system_roots() {
    let (port, log) = tls_server();
    let (from, _) = redirector(307, format!("https://localhost:{port}/hook"));
    // The system's roots, as the platform reads them, are the test certificates alone.
    let (code, out, err) = run(hookctl()
        .args(["send", "handoff-create", "--url", &from, "-o", "json"])
        .env("SSL_CERT_FILE", tls_file("ca.pem"))
        .env("SSL_CERT_DIR", tls_file("")));
    assert_eq!(code, 0, "{out} {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "POST");
    assert_eq!(serde_json::from_slice::<Value>(&seen[0].1).unwrap(), report["request"]["body"]);
}

#[test]
fn an_https_server_the_system_does_not_trust_is_a_tls_failure() {
    let (port, log) = tls_server();
    for url in [
        format!("https://localhost:{port}/hook"),
        redirector(307, format!("https://localhost:{port}/hook")).0,
    ] {
        let (code, report, err) = send_json(&["handoff-create", "--url", &url]);
        assert_eq!(code, 3, "{url}: {report:#} {err}");
        let said = report["transport_error"].as_str().unwrap();
        // Named after the URL given (a redirect's target is not named).
        assert!(said.starts_with("TLS: handshake with "), "{said}");
        assert!(said.ends_with("invalid peer certificate: unknownissuer)"), "{said}");
    }
    assert!(log.lock().unwrap().is_empty(), "nothing was delivered");
}

#[test]
fn a_send_over_http_does_not_need_the_system_roots() {
    // A system whose root store holds nothing usable: https could not be checked, http still works.
    let server = Server::ok();
    let (code, out, err) = run(hookctl()
        .args(["send", "handoff-create", "--url", &server.url()])
        .env("SSL_CERT_FILE", tls_file("localhost.key"))
        .env("SSL_CERT_DIR", tls_file("none")));
    assert_eq!(code, 0, "{out} {err}");
    assert_eq!(server.requests().len(), 1);
}
