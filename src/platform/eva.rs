//! eva (Syntphony Conversational AI) webhooks: the transactional answer and the service cell.
//! What eva posts, what it reads of the answer, and what it does with it. Every eva fact the tool
//! relies on is spelled here and only here.

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Field, field};
use crate::finding::{Context, Finding};
use crate::json::{Pointer, Tree};
use crate::kind::Kind;

// ------------------------------------------------------------------ the wire

/// eva's user agent is not documented: hookctl says who it is (override with -H).
const USER_AGENT_VALUE: &str = concat!("hookctl/", env!("CARGO_PKG_VERSION"));

/// The headers hookctl sends as eva: JSON, and its own name. eva's own are not documented; the
/// bot author's configured headers come on top.
pub fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    headers
}

/// What eva does when a webhook answers anything but 2xx, when which webhook is not known.
pub fn failure_note() -> String {
    format!("for a service cell, {}; for a transactional answer, {}", service_failure(), answer_failure())
}

/// What eva does when a service cell's webhook fails (non-2xx, unreachable, not JSON).
pub fn service_failure() -> &'static str {
    "eva sends the cell down its error path (the automatic \"service error\" option) and the channel gets HTTP 460"
}

/// What eva does when a transactional answer's webhook fails: its documentation does not say.
pub fn answer_failure() -> &'static str {
    "eva's documentation does not say what becomes of a transactional answer whose webhook fails \
     (the error path it documents is a service cell's): do not count on the answer going out unchanged"
}

/// The option a service cell's error path is known by in integrations (eva's own name for it is
/// not documented): what a receiver with nothing better to choose answers.
pub const SERVICE_ERROR_OPTION: &str = "ERROR";

// ------------------------------------------------------------------ the documents

/// The top-level keys of the conversation event, the base body of both webhooks (each adds its
/// own: `answer` or `expectedOptions`).
pub const EVENT_FIELDS: [&str; 8] =
    ["text", "code", "info", "entities", "intents", "openContext", "visibleContext", "hiddenContext"];
/// The three contexts of an eva conversation, in the order eva documents them.
pub const CONTEXTS: [&str; 3] = ["openContext", "visibleContext", "hiddenContext"];
/// The contexts channels can read.
pub const READABLE: [&str; 2] = ["openContext", "visibleContext"];
/// The context only eva and its webhooks see: where sensitive data lives.
pub const HIDDEN: &str = "hiddenContext";

/// The contexts of a document of `kind` that no rule reads inside, as pointers: all three, except
/// the readable ones a response is compared with its request in (the leak check) when there is a
/// request.
pub fn contexts_unread(kind: Kind, with_request: bool) -> &'static [&'static str] {
    const ALL: [&str; 3] = [ptr::OPEN_CONTEXT, ptr::VISIBLE_CONTEXT, ptr::HIDDEN_CONTEXT];
    match kind {
        Kind::EvaServiceResponse | Kind::EvaAnswerResponse if with_request => &[ptr::HIDDEN_CONTEXT],
        Kind::BotpressEvent => &[],
        _ => &ALL,
    }
}

/// Answer types eva's channels render. Others are accepted with a warning.
pub const ANSWER_TYPES: &[&str] =
    &["TEXT", "TEXT_OPTIONS", "IMAGE", "VIDEO", "AUDIO", "FILE", "LIST", "CAROUSEL", "CUSTOM_JSON"];
/// The answer type whose content is an array of cards rather than a string.
pub const CAROUSEL: &str = "CAROUSEL";

/// Where things live in eva's requests and in the webhook's answers.
/// The webhook of a service cell (eva configures one per cell).
pub const SERVICE_WEBHOOK: super::Webhook = super::Webhook {
    platform: super::Platform::Eva,
    target: "eva-service",
    variable: "EVA_SERVICE_URL",
    what: "an eva service cell's webhook",
    example_path: "/eva/service",
};

/// The webhook of a transactional answer (eva configures one per answer).
pub const ANSWER_WEBHOOK: super::Webhook = super::Webhook {
    platform: super::Platform::Eva,
    target: "eva-answer",
    variable: "EVA_ANSWER_URL",
    what: "an eva transactional answer's webhook",
    example_path: "/eva/answer",
};

pub mod ptr {
    pub const TEXT: &str = "/text";
    pub const SESSION_CODE: &str = "/info/sessionCode";
    pub const CHANNEL: &str = "/info/channelName";
    pub const INTENTS: &str = "/intents";
    pub const EXPECTED_OPTIONS: &str = "/expectedOptions";
    pub const OPTION: &str = "/option";
    pub const ANSWER: &str = "/answer";
    pub const ANSWER_CONTENT: &str = "/answer/content/content";
    pub const ANSWER_CONTENT_TYPE: &str = "/answer/content/type";
    pub const ANSWER_TEMPLATE: &str = "/answer/template";
    pub const OPEN_CONTEXT: &str = "/openContext";
    pub const VISIBLE_CONTEXT: &str = "/visibleContext";
    pub const HIDDEN_CONTEXT: &str = "/hiddenContext";
    pub const TECHNICAL_TEXT: &str = "/answer/technicalText";
}

/// The fields printed for a request, in order. Absent fields are skipped.
pub const REQUEST_FIELDS: &[Field] = &[
    field("sessionCode", ptr::SESSION_CODE),
    field("channel", ptr::CHANNEL),
    field("text", ptr::TEXT),
    field("intents", ptr::INTENTS),
    field("expectedOptions", ptr::EXPECTED_OPTIONS),
    field("answer", ptr::ANSWER_CONTENT),
    field("template", ptr::ANSWER_TEMPLATE),
    field("technicalText", ptr::TECHNICAL_TEXT),
    field("openContext", ptr::OPEN_CONTEXT),
    field("visibleContext", ptr::VISIBLE_CONTEXT),
    field("hiddenContext", ptr::HIDDEN_CONTEXT),
];

/// The fields printed for a webhook's answer, in order.
pub const RESPONSE_FIELDS: &[Field] = &[
    field("option", ptr::OPTION),
    field("answer", ptr::ANSWER_CONTENT),
    field("template", ptr::ANSWER_TEMPLATE),
    field("technicalText", ptr::TECHNICAL_TEXT),
    field("openContext", ptr::OPEN_CONTEXT),
    field("visibleContext", ptr::VISIBLE_CONTEXT),
    field("hiddenContext", ptr::HIDDEN_CONTEXT),
];

/// Where identifiers live in a request.
pub const IDENTIFIERS: &[&str] = &[ptr::SESSION_CODE];

/// A convenience flag of `send` and where it writes in the request, for the kinds it applies to.
pub struct Convenience {
    pub flag: &'static str,
    pub pointers: &'static [&'static str],
    pub kinds: &'static [Kind],
}

const REQUESTS: &[Kind] = &[Kind::EvaAnswerRequest, Kind::EvaServiceRequest];
pub const TEXT_FLAG: Convenience = Convenience { flag: "--text", pointers: &[ptr::TEXT], kinds: REQUESTS };
pub const EXPECTED_OPTIONS_FLAG: Convenience = Convenience {
    flag: "--expected-options",
    pointers: &[ptr::EXPECTED_OPTIONS],
    kinds: &[Kind::EvaServiceRequest],
};
pub const ANSWER_FLAG: Convenience =
    Convenience { flag: "--answer", pointers: &[ptr::ANSWER_CONTENT], kinds: &[Kind::EvaAnswerRequest] };
pub const ANSWER_TYPE_FLAG: Convenience = Convenience {
    flag: "--answer-type",
    pointers: &[ptr::ANSWER_TEMPLATE, ptr::ANSWER_CONTENT_TYPE],
    kinds: &[Kind::EvaAnswerRequest],
};
/// `--expect-option` (and a suite's `expect.option`) make sense for service cells only.
pub const EXPECT_OPTION_KINDS: &[Kind] = &[Kind::EvaServiceRequest];

// ------------------------------------------------------------------ answers

/// The answer a correct receiver gives to a request of this kind: `{}` for Botpress; for eva the
/// three contexts echoed and, for a service cell, `option` (the first expected one unless told),
/// for a transactional answer the answer as received.
pub fn reference_answer(kind: Option<Kind>, request: &Value, option: Option<&str>) -> Value {
    let mut answer = Map::new();
    match kind {
        Some(Kind::EvaServiceRequest) => {
            let first = request.at(ptr::EXPECTED_OPTIONS).and_then(|o| o.get(0)).and_then(Value::as_str);
            let chosen = option.or(first).unwrap_or(SERVICE_ERROR_OPTION);
            answer.insert("option".into(), Value::from(chosen));
        }
        Some(Kind::EvaAnswerRequest) => {
            answer.insert("answer".into(), request.get("answer").cloned().unwrap_or(Value::Null));
        }
        _ => return json!({}),
    }
    for ctx in CONTEXTS {
        answer.insert(ctx.into(), request.get(ctx).cloned().unwrap_or_else(|| json!({})));
    }
    Value::Object(answer)
}

/// What the webhook did to the answer, its `technicalText` and the contexts.
#[derive(Debug, Default, Serialize)]
pub struct Changes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_after: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technical_text_before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technical_text_after: Option<Value>,
    pub contexts: Vec<ContextChange>,
}

#[derive(Debug, Serialize)]
pub struct ContextChange {
    pub context: &'static str,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// The answer left the context out (its keys are in `removed`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dropped: bool,
}

/// What the webhook did to the answer, its `technicalText` and the contexts: a context the
/// answer leaves out counts as dropped, its keys removed.
pub fn changes(request: &Value, response: &Value) -> Changes {
    let mut c = Changes {
        answer_before: request.at(ptr::ANSWER_CONTENT).cloned(),
        answer_after: response.at(ptr::ANSWER_CONTENT).cloned(),
        technical_text_before: request.at(ptr::TECHNICAL_TEXT).cloned(),
        technical_text_after: response.at(ptr::TECHNICAL_TEXT).cloned(),
        contexts: Vec::new(),
    };
    let empty = serde_json::Map::new();
    for name in CONTEXTS {
        let before = request.get(name).and_then(Value::as_object).unwrap_or(&empty);
        let dropped = response.get(name).is_none();
        let after = response.get(name).and_then(Value::as_object).unwrap_or(&empty);
        let change = ContextChange {
            context: name,
            added: after.keys().filter(|k| !before.contains_key(*k)).cloned().collect(),
            changed: after
                .iter()
                .filter(|(k, v)| before.get(*k).is_some_and(|b| b != *v))
                .map(|(k, _)| k.clone())
                .collect(),
            removed: before.keys().filter(|k| !after.contains_key(*k)).cloned().collect(),
            dropped: dropped && request.get(name).is_some(),
        };
        if change.dropped
            || !(change.added.is_empty() && change.changed.is_empty() && change.removed.is_empty())
        {
            c.contexts.push(change);
        }
    }
    c
}

// ------------------------------------------------------------------ the contract

/// A service cell with no options can only take its error path.
pub fn service_request_rules<'a>(doc: impl Tree<'a>, warnings: &mut Vec<Finding>) {
    if doc
        .find(ptr::EXPECTED_OPTIONS)
        .and_then(Tree::elements)
        .is_some_and(|mut options| options.next().is_none())
    {
        warnings.push(Finding::new(
            ptr::EXPECTED_OPTIONS,
            "no options: a service cell with no options can only take its error path",
        ));
    }
}

/// The shape of an answer's content follows its type; unknown types are only a warning.
pub fn answer_rules<'a>(doc: impl Tree<'a>, errors: &mut Vec<Finding>, warnings: &mut Vec<Finding>) {
    let Some(answer) = doc.get("answer") else { return };
    let template = answer.get("template").and_then(Tree::as_str);
    let content_type = answer.find("/content/type").and_then(Tree::as_str);
    for (pointer, ty) in [(ptr::ANSWER_TEMPLATE, template), (ptr::ANSWER_CONTENT_TYPE, content_type)] {
        if let Some(ty) = ty.filter(|t| !ANSWER_TYPES.contains(t)) {
            warnings.push(
                Finding::new(pointer, format!("unknown answer type '{ty}': channels may not render it"))
                    .expected(format!("one of {}", ANSWER_TYPES.join(", "))),
            );
        }
    }
    if let (Some(t), Some(c)) = (template, content_type) {
        if t != c {
            warnings.push(Finding::new(
                ptr::ANSWER_CONTENT_TYPE,
                format!("content type '{c}' differs from the template '{t}'"),
            ));
        }
    }
    let Some(content) = answer.find("/content/content") else { return };
    // The answer's type selects the content's shape (content.type first, as eva reads it), and the
    // schema checks only the selected shape. The mistake is said once, in the type's words.
    let ty = content_type.or(template);
    let carousel = ty == Some(CAROUSEL);
    let pointer = ptr::ANSWER_CONTENT;
    let wrong = if carousel {
        content.elements().is_none().then(|| {
            Finding::new(pointer, "a CAROUSEL answer's content must be an array of cards")
                .expected("array of cards")
        })
    } else {
        content.as_str().is_none().then(|| {
            Finding::new(pointer, format!("a {} answer's content must be a string", ty.unwrap_or("TEXT")))
                .expected("string")
        })
    };
    if let Some(finding) = wrong {
        errors.retain(|e| e.pointer != pointer);
        errors.push(finding.found(Some(&content.value())));
    }
}

/// A service cell's option must be one the request offered: anything else sends the flow down its
/// error path.
pub fn option_rule<'a>(
    doc: impl Tree<'a>,
    ctx: Context<'_>,
    errors: &mut Vec<Finding>,
    not_checked: &mut Vec<String>,
) {
    let Some(option) = doc.find(ptr::OPTION).and_then(Tree::as_str) else { return };
    let from_request: Option<Vec<String>> = ctx
        .request
        .and_then(|r| r.at(ptr::EXPECTED_OPTIONS))
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let Some(options) = ctx.expected_options.map(<[String]>::to_vec).or(from_request) else {
        not_checked.push(match ctx.request {
            None => "option not checked against expectedOptions: pass --request or --expected-options".into(),
            Some(_) => "option not checked: the request has no expectedOptions".into(),
        });
        return;
    };
    if !options.iter().any(|o| ctx.option_case.same(o, option)) {
        // Near miss: eva does not document whether it matches options in any case.
        let near = options.iter().find(|o| o.eq_ignore_ascii_case(option)).map_or(String::new(), |o| {
            format!(
                "; it differs from '{o}' only in case (eva does not document its matching: --option-case insensitive accepts it)"
            )
        });
        errors.push(
            Finding::new(ptr::OPTION, format!("option '{option}' is not one of the expectedOptions{near}"))
                .expected(format!("one of {}", options.join(", ")))
                .found(Some(&Value::from(option))),
        );
    }
}

/// An answer of the other eva kind (a transactional answer to a service cell, or the reverse)
/// says what it looks like: the url may be the other webhook's.
pub fn other_kind_rule<'a>(kind: Kind, doc: impl Tree<'a>, warnings: &mut Vec<Finding>) {
    let (looks, wanted) = match kind {
        Kind::EvaServiceResponse if doc.get("option").is_none() && doc.get("answer").is_some() => {
            ("a transactional answer's (it has answer and no option)", "service cell's")
        }
        Kind::EvaAnswerResponse if doc.get("answer").is_none() && doc.get("option").is_some() => {
            ("a service cell's (it has option and no answer)", "transactional answer's")
        }
        _ => return,
    };
    warnings.push(Finding::new(
        "",
        format!("this answer looks like {looks}: is the url the {wanted} webhook, not the other kind's?"),
    ));
}

/// A context the answer drops or empties. eva keeps the contexts for the whole session, so an
/// answer that empties one the request had keys in (`{}`) loses them; one that leaves it out may
/// too (eva does not document whether a missing context is kept or cleared). Once per context,
/// naming the keys lost; without the request, only a dropped context can be seen.
pub fn context_rules<'a>(doc: impl Tree<'a>, request: Option<&Value>, warnings: &mut Vec<Finding>) {
    for name in CONTEXTS {
        let before = request.map(|r| r.get(name));
        let had: Vec<&str> = before
            .flatten()
            .and_then(Value::as_object)
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let lost = if had.is_empty() { String::new() } else { format!(" (it held {})", had.join(", ")) };
        match doc.get(name) {
            None if before.is_none_or(|b| b.is_some()) => warnings.push(Finding::new(
                format!("/{name}"),
                format!("the answer drops {name}{lost}: eva does not document whether a missing context is kept or cleared; echo it back"),
            )),
            Some(ctx) if !had.is_empty() && ctx.value().as_object().is_some_and(serde_json::Map::is_empty) => {
                warnings.push(Finding::new(
                    format!("/{name}"),
                    format!("the answer empties {name}, losing {} for the rest of the session: eva keeps contexts for the whole session; echo them back", had.join(", ")),
                ));
            }
            _ => {}
        }
    }
}

mod leaks;
pub use leaks::leak_rule;

/// Why hidden data moved into a readable context is not looked for when the request is not known.
pub const LEAKS_NOT_CHECKED: &str = "hiddenContext leaks not checked: pass --request";

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    // ------------------------------------------------------------ reference answers

    #[test]
    fn a_service_cell_is_answered_with_its_first_option_and_the_contexts_echoed() {
        let request = json!({
            "info": {"sessionCode": "s"},
            "expectedOptions": ["CLIENT", "NOT_CLIENT"],
            "openContext": {"a": 1},
            "visibleContext": {"b": 2},
            "hiddenContext": {"id": 6722},
        });
        let answer = reference_answer(Some(Kind::EvaServiceRequest), &request, None);
        assert_eq!(
            answer,
            json!({"option": "CLIENT", "openContext": {"a": 1}, "visibleContext": {"b": 2}, "hiddenContext": {"id": 6722}})
        );
        assert_eq!(keys(&answer), ["option", "openContext", "visibleContext", "hiddenContext"]);
        let chosen = reference_answer(Some(Kind::EvaServiceRequest), &request, Some("NOT_CLIENT"));
        assert_eq!(chosen["option"], "NOT_CLIENT");
        // A chosen option is answered as chosen, even one the request did not offer.
        let chosen = reference_answer(Some(Kind::EvaServiceRequest), &request, Some("MAYBE"));
        assert_eq!(chosen["option"], "MAYBE");
    }

    #[test]
    fn a_service_cell_without_options_takes_the_error_path() {
        for request in [json!({"expectedOptions": []}), json!({}), json!({"expectedOptions": [1, 2]})] {
            let answer = reference_answer(Some(Kind::EvaServiceRequest), &request, None);
            assert_eq!(answer["option"], SERVICE_ERROR_OPTION, "{request}");
            assert_eq!(answer["option"], "ERROR");
        }
    }

    #[test]
    fn missing_contexts_are_answered_empty() {
        let answer =
            reference_answer(Some(Kind::EvaServiceRequest), &json!({"expectedOptions": ["A"]}), None);
        assert_eq!(
            answer,
            json!({"option": "A", "openContext": {}, "visibleContext": {}, "hiddenContext": {}})
        );
    }

    #[test]
    fn a_transactional_answer_is_given_back_as_received() {
        let request = json!({
            "answer": {"template": "TEXT", "content": {"type": "TEXT", "content": "Hi, [NAME]"}},
            "openContext": {},
            "hiddenContext": {"x": true},
        });
        let answer = reference_answer(Some(Kind::EvaAnswerRequest), &request, Some("ignored"));
        assert_eq!(
            answer,
            json!({
                "answer": {"template": "TEXT", "content": {"type": "TEXT", "content": "Hi, [NAME]"}},
                "openContext": {},
                "visibleContext": {},
                "hiddenContext": {"x": true},
            })
        );
        assert_eq!(keys(&answer), ["answer", "openContext", "visibleContext", "hiddenContext"]);
        let bare = reference_answer(Some(Kind::EvaAnswerRequest), &json!({}), None);
        assert_eq!(bare["answer"], Value::Null);
    }

    #[test]
    fn botpress_and_unknown_bodies_are_answered_with_an_empty_object() {
        let request = json!({"expectedOptions": ["A"], "openContext": {"a": 1}});
        for kind in
            [None, Some(Kind::BotpressEvent), Some(Kind::EvaServiceResponse), Some(Kind::EvaAnswerResponse)]
        {
            assert_eq!(reference_answer(kind, &request, Some("A")), json!({}), "{kind:?}");
        }
    }

    // ------------------------------------------------------------ what the webhook changed

    #[test]
    fn changes_lists_added_changed_and_removed_keys_per_context() {
        let request = json!({
            "answer": {"content": {"content": "Hi, [NAME]"}},
            "openContext": {"keep": 1, "edit": 2, "drop": 3},
            "hiddenContext": {"secret": "s"},
        });
        let response = json!({
            "answer": {"content": {"content": "Hi, John"}},
            "openContext": {"keep": 1, "edit": 20, "new": 4},
            "visibleContext": {"shown": true},
            "hiddenContext": {},
        });
        let c = changes(&request, &response);
        assert_eq!(c.answer_before, Some(json!("Hi, [NAME]")));
        assert_eq!(c.answer_after, Some(json!("Hi, John")));
        // Each context as "name +added ~changed -removed".
        let got: Vec<String> = c
            .contexts
            .iter()
            .map(|x| {
                let mut line = x.context.to_string();
                for (sign, keys) in [("+", &x.added), ("~", &x.changed), ("-", &x.removed)] {
                    keys.iter().for_each(|k| line.push_str(&format!(" {sign}{k}")));
                }
                line
            })
            .collect();
        assert_eq!(got, ["openContext +new ~edit -drop", "visibleContext +shown", "hiddenContext -secret"]);
    }

    #[test]
    fn an_echo_changes_nothing_and_an_absent_context_is_not_a_removal() {
        let request =
            json!({"openContext": {"a": 1}, "visibleContext": {"b": [1]}, "hiddenContext": {"c": {}}});
        let c = changes(&request, &request);
        assert!(c.contexts.is_empty());
        assert_eq!((c.answer_before, c.answer_after), (None, None));
        // The answer drops every context: each is dropped, its keys removed.
        let c = changes(&request, &json!({"option": "A"}));
        let dropped: Vec<(&str, bool, &[String])> =
            c.contexts.iter().map(|c| (c.context, c.dropped, c.removed.as_slice())).collect();
        assert_eq!(
            dropped,
            [
                ("openContext", true, &["a".to_string()][..]),
                ("visibleContext", true, &["b".to_string()][..]),
                ("hiddenContext", true, &["c".to_string()][..])
            ]
        );
        // A context the request did not have either is not dropped.
        assert!(changes(&json!({}), &json!({"option": "A"})).contexts.is_empty());
        // A context that is not an object in the answer holds no keys: those it had are removed.
        let c = changes(
            &request,
            &json!({"openContext": null, "visibleContext": [1], "hiddenContext": {"c": {}}}),
        );
        let removed: Vec<(&str, &[String])> =
            c.contexts.iter().map(|c| (c.context, c.removed.as_slice())).collect();
        assert_eq!(
            removed,
            [("openContext", &["a".to_string()][..]), ("visibleContext", &["b".to_string()][..])]
        );
    }

    #[test]
    fn a_changed_value_is_compared_as_json() {
        let request = json!({"openContext": {"n": 1, "s": "1", "o": {"x": [1, 2]}}});
        let response = json!({"openContext": {"n": 1.0, "s": 1, "o": {"x": [1, 2]}}});
        let c = changes(&request, &response);
        assert_eq!(c.contexts.len(), 1);
        assert_eq!(c.contexts[0].changed, ["n", "s"], "1.0 is not 1 in JSON, nor is \"1\"");
    }

    // ------------------------------------------------------------ hidden data made readable

    #[test]
    fn without_the_request_the_leak_check_is_not_made_and_that_is_said() {
        let answer =
            json!({"openContext": {"id": 67221}, "visibleContext": {}, "hiddenContext": {"id": 67221}});
        for kind in [Kind::EvaServiceResponse, Kind::EvaAnswerResponse] {
            let v = crate::contract::check_bare(kind, &answer, Context::default());
            assert!(v.warnings.iter().all(|w| !w.pointer.starts_with("/openContext")), "{v:?}");
            assert!(
                v.not_checked.iter().any(|n| n == "hiddenContext leaks not checked: pass --request"),
                "{v:?}"
            );
            let request = json!({"hiddenContext": {"id": 67221}});
            let v = crate::contract::check_bare(
                kind,
                &answer,
                Context { request: Some(&request), ..Context::default() },
            );
            assert!(v.warnings.iter().any(|w| w.pointer == "/openContext/id"), "{v:?}");
            assert!(v.not_checked.iter().all(|n| !n.contains("leaks")), "{v:?}");
        }
    }

    // ------------------------------------------------------------ the option

    fn option_errors(answer: &Value, ctx: Context<'_>) -> (Vec<String>, Vec<String>) {
        let (mut errors, mut not_checked) = (Vec::new(), Vec::new());
        option_rule(answer, ctx, &mut errors, &mut not_checked);
        (errors.into_iter().map(|e| e.message).collect(), not_checked)
    }

    #[test]
    fn the_option_must_be_one_the_request_offered() {
        let request = json!({"expectedOptions": ["CLIENT", "NOT_CLIENT"]});
        let ctx = Context { request: Some(&request), ..Context::default() };
        assert_eq!(option_errors(&json!({"option": "CLIENT"}), ctx), (vec![], vec![]));
        // A near miss says so, and how to accept it.
        assert_eq!(
            option_errors(&json!({"option": "client"}), ctx).0,
            [
                "option 'client' is not one of the expectedOptions; it differs from 'CLIENT' only in case (eva does not document its matching: --option-case insensitive accepts it)"
            ]
        );
        // Any other option does not.
        assert_eq!(
            option_errors(&json!({"option": "MAYBE"}), ctx).0,
            ["option 'MAYBE' is not one of the expectedOptions"]
        );
        // --expected-options wins over the request's.
        let given = ["client".to_string()];
        let ctx = Context { expected_options: Some(&given), ..ctx };
        assert_eq!(option_errors(&json!({"option": "client"}), ctx), (vec![], vec![]));
        assert_eq!(option_errors(&json!({"option": "CLIENT"}), ctx).0.len(), 1);
    }

    #[test]
    fn an_option_that_cannot_be_checked_says_why() {
        let answer = json!({"option": "CLIENT"});
        assert_eq!(
            option_errors(&answer, Context::default()),
            (
                vec![],
                vec![
                    "option not checked against expectedOptions: pass --request or --expected-options"
                        .to_string()
                ]
            )
        );
        let request = json!({"info": {}});
        let ctx = Context { request: Some(&request), ..Context::default() };
        assert_eq!(
            option_errors(&answer, ctx),
            (vec![], vec!["option not checked: the request has no expectedOptions".to_string()])
        );
        // No option at all is the schema's to report.
        assert_eq!(option_errors(&json!({}), ctx), (vec![], vec![]));
    }
}
