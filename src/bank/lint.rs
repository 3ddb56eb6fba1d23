//! Reviewing a bank's grouping: entries whose variants look like other questions (suspected
//! wrong merges) and entries that look like one question (suspected missed merges), each with a
//! score and both texts, judged as the importer judges ([`super::dedupe::compare`]).
//!
//! A variant is compared with its entry on its own source's answer and code when the source
//! documents are at hand (`sources`, keyed `file:line`), else on its wording alone. A reviewed
//! entry's variants, and pairs of two reviewed entries, are left out unless `all` is set: their
//! grouping was a person's decision. A new entry that looks like a reviewed one is reported.
//! Pure: no I/O.

use std::collections::HashMap;

use serde::Serialize;

use super::dedupe::{self, Corpus, Item};
use super::import::RawQuestion;
use super::{Question, Source};

/// One side of a finding: an entry, or one of its variants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// The entry's id (for a variant, the id of the entry holding it).
    pub id: String,
    pub question: String,
    pub source: String,
    pub reviewed: bool,
}

/// A variant that looks like another question than its entry's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrongMerge {
    /// How alike the two are (0–1): low is suspicious.
    pub score: f64,
    /// The questions' likeness and the answers' agreement behind the score.
    pub question_likeness: f64,
    pub answer_agreement: Option<f64>,
    pub reason: &'static str,
    pub entry: Side,
    pub variant: Side,
}

/// Two entries that look like one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedMerge {
    /// How alike the two are (0–1): high is suspicious.
    pub score: f64,
    pub question_likeness: f64,
    pub answer_agreement: Option<f64>,
    pub a: Side,
    pub b: Side,
}

/// What `viva bank lint` reports.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub wrong_merges: Vec<WrongMerge>,
    pub missed_merges: Vec<MissedMerge>,
    /// Reviewed entries whose grouping was not checked (see `all`).
    pub reviewed_skipped: usize,
    /// Variants compared on their wording alone (their source was not at hand).
    pub variants_by_wording: usize,
}

fn side(q: &Question) -> Side {
    Side { id: q.id.clone(), question: q.question.clone(), source: q.source.to_string(), reviewed: q.reviewed }
}

fn item(q: &Question) -> Item<'_> {
    Item { question: &q.question, code: q.code.as_deref(), answer: q.answer.as_deref() }
}

/// Lints `questions`. `sources` maps `file:line` to the question found there in the source
/// documents.
pub fn lint(questions: &[Question], sources: &HashMap<String, RawQuestion>, all: bool) -> Report {
    let mut report = Report::default();
    let checked: Vec<&Question> = questions.iter().filter(|q| all || !q.reviewed).collect();
    report.reviewed_skipped = questions.len() - checked.len();
    let corpus = Corpus::new(
        questions
            .iter()
            .flat_map(|q| std::iter::once(q.question.as_str()).chain(q.variants.iter().map(|v| v.question.as_str()))),
    );
    for q in &checked {
        for v in &q.variants {
            let raw = sources.get(&v.source.to_string());
            if raw.is_none() {
                report.variants_by_wording += 1;
            }
            let variant = match raw {
                Some(r) => Item { question: &r.question, code: r.code.as_deref(), answer: r.answer.as_deref() },
                None => Item { question: &v.question, ..Item::default() },
            };
            let likeness = dedupe::compare(&item(q), &variant, &corpus);
            if let Some(reason) = likeness.apart {
                report.wrong_merges.push(WrongMerge {
                    score: likeness.score(),
                    question_likeness: round(likeness.question),
                    answer_agreement: likeness.answers.map(round),
                    reason,
                    entry: side(q),
                    variant: Side {
                        id: q.id.clone(),
                        question: v.question.clone(),
                        source: v.source.to_string(),
                        reviewed: q.reviewed,
                    },
                });
            }
        }
    }
    let items: Vec<Item> = questions.iter().map(item).collect();
    for (i, j, likeness) in dedupe::same_pairs(&items) {
        let (a, b) = (&questions[i], &questions[j]);
        if a.reviewed && b.reviewed && !all {
            continue;
        }
        report.missed_merges.push(MissedMerge {
            score: likeness.score(),
            question_likeness: round(likeness.question),
            answer_agreement: likeness.answers.map(round),
            a: side(a),
            b: side(b),
        });
    }
    let by_source = |a: &Side, b: &Side| parse(&a.source).cmp(&parse(&b.source));
    report.wrong_merges.sort_by(|a, b| a.score.total_cmp(&b.score).then_with(|| by_source(&a.variant, &b.variant)));
    report.missed_merges.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| by_source(&a.a, &b.a)));
    report
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `file:line` as a sortable source.
fn parse(s: &str) -> Source {
    let (file, line) = s.rsplit_once(':').unwrap_or((s, "0"));
    Source { file: file.to_string(), line: line.parse().unwrap_or(0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Variant, sample_question};

    fn entry(id: &str, question: &str, answer: &str, line: usize) -> Question {
        let mut q = sample_question(id, question);
        q.answer = Some(answer.into());
        q.source = Source { file: "notes.md".into(), line };
        q
    }

    fn raw(question: &str, answer: &str, code: Option<&str>, line: usize) -> RawQuestion {
        RawQuestion {
            question: question.into(),
            code: code.map(Into::into),
            answer: Some(answer.into()),
            section: None,
            difficulty: None,
            line,
        }
    }

    #[test]
    fn a_variant_with_another_answer_and_two_entries_asking_one_thing_are_reported() {
        let mut queue = entry(
            "concurrency/queue-manager",
            "Explain difference between multiprocessing Queue and Manager?",
            "Queue: inter-process communication. Manager: shared objects (list, dict) across processes.",
            10,
        );
        queue.variants.push(Variant {
            question: "Difference between multiprocessing and multithreading?".into(),
            source: Source { file: "notes.md".into(), line: 30 },
        });
        let is_eq = entry(
            "core-python/is",
            "Difference between is and == in Python?",
            "`is` compares identity, `==` compares values.",
            40,
        );
        let is_eq_2 = entry(
            "core-python/is-2",
            "What's the difference between is and ==?",
            "`==` compares values; `is` compares identity.",
            50,
        );
        let mut puzzle = entry("core-python/output", "What is the output?", "<class 'coroutine'>", 60);
        puzzle.code = Some("result = f()\nprint(type(result))".into());
        puzzle.variants.push(Variant {
            question: "What is the output?".into(),
            source: Source { file: "notes.md".into(), line: 70 },
        });
        let sources: HashMap<String, RawQuestion> = [
            (
                "notes.md:30",
                raw(
                    "Difference between multiprocessing and multithreading?",
                    "Processes run in parallel on several cores; threads share one interpreter.",
                    None,
                    30,
                ),
            ),
            (
                "notes.md:70",
                raw("What is the output?", "[0, 1, 2, 3, 4] then []", Some("gen = (x for x in range(5))"), 70),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let report = lint(&[queue, is_eq, is_eq_2, puzzle], &sources, false);
        let wrong: Vec<(&str, &str)> =
            report.wrong_merges.iter().map(|w| (w.variant.source.as_str(), w.reason)).collect();
        assert_eq!(wrong.len(), 2, "{wrong:?}");
        assert!(wrong.contains(&("notes.md:70", "different code")), "{wrong:?}");
        assert!(wrong.iter().any(|w| w.0 == "notes.md:30"), "{wrong:?}");
        assert_eq!(report.missed_merges.len(), 1);
        let m = &report.missed_merges[0];
        assert_eq!((m.a.id.as_str(), m.b.id.as_str()), ("core-python/is", "core-python/is-2"));
        assert!(m.score > 0.5, "{m:?}");
        assert_eq!(report.variants_by_wording, 0);
    }

    #[test]
    fn a_new_entry_that_looks_like_a_reviewed_one_is_reported() {
        let mut a = entry("core-python/is", "Difference between is and == in Python?", "`is` compares identity.", 1);
        a.reviewed = true;
        let b = entry("core-python/is-2", "What's the difference between is and ==?", "`is` compares identity.", 2);
        assert_eq!(lint(&[a, b], &HashMap::new(), false).missed_merges.len(), 1);
    }

    #[test]
    fn reviewed_entries_are_a_persons_decision_unless_all() {
        let mut a = entry("core-python/is", "Difference between is and == in Python?", "`is` compares identity.", 1);
        let mut b = entry("core-python/is-2", "What's the difference between is and ==?", "`is` compares identity.", 2);
        a.reviewed = true;
        b.reviewed = true;
        let report = lint(&[a.clone(), b.clone()], &HashMap::new(), false);
        assert_eq!((report.missed_merges.len(), report.reviewed_skipped), (0, 2));
        assert_eq!(lint(&[a, b], &HashMap::new(), true).missed_merges.len(), 1);
    }
}
