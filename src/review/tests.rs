use chrono::TimeZone;

use super::*;
use crate::bank::Difficulty;
use crate::grader::{Grade, GradeStatus, GraderInfo};
use crate::transcript::Item;

fn item(id: &str, topic: &str, score: Option<f64>, answer: &str, timed_out: bool) -> Item {
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
