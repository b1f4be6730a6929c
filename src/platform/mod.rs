//! The platform room: what Botpress HITL Next and eva send and expect, established from their
//! public sources and documentation. Each fact (headers, retry schedule, envelope and context
//! names, pointers, reference answers, failure notes, contract rules a schema cannot say) is spelled
//! once, in the platform's own file; everything else asks here, through `Platform` and `Kind`.

pub mod botpress;
pub mod eva;

use reqwest::header::HeaderMap;
use serde_json::Value;

pub use crate::kind::Platform;
use crate::kind::{Detection, Kind};

impl Platform {
    /// The headers the platform itself puts on a webhook request.
    pub fn headers(self) -> HeaderMap {
        match self {
            Platform::Botpress => botpress::headers(),
            Platform::Eva => eva::headers(),
        }
    }

    /// What the platform does when the receiver answers anything but 2xx.
    pub fn failure_note(self) -> String {
        match self {
            Platform::Botpress => botpress::failure_note(),
            Platform::Eva => eva::failure_note(),
        }
    }
}

impl Kind {
    /// What the platform does when the receiver answers a request of this kind anything but 2xx:
    /// a service cell and a transactional answer fail differently.
    pub fn failure_note(self) -> String {
        match self {
            Kind::EvaServiceRequest | Kind::EvaServiceResponse => eva::service_failure().into(),
            Kind::EvaAnswerRequest | Kind::EvaAnswerResponse => eva::answer_failure().into(),
            Kind::BotpressEvent => botpress::failure_note(),
        }
    }

    /// Whether the platform ever sends a body of this kind with `key` at its top level (answers,
    /// which no platform sends, say yes to all).
    pub fn sends_top_level(self, key: &str) -> bool {
        let own = |ptr: &str| ptr.strip_prefix('/') == Some(key);
        match self {
            Kind::BotpressEvent => botpress::TOP_LEVEL.contains(&key),
            Kind::EvaServiceRequest => eva::EVENT_FIELDS.contains(&key) || own(eva::ptr::EXPECTED_OPTIONS),
            Kind::EvaAnswerRequest => eva::EVENT_FIELDS.contains(&key) || own(eva::ptr::ANSWER),
            Kind::EvaAnswerResponse | Kind::EvaServiceResponse => true,
        }
    }
}

/// One of the webhooks a deployment has: where a platform sends one kind of request. A suite's
/// target of this name receives the cases of that kind, and `hookctl init` reads its url from
/// this environment variable (names that READMEs and CI files can rely on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Webhook {
    pub platform: Platform,
    pub target: &'static str,
    pub variable: &'static str,
    /// What it is, in the platform's own words.
    pub what: &'static str,
    /// An example path, as a server of this webhook might listen on.
    pub example_path: &'static str,
}

/// A field worth printing: a label and the JSON pointer where it lives.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub label: &'static str,
    pub pointer: &'static str,
}

/// The label a platform gives the field at `pointer` (the pointer itself when it has none).
pub fn label_of(fields: &'static [Field], pointer: &'static str) -> &'static str {
    fields.iter().find(|f| f.pointer == pointer).map_or(pointer, |f| f.label)
}

pub(crate) const fn field(label: &'static str, pointer: &'static str) -> Field {
    Field { label, pointer }
}

/// The parts of a document of `kind` that no contract rule reads inside, as pointers; with a
/// request, a response's contexts are compared with it, so fewer are left.
pub fn unread(kind: Kind, with_request: bool) -> &'static [&'static str] {
    match kind {
        Kind::BotpressEvent => botpress::UNREAD,
        _ => eva::contexts_unread(kind, with_request),
    }
}

/// The kind of a document, from its shape and from what the documents are known to answer (see
/// `Kind::detect_with`). The keys that tell the platforms' documents apart are spelled here.
pub fn detect(doc: &Value, answers: Option<Kind>) -> Option<Detection> {
    let obj = doc.as_object()?;
    detect_by_keys(|k| obj.contains_key(k), answers)
}

/// As [`detect`], for an object that has the top-level keys for which `has` says so.
pub fn detect_by_keys(has: impl Fn(&str) -> bool, answers: Option<Kind>) -> Option<Detection> {
    let sure = |kind| Some(Detection { kind, closest: None });
    let closest = |kind, why: &'static str| Some(Detection { kind, closest: Some(why) });
    if botpress::ENVELOPE.iter().all(|k| has(k)) {
        return sure(Kind::BotpressEvent);
    }
    if botpress::ENVELOPE.iter().any(|k| has(k)) {
        return closest(Kind::BotpressEvent, "it has part of a Botpress event's envelope");
    }
    if has("option") {
        // Only a service cell's answer chooses an option.
        return sure(Kind::EvaServiceResponse);
    }
    if let Some(kind) = answers.filter(|k| k.is_response()) {
        return sure(kind);
    }
    let contexts = eva::CONTEXTS.iter().any(|c| has(c));
    match (has("info"), has("expectedOptions"), has("answer")) {
        (_, true, _) => sure(Kind::EvaServiceRequest),
        (true, false, true) => sure(Kind::EvaAnswerRequest),
        (false, false, true) => sure(Kind::EvaAnswerResponse),
        (true, false, false) => closest(
            Kind::EvaServiceRequest,
            "an eva request with neither expectedOptions (service cell) nor answer (transactional answer)",
        ),
        (false, false, false) if contexts => closest(
            Kind::EvaServiceResponse,
            "an eva webhook answer with the contexts but neither option (service cell) nor answer (transactional answer)",
        ),
        (false, false, false) if has("intents") || has("entities") => {
            closest(Kind::EvaServiceRequest, "it has an eva request's intents or entities but no info")
        }
        (false, false, false) if has("botId") && has("type") && has("id") => {
            closest(Kind::BotpressEvent, "it has part of a Botpress event's envelope")
        }
        _ => None,
    }
}

/// The kinds [`detect`] can judge a document as: with what the documents answer known, an envelope
/// still makes a Botpress event and an option a service-cell answer, and every other document is
/// that answer.
pub fn detectable(answers: Option<Kind>) -> Vec<Kind> {
    match answers.filter(|k| k.is_response()) {
        Some(answers) => {
            let mut kinds = vec![Kind::BotpressEvent, Kind::EvaServiceResponse];
            if !kinds.contains(&answers) {
                kinds.push(answers);
            }
            kinds
        }
        None => Kind::ALL.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The kind a document is judged as, and whether that is only the closest one.
    fn judged(doc: Value, answers: Option<Kind>) -> Option<(Kind, bool)> {
        detect(&doc, answers).map(|d| (d.kind, d.closest.is_some()))
    }

    #[test]
    fn detection_by_shape() {
        use Kind::*;
        let (sure, guess) = (false, true);
        let cases = [
            // Botpress: the envelope, whole or in part.
            (
                json!({"botId": "b", "resource": "handoff", "type": "create", "id": 1, "payload": {}}),
                Some((BotpressEvent, sure)),
            ),
            (json!({"resource": "agent", "payload": {"online": true}}), Some((BotpressEvent, sure))),
            (json!({"resource": "handoff"}), Some((BotpressEvent, guess))),
            (json!({"payload": {}}), Some((BotpressEvent, guess))),
            (json!({"botId": "b", "type": "update", "id": 1}), Some((BotpressEvent, guess))),
            // eva: the option is only ever in a service cell's answer, whatever else is echoed.
            (json!({"option": "A"}), Some((EvaServiceResponse, sure))),
            (
                json!({"option": "A", "info": {}, "expectedOptions": ["A"], "answer": {}}),
                Some((EvaServiceResponse, sure)),
            ),
            (json!({"expectedOptions": []}), Some((EvaServiceRequest, sure))),
            (json!({"info": {}, "expectedOptions": ["A"], "answer": {}}), Some((EvaServiceRequest, sure))),
            (json!({"info": {}, "answer": {}}), Some((EvaAnswerRequest, sure))),
            (json!({"answer": {}}), Some((EvaAnswerResponse, sure))),
            (json!({"answer": {}, "openContext": {}}), Some((EvaAnswerResponse, sure))),
            // Broken eva documents: the closest kind.
            (json!({"info": {}}), Some((EvaServiceRequest, guess))),
            (json!({"info": {}, "text": "hi"}), Some((EvaServiceRequest, guess))),
            (json!({"openContext": {}}), Some((EvaServiceResponse, guess))),
            (json!({"hiddenContext": {}, "visibleContext": {}}), Some((EvaServiceResponse, guess))),
            (json!({"intents": []}), Some((EvaServiceRequest, guess))),
            (json!({"entities": []}), Some((EvaServiceRequest, guess))),
            // Nothing like any kind.
            (json!({"botId": "b", "type": "update"}), None),
            (json!({"hello": "world"}), None),
            (json!({"text": "hi"}), None),
            (json!({}), None),
            (json!([1, 2]), None),
            (json!("text"), None),
            (json!(null), None),
            (json!(3), None),
        ];
        for (doc, expected) in cases {
            assert_eq!(judged(doc.clone(), None), expected, "{doc}");
        }
    }

    #[test]
    fn a_document_is_judged_as_one_of_the_kinds_detectable() {
        use Kind::*;
        let mut docs: Vec<Value> = crate::catalogue::EVENTS.iter().map(|e| e.fixture()).collect();
        docs.extend(crate::catalogue::EVENTS.iter().filter_map(|e| e.example_response()));
        docs.extend([
            json!({"resource": "agent"}),
            json!({"payload": {}}),
            json!({"option": "A", "info": {}}),
            json!({"info": {}, "answer": {}}),
            json!({"expectedOptions": ["A"]}),
            json!({"hiddenContext": {}}),
            json!({"intents": []}),
            json!({"botId": "b", "type": "t", "id": 1}),
            json!({}),
        ]);
        for answers in [None, Some(EvaServiceResponse), Some(EvaAnswerResponse)] {
            let kinds = detectable(answers);
            for doc in &docs {
                if let Some(d) = detect(doc, answers) {
                    assert!(kinds.contains(&d.kind), "{answers:?} {doc}: {:?} not in {kinds:?}", d.kind);
                }
            }
        }
        assert_eq!(
            detectable(Some(EvaAnswerResponse)),
            [BotpressEvent, EvaServiceResponse, EvaAnswerResponse]
        );
        assert_eq!(detectable(Some(EvaServiceResponse)), [BotpressEvent, EvaServiceResponse]);
        assert_eq!(detectable(None), Kind::ALL);
    }

    #[test]
    fn what_the_documents_answer_decides_for_eva_documents_only() {
        use Kind::*;
        for answers in [EvaAnswerResponse, EvaServiceResponse] {
            for doc in [
                json!({"info": {}, "answer": {}}),
                json!({"expectedOptions": ["A"]}),
                json!({"hiddenContext": {}}),
                json!({"hello": "world"}),
                json!({}),
            ] {
                assert_eq!(judged(doc.clone(), Some(answers)), Some((answers, false)), "{answers} {doc}");
            }
            // A Botpress event stays one; an option still makes a service-cell answer.
            assert_eq!(
                judged(json!({"resource": "agent", "payload": {}}), Some(answers)),
                Some((BotpressEvent, false))
            );
            assert_eq!(judged(json!({"resource": "agent"}), Some(answers)), Some((BotpressEvent, true)));
            assert_eq!(judged(json!({"option": "A"}), Some(answers)), Some((EvaServiceResponse, false)));
            // Something that is not an object is nothing, whatever it answers.
            assert_eq!(judged(json!([]), Some(answers)), None);
        }
        // A request kind says nothing about answers: the shape decides.
        assert_eq!(
            judged(json!({"info": {}, "answer": {}}), Some(EvaServiceRequest)),
            Some((EvaAnswerRequest, false))
        );
        assert_eq!(judged(json!({}), Some(BotpressEvent)), None);
    }

    #[test]
    fn a_guess_is_explained_and_a_sure_kind_is_not() {
        let guess = detect(&json!({"openContext": {}}), None).unwrap();
        assert_eq!(
            guess.guess_note().as_deref(),
            Some(
                "judged as eva-service-response, the closest kind: an eva webhook answer with the contexts but neither option (service cell) nor answer (transactional answer); pass --kind to choose another"
            )
        );
        assert_eq!(detect(&json!({"option": "A"}), None).unwrap().guess_note(), None);
    }

    #[test]
    fn each_platform_has_its_label_and_headers() {
        assert_eq!(Platform::Botpress.label(), "Botpress HITL Next");
        assert_eq!(Platform::Eva.label(), "eva");
        assert_eq!(Platform::Botpress.headers()["user-agent"], "axios/0.21.4");
        let eva = Platform::Eva.headers();
        assert_eq!(eva["content-type"], "application/json");
        assert_eq!(eva["user-agent"], concat!("hookctl/", env!("CARGO_PKG_VERSION")));
        assert!(Platform::Eva.failure_note().contains("HTTP 460"));
        assert!(Kind::EvaServiceRequest.failure_note().contains("error path"));
        assert!(!Kind::EvaAnswerRequest.failure_note().contains("HTTP 460"));
        assert_eq!(Kind::BotpressEvent.failure_note(), Platform::Botpress.failure_note());
    }

    #[test]
    fn the_top_level_keys_each_kind_is_sent_with() {
        assert!(Kind::EvaServiceRequest.sends_top_level("expectedOptions"));
        assert!(!Kind::EvaServiceRequest.sends_top_level("answer"));
        assert!(Kind::EvaAnswerRequest.sends_top_level("answer"));
        assert!(Kind::EvaAnswerRequest.sends_top_level("hiddenContext"));
        assert!(!Kind::EvaAnswerRequest.sends_top_level("sessionCode"));
        assert!(Kind::BotpressEvent.sends_top_level("payload"));
        assert!(!Kind::BotpressEvent.sends_top_level("userId"));
    }
}
