//! The follow-up is prepared while the candidate finishes: the grade and the follow-up's
//! wording are asked for while the answer stands still, before it is submitted, and used as
//! they are when the submitted answer is that draft.

use std::io::Write;
use std::process::{Child, ChildStdin, Stdio};
use std::time::{Duration, Instant};

use crate::fake_llm::{FakeLlm, completion, grading, ok, sse};
use crate::util::{Workspace, text};

const GIL: &str = "concurrency/gil-global-interpreter-lock-implications";
const FOLLOW_UP: &str = "What happens to the lock while a thread waits on a socket?";

fn is_followup(body: &serde_json::Value) -> bool {
    body["response_format"]["json_schema"]["name"] == "followup"
        || body["messages"].to_string().contains("## Key points the answer missed")
}

/// Grades with a low score (nothing covered, so every key point is missed); words a follow-up
/// probing the first missed point the prompt lists.
fn fake() -> FakeLlm {
    FakeLlm::start(|_, r| {
        let body = r.json();
        if is_followup(&body) {
            let prompt = body["messages"].to_string();
            let after = prompt.split("## Key points the answer missed").nth(1).unwrap_or_default();
            let point = after.split("\\n- ").nth(1).unwrap_or_default().split("\\n").next().unwrap_or_default();
            let reply = serde_json::json!({"question": FOLLOW_UP, "probes": [point]}).to_string();
            return ok(completion(&reply, "stop"));
        }
        let content = grading(1, 1, &[]);
        if body["stream"] == true { ok(sse(&content, 3, true)) } else { ok(completion(&content, "stop")) }
    })
}

fn wait_for(what: &str, deadline: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `viva practice` on the GIL question with the LLM grader and one follow-up, stdin kept open.
fn start_practice() -> (FakeLlm, Workspace, Child, ChildStdin) {
    let fake = fake();
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["practice", "--question", GIL, "--grader", "llm", "--followups", "1"]);
    cmd.env("OPENAI_BASE_URL", &fake.url).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    (fake, ws, child, stdin)
}

#[test]
fn the_grade_and_follow_up_are_ready_before_the_answer_is_submitted() {
    let (fake, ws, child, mut stdin) = start_practice();
    // The candidate types a line and pauses, not yet submitted.
    writeln!(stdin, "The GIL is a lock so only one thread runs Python at a time.").unwrap();
    stdin.flush().unwrap();
    wait_for("the grade and the follow-up to be prepared", Duration::from_secs(20), || {
        let chats = fake.chats();
        chats.len() >= 2 && chats.iter().any(|c| is_followup(&c.json()))
    });
    let before_submit = fake.chats().len();
    assert_eq!(before_submit, 2, "one grade, one follow-up: nothing more while the draft stands still");
    // Submits that very draft, then answers the follow-up.
    writeln!(stdin, ".\nIt is released while the thread blocks on I/O.\n.").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(FOLLOW_UP), "the prepared follow-up is asked:\n{stdout}");
    // After submitting, only the follow-up's own answer was graded: the main answer was not
    // graded again and the follow-up not worded again.
    let after: Vec<serde_json::Value> = fake.chats()[before_submit..].iter().map(|c| c.json()).collect();
    assert_eq!(after.len(), 1, "{after:#?}");
    assert!(!is_followup(&after[0]));
    let t = &ws.transcripts_json()[0];
    let item = &t["items"][0];
    assert_eq!(item["grade"]["status"], "graded");
    assert_eq!(item["followups"][0]["question"], FOLLOW_UP);
    assert_eq!(item["followups"][0]["grade"]["status"], "graded");
}

#[test]
fn an_answer_changed_after_the_pause_is_graded_as_submitted() {
    let (fake, ws, child, mut stdin) = start_practice();
    writeln!(stdin, "The GIL is a lock so only one thread runs Python at a time.").unwrap();
    stdin.flush().unwrap();
    wait_for("a preparation", Duration::from_secs(20), || !fake.chats().is_empty());
    // The candidate adds a line and submits at once: the stale preparation is not used.
    writeln!(stdin, "It is released during blocking I/O.\n.\nC extensions can release it too.\n.").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let graded_texts: Vec<String> =
        fake.chats().iter().map(|c| c.json()).filter(|b| !is_followup(b)).map(|b| b["messages"].to_string()).collect();
    assert!(
        graded_texts.iter().any(|m| m.contains("It is released during blocking I/O.")),
        "the submitted answer, with its last line, was graded"
    );
    let t = &ws.transcripts_json()[0];
    assert!(t["items"][0]["answer"].as_str().unwrap().ends_with("It is released during blocking I/O."));
}
