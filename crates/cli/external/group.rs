//! Each strategy plugin runs in a process group of its own, and rolefit
//! ends the whole group, so that what a plugin started does not outlive
//! the run.
//!
//! A plugin is started as the leader of a new group (on Unix). When
//! rolefit is done with it, normally or not (a timeout, an error, the end
//! of the run, Ctrl-C or SIGTERM to rolefit), the group gets SIGTERM; what
//! has not exited [`GRACE`] later gets SIGKILL. Running groups are listed
//! here, so that the interrupt handler can end them too ([`end_all`]).
//!
//! A group is signalled only while its leader is a zombie not yet reaped,
//! or at once after reaping it: a group's number is not reused while any
//! member lives, so a signal never reaches an unrelated process.

use std::process::{Child, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long the members of a plugin's group have to exit after SIGTERM
/// before they get SIGKILL.
pub const GRACE: Duration = Duration::from_secs(1);

/// Whether [`end_all`] was called: rolefit is exiting on an interrupt.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The process groups of the plugins running now (their leaders' ids).
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn running() -> MutexGuard<'static, Vec<u32>> {
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes `command` start its process as the leader of a new group.
pub fn own_group(command: &mut std::process::Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Lists the group `child` leads as running.
pub fn started(child: &Child) {
    running().push(child.id());
}

/// Ends `child`'s group: SIGTERM to every member, up to [`GRACE`] for
/// them to exit, SIGKILL to the rest. Reaps `child` (its status goes into
/// `status`, unless it is there already: it was reaped just before).
pub fn end(child: &mut Child, status: &mut Option<ExitStatus>) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{killpg, Signal};
        let group = pid(child.id());
        let _ = killpg(group, Signal::SIGTERM);
        let deadline = Instant::now() + GRACE;
        let mut pause = Duration::from_millis(1);
        loop {
            if status.is_none() {
                if let Ok(Some(s)) = child.try_wait() {
                    *status = Some(s);
                }
            }
            // Once the leader is reaped, the group is gone when no member
            // is left to signal.
            if status.is_some() && killpg(group, None).is_err() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                let _ = killpg(group, Signal::SIGKILL);
                break;
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
    #[cfg(not(unix))]
    if status.is_none() {
        let _ = child.kill();
    }
    if status.is_none() {
        if let Ok(s) = child.wait() {
            *status = Some(s);
        }
    }
    let id = child.id();
    running().retain(|&g| g != id);
}

/// Ends every running plugin's group, as [`end`] does, all at once; for
/// the interrupt handler, which then exits. The leaders are reaped here,
/// whoever owns them.
pub fn end_all() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    #[cfg(unix)]
    {
        use nix::sys::signal::{killpg, Signal};
        use nix::sys::wait::{waitpid, WaitPidFlag};
        let mut groups: Vec<_> = running().iter().map(|&id| pid(id)).collect();
        for &group in &groups {
            let _ = killpg(group, Signal::SIGTERM);
        }
        let deadline = Instant::now() + GRACE;
        while !groups.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            groups.retain(|&group| {
                // A leader that exited stays a member until reaped.
                let _ = waitpid(group, Some(WaitPidFlag::WNOHANG));
                killpg(group, None).is_ok()
            });
        }
        for group in groups {
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

/// Never returns once rolefit is exiting on an interrupt: a plugin that
/// [`end_all`] ended must not be reported as failed, nor the command
/// fail with its own exit code before the interrupt handler exits with
/// 130.
pub fn stop_if_interrupted() {
    while INTERRUPTED.load(Ordering::SeqCst) {
        std::thread::park();
    }
}

#[cfg(unix)]
fn pid(id: u32) -> nix::unistd::Pid {
    nix::unistd::Pid::from_raw(i32::try_from(id).unwrap_or(i32::MAX))
}
