use chrono::TimeZone;

use super::*;
use crate::bank::Difficulty;
use crate::grader::{Grade, GradeStatus, GraderInfo};
use crate::transcript::Item;

pub fn item(id: &str, topic: &str, score: Option<f64>, answer: &str, timed_out: bool) -> Item {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
    Item {
        question_id: id.into(),
        question: format!("Question {id}?"),
        topic: topic.into(),
        difficulty: Difficulty::Medium,
        answer: answer.into(),
        started_at: at,
        answered_at: at,
        seconds: 60.0,
        timed_out,
        skipped: false,
        interrupted: false,
        hints: 0,
        self_rating: None,
        grade: Grade {
            status: if score.is_some() { GradeStatus::Graded } else { GradeStatus::Pending },
            score,
            criteria: vec![],
            points: vec![],
            misconceptions: vec![],
            feedback: format!("feedback on {id}"),
            flags: vec![],
            reason: None,
            grader: GraderInfo { kind: "offline".into(), model: None, version: "offline-1".into() },
            provenance: None,
        },
        history: vec![],
        followups: vec![],
        retries: vec![],
        appeals: vec![],
    }
}

pub fn transcript(id: &str, day: u32, grader: &str, items: Vec<Item>) -> Transcript {
    let settings = crate::transcript::sample_settings(items.len(), grader);
    let mut t =
        Transcript::new(id.into(), "interview", settings, items.iter().map(|i| i.question_id.clone()).collect());
    t.started_at = Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap();
    t.finished_at = Some(t.started_at);
    t.items = items;
    t
}

fn fixtures() -> Vec<Transcript> {
    vec![
        transcript(
            "a",
            1,
            "offline",
            vec![
                item("concurrency/gil", "concurrency", Some(4.0), "The GIL is a mutex.", false),
                item("django/orm", "django", Some(8.0), "select_related joins.", true),
            ],
        ),
        transcript(
            "b",
            5,
            "llm",
            vec![
                item("concurrency/gil", "concurrency", Some(6.0), "The GIL serialises bytecode.", false),
                item("typing/protocol", "typing", None, "Structural typing.", false),
            ],
        ),
    ]
}

#[test]
fn summaries_count_questions_scores_and_pending() {
    let s = summary(&fixtures()[1]);
    assert_eq!((s.questions, s.answered, s.pending, s.score), (2, 2, 1, Some(6.0)));
    assert_eq!(s.topics, ["concurrency", "typing"]);
    assert_eq!(s.grader, "llm");
}

#[test]
fn stats_give_trend_topics_weakest_overtime_and_graders() {
    let st = stats(&fixtures());
    assert_eq!(st.sessions, 2);
    assert_eq!(st.answers, 4);
    assert_eq!(st.mean, Some(6.0));
    assert_eq!(st.trend.iter().map(|(_, s)| *s).collect::<Vec<_>>(), [6.0, 6.0]);
    assert_eq!(
        st.by_topic,
        [
            TopicStat { topic: "concurrency".into(), answers: 2, mean: 5.0 },
            TopicStat { topic: "django".into(), answers: 1, mean: 8.0 },
        ]
    );
    assert_eq!(st.weakest[0].question_id, "concurrency/gil");
    assert_eq!(st.weakest[0].attempts, 2);
    assert_eq!(st.overtime_rate, 0.25);
    assert_eq!(st.graders.get("llm"), Some(&1));
}

#[test]
fn filters_and_search() {
    let ts = fixtures();
    let f = Filter { topic: Some("django".into()), ..Default::default() };
    assert_eq!(ts.iter().filter(|t| f.keep(t)).count(), 1);
    let f = Filter { since: Some(Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap()), ..Default::default() };
    assert_eq!(ts.iter().filter(|t| f.keep(t)).map(|t| t.id.as_str()).collect::<Vec<_>>(), ["b"]);
    let hits = search(&ts, "gil MUTEX");
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].session.as_str(), hits[0].field.as_str()), ("a", "answer"));
    assert_eq!(search(&ts, "feedback on typing").len(), 1);
}

#[test]
fn sparkline_maps_scores_to_bars() {
    assert_eq!(sparkline(&[0.0, 5.0, 10.0]), "▁▅█");
}

#[test]
fn search_survives_text_whose_lowercase_changes_byte_length() {
    // `İ` is 2 bytes and lowercases to 3 (`i̇`): byte offsets of the lowercase text are not
    // offsets into the original.
    let ts =
        vec![transcript("u", 1, "offline", vec![item("core-python/unicode", "core-python", Some(5.0), "İ gé", false)])];
    let hits = search(&ts, "é");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].excerpt, "İ gé");
    let long = format!("{} needle {}", "İ".repeat(80), "x".repeat(80));
    let ts =
        vec![transcript("v", 1, "offline", vec![item("core-python/unicode", "core-python", Some(5.0), &long, false)])];
    let hit = &search(&ts, "NEEDLE")[0];
    assert!(hit.excerpt.starts_with('…') && hit.excerpt.contains("İ needle x"), "{}", hit.excerpt);
    assert_eq!(hit.excerpt.chars().filter(|c| *c == 'İ').count(), 39, "40 characters before the word: {}", hit.excerpt);
}

#[test]
fn the_best_attempt_counts_and_search_finds_retries_and_follow_ups() {
    let mut first = item("concurrency/gil", "concurrency", Some(0.5), "No idea.", false);
    let mut retry = item("concurrency/gil", "concurrency", Some(6.5), "A mutex; released during blocking I/O.", false);
    retry.grade.feedback = "Better: names the release.".into();
    first.retries.push(retry);
    let mut follow = item("concurrency/gil", "concurrency", Some(3.0), "C extensions may drop it.", false);
    follow.question = "Where does “extensions” come into it?".into();
    first.followups.push(follow);
    assert_eq!(first.score(), Some(6.5));
    assert!(first.improved_by_retry());
    let ts = vec![transcript("r", 1, "offline", vec![first, item("django/orm", "django", Some(8.5), "joins", false)])];
    assert_eq!(ts[0].score(), Some(7.5), "mean of the best attempts");
    let st = stats(&ts);
    assert_eq!(st.by_topic[0], TopicStat { topic: "concurrency".into(), answers: 1, mean: 6.5 });
    assert_eq!(st.weakest[0].mean, 6.5);
    assert_eq!(summary(&ts[0]).score, Some(7.5));
    let hits = search(&ts, "blocking");
    assert_eq!(hits.iter().map(|h| h.field.as_str()).collect::<Vec<_>>(), ["retry 1 answer"]);
    let hits = search(&ts, "extensions");
    assert_eq!(hits.iter().map(|h| h.field.as_str()).collect::<Vec<_>>(), ["follow-up 1 answer"]);
    assert_eq!(hits[0].question, "Where does “extensions” come into it?");
    assert_eq!(search(&ts, "names the release")[0].field, "retry 1 feedback");
}
