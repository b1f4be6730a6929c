//! `export`: a capture as curl commands that `sh` runs to make the captured requests again, or
//! as a HAR 1.2 log of the spec's shape (checked against a JSON Schema written here from the
//! spec); secrets redacted from both unless `--show-secrets`; a bad line named as FILE:LINE.
//! Real captures, made by the real binary listening on loopback.

mod common;

use std::path::{Path, PathBuf};

use common::{Listener, Server, error_line, hookctl, post_raw, run};
use serde_json::{Value, json};

/// Bytes that are not UTF-8, as a client may post them.
const BINARY: &[u8] = b"\xff\xfe-%s \\n '\x00\x01\x7f end";

/// A capture made by `listen --save --keep-secrets`: #1 `handoff-create` with a secret
/// Authorization, to `/hook?token=t0k3n-secret&lang=fr`; #2 `eva-service`; #3 a body that is not
/// UTF-8.
fn capture(dir: &Path) -> PathBuf {
    let path = dir.join("captures.jsonl");
    let listener = Listener::start(&["--save", path.to_str().unwrap(), "--keep-secrets"]);
    let url = format!("{}?token=t0k3n-secret&lang=fr", listener.url);
    let sends = [
        &["send", "handoff-create", "--seed", "7", "-H", "Authorization: Bearer s3cret-auth", "--url", &url]
            [..],
        &["send", "eva-service", "--seed", "7", "--url", &listener.url][..],
    ];
    for args in sends {
        let (code, out, err) = run(hookctl().args(args));
        assert_eq!(code, 0, "{args:?}\n{out}{err}");
    }
    post_raw(&listener.addr, "/hook", BINARY);
    listener.stop();
    path
}

/// The body of each captured request, as it came.
fn bodies(path: &Path) -> Vec<Vec<u8>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<hookctl::receiver::Record>(l).unwrap().body_bytes().unwrap())
        .collect()
}

fn export(capture: &Path, args: &[&str]) -> (i32, String, String) {
    run(hookctl().arg("export").arg(capture).args(args))
}

/// Run a script with `sh`, as `hookctl export ... --format curl | sh` does.
fn sh(script: &str) -> (i32, String, String) {
    run(assert_cmd::Command::new("sh").write_stdin(script))
}

#[test]
fn export_curl_is_a_script_that_sh_runs_to_make_each_captured_request_again() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let server = Server::ok();
    let (code, script, err) =
        export(&capture, &["--format", "curl", "--url", &server.url(), "--show-secrets"]);
    assert_eq!(code, 0, "{err}");
    assert!(script.starts_with("# #1 botpress-event\ncurl -X POST "), "{script}");
    let (code, _, err) = sh(&script);
    assert_eq!(code, 0, "{script}\n{err}");
    let got = server.requests();
    assert_eq!(got.len(), 3, "{script}");
    for (n, (got, body)) in got.iter().zip(bodies(&capture)).enumerate() {
        assert_eq!(got.body, body, "request #{} byte for byte", n + 1);
        assert_eq!(got.method, "POST");
    }
    assert_eq!(got[0].header("authorization"), Some("Bearer s3cret-auth"));
    assert_eq!(got[0].header("user-agent"), Some("axios/0.21.4"));
    assert_eq!(got[2].body, BINARY, "bytes that are not UTF-8 go as they came");

    // Without --url, each command goes where its request came: the listener, gone now.
    let (_, script, _) = export(&capture, &["--format", "curl", "--filter", "1"]);
    assert!(script.contains("curl -X POST 'http://127.0.0.1:"), "{script}");
    assert!(script.contains("/hook?token=<redacted>&lang=fr'"), "{script}");
}

#[test]
fn secrets_are_absent_from_both_exports_unless_show_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let raw = std::fs::read_to_string(&capture).unwrap();
    assert!(raw.contains("s3cret-auth") && raw.contains("t0k3n-secret"), "the capture kept them");
    for format in ["curl", "har"] {
        let (code, out, err) = export(&capture, &["--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("s3cret-auth") && !out.contains("t0k3n-secret"), "{format}: {out}");
        assert!(out.contains("<redacted>"), "{format}");
        assert!(
            err.contains("note: secret header values are written as <redacted>: --show-secrets writes them"),
            "{err}"
        );
        let (code, out, _) = export(&capture, &["--format", format, "--show-secrets"]);
        assert_eq!(code, 0);
        assert!(out.contains("s3cret-auth") && out.contains("t0k3n-secret"), "{format}: {out}");
    }
}

/// The HAR 1.2 shape (<http://www.softwareishard.com/blog/har-12-spec/>): every member the spec
/// requires, with its type; optional members typed where hookctl writes them.
fn har_schema() -> Value {
    let pairs = json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name", "value"],
            "properties": { "name": { "type": "string" }, "value": { "type": "string" }, "comment": { "type": "string" } }
        }
    });
    let timing = json!({ "type": "number", "minimum": -1 });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["log"],
        "properties": {
            "log": {
                "type": "object",
                "required": ["version", "creator", "entries"],
                "properties": {
                    "version": { "const": "1.2" },
                    "creator": {
                        "type": "object",
                        "required": ["name", "version"],
                        "properties": { "name": { "type": "string" }, "version": { "type": "string" } }
                    },
                    "entries": { "type": "array", "items": { "$ref": "#/$defs/entry" } }
                }
            }
        },
        "$defs": {
            "entry": {
                "type": "object",
                "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
                "properties": {
                    "startedDateTime": {
                        "type": "string",
                        "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$"
                    },
                    "time": { "type": "number", "minimum": 0 },
                    "request": {
                        "type": "object",
                        "required": ["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"],
                        "properties": {
                            "method": { "type": "string" },
                            "url": { "type": "string" },
                            "httpVersion": { "type": "string" },
                            "cookies": pairs,
                            "headers": pairs,
                            "queryString": pairs,
                            "postData": {
                                "type": "object",
                                "required": ["mimeType"],
                                "properties": {
                                    "mimeType": { "type": "string" },
                                    "text": { "type": "string" },
                                    "params": { "type": "array" }
                                }
                            },
                            "headersSize": { "type": "integer" },
                            "bodySize": { "type": "integer" }
                        }
                    },
                    "response": {
                        "type": "object",
                        "required": ["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"],
                        "properties": {
                            "status": { "type": "integer" },
                            "statusText": { "type": "string" },
                            "httpVersion": { "type": "string" },
                            "cookies": pairs,
                            "headers": pairs,
                            "content": {
                                "type": "object",
                                "required": ["size", "mimeType"],
                                "properties": {
                                    "size": { "type": "integer" },
                                    "mimeType": { "type": "string" },
                                    "text": { "type": "string" },
                                    "encoding": { "type": "string" }
                                }
                            },
                            "redirectURL": { "type": "string" },
                            "headersSize": { "type": "integer" },
                            "bodySize": { "type": "integer" }
                        }
                    },
                    "cache": { "type": "object" },
                    "timings": {
                        "type": "object",
                        "required": ["send", "wait", "receive"],
                        "properties": {
                            "blocked": timing, "dns": timing, "connect": timing, "ssl": timing,
                            "send": { "type": "number", "minimum": 0 },
                            "wait": { "type": "number", "minimum": 0 },
                            "receive": { "type": "number", "minimum": 0 }
                        }
                    },
                    "comment": { "type": "string" }
                }
            }
        }
    })
}

#[test]
fn export_har_has_the_har_1_2_shape_and_the_captured_requests() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let file = dir.path().join("captures.har");
    let (code, out, err) = export(&capture, &["--format", "har", "--out", file.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""), "written to the file, not stdout\n{err}");
    let har: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&har_schema()).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&har).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{har:#}");

    // The schema itself refuses what breaks the shape: it is not one that accepts anything.
    let mut broken = har.clone();
    broken["log"]["entries"][0]["request"].as_object_mut().unwrap().remove("headers");
    broken["log"]["entries"][1]["response"]["status"] = json!("200");
    assert_eq!(validator.iter_errors(&broken).count(), 2);

    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let bodies = bodies(&capture);
    let first = &entries[0]["request"];
    assert_eq!(first["method"], "POST");
    assert!(first["url"].as_str().unwrap().ends_with("/hook?token=<redacted>&lang=fr"), "{first:#}");
    assert_eq!(
        first["queryString"],
        json!([{"name": "token", "value": "<redacted>"}, {"name": "lang", "value": "fr"}])
    );
    assert_eq!(first["postData"]["mimeType"], "application/json");
    assert_eq!(first["postData"]["text"].as_str().unwrap().as_bytes(), bodies[0]);
    assert_eq!(first["bodySize"], bodies[0].len());
    let header =
        |name: &str| first["headers"].as_array().unwrap().iter().find(|h| h["name"] == name).cloned();
    assert_eq!(header("authorization").unwrap()["value"], "<redacted>");
    assert_eq!(header("user-agent").unwrap()["value"], "axios/0.21.4");
    assert_eq!(entries[0]["response"]["status"], 200);
    assert_eq!(entries[0]["response"]["statusText"], "OK");
    assert_eq!(entries[1]["comment"], "#2 eva-service-request");
    // A body that is not UTF-8 is carried in base64, and says so.
    let binary = &entries[2]["request"]["postData"];
    assert_eq!(binary["encoding"], "base64");
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD.decode(binary["text"].as_str().unwrap()).unwrap();
    assert_eq!(decoded, BINARY);
}

#[test]
fn a_bad_line_is_named_and_the_rest_exported_and_strict_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture(dir.path());
    let mut lines: Vec<String> =
        std::fs::read_to_string(&capture).unwrap().lines().map(str::to_string).collect();
    lines[1] = lines[1][..40].to_string();
    std::fs::write(&capture, lines.join("\n") + "\n").unwrap();
    let (code, out, err) = export(&capture, &["--format", "har"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with(&format!("error: {}:2: not a capture record", capture.display())), "{err}");
    let har: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 2, "the rest is exported");

    let file = dir.path().join("out.sh");
    let (code, out, err) =
        export(&capture, &["--format", "curl", "--strict", "--out", file.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        error_line(&err).starts_with(&format!("error: {}:2: not a capture record", capture.display())),
        "{err}"
    );
    assert!(!file.exists(), "nothing written");

    let (code, _, err) = export(Path::new("/nonexistent/captures.jsonl"), &["--format", "curl"]);
    assert_eq!(code, 2, "{err}");
    assert!(error_line(&err).contains("/nonexistent/captures.jsonl"), "{err}");
}
