//! Defaults shared by several commands, each stated once: flags, suites and the receiver read
//! them from here.

use std::time::Duration;

/// The environment variable that names the target when no `--url` is given.
pub const ENV_URL: &str = "HOOKCTL_URL";

/// The target named by `HOOKCTL_URL`, when it is set and not blank.
pub fn env_url() -> Option<String> {
    std::env::var(ENV_URL).ok().filter(|u| !u.trim().is_empty())
}

/// How long to wait for a webhook's answer, in seconds (Botpress itself waits forever; eva's
/// timeout is not documented).
pub const TIMEOUT_SECS: f64 = 5.0;

/// The longest wait any flag or suite may ask for, in seconds: a day.
pub const MAX_SECS: f64 = 86_400.0;

/// The most of an answer that is read (`--max-response`), and the largest body `listen` accepts
/// (`--max-body`).
pub const MAX_RESPONSE: usize = 1024 * 1024;
pub const MAX_BODY: usize = 1024 * 1024;

/// The largest document read from a file or standard input (`--max-size`): `validate`'s inputs,
/// `send --data`, a record of a `replay` capture, suites and configuration files.
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// How long `listen` waits for a client to send its body, and for a `--forward-to` server.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);
pub const FORWARD_TIMEOUT: Duration = Duration::from_secs(10);

/// The port `listen` binds.
pub const PORT: u16 = 8080;

/// The suite `hookctl init` writes and `hookctl test` runs when given none.
pub const SUITE_PATH: &str = "hookctl.toml";
