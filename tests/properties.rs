//! Properties of everything users feed hookctl, over thousands of generated inputs: `--set` paths
//! and values, `-H` header lines, URLs, any JSON given to kind detection and to the contract, suite
//! files, and requests of every shape sent to the listener. None may panic; every error is one
//! line; every answer the listener gives is one it documents; secrets never show.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use hookctl::catalogue::{EVENTS, Kind};
use hookctl::contract::{self, Context, OptionCase};
use hookctl::{http, payload, receiver, suite};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::Value;

/// Keys and words the detectors and checks look for, so that generated documents come close to
/// real ones and reach the deep branches.
const KEYS: &[&str] = &[
    "botId",
    "resource",
    "type",
    "id",
    "payload",
    "status",
    "agentId",
    "userId",
    "userThreadId",
    "agentThreadId",
    "userChannel",
    "tags",
    "comments",
    "handoffId",
    "threadId",
    "online",
    "assignedAt",
    "resolvedAt",
    "createdAt",
    "updatedAt",
    "userConversation",
    "user",
    "text",
    "code",
    "info",
    "sessionCode",
    "expectedOptions",
    "option",
    "answer",
    "content",
    "template",
    "technicalText",
    "description",
    "buttons",
    "quickReply",
    "openContext",
    "visibleContext",
    "hiddenContext",
    "intents",
    "entities",
    "name",
    "value",
    "confidence",
    "position",
    "start",
    "end",
    "imageUrl",
    "title",
    "subTitle",
    "action",
];

const WORDS: &[&str] = &[
    "handoff",
    "agent",
    "create",
    "update",
    "pending",
    "assigned",
    "resolved",
    "rejected",
    "expired",
    "TEXT",
    "CAROUSEL",
    "TEXT_OPTIONS",
    "IMAGE",
    "CUSTOM_JSON",
    "URL",
    "FLOW",
    "CLIENT",
    "NOT_CLIENT",
    "2022-08-19T13:27:32.174Z",
    "0123456789abcdef0123456789abcdef",
    "en-US",
    "",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => select(KEYS).prop_map(String::from), 1 => "[a-zA-Z_/~.]{0,8}"]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        select(WORDS).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

/// Any JSON value, up to a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer inside `doc`, the root included.
fn pointers(doc: &Value, at: String, out: &mut Vec<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// A built-in fixture (request or example answer) with one of its values replaced or removed:
/// documents that are nearly right, where contract bugs hide.
fn near_miss() -> impl Strategy<Value = Value> {
    let docs: Vec<Value> =
        EVENTS.iter().flat_map(|e| [Some(e.fixture()), e.example_response()]).flatten().collect();
    (select(docs), any::<Index>(), prop::option::of(json())).prop_map(|(mut doc, at, with)| {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let pointer = at.get(&all).clone();
        match (pointer.rsplit_once('/'), with) {
            (None, Some(v)) => doc = v,
            (None, None) => {}
            (Some(_), Some(v)) => {
                if let Some(slot) = doc.pointer_mut(&pointer) {
                    *slot = v;
                }
            }
            (Some((parent, last)), None) => match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&last.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    if let Ok(n) = last.parse::<usize>() {
                        items.remove(n);
                    }
                }
                _ => {}
            },
        }
        doc
    })
}

fn document() -> impl Strategy<Value = Value> {
    prop_oneof![json(), near_miss()]
}

/// Any text at all, line breaks and control characters included.
fn text() -> impl Strategy<Value = String> {
    "(?s).{0,32}"
}

/// An error users see: one line, not empty.
fn one_line(e: &hookctl::Error) -> std::result::Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(!text.trim().is_empty(), "an empty error");
    prop_assert_eq!(text.lines().count(), 1, "not one line: {:?}", text);
    Ok(())
}

/// `--set` specs: arbitrary text, and specs built from real paths with arbitrary values.
fn set_spec() -> impl Strategy<Value = String> {
    let path_seg =
        prop_oneof![select(KEYS).prop_map(String::from), "[0-9]{1,3}", Just("-".to_string()), "(?s).{0,4}"];
    let dotted = prop::collection::vec(path_seg.clone(), 0..5).prop_map(|s| s.join("."));
    let pointer = prop::collection::vec(path_seg, 0..5).prop_map(|s| format!("/{}", s.join("/")));
    let value = prop_oneof![json().prop_map(|v| v.to_string()), text()];
    prop_oneof![text(), (prop_oneof![dotted, pointer], value).prop_map(|(p, v)| format!("{p}={v}")),]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn set_never_panics_and_errors_are_one_line(spec in set_spec(), event in 0..EVENTS.len()) {
        match payload::parse_set(&spec) {
            Err(e) => one_line(&e)?,
            Ok((path, value)) => {
                let mut doc = EVENTS[event].fixture();
                if let Err(e) = payload::set(&mut doc, &path, value) {
                    one_line(&e)?;
                }
            }
        }
    }

    #[test]
    fn header_lines_never_panic_and_errors_are_one_line(
        spec in prop_oneof![text(), ("[!-~]{0,12}", text()).prop_map(|(n, v)| format!("{n}:{v}"))]
    ) {
        if let Err(e) = http::parse_header(&spec) {
            one_line(&e)?;
            prop_assert!(e.to_string().contains("-H"), "names the flag: {}", e);
        }
    }

    #[test]
    fn shown_urls_never_show_a_password_or_a_secret_value(
        user in "[a-z]{0,6}",
        password in "[A-Za-z0-9]{6,12}",
        secret_name in select(&["token", "access_token", "api_key", "apikey", "key", "secret", "sig", "signature", "X-Hub-Signature", "password", "authToken", "client_secret"][..]),
        secret in "[A-Za-z0-9]{6,12}",
        plain in "[a-z]{1,6}",
        path in "(/[a-z0-9]{0,6}){0,3}",
        before in any::<bool>(),
    ) {
        let query = if before {
            format!("{secret_name}=P{secret}&page={plain}")
        } else {
            format!("page={plain}&{secret_name}=P{secret}")
        };
        let raw = format!("https://{user}:W{password}@example.test:8443{path}?{query}");
        let shown = http::shown_url(&raw, false);
        prop_assert!(!shown.contains(&format!("W{password}")), "{}", shown);
        prop_assert!(!shown.contains(&format!("P{secret}")), "{}", shown);
        prop_assert!(shown.contains(&format!("page={plain}")), "{}", shown);
        prop_assert!(shown.contains(&format!("https://{user}:<redacted>@example.test:8443")), "{}", shown);
        // Redacting again changes nothing; showing changes nothing.
        prop_assert_eq!(http::shown_url(&shown, false), shown.clone());
        prop_assert_eq!(http::shown_url(&raw, true), raw.clone());
        // Through the URL parser too, as send and listen see it.
        let url = url::Url::parse(&raw).unwrap();
        let shown = http::shown_url(url.as_str(), false);
        prop_assert!(!shown.contains(&format!("W{password}")) && !shown.contains(&format!("P{secret}")), "{}", shown);
    }

    #[test]
    fn any_text_as_a_url_never_panics_nor_echoes_a_password(text in text(), password in "[A-Za-z0-9]{8}") {
        let _ = http::shown_url(&text, false);
        let raw = format!("{text}://u:Q{password}@{text}");
        if let Err(e) = http::parse_url(&raw, "--url") {
            one_line(&e)?;
            prop_assert!(!e.to_string().contains(&format!("Q{password}")), "{}", e);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn kind_detection_never_panics(doc in document(), answers in prop::option::of(select(&Kind::ALL[..]))) {
        let plain = Kind::detect(&doc);
        let with = Kind::detect_with(&doc, answers);
        if answers.is_none() {
            prop_assert_eq!(plain, with.map(|d| d.kind));
        }
        if let Some(d) = with {
            let _ = d.guess_note();
        }
    }

    #[test]
    fn the_contract_judges_any_json_as_any_kind(
        doc in document(),
        request in prop::option::of(document()),
        options in prop::option::of(prop::collection::vec(".{0,6}", 0..4)),
        insensitive in any::<bool>(),
    ) {
        let option_case = if insensitive { OptionCase::Insensitive } else { OptionCase::Exact };
        for kind in Kind::ALL {
            let ctx = Context { request: request.as_ref(), expected_options: options.as_deref(), option_case, show_secrets: false };
            let verdict = contract::check(kind, &doc, ctx);
            prop_assert_eq!(verdict.valid, verdict.errors.is_empty(), "{:?}", verdict);
            for f in verdict.errors.iter().chain(&verdict.warnings) {
                prop_assert!(f.pointer.is_empty() || f.pointer.starts_with('/'), "{:?}", f);
            }
        }
    }
}

/// Lines of one table: a few distinct keys among `candidates`, each with one of its values, the
/// first (a right one) more often than the others, so that generated suites get past the first
/// mistake often enough to reach the checks behind it.
fn table(
    candidates: &'static [(&'static str, &'static [&'static str])],
) -> impl Strategy<Value = Vec<String>> {
    prop::sample::subsequence(candidates.to_vec(), 0..=candidates.len().min(3)).prop_flat_map(|keys| {
        keys.into_iter()
            .map(|(key, values)| {
                prop_oneof![3 => Just(values[0]), 1 => select(values)]
                    .prop_map(move |v| format!("{key} = {v}"))
            })
            .collect::<Vec<_>>()
    })
}

/// What a case or the defaults may say, each key with values right and wrong: variables set and
/// unset, numbers at their limits, bad regexes, unknown events, files that are missing or broken.
const WHAT_KEYS: &[(&str, &[&str])] = &[
    (
        "event",
        &[
            "\"eva-service\"",
            "\"eva-answer\"",
            "\"handoff-tags\"",
            "\"agent-online\"",
            "\"no-such\"",
            "\"${HOOKCTL_SURELY_UNSET}\"",
            "[]",
        ],
    ),
    (
        "payload",
        &[
            "\"body.json\"",
            "\"bad.json\"",
            "\"missing.json\"",
            "\"${HOOKCTL_SURELY_UNSET:-body.json}\"",
            "\"/\"",
        ],
    ),
    ("scenario", &["\"handoff-lifecycle\"", "\"no-such\""]),
];

/// The rest of a case or of the defaults.
const TARGET_KEYS: &[(&str, &[&str])] = &[
    (
        "url",
        &[
            "\"http://127.0.0.1:9/hook\"",
            "\"${HOOKCTL_SURELY_UNSET:-}\"",
            "\"ftp://x\"",
            "\"not a url\"",
            "\"http://u:pw@h/?token=t\"",
            "\"$${x}\"",
            "\"${\"",
        ],
    ),
    ("timeout", &["2", "0", "-1", "1e308", "nan", "inf", "0.000001", "\"2\""]),
    (
        "headers",
        &[
            "{ Authorization = \"Bearer ${HOOKCTL_SURELY_UNSET:-}\" }",
            "{ \"Bad Name\" = \"x\" }",
            "{ X = \"a\\nb\" }",
            "{ X = 1 }",
            "{ X-Token = \"${HOOKCTL_SURELY_UNSET}\" }",
        ],
    ),
];

const SEED: &[(&str, &[&str])] = &[("seed", &["5", "-1", "9223372036854775807", "\"x\""])];

const SET_KEYS: &[(&str, &[&str])] = &[
    ("\"/payload/status\"", &["\"waiting\"", "1", "{ a = 1 }"]),
    ("\"hiddenContext.id\"", &["6722", "\"${HOOKCTL_SURELY_UNSET:-x}\"", "\"${HOOKCTL_SURELY_UNSET}\""]),
    ("\"intents.0.name\"", &["\"x\"", "[1, 2]"]),
    ("\"no.such.path\"", &["1"]),
    ("\"\"", &["1"]),
    ("\"/\"", &["1"]),
    ("\"a..b\"", &["1"]),
];

const EXPECT_KEYS: &[(&str, &[&str])] = &[
    ("status", &["\"2xx\"", "\"9xx\"", "200", "999", "-1", "\"abc\"", "1e3"]),
    ("valid", &["true", "false", "\"yes\""]),
    ("option", &["\"CLIENT\"", "[\"CLIENT\", \"NOT_CLIENT\"]", "[]", "1"]),
    ("answer_contains", &["\"Hi\"", "\"${HOOKCTL_SURELY_UNSET}\""]),
    ("answer_matches", &["\"^Hi\"", "\"(\"", "\"\\\\\""]),
    ("answer_equals", &["\"Hi\"", "1"]),
    (
        "field.\"/option\"",
        &[
            "{ exists = true }",
            "{ equals = 1, exists = true }",
            "{ matches = \"[\" }",
            "{}",
            "{ matches = \"^C\" }",
            "1",
        ],
    ),
    ("field.\"no pointer\"", &["{ exists = true }"]),
    ("max_latency_ms", &["500", "-1", "nan", "1e308", "\"fast\""]),
    ("idempotent", &["true", "1"]),
];

/// A suite, built the way users write them (defaults, cases, their `set` and `expect` tables), each
/// key given a value right or wrong, and now and then a line of anything at all.
fn suite_text() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        9 => Just(None),
        1 => select(&["\"a\"", "\"\"", "1", "[]"][..]).prop_map(Some),
    ];
    let what = prop_oneof![
        8 => select(WHAT_KEYS).prop_flat_map(|(k, vs)| select(vs).prop_map(move |v| vec![format!("{k} = {v}")])),
        1 => Just(Vec::new()),
        1 => table(WHAT_KEYS),
    ];
    let rest = (table(TARGET_KEYS), table(SEED)).prop_map(|(mut a, b)| {
        a.extend(b);
        a
    });
    let case = (name, what, rest, table(SET_KEYS), table(EXPECT_KEYS));
    let junk_line = prop_oneof![
        select(&["nope = 1", "[case.nope]", "[[case]]", "[defaults]", "name = \"dup\""][..])
            .prop_map(String::from),
        text(),
    ];
    let junk = prop::option::weighted(0.15, (any::<Index>(), junk_line));
    (table(TARGET_KEYS), prop::collection::vec(case, 1..4), junk).prop_map(|(defaults, cases, junk)| {
        let mut lines = Vec::new();
        if !defaults.is_empty() {
            lines.push("[defaults]".to_string());
            lines.extend(defaults);
        }
        for (i, (name, what, rest, set, expect)) in cases.into_iter().enumerate() {
            lines.push("[[case]]".to_string());
            lines.push(format!("name = {}", name.map_or_else(|| format!("\"case {i}\""), str::to_string)));
            lines.extend(what);
            lines.extend(rest);
            if !set.is_empty() {
                lines.push("[case.set]".to_string());
                lines.extend(set);
            }
            if !expect.is_empty() {
                lines.push("[case.expect]".to_string());
                lines.extend(expect);
            }
        }
        if let Some((at, text)) = junk {
            let at = at.index(lines.len() + 1);
            lines.insert(at, text);
        }
        lines.join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn suite_files_never_panic_and_errors_are_one_line_naming_the_file(text in suite_text()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("body.json"), EVENTS[0].fixture().to_string()).unwrap();
        std::fs::write(dir.path().join("bad.json"), "{ nope").unwrap();
        let path = dir.path().join("gen.toml");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = suite::load(&path) {
            one_line(&e)?;
            prop_assert!(e.to_string().contains("gen.toml"), "does not name the file: {}", e);
        }
    }
}

// ------------------------------------------------------------------ the listener

/// What the listener may answer, as documented: 200 (accepted), 400 (not JSON, or not HTTP),
/// 408 (body too slow), 413 (body over --max-body), 431 (headers too large).
const LISTEN_STATUSES: &[u16] = &[200, 400, 408, 413, 431];

/// One generated request: raw bytes on a connection of its own.
#[derive(Debug, Clone)]
struct RawRequest {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send fewer body bytes than announced, and wait.
    short: bool,
}

fn raw_request() -> impl Strategy<Value = RawRequest> {
    let method = prop_oneof![
        4 => select(&["POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"][..]).prop_map(String::from),
        1 => "[A-Z]{1,12}",
    ];
    let path = prop_oneof![
        Just("/hook".to_string()),
        "/[!-~]{0,40}",
        "/[a-z]{0,8}\\?[a-z_]{1,8}=[!-~]{0,20}",
        Just("*".to_string()),
    ];
    let header = ("[A-Za-z][A-Za-z0-9-]{0,20}", "[ -~]{0,60}");
    let body = prop_oneof![
        3 => near_miss().prop_map(|v| v.to_string().into_bytes()),
        2 => json().prop_map(|v| v.to_string().into_bytes()),
        2 => prop::collection::vec(any::<u8>(), 0..512),
        1 => (5000usize..9000).prop_map(|n| vec![b'['; n]),
    ];
    (method, path, prop::collection::vec(header, 0..6), body, prop::bool::weighted(0.02))
        .prop_map(|(method, path, headers, body, short)| RawRequest { method, path, headers, body, short })
}

/// Send one request on its own connection and return the status of the answer (0 when none).
fn exchange(addr: SocketAddr, r: &RawRequest) -> u16 {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n", r.method, r.path);
    for (n, v) in &r.headers {
        if !["host", "connection", "content-length", "transfer-encoding"]
            .contains(&n.to_ascii_lowercase().as_str())
        {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    let announced = if r.short { r.body.len() + 10 } else { r.body.len() };
    head.push_str(&format!("Content-Length: {announced}\r\n\r\n"));
    if s.write_all(head.as_bytes()).and_then(|_| s.write_all(&r.body)).is_err() {
        // The server may refuse early (an oversized body) and close: read what it said.
    }
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn the_listener_answers_every_generated_request_as_documented_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("cap.jsonl");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let config = receiver::Config {
        max_body: 4096,
        read_timeout: Duration::from_millis(300),
        save: Some(capture.clone()),
        ..receiver::Config::default()
    };
    let server =
        rt.block_on(receiver::Receiver::start(SocketAddr::from(([127, 0, 0, 1], 0)), config, None)).unwrap();
    let addr = server.addr;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let seen = std::cell::Cell::new(0u64);
    runner
        .run(&raw_request(), |r| {
            let status = exchange(addr, &r);
            prop_assert!(LISTEN_STATUSES.contains(&status), "answered {} to {:?}", status, r);
            seen.set(seen.get() + 1);
            Ok(())
        })
        .unwrap();
    // Still serving: a real event is accepted.
    let event = hookctl::catalogue::event("handoff-create").unwrap().fixture().to_string().into_bytes();
    let ok = RawRequest {
        method: "POST".into(),
        path: "/hook".into(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: event,
        short: false,
    };
    assert_eq!(exchange(addr, &ok), 200);
    let tally = rt.block_on(server.shutdown());
    assert!(tally.requests >= 1 && tally.requests <= seen.get() + 1, "{tally:?}");
    // Every line of the capture is a record that replay can read back.
    let records = hookctl::replay::read(&capture, hookctl::defaults::MAX_INPUT, true).unwrap().records;
    assert_eq!(records.len() as u64, tally.requests);
}

// ------------------------------------------------------------------ the real binary

/// Invocations that are wrong in a generated way: unknown events, kinds, scenarios and shells,
/// bad flag values, bad `--set` and `-H`, files that are missing or not what they should be.
fn bad_invocation(dir: std::path::PathBuf) -> impl Strategy<Value = Vec<String>> {
    let junk = "[ -~]{0,16}";
    let words = "[a-z-]{1,14}";
    // Values no flag accepts, so that no generated invocation gets to run for real.
    let number = select(&["-1", "abc", "1e999", "nan", "", "0x10", "1.5.2", "99999999999999999999999"][..])
        .prop_map(String::from);
    let file = prop_oneof![
        Just(dir.join("missing.json")),
        Just(dir.join("not-json.json")),
        Just(dir.join("binary.bin")),
        Just(dir.join("unknown-kind.json")),
        Just(dir.join("broken.toml")),
    ]
    .prop_map(|p| p.to_string_lossy().into_owned());
    prop_oneof![
        words.prop_map(|e| vec!["send".into(), format!("no-{e}")]),
        words.prop_map(|e| vec!["show".into(), format!("no-{e}")]),
        words.prop_map(|k| vec!["schema".into(), format!("no-{k}")]),
        words.prop_map(|s| vec!["scenario".into(), format!("no-{s}")]),
        words.prop_map(|s| vec!["completions".into(), format!("no-{s}")]),
        junk.prop_map(|s| vec!["send".into(), "agent-online".into(), "--set".into(), format!("no.{s}")]),
        junk.prop_map(|h| vec!["send".into(), "agent-online".into(), "-H".into(), format!("{h}\u{1}")]),
        (
            select(
                &[
                    "--timeout",
                    "--retry-scale",
                    "--max-response",
                    "--count",
                    "--concurrency",
                    "--seed",
                    "--duration",
                    "--expect-status"
                ][..]
            ),
            number.clone()
        )
            .prop_map(|(f, n)| vec!["send".into(), "agent-online".into(), f.into(), n]),
        (
            select(
                &["--port", "--status", "--max-body", "--read-timeout", "--fail-first", "--exit-after"][..]
            ),
            number
        )
            .prop_map(|(f, n)| vec!["listen".into(), f.into(), n]),
        junk.prop_map(|u| vec![
            "send".into(),
            "agent-online".into(),
            "--url".into(),
            format!("ftp://u:p@{u}")
        ]),
        file.clone().prop_map(|f| vec!["send".into(), "--data".into(), f]),
        file.clone().prop_map(|f| vec!["validate".into(), f]),
        file.clone().prop_map(|f| vec!["replay".into(), f]),
        file.clone().prop_map(|f| vec!["test".into(), f]),
        file.prop_map(|f| vec!["send".into(), "handoff-create".into(), "--botpress-config".into(), f]),
        junk.prop_map(|k| vec!["validate".into(), "-".into(), "--kind".into(), format!("x{k}")]),
        junk.prop_map(|o| vec![
            "send".into(),
            "eva-service".into(),
            "--expected-options".into(),
            format!(",{o}")
        ]),
        junk.prop_map(|f| vec!["replay".into(), "x".into(), "--filter".into(), format!("no-{f}")]),
        words.prop_map(|f| vec![format!("--no-{f}")]),
    ]
}

#[test]
fn generated_bad_invocations_exit_as_documented_with_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("not-json.json"), "{ nope").unwrap();
    std::fs::write(d.join("binary.bin"), [0xff, 0xfe, 0, 1]).unwrap();
    std::fs::write(d.join("unknown-kind.json"), "{\"hello\": 1}").unwrap();
    std::fs::write(d.join("broken.toml"), "[[case]]\nname = 1\n").unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 100,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&bad_invocation(d.to_path_buf()), |args| {
            let mut cmd = common::hookctl();
            cmd.args(&args).current_dir(d).write_stdin("{}").timeout(Duration::from_secs(60));
            let (code, _, err) = common::run(&mut cmd);
            prop_assert!(code == 1 || code == 2, "exit {} for {:?}: {}", code, args, err);
            prop_assert!(!err.contains("panicked"), "{:?}: {}", args, err);
            // Our own errors are one line; clap's usage errors keep their tips (valid values,
            // "did you mean", usage) and end by pointing at --help. Either way, one error.
            prop_assert!(err.starts_with("error: "), "{:?}: {}", args, err);
            let lines: Vec<&str> = err.lines().collect();
            let clap_tips = code == 2 && lines.last() == Some(&"For more information, try '--help'.");
            prop_assert!(lines.len() == 1 || clap_tips, "{:?}: {:?}", args, err);
            prop_assert_eq!(
                lines.iter().filter(|l| l.starts_with("error")).count(),
                1,
                "{:?}: {:?}",
                args,
                err
            );
            Ok(())
        })
        .unwrap();
}
