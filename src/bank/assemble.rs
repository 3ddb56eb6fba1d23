//! From parsed documents to bank entries: group near-duplicates, choose each group's best
//! reference answer, classify, estimate difficulty, distil key points and assign stable ids —
//! around what a person already wrote.
//!
//! Re-import over an existing bank: every reviewed entry is kept as it is (id, topic, answer
//! key, variants), and the source questions it covers — its `source` and its variants', or the
//! same wording in the same file — are not imported again. Unreviewed entries are rebuilt and keep
//! their ids (matched by source, then by question text); one whose topic changed gets a new id
//! and keeps the old one in `former_ids`. Existing entries keep their order; new ones are placed
//! by source.
//!
//! Pure and deterministic: the same documents and bank always give the same questions in the
//! same order.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::import::{ParsedDocument, RawQuestion};
use super::{Claim, Difficulty, DifficultyOrigin, Question, Source, Variant, classify, dedupe, distil};

/// A parsed document and the file name it came from.
pub struct Document {
    pub file: String,
    pub parsed: ParsedDocument,
}

/// The source questions a set of reviewed entries covers: by `file:line`, and by file and
/// normalised wording (so a source whose lines moved is still recognised).
struct Covered {
    sources: HashSet<String>,
    wordings: HashSet<(String, String)>,
}

impl Covered {
    fn of<'a>(reviewed: impl Iterator<Item = &'a Question>) -> Covered {
        let mut c = Covered { sources: HashSet::new(), wordings: HashSet::new() };
        for q in reviewed {
            let asked =
                std::iter::once((&q.source, &q.question)).chain(q.variants.iter().map(|v| (&v.source, &v.question)));
            for (source, question) in asked {
                c.sources.insert(source.to_string());
                c.wordings.insert((source.file.clone(), normalise(question)));
            }
        }
        c
    }

    fn covers(&self, file: &str, raw: &RawQuestion) -> bool {
        self.sources.contains(&format!("{file}:{}", raw.line))
            || self.wordings.contains(&(file.to_string(), normalise(&raw.question)))
    }
}

/// Builds bank entries from documents over the `existing` bank (empty for a first import; in
/// its files' order).
pub fn assemble(docs: &[Document], existing: &[Question]) -> Vec<Question> {
    let reviewed: Vec<&Question> = existing.iter().filter(|q| q.reviewed).collect();
    let covered = Covered::of(reviewed.iter().copied());
    let raws: Vec<(&str, &RawQuestion)> = docs
        .iter()
        .flat_map(|d| d.parsed.questions.iter().map(move |q| (d.file.as_str(), q)))
        .filter(|(file, q)| !covered.covers(file, q))
        .collect();
    let items: Vec<dedupe::Item> = raws
        .iter()
        .map(|(_, q)| dedupe::Item { question: &q.question, code: q.code.as_deref(), answer: q.answer.as_deref() })
        .collect();
    let groups = dedupe::group(&items);
    let section_keys: Vec<Option<String>> =
        raws.iter().map(|(file, q)| q.section.as_ref().map(|s| format!("{file}\u{0}{s}"))).collect();
    let trusted = classify::trusted_sections(
        raws.iter()
            .zip(&section_keys)
            .filter_map(|((_, q), key)| Some((key.as_deref()?, q.section.as_deref()?, q.question.as_str()))),
    );

    let mut questions: Vec<Question> = Vec::with_capacity(groups.len());
    for group in groups {
        let Some(best) = group.iter().copied().max_by_key(|&i| (answer_quality(raws[i].1), std::cmp::Reverse(i)))
        else {
            continue;
        };
        let (file, raw) = raws[best];
        let marked = group
            .iter()
            .find_map(|&i| if i == best { raw.difficulty } else { None })
            .or_else(|| group.iter().find_map(|&i| raws[i].1.difficulty));
        let section =
            raw.section.as_deref().filter(|_| section_keys[best].as_deref().is_some_and(|k| trusted.contains(k)));
        let classified = classify::classify(&raw.question, raw.answer.as_deref(), section);
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
        questions.push(Question {
            id: String::new(),
            topic: classified.topic.to_string(),
            difficulty,
            difficulty_origin,
            topic_confidence: Some(classified.confidence),
            question: raw.question.clone(),
            code: raw.code.clone(),
            answer: raw.answer.clone(),
            source_answer: None,
            key_points,
            misconceptions: Vec::new(),
            reviewed: false,
            former_ids: Vec::new(),
            section: raw.section.clone(),
            source: Source { file: file.to_string(), line: raw.line },
            variants,
        });
    }
    assign_ids(&mut questions, existing);
    questions.extend(reviewed.iter().map(|q| (*q).clone()));
    order(questions, existing)
}

/// Gives each new entry (its `id` empty) an id: the id of the unreviewed entry it was before —
/// found by its source, its variants' sources, then its wording — when that entry's topic is
/// still its topic; else a new one, the old id kept in `former_ids`. An answer key with
/// misconceptions (proposed by `viva bank keypoints`) is carried over while the reference is
/// unchanged. An old entry whose questions
/// now sit in an entry that kept another id has its id kept there in `former_ids` too, so every
/// id a transcript may name still resolves.
fn assign_ids(questions: &mut [Question], existing: &[Question]) {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, q) in existing.iter().enumerate().filter(|(_, q)| !q.reviewed) {
        let asked = std::iter::once(q.source.to_string()).chain(q.variants.iter().map(|v| v.source.to_string()));
        for key in asked.chain(std::iter::once(normalise(&q.question))) {
            by_key.entry(key).or_default().push(k);
        }
    }
    let candidates = |q: &Question| -> Vec<usize> {
        let keys = std::iter::once(q.source.to_string())
            .chain(q.variants.iter().map(|v| v.source.to_string()))
            .chain(std::iter::once(normalise(&q.question)));
        let mut out: Vec<usize> = Vec::new();
        for k in keys.flat_map(|k| by_key.get(&k).into_iter().flatten().copied()) {
            if !out.contains(&k) {
                out.push(k);
            }
        }
        out
    };
    // No new entry takes an id the bank has used, even for a question that is gone.
    let mut used: HashSet<String> =
        existing.iter().flat_map(|q| std::iter::once(q.id.clone()).chain(q.former_ids.iter().cloned())).collect();
    let mut claimed: HashSet<usize> = HashSet::new();
    // An old entry each new one continues: the same id where the topic is unchanged.
    for q in questions.iter_mut() {
        let Some(k) = candidates(q).into_iter().find(|k| !claimed.contains(k)) else { continue };
        claimed.insert(k);
        let old = &existing[k];
        // An answer key written for this entry (by `viva bank keypoints`, or by hand without
        // marking it reviewed) stays while the reference it was written for is unchanged.
        if !old.misconceptions.is_empty() && old.answer == q.answer {
            q.key_points = old.key_points.clone();
            q.misconceptions = old.misconceptions.clone();
        }
        if old.id.starts_with(&format!("{}/", q.topic)) {
            q.id = old.id.clone();
            q.former_ids = old.former_ids.clone();
        } else {
            q.former_ids = old.former_ids.iter().cloned().chain(std::iter::once(old.id.clone())).collect();
        }
        used.insert(old.id.clone());
        used.extend(old.former_ids.iter().cloned());
    }
    // Old entries merged into another: their ids resolve to it.
    for q in questions.iter_mut() {
        for k in candidates(q) {
            if claimed.insert(k) {
                let old = &existing[k];
                q.former_ids.push(old.id.clone());
                q.former_ids.extend(old.former_ids.iter().cloned());
                used.insert(old.id.clone());
                used.extend(old.former_ids.iter().cloned());
            }
        }
    }
    for q in questions.iter_mut().filter(|q| q.id.is_empty()) {
        q.id = unique_id(&q.topic, &q.question, &used);
        used.insert(q.id.clone());
    }
    for q in questions.iter_mut() {
        q.former_ids.retain(|f| *f != q.id);
        let mut seen = HashSet::new();
        q.former_ids.retain(|f| seen.insert(f.clone()));
    }
}

/// Entries of the existing bank first, in its order; each new entry before the first existing
/// entry of its topic with a later source (after the topic's last one otherwise).
fn order(questions: Vec<Question>, existing: &[Question]) -> Vec<Question> {
    let rank: HashMap<&str, usize> = existing.iter().enumerate().map(|(i, q)| (q.id.as_str(), i)).collect();
    let (mut out, mut new): (Vec<Question>, Vec<Question>) =
        questions.into_iter().partition(|q| rank.contains_key(q.id.as_str()));
    out.sort_by_key(|q| rank[q.id.as_str()]);
    new.sort_by(|a, b| a.source.cmp(&b.source));
    for q in new {
        let same_topic = |o: &Question| o.topic == q.topic;
        let at = out
            .iter()
            .position(|o| same_topic(o) && o.source > q.source)
            .or_else(|| out.iter().rposition(same_topic).map(|i| i + 1))
            .unwrap_or(out.len());
        out.insert(at, q);
    }
    out
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
        let mut first = assemble(&docs, &[]);
        let ids: Vec<&str> = first.iter().map(|q| q.id.as_str()).collect();
        assert!(ids.iter().all(|id| id.contains('/')), "{ids:?}");
        first[0].id = format!("{}/my-own-id", first[0].topic);
        let again = assemble(&docs, &first);
        assert_eq!(again[0].id, format!("{}/my-own-id", first[0].topic));
        assert_eq!(assemble(&docs, &again), again, "a fixpoint");
    }

    #[test]
    fn reviewed_entries_stay_as_they_are_and_their_questions_are_not_imported_again() {
        let docs = [doc(
            "a.md",
            vec![
                raw("What is a closure?", Some("A function capturing variables from its enclosing scope."), 3),
                raw("What is a decorator?", Some("A callable that wraps a function to extend it."), 7),
                raw("What is a generator?", Some("A function that yields values lazily, one at a time."), 20),
            ],
        )];
        let first = assemble(&docs, &[]);
        // A person merges the generator question into the closure entry, files it under another
        // topic than the classifier's, and writes its key.
        let mut reviewed = first[0].clone();
        reviewed.id = "typing/closures-by-hand".into();
        reviewed.topic = "typing".into();
        reviewed.key_points = vec![Claim::new("A closure keeps the variables of its enclosing scope alive.")];
        reviewed.misconceptions = vec![Claim::new("A closure copies the variables' values when it is defined.")];
        reviewed.reviewed = true;
        assert_eq!(first.len(), 3);
        reviewed.former_ids = vec![first[2].id.clone()];
        reviewed
            .variants
            .push(Variant { question: "Generators?".into(), source: Source { file: "a.md".into(), line: 20 } });
        let bank = vec![reviewed.clone(), first[1].clone()];
        let again = assemble(&docs, &bank);
        assert_eq!(again[0], reviewed);
        assert_eq!(again.len(), 2, "the merged question is not re-created: {again:#?}");
        assert_eq!(again[1], first[1], "the unreviewed entry keeps its id");
    }

    #[test]
    fn a_proposed_answer_key_survives_a_reimport_while_its_reference_is_unchanged() {
        let docs = [doc("a.md", vec![raw("What is a closure?", Some("A function capturing variables."), 3)])];
        let mut bank = assemble(&docs, &[]);
        bank[0].key_points = vec![Claim::new("A closure keeps its enclosing scope's variables alive.")];
        bank[0].misconceptions = vec![Claim::new("A closure copies the variables when it is defined.")];
        assert_eq!(assemble(&docs, &bank), bank);
        let changed = [doc("a.md", vec![raw("What is a closure?", Some("A function and its captured cells."), 3)])];
        let again = assemble(&changed, &bank);
        assert_eq!(again[0].id, bank[0].id);
        assert!(again[0].misconceptions.is_empty(), "a new reference gets a new key");
    }

    #[test]
    fn an_entry_moved_to_another_topic_keeps_its_old_id_as_a_former_one() {
        let docs = [doc("a.md", vec![raw("What is a closure?", Some("A function capturing variables."), 3)])];
        let mut bank = assemble(&docs, &[]);
        let new_topic_id = bank[0].id.clone();
        bank[0].id = "fastapi/closure".into();
        bank[0].topic = "fastapi".into();
        let again = assemble(&docs, &bank);
        assert_eq!(again[0].id, new_topic_id);
        assert_eq!(again[0].former_ids, ["fastapi/closure"]);
        assert_eq!(assemble(&docs, &again), again, "a fixpoint");
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
