//! Grouping near-duplicate questions (the GIL alone is asked about eight times) without
//! gluing different questions together.
//!
//! Each question is reduced to its topic words ([`crate::words::topic_words`]: stemmed content
//! words without framing words such as "explain" or "implications", with "Global Interpreter
//! Lock" folded to `gil`) plus what its code names ([`crate::words::code_words`]: `any()`,
//! `__new__`, `is` and `==`). Two questions are asked the same when:
//!
//! - **their code is the same**: a question's code is part of its identity, so three "What is
//!   the output?" puzzles over different code stay three questions;
//! - both or neither are comparisons ("X vs Y", "difference between"), and the words only one of
//!   them has include no context term (a framework or subsystem such as `fastapi`, `django`,
//!   `asyncio`): "How does the GIL affect FastAPI apps?" stays apart from "What is the GIL?";
//! - their topic words overlap with a Jaccard index of at least 0.5 — or, for two questions
//!   that are not comparisons, both start with the same rare subject word (one found in few
//!   questions of the whole set, such as `gil`);
//! - **their answers say the same thing**: when both have a reference answer, the answers'
//!   content words overlap (overlap coefficient) by at least [`AGREE`] ([`AGREE_SAME_WORDING`]
//!   for near-identical wordings, [`AGREE_SAME_SUBJECT`] when only the rare subject is shared). "How to run migrations?" and "How to run CPU-bound code
//!   safely?" share a word, not an answer.
//!
//! Groups grow greedily in document order and a question joins a group only if it matches the
//! group's first question, so matches do not chain (`gil` ~ `gil thread` ~ `thread`).
//! [`compare`] gives the same judgement with its figures, for `viva bank lint`.
//! Limits: lexical — wording with no shared words ("What does the lock in CPython do?") is not
//! grouped, and two short answers in different words can look as if they disagree.

use std::collections::{HashMap, HashSet};

use crate::bank::import::text::needs_code;
use crate::words;

/// Words that change what a question is about when only one side has them.
const CONTEXT: &[&str] = &[
    "fastapi", "django", "flask", "asyncio", "async", "sqlalchemy", "pydantic", "drf", "celery", "numpy", "pandas",
    "pytest", "redis", "postgresql", "postgres", "docker", "kubernetes", "database", "orm", "api", "test", "class",
    "memory", "performance",
];

/// A subject word found in at most this many questions is rare enough to anchor a group.
const RARE: usize = 12;
/// How much two reference answers must overlap for their questions to be one.
pub const AGREE: f64 = 0.2;
/// The same, for wordings that are nearly identical (topic words' Jaccard ≥ 0.8).
pub const AGREE_SAME_WORDING: f64 = 0.1;
/// The same, for questions that share only their rare subject ("How does asyncio.gather work?"
/// and "What are asyncio.Lock and Semaphore used for?" share `asyncio`, not an answer).
pub const AGREE_SAME_SUBJECT: f64 = 0.4;

/// Words of answers that say nothing about what an answer claims.
const ANSWER_NOISE: &[&str] =
    &["def", "return", "self", "cl", "print", "none", "true", "false", "pass", "python", "example", "use", "used"];

/// One question to group: its wording, the code it shows and its reference answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Item<'a> {
    pub question: &'a str,
    pub code: Option<&'a str>,
    pub answer: Option<&'a str>,
}

struct Key {
    words: Vec<String>,
    first: Option<String>,
    comparison: bool,
    /// The code with its whitespace collapsed.
    code: Option<String>,
    needs_code: bool,
    /// The answer's content words, as a sorted set.
    answer: Option<Vec<String>>,
}

/// Spellings of one subject folded into one before matching ("deepcopy" is "deep copy"); kept
/// here rather than in [`crate::words`], whose tokens the grader matches answers with.
fn fold(question: &str) -> String {
    question.to_lowercase().replace("deepcopy", "deep copy")
}

fn key(item: &Item) -> Key {
    let lower = fold(item.question);
    let first_sentence = lower.split_inclusive(['?', '.']).next().unwrap_or(&lower);
    let comparison =
        [" vs ", " vs. ", "difference between", " versus ", "compare"].iter().any(|c| first_sentence.contains(c));
    let mut words = words::topic_words(&lower);
    words.extend(words::code_words(item.question));
    words.sort();
    words.dedup();
    let mut first: Vec<String> = words::topic_words_in_order(&lower);
    first.extend(words::code_words(item.question));
    let answer = item.answer.filter(|a| !a.trim().is_empty()).map(|a| {
        let mut ws: Vec<String> =
            words::content(a).into_iter().filter(|w| !ANSWER_NOISE.contains(&w.as_str())).collect();
        ws.sort();
        ws.dedup();
        ws
    });
    Key {
        words,
        first: first.into_iter().next(),
        comparison,
        code: item.code.map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|c| !c.is_empty()),
        needs_code: needs_code(item.question),
        answer,
    }
}

/// Which subject words are rare in a set of questions.
pub struct Corpus {
    df: HashMap<String, usize>,
}

impl Corpus {
    pub fn new<'a>(questions: impl IntoIterator<Item = &'a str>) -> Corpus {
        let mut df: HashMap<String, usize> = HashMap::new();
        for q in questions {
            let mut ws = words::topic_words(&fold(q));
            ws.extend(words::code_words(q));
            ws.sort();
            ws.dedup();
            for w in ws {
                *df.entry(w).or_default() += 1;
            }
        }
        Corpus { df }
    }

    fn rare(&self, w: &str) -> bool {
        self.df.get(w).is_some_and(|n| *n <= RARE) && w.len() >= 3
    }
}

/// How alike two questions are, and whether they are one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Likeness {
    /// Jaccard index of the questions' topic and code words.
    pub question: f64,
    /// Overlap of the two reference answers' content words, when both have one.
    pub answers: Option<f64>,
    /// `None` when the two are one question, else why not.
    pub apart: Option<&'static str>,
}

impl Likeness {
    pub fn same(&self) -> bool {
        self.apart.is_none()
    }

    /// One figure for ranking (0–1): the questions' likeness, averaged with the answers' when
    /// both have one.
    pub fn score(&self) -> f64 {
        let s = match self.answers {
            Some(a) => (self.question + a) / 2.0,
            None => self.question,
        };
        (s * 100.0).round() / 100.0
    }
}

/// Whether, and how much, two questions are one.
pub fn compare(a: &Item, b: &Item, corpus: &Corpus) -> Likeness {
    likeness(&key(a), &key(b), corpus)
}

fn likeness(a: &Key, b: &Key, corpus: &Corpus) -> Likeness {
    let inter = a.words.iter().filter(|w| b.words.binary_search(w).is_ok()).count();
    let union = a.words.len() + b.words.len() - inter;
    let question = if union == 0 { 0.0 } else { inter as f64 / union as f64 };
    let answers = match (&a.answer, &b.answer) {
        (Some(x), Some(y)) if !x.is_empty() && !y.is_empty() => {
            let shared = x.iter().filter(|w| y.binary_search(w).is_ok()).count();
            Some(shared as f64 / x.len().min(y.len()) as f64)
        }
        _ => None,
    };
    let apart = apart(a, b, question, inter, answers, corpus);
    Likeness { question, answers, apart }
}

fn apart(a: &Key, b: &Key, jaccard: f64, inter: usize, answers: Option<f64>, corpus: &Corpus) -> Option<&'static str> {
    match (&a.code, &b.code) {
        (Some(x), Some(y)) if x != y => return Some("different code"),
        (Some(_), None) | (None, Some(_)) if a.needs_code || b.needs_code => return Some("only one shows code"),
        _ => {}
    }
    if a.words.is_empty() || b.words.is_empty() || inter == 0 {
        return Some("no words in common");
    }
    if a.comparison != b.comparison {
        return Some("only one is a comparison");
    }
    // "deep copy vs serialization" is not "deep vs shallow copy": each compares something the
    // other does not.
    let leftover = |x: &Key, y: &Key| x.words.iter().any(|w| !y.words.contains(w) && corpus.rare(w));
    if a.comparison && leftover(a, b) && leftover(b, a) {
        return Some("they compare different things");
    }
    let only_one =
        a.words.iter().filter(|w| !b.words.contains(w)).chain(b.words.iter().filter(|w| !a.words.contains(w)));
    if only_one.into_iter().any(|w| CONTEXT.contains(&w.as_str())) {
        return Some("a framework or subsystem only one names");
    }
    let same_rare_subject =
        !a.comparison && a.first.is_some() && a.first == b.first && a.first.as_deref().is_some_and(|w| corpus.rare(w));
    if jaccard < 0.5 && !same_rare_subject {
        return Some("different questions");
    }
    let bar = if jaccard >= 0.8 {
        AGREE_SAME_WORDING
    } else if jaccard < 0.5 {
        AGREE_SAME_SUBJECT
    } else {
        AGREE
    };
    match answers {
        Some(agree) if agree < bar => Some("the answers say different things"),
        _ => None,
    }
}

/// Groups questions: returns groups of indices into `items`, each group sorted, groups ordered
/// by their first index. Every index appears in exactly one group.
pub fn group(items: &[Item]) -> Vec<Vec<usize>> {
    let keys: Vec<Key> = items.iter().map(key).collect();
    let corpus = Corpus::new(items.iter().map(|i| i.question));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Groups by word, so a question is compared only with groups it shares a word with.
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        let mut candidates: Vec<usize> =
            k.words.iter().flat_map(|w| by_word.get(w.as_str()).into_iter().flatten().copied()).collect();
        candidates.sort_unstable();
        candidates.dedup();
        match candidates.into_iter().find(|&g| likeness(&keys[groups[g][0]], k, &corpus).same()) {
            Some(g) => groups[g].push(i),
            None => {
                for w in &k.words {
                    by_word.entry(w.as_str()).or_default().push(groups.len());
                }
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// Pairs of items (by index) that [`compare`] would call one question, with their likeness:
/// the candidates for a missed merge. Only pairs sharing a topic word are compared.
pub fn same_pairs(items: &[Item]) -> Vec<(usize, usize, Likeness)> {
    let keys: Vec<Key> = items.iter().map(key).collect();
    let corpus = Corpus::new(items.iter().map(|i| i.question));
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        for w in &k.words {
            by_word.entry(w.as_str()).or_default().push(i);
        }
    }
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        for w in &k.words {
            for &j in by_word.get(w.as_str()).into_iter().flatten().filter(|&&j| j > i) {
                if seen.insert((i, j)) {
                    let l = likeness(k, &keys[j], &corpus);
                    if l.same() {
                        out.push((i, j, l));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(question: &str) -> Item<'_> {
        Item { question, ..Item::default() }
    }

    fn texts<'a>(qs: &[&'a str]) -> Vec<Item<'a>> {
        qs.iter().map(|s| q(s)).collect()
    }

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
        assert_eq!(group(&texts(&qs)), vec![vec![0, 2, 4, 5], vec![1], vec![3], vec![6], vec![7], vec![8]]);
    }

    #[test]
    fn matches_do_not_chain() {
        let qs = ["What is the GIL?", "How does the GIL affect threads?", "What is a thread?"];
        let groups = group(&texts(&qs));
        assert!(groups.iter().all(|g| !(g.contains(&0) && g.contains(&2))), "{groups:?}");
    }

    #[test]
    fn same_question_differently_worded_groups() {
        let qs = [
            "What are Python decorators?",
            "Explain Python decorators.",
            "What is a Python decorator and how does it work?",
        ];
        assert_eq!(group(&texts(&qs)), vec![vec![0, 1, 2]]);
    }

    /// The three puzzles of source 002 share their wording, not their code.
    #[test]
    fn the_same_wording_over_different_code_never_merges() {
        let items = [
            Item {
                question: "What is the output?",
                code: Some("result = f()\nprint(type(result))"),
                answer: Some("<class 'coroutine'>"),
            },
            Item {
                question: "What is the output?",
                code: Some("class A:\n    def __init_subclass__(cls): ..."),
                answer: Some("Registered B"),
            },
            Item {
                question: "What is the output?",
                code: Some("gen = (x for x in range(5))\nprint(list(gen))"),
                answer: Some("[0, 1, 2, 3, 4] then []"),
            },
            Item {
                question: "What is the output?",
                code: Some("result  = f()\nprint(type(result))"),
                answer: Some("<class 'coroutine'>"),
            },
        ];
        assert_eq!(group(&items), vec![vec![0, 3], vec![1], vec![2]]);
        assert_eq!(compare(&items[0], &items[1], &Corpus::new(["What is the output?"])).apart, Some("different code"));
    }

    #[test]
    fn a_variant_joins_only_when_the_answers_say_the_same_thing() {
        let items = [
            Item {
                question: "How to run migrations?",
                code: None,
                answer: Some("Use Alembic with revision --autogenerate and upgrade head."),
            },
            Item {
                question: "How to run CPU-bound code safely?",
                code: None,
                answer: Some("Offload to a process pool or a background worker."),
            },
            Item {
                question: "Explain duck typing.",
                code: None,
                answer: Some("Behavior determined by methods/attributes, not the object's actual type."),
            },
            Item {
                question: "What is duck typing?",
                code: None,
                answer: Some("If an object behaves as expected, its type is irrelevant."),
            },
            Item {
                question: "Difference between deepcopy and copy.",
                code: None,
                answer: Some("copy is shallow: nested objects are shared; deepcopy copies them recursively."),
            },
            Item {
                question: "Difference between deepcopy and pickle?",
                code: None,
                answer: Some("pickle serialises objects to bytes for storage or transfer."),
            },
        ];
        assert_eq!(group(&items), vec![vec![0], vec![1], vec![2, 3], vec![4], vec![5]]);
    }

    #[test]
    fn is_versus_equals_is_one_question_however_worded() {
        let answer = Some("`is` compares identity (the same object), `==` compares values through __eq__.");
        let items: Vec<Item> = [
            "Difference between is and == in Python?",
            "What's the difference between is and ==?",
            "Difference between is and ==.",
        ]
        .iter()
        .map(|question| Item { question, code: None, answer })
        .collect();
        assert_eq!(group(&items), vec![vec![0, 1, 2]]);
        assert_eq!(same_pairs(&items).len(), 3);
    }
}
