//! Serving the receiver: the accept loop, one HTTP/1 connection a task, and the limits that keep a
//! listener answering whatever its clients do: a cap on open connections (at which the kept-alive
//! connection idle longest is closed for a new client), a deadline for each request's headers, a
//! deadline for a connection with no request under way, and a bounded grace when it is told to
//! stop.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::{Event, Shared};

/// The limits a listener serves under (from [`super::Config`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub grace: Duration,
}

/// How a running server is told to stop.
pub(super) struct Stops {
    /// Stop accepting, and give the requests in flight the grace.
    pub stop: oneshot::Receiver<()>,
    /// Drop whatever is still in flight, now.
    pub hurry: oneshot::Receiver<()>,
}

/// How often a client waiting for room looks again for an idle connection to close, while every
/// connection has a request under way.
const RECHECK: Duration = Duration::from_millis(100);

/// Accept connections and serve each until told to stop; then stop accepting at once (the socket
/// is closed), let requests in flight finish within the grace, and drop what is left. A request
/// is captured before it is answered, so one dropped unanswered was never acknowledged.
pub(super) async fn serve(listener: TcpListener, shared: Arc<Shared>, limits: Limits, stops: Stops) {
    let Stops { mut stop, mut hurry } = stops;
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let open = Arc::new(Open::default());
    let graceful = GracefulShutdown::new();
    let mut tasks = JoinSet::new();
    let mut said_full = false;
    loop {
        let permit = permits.clone().try_acquire_owned().ok();
        if permit.is_none() && !said_full {
            said_full = true;
            shared.event(Event::Full { limit: limits.max_connections });
        }
        let stream = tokio::select! {
            biased;
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors or memory: wait for connections to close rather than spin.
                    if !per_connection(&e) {
                        tokio::select! {
                            _ = &mut stop => break,
                            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                        }
                    }
                    continue;
                }
            },
        };
        // At the cap: room is made for this client, or it waits for it.
        let permit = match permit {
            Some(permit) => permit,
            None => match room(&permits, &open, &mut stop).await {
                Some(permit) => permit,
                None => break,
            },
        };
        while tasks.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let state = open.add();
        tasks.spawn(connection(stream, shared.clone(), limits, graceful.watcher(), (permit, state)));
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.grace) => {}
        _ = &mut hurry => {}
    }
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
}

/// A connection's room, for a client accepted when every connection is taken: the kept-alive
/// connection idle longest is closed for it; when none is idle, it waits until a connection
/// closes (looking again for an idle one now and then). `None` once told to stop.
async fn room(
    permits: &Arc<Semaphore>,
    open: &Open,
    stop: &mut oneshot::Receiver<()>,
) -> Option<OwnedSemaphorePermit> {
    loop {
        open.evict_idle_longest();
        tokio::select! {
            biased;
            _ = &mut *stop => return None,
            permit = permits.clone().acquire_owned() => return permit.ok(),
            _ = tokio::time::sleep(RECHECK) => {}
        }
    }
}

/// The connections open, each by a number of its own, so that one idle can be closed for a new
/// client. Written when a connection opens and closes, read only at the cap.
#[derive(Default)]
struct Open {
    all: Mutex<(u64, HashMap<u64, Arc<State>>)>,
}

impl Open {
    /// A new connection's state, registered until the returned handle is dropped.
    fn add(self: &Arc<Self>) -> Registered {
        let state = Arc::new(State { phase: Mutex::new(Phase::Head(Instant::now())), evict: Notify::new() });
        let mut all = self.all.lock().unwrap_or_else(|p| p.into_inner());
        all.0 += 1;
        let id = all.0;
        all.1.insert(id, state.clone());
        Registered { open: self.clone(), id, state }
    }

    /// Close the kept-alive connection idle longest, if one is idle (answered, and no byte of
    /// another request since): it is marked so under its phase's lock, which a request's first
    /// byte takes too, so a connection with a request under way is never the one.
    fn evict_idle_longest(&self) {
        let all = self.all.lock().unwrap_or_else(|p| p.into_inner());
        let oldest = all
            .1
            .values()
            .filter_map(|s| match s.get() {
                Phase::Waiting(since) => Some((since, s)),
                _ => None,
            })
            .min_by_key(|(since, _)| *since);
        if let Some((since, state)) = oldest {
            let mut phase = state.phase.lock().unwrap_or_else(|p| p.into_inner());
            if matches!(*phase, Phase::Waiting(s) if s == since) {
                *phase = Phase::Evicted;
                state.evict.notify_one();
            }
        }
    }
}

/// A connection's place in [`Open`], given up when its task ends.
struct Registered {
    open: Arc<Open>,
    id: u64,
    state: Arc<State>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.open.all.lock().unwrap_or_else(|p| p.into_inner()).1.remove(&self.id);
    }
}

/// An accept error that concerns one connection only (the client gave up before it was accepted).
fn per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
    )
}

/// Where a connection stands, and since when: what decides the deadline it is held to.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// A request's head is arriving (or a new connection is expected to send one).
    Head(Instant),
    /// A request is being read, judged, captured and answered: the body has its own deadline.
    Busy,
    /// Answered, and no byte of another request yet.
    Waiting(Instant),
    /// Was waiting, and is closed for a new client at the cap (unless a request came meanwhile).
    Evicted,
}

/// A connection's phase, written by its socket and its service as they go and read by its
/// deadline when that wakes, and how it is told it is closed for a new client. Nobody is woken
/// when the phase changes: a request costs two stores, not two wake-ups of the connection's task.
struct State {
    phase: Mutex<Phase>,
    evict: Notify,
}

impl State {
    fn get(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Clone)]
struct SharedPhase(Arc<State>);

impl SharedPhase {
    fn set(&self, phase: Phase) {
        *self.0.phase.lock().unwrap_or_else(|p| p.into_inner()) = phase;
    }

    fn get(&self) -> Phase {
        self.0.get()
    }
}

/// Serve one connection until it closes, breaks a deadline, or the server stops.
async fn connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    limits: Limits,
    watcher: Watcher,
    (_permit, registered): (OwnedSemaphorePermit, Registered),
) {
    let phase = SharedPhase(registered.state.clone());
    let io = TokioIo::new(Watched { stream, phase: phase.clone() });
    let deadlines = phase.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let (shared, phase) = (shared.clone(), phase.clone());
        phase.set(Phase::Busy);
        async move {
            let response = super::handle(shared, req).await;
            phase.set(Phase::Waiting(Instant::now()));
            Ok::<_, Infallible>(response)
        }
    });
    // No timer of hyper's own: the deadlines are kept below, and a timer per request head is a
    // cost every request would pay.
    let conn = watcher.watch(http1::Builder::new().serve_connection(io, service));
    let evicted = evicted(&registered.state);
    tokio::select! {
        _ = conn => {}
        _ = overdue(deadlines, limits) => {}
        _ = evicted => {}
    }
}

/// Resolves when the connection is closed for a new client: told so, and still idle (a request
/// that began meanwhile keeps it open).
async fn evicted(state: &State) {
    loop {
        state.evict.notified().await;
        if matches!(state.get(), Phase::Evicted) {
            return;
        }
    }
}

/// Resolves when the connection has stood in one phase longer than that phase allows. A request
/// being handled is never overdue here: its body has `--read-timeout`, a relay `forward_timeout`.
///
/// The phase is looked at when a deadline could have come: never later than the phase's own
/// deadline, nor later than the shortest limit from the last look (a phase entered after a look
/// cannot end sooner than that), so a deadline is kept to the moment without being told of
/// every change.
async fn overdue(phase: SharedPhase, limits: Limits) {
    let shortest = limits.header_timeout.min(limits.idle_timeout);
    loop {
        let now = Instant::now();
        let deadline = match phase.get() {
            Phase::Head(since) => Some(since + limits.header_timeout),
            Phase::Waiting(since) => Some(since + limits.idle_timeout),
            Phase::Busy | Phase::Evicted => None,
        };
        if deadline.is_some_and(|at| at <= now) {
            return;
        }
        let next = now + shortest;
        tokio::time::sleep_until(deadline.map_or(next, |at| at.min(next))).await;
    }
}

/// The connection's socket, noting when the first byte of a request arrives after an answer.
struct Watched {
    stream: TcpStream,
    phase: SharedPhase,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            let mut phase = self.phase.0.phase.lock().unwrap_or_else(|p| p.into_inner());
            if let Phase::Waiting(_) = *phase {
                *phase = Phase::Head(Instant::now());
            }
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
