//! Follow-up questions built offline from what an answer missed: the interviewer probes one
//! missed key point without giving it away — it names the subject, not the claim.

use crate::bank::Question;
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
}
