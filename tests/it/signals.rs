//! An answer is never lost to what happens around the session: bytes that are not UTF-8 on a
//! pipe, SIGTERM, a closed terminal (SIGHUP), a disk that refuses the save.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::{Workspace, text};

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn items(ws: &Workspace) -> Vec<serde_json::Value> {
    ws.transcripts_json().first().and_then(|t| t["items"].as_array().cloned()).unwrap_or_default()
}

/// Collects a child's stream as it arrives.
fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let seen = Arc::new(Mutex::new(String::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    seen
}

fn interview(ws: &Workspace, count: &str) -> Child {
    ws.cmd(&["interview", "--count", count, "--no-timer", "--followups", "0", "--seed", "3"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn bytes_that_are_not_utf8_on_a_pipe_are_kept_with_a_warning_not_taken_as_eof() {
    let ws = Workspace::new();
    let mut child = interview(&ws, "2");
    child.stdin.take().unwrap().write_all(b"a \xff b\n.\nsecond\n.\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not UTF-8"), "{}", text(&out.stderr));
    let answers: Vec<String> = items(&ws).iter().map(|i| i["answer"].as_str().unwrap().to_string()).collect();
    assert_eq!(answers, ["a \u{fffd} b", "second"]);
}

#[test]
fn sigterm_and_sighup_save_the_multi_line_draft_as_an_interrupted_answer() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let ws = Workspace::new();
        let mut child = interview(&ws, "3");
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"first answer\n.\nline one of the draft\nline two\n").unwrap();
        stdin.flush().unwrap();
        wait_for("the first answer on disk", || items(&ws).len() == 1);
        // The draft's lines reach the session at its next tick (200 ms).
        std::thread::sleep(Duration::from_millis(1000));
        // SAFETY: kill(2) on our own child.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "signal {signal}: {:?} {}", out.status, text(&out.stderr));
        let t = &ws.transcripts_json()[0];
        let items = t["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "signal {signal}: {t}");
        assert_eq!(items[1]["answer"], "line one of the draft\nline two");
        assert_eq!(items[1]["interrupted"], true);
        assert!(items[0].get("interrupted").is_none(), "a submitted answer is not marked");
        assert_eq!(t["finish_reason"], "interrupted");
        assert!(t["finished_at"].is_null(), "resumable");
        drop(stdin);
    }
}

#[test]
fn pty_closing_the_terminal_keeps_the_answer_being_typed() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["interview", "--count", "2", "--no-timer", "--followups", "0", "--seed", "21"]);
    cmd.env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("lists the commands").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send_line("first line of a long answer").unwrap();
    p.send("second line, still typing").unwrap();
    p.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    p.process_mut().signal(rexpect::process::Signal::SIGHUP).unwrap();
    p.exp_eof().unwrap();
    let t = &ws.transcripts_json()[0];
    let items = t["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{t}");
    assert_eq!(items[0]["answer"], "first line of a long answer\nsecond line, still typing");
    assert_eq!(items[0]["interrupted"], true);
}

/// Sets the file-size limit of process `pid` (0: no file may grow, like a full disk).
fn file_size_limit(pid: u32, bytes: Option<u64>) {
    let limit = libc::rlimit { rlim_cur: bytes.unwrap_or(libc::RLIM_INFINITY), rlim_max: libc::RLIM_INFINITY };
    // SAFETY: prlimit(2) on our own child with a valid struct.
    let r = unsafe { libc::prlimit(pid as libc::pid_t, libc::RLIMIT_FSIZE, &limit, std::ptr::null_mut()) };
    assert_eq!(r, 0, "prlimit");
}

#[test]
fn an_answer_that_cannot_be_saved_stays_in_memory_and_is_saved_when_the_disk_allows() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["interview", "--count", "3", "--no-timer", "--followups", "0", "--seed", "3"]);
    // A write past the limit fails with EFBIG instead of killing the process.
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"first answer\n.\n").unwrap();
    wait_for("the first answer on disk", || items(&ws).len() == 1);
    file_size_limit(child.id(), Some(0));
    stdin.write_all(b"second answer\n.\n").unwrap();
    wait_for("the user to be told", || stdout.lock().unwrap().contains("kept in memory"));
    assert_eq!(items(&ws).len(), 1, "nothing more could be written");
    file_size_limit(child.id(), None);
    stdin.write_all(b"third answer\n.\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{}", stderr.lock().unwrap());
    assert!(stdout.lock().unwrap().contains("every answer is on disk"), "{}", stdout.lock().unwrap());
    let answers: Vec<String> = items(&ws).iter().map(|i| i["answer"].as_str().unwrap().to_string()).collect();
    assert_eq!(answers, ["first answer", "second answer", "third answer"]);
}

#[test]
fn when_the_folder_never_comes_back_the_session_is_rescued_and_the_user_told_where() {
    let ws = Workspace::new();
    let rescue = ws.path().join("tmp");
    std::fs::create_dir_all(&rescue).unwrap();
    let mut cmd = ws.cmd(&["interview", "--count", "3", "--no-timer", "--followups", "0", "--seed", "3"]);
    cmd.env("TMPDIR", &rescue);
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = collect(child.stderr.take().unwrap());
    let _stdout = collect(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"first answer\n.\n").unwrap();
    wait_for("the first answer on disk", || items(&ws).len() == 1);
    // The folder goes away (an unmounted drive): a file stands where it was.
    std::fs::rename(ws.transcripts(), ws.path().join("gone")).unwrap();
    std::fs::write(ws.transcripts(), "not a folder").unwrap();
    stdin.write_all(b"second answer\n.\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(!status.success());
    let err = stderr.lock().unwrap().clone();
    let rescued = std::fs::read_dir(&rescue).unwrap().next().expect("a rescue file").unwrap().path();
    assert!(err.contains(&rescued.display().to_string()), "the user is told where: {err}");
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&rescued).unwrap()).unwrap();
    let answers: Vec<&str> = t["items"].as_array().unwrap().iter().map(|i| i["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["first answer", "second answer"]);
}
