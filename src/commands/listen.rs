//! `hookctl listen`: stand where the user's server would, and show what arrives until Ctrl-C.

use std::io::BufWriter;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;

use super::{Globals, runtime};
use crate::cli::ListenArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Listening, Out};
use crate::receiver::{self, Event, Receiver};
use crate::{http, input};

/// The most events written between two flushes.
const BURST: usize = 256;

/// After showing requests, how long the next ones are left to gather before they are shown.
const PAUSE: Duration = Duration::from_millis(10);

pub fn run(args: ListenArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    let config = config(&args, &g)?;
    let required: Vec<String> = config.require_headers.iter().map(|r| r.shown(args.keep_secrets)).collect();
    let forward_to = config.forward_to.clone();
    let grace = config.grace;
    // What arrives together is written together, and flushed as soon as nothing more waits.
    let mut buffered = BufWriter::with_capacity(64 * 1024, &mut *o.out);
    let o = &mut Out { out: &mut buffered, err: &mut *o.err, style: o.style };
    runtime()?.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let server = Receiver::start(SocketAddr::new(args.bind, args.port), config, Some(tx)).await?;
        let mut signals = Signals::new()?;
        let banner = Listening {
            addr: server.addr,
            save: args.save.as_deref(),
            forward_to: forward_to.as_ref(),
            forward_exact: args.forward_exact,
            filter: &args.filter,
            keep_secrets: args.keep_secrets,
            required: &required,
        };
        output::listening(o, &banner)?;
        o.out.flush()?;
        show_events(o, &mut rx, &mut signals, args.exit_after, grace).await?;
        // Stopped accepting; a second Ctrl-C drops what is still in flight.
        let (tally, hurried) = server.shutdown_unless(signals.next()).await;
        // Requests answered while shutting down are shown too.
        while let Ok(event) = rx.try_recv() {
            output::listen_event(o, &event)?;
        }
        o.out.flush()?;
        if hurried {
            output::listen_hurried(o)?;
        }
        output::listen_summary(o, &tally)?;
        o.out.flush()?;
        Ok(Exit::Ok)
    })
}

/// The receiver's configuration from the command line (`--respond` read, urls and headers
/// checked).
fn config(args: &ListenArgs, g: &Globals) -> Result<receiver::Config> {
    let respond = match &args.respond {
        Some(path) => {
            let doc = input::read_json(path).map_err(|e| Error::usage(format!("--respond {e}")))?;
            Some(serde_json::to_vec(&doc).map_err(|e| Error::internal(format!("--respond: {e}")))?)
        }
        None => None,
    };
    let forward_to = args.forward_to.as_deref().map(|u| http::parse_url(u, "--forward-to")).transpose()?;
    let filter = receiver::Filter::parse(&args.filter)?;
    let require_headers =
        args.require_headers.iter().map(|s| receiver::Required::parse(s)).collect::<Result<Vec<_>>>()?;
    Ok(receiver::Config {
        status: args.status,
        fail_first: args.fail_first,
        respond,
        respond_option: args.respond_option.clone(),
        forward_to,
        forward_exact: args.forward_exact,
        filter,
        max_body: usize::try_from(args.max_body.0).unwrap_or(usize::MAX),
        max_response: usize::try_from(args.max_response.0).unwrap_or(usize::MAX),
        read_timeout: Duration::from_secs_f64(args.body_timeout.unwrap_or(args.header_timeout)),
        header_timeout: Duration::from_secs_f64(args.header_timeout),
        idle_timeout: Duration::from_secs_f64(args.idle_timeout),
        max_connections: args.max_connections as usize,
        grace: Duration::from_secs_f64(args.grace),
        save: args.save.clone(),
        keep_secrets: args.keep_secrets,
        option_case: g.option_case,
        require_headers,
        exit_after: args.exit_after,
        ..receiver::Config::default()
    })
}

/// Show what the receiver reports until Ctrl-C (or SIGTERM), or until `--exit-after` requests
/// have been shown.
async fn show_events(
    o: &mut Out<'_>,
    rx: &mut UnboundedReceiver<Event>,
    signals: &mut Signals,
    exit_after: Option<u64>,
    grace: Duration,
) -> Result<()> {
    let mut shown = 0u64;
    loop {
        tokio::select! {
            event = rx.recv() => {
                let Some(event) = event else { return Ok(()) };
                if show_waiting(o, event, rx, &mut shown, exit_after)? {
                    return Ok(());
                }
                // A request is shown as soon as it is answered; those that follow it within a
                // pause are gathered and shown together, so that a stream of requests does not
                // wake this thread for each one.
                tokio::select! {
                    _ = tokio::time::sleep(PAUSE) => {}
                    _ = signals.next() => return Ok(output::listen_stopping(o, grace)?),
                }
            }
            _ = signals.next() => return Ok(output::listen_stopping(o, grace)?),
        }
    }
}

/// Show `first` and all the events already waiting behind it, flushed every [`BURST`] so that the
/// screen keeps moving under a steady stream, and once at the end. `shown` counts the requests
/// taken (shown, or left out by `--filter`); says whether that reached `--exit-after`.
fn show_waiting(
    o: &mut Out<'_>,
    first: Event,
    rx: &mut UnboundedReceiver<Event>,
    shown: &mut u64,
    exit_after: Option<u64>,
) -> Result<bool> {
    let (mut next, mut written) = (Some(first), 0usize);
    while let Some(event) = next.take() {
        output::listen_event(o, &event)?;
        // Every request taken counts, shown or left out by --filter: the receiver takes N.
        if matches!(event, Event::Request(_) | Event::NotSaved { .. } | Event::FilteredOut) {
            *shown += 1;
        }
        if exit_after.is_some_and(|n| *shown >= n) {
            o.out.flush()?;
            return Ok(true);
        }
        written += 1;
        if written % BURST == 0 {
            o.out.flush()?;
        }
        next = rx.try_recv().ok();
    }
    o.out.flush()?;
    Ok(false)
}

/// Ctrl-C, or SIGTERM where there is one, watched from the start so that none is missed.
pub(super) struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    pub(super) fn new() -> Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let watch =
                |kind| signal(kind).map_err(|e| Error::internal(format!("cannot watch for Ctrl-C: {e}")));
            Ok(Signals {
                interrupt: watch(SignalKind::interrupt())?,
                terminate: watch(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// The next Ctrl-C or SIGTERM.
    pub(super) async fn next(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
