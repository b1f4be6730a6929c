//! Unit tests of body building: --set paths and values, fresh identifiers, timestamps.

use serde_json::json;

use super::*;
use crate::error::Exit;
use crate::platform::eva;

fn segs(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| s.to_string()).collect()
}

/// The message of a usage error, failing the test on anything else.
fn usage(r: Result<impl std::fmt::Debug>) -> String {
    let e = r.expect_err("expected a usage error");
    assert_eq!(e.exit(), Exit::Usage, "{e}");
    e.to_string()
}

// ------------------------------------------------------------ --set paths and values

#[test]
fn parse_set_reads_dotted_paths() {
    let (path, value) = parse_set("payload.status=assigned").unwrap();
    assert_eq!(path, segs(&["payload", "status"]));
    assert_eq!(value, json!("assigned"));
    let (path, _) = parse_set("intents.0.name=HELLO").unwrap();
    assert_eq!(path, segs(&["intents", "0", "name"]));
}

#[test]
fn parse_set_reads_json_pointers_with_their_escapes() {
    let (path, value) = parse_set("/payload/userChannel=messenger").unwrap();
    assert_eq!(path, segs(&["payload", "userChannel"]));
    assert_eq!(value, json!("messenger"));
    // ~1 is '/', ~0 is '~'; "~01" is the text "~1", not a slash.
    let (path, _) = parse_set("/a~1b/c~0d/e~01=1").unwrap();
    assert_eq!(path, segs(&["a/b", "c~d", "e~1"]));
    // A dot inside a pointer segment is part of the key.
    let (path, _) = parse_set("/openContext/user.name=x").unwrap();
    assert_eq!(path, segs(&["openContext", "user.name"]));
}

#[test]
fn parse_set_values_are_json_when_they_parse_and_text_otherwise() {
    let value = |spec: &str| parse_set(spec).unwrap().1;
    assert_eq!(value("a=42"), json!(42));
    assert_eq!(value("a=-1.5"), json!(-1.5));
    assert_eq!(value("a=true"), json!(true));
    assert_eq!(value("a=null"), json!(null));
    assert_eq!(value(r#"a=["vip","billing"]"#), json!(["vip", "billing"]));
    assert_eq!(value(r#"a={"k":1}"#), json!({"k": 1}));
    assert_eq!(value(r#"a="42""#), json!("42"), "a quoted number is a string");
    assert_eq!(value("a=hello world"), json!("hello world"));
    assert_eq!(value("a=[not json"), json!("[not json"));
    assert_eq!(value("a="), json!(""), "an empty value is the empty string");
    assert_eq!(value("a=x=y"), json!("x=y"), "only the first '=' separates");
}

#[test]
fn parse_set_refuses_what_is_not_a_path() {
    assert_eq!(usage(parse_set("novalue")), "--set 'novalue': expected PATH=VALUE");
    for (spec, path) in [
        ("=1", ""),
        ("payload..x=1", "payload..x"),
        ("payload.=1", "payload."),
        (".payload=1", ".payload"),
        ("/=1", "/"),
        ("/payload//x=1", "/payload//x"),
        ("/payload/=1", "/payload/"),
    ] {
        assert_eq!(usage(parse_set(spec)), format!("--set '{spec}': '{path}' is not a valid path"), "{spec}");
    }
}

#[test]
fn set_adds_and_replaces_keys_of_an_existing_object() {
    let mut doc = json!({"payload": {"status": "pending", "user": {"attributes": {}}}});
    set(&mut doc, &segs(&["payload", "status"]), json!("assigned")).unwrap();
    set(&mut doc, &segs(&["payload", "user", "attributes", "language"]), json!("en")).unwrap();
    set(&mut doc, &segs(&["top"]), json!(1)).unwrap();
    assert_eq!(
        doc,
        json!({"payload": {"status": "assigned", "user": {"attributes": {"language": "en"}}}, "top": 1})
    );
}

#[test]
fn set_indexes_and_appends_to_arrays() {
    let mut doc = json!({"tags": ["a", "b"], "intents": [{"name": "HELLO"}]});
    set(&mut doc, &segs(&["tags", "0"]), json!("z")).unwrap();
    set(&mut doc, &segs(&["tags", "2"]), json!("c")).unwrap();
    set(&mut doc, &segs(&["tags", "-"]), json!("d")).unwrap();
    set(&mut doc, &segs(&["intents", "0", "name"]), json!("BYE")).unwrap();
    assert_eq!(doc, json!({"tags": ["z", "b", "c", "d"], "intents": [{"name": "BYE"}]}));
}

#[test]
fn set_refuses_missing_parents_bad_indices_and_scalars() {
    let doc = json!({"payload": {"status": "pending", "tags": ["a"], "n": 3, "none": null}});
    let try_set = |path: &[&str]| usage(set(&mut doc.clone(), &segs(path), json!(1)));
    assert_eq!(
        try_set(&["payload", "nothing", "here"]),
        "--set payload.nothing.here: 'payload.nothing' does not exist in the payload"
    );
    assert_eq!(
        try_set(&["payload", "tags", "5", "x"]),
        "--set payload.tags.5.x: 'payload.tags.5' does not exist in the payload"
    );
    assert_eq!(
        try_set(&["payload", "tags", "2"]),
        "--set payload.tags.2: '2' is not an index of an array of 1"
    );
    assert_eq!(
        try_set(&["payload", "tags", "first"]),
        "--set payload.tags.first: 'first' is not an index of an array of 1"
    );
    assert_eq!(
        try_set(&["payload", "status", "deeper"]),
        "--set payload.status.deeper: 'payload.status' is a string, not an object or array"
    );
    assert_eq!(
        try_set(&["payload", "n", "x"]),
        "--set payload.n.x: 'payload.n' is a number, not an object or array"
    );
    assert_eq!(
        try_set(&["payload", "none", "x"]),
        "--set payload.none.x: 'payload.none' is null, not an object or array"
    );
    assert_eq!(
        usage(set(&mut json!(true), &segs(&["x"]), json!(1))),
        "--set x: the payload is a boolean, not an object or array"
    );
    assert_eq!(usage(set(&mut json!({}), &[], json!(1))), "--set: empty path");
}

#[test]
fn a_failed_set_leaves_the_document_as_it_was() {
    let before = json!({"payload": {"tags": ["a"]}});
    let mut doc = before.clone();
    assert!(set(&mut doc, &segs(&["payload", "tags", "9"]), json!("x")).is_err());
    assert_eq!(doc, before);
}

// ------------------------------------------------------------ timestamps and pointers

#[test]
fn timestamps_are_iso_utc_with_milliseconds_and_round_trip() {
    for s in ["2022-08-19T13:27:32.174Z", "2024-02-29T00:00:00.000Z", "1999-12-31T23:59:59.999Z"] {
        let t = parse_timestamp(s).unwrap_or_else(|| panic!("{s} parses"));
        assert_eq!(format_timestamp(t), s);
    }
    let t = parse_timestamp("2022-08-19T13:27:32.174Z").unwrap();
    assert_eq!(t.timestamp_millis(), 1_660_915_652_174);
}

#[test]
fn other_time_shapes_are_not_timestamps() {
    for s in [
        "2022-08-19T13:27:32Z",
        "2022-08-19T13:27:32.17Z",
        "2022-08-19T13:27:32.1740Z",
        "2022-08-19T13:27:32.174+00:00",
        "2022-08-19T13:27:32.174z",
        "2022-13-19T13:27:32.174Z",
        "2022-02-30T13:27:32.174Z",
        "xxxxxxxxxxxxxxxxxxxxxxxZ",
        "",
        "1660915652174",
    ] {
        assert_eq!(parse_timestamp(s), None, "{s}");
    }
}

#[test]
fn format_timestamp_cuts_to_milliseconds() {
    let t = DateTime::parse_from_rfc3339("2022-08-19T13:27:32.174999999Z").unwrap().with_timezone(&Utc);
    assert_eq!(format_timestamp(t), "2022-08-19T13:27:32.174Z");
    let t = DateTime::parse_from_rfc3339("2022-08-19T10:27:32-03:00").unwrap().with_timezone(&Utc);
    assert_eq!(format_timestamp(t), "2022-08-19T13:27:32.000Z");
}

#[test]
fn latest_timestamp_looks_everywhere_in_the_document() {
    let doc = json!({
        "createdAt": "2022-08-19T13:27:32.174Z",
        "list": [{"at": "2022-08-19T13:30:00.000Z"}, "2022-08-19T13:29:00.000Z"],
        "other": "2022-08-19T13:31:00",
    });
    assert_eq!(latest_timestamp(&doc).map(format_timestamp).as_deref(), Some("2022-08-19T13:30:00.000Z"));
    assert_eq!(latest_timestamp(&json!({"a": 1, "b": "text"})), None);
}

#[test]
fn expand_pointer_gives_every_index_of_a_star() {
    let doc = json!({"payload": {"id": 1, "comments": [{"id": 7}, {"id": 8}, {"id": 9}]}});
    assert_eq!(expand_pointer(&doc, "/payload/id"), ["/payload/id"]);
    assert_eq!(
        expand_pointer(&doc, "/payload/comments/*/id"),
        ["/payload/comments/0/id", "/payload/comments/1/id", "/payload/comments/2/id"]
    );
    // A pattern without a star stands for itself, present or not.
    assert_eq!(expand_pointer(&doc, "/payload/absent"), ["/payload/absent"]);
    assert_eq!(expand_pointer(&doc, ""), [""]);
    // A star over an empty array, a missing one or a non-array stands for nothing.
    for doc in [
        json!({"payload": {"comments": []}}),
        json!({"payload": {}}),
        json!({"payload": {"comments": null}}),
        json!({"payload": {"comments": {"0": {"id": 1}}}}),
    ] {
        assert!(expand_pointer(&doc, "/payload/comments/*/id").is_empty(), "{doc}");
    }
    let nested = json!({"a": [{"b": [1, 2]}, {"b": []}, {"b": [3]}]});
    assert_eq!(expand_pointer(&nested, "/a/*/b/*"), ["/a/0/b/0", "/a/0/b/1", "/a/2/b/0"]);
}

// ------------------------------------------------------------ fresh identifiers

fn handoff() -> Value {
    json!({
        "botId": "support-bot",
        "resource": "handoff",
        "type": "update",
        "id": 54,
        "payload": {
            "id": 54,
            "agentId": "e472f302e701c8cb0a66d64a2167b542",
            "userId": "f647663e-d647-4974-bd58-cd56cce64c5f",
            "userThreadId": "6e7ef0bf-2749-4082-9c8c-5935a84b1745",
            "agentThreadId": "0ec07e29-5dcc-47e0-91ee-71479eeaa50a",
            "status": "assigned",
            "assignedAt": "2022-08-19T13:34:27.011Z",
            "createdAt": "2022-08-19T13:27:32.174Z",
            "updatedAt": "2022-08-19T13:34:27.027Z",
            "comments": [{"id": 7, "handoffId": 54, "threadId": "6e7ef0bf-2749-4082-9c8c-5935a84b1745"}],
            "user": {"id": "f647663e-d647-4974-bd58-cd56cce64c5f", "attributes": {"age": 54, "visits": 7}},
            "userConversation": {
                "id": "1727430958216406",
                "threadId": "6e7ef0bf-2749-4082-9c8c-5935a84b1745",
                "event": {"messageId": "short"}
            }
        }
    })
}

fn lower_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn v4_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    is_uuid(s)
        && lower_hex(&parts.concat())
        && parts[2].starts_with('4')
        && parts[3].starts_with(['8', '9', 'a', 'b'])
}

#[test]
fn is_uuid_wants_five_hex_groups_of_8_4_4_4_12() {
    assert!(is_uuid("6e7ef0bf-2749-4082-9c8c-5935a84b1745"));
    assert!(is_uuid("6E7EF0BF-2749-4082-9C8C-5935A84B1745"));
    assert!(!is_uuid("6e7ef0bf27494082 9c8c5935a84b1745"));
    assert!(!is_uuid("6e7ef0bf-2749-4082-9c8c-5935a84b174"));
    assert!(!is_uuid("6e7ef0bf-2749-4082-9c8c-5935a84b1745-0"));
    assert!(!is_uuid("6e7ef0bg-2749-4082-9c8c-5935a84b1745"));
    assert!(!is_uuid(""));
}

#[test]
fn fresh_values_keep_the_shape_of_the_old_ones() {
    let mut f = Freshener::new(Some(1), &[]);
    for _ in 0..50 {
        let uuid = f.fresh_like(&json!("6e7ef0bf-2749-4082-9c8c-5935a84b1745"));
        assert!(v4_uuid(uuid.as_str().unwrap()), "{uuid}");
        let hex = f.fresh_like(&json!("e472f302e701c8cb0a66d64a2167b542"));
        let hex = hex.as_str().unwrap();
        assert!(hex.len() == 32 && lower_hex(hex), "{hex}");
        let digits = f.fresh_like(&json!("1727430958216406"));
        let digits = digits.as_str().unwrap();
        assert_eq!(digits.len(), 16, "{digits}");
        assert!(digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'), "{digits}");
        let one = f.fresh_like(&json!("5"));
        let one = one.as_str().unwrap();
        assert!(one.len() == 1 && one != "0" && one != "5", "{one}");
        let n = f.fresh_like(&json!(54)).as_u64().expect("an integer stays an integer");
        assert!((1_000..1_000_000).contains(&n), "{n}");
        let text = f.fresh_like(&json!("short"));
        let text = text.as_str().unwrap();
        assert!(text.len() == 8 && text.bytes().all(|b| b.is_ascii_alphanumeric()), "{text}");
        let long = f.fresh_like(&json!("a-longer-identifier"));
        assert_eq!(long.as_str().unwrap().len(), "a-longer-identifier".len());
    }
    // What is no identifier's shape is given back as it was.
    for v in [json!(null), json!(true), json!([1]), json!({"a": 1})] {
        assert_eq!(f.fresh_like(&v), v);
    }
}

#[test]
fn fresh_values_never_repeat_one_already_given() {
    let mut f = Freshener::new(Some(2), &[]);
    let mut given = std::collections::HashSet::new();
    // Single digits leave 8 possible values: every new one must still be unused and new.
    for old in ["1", "2", "3", "4", "5", "6", "7"] {
        let new = f.fresh_like(&json!(old));
        let new = new.as_str().unwrap().to_string();
        assert_ne!(new, old);
        assert!(given.insert(new.clone()), "{new} given twice");
        f.strings.insert(old.to_string(), new);
    }
}

#[test]
fn identifiers_get_one_new_value_wherever_they_appear() {
    let old = handoff();
    let mut doc = old.clone();
    Freshener::new(Some(3), &[&doc]).refresh(Kind::BotpressEvent, &mut doc);
    let p = &doc["payload"];
    for f in ["agentId", "userId", "userThreadId", "agentThreadId"] {
        assert_ne!(p[f], old["payload"][f], "{f} is fresh");
    }
    assert_ne!(doc["id"], old["id"]);
    assert_eq!(doc["id"], p["id"], "the envelope id and payload.id stay equal");
    assert_eq!(p["comments"][0]["handoffId"], p["id"], "the comment still belongs to the handoff");
    assert_ne!(p["comments"][0]["id"], json!(7));
    // A string identifier is replaced wherever else it occurs.
    assert_eq!(p["comments"][0]["threadId"], p["userThreadId"]);
    assert_eq!(p["userConversation"]["threadId"], p["userThreadId"]);
    assert_eq!(p["user"]["id"], p["userId"]);
    assert_ne!(p["userConversation"]["id"], old["payload"]["userConversation"]["id"]);
    assert_ne!(p["userConversation"]["event"]["messageId"], json!("short"));
    // Numbers are identifiers only where the catalogue says so: 54 and 7 elsewhere stay.
    assert_eq!(p["user"]["attributes"], json!({"age": 54, "visits": 7}));
    // What is not an identifier is kept, timestamps too under a seed.
    for f in ["status", "assignedAt", "createdAt", "updatedAt"] {
        assert_eq!(p[f], old["payload"][f], "{f}");
    }
    assert_eq!(doc["botId"], "support-bot");
}

#[test]
fn one_freshener_keeps_ids_consistent_across_documents() {
    let (first, second) = (handoff(), handoff());
    let mut docs = [first.clone(), second];
    docs[1]["payload"]["status"] = json!("resolved");
    let mut f = Freshener::new(Some(4), &[&docs[0], &docs[1]]);
    for d in &mut docs {
        f.refresh(Kind::BotpressEvent, d);
    }
    for ptr in ["/id", "/payload/userThreadId", "/payload/agentId", "/payload/comments/0/id"] {
        assert_eq!(docs[0].pointer(ptr), docs[1].pointer(ptr), "{ptr}");
        assert_ne!(docs[0].pointer(ptr), first.pointer(ptr), "{ptr}");
    }
    assert_eq!(docs[1]["payload"]["status"], "resolved");
}

#[test]
fn eva_requests_get_a_fresh_session_code_only() {
    let old = json!({
        "text": "hi",
        "info": {"sessionCode": "beaf7d7d-2642-4827-bc51-ecf74ba64dd8", "userRef": "u-1"},
        "hiddenContext": {"session": "beaf7d7d-2642-4827-bc51-ecf74ba64dd8", "id": 6722}
    });
    let mut doc = old.clone();
    Freshener::new(Some(5), &[&doc]).refresh(Kind::EvaServiceRequest, &mut doc);
    let code = doc["info"]["sessionCode"].as_str().unwrap();
    assert!(v4_uuid(code) && code != "beaf7d7d-2642-4827-bc51-ecf74ba64dd8", "{code}");
    assert_eq!(doc[eva::HIDDEN]["session"], doc["info"]["sessionCode"]);
    assert_eq!(doc[eva::HIDDEN]["id"], 6722, "no number is an eva identifier");
    assert_eq!(doc["info"]["userRef"], "u-1");
}

#[test]
fn the_same_seed_gives_the_same_document() {
    let run = |seed| {
        let mut doc = handoff();
        Freshener::new(Some(seed), &[&doc]).refresh(Kind::BotpressEvent, &mut doc);
        doc
    };
    assert_eq!(run(11), run(11));
    // Over a few seeds the documents differ: the seed is used.
    let docs: Vec<Value> = (20..25).map(run).collect();
    assert!(docs.iter().any(|d| *d != docs[0]), "five seeds, one document");
}

#[test]
fn without_a_seed_the_latest_timestamp_becomes_now_and_the_rest_keep_their_distance() {
    let old = handoff();
    let mut doc = old.clone();
    let before = Utc::now();
    let mut f = Freshener::new(None, &[&doc]);
    let after = Utc::now();
    f.refresh(Kind::BotpressEvent, &mut doc);
    let at = |d: &Value, f: &str| {
        let s = d["payload"][f].as_str().unwrap();
        assert_eq!(format_timestamp(parse_timestamp(s).unwrap()), s, "{f} keeps the format");
        parse_timestamp(s).unwrap()
    };
    let updated = at(&doc, "updatedAt");
    assert!(updated >= before - TimeDelta::milliseconds(1) && updated <= after, "{updated}");
    let shift = updated - at(&old, "updatedAt");
    for f in ["createdAt", "assignedAt"] {
        assert_eq!(at(&doc, f) - at(&old, f), shift, "{f} moved as much as updatedAt");
    }
    assert!(at(&doc, "createdAt") < at(&doc, "assignedAt") && at(&doc, "assignedAt") < updated);
}

#[test]
fn a_document_without_timestamps_is_not_shifted() {
    let f = Freshener::new(None, &[&json!({"a": 1})]);
    assert_eq!(f.shift, TimeDelta::zero());
}

#[test]
fn pointer_escapes_are_tilde_zero_and_tilde_one_only() {
    assert_eq!(bad_escape("/a~0b/c~1d"), None);
    assert_eq!(bad_escape("/plain"), None);
    assert_eq!(bad_escape("/a~2"), Some("~2".into()));
    assert_eq!(bad_escape("/a~"), Some("~".into()));
    assert_eq!(bad_escape("/a~1/~x"), Some("~x".into()));
    assert_eq!(bad_escape("/~é"), Some("~é".into()));
}

#[test]
fn a_set_path_unescapes_its_pointer() {
    let (segments, value) = parse_set("/a~1b/c~0d=1").unwrap();
    assert_eq!(segments, ["a/b", "c~d"]);
    assert_eq!(value, Value::from(1));
    // A dotted path has no escapes: a ~ is a ~.
    assert_eq!(parse_set("a~2.b=x").unwrap().0, ["a~2", "b"]);
    assert!(parse_set("/a~2=1").is_err());
}

/// Slot i of `values` as the JSON value it stands for.
fn slot_value(values: &SlotValues, i: usize) -> Value {
    let (text, quoted) = values.get(i).expect("a value per slot");
    match quoted {
        true => json!(text),
        false => serde_json::from_str(text).unwrap(),
    }
}

#[test]
fn slots_draw_what_a_freshener_seeded_alike_gives() {
    // Every built-in event, a handoff with numeric ids, and single-digit ids that often draw a
    // value already given (the redraws must follow the freshener's).
    let mut docs: Vec<(Kind, Value)> =
        crate::catalogue::EVENTS.iter().map(|e| (e.request, e.fixture())).collect();
    docs.push((Kind::BotpressEvent, handoff()));
    let mut digits = handoff();
    digits["payload"]["userId"] = json!("1");
    digits["payload"]["agentId"] = json!("2");
    digits["payload"]["userThreadId"] = json!("3");
    docs.push((Kind::BotpressEvent, digits));
    let mut values = SlotValues::default();
    for (kind, doc) in &docs {
        let slots = Slots::new(*kind, doc);
        for seed in 0..300 {
            let want = Freshener::new(Some(seed), &[]).fresh_values(*kind, doc);
            slots.fill(seed, &mut values);
            assert_eq!(slots.len(), want.len());
            let got: Vec<Value> = (0..slots.len()).map(|i| slot_value(&values, i)).collect();
            // A body puts string values between quotes as they are: nothing may need escaping.
            for i in 0..slots.len() {
                let (text, _) = values.get(i).unwrap();
                assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{text}");
            }
            assert_eq!(got, want, "{kind} seed {seed}");
        }
    }
}
