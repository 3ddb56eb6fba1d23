//! Checklist grading against the local fake server: what a verdict is credited on. Every quote
//! must be in the answer and state the point it is credited for; a grade keeps the verdicts the
//! answer supports and says why it lowered the others.

use viva::grader::{GradeStatus, PointStatus};

use crate::fake_llm::{FakeLlm, completion, grading, ok};
use crate::llm::grade;

/// An answer stating each of the GIL question's six key points in a sentence of its own.
const FULL: [&str; 6] = [
    "The GIL is a mutex in CPython that allows only one thread to execute Python bytecode at a time.",
    "It exists because CPython's reference counting is not thread-safe, and a single lock keeps single-threaded code fast.",
    "For I/O-bound work threads still help, because blocking I/O releases the GIL so other threads run while one waits.",
    "For CPU-bound code threads give no speed-up, so use multiprocessing, where each process has its own GIL.",
    "C extensions such as NumPy release the GIL during heavy computation, and Python 3.13 has an experimental free-threaded build without a GIL.",
    "The GIL doesn't make your code thread-safe: threads switch between bytecodes, so shared state still needs locks.",
];

/// Every key point covered, quoting `quotes[i]` for point `i + 1`; depth and clarity in full.
fn covered(quotes: &[&str]) -> String {
    let points: Vec<(usize, &str, &str)> = quotes.iter().enumerate().map(|(i, q)| (i + 1, "covered", *q)).collect();
    completion(&grading(2, 2, &points), "stop")
}

#[test]
fn one_sentence_quoted_for_every_point_does_not_score_ten() {
    // The local model's failure: all points "covered" on the answer's first sentence.
    let answer = format!("{} {}", FULL[0], FULL[3]);
    let fake = FakeLlm::start(|_, _| ok(covered(&[FULL[0]; 6])));
    let g = grade(&fake, &answer);
    assert_eq!(g.status, GradeStatus::Graded, "{g:?}");
    let statuses: Vec<PointStatus> = g.points.iter().map(|p| p.status).collect();
    use PointStatus::{Covered, Missed};
    assert_eq!(statuses, [Covered, Missed, Missed, Missed, Missed, Missed], "{:?}", g.points);
    assert!(g.score.unwrap() < 5.0, "one point of six is covered: {g:?}");
    assert_eq!(g.provenance.as_ref().unwrap().unsupported_quotes, 5);
    let note = g.points[3].note.as_deref().unwrap();
    assert!(note.starts_with("the model said covered on “The GIL is a mutex"), "{note}");
    assert!(g.points[3].line().contains(note), "the reason is shown with the verdict");
}

#[test]
fn an_answer_whose_quotes_state_their_points_keeps_its_score() {
    let fake = FakeLlm::start(|_, _| ok(covered(&FULL)));
    let g = grade(&fake, &FULL.join(" "));
    assert_eq!(g.status, GradeStatus::Graded, "{g:?}");
    assert!(g.points.iter().all(|p| p.status == PointStatus::Covered && p.note.is_none()), "{:?}", g.points);
    assert_eq!(g.score, Some(10.0), "{g:?}");
    assert_eq!(g.provenance.as_ref().unwrap().unsupported_quotes, 0);
}
