//! Spaced repetition: a per-question memory state (FSRS, via `rs-fsrs`: 7 crates, FSRS-5
//! weights, lighter than `fsrs`, which would add 40) rebuilt from the transcripts every time,
//! so there is no state file to lose or to get out of step.
//!
//! Score → rating (documented in the README): a skipped or unanswered question, or a score
//! below 6, is `Again` — a partial answer is a lapse, not a pass; 6–7.4 is `Hard`, 7.5–8.9
//! `Good`, 9 and above `Easy`. Desired retention 0.9.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, FSRS, Parameters, Rating};
use serde::Serialize;

use crate::transcript::{Item, Transcript};

/// The rating an answer earns.
pub fn rating(item: &Item) -> Option<Rating> {
    if item.skipped || item.answer.trim().is_empty() {
        return Some(Rating::Again);
    }
    let s = item.grade.score?;
    Some(match s {
        s if s < 6.0 => Rating::Again,
        s if s < 7.5 => Rating::Hard,
        s if s < 9.0 => Rating::Good,
        _ => Rating::Easy,
    })
}

/// A question's memory state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Memory {
    pub question_id: String,
    pub due: DateTime<Utc>,
    pub stability: f64,
    pub difficulty: f64,
    pub reviews: i32,
    pub lapses: i32,
    pub last_review: DateTime<Utc>,
    pub interval_days: i64,
}

/// Replays every graded answer, oldest first, into one card per question.
pub fn rebuild(transcripts: &[Transcript]) -> BTreeMap<String, Memory> {
    let fsrs = FSRS::new(Parameters { request_retention: 0.9, ..Default::default() });
    let mut reviews: Vec<(DateTime<Utc>, &str, Rating)> = transcripts
        .iter()
        .flat_map(|t| t.items.iter())
        .filter_map(|i| Some((i.answered_at, i.question_id.as_str(), rating(i)?)))
        .collect();
    reviews.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut cards: BTreeMap<String, Card> = BTreeMap::new();
    for (at, id, r) in reviews {
        let card = cards.remove(id).unwrap_or_default();
        let next = fsrs.next(card, at, r).card;
        cards.insert(id.to_string(), next);
    }
    cards
        .into_iter()
        .map(|(id, c)| {
            let m = Memory {
                question_id: id.clone(),
                due: c.due,
                stability: (c.stability * 100.0).round() / 100.0,
                difficulty: (c.difficulty * 100.0).round() / 100.0,
                reviews: c.reps,
                lapses: c.lapses,
                last_review: c.last_review,
                interval_days: c.scheduled_days,
            };
            (id, m)
        })
        .collect()
}

/// Questions due at `now`, most overdue first.
pub fn due(memory: &BTreeMap<String, Memory>, now: DateTime<Utc>) -> Vec<&Memory> {
    let mut d: Vec<&Memory> = memory.values().filter(|m| m.due <= now).collect();
    d.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.question_id.cmp(&b.question_id)));
    d
}

/// How many new questions (first answered that day) were already taken on `now`'s day.
pub fn new_today(transcripts: &[Transcript], now: DateTime<Utc>) -> usize {
    let mut first: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    for i in transcripts.iter().flat_map(|t| t.items.iter()) {
        let e = first.entry(&i.question_id).or_insert(i.answered_at);
        *e = (*e).min(i.answered_at);
    }
    first.values().filter(|d| d.date_naive() == now.date_naive()).count()
}

/// When `due` comes, from `now`: `within the hour`, `in 5 hours`, `tomorrow`, `in 3 days`.
pub fn when(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = due - now;
    match (left.num_days(), left.num_hours()) {
        (_, h) if h < 1 => "within the hour".into(),
        (0, h) => format!("in {}", crate::ui::plural(h as usize, "hour")),
        (1, _) => "tomorrow".into(),
        (d, _) => format!("in {}", crate::ui::plural(d as usize, "day")),
    }
}

/// `viva due` for the terminal: the questions due now with their record, then the ones coming
/// up with their date and how far off it is, in aligned columns.
pub fn render_due(due: &[&Memory], upcoming: &[&Memory], now: DateTime<Utc>) -> Vec<String> {
    let width = due.iter().chain(upcoming).map(|m| m.question_id.chars().count()).max().unwrap_or(0);
    let mut out = vec![format!("Due now: {}", due.len())];
    for m in due {
        out.push(format!(
            "  {:<width$}  {}  {}, {}",
            m.question_id,
            m.due.format("%Y-%m-%d"),
            crate::ui::plural(m.reviews.max(0) as usize, "review"),
            crate::ui::plural(m.lapses.max(0) as usize, "lapse"),
        ));
    }
    if !upcoming.is_empty() {
        out.push("Coming up".into());
        for m in upcoming {
            out.push(format!("  {:<width$}  {}  {}", m.question_id, m.due.format("%Y-%m-%d"), when(m.due, now)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::review::tests::transcript;

    fn answered(id: &str, score: f64, at: DateTime<Utc>) -> Item {
        let mut i = crate::transcript::Item::new(
            &crate::bank::sample_question(id, "Q?"),
            "an answer".into(),
            crate::grader::Grade::pending(
                crate::grader::GraderInfo { kind: "offline".into(), model: None, version: "1".into() },
                "x",
            ),
        );
        i.grade.score = Some(score);
        i.answered_at = at;
        i
    }

    fn day(d: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap() + Duration::days(d)
    }

    fn history(scores: &[(i64, f64)]) -> Vec<Transcript> {
        scores
            .iter()
            .enumerate()
            .map(|(n, (d, s))| transcript(&format!("t{n}"), 1, "offline", vec![answered("q", *s, day(*d))]))
            .collect()
    }

    #[test]
    fn the_rating_mapping_treats_partial_answers_as_lapses() {
        let r = |s| rating(&answered("q", s, day(0))).unwrap();
        assert_eq!(
            [r(0.0), r(5.5), r(6.0), r(8.0), r(9.5)],
            [Rating::Again, Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
        );
    }

    #[test]
    fn a_strong_answer_lengthens_the_interval_and_a_lapse_shortens_it() {
        let base = rebuild(&history(&[(0, 8.0), (3, 8.0)]));
        let strong = rebuild(&history(&[(0, 8.0), (3, 8.0), (20, 9.5)]));
        let lapse = rebuild(&history(&[(0, 8.0), (3, 8.0), (20, 3.0)]));
        let (b, s, l) = (&base["q"], &strong["q"], &lapse["q"]);
        assert!(s.interval_days > b.interval_days, "{} > {}", s.interval_days, b.interval_days);
        assert!(l.interval_days < s.interval_days && l.lapses == 1, "{l:?}");
        assert!(l.due < s.due);
    }

    #[test]
    fn rebuilding_from_transcripts_reproduces_the_state_whatever_their_order() {
        let mut h = history(&[(0, 7.0), (2, 4.0), (5, 9.0)]);
        let first = rebuild(&h);
        h.reverse();
        assert_eq!(rebuild(&h), first);
        assert_eq!(due(&first, day(400)).len(), 1);
        assert!(due(&first, day(5)).is_empty());
    }

    #[test]
    fn due_reads_naturally_in_aligned_columns() {
        let memory = |id: &str, due: DateTime<Utc>, reviews: i32, lapses: i32| Memory {
            question_id: id.into(),
            due,
            stability: 1.0,
            difficulty: 5.0,
            reviews,
            lapses,
            last_review: day(0),
            interval_days: 1,
        };
        let now = day(10);
        let due = [memory("concurrency/gil", day(8), 1, 1), memory("django/orm-select-related", day(9), 3, 0)];
        let upcoming = [
            memory("typing/protocols", now + Duration::minutes(20), 1, 0),
            memory("fastapi/depends", now + Duration::hours(5), 2, 0),
            memory("testing/fixtures", now + Duration::hours(30), 2, 0),
            memory("asyncio/gather", now + Duration::days(12), 4, 0),
        ];
        let lines = render_due(&due.iter().collect::<Vec<_>>(), &upcoming.iter().collect::<Vec<_>>(), now);
        insta::assert_snapshot!(lines.join("\n"));
    }
}
