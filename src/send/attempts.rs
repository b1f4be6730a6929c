//! The attempts of one delivery: one, or Botpress's schedule under `--retry botpress`, each told
//! to the target's observer as it ends.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::{Attempt, Progress, Retry, Target};
use crate::http::{self, Answer, TransportError};
use crate::platform::botpress;

impl Target {
    /// Post the bytes until an attempt gets a 2xx or none is left (one, or Botpress's schedule
    /// under `--retry botpress`), telling the observer of each. The attempts, and the last result.
    pub(super) async fn attempts(
        &self,
        headers: &HeaderMap,
        bytes: &Bytes,
        (delivery, deliveries): (u32, u32),
    ) -> (Vec<Attempt>, Result<Answer, TransportError>) {
        let d = &self.delivery;
        let allowed = match d.retry {
            Retry::None => 1,
            Retry::Botpress => botpress::ATTEMPTS,
        };
        let wait_before = |n: u32| botpress::retry_wait(n).mul_f64(d.retry_scale);
        let mut attempts = Vec::new();
        let mut last = Err(TransportError(String::new()));
        let mut wait = Duration::ZERO;
        for n in 1..=allowed {
            if n > 1 {
                wait = wait_before(n);
                tokio::time::sleep(wait).await;
            }
            last = http::post(&self.client, &self.url, headers, bytes, d.max_response, d.timeout).await;
            let (status, error, latency_ms) = match &last {
                Ok(a) => (Some(a.status), None, a.latency_ms),
                Err(e) => (None, Some(e.to_string()), 0.0),
            };
            let attempt =
                Attempt { attempt: n, status, error, latency_ms, waited_ms: wait.as_millis() as u64 };
            let accepted = matches!(&last, Ok(a) if (200..300).contains(&a.status));
            if let Some(observer) = &self.observer {
                let next_in = (!accepted && n < allowed).then(|| wait_before(n + 1));
                let attempt = attempt.clone();
                observer(&Progress { delivery, deliveries, attempt, attempts: allowed, next_in });
            }
            attempts.push(attempt);
            if accepted {
                break;
            }
        }
        (attempts, last)
    }
}

/// Run futures at once on this task and collect their outputs in order.
pub(super) async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(v) => *output = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("every future finished")).collect()
}
