//! The platform room: what Botpress HITL Next and eva send and expect, established from their
//! public sources and documentation. Each fact (headers, retry schedule, envelope and context
//! names, pointers, reference answers, failure notes, contract rules a schema cannot say) is spelled
//! once, in the platform's own file; everything else asks here, through `Platform` and `Kind`.

pub mod botpress;
pub mod eva;

use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use crate::catalogue::{Detection, Kind};

/// The platform that sends an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Botpress,
    Eva,
}

impl Platform {
    pub fn label(self) -> &'static str {
        match self {
            Platform::Botpress => "Botpress HITL Next",
            Platform::Eva => "eva",
        }
    }

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

/// A field worth printing: a label and the JSON pointer where it lives.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub label: &'static str,
    pub pointer: &'static str,
}

pub(crate) const fn field(label: &'static str, pointer: &'static str) -> Field {
    Field { label, pointer }
}

/// The kind of a document, from its shape and from what the documents are known to answer (see
/// `Kind::detect_with`). The keys that tell the platforms' documents apart are spelled here.
pub fn detect(doc: &Value, answers: Option<Kind>) -> Option<Detection> {
    let obj = doc.as_object()?;
    let has = |k: &str| obj.contains_key(k);
    let sure = |kind| Some(Detection { kind, closest: None });
    let closest = |kind, why: &'static str| Some(Detection { kind, closest: Some(why) });
    if has("resource") && has("payload") {
        return sure(Kind::BotpressEvent);
    }
    if has("resource") || has("payload") {
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
