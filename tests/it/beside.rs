//! What runs beside a session: a regrade during a live interview, two regrades at once, two
//! sessions in the same millisecond, copied or renamed transcripts, ids from the command line.
//! Races are driven deterministically: the fake endpoint holds a request until the test
//! releases it, and the test waits for each process to reach the point that matters.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::fake_llm::{FakeLlm, completion, grading, ok, status};
use crate::util::{Workspace, ok as success, text};

/// A gate the fake endpoint waits on before answering.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, cv) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
    }
    fn open(&self) {
        let (open, cv) = &*self.0;
        *open.lock().unwrap() = true;
        cv.notify_all();
    }
}

/// A fake endpoint that grades every answer 7/10, holding request number `held` (0-based)
/// until the gate opens.
fn held_endpoint(held: usize, gate: &Gate) -> FakeLlm {
    let gate = gate.clone();
    FakeLlm::start(move |n, _| {
        if n == held {
            gate.wait();
        }
        ok(completion(&grading(1, 1, &[]), "stop"))
    })
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An offline session of `count` questions with `answers` answered; returns its id.
fn session(ws: &Workspace, count: usize, answers: &[&str]) -> String {
    let script: String = answers.iter().map(|a| format!("{a}\n.\n")).collect();
    let n = count.to_string();
    success(&ws.run(&["interview", "--count", &n, "--no-timer", "--seed", "11"], &script));
    ws.transcripts_json().last().unwrap()["id"].as_str().unwrap().to_string()
}

fn read(ws: &Workspace, id: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.transcripts().join(format!("{id}.json"))).unwrap()).unwrap()
}

fn spawn(mut cmd: std::process::Command) -> Child {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Every grade of an item (current and history) by grader kind.
fn kinds(item: &serde_json::Value) -> Vec<String> {
    let mut all = vec![item["grade"]["grader"]["kind"].as_str().unwrap().to_string()];
    for g in item["history"].as_array().into_iter().flatten() {
        all.push(g["grader"]["kind"].as_str().unwrap().to_string());
    }
    all.sort();
    all
}

#[test]
fn a_regrade_beside_a_live_interview_keeps_the_answers_it_adds() {
    let ws = Workspace::new();
    let id = session(&ws, 3, &["The GIL is a mutex around the interpreter."]);
    let gate = Gate::default();
    let fake = held_endpoint(0, &gate);
    // The regrade reads the session (one answer) and is held while grading it...
    let mut regrade = ws.cmd(&["regrade", &id, "--grader", "llm"]);
    regrade.env("OPENAI_BASE_URL", &fake.url);
    let regrade = spawn(regrade);
    wait_for("the regrade's request", || !fake.chats().is_empty());
    // ...while the interview goes on and saves two more answers.
    let (_, stderr) = success(&ws.run(&["resume", &id], "second answer\n.\nthird answer\n.\n"));
    assert!(stderr.contains("resuming session"), "{stderr}");
    gate.open();
    success(&regrade.wait_with_output().unwrap());
    let t = read(&ws, &id);
    let answers: Vec<&str> = t["items"].as_array().unwrap().iter().map(|i| i["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["The GIL is a mutex around the interpreter.", "second answer", "third answer"]);
    assert!(t["finished_at"].is_string(), "the interview's end is kept");
    assert_eq!(kinds(&t["items"][0]), ["llm", "offline"], "the regrade's grade is merged in");
}

#[test]
fn a_live_interviews_later_saves_keep_a_regrades_grades() {
    let ws = Workspace::new();
    let id = session(&ws, 2, &["first answer"]);
    let mut resume = ws.cmd(&["resume", &id]);
    resume.stdout(Stdio::null());
    let mut resume = spawn(resume);
    let mut stdin = resume.stdin.take().unwrap();
    let mut stderr = BufReader::new(resume.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("resuming session") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "resume ended early");
    }
    // The interview holds its copy in memory; a regrade adds a grade to the file meanwhile.
    success(&ws.run(&["regrade", &id, "--grader", "offline"], ""));
    assert_eq!(read(&ws, &id)["items"][0]["history"].as_array().map_or(0, |h| h.len()), 1);
    stdin.write_all(b"second answer\n.\n").unwrap();
    drop(stdin);
    assert!(resume.wait().unwrap().success());
    let t = read(&ws, &id);
    assert_eq!(t["items"].as_array().unwrap().len(), 2);
    assert_eq!(t["items"][0]["history"].as_array().map_or(0, |h| h.len()), 1, "the regrade's grade survived: {t}");
}

#[test]
fn two_regrades_at_once_keep_both_sets_of_grades_and_their_own_progress() {
    let ws = Workspace::new();
    let id = session(&ws, 2, &["first answer about the GIL", "second answer about joins"]);
    // Run A grades answer 1 (recorded as done in its progress file), then is held on answer 2.
    let gate = Gate::default();
    let fake = held_endpoint(1, &gate);
    let regrade = |ws: &Workspace| {
        let mut cmd = ws.cmd(&["regrade", &id, "--grader", "llm", "--concurrency", "1"]);
        cmd.env("OPENAI_BASE_URL", &fake.url);
        cmd
    };
    let first = spawn(regrade(&ws));
    wait_for("run A's second request", || fake.chats().len() >= 2);
    // Run B, the same command: it must grade both answers, not skip what A marked done.
    let (stdout, _) = success(&crate::util::run_cmd(regrade(&ws), ""));
    assert!(stdout.contains("drift: 2 regraded"), "{stdout}");
    gate.open();
    success(&first.wait_with_output().unwrap());
    let t = read(&ws, &id);
    for item in t["items"].as_array().unwrap() {
        assert_eq!(kinds(item), ["llm", "llm", "offline"], "both runs' grades are kept: {item}");
    }
    assert_eq!(fake.chats().len(), 4);
}

#[test]
fn a_session_runs_in_one_process_at_a_time() {
    let ws = Workspace::new();
    let id = session(&ws, 2, &["first answer"]);
    let mut resume = ws.cmd(&["resume", &id]);
    resume.stdout(Stdio::null());
    let mut first = spawn(resume);
    let mut stderr = BufReader::new(first.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("resuming session") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "resume ended early");
    }
    let out = ws.run(&["resume", &id], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("being run by another viva"), "{}", text(&out.stderr));
    first.stdin.take().unwrap().write_all(b"second answer\n.\n").unwrap();
    assert!(first.wait().unwrap().success());
    let t = read(&ws, &id);
    let answers: Vec<&str> = t["items"].as_array().unwrap().iter().map(|i| i["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["first answer", "second answer"]);
}

#[test]
fn a_renamed_copy_is_written_where_it_was_read_never_over_the_original() {
    let ws = Workspace::new();
    let id = session(&ws, 2, &["first answer", "second answer"]);
    let original = std::fs::read(ws.transcripts().join(format!("{id}.json"))).unwrap();
    // A sync tool's conflicted copy: the same `id` inside, another file name.
    let copy = format!("{id} (conflicted copy)");
    std::fs::write(ws.transcripts().join(format!("{copy}.json")), &original).unwrap();
    success(&ws.run(&["regrade", &copy, "--grader", "offline"], ""));
    assert_eq!(std::fs::read(ws.transcripts().join(format!("{id}.json"))).unwrap(), original, "original untouched");
    assert_eq!(read(&ws, &copy)["items"][0]["history"].as_array().unwrap().len(), 1);
    // An `id` that is a path decides nothing either.
    let mut t: serde_json::Value = serde_json::from_slice(&original).unwrap();
    t["id"] = "../../escaped".into();
    t["finished_at"] = serde_json::Value::Null;
    std::fs::write(ws.transcripts().join("20991231-000000-0000.json"), t.to_string()).unwrap();
    success(&ws.run(&["regrade", "20991231-000000-0000", "--grader", "offline"], ""));
    success(&ws.run(&["resume", "20991231"], ""));
    assert!(!ws.path().join("escaped.json").exists() && !ws.path().parent().unwrap().join("escaped.json").exists());
    assert_eq!(read(&ws, "20991231-000000-0000")["items"][0]["history"].as_array().unwrap().len(), 1);
}

#[test]
fn session_ids_on_the_command_line_are_checked_and_latest_or_a_prefix_will_do() {
    let ws = Workspace::new();
    let first = session(&ws, 1, &["an answer about the GIL"]);
    std::thread::sleep(Duration::from_millis(1100)); // ids differ to the second
    let second = session(&ws, 1, &["an answer about joins"]);
    // A readable transcript outside the folder is never reached through an id.
    std::fs::create_dir_all(ws.path().join("outside")).unwrap();
    std::fs::copy(ws.transcripts().join(format!("{first}.json")), ws.path().join("outside/x.json")).unwrap();
    for args in [&["review", "show", "../outside/x"][..], &["export", "../outside/x"], &["regrade", "../outside/x"]] {
        let out = ws.run(args, "");
        assert!(!out.status.success(), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("is not a session id") && err.contains("path separator"), "{args:?}: {err}");
    }
    let (stdout, _) = success(&ws.run(&["review", "show", "latest", "--json"], ""));
    assert!(stdout.contains(&second), "{stdout}");
    let (stdout, _) = success(&ws.run(&["export", &first[..15], "--format", "json"], ""));
    assert!(stdout.contains("an answer about the GIL"), "a unique prefix: {stdout}");
    let out = ws.run(&["export", &first[..4]], "");
    assert!(text(&out.stderr).contains("matches 2 sessions"), "{}", text(&out.stderr));
}

#[test]
fn a_failed_regrade_keeps_every_score_and_exits_non_zero() {
    let ws = Workspace::new();
    let id = session(&ws, 2, &["first answer about the GIL", "second answer about joins"]);
    let before = read(&ws, &id);
    let broken = FakeLlm::start(|_, _| status(500, "down"));
    let mut cmd = ws.cmd(&["regrade", "--all", "--grader", "llm"]);
    cmd.env("OPENAI_BASE_URL", &broken.url).env("VIVA_RETRIES", "0");
    let out = crate::util::run_cmd(cmd, "");
    assert!(!out.status.success(), "a run where every answer failed exits non-zero");
    assert!(text(&out.stderr).contains("2 of 2 answers could not be graded"), "{}", text(&out.stderr));
    let t = read(&ws, &id);
    for (item, was) in t["items"].as_array().unwrap().iter().zip(before["items"].as_array().unwrap()) {
        assert_eq!(item["grade"], was["grade"], "the score stays current");
        assert_eq!(item["history"][0]["status"], "pending", "the failed attempt is recorded");
        assert!(item["history"][0]["reason"].as_str().unwrap().contains("HTTP 500"), "{item}");
    }
    let (stdout, _) = success(&ws.run(&["review", "--json"], ""));
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(list[0]["score"].is_number(), "the session still shows its score: {list}");
}

#[test]
fn a_refused_key_stops_the_run_after_one_request() {
    let ws = Workspace::new();
    let id = session(&ws, 3, &["first answer", "second answer", "third answer"]);
    let refusing = FakeLlm::start(|_, _| status(401, "{\"error\": \"bad key\"}"));
    let mut cmd = ws.cmd(&["regrade", &id, "--grader", "llm", "--concurrency", "1"]);
    cmd.env("OPENAI_BASE_URL", &refusing.url).env("OPENAI_API_KEY", "sk-wrong");
    let out = crate::util::run_cmd(cmd, "");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("stopped") && err.contains("401") && err.contains("2 answers not tried"), "{err}");
    assert_eq!(refusing.chats().len(), 1, "no doomed requests after the first refusal");
    assert!(read(&ws, &id)["items"].as_array().unwrap().iter().all(|i| i["grade"]["status"] == "graded"));
}

#[test]
fn a_regrade_waits_while_another_process_holds_the_folders_write_lock() {
    let ws = Workspace::new();
    let id = session(&ws, 1, &["The GIL is a mutex around the interpreter."]);
    let before = std::fs::read(ws.transcripts().join(format!("{id}.json"))).unwrap();
    // Hold the lock every viva writer takes, start the regrade, then release.
    let held = std::fs::File::open(ws.transcripts()).unwrap();
    held.lock().unwrap();
    let mut regrade = spawn(ws.cmd(&["regrade", &id, "--grader", "offline"]));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(regrade.try_wait().unwrap().is_none(), "the regrade waits for the lock");
    assert_eq!(std::fs::read(ws.transcripts().join(format!("{id}.json"))).unwrap(), before, "written under the lock");
    held.unlock().unwrap();
    success(&regrade.wait_with_output().unwrap());
    assert_eq!(read(&ws, &id)["items"][0]["history"].as_array().unwrap().len(), 1);
}
