//! Reading the documents users give us: files, directories, standard input.
//! Every failure is one line that names the source and says what is wrong with it.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Where a document comes from, for messages.
pub fn label(path: &Path) -> String {
    if path == Path::new("-") { "<stdin>".to_string() } else { path.display().to_string() }
}

/// Read the raw bytes of a file, or of standard input for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    let res = if path == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut buf).map(|_| ())
    } else if path.is_dir() {
        return Err(format!("{}: is a directory", label(path)));
    } else {
        std::fs::read(path).map(|b| buf = b)
    };
    res.map_err(|e| format!("{}: cannot read: {}", label(path), io_reason(&e)))?;
    Ok(buf)
}

/// Parse bytes as one JSON document, with a message that says why not.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Value, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(format!("{source}: empty, expected a JSON document"));
    }
    if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
        return Err(format!("{source}: binary data, not JSON text"));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("{source}: not valid JSON: {e}"))
}

/// Read and parse a JSON document from a file or `-`.
pub fn read_json(path: &Path) -> Result<Value, String> {
    parse(&label(path), &read_bytes(path)?)
}

/// Expand the inputs of `validate`: files stay as given, a directory becomes every `*.json` file
/// below it (sorted, so reports are stable), `-` is standard input.
/// A directory that cannot be read comes back as `Err((directory, message))`.
pub fn expand(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (String, String)>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(input, &mut found) {
                out.push(Err((label(input), e)));
                continue;
            }
            if found.is_empty() {
                out.push(Err((label(input), format!("{}: directory holds no .json files", input.display()))));
            }
            found.sort();
            out.extend(found.into_iter().map(Ok));
        } else {
            out.push(Ok(input.clone()));
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot read directory: {}", dir.display(), io_reason(&e)))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            found.push(path);
        }
    }
    Ok(())
}

/// The reason of an I/O error without the "(os error N)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}
