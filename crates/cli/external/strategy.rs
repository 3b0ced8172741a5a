//! An external strategy plugin as a [`Strategy`], like any built-in.
//!
//! The plugin is started on the first batch, not when the registry is
//! built: every command builds the registry, and a plugin that is merely
//! installed must cost nothing, and break nothing, until it is asked for.
//!
//! `rolefit score` calls strategies from several worker threads at once.
//! One plugin process serves them all, one batch at a time behind a mutex:
//! the protocol is a strict request-reply sequence on one pair of pipes,
//! and one process per worker would multiply start-up costs and the
//! plugin's memory for a speed-up only plugins that are themselves
//! single-threaded and CPU-bound would see. Batches are large (thousands
//! of profiles), so the lock is taken rarely.
//!
//! The first failure is kept: every later batch gets the same error at
//! once, so a hung plugin costs one timeout, not one per worker.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use ndarray::Array2;
use rolefit_model::ProfileBatch;
use rolefit_score::{CompiledMatrix, ScoreError, Strategy, Workspace};

use super::process::printable;
use super::session::Session;

/// The strategy `rolefit-strategy-NAME` provides. A clone is a handle on
/// the same plugin (one process), which is how the run's
/// [`crate::registry::Strategies`] keeps hold of the plugins it must
/// [`finish`](ExternalStrategy::finish).
#[derive(Clone)]
pub struct ExternalStrategy {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    path: PathBuf,
    timeout: Duration,
    formula: String,
    placeholder: String,
    /// The plugin's own description, once it has said hello.
    description: OnceLock<String>,
    state: Mutex<State>,
}

enum State {
    /// No process yet (or the last one ended properly).
    Idle,
    /// A process that has been given a matrix.
    Running(Box<Running>),
    /// The plugin failed; the message is repeated to every later caller.
    Failed(String),
}

impl ExternalStrategy {
    /// The strategy `name`, served by the plugin at `path`, each of whose
    /// replies may take up to `timeout`.
    pub fn new(name: &str, path: &Path, timeout: Duration) -> Self {
        let inner = Arc::new(Inner {
            name: name.to_string(),
            path: path.to_path_buf(),
            timeout,
            formula: format!("computed by the plugin {}", path.display()),
            placeholder: format!("External strategy plugin {}.", path.display()),
            description: OnceLock::new(),
            state: Mutex::new(State::Idle),
        });
        ExternalStrategy { inner }
    }

    /// Says bye to the plugin if it is running and checks that it exits
    /// with status 0. Called when a command has scored everything and
    /// before it commits its output: a plugin that fails at the end fails
    /// the run. A plugin that already failed was reported by the run
    /// itself.
    ///
    /// # Errors
    /// [`ScoreError::Strategy`] if the plugin does not exit properly (it is
    /// ended either way).
    pub fn finish(&self) -> Result<(), ScoreError> {
        self.inner.finish().map_err(|message| ScoreError::Strategy {
            name: self.inner.name.clone(),
            message,
        })
    }
}

impl Strategy for ExternalStrategy {
    fn name(&self) -> &str {
        &self.inner.name
    }

    fn formula(&self) -> &str {
        &self.inner.formula
    }

    fn description(&self) -> &str {
        self.inner
            .description
            .get()
            .map_or(self.inner.placeholder.as_str(), String::as_str)
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        matrix.check(profiles)?;
        let mut out = ws.array((profiles.len(), matrix.n_roles()));
        if profiles.is_empty() {
            return Ok(out);
        }
        match self.inner.score(matrix, profiles, &mut out) {
            Ok(()) => Ok(out),
            Err(message) => {
                ws.give(out);
                Err(ScoreError::Strategy {
                    name: self.inner.name.clone(),
                    message,
                })
            }
        }
    }

    /// Plugins only give scores: explanations show no contributions.
    fn contributions(&self, _: &CompiledMatrix, _: &[f64], _: &[bool], _: usize) -> Option<Vec<f64>> {
        None
    }
}

impl Inner {
    fn score(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        out: &mut Array2<f64>,
    ) -> Result<(), String> {
        let mut state = lock(&self.state);
        if let State::Failed(message) = &*state {
            return Err(message.clone());
        }
        // A different matrix (another command step, say) gets a fresh
        // process: the protocol sends one matrix per process.
        if matches!(&*state, State::Running(r) if !r.matrix.matches(matrix)) {
            if let State::Running(r) = std::mem::replace(&mut *state, State::Idle) {
                if let Err(e) = r.session.finish() {
                    return Err(self.failed(&mut state, e.to_string()));
                }
            }
        }
        if matches!(&*state, State::Idle) {
            let started = Session::start(&self.path, self.timeout).and_then(|mut session| {
                session.send_matrix(matrix)?;
                Ok(session)
            });
            match started {
                Ok(session) => {
                    let _ = self
                        .description
                        .set(printable(session.hello().description.trim(), 200));
                    *state = State::Running(Box::new(Running {
                        session,
                        matrix: MatrixKey::of(matrix),
                    }));
                }
                Err(e) => return Err(self.failed(&mut state, e.to_string())),
            }
        }
        let scored = match &mut *state {
            State::Running(r) => r.session.score(profiles, out).map_err(|e| e.to_string()),
            _ => Err("was not running (a bug in rolefit)".to_string()),
        };
        scored.map_err(|message| self.failed(&mut state, message))
    }

    /// Records a failure (dropping, and so killing, any process) and
    /// returns its message.
    fn failed(&self, state: &mut State, message: String) -> String {
        *state = State::Failed(message.clone());
        message
    }

    /// Ends a running plugin properly: bye, and exit status 0.
    fn finish(&self) -> Result<(), String> {
        let mut state = lock(&self.state);
        match std::mem::replace(&mut *state, State::Idle) {
            State::Running(r) => r
                .session
                .finish()
                .map_err(|e| self.failed(&mut state, e.to_string())),
            State::Failed(message) => {
                *state = State::Failed(message);
                Ok(())
            }
            State::Idle => Ok(()),
        }
    }
}

/// A plugin process and the matrix it was given.
struct Running {
    session: Session,
    matrix: MatrixKey,
}

/// What identifies the matrix a plugin was given.
struct MatrixKey {
    scale: (f64, f64),
    levels: Array2<f64>,
    importances: Array2<f64>,
    capabilities: Vec<String>,
    roles: Vec<String>,
}

impl MatrixKey {
    fn of(m: &CompiledMatrix) -> Self {
        MatrixKey {
            scale: (m.scale().min(), m.scale().max()),
            levels: m.levels().to_owned(),
            importances: m.importances().to_owned(),
            capabilities: m.capability_ids().to_vec(),
            roles: m.role_names().to_vec(),
        }
    }

    fn matches(&self, m: &CompiledMatrix) -> bool {
        self.scale == (m.scale().min(), m.scale().max())
            && self.levels == m.levels()
            && self.importances == m.importances()
            && self.capabilities == m.capability_ids()
            && self.roles == m.role_names()
    }
}

/// Locks a mutex, also after a panic elsewhere (the state stays usable:
/// every transition is a single assignment).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
