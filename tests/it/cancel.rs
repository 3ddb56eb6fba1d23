//! The candidate never waits on the network unless the interview needs it, and nothing waits on
//! a request that was cancelled: the LLM grader against a slow or hanging fake endpoint, in a
//! pseudo-terminal. The `wait_*` figures are printed for BENCHMARKS.md
//! (`cargo test --test it cancel -- --nocapture`).

use std::time::{Duration, Instant};

use crate::fake_llm::{FakeLlm, Reply, completion, grading, ok};
use crate::util::Workspace;

const ANSWER: &str = "The GIL is a mutex that lets one thread run bytecode at a time.";

/// A fake endpoint that answers every request after `delay`.
fn slow(delay: Duration) -> FakeLlm {
    FakeLlm::start(move |_, _| Reply::Delay(delay, Box::new(ok(completion(&grading(1, 1, &[]), "stop")))))
}

/// `viva interview` with the LLM grader on `fake`, in a pseudo-terminal.
fn interview(ws: &Workspace, fake: &FakeLlm, per_question: &str, followups: &str) -> rexpect::session::PtySession {
    let mut cmd = ws.cmd(&[
        "interview", "--grader", "llm", "--count", "2", "--per-question", per_question, "--seed", "21", "--followups",
        followups,
    ]);
    cmd.env("TERM", "xterm").env("OPENAI_BASE_URL", &fake.url).env("VIVA_PREPARE", "0").env("VIVA_TIMEOUT", "60");
    rexpect::session::spawn_command(cmd, Some(30_000)).expect("spawn in a pty")
}

/// Types the answer and submits it; returns when the empty line was sent.
fn answer(p: &mut rexpect::session::PtySession) -> Instant {
    p.send_line(ANSWER).unwrap();
    p.send_line("").unwrap();
    Instant::now()
}

#[test]
fn pty_ctrl_c_during_a_hanging_grade_moves_on_at_once_and_a_second_ends_the_session() {
    let fake = slow(Duration::from_secs(120));
    let ws = Workspace::new();
    let mut p = interview(&ws, &fake, "120", "1");
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("left] ").unwrap();
    answer(&mut p);
    // The follow-up rule needs the grade: viva shows it is thinking, the seconds going by.
    p.exp_string("/skip moves on").unwrap();
    // (rexpect reads bytes as Latin-1: match the ASCII parts of "thinking… 5s".)
    p.exp_string("thinking").unwrap();
    p.exp_string(" 5s (/skip or Ctrl-C moves on)").unwrap();
    let pressed = Instant::now();
    p.send_control('c').unwrap();
    p.exp_string("Question 2 of 2").unwrap();
    let moved_on = pressed.elapsed();
    p.exp_string("left] ").unwrap();
    let pressed = Instant::now();
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    let ended = pressed.elapsed();
    eprintln!("wait_ctrl_c_moves_on_ms={} wait_second_ctrl_c_ends_ms={}", moved_on.as_millis(), ended.as_millis());
    assert!(moved_on < Duration::from_secs(1), "the first Ctrl-C moves on at once: {moved_on:?}");
    assert!(ended < Duration::from_secs(1), "the second ends the session within a second: {ended:?}");
    let t = &ws.transcripts_json()[0];
    let item = &t["items"][0];
    assert_eq!(item["answer"], ANSWER, "{t}");
    assert_eq!(item["grade"]["status"], "pending", "{item}");
    assert!(item["grade"]["reason"].as_str().unwrap().contains("the session ended before"), "{item}");
    assert!(item["followups"].as_array().is_none_or(|f| f.is_empty()), "no follow-up was asked: {item}");
}

#[test]
fn pty_the_clock_and_the_hard_stop_run_while_a_grade_is_in_flight() {
    let fake = slow(Duration::from_secs(3));
    let ws = Workspace::new();
    // No follow-up due: the answer grades in the background and the next question comes at once.
    let mut p = interview(&ws, &fake, "4", "0");
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("left] ").unwrap();
    let submitted = answer(&mut p);
    p.exp_string("Question 2 of 2").unwrap();
    let waited = submitted.elapsed();
    // Nothing typed: the question's hard stop fires on time while the first grade is in flight.
    p.exp_string("time is up").unwrap();
    let hard_stop = submitted.elapsed();
    p.exp_string("Overall").unwrap();
    p.exp_eof().unwrap();
    eprintln!("wait_no_followup_ms={} hard_stop_after_ms={}", waited.as_millis(), hard_stop.as_millis());
    assert!(waited < Duration::from_millis(800), "no wait when no follow-up is due: {waited:?}");
    assert!(hard_stop < Duration::from_secs(3) + Duration::from_millis(1800), "{hard_stop:?}");
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["grade"]["status"], "graded", "the background grade landed: {t}");
    assert!(!t["items"][0]["grade"]["points"].as_array().unwrap().is_empty());
}

#[test]
fn pty_a_due_follow_up_waits_for_the_grade_and_skip_moves_on() {
    let fake = slow(Duration::from_secs(3));
    let ws = Workspace::new();
    let mut p = interview(&ws, &fake, "120", "1");
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("left] ").unwrap();
    // The follow-up rule needs the grade (3 s) and then the follow-up's wording (3 s).
    let submitted = answer(&mut p);
    p.exp_string("Follow-up 1").unwrap();
    let waited = submitted.elapsed();
    p.exp_string("left] ").unwrap();
    answer(&mut p);
    p.exp_string("/skip moves on").unwrap();
    let skipped = Instant::now();
    p.send_line("/skip").unwrap();
    p.exp_string("Question 2 of 2").unwrap();
    let after_skip = skipped.elapsed();
    p.exp_string("left] ").unwrap();
    p.send_line("/quit").unwrap();
    p.exp_eof().unwrap();
    eprintln!("wait_followup_due_ms={} wait_after_skip_ms={}", waited.as_millis(), after_skip.as_millis());
    assert!(waited >= Duration::from_secs(5), "{waited:?}");
    assert!(after_skip < Duration::from_secs(1), "{after_skip:?}");
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["grade"]["status"], "graded", "{t}");
    assert_eq!(t["items"][0]["followups"].as_array().unwrap().len(), 1);
}
