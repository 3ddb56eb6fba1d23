use super::*;
use crate::grader::{CriterionScore, Grade, GradeStatus, Grader, GraderInfo};

/// Scores every answer with the number written in it ("score 7"); "fail" fails.
struct Literal;

impl Grader for Literal {
    fn info(&self) -> GraderInfo {
        GraderInfo { kind: "literal".into(), model: None, version: "1".into() }
    }
    fn grade(&self, _q: &crate::bank::Question, answer: &str) -> Grade {
        if answer == "fail" {
            let mut g = Grade::pending(self.info(), "endpoint down");
            g.status = GradeStatus::Failed;
            return g;
        }
        let score: f64 = answer.trim_start_matches("score ").parse().unwrap_or(0.0);
        Grade {
            status: GradeStatus::Graded,
            score: Some(score),
            criteria: vec![CriterionScore { id: "all".into(), score, max: 10.0, feedback: String::new() }],
            points: vec![],
            misconceptions: vec![],
            feedback: String::new(),
            flags: vec![],
            reason: None,
            grader: self.info(),
            provenance: None,
        }
    }
}

fn line(id: &str, answer: &str, expert: f64, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","question":"What is the GIL?","reference":"A lock in CPython. Only one thread runs bytecode at a time.","answer":"{answer}","expert_score":{expert}{extra}}}"#
    )
}

#[test]
fn summary_groups_splits_and_inflation_follow_the_grades() {
    let text = [
        line("a", "score 9", 10.0, r#","label":"excellent","split":"dev""#),
        line("b", "score 5", 6.0, r#","label":"partial","split":"dev""#),
        line("c", "score 6", 2.0, r#","label":"wrong","split":"heldout""#),
        line("d", "score 4", 1.0, r#","label":"adversarial","adversarial":"injection","split":"heldout""#),
        line("e", "score 3", 1.0, r#","label":"adversarial","adversarial":"injection","split":"heldout""#),
        line("f", "fail", 5.0, r#","label":"good","split":"heldout""#),
    ]
    .join("\n");
    let (samples, bad) = set::parse(&text);
    assert!(bad.is_empty(), "{bad:?}");
    let keyed = answer_keys(&samples, &[]);
    let grades = grade_all(&samples, &keyed, std::sync::Arc::new(Literal), 3, &|| {});
    let s = summarize(&samples, &keyed, &grades, Literal.info());
    // The failed answer is reported, not counted.
    assert_eq!((s.agreement.n, s.failed), (5, 1));
    assert_eq!(s.items[5].status, "failed");
    assert_eq!(s.items[5].reason.as_deref(), Some("endpoint down"));
    // |errors| 1 1 4 3 2 → 11/5.
    assert_eq!(s.agreement.mae, Some(2.2));
    assert_eq!(s.agreement.within_1, Some(0.4));
    let injection = &s.by_adversarial["injection"];
    assert_eq!((injection.n, injection.inflated, injection.mean_score), (2, 1, 3.5));
    assert_eq!(s.by_label["wrong"].inflated, 1);
    assert_eq!(s.by_split["dev"].agreement.n, 2);
    assert_eq!(s.by_split["heldout"].agreement.n, 3);
    assert_eq!(s.by_split["heldout"].by_adversarial["injection"].n, 2);
    let json = serde_json::to_value(&s).unwrap();
    for key in
        ["n", "spearman", "pearson", "mae", "within_1", "within_2", "by_label", "by_adversarial", "items", "grader"]
    {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["items"][0]["score"], 9.0);
    assert_eq!(json["items"][0]["expert_score"], 10.0);
}

#[test]
fn the_scatter_puts_each_answer_in_its_cell() {
    let (samples, _) = set::parse(&[line("a", "score 9", 10.0, ""), line("b", "score 9", 10.0, "")].join("\n"));
    let keyed = answer_keys(&samples, &[]);
    let grades = grade_all(&samples, &keyed, std::sync::Arc::new(Literal), 1, &|| {});
    let s = summarize(&samples, &keyed, &grades, Literal.info());
    let lines = render::scatter(&s.items);
    // Row "9" (second line after the title), last column (expert 10): two answers.
    assert!(lines[2].starts_with("  9 |") && lines[2].ends_with("  2"), "{lines:#?}");
}
