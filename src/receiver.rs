//! A webhook receiver that answers as a correct one would: 200 `{}` to Botpress events, and to eva a
//! valid answer built from the request (the service cell's first expected option, the transactional
//! answer unchanged, the three contexts echoed). `send` with no target delivers here.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::catalogue::Kind;

/// The answer a correct receiver gives to a request of this kind.
pub fn reference_answer(kind: Option<Kind>, request: &Value, option: Option<&str>) -> Value {
    let mut answer = Map::new();
    match kind {
        Some(Kind::EvaServiceRequest) => {
            let first = request.pointer("/expectedOptions/0").and_then(Value::as_str);
            let chosen = option.or(first).unwrap_or("ERROR");
            answer.insert("option".into(), Value::from(chosen));
        }
        Some(Kind::EvaAnswerRequest) => {
            answer.insert("answer".into(), request.get("answer").cloned().unwrap_or(Value::Null));
        }
        _ => return json!({}),
    }
    for ctx in ["openContext", "visibleContext", "hiddenContext"] {
        answer.insert(ctx.into(), request.get(ctx).cloned().unwrap_or_else(|| json!({})));
    }
    Value::Object(answer)
}

/// A running receiver on loopback. Dropping it leaves the task to end with the runtime.
pub struct Receiver {
    pub addr: SocketAddr,
}

impl Receiver {
    /// Bind `127.0.0.1:0` and serve in the background.
    pub async fn start() -> std::io::Result<Receiver> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let app = Router::new().fallback(answer);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receiver { addr })
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }
}

async fn answer(body: Bytes) -> Response {
    let Ok(doc) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"body is not JSON"}"#,
        )
            .into_response();
    };
    let answer = reference_answer(Kind::detect(&doc), &doc, None);
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], answer.to_string()).into_response()
}
