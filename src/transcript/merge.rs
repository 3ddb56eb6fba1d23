//! Three-way merge of a session writer's copy into the transcript on disk.
//!
//! The interview (or `resume`) keeps its transcript in memory and saves it after every
//! answer; meanwhile `viva regrade` may have added grades to the file. Saving the copy as it is
//! would erase them, so a save merges: what the writer changed since its last save (`mine`
//! against `base`) is applied to what is on disk now; everything else keeps the disk's value.
//!
//! Invariants: no answer on disk and no grade is dropped. When both sides changed the same
//! answer's grade, the disk's grades are kept and the writer's new grade is recorded after them
//! (by [`super::Item::record_grade`], so a failed attempt never hides a score).

use super::{Item, Transcript};

/// Whether two items record the same answer (not merely the same question).
fn same_answer(a: &Item, b: &Item) -> bool {
    a.question_id == b.question_id && a.started_at == b.started_at
}

/// Whether `a` and `b` differ in anything but their grade and history.
fn rest_differs(a: &Item, b: &Item) -> bool {
    let mut a = a.clone();
    a.grade = b.grade.clone();
    a.history = b.history.clone();
    a != *b
}

fn grades_differ(a: &Item, b: &Item) -> bool {
    a.grade != b.grade || a.history != b.history
}

/// One answer present in all three versions.
fn merge_item(base: &Item, mine: &Item, disk: Item) -> Item {
    let mut out = if rest_differs(mine, base) {
        Item { grade: disk.grade.clone(), history: disk.history.clone(), ..mine.clone() }
    } else {
        disk.clone()
    };
    if grades_differ(mine, base) {
        if !grades_differ(&disk, base) {
            out.grade = mine.grade.clone();
            out.history = mine.history.clone();
        } else {
            // Both graded it: keep the disk's grades, then the writer's new ones.
            out.history.extend(mine.history.iter().skip(base.history.len()).cloned());
            if mine.grade != base.grade {
                out.record_grade(mine.grade.clone());
            }
        }
    }
    out
}

/// `disk` with the changes `mine` made since `base` (see the module doc).
pub fn merge(base: &Transcript, mine: &Transcript, mut disk: Transcript) -> Transcript {
    let items = merge_items(base, mine, std::mem::take(&mut disk.items));
    // The session's own fields, whatever they are (compared as JSON, so a field added to the
    // schema later is merged too): the writer's value where it changed it, else the disk's.
    let fields = |t: &Transcript| match serde_json::to_value(t) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (b, m, mut out) = (fields(base), fields(mine), fields(&disk));
    for (key, value) in &m {
        if key != "items" && b.get(key) != Some(value) {
            out.insert(key.clone(), value.clone());
        }
    }
    for key in b.keys() {
        if key != "items" && !m.contains_key(key) {
            out.remove(key);
        }
    }
    let mut merged: Transcript = serde_json::from_value(serde_json::Value::Object(out)).unwrap_or_else(|_| {
        let mut t = mine.clone();
        t.items.clear();
        t
    });
    merged.items = items;
    merged
}

/// The answers: the writer's, merged one by one with the disk's (see the module doc).
fn merge_items(base: &Transcript, mine: &Transcript, disk: Vec<Item>) -> Vec<Item> {
    let mut on_disk: Vec<Option<Item>> = disk.into_iter().map(Some).collect();
    let mut items = Vec::with_capacity(mine.items.len().max(on_disk.len()));
    let mut foreign = Vec::new();
    for (i, m) in mine.items.iter().enumerate() {
        let d = on_disk.get_mut(i).and_then(Option::take);
        match (base.items.get(i), d) {
            (Some(b), Some(d)) if same_answer(b, m) && same_answer(b, &d) => items.push(merge_item(b, m, d)),
            (_, d) => {
                items.push(m.clone());
                // Not this writer's answer: never dropped, kept after the writer's own.
                foreign.extend(d.filter(|d| !same_answer(m, d)));
            }
        }
    }
    items.extend(foreign);
    items.extend(on_disk.into_iter().flatten());
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Question;
    use crate::grader::{Grade, GradeStatus, GraderInfo};

    fn question(n: usize) -> Question {
        serde_json::from_value(serde_json::json!({
            "id": format!("concurrency/q{n}"), "topic": "concurrency", "difficulty": "easy",
            "question": format!("Question {n}?"), "source": {"file": "x.md", "line": n},
        }))
        .unwrap()
    }

    fn graded(kind: &str, score: f64) -> Grade {
        let mut g = Grade::pending(GraderInfo { kind: kind.into(), model: None, version: "1".into() }, "x");
        g.status = GradeStatus::Graded;
        g.reason = None;
        g.score = Some(score);
        g
    }

    fn pending() -> Grade {
        Grade::pending(GraderInfo { kind: "offline".into(), model: None, version: "1".into() }, "grading")
    }

    fn session(answers: usize) -> Transcript {
        let mut t = Transcript::new("s".into(), "interview", crate::transcript::sample_settings(3, "offline"), vec![]);
        for n in 0..answers {
            t.items.push(Item::new(&question(n), format!("answer {n}"), pending()));
        }
        t
    }

    #[test]
    fn the_writers_new_answers_join_a_regrade_made_meanwhile() {
        let base = session(1);
        let mut disk = base.clone();
        disk.items[0].record_grade(graded("llm", 7.0)); // a regrade, meanwhile
        let mut mine = base.clone();
        mine.items.push(Item::new(&question(1), "answer 1".into(), pending()));
        mine.finished_at = Some(chrono::Utc::now());
        let out = merge(&base, &mine, disk);
        assert_eq!(out.items.len(), 2);
        assert_eq!(out.items[0].grade.score, Some(7.0), "the regrade's grade survives");
        assert_eq!(out.items[0].history.len(), 1);
        assert_eq!(out.items[1].answer, "answer 1");
        assert!(out.finished_at.is_some());
    }

    #[test]
    fn a_grade_both_sides_made_keeps_both() {
        let base = session(1);
        let mut disk = base.clone();
        disk.items[0].record_grade(graded("llm", 7.0));
        let mut mine = base.clone();
        mine.items[0].grade = graded("offline", 5.0);
        let out = merge(&base, &mine, disk);
        assert_eq!(out.items[0].grade.score, Some(5.0));
        let kept: Vec<Option<f64>> = out.items[0].history.iter().map(|g| g.score).collect();
        assert_eq!(kept, [None, Some(7.0)], "the placeholder and the regrade's grade are history");
    }

    #[test]
    fn what_the_writer_did_not_change_keeps_the_disks_value() {
        let base = session(2);
        let mut disk = base.clone();
        disk.items[1].record_grade(graded("llm", 9.0));
        disk.finish_reason = Some("other".into());
        let mut mine = base.clone();
        mine.items[0].self_rating = Some("good".into());
        let out = merge(&base, &mine, disk);
        assert_eq!(out.items[0].self_rating.as_deref(), Some("good"));
        assert_eq!(out.items[1].grade.score, Some(9.0));
        assert_eq!(out.finish_reason.as_deref(), Some("other"));
    }

    #[test]
    fn every_field_the_writer_changed_is_saved_and_one_it_cleared_stays_cleared() {
        let mut base = session(1);
        base.finish_reason = Some("input-closed".into());
        let disk = base.clone();
        let mut mine = base.clone();
        mine.finish_reason = None;
        mine.mode = "practice".into();
        let out = merge(&base, &mine, disk);
        assert_eq!(out.finish_reason, None);
        assert_eq!(out.mode, "practice");
    }

    #[test]
    fn an_answer_on_disk_that_the_writer_never_saw_is_kept() {
        let base = session(1);
        let mut disk = base.clone();
        disk.items.push(Item::new(&question(7), "someone else's".into(), pending()));
        let mut mine = base.clone();
        mine.items.push(Item::new(&question(1), "answer 1".into(), pending()));
        let out = merge(&base, &mine, disk);
        let answers: Vec<&str> = out.items.iter().map(|i| i.answer.as_str()).collect();
        assert_eq!(answers, ["answer 0", "answer 1", "someone else's"]);
    }
}
