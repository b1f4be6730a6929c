//! `hookctl send`: one event delivered and judged, or many (load mode) and summarised, Ctrl-C
//! ending a load run with the summary of what it did.

use std::sync::Arc;

use super::listen::Signals;
use super::{Globals, delivery, done, runtime};
use crate::cli::{BodyArgs, SendArgs};
use crate::error::{Exit, Result};
use crate::output::{self, Out};
use crate::{load, preview, send};

pub fn run(mut args: SendArgs, g: Globals, o: &mut Out) -> Result<Exit> {
    positional_url(&mut args)?;
    let body = body(args.event, args.data, args.kind, args.body, Some(args.limit.max_size.0));
    let expect = send::Expect { status: args.expect_status, option: args.expect_option };
    let template = send::Template::new(&body)?;
    template.check_expect(&expect)?;
    output::unsent_fields(o, template.kind.platform(), &template.unsent_fields())?;
    let delivery = delivery(args.delivery, g);
    if args.dry_run || args.print.is_some() {
        let preview = preview::preview(template, &delivery, args.once, args.print, &expect)?;
        output::preview(o, &preview)?;
        return Ok(Exit::Ok);
    }
    let load = (args.count.is_some() || args.duration.is_some()).then(|| load::Options {
        count: args.count,
        duration: args.duration.map(std::time::Duration::from_secs_f64),
        concurrency: args.concurrency.into(),
        max_errors: args.max_errors,
    });
    match load {
        None => {
            // One delivery needs no worker threads: starting them costs more than it saves.
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| crate::Error::internal(format!("cannot start the async runtime: {e}")))?;
            // As the platform delivers it: Botpress sends a tag edit twice (--once sends one).
            let (times, why) = match template.deliveries() {
                (times, why) if times > 1 && !args.once => (times, format!("{why}; --once sends one")),
                _ => (1, String::new()),
            };
            let prepared = template.into_prepared()?;
            let report = rt.block_on(async {
                let target = send::target(&delivery).await?;
                deliver(target, o, prepared, &expect, (times, &why)).await
            })?;
            output::send(o, &report)?;
            done(&report)
        }
        Some(opts) => run_load(opts, &delivery, template, expect, o),
    }
}

/// A load run, stopped early by Ctrl-C: the first lets the requests in flight finish and gives
/// the summary of what was done (exit 130); a second stops at once, without one.
fn run_load(
    opts: load::Options,
    delivery: &send::Delivery,
    template: send::Template,
    expect: send::Expect,
    o: &mut Out,
) -> Result<Exit> {
    let rt = runtime()?;
    let summary = rt.block_on(async {
        let mut signals = Signals::new()?;
        let target = send::target(delivery).await?;
        let stop = load::Stop::default();
        let bar = output::progress(opts.count, opts.duration);
        let (timeout, shown) = (target.delivery().timeout, bar.clone());
        let mut running = std::pin::pin!(load::run(
            Arc::new(target),
            Arc::new(template),
            Arc::new(expect),
            opts,
            bar,
            stop.clone()
        ));
        tokio::select! {
            summary = &mut running => return summary.map(Some),
            () = signals.next() => stop.interrupt(),
        }
        // Said above the progress bar, not through it.
        shown.suspend(|| output::load_stopping(o, timeout))?;
        tokio::select! {
            summary = &mut running => summary.map(Some),
            () = signals.next() => Ok(None),
        }
    });
    // Workers still waiting for an answer after a second Ctrl-C are not waited for.
    rt.shutdown_background();
    let Some(summary) = summary? else {
        output::load_hurried(o)?;
        return Ok(Exit::Interrupted);
    };
    output::load(o, &summary)?;
    match summary.interrupted {
        true => Ok(Exit::Interrupted),
        false => done(&summary),
    }
}

/// Deliver the body to `target` as `send` does, each attempt shown on stderr as it ends under `--retry botpress`
/// (whose waits add up to about a minute), whatever the output; the report comes back.
async fn deliver(
    mut target: send::Target,
    o: &mut Out<'_>,
    prepared: send::Prepared,
    expect: &send::Expect,
    (times, why): (u32, &str),
) -> Result<send::Report> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<send::Progress>();
    if target.delivery().retry == send::Retry::Botpress {
        target.observe(Arc::new(move |p: &send::Progress| {
            let _ = tx.send(p.clone());
        }));
    }
    let mut sending = std::pin::pin!(target.send_repeated(prepared, expect, times, why));
    let report = loop {
        tokio::select! {
            report = &mut sending => break report,
            Some(p) = rx.recv() => output::attempt(o, &p)?,
        }
    };
    while let Ok(p) = rx.try_recv() {
        output::attempt(o, &p)?;
    }
    Ok(report)
}

/// `send EVENT URL` and `send --data FILE URL`: the URL taken as `--url` is (checked here, so
/// that an error names URL). A URL where the event goes, which names no event, is refused with
/// where it goes; with `--data`, the one word given is the URL, and an event is refused.
fn positional_url(args: &mut SendArgs) -> Result<()> {
    if args.data.is_some() {
        if let Some(word) = args.event.take() {
            if args.target.is_some() || crate::catalogue::event(&word).is_ok() {
                return Err(crate::Error::usage(
                    "--data sends your own body, not an event: give no EVENT with it (the URL may \
                     follow: hookctl send --data body.json URL)",
                ));
            }
            args.target = Some(word);
        }
    }
    if let Some(name) = args.event.as_deref() {
        if crate::catalogue::event(name).is_err() && name.contains([':', '/', '.']) {
            return Err(crate::Error::usage(format!(
                "'{}' is a URL, not an event: the event comes first (hookctl send EVENT URL); run \
                 'hookctl list' to see the events",
                crate::http::shown_raw_url(name)
            )));
        }
    }
    if let Some(url) = args.target.take() {
        crate::http::parse_url(&url, "URL")?;
        args.delivery.url = Some(url);
    }
    Ok(())
}

/// What to send, from the flags `send` and `show` share.
pub(super) fn body(
    event: Option<String>,
    data: Option<std::path::PathBuf>,
    kind: Option<crate::catalogue::Kind>,
    args: BodyArgs,
    max_size: Option<u64>,
) -> send::Body {
    send::Body {
        event,
        data,
        kind,
        sets: args.sets,
        seed: args.seed,
        text: args.text,
        answer: args.answer,
        answer_type: args.answer_type,
        expected_options: args.expected_options,
        max_size,
    }
}
