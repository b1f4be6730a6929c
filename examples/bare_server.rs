//! A minimal HTTP server used as a baseline in `benches/load.sh`.
//!
//! It binds 127.0.0.1 on the port given as the first argument (0, the default, picks a free
//! one), prints `listening on http://ADDR` once it accepts connections, and answers every
//! method and path with 200 and the JSON body `{}`. Request bodies are read in full and thrown
//! away, so the cost measured is that of a server doing no work beyond HTTP itself.
//!
//! Build: `cargo build --release --example bare_server`

use std::io::Write;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;

/// Answers anything with 200 `{}`. Taking the body as `Bytes` makes axum read it to the end.
async fn answer(_body: Bytes) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], "{}")
}

#[tokio::main]
async fn main() {
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().unwrap_or_else(|_| {
            eprintln!("bare_server: port must be a number from 0 to 65535, got {arg:?}");
            std::process::exit(2);
        }),
        None => 0,
    };
    let bind = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(bind).await.unwrap_or_else(|e| {
        eprintln!("bare_server: cannot listen on {bind}: {e}");
        std::process::exit(1);
    });
    let addr = listener.local_addr().expect("a bound socket has a local address");

    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on http://{addr}");
    let _ = stdout.flush();
    drop(stdout);

    let app = Router::new().fallback(answer);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("bare_server: {e}");
        std::process::exit(1);
    }
}
