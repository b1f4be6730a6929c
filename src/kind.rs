//! The kinds of document hookctl knows and the platforms that send them: the names every other
//! room speaks in. Facts about each kind (its schema, its fields, its webhook) are asked of the
//! catalogue and the platforms, which add them to these types from above.

use serde::{Deserialize, Serialize};

/// A kind of document hookctl knows how to validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A Botpress HITL Next events-webhook body (handoff or agent).
    BotpressEvent,
    /// The body eva posts for a transactional answer.
    EvaAnswerRequest,
    /// The webhook's answer to a transactional-answer request.
    EvaAnswerResponse,
    /// The body eva posts for a service cell.
    EvaServiceRequest,
    /// The webhook's answer to a service-cell request.
    EvaServiceResponse,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::BotpressEvent,
        Kind::EvaAnswerRequest,
        Kind::EvaAnswerResponse,
        Kind::EvaServiceRequest,
        Kind::EvaServiceResponse,
    ];

    /// The name users type (`--kind`, `hookctl schema`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::BotpressEvent => "botpress-event",
            Kind::EvaAnswerRequest => "eva-answer-request",
            Kind::EvaAnswerResponse => "eva-answer-response",
            Kind::EvaServiceRequest => "eva-service-request",
            Kind::EvaServiceResponse => "eva-service-response",
        }
    }

    pub fn platform(self) -> Platform {
        match self {
            Kind::BotpressEvent => Platform::Botpress,
            _ => Platform::Eva,
        }
    }

    pub fn is_response(self) -> bool {
        matches!(self, Kind::EvaAnswerResponse | Kind::EvaServiceResponse)
    }

    /// The kind of the answer a receiver owes for a request of this kind, when the platform reads it.
    pub fn response_kind(self) -> Option<Kind> {
        match self {
            Kind::EvaAnswerRequest => Some(Kind::EvaAnswerResponse),
            Kind::EvaServiceRequest => Some(Kind::EvaServiceResponse),
            _ => None,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind a document was judged as, and why when it was only the closest one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detection {
    pub kind: Kind,
    /// Set when the document fits no kind exactly: what it looks like.
    pub closest: Option<&'static str>,
}

impl Detection {
    /// A sentence for reports when the kind was the closest one, saying how to choose another.
    pub fn guess_note(&self) -> Option<String> {
        self.closest.map(|why| {
            format!("judged as {}, the closest kind: {why}; pass --kind to choose another", self.kind)
        })
    }
}

/// The platform that sends an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
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
}
