//! Reading a request's body within the listener's limits (`--max-body`, `--body-timeout`), or
//! saying why it is refused.

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::StatusCode;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};

use super::Config;
use crate::http;

/// Read a request's body within the limits, or say how it is refused: 413 for a body over
/// `--max-body` (at once when its declared length is), 400 for one whose framing is broken or that
/// ends early, 408 for one that does not arrive in time.
pub(super) async fn receive(
    body: Incoming,
    headers: &HeaderMap,
    config: &Config,
) -> std::result::Result<Bytes, (StatusCode, String)> {
    let over = || {
        (StatusCode::PAYLOAD_TOO_LARGE, format!("body over the {} byte limit (--max-body)", config.max_body))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > config.max_body as u64) {
        let why = format!(
            "body of {n} bytes (Content-Length) over the {} byte limit (--max-body)",
            config.max_body
        );
        return Err((StatusCode::PAYLOAD_TOO_LARGE, why));
    }
    let read = async {
        let mut body = body;
        // Most bodies come in one piece: it is kept as it is, not copied.
        let (mut pieces, mut total) = (Vec::<Bytes>::new(), 0usize);
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| (StatusCode::BAD_REQUEST, format!("malformed body: {}", cause(&e))))?;
            if let Ok(data) = frame.into_data() {
                total += data.len();
                if total > config.max_body {
                    return Err(over());
                }
                pieces.push(data);
            }
        }
        Ok(match pieces.len() {
            0 | 1 => pieces.pop().unwrap_or_default(),
            _ => Bytes::from(pieces.concat()),
        })
    };
    tokio::time::timeout(config.read_timeout, read).await.unwrap_or_else(|_| {
        Err((
            StatusCode::REQUEST_TIMEOUT,
            format!("body not received within {}", http::human(config.read_timeout)),
        ))
    })
}

/// What went wrong at the bottom of an error's chain.
fn cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(source) = last.source() {
        last = source;
    }
    last.to_string()
}
