//! The interview loop as a candidate lives it (issue 16, items 1–7): Ctrl-C that never loses a
//! draft, practice commands kept out of interviews, how to submit, an empty session's end,
//! resumed time, and flags that make no sense refused.

use std::time::Duration;

use crate::util::{Workspace, ok, text};

fn pty(ws: &Workspace, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = ws.cmd(args);
    cmd.env("TERM", "xterm").env("COLUMNS", "60");
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

#[test]
fn ctrl_c_clears_only_the_line_being_typed_and_a_late_second_one_does_not_quit() {
    let ws = Workspace::new();
    let mut p = pty(&ws, &["interview", "--count", "2", "--per-question", "600", "--seed", "3", "--followups", "0"]);
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("an empty line submits").unwrap();
    p.exp_string("left] ").unwrap();
    p.send_line("first line of my answer").unwrap();
    p.send("second li").unwrap();
    p.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("your earlier lines are kept").unwrap();
    // Long after the first: this Ctrl-C only clears again, it does not end the session.
    std::thread::sleep(Duration::from_millis(3500));
    p.send_control('c').unwrap();
    p.exp_string("your earlier lines are kept").unwrap();
    // Twice in a row: the session ends and the draft is saved as the answer.
    std::thread::sleep(Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["answer"], "first line of my answer", "{t}");
    assert_eq!(t["finish_reason"], "quit");
}

#[test]
fn an_answer_typed_while_paused_then_resume_keeps_the_command_a_command() {
    let ws = Workspace::new();
    let mut p = pty(&ws, &["interview", "--count", "1", "--per-question", "120", "--seed", "3", "--followups", "0"]);
    p.exp_string("Question 1 of 1").unwrap();
    p.exp_string("left] ").unwrap();
    p.send_line("/pause").unwrap();
    p.exp_string("paused:").unwrap();
    p.exp_string("left] ").unwrap();
    p.send_line("typed while paused").unwrap();
    p.send_line("").unwrap();
    p.exp_string("/resume to continue").unwrap();
    p.exp_string("left] ").unwrap();
    p.send_line("/resume").unwrap();
    p.exp_string("resumed").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send_line("").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Interview report").unwrap();
    p.exp_eof().unwrap();
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["answer"], "typed while paused", "{t}");
}

#[test]
fn practice_commands_are_refused_in_an_interview_and_help_does_not_list_them() {
    let ws = Workspace::new();
    let out = ws.run(
        &["interview", "--count", "2", "--no-timer", "--seed", "4", "--followups", "0"],
        "first answer\n.\n/reference\n/hint\n/retry\n/improve\n/help\nsecond answer\n.\n",
    );
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("each answer ends at a line holding only `.`"), "{stdout}");
    for name in ["reference", "hint", "retry", "improve"] {
        assert!(stdout.contains(&format!("/{name} is a practice command")), "/{name}: {stdout}");
    }
    assert!(!stdout.contains("Reference answer") && !stdout.contains("Retry —"), "{stdout}");
    let help = stdout.split("/help").nth(1).unwrap_or(&stdout);
    assert!(!help.contains("/hint ") && help.contains("/skip"), "{stdout}");
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][1]["answer"], "second answer");
    assert_eq!(t["items"][1]["hints"].as_u64().unwrap_or(0), 0);
}

#[test]
fn ending_before_any_answer_prints_no_empty_report() {
    let ws = Workspace::new();
    let out = ws.run(&["interview", "--count", "3", "--no-timer", "--followups", "0"], "");
    let (stdout, stderr) = ok(&out);
    assert!(stderr.contains("no answers recorded"), "{stderr}");
    assert!(!stdout.contains("Interview report") && !stdout.contains("───"), "{stdout}");
    assert!(!stderr.contains("seed"), "the header carries no seed: {stderr}");
}

#[test]
fn a_zero_second_question_budget_is_refused() {
    let ws = Workspace::new();
    let out = ws.run(&["interview", "--per-question", "0"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--per-question"), "{}", text(&out.stderr));
}

#[test]
fn resume_gives_back_only_the_time_that_was_left_on_the_question() {
    let ws = Workspace::new();
    ok(&ws.run(&["interview", "--count", "2", "--per-question", "100", "--seed", "5", "--followups", "0"], "one\n.\n"));
    let path = std::fs::read_dir(ws.transcripts())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    let mut t: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let second = t["plan"][1].clone();
    assert_eq!(t["in_progress"]["question_id"], second, "the unanswered question is recorded: {t}");
    // As if 80 of its 100 seconds had been spent before the session stopped.
    t["in_progress"]["seconds"] = 80.0.into();
    std::fs::write(&path, serde_json::to_vec(&t).unwrap()).unwrap();
    let out = ws.run(&["resume"], "/time\n");
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("question: 20s left"), "{stdout}");
}

#[test]
fn the_prompt_shows_the_time_left_now_not_when_the_read_began() {
    let ws = Workspace::new();
    let mut p = pty(&ws, &["interview", "--count", "1", "--per-question", "20", "--seed", "3", "--followups", "0"]);
    p.exp_string("[   20s left] ").unwrap();
    p.send("typing slowly").unwrap();
    p.flush().unwrap();
    // The warning is printed above the line being typed; the prompt redrawn under it is current.
    p.exp_string("15s left").unwrap();
    let (_, prompt) = p.exp_regex(r"\[ +\d+s left\] ").unwrap();
    let secs: u64 = prompt.trim_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
    assert!(secs <= 15, "stale prompt after the warning: {prompt}");
    p.send_line("").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn rate_and_improve_apply_to_the_answer_just_retried_not_to_an_earlier_follow_up() {
    let ws = Workspace::new();
    let id = "concurrency/gil-global-interpreter-lock-implications";
    let second = "concurrency/threading-multiprocessing-asyncio-concurrent-futures";
    // A weak answer, its follow-up answered, then a retry of the main question, rated.
    let script = "The GIL is a lock.\n.\nIt is about threads.\n.\n/retry\nThe GIL lets one thread run bytecode at a time.\n.\n/rate easy\n/improve\n";
    let out = ws.run(&["practice", "--question", id, "--question", second, "--followups", "1"], script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("Follow-up 1"), "{stdout}");
    assert!(stdout.contains("recorded your rating: easy"), "{stdout}");
    let improve = stdout.split("Your answer, with what it missed:").nth(1).unwrap_or_else(|| panic!("{stdout}"));
    assert!(improve.contains("The GIL lets one thread run bytecode"), "/improve shows the retried answer: {stdout}");
    assert!(!improve.contains("It is about threads."), "not the follow-up's: {stdout}");
    let item = &ws.transcripts_json()[0]["items"][0];
    assert_eq!(item["retries"][0]["self_rating"], "easy", "{item}");
    assert!(item["followups"][0]["self_rating"].is_null(), "{item}");
}

#[test]
fn quit_on_its_own_line_after_some_text_saves_the_text_as_the_answer_without_the_command() {
    let ws = Workspace::new();
    let out = ws.run(
        &["practice", "--count", "1", "--seed", "3", "--no-timer", "--followups", "0"],
        "my half answer about the topic\n/quit\n",
    );
    ok(&out);
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["answer"], "my half answer about the topic", "{t}");
    assert_eq!(t["finish_reason"], "quit", "{t}");
}

#[test]
fn skip_after_some_text_is_refused_and_the_text_stays_the_answer() {
    let ws = Workspace::new();
    let out = ws.run(
        &["interview", "--count", "1", "--seed", "3", "--no-timer", "--followups", "0"],
        "first line of my answer\n/skip\nsecond line\n.\n",
    );
    ok(&out);
    assert!(text(&out.stdout).contains("/skip would drop the answer you are typing"), "{}", text(&out.stdout));
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["answer"], "first line of my answer\nsecond line", "{t}");
    assert_eq!(t["items"][0]["skipped"], false, "{t}");
}
