//! Streamed replies against the local fake server: pieces handed over as they arrive, a stream
//! that breaks off retried (the viewer told to discard it), a server that ignores `stream: true`
//! read as one whole reply, and practice showing feedback live.

use viva::grader::GradeStatus;

use crate::fake_llm::{FakeLlm, grading, ok, sse};
use crate::llm::{ANSWER, GIL, good_reply, grader_with, settings};
use crate::util::{Workspace, ok as success};

/// The GIL answer graded with streaming on against `fake`: the grade and the pieces it arrived in.
fn graded_streaming(fake: &FakeLlm) -> (viva::grader::Grade, Vec<String>) {
    let (g, b) = grader_with(settings(&fake.url));
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let mut pieces = Vec::new();
    let mut on_event = |e: viva::grader::llm::StreamEvent<'_>| {
        if let viva::grader::llm::StreamEvent::Delta(d) = e {
            pieces.push(d.to_string());
        }
    };
    let grade = viva::grader::service::block_on(g.grade_streaming(q, ANSWER, Some(&mut on_event)));
    (grade, pieces)
}

#[test]
fn a_streamed_reply_arrives_in_pieces_and_grades() {
    let content = grading(1, 1, &[]);
    let fake = FakeLlm::start(move |_, r| {
        assert_eq!(r.json()["stream"], true);
        ok(sse(&content, 5, true))
    });
    let (grade, pieces) = graded_streaming(&fake);
    assert_eq!(grade.status, GradeStatus::Graded, "{grade:?}");
    // Every point missed, depth and clarity at half: 0.25 × 2 = 0.5.
    assert_eq!(grade.score, Some(0.5));
    assert_eq!(pieces.len(), 5);
    assert_eq!(grade.provenance.unwrap().prompt_tokens, Some(300));
}

#[test]
fn a_server_that_ignores_stream_true_is_read_as_one_whole_reply() {
    // llama.cpp-like servers may answer a streamed request with a plain JSON completion.
    let fake = FakeLlm::start(|_, r| {
        assert_eq!(r.json()["stream"], true);
        ok(good_reply())
    });
    let (grade, pieces) = graded_streaming(&fake);
    assert_eq!(grade.status, GradeStatus::Graded, "{grade:?}");
    assert_eq!(grade.score, Some(5.0), "the same grade as unstreamed: {grade:?}");
    assert_eq!(pieces.len(), 1, "the whole reply arrives as one piece");
    assert_eq!(grade.provenance.unwrap().prompt_tokens, Some(321), "its usage is kept");
    assert_eq!(fake.chats().len(), 1, "no retry");

    // And in practice, which streams: the grade is shown, not left pending.
    let fake = FakeLlm::start(|_, _| ok(good_reply()));
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["practice", "--question", GIL, "--grader", "llm", "--followups", "0"]);
    cmd.env("OPENAI_BASE_URL", &fake.url);
    let (stdout, _) = success(&crate::util::run_cmd(cmd, &format!("{ANSWER}\n.\n")));
    assert!(stdout.contains("Score 5/10"), "{stdout}");
    assert_eq!(ws.transcripts_json()[0]["items"][0]["grade"]["status"], "graded");
}

#[test]
fn a_truncated_stream_is_retried_then_left_pending() {
    let content = grading(1, 1, &[]);
    let c2 = content.clone();
    let fake = FakeLlm::start(move |n, _| if n == 0 { ok(sse(&c2, 4, false)) } else { ok(sse(&c2, 4, true)) });
    let (g, b) = grader_with(settings(&fake.url));
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let mut restarts = 0;
    let mut on_event = |e: viva::grader::llm::StreamEvent<'_>| {
        if e == viva::grader::llm::StreamEvent::Restart {
            restarts += 1;
        }
    };
    let grade = viva::grader::service::block_on(g.grade_streaming(q, ANSWER, Some(&mut on_event)));
    assert_eq!(grade.status, GradeStatus::Graded);
    assert_eq!(restarts, 1, "the viewer is told to discard the broken stream");

    let fake = FakeLlm::start(move |_, _| ok(sse(&content, 4, false)));
    let mut s = settings(&fake.url);
    s.retries = 1;
    let (g, b) = grader_with(s);
    let grade = viva::grader::service::block_on(g.grade_streaming(
        b.iter().find(|q| q.id == GIL).unwrap(),
        ANSWER,
        Some(&mut |_| {}),
    ));
    assert_eq!(grade.status, GradeStatus::Pending);
    assert!(grade.reason.unwrap().contains("ended before [DONE]"));
}

#[test]
fn practice_with_the_llm_grader_streams_feedback_as_it_arrives() {
    let content = serde_json::json!({
        "points": [{"id": 1, "status": "covered", "quote": "allows only one thread"}], "misconceptions": [],
        // json! orders keys alphabetically: clarity's feedback streams first.
        "clarity": {"score": 1, "feedback": "Mostly right about the lock."},
        "depth": {"score": 1, "feedback": "Misses I/O and C extensions."},
        "feedback": "Say more about I/O.", "injection": false
    })
    .to_string();
    let fake = FakeLlm::start(move |_, r| {
        assert_eq!(r.json()["stream"], true, "practice streams");
        ok(sse(&content, 12, true))
    });
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["practice", "--question", GIL, "--grader", "llm", "--followups", "0"]);
    cmd.env("OPENAI_BASE_URL", &fake.url);
    let (stdout, _) = success(&crate::util::run_cmd(cmd, &format!("{ANSWER}\n.\n")));
    let first = stdout.find("… Mostly right about the lock.").unwrap_or_else(|| panic!("{stdout}"));
    let second = stdout.find("… Misses I/O and C extensions.").unwrap();
    let score = stdout.find("Score ").unwrap();
    assert!(first < second && second < score, "feedback arrives piece by piece before the score:\n{stdout}");
}
