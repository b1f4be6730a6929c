//! `--forward-to`: where a request is relayed (the request's path and query after the target's,
//! or the target as given with `--forward-exact`), relaying it to the user's own server, and
//! keeping what it answered.
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

/// Where a request to `path` (its query after `?`, if any) is relayed: the request's path after
/// the target's base path and its query after the target's, or the target itself when `exact`.
/// A request to `/` goes to the target as given (`/?q` adds its query); `http://h/api` and
/// `http://h/api/` are the same base. Nothing is decoded or re-encoded.
pub(super) fn target(base: &url::Url, path: &str, exact: bool) -> url::Url {
    if exact {
        return base.clone();
    }
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let mut url = base.clone();
    if path != "/" && path.starts_with('/') {
        let joined = format!("{}{path}", base.path().trim_end_matches('/'));
        url.set_path(&joined);
    }
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        let joined = match base.query().filter(|q| !q.is_empty()) {
            Some(own) => format!("{own}&{query}"),
            None => query.to_string(),
        };
        url.set_query(Some(&joined));
    }
    url
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
    fn the_request_path_and_query_follow_the_base() {
        let at = |base: &str, path: &str| target(&url::Url::parse(base).unwrap(), path, false).to_string();
        let api = "http://localhost:3000/api";
        assert_eq!(at(api, "/eva/service?x=1"), "http://localhost:3000/api/eva/service?x=1");
        assert_eq!(at("http://localhost:3000/api/", "/eva"), "http://localhost:3000/api/eva");
        assert_eq!(at("http://localhost:3000", "/eva"), "http://localhost:3000/eva");
        assert_eq!(at("http://localhost:3000/", "/eva/"), "http://localhost:3000/eva/");
        // A request to the root goes to the base itself.
        assert_eq!(at(api, "/"), api);
        assert_eq!(at("http://localhost:3000/api/", "/"), "http://localhost:3000/api/");
        assert_eq!(at(api, "/?x=1"), "http://localhost:3000/api?x=1");
        // Both queries are kept, the base's first.
        assert_eq!(at("http://h/api?key=k", "/e?x=1"), "http://h/api/e?key=k&x=1");
        assert_eq!(at("http://h/api?key=k", "/e"), "http://h/api/e?key=k");
        assert_eq!(at("http://h/api?key=k", "/e?"), "http://h/api/e?key=k");
        // As the request spelled it: nothing decoded, nothing encoded twice.
        assert_eq!(at(api, "/a%2Fb/%C3%A9"), "http://localhost:3000/api/a%2Fb/%C3%A9");
        assert_eq!(at(api, "//twice"), "http://localhost:3000/api//twice");
        // A target that is not a path (`OPTIONS *`) leaves the base's.
        assert_eq!(at(api, "*"), api);
        let exact = target(&url::Url::parse(api).unwrap(), "/eva/service?x=1", true);
        assert_eq!(exact.as_str(), api);
    }

    #[test]
    fn the_refusal_names_the_limit_and_the_flag() {
        assert_eq!(
            over_cap(10),
            "--forward-to: the answer is over the 10 byte limit (--max-response); not relayed"
        );
    }
}
