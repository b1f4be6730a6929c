//! The event catalogue: the one place that knows every built-in event and every document kind.
//!
//! Each event names its platform, its fixture, the kind of its request and of the answer expected
//! from the receiver, and (through its kind) the schema and the fields worth printing. Fixtures and
//! schemas are files under `fixtures/`, embedded at build time so the binary needs nothing beside it.

use serde_json::Value;

use crate::error::{Error, Result};

pub use crate::kind::{Detection, Kind};
pub use crate::platform::{Field, Platform, Webhook};
use crate::platform::{botpress, eva};

impl Kind {
    /// The webhook a request of this kind goes to; none for an answer.
    pub fn webhook(self) -> Option<Webhook> {
        match self {
            Kind::BotpressEvent => Some(botpress::WEBHOOK),
            Kind::EvaServiceRequest => Some(eva::SERVICE_WEBHOOK),
            Kind::EvaAnswerRequest => Some(eva::ANSWER_WEBHOOK),
            Kind::EvaAnswerResponse | Kind::EvaServiceResponse => None,
        }
    }

    /// The JSON Schema (2020-12) of this kind, as shipped.
    pub fn schema_source(self) -> &'static str {
        match self {
            Kind::BotpressEvent => include_str!("../fixtures/schemas/botpress-event.schema.json"),
            Kind::EvaAnswerRequest => {
                include_str!("../fixtures/schemas/eva-answer-request.schema.json")
            }
            Kind::EvaAnswerResponse => {
                include_str!("../fixtures/schemas/eva-answer-response.schema.json")
            }
            Kind::EvaServiceRequest => {
                include_str!("../fixtures/schemas/eva-service-request.schema.json")
            }
            Kind::EvaServiceResponse => {
                include_str!("../fixtures/schemas/eva-service-response.schema.json")
            }
        }
    }

    /// The fields printed for a document of this kind, in order. Absent fields are skipped.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::BotpressEvent => botpress::FIELDS,
            Kind::EvaAnswerRequest | Kind::EvaServiceRequest => eva::REQUEST_FIELDS,
            Kind::EvaAnswerResponse | Kind::EvaServiceResponse => eva::RESPONSE_FIELDS,
        }
    }

    /// Where identifiers live in a document of this kind. `send` gives each a fresh value of the
    /// same shape; string identifiers are replaced wherever else they appear in the document too,
    /// so that (say) a thread id nested in the stored conversation stays consistent.
    /// `*` stands for every index of an array.
    pub fn identifiers(self) -> &'static [&'static str] {
        match self {
            Kind::BotpressEvent => botpress::IDENTIFIERS,
            Kind::EvaAnswerRequest | Kind::EvaServiceRequest => eva::IDENTIFIERS,
            Kind::EvaAnswerResponse | Kind::EvaServiceResponse => &[],
        }
    }

    pub fn parse(name: &str) -> Result<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            Error::usage(format!(
                "unknown kind '{name}'{}; known kinds: {}",
                suggest(name, &names),
                names.join(", ")
            ))
        })
    }

    /// The kind of a document, from its shape; `None` when it resembles no known kind.
    pub fn detect(doc: &Value) -> Option<Kind> {
        Kind::detect_with(doc, None).map(|d| d.kind)
    }

    /// The kind of a document, from its shape and from what the documents are known to answer.
    ///
    /// A document that carries a kind's distinctive keys is that kind, even when it breaks the
    /// contract in other ways: a broken document is judged against the kind it was meant to be, so
    /// that what is missing is reported as a contract failure. `answers` is the kind of answer the
    /// documents are known to be (from `--request` or `--expected-options`): it decides for every
    /// document that is not a Botpress event, since webhooks often echo request keys (`info`,
    /// `text`) in their answers. `None` is left for documents that resemble no known kind.
    pub fn detect_with(doc: &Value, answers: Option<Kind>) -> Option<Detection> {
        crate::platform::detect(doc, answers)
    }

    /// The kinds [`Kind::detect_with`] can judge a document as, given what the documents answer.
    pub fn detectable(answers: Option<Kind>) -> Vec<Kind> {
        crate::platform::detectable(answers)
    }
}

/// A built-in event.
#[derive(Debug)]
pub struct Event {
    pub name: &'static str,
    pub platform: Platform,
    pub summary: &'static str,
    pub request: Kind,
    /// How many times Botpress delivers this event for one action: tag edits go out twice since
    /// v12.30.6 (the handoff update sends it once, the tags route once more).
    pub deliveries: u32,
    /// Why the event is delivered more than once; empty when it is delivered once.
    pub deliveries_why: &'static str,
    /// For a handoff update: the handoff fields its action changes, over the handoff as it was
    /// before ("which action sends what"). `updatedAt` is listed where the handoff row is written;
    /// a note is stored apart, so adding one leaves it. `comments` gains the event's new comment.
    /// `None` for the events that do not update a handoff (create, agents, eva).
    pub updates: Option<&'static [&'static str]>,
    fixture: &'static str,
    example_response: Option<&'static str>,
}

impl Event {
    /// The fixture, parsed (key order preserved).
    pub fn fixture(&self) -> Value {
        parse_embedded(self.name, self.fixture)
    }

    /// A valid answer to this event, for events whose answer the platform reads.
    pub fn example_response(&self) -> Option<Value> {
        self.example_response.map(|src| parse_embedded(self.name, src))
    }

    pub fn response_kind(&self) -> Option<Kind> {
        self.request.response_kind()
    }
}

fn parse_embedded(name: &str, src: &str) -> Value {
    // The embedded files are checked by the test suite; a failure here is a build defect.
    serde_json::from_str(src).unwrap_or_else(|e| panic!("embedded fixture {name} is not JSON: {e}"))
}

macro_rules! botpress {
    ($name:literal, $summary:literal) => {
        Event {
            name: $name,
            platform: Platform::Botpress,
            summary: $summary,
            request: Kind::BotpressEvent,
            deliveries: 1,
            deliveries_why: "",
            updates: None,
            fixture: include_str!(concat!("../fixtures/events/", $name, ".json")),
            example_response: None,
        }
    };
}

macro_rules! eva {
    ($name:literal, $request:expr, $summary:literal) => {
        Event {
            name: $name,
            platform: Platform::Eva,
            summary: $summary,
            request: $request,
            deliveries: 1,
            deliveries_why: "",
            updates: None,
            fixture: include_str!(concat!("../fixtures/events/", $name, ".json")),
            example_response: Some(include_str!(concat!("../fixtures/responses/", $name, ".json"))),
        }
    };
}

/// Every built-in event, in the order `hookctl list` shows them.
pub static EVENTS: &[Event] = &[
    botpress!("handoff-create", "the bot hands a user over to a human: a pending handoff"),
    Event {
        updates: Some(&["status", "agentId", "agentThreadId", "assignedAt", "updatedAt"]),
        ..botpress!("handoff-assign", "an agent takes the handoff (assigned, agent thread opened)")
    },
    Event {
        updates: Some(&["status", "resolvedAt", "updatedAt"]),
        ..botpress!("handoff-resolve", "the agent closes the handoff as resolved")
    },
    Event {
        updates: Some(&["status", "resolvedAt", "updatedAt"]),
        ..botpress!("handoff-reject", "an agent rejects a pending handoff")
    },
    Event {
        updates: Some(&["status", "updatedAt"]),
        ..botpress!("handoff-expire", "nobody took the handoff within the timeout: expired")
    },
    Event {
        deliveries: botpress::TAG_EDIT_DELIVERIES,
        deliveries_why: botpress::TAG_EDIT_WHY,
        updates: Some(&["tags", "updatedAt"]),
        ..botpress!("handoff-tags", "the agent edits the handoff's tags (Botpress sends this twice)")
    },
    Event {
        updates: Some(&["comments"]),
        ..botpress!("handoff-comment", "the agent adds a note to the handoff")
    },
    botpress!("agent-online", "an agent switches to online"),
    botpress!("agent-offline", "an agent switches to offline"),
    eva!("eva-answer", Kind::EvaAnswerRequest, "eva asks the webhook to rewrite a transactional answer"),
    eva!("eva-service", Kind::EvaServiceRequest, "eva asks the webhook which option a service cell takes"),
];

/// Look an event up by name; an unknown name is a usage error that suggests the nearest one.
pub fn event(name: &str) -> Result<&'static Event> {
    EVENTS.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = EVENTS.iter().map(|e| e.name).collect();
        Error::usage(format!(
            "unknown event '{name}'{}; run 'hookctl list' to see them all",
            suggest(name, &names)
        ))
    })
}

/// ", did you mean 'x'?" for the closest candidate, or nothing when none is close.
pub fn suggest(input: &str, candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(input, c), *c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

/// A scenario: built-in events sent in order as one story, sharing ids across steps.
#[derive(Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub summary: &'static str,
    pub steps: &'static [&'static str],
}

impl Scenario {
    /// The kind of its requests: a scenario's steps all go to one webhook.
    pub fn kind(&self) -> Kind {
        self.steps.first().and_then(|s| event(s).ok()).map_or(Kind::BotpressEvent, |e| e.request)
    }
}

/// Every webhook a deployment of both platforms has, in the order suites list them.
pub const WEBHOOKS: [Webhook; 3] = [botpress::WEBHOOK, eva::SERVICE_WEBHOOK, eva::ANSWER_WEBHOOK];

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "handoff-lifecycle",
        summary: "agent online, handoff created, assigned, resolved",
        steps: &["agent-online", "handoff-create", "handoff-assign", "handoff-resolve"],
    },
    Scenario {
        name: "handoff-lifecycle-reject",
        summary: "agent online, handoff created, rejected",
        steps: &["agent-online", "handoff-create", "handoff-reject"],
    },
    Scenario {
        name: "handoff-lifecycle-expire",
        summary: "handoff created, nobody takes it, expired",
        steps: &["handoff-create", "handoff-expire"],
    },
    Scenario {
        name: "handoff-full",
        summary: "online, create, assign, tags, note, resolve, offline",
        steps: &[
            "agent-online",
            "handoff-create",
            "handoff-assign",
            "handoff-tags",
            "handoff-comment",
            "handoff-resolve",
            "agent-offline",
        ],
    },
];

/// Look a scenario up by name, suggesting the nearest on a miss.
pub fn scenario(name: &str) -> Result<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        Error::usage(format!(
            "unknown scenario '{name}'{}; scenarios: {}",
            suggest(name, &names),
            names.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [&str; 5] = [
        "botpress-event",
        "eva-answer-request",
        "eva-answer-response",
        "eva-service-request",
        "eva-service-response",
    ];

    #[test]
    fn suggest_names_the_closest_candidate_when_it_is_close() {
        let events: Vec<&str> = EVENTS.iter().map(|e| e.name).collect();
        assert_eq!(suggest("handof-create", &events), " (did you mean 'handoff-create'?)");
        assert_eq!(suggest("handoff-creat", &events), " (did you mean 'handoff-create'?)");
        assert_eq!(suggest("agent-onlin", &events), " (did you mean 'agent-online'?)");
        assert_eq!(suggest("eva-servce", &events), " (did you mean 'eva-service'?)");
        assert_eq!(suggest("eva-service-respons", &KINDS), " (did you mean 'eva-service-response'?)");
        // Farther, but still close enough (similarity about 0.87 and 0.84) ...
        assert_eq!(suggest("hand", &events), " (did you mean 'handoff-tags'?)");
        assert_eq!(suggest("eva", &events), " (did you mean 'eva-answer'?)");
        // ... and not close enough (about 0.69): no suggestion rather than a wild one.
        assert_eq!(suggest("h", &events), "");
        assert_eq!(suggest("offline-agent", &events), "");
        assert_eq!(suggest("zzz", &events), "");
        assert_eq!(suggest("", &events), "");
        assert_eq!(suggest("handoff-create", &[]), "");
    }

    #[test]
    fn kinds_parse_by_their_names_only() {
        for (kind, name) in Kind::ALL.iter().zip(KINDS) {
            assert_eq!(kind.name(), name);
            assert_eq!(kind.to_string(), name);
            assert_eq!(Kind::parse(name).unwrap(), *kind);
        }
        let e = Kind::parse("eva-request").unwrap_err();
        assert_eq!(e.exit(), crate::error::Exit::Usage);
        assert!(e.to_string().starts_with("unknown kind 'eva-request'"), "{e}");
        assert!(e.to_string().ends_with(&format!("; known kinds: {}", KINDS.join(", "))), "{e}");
        assert!(Kind::parse("Botpress-Event").is_err(), "names are exact");
    }

    #[test]
    fn kinds_know_their_answers_and_platforms() {
        assert_eq!(Kind::EvaServiceRequest.response_kind(), Some(Kind::EvaServiceResponse));
        assert_eq!(Kind::EvaAnswerRequest.response_kind(), Some(Kind::EvaAnswerResponse));
        for k in [Kind::BotpressEvent, Kind::EvaServiceResponse, Kind::EvaAnswerResponse] {
            assert_eq!(k.response_kind(), None, "{k}");
        }
        let responses: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.is_response()).collect();
        assert_eq!(responses, [Kind::EvaAnswerResponse, Kind::EvaServiceResponse]);
        assert_eq!(Kind::BotpressEvent.platform(), Platform::Botpress);
        assert!(Kind::ALL[1..].iter().all(|k| k.platform() == Platform::Eva));
        assert!(Kind::EvaServiceResponse.identifiers().is_empty());
        assert!(Kind::BotpressEvent.identifiers().contains(&"/payload/comments/*/id"));
    }

    #[test]
    fn events_and_scenarios_are_found_by_name() {
        assert_eq!(event("handoff-tags").unwrap().deliveries, 2);
        assert!(EVENTS.iter().filter(|e| e.name != "handoff-tags").all(|e| e.deliveries == 1));
        let e = event("handof-tags").unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown event 'handof-tags' (did you mean 'handoff-tags'?); run 'hookctl list' to see them all"
        );
        assert_eq!(scenario("handoff-full").unwrap().steps.len(), 7);
        let e = scenario("handoff-lifecycle-rejected").unwrap_err().to_string();
        assert!(e.starts_with("unknown scenario 'handoff-lifecycle-rejected' (did you mean 'handoff-lifecycle-reject'?); scenarios: handoff-lifecycle,"), "{e}");
        // Every step of every scenario is a built-in event.
        for s in SCENARIOS {
            for step in s.steps {
                assert!(event(step).is_ok(), "{}: {step}", s.name);
            }
        }
    }
}
