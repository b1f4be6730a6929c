//! The validate workload: eva service-cell answers of about 830 bytes each, one in ten invalid,
//! each file named for what it is (`valid-NNNNN.json`, `invalid-NNNNN.json`), so that a run's
//! verdicts can be checked against the names.

use std::path::Path;

use serde_json::{Value, json};

/// Whether document `i` of a set is made invalid: one in ten, spread through the set.
pub fn is_invalid(i: usize) -> bool {
    i % 10 == 7
}

/// The file name of document `i`, saying what it is.
pub fn file_name(i: usize) -> String {
    format!("{}-{i:05}.json", if is_invalid(i) { "invalid" } else { "valid" })
}

/// Document `i`: a service-cell answer with the three contexts filled as a real webhook fills
/// them. An invalid one breaks the contract in one of three ways, in turn: an option that is
/// not a string, a context that is not an object, a field where none is allowed to be absent.
pub fn document(i: usize) -> Value {
    let mut doc = json!({
        "option": if i % 2 == 0 { "CLIENT" } else { "NOT_CLIENT" },
        "openContext": {
            "unsafeVar": i,
            "channel": "MyHomepage",
            "lastIntent": "check_client_status",
            "turns": [i % 7, i % 11, i % 13],
            "locale": "pt-BR"
        },
        "visibleContext": {
            "unsafeVarRO": "foo",
            "greeting": format!("Olá, cliente número {i}! Como posso ajudar hoje?"),
            "segment": if i % 3 == 0 { "premium" } else { "standard" }
        },
        "hiddenContext": {
            "id": 6722 + i,
            "clientInfo": {
                "name": format!("Cliente de Teste {i}"),
                "id": 6722 + i,
                "birthdate": "1980-03-03",
                "document": format!("{:011}", 87_237_236_722u64 + i as u64),
                "email": format!("cliente{i}@example.com"),
                "address": {"street": "Rua das Flores", "number": i % 900 + 1, "city": "São Paulo", "zip": "01310-100"},
                "products": ["conta-corrente", "cartao-credito", "investimentos"],
                "since": "2015-06-21T10:20:30Z"
            },
            "session": {"token": format!("{:032x}", (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15)), "attempts": i % 4}
        }
    });
    if is_invalid(i) {
        match (i / 10) % 3 {
            0 => doc["option"] = json!(i),
            1 => doc["openContext"] = json!("not an object"),
            _ => {
                doc.as_object_mut().expect("an object").shift_remove("option");
            }
        }
    }
    doc
}

/// Write documents `0..n` into `dir` (which must exist), compact as webhooks answer. Returns
/// how many of them are invalid.
pub fn write(dir: &Path, n: usize) -> std::io::Result<usize> {
    let mut invalid = 0;
    for i in 0..n {
        invalid += usize::from(is_invalid(i));
        let bytes = serde_json::to_vec(&document(i)).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(file_name(i)), bytes)?;
    }
    Ok(invalid)
}

/// One big service-cell answer of about `bytes` bytes: a valid answer whose hidden context holds
/// a long history, as an export might.
pub fn big_document(bytes: usize) -> Vec<u8> {
    let entry = |i: usize| json!({"at": "2024-01-01T00:00:00Z", "intent": format!("intent_{}", i % 97), "text": "o cliente perguntou sobre o saldo da conta", "n": i});
    let one = serde_json::to_vec(&entry(0)).expect("JSON").len() + 1;
    let history: Vec<Value> = (0..bytes / one).map(entry).collect();
    let doc = json!({
        "option": "CLIENT",
        "openContext": {},
        "visibleContext": {},
        "hiddenContext": {"history": history}
    });
    serde_json::to_vec(&doc).expect("JSON")
}
