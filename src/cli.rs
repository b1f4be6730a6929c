//! The command-line definition: the one place flags live. Help, completions, the man page and
//! the README's command list all derive from it.

mod help;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueHint};

use help::{CatalogueNames, examples_help};
pub use help::{EXAMPLES, capitalised, command, documented, examples, try_parse_from};

use crate::catalogue::Kind;
use crate::contract::OptionCase;
use crate::defaults;
use crate::input::Size;
use crate::output::{ColorChoice, Format};
use crate::send::Retry;

#[derive(Debug, Parser)]
#[command(
    name = "hookctl",
    version,
    about = "Simulate, inspect and contract-test Botpress HITL Next and eva webhooks",
    long_about = "Simulate, inspect and contract-test the webhooks of Botpress v12 HITL Next \
                  (events webhook) and eva (transactional answer, service cell), with no platform \
                  account and no cloud.",
    after_help = "Exit codes: 0 success, 1 contract failure, 2 usage or input error, 3 transport error, 4 hookctl itself could not work, 130 a load run stopped by Ctrl-C.",
    arg_required_else_help = true
)]
pub struct Cli {
    /// Output format: coloured text for people, or JSON on stdout for machines.
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Text)]
    pub output: Format,

    /// When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped
    /// only with CLICOLOR_FORCE).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Say more: the request and the answer in full (headers, bodies) and timings.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Say less: only the verdicts and the summary (errors and warnings still go to stderr).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// `--option-case` before the command, as hookctl once took it; the command's own wins.
    #[arg(long = "option-case", value_enum, value_name = "CASE", hide = true)]
    pub option_case: Option<OptionCase>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in events.
    #[command(after_help = examples_help("list"))]
    List,
    /// Print an event's fixture as it would be sent.
    #[command(after_help = examples_help("show"))]
    Show(ShowArgs),
    /// Print the JSON Schema of a document kind.
    #[command(after_help = examples_help("schema"))]
    Schema(SchemaArgs),
    /// Validate payload or response files against the platforms' contracts.
    #[command(after_help = examples_help("validate"))]
    Validate(ValidateArgs),
    /// Deliver an event to a webhook as the platform does, and judge the answer.
    #[command(after_help = examples_help("send"))]
    Send(SendArgs),
    /// Deliver a story of events (a handoff's life cycle) sharing one handoff, user and agent.
    #[command(after_help = examples_help("scenario"))]
    Scenario(ScenarioArgs),
    /// Receive webhooks: show, validate and capture what a platform sends, and answer it.
    #[command(after_help = examples_help("listen"))]
    Listen(ListenArgs),
    /// Re-send requests captured by `listen --save`, exact bytes, in order (or edited).
    #[command(after_help = examples_help("replay"))]
    Replay(ReplayArgs),
    /// Turn a capture of `listen --save` into curl commands or a HAR file.
    #[command(after_help = examples_help("export"))]
    Export(ExportArgs),
    /// Run contract suites (TOML) against the webhooks of a deployment, for CI.
    ///
    /// Where a case goes, the first that gives a url: its own url, or the target it names; the
    /// suite's target for its kind (botpress, eva-service, eva-answer); the suite's [defaults]
    /// url. A url that comes out empty gives none. --target NAME=URL sets a target's url over the
    /// suite's. --url, else HOOKCTL_URL, sends every case of a suite with one target there; a
    /// suite with several refuses it and names them. With no url at all, the cases go to
    /// hookctl's built-in receiver, which proves nothing about your server: in CI (the CI
    /// variable set) that fails with exit 2, unless --builtin.
    #[command(after_help = examples_help("test"))]
    Test(TestArgs),
    /// Write a commented starter suite: a case for every built-in event, a target per webhook.
    #[command(after_help = examples_help("init"))]
    Init(InitArgs),
    /// Print a shell completion script.
    #[command(after_help = examples_help("completions"))]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), of hookctl or of one command.
    #[command(after_help = examples_help("man"))]
    Man(ManArgs),
}

impl Cli {
    /// How an eva option is matched: the command's `--option-case`, else the one given before the
    /// command, else exact.
    pub fn option_case(&self) -> OptionCase {
        let own = match &self.command {
            Command::Validate(a) => a.option_case.option_case,
            Command::Send(a) => a.delivery.option_case.option_case,
            Command::Scenario(a) => a.delivery.option_case.option_case,
            Command::Replay(a) => a.delivery.option_case.option_case,
            Command::Listen(a) => a.option_case.option_case,
            Command::Test(a) => a.option_case.option_case,
            _ => None,
        };
        own.or(self.option_case).unwrap_or_default()
    }
}

/// How an eva service cell's option is matched; taken by the commands that judge eva answers.
#[derive(Debug, Clone, Copy, Args)]
pub struct OptionCaseArg {
    /// How an eva service cell's option is matched against expectedOptions. eva does not
    /// document it: exact by default.
    #[arg(long = "option-case", value_enum, value_name = "CASE")]
    pub option_case: Option<OptionCase>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command, for its own page (hookctl-COMMAND); without one, hookctl's page.
    #[arg(value_name = "COMMAND", value_parser = clap::builder::PossibleValuesParser::new(help::command_names()))]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The event (see `hookctl list`).
    #[arg(value_parser = CatalogueNames::events())]
    pub event: String,
    /// Show the example of a valid answer from the webhook instead (eva events).
    #[arg(long, conflicts_with_all = ["sets", "seed", "text", "expected_options", "answer", "answer_type"])]
    pub response: bool,
    /// Pretty-print even when piped (default: pretty on a terminal, the wire's compact form when piped).
    #[arg(long, conflicts_with = "compact")]
    pub pretty: bool,
    /// Print the exact compact bytes sent on the wire, even on a terminal.
    #[arg(long)]
    pub compact: bool,
    /// Build the body as `send` would, with the same flags: what `show` prints is what goes.
    #[command(flatten)]
    pub body: BodyArgs,
}

/// How a body is built from an event's fixture; shared by `show` and `send`, so that a preview is
/// exactly what is sent.
#[derive(Debug, Args)]
pub struct BodyArgs {
    /// Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text.
    /// `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set_spec)]
    pub sets: Vec<String>,
    /// Fixed identifiers (and the fixtures' timestamps) for reproducible bodies.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// eva: the user's text.
    #[arg(long)]
    pub text: Option<String>,
    /// eva service cell: the options it offers (comma-separated).
    #[arg(long, value_name = "A,B", value_delimiter = ',', value_parser = parse_option_name)]
    pub expected_options: Option<Vec<String>>,
    /// eva transactional answer: the answer's content before the webhook rewrites it.
    #[arg(long)]
    pub answer: Option<String>,
    /// eva transactional answer: the answer's type (TEXT, CAROUSEL, ...).
    #[arg(long, value_name = "TYPE")]
    pub answer_type: Option<String>,
}

impl BodyArgs {
    /// Whether any flag changes the fixture.
    pub fn any(&self) -> bool {
        !self.sets.is_empty()
            || self.seed.is_some()
            || self.text.is_some()
            || self.expected_options.is_some()
            || self.answer.is_some()
            || self.answer_type.is_some()
    }
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The document kind.
    #[arg(value_enum, required_unless_present_any = ["openapi", "paths", "server", "report"])]
    pub kind: Option<Kind>,
    /// Print the JSON Schema of one of hookctl's own JSON reports (what `-o json` prints)
    /// instead; without a name, list the names.
    #[arg(long, value_enum, value_name = "NAME", num_args = 0..=1, conflicts_with_all = ["kind", "openapi", "paths", "server"])]
    pub report: Option<Option<crate::output::ReportName>>,
    /// Print an OpenAPI 3.1 document instead: every built-in event as a webhook, with its schema,
    /// its example and what the platform reads of the answer.
    #[arg(long, conflicts_with = "kind")]
    pub openapi: bool,
    /// The OpenAPI document with each webhook also as an operation of your receiver (POST
    /// /botpress/events, /eva/service, /eva/answer), for tools that read only `paths` (Prism,
    /// Schemathesis).
    #[arg(long, conflicts_with = "kind")]
    pub paths: bool,
    /// The OpenAPI document with your receiver's base URL as its `servers` entry (default: where
    /// `hookctl listen` listens, http://127.0.0.1:8080).
    #[arg(long, value_name = "URL", conflicts_with = "kind", value_hint = ValueHint::Url)]
    pub server: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, directories (every *.json below them) or `-` for standard input.
    #[arg(required = true, value_name = "FILE|DIR|-", value_hint = ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,
    /// The kind of every document, instead of detecting it from its shape.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// The eva request the responses answer: enables the option check and context comparisons.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub request: Option<PathBuf>,
    /// The options a service cell offered (comma-separated), for the option check.
    #[arg(long, value_name = "A,B", value_delimiter = ',', value_parser = parse_option_name, conflicts_with = "request")]
    pub expected_options: Option<Vec<String>>,
    /// Stop at the first line of a capture that is not a record (exit 2): nothing after it is
    /// read. Without it, each such line is reported (FILE:LINE) and the rest judged.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub limit: LimitArgs,
    #[command(flatten)]
    pub option_case: OptionCaseArg,
}

/// How much of an input is read.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Refuse a document larger than this (a file, standard input, a record of a capture): bytes,
    /// or with a unit (10MB, 64MiB).
    #[arg(long, value_name = "SIZE", default_value_t = Size(defaults::MAX_INPUT))]
    pub max_size: Size,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Where and how to deliver; shared by `send` and the commands built on it.
#[derive(Debug, Args)]
pub struct DeliveryArgs {
    /// The webhook URL. Without one, --botpress-config's url, else HOOKCTL_URL; without any,
    /// hookctl delivers to its own built-in receiver.
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url, env = defaults::ENV_URL, hide_env_values = true)]
    pub url: Option<String>,
    /// Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub botpress_config: Option<PathBuf>,
    /// Add a header, `Name: value` (repeatable); it wins over the platform's and the config's.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s);
    /// more than 0 s, at most 86400 s, a day (Botpress itself waits forever).
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::TIMEOUT_SECS, value_parser = parse_seconds)]
    pub timeout: f64,
    /// Re-send on failure as a platform does (`botpress`: Botpress's schedule).
    #[arg(long, value_enum, default_value_t = Retry::None, help = retry_help())]
    pub retry: Retry,
    /// Scale the retry waits.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0, value_parser = parse_scale, help = retry_scale_help())]
    pub retry_scale: f64,
    /// Read at most this much of an answer, a longer one failing the contract: bytes, or with a
    /// unit (64KiB, 1MB).
    #[arg(long, value_name = "SIZE", default_value_t = Size(defaults::MAX_RESPONSE as u64))]
    pub max_response: Size,
    /// Print secrets as they are: header values (authorization, cookies, keys, tokens,
    /// signatures), the URL's password and secret query values.
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub option_case: OptionCaseArg,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The built-in event to send (see `hookctl list`).
    #[arg(value_name = "EVENT", required_unless_present = "data", value_parser = CatalogueNames::events())]
    pub event: Option<String>,
    /// The webhook URL, as --url takes it (`hookctl send handoff-create localhost:3000/hook`); not
    /// with --url (checked after parsing, so that HOOKCTL_URL, which fills --url, does not count).
    #[arg(value_name = "URL", requires = "event", value_hint = ValueHint::Url)]
    pub target: Option<String>,
    /// Send your own JSON body instead of a fixture (`-` for standard input); the URL may follow
    /// (`hookctl send --data body.json localhost:3000/hook`), but no EVENT.
    #[arg(long, value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub data: Option<PathBuf>,
    /// The kind of the --data body, instead of detecting it.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    #[command(flatten)]
    pub body: BodyArgs,
    /// Expect this HTTP status instead of any 2xx.
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(100..=599))]
    pub expect_status: Option<u16>,
    /// eva service cell: expect the answer to choose this option.
    #[arg(long, value_name = "OPTION")]
    pub expect_option: Option<String>,
    /// Deliver once an event that Botpress delivers twice (handoff-tags).
    #[arg(long)]
    pub once: bool,
    /// Load mode: send this many events, each with fresh ids and delivered once, and summarise;
    /// Ctrl-C stops early with the summary so far (exit 130).
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub count: Option<u64>,
    /// Load mode: keep sending for this many seconds, or a duration with its unit (10s, 5m); more
    /// than 0 s, at most 86400 s, a day.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub duration: Option<f64>,
    /// Load mode: requests in flight at once (1 to 1024).
    #[arg(short = 'c', long, value_name = "C", default_value_t = 8, value_parser = parse_concurrency)]
    pub concurrency: u16,
    /// Load mode: stop after this many transport errors (refused, timeouts...); 0 never stops.
    #[arg(long, value_name = "N", default_value_t = crate::load::MAX_ERRORS)]
    pub max_errors: u64,
    /// Print the request as it would go (method, url, headers, body) and send nothing.
    #[arg(long, conflicts_with_all = ["count", "duration"])]
    pub dry_run: bool,
    /// Print the request as a command instead of sending it (`curl`: one shell-quoted curl
    /// command line; secret header values redacted unless --show-secrets; `k6`: a k6 script that
    /// sends it as load mode does, secret values read from the environment).
    #[arg(long, value_enum, value_name = "FORM", conflicts_with_all = ["count", "duration"])]
    pub print: Option<crate::preview::Print>,
    #[command(flatten)]
    pub limit: LimitArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// The scenario (omit to list them).
    #[arg(value_parser = CatalogueNames::scenarios())]
    pub name: Option<String>,
    /// Deliver every event twice in a row: receivers must be idempotent.
    #[arg(long)]
    pub duplicate: bool,
    /// Deliver the steps out of order (reproducible with --seed).
    #[arg(long)]
    pub shuffle: bool,
    /// Fixed identifiers and order.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Print the scenario as a script instead of sending it (`k6`: a k6 script whose iterations
    /// send the steps in order with fresh ids; secret header values read from the environment
    /// unless --show-secrets).
    #[arg(long, value_enum, value_name = "FORM")]
    pub print: Option<crate::preview::Print>,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(short, long, default_value_t = defaults::PORT)]
    pub port: u16,
    /// The address to bind. Loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Answer every request with this status (to watch Botpress retry): a final status, 200 to 599.
    #[arg(long, value_name = "CODE", value_parser = parse_final_status)]
    pub status: Option<u16>,
    /// Fail the first N deliveries of each distinct body with 503, then accept.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fail_first: u32,
    /// Answer with this JSON file instead of the reference answer.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["status", "forward_to"], value_hint = ValueHint::FilePath)]
    pub respond: Option<PathBuf>,
    /// As an eva webhook mock: the option service cells get (default: the first expected one).
    #[arg(long, value_name = "OPTION")]
    pub respond_option: Option<String>,
    /// Relay every request (exact bytes and headers) to your server, and answer with its answer:
    /// the request's path and query go after the URL's (`--forward-to localhost:3000/api`, a
    /// request to /eva/service?x=1 goes to http://localhost:3000/api/eva/service?x=1; one to /, to
    /// the URL itself). Refused when it is this listener itself; a request that comes back is
    /// answered 508.
    #[arg(long, value_name = "URL", conflicts_with = "status", value_hint = ValueHint::Url)]
    pub forward_to: Option<String>,
    /// With --forward-to: relay every request to the URL exactly as given, whatever its path and
    /// query.
    #[arg(long, requires = "forward_to")]
    pub forward_exact: bool,
    /// Show (and save) only the requests of this kind (as `hookctl validate --kind` names them,
    /// or `unknown`) or to this path: exact, or every path that begins so when it ends in / or *
    /// (/eva/, /hook*); the query is not looked at. Repeatable, or comma-separated. The others are
    /// answered (and forwarded) all the same; the summary counts them.
    #[arg(long, value_name = "KIND|PATH", value_delimiter = ',')]
    pub filter: Vec<String>,
    /// Append every request to this file, one JSON line each, before answering it.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub save: Option<PathBuf>,
    /// Keep secrets in output and captures: header values (authorization, cookies, keys, tokens,
    /// signatures) and secret query values.
    #[arg(long)]
    pub keep_secrets: bool,
    /// Answer 401 to a request without this header (repeatable): `NAME=VALUE` wants that exact
    /// value, `NAME` alone any value. As the platform's configured headers would be checked.
    #[arg(long = "require-header", value_name = "NAME=VALUE")]
    pub require_headers: Vec<String>,
    /// Answer larger bodies with 413: bytes, or with a unit (64KiB, 1MB).
    #[arg(long, value_name = "SIZE", default_value_t = Size(defaults::MAX_BODY as u64))]
    pub max_body: Size,
    /// With --forward-to: read at most this much of your server's answer, bytes or with a unit
    /// (64KiB, 1MB); a longer one is answered 502 (the client is told the limit), not relayed.
    #[arg(long, value_name = "SIZE", default_value_t = Size(defaults::MAX_RESPONSE as u64))]
    pub max_response: Size,
    /// Answer 408 and close the connection when a request's body (after its headers) takes longer
    /// than this to arrive, as from a client that stopped short of its Content-Length. Default:
    /// --header-timeout's value.
    #[arg(long, visible_alias = "read-timeout", value_name = "SECONDS", value_parser = parse_seconds)]
    pub body_timeout: Option<f64>,
    /// Close a connection whose request headers take longer than this (from their first byte, or
    /// from when the connection opened), with no answer.
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::HEADER_TIMEOUT.as_secs_f64(), value_parser = parse_seconds)]
    pub header_timeout: f64,
    /// Close a kept-alive connection that sends no new request for this long after an answer
    /// (sooner when --max-connections is reached and a new client waits: the connection idle
    /// longest is closed for it).
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::IDLE_TIMEOUT.as_secs_f64(), value_parser = parse_seconds)]
    pub idle_timeout: f64,
    /// Keep at most this many connections open. When a new client comes and all are taken, the
    /// kept-alive connection idle longest is closed for it; with none idle, it waits until one
    /// closes. A connection with a request under way is never closed for another.
    #[arg(long, value_name = "N", default_value_t = defaults::MAX_CONNECTIONS as u32, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub max_connections: u32,
    /// On Ctrl-C (or SIGTERM, or --exit-after), stop accepting and give requests in flight this
    /// long to finish; what is left is dropped unanswered (a second Ctrl-C drops it at once).
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::GRACE.as_secs_f64(), value_parser = parse_seconds)]
    pub grace: f64,
    /// Stop after this many requests (default: run until Ctrl-C). Requests are counted as they
    /// arrive (those --filter leaves out too): exactly N are taken, however many come at once;
    /// any more are answered 503 with `Connection: close` and not recorded.
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub exit_after: Option<u64>,
    #[command(flatten)]
    pub option_case: OptionCaseArg,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A capture file written by `listen --save` (`-` for standard input).
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`).
    #[arg(long, value_name = "KIND|N", value_delimiter = ',')]
    pub filter: Vec<String>,
    /// Stop at the first line of the capture that is not a record, sending nothing (exit 2).
    /// Without it, each such line is named (FILE:LINE) and the rest replayed; the exit code is
    /// then 2.
    #[arg(long)]
    pub strict: bool,
    /// Override a field of each body re-sent, as `send --set` does (repeatable): a dotted path or
    /// JSON pointer; the value is JSON if it parses, else text. The body is then sent compact.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set_spec)]
    pub sets: Vec<String>,
    /// Send this JSON body (`-` for standard input) instead of the captured one, with the
    /// captured headers; one request only (pick it with --filter).
    #[arg(long, value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub data: Option<PathBuf>,
    /// Print the requests (edits applied) as commands instead of sending them (`curl`: one
    /// shell-quoted curl command line each; secret header values redacted unless --show-secrets).
    #[arg(long, value_enum, value_name = "FORM")]
    pub print: Option<crate::preview::Print>,
    #[command(flatten)]
    pub limit: LimitArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A capture file written by `listen --save` (`-` for standard input).
    #[arg(value_name = "CAPTURE", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// What to write: `curl` commands (a shell script), or a `har` 1.2 file (browsers' devtools,
    /// Postman).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: crate::export::Format,
    /// Write to this file instead of standard output (`-o` is the report format of the other
    /// commands).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,
    /// The url every request goes to, instead of the one it came to (its Host header and path).
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,
    /// Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`).
    #[arg(long, value_name = "KIND|N", value_delimiter = ',')]
    pub filter: Vec<String>,
    /// Write secrets as they are: header values (authorization, cookies, keys, tokens,
    /// signatures), the URL's password and secret query values (as far as the capture kept them).
    #[arg(long)]
    pub show_secrets: bool,
    /// Stop at the first line of the capture that is not a record, writing nothing (exit 2).
    /// Without it, each such line is named (FILE:LINE) and the rest exported; the exit code is
    /// then 2.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub limit: LimitArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Suite files (TOML). Without one, ./hookctl.toml.
    #[arg(value_name = "SUITE", value_hint = ValueHint::FilePath)]
    pub suites: Vec<PathBuf>,
    /// Send every case of a suite with one target here, whatever it and HOOKCTL_URL say; a suite
    /// with several targets refuses it (use --target). Without it, HOOKCTL_URL does the same.
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url, env = defaults::ENV_URL, hide_env_values = true)]
    pub url: Option<String>,
    /// Set the url of the suites' target NAME (botpress, eva-service, eva-answer, default, or a
    /// name of the suite's own), over the suite's. Repeatable.
    #[arg(long, value_name = "NAME=URL", value_parser = parse_target)]
    pub target: Vec<(String, String)>,
    /// Run cases that have no url against hookctl's built-in receiver even in CI (the CI variable
    /// set), on purpose.
    #[arg(long)]
    pub builtin: bool,
    /// Fail a case on any contract warning (a hidden value shown, a context dropped), as
    /// deny_warnings = true in a suite does.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print secrets as they are: header values, the URL's password and secret query values,
    /// and values the suites took from the environment.
    #[arg(long)]
    pub show_secrets: bool,
    /// Cases run at once.
    #[arg(short, long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Run only the cases whose name contains this.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Also write a JUnit XML report here, for CI systems.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub junit: Option<PathBuf>,
    /// Write a starter suite (to the SUITE path, or hookctl.toml) instead of running.
    #[arg(long)]
    pub init: bool,
    /// With --init: overwrite an existing file.
    #[arg(long, requires = "init")]
    pub force: bool,
    #[command(flatten)]
    pub option_case: OptionCaseArg,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the suite.
    #[arg(default_value = defaults::SUITE_PATH, value_hint = ValueHint::FilePath)]
    pub path: PathBuf,
    /// Overwrite an existing file (and, with --from, the payload files).
    #[arg(long)]
    pub force: bool,
    /// Make the suite from a capture of `listen --save`: a case per distinct request, its body in
    /// a payload directory beside the suite, a target per path the requests came to.
    #[arg(long, value_name = "CAPTURE", conflicts_with = "platform")]
    pub from: Option<PathBuf>,
    /// Write only this platform's cases and targets.
    #[arg(long, value_enum)]
    pub platform: Option<crate::catalogue::Platform>,
    /// With --from: stop at the first line of the capture that is not a record, writing nothing
    /// (exit 2). Without it, each such line is named (FILE:LINE) and the suite made of the rest;
    /// the exit code is then 2.
    #[arg(long, requires = "from")]
    pub strict: bool,
    #[command(flatten)]
    pub limit: LimitArgs,
}

/// A `--set` as given, with `$${` as a literal `${`; a `${NAME}` is refused, not left half-done:
/// variables are expanded in suites only, and a shell expands its own before hookctl sees them.
fn parse_set_spec(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            out.push_str(&rest[..at - 1]);
            out.push_str("${");
            rest = &rest[at + 2..];
            continue;
        }
        let reference: String = rest[at..].chars().take_while(|c| *c != '}').chain(Some('}')).collect();
        return Err(format!(
            "{reference} is not expanded in --set (variables are, in suite files); let your shell \
             expand it (\"$NAME\", in double quotes), or write $${{ for a literal ${{"
        ));
    }
    out.push_str(rest);
    Ok(out)
}

/// `NAME=URL`, the url checked when the run starts.
fn parse_target(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, url)) if !name.trim().is_empty() && !url.trim().is_empty() => {
            Ok((name.trim().to_string(), url.trim().to_string()))
        }
        _ => Err(format!(
            "'{}' is not NAME=URL (--target botpress=http://localhost:3000/botpress/events)",
            crate::http::shown_raw_url(s)
        )),
    }
}

/// A status a listener can answer with: a final one, 200 to 599 (a 1xx is not an answer).
fn parse_final_status(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(code) if (200..=599).contains(&code) => Ok(code),
        Ok(code) if (100..=199).contains(&code) => {
            Err(format!("{code} is an interim status, not an answer: give a final status, 200 to 599"))
        }
        _ => Err(format!("'{s}' is not a final HTTP status: give 200 to 599")),
    }
}

/// A number of seconds, as every flag of a duration takes it: more than 0, at most a day.
/// Seconds (`5`, `0.5`) or a duration with its unit (`500ms`, `10s`, `2m`, `1h 30m`).
fn parse_seconds(s: &str) -> Result<f64, String> {
    let max = defaults::MAX_SECS;
    let text = s.trim();
    let (seconds, shown) = match text.parse::<f64>() {
        Ok(v) if v.is_finite() => (v, format!("{text} s")),
        _ => match humantime::parse_duration(text) {
            Ok(d) => (d.as_secs_f64(), text.to_string()),
            Err(_) => {
                return Err(format!(
                    "'{s}' is not a duration: give seconds (5, 0.5) or a number with a unit (500ms, 10s, 2m)"
                ));
            }
        },
    };
    match seconds {
        v if v > 0.0 && v <= max => Ok(v),
        v if v > max => Err(format!("{shown} is too long: it must be at most {max} s (a day)")),
        _ => Err(format!("{shown} is too short: it must be more than 0 s")),
    }
}

/// Requests in flight at once: 1 to 1024.
fn parse_concurrency(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n as u16),
        Ok(_) => Err(format!("{s} requests in flight: it must be from 1 to 1024")),
        Err(_) => Err(format!("'{s}' is not a number of requests in flight (1 to 1024)")),
    }
}

/// A count of one or more.
fn parse_count(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("'{s}' is not a count of 1 or more")),
    }
}

/// One name of `--expected-options`: trimmed (`YES, NO` is YES and NO); an empty name is refused.
fn parse_option_name(s: &str) -> Result<String, String> {
    let name = s.trim();
    if name.is_empty() {
        return Err("an option name is empty (expected comma-separated names, such as YES,NO)".into());
    }
    Ok(name.to_string())
}

fn retry_help() -> String {
    format!(
        "Re-send on failure: `botpress` follows Botpress's schedule ({} attempts, {} doubling)",
        crate::platform::botpress::ATTEMPTS,
        crate::http::human(crate::platform::botpress::FIRST_DELAY)
    )
}

fn retry_scale_help() -> String {
    let total = crate::platform::botpress::retry_total_wait().as_secs_f64();
    format!("Scale the retry waits (0.01 runs Botpress's {total:.0} s of waits in {:.1} s)", total * 0.01)
}

fn parse_scale(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a factor between 0 and 100")),
    }
}
