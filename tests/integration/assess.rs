//! `rolefit assess`: without a terminal it refuses politely; `--answers`
//! runs it from a file; in a pseudo-terminal (util-linux `script`), keys
//! drive it: answering, going back, skipping.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::{have_script, parse_csv, rolefit, write};

#[test]
fn without_a_terminal_it_refuses_and_points_to_answers() {
    let run = rolefit(&["assess"]);
    let err = run.bad_input();
    assert!(
        err.contains("rolefit assess asks its questions in a terminal") && err.contains("--answers FILE"),
        "{err}"
    );
}

#[test]
fn answers_from_a_file_give_the_result_and_save_what_score_reads() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(crate::util::root().join("datasets/sample-responses.csv")).unwrap();
    let one: String = sample.lines().take(2).map(|l| format!("{l}\n")).collect();
    let answers = write(dir.path(), "one.csv", &one.replace("R001", "ana"));
    let saved = dir.path().join("saved.csv");
    let saved = saved.to_str().unwrap();
    let run = rolefit(&[
        "assess",
        "--answers",
        &answers,
        "--save",
        saved,
        "--respondent",
        "ana",
    ]);
    let out = run.ok();
    assert!(
        out.contains("Your result (40 of 40 statements answered; strategy euclidean)"),
        "{out}"
    );
    assert!(
        out.contains("Roles, best fit first\n   1. Program Manager"),
        "{out}"
    );
    assert!(out.contains("drivers:") && out.contains("gaps:"), "{out}");
    assert!(out.contains("Your capabilities against Program Manager"), "{out}");
    // The saved answers score as the original row does.
    let a = rolefit(&["score", saved, "--format", "csv"]);
    let b = rolefit(&["score", &answers, "--format", "csv"]);
    assert_eq!(a.ok(), b.ok());
    assert_eq!(parse_csv(a.ok()).1[0][0], "ana");
    // Labels, another scale, and mistakes.
    let labels = write(dir.path(), "labels.csv", "respondent,Q01,Q02\nme,Often,Never\n");
    let run = rolefit(&["assess", "--answers", &labels, "--scale", "frequency"]);
    assert!(
        run.ok().contains("Not enough answers to rank the roles"),
        "{}",
        run.stdout
    );
    let two = write(dir.path(), "two.csv", "respondent,Q01\na,4\nb,5\n");
    assert!(rolefit(&["assess", "--answers", &two])
        .bad_input()
        .contains("holds more than one respondent"));
    let direct = write(dir.path(), "direct.csv", "respondent,Communication\na,4\n");
    assert!(rolefit(&["assess", "--answers", &direct])
        .bad_input()
        .contains("answers a capability directly"));
}

#[test]
fn the_saved_answers_rescore_with_the_command_it_suggests() {
    // A bug: the hint left out --scale, so answers saved on the 7-point
    // scale were refused by the command it suggested.
    let dir = tempfile::tempdir().unwrap();
    let answers = write(
        dir.path(),
        "seven.csv",
        "respondent,Q01,Q02,Q03\nme,7,6,Somewhat agree\n",
    );
    let saved = dir.path().join("saved.csv");
    let saved = saved.to_str().unwrap();
    let run = rolefit(&[
        "assess",
        "--answers",
        &answers,
        "--scale",
        "agreement7",
        "--save",
        saved,
    ]);
    run.ok();
    let hint = run
        .stderr
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no command in {:?}", run.stderr));
    let words: Vec<&str> = hint.split(' ').collect();
    assert_eq!(words[..3], ["rolefit", "score", saved], "{hint}");
    assert!(hint.ends_with("--scale agreement7"), "{hint}");
    let rescored = rolefit(&words[1..]);
    assert!(rescored.ok().contains("me"), "{}", rescored.stdout);
}

/// Output of a child, collected on a thread.
struct Screen {
    text: Arc<Mutex<String>>,
    /// Everything the child wrote, never cleared.
    all: Arc<Mutex<String>>,
}

impl Screen {
    fn wait_for(&self, needle: &str, child: &mut std::process::Child) {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            if self.text.lock().unwrap().contains(needle) {
                return;
            }
            if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
                let _ = child.kill();
                panic!(
                    "waited for {needle:?}; the screen:\n{}",
                    self.text.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Forgets what was shown, so that the next wait sees new output only.
    fn clear(&self) {
        self.text.lock().unwrap().clear();
    }
}

/// `rolefit assess` in a pseudo-terminal: the child, what it shows, the
/// keyboard, and the thread reading the screen.
struct Session {
    child: std::process::Child,
    screen: Screen,
    keys: std::process::ChildStdin,
    reader: std::thread::JoinHandle<()>,
}

impl Session {
    /// Runs `rolefit assess ARGS` (a shell command line after `assess`) and
    /// waits for the first statement's choices. The shell prints `pid=PID`
    /// first (the `exec`ed rolefit keeps that pid).
    fn start(args: &str) -> Session {
        let command = format!(
            "echo pid=$$; exec {} assess {args}",
            env!("CARGO_BIN_EXE_rolefit")
        );
        let mut child = Command::new("script")
            .args(["-qfec", &command, "/dev/null"])
            .current_dir(crate::util::root())
            .env("TERM", "xterm")
            .env("COLUMNS", "100")
            .env("LINES", "40")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script runs");
        let mut stdout = child.stdout.take().unwrap();
        let text = Arc::new(Mutex::new(String::new()));
        let all = Arc::new(Mutex::new(String::new()));
        let (sink, sink_all) = (Arc::clone(&text), Arc::clone(&all));
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let piece = String::from_utf8_lossy(&buf[..n]);
                sink.lock().unwrap().push_str(&piece);
                sink_all.lock().unwrap().push_str(&piece);
            }
        });
        let keys = child.stdin.take().unwrap();
        let mut session = Session {
            child,
            screen: Screen { text, all },
            keys,
            reader,
        };
        session.wait_for("statement 1 of 40, 0 answered");
        session.wait_for("Skip");
        session
    }

    fn wait_for(&mut self, needle: &str) {
        self.screen.wait_for(needle, &mut self.child);
    }

    /// Types `keys`; later waits see only what comes after.
    fn press(&mut self, keys: &str) {
        self.screen.clear();
        self.keys.write_all(keys.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// Waits for the end: the exit status and everything shown.
    fn end(mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.wait().unwrap();
        drop(self.keys);
        let _ = self.reader.join();
        let all = self.screen.all.lock().unwrap().clone();
        (status, all)
    }
}

/// The terminal's codes for entering and leaving the alternate screen.
const ENTER_ALTERNATE: &str = "\x1b[?1049h";
const LEAVE_ALTERNATE: &str = "\x1b[?1049l";

/// Asserts that `all` entered the alternate screen once before the first
/// statement, and left it once, after the last screen and before `after`.
#[track_caller]
fn used_the_alternate_screen(all: &str, after: &str) {
    assert_eq!(all.matches(ENTER_ALTERNATE).count(), 1, "{all:?}");
    assert_eq!(all.matches(LEAVE_ALTERNATE).count(), 1, "{all:?}");
    let enter = all.find(ENTER_ALTERNATE).unwrap();
    let leave = all.find(LEAVE_ALTERNATE).unwrap();
    assert!(enter < all.find("statement 1 of 40").unwrap(), "{all:?}");
    assert!(leave > all.rfind("statement ").unwrap(), "{all:?}");
    assert!(leave < all.find(after).unwrap(), "{all:?}");
}

#[test]
fn in_a_pseudo_terminal_keys_answer_go_back_and_skip() {
    if !have_script() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.csv");
    let mut session = Session::start(&format!("--save {} --top 1", saved.display()));
    const DOWN: &str = "\x1b[B";
    const UP: &str = "\x1b[A";
    // 1: Agree (one below the middle).
    session.press(&format!("{DOWN}\r"));
    session.wait_for("statement 2 of 40, 1 answered");
    session.wait_for("Back");
    // 2: up past the top wraps to Back: statement 1 again.
    session.press(&format!("{UP}{UP}{UP}\r"));
    session.wait_for("statement 1 of 40, 1 answered");
    session.wait_for("Skip");
    // 1 again: the cursor is on Agree; one down is Strongly agree.
    session.press(&format!("{DOWN}\r"));
    session.wait_for("statement 2 of 40, 1 answered");
    session.wait_for("Back");
    // 2: Skip.
    session.press(&format!("{DOWN}{DOWN}{DOWN}\r"));
    for k in 3..=40 {
        session.wait_for(&format!("statement {k} of 40"));
        session.wait_for("Back");
        session.press("\r");
    }
    session.wait_for("Your capabilities against");
    let (status, all) = session.end();
    assert!(status.success(), "{status:?}");
    let saved = std::fs::read_to_string(&saved).unwrap();
    let row = saved.lines().nth(1).unwrap();
    assert!(row.starts_with("me,5,,3,3,3,"), "{saved}");
    assert_eq!(row.split(',').filter(|c| c.is_empty()).count(), 1, "{saved}");
    // The statements were asked on the alternate screen; the summary and
    // the result are on the screen the user had.
    used_the_alternate_screen(&all, "Done: 39 of 40 statements answered, 1 skipped.");
    assert!(all.find(LEAVE_ALTERNATE) < all.find("Your capabilities against"));
}

#[test]
fn esc_with_save_keeps_the_answers_given_so_far_and_says_where() {
    if !have_script() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("so-far.csv");
    let mut session = Session::start(&format!("--save {}", saved.display()));
    // Two statements answered with the middle choice (3), then Esc.
    session.press("\r");
    session.wait_for("statement 2 of 40, 1 answered");
    session.wait_for("Back");
    session.press("\r");
    session.wait_for("statement 3 of 40, 2 answered");
    session.wait_for("Back");
    session.press("\x1b");
    session.wait_for("Your 2 answers so far will be saved to");
    session.press("y");
    session.wait_for("Stopped: saved your 2 answers so far");
    let (status, all) = session.end();
    assert!(status.success(), "{status:?}");
    assert!(all.contains(&format!("to {};", saved.display())), "{all:?}");
    used_the_alternate_screen(&all, "Stopped: saved your 2 answers so far");
    // The file holds the two answers and 38 blanks, and scores.
    let text = std::fs::read_to_string(&saved).unwrap();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row.len(), 41, "{text}");
    assert_eq!(row[..3], ["me", "3", "3"], "{text}");
    assert!(row[3..].iter().all(|c| c.is_empty()), "{text}");
    let scored = rolefit(&["score", saved.to_str().unwrap(), "--format", "csv"]);
    assert!(scored.ok().contains("insufficient"), "{}", scored.stdout);
}

#[test]
fn esc_without_save_says_nothing_was_saved() {
    if !have_script() {
        return;
    }
    let mut session = Session::start("");
    session.press("\r");
    session.wait_for("statement 2 of 40, 1 answered");
    session.wait_for("Back");
    session.press("\x1b");
    session.wait_for("Quit without a result?");
    session.press("y");
    session.wait_for("Stopped: nothing was saved (--save FILE keeps");
    let (status, all) = session.end();
    assert!(status.success(), "{status:?}");
    used_the_alternate_screen(&all, "Stopped: nothing was saved");
}

#[test]
fn ctrl_c_and_signals_leave_the_alternate_screen() {
    if !have_script() {
        return;
    }
    // Ctrl-C as a key (the terminal is in raw mode while a choice is made).
    let mut session = Session::start("");
    session.press("\x03");
    let (status, all) = session.end();
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(all.find(ENTER_ALTERNATE) < all.rfind(LEAVE_ALTERNATE), "{all:?}");
    assert!(
        all.rfind(LEAVE_ALTERNATE) > all.rfind("statement 1 of 40"),
        "{all:?}"
    );

    // SIGTERM from outside: the interrupt handler leaves it.
    let session = Session::start("");
    let shown = session.screen.all.lock().unwrap().clone();
    let pid = shown
        .split("pid=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no pid in {shown:?}"))
        .to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let (status, all) = session.end();
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(all.find(ENTER_ALTERNATE) < all.rfind(LEAVE_ALTERNATE), "{all:?}");
}
