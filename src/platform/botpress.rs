//! Botpress v12 HITL Next (`hitlnext`) and its events webhook: what it sends, how, and what it
//! reads of the answer. Every Botpress fact the tool relies on is spelled here and only here.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde_json::Value;

use super::{Field, field};
use crate::error::{Error, Result};
use crate::finding::{Finding, snippet};
use crate::http;
use crate::json::{Pointer, Tree};

// ------------------------------------------------------------------ the wire

/// What Botpress's HTTP client (axios) puts on every webhook request, beside the configured headers.
const ACCEPT_VALUE: &str = "application/json, text/plain, */*";
const USER_AGENT_VALUE: &str = "axios/0.21.4";

/// The headers Botpress itself sends; `eventsWebHook.headers` win over them.
pub fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_VALUE));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    headers
}

/// Botpress's retry schedule: 10 attempts in all, the first at once, then waits of 100 ms
/// doubling each time, no jitter. Everything said about the schedule is derived from these two.
pub const ATTEMPTS: u32 = 10;
pub const FIRST_DELAY: Duration = Duration::from_millis(100);

/// How long Botpress waits before attempt `attempt` (2 to `ATTEMPTS`).
pub fn retry_wait(attempt: u32) -> Duration {
    FIRST_DELAY * 2u32.pow(attempt.saturating_sub(2))
}

/// Botpress's schedule in words: "10 attempts in all: the first at once, then 9 retries after
/// waits of 100 ms doubling to 25.6 s (about 51 s in all), no jitter".
pub fn retry_schedule() -> String {
    let retries = ATTEMPTS - 1;
    format!(
        "{ATTEMPTS} attempts in all: the first at once, then {retries} retries after waits of {} \
         doubling to {} (about {:.0} s in all), no jitter",
        crate::http::human(FIRST_DELAY),
        crate::http::human(retry_wait(ATTEMPTS)),
        retry_total_wait().as_secs_f64()
    )
}

/// All of Botpress's waits added up: about 51 s.
pub fn retry_total_wait() -> Duration {
    (2..=ATTEMPTS).map(retry_wait).sum()
}

/// What Botpress does when the receiver answers anything but 2xx.
pub fn failure_note() -> String {
    format!("Botpress counts anything but 2xx as a failure: {}; then it drops the event", retry_schedule())
}

/// How many times Botpress delivers a tag edit, and why: the handoff update sends it once and the
/// tags route once more, since v12.30.6.
pub const TAG_EDIT_DELIVERIES: u32 = 2;
pub const TAG_EDIT_WHY: &str = "Botpress sends tag edits twice since v12.30.6";

// ------------------------------------------------------------------ the envelope

/// The top-level keys of every event Botpress sends: the envelope, the same for handoffs and agents.
pub const TOP_LEVEL: [&str; 5] = ["botId", "resource", "type", "id", "payload"];

/// `resource` of a handoff event and of an agent event.
pub const RESOURCE_HANDOFF: &str = "handoff";
pub const RESOURCE_AGENT: &str = "agent";

/// Where things live in an event.
/// The events webhook (`eventsWebHook.url` in `hitlnext.json`).
pub const WEBHOOK: super::Webhook = super::Webhook {
    platform: super::Platform::Botpress,
    target: "botpress",
    variable: "BOTPRESS_WEBHOOK_URL",
    what: "the HITL Next events webhook (eventsWebHook.url)",
    example_path: "/botpress/events",
};

pub mod ptr {
    pub const RESOURCE: &str = "/resource";
    pub const TYPE: &str = "/type";
    /// The handoff id (handoff events) or the agent id (agent events).
    pub const ID: &str = "/id";
    pub const PAYLOAD_ID: &str = "/payload/id";
    pub const STATUS: &str = "/payload/status";
    pub const ONLINE: &str = "/payload/online";
    pub const USER_ID: &str = "/payload/userId";
    pub const USER_THREAD: &str = "/payload/userThreadId";
    pub const AGENT_THREAD: &str = "/payload/agentThreadId";
    pub const AGENT_ID: &str = "/payload/agentId";
    pub const TAGS: &str = "/payload/tags";
    pub const COMMENTS: &str = "/payload/comments";
    pub const UPDATED_AT: &str = "/payload/updatedAt";
    /// The stored event of the user's message that asked for the handoff: the bot's whole state
    /// and the message as the channel gave it.
    pub const CONVERSATION_EVENT: &str = "/payload/userConversation/event";
    pub const USER_ATTRIBUTES: &str = "/payload/user/attributes";
}

/// The top-level keys of the event envelope that only a Botpress event has.
pub const ENVELOPE: [&str; 2] = ["resource", "payload"];

/// The parts of an event that no rule here reads inside (whether the schema does too, and whether
/// a field is printed from inside, is for the schema and the fields to say).
pub const UNREAD: &[&str] = &[ptr::CONVERSATION_EVENT, ptr::USER_ATTRIBUTES];

/// An event's `resource`: `handoff` or `agent`.
pub fn resource(doc: &Value) -> Option<&str> {
    doc.at(ptr::RESOURCE).and_then(Value::as_str)
}

/// The fields printed for an event, in order. Absent fields are skipped.
pub const FIELDS: &[Field] = &[
    field("resource", ptr::RESOURCE),
    field("type", ptr::TYPE),
    field("id", ptr::ID),
    field("status", ptr::STATUS),
    field("online", ptr::ONLINE),
    field("userThreadId", ptr::USER_THREAD),
    field("agentThreadId", ptr::AGENT_THREAD),
    field("agentId", ptr::AGENT_ID),
    field("userId", ptr::USER_ID),
    field("tags", ptr::TAGS),
    field("comments", ptr::COMMENTS),
    field("updatedAt", ptr::UPDATED_AT),
];

/// Where identifiers live in an event (`*` is every index of an array).
pub const IDENTIFIERS: &[&str] = &[
    ptr::ID,
    ptr::PAYLOAD_ID,
    ptr::AGENT_ID,
    ptr::USER_ID,
    ptr::USER_THREAD,
    ptr::AGENT_THREAD,
    "/payload/comments/*/id",
    "/payload/comments/*/handoffId",
    "/payload/userConversation/id",
    "/payload/userConversation/event/messageId",
];

// ------------------------------------------------------------------ the contract

/// Rules of the Botpress envelope and handoff life cycle that a schema cannot say.
pub fn rules<'a>(doc: impl Tree<'a>, errors: &mut Vec<Finding>) {
    // The pointers under one parent, one after another, find that parent once.
    let mut last = None;
    let mut find = |pointer: &'static str| crate::json::find_after(doc, pointer, &mut last);
    if find(ptr::RESOURCE).and_then(Tree::as_str) != Some(RESOURCE_HANDOFF) {
        return;
    }
    let mut push = |f: Finding| {
        if !errors.iter().any(|e| e.pointer == f.pointer) {
            errors.push(f);
        }
    };
    let id = find(ptr::ID);
    let payload_id = find(ptr::PAYLOAD_ID);
    let status_at = find(ptr::STATUS);
    let comments = find(ptr::COMMENTS);
    if let (Some(id), Some(pid)) = (id, payload_id) {
        if !id.equals(pid) {
            push(
                Finding::new(ptr::ID, "a handoff envelope's id must equal payload.id")
                    .expected(snippet(&*pid.value()))
                    .found(Some(&id.value())),
            );
        }
    }
    let status = status_at.and_then(Tree::as_str);
    if doc.get("type").and_then(Tree::as_str) == Some("create") && status != Some("pending") {
        push(
            Finding::new(ptr::STATUS, "a created handoff is always pending")
                .expected("\"pending\"")
                .found(status_at.map(Tree::value).as_deref()),
        );
    }
    let required: &[&str] = match status {
        Some("assigned") => &["agentId", "agentThreadId", "assignedAt"],
        Some("resolved") | Some("rejected") => &["resolvedAt"],
        _ => &[],
    };
    for name in required {
        let pointer = format!("/payload/{name}");
        let value = doc.find(&pointer);
        if value.is_none_or(Tree::is_null) {
            push(
                Finding::new(
                    &pointer,
                    format!("status '{}' requires {name} to be set", status.unwrap_or_default()),
                )
                .expected("a value")
                .found(value.map(Tree::value).as_deref()),
            );
        }
    }
    if let (Some(comments), Some(pid)) = (comments.and_then(Tree::elements), payload_id) {
        for (i, c) in comments.enumerate() {
            if let Some(hid) = c.get("handoffId").filter(|h| !h.equals(pid)) {
                push(
                    Finding::new(
                        format!("/payload/comments/{i}/handoffId"),
                        "a comment belongs to the handoff it is sent with",
                    )
                    .expected(snippet(&*pid.value()))
                    .found(Some(&hid.value())),
                );
            }
        }
    }
}

// ------------------------------------------------------------------ the configuration

/// The webhook a Botpress `hitlnext.json` configures: `eventsWebHook.url` and
/// `eventsWebHook.headers` of the parsed document, which messages name `source`. The url is
/// `None` when it is absent, null or empty: Botpress then calls no webhook.
pub fn webhook_config(doc: &Value, source: &str) -> Result<(Option<String>, HeaderMap)> {
    let hook = doc.get("eventsWebHook").ok_or_else(|| {
        Error::usage(format!(
            "--botpress-config {source}: no 'eventsWebHook' object (Botpress would not call any webhook)"
        ))
    })?;
    let url = match hook.get("url") {
        None | Some(Value::Null) => None,
        Some(Value::String(u)) if u.is_empty() => None,
        Some(Value::String(u)) => Some(u.clone()),
        Some(_) => {
            return Err(Error::usage(format!(
                "--botpress-config {source}: eventsWebHook.url must be a string"
            )));
        }
    };
    let mut headers = HeaderMap::new();
    match hook.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in map {
                let value = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
                let origin = format!("--botpress-config {source}: eventsWebHook.headers.{name}");
                let (name, value) = http::header(name, &value, &origin)?;
                headers.insert(name, value);
            }
        }
        Some(_) => {
            return Err(Error::usage(format!(
                "--botpress-config {source}: eventsWebHook.headers must be an object"
            )));
        }
    }
    Ok((url, headers))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::Exit;

    #[test]
    fn the_waits_double_from_100_ms_to_25_6_s() {
        let waits: Vec<u128> = (2..=ATTEMPTS).map(|a| retry_wait(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600]);
        assert_eq!(ATTEMPTS, 10, "10 attempts in all");
    }

    #[test]
    fn all_the_waits_add_up_to_about_51_s() {
        assert_eq!(retry_total_wait(), Duration::from_millis(51_100));
    }

    #[test]
    fn the_schedule_in_words() {
        assert_eq!(
            retry_schedule(),
            "10 attempts in all: the first at once, then 9 retries after waits of 100 ms doubling to 25.6 s (about 51 s in all), no jitter"
        );
        assert_eq!(
            failure_note(),
            format!(
                "Botpress counts anything but 2xx as a failure: {}; then it drops the event",
                retry_schedule()
            )
        );
    }

    #[test]
    fn the_headers_are_axios_s() {
        let h = headers();
        assert_eq!(h.len(), 3);
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(h["accept"], "application/json, text/plain, */*");
        assert_eq!(h["user-agent"], "axios/0.21.4");
    }

    // ------------------------------------------------------------ hitlnext.json

    /// The webhook of a `hitlnext.json` written with `text`.
    fn config(text: &str) -> Result<(Option<String>, HeaderMap)> {
        let doc: Value = serde_json::from_str(text).unwrap();
        webhook_config(&doc, "hitlnext.json")
    }

    fn config_err(text: &str) -> String {
        let e = config(text).expect_err(text);
        assert_eq!(e.exit(), Exit::Usage);
        let msg = e.to_string();
        msg.strip_prefix("--botpress-config ").unwrap_or_else(|| panic!("names the flag: {msg}")).to_string()
    }

    #[test]
    fn an_absent_null_or_empty_url_is_no_webhook() {
        for hook in [json!({}), json!({"url": null}), json!({"url": ""}), json!({"headers": {"x-a": "1"}})] {
            let (url, _) = config(&json!({ "eventsWebHook": hook }).to_string()).unwrap();
            assert_eq!(url, None, "{hook}");
        }
        let (url, headers) =
            config(&json!({"eventsWebHook": {"url": "https://example.test/hook"}}).to_string()).unwrap();
        assert_eq!(url.as_deref(), Some("https://example.test/hook"));
        assert!(headers.is_empty());
    }

    #[test]
    fn headers_are_read_and_non_string_values_written_as_json() {
        let text = json!({
            "$schema": "../../assets/modules/hitlnext/config.schema.json",
            "eventsWebHook": {
                "url": "http://localhost:3000/hook",
                "headers": {"Authorization": "Bearer s3cret", "x-tenant": "acme", "x-retries": 3, "x-on": true}
            }
        });
        let (_, headers) = config(&text.to_string()).unwrap();
        assert_eq!(headers.len(), 4);
        assert_eq!(headers["authorization"], "Bearer s3cret");
        assert_eq!(headers["x-tenant"], "acme");
        assert_eq!(headers["x-retries"], "3");
        assert_eq!(headers["x-on"], "true");
        let (_, headers) = config(r#"{"eventsWebHook": {"headers": null}}"#).unwrap();
        assert!(headers.is_empty());
    }

    #[test]
    fn a_config_that_cannot_be_used_says_why() {
        assert_eq!(
            config_err(r#"{"other": {}}"#),
            "hitlnext.json: no 'eventsWebHook' object (Botpress would not call any webhook)"
        );
        assert_eq!(
            config_err(r#"{"eventsWebHook": {"url": 5}}"#),
            "hitlnext.json: eventsWebHook.url must be a string"
        );
        assert_eq!(
            config_err(r#"{"eventsWebHook": {"headers": ["x-a: 1"]}}"#),
            "hitlnext.json: eventsWebHook.headers must be an object"
        );
        assert_eq!(
            config_err(r#"{"eventsWebHook": {"headers": {"bad name": "v"}}}"#),
            "hitlnext.json: eventsWebHook.headers.bad name: 'bad name' is not a valid header name"
        );
        assert_eq!(
            config_err(r#"{"eventsWebHook": {"headers": {"x-a": "line\nbreak"}}}"#),
            "hitlnext.json: eventsWebHook.headers.x-a: the value of x-a holds a line break (\"line\\nbreak\"); a header value is one line of text"
        );
    }
}
