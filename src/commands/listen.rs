//! `hookctl listen`: stand where the user's server would, and show what arrives until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use super::{Globals, runtime};
use crate::cli::ListenArgs;
use crate::error::{Error, Exit, Result};
use crate::output::{self, Listening, Out};
use crate::receiver::{self, Receiver};
use crate::{http, input};

pub fn run(args: ListenArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    let respond = match &args.respond {
        Some(path) => {
            let doc = input::read_json(path).map_err(|e| Error::usage(format!("--respond {e}")))?;
            Some(serde_json::to_vec(&doc).map_err(|e| Error::internal(format!("--respond: {e}")))?)
        }
        None => None,
    };
    let forward_to = args.forward_to.as_deref().map(|u| http::parse_url(u, "--forward-to")).transpose()?;
    let config = receiver::Config {
        status: args.status,
        fail_first: args.fail_first,
        respond,
        respond_option: args.respond_option.clone(),
        forward_to: forward_to.clone(),
        max_body: args.max_body,
        read_timeout: Duration::from_secs_f64(args.read_timeout),
        save: args.save.clone(),
        keep_secrets: args.keep_secrets,
        option_case: g.option_case,
        ..receiver::Config::default()
    };
    runtime()?.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let server = Receiver::start(SocketAddr::new(args.bind, args.port), config, Some(tx)).await?;
        let banner = Listening {
            addr: server.addr,
            save: args.save.as_deref(),
            forward_to: forward_to.as_ref(),
            keep_secrets: args.keep_secrets,
        };
        output::listening(o, &banner)?;
        let mut seen = 0u64;
        let mut stop = std::pin::pin!(shutdown_signal());
        loop {
            tokio::select! {
                record = rx.recv() => {
                    let Some(record) = record else { break };
                    output::record(o, &record)?;
                    seen += 1;
                    if args.exit_after.is_some_and(|n| seen >= n) {
                        break;
                    }
                }
                _ = &mut stop => break,
            }
        }
        let tally = server.shutdown().await;
        // Requests answered while shutting down are shown too.
        while let Ok(record) = rx.try_recv() {
            output::record(o, &record)?;
        }
        output::listen_summary(o, &tally)?;
        Ok(Exit::Ok)
    })
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
