//! The starter suite `hookctl init` writes: a target per webhook of a deployment, each with its
//! url read from its own variable, and a case for every built-in event (of one platform, when
//! asked).

use serde_json::Value;

use crate::catalogue::{EVENTS, Kind, Platform, SCENARIOS, WEBHOOKS};
use crate::json::Pointer;
use crate::platform::eva;

const HEADER: &str = r#"# hookctl contract suite. Run it with:  hookctl test
#
# A deployment has a webhook per kind of request: the Botpress HITL Next events webhook, and
# eva's service-cell and transactional-answer webhooks (one per cell and per answer). Each target
# below is one of them, its url read from its own variable:
#
"#;

const AFTER_TARGETS: &str = r#"#
# or given on the command line: hookctl test --target NAME=URL (repeatable). A case goes to the
# target of its kind; target = "NAME" or url = "..." in a case sends it elsewhere (a second
# service cell: [targets."eva-service.confirm"], then target = "eva-service.confirm").
# A target whose variable is unset or empty has no url: its cases run against hookctl's built-in
# receiver, which answers as a correct webhook would, and the run says so. In CI (the CI variable
# set) that fails instead (exit 2), unless --builtin.
# Values come from the environment as ${NAME} (must be set) or ${NAME:-default} (when NAME is
# unset or empty); values taken from it are masked in every report.

[defaults]
timeout = 5                        # seconds
# Sent only when WEBHOOK_TOKEN is set and not empty: no token, no Authorization header.
headers = { Authorization = "Bearer ${WEBHOOK_TOKEN:-}" }
# deny_warnings = true             # fail a case on a contract warning (a hidden value shown, ...)
"#;

/// The starter suite, for both platforms or one.
pub fn starter(platform: Option<Platform>) -> String {
    let wanted = |p: Platform| platform.is_none_or(|only| only == p);
    let webhooks: Vec<_> = WEBHOOKS.iter().filter(|w| wanted(w.platform)).collect();
    let mut s = String::from(HEADER);
    for (i, w) in webhooks.iter().enumerate() {
        let more = if i + 1 < webhooks.len() { " \\" } else { " hookctl test" };
        s.push_str(&format!("#   {}=http://localhost:3000{}{more}\n", w.variable, w.example_path));
    }
    s.push_str(AFTER_TARGETS);
    for w in &webhooks {
        s.push_str(&format!(
            "\n[targets.{}]{}# {}\nurl = \"${{{}:-}}\"\n",
            w.target,
            " ".repeat(24usize.saturating_sub(w.target.len())),
            w.what,
            w.variable
        ));
    }
    for e in EVENTS.iter().filter(|e| wanted(e.platform)) {
        s.push_str(&format!(
            "\n[[case]]\nname = \"{}\"\nevent = \"{}\"    # {}\n",
            e.name, e.name, e.summary
        ));
        s.push_str(&expectations(e));
    }
    if wanted(Platform::Botpress) {
        let whole = &SCENARIOS[0];
        s.push_str(&format!(
            "\n[[case]]\nname = \"a handoff's whole life\"\nscenario = \"{}\"   # {}\n",
            whole.name, whole.summary
        ));
    }
    s
}

/// A case's expectations, as a server of its webhook should meet them.
fn expectations(e: &crate::catalogue::Event) -> String {
    match (e.platform, e.request) {
        (Platform::Botpress, _) if e.deliveries > 1 => format!(
            "[case.expect]\nstatus = \"2xx\"\nidempotent = true     # {}: every delivery must be accepted\n",
            e.deliveries_why
        ),
        (Platform::Botpress, _) => "[case.expect]\nstatus = \"2xx\"\n".to_string(),
        (Platform::Eva, Kind::EvaServiceRequest) => {
            let options: Vec<String> = e
                .fixture()
                .at(eva::ptr::EXPECTED_OPTIONS)
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|o| o.to_string()).collect())
                .unwrap_or_default();
            format!(
                "# [case.set]                      # overrides: dotted paths or JSON pointers\n\
                 # \"{}.id\" = 6722\n\
                 [case.expect]\nvalid = true\noption = [{}]         # the options this cell offers\n",
                eva::HIDDEN,
                options.join(", ")
            )
        }
        (Platform::Eva, _) => format!(
            "[case.expect]\nvalid = true\n\
             # answer_contains = \"John\"\n\
             # max_latency_ms = 500\n\
             # field.\"{}/clientInfo\" = {{ exists = true }}\n",
            eva::ptr::HIDDEN_CONTEXT
        ),
    }
}
