//! Reading one input whole: a file, standard input, or a file found by the walk in a directory
//! held open. At most the cap and one byte more is read, so a huge file or an endless stream is
//! refused without exhausting memory; what is accepted is read once, into one buffer of its size.

use std::fs;
use std::io::Read;
use std::path::Path;

use super::{NotJson, Size, io_reason, is_stdin, label, last_part};

/// An input that could not be read, or was not one JSON document, naming its file: one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Opening or reading it failed: the reason of the I/O error.
    #[error("{file}: cannot read: {reason}")]
    Unreadable { file: String, reason: String },
    /// A directory named where a file was expected.
    #[error("{file}: is a directory")]
    Directory { file: String },
    /// Over `--max-size`, with its size when it is known.
    #[error(
        "{file}: too large: {}more than --max-size ({})",
        size.map_or_else(String::new, |n| format!("{n} bytes, ")),
        Size(*max).human()
    )]
    TooLarge { file: String, size: Option<u64>, max: u64 },
    /// Read, but not one JSON document.
    #[error("{}", why.about(file))]
    NotJson { file: String, why: NotJson },
}

impl InputError {
    /// A file that could not be read, and why.
    pub fn unreadable(file: &str, e: &std::io::Error) -> InputError {
        InputError::Unreadable { file: file.to_string(), reason: io_reason(e) }
    }

    fn too_large(file: &str, size: Option<u64>, max: u64) -> InputError {
        InputError::TooLarge { file: file.to_string(), size, max }
    }
}

/// Read the raw bytes of a file, or of standard input for `-`, refusing more than `max` bytes.
/// A regular file is read into a buffer of its size; a stream (a pipe, a device) until its end
/// or until it passes the cap.
pub fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let source = label(path);
    if is_stdin(path) {
        let read =
            read_capped(std::io::stdin().lock(), max, 0).map_err(|e| InputError::unreadable(&source, &e))?;
        return read.ok_or_else(|| InputError::too_large(&source, None, max));
    }
    read_file(fs::File::open(path).map_err(|e| InputError::unreadable(&source, &e))?, &source, max)
}

/// What [`read_bytes`] does with a file once open.
fn read_file(file: fs::File, source: &str, max: u64) -> Result<Vec<u8>, InputError> {
    let cannot = |e: std::io::Error| InputError::unreadable(source, &e);
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(InputError::Directory { file: source.to_string() });
    }
    if meta.is_file() && meta.len() > max {
        return Err(InputError::too_large(source, Some(meta.len()), max));
    }
    let buf = if meta.is_file() {
        read_sized(file, max, meta.len()).map_err(cannot)?
    } else {
        read_capped(file, max, 0).map_err(cannot)?
    };
    buf.ok_or_else(|| InputError::too_large(source, None, max))
}

/// How much of a file found in a directory is read before asking its size: most documents are
/// smaller, and are read with no `stat` at all.
const SCRATCH: usize = 64 << 10;

/// A directory being walked, held open to read its files by their names in it.
#[derive(Debug)]
pub struct ListedDir {
    file: fs::File,
    /// A read that returns less than it asked for is the file's end: true only on the file
    /// systems known to read a regular file whole up to its end (see [`reads_to_the_end`]).
    short_read_ends: bool,
}

impl ListedDir {
    pub fn open(dir: &Path) -> Option<ListedDir> {
        let file = fs::File::open(dir).ok()?;
        let short_read_ends = reads_to_the_end(&file);
        Some(ListedDir { file, short_read_ends })
    }
}

/// tmpfs, in `statfs`'s words.
#[cfg(any(target_os = "linux", target_os = "android"))]
const TMPFS_MAGIC: u64 = 0x0102_1994;

/// Whether the file system holding this directory gives every byte asked for, up to the end of a
/// regular file, in one read. Linux's local disk file systems and tmpfs do (a read is cut short
/// only by the file's end, or by a signal that kills the process); network and FUSE file systems
/// may return less at any point, so on them, and on any file system not named here, a file is
/// read until a read returns nothing. Overlay is left out too: what it reads from comes from
/// below, and that could be any of them.
fn reads_to_the_end(dir: &fs::File) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // The magic numbers of linux/magic.h: ext2/3/4, XFS, Btrfs, tmpfs.
        const WHOLE: [u64; 4] = [0xEF53, 0x5846_5342, 0x9123_683E, TMPFS_MAGIC];
        rustix::fs::fstatfs(dir).is_ok_and(|fs| WHOLE.contains(&(fs.f_type as u64)))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = dir;
        false
    }
}

/// Read a regular file found by a walk in `dir` (its name there is the last part of `path`), as
/// [`read_bytes`] would. It is opened by its name in the open directory, so the kernel looks up one
/// name rather than every part of the path, and read into a buffer kept by the thread: a document
/// that ends within it is copied out at its size, with no `stat`; one that fills it is read again
/// from its start as any file is. Where a short read is the end ([`ListedDir`]), the read that
/// would return nothing is not made.
pub fn read_listed(dir: &ListedDir, path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        use std::io::Seek;
        // Where it comes from is said only when something goes wrong.
        let cannot = |e: std::io::Error| InputError::unreadable(&label(path), &e);
        // Not blocking: had the name become a FIFO since it was listed, opening it would wait for
        // a writer. A regular file's reads are not changed by it.
        let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
        let fd = rustix::fs::openat(&dir.file, last_part(path), flags, Mode::empty())
            .map_err(|e| cannot(e.into()))?;
        let mut file = fs::File::from(fd);
        thread_local! {
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let small = BUF.with_borrow_mut(|buf| {
            buf.resize(SCRATCH, 0);
            let mut filled = 0;
            while filled < buf.len() {
                match file.read(&mut buf[filled..]) {
                    Ok(0) => return Ok(Some(buf[..filled].to_vec())),
                    Ok(n) if dir.short_read_ends && filled + n < buf.len() => {
                        return Ok(Some(buf[..filled + n].to_vec()));
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(cannot(e)),
                }
            }
            Ok(None)
        })?;
        match small {
            Some(bytes) if bytes.len() as u64 > max => {
                Err(InputError::too_large(&label(path), Some(bytes.len() as u64), max))
            }
            Some(bytes) => Ok(bytes),
            None => {
                file.rewind().map_err(cannot)?;
                read_file(file, &label(path), max)
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        read_bytes(path, max)
    }
}

/// A regular file that `stat` says holds `size` bytes (at most `max`), read whole; `None` when it
/// grew past `max` since. A read that gives fewer bytes than were asked for has met the end of a
/// regular file, so when the bytes read are the size, no further read is made to see the end.
fn read_sized(mut file: fs::File, max: u64, size: u64) -> std::io::Result<Option<Vec<u8>>> {
    let Ok(want) = usize::try_from(size) else { return read_capped(file, max, 0) };
    // Room for one byte more than the size: a file that grew fills it.
    let mut buf = vec![0u8; want.saturating_add(1)];
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == want {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    if filled > want {
        // It grew: the rest as from any stream, under the cap.
        file.take((max + 1).saturating_sub(filled as u64)).read_to_end(&mut buf)?;
    }
    Ok((buf.len() as u64 <= max).then_some(buf))
}

/// At most `max` bytes from `r`: `None` when there are more. `hint` is the expected size.
fn read_capped(r: impl Read, max: u64, hint: u64) -> std::io::Result<Option<Vec<u8>>> {
    // One byte past the hint lets the end be seen without growing the buffer.
    let mut buf = Vec::with_capacity(usize::try_from(hint.min(max).saturating_add(1)).unwrap_or(0));
    r.take(max.saturating_add(1)).read_to_end(&mut buf)?;
    Ok((buf.len() as u64 <= max).then_some(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_one_byte_past_the_cap() {
        let data = [b'x'; 100];
        assert_eq!(read_capped(&data[..], 100, 100).unwrap().map(|b| b.len()), Some(100));
        assert_eq!(read_capped(&data[..], 99, 0).unwrap(), None);
        // An endless stream ends at the cap.
        assert_eq!(read_capped(std::io::repeat(0), 10, 0).unwrap(), None);
    }

    #[test]
    fn a_file_is_read_whole_whatever_its_stat_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.json");
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let open = || fs::File::open(&path).unwrap();
        // As stat said, smaller (the file grew since), larger (it shrank), empty.
        for size in [5000, 4000, 0, 6000] {
            assert_eq!(read_sized(open(), 10_000, size).unwrap().as_deref(), Some(&data[..]), "size {size}");
        }
        // Grown past the cap since the stat: refused, as a stream over the cap is.
        assert_eq!(read_sized(open(), 4999, 100).unwrap(), None);
        assert_eq!(read_sized(open(), 5000, 100).unwrap().map(|b| b.len()), Some(5000));
    }

    #[test]
    fn a_listed_file_is_read_as_its_path_would_be_at_every_size_around_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        // Both ways of knowing a file's end: a short read (where the file system is known for
        // it), a read that returns nothing (everywhere else).
        for short_read_ends in [true, false] {
            let open = ListedDir { file: fs::File::open(dir.path()).unwrap(), short_read_ends };
            read_listed_at_every_size(dir.path(), &open);
        }
    }

    fn read_listed_at_every_size(dir: &Path, open: &ListedDir) {
        for size in [0, 1, 700, SCRATCH - 1, SCRATCH, SCRATCH + 1, 3 * SCRATCH + 5] {
            let path = dir.join(format!("doc-{size}.json"));
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &data).unwrap();
            let max = 1 << 20;
            assert_eq!(read_listed(open, &path, max).as_deref(), Ok(&data[..]), "size {size}");
            assert_eq!(read_listed(open, &path, max), read_bytes(&path, max), "size {size}");
            if size > 0 {
                // Over the cap, whether the file ends within the buffer or not: the same refusal.
                let max = size as u64 - 1;
                let refused = read_listed(open, &path, max).unwrap_err();
                assert_eq!(Err(refused.clone()), read_bytes(&path, max), "size {size}");
                assert!(refused.to_string().contains(&format!("too large: {size} bytes")), "{refused}");
            }
        }
        // A name that is gone since the listing is said to be so, under its path.
        let gone = dir.join("gone.json");
        let error = read_listed(open, &gone, 100).unwrap_err();
        assert_eq!(error.to_string(), format!("{}: cannot read: no such file", gone.display()));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_short_read_is_taken_for_the_end_only_where_the_file_system_is_known_for_it() {
        // procfs gives its files in pieces: never trusted.
        assert!(!reads_to_the_end(&fs::File::open("/proc/self").unwrap()));
        // A tmpfs, where the machine has one: trusted.
        let shm = Path::new("/dev/shm");
        if rustix::fs::statfs(shm).is_ok_and(|s| s.f_type as u64 == TMPFS_MAGIC) {
            assert!(reads_to_the_end(&fs::File::open(shm).unwrap()));
        }
    }
}
