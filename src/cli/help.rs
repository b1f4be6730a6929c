//! What the command-line definition says beyond its flags: each command's examples, the names
//! completions offer, and which global flags each command takes. Help, completions and the man
//! page all come from [`command`]; the binary parses with [`try_parse_from`].

use std::ffi::OsString;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use super::Cli;
use crate::catalogue::{EVENTS, SCENARIOS};

/// Real invocations of each command, with what they do: the `Examples:` of its help and the
/// EXAMPLES of its man page. Each is one a README example shows; a test parses every one.
pub const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    ("list", &[("hookctl list", "the built-in events, their platform and what they simulate")]),
    (
        "show",
        &[
            ("hookctl show handoff-assign", "pretty on a terminal"),
            ("hookctl show handoff-assign > body.json", "piped: the compact bytes that go on the wire"),
            ("hookctl show eva-service --response", "a valid answer to it, as your webhook should give"),
        ],
    ),
    (
        "schema",
        &[
            (
                "hookctl schema eva-service-response > eva-service-response.schema.json",
                "the schema your eva webhook's answers must follow, for any validator",
            ),
            (
                "hookctl schema --report send > send-report.schema.json",
                "the schema of `send -o json`'s report, for scripts that read it",
            ),
            (
                "hookctl schema --openapi > webhooks.openapi.json",
                "the whole contract, for linters and code generators",
            ),
            (
                "hookctl schema --openapi --paths --server https://hooks.example.com > receivers.openapi.json",
                "also as your receiver's operations, for Prism and Schemathesis",
            ),
        ],
    ),
    (
        "validate",
        &[
            ("hookctl validate response.json", "one document, its kind detected"),
            ("hookctl validate captures/", "every *.json below it"),
            (
                "hookctl validate answer.json --request req.json",
                "check the option against the request's expectedOptions",
            ),
            ("hookctl validate answer.json --expected-options CLIENT,NOT_CLIENT", "or name the options"),
            ("hookctl validate odd.json --kind eva-answer-response", "say the kind instead of detecting it"),
            ("hookctl validate captures/ -q", "only the invalid documents, and the summary"),
        ],
    ),
    (
        "send",
        &[
            (
                "hookctl send handoff-create --url http://localhost:3000/hook",
                "deliver an event to your server",
            ),
            (
                "hookctl send handoff-create localhost:3000/hook",
                "the URL after the event; http:// when it has no scheme",
            ),
            (
                "hookctl send handoff-assign --set payload.tags='[\"vip\"]' --set /payload/userChannel=messenger",
                "override fields, by dotted path or JSON pointer",
            ),
            (
                "hookctl send eva-service --expected-options YES,NO --text \"am I a client?\" --expect-option YES",
                "ask a service cell, and expect its choice",
            ),
            ("hookctl send --data my-event.json --url http://localhost:3000/hook", "send your own body"),
            (
                "hookctl send handoff-create --retry botpress --url http://localhost:3000/hook",
                "re-send on failure on Botpress's schedule",
            ),
            ("hookctl send handoff-tags --once", "one delivery instead of Botpress's two"),
            (
                "hookctl send handoff-create --count 10000 -c 32 --url http://localhost:3000/hook",
                "load: 10,000 events, 32 at a time, and a summary",
            ),
            ("hookctl send eva-service -v", "the request and the answer in full, with timings"),
            (
                "hookctl send handoff-create --print k6 --url http://localhost:3000/hook > handoff-create.js",
                "a k6 script that sends it as load mode does, for k6 run, k6-operator or Grafana Cloud",
            ),
        ],
    ),
    (
        "scenario",
        &[
            ("hookctl scenario", "list them"),
            (
                "hookctl scenario handoff-lifecycle --url http://localhost:3000/hook",
                "a handoff's life, step by step, to your server",
            ),
            ("hookctl scenario handoff-full --duplicate", "every event twice: is your receiver idempotent?"),
            ("hookctl scenario handoff-full --shuffle --seed 3", "out of order, as retries can make it"),
            (
                "hookctl scenario handoff-full --print k6 > handoff-full.js",
                "a k6 script: each iteration the whole story",
            ),
        ],
    ),
    (
        "listen",
        &[
            ("hookctl listen", "http://127.0.0.1:8080, any path, any method"),
            ("hookctl listen --port 9000 --save captures.jsonl", "also keep every request on disk"),
            ("hookctl listen --forward-to localhost:3000", "stand between the platform and your server"),
            (
                "hookctl listen --filter eva-service-request --filter /botpress/",
                "show and save only these kinds and paths",
            ),
            ("hookctl listen --status 500", "watch Botpress retry"),
            ("hookctl listen --respond-option NOT_CLIENT", "as an eva webhook mock, choose this option"),
        ],
    ),
    (
        "replay",
        &[
            (
                "hookctl replay captures.jsonl --url http://localhost:3000/hook",
                "re-send what listen --save captured",
            ),
            (
                "hookctl replay captures.jsonl --filter eva-service-request,7 --url http://localhost:8080/eva",
                "only the service-cell requests and the 7th",
            ),
            (
                "hookctl replay captures.jsonl --filter 9 --set text=hello --url http://localhost:8080/eva",
                "the 9th request (a service cell) again, its text changed",
            ),
            (
                "hookctl replay captures.jsonl --filter 1 --data body.json --print curl",
                "the 1st request with another body, as a curl command: nothing is sent",
            ),
        ],
    ),
    (
        "export",
        &[
            (
                "hookctl export captures.jsonl --format har --out captures.har",
                "a HAR file for devtools or Postman",
            ),
            (
                "hookctl export captures.jsonl --format curl --url http://localhost:3000/hook > replay.sh",
                "a curl command per request, sent to your server when run",
            ),
        ],
    ),
    (
        "test",
        &[
            ("hookctl test", "runs ./hookctl.toml"),
            (
                "hookctl test suites/*.toml --target eva-service=http://localhost:3000/eva --filter service",
                "some suites' service-cell cases, 8 at a time, against your eva-service webhook",
            ),
            (
                "hookctl test suites/botpress-receiver.toml --url http://localhost:3000/botpress/events",
                "a suite with one target, against your server",
            ),
        ],
    ),
    ("init", &[("hookctl init", "writes hookctl.toml: a target per webhook, a case for every event")]),
    (
        "completions",
        &[
            (
                "hookctl completions bash > ~/.local/share/bash-completion/completions/hookctl",
                "bash (the directory must exist)",
            ),
            ("hookctl completions zsh > ~/.zfunc/_hookctl", "zsh, with fpath+=(~/.zfunc) before compinit"),
            ("hookctl completions fish > ~/.config/fish/completions/hookctl.fish", "fish"),
        ],
    ),
    (
        "man",
        &[
            ("hookctl man | man -l -", "read hookctl's page"),
            ("hookctl man send > ~/.local/share/man/man1/hookctl-send.1", "install one command's page"),
        ],
    ),
];

/// The examples of a command.
pub fn examples(command: &str) -> &'static [(&'static str, &'static str)] {
    EXAMPLES.iter().find(|(c, _)| *c == command).map_or(&[], |(_, e)| e)
}

/// A command's examples as its help shows them, after everything else, under a heading styled as
/// clap styles its own: what each does as a comment, then the invocation on a line of its own (so
/// that it wraps least).
pub(super) fn examples_help(command: &str) -> String {
    let heading = clap::builder::styling::Styles::default().get_header().to_owned();
    let mut text = format!("{heading}Examples:{heading:#}");
    for (i, (line, what)) in examples(command).iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&format!("\n  # {}\n  {line}", capitalised(what)));
    }
    text
}

/// `list them` as `List them`.
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The global flags, by id.
const GLOBAL_FLAGS: &[&str] = &["output", "color", "verbose", "quiet"];

/// The global flags each command takes. On the others they are hidden (from help, completions and
/// the man page) and refused. `show` and `schema` always print the JSON document itself, `export`
/// the document it makes, `init` writes a file, and `completions` and `man` print what the shell
/// and `man` read.
const TAKES: &[(&str, &[&str])] = &[
    ("list", &["output", "color"]),
    ("show", &["color"]),
    ("schema", &["color"]),
    ("validate", GLOBAL_FLAGS),
    ("send", GLOBAL_FLAGS),
    ("scenario", GLOBAL_FLAGS),
    ("listen", GLOBAL_FLAGS),
    ("replay", GLOBAL_FLAGS),
    ("export", &["color"]),
    ("test", GLOBAL_FLAGS),
    ("init", &["color"]),
    ("completions", &[]),
    ("man", &[]),
];

/// The global flags `command` takes; every command is in [`TAKES`] (a test checks it).
fn takes(command: &str) -> &'static [&'static str] {
    TAKES.iter().find(|(c, _)| *c == command).map_or(GLOBAL_FLAGS, |(_, f)| f)
}

/// The names of the commands, for `hookctl man COMMAND`.
pub(super) fn command_names() -> impl Iterator<Item = &'static str> {
    TAKES.iter().map(|(c, _)| *c)
}

/// The whole command-line definition, as help, completions and the man page show it: the global
/// flags are hidden where they do not apply.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).cloned().collect();
    // A command that already has an argument of a global flag's id does not get the global one:
    // give each command the flags it does not take, hidden.
    cmd.mut_subcommands(|mut sc| {
        let takes = takes(sc.get_name());
        for flag in globals.iter().filter(|a| !takes.contains(&a.get_id().as_str())) {
            sc = sc.arg(flag.clone().hide(true));
        }
        sc
    })
}

/// The definition as completion scripts and the man page give it: each command with only the
/// global flags it takes (completion scripts offer hidden flags too, so those are left out).
pub fn documented() -> clap::Command {
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).cloned().collect();
    cmd.mut_args(|a| a.global(false)).mut_subcommands(|mut sc| {
        let takes = takes(sc.get_name());
        for flag in globals.iter().filter(|a| takes.contains(&a.get_id().as_str())) {
            sc = sc.arg(flag.clone().global(false));
        }
        sc
    })
}

/// The value of the last `--color` on a command line, as given (`--color never`, `--color=never`).
fn given_color(args: &[OsString]) -> Option<&str> {
    let mut found = None;
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--color" {
            found = words.next();
        } else if let Some(value) = word.strip_prefix("--color=") {
            found = Some(value);
        }
    }
    found
}

/// Parse a command line (the program's name first). A global flag given to a command that does
/// not take it, and `--option-case` before a command that has none, are usage errors, as clap's
/// own are.
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // The parser's own errors follow --color too (it is read before the rest is parsed).
    let color = match given_color(&args) {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let mut cmd = env_parsed(command()).color(color);
    let mut matches = cmd.try_get_matches_from_mut(args)?;
    let url_from_env = matches.subcommand().is_some_and(|(_, sub)| url_from_env(sub));
    if let Some((name, sub)) = matches.subcommand() {
        let given = |m: &clap::ArgMatches, id: &str| {
            m.try_contains_id(id).unwrap_or(false) && m.value_source(id) == Some(ValueSource::CommandLine)
        };
        let flags = GLOBAL_FLAGS.iter().filter(|f| !takes(name).contains(f));
        let mut refused: Vec<&str> = flags.filter(|f| given(sub, f)).copied().collect();
        let has_option_case = cmd
            .find_subcommand(name)
            .is_some_and(|sc| sc.get_arguments().any(|a| a.get_id() == "option_case"));
        if given(&matches, "option_case") && !has_option_case {
            refused.push("option_case");
        }
        if let Some(flag) = refused.first() {
            let long = flag.replace('_', "-");
            let sc = cmd.find_subcommand_mut(name).expect("the subcommand just parsed");
            return Err(sc.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("--{long} does not apply to 'hookctl {name}'"),
            ));
        }
        if name == "send" && given(sub, "target") && given(sub, URL) {
            let sc = cmd.find_subcommand_mut(name).expect("the subcommand just parsed");
            return Err(sc.error(
                clap::error::ErrorKind::ArgumentConflict,
                "the URL after the event and --url both say where to send: give one",
            ));
        }
    }
    let mut cli = Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))?;
    if url_from_env {
        if let Some(url) = command_url(&mut cli) {
            *url = None;
        }
    }
    Ok(cli)
}

/// The `--url` of the command, for those that have one.
fn command_url(cli: &mut Cli) -> Option<&mut Option<String>> {
    use super::Command;
    match &mut cli.command {
        Command::Send(a) => Some(&mut a.delivery.url),
        Command::Scenario(a) => Some(&mut a.delivery.url),
        Command::Replay(a) => Some(&mut a.delivery.url),
        Command::Test(a) => Some(&mut a.url),
        _ => None,
    }
}

/// `--url`: help and the man page name its variable (`[env: HOOKCTL_URL]`), but each command
/// reads the variable itself, where its precedence is decided: `send` puts `--botpress-config`'s
/// url between `--url` and the variable, and `test` names which of the two it used.
const URL: &str = "url";

/// Whether the parser took `--url` from its variable: that value is dropped after parsing, so
/// that `--url` holds only what the command line gave.
fn url_from_env(sub: &clap::ArgMatches) -> bool {
    sub.try_contains_id(URL).unwrap_or(false) && sub.value_source(URL) == Some(ValueSource::EnvVariable)
}

/// The definition the parser uses: as [`command`], except that a variable which is not text
/// (the command reads it as unset) is not given to the parser, which would refuse it.
fn env_parsed(cmd: clap::Command) -> clap::Command {
    if std::env::var_os(crate::defaults::ENV_URL).is_none_or(|v| v.to_str().is_some()) {
        return cmd;
    }
    cmd.mut_subcommands(|sc| {
        let has_url = sc.get_arguments().any(|a| a.get_id() == URL);
        if has_url { sc.mut_arg(URL, |a| a.env(None)) } else { sc }
    })
}

/// A name from the catalogue (an event, a scenario): completions offer the names and help lists
/// them with what each is, while the command itself looks the name up, so that an unknown one is
/// answered with the name that was meant.
#[derive(Clone)]
pub(super) struct CatalogueNames(fn() -> Vec<PossibleValue>);

impl CatalogueNames {
    pub(super) fn events() -> CatalogueNames {
        CatalogueNames(|| EVENTS.iter().map(|e| PossibleValue::new(e.name).help(e.summary)).collect())
    }

    pub(super) fn scenarios() -> CatalogueNames {
        CatalogueNames(|| SCENARIOS.iter().map(|s| PossibleValue::new(s.name).help(s.summary)).collect())
    }
}

impl TypedValueParser for CatalogueNames {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_says_which_global_flags_it_takes_and_has_examples() {
        let cmd = command();
        let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).filter(|n| *n != "help").collect();
        let listed: Vec<&str> = command_names().collect();
        assert_eq!(names, listed, "TAKES lists every command, in order");
        let with_examples: Vec<&str> = EXAMPLES.iter().map(|(c, _)| *c).collect();
        assert_eq!(names, with_examples, "EXAMPLES lists every command, in order");
        for (_, flags) in TAKES {
            assert!(flags.iter().all(|f| GLOBAL_FLAGS.contains(f)), "{flags:?}");
        }
    }

    #[test]
    fn flags_a_command_does_not_take_are_hidden_there() {
        let mut cmd = command();
        cmd.build();
        let hidden = |sc: &str, flag: &str| {
            let sc = cmd.find_subcommand(sc).unwrap();
            sc.get_arguments().find(|a| a.get_id() == flag).unwrap().is_hide_set()
        };
        assert!(hidden("completions", "output") && hidden("completions", "color"));
        assert!(hidden("list", "verbose") && hidden("show", "output"));
        assert!(!hidden("send", "verbose") && !hidden("list", "output") && !hidden("send", "output"));
    }

    #[test]
    fn the_documented_definition_gives_each_command_only_the_flags_it_takes() {
        let cmd = documented();
        let flags = |sc: &str| -> Vec<String> {
            let sc = cmd.find_subcommand(sc).unwrap();
            sc.get_arguments()
                .map(|a| a.get_id().to_string())
                .filter(|id| GLOBAL_FLAGS.contains(&id.as_str()))
                .collect()
        };
        assert!(flags("completions").is_empty() && flags("man").is_empty());
        assert_eq!(flags("list"), ["output", "color"]);
        assert_eq!(flags("send"), GLOBAL_FLAGS);
        let top: Vec<&str> = cmd.get_arguments().map(|a| a.get_id().as_str()).collect();
        assert!(GLOBAL_FLAGS.iter().all(|f| top.contains(f)), "{top:?}");
    }

    #[test]
    fn examples_show_what_they_do_above_them() {
        let help = examples_help("scenario");
        let plain = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap().replace_all(&help, "").into_owned();
        assert!(
            plain.starts_with("Examples:\n  # List them\n  hookctl scenario\n\n  # A handoff's"),
            "{plain}"
        );
        assert!(
            plain.ends_with(
                "\n\n  # Out of order, as retries can make it\n  hookctl scenario handoff-full --shuffle --seed 3\n\n  \
                 # A k6 script: each iteration the whole story\n  hookctl scenario handoff-full --print k6 > handoff-full.js"
            ),
            "{plain}"
        );
        for (line, what) in examples("scenario") {
            assert!(!what.is_empty(), "{line}: say what it does");
        }
    }

    #[test]
    fn capitalised_capitalises_the_first_letter_only() {
        assert_eq!(capitalised("list them"), "List them");
        assert_eq!(capitalised(""), "");
    }
}
