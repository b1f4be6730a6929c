//! `hookctl init --from CAPTURE`: a suite made from real traffic. One case per distinct request
//! of a `listen --save` capture (Botpress's repeats collapse), each body kept as a payload file
//! beside the suite, with the expectations of its kind: Botpress 2xx; an eva service cell the
//! option its captured answer chose (else the options it offered); an eva answer a valid one.
//! Requests that came to different paths go to different targets, each with its captured path;
//! a capture of one path makes a suite with one target, the `[defaults]` url.

use serde_json::Value;

use crate::catalogue::{Kind, Platform};
use crate::json::Pointer;
use crate::platform::{botpress, eva};
use crate::receiver::Record;

/// A suite to write, and the payload files beside it.
#[derive(Debug)]
pub struct FromCapture {
    pub suite: String,
    /// File names (inside the payload directory) and their contents.
    pub payloads: Vec<(String, Vec<u8>)>,
    /// Requests in the capture.
    pub requests: usize,
    /// Requests whose body an earlier one already had.
    pub repeats: usize,
    /// Requests that make no case, each with why.
    pub skipped: Vec<String>,
    /// The variables the suite reads for the secrets the captured requests carried (header
    /// values, query values), never copied: `(variable, what it stands for)`.
    pub variables: Vec<(String, String)>,
}

/// Make the suite. `capture` and `suite` name the capture and the suite in the suite's header;
/// `payload_dir` is the payload directory as the suite refers to it (relative to the suite's own
/// directory).
pub fn from_capture(records: &[Record], capture: &str, suite: &str, payload_dir: &str) -> FromCapture {
    let mut made = Vec::new();
    let mut payloads = Vec::new();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let (mut repeats, mut skipped) = (0, Vec::new());
    for record in records {
        let at = format!("request #{}", record.index);
        if let Some(why) = crate::capture::refusal(record) {
            skipped.push(format!("{at}: refused by the listener ({why})"));
            continue;
        }
        let Ok(bytes) = record.body_bytes() else {
            skipped.push(format!("{at}: its body_base64 is not base64"));
            continue;
        };
        if seen.contains(&bytes) {
            repeats += 1;
            continue;
        }
        seen.push(bytes.clone());
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else {
            skipped.push(format!("{at}: the body is not JSON"));
            continue;
        };
        let kind = match Kind::detect(&doc) {
            None => {
                skipped.push(format!("{at}: JSON of no known kind"));
                continue;
            }
            Some(k) if k.is_response() => {
                skipped.push(format!("{at}: a webhook's answer ({k}), not something a platform sends"));
                continue;
            }
            Some(k) => k,
        };
        let file = format!("{:03}-{kind}.json", payloads.len() + 1);
        let mut pretty = serde_json::to_vec_pretty(&doc).expect("a JSON value serialises");
        pretty.push(b'\n');
        payloads.push((file.clone(), pretty));
        made.push((record, kind, doc, format!("{payload_dir}/{file}")));
    }
    let paths = Paths::of(made.iter().map(|(record, kind, ..)| (record.path.as_str(), *kind)));
    let secrets = Secrets::of(made.iter().map(|(record, ..)| *record), &paths);
    let mut cases = String::new();
    for (record, kind, doc, payload) in &made {
        cases.push_str(&case(record, *kind, doc, payload, paths.target(&record.path)));
    }
    let header = format!(
        "# hookctl contract suite made from the capture {capture} (hookctl init --from): one case per\n\
         # distinct request it holds, its body in {payload_dir}/, sent as it is (compact, as the\n\
         # platforms send it). Run it:  hookctl test {suite}\n\
         # Values may come from the environment: ${{NAME}} or ${{NAME:-default}}; they are masked in reports.\n\
         \n\
         [defaults]\n\
         timeout = 5                        # seconds\n\
         # Sent only when WEBHOOK_TOKEN is set and not empty{}.\n\
         headers = {{ Authorization = \"Bearer ${{WEBHOOK_TOKEN:-}}\"{} }}\n{}",
        secrets.headers_said(),
        secrets.headers_written(),
        paths.targets(suite, &secrets)
    );
    let variables = secrets.variables();
    FromCapture { suite: header + &cases, payloads, requests: records.len(), repeats, skipped, variables }
}

/// The paths the requests came to, without their query strings, each a target when there are
/// several.
struct Paths {
    /// (path, target name), in order of first arrival.
    named: Vec<(String, String)>,
}

impl Paths {
    /// Each path is named after its webhook (`botpress`, `eva-service`) when it took requests of
    /// one webhook only and no other path took that webhook's, else after the path itself.
    fn of<'a>(requests: impl Iterator<Item = (&'a str, Kind)>) -> Paths {
        let mut seen: Vec<(String, Vec<&'static str>)> = Vec::new();
        for (path, kind) in requests {
            let path = without_query(path);
            let webhook = kind.webhook().map_or("", |w| w.target);
            match seen.iter_mut().find(|(p, _)| p == path) {
                Some((_, hooks)) if !hooks.contains(&webhook) => hooks.push(webhook),
                Some(_) => {}
                None => seen.push((path.to_string(), vec![webhook])),
            }
        }
        let mut named: Vec<(String, String)> = Vec::new();
        for (path, hooks) in &seen {
            let sole = match hooks.as_slice() {
                [hook] if seen.iter().filter(|(_, h)| h.contains(hook)).count() == 1 => {
                    Some(hook.to_string())
                }
                _ => None,
            };
            let base = sole.unwrap_or_else(|| {
                let words: Vec<&str> = path
                    .trim_matches('/')
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .filter(|w| !w.is_empty())
                    .collect();
                if words.is_empty() { "root".to_string() } else { words.join("-") }
            });
            let mut name = base.clone();
            for n in 2.. {
                if !named.iter().any(|(_, taken)| *taken == name) {
                    break;
                }
                name = format!("{base}-{n}");
            }
            named.push((path.clone(), name));
        }
        Paths { named }
    }

    /// The target a request to `path` goes to: none when every request came to one path.
    fn target(&self, path: &str) -> Option<&str> {
        let path = without_query(path);
        (self.named.len() > 1).then(|| self.named.iter().find(|(p, _)| p == path).map(|(_, n)| n.as_str()))?
    }

    /// The url of the suite's one target, or a target per path.
    fn targets(&self, suite: &str, secrets: &Secrets) -> String {
        if let [(path, _)] = self.named.as_slice() {
            let query = secrets.query_written(path);
            let said = match query.is_empty() {
                true => String::new(),
                false => format!(
                    "# The requests carried {} in their query: the url adds it from the environment,\n\
                     # never the captured value (with --url, give it in that url).\n",
                    secrets.query_said(path)
                ),
            };
            return format!(
                "# Where your webhook listens (the capture's requests came to {path}):\n\
                 #   WEBHOOK_URL=http://localhost:3000{path} hookctl test {suite}   (or --url)\n\
                 # With no url the cases go to hookctl's built-in receiver, and the run says so.\n\
                 {said}url = {}\n",
                quoted(&format!("${{WEBHOOK_URL:-}}{query}"))
            );
        }
        let mut s = format!(
            "\n# The capture's requests came to {} paths: a target each, at that path under\n\
             # WEBHOOK_BASE_URL (WEBHOOK_BASE_URL=http://localhost:3000 hookctl test {suite}), or\n\
             # each on its own: hookctl test {suite} --target NAME=URL\n",
            self.named.len()
        );
        for (path, name) in &self.named {
            s.push_str(&format!(
                "\n[targets.{}]\nurl = {}\n",
                quoted_key(name),
                quoted(&format!("${{WEBHOOK_BASE_URL:-}}{path}{}", secrets.query_written(path)))
            ));
        }
        s
    }
}

/// The secrets the captured requests carried, by name: each becomes a variable the suite reads,
/// since a capture's values are redacted (or, kept with --keep-secrets, not to be copied).
struct Secrets {
    /// Secret headers (not Authorization, which the suite always reads from WEBHOOK_TOKEN):
    /// `(name, variable)`, in order of first sight.
    headers: Vec<(String, String)>,
    /// For each path: its secret query parameters, `(name as sent, variable)`.
    params: Vec<(String, Vec<(String, String)>)>,
}

impl Secrets {
    fn of<'a>(records: impl Iterator<Item = &'a Record>, paths: &Paths) -> Secrets {
        let mut secrets = Secrets { headers: Vec::new(), params: Vec::new() };
        for record in records {
            for (name, _) in &record.headers {
                let name = name.to_ascii_lowercase();
                let known = secrets.headers.iter().any(|(n, _)| *n == name);
                if !known && name != "authorization" && crate::http::is_secret(&name) {
                    secrets.headers.push((name.clone(), variable_name("", &name)));
                }
            }
            let path = without_query(&record.path);
            let prefix = paths.target(path).unwrap_or("webhook").to_string();
            let query = record.path.split('#').next().unwrap_or_default().split_once('?').map(|(_, q)| q);
            let params = match secrets.params.iter_mut().position(|(p, _)| p == path) {
                Some(at) => &mut secrets.params[at].1,
                None => {
                    secrets.params.push((path.to_string(), Vec::new()));
                    &mut secrets.params.last_mut().expect("just pushed").1
                }
            };
            for name in query.into_iter().flat_map(|q| q.split('&')).filter_map(|pair| pair.split('=').next())
            {
                let decoded =
                    url::form_urlencoded::parse(name.as_bytes()).next().map(|(n, _)| n.into_owned());
                let secret = decoded.as_deref().is_some_and(crate::http::is_secret_param);
                if secret && !params.iter().any(|(n, _)| n == name) {
                    params
                        .push((name.to_string(), variable_name(&prefix, decoded.as_deref().unwrap_or(name))));
                }
            }
        }
        secrets
    }

    /// The secret headers as entries of the defaults' inline table, each led by `, `.
    fn headers_written(&self) -> String {
        self.headers
            .iter()
            .map(|(name, var)| format!(", {} = {}", quoted_key(name), quoted(&format!("${{{var}:-}}"))))
            .collect()
    }

    /// The secret headers in the comment above them.
    fn headers_said(&self) -> String {
        let said: Vec<String> =
            self.headers.iter().map(|(name, var)| format!("; {name} from {var}")).collect();
        said.concat()
    }

    /// A path's secret query parameters as a query string of variables (`?code=${WEBHOOK_CODE:-}`).
    fn query_written(&self, path: &str) -> String {
        let params =
            self.params.iter().find(|(p, _)| p == path).map(|(_, v)| v.as_slice()).unwrap_or_default();
        let pairs: Vec<String> = params.iter().map(|(name, var)| format!("{name}=${{{var}:-}}")).collect();
        if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
    }

    fn query_said(&self, path: &str) -> String {
        let params =
            self.params.iter().find(|(p, _)| p == path).map(|(_, v)| v.as_slice()).unwrap_or_default();
        let said: Vec<String> = params.iter().map(|(name, var)| format!("{name} (from {var})")).collect();
        said.join(", ")
    }

    /// Every variable, with what it stands for.
    fn variables(&self) -> Vec<(String, String)> {
        let headers = self.headers.iter().map(|(name, var)| (var.clone(), format!("header {name}")));
        let params = self.params.iter().flat_map(|(path, params)| {
            params.iter().map(move |(name, var)| (var.clone(), format!("query {name} of {path}")))
        });
        headers.chain(params).collect()
    }
}

/// A variable's name for a secret: `prefix` and `name` upper-cased, anything but a letter or a
/// digit as `_` (`x-webhook-key` is `X_WEBHOOK_KEY`; `code` under `eva-service` is
/// `EVA_SERVICE_CODE`).
fn variable_name(prefix: &str, name: &str) -> String {
    let joined = if prefix.is_empty() { name.to_string() } else { format!("{prefix}_{name}") };
    let mut var: String = joined
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
        .collect();
    if var.starts_with(|c: char| c.is_ascii_digit()) {
        var.insert(0, '_');
    }
    var
}

/// A request target without its query string (which may hold secrets, redacted in captures).
fn without_query(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}

/// A key as TOML writes it: bare when it can be.
fn quoted_key(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        name.to_string()
    } else {
        quoted(name)
    }
}

/// One case: its name, where its body is, what was captured, and its expectations.
fn case(record: &Record, kind: Kind, doc: &Value, payload: &str, target: Option<&str>) -> String {
    let text = |p: &str| doc.at(p).and_then(Value::as_str).map(str::to_string);
    let what = match kind.platform() {
        Platform::Botpress => {
            let parts = [botpress::ptr::RESOURCE, botpress::ptr::TYPE, botpress::ptr::STATUS];
            let mut words: Vec<String> = parts.iter().filter_map(|p| text(p)).collect();
            match doc.at(botpress::ptr::ONLINE).and_then(Value::as_bool) {
                Some(true) => words.push("online".into()),
                Some(false) => words.push("offline".into()),
                None => {}
            }
            words.join(" ")
        }
        Platform::Eva => {
            let said: String = text(eva::ptr::TEXT).unwrap_or_default().chars().take(40).collect();
            if said.is_empty() { kind.to_string() } else { format!("{kind}: {said}") }
        }
    };
    let name = format!("#{} {what}", record.index);
    let target = target.map(|t| format!("target = {}\n", quoted(t))).unwrap_or_default();
    let mut s = format!(
        "\n[[case]]\nname = {}\npayload = {}\n{target}# captured: {} {} at {}, answered {}\n[case.expect]\n",
        quoted(&name),
        quoted(payload),
        record.method,
        // A capture kept with --keep-secrets holds them in its paths: the suite does not.
        crate::http::shown_url(&record.path, false).replace('\n', " "),
        record.time,
        record.answer.status
    );
    match kind {
        Kind::EvaServiceRequest => {
            let answered = record.answer.option.as_ref().and_then(Value::as_str);
            let offered: Vec<String> = doc
                .at(eva::ptr::EXPECTED_OPTIONS)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(quoted).collect())
                .unwrap_or_default();
            s.push_str("valid = true\n");
            match answered {
                Some(option) if (200..300).contains(&record.answer.status) => {
                    if record.answer.verdict.as_ref().is_some_and(|v| !v.valid) {
                        s.push_str("# the captured answer broke the eva contract: this case holds the webhook to it\n");
                    }
                    s.push_str(&format!(
                        "option = [{}]        # the option the captured answer chose\n",
                        quoted(option)
                    ));
                }
                _ if !offered.is_empty() => {
                    s.push_str(&format!("option = [{}]        # the options offered\n", offered.join(", ")));
                }
                _ => {}
            }
        }
        Kind::EvaAnswerRequest => s.push_str("valid = true\n"),
        _ => s.push_str("status = \"2xx\"\n"),
    }
    s
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(index: u64, body: &str, answer: Value) -> Record {
        serde_json::from_value(json!({
            "index": index, "time": "2022-08-19T13:27:32.174Z", "method": "POST", "path": "/hook",
            "headers": [], "body": body, "bytes": body.len(), "answer": answer,
        }))
        .unwrap()
    }

    /// A request the listener refused for want of a required header.
    fn refused(index: u64, body: &str) -> Record {
        let mut r = record(index, body, json!({"status": 401}));
        r.unauthorized = Some("missing required header x-key".into());
        r
    }

    #[test]
    fn one_case_per_distinct_body_with_its_kind_s_expectations() {
        let tags = json!({"botId": "b", "resource": "handoff", "type": "update", "id": 1, "payload": {"status": "assigned"}});
        let service = json!({"info": {}, "expectedOptions": ["YES", "NO"], "text": "am I \"in\"?"});
        let records = [
            record(1, &tags.to_string(), json!({"status": 200})),
            record(2, &tags.to_string(), json!({"status": 200})),
            record(3, &service.to_string(), json!({"status": 200, "option": "NO"})),
            record(4, &service.to_string().replace("YES", "Y"), json!({"status": 500})),
            record(5, "not json", json!({"status": 400})),
            record(6, r#"{"option":"A"}"#, json!({"status": 200})),
            refused(7, &tags.to_string().replace("assigned", "pending")),
        ];
        let made = from_capture(&records, "c.jsonl", "s.toml", "s-payloads");
        assert_eq!((made.requests, made.repeats), (7, 1));
        assert_eq!(
            made.skipped,
            [
                "request #5: the body is not JSON",
                "request #6: a webhook's answer (eva-service-response), not something a platform sends",
                "request #7: refused by the listener (missing required header x-key)"
            ]
        );
        let names: Vec<&str> = made.payloads.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["001-botpress-event.json", "002-eva-service-request.json", "003-eva-service-request.json"]
        );
        assert!(made.variables.is_empty(), "no secret carried, none to set: {:?}", made.variables);
        let s = &made.suite;
        assert!(
            s.contains(
                "name = \"#1 handoff update assigned\"\npayload = \"s-payloads/001-botpress-event.json\""
            ),
            "{s}"
        );
        assert!(s.contains("name = '#3 eva-service-request: am I \"in\"?'"), "{s}");
        assert!(s.contains("option = [\"NO\"]        # the option the captured answer chose"), "{s}");
        // Not answered 2xx: the options offered.
        assert!(s.contains("option = [\"Y\", \"NO\"]        # the options offered"), "{s}");
        assert_eq!(s.matches("[[case]]").count(), 3);
        let parsed: toml::Table = s.parse().unwrap();
        assert_eq!(parsed["case"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn requests_to_different_paths_go_to_different_targets_and_one_path_to_one() {
        let event = json!({"botId": "b", "resource": "agent", "type": "update", "id": "a", "payload": {"online": true}});
        let service = json!({"info": {}, "expectedOptions": ["YES", "NO"], "text": "hi"});
        let mut records = [
            record(1, &event.to_string(), json!({"status": 200})),
            record(2, &service.to_string(), json!({"status": 200, "option": "YES"})),
        ];
        records[0].path = "/botpress/events".into();
        records[1].path = "/eva/service?token=fn-key-5150&x=1".into();
        let made = from_capture(&records, "c.jsonl", "s.toml", "s-payloads");
        // A secret kept in a capture (listen --keep-secrets) is not copied into the suite.
        assert!(!made.suite.contains("fn-key-5150"), "{}", made.suite);
        assert!(made.suite.contains("/eva/service?token=<redacted>&x=1 at"), "{}", made.suite);
        let parsed: toml::Table = made.suite.parse().unwrap();
        let targets = parsed["targets"].as_table().unwrap();
        assert_eq!(targets["botpress"]["url"].as_str(), Some("${WEBHOOK_BASE_URL:-}/botpress/events"));
        // The query is not copied; its secret comes from a variable of the target's name.
        assert_eq!(
            targets["eva-service"]["url"].as_str(),
            Some("${WEBHOOK_BASE_URL:-}/eva/service?token=${EVA_SERVICE_TOKEN:-}")
        );
        assert_eq!(
            made.variables,
            [("EVA_SERVICE_TOKEN".to_string(), "query token of /eva/service".to_string())]
        );
        let cases = parsed["case"].as_array().unwrap();
        assert_eq!(cases[0]["target"].as_str(), Some("botpress"));
        assert_eq!(cases[1]["target"].as_str(), Some("eva-service"));
        assert!(parsed["defaults"].get("url").is_none(), "{}", made.suite);

        // A webhook taken at two paths: each named after its path.
        let confirm = service.to_string().replace("hi", "yes");
        let mut three = records.to_vec();
        three.push(record(3, &confirm, json!({"status": 200, "option": "YES"})));
        three[2].path = "/cells/confirm".into();
        let parsed: toml::Table = from_capture(&three, "c.jsonl", "s.toml", "p").suite.parse().unwrap();
        let names: Vec<&String> = parsed["targets"].as_table().unwrap().keys().collect();
        assert_eq!(names, ["botpress", "cells-confirm", "eva-service"]);

        // One path: one target, the defaults' url, and no case names a target.
        records[1].path = "/botpress/events".into();
        let made = from_capture(&records, "c.jsonl", "s.toml", "s-payloads");
        let parsed: toml::Table = made.suite.parse().unwrap();
        assert!(parsed.get("targets").is_none(), "{}", made.suite);
        assert_eq!(parsed["defaults"]["url"].as_str(), Some("${WEBHOOK_URL:-}"));
        assert!(parsed["case"].as_array().unwrap().iter().all(|c| c.get("target").is_none()));
    }

    #[test]
    fn secret_headers_and_query_values_become_variables_never_copied() {
        let service = json!({"info": {}, "expectedOptions": ["YES", "NO"], "text": "hi"});
        let mut records = [record(1, &service.to_string(), json!({"status": 200, "option": "YES"}))];
        records[0].path = "/api/eva?code=fn-key-5150&page=2".into();
        records[0].headers = [
            ("content-type", "application/json"),
            ("x-webhook-key", "kept-k3y-value"),
            ("authorization", "Bearer kept-t0ken"),
            ("x-request-id", "r-1"),
        ]
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .to_vec();
        let made = from_capture(&records, "c.jsonl", "s.toml", "p");
        for value in ["fn-key-5150", "kept-k3y-value", "kept-t0ken"] {
            assert!(!made.suite.contains(value), "{value} copied:\n{}", made.suite);
        }
        let parsed: toml::Table = made.suite.parse().unwrap();
        let defaults = &parsed["defaults"];
        assert_eq!(defaults["url"].as_str(), Some("${WEBHOOK_URL:-}?code=${WEBHOOK_CODE:-}"));
        let headers = defaults["headers"].as_table().unwrap();
        assert_eq!(headers["x-webhook-key"].as_str(), Some("${X_WEBHOOK_KEY:-}"));
        assert_eq!(headers["Authorization"].as_str(), Some("Bearer ${WEBHOOK_TOKEN:-}"));
        // What is not secret is not made a variable.
        assert_eq!(headers.len(), 2, "{headers:?}");
        let names: Vec<&str> = made.variables.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(names, ["X_WEBHOOK_KEY", "WEBHOOK_CODE"]);
    }
}
