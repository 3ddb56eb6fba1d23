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
