//! `--forward-to`: relaying a request to the user's own server and keeping what it answered.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;

use super::Config;
use crate::http;

/// Relay a request, exact body bytes and headers, and bring back the status and body.
pub(super) async fn forward(
    client: &reqwest::Client,
    url: &url::Url,
    headers: &HeaderMap,
    hop_chain: &str,
    method: &axum::http::Method,
    body: &[u8],
    config: &Config,
) -> std::result::Result<(StatusCode, Vec<u8>), String> {
    let mut relay = reqwest::header::HeaderMap::new();
    for (name, value) in headers.iter().filter(|(n, _)| !http::hop_by_hop(n.as_str())) {
        relay.append(name.clone(), value.clone());
    }
    if let Ok(chain) = HeaderValue::from_str(hop_chain) {
        relay.insert(http::HOP_HEADER, chain);
    }
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::POST);
    let resp = client
        .request(method, url.clone())
        .headers(relay)
        .body(body.to_vec())
        .send()
        .await
        .map_err(|e| format!("--forward-to: {}", http::describe(&e, url, config.forward_timeout)))?;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let body = resp
        .bytes()
        .await
        .map_err(|e| format!("--forward-to: {}", http::describe(&e, url, config.forward_timeout)))?;
    Ok((status, body.to_vec()))
}

/// The body of a forwarded answer as a record keeps it: JSON as a value, other text as a string
/// (lossy UTF-8), nothing when empty.
pub(super) fn kept_body(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
    )
}
