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
    document_with(&[])
}

/// The document with more flags than `--openapi`.
fn document_with(flags: &[&str]) -> Value {
    let (code, out, err) = run(hookctl().args(["schema", "--openapi"]).args(flags));
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
    let with_paths = document_with(&["--paths", "--server", "https://hooks.example.test/base"]);
    assert_eq!(errors(&validator, &with_paths), Vec::<String>::new());
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
    for doc in [document(), document_with(&["--paths"])] {
        let path = dir.path().join("openapi.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        let out = std::process::Command::new(&validator).arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "openapi-spec-validator refused the export:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Documents near each fixture: every value replaced by values of other types (and, in an
/// object, removed), and a few whole-document swaps that the conditionals decide.
fn neighbours(doc: &Value) -> Vec<Value> {
    let mut out = vec![doc.clone()];
    let mut pointers = Vec::new();
    pointers_of(doc, String::new(), &mut pointers);
    let replacements =
        [json!(null), json!(3), json!("x"), json!(true), json!([]), json!({}), json!([{}]), json!(["s"])];
    for pointer in pointers.iter().filter(|p| !p.is_empty()) {
        for r in &replacements {
            let mut d = doc.clone();
            *d.pointer_mut(pointer).unwrap() = r.clone();
            out.push(d);
        }
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let mut d = doc.clone();
        if let Some(Value::Object(m)) = d.pointer_mut(parent) {
            m.remove(key);
            out.push(d);
        }
    }
    for (pointer, value) in [
        ("/resource", json!("agent")),
        ("/resource", json!("handoff")),
        ("/resource", json!("queue")),
        ("/type", json!("create")),
        ("/id", json!("0123456789abcdef0123456789abcdef")),
        ("/id", json!(7)),
        ("/payload", json!({"online": false})),
        ("/answer/template", json!("CAROUSEL")),
        ("/answer/content/type", json!("CAROUSEL")),
        ("/answer/content/content", json!([{"title": "t"}])),
        ("/answer/content/content", json!([{"title": 3}])),
        ("/answer/content/content", json!("text")),
    ] {
        let mut d = doc.clone();
        if let Some(slot) = d.pointer_mut(pointer) {
            *slot = value;
            out.push(d);
        }
    }
    out
}

fn pointers_of(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            pointers_of(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| pointers_of(v, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// The components were reshaped for tools (defs lifted out, conditionals turned into a
/// discriminated union, items and open objects said): a validator must still say of every
/// document what the shipped schema says, for the fixtures and thousands of documents near them.
#[test]
fn the_components_judge_every_document_as_the_shipped_schemas_do() {
    let doc = document();
    let uri = "https://hookctl.test/openapi.json";
    let registry = Registry::new().add(uri, doc.clone()).unwrap().prepare().unwrap();
    let mut checked = 0;
    for kind in hookctl::catalogue::Kind::ALL {
        let shipped = jsonschema::validator_for(&hookctl::contract::schema(kind)).unwrap();
        let component = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_registry(&registry)
            .build(&json!({ "$ref": format!("{uri}#/components/schemas/{kind}") }))
            .unwrap();
        let events = hookctl::catalogue::EVENTS.iter();
        let seeds: Vec<Value> = events
            .flat_map(|e| {
                [
                    (e.request, Some(e.fixture())),
                    (e.response_kind().unwrap_or(e.request), e.example_response()),
                ]
            })
            .filter_map(|(k, d)| d.filter(|_| k == kind))
            .collect();
        assert!(!seeds.is_empty(), "{kind}");
        let (mut valid, mut invalid) = (0, 0);
        for seed in &seeds {
            for d in neighbours(seed) {
                let said = shipped.is_valid(&d);
                assert_eq!(component.is_valid(&d), said, "{kind}: {d}");
                if said {
                    valid += 1
                } else {
                    invalid += 1
                }
                checked += 1;
            }
        }
        assert!(valid > 0 && invalid > 0, "{kind}: both verdicts seen ({valid} valid, {invalid} invalid)");
    }
    assert!(checked > 5000, "{checked}");
}

#[test]
fn paths_add_each_receiver_as_an_operation_at_the_server_given() {
    let doc = document_with(&["--paths"]);
    assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:8080", "where hookctl listen listens");
    let paths = doc["paths"].as_object().unwrap();
    let expected: Vec<&str> = hookctl::catalogue::WEBHOOKS.iter().map(|w| w.example_path).collect();
    assert_eq!(paths.keys().collect::<Vec<_>>(), expected);
    let botpress = &paths["/botpress/events"]["post"];
    assert_eq!(
        botpress["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/botpress-event"
    );
    let examples = botpress["requestBody"]["content"]["application/json"]["examples"].as_object().unwrap();
    assert_eq!(examples.len(), 9, "every Botpress event: {:?}", examples.keys().collect::<Vec<_>>());
    assert_eq!(botpress["security"], json!([]));
    let service = &paths["/eva/service"]["post"];
    assert_eq!(
        service["responses"]["200"]["content"]["application/json"]["examples"]["eva-service"]["value"],
        serde_json::from_str::<Value>(&run(hookctl().args(["show", "eva-service", "--response"])).1).unwrap()
    );
    // Without --paths: the webhooks only, and the same webhooks.
    let plain = document();
    assert_eq!(plain.get("paths"), None);
    assert_eq!(plain["webhooks"], doc["webhooks"]);
    assert_eq!(plain["servers"], doc["servers"]);
}

#[test]
fn server_names_the_receiver_with_its_secrets_redacted_and_bad_urls_are_refused() {
    let doc = document_with(&["--server", "https://hooks.example.test/base/"]);
    assert_eq!(
        doc["servers"],
        json!([{"url": "https://hooks.example.test/base", "description": "Your webhook receiver (`--server`)."}])
    );
    let doc = document_with(&["--paths", "--server", "https://bot:s3cr3t@hooks.example.test/base"]);
    let url = doc["servers"][0]["url"].as_str().unwrap();
    assert!(!url.contains("s3cr3t") && url.contains("hooks.example.test/base"), "{url}");
    for (bad, says) in [
        ("hooks example", "--server 'hooks example': not a valid URL"),
        ("ftp://hooks.example.test", "unsupported scheme 'ftp'"),
        ("https://hooks.example.test/?token=abc", "without a query or a fragment"),
    ] {
        let (code, out, err) = run(hookctl().args(["schema", "--openapi", "--server", bad]));
        assert_eq!((code, out.as_str()), (2, ""), "{bad}: {err}");
        assert!(common::error_line(&err).contains(says), "{bad}: {err}");
        assert!(!err.contains("abc"), "{err}");
    }
    // --paths and --server say which document: the OpenAPI one, never a kind's schema.
    assert_eq!(
        serde_json::from_str::<Value>(&run(hookctl().args(["schema", "--paths"])).1).unwrap(),
        document_with(&["--paths"])
    );
    for flag in [&["--paths"][..], &["--server", "http://x.test"]] {
        let (code, out, err) = run(hookctl().args(["schema", "botpress-event"]).args(flag));
        assert_eq!((code, out.as_str()), (2, ""), "{flag:?}: {err}");
        assert!(common::error_line(&err).contains(flag[0]), "{flag:?}: {err}");
    }
}
