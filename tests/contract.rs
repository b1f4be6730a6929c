//! The catalogue against its own schemas and the seeds, and mutations that must fail where they should.

use hookctl::catalogue::{EVENTS, Kind, event};
use hookctl::contract::{self, Context, Verdict};
use serde_json::{Value, json};

fn seed(name: &str) -> Value {
    let path = format!("{}/tests/data/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn fixture(name: &str) -> Value {
    event(name).unwrap().fixture()
}

fn check(kind: Kind, doc: &Value) -> Verdict {
    contract::check(kind, doc, Context::default())
}

/// The pointers of the errors, for assertions.
fn pointers(v: &Verdict) -> Vec<&str> {
    v.errors.iter().map(|e| e.pointer.as_str()).collect()
}

fn assert_fails_at(v: &Verdict, pointer: &str) {
    assert!(!v.valid, "expected an error at {pointer}, but the document is valid");
    assert!(pointers(v).contains(&pointer), "expected an error at {pointer}, got {:#?}", v.errors);
}

#[test]
fn every_fixture_is_valid_against_its_own_schema() {
    for e in EVENTS {
        let doc = e.fixture();
        assert_eq!(Kind::detect(&doc), Some(e.request), "{} is detected as its own kind", e.name);
        let v = check(e.request, &doc);
        assert!(v.valid, "{}: {:#?}", e.name, v.errors);
        assert!(v.warnings.is_empty(), "{}: {:#?}", e.name, v.warnings);
    }
}

#[test]
fn every_example_response_is_valid_for_its_request() {
    for e in EVENTS.iter().filter(|e| e.response_kind().is_some()) {
        let request = e.fixture();
        let response = e.example_response().unwrap();
        let kind = e.response_kind().unwrap();
        assert_eq!(Kind::detect(&response), Some(kind));
        let v = contract::check(kind, &response, Context { request: Some(&request), ..Context::default() });
        assert!(v.valid, "{}: {:#?}", e.name, v.errors);
        assert!(v.warnings.is_empty(), "{}: {:#?}", e.name, v.warnings);
    }
}

#[test]
fn the_seeds_sample_bodies_validate() {
    for (file, kind) in [
        ("botpress-create.json", Kind::BotpressEvent),
        ("botpress-assign.json", Kind::BotpressEvent),
        ("eva-answer-request.json", Kind::EvaAnswerRequest),
        ("eva-answer-response.json", Kind::EvaAnswerResponse),
        ("eva-service-request.json", Kind::EvaServiceRequest),
        ("eva-service-response.json", Kind::EvaServiceResponse),
    ] {
        let doc = seed(file);
        assert_eq!(Kind::detect(&doc), Some(kind), "{file} detected");
        let v = check(kind, &doc);
        assert!(v.valid, "{file}: {:#?}", v.errors);
    }
    let request = seed("eva-service-request.json");
    let v = contract::check(
        Kind::EvaServiceResponse,
        &seed("eva-service-response.json"),
        Context { request: Some(&request), ..Context::default() },
    );
    assert!(v.valid, "{:#?}", v.errors);
}

#[test]
fn fixtures_are_faithful_to_the_platform() {
    let handoff_columns = [
        "id",
        "botId",
        "agentId",
        "userId",
        "userThreadId",
        "userChannel",
        "agentThreadId",
        "status",
        "tags",
        "assignedAt",
        "resolvedAt",
        "createdAt",
        "updatedAt",
    ];
    for e in EVENTS.iter().filter(|e| e.request == Kind::BotpressEvent) {
        let doc = e.fixture();
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["botId", "resource", "type", "id", "payload"],
            "{}: envelope keys in order",
            e.name
        );
        if doc["resource"] == "handoff" {
            assert!(doc["id"].is_i64(), "{}: integer handoff id", e.name);
            assert_eq!(doc["id"], doc["payload"]["id"], "{}", e.name);
            let payload_keys: Vec<&String> = doc["payload"].as_object().unwrap().keys().collect();
            assert_eq!(&payload_keys[..13], handoff_columns, "{}: the 13 columns in order", e.name);
            assert!(doc["payload"]["comments"].is_array());
            assert!(doc["payload"]["userConversation"]["event"]["payload"]["text"].is_string());
        } else {
            let id = doc["id"].as_str().unwrap();
            assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            assert_eq!(
                doc["payload"].as_object().unwrap().len(),
                1,
                "{}: agent payload is {{online}} only",
                e.name
            );
        }
    }
    // One life cycle: the same handoff, user and threads in every handoff fixture.
    let create = fixture("handoff-create");
    let assign = fixture("handoff-assign");
    for name in ["handoff-resolve", "handoff-tags", "handoff-comment"] {
        let doc = fixture(name);
        for f in ["id", "userId", "userThreadId"] {
            assert_eq!(doc["payload"][f], create["payload"][f], "{name}.{f}");
        }
        assert_eq!(doc["payload"]["agentThreadId"], assign["payload"]["agentThreadId"], "{name}");
    }
    assert_eq!(fixture("agent-online")["id"], assign["payload"]["agentId"]);
    // eva: every Info field, positions of entities inside the text.
    for name in ["eva-answer", "eva-service"] {
        let doc = fixture(name);
        for f in [
            "bot",
            "operatingSystem",
            "userRef",
            "locale",
            "channelName",
            "channelType",
            "channelClassification",
            "sessionCode",
            "operatingSystemVersion",
            "browser",
            "browserVersion",
            "businessKey",
        ] {
            assert!(doc["info"][f].is_string(), "{name}: info.{f}");
        }
        let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
        for entity in doc["entities"].as_array().unwrap() {
            let (s, e) = (
                entity["position"]["start"].as_u64().unwrap() as usize,
                entity["position"]["end"].as_u64().unwrap() as usize,
            );
            assert!(s < e && e <= text.len(), "{name}: entity position within text");
        }
        for ctx in ["openContext", "visibleContext", "hiddenContext"] {
            assert!(doc[ctx].is_object(), "{name}: {ctx}");
        }
    }
}

#[test]
fn wrong_status_fails_at_its_pointer() {
    let mut doc = fixture("handoff-assign");
    doc["payload"]["status"] = json!("waiting");
    let v = check(Kind::BotpressEvent, &doc);
    assert_fails_at(&v, "/payload/status");
    let e = v.errors.iter().find(|e| e.pointer == "/payload/status").unwrap();
    assert!(e.expected.as_deref().unwrap().contains("pending"), "{e:?}");
    assert_eq!(e.found.as_deref(), Some("\"waiting\""));
}

#[test]
fn string_handoff_id_fails() {
    let mut doc = fixture("handoff-create");
    doc["id"] = json!(doc["id"].to_string());
    doc["payload"]["id"] = doc["id"].clone();
    let v = check(Kind::BotpressEvent, &doc);
    assert_fails_at(&v, "/id");
    assert_fails_at(&v, "/payload/id");
}

#[test]
fn envelope_id_must_equal_payload_id() {
    let mut doc = fixture("handoff-create");
    doc["id"] = json!(doc["payload"]["id"].as_i64().unwrap() + 1);
    assert_fails_at(&check(Kind::BotpressEvent, &doc), "/id");
}

#[test]
fn create_must_be_pending() {
    let mut doc = fixture("handoff-create");
    doc["payload"]["status"] = json!("expired");
    assert_fails_at(&check(Kind::BotpressEvent, &doc), "/payload/status");
}

#[test]
fn assigned_without_agent_thread_fails() {
    let mut doc = fixture("handoff-assign");
    doc["payload"]["agentThreadId"] = Value::Null;
    assert_fails_at(&check(Kind::BotpressEvent, &doc), "/payload/agentThreadId");
    doc["payload"].as_object_mut().unwrap().remove("agentThreadId");
    assert_fails_at(&check(Kind::BotpressEvent, &doc), "/payload/agentThreadId");
}

#[test]
fn resolved_and_rejected_need_resolved_at() {
    for name in ["handoff-resolve", "handoff-reject"] {
        let mut doc = fixture(name);
        doc["payload"]["resolvedAt"] = Value::Null;
        assert_fails_at(&check(Kind::BotpressEvent, &doc), "/payload/resolvedAt");
    }
}

#[test]
fn agent_payload_is_closed() {
    let mut doc = fixture("agent-online");
    doc["payload"]["status"] = json!("busy");
    assert_fails_at(&check(Kind::BotpressEvent, &doc), "/payload/status");
}

#[test]
fn missing_session_code_fails() {
    let mut doc = fixture("eva-service");
    doc["info"].as_object_mut().unwrap().remove("sessionCode");
    let v = check(Kind::EvaServiceRequest, &doc);
    assert_fails_at(&v, "/info/sessionCode");
    assert!(v.errors[0].message.contains("sessionCode"));
}

#[test]
fn confidence_as_string_fails() {
    let mut doc = fixture("eva-answer");
    doc["intents"][0]["confidence"] = json!("0.9");
    assert_fails_at(&check(Kind::EvaAnswerRequest, &doc), "/intents/0/confidence");
}

#[test]
fn missing_option_fails() {
    let mut doc = event("eva-service").unwrap().example_response().unwrap();
    doc.as_object_mut().unwrap().remove("option");
    assert_fails_at(&check(Kind::EvaServiceResponse, &doc), "/option");
}

#[test]
fn option_outside_expected_options_fails() {
    let request = fixture("eva-service");
    let mut doc = event("eva-service").unwrap().example_response().unwrap();
    doc["option"] = json!("MAYBE");
    let v = contract::check(
        Kind::EvaServiceResponse,
        &doc,
        Context { request: Some(&request), ..Context::default() },
    );
    assert_fails_at(&v, "/option");
    let options = ["CLIENT".to_string()];
    let v = contract::check(
        Kind::EvaServiceResponse,
        &doc,
        Context { expected_options: Some(&options), ..Context::default() },
    );
    assert_fails_at(&v, "/option");
    // Without the request's options there is nothing to compare against.
    assert!(check(Kind::EvaServiceResponse, &doc).valid);
}

#[test]
fn missing_answer_fails() {
    let mut doc = event("eva-answer").unwrap().example_response().unwrap();
    doc.as_object_mut().unwrap().remove("answer");
    assert_fails_at(&check(Kind::EvaAnswerResponse, &doc), "/answer");
}

#[test]
fn carousel_with_string_content_fails_and_text_with_cards_fails() {
    let mut doc = event("eva-answer").unwrap().example_response().unwrap();
    doc["answer"]["template"] = json!("CAROUSEL");
    doc["answer"]["content"]["type"] = json!("CAROUSEL");
    assert_fails_at(&check(Kind::EvaAnswerResponse, &doc), "/answer/content/content");
    doc["answer"]["content"]["content"] = json!([{"title": "Plan A", "subTitle": "monthly", "imageUrl": "https://img.test/a.png", "buttons": [{"name": "Choose", "type": "FLOW"}]}]);
    assert!(check(Kind::EvaAnswerResponse, &doc).valid);
    doc["answer"]["template"] = json!("TEXT");
    doc["answer"]["content"]["type"] = json!("TEXT");
    assert_fails_at(&check(Kind::EvaAnswerResponse, &doc), "/answer/content/content");
}

#[test]
fn unknown_answer_type_is_a_warning_not_an_error() {
    let mut doc = event("eva-answer").unwrap().example_response().unwrap();
    doc["answer"]["template"] = json!("HOLOGRAM");
    doc["answer"]["content"]["type"] = json!("HOLOGRAM");
    let v = check(Kind::EvaAnswerResponse, &doc);
    assert!(v.valid, "{:#?}", v.errors);
    assert!(v.warnings.iter().any(|w| w.pointer == "/answer/template" && w.message.contains("HOLOGRAM")));
}

#[test]
fn dropped_context_and_hidden_leak_are_warnings() {
    let request = fixture("eva-service");
    let mut doc = event("eva-service").unwrap().example_response().unwrap();
    doc.as_object_mut().unwrap().remove("visibleContext");
    let hidden_key = request["hiddenContext"].as_object().unwrap().keys().next().unwrap().clone();
    doc["openContext"][&hidden_key] = request["hiddenContext"][&hidden_key].clone();
    let v = contract::check(
        Kind::EvaServiceResponse,
        &doc,
        Context { request: Some(&request), ..Context::default() },
    );
    assert!(v.valid);
    assert!(v.warnings.iter().any(|w| w.pointer == "/visibleContext"), "{:#?}", v.warnings);
    let leak = format!("/openContext/{hidden_key}");
    assert!(v.warnings.iter().any(|w| w.pointer == leak), "{:#?}", v.warnings);
}

#[test]
fn detection_tells_the_kinds_apart() {
    assert_eq!(Kind::detect(&json!({"option": "A"})), Some(Kind::EvaServiceResponse));
    assert_eq!(Kind::detect(&json!({"answer": {}})), Some(Kind::EvaAnswerResponse));
    assert_eq!(Kind::detect(&json!({"info": {}, "answer": {}})), Some(Kind::EvaAnswerRequest));
    assert_eq!(Kind::detect(&json!({"hello": "world"})), None);
    assert_eq!(Kind::detect(&json!([1, 2])), None);
    assert_eq!(Kind::detect(&json!({})), None);
    // Broken documents: the closest kind, said to be a guess.
    let closest = |doc: Value| Kind::detect_with(&doc, None).map(|d| (d.kind, d.closest.is_some()));
    assert_eq!(closest(json!({"openContext": {}})), Some((Kind::EvaServiceResponse, true)));
    assert_eq!(closest(json!({"info": {}})), Some((Kind::EvaServiceRequest, true)));
    assert_eq!(closest(json!({"resource": "handoff"})), Some((Kind::BotpressEvent, true)));
    assert_eq!(closest(json!({"expectedOptions": []})), Some((Kind::EvaServiceRequest, false)));
    // An option is only ever in a service cell's answer, whatever else is echoed.
    assert_eq!(closest(json!({"info": {}, "option": "A"})), Some((Kind::EvaServiceResponse, false)));
    // What the documents answer decides for eva documents, not for Botpress events.
    let answering = |doc: Value| Kind::detect_with(&doc, Some(Kind::EvaAnswerResponse)).map(|d| d.kind);
    assert_eq!(answering(json!({"info": {}, "answer": {}})), Some(Kind::EvaAnswerResponse));
    assert_eq!(answering(json!({"hiddenContext": {}})), Some(Kind::EvaAnswerResponse));
    assert_eq!(answering(json!({"resource": "agent", "payload": {}})), Some(Kind::BotpressEvent));
}

#[test]
fn unknown_event_suggests_the_nearest() {
    let err = event("handoff-creat").unwrap_err().to_string();
    assert!(err.contains("did you mean 'handoff-create'"), "{err}");
}

#[test]
fn every_schema_is_draft_2020_12() {
    for kind in Kind::ALL {
        let s = contract::schema(kind);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema", "{kind}");
    }
}

#[test]
fn option_case_is_exact_unless_told_otherwise() {
    let request = fixture("eva-service");
    let mut doc = event("eva-service").unwrap().example_response().unwrap();
    doc["option"] = json!("client");
    let exact = Context { request: Some(&request), ..Context::default() };
    assert_fails_at(&contract::check(Kind::EvaServiceResponse, &doc, exact), "/option");
    let loose = Context { option_case: contract::OptionCase::Insensitive, ..exact };
    assert!(contract::check(Kind::EvaServiceResponse, &doc, loose).valid);
}
