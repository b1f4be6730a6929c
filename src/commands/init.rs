//! `hookctl init` (and `hookctl test --init`): write the starter suite.

use std::path::Path;

use crate::catalogue::{Platform, WEBHOOKS, Webhook};
use crate::cli::{InitArgs, TestArgs};
use crate::defaults;
use crate::error::{Counts, Error, Exit, Result};
use crate::output::{Level, Out, plural};
use crate::{input, replay, suite};

pub fn run(args: InitArgs, o: &mut Out) -> Result<Exit> {
    match &args.from {
        Some(capture) => from_capture(capture, &args, o),
        None => write(&args.path, args.force, args.platform, o),
    }
}

/// `hookctl init --from CAPTURE [PATH]`: the suite, and its payloads in `STEM-payloads/` beside
/// it. Nothing is written over without --force; nothing at all when the capture has no case. The
/// lines of the capture that are not records are named, and the suite made of the rest (exit 2,
/// as for any input not read whole); `--strict` stops at the first of them instead.
fn from_capture(capture: &Path, args: &InitArgs, o: &mut Out) -> Result<Exit> {
    let (path, force) = (args.path.as_path(), args.force);
    let replay::Captured { records, bad } = replay::read(capture, args.limit.max_size.0, args.strict)?;
    for line in &bad {
        o.diag(Level::Error, line)?;
    }
    let stem = path.file_stem().map_or_else(|| "suite".into(), |s| s.to_string_lossy().into_owned());
    let dir_name = format!("{stem}-payloads");
    let dir = path.parent().unwrap_or(Path::new("")).join(&dir_name);
    let made = suite::from_capture(&records, &input::label(capture), &path.display().to_string(), &dir_name);
    for why in &made.skipped {
        o.diag(Level::Note, format!("{}: {why}: no case", input::label(capture)))?;
    }
    if made.payloads.is_empty() {
        return Err(Error::usage(format!(
            "{}: no request a platform sends (Botpress event or eva request) to make a case of",
            input::label(capture)
        )));
    }
    for taken in [path, dir.as_path()] {
        if taken.exists() && !force {
            return Err(Error::usage(format!("{}: already exists (--force overwrites it)", taken.display())));
        }
    }
    let cannot = |p: &Path, e: std::io::Error| {
        Error::usage(format!("{}: cannot write: {}", p.display(), input::io_reason(&e)))
    };
    std::fs::create_dir_all(&dir).map_err(|e| cannot(&dir, e))?;
    for (name, bytes) in &made.payloads {
        let file = dir.join(name);
        std::fs::write(&file, bytes).map_err(|e| cannot(&file, e))?;
    }
    std::fs::write(path, &made.suite).map_err(|e| cannot(path, e))?;
    let mut repeats = match made.repeats {
        0 => String::new(),
        n => format!(", {} collapsed", plural(n, "repeat")),
    };
    if !bad.is_empty() {
        repeats.push_str(&format!(", {} skipped (not records)", plural(bad.len(), "line")));
    }
    writeln!(
        o.err,
        "wrote {}: {} from {} ({}{repeats}), bodies in {}. Run it: hookctl test {}",
        path.display(),
        plural(made.payloads.len(), "case"),
        input::label(capture),
        plural(made.requests, "request"),
        dir.display(),
        path.display()
    )?;
    if !made.variables.is_empty() {
        let each: Vec<String> = made.variables.iter().map(|(var, what)| format!("{var} ({what})")).collect();
        o.diag(
            Level::Note,
            format!(
                "the captured requests carried secrets, not copied: set {} to send them",
                each.join(", ")
            ),
        )?;
    }
    Ok(Counts { input: bad.len(), ..Counts::default() }.exit())
}

/// `hookctl test --init [SUITE]`: the same, to the first SUITE path.
pub fn from_test(args: TestArgs, o: &mut Out) -> Result<Exit> {
    let path = args.suites.first().cloned().unwrap_or_else(|| defaults::SUITE_PATH.into());
    write(&path, args.force, None, o)
}

/// Write the starter suite, refusing to overwrite unless forced.
fn write(path: &Path, force: bool, platform: Option<Platform>, o: &mut Out) -> Result<Exit> {
    if path.exists() && !force {
        return Err(Error::usage(format!("{}: already exists (--force overwrites it)", path.display())));
    }
    std::fs::write(path, suite::starter(platform))
        .map_err(|e| Error::usage(format!("{}: cannot write: {}", path.display(), input::io_reason(&e))))?;
    let run = if path == Path::new(defaults::SUITE_PATH) {
        "hookctl test".to_string()
    } else {
        format!("hookctl test {}", path.display())
    };
    let webhooks: Vec<&Webhook> =
        WEBHOOKS.iter().filter(|w| platform.is_none_or(|p| p == w.platform)).collect();
    let targets: Vec<String> = webhooks.iter().map(|w| format!("{} ({})", w.target, w.variable)).collect();
    let what = platform.map_or("every built-in event".to_string(), |p| format!("every {} event", p.label()));
    writeln!(
        o.err,
        "wrote {}: a case for {what}, and a target per webhook: {}.\nRun it: {run} (with each variable set to your server's url; a target left unset runs against hookctl's built-in receiver, and says so)",
        path.display(),
        targets.join(", "),
    )?;
    Ok(Exit::Ok)
}
