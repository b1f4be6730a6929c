//! `hookctl schema --openapi`: an OpenAPI 3.1 document checked against the OpenAPI Initiative's
//! own meta-schemas (vendored in tests/data/openapi-3.1, so the check runs offline), by a JSON
//! Schema validator that is not hookctl's code; then every reference resolved and every example
//! held to its schema.

mod common;

use common::{fixture_path, hookctl, run};
use jsonschema::{Registry, Validator};
use serde_json::{Value, json};

const BASE: &str = "https://spec.openapis.org/oas/3.1/";

fn vendored(name: &str) -> Value {
    let path = fixture_path(&format!("tests/data/openapi-3.1/{name}"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn document() -> Value {
    let (code, out, err) = run(hookctl().args(["schema", "--openapi"]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The OpenAPI 3.1 meta-schema that also holds every Schema Object to the base dialect, with
/// formats checked.
fn meta_validator() -> Validator {
    let registry = Registry::new()
        .add(format!("{BASE}schema/2022-10-07"), vendored("schema.json"))
        .unwrap()
        .add(format!("{BASE}dialect/base"), vendored("dialect-base.json"))
        .unwrap()
        .add(format!("{BASE}meta/base"), vendored("meta-base.json"))
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&vendored("schema-base.json"))
        .unwrap()
}

fn errors(validator: &Validator, doc: &Value) -> Vec<String> {
    validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn the_document_is_valid_openapi_3_1_per_the_published_meta_schema() {
    let validator = meta_validator();
    let doc = document();
    assert_eq!(errors(&validator, &doc), Vec::<String>::new());
    assert_eq!(doc["openapi"], "3.1.0");
    // The check is not vacuous: what OpenAPI forbids is caught, in the document and in a schema.
    let mut broken = doc.clone();
    broken.as_object_mut().unwrap().remove("info");
    assert!(!errors(&validator, &broken).is_empty(), "a document without info");
    let mut broken = doc.clone();
    broken["webhooks"]["handoff-create"]["post"]["responses"]["2XX"]["content"] = json!(3);
    assert!(!errors(&validator, &broken).is_empty(), "a response whose content is not a map");
    let mut broken = doc.clone();
    broken["components"]["schemas"]["botpress-event"]["type"] = json!(12);
    assert!(!errors(&validator, &broken).is_empty(), "a schema that is not a schema");
}

/// Every `$ref` string in a value.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match v {
                    Value::String(r) if k == "$ref" => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|i| refs(i, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_and_every_example_keeps_its_schema() {
    let doc = document();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 30, "{}", all.len());
    for r in &all {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("a reference outside the document: {r}"));
        assert!(doc.pointer(pointer).is_some_and(Value::is_object), "{r} resolves to nothing");
    }
    let uri = "https://hookctl.test/openapi.json";
    let registry = Registry::new().add(uri, doc.clone()).unwrap().prepare().unwrap();
    let validator = |r: &str| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_registry(&registry)
            .build(&json!({ "$ref": format!("{uri}{r}") }))
            .unwrap()
    };
    let webhooks = doc["webhooks"].as_object().unwrap();
    let events: Vec<&str> = hookctl::catalogue::EVENTS.iter().map(|e| e.name).collect();
    assert_eq!(webhooks.keys().collect::<Vec<_>>(), events, "one webhook per built-in event");
    for (name, hook) in webhooks {
        let op = &hook["post"];
        let body = &op["requestBody"]["content"]["application/json"];
        let schema = validator(body["schema"]["$ref"].as_str().unwrap());
        let example = &body["examples"][name.as_str()]["value"];
        assert!(schema.is_valid(example), "{name}: the example keeps the request schema");
        assert!(!schema.is_valid(&json!({"resource": 3})), "{name}: the schema says something");
        let fixture: Value = serde_json::from_str(&run(hookctl().args(["show", name])).1).unwrap();
        assert_eq!(example, &fixture, "{name}: the example is the fixture");
        let event = hookctl::catalogue::event(name).unwrap();
        match event.response_kind() {
            Some(kind) => {
                let answer = &op["responses"]["200"]["content"]["application/json"];
                assert_eq!(answer["schema"]["$ref"], format!("#/components/schemas/{kind}"));
                let example = &answer["examples"][name.as_str()]["value"];
                assert!(validator(answer["schema"]["$ref"].as_str().unwrap()).is_valid(example), "{name}");
                assert_eq!(op.get("parameters"), None, "eva's own headers are not documented");
            }
            None => {
                assert_eq!(op["responses"]["2XX"]["content"], Value::Null, "Botpress reads no body");
                let params: Vec<(&str, &str)> = op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        assert_eq!(p["in"], "header");
                        (p["name"].as_str().unwrap(), p["example"].as_str().unwrap())
                    })
                    .collect();
                assert_eq!(
                    params,
                    [("Accept", "application/json, text/plain, */*"), ("User-Agent", "axios/0.21.4")]
                );
            }
        }
    }
    assert!(
        webhooks["handoff-tags"]["post"]["description"]
            .as_str()
            .unwrap()
            .contains("Delivered 2 times at once")
    );
}

#[test]
fn schema_takes_a_kind_or_openapi() {
    let (code, _, err) = run(hookctl().arg("schema"));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(hookctl().args(["schema", "botpress-event", "--openapi"]));
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = run(hookctl().args(["schema", "botpress-event"]));
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

/// The export, read by the Python openapi-spec-validator (installed from PyPI on first use).
#[test]
fn openapi_spec_validator_accepts_the_export() {
    let tool = common::tools::pip("openapi-spec-validator", "openapi-spec-validator");
    let Some(validator) = common::tools::ready(tool, "openapi_spec_validator_accepts_the_export") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&document()).unwrap()).unwrap();
    let out = std::process::Command::new(validator).arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the export:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
