//! The kinds' JSON Schemas as `components/schemas`, in the shapes that code generators and
//! linters read, with the same meaning: every `$defs` entry becomes a component of its own (one
//! for a shape the kinds share), a conditional that picks a variant by one property's value
//! becomes a discriminated `oneOf`, an array that only conditionals give items to gets them, and
//! an object that lists its properties but does not close itself says that it is open.

use serde_json::{Map, Value, json};

use crate::catalogue::Kind;
use crate::contract;

/// Where a component lives in the document.
pub fn component_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// Every component, in order: each kind (by its name), followed by its variants, then the shapes
/// the kinds' `$defs` held, in the order they first appear.
pub fn schemas() -> Map<String, Value> {
    let kinds: Vec<(Kind, Value)> = Kind::ALL.iter().map(|k| (*k, prepared(*k))).collect();
    let names = def_names(&kinds);
    let mut out = Map::new();
    let mut defs = Map::new();
    for (kind, mut schema) in kinds {
        let own = names.iter().filter(|(k, _, _)| *k == kind);
        let map = |def: &str| own.clone().find(|(_, d, _)| d == def).map(|(_, _, n)| n.clone());
        rewrite_refs(&mut schema, &|def| map(def).unwrap_or_else(|| def.to_string()));
        if let Some(Value::Object(kind_defs)) = schema.as_object_mut().and_then(|m| m.remove("$defs")) {
            for (def, value) in kind_defs {
                let name = map(&def).unwrap_or(def);
                defs.entry(name).or_insert(value);
            }
        }
        let variants = discriminate(kind.name(), &mut schema);
        out.insert(kind.name().to_string(), schema);
        out.extend(variants);
    }
    out.extend(defs);
    out.values_mut().for_each(open_objects);
    out
}

/// A kind's schema as a subschema of the document (no `$id`, no `$schema`: the document's
/// dialect applies), its arrays given the items its conditionals give them; its references still
/// point into its own `$defs`.
fn prepared(kind: Kind) -> Value {
    let mut schema = contract::schema(kind);
    if let Value::Object(map) = &mut schema {
        map.remove("$id");
        map.remove("$schema");
    }
    let items = conditional_items(&schema);
    fill_items(&mut schema, &items);
    schema
}

/// The component name of each kind's `$defs` entry: its own name when every kind that has a def
/// of that name has the same one, else the kind's name and the def's (`botpress-event-handoff`).
/// Two defs of one name are the same when their JSON is, and what they refer to is the same too.
fn def_names(kinds: &[(Kind, Value)]) -> Vec<(Kind, String, String)> {
    let defs: Vec<(Kind, &String, &Value)> = kinds
        .iter()
        .filter_map(|(k, s)| s.get("$defs").and_then(Value::as_object).map(|d| (k, d)))
        .flat_map(|(k, d)| d.iter().map(move |(name, v)| (*k, name, v)))
        .collect();
    let mut clash: Vec<&String> = defs
        .iter()
        .filter(|(_, name, v)| defs.iter().any(|(_, n, w)| n == name && w != v))
        .map(|(_, name, _)| *name)
        .collect();
    loop {
        let more: Vec<&String> = defs
            .iter()
            .filter(|(_, name, v)| !clash.contains(name) && refers_to_any(v, &clash))
            .map(|(_, name, _)| *name)
            .collect();
        if more.is_empty() {
            break;
        }
        clash.extend(more);
    }
    defs.iter()
        .map(|(k, name, _)| {
            let unique = if clash.contains(name) { format!("{k}-{name}") } else { name.to_string() };
            (*k, name.to_string(), unique)
        })
        .collect()
}

fn refers_to_any(v: &Value, defs: &[&String]) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| match v {
            Value::String(r) if k == "$ref" => {
                r.strip_prefix("#/$defs/").is_some_and(|d| defs.iter().any(|n| n.as_str() == d))
            }
            other => refers_to_any(other, defs),
        }),
        Value::Array(a) => a.iter().any(|i| refers_to_any(i, defs)),
        _ => false,
    }
}

/// Rewrites `#/$defs/NAME` references to the component that `name(NAME)` names.
fn rewrite_refs(v: &mut Value, name: &dyn Fn(&str) -> String) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(r) if key == "$ref" => {
                        if let Some(def) = r.strip_prefix("#/$defs/") {
                            *r = component_ref(&name(def));
                        }
                    }
                    other => rewrite_refs(other, name),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, name)),
        _ => {}
    }
}

/// The keywords whose value is one subschema, a map of them, or a list of them.
const ONE: [&str; 10] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
];
const MAP: [&str; 4] = ["properties", "patternProperties", "$defs", "dependentSchemas"];
const LIST: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Calls `f` on a schema and on every subschema in it, each with whether it sits in a branch of a
/// conditional (`then`, `else`, or anywhere below one).
fn each_schema(schema: &Value, in_branch: bool, f: &mut dyn FnMut(&Map<String, Value>, bool)) {
    let Value::Object(m) = schema else { return };
    f(m, in_branch);
    for (key, value) in m {
        let branch = in_branch || key == "then" || key == "else";
        if ONE.contains(&key.as_str()) {
            each_schema(value, branch, f);
        } else if MAP.contains(&key.as_str()) {
            value.as_object().into_iter().flatten().for_each(|(_, s)| each_schema(s, branch, f));
        } else if LIST.contains(&key.as_str()) {
            value.as_array().into_iter().flatten().for_each(|s| each_schema(s, branch, f));
        }
    }
}

/// [`each_schema`], changing each subschema (after its parent).
fn each_schema_mut(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Value::Object(m) = schema else { return };
    f(m);
    for (key, value) in m.iter_mut() {
        if ONE.contains(&key.as_str()) {
            each_schema_mut(value, f);
        } else if MAP.contains(&key.as_str()) {
            value.as_object_mut().into_iter().flatten().for_each(|(_, s)| each_schema_mut(s, f));
        } else if LIST.contains(&key.as_str()) {
            value.as_array_mut().into_iter().flatten().for_each(|s| each_schema_mut(s, f));
        }
    }
}

/// The items that the branches of conditionals (`then`, `else`) give to an array property, by
/// the property's name: `content` is an array of cards in the branch of a carousel.
fn conditional_items(schema: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    each_schema(schema, false, &mut |m, in_branch| {
        let props = m.get("properties").and_then(Value::as_object).into_iter().flatten();
        for (name, prop) in props.filter(|_| in_branch) {
            if let Some(items) = prop.get("items").filter(|_| has_type(prop, "array")) {
                out.push((name.clone(), items.clone()));
            }
        }
    });
    out
}

/// Gives `items` to a property typed as an array (among other types) without them, when the
/// conditionals give that property's name one kind of items: the conditionals already allow no
/// other array there, so the schema means the same.
fn fill_items(schema: &mut Value, items: &[(String, Value)]) {
    each_schema_mut(schema, &mut |m| {
        let Some(Value::Object(props)) = m.get_mut("properties") else { return };
        for (name, prop) in props.iter_mut() {
            let mut found = items.iter().filter(|(n, _)| n == name).map(|(_, i)| i);
            if let (Some(first), true) = (found.next(), has_type(prop, "array")) {
                if prop.get("items").is_none() && found.all(|i| i == first) {
                    prop["items"] = first.clone();
                }
            }
        }
    });
}

/// Says `additionalProperties: true` on every schema of an object (by its type, or by the
/// properties it lists) that leaves it unsaid: JSON Schema's default, which generators read as
/// "no other keys" (an empty object type) and some example checkers as closed.
fn open_objects(schema: &mut Value) {
    each_schema_mut(schema, &mut |m| {
        let object = m.contains_key("properties")
            || m.get("type")
                .is_some_and(|t| t == "object" || t.as_array().is_some_and(|a| a.contains(&json!("object"))));
        if object && !m.contains_key("additionalProperties") && !m.contains_key("unevaluatedProperties") {
            m.insert("additionalProperties".into(), Value::Bool(true));
        }
    });
}

fn has_type(schema: &Value, ty: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == ty,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == ty),
        _ => false,
    }
}

/// A schema whose `allOf` is only conditionals that each pick one value of the same required
/// property (`if resource is handoff then ...`), covering every value the property allows,
/// becomes a `oneOf` of one variant per value, discriminated by that property; each variant is
/// the schema with that value and with the properties its conditional narrows, narrowed. Returns
/// the variants, as components named after the schema and the value; none when the schema is
/// not of that shape, and it is left as it was.
fn discriminate(name: &str, schema: &mut Value) -> Vec<(String, Value)> {
    let Some(cases) = picks(schema) else { return Vec::new() };
    let (property, _) = &cases[0];
    let property = property.clone();
    let mut base = schema.clone();
    let base_map = base.as_object_mut().expect("picks checked it is an object");
    base_map.remove("allOf");
    let title = base_map.remove("title");
    let description = base_map.remove("description");
    let mut variants = Vec::new();
    let mut mapping = Map::new();
    for (_, (value, narrowed)) in &cases {
        let mut variant = base.clone();
        let label = title.as_ref().and_then(Value::as_str).unwrap_or(name);
        variant["description"] = json!(format!("{label}, when {property} is {value}."));
        let props = &mut variant["properties"];
        let shown = props[&property].get("description").cloned();
        props[&property] = json!({ "type": "string", "const": value });
        if let Some(d) = shown {
            props[&property]["description"] = d;
        }
        for (key, narrow) in narrowed {
            props[key] = narrow.clone();
        }
        let variant_name = format!("{name}-{value}");
        mapping.insert(value.clone(), json!(component_ref(&variant_name)));
        variants.push((variant_name, variant));
    }
    let mut wrapper = Map::new();
    wrapper.extend(title.map(|t| ("title".to_string(), t)));
    wrapper.extend(description.map(|d| ("description".to_string(), d)));
    let refs: Vec<Value> = variants.iter().map(|(n, _)| json!({ "$ref": component_ref(n) })).collect();
    wrapper.insert("oneOf".into(), Value::Array(refs));
    wrapper.insert("discriminator".into(), json!({ "propertyName": property, "mapping": mapping }));
    *schema = Value::Object(wrapper);
    variants
}

/// One conditional of a schema's `allOf`: the property it tests, the value, and what its `then`
/// narrows, property by property.
type Pick = (String, (String, Map<String, Value>));

/// The conditionals of [`discriminate`], when the schema is of that shape.
fn picks(schema: &Value) -> Option<Vec<Pick>> {
    let map = schema.as_object()?;
    let all = map.get("allOf")?.as_array()?;
    let mut cases: Vec<Pick> = Vec::new();
    for case in all {
        let case = case.as_object()?;
        if case.len() != 2 {
            return None;
        }
        let test = case.get("if")?;
        let tested = test.get("properties")?.as_object()?;
        let (property, pick) = tested.iter().next().filter(|_| tested.len() == 1)?;
        let value = pick.get("const")?.as_str()?;
        (test.get("required")? == &json!([property])).then_some(())?;
        let then = case.get("then")?.as_object()?;
        (then.len() == 1).then_some(())?;
        let narrowed = then.get("properties")?.as_object()?.clone();
        if narrowed.keys().any(|k| k == property) {
            return None;
        }
        cases.push((property.clone(), (value.to_string(), narrowed)));
    }
    let property = &cases.first()?.0;
    let required = map.get("required")?.as_array()?;
    let allowed = map.get("properties")?.get(property)?.get("enum")?.as_array()?;
    let values: Vec<&str> = cases.iter().map(|(_, (v, _))| v.as_str()).collect();
    let same_property = cases.iter().all(|(p, _)| p == property);
    let covered = allowed.len() == values.len()
        && allowed.iter().all(|a| a.as_str().is_some_and(|a| values.contains(&a)));
    let narrowed_known = cases.iter().all(|(_, (_, n))| n.keys().all(|k| map["properties"].get(k).is_some()));
    (same_property && covered && narrowed_known && required.contains(&json!(property))).then_some(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_def_becomes_a_component_and_the_kinds_share_what_they_share() {
        let all = schemas();
        for kind in Kind::ALL {
            assert!(all.contains_key(kind.name()), "{kind}");
            for def in contract::schema(kind)["$defs"].as_object().into_iter().flatten().map(|(n, _)| n) {
                assert!(all.contains_key(def), "{kind}: {def}");
            }
        }
        assert_eq!(all["eva-service-request"]["properties"]["info"]["$ref"], "#/components/schemas/info");
        assert_eq!(all["eva-answer-request"]["properties"]["info"]["$ref"], "#/components/schemas/info");
        assert!(!serde_json::to_string(&all).unwrap().contains("$defs"));
    }

    #[test]
    fn defs_of_one_name_but_different_shapes_get_each_their_kind_s_name() {
        let a =
            json!({"$defs": {"x": {"type": "string"}, "y": {"$ref": "#/$defs/x"}, "z": {"type": "null"}}});
        let b =
            json!({"$defs": {"x": {"type": "integer"}, "y": {"$ref": "#/$defs/x"}, "z": {"type": "null"}}});
        let names = def_names(&[(Kind::BotpressEvent, a), (Kind::EvaServiceResponse, b)]);
        let of = |k: Kind, d: &str| names.iter().find(|(kk, dd, _)| *kk == k && dd == d).unwrap().2.clone();
        assert_eq!(of(Kind::BotpressEvent, "x"), "botpress-event-x");
        assert_eq!(of(Kind::EvaServiceResponse, "y"), "eva-service-response-y", "it refers to a clash");
        assert_eq!(of(Kind::EvaServiceResponse, "z"), "z");
    }

    #[test]
    fn a_conditional_per_value_becomes_a_discriminated_one_of() {
        let all = schemas();
        let event = &all["botpress-event"];
        assert_eq!(event["discriminator"]["propertyName"], "resource");
        assert_eq!(event["oneOf"][0]["$ref"], "#/components/schemas/botpress-event-handoff");
        let handoff = &all["botpress-event-handoff"];
        assert_eq!(handoff["properties"]["resource"]["const"], "handoff");
        assert_eq!(handoff["properties"]["payload"]["$ref"], "#/components/schemas/handoff");
        assert_eq!(handoff["additionalProperties"], false);
        assert_eq!(
            all["botpress-event-agent"]["properties"]["payload"]["$ref"],
            "#/components/schemas/agentStatus"
        );
        // Not of that shape: left alone.
        let mut other = json!({"allOf": [{"if": {"properties": {"a": {"const": "x"}}}, "then": {}}]});
        let before = other.clone();
        assert!(discriminate("other", &mut other).is_empty());
        assert_eq!(other, before);
    }

    #[test]
    fn arrays_take_the_items_their_conditionals_give_and_objects_say_they_are_open() {
        let all = schemas();
        let content = &all["content"]["properties"]["content"];
        assert_eq!(content["items"]["$ref"], "#/components/schemas/card");
        assert_eq!(all["eva-service-request"]["properties"]["openContext"]["additionalProperties"], true);
        assert_eq!(
            all["botpress-event-agent"]["additionalProperties"], false,
            "a closed object stays closed"
        );
        let mut v = json!({"properties": {"c": {"type": ["string", "array"]}}, "then": {"properties": {"c": {"type": "array", "items": {"type": "integer"}}}}});
        let items = conditional_items(&v);
        fill_items(&mut v, &items);
        assert_eq!(v["properties"]["c"]["items"], json!({"type": "integer"}));
    }
}
