//! Finishing what was left pending: every answer and follow-up of a transcript whose grade is
//! pending or failed is graded again (the grader promises that every pending grade is finished
//! later). A follow-up is graded as the question it was asked as (see
//! [`super::followup::rebuild`]), on the point it probed alone.

use super::{GradeStatus, Grader};
use crate::bank::store::Bank;
use crate::transcript::Transcript;

/// Grades every pending or failed answer and follow-up of `t` in place (a new grade replaces a
/// pending one; a failed attempt only joins `history`); returns how many are graded now
/// (answers whose question is not in `bank` are left as they are).
pub fn finish(t: &mut Transcript, bank: &Bank, grader: &dyn Grader) -> usize {
    let mut graded = 0;
    for item in &mut t.items {
        let Some(q) = bank.get(&item.question_id) else { continue };
        if item.grade.status != GradeStatus::Graded {
            item.record_grade(grader.grade(q, &item.answer));
            graded += usize::from(item.grade.status == GradeStatus::Graded);
        }
        for k in 0..item.followups.len() {
            if item.followups[k].grade.status == GradeStatus::Graded {
                continue;
            }
            if let Some(fq) = super::followup::rebuild(q, item, k) {
                let grade = grader.grade(&fq, &item.followups[k].answer);
                let follow = &mut item.followups[k];
                follow.record_grade(grade);
                graded += usize::from(follow.grade.status == GradeStatus::Graded);
            }
        }
    }
    graded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grader::offline::OfflineGrader;
    use crate::grader::{Grade, GraderInfo};
    use crate::transcript::Item;

    #[test]
    fn pending_answers_and_follow_ups_are_graded_each_on_its_own_question() {
        let bank = crate::bank::store::load_embedded().unwrap();
        let q = bank.questions.iter().find(|q| q.key_points.len() >= 3).unwrap().clone();
        let points = q.point_texts();
        let grader = OfflineGrader::new(&bank.questions);
        let info = GraderInfo { kind: "llm".into(), model: None, version: "1".into() };
        // The answer was graded before the endpoint went away; its follow-up was not.
        let mut item = Item::new(&q, points[0].clone(), grader.grade(&q, &points[0]));
        assert!(!item.grade.missed().is_empty());
        let probed = item.grade.missed()[0].clone();
        let mut follow = Item::new(&q, probed.clone(), Grade::pending(info.clone(), "endpoint unreachable"));
        follow.question = "Tell me more about that part.".into();
        item.followups.push(follow);
        let mut second = Item::new(&q, String::new(), Grade::pending(info, "endpoint unreachable"));
        second.skipped = true;
        let mut t = Transcript::new("t".into(), "interview", crate::transcript::sample_settings(2, "llm"), vec![]);
        t.items = vec![item, second];
        assert_eq!(finish(&mut t, &bank, &grader), 2, "the follow-up and the skipped answer");
        let f = &t.items[0].followups[0].grade;
        assert_eq!(f.status, GradeStatus::Graded);
        assert_eq!(f.points.iter().map(|v| v.point.as_str()).collect::<Vec<_>>(), [probed.as_str()]);
        assert!(f.missed().is_empty(), "graded on the probed point alone, and covered: {f:?}");
        assert_eq!(t.items[1].grade.status, GradeStatus::Graded);
        assert_eq!(finish(&mut t, &bank, &grader), 0, "nothing left");
    }
}
