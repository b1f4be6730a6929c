//! Reading the documents users give us: files, directories, standard input.
//! Every failure is one line that names the source and says what is wrong with it.
//!
//! Inputs are capped (`--max-size`, [`defaults::MAX_INPUT`]): at most the cap and one byte more is
//! read, so a huge file or an endless stream (`/dev/zero`) is refused without exhausting memory.
//! What is accepted is read once, into one buffer sized for it, and parsed from those bytes.

use std::collections::HashSet;
use std::fs::{self, Metadata};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::defaults;

/// Where a document comes from, for messages.
pub fn label(path: &Path) -> String {
    match path.to_str() {
        _ if is_stdin(path) => "<stdin>".to_string(),
        Some(text) => text.to_string(),
        None => path.display().to_string(),
    }
}

/// Whether a path given as an input names standard input: `-`, as it is written.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A number of bytes as flags take it: `1000`, `10MB` (powers of 1000) or `64MiB` (powers of
/// 1024), units in any case. Shown back in the form it is best written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

const UNITS: &[(&str, u64)] = &[
    ("b", 1),
    ("kb", 1000),
    ("mb", 1000 * 1000),
    ("gb", 1000 * 1000 * 1000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
];

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Size, String> {
        let bad = || {
            format!(
                "'{s}' is not a size: give bytes (1000) or a number with KB, MB, GB, KiB, MiB or GiB (64MiB)"
            )
        };
        let t = s.trim();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = t[..digits].parse().map_err(|_| bad())?;
        let unit = t[digits..].trim().to_ascii_lowercase();
        let scale = if unit.is_empty() {
            1
        } else {
            UNITS.iter().find(|(u, _)| *u == unit).map(|(_, scale)| *scale).ok_or_else(bad)?
        };
        match n.checked_mul(scale) {
            Some(0) => Err(format!("'{s}' is not a size: it must be at least 1 byte")),
            Some(bytes) => Ok(Size(bytes)),
            None => Err(bad()),
        }
    }
}

impl std::fmt::Display for Size {
    /// The shortest exact form, which parses back: `64MiB`, `1KiB`, `1000`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (unit, scale) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
            if self.0 >= scale && self.0 % scale == 0 {
                return write!(f, "{}{unit}", self.0 / scale);
            }
        }
        write!(f, "{}", self.0)
    }
}

impl Size {
    /// For messages: `64 MiB`, `1000 bytes`, `1 byte`.
    pub fn human(self) -> String {
        match self.to_string() {
            s if s.ends_with('B') => {
                let at = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
                format!("{} {}", &s[..at], &s[at..])
            }
            _ if self.0 == 1 => "1 byte".to_string(),
            s => format!("{s} bytes"),
        }
    }
}

/// Read the raw bytes of a file, or of standard input for `-`, refusing more than `max` bytes.
/// A regular file is read into a buffer of its size; a stream (a pipe, a device) until its end
/// or until it passes the cap.
pub fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let source = label(path);
    if is_stdin(path) {
        let read = read_capped(std::io::stdin().lock(), max, 0).map_err(|e| cannot_read(&source, &e))?;
        return read.ok_or_else(|| too_large(&source, None, max));
    }
    read_file(fs::File::open(path).map_err(|e| cannot_read(&source, &e))?, &source, max)
}

/// What [`read_bytes`] does with a file once open.
fn read_file(file: fs::File, source: &str, max: u64) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| cannot_read(source, &e);
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(format!("{source}: is a directory"));
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_large(source, Some(meta.len()), max));
    }
    let buf = if meta.is_file() {
        read_sized(file, max, meta.len()).map_err(cannot)?
    } else {
        read_capped(file, max, 0).map_err(cannot)?
    };
    buf.ok_or_else(|| too_large(source, None, max))
}

/// A document that could not be read, and why, in one line.
pub fn cannot_read(source: &str, e: &std::io::Error) -> String {
    format!("{source}: cannot read: {}", io_reason(e))
}

/// A document over `--max-size`, with its size when it is known.
fn too_large(source: &str, size: Option<u64>, max: u64) -> String {
    let size = size.map_or_else(String::new, |n| format!("{n} bytes, "));
    format!("{source}: too large: {size}more than --max-size ({})", Size(max).human())
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
pub fn read_listed(dir: &ListedDir, path: &Path, max: u64) -> Result<Vec<u8>, String> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        use std::io::Seek;
        // Where it comes from is said only when something goes wrong.
        let cannot = |e: std::io::Error| cannot_read(&label(path), &e);
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
                Err(too_large(&label(path), Some(bytes.len() as u64), max))
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

/// The last part of a path made by joining a name to a directory: what follows its last `/`.
#[cfg(unix)]
fn last_part(path: &Path) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let at = bytes.iter().rposition(|b| *b == b'/').map_or(0, |i| i + 1);
    std::ffi::OsStr::from_bytes(&bytes[at..])
}

#[cfg(not(unix))]
fn last_part(path: &Path) -> &std::ffi::OsStr {
    path.file_name().unwrap_or(path.as_os_str())
}

/// Whether a name is that of a document (`*.json`) or a capture of `listen --save` (`*.jsonl`),
/// in any case.
fn named_as_document(name: &std::ffi::OsStr) -> bool {
    extension(name).is_some_and(|ext| ext.eq_ignore_ascii_case(b"json") || ext.eq_ignore_ascii_case(b"jsonl"))
}

/// Whether the last part of a path ends in `.EXT`, in any case.
pub fn has_extension(path: &Path, ext: &str) -> bool {
    extension(last_part(path)).is_some_and(|e| e.eq_ignore_ascii_case(ext.as_bytes()))
}

/// What follows the last dot of a name, as [`Path::extension`] has it (a leading dot does not
/// start an extension), without parsing the path it ends.
fn extension(name: &std::ffi::OsStr) -> Option<&[u8]> {
    let name = name.as_encoded_bytes();
    match name.iter().rposition(|b| *b == b'.') {
        Some(dot) if dot > 0 => Some(&name[dot + 1..]),
        _ => None,
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

/// Parse bytes as one JSON document, with a message that says why not. What the parser accepts is
/// text without NUL, so the bytes are looked at again only when it refuses them, to say whether
/// they were empty or binary rather than broken JSON.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Value, String> {
    parse_or_why(bytes).map_err(|why| why.about(source))
}

/// Why some bytes are not one JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotJson {
    /// Nothing, or only white space.
    Empty,
    /// Not text: a NUL, or bytes that are not UTF-8.
    Binary,
    /// Text the parser refused, with its reason.
    Invalid(String),
}

impl NotJson {
    /// As an input error naming its source.
    pub fn about(&self, source: &str) -> String {
        match self {
            NotJson::Empty => format!("{source}: empty, expected a JSON document"),
            NotJson::Binary => format!("{source}: binary data, not JSON text"),
            NotJson::Invalid(e) => format!("{source}: not valid JSON: {e}"),
        }
    }
}

/// As [`parse`], saying why not as a value.
pub fn parse_or_why(bytes: &[u8]) -> Result<Value, NotJson> {
    // Text checked as UTF-8 in one pass spares the parser checking each string again.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => crate::json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    parsed.map_err(|e| {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            NotJson::Empty
        } else if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
            NotJson::Binary
        } else {
            NotJson::Invalid(e.to_string())
        }
    })
}

/// Read and parse a JSON document from a file or `-`, with the default cap.
pub fn read_json(path: &Path) -> Result<Value, String> {
    read_json_max(path, defaults::MAX_INPUT)
}

/// Read and parse a JSON document from a file or `-`, refusing more than `max` bytes. The bytes
/// are gone once the document is parsed.
pub fn read_json_max(path: &Path, max: u64) -> Result<Value, String> {
    parse(&label(path), &read_bytes(path, max)?)
}

/// One input of `validate`, once directories are expanded.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A file to read (or `-`).
    File(PathBuf),
    /// A regular file found in a directory: its path, and the directory, open, to read it by its
    /// name there ([`read_listed`]).
    Listed { path: PathBuf, dir: std::sync::Arc<ListedDir> },
    /// Something found in a directory that is not read: not a regular file, or a link to a
    /// directory (not followed). A notice, not an error.
    Skipped { source: String, reason: String },
    /// A directory, or something in it, that could not be read.
    Error { source: String, error: String },
    /// A regular `*.json` file just listed in a directory that is still being listed: it will come again
    /// as [`Entry::Listed`] in its sorted place (unless it is another name of a file already
    /// given), and may be read ahead of it meanwhile. Given only when asked for ([`expand_ahead`]).
    Ahead { path: PathBuf, dir: std::sync::Arc<ListedDir> },
}

impl Entry {
    /// The path of a file to read.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Entry::File(path) | Entry::Listed { path, .. } | Entry::Ahead { path, .. } => Some(path),
            Entry::Skipped { .. } | Entry::Error { .. } => None,
        }
    }
}

/// Expand the inputs of `validate`, handing each entry to `emit` as it is found: files stay as
/// given, a directory becomes every `*.json` and `*.jsonl` file below it (sorted, so reports are
/// stable), `-` is standard input. `emit` breaks to stop the walk.
///
/// Links to directories below a directory are not followed (so a link loop cannot trap the walk);
/// links to files are. Each file is given once, however many names reach it. Below a directory,
/// what is not a regular file (a FIFO, a socket, a device) is skipped with a notice rather than
/// read, since reading it could block or never end; a file named explicitly is read whatever it
/// is, under the size cap.
pub fn expand(inputs: &[PathBuf], emit: &mut dyn FnMut(Entry) -> ControlFlow<()>) {
    expand_ahead(inputs, 0, emit)
}

/// As [`expand`], and while a directory is listed (its entries are sorted only once all are
/// known), each of the first `ahead` regular `*.json` files (not captures) is also given at once as
/// [`Entry::Ahead`], before it comes again in its place: what reads the files can start on them
/// while the listing goes on.
pub fn expand_ahead(inputs: &[PathBuf], ahead: usize, emit: &mut dyn FnMut(Entry) -> ControlFlow<()>) {
    let mut ahead = ahead;
    let mut seen = HashSet::with_hasher(foldhash::fast::FixedState::default());
    let dirs: Vec<bool> = inputs.iter().map(|input| input.is_dir()).collect();
    // With directories alone, a file's identity can come from the directory listing (its inode
    // there, the directory's device) instead of one `stat` per file: every identity compared is
    // then of the same making. A file named beside them is compared by its `stat`, so then all are.
    let listed_ids = dirs.iter().all(|d| *d);
    for (input, is_dir) in inputs.iter().zip(dirs) {
        let flow = if is_dir {
            let mut walk = Walk {
                listed_ids,
                seen: &mut seen,
                emit: &mut *emit,
                ahead: &mut ahead,
                found: 0,
                skipped: 0,
                errors: 0,
            };
            let flow = walk.dir(input);
            if flow.is_continue() && walk.found == 0 && walk.errors == 0 {
                let skipped = match walk.skipped {
                    0 => String::new(),
                    n => format!(" ({n} skipped, see above)"),
                };
                let error = format!(
                    "{}: directory holds no .json files (nor .jsonl captures) to validate{skipped}",
                    input.display()
                );
                emit(Entry::Error { source: label(input), error })
            } else {
                flow
            }
        } else {
            // A name given twice, or a file given and also found in a directory, is read once.
            let id = fs::metadata(input).ok().filter(Metadata::is_file).map(|m| identity(input, &m));
            if id.is_none_or(|id| seen.insert(id)) {
                emit(Entry::File(input.clone()))
            } else {
                ControlFlow::Continue(())
            }
        };
        if flow.is_break() {
            return;
        }
    }
}

/// The walk below one directory given to `validate`.
struct Walk<'a> {
    /// Take the identity of a regular file from the listing, without a `stat` of its own.
    listed_ids: bool,
    /// The files given so far, for every input.
    seen: &'a mut HashSet<Identity, foldhash::fast::FixedState>,
    emit: &'a mut dyn FnMut(Entry) -> ControlFlow<()>,
    /// How many more files may be given ahead of their place ([`Entry::Ahead`]).
    ahead: &'a mut usize,
    /// Files found below the directory, given or not (a file already given is not given again).
    found: usize,
    /// Notices given of what is below it and is not read.
    skipped: usize,
    /// Errors given for what is below it and cannot be read.
    errors: usize,
}

/// A directory's entry, in its sorted place.
struct DirItem {
    path: PathBuf,
    /// The entry itself, not what a link points to.
    own: Own,
    /// The inode the listing gives.
    ino: u64,
}

/// What a directory's entry is itself, as its listing says (a link is a link here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Own {
    File,
    Dir,
    Link,
    /// A FIFO, a socket, a device.
    Other,
    /// The listing does not say (some file systems never do): asked of the entry itself.
    Unknown,
}

impl From<fs::FileType> for Own {
    fn from(t: fs::FileType) -> Own {
        if t.is_file() {
            Own::File
        } else if t.is_dir() {
            Own::Dir
        } else if t.is_symlink() {
            Own::Link
        } else {
            Own::Other
        }
    }
}

/// A directory's entries in the order of their names, each with its path made as it is taken.
type Sorted = Box<dyn Iterator<Item = DirItem>>;

/// List a directory and sort its entries. `found` is told of each regular file as the listing
/// finds it, before the sort (for [`Entry::Ahead`]).
///
/// On Linux the listing is read straight into a buffer of names, one for the whole directory,
/// without an allocation per entry; the names are sorted there, and each entry's path is made
/// only as the walk takes it, when the files already given are being read.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn list(
    dir: &Path,
    open: Option<&ListedDir>,
    found: &mut dyn FnMut(&std::ffi::OsStr) -> ControlFlow<()>,
) -> std::io::Result<ControlFlow<(), Sorted>> {
    use std::mem::MaybeUninit;
    use std::os::unix::ffi::OsStrExt;
    let Some(open) = open else {
        return list_std(dir, found);
    };
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 64 << 10];
    let mut raw = rustix::fs::RawDir::new(&open.file, &mut buf);
    // Each entry: where its name is in `names`, what it is, its inode.
    let mut names: Vec<u8> = Vec::new();
    let mut items: Vec<(std::ops::Range<usize>, Own, u64)> = Vec::new();
    while let Some(entry) = raw.next() {
        let entry = entry.map_err(std::io::Error::from)?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let own = match entry.file_type() {
            rustix::fs::FileType::RegularFile => Own::File,
            rustix::fs::FileType::Directory => Own::Dir,
            rustix::fs::FileType::Symlink => Own::Link,
            rustix::fs::FileType::Unknown => Own::Unknown,
            _ => Own::Other,
        };
        if own == Own::File && found(std::ffi::OsStr::from_bytes(name)).is_break() {
            return Ok(ControlFlow::Break(()));
        }
        let at = names.len();
        names.extend_from_slice(name);
        items.push((at..names.len(), own, entry.ino()));
    }
    // As bytes, the order of the names is the order of the paths: they share the directory.
    items.sort_unstable_by(|a, b| names[a.0.clone()].cmp(&names[b.0.clone()]));
    let dir = dir.to_path_buf();
    Ok(ControlFlow::Continue(Box::new(items.into_iter().map(move |(at, own, ino)| DirItem {
        path: dir.join(std::ffi::OsStr::from_bytes(&names[at])),
        own,
        ino,
    }))))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn list(
    dir: &Path,
    _open: Option<&ListedDir>,
    found: &mut dyn FnMut(&std::ffi::OsStr) -> ControlFlow<()>,
) -> std::io::Result<ControlFlow<(), Sorted>> {
    list_std(dir, found)
}

/// [`list`] with the standard library's listing: a path made for each entry as it is listed.
fn list_std(
    dir: &Path,
    found: &mut dyn FnMut(&std::ffi::OsStr) -> ControlFlow<()>,
) -> std::io::Result<ControlFlow<(), Sorted>> {
    let mut entries: Vec<DirItem> = Vec::new();
    for e in fs::read_dir(dir)?.flatten() {
        let Ok(own) = e.file_type() else { continue };
        let item = DirItem { own: own.into(), ino: listed_ino(&e), path: e.path() };
        if item.own == Own::File && found(last_part(&item.path)).is_break() {
            return Ok(ControlFlow::Break(()));
        }
        entries.push(item);
    }
    // Sorted as text: below one directory the paths differ only in their last part, so their
    // order as bytes is the order of the names.
    entries.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    Ok(ControlFlow::Continue(Box::new(entries.into_iter())))
}

impl Walk<'_> {
    /// An entry that is not a file to read: a notice or an error.
    fn tell(&mut self, entry: Entry) -> ControlFlow<()> {
        match entry {
            Entry::Skipped { .. } => self.skipped += 1,
            _ => self.errors += 1,
        }
        (self.emit)(entry)
    }

    fn give(&mut self, entry: Entry, id: Identity) -> ControlFlow<()> {
        self.found += 1;
        if self.seen.insert(id) { (self.emit)(entry) } else { ControlFlow::Continue(()) }
    }

    fn dir(&mut self, dir: &Path) -> ControlFlow<()> {
        // Held open while its files are read, to open them by their names in it. Without it (it
        // could be listed but not opened) they are opened by their paths.
        let open = ListedDir::open(dir).map(std::sync::Arc::new);
        let ahead = &mut *self.ahead;
        let emit = &mut *self.emit;
        let mut found = |name: &std::ffi::OsStr| match open.as_ref().filter(|_| *ahead > 0) {
            Some(open) if extension(name).is_some_and(|e| e.eq_ignore_ascii_case(b"json")) => {
                *ahead -= 1;
                emit(Entry::Ahead { path: dir.join(name), dir: std::sync::Arc::clone(open) })
            }
            _ => ControlFlow::Continue(()),
        };
        let entries = match list(dir, open.as_deref(), &mut found) {
            Ok(ControlFlow::Continue(entries)) => entries,
            Ok(ControlFlow::Break(())) => return ControlFlow::Break(()),
            Err(e) => {
                let error = format!("{}: cannot read directory: {}", dir.display(), io_reason(&e));
                return self.tell(Entry::Error { source: label(dir), error });
            }
        };
        let device = if self.listed_ids { listed_device(dir) } else { None };
        for DirItem { path, own, ino } in entries {
            let own = match own {
                Own::Unknown => match fs::symlink_metadata(&path) {
                    Ok(meta) => Own::from(meta.file_type()),
                    // Gone since it was listed.
                    Err(_) => continue,
                },
                own => own,
            };
            // Documents, and captures of `listen --save`.
            let json = named_as_document(last_part(&path));
            if own == Own::Dir {
                self.dir(&path)?;
                continue;
            }
            if !json && own != Own::Link {
                continue;
            }
            let found = |path: PathBuf| match (&open, own == Own::File) {
                (Some(dir), true) => Entry::Listed { path, dir: std::sync::Arc::clone(dir) },
                _ => Entry::File(path),
            };
            if let Some(id) = device.filter(|_| own == Own::File).map(|dev| listed_identity(dev, ino, &path))
            {
                self.give(found(path), id)?;
                continue;
            }
            // A link is followed; anything else is looked at as itself.
            let meta = if own == Own::Link { fs::metadata(&path) } else { fs::symlink_metadata(&path) };
            let meta = match meta {
                Ok(meta) if own == Own::Link && meta.is_dir() => {
                    let reason = "a link to a directory, not followed (give it as an input to validate it)";
                    self.tell(Entry::Skipped { source: label(&path), reason: reason.into() })?;
                    continue;
                }
                Ok(meta) => meta,
                Err(_) if !json => continue,
                Err(e) => {
                    let why = if own == Own::Link {
                        format!("a link to nothing ({})", io_reason(&e))
                    } else {
                        io_reason(&e)
                    };
                    let error = format!("{}: cannot read: {why}", path.display());
                    self.tell(Entry::Error { source: label(&path), error })?;
                    continue;
                }
            };
            if !json {
                continue;
            }
            if meta.is_file() {
                let id = identity(&path, &meta);
                self.give(found(path), id)?;
            } else {
                let reason = format!("{}, not a regular file: skipped", file_kind(&meta));
                self.tell(Entry::Skipped { source: label(&path), reason })?;
            }
        }
        ControlFlow::Continue(())
    }
}

/// What makes two names the same file: its device and inode, or where there are none, its
/// canonical path.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

#[cfg(unix)]
fn identity(_path: &Path, meta: &Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// The device of a directory's entries, for [`listed_identity`].
#[cfg(unix)]
fn listed_device(dir: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(dir).ok().map(|m| m.dev())
}

#[cfg(not(unix))]
fn listed_device(_dir: &Path) -> Option<u64> {
    None
}

/// A regular file's identity from its directory's listing: the directory's device (a file is on
/// its directory's device; only directories are mount points) and the inode the listing gives.
#[cfg(unix)]
fn listed_identity(device: u64, ino: u64, _path: &Path) -> Identity {
    (device, ino)
}

#[cfg(not(unix))]
fn listed_identity(_device: u64, _ino: u64, path: &Path) -> Identity {
    path.to_path_buf()
}

/// The inode of a directory's entry, as the listing gives it.
#[cfg(unix)]
fn listed_ino(entry: &fs::DirEntry) -> u64 {
    use std::os::unix::fs::DirEntryExt;
    entry.ino()
}

#[cfg(not(unix))]
fn listed_ino(_entry: &fs::DirEntry) -> u64 {
    0
}

#[cfg(not(unix))]
fn identity(path: &Path, _meta: &Metadata) -> Identity {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A file that is not regular, in words.
fn file_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        for (s, n) in [
            ("1000", 1000),
            ("10MB", 10_000_000),
            ("64MiB", 64 << 20),
            ("64 mib", 64 << 20),
            ("2kb", 2000),
            ("1KiB", 1024),
            ("3GiB", 3 << 30),
            ("7B", 7),
        ] {
            assert_eq!(s.parse::<Size>(), Ok(Size(n)), "{s}");
        }
        for s in [
            "",
            "0",
            "0MiB",
            "MiB",
            "1.5MiB",
            "-1",
            "10XB",
            "99999999999999999999",
            "18446744073709551615GiB",
        ] {
            assert!(s.parse::<Size>().is_err(), "{s}");
        }
    }

    #[test]
    fn sizes_show_in_a_form_that_parses_back() {
        for n in [1, 1000, 1024, 64 << 20, (64 << 20) + 1, 5 << 30] {
            let shown = Size(n).to_string();
            assert_eq!(shown.parse::<Size>(), Ok(Size(n)), "{shown}");
        }
        assert_eq!(Size(64 << 20).to_string(), "64MiB");
        assert_eq!(Size(64 << 20).human(), "64 MiB");
        assert_eq!(Size(1000).human(), "1000 bytes");
        assert_eq!(Size(1).human(), "1 byte");
    }

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
                assert!(refused.contains(&format!("too large: {size} bytes")), "{refused}");
            }
        }
        // A name that is gone since the listing is said to be so, under its path.
        let gone = dir.join("gone.json");
        let error = read_listed(open, &gone, 100).unwrap_err();
        assert_eq!(error, format!("{}: cannot read: no such file", gone.display()));
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

    #[test]
    fn names_are_of_documents_as_their_extension_says() {
        for (name, document) in [
            ("a.json", true),
            ("a.JSONL", true),
            ("a.b.Json", true),
            ("x..json", true),
            (".json", false),
            (".jsonl", false),
            ("json", false),
            ("a.json.bak", false),
            ("a.jso", false),
            ("a.", false),
        ] {
            let listed = named_as_document(std::ffi::OsStr::new(name));
            for dir in ["", "docs/", "/tmp/a.json/", "./"] {
                let path = PathBuf::from(format!("{dir}{name}"));
                let by_path = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
                assert_eq!(has_extension(&path, "jsonl"), by_path, "{}", path.display());
            }
            let by_path = Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonl"));
            assert_eq!((listed, by_path), (document, document), "{name}");
        }
    }

    /// The entries `expand` gives, as text, and how many it gave before it was told to stop.
    fn expanded(inputs: &[PathBuf], stop_after: usize) -> Vec<String> {
        expanded_ahead(inputs, 0, stop_after)
    }

    fn expanded_ahead(inputs: &[PathBuf], ahead: usize, stop_after: usize) -> Vec<String> {
        let mut seen = Vec::new();
        expand_ahead(inputs, ahead, &mut |entry| {
            seen.push(match entry {
                Entry::File(path) => format!("file {}", path.display()),
                Entry::Listed { path, .. } => format!("listed {}", path.display()),
                Entry::Ahead { path, .. } => format!("ahead {}", path.display()),
                Entry::Skipped { source, .. } => format!("skipped {source}"),
                Entry::Error { source, .. } => format!("error {source}"),
            });
            if seen.len() == stop_after { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        });
        seen
    }

    #[cfg(unix)]
    #[test]
    fn a_walk_gives_entries_in_the_order_of_their_paths_once_each_and_stops_when_told() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("b")).unwrap();
        for name in ["c.json", "a.json", "b/z.json", "b/a.jsonl", "notes.txt"] {
            std::fs::write(root.join(name), "{}").unwrap();
        }
        std::os::unix::fs::symlink(root.join("a.json"), root.join("b/link.json")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("b/m.json")).unwrap();
        let at = |name: &str| root.join(name).display().to_string();
        let all = expanded(&[root.to_path_buf()], usize::MAX);
        // The link to a.json is the file already given, so it is not given again; the link to
        // nothing is an error in its place among the names.
        assert_eq!(
            all,
            [
                format!("listed {}", at("a.json")),
                format!("listed {}", at("b/a.jsonl")),
                format!("error {}", at("b/m.json")),
                format!("listed {}", at("b/z.json")),
                format!("listed {}", at("c.json")),
            ]
        );
        assert_eq!(expanded(&[root.to_path_buf()], 2), all[..2]);
        // A file named beside a directory is given as named, and not again from the directory.
        let named = expanded(&[root.join("c.json"), root.to_path_buf()], usize::MAX);
        assert_eq!(named[0], format!("file {}", at("c.json")));
        assert_eq!(named.len(), all.len());
        assert!(!named[1..].iter().any(|e| e.ends_with("c.json")), "{named:?}");
    }

    #[cfg(unix)]
    #[test]
    fn files_given_ahead_are_documents_listed_before_their_place_and_come_again_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("d")).unwrap();
        for name in ["notes.txt", "c.json", "a.json", "b.jsonl", "d/x.json"] {
            std::fs::write(root.join(name), "{}").unwrap();
        }
        std::os::unix::fs::symlink(root.join("a.json"), root.join("link.json")).unwrap();
        let plain = expanded(&[root.to_path_buf()], usize::MAX);
        for ahead in [1, 2, 10] {
            let got = expanded_ahead(&[root.to_path_buf()], ahead, usize::MAX);
            let (early, rest): (Vec<&String>, Vec<&String>) =
                got.iter().partition(|e| e.starts_with("ahead "));
            // Without them, the walk is what it was.
            assert_eq!(rest.into_iter().cloned().collect::<Vec<_>>(), plain, "ahead {ahead}");
            // As many as asked and there are (regular `*.json` files only: not the text file, not
            // the capture, not the link), each listed again later, and those of the top directory
            // before any of its entries.
            let documents = ["a.json", "c.json", "d/x.json"];
            assert_eq!(early.len(), ahead.min(documents.len()), "ahead {ahead}: {got:?}");
            for e in &early {
                let path = e.strip_prefix("ahead ").unwrap();
                assert!(documents.iter().any(|d| root.join(d).display().to_string() == path), "{e}");
                let again = got.iter().position(|g| *g == format!("listed {path}")).unwrap();
                assert!(got.iter().position(|g| g == *e).unwrap() < again, "{got:?}");
            }
            let first_listed = got.iter().position(|g| g.starts_with("listed ")).unwrap();
            for e in early.iter().filter(|e| !e.contains("/d/")) {
                assert!(got.iter().position(|g| g == *e).unwrap() < first_listed, "{got:?}");
            }
        }
    }
}
