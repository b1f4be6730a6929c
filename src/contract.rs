//! Judging documents: the schemas of the catalogue, compiled once, plus the contract rules that a
//! schema cannot express (cross-field rules, the option chosen against the request's options,
//! context hygiene). Returns values; never prints.

use std::sync::OnceLock;

use jsonschema::{Validator, error::ValidationErrorKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalogue::Kind;

/// One problem found in a document, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Where, as a JSON pointer into the document (`""` is the whole document).
    pub pointer: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl Finding {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding { pointer: pointer.into(), message: message.into(), expected: None, found: None }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: Option<&Value>) -> Self {
        self.found = Some(found.map_or_else(|| "nothing (field absent)".to_string(), snippet));
        self
    }
}

/// The judgement on one document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    pub kind: Kind,
    pub valid: bool,
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// Checks that could not be made for want of context (the request), each with how to make it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<String>,
    /// The fields that matter for this kind, as found in the document.
    pub fields: Map<String, Value>,
}

/// What is known beside the document itself: the request a response answers, or the options a
/// service cell offered.
#[derive(Debug, Default, Clone, Copy)]
pub struct Context<'a> {
    pub request: Option<&'a Value>,
    pub expected_options: Option<&'a [String]>,
    pub option_case: OptionCase,
}

/// How a service cell's `option` is compared with the request's `expectedOptions`. eva does not
/// document its matching, so exact is the default and insensitive is a choice.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OptionCase {
    #[default]
    Exact,
    Insensitive,
}

impl OptionCase {
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            OptionCase::Exact => a == b,
            OptionCase::Insensitive => a.to_lowercase() == b.to_lowercase(),
        }
    }
}

/// Answer types eva's channels render. Others are accepted with a warning.
pub const ANSWER_TYPES: &[&str] =
    &["TEXT", "TEXT_OPTIONS", "IMAGE", "VIDEO", "AUDIO", "FILE", "LIST", "CAROUSEL", "CUSTOM_JSON"];

/// The three contexts of an eva conversation, in the order eva documents them.
pub const CONTEXTS: [&str; 3] = ["openContext", "visibleContext", "hiddenContext"];

/// The embedded schema of a kind, parsed.
pub fn schema(kind: Kind) -> Value {
    serde_json::from_str(kind.schema_source())
        .unwrap_or_else(|e| panic!("embedded schema {kind} is not JSON: {e}"))
}

struct Compiled {
    schema: Value,
    validator: Validator,
}

fn compiled(kind: Kind) -> &'static Compiled {
    static CACHE: [OnceLock<Compiled>; Kind::ALL.len()] = [const { OnceLock::new() }; 5];
    let slot = Kind::ALL.iter().position(|k| *k == kind).expect("kind is in Kind::ALL");
    CACHE[slot].get_or_init(|| {
        let schema = schema(kind);
        let validator = jsonschema::draft202012::new(&schema)
            .unwrap_or_else(|e| panic!("embedded schema {kind} does not compile: {e}"));
        Compiled { schema, validator }
    })
}

/// Judge a document of a known kind.
pub fn check(kind: Kind, doc: &Value, ctx: Context<'_>) -> Verdict {
    let mut errors = schema_errors(kind, doc);
    let mut warnings = Vec::new();
    let mut not_checked = Vec::new();
    match kind {
        Kind::BotpressEvent => botpress_rules(doc, &mut errors),
        Kind::EvaAnswerRequest | Kind::EvaAnswerResponse => {
            answer_rules(doc, &mut errors, &mut warnings);
        }
        Kind::EvaServiceRequest => {
            if doc.get("expectedOptions").and_then(Value::as_array).is_some_and(|a| a.is_empty()) {
                warnings.push(Finding::new(
                    "/expectedOptions",
                    "no options: a service cell with no options can only take its error path",
                ));
            }
        }
        Kind::EvaServiceResponse => option_rule(doc, ctx, &mut errors, &mut not_checked),
    }
    if kind.is_response() {
        context_rules(doc, ctx.request, &mut warnings);
        leak_rule(doc, ctx.request, &mut warnings, &mut not_checked);
    }
    errors.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    Verdict { kind, valid: errors.is_empty(), errors, warnings, not_checked, fields: fields(kind, doc) }
}

/// The fields that matter for this kind, as present in the document.
pub fn fields(kind: Kind, doc: &Value) -> Map<String, Value> {
    kind.fields()
        .iter()
        .filter_map(|f| doc.pointer(f.pointer).map(|v| (f.label.to_string(), v.clone())))
        .collect()
}

fn schema_errors(kind: Kind, doc: &Value) -> Vec<Finding> {
    let compiled = compiled(kind);
    let mut out = Vec::new();
    for err in compiled.validator.iter_errors(doc) {
        let at = err.instance_path().as_str().to_string();
        let keyword_at = err.schema_path().as_str();
        let keyword = keyword_at.rsplit('/').next().unwrap_or_default();
        let constraint = compiled.schema.pointer(keyword_at).map(snippet);
        match err.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                out.push(
                    Finding::new(join(&at, name), format!("required field '{name}' is missing"))
                        .expected("present")
                        .found(None),
                );
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let pointer = join(&at, name);
                    out.push(
                        Finding::new(&pointer, format!("field '{name}' is not allowed here"))
                            .expected("no other fields")
                            .found(doc.pointer(&pointer)),
                    );
                }
            }
            _ => {
                let mut f = Finding::new(&at, err.to_string()).found(Some(err.instance()));
                f.expected = constraint.map(|c| format!("{keyword} {c}"));
                out.push(f);
            }
        }
    }
    out
}

/// Rules of the Botpress envelope and handoff life cycle that a schema cannot say.
fn botpress_rules(doc: &Value, errors: &mut Vec<Finding>) {
    if doc.get("resource").and_then(Value::as_str) != Some("handoff") {
        return;
    }
    let mut push = |f: Finding| {
        if !errors.iter().any(|e| e.pointer == f.pointer) {
            errors.push(f);
        }
    };
    let payload_id = doc.pointer("/payload/id");
    if let (Some(id), Some(pid)) = (doc.get("id"), payload_id) {
        if id != pid {
            push(
                Finding::new("/id", "a handoff envelope's id must equal payload.id")
                    .expected(snippet(pid))
                    .found(Some(id)),
            );
        }
    }
    let status = doc.pointer("/payload/status").and_then(Value::as_str);
    if doc.get("type").and_then(Value::as_str) == Some("create") && status != Some("pending") {
        push(
            Finding::new("/payload/status", "a created handoff is always pending")
                .expected("\"pending\"")
                .found(doc.pointer("/payload/status")),
        );
    }
    let required: &[&str] = match status {
        Some("assigned") => &["agentId", "agentThreadId", "assignedAt"],
        Some("resolved") | Some("rejected") => &["resolvedAt"],
        _ => &[],
    };
    for name in required {
        let pointer = format!("/payload/{name}");
        let value = doc.pointer(&pointer);
        if value.is_none_or(Value::is_null) {
            push(
                Finding::new(
                    &pointer,
                    format!("status '{}' requires {name} to be set", status.unwrap_or_default()),
                )
                .expected("a value")
                .found(value),
            );
        }
    }
    if let (Some(comments), Some(pid)) =
        (doc.pointer("/payload/comments").and_then(Value::as_array), payload_id)
    {
        for (i, c) in comments.iter().enumerate() {
            if let Some(hid) = c.get("handoffId").filter(|h| *h != pid) {
                push(
                    Finding::new(
                        format!("/payload/comments/{i}/handoffId"),
                        "a comment belongs to the handoff it is sent with",
                    )
                    .expected(snippet(pid))
                    .found(Some(hid)),
                );
            }
        }
    }
}

/// The shape of an answer's content follows its type; unknown types are only a warning.
fn answer_rules(doc: &Value, errors: &mut Vec<Finding>, warnings: &mut Vec<Finding>) {
    let Some(answer) = doc.get("answer") else { return };
    let template = answer.get("template").and_then(Value::as_str);
    let content_type = answer.pointer("/content/type").and_then(Value::as_str);
    for (pointer, ty) in [("/answer/template", template), ("/answer/content/type", content_type)] {
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
                "/answer/content/type",
                format!("content type '{c}' differs from the template '{t}'"),
            ));
        }
    }
    let Some(content) = answer.pointer("/content/content") else { return };
    // The answer's type selects the content's shape (content.type first, as eva reads it), and the
    // schema checks only the selected shape. The mistake is said once, in the type's words.
    let ty = content_type.or(template);
    let carousel = ty == Some("CAROUSEL");
    let pointer = "/answer/content/content";
    let wrong = if carousel {
        (!content.is_array()).then(|| {
            Finding::new(pointer, "a CAROUSEL answer's content must be an array of cards")
                .expected("array of cards")
        })
    } else {
        (!content.is_string()).then(|| {
            Finding::new(pointer, format!("a {} answer's content must be a string", ty.unwrap_or("TEXT")))
                .expected("string")
        })
    };
    if let Some(finding) = wrong {
        errors.retain(|e| e.pointer != pointer);
        errors.push(finding.found(Some(content)));
    }
}

/// A service cell's option must be one the request offered: anything else sends the flow down its
/// error path.
fn option_rule(doc: &Value, ctx: Context<'_>, errors: &mut Vec<Finding>, not_checked: &mut Vec<String>) {
    let Some(option) = doc.get("option").and_then(Value::as_str) else { return };
    let from_request: Option<Vec<String>> = ctx
        .request
        .and_then(|r| r.get("expectedOptions"))
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let Some(options) = ctx.expected_options.map(<[String]>::to_vec).or(from_request) else {
        not_checked.push(match ctx.request {
            None => "option not checked against expectedOptions: pass --request or --expected-options".into(),
            Some(_) => "option not checked: the request has no expectedOptions".into(),
        });
        return;
    };
    if !options.iter().any(|o| ctx.option_case.same(o, option)) {
        errors.push(
            Finding::new("/option", format!("option '{option}' is not one of the expectedOptions"))
                .expected(format!("one of {}", options.join(", ")))
                .found(doc.get("option")),
        );
    }
}

/// A dropped context is a warning: eva does not document whether it keeps or clears it.
fn context_rules(doc: &Value, request: Option<&Value>, warnings: &mut Vec<Finding>) {
    for name in CONTEXTS {
        let expected_here = request.is_none_or(|r| r.get(name).is_some());
        if expected_here && doc.get(name).is_none() {
            warnings.push(Finding::new(
                format!("/{name}"),
                format!("the response drops {name}: eva does not document whether a missing context is kept or cleared; echo it back"),
            ));
        }
    }
}

/// Hidden data moved where channels can read it: a value that came in the request's
/// `hiddenContext` and appears in the answer's `openContext` or `visibleContext`, where the request
/// did not already have it. Copying the other way (open into hidden) is harmless and not reported.
/// Without the request the two cannot be told apart, so the check is not made and that is said.
fn leak_rule(
    doc: &Value,
    request: Option<&Value>,
    warnings: &mut Vec<Finding>,
    not_checked: &mut Vec<String>,
) {
    let Some(request) = request else {
        not_checked.push("hiddenContext leaks not checked: pass --request".into());
        return;
    };
    let Some(hidden) = request.get("hiddenContext").and_then(Value::as_object) else { return };
    for name in ["openContext", "visibleContext"] {
        let Some(ctx) = doc.get(name).and_then(Value::as_object) else { continue };
        let before = request.get(name).and_then(Value::as_object);
        for (key, value) in ctx {
            if before.and_then(|b| b.get(key)) == Some(value) {
                continue;
            }
            let source = if hidden.get(key) == Some(value) {
                Some(key)
            } else {
                hidden.iter().find(|(_, h)| *h == value && telling(h)).map(|(k, _)| k)
            };
            if let Some(source) = source {
                warnings.push(
                    Finding::new(
                    join(&format!("/{name}"), key),
                    format!("hiddenContext.{source} copied into {name}: hidden data is the sensitive kind and {name} is readable by channels"),
                ));
            }
        }
    }
}

/// A value distinctive enough that finding it elsewhere means it was copied (not `true`, `0`, "").
fn telling(v: &Value) -> bool {
    match v {
        Value::String(s) => s.chars().count() >= 4,
        Value::Number(n) => n.to_string().trim_start_matches('-').len() >= 4,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(_) | Value::Null => false,
    }
}

/// Append a key to a JSON pointer, escaping it.
pub fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// A compact, bounded rendering of a value for messages.
pub fn snippet(v: &Value) -> String {
    const MAX: usize = 80;
    let s = v.to_string();
    if s.chars().count() <= MAX {
        s
    } else {
        let cut: String = s.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}
