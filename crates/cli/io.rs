//! Opening inputs and outputs.
//!
//! Inputs are a path or standard input (`-` or nothing). Outputs go to
//! standard output or to a file that is written in full or not at all: the
//! bytes go to a temporary file beside the target, which is renamed into
//! place only when the command succeeds, so a failed run never leaves a
//! half-written file and never clobbers an existing one.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

use crate::args::Encoding;
use crate::error::bad_input;

/// Whether inputs are Latin-1 (`--encoding latin1`), set once at start.
static LATIN1: AtomicBool = AtomicBool::new(false);

/// Sets the encoding inputs are decoded from.
pub fn set_encoding(encoding: Encoding) {
    LATIN1.store(encoding == Encoding::Latin1, Ordering::Relaxed);
}

/// Whether inputs are decoded from Latin-1.
pub fn latin1() -> bool {
    LATIN1.load(Ordering::Relaxed)
}

/// `reader`, decoded to UTF-8 if inputs are Latin-1.
fn decoded(reader: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    if latin1() {
        Box::new(rolefit_import::Latin1::new(reader))
    } else {
        reader
    }
}

/// An input stream and the name errors should call it by.
pub struct Input {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
    /// The size in bytes, when known (a regular file).
    pub len: Option<u64>,
}

/// Opens `path`, or standard input for `None` or `-`. Refuses to wait on a
/// terminal: with no file and nothing piped in, that would hang.
pub fn open_input(path: Option<&Path>, what: &str) -> Result<Input> {
    match path {
        Some(p) if p != Path::new("-") => open_file(p, what),
        _ => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                return Err(bad_input(format!(
                    "no {what} given: name a file, or pipe one in (for example `rolefit score datasets/sample-responses.csv`)"
                )));
            }
            Ok(Input {
                name: "<stdin>".into(),
                reader: decoded(Box::new(stdin)),
                len: None,
            })
        }
    }
}

/// Opens a named file for reading.
pub fn open_file(path: &Path, what: &str) -> Result<Input> {
    let file =
        File::open(path).map_err(|e| bad_input(format!("cannot read {what} {}: {e}", path.display())))?;
    let metadata = file.metadata().ok();
    if metadata.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(bad_input(format!(
            "cannot read {what} {}: it is a directory",
            path.display()
        )));
    }
    Ok(Input {
        name: path.display().to_string(),
        reader: decoded(Box::new(file)),
        len: metadata.filter(|m| m.is_file()).map(|m| m.len()),
    })
}

/// Temporary output files not yet moved into place: removed if the
/// process is interrupted, so that Ctrl-C or SIGTERM leaves no partial
/// file behind (a file being replaced is never touched before the rename).
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether an interrupt should show the cursor again (set by interactive
/// commands, whose prompts hide it).
static RESTORE_CURSOR: AtomicBool = AtomicBool::new(false);

/// Makes an interrupt show the terminal's cursor before exiting.
pub fn restore_cursor_on_interrupt() {
    RESTORE_CURSOR.store(true, Ordering::Relaxed);
}

/// Removes pending temporary files, ends running strategy plugins and
/// exits with status 130 on Ctrl-C (SIGINT), SIGTERM or SIGHUP.
pub fn clean_up_on_interrupt() {
    // If a handler cannot be installed the default behaviour (exit) stays;
    // only the temporary file may then remain.
    let _ = ctrlc::set_handler(|| {
        if RESTORE_CURSOR.load(Ordering::Relaxed) {
            // An interactive prompt may have hidden the cursor.
            eprintln!("\x1b[?25h");
        }
        if let Ok(pending) = PENDING.lock() {
            for path in pending.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
        crate::registry::end_plugins();
        std::process::exit(130);
    });
}

/// A temporary file's entry in [`PENDING`], removed when it is dropped.
pub struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Self {
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(path.to_path_buf());
        }
        Pending(path.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock() {
            pending.retain(|p| p != &self.0);
        }
    }
}

/// Where a command writes its result.
pub enum Output {
    /// Standard output, buffered.
    Stdout(BufWriter<io::Stdout>),
    /// Something that is not a regular file (`/dev/null`, a named pipe, a
    /// terminal), written directly: renaming over it would replace it.
    Special(BufWriter<File>),
    /// A temporary file that becomes `target` on [`Output::finish`].
    File {
        /// Buffered temporary file.
        writer: BufWriter<NamedTempFile>,
        /// The final path.
        target: PathBuf,
        /// Keeps the temporary file listed for removal on interrupt.
        _pending: Pending,
    },
}

impl Output {
    /// Standard output for `None`, else an atomic file at `path`.
    pub fn create(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path.filter(|p| *p != Path::new("-")) else {
            return Ok(Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())));
        };
        let cannot = |e: io::Error| bad_input(format!("cannot write {}: {e}", path.display()));
        let existing = std::fs::metadata(path).ok();
        if let Some(meta) = existing.as_ref().filter(|m| !m.is_file()) {
            if meta.is_dir() {
                return Err(bad_input(format!(
                    "cannot write {}: it is a directory",
                    path.display()
                )));
            }
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(cannot)?;
            return Ok(Output::Special(BufWriter::with_capacity(1 << 16, file)));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".rolefit-").suffix(".tmp");
        // The file gets the permissions of the one it replaces, or those of
        // a new file (0666 less the umask), not the temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = existing.map_or(0o666, |m| m.permissions().mode());
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let tmp = builder.tempfile_in(dir).map_err(cannot)?;
        Ok(Output::File {
            _pending: Pending::new(tmp.path()),
            writer: BufWriter::with_capacity(1 << 16, tmp),
            target: path.to_path_buf(),
        })
    }

    /// Flushes and, for a file, renames it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("writing to standard output"),
            Output::Special(mut w) => w.flush().context("writing the output"),
            Output::File { writer, target, .. } => {
                let tmp = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("writing {}", target.display()))?;
                tmp.persist(&target)
                    .map_err(|e| e.error)
                    .with_context(|| format!("moving the output into place at {}", target.display()))?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Special(w) => w.write(buf),
            Output::File { writer, .. } => writer.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::Special(w) => w.write_all(buf),
            Output::File { writer, .. } => writer.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Special(w) => w.flush(),
            Output::File { writer, .. } => writer.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_output_appears_only_on_finish() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut out = Output::create(Some(&target)).unwrap();
        out.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        out.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn special_files_are_written_not_replaced() {
        let mut out = Output::create(Some(Path::new("/dev/null"))).unwrap();
        out.write_all(b"discarded").unwrap();
        out.finish().unwrap();
        assert!(
            !std::fs::metadata("/dev/null").unwrap().is_file(),
            "/dev/null is still a device"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = Output::create(Some(dir.path())).err().unwrap();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn files_get_ordinary_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.csv");
        Output::create(Some(&fresh)).unwrap().finish().unwrap();
        let plain = dir.path().join("plain.csv");
        std::fs::File::create(&plain).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&fresh),
            mode(&plain),
            "like any new file (0666 less the umask)"
        );
        let kept = dir.path().join("kept.csv");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        Output::create(Some(&kept)).unwrap().finish().unwrap();
        assert_eq!(mode(&kept), 0o640);
    }

    #[test]
    fn dropped_output_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut out = Output::create(Some(&target)).unwrap();
        out.write_all(b"partial").unwrap();
        drop(out);
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn unreadable_inputs_are_bad_input() {
        let err = open_file(Path::new("/no/such/file.csv"), "responses")
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("cannot read responses /no/such/file.csv"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = open_file(dir.path(), "matrix").err().unwrap();
        assert!(err.to_string().contains("is a directory"));
        let err = Output::create(Some(Path::new("/no/such/dir/out.csv")))
            .err()
            .unwrap();
        assert_eq!(crate::error::classify(&err), crate::error::Verdict::BadInput);
    }
}
