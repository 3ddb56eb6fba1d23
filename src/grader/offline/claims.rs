//! False claims about the answer key as a whole, that no single point's words give away:
//!
//! - **Drawbacks denied**: the key names a cost of the thing asked about ("the costs are that
//!   instances have no `__dict__`…") and the answer says it has none ("it has no drawbacks").
//! - **A difference denied**: the question asks for the difference between X and Y (or "X vs Y")
//!   and the answer says they are the same ("yield and return are basically the same").
//!
//! Each makes the key point it denies *contradicted*, quoting the sentence, with a note saying
//! how; the score caps follow
//! ([`crate::grader::score`]). Pure functions over the answer's sentences.

use super::{checks, terms};
use crate::bank::Claim;
use crate::grader::{PointStatus, PointVerdict};
use crate::words;

/// Words a key point uses to name a cost.
const COSTS: &[&str] = &[
    "cost", "costs", "drawback", "drawbacks", "downside", "downsides", "disadvantage", "disadvantages", "tradeoff",
    "tradeoffs", "trade", "limitation", "limitations", "caveat", "caveats", "overhead", "penalty", "pitfall",
    "pitfalls",
];

/// Words an answer denies costs with ("no drawbacks"): not "cost" or "overhead", which correct
/// answers deny of particular things ("at no extra cost").
const DENIED: &[&str] = &[
    "drawback", "drawbacks", "downside", "downsides", "disadvantage", "disadvantages", "tradeoff", "tradeoffs",
    "trade", "limitation", "limitations", "caveat", "caveats", "pitfall", "pitfalls",
];

/// Words that deny what follows within three words ("no real drawbacks", "without any downside").
const DENYING: &[&str] = &["no", "without", "zero", "none", "never"];

/// Words that say two things are one.
const SAME: &[&str] = &["same", "identical", "interchangeable", "equivalent"];

/// Whether the word at `i` in `toks` is denied by one of the three words before it.
fn denied_at(toks: &[String], i: usize) -> bool {
    toks[i.saturating_sub(3)..i].iter().any(|w| DENYING.contains(&w.as_str()) || w.ends_with("n't"))
}

/// The sentence that says the thing has no drawbacks.
fn denies_costs<'a>(sentences: &[&'a str]) -> Option<&'a str> {
    sentences.iter().copied().find(|s| {
        let toks = words::tokens(s);
        toks.iter().enumerate().any(|(i, w)| DENIED.contains(&w.as_str()) && denied_at(&toks, i))
    })
}

/// Whether a key point names a cost (and does not deny it).
fn names_cost(point: &str) -> bool {
    let toks = words::tokens(point);
    toks.iter().enumerate().any(|(i, w)| COSTS.contains(&w.as_str()) && !denied_at(&toks, i))
}

/// The two things a question asks to tell apart, as terms: "the difference between X and Y",
/// "X vs Y" or "X versus Y".
pub fn contrasted(question: &str) -> Option<(Vec<String>, Vec<String>)> {
    let lower = question.to_lowercase();
    let clause_end = |t: &str| t.find(['?', '.', ',', ';', ':']).unwrap_or(t.len());
    let (x, y) = if let Some(at) = lower.find("difference between ") {
        let rest = &lower[at + "difference between ".len()..];
        let rest = &rest[..clause_end(rest)];
        let (x, y) = rest.split_once(" and ")?;
        (terms::content(x), terms::content(y))
    } else {
        let (at, len) = [" vs. ", " vs ", " versus "].iter().find_map(|m| lower.find(m).map(|i| (i, m.len())))?;
        let before = &lower[..at];
        let before = &before[before.rfind(['?', '.', ',', ';', ':']).map_or(0, |i| i + 1)..];
        let after = &lower[at + len..];
        let x = terms::content(before);
        let x = x[x.len().saturating_sub(3)..].to_vec();
        let mut y = terms::content(&after[..clause_end(after)]);
        y.truncate(3);
        (x, y)
    };
    let x: Vec<String> = x.iter().filter(|w| !y.contains(w)).cloned().collect();
    let y: Vec<String> = y.iter().filter(|w| !x.contains(w)).cloned().collect();
    (!x.is_empty() && !y.is_empty()).then_some((x, y))
}

/// The sentence that calls X and Y the same: in one clause without a negation, a word of X and
/// a word of Y, joined by "and", come before "same" (identical, interchangeable, equivalent) or "no difference".
fn calls_same<'a>(sentences: &[&'a str], x: &[String], y: &[String]) -> Option<&'a str> {
    sentences.iter().copied().find(|s| {
        let lower = s.to_lowercase();
        let mut clauses = vec![lower.as_str()];
        for sep in [",", ";", ":", "(", ")", " but ", " except ", " while ", " whereas ", " although "] {
            clauses = clauses.iter().flat_map(|c| c.split(sep)).collect();
        }
        clauses.iter().any(|c| {
            let toks = words::tokens(c);
            let at = toks.iter().enumerate().position(|(i, w)| {
                SAME.contains(&w.as_str()) || (w.starts_with("difference") && i > 0 && toks[i - 1] == "no")
            });
            let Some(at) = at else { return false };
            // "no difference": its "no" is the claim, not a negation of it.
            let claim_start = if toks[at].starts_with("difference") { at - 1 } else { at };
            // X and Y must be joined ("yield and return are the same"), not subject and object
            // ("yield returns the same value").
            let at_term = |ws: &[String]| toks[..at].iter().position(|t| ws.contains(&terms::term(t)));
            let (Some(px), Some(py)) = (at_term(x), at_term(y)) else { return false };
            let joined = toks[px.min(py)..px.max(py)].iter().any(|t| matches!(t.as_str(), "and" | "vs" | "versus"));
            joined && toks[..claim_start].iter().all(|w| !checks::negated(w))
        })
    })
}

/// Marks the key points the answer denies as a whole (see the module doc) *contradicted*, with
/// the sentence that denies them; a point already contradicted keeps its quote.
pub fn judge(question: &str, points: &[Claim], sentences: &[&str], verdicts: &mut [PointVerdict]) {
    let mut contradict = |i: usize, quote: &str, how: &str| {
        if verdicts[i].status != PointStatus::Contradicted {
            verdicts[i] = PointVerdict::new(points[i].text.clone(), PointStatus::Contradicted, Some(quote.to_string()))
                .with_note(how);
        }
    };
    if let Some(quote) = denies_costs(sentences)
        && let Some(i) = points.iter().position(|p| p.wordings().any(names_cost))
    {
        contradict(i, quote, "the answer denies the costs it names");
    }
    if let Some((x, y)) = contrasted(question)
        && let Some(quote) = calls_same(sentences, &x, &y)
    {
        let holds = |p: &Claim, ws: &[String]| p.wordings().any(|w| terms::content(w).iter().any(|t| ws.contains(t)));
        let i = points
            .iter()
            .position(|p| holds(p, &x) && holds(p, &y))
            .or_else(|| points.iter().position(|p| holds(p, &x) || holds(p, &y)));
        if let Some(i) = i {
            contradict(i, quote, "the answer calls the two things the question contrasts the same");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdicts(points: &[Claim]) -> Vec<PointVerdict> {
        points.iter().map(|p| PointVerdict::new(p.text.clone(), PointStatus::Covered, None)).collect()
    }

    #[test]
    fn an_answer_that_denies_the_costs_the_key_names_contradicts_that_point() {
        let points = vec![
            Claim::new("__slots__ replaces the per-instance __dict__ with fixed slots."),
            Claim::new("The costs are that instances have no __dict__ and no new attributes."),
        ];
        let mut v = verdicts(&points);
        let sentences = ["Put __slots__ on every class, since it has no drawbacks."];
        judge("What are slots?", &points, &sentences, &mut v);
        assert_eq!(v[1].status, PointStatus::Contradicted);
        assert_eq!(v[0].status, PointStatus::Covered);
        // Naming a drawback is no denial.
        let mut v = verdicts(&points);
        judge("What are slots?", &points, &["The main drawback is that there is no __dict__."], &mut v);
        assert!(v.iter().all(|p| p.status == PointStatus::Covered));
    }

    #[test]
    fn calling_the_two_things_a_question_contrasts_the_same_contradicts_a_point_on_them() {
        let q = "What is the difference between yield and return?";
        assert_eq!(contrasted(q), Some((terms::content("yield"), terms::content("return"))));
        let points = vec![
            Claim::new("A function containing yield is a generator function."),
            Claim::new("yield suspends the function, return ends it."),
        ];
        let mut v = verdicts(&points);
        judge(q, &points, &["yield and return are basically the same, except yield collects values."], &mut v);
        assert_eq!(v[1].status, PointStatus::Contradicted);
        assert!(v[1].line().contains("the same"), "the note says how: {}", v[1].line());
        // Not the same, or the same of something else: no contradiction.
        for s in [
            "yield and return are not the same: yield suspends the function.",
            "yield returns the same value to the caller, return ends the function.",
        ] {
            let mut v = verdicts(&points);
            judge(q, &points, &[s], &mut v);
            assert!(v.iter().all(|p| p.status == PointStatus::Covered), "{s}");
        }
        assert!(contrasted("Threads vs processes: when to use each?").is_some());
        assert!(contrasted("What is a closure?").is_none());
    }
}
