//! The interview in a real pseudo-terminal: rustyline reads the answers, commands work, and the
//! hard stop submits what was typed mid-line when the question's time runs out.

use crate::util::Workspace;

#[test]
fn pty_answers_commands_and_a_hard_stop_mid_line() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["interview", "--count", "2", "--per-question", "4", "--seed", "21", "--followups", "0"]);
    cmd.env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("left] ").unwrap();
    // A command, then typing that never gets submitted: the hard stop takes it.
    p.send_line("/time").unwrap();
    p.exp_string("question:").unwrap();
    p.send("the GIL is a mutex").unwrap();
    p.flush().unwrap();
    p.exp_string("time is up").unwrap();
    p.exp_string("Question 2 of 2").unwrap();
    p.exp_string("left] ").unwrap();
    // A two-line answer: Enter adds a line, an empty line submits.
    p.send_line("first line of the answer").unwrap();
    p.send_line("second line").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Overall").unwrap();
    p.exp_eof().unwrap();
    let t = &ws.transcripts_json()[0];
    let items = t["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{t}");
    assert_eq!(items[0]["timed_out"], true);
    assert_eq!(items[0]["answer"], "the GIL is a mutex");
    assert_eq!(items[1]["answer"], "first line of the answer\nsecond line");
    assert_eq!(items[1]["timed_out"], false);
}

#[test]
fn pty_practice_feedback_hint_retry_and_a_follow_up() {
    let ws = Workspace::new();
    let id = "concurrency/gil-global-interpreter-lock-implications";
    let mut cmd = ws.cmd(&[
        "practice",
        "--question",
        id,
        "--question",
        "concurrency/threading-multiprocessing-asyncio-concurrent-futures",
        "--followups",
        "1",
    ]);
    cmd.env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("workloads?").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_line("/hint").unwrap();
    p.exp_string("Hint 1 (best score now 8.5)").unwrap();
    p.send_line("The GIL is a lock.").unwrap();
    p.send_line("").unwrap();
    // Feedback right away, then a follow-up on what was missed.
    p.exp_string("Score ").unwrap();
    p.exp_string("(/reference shows the reference answer)").unwrap();
    p.exp_string("Follow-up 1").unwrap();
    p.send_line("It is released while a thread waits on blocking I/O.").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Question 2 of 2").unwrap();
    p.send_line("/retry").unwrap();
    p.exp_string("answer again:").unwrap();
    p.send_line("The GIL is a mutex in CPython that allows only one thread to execute Python bytecode at a time.")
        .unwrap();
    p.send_line("").unwrap();
    p.exp_string("Retry: ").unwrap();
    p.exp_string("now covered").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let t = &ws.transcripts_json()[0];
    let item = &t["items"][0];
    assert_eq!(item["hints"], 1);
    assert_eq!(item["followups"].as_array().unwrap().len(), 1);
    assert_eq!(item["retries"].as_array().unwrap().len(), 1);
}
