//! `--forward-to`: relaying a request to the user's own server and keeping what it answered.
//!
//! The answer is read whole (it is judged and kept in the record), at most `--max-response` bytes
//! of it: a longer one is not relayed, and the client is answered 502 with the limit named.

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, StatusCode};
use serde_json::Value;

use super::Config;
use crate::http::{self, TransportError};

/// Relay a request, exact body bytes and headers, and bring back the status and body; or say in
/// one line why not (the target cannot be reached, or its answer is over `--max-response`).
pub(super) async fn forward(
    client: &reqwest::Client,
    url: &url::Url,
    headers: &HeaderMap,
    hop_chain: &str,
    method: &Method,
    body: &Bytes,
    config: &Config,
) -> std::result::Result<(StatusCode, Vec<u8>), TransportError> {
    let mut relay = reqwest::header::HeaderMap::new();
    for (name, value) in headers.iter().filter(|(n, _)| !http::hop_by_hop(n.as_str())) {
        relay.append(name.clone(), value.clone());
    }
    if let Ok(chain) = HeaderValue::from_str(hop_chain) {
        relay.insert(http::HOP_HEADER, chain);
    }
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::POST);
    // The body is shared with the request, not copied.
    let answer = http::send(
        client,
        method,
        url,
        relay,
        Some(body.clone()),
        config.max_response,
        config.forward_timeout,
    )
    .await
    .map_err(|e| TransportError(format!("--forward-to: {e}")))?;
    if answer.truncated {
        return Err(TransportError(over_cap(config.max_response)));
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    Ok((status, answer.body))
}

/// Why an answer over the cap is not relayed.
fn over_cap(cap: usize) -> String {
    format!("--forward-to: the answer is over the {cap} byte limit (--max-response); not relayed")
}

/// The body of a forwarded answer as a record keeps it: JSON as a value, other text as a string
/// (lossy UTF-8), nothing when empty. JSON with more values than the receiver makes a tree of
/// ([`super::heavy::too_many_values`]) is kept as its text.
pub(super) fn kept_body(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    let as_text = || Value::String(String::from_utf8_lossy(bytes).into_owned());
    if super::heavy::too_many_values(bytes).is_some() {
        return Some(as_text());
    }
    Some(serde_json::from_slice(bytes).unwrap_or_else(|_| as_text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_names_the_limit_and_the_flag() {
        assert_eq!(
            over_cap(10),
            "--forward-to: the answer is over the 10 byte limit (--max-response); not relayed"
        );
    }
}
