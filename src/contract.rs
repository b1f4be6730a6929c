//! Judging documents: the schemas of the catalogue, compiled once, plus the contract rules that a
//! schema cannot express, which live with their platform (`platform::botpress::rules`,
//! `platform::eva`). Findings are located by JSON pointer. Returns values; never prints.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use jsonschema::{Validator, error::ValidationErrorKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalogue::{Detection, Kind};
pub use crate::finding::{Context, Finding, OptionCase, SNIPPET_CHARS, join, snippet};
use crate::json::tape::{OnTape, Place, Tape};
use crate::json::{Container, Pointer, Skips, Tree};
use crate::platform::{botpress, eva};

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
    pub fields: Fields,
}

/// The fields that matter of a document, by label, in the catalogue's order. A kind has a dozen
/// at most, so they are kept in a list (found by comparing labels, no hashing) under the
/// catalogue's own labels (no copy), and read back as a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<(Cow<'static, str>, Value)>);

impl Fields {
    fn with_capacity(n: usize) -> Fields {
        Fields(Vec::with_capacity(n))
    }

    pub fn get(&self, label: &str) -> Option<&Value> {
        self.0.iter().find(|(l, _)| l == label).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, label: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(l, _)| l == label).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + Clone {
        self.0.iter().map(|(l, v)| (l.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Read back as a JSON object is read (a label twice keeps its later value, in its first place),
/// whatever its length: a capture's line may hold any object here.
impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Fields, D::Error> {
        let object = serde_json::Map::<String, Value>::deserialize(d)?;
        Ok(Fields(object.into_iter().map(|(label, value)| (Cow::Owned(label), value)).collect()))
    }
}

/// The embedded schema of a kind, parsed.
pub fn schema(kind: Kind) -> Value {
    serde_json::from_str(kind.schema_source())
        .unwrap_or_else(|e| panic!("embedded schema {kind} is not JSON: {e}"))
}

struct Compiled {
    schema: &'static Value,
    validator: Validator,
}

/// The embedded schema of a kind, parsed once. Reading it (to find what nothing reads inside)
/// does not compile it: a kind no document is judged as is never compiled.
fn parsed(kind: Kind) -> &'static Value {
    static CACHE: [OnceLock<Value>; Kind::ALL.len()] = [const { OnceLock::new() }; 5];
    CACHE[slot(kind)].get_or_init(|| schema(kind))
}

fn compiled(kind: Kind) -> &'static Compiled {
    static CACHE: [OnceLock<Compiled>; Kind::ALL.len()] = [const { OnceLock::new() }; 5];
    CACHE[slot(kind)].get_or_init(|| {
        let schema = parsed(kind);
        let validator = jsonschema::draft202012::new(schema)
            .unwrap_or_else(|e| panic!("embedded schema {kind} does not compile: {e}"));
        Compiled { schema, validator }
    })
}

/// Judge a document of a known kind.
pub fn check(kind: Kind, doc: &Value, ctx: Context<'_>) -> Verdict {
    Verdict { fields: fields(kind, doc), ..judge(kind, doc, ctx) }
}

/// As [`check`], for a document that is not needed afterwards: its fields are moved into the
/// verdict rather than copied (`validate` judges documents of any size up to `--max-size`).
pub fn check_owned(kind: Kind, doc: Value, ctx: Context<'_>) -> Verdict {
    let verdict = judge(kind, &doc, ctx);
    Verdict { fields: fields_owned(kind, doc), ..verdict }
}

/// The fields that matter for this kind, moved out of a document that is not needed afterwards.
pub fn fields_owned(kind: Kind, mut doc: Value) -> Fields {
    let all = kind.fields();
    // Made at its final size: collected from a filter, the list would grow as it fills.
    let mut fields = Fields::with_capacity(all.len());
    for (f, &nested) in all.iter().zip(nested_fields(kind)) {
        let value = if nested { doc.at(f.pointer).cloned() } else { doc.at_mut(f.pointer).map(Value::take) };
        if let Some(v) = value {
            fields.0.push((Cow::Borrowed(f.label), v));
        }
    }
    fields
}

/// For each field of a kind, whether it is inside another or another is inside it: two fields one
/// inside the other cannot both be moved out of a document, so such a field is copied. Worked out
/// once per kind.
fn nested_fields(kind: Kind) -> &'static [bool] {
    static NESTED: [OnceLock<Vec<bool>>; Kind::ALL.len()] = [const { OnceLock::new() }; 5];
    NESTED[slot(kind)].get_or_init(|| {
        let all = kind.fields();
        all.iter()
            .map(|f| all.iter().any(|o| inside(f.pointer, o.pointer) || inside(o.pointer, f.pointer)))
            .collect()
    })
}

/// As [`check`], without the fields that matter, for a verdict that will not show them.
pub fn check_bare(kind: Kind, doc: &Value, ctx: Context<'_>) -> Verdict {
    judge(kind, doc, ctx)
}

/// Whether pointer `b` is below pointer `a` (`/a/b` is below `/a`, `/ab` is not).
fn inside(a: &str, b: &str) -> bool {
    b.len() > a.len() && b.starts_with(a) && b.as_bytes()[a.len()] == b'/'
}

/// The parts of a document of `kind` that nothing reads inside, as pointers, each with the JSON
/// type its schema asks: the schema asks of it only that type and nothing on the way reads inside
/// it (see `asks_only_type`), no rule looks into it, and no field is below it. A document that
/// keeps its contract with no warning with an empty value of that type in the place of such a part
/// keeps it, with no warning, with the part.
fn unread(kind: Kind, ctx: Context<'_>) -> Vec<(&'static str, &'static str)> {
    let root = parsed(kind);
    crate::platform::unread(kind, ctx.request.is_some())
        .iter()
        .filter(|&&at| !kind.fields().iter().any(|f| inside(at, f.pointer)))
        .filter_map(|&at| Some((at, asks_only_type(root, at)?)))
        .collect()
}

/// What a document can be read onto its tape without, for the kinds it may be judged as: the parts
/// that nothing reads inside in one of those kinds at least, and for each kind the parts it leaves
/// unread. A document read without a part that the kind it is judged as reads is not judged on its
/// tape ([`judge_text`]).
#[derive(Debug, Clone, Default)]
pub struct Unread {
    skips: Skips,
    /// For each kind of `Kind::ALL`, the parts (bits, in the order of `skips`) it leaves unread.
    by_kind: [u32; Kind::ALL.len()],
    /// The kinds it is for (bits, in the order of `Kind::ALL`).
    kinds: u32,
    /// The fields that matter are gathered.
    fields: bool,
}

impl Unread {
    pub fn new(kinds: &[Kind], ctx: Context<'_>, fields: bool) -> Unread {
        let mut parts: Vec<(&'static str, Container)> = Vec::new();
        let mut by_kind = [0; Kind::ALL.len()];
        let mut mask = 0;
        for &kind in kinds {
            mask |= 1 << slot(kind);
            for (at, ty) in unread(kind, ctx) {
                let container = match ty {
                    "object" => Container::Object,
                    "array" => Container::Array,
                    _ => continue,
                };
                // A field shown from a part is shown from its text; one that holds a part is not.
                if fields && kind.fields().iter().any(|f| inside(f.pointer, at)) {
                    continue;
                }
                let i = match parts.iter().position(|(p, c)| *p == at && *c == container) {
                    Some(i) => i,
                    None if parts.len() < Skips::MOST => {
                        parts.push((at, container));
                        parts.len() - 1
                    }
                    None => continue,
                };
                by_kind[slot(kind)] |= 1 << i;
            }
        }
        let skips = Skips::new(parts).expect("the catalogue's unread parts are object-key pointers");
        Unread { skips, by_kind, kinds: mask, fields }
    }

    /// Whether documents of `kind` may be judged with what this leaves out.
    fn is_for(&self, kind: Kind) -> bool {
        self.kinds & 1 << slot(kind) != 0
    }

    pub fn skips(&self) -> &Skips {
        &self.skips
    }

    /// Whether a document read without the parts `left_out` (bits, as the tape says) may be judged
    /// as `kind` without them: `kind` reads none of them.
    fn holds(&self, left_out: u32, kind: Kind) -> bool {
        left_out & !self.by_kind[slot(kind)] == 0
    }
}

/// The place of a kind in `Kind::ALL`.
fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).expect("kind is in Kind::ALL")
}

/// What a receiver reads what arrives onto its tape without: the parts nothing reads inside of the
/// requests it does not read again to make or judge an answer (a Botpress event's stored
/// conversation event).
pub fn receiving() -> &'static Unread {
    static UNREAD: OnceLock<Unread> = OnceLock::new();
    UNREAD.get_or_init(|| {
        let kinds: Vec<Kind> =
            Kind::ALL.into_iter().filter(|k| !k.is_response() && k.response_kind().is_none()).collect();
        Unread::new(&kinds, Context::default(), true)
    })
}

/// A document judged by its shape, as the receiver judges what arrives: its text parsed whole
/// (`None` when it is not JSON), its kind detected, and its verdict without the fields. A document
/// is read without parts only on its tape ([`judged_on_tape`]).
pub fn parse_judged(text: &str) -> Option<(Value, Option<Kind>, Option<Verdict>)> {
    let doc = crate::json::from_str(text).ok()?;
    let kind = Kind::detect(&doc);
    let verdict = kind.map(|k| judge(k, &doc, Context::default()));
    Some((doc, kind, verdict))
}

/// The JSON type (`object` or `array`) the schema asks of the value at `pointer`, when that is all
/// it asks of it and nothing on the way there looks inside it: then whether a value there of that
/// type keeps the schema does not depend on what it holds. `None` when that cannot be shown: a
/// keyword this does not know, a reference out of the document, a branch (`anyOf`, `oneOf`,
/// `not`), a keyword that reads a whole value (`enum`, `const`). Keywords on the way that read only
/// the keys of an object holding the part, or refuse a key beside it, may report that object; a
/// document with any finding is not judged without its parts.
fn asks_only_type(root: &'static Value, pointer: &str) -> Option<&'static str> {
    /// What a schema on the way may say: nothing in it reads inside a property's value but what
    /// is followed.
    const ON_THE_WAY: [&str; 19] = [
        "$schema",
        "$id",
        "$defs",
        "$comment",
        "$ref",
        "title",
        "description",
        "type",
        "required",
        "properties",
        "additionalProperties",
        "allOf",
        "if",
        "then",
        "else",
        "minProperties",
        "maxProperties",
        "dependentRequired",
        "propertyNames",
    ];
    /// What the part's own schemas may say (those they refer to and are made of are its own too).
    const TYPE_ONLY: [&str; 9] =
        ["title", "description", "$comment", "type", "$ref", "allOf", "if", "then", "else"];
    let mut here = applying(root, vec![root])?;
    for key in crate::json::tokens(pointer)? {
        let mut next = Vec::new();
        for &schema in &here {
            let Some(schema) = schema.as_object() else {
                // `true` asks nothing; `false` refuses the value.
                if schema.as_bool()? {
                    continue;
                }
                return None;
            };
            if !schema.keys().all(|k| ON_THE_WAY.contains(&k.as_str())) {
                return None;
            }
            let property = schema.get("properties").and_then(|p| p.get(key.as_ref()));
            match (property, schema.get("additionalProperties")) {
                (Some(sub), _) => next.push(sub),
                // Refused or not, whatever the value holds.
                (None, None | Some(Value::Bool(_))) => {}
                (None, Some(sub)) => next.push(sub),
            }
        }
        here = applying(root, next)?;
    }
    let mut asked = None;
    for schema in here {
        let Some(schema) = schema.as_object() else {
            if schema.as_bool()? {
                continue;
            }
            return None;
        };
        if !schema.keys().all(|k| TYPE_ONLY.contains(&k.as_str())) {
            return None;
        }
        if let Some(ty) = schema.get("type") {
            let ty = ty.as_str()?;
            if asked.is_some_and(|a| a != ty) {
                return None;
            }
            asked = Some(ty);
        }
    }
    asked.filter(|t| ["object", "array"].contains(t))
}

/// The schemas that apply where these apply: each, the one it refers to (`$ref`, within the
/// document), and those it is made of (`allOf`, `if`, `then`, `else`).
fn applying(root: &'static Value, mut todo: Vec<&'static Value>) -> Option<Vec<&'static Value>> {
    /// More than this many is a reference cycle, or a schema not worth the trouble.
    const MOST: usize = 256;
    let mut out = Vec::new();
    while let Some(schema) = todo.pop() {
        if out.len() == MOST {
            return None;
        }
        out.push(schema);
        let Some(obj) = schema.as_object() else { continue };
        if let Some(r) = obj.get("$ref") {
            todo.push(root.at(r.as_str()?.strip_prefix('#')?)?);
        }
        if let Some(all) = obj.get("allOf") {
            todo.extend(all.as_array()?);
        }
        todo.extend(["if", "then", "else"].into_iter().filter_map(|branch| obj.get(branch)));
    }
    Some(out)
}

/// The verdict without the fields.
fn judge(kind: Kind, doc: &Value, ctx: Context<'_>) -> Verdict {
    let mut errors = schema_errors(kind, doc);
    let (mut warnings, mut not_checked) = (Vec::new(), Vec::new());
    rules(kind, doc, ctx, &mut errors, &mut warnings, &mut not_checked);
    if let (true, Some(request)) = (kind.is_response(), ctx.request) {
        eva::leak_rule(doc, request, ctx.show_secrets, &mut warnings);
    }
    errors.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    Verdict { kind, valid: errors.is_empty(), errors, warnings, not_checked, fields: Fields::default() }
}

/// The rules of a kind beyond its schema, whichever way the document is held, but for the one
/// that compares the answer's contexts with the request's ([`eva::leak_rule`]): with no request,
/// it is only said not to be made.
fn rules<'a>(
    kind: Kind,
    doc: impl Tree<'a>,
    ctx: Context<'_>,
    errors: &mut Vec<Finding>,
    warnings: &mut Vec<Finding>,
    not_checked: &mut Vec<String>,
) {
    match kind {
        Kind::BotpressEvent => botpress::rules(doc, errors),
        Kind::EvaAnswerRequest | Kind::EvaAnswerResponse => eva::answer_rules(doc, errors, warnings),
        Kind::EvaServiceRequest => eva::service_request_rules(doc, warnings),
        Kind::EvaServiceResponse => eva::option_rule(doc, ctx, errors, not_checked),
    }
    if kind.is_response() {
        eva::other_kind_rule(kind, doc, warnings);
        eva::context_rules(doc, ctx.request, warnings);
        if ctx.request.is_none() {
            not_checked.push(eva::LEAKS_NOT_CHECKED.into());
        }
    }
}

/// The fields that matter for this kind, as present in the document.
pub fn fields<'a>(kind: Kind, doc: impl Tree<'a>) -> Fields {
    let all = kind.fields();
    // Made at its final size, as in `fields_owned`.
    let mut fields = Fields::with_capacity(all.len());
    let mut last = None;
    for f in all {
        if let Some(v) = crate::json::find_after(doc, f.pointer, &mut last) {
            fields.0.push((Cow::Borrowed(f.label), v.value().into_owned()));
        }
    }
    fields
}

/// The schema of a kind compiled for documents on a [`Tape`], once.
fn compiled_for_tape(kind: Kind) -> &'static Validator<OnTape> {
    static CACHE: [OnceLock<Validator<OnTape>>; Kind::ALL.len()] = [const { OnceLock::new() }; 5];
    CACHE[slot(kind)].get_or_init(|| {
        jsonschema::options_for::<OnTape>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(parsed(kind))
            .unwrap_or_else(|e| panic!("embedded schema {kind} does not compile: {e}"))
    })
}

/// A document judged from its text on its tape ([`judge_text`]).
#[derive(Debug)]
pub struct TextVerdict {
    pub detection: Detection,
    pub verdict: Verdict,
    /// The fields left out of the tape, by label, each with where its text is: the verdict's
    /// fields hold an empty value of the same type for them.
    pub left_out: Vec<(&'static str, Range<usize>)>,
}

/// A document judged from its text without making a [`Value`] of it, read without the parts
/// `unread` names, when that verdict is the one it gets as a `Value`: a document of one of the
/// kinds `unread` is for (`kind`, else the kind its shape says given what it `answers`) that keeps
/// its contract with no warning, judged with no request (the one rule that compares the answer's
/// contexts with the request's reads two trees at once). The fields are gathered when `unread` says
/// so. `None` for any other (not JSON, another kind, any finding, JSON that only a `Value` holds
/// faithfully): judge that as a `Value`, which says what is wrong in its own words.
pub fn judge_text(
    text: &str,
    unread: &Unread,
    kind: Option<Kind>,
    answers: Option<Kind>,
    ctx: Context<'_>,
) -> Option<TextVerdict> {
    if ctx.request.is_some() {
        return None;
    }
    let (tape, left_out) = Tape::parse_skipping(text, unread.skips())?;
    let root = tape.root();
    root.members()?;
    let detection = match kind {
        Some(kind) => Detection { kind, closest: None },
        None => crate::platform::detect_by_keys(|k| root.get(k).is_some(), answers)?,
    };
    let kind = detection.kind;
    if !unread.is_for(kind) || !unread.holds(left_out, kind) || !compiled_for_tape(kind).is_valid(root) {
        return None;
    }
    let (mut errors, mut warnings, mut not_checked) = (Vec::new(), Vec::new(), Vec::new());
    rules(kind, root, ctx, &mut errors, &mut warnings, &mut not_checked);
    if !errors.is_empty() || !warnings.is_empty() {
        return None;
    }
    let (fields, left_out) = if unread.fields { fields_on_tape(kind, root) } else { Default::default() };
    let verdict = Verdict { kind, valid: true, errors, warnings, not_checked, fields };
    Some(TextVerdict { detection, verdict, left_out })
}

/// As [`judge_text`], with the fields left out of the tape parsed from their text.
pub fn judged_on_tape(
    text: &str,
    unread: &Unread,
    kind: Option<Kind>,
    answers: Option<Kind>,
    ctx: Context<'_>,
) -> Option<(Detection, Verdict)> {
    let TextVerdict { detection, mut verdict, left_out } = judge_text(text, unread, kind, answers, ctx)?;
    for (label, at) in left_out {
        *verdict.fields.get_mut(label)? = crate::json::from_str(&text[at]).ok()?;
    }
    Some((detection, verdict))
}

/// The fields that matter for this kind, as found on a tape; with, for those left out of it, where
/// their text is.
fn fields_on_tape(kind: Kind, root: Place<'_>) -> (Fields, Vec<(&'static str, Range<usize>)>) {
    let all = kind.fields();
    let mut fields = Fields::with_capacity(all.len());
    let mut left_out = Vec::new();
    let mut last = None;
    for f in all {
        if let Some(v) = crate::json::find_after(root, f.pointer, &mut last) {
            left_out.extend(v.left_out().map(|at| (f.label, at)));
            fields.0.push((Cow::Borrowed(f.label), v.owned()));
        }
    }
    (fields, left_out)
}

fn schema_errors(kind: Kind, doc: &Value) -> Vec<Finding> {
    let compiled = compiled(kind);
    let mut out = Vec::new();
    // Most documents keep the contract: the yes-or-no pass is cheaper than gathering no errors.
    if compiled.validator.is_valid(doc) {
        return out;
    }
    for err in compiled.validator.iter_errors(doc) {
        let at = err.instance_path().as_str().to_string();
        let keyword_at = err.schema_path().as_str();
        let keyword = keyword_at.rsplit('/').next().unwrap_or_default();
        let constraint = compiled.schema.at(keyword_at).map(snippet);
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
                            .found(doc.at(&pointer)),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn join_escapes_tilde_then_slash() {
        assert_eq!(join("", "option"), "/option");
        assert_eq!(join("/openContext", "id"), "/openContext/id");
        assert_eq!(join("/a", "b/c"), "/a/b~1c");
        assert_eq!(join("/a", "m~n"), "/a/m~0n");
        assert_eq!(join("/a", "~1"), "/a/~01", "a literal ~1 stays distinguishable from '/'");
        assert_eq!(join("/a", "~/"), "/a/~0~1");
        assert_eq!(join("/a", ""), "/a/");
        // What join writes, a pointer reads back.
        let doc = json!({"a": {"b/c": 1, "m~n": 2, "~1": 3}});
        for (key, value) in [("b/c", 1), ("m~n", 2), ("~1", 3)] {
            assert_eq!(doc.at(&join("/a", key)), Some(&json!(value)), "{key}");
        }
    }

    #[test]
    fn a_pointer_is_inside_another_only_below_a_slash() {
        assert!(inside("/a", "/a/b"));
        assert!(inside("/a", "/a/"));
        assert!(!inside("/a", "/a"));
        assert!(!inside("/a", "/ab"));
        assert!(!inside("/a/b", "/a"));
        assert!(inside("", "/a"));
    }

    #[test]
    fn only_contexts_the_schema_and_rules_never_look_into_are_unread_inside() {
        let parts = |kind, ctx| unread(kind, ctx).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        let contexts = [eva::ptr::OPEN_CONTEXT, eva::ptr::VISIBLE_CONTEXT, eva::ptr::HIDDEN_CONTEXT];
        assert_eq!(parts(Kind::EvaServiceResponse, Context::default()), contexts);
        assert!(unread(Kind::EvaServiceResponse, Context::default()).iter().all(|(_, t)| *t == "object"));
        // With the request, the readable contexts are compared with it (the leak check).
        let request = json!({});
        let ctx = Context { request: Some(&request), ..Context::default() };
        assert_eq!(parts(Kind::EvaServiceResponse, ctx), [eva::ptr::HIDDEN_CONTEXT]);
        assert_eq!(
            unread(Kind::BotpressEvent, Context::default()),
            [(botpress::ptr::CONVERSATION_EVENT, "object"), (botpress::ptr::USER_ATTRIBUTES, "object")]
        );
    }

    /// What the schema asks at `pointer`, for a schema made here.
    fn asked(schema: Value, pointer: &str) -> Option<&'static str> {
        asks_only_type(Box::leak(Box::new(schema)), pointer)
    }

    #[test]
    fn a_part_asks_only_its_type_when_nothing_on_the_way_looks_inside_it() {
        let part =
            |inner: Value| json!({"type": "object", "properties": {"a": {"properties": {"b": inner}}}});
        assert_eq!(asked(part(json!({"type": "object", "description": "d"})), "/a/b"), Some("object"));
        assert_eq!(asked(part(json!({"type": "array"})), "/a/b"), Some("array"));
        // What it holds is asked about, or it may be of several types, or of no container type.
        for inner in [
            json!({"type": "object", "required": ["x"]}),
            json!({"type": "object", "properties": {"x": {}}}),
            json!({"type": "array", "items": {"type": "string"}}),
            json!({"type": ["object", "null"]}),
            json!({"type": "string"}),
            json!({}),
            json!({"type": "object", "enum": [{}]}),
            json!(false),
        ] {
            assert_eq!(asked(part(inner.clone()), "/a/b"), None, "{inner}");
        }
        // Followed through references and the parts of a schema.
        let by_ref = json!({"properties": {"a": {"$ref": "#/$defs/x"}}, "$defs": {"x": {"type": "object"}}});
        assert_eq!(asked(by_ref, "/a"), Some("object"));
        let elsewhere = json!({"properties": {"a": {"$ref": "other.json"}}});
        assert_eq!(asked(elsewhere, "/a"), None);
        let cycle = json!({"$ref": "#", "properties": {"a": {"type": "object"}}});
        assert_eq!(asked(cycle, "/a"), None);
        for looks_inside in [
            json!({"properties": {"a": {"type": "object"}}, "allOf": [{"properties": {"a": {"required": ["x"]}}}]}),
            json!({"properties": {"a": {"type": "object"}}, "if": {"properties": {"a": {"properties": {"x": {"const": 1}}}}}}),
            json!({"properties": {"a": {"type": "object"}}, "then": {"properties": {"a": {"type": "array"}}}}),
            json!({"properties": {"a": {"type": "object"}}, "anyOf": [{}]}),
            json!({"properties": {"a": {"type": "object"}}, "const": {"a": {}}}),
            json!({"properties": {"b": {}}, "additionalProperties": {"type": "object", "minProperties": 1}}),
            json!({"properties": {"a": {"type": "object"}}, "patternProperties": {"^a": {"required": ["x"]}}}),
        ] {
            assert_eq!(asked(looks_inside.clone(), "/a"), None, "{looks_inside}");
        }
        let rest = json!({"properties": {"b": {}}, "additionalProperties": {"type": "object"}});
        assert_eq!(asked(rest, "/a"), Some("object"));
        // A key refused on the way, or the keys of a value holding the part counted: the verdict
        // stands without the part (a document with a finding is not judged without it).
        let refused =
            json!({"allOf": [{"properties": {"a": {"type": "object"}}}, {"additionalProperties": false}]});
        assert_eq!(asked(refused, "/a"), Some("object"));
        let counted = json!({"minProperties": 2, "properties": {"a": {"type": "object"}}});
        assert_eq!(asked(counted, "/a"), Some("object"));
        let in_an_if = json!({"if": {"minProperties": 2}, "then": {"properties": {"a": {"type": "object"}}}});
        assert_eq!(asked(in_an_if, "/a"), Some("object"));
    }

    /// A document parsed whole and judged by its shape.
    fn judged_whole(text: &str) -> (Option<Kind>, Value) {
        let doc: Value = serde_json::from_str(text).unwrap();
        let kind = Kind::detect(&doc);
        (kind, serde_json::to_value(kind.map(|k| judge(k, &doc, Context::default()))).unwrap())
    }

    #[test]
    fn a_document_judged_by_its_shape_on_its_tape_or_else_as_a_value_is_judged_as_whole() {
        use botpress::ptr::{CONVERSATION_EVENT, USER_ATTRIBUTES};
        let create = crate::catalogue::EVENTS.iter().find(|e| e.name == "handoff-create").unwrap().fixture();
        let changed = |at: &str, value: Value| {
            let mut doc = create.clone();
            *doc.at_mut(at).unwrap() = value;
            doc
        };
        let mut docs: Vec<Value> = crate::catalogue::EVENTS.iter().map(|e| e.fixture()).collect();
        docs.extend([
            // Whatever an unread part holds, valid.
            changed(CONVERSATION_EVENT, json!({"state": {"deep": [[[{"x": null}]]]}, "type": 7})),
            changed(USER_ATTRIBUTES, json!({"any": ["thing"]})),
            // Of another type: the finding shows it.
            changed(CONVERSATION_EVENT, json!(["not", "an", "object"])),
            changed(USER_ATTRIBUTES, json!("x")),
            // Another finding elsewhere: a finding of the value holding a part shows the part.
            changed("/resource", json!("agent")),
            changed("/payload/status", json!("waiting")),
            changed("/payload/userConversation/direction", json!(1)),
        ]);
        let mut agent = create.clone();
        agent["resource"] = json!("agent");
        agent["payload"]["userConversation"]["event"] = json!({"deep": {"text": "shown in the finding"}});
        docs.push(agent);
        let mut on_its_tape = 0;
        for doc in docs {
            let text = doc.to_string();
            // As the receiver judges: on the tape when it can, else parsed whole.
            let (kind, verdict) = match on_tape(&text) {
                Some(verdict) => {
                    on_its_tape += 1;
                    (Some(verdict.kind), Some(Verdict { fields: Fields::default(), ..verdict }))
                }
                None => {
                    let (parsed, kind, verdict) = parse_judged(&text).unwrap();
                    assert_eq!(parsed, doc, "parsed whole");
                    (kind, verdict)
                }
            };
            assert_eq!((kind, serde_json::to_value(&verdict).unwrap()), judged_whole(&text), "{text}");
        }
        assert!(on_its_tape > 2, "the valid events are judged on their tape");
        // A valid event is read without its unread parts.
        let (_, left_out) = Tape::parse_skipping(&create.to_string(), receiving().skips()).unwrap();
        assert_eq!(left_out, 0b11, "{CONVERSATION_EVENT} and {USER_ATTRIBUTES}");
        assert_eq!(parse_judged(&create.to_string()).unwrap().0, create, "parsed whole");
        // Not JSON: nothing.
        assert!(parse_judged("{").is_none());
    }

    /// The verdict a document has when it is parsed whole into a `Value`.
    fn judged_as_value(text: &str) -> Option<Verdict> {
        let doc: Value = serde_json::from_str(text).ok()?;
        Kind::detect(&doc).map(|kind| check(kind, &doc, Context::default()))
    }

    /// What the receiver judges on the tape.
    fn on_tape(text: &str) -> Option<Verdict> {
        judged_on_tape(text, receiving(), None, None, Context::default()).map(|(_, v)| v)
    }

    /// How a document may be judged: as one of `kinds` (or as `kind`), given what the documents
    /// answer, in a context, with or without the fields.
    #[derive(Clone, Copy)]
    struct Judging<'a> {
        kinds: &'a [Kind],
        kind: Option<Kind>,
        answers: Option<Kind>,
        ctx: Context<'a>,
        fields: bool,
    }

    impl Judging<'_> {
        const RECEIVER: Judging<'static> = Judging {
            kinds: &[Kind::BotpressEvent],
            kind: None,
            answers: None,
            ctx: Context {
                request: None,
                expected_options: None,
                option_case: OptionCase::Exact,
                show_secrets: false,
            },
            fields: true,
        };

        /// What [`judged_on_tape`] says of a text, against what it would be as a `Value` parsed
        /// whole: the same kind, note and verdict (fields and all) when it says anything, and
        /// something for every document of one of the kinds that keeps its contract with no
        /// warning and no request.
        fn same_as_value(self, text: &str) -> std::result::Result<bool, String> {
            let whole = serde_json::from_str::<Value>(text).ok().and_then(|doc| {
                let d = match self.kind {
                    Some(kind) => Detection { kind, closest: None },
                    None => Kind::detect_with(&doc, self.answers)?,
                };
                let v = if self.fields {
                    check_owned(d.kind, doc, self.ctx)
                } else {
                    check_bare(d.kind, &doc, self.ctx)
                };
                Some((d, v))
            });
            let unread = Unread::new(self.kinds, self.ctx, self.fields);
            let on_tape = judged_on_tape(text, &unread, self.kind, self.answers, self.ctx);
            let clean = whole.as_ref().filter(|(d, v)| {
                v.valid && v.warnings.is_empty() && self.kinds.contains(&d.kind) && self.ctx.request.is_none()
            });
            let json = |(d, v): &(Detection, Verdict)| (d.guess_note(), serde_json::to_value(v).unwrap());
            match (&on_tape, clean) {
                (Some(t), Some(w)) if json(t) == json(w) => Ok(true),
                (None, None) => Ok(false),
                _ => Err(format!("on the tape {on_tape:?}, as a value {whole:?}: {text}")),
            }
        }
    }

    #[test]
    fn a_document_judged_on_its_tape_is_judged_as_a_value() {
        for e in crate::catalogue::EVENTS {
            let text = e.fixture().to_string();
            let taken = Judging::RECEIVER.same_as_value(&text).unwrap();
            if e.request == Kind::BotpressEvent {
                assert!(taken, "{}: a valid event is judged on its tape", e.name);
            } else {
                assert!(!taken, "{}: the receiver judges an eva request as a value", e.name);
            }
        }
        let create = crate::catalogue::EVENTS.iter().find(|e| e.name == "handoff-create").unwrap().fixture();
        let text = create.to_string();
        // A key twice: a value keeps the later one, so the tape leaves it to the value.
        let twice =
            text.replacen("\"status\":\"pending\"", "\"status\":\"assigned\",\"status\":\"pending\"", 1);
        assert_ne!(twice, text);
        assert!(on_tape(&twice).is_none());
        assert!(judged_as_value(&twice).is_some_and(|v| v.valid));
        // The first value keeps the contract and the later one, which counts, does not.
        let later =
            text.replacen("\"status\":\"pending\"", "\"status\":\"pending\",\"status\":\"assigned\"", 1);
        assert!(on_tape(&later).is_none());
        assert!(judged_as_value(&later).is_some_and(|v| !v.valid));
        assert!(on_tape("{").is_none());
        assert!(on_tape("[1]").is_none());
        // The stored conversation event is read to its end, not kept: a key twice in it is no
        // matter to the verdict, and what JSON refuses in it is refused.
        let (_, left_out) = Tape::parse_skipping(&text, receiving().skips()).expect("read");
        assert_ne!(left_out, 0, "the stored event is left out");
        let inside =
            text.replacen("\"event\":{\"type\":\"text\"", "\"event\":{\"type\":\"text\",\"type\":\"x\"", 1);
        assert_ne!(inside, text);
        assert!(Judging::RECEIVER.same_as_value(&inside).unwrap());
        let broken = text.replacen("\"event\":{\"type\":\"text\"", "\"event\":{\"type\":tex", 1);
        assert!(on_tape(&broken).is_none() && judged_as_value(&broken).is_none());
    }

    /// Every eva document of the catalogue, requests and answers.
    fn eva_documents() -> Vec<Value> {
        crate::catalogue::EVENTS
            .iter()
            .filter(|e| e.request != Kind::BotpressEvent)
            .flat_map(|e| [Some(e.fixture()), e.example_response()])
            .flatten()
            .collect()
    }

    #[test]
    fn an_eva_document_that_keeps_its_contract_is_judged_on_its_tape_without_a_request() {
        let judging = Judging { kinds: &Kind::ALL, fields: false, ..Judging::RECEIVER };
        for doc in eva_documents() {
            let text = doc.to_string();
            for fields in [false, true] {
                assert!(Judging { fields, ..judging }.same_as_value(&text).unwrap(), "{text}");
            }
            let kind = Kind::detect(&doc).unwrap();
            assert!(Judging { kind: Some(kind), ..judging }.same_as_value(&text).unwrap());
            // A kind the documents are not judged as is left to the value.
            let others: Vec<Kind> = Kind::ALL.into_iter().filter(|k| *k != kind).collect();
            assert!(!Judging { kinds: &others, ..judging }.same_as_value(&text).unwrap());
            // With the request, the rule that compares it with the answer reads both as values.
            let request = json!({"hiddenContext": {}});
            let with_request = Context { request: Some(&request), ..judging.ctx };
            let unread = Unread::new(&Kind::ALL, with_request, false);
            assert!(judged_on_tape(&text, &unread, None, None, with_request).is_none());
        }
        // An answer that says what it was not checked for says so on the tape too.
        let service =
            json!({"option": "CLIENT", "openContext": {}, "visibleContext": {}, "hiddenContext": {}});
        let (_, verdict) = judged_on_tape(
            &service.to_string(),
            &Unread::new(&Kind::ALL, Context::default(), false),
            None,
            None,
            Context::default(),
        )
        .expect("a valid service answer is judged on its tape");
        assert_eq!(verdict.kind, Kind::EvaServiceResponse);
        assert_eq!(verdict.not_checked.len(), 2, "{:?}", verdict.not_checked);
        // Options to choose from are checked on the tape: one of them passes, another is left to
        // the value, which says why it fails.
        for (options, taken) in [(vec!["client".to_string()], false), (vec!["CLIENT".to_string()], true)] {
            let ctx = Context { expected_options: Some(&options), ..Context::default() };
            let judging = Judging { ctx, ..judging };
            assert_eq!(judging.same_as_value(&service.to_string()).unwrap(), taken, "{options:?}");
        }
    }

    fn botpress_event() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let fixtures: Vec<Value> = crate::catalogue::EVENTS
            .iter()
            .filter(|e| e.request == Kind::BotpressEvent)
            .map(|e| e.fixture())
            .collect();
        const POINTERS: [&str; 21] = [
            "/resource",
            "/type",
            "/id",
            "/botId",
            "/payload",
            "/payload/id",
            "/payload/status",
            "/payload/agentId",
            "/payload/agentThreadId",
            "/payload/assignedAt",
            "/payload/resolvedAt",
            "/payload/userThreadId",
            "/payload/tags",
            "/payload/comments",
            "/payload/comments/0/handoffId",
            "/payload/online",
            "/payload/userConversation",
            "/payload/userConversation/event",
            "/payload/user/attributes",
            "/payload/createdAt",
            "/extra",
        ];
        let values = prop_oneof![
            Just(None),
            Just(Some(Value::Null)),
            Just(Some(json!("pending"))),
            Just(Some(json!("assigned"))),
            Just(Some(json!("resolved"))),
            Just(Some(json!("handoff"))),
            Just(Some(json!("agent"))),
            Just(Some(json!("create"))),
            Just(Some(json!(42))),
            Just(Some(json!(42.0))),
            Just(Some(json!("42"))),
            Just(Some(json!(true))),
            Just(Some(json!([]))),
            Just(Some(json!(["x"]))),
            Just(Some(json!({}))),
            Just(Some(json!([{"id": 1, "handoffId": 43}]))),
            Just(Some(json!("2022-09-14T15:02:16.207Z"))),
        ];
        (
            proptest::sample::select(fixtures),
            proptest::collection::vec((proptest::sample::select(&POINTERS[..]), values), 1..4),
        )
            .prop_map(|(doc, changes)| changed(doc, changes))
    }

    /// A document with a value set (or a key taken out, for `None`) at each pointer whose parent
    /// is there.
    fn changed(mut doc: Value, changes: Vec<(&str, Option<Value>)>) -> Value {
        for (at, value) in changes {
            let (parent, key) = at.rsplit_once('/').unwrap();
            if let Some(Value::Object(map)) = doc.at_mut(parent) {
                match value {
                    Some(v) => {
                        map.insert(key.to_string(), v);
                    }
                    None => {
                        map.shift_remove(key);
                    }
                }
            } else if let (Some(Value::Array(items)), Some(v)) = (doc.at_mut(parent), value) {
                if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *item = v;
                }
            }
        }
        doc
    }

    proptest::proptest! {
        #[test]
        fn any_botpress_event_judged_on_its_tape_is_judged_as_a_value(doc in botpress_event(), pretty: bool) {
            let text = if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { doc.to_string() };
            if let Err(why) = Judging::RECEIVER.same_as_value(&text) {
                proptest::prop_assert!(false, "{}", why);
            }
        }
    }

    fn eva_document() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        const POINTERS: [&str; 14] = [
            "/option",
            "/openContext",
            "/visibleContext",
            "/hiddenContext",
            "/openContext/x",
            "/answer",
            "/answer/template",
            "/answer/content",
            "/answer/content/type",
            "/answer/content/content",
            "/expectedOptions",
            "/info",
            "/text",
            "/extra",
        ];
        let values = prop_oneof![
            Just(None),
            Just(Some(Value::Null)),
            Just(Some(json!("TEXT"))),
            Just(Some(json!("CAROUSEL"))),
            Just(Some(json!("NOPE"))),
            Just(Some(json!("CLIENT"))),
            Just(Some(json!(42))),
            Just(Some(json!(true))),
            Just(Some(json!([]))),
            Just(Some(json!(["CLIENT", "NOT_CLIENT"]))),
            Just(Some(json!([{"title": "a"}]))),
            Just(Some(json!({}))),
            Just(Some(json!({"x": 1}))),
            Just(Some(json!({"type": "TEXT", "content": "hi"}))),
        ];
        (
            proptest::sample::select(eva_documents()),
            proptest::collection::vec((proptest::sample::select(&POINTERS[..]), values), 0..4),
        )
            .prop_map(|(doc, changes)| changed(doc, changes))
    }

    proptest::proptest! {
        #[test]
        fn any_eva_document_judged_on_its_tape_is_judged_as_a_value(
            doc in eva_document(),
            answers in proptest::sample::select(vec![None, Some(Kind::EvaServiceResponse), Some(Kind::EvaAnswerResponse)]),
            fields: bool,
            pretty: bool,
        ) {
            let text = if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { doc.to_string() };
            let kinds = Kind::detectable(answers);
            let judging = Judging { kinds: &kinds, answers, fields, ..Judging::RECEIVER };
            if let Err(why) = judging.same_as_value(&text) {
                proptest::prop_assert!(false, "{}", why);
            }
        }
    }

    #[test]
    fn a_document_read_without_a_part_its_kind_reads_is_not_judged_on_its_tape() {
        use botpress::ptr::CONVERSATION_EVENT;
        let read = |text: &str, unread: &Unread| {
            let (tape, left_out) = Tape::parse_skipping(text, unread.skips()).unwrap();
            (tape.root().owned(), left_out)
        };
        // Judged by its shape, any kind: the contexts are left out, and the stored event.
        let all = Unread::new(&Kind::ALL, Context::default(), false);
        let service = json!({"option": "A", "openContext": {"x": {"deep": 1}}, "hiddenContext": {}});
        let (doc, left_out) = read(&service.to_string(), &all);
        assert_eq!(doc, json!({"option": "A", "openContext": {}, "hiddenContext": {}}));
        assert!(all.holds(left_out, Kind::EvaServiceResponse));
        // A Botpress event reads inside the contexts (it refuses them).
        assert!(!all.holds(left_out, Kind::BotpressEvent));
        assert!(all.holds(0, Kind::BotpressEvent), "nothing left out");
        // The fields shown are left out too, and said where their text is: the contexts are fields
        // of eva's documents.
        let shown = Unread::new(&Kind::ALL, Context::default(), true);
        let valid = json!({"option": "A", "openContext": {"x": {"deep": 1}}, "visibleContext": {}, "hiddenContext": {}});
        let text = valid.to_string();
        let judged = judge_text(&text, &shown, None, None, Context::default()).expect("valid");
        let texts: Vec<(&str, &str)> =
            judged.left_out.iter().map(|(l, at)| (*l, &text[at.clone()])).collect();
        assert_eq!(
            texts,
            [("openContext", r#"{"x":{"deep":1}}"#), ("visibleContext", "{}"), (eva::HIDDEN, "{}")]
        );
        assert_eq!(judged.verdict.fields.get("openContext"), Some(&json!({})), "a stand-in");
        let (_, verdict) = judged_on_tape(&text, &shown, None, None, Context::default()).expect("valid");
        assert_eq!(verdict.fields, fields(Kind::EvaServiceResponse, &valid), "parsed from their text");
        let event = crate::catalogue::EVENTS[0].fixture();
        let (doc, left_out) = read(&event.to_string(), &shown);
        assert_eq!(doc.at(CONVERSATION_EVENT), Some(&json!({})));
        assert!(shown.holds(left_out, Kind::BotpressEvent));
        // With the request, a response's readable contexts are compared with it: read.
        let request = json!({});
        let ctx = Context { request: Some(&request), ..Context::default() };
        let answers = Unread::new(&[Kind::EvaServiceResponse], ctx, false);
        let (doc, left_out) = read(&service.to_string(), &answers);
        assert_eq!(doc["openContext"], service["openContext"]);
        assert!(answers.holds(left_out, Kind::EvaServiceResponse));
        // The receiver leaves out only what a Botpress event does not read.
        assert_eq!(read(&service.to_string(), receiving()), (service, 0));
    }

    #[test]
    fn snippet_is_compact_json_cut_at_80_characters() {
        assert_eq!(snippet(&json!("MAYBE")), "\"MAYBE\"");
        assert_eq!(snippet(&json!({"a": [1, 2]})), r#"{"a":[1,2]}"#);
        assert_eq!(snippet(&json!(null)), "null");
        // 78 characters and its two quotes: 80, kept whole.
        let exact = json!("x".repeat(78));
        assert_eq!(snippet(&exact), exact.to_string());
        // One more: 79 characters and an ellipsis.
        let long = snippet(&json!("x".repeat(79)));
        assert_eq!(long.chars().count(), 80);
        assert_eq!(long, format!("\"{}…", "x".repeat(78)));
        // Counted in characters, not bytes.
        let wide = snippet(&json!("é".repeat(100)));
        assert_eq!(wide.chars().count(), 80);
        assert!(wide.ends_with("é…"));
    }

    #[test]
    fn findings_say_what_was_found() {
        let f = Finding::new("/option", "bad").expected("one of A").found(Some(&json!("B")));
        assert_eq!(
            (f.pointer.as_str(), f.message.as_str(), f.expected.as_deref(), f.found.as_deref()),
            ("/option", "bad", Some("one of A"), Some("\"B\""))
        );
        assert_eq!(Finding::new("", "x").found(None).found.as_deref(), Some("nothing (field absent)"));
    }

    #[test]
    fn option_case_is_exact_by_default() {
        assert_eq!(OptionCase::default(), OptionCase::Exact);
        assert!(OptionCase::Exact.same("CLIENT", "CLIENT"));
        assert!(!OptionCase::Exact.same("CLIENT", "client"));
        assert!(!OptionCase::Exact.same("CLIENT", "CLIENT "));
        assert!(OptionCase::Insensitive.same("CLIENT", "client"));
        assert!(OptionCase::Insensitive.same("Não_Cliente", "NÃO_CLIENTE"));
        assert!(!OptionCase::Insensitive.same("CLIENT", "NOT_CLIENT"));
        assert!(!OptionCase::Insensitive.same("CLIENT", " client"));
    }

    #[test]
    fn the_fields_that_matter_are_picked_in_order_and_absent_ones_skipped() {
        let doc = json!({"hiddenContext": {"id": 1}, "option": "A", "other": 1});
        let fields = fields(Kind::EvaServiceResponse, &doc);
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["option", eva::HIDDEN]);
        assert_eq!(fields.get("option"), Some(&json!("A")));
        assert_eq!(fields.get("other"), None);
    }

    #[test]
    fn the_fields_are_written_as_an_object_in_order_and_read_back_as_one() {
        let doc = crate::catalogue::EVENTS.iter().find(|e| e.name == "handoff-assign").unwrap().fixture();
        let fields = fields(Kind::BotpressEvent, &doc);
        assert!(fields.len() > 2);
        let text = serde_json::to_string(&fields).unwrap();
        let object: Value = serde_json::from_str(&text).unwrap();
        let labels: Vec<&str> = object.as_object().unwrap().keys().map(String::as_str).collect();
        let expected: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
        assert_eq!(labels, expected);
        assert_eq!(serde_json::from_str::<Fields>(&text).unwrap(), fields);
        // A label twice keeps its last value, as an object does.
        let twice: Fields =
            serde_json::from_str(r#"{"status":"pending","agentId":"a","status":"assigned"}"#).unwrap();
        let read: Vec<(&str, &Value)> = twice.iter().collect();
        assert_eq!(read, [("status", &json!("assigned")), ("agentId", &json!("a"))]);
        assert!(serde_json::from_str::<Fields>("[1]").is_err());
        // Many labels, one of them twice: read back in order, the later value kept in the first
        // place, as an object reads them.
        let mut many: Vec<String> = (0..1000).map(|i| format!("\"f{i}\":{i}")).collect();
        many.push("\"f3\":\"again\"".into());
        let text = format!("{{{}}}", many.join(","));
        let read: Fields = serde_json::from_str(&text).unwrap();
        assert_eq!(read.len(), 1000);
        assert_eq!(serde_json::to_value(&read).unwrap(), serde_json::from_str::<Value>(&text).unwrap());
        let order: Vec<&str> = read.iter().map(|(k, _)| k).take(5).collect();
        assert_eq!(order, ["f0", "f1", "f2", "f3", "f4"]);
        assert_eq!(read.get("f3"), Some(&json!("again")));
    }

    #[test]
    fn schema_errors_point_at_the_field_and_say_what_was_expected() {
        let v = check(Kind::EvaServiceResponse, &json!({"option": 3, "extra": 1}), Context::default());
        assert!(!v.valid);
        let option = v.errors.iter().find(|e| e.pointer == "/option").expect("an error at /option");
        assert_eq!(option.found.as_deref(), Some("3"));
        assert_eq!(option.expected.as_deref(), Some("type \"string\""));
        let v = check(Kind::EvaServiceResponse, &json!({"openContext": {}}), Context::default());
        let missing = v.errors.iter().find(|e| e.pointer == "/option").expect("the missing option");
        assert_eq!(missing.message, "required field 'option' is missing");
        assert_eq!(missing.found.as_deref(), Some("nothing (field absent)"));
    }

    #[test]
    fn a_document_judged_owned_is_judged_as_borrowed() {
        for e in crate::catalogue::EVENTS {
            let doc = e.fixture();
            let borrowed = check(e.request, &doc, Context::default());
            let owned = check_owned(e.request, doc, Context::default());
            assert_eq!(
                serde_json::to_value(&owned).unwrap(),
                serde_json::to_value(&borrowed).unwrap(),
                "{}",
                e.name
            );
            assert!(!owned.fields.is_empty(), "{}", e.name);
        }
    }

    #[test]
    fn a_snippet_is_the_head_of_the_compact_form() {
        let small = serde_json::json!({"a": [1, 2], "b": "é"});
        assert_eq!(snippet(&small), small.to_string());
        let big = serde_json::json!({"text": "é".repeat(10_000)});
        let full = big.to_string();
        let expected: String = full.chars().take(SNIPPET_CHARS - 1).chain(['…']).collect();
        assert_eq!(snippet(&big), expected);
    }
}
