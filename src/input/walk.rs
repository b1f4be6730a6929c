//! Expanding the inputs of `validate`: files as given, directories walked ([`walkdir`], entries
//! sorted by name, links to directories not followed), each file given once however many names
//! reach it. Entries are handed on as they are found, so that reading can start during the walk
//! (BENCHMARKS.md, sections 8, 13 and 14).

use std::collections::HashSet;
use std::fs::{self, Metadata};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ListedDir, extension, io_reason, label, named_as_document};

/// One input of `validate`, once directories are expanded.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A file to read (or `-`).
    File(PathBuf),
    /// A regular file found in a directory: its path, and the directory, open, to read it by its
    /// name there ([`super::read_listed`]).
    Listed { path: PathBuf, dir: Arc<ListedDir> },
    /// Something found in a directory that is not read: not a regular file, or a link to a
    /// directory (not followed). A notice, not an error.
    Skipped { source: String, reason: String },
    /// A directory, or something in it, that could not be read.
    Error { source: String, error: String },
    /// A regular `*.json` file seen in a directory before the directory is sorted: it will come
    /// again as [`Entry::Listed`] in its sorted place (unless it is another name of a file already
    /// given), and may be read ahead of it meanwhile. Given only when asked for ([`expand_ahead`]).
    Ahead { path: PathBuf, dir: Arc<ListedDir> },
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

/// How many entries of a directory are looked at for [`Entry::Ahead`] before it is listed in order.
const AHEAD_SCAN: usize = 256;

/// As [`expand`], and before a directory is listed in order, each of the first `ahead` regular
/// `*.json` files (not captures) among its first [`AHEAD_SCAN`] entries is also given at once as
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
            let mut walk = DirWalk {
                listed_ids,
                seen: &mut seen,
                emit: &mut *emit,
                ahead: &mut ahead,
                found: 0,
                skipped: 0,
                errors: 0,
            };
            let flow = walk.run(input);
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
struct DirWalk<'a> {
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

/// A directory the walk is in.
struct OpenDir {
    path: PathBuf,
    /// Held open while its files are read, to open them by their names in it. Without it (it
    /// could be listed but not opened) they are opened by their paths.
    open: Option<Arc<ListedDir>>,
    /// The device of its entries, when identities come from the listing.
    device: Option<u64>,
}

impl DirWalk<'_> {
    /// An entry that is not a file to read: a notice or an error.
    fn notify(&mut self, entry: Entry) -> ControlFlow<()> {
        match entry {
            Entry::Skipped { .. } => self.skipped += 1,
            _ => self.errors += 1,
        }
        (self.emit)(entry)
    }

    /// A file to read, given unless a file of the same identity was.
    fn give_file(&mut self, entry: Entry, id: Identity) -> ControlFlow<()> {
        self.found += 1;
        if self.seen.insert(id) { (self.emit)(entry) } else { ControlFlow::Continue(()) }
    }

    /// Walk `root`, a directory, a directory's entries in the order of their names and a
    /// subdirectory in its place (which is the order of the paths).
    fn run(&mut self, root: &Path) -> ControlFlow<()> {
        // The directories from the root down to the parent of the entry at hand.
        let mut dirs: Vec<OpenDir> = Vec::new();
        let mut top = Some(self.enter(root)?);
        for next in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = match next {
                Ok(entry) => entry,
                Err(e) => {
                    self.walk_error(&e, dirs.last())?;
                    continue;
                }
            };
            dirs.truncate(entry.depth());
            if entry.depth() == 0 {
                dirs.extend(top.take());
            } else if entry.file_type().is_dir() {
                dirs.push(self.enter(entry.path())?);
            } else {
                self.entry(entry, dirs.last())?;
            }
        }
        ControlFlow::Continue(())
    }

    /// Open a directory the walk enters, and give what is asked for ahead of its listing.
    fn enter(&mut self, path: &Path) -> ControlFlow<(), OpenDir> {
        let open = ListedDir::open(path).map(Arc::new);
        if let Some(open) = open.as_ref().filter(|_| *self.ahead > 0) {
            self.give_ahead(path, open)?;
        }
        let device = if self.listed_ids { listed_device(path) } else { None };
        ControlFlow::Continue(OpenDir { path: path.to_path_buf(), open, device })
    }

    /// Give the first regular `*.json` files of `dir` as its listing has them, unsorted.
    fn give_ahead(&mut self, dir: &Path, open: &Arc<ListedDir>) -> ControlFlow<()> {
        let Ok(listing) = fs::read_dir(dir) else { return ControlFlow::Continue(()) };
        for item in listing.take(AHEAD_SCAN).flatten() {
            if *self.ahead == 0 {
                break;
            }
            let name = item.file_name();
            let json = extension(&name).is_some_and(|e| e.eq_ignore_ascii_case(b"json"));
            if json && item.file_type().is_ok_and(|t| t.is_file()) {
                *self.ahead -= 1;
                (self.emit)(Entry::Ahead { path: dir.join(name), dir: Arc::clone(open) })?;
            }
        }
        ControlFlow::Continue(())
    }

    /// An error of the walk: a directory that cannot be listed is said to be so; an entry that is
    /// gone since it was listed is passed over.
    fn walk_error(&mut self, e: &walkdir::Error, dir: Option<&OpenDir>) -> ControlFlow<()> {
        let path = match (e.path(), dir) {
            (Some(path), Some(dir)) if path != dir.path => return ControlFlow::Continue(()),
            (Some(path), _) => path,
            (None, Some(dir)) => &dir.path,
            (None, None) => return ControlFlow::Continue(()),
        };
        let reason = e.io_error().map_or_else(|| e.to_string(), io_reason);
        let error = format!("{}: cannot read directory: {reason}", path.display());
        self.notify(Entry::Error { source: label(path), error })
    }

    /// One entry below a directory, other than a directory: a document or a capture is given (a
    /// link to one is followed), anything else skipped.
    fn entry(&mut self, entry: walkdir::DirEntry, dir: Option<&OpenDir>) -> ControlFlow<()> {
        let kind = entry.file_type();
        let (file, link) = (kind.is_file(), kind.is_symlink());
        // Documents, and captures of `listen --save`.
        let json = named_as_document(entry.file_name());
        if !json && !link {
            return ControlFlow::Continue(());
        }
        let listed = |path: PathBuf| match dir.and_then(|d| d.open.as_ref()) {
            Some(open) if file => Entry::Listed { path, dir: Arc::clone(open) },
            _ => Entry::File(path),
        };
        if let Some(device) = dir.and_then(|d| d.device).filter(|_| file) {
            let id = listed_identity(device, &entry);
            return self.give_file(listed(entry.into_path()), id);
        }
        let path = entry.into_path();
        // A link is followed; anything else is looked at as itself.
        let meta = if link { fs::metadata(&path) } else { fs::symlink_metadata(&path) };
        let meta = match meta {
            Ok(meta) if link && meta.is_dir() => {
                let reason = "a link to a directory, not followed (give it as an input to validate it)";
                return self.notify(Entry::Skipped { source: label(&path), reason: reason.into() });
            }
            Ok(meta) => meta,
            Err(_) if !json => return ControlFlow::Continue(()),
            Err(e) => {
                let why = if link { format!("a link to nothing ({})", io_reason(&e)) } else { io_reason(&e) };
                let error = format!("{}: cannot read: {why}", path.display());
                return self.notify(Entry::Error { source: label(&path), error });
            }
        };
        if !json {
            ControlFlow::Continue(())
        } else if meta.is_file() {
            let id = identity(&path, &meta);
            self.give_file(listed(path), id)
        } else {
            let reason = format!("{}, not a regular file: skipped", file_kind(&meta));
            self.notify(Entry::Skipped { source: label(&path), reason })
        }
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

#[cfg(not(unix))]
fn identity(path: &Path, _meta: &Metadata) -> Identity {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
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
fn listed_identity(device: u64, entry: &walkdir::DirEntry) -> Identity {
    use walkdir::DirEntryExt;
    (device, entry.ino())
}

#[cfg(not(unix))]
fn listed_identity(_device: u64, entry: &walkdir::DirEntry) -> Identity {
    entry.path().to_path_buf()
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(unix)]
    #[test]
    fn each_file_found_is_read_by_its_name_in_its_own_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["a", "a/b", "c"] {
            std::fs::create_dir(root.join(sub)).unwrap();
        }
        let names = ["a/b/deep.json", "a/mid.json", "b.json", "c/z.json", "top.json"];
        for (i, name) in names.iter().enumerate() {
            std::fs::write(root.join(name), i.to_string()).unwrap();
        }
        let mut read = Vec::new();
        expand(&[root.to_path_buf()], &mut |entry| {
            if let Entry::Listed { path, dir } = &entry {
                read.push(String::from_utf8(crate::input::read_listed(dir, path, 100).unwrap()).unwrap());
            }
            ControlFlow::Continue(())
        });
        // Back from a subdirectory, a file is opened in its own directory again.
        assert_eq!(read, ["0", "1", "2", "3", "4"]);
    }
}
