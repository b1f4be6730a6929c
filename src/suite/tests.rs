//! Unit tests of suite loading: status expectations, variables, masking.

use std::sync::Once;

use serde_json::json;

use super::*;
use crate::error::Exit;
use crate::platform::eva;

const TOKEN: (&str, &str) = ("HOOKCTL_UNIT_TOKEN", "tok-5150");
const EMPTY: &str = "HOOKCTL_UNIT_EMPTY";
const SECRET_URL: (&str, &str) = ("HOOKCTL_UNIT_URL", "ftp://user:pa55@example.test/hook");
const UNSET: &str = "HOOKCTL_UNIT_NEVER_SET";

/// The variables these tests read, set once for the whole test binary.
fn environment() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // SAFETY: set once, before any test of this module reads them; the names are used by
        // no other code, and this crate's tests read the environment only through std::env,
        // which serialises access.
        unsafe {
            std::env::set_var(TOKEN.0, TOKEN.1);
            std::env::set_var(EMPTY, "");
            std::env::set_var(SECRET_URL.0, SECRET_URL.1);
            std::env::remove_var(UNSET);
        }
    });
}

fn loader(text: &str) -> Loader<'_> {
    environment();
    Loader { label: "s.toml".into(), text, dir: PathBuf::new(), secrets: Vec::new() }
}

type Secrets = Vec<(String, String)>;

/// Substitute in a string: (text, references, empty references, secrets remembered).
fn subst(raw: &str) -> Result<(String, usize, usize, Secrets)> {
    let mut l = loader("");
    let s = l.subst(raw, 0, "key")?;
    l.keep_secret(s.taken);
    Ok((s.text, s.references, s.empty, l.secrets))
}

fn subst_err(raw: &str) -> String {
    let e = subst(raw).expect_err(raw);
    assert_eq!(e.exit(), Exit::Usage);
    e.to_string()
}

/// Load a suite written to a temporary file named `suite.toml`.
fn load_text(text: &str) -> Result<Suite> {
    environment();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("suite.toml");
    std::fs::write(&path, text).unwrap();
    load(&path)
}

/// The message of a suite that does not load, from its file name on.
fn load_err(text: &str) -> String {
    let e = load_text(text).expect_err(text);
    assert_eq!(e.exit(), Exit::Usage);
    let msg = e.to_string();
    let at = msg.find("suite.toml").unwrap_or_else(|| panic!("names the file: {msg}"));
    msg[at..].to_string()
}

// ------------------------------------------------------------ status expectations

fn status_case(status: &str) -> String {
    format!("[[case]]\nname = \"a\"\nevent = \"agent-online\"\nexpect = {{ status = {status} }}\n")
}

fn status_of(status: &str) -> String {
    let suite = load_text(&status_case(status)).unwrap_or_else(|e| panic!("{status}: {e}"));
    match &suite.cases[0].expect.status {
        StatusExpect::Exact(s) => format!("exact {s}"),
        StatusExpect::Class(c) => format!("class {c}"),
    }
}

#[test]
fn a_status_is_a_code_or_a_class() {
    for (written, read) in [
        ("404", "exact 404"),
        ("100", "exact 100"),
        ("599", "exact 599"),
        ("\"404\"", "exact 404"),
        ("\"2xx\"", "class 2"),
        ("\"4XX\"", "class 4"),
        ("\"1xx\"", "class 1"),
        ("\"5xx\"", "class 5"),
    ] {
        assert_eq!(status_of(written), read, "{written}");
    }
    let suite = load_text("[[case]]\nname = \"a\"\nevent = \"agent-online\"\n").unwrap();
    assert!(matches!(suite.cases[0].expect.status, StatusExpect::Class(2)), "2xx by default");
}

#[test]
fn a_bad_status_names_its_line_and_key() {
    for bad in [
        "\"9xx\"", "\"6xx\"", "\"0xx\"", "\"xx\"", "\"2x\"", "\"2xxx\"", "\"abc\"", "\"\"", "\"099\"", "600",
        "99", "0", "-200", "true", "2.5", "[200]",
    ] {
        assert_eq!(
            load_err(&status_case(bad)),
            "suite.toml:4: case 'a': expect.status must be a code from 100 to 599 (200) or a class (\"2xx\")",
            "{bad}"
        );
    }
}

#[test]
fn status_expectations_match_and_print() {
    let exact = StatusExpect::Exact(404);
    assert!(exact.matches(404));
    assert!(!exact.matches(405) && !exact.matches(400));
    let class = StatusExpect::Class(2);
    for s in [200, 201, 204, 299] {
        assert!(class.matches(s), "{s}");
    }
    for s in [199, 300, 404, 500, 20, 2000] {
        assert!(!class.matches(s), "{s}");
    }
    assert!(StatusExpect::Class(5).matches(503));
    assert_eq!(exact.to_string(), "404");
    assert_eq!(class.to_string(), "2xx");
}

// ------------------------------------------------------------ ${VAR} substitution

#[test]
fn a_set_variable_is_substituted_and_remembered_as_a_secret() {
    let (text, refs, empty, secrets) = subst("Bearer ${HOOKCTL_UNIT_TOKEN}!").unwrap();
    assert_eq!(text, "Bearer tok-5150!");
    assert_eq!((refs, empty), (1, 0));
    assert_eq!(secrets, [(TOKEN.0.to_string(), TOKEN.1.to_string())]);
    // Twice the same value: remembered once.
    let (text, refs, _, secrets) = subst("${HOOKCTL_UNIT_TOKEN}/${HOOKCTL_UNIT_TOKEN}").unwrap();
    assert_eq!(text, "tok-5150/tok-5150");
    assert_eq!(refs, 2);
    assert_eq!(secrets.len(), 1);
}

#[test]
fn a_default_stands_in_for_an_unset_or_empty_variable_and_is_no_secret() {
    let (text, refs, empty, secrets) = subst("${HOOKCTL_UNIT_NEVER_SET:-http://x.test}").unwrap();
    assert_eq!(text, "http://x.test");
    assert_eq!((refs, empty), (1, 0));
    assert!(secrets.is_empty());
    let (text, ..) = subst("${HOOKCTL_UNIT_EMPTY:-fallback}").unwrap();
    assert_eq!(text, "fallback", "empty counts as unset, as in a shell");
    let (text, ..) = subst("${HOOKCTL_UNIT_TOKEN:-fallback}").unwrap();
    assert_eq!(text, "tok-5150", "a set variable wins over its default");
    let (text, refs, empty, _) = subst("x${HOOKCTL_UNIT_NEVER_SET:-}y").unwrap();
    assert_eq!((text.as_str(), refs, empty), ("xy", 1, 1), "an empty default");
}

#[test]
fn a_variable_set_but_empty_is_empty() {
    let (text, refs, empty, secrets) = subst("a${HOOKCTL_UNIT_EMPTY}b").unwrap();
    assert_eq!((text.as_str(), refs, empty), ("ab", 1, 1));
    assert!(secrets.is_empty());
}

#[test]
fn dollars_that_are_not_references_are_kept() {
    for (raw, text) in [
        ("$${HOOKCTL_UNIT_TOKEN}", "${HOOKCTL_UNIT_TOKEN}"),
        ("cost: $5, $HOME", "cost: $5, $HOME"),
        ("$", "$"),
        ("a$$b", "a$$b"),
        ("$${", "${"),
        ("no dollar at all", "no dollar at all"),
    ] {
        let (got, refs, _, secrets) = subst(raw).unwrap();
        assert_eq!(got, text, "{raw}");
        assert_eq!(refs, 0, "{raw}");
        assert!(secrets.is_empty(), "{raw}");
    }
}

#[test]
fn bad_references_are_usage_errors_that_say_how_to_write_them() {
    assert_eq!(
        subst_err("${HOOKCTL_UNIT_NEVER_SET}"),
        "s.toml:1: key: environment variable HOOKCTL_UNIT_NEVER_SET is not set (give a default with ${HOOKCTL_UNIT_NEVER_SET:-default})"
    );
    assert_eq!(subst_err("x ${OPEN"), "s.toml:1: key: '${' without a closing '}'");
    for inner in ["", "1ABC", "A-B", "A B", "HOOKCTL_UNIT_NEVER_SET-default", "É"] {
        assert_eq!(
            subst_err(&format!("${{{inner}}}")),
            format!(
                "s.toml:1: key: '${{{inner}}}' is not a variable reference: write ${{NAME}} or ${{NAME:-default}} ($${{ for a literal ${{)"
            ),
            "{inner}"
        );
    }
    assert_eq!(
        subst_err("${A:-${B}}"),
        "s.toml:1: key: '${A:-${B}': a default cannot hold another reference"
    );
}

#[test]
fn errors_name_the_line_of_their_offset() {
    let text = "a\nbb\nccc";
    let l = loader(text);
    assert_eq!([0, 1, 2, 4, 5, 8, 1000].map(|at| l.line(at)), [1, 1, 2, 2, 3, 3, 3]);
    assert_eq!(l.err(5, "boom").to_string(), "s.toml:3: boom");
}

// ------------------------------------------------------------ through a whole suite

#[test]
fn headers_whose_every_variable_is_empty_are_not_sent() {
    let suite = load_text(
        "[defaults]\nheaders = { Authorization = \"Bearer ${HOOKCTL_UNIT_NEVER_SET:-}\", X-Key = \"${HOOKCTL_UNIT_TOKEN}\", X-Mixed = \"a${HOOKCTL_UNIT_EMPTY}\", X-Plain = \"plain\", X-Two = \"${HOOKCTL_UNIT_TOKEN}${HOOKCTL_UNIT_EMPTY}\" }\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\nheaders = { X-Case = \"c\" }\n",
    )
    .unwrap();
    assert_eq!(suite.headers.sent, ["X-Key: tok-5150", "X-Plain: plain", "X-Two: tok-5150"]);
    // Left out, with the variable that came out empty (to say so when the server refuses).
    assert_eq!(
        suite.headers.unsent,
        [
            ("Authorization".to_string(), vec![UNSET.to_string()]),
            ("X-Mixed".to_string(), vec![EMPTY.to_string()])
        ]
    );
    assert_eq!(suite.cases[0].headers.sent, ["X-Case: c"]);
    assert_eq!(suite.secrets, [(TOKEN.0.to_string(), TOKEN.1.to_string())]);
}

/// The url a case of `suite` goes to, and the name of the target it came from.
fn destination(suite: &Suite, case: usize) -> Option<(String, String)> {
    let case = &suite.cases[case];
    case.route.iter().find_map(|&i| suite.targets[i].url.clone().map(|u| (suite.targets[i].name.clone(), u)))
}

#[test]
fn urls_come_from_the_case_else_the_defaults_and_empty_is_none() {
    let text = |defaults: &str, case: &str| {
        format!(
            "[defaults]\nurl = \"{defaults}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\nurl = \"{case}\"\n"
        )
    };
    let url = |d: &str, c: &str| destination(&load_text(&text(d, c)).unwrap(), 0).map(|(_, u)| u);
    assert_eq!(url("http://d.test/", "http://c.test/"), Some("http://c.test/".to_string()));
    assert_eq!(url("http://d.test/", ""), Some("http://d.test/".to_string()));
    assert_eq!(url("http://d.test/", "${HOOKCTL_UNIT_NEVER_SET:-}"), Some("http://d.test/".to_string()));
    assert_eq!(url("${HOOKCTL_UNIT_NEVER_SET:-}", "  "), None);
    // A url whose every variable came out empty is none, whatever else it holds.
    assert_eq!(
        url("http://d.test/", "${HOOKCTL_UNIT_NEVER_SET:-}/botpress/events"),
        Some("http://d.test/".into())
    );
}

#[test]
fn a_case_goes_to_its_target_else_its_kind_s_else_the_defaults() {
    let suite = load_text(
        "[defaults]\nurl = \"http://d.test/\"\n\n[targets.botpress]\nurl = \"http://b.test/\"\n\n[targets.\"eva-service.confirm\"]\nurl = \"http://c.test/\"\n\n[targets.empty]\nurl = \"${HOOKCTL_UNIT_NEVER_SET:-}\"\n\n\
         [[case]]\nname = \"kind\"\nevent = \"handoff-create\"\n\n\
         [[case]]\nname = \"named\"\nevent = \"eva-service\"\ntarget = \"eva-service.confirm\"\n\n\
         [[case]]\nname = \"no target for its kind\"\nevent = \"eva-answer\"\n\n\
         [[case]]\nname = \"named but empty\"\nevent = \"agent-online\"\ntarget = \"empty\"\n\n\
         [[case]]\nname = \"a scenario\"\nscenario = \"handoff-lifecycle\"\n",
    )
    .unwrap();
    let to = |case| destination(&suite, case).map(|(name, _)| name);
    assert_eq!(to(0).as_deref(), Some("botpress"));
    assert_eq!(to(1).as_deref(), Some("eva-service.confirm"));
    assert_eq!(to(2).as_deref(), Some("default"));
    assert_eq!(to(3).as_deref(), Some("botpress"), "an empty target gives way to the kind's");
    assert_eq!(to(4).as_deref(), Some("botpress"), "a scenario's steps are Botpress events");
    // The first of a route is the case's target, with or without a url.
    assert_eq!(suite.targets[suite.cases[3].route[0]].name, "empty");
}

#[test]
fn a_case_s_target_must_exist_and_be_alone() {
    let cases = |case: &str| {
        format!(
            "[targets.botpress]\nurl = \"http://b.test/\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n{case}\n"
        )
    };
    let msg = load_err(&cases("target = \"botpres\""));
    assert!(msg.starts_with("suite.toml:7: case 'a': target 'botpres' is not in [targets]"), "{msg}");
    assert!(msg.contains("did you mean 'botpress'?"), "{msg}");
    let msg = load_err(&cases("target = \"botpress\"\nurl = \"http://x.test/\""));
    assert!(msg.contains("give url or target, not both"), "{msg}");
    let msg = load_err(
        "[targets.default]\nurl = \"http://x.test/\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n",
    );
    assert!(
        msg.starts_with("suite.toml:1: targets.default: 'default' is the name of [defaults] url"),
        "{msg}"
    );
    let msg = load_err("[targets.botpress]\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n");
    assert!(msg.contains("missing field `url`"), "{msg}");
}

#[test]
fn set_values_are_substituted_before_they_are_sent() {
    let suite = load_text(
        "[[case]]\nname = \"a\"\nevent = \"eva-service\"\n[case.set]\ntext = \"key ${HOOKCTL_UNIT_TOKEN}\"\n\"/hiddenContext/list\" = [\"${HOOKCTL_UNIT_NEVER_SET:-x}\", 2]\n",
    )
    .unwrap();
    let What::Body(template) = &suite.cases[0].what else { panic!("a body case") };
    let doc = template.prepare().unwrap().doc;
    assert_eq!(doc["text"], "key tok-5150");
    assert_eq!(doc[eva::HIDDEN]["list"], json!(["x", 2]));
    assert_eq!(suite.secrets, [(TOKEN.0.to_string(), TOKEN.1.to_string())]);
}

#[test]
fn empty_and_duplicate_suites_are_refused() {
    let msg = load_text("[defaults]\ntimeout = 1\n").unwrap_err().to_string();
    assert!(msg.ends_with("suite.toml: no [[case]] in the suite"), "{msg}");
    assert_eq!(
        load_err(
            "[[case]]\nname = \"a\"\nevent = \"agent-online\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-offline\"\n"
        ),
        "suite.toml:5: case 'a': a case of that name already exists"
    );
}
