//! `hookctl init --from CAPTURE`: a suite made from real traffic. One case per distinct request
//! of a `listen --save` capture (Botpress's repeats collapse), each body kept as a payload file
//! beside the suite, with the expectations of its kind: Botpress 2xx; an eva service cell the
//! option its captured answer chose (else the options it offered); an eva answer a valid one.

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
}

/// Make the suite. `capture` and `suite` name the capture and the suite in the suite's header;
/// `payload_dir` is the payload directory as the suite refers to it (relative to the suite's own
/// directory).
pub fn from_capture(records: &[Record], capture: &str, suite: &str, payload_dir: &str) -> FromCapture {
    let mut cases = String::new();
    let mut payloads = Vec::new();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let (mut repeats, mut skipped) = (0, Vec::new());
    for record in records {
        let at = format!("request #{}", record.index);
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
        cases.push_str(&case(record, kind, &doc, &format!("{payload_dir}/{file}")));
    }
    let header = format!(
        "# hookctl contract suite made from the capture {capture} (hookctl init --from): one case per\n\
         # distinct request it holds, its body in {payload_dir}/, sent as it is (compact, as the\n\
         # platforms send it). Run it:  hookctl test {suite}\n\
         # Values may come from the environment: ${{NAME}} or ${{NAME:-default}}; they are masked in reports.\n\
         \n\
         [defaults]\n\
         # Where your webhook listens:  WEBHOOK_URL=http://localhost:3000/hook. With none (and no --url\n\
         # or HOOKCTL_URL) the cases go to hookctl's built-in receiver, and the run says so.\n\
         url = \"${{WEBHOOK_URL:-}}\"\n\
         timeout = 5                        # seconds\n\
         # Sent only when WEBHOOK_TOKEN is set and not empty.\n\
         headers = {{ Authorization = \"Bearer ${{WEBHOOK_TOKEN:-}}\" }}\n"
    );
    FromCapture { suite: header + &cases, payloads, requests: records.len(), repeats, skipped }
}

/// One case: its name, where its body is, what was captured, and its expectations.
fn case(record: &Record, kind: Kind, doc: &Value, payload: &str) -> String {
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
    let mut s = format!(
        "\n[[case]]\nname = {}\npayload = {}\n# captured: {} {} at {}, answered {}\n[case.expect]\n",
        quoted(&name),
        quoted(payload),
        record.method,
        record.path.replace('\n', " "),
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
        ];
        let made = from_capture(&records, "c.jsonl", "s.toml", "s-payloads");
        assert_eq!((made.requests, made.repeats), (6, 1));
        assert_eq!(
            made.skipped,
            [
                "request #5: the body is not JSON",
                "request #6: a webhook's answer (eva-service-response), not something a platform sends"
            ]
        );
        let names: Vec<&str> = made.payloads.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["001-botpress-event.json", "002-eva-service-request.json", "003-eva-service-request.json"]
        );
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
}
