//! The score of an answer, computed from the verdicts and the rubric: one function, shared by
//! every grader, so a grade means the same whoever judged the points.
//!
//! `score = coverage + relevance × (depth + clarity)`, then capped, then rounded to half points:
//! - **coverage** (0–[`Rubric::coverage`], 6): the mean credit of the key points — covered 1,
//!   partial [`Rubric::partial_credit`] (½), missed and contradicted 0;
//! - **depth** (0–2) and **clarity** (0–2): the grader's judgement of reasons, examples and
//!   specifics, and of the writing, each given as a share 0–1. They count in proportion to
//!   **relevance** = min(1, ¼ + 1½ × max(coverage share, likeness)), where likeness is how much
//!   the answer as a whole resembles the reference (0–1, from the grader; 0 when it does not
//!   measure it): fluent prose about something else earns little, an answer on the subject in
//!   words of its own that states no point outright earns more than one about nothing;
//! - **caps**: a wrong claim (a contradicted point or a misconception voiced) caps the score at
//!   3, two or more at 2 ("a contradiction caps correctness"); each flag in [`FLAG_CAPS`] caps it
//!   at its figure (an empty or "I don't know" answer at 0, an echo of the question at 1, a
//!   keyword list, another question's reference or an answer about something else (off-topic) at
//!   2, instructions to the grader at 4, overclaiming and rambling at 5). The lowest cap wins.
//!
//! Pure: no I/O, deterministic.

use super::{CriterionScore, MisconceptionFound, PointStatus, PointVerdict};

/// The rubric's weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rubric {
    pub coverage: f64,
    pub depth: f64,
    pub clarity: f64,
    /// Credit of a `partial` point, as a share of a covered one.
    pub partial_credit: f64,
}

/// viva's rubric: coverage 6, depth 2, clarity 2, partial points half.
pub const RUBRIC: Rubric = Rubric { coverage: 6.0, depth: 2.0, clarity: 2.0, partial_credit: 0.5 };

/// Flags that cap the score, with the cap.
pub const FLAG_CAPS: &[(&str, f64)] = &[
    ("empty", 0.0),
    ("dont-know", 0.0),
    ("echo", 1.0),
    ("keyword-stuffing", 2.0),
    ("off-topic", 2.0),
    ("copied-reference", 2.0),
    ("injection", 4.0),
    ("overclaiming", 5.0),
    ("rambling", 5.0),
];

/// Cap for one wrong claim, and for two or more.
pub const WRONG_CLAIM_CAPS: (f64, f64) = (3.0, 2.0);

/// What a grader decided about an answer.
#[derive(Debug, Clone, Copy)]
pub struct Judgement<'a> {
    pub points: &'a [PointVerdict],
    pub misconceptions: &'a [MisconceptionFound],
    /// Reasons, examples, specifics: 0–1.
    pub depth: f64,
    /// Sentences, structure, a sensible length: 0–1.
    pub clarity: f64,
    /// How much the answer as a whole resembles the reference, 0–1 (the offline grader's
    /// rarity-weighted cosine); 0 for a grader that does not measure it.
    pub likeness: f64,
    pub flags: &'a [String],
}

/// The score and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// 0–10, in half points.
    pub score: f64,
    /// Share of the key points' credit earned, 0–1.
    pub share: f64,
    /// Coverage, depth and clarity as awarded (depth and clarity after relevance).
    pub criteria: [f64; 3],
    /// The cap applied, if any, and why (`contradiction` or a flag).
    pub cap: Option<(f64, String)>,
}

/// Credit of one verdict.
pub fn credit(status: PointStatus, rubric: &Rubric) -> f64 {
    match status {
        PointStatus::Covered => 1.0,
        PointStatus::Partial => rubric.partial_credit,
        PointStatus::Missed | PointStatus::Contradicted => 0.0,
    }
}

/// Wrong claims in a judgement: contradicted points and misconceptions voiced.
pub fn wrong_claims(points: &[PointVerdict], misconceptions: &[MisconceptionFound]) -> usize {
    points.iter().filter(|p| p.status == PointStatus::Contradicted).count() + misconceptions.len()
}

/// The score of `j` under `rubric` (see the module doc).
pub fn score(j: &Judgement, rubric: &Rubric) -> Scored {
    let share = share_of(j.points, rubric);
    let relevance = (0.25 + 1.5 * share.max(j.likeness.clamp(0.0, 1.0))).min(1.0);
    let coverage = rubric.coverage * share;
    let depth = rubric.depth * j.depth.clamp(0.0, 1.0) * relevance;
    let clarity = rubric.clarity * j.clarity.clamp(0.0, 1.0) * relevance;
    let mut cap: Option<(f64, String)> = None;
    let mut lower = |value: f64, why: &str| {
        if cap.as_ref().is_none_or(|(c, _)| value < *c) {
            cap = Some((value, why.to_string()));
        }
    };
    match wrong_claims(j.points, j.misconceptions) {
        0 => {}
        1 => lower(WRONG_CLAIM_CAPS.0, "contradiction"),
        _ => lower(WRONG_CLAIM_CAPS.1, "contradiction"),
    }
    for (flag, value) in FLAG_CAPS {
        if j.flags.iter().any(|f| f == flag) {
            lower(*value, flag);
        }
    }
    let raw = coverage + depth + clarity;
    let capped = cap.as_ref().map_or(raw, |(c, _)| raw.min(*c));
    Scored { score: (capped * 2.0).round() / 2.0, share, criteria: [coverage, depth, clarity], cap }
}

/// The three criteria of a scored judgement, with maxima and feedback, as a grade records them.
pub fn criteria(s: &Scored, rubric: &Rubric, feedback: [String; 3]) -> Vec<CriterionScore> {
    let round1 = |x: f64| (x * 10.0).round() / 10.0;
    let [coverage, depth, clarity] = feedback;
    vec![
        CriterionScore {
            id: "coverage".into(),
            score: round1(s.criteria[0]),
            max: rubric.coverage,
            feedback: coverage,
        },
        CriterionScore { id: "depth".into(), score: round1(s.criteria[1]), max: rubric.depth, feedback: depth },
        CriterionScore { id: "clarity".into(), score: round1(s.criteria[2]), max: rubric.clarity, feedback: clarity },
    ]
}

/// An upheld appeal: `point` becomes covered with `evidence`, and the score and coverage are
/// computed again by [`score`] from the grade's verdicts, flags, and the depth and clarity it
/// was given (recovered from its criteria with the relevance of its coverage alone: a grade does
/// not keep its likeness, so they are recovered at least as high as given, and an upheld appeal
/// never lowers a score).
pub fn uphold(grade: &mut super::Grade, point: &str, evidence: &str) {
    let rubric = RUBRIC;
    let before = share_of(&grade.points, &rubric);
    let relevance = (0.25 + 1.5 * before).min(1.0);
    let given = |id: &str, max: f64| {
        grade.criteria.iter().find(|c| c.id == id).map_or(0.0, |c| c.score / (max * relevance).max(1e-9))
    };
    let (depth, clarity) = (given("depth", rubric.depth), given("clarity", rubric.clarity));
    match grade.points.iter_mut().find(|v| v.point == point) {
        Some(v) => *v = PointVerdict::new(point, PointStatus::Covered, Some(evidence.to_string())),
        None => grade.points.push(PointVerdict::new(point, PointStatus::Covered, Some(evidence.to_string()))),
    }
    let j = Judgement {
        points: &grade.points,
        misconceptions: &grade.misconceptions,
        depth: depth.min(1.0),
        clarity: clarity.min(1.0),
        likeness: 0.0,
        flags: &grade.flags,
    };
    let s = score(&j, &rubric);
    let round1 = |x: f64| (x * 10.0).round() / 10.0;
    for (c, value) in grade.criteria.iter_mut().filter_map(|c| {
        let i = ["coverage", "depth", "clarity"].iter().position(|id| *id == c.id)?;
        Some((c, s.criteria[i]))
    }) {
        c.score = round1(value);
    }
    if grade.score.is_some() {
        grade.score = Some(s.score);
    }
}

fn share_of(points: &[PointVerdict], rubric: &Rubric) -> f64 {
    if points.is_empty() {
        return 0.0;
    }
    points.iter().map(|p| credit(p.status, rubric)).sum::<f64>() / points.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(status: PointStatus) -> PointVerdict {
        PointVerdict::new("p", status, None)
    }

    fn judge(points: &[PointVerdict], flags: &[String]) -> Scored {
        score(&Judgement { points, misconceptions: &[], depth: 1.0, clarity: 1.0, likeness: 0.0, flags }, &RUBRIC)
    }

    #[test]
    fn full_coverage_with_depth_and_clarity_is_ten_and_half_credit_is_half() {
        use PointStatus::*;
        assert_eq!(judge(&[v(Covered), v(Covered)], &[]).score, 10.0);
        // Coverage 3 of 6; relevance 1 → 3 + 2 + 2.
        assert_eq!(judge(&[v(Partial), v(Partial)], &[]).score, 7.0);
        // Nothing covered: depth and clarity count a quarter.
        assert_eq!(judge(&[v(Missed)], &[]).score, 1.0);
    }

    #[test]
    fn a_wrong_claim_caps_the_score_and_two_cap_it_lower() {
        use PointStatus::*;
        let one = judge(&[v(Covered), v(Covered), v(Contradicted)], &[]);
        assert_eq!((one.score, one.cap.as_ref().map(|c| c.1.as_str())), (3.0, Some("contradiction")));
        let points = [v(Covered), v(Covered), v(Covered)];
        let m = vec![MisconceptionFound { misconception: "m".into(), quote: "q".into() }; 2];
        let two = score(
            &Judgement { points: &points, misconceptions: &m, depth: 1.0, clarity: 1.0, likeness: 0.0, flags: &[] },
            &RUBRIC,
        );
        assert_eq!(two.score, 2.0);
    }

    #[test]
    fn an_answer_like_the_reference_keeps_more_depth_and_clarity_when_it_states_no_point() {
        let points = [v(PointStatus::Missed)];
        let like = |likeness: f64| {
            score(
                &Judgement { points: &points, misconceptions: &[], depth: 1.0, clarity: 1.0, likeness, flags: &[] },
                &RUBRIC,
            )
        };
        // Nothing like the reference: a quarter of depth and clarity (1 of 4).
        assert_eq!(like(0.0).score, 1.0);
        // Half like it: relevance ¼ + ¾ = 1.
        assert_eq!(like(0.5).score, 4.0);
        // Coverage still decides when it is the larger.
        let covered = [v(PointStatus::Covered)];
        let j =
            Judgement { points: &covered, misconceptions: &[], depth: 1.0, clarity: 1.0, likeness: 0.1, flags: &[] };
        assert_eq!(score(&j, &RUBRIC).score, 10.0);
    }

    #[test]
    fn the_lowest_cap_wins() {
        let s = judge(&[v(PointStatus::Covered)], &["injection".into(), "keyword-stuffing".into()]);
        assert_eq!(s.score, 2.0);
        assert_eq!(s.cap.unwrap().1, "keyword-stuffing");
        assert_eq!(judge(&[v(PointStatus::Covered)], &["dont-know".into()]).score, 0.0);
    }
}
