//! Follow-up questions built offline from what an answer missed: the interviewer probes one
//! missed key point without giving it away — it names the subject, not the claim.

use crate::bank::Question;
use crate::transcript::Item;
use crate::words;

/// Words too general to name what a follow-up is about.
const WEAK: &[&str] = &[
    "allows", "allow", "means", "mean", "uses", "use", "using", "used", "makes", "make", "only", "also", "like",
    "such", "gets", "get", "need", "needs", "lets", "let", "takes", "take", "gives", "give", "can", "instead",
    "actually", "may", "might",
];

/// A follow-up: the question to ask and the bank question it is graded as (the probed key
/// point is its only key point; the reference answer stays the parent's).
pub fn offline(parent: &Question, missed: &[String], answer: &str, number: usize) -> Option<Question> {
    let point = missed.first()?;
    let said = words::content(answer);
    let asked = words::topic_words(&parent.question);
    let mut cues: Vec<String> = Vec::new();
    for (token, stem) in words::tokens(point).iter().map(|t| (t.clone(), words::stem(t))) {
        let useful = token.len() > 2
            && !WEAK.contains(&token.as_str())
            && !words::is_stopword(&token)
            && !words::FILLER.contains(&token.as_str())
            && !said.contains(&stem)
            && !asked.contains(&stem)
            && !cues.iter().any(|c| words::stem(c) == stem);
        if useful {
            cues.push(token);
        }
        if cues.len() == 2 {
            break;
        }
    }
    let ask = match cues.as_slice() {
        [] => "What about the part you have not covered yet?".to_string(),
        [one] => format!("Where does “{one}” come into it?"),
        [a, b, ..] => format!("Where do “{a}” and “{b}” come into it?"),
    };
    let opener = ["Let's go one level deeper.", "One more on this.", "Last one on this topic."][(number - 1).min(2)];
    let text = format!("{opener} {ask} Explain how, with an example if you can.");
    let mut q = parent.clone();
    q.question = text;
    q.code = None;
    q.key_points = vec![point.as_str().into()];
    q.misconceptions = Vec::new();
    q.variants = Vec::new();
    Some(q)
}

/// The question a saved follow-up is graded as, rebuilt from the transcript (the probed key
/// point is not saved with it): the parent with the follow-up's wording, and as its only key
/// points the ones it was graded on before, or else the missed point of the attempt before it
/// (the parent's answer for the first follow-up) whose words the follow-up's wording shares
/// most — the first on a tie, as the offline follow-up takes the first.
pub fn rebuild(parent_question: &Question, parent: &Item, index: usize) -> Option<Question> {
    let follow = parent.followups.get(index)?;
    let points = graded_points(follow).or_else(|| {
        let candidates = match index {
            0 => missed_points(parent),
            k => rebuild(parent_question, parent, k - 1)?.point_texts(),
        };
        let asked = words::content(&follow.question);
        let overlap = |p: &String| words::content(p).iter().filter(|w| asked.contains(w)).count();
        let best = candidates.iter().min_by_key(|p| std::cmp::Reverse(overlap(p)))?;
        Some(vec![best.clone()])
    })?;
    let mut q = parent_question.clone();
    q.question = follow.question.clone();
    q.code = None;
    q.key_points = points.iter().map(|p| p.as_str().into()).collect();
    q.misconceptions = Vec::new();
    q.variants = Vec::new();
    Some(q)
}

/// The key points an attempt was graded on, from its latest grade that has verdicts.
fn graded_points(item: &Item) -> Option<Vec<String>> {
    std::iter::once(&item.grade)
        .chain(item.history.iter().rev())
        .find(|g| !g.points.is_empty())
        .map(|g| g.points.iter().map(|v| v.point.clone()).collect())
}

/// The points an answer missed, from its current grade or, when that has none, the latest earlier one.
fn missed_points(item: &Item) -> Vec<String> {
    std::iter::once(&item.grade)
        .chain(item.history.iter().rev())
        .map(|g| g.missed())
        .find(|m| !m.is_empty())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follow_up_probes_a_missed_point_without_stating_it() {
        let mut parent = crate::bank::sample_question("concurrency/gil", "What is the GIL?");
        parent.key_points = vec!["The GIL is released during blocking I/O, so I/O-bound threads benefit".into()];
        let q = offline(&parent, &parent.point_texts(), "The GIL is a mutex around bytecode execution.", 1).unwrap();
        assert_eq!(q.key_points, parent.key_points);
        assert!(q.question.starts_with("Let's go one level deeper."), "{}", q.question);
        assert!(q.question.contains("Where do “released” and “blocking” come into it?"), "{}", q.question);
        assert!(!q.question.contains("I/O-bound threads benefit"), "never gives the point away");
        assert!(offline(&parent, &[], "x", 1).is_none());
    }

    #[test]
    fn a_saved_follow_up_is_rebuilt_with_the_point_it_probed() {
        use crate::grader::{Grade, GradeStatus, GraderInfo, PointStatus, PointVerdict};
        let mut parent_q = crate::bank::sample_question("concurrency/gil", "What is the GIL?");
        let (a, b) = ("Reference counting is not thread-safe", "The GIL is released during blocking I/O");
        parent_q.key_points = vec!["A mutex around bytecode".into(), a.into(), b.into()];
        let info = GraderInfo { kind: "llm".into(), model: None, version: "1".into() };
        let mut parent = Item::new(&parent_q, "A mutex.".into(), Grade::pending(info.clone(), ""));
        parent.grade.status = GradeStatus::Graded;
        parent.grade.points = vec![
            PointVerdict::new("A mutex around bytecode", PointStatus::Covered, Some("A mutex".into())),
            PointVerdict::new(a, PointStatus::Missed, None),
            PointVerdict::new(b, PointStatus::Missed, None),
        ];
        // The LLM worded it about the second missed point; its grade is still pending.
        let mut follow =
            Item::new(&parent_q, "It is dropped while waiting.".into(), Grade::pending(info.clone(), "timeout"));
        follow.question = "When is it released, and what does blocking have to do with it?".into();
        parent.followups.push(follow.clone());
        let q = rebuild(&parent_q, &parent, 0).unwrap();
        assert_eq!(q.point_texts(), [b]);
        assert_eq!(q.question, follow.question);
        // A second follow-up probes what the first one missed.
        follow.question = "Say more about it being released.".into();
        parent.followups.push(follow);
        assert_eq!(rebuild(&parent_q, &parent, 1).unwrap().point_texts(), [b]);
        // Once graded, the points it was graded on are known.
        parent.followups[0].grade.points = vec![PointVerdict::new(a, PointStatus::Covered, Some("x".into()))];
        assert_eq!(rebuild(&parent_q, &parent, 0).unwrap().point_texts(), [a]);
        // Wording that shares nothing: the first missed point, as the offline follow-up takes.
        parent.followups[0].question = "Go on.".into();
        parent.followups[0].grade.points.clear();
        assert_eq!(rebuild(&parent_q, &parent, 0).unwrap().point_texts(), [a]);
        assert!(rebuild(&parent_q, &parent, 2).is_none());
    }
}
