//! `hookctl schema --openapi`: the contract of both platforms' webhooks as one OpenAPI 3.1
//! document, to load into other tools (Redocly, Spectral, code generators, Postman). Every
//! built-in event is a webhook: what the platform posts (its schema, its fixture as the example,
//! Botpress's headers) and what it reads of the answer. With `paths`, each webhook is also an
//! operation of the receiver at `servers`, for tools that read only operations (Prism,
//! Schemathesis). Built from the catalogue; nothing here is a new fact.

mod components;

use serde_json::{Map, Value, json};

use crate::catalogue::{EVENTS, Event, Kind, Platform, WEBHOOKS, Webhook};
use crate::defaults;
use crate::http::shown_url;

pub use components::component_ref;

/// The JSON Schema dialect of the document: OpenAPI 3.1's own, JSON Schema 2020-12 with the OAS
/// vocabulary, which the kinds' schemas are written in. It is OpenAPI 3.1's default, so the
/// document does not name it in `jsonSchemaDialect` (Prism 5 validates no request of a document
/// that does).
pub const DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// What the document holds beyond the webhooks.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Each webhook also as a `paths` operation of the receiver (`POST /botpress/events`, ...).
    pub paths: bool,
    /// The receiver's base URL, for `servers`; hookctl listen's default address when unset.
    pub server: Option<url::Url>,
}

/// Where a kind's schema lives in the document.
pub fn schema_ref(kind: Kind) -> String {
    component_ref(kind.name())
}

/// The whole document.
pub fn document(options: &Options) -> Value {
    let webhooks: Map<String, Value> =
        EVENTS.iter().map(|e| (e.name.to_string(), json!({ "post": event_operation(e) }))).collect();
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Botpress HITL Next and eva webhooks",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "What Botpress v12 HITL Next and eva post to your webhook, and what they read of its answer.",
            "description": "Written by hookctl (`hookctl schema --openapi`). Each webhook is a built-in event of `hookctl list`: its request body is the event's JSON Schema, with hookctl's fixture as the example. Rules a schema cannot say (an eva option must be one of the request's expectedOptions, a Botpress handoff's id equals payload.id, ...) are checked by `hookctl validate`, `send` and `test`. Neither platform signs its requests: the headers a user configures (Botpress's `eventsWebHook.headers`, eva's header pairs) are the only credentials, so no security scheme is declared.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" }
        },
        "servers": [server(options.server.as_ref())],
        "tags": [
            {
                "name": Platform::Botpress.label(),
                "description": "Botpress v12 HITL Next's events webhook (`eventsWebHook` in data/global/config/hitlnext.json): handoff and agent events. Botpress also sends the configured `eventsWebHook.headers`, which win over its own."
            },
            {
                "name": Platform::Eva.label(),
                "description": "eva's webhooks: the transactional answer and the service cell. eva forwards the header pairs configured on the webhook; its own headers are not documented."
            }
        ]
    });
    if options.paths {
        let paths: Map<String, Value> = WEBHOOKS
            .iter()
            .map(|w| (w.example_path.to_string(), json!({ "post": receiver_operation(w) })))
            .collect();
        doc["paths"] = Value::Object(paths);
    }
    doc["webhooks"] = Value::Object(webhooks);
    doc["components"] = json!({ "schemas": components::schemas() });
    doc
}

/// The one entry of `servers`: the receiver's URL (its secrets redacted, no trailing `/`), or
/// where `hookctl listen` listens by default.
fn server(url: Option<&url::Url>) -> Value {
    match url {
        Some(url) => json!({
            "url": shown_url(url.as_str(), false).trim_end_matches('/'),
            "description": "Your webhook receiver (`--server`)."
        }),
        None => json!({
            "url": format!("http://127.0.0.1:{}", defaults::PORT),
            "description": "`hookctl listen` on its default port; `hookctl schema --openapi --server URL` names your receiver instead."
        }),
    }
}

/// The POST of one event.
fn event_operation(e: &Event) -> Value {
    let mut description = format!("{}.", e.summary);
    if e.deliveries > 1 {
        description.push_str(&format!(" Delivered {} times at once: {}.", e.deliveries, e.deliveries_why));
    }
    let examples = json!({ e.name: example(e) });
    let mut op = json!({
        "operationId": e.name,
        "summary": e.summary,
        "description": description,
        "tags": [e.platform.label()],
        "security": [],
        "requestBody": request_body(e.request, examples),
        "responses": responses(e.request, &[e])
    });
    if e.platform == Platform::Botpress {
        op["parameters"] = Value::Array(header_parameters(e.platform));
    }
    op
}

/// The POST a webhook's receiver serves: every event of its kind is an example of the body.
fn receiver_operation(w: &Webhook) -> Value {
    let kind =
        Kind::ALL.into_iter().find(|k| k.webhook() == Some(*w)).expect("every webhook has a request kind");
    let events: Vec<&Event> = EVENTS.iter().filter(|e| e.request == kind).collect();
    let examples: Map<String, Value> = events.iter().map(|e| (e.name.to_string(), example(e))).collect();
    let mut op = json!({
        "operationId": format!("receive-{}", w.target),
        "summary": format!("{}: your receiver of {}", w.platform.label(), w.what),
        "description": format!(
            "The webhook {kind} requests go to, as your receiver serves it (the path is an example: give the URL that the platform is configured with to your tool). The events: {}.",
            events.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
        ),
        "tags": [w.platform.label()],
        "security": [],
        "requestBody": request_body(kind, Value::Object(examples)),
        "responses": responses(kind, &events)
    });
    op["responses"]["4XX"] = json!({
        "description": format!("Refused (a body that breaks the contract, a missing header): to the platform a failure like any other: {}.", kind.failure_note())
    });
    if w.platform == Platform::Botpress {
        op["parameters"] = Value::Array(header_parameters(w.platform));
    }
    op
}

fn example(e: &Event) -> Value {
    json!({ "summary": format!("hookctl's {} fixture", e.name), "value": e.fixture() })
}

fn request_body(kind: Kind, examples: Value) -> Value {
    json!({
        "required": true,
        "description": format!("The {kind} body, compact JSON."),
        "content": { "application/json": { "schema": { "$ref": schema_ref(kind) }, "examples": examples } }
    })
}

/// What the platform reads of the answer to a request of `kind`; `events` give the examples.
fn responses(kind: Kind, events: &[&Event]) -> Value {
    let failure = json!({ "description": kind.failure_note() + "." });
    let Some(answer) = kind.response_kind() else {
        return json!({
            "2XX": { "description": "Accepted: Botpress reads nothing of the answer but its status, any 2xx." },
            "default": failure
        });
    };
    let examples: Map<String, Value> = events
        .iter()
        .filter_map(|e| e.example_response().map(|v| (e, v)))
        .map(|(e, value)| {
            let summary = format!("a valid answer to hookctl's {} fixture", e.name);
            (e.name.to_string(), json!({ "summary": summary, "value": value }))
        })
        .collect();
    json!({
        "200": {
            "description": format!("The webhook's answer, a {answer}: eva reads it and goes on."),
            "content": { "application/json": { "schema": { "$ref": schema_ref(answer) }, "examples": examples } }
        },
        "default": failure
    })
}

/// The headers a platform puts on every request, as header parameters (its Content-Type is the
/// request body's media type).
fn header_parameters(platform: Platform) -> Vec<Value> {
    platform
        .headers()
        .iter()
        .filter(|(name, _)| *name != reqwest::header::CONTENT_TYPE)
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            json!({
                "name": http_case(name.as_str()),
                "in": "header",
                "required": true,
                "description": format!("Sent by {} on every request.", platform.label()),
                "schema": { "type": "string" },
                "example": value
            })
        })
        .collect()
}

/// `user-agent` as HTTP documents write it: `User-Agent`.
fn http_case(name: &str) -> String {
    let word = |w: &str| {
        let mut chars = w.chars();
        chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect::<String>())
    };
    name.split('-').map(word).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_written_as_http_writes_them() {
        assert_eq!(http_case("user-agent"), "User-Agent");
        assert_eq!(http_case("accept"), "Accept");
    }
}
