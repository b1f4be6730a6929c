//! Outside tools that users feed hookctl's output to (npm, PyPI and Debian packages), installed on
//! first use into `target/tmp/tools/` and reused after: a test runs the real tool, or says in one
//! printed line why it cannot and returns. With `HOOKCTL_REQUIRE_TOOLS=1` (as `.ci/run` sets it) a
//! tool that cannot be installed fails the test instead of skipping it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// One install at a time in a test binary: two tests asking for the same tool wait for one install.
static INSTALLING: Mutex<()> = Mutex::new(());

/// Where tools are installed: beside the build, so that a clean checkout installs them once.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("tools")
}

/// A tool ready to run, or why it is not.
pub type Tool = Result<PathBuf, String>;

/// The path of a tool, or `None` after printing why the test is skipped; panics instead when
/// `HOOKCTL_REQUIRE_TOOLS` is set, so that CI cannot pass by skipping.
pub fn ready(tool: Tool, test: &str) -> Option<PathBuf> {
    match tool {
        Ok(path) => Some(path),
        Err(why) if required() => panic!("{test}: {why} (HOOKCTL_REQUIRE_TOOLS is set)"),
        Err(why) => {
            eprintln!("skipped {test}: {why}");
            None
        }
    }
}

fn required() -> bool {
    std::env::var_os("HOOKCTL_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// An npm package (`@redocly/cli@2.77.0`), in a prefix of its own; `bin` is the command it installs.
pub fn npm(package: &str, bin: &str) -> Tool {
    let dir = root().join("npm").join(slug(package));
    let path = dir.join("node_modules").join(".bin").join(bin);
    install_once(&dir, &path, || {
        which("npm").ok_or("npm is not installed")?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&dir)
            .arg(package))
    })
}

/// A PyPI package (`schemathesis==4.1.0`), in a virtual environment of its own.
pub fn pip(package: &str, bin: &str) -> Tool {
    let dir = root().join("venv").join(slug(package));
    let path = dir.join("bin").join(bin);
    install_once(&dir, &path, || {
        let python = which("python3").ok_or("python3 is not installed")?;
        run(Command::new(python).args(["-m", "venv"]).arg(&dir))?;
        run(Command::new(dir.join("bin").join("pip")).args([
            "install",
            "-q",
            "--disable-pip-version-check",
            package,
        ]))
    })
}

/// A command from a Debian package: the one on `PATH`, else installed with apt-get (as root).
pub fn debian(package: &str, bin: &str) -> Tool {
    if let Some(path) = which(bin) {
        return Ok(path);
    }
    let _one = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = which(bin) {
        return Ok(path);
    }
    which("apt-get")
        .ok_or(format!("{bin} is not installed, and there is no apt-get to install {package}"))?;
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", package])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    which(bin).ok_or(format!("apt-get installed {package}, but {bin} is not on PATH"))
}

/// Installs into `dir` unless a finished install is there (`dir/.installed`); a half-done one is
/// removed and done again.
fn install_once(dir: &Path, path: &Path, install: impl FnOnce() -> Result<(), String>) -> Tool {
    let _one = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let done = dir.join(".installed");
    if !(done.exists() && path.exists()) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        install().inspect_err(|_| {
            let _ = std::fs::remove_dir_all(dir);
        })?;
        if !path.exists() {
            return Err(format!("installed, but {} is not there", path.display()));
        }
        std::fs::write(&done, b"").map_err(|e| format!("cannot write {}: {e}", done.display()))?;
    }
    Ok(path.to_path_buf())
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let out = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
    Err(format!("{shown} failed ({}): {last}", out.status))
}

/// A command on `PATH`.
pub fn which(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(bin)).find(|p| p.is_file())
}

fn slug(package: &str) -> String {
    package.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect()
}
