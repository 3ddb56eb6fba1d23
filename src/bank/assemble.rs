//! From parsed documents to bank entries: group near-duplicates, choose each group's best
//! reference answer, classify, estimate difficulty, distil key points and assign stable ids.
//!
//! Pure and deterministic: the same documents always give the same questions in the same order.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::import::{ParsedDocument, RawQuestion};
use super::{Claim, Difficulty, DifficultyOrigin, Question, Source, Variant, classify, dedupe, distil};

/// A parsed document and the file name it came from.
pub struct Document {
    pub file: String,
    pub parsed: ParsedDocument,
}

/// Builds bank entries from documents. `keep_ids` maps a source (`file:line`) or a normalised
/// question text to an id already in use, so ids survive re-import and small edits.
pub fn assemble(docs: &[Document], keep_ids: &HashMap<String, String>) -> Vec<Question> {
    let raws: Vec<(&str, &RawQuestion)> =
        docs.iter().flat_map(|d| d.parsed.questions.iter().map(move |q| (d.file.as_str(), q))).collect();
    let texts: Vec<&str> = raws.iter().map(|(_, q)| q.question.as_str()).collect();
    let groups = dedupe::group(&texts);

    let mut questions = Vec::with_capacity(groups.len());
    let mut used: HashSet<String> = HashSet::new();
    for group in groups {
        let Some(best) = group.iter().copied().max_by_key(|&i| (answer_quality(raws[i].1), std::cmp::Reverse(i)))
        else {
            continue;
        };
        let (file, raw) = raws[best];
        let source = Source { file: file.to_string(), line: raw.line };
        let marked = group
            .iter()
            .find_map(|&i| if i == best { raw.difficulty } else { None })
            .or_else(|| group.iter().find_map(|&i| raws[i].1.difficulty));
        let topic = classify::topic_for(&raw.question, raw.answer.as_deref(), raw.section.as_deref());
        let (difficulty, difficulty_origin) = match marked {
            Some(d) => (d, DifficultyOrigin::Marked),
            None => (classify::estimate_difficulty(&raw.question, raw.answer.as_deref()), DifficultyOrigin::Estimated),
        };
        let key_points = raw
            .answer
            .as_deref()
            .map(|a| distil::key_points(&raw.question, a))
            .unwrap_or_default()
            .into_iter()
            .map(Claim::new)
            .collect();
        let mut variants: Vec<Variant> = group
            .iter()
            .filter(|&&i| i != best)
            .map(|&i| Variant {
                question: raws[i].1.question.clone(),
                source: Source { file: raws[i].0.to_string(), line: raws[i].1.line },
            })
            .collect();
        variants.sort_by(|a, b| a.source.cmp(&b.source));
        let kept = std::iter::once(source.to_string())
            .chain(variants.iter().map(|v| v.source.to_string()))
            .chain(std::iter::once(normalise(&raw.question)))
            .find_map(|k| {
                keep_ids.get(&k).filter(|id| id.starts_with(&format!("{topic}/")) && !used.contains(*id)).cloned()
            });
        let id = kept.unwrap_or_else(|| unique_id(topic, &raw.question, &used));
        used.insert(id.clone());
        questions.push(Question {
            id,
            topic: topic.to_string(),
            difficulty,
            difficulty_origin,
            question: raw.question.clone(),
            code: raw.code.clone(),
            answer: raw.answer.clone(),
            source_answer: None,
            key_points,
            misconceptions: Vec::new(),
            reviewed: false,
            former_ids: Vec::new(),
            section: raw.section.clone(),
            source,
            variants,
        });
    }
    questions.sort_by(|a, b| a.source.cmp(&b.source));
    questions
}

/// How good a reference answer is, to pick a group's best: substance first, capped so a
/// rambling answer does not win on length alone; a missing answer loses.
fn answer_quality(q: &RawQuestion) -> usize {
    let Some(answer) = q.answer.as_deref() else {
        return 0;
    };
    let bullets = answer.lines().filter(|l| l.trim_start().starts_with("- ")).count();
    1 + answer.len().min(2500) + 40 * bullets.min(8)
}

/// Lowercase words only: the key under which a question text keeps its id.
pub fn normalise(question: &str) -> String {
    question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

const SLUG_STOP: &[&str] = &[
    "a", "an", "the", "what", "whats", "is", "are", "how", "do", "does", "you", "your", "in", "of", "to", "and", "or",
    "for", "with", "on", "explain", "describe", "why", "when", "would", "can", "could", "should", "it", "its", "s",
    "between", "python", "use", "used", "which", "will", "be", "this", "that", "i", "we",
];

/// `topic/first-five-content-words`, made unique with `-2`, `-3` … in the order seen.
fn unique_id(topic: &str, question: &str, used: &HashSet<String>) -> String {
    let words: Vec<String> = normalise(question)
        .split(' ')
        .filter(|w| !w.is_empty() && !SLUG_STOP.contains(w))
        .take(5)
        .map(str::to_string)
        .collect();
    let slug = if words.is_empty() { "question".to_string() } else { words.join("-") };
    let base = format!("{topic}/{slug}");
    let mut id = base.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Counts for `viva bank stats`.
pub fn count_by<K: Ord, F: Fn(&Question) -> K>(questions: &[Question], key: F) -> BTreeMap<K, usize> {
    let mut map = BTreeMap::new();
    for q in questions {
        *map.entry(key(q)).or_insert(0) += 1;
    }
    map
}

/// Keeps the difficulty ordering used in listings.
pub fn difficulty_rank(d: Difficulty) -> usize {
    Difficulty::ALL.iter().position(|x| *x == d).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::import::{Shape, Skipped};

    fn raw(q: &str, a: Option<&str>, line: usize) -> RawQuestion {
        RawQuestion { question: q.into(), code: None, answer: a.map(Into::into), section: None, difficulty: None, line }
    }

    fn doc(file: &str, qs: Vec<RawQuestion>) -> Document {
        Document {
            file: file.into(),
            parsed: ParsedDocument { shape: Shape::MarkdownHeadings, questions: qs, skipped: Vec::<Skipped>::new() },
        }
    }

    #[test]
    fn ids_are_slugs_unique_and_kept_on_reimport() {
        let docs = [doc(
            "a.md",
            vec![
                raw("What is the difference between a list and a tuple?", Some("x"), 3),
                raw("List vs tuple difference?", None, 9),
            ],
        )];
        let first = assemble(&docs, &HashMap::new());
        let ids: Vec<&str> = first.iter().map(|q| q.id.as_str()).collect();
        assert!(ids.iter().all(|id| id.contains('/')), "{ids:?}");
        let mut keep = HashMap::new();
        keep.insert("a.md:3".to_string(), format!("{}/my-own-id", first[0].topic));
        let again = assemble(&docs, &keep);
        assert_eq!(again[0].id, format!("{}/my-own-id", first[0].topic));
    }

    #[test]
    fn unique_id_appends_counters() {
        let mut used = HashSet::new();
        let a = unique_id("typing", "What is a Protocol?", &used);
        used.insert(a.clone());
        let b = unique_id("typing", "What is a protocol", &used);
        assert_eq!(a, "typing/protocol");
        assert_eq!(b, "typing/protocol-2");
    }
}
