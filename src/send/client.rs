//! What hookctl's HTTP client adds to a request on its own, as one rule: `send`'s report, `send
//! --dry-run`, `send --print curl` and load runs all show and send the same headers.

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};

/// What the HTTP client sends as `Accept` when the request sets none (eva's requests). `Host` and
/// `Content-Length` come from the url and the body.
pub const CLIENT_ACCEPT: &str = "*/*";

/// Complete `headers` into the set that goes on the wire: the `Accept` the client would add when
/// there is none, last, where the client puts it. Sending the completed set changes nothing on the
/// wire; showing it shows every header sent.
pub fn complete(headers: &mut HeaderMap) {
    if !headers.contains_key(ACCEPT) {
        headers.insert(ACCEPT, HeaderValue::from_static(CLIENT_ACCEPT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_is_added_last_when_missing_and_kept_when_set() {
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        complete(&mut h);
        let names: Vec<&str> = h.keys().map(|n| n.as_str()).collect();
        assert_eq!(names, ["content-type", "accept"]);
        assert_eq!(h[ACCEPT], CLIENT_ACCEPT);
        let mut set = HeaderMap::new();
        set.insert(ACCEPT, HeaderValue::from_static("application/json"));
        complete(&mut set);
        assert_eq!(set[ACCEPT], "application/json");
        assert_eq!(set.len(), 1);
    }
}
