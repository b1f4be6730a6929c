//! One worker's HTTP/1 connection to an `http://` target: send, await the answer, send again on
//! the same connection; connect again when it was closed or failed.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HOST, HeaderMap, HeaderValue, LOCATION};
use hyper_util::rt::TokioIo;

use crate::catalogue::Platform;
use crate::http::{self, TransportError};
use crate::send::Target;

/// What came back, as much as a status-only judgement needs.
pub struct Answer {
    pub status: u16,
    /// The body was longer than `--max-response`.
    pub truncated: bool,
    pub latency_ms: f64,
    /// Where a redirect (3xx) points.
    pub location: Option<HeaderValue>,
}

pub struct Conn {
    host: String,
    port: u16,
    /// `host:port`, as transport errors name it.
    at: String,
    path: hyper::Uri,
    headers: HeaderMap,
    timeout: Duration,
    cap: usize,
    shown: String,
    sender: Option<SendRequest<Full<Bytes>>>,
    timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl Conn {
    /// A connection for `target` (an `http://` url), opened at the first request.
    pub fn new(target: &Target, platform: Platform) -> Option<Conn> {
        let url = &target.url;
        let host = url.host_str()?.to_string();
        let port = url.port_or_known_default()?;
        let mut headers = target.headers_for(platform);
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        if !headers.contains_key(HOST) {
            headers.insert(HOST, HeaderValue::from_str(&authority).ok()?);
        }
        crate::send::client::complete(&mut headers);
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let d = target.delivery();
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        Some(Conn {
            at: format!("{host}:{port}"),
            host,
            port,
            path: path.parse().ok()?,
            headers,
            timeout: d.timeout,
            cap: d.max_response,
            shown: http::shown_url(url.as_str(), false),
            sender: None,
            timer: None,
        })
    }

    /// Post one body and read the answer, within `--timeout`; a transport error in one line.
    pub async fn post(&mut self, body: Bytes) -> Result<Answer, TransportError> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::from_std(started + self.timeout);
        // One timer per connection, moved only when it fires early (it was set for an earlier
        // request, so it never fires late): no timer is made and cancelled per request.
        let mut timer = self.timer.take().unwrap_or_else(|| Box::pin(tokio::time::sleep_until(deadline)));
        let answer = {
            let mut exchange = std::pin::pin!(self.exchange(body));
            loop {
                tokio::select! {
                    biased;
                    answer = &mut exchange => break Ok(answer),
                    () = timer.as_mut() => match tokio::time::Instant::now() >= deadline {
                        true => break Err(()),
                        false => timer.as_mut().reset(deadline),
                    },
                }
            }
        };
        self.timer = Some(timer);
        match answer {
            Ok(Ok((status, truncated, location))) => {
                Ok(Answer { status, truncated, latency_ms: started.elapsed().as_secs_f64() * 1e3, location })
            }
            Ok(Err(e)) => {
                self.sender = None;
                Err(e)
            }
            Err(_) => {
                self.sender = None;
                Err(TransportError(format!(
                    "timeout: {} did not answer within {} (--timeout)",
                    self.shown,
                    http::human(self.timeout)
                )))
            }
        }
    }

    async fn exchange(&mut self, body: Bytes) -> Result<(u16, bool, Option<HeaderValue>), TransportError> {
        let mut request = hyper::Request::new(Full::new(body));
        *request.method_mut() = hyper::Method::POST;
        *request.uri_mut() = self.path.clone();
        *request.headers_mut() = self.headers.clone();
        let at = self.at.as_str();
        // A kept connection the server has closed meanwhile gives the request back unsent: send
        // it again on a new one.
        let mut fresh = false;
        let response = loop {
            if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
                self.sender = Some(self.connect().await?);
                fresh = true;
            }
            let sender = self.sender.as_mut().expect("connected above");
            let ready = sender.ready().await;
            if ready.is_err() && !fresh {
                self.sender = None;
                continue;
            }
            ready.map_err(|e| name(at, &e))?;
            match sender.try_send_request(request).await {
                Ok(r) => break r,
                Err(mut e) => match e.take_message() {
                    Some(back) if !fresh => {
                        request = back;
                        self.sender = None;
                    }
                    _ => return Err(name(at, e.error())),
                },
            }
        };
        let status = response.status().as_u16();
        let location = match response.status().is_redirection() {
            true => response.headers().get(LOCATION).cloned(),
            false => None,
        };
        let mut body = response.into_body();
        let (mut read, mut truncated) = (0, false);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| self.name(&e))?;
            if let Some(data) = frame.data_ref() {
                read += data.len();
                if read > self.cap {
                    truncated = true;
                    // The rest of the answer is left unread: this connection is done.
                    self.sender = None;
                    break;
                }
            }
        }
        Ok((status, truncated, location))
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, TransportError> {
        let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| self.name(&e))?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| self.name(&e))?;
        tokio::spawn(conn);
        Ok(sender)
    }

    fn name(&self, e: &(dyn std::error::Error + 'static)) -> TransportError {
        name(&self.at, e)
    }
}

/// Name a transport failure as single sends do.
fn name(at: &str, e: &(dyn std::error::Error + 'static)) -> TransportError {
    TransportError(describe(at, e))
}

/// What [`name`] says, in words.
fn describe(at: &str, e: &(dyn std::error::Error + 'static)) -> String {
    {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(said) =
                s.downcast_ref::<std::io::Error>().and_then(|io| crate::http::io_failure(io, at))
            {
                return said;
            }
            source = s.source();
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() || h.is_closed() || h.is_canceled() {
                return format!("connection closed by {at} before it answered");
            }
        }
        let mut chain = Vec::new();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            chain.push(s.to_string());
            source = s.source();
        }
        format!("transport error talking to {at}: {}", chain.join(": "))
    }
}
