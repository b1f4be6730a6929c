//! The record of one request: what came, how it was judged, what was answered. One shape for
//! `-o json`, the `--save` capture and what `replay`, `init --from` and `validate` read back, with
//! the body written in its place when it is JSON on one line.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RecordError;
use crate::catalogue::Kind;
use crate::contract::Verdict;

/// One request as received, judged, and answered. The same shape is printed with
/// `--output json`, appended by `--save`, and read back by `replay`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// 1-based, in order of arrival.
    pub index: u64,
    pub time: String,
    pub method: String,
    /// The path with its query string, secret query values redacted unless `--keep-secrets`.
    pub path: String,
    /// Each value as text: a value that is not UTF-8 has those bytes escaped (`\xff`), and is
    /// kept exactly under `headers_base64`.
    pub headers: Vec<(String, String)>,
    /// The header values that are not UTF-8, exactly as received: `[index, base64]`, the index
    /// of the value in `headers`. Absent when every value is UTF-8 (as a rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers_base64: Vec<(usize, String)>,
    /// The body exactly as received, as a JSON string, when it is UTF-8 (and not under
    /// `body_json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body exactly as received, when it is JSON on one line with nothing around it: a line
    /// holds it as it came, as JSON in its place rather than as a string, so that it costs no
    /// escaping to write and reads as what it is. Written only by [`Record::write_json`], which
    /// puts it last in the line.
    #[serde(default, skip_serializing, deserialize_with = "verbatim_json")]
    pub body_json: Option<String>,
    /// The body exactly as received, base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    pub bytes: usize,
    #[serde(default)]
    pub kind: Option<Kind>,
    /// The request judged against its kind's contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Why the request could not be judged (not JSON, no known kind, too large, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The index of the first request with the same body (Botpress retries and double-sends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<u64>,
    /// Why the request was refused for its headers (`--require-header`): answered 401.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unauthorized: Option<String>,
    pub answer: AnswerRecord,
}

/// The answer given to one request. Botpress reads only the status, so for its events that is all
/// there is; an eva request's 2xx answer also says what it answered and how it stands against the
/// contract, whoever made it (the mock itself or the `--forward-to` server).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub status: u16,
    /// The answer came from the `--forward-to` server.
    #[serde(default)]
    pub forwarded: bool,
    /// The URL the request was relayed to (`--forward-to`), secrets redacted unless
    /// `--keep-secrets`; set whenever it was relayed, whether or not that server answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_to: Option<String>,
    /// Why the answer is what it is, when it is not the plain reference answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The `option` the answer chose (service cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<Value>,
    /// The answer's content, `/answer/content/content` (transactional answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// The answer judged against the eva contract, with the request as context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// The body the `--forward-to` server answered, when it is not judged as an eva answer (a
    /// Botpress event's, or an answer that is not 2xx): JSON as a value, else text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl Record {
    /// The body's bytes, exactly as received.
    pub fn body_bytes(&self) -> std::result::Result<Vec<u8>, RecordError> {
        match (self.text(), &self.body_base64) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| RecordError::NotBase64 { field: "body_base64", reason: e.to_string() }),
            (None, None) => Ok(Vec::new()),
        }
    }

    /// The exact bytes of the header value at `index` of `headers`, when they are kept apart
    /// (not UTF-8); an error says why they cannot be read.
    pub fn header_bytes(&self, index: usize) -> Option<std::result::Result<Vec<u8>, RecordError>> {
        let (_, b64) = self.headers_base64.iter().find(|(i, _)| *i == index)?;
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| RecordError::NotBase64 { field: "headers_base64", reason: e.to_string() }),
        )
    }

    /// The body as text, when it is UTF-8, whichever way the record holds it.
    pub fn text(&self) -> Option<&str> {
        self.body_json.as_deref().or(self.body.as_deref())
    }

    /// Take the body out as text, when it is UTF-8.
    pub fn take_text(&mut self) -> Option<String> {
        self.body_json.take().or_else(|| self.body.take())
    }

    /// Hold a UTF-8 body: as it is when it is JSON (`parsed`) on one line with nothing around it,
    /// as a string otherwise.
    pub(crate) fn hold(&mut self, text: String, parsed: bool) {
        let verbatim = parsed
            && text.as_bytes().first().is_some_and(|b| !b.is_ascii_whitespace())
            && text.as_bytes().last().is_some_and(|b| !b.is_ascii_whitespace())
            && memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_none();
        if verbatim { self.body_json = Some(text) } else { self.body = Some(text) }
    }

    /// The record as one line of JSON (without its newline), as `--save` and `-o json` write
    /// it: every field, as `serde_json` writes the record, and last, under `body_json`, a JSON
    /// body as it came. Written by hand around the parts that vary (the findings, the answer and
    /// values other than strings go through `serde_json`), strings by `json_string`:
    /// `serde_json` scans every string for escapes a byte at a time, the record's own member
    /// names included, and a record holds several dozen short strings.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.write_json_typed(out, None)
    }

    /// As [`Record::write_json`], with a first member `"type": TYPE` when given: `listen -o json`
    /// tells its lines apart by it.
    pub fn write_json_typed(&self, out: &mut Vec<u8>, r#type: Option<&str>) -> serde_json::Result<()> {
        out.push(b'{');
        if let Some(t) = r#type {
            out.extend_from_slice(b"\"type\":");
            json_string(out, t);
            out.push(b',');
        }
        self.write_members(out)
    }

    /// The record's members and its closing brace, as [`Record::write_json`] writes them.
    fn write_members(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"\"index\":");
        serde_json::to_writer(&mut *out, &self.index)?;
        out.extend_from_slice(b",\"time\":");
        json_string(out, &self.time);
        out.extend_from_slice(b",\"method\":");
        json_string(out, &self.method);
        out.extend_from_slice(b",\"path\":");
        json_string(out, &self.path);
        out.extend_from_slice(b",\"headers\":[");
        for (n, (name, value)) in self.headers.iter().enumerate() {
            out.extend_from_slice(if n == 0 { b"[" } else { b",[" });
            json_string(out, name);
            out.push(b',');
            json_string(out, value);
            out.push(b']');
        }
        out.push(b']');
        if !self.headers_base64.is_empty() {
            out.extend_from_slice(b",\"headers_base64\":");
            serde_json::to_writer(&mut *out, &self.headers_base64)?;
        }
        if let Some(body) = &self.body {
            out.extend_from_slice(b",\"body\":");
            json_string(out, body);
        }
        if let Some(b64) = &self.body_base64 {
            out.extend_from_slice(b",\"body_base64\":");
            json_string(out, b64);
        }
        out.extend_from_slice(b",\"bytes\":");
        serde_json::to_writer(&mut *out, &self.bytes)?;
        out.extend_from_slice(b",\"kind\":");
        serde_json::to_writer(&mut *out, &self.kind)?;
        if let Some(v) = &self.verdict {
            out.extend_from_slice(b",\"verdict\":");
            write_verdict(out, v)?;
        }
        if let Some(note) = &self.note {
            out.extend_from_slice(b",\"note\":");
            json_string(out, note);
        }
        if let Some(first) = self.repeat_of {
            out.extend_from_slice(b",\"repeat_of\":");
            serde_json::to_writer(&mut *out, &first)?;
        }
        if let Some(why) = &self.unauthorized {
            out.extend_from_slice(b",\"unauthorized\":");
            json_string(out, why);
        }
        out.extend_from_slice(b",\"answer\":");
        serde_json::to_writer(&mut *out, &self.answer)?;
        if let Some(json) = &self.body_json {
            out.extend_from_slice(b",\"body_json\":");
            out.extend_from_slice(json.as_bytes());
        }
        out.push(b'}');
        Ok(())
    }
}

/// A request's verdict as `serde_json` writes it, its field values that are strings by
/// `json_string`.
fn write_verdict(out: &mut Vec<u8>, v: &Verdict) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"kind\":");
    serde_json::to_writer(&mut *out, &v.kind)?;
    out.extend_from_slice(if v.valid {
        b",\"valid\":true,\"errors\":"
    } else {
        b",\"valid\":false,\"errors\":"
    });
    serde_json::to_writer(&mut *out, &v.errors)?;
    out.extend_from_slice(b",\"warnings\":");
    serde_json::to_writer(&mut *out, &v.warnings)?;
    if !v.not_checked.is_empty() {
        out.extend_from_slice(b",\"not_checked\":");
        serde_json::to_writer(&mut *out, &v.not_checked)?;
    }
    out.extend_from_slice(b",\"fields\":{");
    for (n, (label, value)) in v.fields.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        json_string(out, label);
        out.push(b':');
        match value {
            Value::String(s) => json_string(out, s),
            other => serde_json::to_writer(&mut *out, other)?,
        }
    }
    out.extend_from_slice(b"}}");
    Ok(())
}

/// A string as JSON, byte for byte as `serde_json` writes it: the runs with nothing to escape (a
/// quote, a backslash, a control character) found eight bytes at a time and copied whole, each
/// byte between them escaped as `serde_json` escapes it. Most strings of a record have nothing to
/// escape: those are one run, and the escaping is out of line.
fn json_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let stop = crate::json::tape::plain_run(bytes, 0);
    out.extend_from_slice(&bytes[..stop]);
    if stop < bytes.len() {
        escaped(out, bytes, stop);
    }
    out.push(b'"');
}

/// The rest of a string from the byte at `at`, the first to escape.
#[inline(never)]
fn escaped(out: &mut Vec<u8>, bytes: &[u8], mut at: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]),
        }
        let stop = crate::json::tape::plain_run(bytes, at + 1);
        out.extend_from_slice(&bytes[at + 1..stop]);
        at = stop;
    }
}

/// A `body_json` read back: the JSON text as it stands in the line, byte for byte (`null` too: a
/// body of `null` is JSON like any other, not the absence of a body).
fn verbatim_json<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(d)?;
    Ok(Some(String::from(Box::<str>::from(raw))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::contract::{self, Finding};
    use proptest::prelude::*;

    #[test]
    fn bytes_kept_as_base64_are_read_back_and_bad_base64_names_its_field() {
        let mut record = record("x", false, false);
        record.body_base64 = Some("AP8=".into());
        record.headers = vec![("x-raw".into(), "?".into())];
        record.headers_base64 = vec![(0, "/w==".into())];
        assert_eq!(record.body_bytes(), Ok(vec![0, 255]));
        assert_eq!(record.header_bytes(0), Some(Ok(vec![255])));
        assert_eq!(record.header_bytes(1), None);
        record.body_base64 = Some("not base64!".into());
        record.headers_base64 = vec![(0, "%%".into())];
        let body = record.body_bytes().unwrap_err().to_string();
        assert!(body.starts_with("body_base64 is not base64: "), "{body}");
        let header = record.header_bytes(0).unwrap().unwrap_err().to_string();
        assert!(header.starts_with("headers_base64 is not base64: "), "{header}");
    }

    /// The line as `serde_json` writes the record, a JSON body put last.
    fn by_serde(r: &Record) -> Vec<u8> {
        let mut line = serde_json::to_vec(r).expect("a record serialises");
        if let Some(json) = &r.body_json {
            line.pop();
            line.extend_from_slice(b",\"body_json\":");
            line.extend_from_slice(json.as_bytes());
            line.push(b'}');
        }
        line
    }

    fn verdict(s: &str, kind: Kind, valid: bool, with: bool) -> Verdict {
        let finding = || Finding::new(s, s).expected(s).found(Some(&json!(s)));
        let fields = match with {
            true => serde_json::from_value(json!({
                s: s, "n": 1.5, "none": null, "yes": true, "list": [s, 2], "object": { s: [s] },
            }))
            .expect("fields"),
            false => contract::Fields::default(),
        };
        Verdict {
            kind,
            valid,
            errors: if with { vec![finding(), finding()] } else { Vec::new() },
            warnings: if with { vec![finding()] } else { Vec::new() },
            not_checked: if with { vec![s.to_string()] } else { Vec::new() },
            fields,
        }
    }

    /// A record with every optional part (`full`) or none, its strings `s`.
    fn record(s: &str, full: bool, body_json: bool) -> Record {
        let some = |v: String| full.then_some(v);
        Record {
            index: 7,
            time: s.to_string(),
            method: s.to_string(),
            path: s.to_string(),
            headers: if full {
                vec![(s.to_string(), s.to_string()), ("a".into(), s.to_string())]
            } else {
                vec![]
            },
            // A record holds its body one way: as JSON in its place, or as a string.
            headers_base64: if full { vec![(1, s.to_string())] } else { vec![] },
            body: some(s.to_string()).filter(|_| !body_json),
            body_json: body_json.then(|| r#"{"x": [1, "y"]}"#.to_string()),
            body_base64: some(s.to_string()),
            bytes: 12,
            kind: full.then_some(Kind::EvaServiceRequest),
            verdict: full.then(|| verdict(s, Kind::BotpressEvent, false, true)),
            note: some(s.to_string()),
            repeat_of: full.then_some(3),
            unauthorized: some(s.to_string()),
            answer: AnswerRecord {
                status: 200,
                forwarded: full,
                forwarded_to: some(s.to_string()),
                reason: some(s.to_string()),
                option: full.then(|| json!(s)),
                content: full.then(|| json!({ s: s })),
                verdict: full.then(|| verdict(s, Kind::EvaServiceResponse, true, false)),
                body: full.then(|| json!({ "ok": s })),
            },
        }
    }

    #[test]
    fn a_line_is_the_record_as_serde_json_writes_it() {
        let strings = [
            "",
            "plain",
            "a \"quote\"",
            "back\\slash",
            "line\nbreak\ttab",
            "\u{1}\u{1f}\u{7f}",
            "José ✓ 日本",
        ];
        for s in strings {
            for full in [false, true] {
                for body_json in [false, true] {
                    let r = record(s, full, body_json);
                    let mut line = Vec::new();
                    r.write_json(&mut line).expect("written");
                    assert_eq!(
                        String::from_utf8_lossy(&line),
                        String::from_utf8_lossy(&by_serde(&r)),
                        "{s:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_ascii_character_is_escaped_as_serde_json_escapes_it() {
        for c in (0u8..0x80).map(char::from) {
            // Alone, between plain runs, and twice in a row past an eight-byte word.
            for s in [c.to_string(), format!("a{c}b"), format!("0123456789{c}{c}x")] {
                let mut out = Vec::new();
                json_string(&mut out, &s);
                assert_eq!(out, serde_json::to_vec(&s).expect("a string"), "{s:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn text_dense_with_escapes_is_written_as_serde_json_writes_it(
            s in proptest::collection::vec(
                prop_oneof![
                    proptest::char::range('\u{0}', '\u{1f}'),
                    proptest::sample::select(vec!['"', '\\', 'a', ' ', '\u{7f}', 'é', '\u{2028}']),
                ],
                0..40,
            ).prop_map(String::from_iter)
        ) {
            let mut out = Vec::new();
            json_string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_vec(&s).expect("a string"));
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in any::<String>()) {
            let mut out = Vec::new();
            json_string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_vec(&s).expect("a string"));
            let r = record(&s, true, false);
            let mut line = Vec::new();
            r.write_json(&mut line).expect("written");
            prop_assert_eq!(line, by_serde(&r));
        }
    }
}
