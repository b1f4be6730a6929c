//! The `--save` capture as the receiver writes it: one JSON line a request, gathered in groups
//! and written before any request of a group is answered, so that what a sender saw acknowledged
//! is on disk; a file cut mid-line by a crash gets its next line on a line of its own.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::Record;

/// Why a record was not saved: one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// The capture file refused the write: its path and the reason of the I/O error.
    #[error("{path}: {reason}")]
    Write { path: String, reason: String },
    /// The record could not be made into a line.
    #[error("cannot encode the record: {0}")]
    Encode(String),
}

/// The `--save` file, written in groups. A request's line joins the group being gathered; one of
/// the requests of that group writes it whole in one call while the next group gathers, and every
/// request of a group is answered only once the write that holds its line has returned. Under a
/// stream of requests that is one write for several of them; alone, a request writes its own.
pub(crate) struct Capture {
    path: PathBuf,
    /// The file and how long it is: a group that cannot be written whole is cut off again, so
    /// that a capture never holds half a line. Only the group's writer takes it.
    file: Mutex<(File, u64)>,
    gather: Mutex<Group>,
    written: tokio::sync::Notify,
}

/// The lines gathered for the next write, and where their outcome will be told.
#[derive(Default)]
struct Group {
    lines: Vec<u8>,
    /// The room of the group written last, emptied, for the group after the next: a group does not
    /// grow from nothing (each growth into memory never touched yet costs a page fault).
    spare: Vec<u8>,
    outcome: Arc<std::sync::OnceLock<Result<(), SaveError>>>,
    /// A group is being written.
    writing: bool,
}

/// The most room a written group leaves behind for the next ones.
const GROUP_KEPT: usize = 1 << 20;

impl Capture {
    pub(crate) fn new(path: PathBuf, file: File) -> Capture {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        Capture {
            path,
            file: Mutex::new((file, len)),
            gather: Mutex::default(),
            written: tokio::sync::Notify::new(),
        }
    }

    /// Append a line (ending in a newline), returning once it is written or could not be.
    async fn append(&self, line: &[u8]) -> Result<(), SaveError> {
        let outcome = {
            let mut group = lock(&self.gather);
            group.lines.extend_from_slice(line);
            group.outcome.clone()
        };
        loop {
            let written = self.written.notified();
            tokio::pin!(written);
            written.as_mut().enable();
            if let Some(result) = outcome.get() {
                return result.clone();
            }
            // No group is being written, so the one this line is in has not been taken: this
            // request writes it, once the requests already under way have had their turn to join.
            let writer = {
                let mut group = lock(&self.gather);
                !std::mem::replace(&mut group.writing, true)
            };
            if !writer {
                written.await;
                continue;
            }
            // Should this request be dropped while it waits (its client gone, the server
            // stopping now), another one takes the writing over.
            let role = Writer(self);
            tokio::task::yield_now().await;
            let (mut lines, told) = {
                let mut group = lock(&self.gather);
                let spare = std::mem::take(&mut group.spare);
                (std::mem::replace(&mut group.lines, spare), std::mem::take(&mut group.outcome))
            };
            let _ = told.set(self.write(&lines));
            if lines.capacity() <= GROUP_KEPT {
                lines.clear();
                lock(&self.gather).spare = lines;
            }
            drop(role);
        }
    }

    fn write(&self, lines: &[u8]) -> Result<(), SaveError> {
        let mut file = lock(&self.file);
        let (f, len) = &mut *file;
        match f.write_all(lines).and_then(|_| f.flush()) {
            Ok(()) => {
                *len += lines.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Not a regular file (a pipe, /dev/full): nothing to cut.
                let _ = f.set_len(*len);
                let path = self.path.display().to_string();
                Err(SaveError::Write { path, reason: crate::input::io_reason(&e) })
            }
        }
    }
}

/// Open the `--save` file to append to. A file that ends inside a line (its writer stopped in the
/// middle of a record: a crash, a full disk) is given the line's end first, so that the records
/// appended start on lines of their own and the cut line is the only one not read back. That is
/// checked once, here, not for each record.
pub(crate) fn open_capture(path: &std::path::Path) -> std::io::Result<File> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    if ends_inside_a_line(path, &file) {
        file.write_all(b"\n")?;
    }
    Ok(file)
}

/// Whether a capture file, open to append to, is a regular file whose last byte is not a line's
/// end. Its last byte is read through a handle of its own (the appending one cannot read); a file
/// that cannot be read so is taken as it is.
fn ends_inside_a_line(path: &std::path::Path, file: &File) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let len = match file.metadata() {
        Ok(m) if m.is_file() && m.len() > 0 => m.len(),
        _ => return false,
    };
    let mut last = [0u8];
    let read = File::open(path)
        .and_then(|mut f| f.seek(SeekFrom::Start(len - 1)).and_then(|_| f.read_exact(&mut last)));
    read.is_ok() && last[0] != b'\n'
}

/// The writing of a capture's group, handed back when it is done or dropped.
struct Writer<'a>(&'a Capture);

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        lock(&self.0.gather).writing = false;
        self.0.written.notify_waiters();
    }
}

/// Append a record to the capture as one line, or say why it could not be.
pub(crate) async fn save(capture: &Capture, record: &Record) -> Result<(), SaveError> {
    // A line that cannot be made is not saved either: never an empty line acknowledged.
    // Room for the body, escaped, and the rest of the record: the line is not grown piece by piece.
    let mut line = Vec::with_capacity(record.bytes + record.bytes / 4 + 2048);
    record.write_json(&mut line).map_err(|e| SaveError::Encode(e.to_string()))?;
    line.push(b'\n');
    capture.append(&line).await
}

/// A lock, also when a thread panicked while holding it (what it guards stays consistent).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
