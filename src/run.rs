//! Dispatch: run a parsed command line, print its report, return the exit code.

use std::io::{self, IsTerminal, Write};

use clap::CommandFactory;

use crate::catalogue;
use crate::cli::{Cli, Command, DeliveryArgs, ListenArgs, SendArgs, ShowArgs};
use crate::error::{Error, Exit, Result};
use crate::printer;
use crate::printer::Format;
use crate::receiver::{self, Receiver};
use crate::{contract, load, replay, scenario, send, suite, tester, validate};
use std::sync::Arc;

/// Run one command. Errors that stop a command come back as `Err`; contract failures are an `Exit`.
pub fn run(cli: Cli) -> Result<Exit> {
    printer::init_color(cli.color);
    let mut out = io::stdout().lock();
    let format = cli.output;
    let option_case = cli.option_case;
    match cli.command {
        Command::List => printer::list(&mut out, format)?,
        Command::Show(args) => show(&mut out, &args)?,
        Command::Schema(args) => printer::json(&mut out, &contract::schema(args.kind))?,
        Command::Validate(args) => {
            let report = validate::run(&validate::Options {
                inputs: args.inputs,
                kind: args.kind,
                request: args.request,
                expected_options: args.expected_options,
                option_case,
            })?;
            printer::validate(&mut out, &report, format)?;
            return Ok(report.exit());
        }
        Command::Send(args) => {
            return match runtime()?.block_on(send(args, option_case))? {
                Sent::One(report) => {
                    printer::send(&mut out, &report, format)?;
                    Ok(report.exit())
                }
                Sent::Load(summary) => {
                    printer::load(&mut out, &summary, format)?;
                    Ok(summary.exit())
                }
            };
        }
        Command::Scenario(args) => {
            let Some(name) = args.name else {
                printer::scenarios(&mut out, format)?;
                return Ok(Exit::Ok);
            };
            let opts =
                scenario::Options { name, duplicate: args.duplicate, shuffle: args.shuffle, seed: args.seed };
            let delivery = delivery(args.delivery, option_case);
            let report = runtime()?.block_on(async {
                let target = send::target(&delivery).await?;
                scenario::run(&opts, &target).await
            })?;
            printer::scenario(&mut out, &report, format)?;
            return Ok(report.exit());
        }
        Command::Listen(args) => {
            runtime()?.block_on(listen(args, format, option_case))?;
        }
        Command::Replay(args) => {
            let records = replay::filter(replay::read(&args.file)?, &args.filter)?;
            let source = crate::input::label(&args.file);
            let delivery = delivery(args.delivery, option_case);
            let report = runtime()?.block_on(async {
                let target = send::target(&delivery).await?;
                replay::run(&records, &source, &target).await
            })?;
            printer::scenario(&mut out, &report, format)?;
            return Ok(report.exit());
        }
        Command::Test(args) if args.init => {
            let path = args.suites.first().cloned().unwrap_or_else(|| crate::defaults::SUITE_PATH.into());
            init(&path, args.force)?;
        }
        Command::Init(args) => init(&args.path, args.force)?,
        Command::Test(args) => {
            let opts = tester::Options {
                suites: suites(args.suites)?,
                url: args.url,
                jobs: args.jobs.into(),
                filter: args.filter,
                option_case,
            };
            let report = runtime()?.block_on(tester::run(&opts))?;
            // The results first: a JUnit path that cannot be written must not hide them.
            let mut buf = Vec::new();
            printer::test(&mut buf, &report, format)?;
            out.write_all(report.mask(&String::from_utf8_lossy(&buf)).as_bytes())?;
            out.flush()?;
            if let Some(path) = &args.junit {
                let xml = report.mask(&printer::junit(&report));
                std::fs::write(path, xml).map_err(|e| {
                    Error::usage(format!(
                        "--junit {}: cannot write: {}",
                        path.display(),
                        crate::input::io_reason(&e)
                    ))
                })?;
            }
            return Ok(report.exit());
        }
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "hookctl", &mut out);
        }
    }
    Ok(Exit::Ok)
}

/// `hookctl show`: pretty on a terminal; when piped, the compact bytes the platform puts on the wire.
fn show(out: &mut impl Write, args: &ShowArgs) -> Result<()> {
    let event = catalogue::event(&args.event)?;
    let doc = if args.response {
        event.example_response().ok_or_else(|| {
            Error::usage(format!(
                "show {} --response: Botpress reads nothing of the receiver's answer but its status (any 2xx), so there is no response body",
                event.name
            ))
        })?
    } else {
        event.fixture()
    };
    if args.pretty || (!args.compact && io::stdout().is_terminal()) {
        eprintln!(
            "pretty-printed for reading; {} posts it compact (hookctl show {} --compact)",
            event.platform.label(),
            event.name
        );
        printer::json(out, &doc)?;
    } else {
        writeln!(out, "{doc}")?;
    }
    Ok(())
}

/// One runtime for the whole command.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::usage(format!("cannot start the async runtime: {e}")))
}

pub fn delivery(args: DeliveryArgs, option_case: contract::OptionCase) -> send::Delivery {
    send::Delivery {
        url: args.url,
        botpress_config: args.botpress_config,
        headers: args.headers,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        retry: args.retry,
        retry_scale: args.retry_scale,
        max_response: args.max_response,
        show_secrets: args.show_secrets,
        option_case,
    }
}

enum Sent {
    One(Box<send::Report>),
    Load(Box<load::Summary>),
}

async fn send(args: SendArgs, option_case: contract::OptionCase) -> Result<Sent> {
    let body = send::Body {
        event: args.event,
        data: args.data,
        kind: args.kind,
        sets: args.sets,
        seed: args.seed,
        text: args.text,
        answer: args.answer,
        answer_type: args.answer_type,
        expected_options: args.expected_options,
    };
    let expect = send::Expect { status: args.expect_status, option: args.expect_option };
    let template = send::Template::new(&body)?;
    template.check_expect(&expect)?;
    let target = send::target(&delivery(args.delivery, option_case)).await?;
    if args.count.is_none() && args.duration.is_none() {
        // As the platform delivers it: Botpress sends a tag edit twice (--once sends one).
        let (times, why) = match template.deliveries() {
            (times, why) if times > 1 && !args.once => (times, format!("{why}; --once sends one")),
            _ => (1, String::new()),
        };
        let report = target.send_repeated(&template.prepare()?, &expect, times, &why).await;
        return Ok(Sent::One(Box::new(report)));
    }
    let opts = load::Options {
        count: args.count,
        duration: args.duration.map(std::time::Duration::from_secs_f64),
        concurrency: args.concurrency.into(),
    };
    let summary = load::run(Arc::new(target), Arc::new(template), Arc::new(expect), opts).await?;
    Ok(Sent::Load(Box::new(summary)))
}

async fn listen(args: ListenArgs, format: Format, option_case: contract::OptionCase) -> Result<()> {
    let respond = match &args.respond {
        Some(path) => {
            let doc = crate::input::read_json(path).map_err(|e| Error::usage(format!("--respond {e}")))?;
            Some(serde_json::to_vec(&doc).expect("a JSON value serialises"))
        }
        None => None,
    };
    let forward_to =
        args.forward_to.as_deref().map(|u| crate::http::parse_url(u, "--forward-to")).transpose()?;
    let config = receiver::Config {
        status: args.status,
        fail_first: args.fail_first,
        respond,
        respond_option: args.respond_option.clone(),
        forward_to,
        max_body: args.max_body,
        read_timeout: std::time::Duration::from_secs_f64(args.read_timeout),
        save: args.save.clone(),
        keep_secrets: args.keep_secrets,
        option_case,
        ..receiver::Config::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let bind = std::net::SocketAddr::new(args.bind, args.port);
    let server = Receiver::start(bind, config, Some(tx)).await?;
    printer::listening(server.addr, &args);
    let mut seen = 0u64;
    let mut stop = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            record = rx.recv() => {
                let Some(record) = record else { break };
                printer::record(&mut io::stdout().lock(), &record, format)?;
                seen += 1;
                if args.exit_after.is_some_and(|n| seen >= n) {
                    break;
                }
            }
            _ = &mut stop => break,
        }
    }
    let tally = server.shutdown().await;
    // Requests answered while shutting down are printed too.
    while let Ok(record) = rx.try_recv() {
        printer::record(&mut io::stdout().lock(), &record, format)?;
    }
    printer::listen_summary(&mut io::stdout().lock(), &tally, format)?;
    Ok(())
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

/// The suites to run: those named, else ./hookctl.toml, which must then exist.
fn suites(named: Vec<std::path::PathBuf>) -> Result<Vec<std::path::PathBuf>> {
    if !named.is_empty() {
        return Ok(named);
    }
    let default = std::path::PathBuf::from(crate::defaults::SUITE_PATH);
    if !default.exists() {
        return Err(Error::usage(format!(
            "no suite named and no {} in this directory: write one with `hookctl init`, or name one: hookctl test SUITE",
            crate::defaults::SUITE_PATH
        )));
    }
    Ok(vec![default])
}

/// Write the starter suite, refusing to overwrite unless forced.
fn init(path: &std::path::Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(Error::usage(format!("{}: already exists (--force overwrites it)", path.display())));
    }
    std::fs::write(path, suite::starter()).map_err(|e| {
        Error::usage(format!("{}: cannot write: {}", path.display(), crate::input::io_reason(&e)))
    })?;
    let run = if path == std::path::Path::new(crate::defaults::SUITE_PATH) {
        "hookctl test".to_string()
    } else {
        format!("hookctl test {}", path.display())
    };
    eprintln!(
        "wrote {}: a case for every built-in event. Run it: {run} (against hookctl's built-in receiver until WEBHOOK_URL or --url names your server)",
        path.display(),
    );
    Ok(())
}
