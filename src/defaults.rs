//! Defaults shared by several commands, each stated once: flags, suites and the receiver read
//! them from here.

use std::time::Duration;

/// The environment variable that names the target when no `--url` is given.
pub const ENV_URL: &str = "HOOKCTL_URL";

/// The target named by `HOOKCTL_URL`, when it is set and not blank.
pub fn env_url() -> Option<String> {
    std::env::var(ENV_URL).ok().filter(|u| !u.trim().is_empty())
}

/// The variable CI systems set (GitHub Actions, GitLab CI, CircleCI, Travis, Buildkite...).
pub const CI_VAR: &str = "CI";

/// Whether this runs in CI: `CI` set, and not empty, `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var(CI_VAR).is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "false" | "0"))
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

/// How long `listen` gives a request's headers (from their first byte, or from when the
/// connection opened), and how long a kept-alive connection may sit with no request after an
/// answer; either way the connection is then closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most connections `listen` keeps open at once; more wait until one closes. Well under the
/// usual limit of 1024 open files.
pub const MAX_CONNECTIONS: usize = 512;

/// How long requests in flight get to finish once `listen` is told to stop.
pub const GRACE: Duration = Duration::from_secs(1);

/// The most hookctl listeners a forwarded request may pass through; more is taken for a loop.
pub const MAX_HOPS: usize = 8;

/// The port `listen` binds.
pub const PORT: u16 = 8080;

/// The suite `hookctl init` writes and `hookctl test` runs when given none.
pub const SUITE_PATH: &str = "hookctl.toml";
