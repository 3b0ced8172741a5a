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

#[cfg(unix)]
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use anyhow::{Context, Result};
use tempfile::TempPath;

use crate::args::Encoding;
use crate::error::bad_input;
use crate::registry::Finished;
use crate::settings::Settings;

/// `reader` (the input `what` called `name`), decoded to UTF-8 from
/// `encoding`. Other inputs than role matrices (which may be workbooks,
/// read by the importer) are first looked at
/// ([`rolefit_import::text_input`]): UTF-16 with a byte order mark is
/// decoded, a binary file refused with its kind named, and a workbook read
/// as CSV text where `sheet` allows it (responses: `Some`, the sheet's name
/// or empty for the first).
fn decoded(
    reader: Box<dyn Read + Send>,
    name: &str,
    what: &str,
    encoding: Encoding,
    sheet: Option<&str>,
) -> Result<Box<dyn Read + Send>> {
    if what == "role matrix" {
        return Ok(match encoding {
            Encoding::Latin1 => Box::new(rolefit_import::Latin1::new(reader)),
            Encoding::Utf8 => reader,
        });
    }
    let options = rolefit_import::TextOptions {
        latin1: encoding == Encoding::Latin1,
        workbook_sheet: sheet.map(str::to_string),
        max_unzipped_mib: 0,
    };
    Ok(rolefit_import::text_input(reader, name, &options)?)
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

/// Opens `path`, or standard input for `None` or `-`, decoding it from
/// `encoding`. Refuses to wait on a terminal: with no file and nothing
/// piped in, that would hang.
pub fn open_input(path: Option<&Path>, what: &str, encoding: Encoding) -> Result<Input> {
    open_input_sheet(
        path,
        what,
        encoding,
        None,
        "rolefit score datasets/sample-responses.csv",
    )
}

/// [`open_input`] for responses, which may be an Excel workbook: `sheet`
/// names the sheet read (`--sheet`; the first without it). With no file
/// and nothing piped in, the message shows the command's own example
/// ([`Settings::example`]).
pub fn open_responses(path: Option<&Path>, settings: &Settings, sheet: Option<&str>) -> Result<Input> {
    open_input_sheet(
        path,
        "responses",
        settings.encoding,
        Some(sheet.unwrap_or_default()),
        settings.example,
    )
}

fn open_input_sheet(
    path: Option<&Path>,
    what: &str,
    encoding: Encoding,
    sheet: Option<&str>,
    example: &str,
) -> Result<Input> {
    match path {
        Some(p) if p != Path::new("-") => open_file_sheet(p, what, encoding, sheet),
        _ => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                return Err(bad_input(format!(
                    "no {what} given: name a file, or pipe one in (for example `{example}`)"
                )));
            }
            let name = "<stdin>";
            Ok(Input {
                name: name.into(),
                reader: decoded(Box::new(stdin), name, what, encoding, sheet)?,
                len: None,
            })
        }
    }
}

/// Opens a named file for reading, decoding it from `encoding`.
pub fn open_file(path: &Path, what: &str, encoding: Encoding) -> Result<Input> {
    open_file_sheet(path, what, encoding, None)
}

fn open_file_sheet(path: &Path, what: &str, encoding: Encoding, sheet: Option<&str>) -> Result<Input> {
    let file = File::open(path).map_err(|e| {
        let hint = match e.kind() {
            io::ErrorKind::NotFound => near_name(path).map_or(String::new(), |near| {
                format!("; did you mean {}?", near.display())
            }),
            _ => String::new(),
        };
        bad_input(format!("cannot read {what} {}: {e}{hint}", path.display()))
    })?;
    let metadata = file.metadata().ok();
    if metadata.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(bad_input(format!(
            "cannot read {what} {}: it is a directory",
            path.display()
        )));
    }
    let name = path.display().to_string();
    // Responses may be a Parquet file, read as the CSV text of its rows.
    if sheet.is_some() && crate::parquet::is_parquet(path) {
        return Ok(Input {
            reader: crate::parquet::open_responses(path, &name)?,
            name,
            len: None,
        });
    }
    Ok(Input {
        reader: decoded(Box::new(file), &name, what, encoding, sheet)?,
        name,
        len: metadata.filter(|m| m.is_file()).map(|m| m.len()),
    })
}

/// A file in the folder of `path` (which does not exist) whose name is
/// the same but for case and punctuation, or else close to it
/// (`responses.csv` for `response.csv`) by the rule of every
/// did-you-mean ([`rolefit_import::suggest::closest`]), as `path` would
/// name it.
fn near_name(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    let entries = std::fs::read_dir(folder.unwrap_or(Path::new("."))).ok()?;
    let names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|other| !other.starts_with('.'))
        .collect();
    // A name that differs only in case or punctuation first (the rule
    // leaves those out, as the same name).
    let key = rolefit_model::match_key(name);
    let near = names
        .iter()
        .find(|other| rolefit_model::match_key(other) == key)
        .map(String::as_str)
        .or_else(|| rolefit_import::suggest::closest(name, names.iter().map(String::as_str)))?;
    Some(folder.map_or_else(|| PathBuf::from(near), |f| f.join(near)))
}

/// The run's temporary output files, being written or finished and
/// waiting for the run to succeed ([`commit_outputs`] moves the finished
/// ones into place, [`discard_outputs`] removes them).
///
/// This list is process-wide, not part of the run's settings, because the
/// interrupt handler (a thread of its own, started before any command
/// runs, that exits the process) and the panic hook must remove every
/// temporary file, whichever command made it and wherever the run is
/// stopped: no signal that can be caught leaves a partial file behind (a
/// file being replaced is never touched before the rename).
static TEMPORARY: Mutex<Vec<Temporary>> = Mutex::new(Vec::new());

/// A temporary output file.
struct Temporary {
    /// Its path, removed on an interrupt or a panic.
    path: PathBuf,
    /// Once finished: the file (removed when dropped) and where it goes.
    finished: Option<(TempPath, PathBuf)>,
}

/// Whether standard error's terminal shows its alternate screen (`rolefit
/// assess` while it asks), which an interrupt must leave.
///
/// Process-wide, like [`TEMPORARY`] and unlike the run's
/// [`crate::settings::Settings`], because it changes while the run goes on
/// (set when `assess` enters the screen, cleared when it leaves) and the
/// interrupt handler, a thread of its own started before the command runs,
/// must see its current value: a setting fixed at start-up cannot say it.
static ALTERNATE_SCREEN: AtomicBool = AtomicBool::new(false);

/// Records whether the terminal is on its alternate screen, so that an
/// interrupt leaves it before exiting.
pub fn set_alternate_screen(on: bool) {
    ALTERNATE_SCREEN.store(on, Ordering::SeqCst);
}

/// The signals that end a run early, after removing its temporary files:
/// every catchable signal whose default action ends the process and that
/// a user or the system sends to stop a program (SIGKILL and SIGSTOP cannot
/// be caught; SIGXFSZ is handled apart, see [`clean_up_on_interrupt`]).
#[cfg(unix)]
const ENDING_SIGNALS: [i32; 7] = {
    use signal_hook::consts::signal::*;
    [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU]
};

/// Removes pending temporary files and exits with status 130 on Ctrl-C
/// (SIGINT), SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM and SIGXCPU, and
/// removes them on a panic. SIGXFSZ (a file grew past `ulimit -f`) is
/// caught and does nothing, so the write that crossed the limit fails with
/// "File too large" and the run ends through its ordinary error path,
/// which names the file. With `restore_cursor` (an interactive command,
/// whose prompts hide the cursor), an interrupt shows the cursor again.
pub fn clean_up_on_interrupt(restore_cursor: bool) {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        remove_pending();
        default_hook(info);
    }));
    #[cfg(unix)]
    {
        use signal_hook::consts::signal::SIGXFSZ;
        use signal_hook::iterator::Signals;
        // If a handler cannot be installed the default behaviour (exit)
        // stays; only the temporary file may then remain.
        let _ = signal_hook::flag::register(SIGXFSZ, std::sync::Arc::new(AtomicBool::new(false)));
        if let Ok(mut signals) = Signals::new(ENDING_SIGNALS) {
            let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
                if signals.forever().next().is_some() {
                    on_interrupt(restore_cursor);
                }
            });
        }
    }
}

/// What an interrupt does: leaves the alternate screen, restores the
/// cursor, removes temporary files, ends running strategy plugins (with
/// their process groups), exits 130.
fn on_interrupt(restore_cursor: bool) -> ! {
    if ALTERNATE_SCREEN.load(Ordering::SeqCst) {
        // Back to the screen and scrollback the user had.
        let _ = crossterm::execute!(io::stderr(), crossterm::terminal::LeaveAlternateScreen);
    }
    if restore_cursor {
        // An interactive prompt may have hidden the cursor.
        let _ = writeln!(io::stderr(), "\x1b[?25h");
    }
    remove_pending();
    crate::registry::end_plugins();
    std::process::exit(130);
}

/// Removes every temporary output file of the run.
fn remove_pending() {
    // A panic while the lock is held must not stop the clean-up.
    for temporary in lock_temporary().iter() {
        let _ = std::fs::remove_file(&temporary.path);
    }
}

/// Makes sure standard input, output and error are open. A program started
/// with one of them closed (`2>&-`) would otherwise get that descriptor
/// for the first file it opens, and its messages would be written into an
/// output file. Each closed one is pointed at `/dev/null`.
pub fn guard_standard_streams() {
    #[cfg(unix)]
    {
        use std::os::fd::{AsRawFd, IntoRawFd};
        // Opening returns the lowest free descriptor: while that is 0, 1 or
        // 2, keep it open (it now stands in for the closed stream).
        while let Ok(null) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
        {
            if null.as_raw_fd() > 2 {
                break;
            }
            let _ = null.into_raw_fd();
        }
    }
}

/// A temporary file being written, listed in [`TEMPORARY`]: unlisted when
/// dropped unfinished, handed over to the list by [`Pending::finished`].
pub struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Self {
        lock_temporary().push(Temporary {
            path: path.to_path_buf(),
            finished: None,
        });
        Pending(path.to_path_buf())
    }

    /// The file is complete: the list keeps it until the run is committed
    /// or discarded.
    fn finished(self, temp: TempPath, target: PathBuf) {
        let path = std::mem::take(&mut std::mem::ManuallyDrop::new(self).0);
        if let Some(entry) = lock_temporary().iter_mut().find(|t| t.path == path) {
            entry.finished = Some((temp, target));
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        lock_temporary().retain(|t| t.path != self.0);
    }
}

/// Moves every output file the run finished into place. Called once, when
/// the command has succeeded and its strategy plugins have ended properly
/// (`finished`, which only [`crate::registry::Strategies::finish`] or a
/// command that started none gives): until then no target is touched, so a
/// run that fails at any point, even after writing one of its outputs in
/// full, leaves every output path as it was.
///
/// # Errors
/// The first rename that fails (the outputs before it are in place).
pub fn commit_outputs(finished: Finished) -> Result<()> {
    let _ = finished;
    let done: Vec<(TempPath, PathBuf)> = {
        let mut list = lock_temporary();
        let (done, writing): (Vec<Temporary>, Vec<Temporary>) = std::mem::take(&mut *list)
            .into_iter()
            .partition(|t| t.finished.is_some());
        *list = writing;
        done.into_iter().filter_map(|t| t.finished).collect()
    };
    for (temp, target) in done {
        temp.persist(&target)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot move the output into place at {}", target.display()))?;
    }
    Ok(())
}

/// Removes the finished outputs of a run that failed.
pub fn discard_outputs() {
    let discarded: Vec<Temporary> = {
        let mut list = lock_temporary();
        let (done, writing) = std::mem::take(&mut *list)
            .into_iter()
            .partition(|t| t.finished.is_some());
        *list = writing;
        done
    };
    // Dropping each temporary file removes it (outside the lock).
    drop(discarded);
}

fn lock_temporary() -> std::sync::MutexGuard<'static, Vec<Temporary>> {
    // A panic while the lock is held must not stop the clean-up.
    TEMPORARY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where a command writes its result.
pub enum Output {
    /// Standard output, buffered.
    Stdout(BufWriter<io::Stdout>),
    /// Something that is not a regular file (`/dev/null`, a named pipe, a
    /// terminal), written directly: renaming over it would replace it.
    Special {
        /// Buffered writer.
        writer: BufWriter<File>,
        /// The path as given, for errors.
        target: PathBuf,
    },
    /// A temporary file that becomes `target` when the run succeeds.
    File {
        /// Buffered temporary file.
        writer: BufWriter<File>,
        /// The temporary file's path; removed when dropped.
        temp: TempPath,
        /// The final path (a symbolic link's target, so the link stays).
        target: PathBuf,
        /// The path as given, for errors.
        shown: PathBuf,
        /// Keeps the temporary file listed for removal on interrupt.
        pending: Pending,
    },
}

/// The path a write to `path` should replace: `path` itself, or the file
/// a symbolic link points to, so that the link is kept (as `cp` and
/// editors do).
fn resolve_link(path: &Path) -> Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            bad_input(format!(
                "cannot write {}: it is a symbolic link to {}, which cannot be followed ({e})",
                path.display(),
                std::fs::read_link(path).map_or_else(|_| "?".into(), |p| p.display().to_string())
            ))
        }),
        _ => Ok(path.to_path_buf()),
    }
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
            return Ok(Output::Special {
                writer: BufWriter::with_capacity(1 << 16, file),
                target: path.to_path_buf(),
            });
        }
        let target = resolve_link(path)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".rolefit-").suffix(".tmp");
        // The file gets the permission bits of the one it replaces (never
        // set-user-id, set-group-id or sticky), or those of a new file
        // (0666 less the umask), not the temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = existing.map_or(0o666, |m| m.permissions().mode() & 0o777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let (file, temp) = builder
            .tempfile_in(dir)
            .map_err(|e| cannot(plain(e, dir)))?
            .into_parts();
        Ok(Output::File {
            pending: Pending::new(&temp),
            writer: BufWriter::with_capacity(1 << 16, file),
            temp,
            target,
            shown: path.to_path_buf(),
        })
    }

    /// Flushes; a file is then kept aside until the run succeeds
    /// ([`commit_outputs`]).
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("writing to standard output"),
            Output::Special { mut writer, target } => writer
                .flush()
                .with_context(|| format!("cannot write {}", target.display())),
            Output::File {
                writer,
                temp,
                target,
                shown,
                pending,
            } => {
                writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", shown.display()))?;
                // A failure point for the tests of the panic clean-up
                // (debug builds only): the temporary file is complete here.
                if cfg!(debug_assertions) && std::env::var_os("ROLEFIT_TEST_PANIC_ON_FINISH").is_some() {
                    panic!("ROLEFIT_TEST_PANIC_ON_FINISH is set");
                }
                pending.finished(temp, target);
                Ok(())
            }
        }
    }

    /// The path errors name.
    fn shown(&self) -> Option<&Path> {
        match self {
            Output::Stdout(_) => None,
            Output::Special { target, .. } => Some(target),
            Output::File { shown, .. } => Some(shown),
        }
    }

    /// A write error, naming the file written (never the temporary file).
    fn named(&self, e: io::Error) -> io::Error {
        match self.shown() {
            Some(path) => io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())),
            None => e,
        }
    }
}

/// The error of creating a temporary file in `dir`, without the temporary
/// file's path that tempfile adds (errors should name the target): the
/// folder's own error when it cannot be reached, else the error's kind.
fn plain(e: io::Error, dir: &Path) -> io::Error {
    match std::fs::metadata(dir) {
        Err(missing) => missing,
        Ok(meta) if !meta.is_dir() => io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is not a folder", dir.display()),
        ),
        Ok(_) => io::Error::from(e.kind()),
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = match self {
            Output::Stdout(w) => w.write(buf),
            Output::Special { writer, .. } | Output::File { writer, .. } => writer.write(buf),
        };
        result.map_err(|e| self.named(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let result = match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::Special { writer, .. } | Output::File { writer, .. } => writer.write_all(buf),
        };
        result.map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = match self {
            Output::Stdout(w) => w.flush(),
            Output::Special { writer, .. } | Output::File { writer, .. } => writer.flush(),
        };
        result.map_err(|e| self.named(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The temporary outputs are process-wide: tests that finish files run
    /// one at a time.
    fn serial() -> std::sync::MutexGuard<'static, ()> {
        static SERIAL: Mutex<()> = Mutex::new(());
        SERIAL.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[test]
    fn file_output_appears_only_on_finish() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut out = Output::create(Some(&target)).unwrap();
        out.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        out.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "old",
            "not before the run succeeds"
        );
        commit_outputs(Finished::without_strategies()).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn special_files_are_written_not_replaced() {
        let _serial = serial();
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
        let _serial = serial();
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.csv");
        Output::create(Some(&fresh)).unwrap().finish().unwrap();
        commit_outputs(Finished::without_strategies()).unwrap();
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
        commit_outputs(Finished::without_strategies()).unwrap();
        assert_eq!(mode(&kept), 0o640);
        // Set-user-id, set-group-id and sticky bits are never carried over.
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o7750)).unwrap();
        Output::create(Some(&kept)).unwrap().finish().unwrap();
        commit_outputs(Finished::without_strategies()).unwrap();
        assert_eq!(
            std::fs::metadata(&kept).unwrap().permissions().mode() & 0o7777,
            0o750
        );
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
        let err = open_file(Path::new("/no/such/file.csv"), "responses", Encoding::Utf8)
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("cannot read responses /no/such/file.csv"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = open_file(dir.path(), "matrix", Encoding::Utf8).err().unwrap();
        assert!(err.to_string().contains("is a directory"));
        let err = Output::create(Some(Path::new("/no/such/dir/out.csv")))
            .err()
            .unwrap();
        assert_eq!(crate::error::classify(&err), crate::error::Verdict::BadInput);
    }

    #[test]
    fn a_failed_run_leaves_every_output_as_it_was() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, "old a").unwrap();
        let mut out = Output::create(Some(&a)).unwrap();
        out.write_all(b"new a").unwrap();
        out.finish().unwrap();
        let mut out = Output::create(Some(&b)).unwrap();
        out.write_all(b"new b").unwrap();
        out.finish().unwrap();
        discard_outputs();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert!(!b.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_symbolic_link_keeps_the_link() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        let mut out = Output::create(Some(&link)).unwrap();
        out.write_all(b"new").unwrap();
        out.finish().unwrap();
        commit_outputs(Finished::without_strategies()).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // A link to nowhere is refused, naming the link.
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink("missing/x.csv", &dangling).unwrap();
        let err = Output::create(Some(&dangling)).err().unwrap();
        assert!(
            err.to_string().contains("is a symbolic link to missing/x.csv"),
            "{err}"
        );
    }

    #[test]
    fn write_errors_name_the_target_not_the_temporary_file() {
        let err = Output::create(Some(Path::new("/no/such/dir/out.csv")))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "cannot write /no/such/dir/out.csv: No such file or directory (os error 2)"
        );
    }
}
