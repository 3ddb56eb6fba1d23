//! Grouping near-duplicate questions (the GIL alone is asked about eight times).
//!
//! Each question is reduced to its topic words ([`crate::words::topic_words`]: stemmed
//! content words without framing words such as "explain" or "implications", with
//! "Global Interpreter Lock" folded to `gil`). Two questions match when their topic-word sets
//! overlap with a Jaccard index of at least 0.5, both or neither are comparisons ("X vs Y",
//! "difference between"), and the words only one of them has include no context term (a
//! framework or subsystem such as `fastapi`, `django`, `asyncio`): "How does the GIL affect
//! FastAPI apps?" stays apart from "What is the GIL?".
//!
//! A question also matches when both start with the same rare subject word (one found in few
//! questions of the whole set, such as `gil`) and nothing but non-context words differ: "What
//! is the GIL? What are its implications for CPU-bound vs I/O-bound workloads?" joins "What is
//! the GIL?". Only the first sentence decides whether a question is a comparison.
//!
//! Groups grow greedily in document order and a question joins a group only if it matches the
//! group's first question, so matches do not chain (`gil` ~ `gil thread` ~ `thread`).
//! Limits: wording with no shared words ("What does the lock in CPython do?") is not grouped.

use crate::words;

/// Words that change what a question is about when only one side has them.
const CONTEXT: &[&str] = &[
    "fastapi", "django", "flask", "asyncio", "async", "sqlalchemy", "pydantic", "drf", "celery", "numpy", "pandas",
    "pytest", "redis", "postgresql", "postgres", "docker", "kubernetes", "database", "orm", "api", "test", "class",
    "memory", "performance",
];

/// A subject word found in at most this many questions is rare enough to anchor a group.
const RARE: usize = 12;

struct Key {
    words: Vec<String>,
    first: Option<String>,
    comparison: bool,
}

fn key(question: &str) -> Key {
    let lower = question.to_lowercase();
    let first_sentence = lower.split_inclusive(['?', '.']).next().unwrap_or(&lower);
    let comparison =
        [" vs ", " vs. ", "difference between", " versus ", "compare"].iter().any(|c| first_sentence.contains(c));
    Key {
        words: words::topic_words(question),
        first: words::topic_words_in_order(question).into_iter().next(),
        comparison,
    }
}

fn matches(a: &Key, b: &Key, rare: &dyn Fn(&str) -> bool) -> bool {
    if a.words.is_empty() || b.words.is_empty() || a.comparison != b.comparison {
        return false;
    }
    let inter = a.words.iter().filter(|w| b.words.contains(w)).count();
    if inter == 0 {
        return false;
    }
    let union = a.words.len() + b.words.len() - inter;
    let only_one =
        a.words.iter().filter(|w| !b.words.contains(w)).chain(b.words.iter().filter(|w| !a.words.contains(w)));
    if only_one.into_iter().any(|w| CONTEXT.contains(&w.as_str())) {
        return false;
    }
    let same_rare_subject = a.first.is_some() && a.first == b.first && a.first.as_deref().is_some_and(rare);
    same_rare_subject || inter as f64 / union as f64 >= 0.5
}

/// Groups question texts: returns groups of indices into `questions`, each group sorted, groups
/// ordered by their first index. Every index appears in exactly one group.
pub fn group(questions: &[&str]) -> Vec<Vec<usize>> {
    let keys: Vec<Key> = questions.iter().map(|q| key(q)).collect();
    let mut df: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for k in &keys {
        for w in &k.words {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    let rare = |w: &str| df.get(w).is_some_and(|n| *n <= RARE) && w.len() >= 3;
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match groups.iter_mut().find(|g| matches(&keys[g[0]], k, &rare)) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gil_variants_group_and_the_fastapi_one_stays_apart() {
        let qs = [
            "Explain the Global Interpreter Lock (GIL) and its implications",
            "What is a decorator?",
            "What is the GIL (Global Interpreter Lock)?",
            "How does the GIL affect FastAPI apps?",
            "What is the GIL?",
            "Explain the GIL in detail.",
            "What is a thread?",
            "What is the difference between a list and a tuple?",
            "What is a list?",
        ];
        assert_eq!(group(&qs), vec![vec![0, 2, 4, 5], vec![1], vec![3], vec![6], vec![7], vec![8]]);
    }

    #[test]
    fn matches_do_not_chain() {
        let qs = ["What is the GIL?", "How does the GIL affect threads?", "What is a thread?"];
        let groups = group(&qs);
        assert!(groups.iter().all(|g| !(g.contains(&0) && g.contains(&2))), "{groups:?}");
    }

    #[test]
    fn same_question_differently_worded_groups() {
        let qs = [
            "What are Python decorators?",
            "Explain Python decorators.",
            "What is a Python decorator and how does it work?",
        ];
        assert_eq!(group(&qs), vec![vec![0, 1, 2]]);
    }
}
