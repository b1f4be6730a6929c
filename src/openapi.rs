//! `hookctl schema --openapi`: the contract of both platforms' webhooks as one OpenAPI 3.1
//! document, to load into other tools (Postman, Prism, Schemathesis). Every built-in event is a
//! webhook: what the platform posts (its schema, its fixture as the example, Botpress's headers)
//! and what it reads of the answer. Built from the catalogue; nothing here is a new fact.

use serde_json::{Map, Value, json};

use crate::catalogue::{EVENTS, Event, Kind, Platform};
use crate::contract;

/// The JSON Schema dialect of the document: OpenAPI 3.1's own, JSON Schema 2020-12 with the OAS
/// vocabulary, which the kinds' schemas are written in.
pub const DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Where a kind's schema lives in the document.
pub fn schema_ref(kind: Kind) -> String {
    format!("#/components/schemas/{kind}")
}

/// The whole document.
pub fn document() -> Value {
    let webhooks: Map<String, Value> =
        EVENTS.iter().map(|e| (e.name.to_string(), json!({ "post": operation(e) }))).collect();
    let schemas: Map<String, Value> =
        Kind::ALL.iter().map(|k| (k.name().to_string(), embedded(*k))).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Botpress HITL Next and eva webhooks",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "What Botpress v12 HITL Next and eva post to your webhook, and what they read of its answer.",
            "description": "Written by hookctl (`hookctl schema --openapi`). Each webhook is a built-in event of `hookctl list`: its request body is the event's JSON Schema, with hookctl's fixture as the example. Rules a schema cannot say (an eva option must be one of the request's expectedOptions, a Botpress handoff's id equals payload.id, ...) are checked by `hookctl validate`, `send` and `test`.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" }
        },
        "jsonSchemaDialect": DIALECT,
        "tags": [
            {
                "name": Platform::Botpress.label(),
                "description": "Botpress v12 HITL Next's events webhook (`eventsWebHook` in data/global/config/hitlnext.json): handoff and agent events. Botpress also sends the configured `eventsWebHook.headers`, which win over its own."
            },
            {
                "name": Platform::Eva.label(),
                "description": "eva's webhooks: the transactional answer and the service cell. eva forwards the header pairs configured on the webhook; its own headers are not documented."
            }
        ],
        "webhooks": webhooks,
        "components": { "schemas": schemas }
    })
}

/// The POST of one event.
fn operation(e: &Event) -> Value {
    let mut description = format!("{}.", e.summary);
    if e.deliveries > 1 {
        description.push_str(&format!(" Delivered {} times at once: {}.", e.deliveries, e.deliveries_why));
    }
    let mut op = json!({
        "operationId": e.name,
        "summary": e.summary,
        "description": description,
        "tags": [e.platform.label()],
        "requestBody": {
            "required": true,
            "description": format!("The {} body, compact JSON.", e.request),
            "content": { "application/json": {
                "schema": { "$ref": schema_ref(e.request) },
                "examples": { e.name: { "summary": format!("hookctl's {} fixture", e.name), "value": e.fixture() } }
            }}
        },
        "responses": responses(e)
    });
    if e.platform == Platform::Botpress {
        op["parameters"] = Value::Array(header_parameters(e.platform));
    }
    op
}

/// What the platform reads of the answer.
fn responses(e: &Event) -> Value {
    let failure = json!({ "description": e.request.failure_note() + "." });
    match (e.response_kind(), e.example_response()) {
        (Some(kind), Some(example)) => json!({
            "200": {
                "description": format!("The webhook's answer, a {kind}: eva reads it and goes on."),
                "content": { "application/json": {
                    "schema": { "$ref": schema_ref(kind) },
                    "examples": { e.name: { "summary": format!("a valid answer to hookctl's {} fixture", e.name), "value": example } }
                }}
            },
            "default": failure
        }),
        _ => json!({
            "2XX": { "description": "Accepted: Botpress reads nothing of the answer but its status, any 2xx." },
            "default": failure
        }),
    }
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

/// A kind's schema, as a component: a subschema of this document rather than a document of its
/// own (no `$id`, no `$schema`; the document's dialect applies), its references into its own
/// `$defs` rewritten to where those now are.
pub fn embedded(kind: Kind) -> Value {
    let mut schema = contract::schema(kind);
    if let Value::Object(map) = &mut schema {
        map.remove("$id");
        map.remove("$schema");
    }
    let base = format!("{}/$defs/", schema_ref(kind));
    rewrite_refs(&mut schema, &base);
    schema
}

fn rewrite_refs(v: &mut Value, base: &str) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(r) if key == "$ref" => {
                        if let Some(rest) = r.strip_prefix("#/$defs/") {
                            *r = format!("{base}{rest}");
                        }
                    }
                    other => rewrite_refs(other, base),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, base)),
        _ => {}
    }
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
    fn references_into_a_schema_s_defs_point_into_the_document() {
        let s = embedded(Kind::EvaServiceRequest);
        assert_eq!(s.get("$id"), None);
        assert_eq!(s.get("$schema"), None);
        assert_eq!(s["properties"]["info"]["$ref"], "#/components/schemas/eva-service-request/$defs/info");
        assert!(s["$defs"]["info"].is_object());
        let mut v = json!({"a": [{"$ref": "#/$defs/x"}], "$ref": "other.json#/y", "b": {"$ref": 3}});
        rewrite_refs(&mut v, "#/c/");
        assert_eq!(v, json!({"a": [{"$ref": "#/c/x"}], "$ref": "other.json#/y", "b": {"$ref": 3}}));
    }

    #[test]
    fn header_names_are_written_as_http_writes_them() {
        assert_eq!(http_case("user-agent"), "User-Agent");
        assert_eq!(http_case("accept"), "Accept");
    }
}
