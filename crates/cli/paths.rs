//! Which files a run reads and writes, checked before anything is read.
//!
//! An output that is the same file as an input would destroy the input the
//! moment the output is moved into place (`rolefit score data.csv -o
//! data.csv`), and two outputs of one run that name the same file would
//! silently keep only the one written last (`-o x --rejects x`). Both are
//! refused here, at the start of the run, with exit 2. Files are compared
//! by device and inode after following symbolic links (so `./a.csv`,
//! `a.csv` and a link to it are one file); an output that does not exist
//! yet is compared by its resolved path. Standard input (`-` or no file)
//! counts as the file it was redirected from.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::args::{Command, Inputs, MatrixFiles, MatrixSource, ResponsesSource};
use crate::cmd::matrix::MatrixCommand;
use crate::cmd::synth::SynthCommand;
use crate::error::bad_input;

/// One file of a run and how the command line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named<'a> {
    /// The flag (`-o`, `--rejects`) or, for inputs, what the file is
    /// (`responses`, `matrix`).
    pub what: &'static str,
    /// The path as given; `None` is standard input.
    pub path: Option<&'a Path>,
}

/// The inputs and outputs a command names.
#[derive(Debug, Default)]
pub struct RunFiles<'a> {
    /// Files read.
    pub inputs: Vec<Named<'a>>,
    /// Files written.
    pub outputs: Vec<Named<'a>>,
}

impl<'a> RunFiles<'a> {
    fn input(&mut self, what: &'static str, path: Option<&'a Path>) {
        self.inputs.push(Named { what, path });
    }

    fn optional_input(&mut self, what: &'static str, path: Option<&'a PathBuf>) {
        if let Some(p) = path {
            self.input(what, Some(p));
        }
    }

    fn output(&mut self, what: &'static str, path: Option<&'a PathBuf>) {
        if let Some(p) = path {
            self.outputs.push(Named { what, path: Some(p) });
        }
    }

    fn matrix(&mut self, source: &'a MatrixSource) {
        for path in &source.matrix {
            self.input("matrix", Some(path));
        }
    }

    fn matrix_files(&mut self, files: &'a MatrixFiles) {
        for path in &files.files {
            self.input("matrix", Some(path));
        }
        self.matrix(&files.input.matrix);
    }

    fn inputs(&mut self, inputs: &'a Inputs) {
        self.responses(&inputs.responses);
        self.matrix(&inputs.matrix);
    }

    fn responses(&mut self, source: &'a ResponsesSource) {
        let input = source.input.as_deref().filter(|p| *p != Path::new("-"));
        self.input("responses", input);
        self.optional_input("survey", source.survey.survey.as_ref());
        self.optional_input("labels map", source.answer_scale.labels_map.as_ref());
        self.output("--rejects", source.rejects.as_ref());
    }

    /// The files `command` names.
    pub fn of(command: &'a Command) -> Self {
        let mut files = RunFiles::default();
        match command {
            Command::Score(a) => {
                files.inputs(&a.inputs);
                files.optional_input("model", a.scoring.learned.model.as_ref());
                files.output("-o", a.emit.to.output.as_ref());
                files.output("--plot", a.plot.as_ref());
            }
            Command::Roles(a) => {
                files.matrix(&a.matrix.matrix);
                files.output("-o", a.emit.to.output.as_ref());
            }
            Command::Survey(a) => {
                files.optional_input("survey", a.survey.survey.as_ref());
                files.output("-o", a.emit.to.output.as_ref());
            }
            Command::Strategies(a) => files.output("-o", a.emit.to.output.as_ref()),
            Command::Matrix(MatrixCommand::Check(a)) => {
                files.matrix_files(&a.files);
                files.output("-o", a.emit.to.output.as_ref());
            }
            Command::Matrix(MatrixCommand::Overlap(a)) => {
                files.matrix_files(&a.files);
                files.output("-o", a.emit.to.output.as_ref());
                files.output("--plot", a.plot.as_ref());
            }
            Command::Synth(SynthCommand::Matrix(a)) => files.output("-o", a.to.output.as_ref()),
            Command::Synth(SynthCommand::Responses(a)) => {
                files.matrix(&a.matrix.matrix);
                files.output("-o", a.to.output.as_ref());
                files.output("--labels", a.labels.as_ref());
                files.output("--groups", a.planted.groups.as_ref());
            }
            Command::Evaluate(a) => {
                files.inputs(&a.inputs);
                files.input("labels", Some(&a.labels));
                files.output("-o", a.emit.to.output.as_ref());
            }
            Command::Train(a) => {
                files.inputs(&a.inputs);
                files.input("labels", Some(&a.labels));
                files.output("-o", a.to.output.as_ref());
            }
            Command::Explain(a) => {
                files.inputs(&a.inputs);
                files.optional_input("model", a.scoring.learned.model.as_ref());
                files.output("-o", a.emit.to.output.as_ref());
            }
            Command::Cluster(a) => {
                files.inputs(&a.inputs);
                files.output("-o", a.emit.to.output.as_ref());
                files.output("--plot", a.plot.as_ref());
            }
            Command::Report(a) => {
                files.inputs(&a.inputs);
                files.output("-o", Some(&a.output));
            }
            Command::Audit(a) => {
                files.inputs(&a.inputs);
                files.optional_input("model", a.scoring.learned.model.as_ref());
                files.input("groups", Some(&a.groups));
                files.output("-o", a.emit.to.output.as_ref());
            }
            Command::Assess(a) => {
                files.matrix(&a.matrix.matrix);
                files.optional_input("survey", a.survey.survey.as_ref());
                files.optional_input("labels map", a.answer_scale.labels_map.as_ref());
                files.optional_input("answers", a.answers.as_ref());
                files.output("--save", a.save.as_ref());
            }
            Command::Plugins(a) => files.output("-o", a.emit.to.output.as_ref()),
            Command::Completions(_) | Command::Man | Command::External(_) => {}
        }
        files
    }

    /// Refuses an output that is one of the inputs, and two outputs that
    /// are one file.
    ///
    /// # Errors
    /// A [`BadInput`](crate::error::BadInput) naming the flag and the file.
    pub fn check(&self) -> Result<()> {
        let inputs: Vec<(&Named, FileId)> = self
            .inputs
            .iter()
            .filter_map(|n| existing(n.path).map(|id| (n, id)))
            .collect();
        let mut seen: Vec<(&Named, Identity)> = Vec::new();
        // `-o` first, so that messages name it first.
        let mut outputs: Vec<&Named> = self.outputs.iter().collect();
        outputs.sort_by_key(|n| n.what != "-o");
        for out in outputs {
            let Some(path) = out.path.filter(|p| *p != Path::new("-")) else {
                continue;
            };
            let identity = identity(path);
            if let Identity::File(id) = &identity {
                if let Some((input, _)) = inputs.iter().find(|(_, i)| i == id) {
                    return Err(bad_input(format!(
                        "{} would overwrite the input {}{}; write the output to another file",
                        out.what,
                        shown(input.path),
                        if input.what == "responses" {
                            String::new()
                        } else {
                            format!(" (the {})", input.what)
                        }
                    )));
                }
            }
            if identity == Identity::Special {
                continue;
            }
            if let Some((first, _)) = seen.iter().find(|(_, other)| *other == identity) {
                return Err(bad_input(format!(
                    "{} and {} both name {}; give each output its own file",
                    first.what,
                    out.what,
                    path.display()
                )));
            }
            seen.push((out, identity));
        }
        Ok(())
    }
}

/// How the file an input is shown: its path, or standard input.
fn shown(path: Option<&Path>) -> String {
    path.map_or_else(|| "on standard input".to_string(), |p| p.display().to_string())
}

/// A file's device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

/// What an output path is, for comparing it with others.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity {
    /// An existing regular file (after following links).
    File(FileId),
    /// Not a regular file (`/dev/null`, a pipe, a directory): written in
    /// place, or refused later, never replaced.
    Special,
    /// A file that does not exist yet, by its resolved path.
    New(PathBuf),
}

#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId {
        dev: meta.dev(),
        ino: meta.ino(),
    }
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> FileId {
    FileId { dev: 0, ino: 0 }
}

/// The identity of an input that exists as a regular file; standard input
/// (`None`) is the file it was redirected from, if any.
fn existing(path: Option<&Path>) -> Option<FileId> {
    let path = path.unwrap_or(Path::new("/dev/stdin"));
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| file_id(&meta))
}

fn identity(path: &Path) -> Identity {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Identity::File(file_id(&meta)),
        Ok(_) => Identity::Special,
        Err(_) => {
            // Not there yet: its folder resolved, plus its name (a dangling
            // link is refused when the output is created).
            let name = path.file_name().map(PathBuf::from).unwrap_or_default();
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            Identity::New(dir.join(name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Cli;
    use clap::Parser;

    fn check(argv: &[&str]) -> Result<()> {
        let cli = Cli::try_parse_from(argv).unwrap();
        RunFiles::of(&cli.command).check()
    }

    #[test]
    fn an_output_that_is_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("responses.csv");
        std::fs::write(&data, "respondent,Q01\nR1,3\n").unwrap();
        let d = data.to_str().unwrap();
        let err = check(&["rolefit", "score", d, "-o", d]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("-o would overwrite the input {d}; write the output to another file")
        );
        // The same file by another spelling, and through a link.
        let other = format!("{}/./responses.csv", dir.path().display());
        assert!(check(&["rolefit", "score", d, "--rejects", &other, "--on-error", "skip"]).is_err());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&data, &link).unwrap();
            let err = check(&["rolefit", "score", d, "--plot", link.to_str().unwrap()]).unwrap_err();
            assert!(err.to_string().starts_with("--plot would overwrite"), "{err}");
        }
        let err = check(&["rolefit", "evaluate", "x.csv", "--labels", d, "-o", d]).unwrap_err();
        assert!(err.to_string().contains("(the labels)"), "{err}");
        let err = check(&["rolefit", "roles", "--matrix", d, "--matrix", "y.csv"]);
        assert!(err.is_ok(), "no outputs");
    }

    #[test]
    fn two_outputs_that_are_one_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        let o = out.to_str().unwrap();
        let err = check(&["rolefit", "score", "-o", o, "--on-error", "skip", "--rejects", o]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("-o and --rejects both name {o}; give each output its own file")
        );
        std::fs::write(&out, "old").unwrap();
        assert!(check(&["rolefit", "cluster", "x.csv", "-o", o, "--plot", o]).is_err());
        // Different files, and special files, are fine.
        let other = dir.path().join("plot.svg");
        assert!(check(&["rolefit", "score", "-o", o, "--plot", other.to_str().unwrap()]).is_ok());
        assert!(check(&[
            "rolefit",
            "score",
            "-o",
            "/dev/null",
            "--on-error",
            "skip",
            "--rejects",
            "/dev/null"
        ])
        .is_ok());
    }
}
