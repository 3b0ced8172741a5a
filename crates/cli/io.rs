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

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

use crate::error::bad_input;

/// An input stream and the name errors should call it by.
pub struct Input {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
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
                reader: Box::new(stdin),
            })
        }
    }
}

/// Opens a named file for reading.
pub fn open_file(path: &Path, what: &str) -> Result<Input> {
    let file =
        File::open(path).map_err(|e| bad_input(format!("cannot read {what} {}: {e}", path.display())))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(bad_input(format!(
            "cannot read {what} {}: it is a directory",
            path.display()
        )));
    }
    Ok(Input {
        name: path.display().to_string(),
        reader: Box::new(file),
    })
}

/// Where a command writes its result.
pub enum Output {
    /// Standard output, buffered.
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file that becomes `target` on [`Output::finish`].
    File {
        /// Buffered temporary file.
        writer: BufWriter<NamedTempFile>,
        /// The final path.
        target: PathBuf,
    },
}

impl Output {
    /// Standard output for `None`, else an atomic file at `path`.
    pub fn create(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path.filter(|p| *p != Path::new("-")) else {
            return Ok(Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())));
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".rolefit-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| bad_input(format!("cannot write {}: {e}", path.display())))?;
        Ok(Output::File {
            writer: BufWriter::with_capacity(1 << 16, tmp),
            target: path.to_path_buf(),
        })
    }

    /// Flushes and, for a file, renames it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("writing to standard output"),
            Output::File { writer, target } => {
                let tmp = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("writing {}", target.display()))?;
                tmp.as_file()
                    .sync_all()
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
            Output::File { writer, .. } => writer.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File { writer, .. } => writer.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
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
