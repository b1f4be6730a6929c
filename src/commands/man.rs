//! `hookctl man [COMMAND]`: the manual page, in roff, made from the command-line definition: the
//! page of hookctl (its commands, the global flags, the exit codes) or of one command (its flags
//! and its examples).

use std::io::Write;

use clap_mangen::Man;

use crate::cli::{self, ManArgs};
use crate::error::{Error, Exit, Result};
use crate::output::Out;

pub fn run(args: ManArgs, o: &mut Out) -> Result<Exit> {
    let page = match &args.command {
        None => main_page()?,
        Some(name) => {
            let cmd = cli::documented();
            let sub = cmd
                .find_subcommand(name)
                .ok_or_else(|| Error::internal(format!("man: no command '{name}' in the definition")))?;
            command_page(name, sub.clone())?
        }
    };
    o.out.write_all(title_first(&String::from_utf8_lossy(&page)).as_bytes())?;
    Ok(Exit::Ok)
}

/// The lines that define the apostrophe string the page's text uses, which each part of the page
/// is rendered with.
const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// The page with its `.TH` line first, as `man` and its indexers expect, and the preamble once
/// after it rather than before every section.
fn title_first(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for line in page.lines().filter(|l| !PREAMBLE.contains(l)) {
        out.push_str(line);
        out.push('\n');
        if line.starts_with(".TH ") {
            for p in PREAMBLE {
                out.push_str(p);
                out.push('\n');
            }
        }
    }
    out
}

/// hookctl(1): what it is, the global flags, the commands (each with a page of its own), the exit
/// codes.
fn main_page() -> std::io::Result<Vec<u8>> {
    // `hookctl help` is help, not a command with a page.
    let cmd = cli::documented().disable_help_subcommand(true);
    let exit_codes = cmd.get_after_help().map(|h| h.to_string()).unwrap_or_default();
    let man = Man::new(cmd);
    let mut page = head(&man)?;
    man.render_subcommands_section(&mut page)?;
    section(&mut page, "ENVIRONMENT")?;
    for (name, what) in environment() {
        writeln!(
            page,
            ".TP
\\fB{}\\fR
{}",
            roff_text(name),
            roff_text(&what)
        )?;
    }
    section(&mut page, "EXIT STATUS")?;
    writeln!(page, "{}", roff_text(&exit_codes))?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// Every variable hookctl reads, and what it does.
fn environment() -> Vec<(&'static str, String)> {
    use crate::defaults::{CI_VAR, ENV_URL};
    vec![
        (
            ENV_URL,
            "The webhook url of send, scenario and replay when neither --url nor --botpress-config \
             gives one; for test, the url of every case of a suite with one target, when --url is \
             not given. Blank is unset."
                .into(),
        ),
        (
            CI_VAR,
            "Set (not empty, false or 0): test refuses to run cases that have no url against \
             hookctl's built-in receiver (exit 2), unless --builtin. Set by CI systems."
                .into(),
        ),
        ("NO_COLOR", "Not empty: no colour under --color auto.".into()),
        ("TERM", "dumb: no colour under --color auto.".into()),
        (
            "CLICOLOR_FORCE",
            "Not empty nor 0: colour under --color auto even when the output is not a terminal \
             (NO_COLOR and TERM=dumb win over it)."
                .into(),
        ),
        (
            "COLUMNS",
            "The width tables fit on a terminal, instead of the terminal's own. Output that is not \
             a terminal is never cut."
                .into(),
        ),
        (
            "HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY",
            "Read by the HTTP client (in capitals or lower case): every delivery but a load run's to \
             an http:// url goes through the proxy they name."
                .into(),
        ),
        (
            "${NAME} in a suite",
            "A suite file (hookctl test) reads the variables it names: ${NAME}, or ${NAME:-default} \
             when NAME is unset or empty."
                .into(),
        ),
        (
            "MIMALLOC_PURGE_DELAY",
            "Read by the memory allocator: how long freed memory waits before it is given back to \
             the system (unset: at once)."
                .into(),
        ),
    ]
}

/// What every page opens with: title, name, synopsis, description and options.
fn head(man: &Man) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    Ok(page)
}

/// hookctl-COMMAND(1): the command's synopsis, description, flags and examples.
fn command_page(name: &str, sub: clap::Command) -> std::io::Result<Vec<u8>> {
    // Titled hookctl-COMMAND, as `man` finds it; its synopsis is the command as typed.
    let man = Man::new(sub.display_name(format!("hookctl-{name}")).bin_name(format!("hookctl {name}")))
        .source(format!("hookctl {}", env!("CARGO_PKG_VERSION")));
    let mut page = head(&man)?;
    section(&mut page, "EXAMPLES")?;
    for (line, what) in cli::examples(name) {
        writeln!(page, ".PP\n{}:", roff_text(&cli::capitalised(what)))?;
        writeln!(page, ".RS 4\n.nf\n{}\n.fi\n.RE", roff_text(line))?;
    }
    section(&mut page, "SEE ALSO")?;
    writeln!(page, "hookctl(1)")?;
    Ok(page)
}

fn section(page: &mut Vec<u8>, title: &str) -> std::io::Result<()> {
    writeln!(page, ".SH \"{title}\"")
}

/// Text as roff prints it: backslashes and hyphens escaped (so that flags copy as typed), and a
/// line that would start with a control character protected.
fn roff_text(text: &str) -> String {
    text.lines()
        .map(|line| {
            let escaped = line.replace('\\', "\\e").replace('-', "\\-");
            if escaped.starts_with('.') || escaped.starts_with('\'') {
                format!("\\&{escaped}")
            } else {
                escaped
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_text_escapes_what_roff_would_read_as_markup() {
        assert_eq!(roff_text("hookctl send --url x"), "hookctl send \\-\\-url x");
        assert_eq!(roff_text(".hidden"), "\\&.hidden");
        assert_eq!(roff_text("'quoted'"), "\\&'quoted'");
        assert_eq!(roff_text("a\\b"), "a\\eb");
        assert_eq!(roff_text("one\ntwo"), "one\ntwo");
    }

    #[test]
    fn the_title_comes_first_and_the_preamble_once() {
        let page = format!("{p}\n.TH x 1\n{p}\n.SH NAME\nx\n{p}\n.SH MORE\n", p = PREAMBLE.join("\n"));
        assert_eq!(title_first(&page), format!(".TH x 1\n{}\n.SH NAME\nx\n.SH MORE\n", PREAMBLE.join("\n")));
    }
}
