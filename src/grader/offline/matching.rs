//! Matching one key point against the answer: which part of the answer covers it, how fully,
//! and whether that part says the opposite.
//!
//! - Spans: each sentence, and each pair of neighbouring sentences (people explain a point over
//!   two sentences: "A generator function is any def containing yield. Calling it returns a
//!   generator object.").
//! - Weight: each of the point's content words counts by its rarity in the bank. A long point
//!   ("… e.g. emails, logging, cleanups") is judged on its *core*, its six rarest words, so a
//!   point's examples are not all demanded.
//! - Credit: a span holding `share` of the core's weight (and two words, one for a one-word
//!   point) covers the point; a span holding at least half of that earns half credit. A single
//!   sentence is preferred to a pair as evidence.
//! - Contradiction: a sentence that ties one of the point's subjects to the opposite quality
//!   ("tuples are mutable" against "immutable: … tuple"; concurrency and parallelism swapped)
//!   earns nothing for that point and is counted; so does a sentence that negates what the
//!   point asserts.

use super::super::offline::OfflineGrader;
use super::checks;
use crate::grader::{PointStatus, PointVerdict};
use crate::words;

/// Opposites, as written; compared after stemming.
const OPPOSITES: &[(&str, &str)] = &[
    ("mutable", "immutable"),
    ("lazy", "eager"),
    ("lazily", "eagerly"),
    ("single", "multiple"),
    ("faster", "slower"),
    ("increase", "decrease"),
    ("more", "less"),
    ("before", "after"),
    ("acquire", "release"),
    ("shallow", "deep"),
    ("same", "different"),
    ("explicit", "implicit"),
    ("explicitly", "implicitly"),
    ("safe", "unsafe"),
    ("enable", "disable"),
    ("cheap", "expensive"),
    ("efficient", "inefficient"),
    ("stateless", "stateful"),
    ("lower", "higher"),
    ("first", "last"),
    ("blocking", "nonblocking"),
    ("inside", "outside"),
    ("persistent", "ephemeral"),
    ("eager", "deferred"),
    ("once", "every"),
];

/// Clauses of a text, as content words: split at `;`, `.`, arrows, brackets, commas, "while",
/// "whereas" and "but"; a comma-separated run of short items ("int, float, str") stays with the
/// clause it lists for.
fn clauses(text: &str) -> Vec<(Vec<String>, bool)> {
    let lower = text.to_lowercase();
    let mut parts: Vec<String> = Vec::new();
    for piece in lower.split([';', '.', '→', '(', ')']) {
        let piece = piece.replace(" while ", ",").replace(" whereas ", ",").replace(" but ", ",");
        for (k, seg) in piece.split(',').enumerate() {
            match parts.last_mut() {
                Some(last) if k > 0 && words::tokens(seg).len() < 3 => {
                    last.push(',');
                    last.push_str(seg);
                }
                _ => parts.push(seg.to_string()),
            }
        }
    }
    parts.iter().map(|p| (words::content(p), checks::negated(p))).filter(|(w, _)| !w.is_empty()).collect()
}

/// Words too general to be a subject ("immutable types" vs "mutable types like lists").
const GENERIC: &[&str] =
    &["type", "object", "value", "thing", "way", "one", "data", "code", "function", "method", "class", "python"];

/// The quality (`a` or `b`) a clause gives its subjects, if exactly one and the clause does not
/// negate ("can't change" would flip the wrong word); with the word the quality qualifies, when
/// one follows it ("single *core*").
fn quality(clause: &(Vec<String>, bool), a: &str, b: &str) -> Option<(bool, Option<String>)> {
    let (has_a, has_b) = (clause.0.iter().any(|w| w == a), clause.0.iter().any(|w| w == b));
    let is_a = match (has_a, has_b, clause.1) {
        (true, false, false) => true,
        (false, true, false) => false,
        _ => return None,
    };
    let at = clause.0.iter().position(|w| w == if is_a { a } else { b })?;
    Some((is_a, clause.0.get(at + 1).filter(|w| !GENERIC.contains(&w.as_str())).cloned()))
}

/// Whether `sentence` ties one of `point`'s subjects to the opposite quality: the point puts
/// `tuple` among the immutable types, the sentence calls tuples mutable; the point puts
/// concurrency on a single core and parallelism on multiple, the sentence swaps them. Subject
/// and quality must share a clause, and the clause must hold one quality of the pair only.
pub fn contradicts(point: &str, sentence: &str) -> bool {
    let (pc, sc) = (clauses(point), clauses(sentence));
    for (a, b) in opposites().iter().map(|(a, b)| (a.as_str(), b.as_str())) {
        let in_point: Vec<(usize, (bool, Option<String>))> =
            pc.iter().enumerate().filter_map(|(i, c)| Some((i, quality(c, a, b)?))).collect();
        if in_point.is_empty() {
            continue;
        }
        for (i, meant) in in_point {
            for subject in &pc[i].0 {
                if *subject == a || *subject == b || GENERIC.contains(&subject.as_str()) || opposite(subject).is_some()
                {
                    continue;
                }
                // The subject must sit in one clause of each text.
                let holding = |cs: &[(Vec<String>, bool)]| cs.iter().filter(|c| c.0.contains(subject)).count();
                if holding(&pc) != 1 || holding(&sc) != 1 {
                    continue;
                }
                let Some(c) = sc.iter().find(|c| c.0.contains(subject)) else { continue };
                // "single core" against "multiple tasks" is no contradiction: when the point's
                // quality qualifies a word, the sentence's must qualify the same one.
                let opposed = quality(c, a, b)
                    .is_some_and(|(said, noun)| said != meant.0 && (meant.1.is_none() || noun == meant.1));
                if opposed {
                    return true;
                }
            }
        }
    }
    false
}

/// How a point fared against the answer.
pub struct Match<'a> {
    /// 0, 0.5 or 1.
    pub credit: f64,
    /// The span that earned the credit.
    pub evidence: Option<&'a str>,
    /// The sentence that says the opposite, when the point is contradicted.
    pub contradiction: Option<&'a str>,
}

impl Match<'_> {
    /// The verdict on `point`: a contradiction wins over any credit.
    pub fn verdict(&self, point: &str) -> PointVerdict {
        let quote = |s: Option<&str>| s.map(str::to_string);
        match (self.contradiction, self.credit) {
            (Some(c), _) => PointVerdict::new(point, PointStatus::Contradicted, Some(c.to_string())),
            (None, c) if c >= 1.0 => PointVerdict::new(point, PointStatus::Covered, quote(self.evidence)),
            (None, c) if c > 0.0 => PointVerdict::new(point, PointStatus::Partial, quote(self.evidence)),
            _ => PointVerdict::new(point, PointStatus::Missed, None),
        }
    }
}

/// The opposite of a stemmed word, if it has one.
fn opposite(stem: &str) -> Option<String> {
    opposites().iter().find_map(|(a, b)| {
        if a == stem {
            Some(b.clone())
        } else if b == stem {
            Some(a.clone())
        } else {
            None
        }
    })
}

/// [`OPPOSITES`], stemmed once.
fn opposites() -> &'static [(String, String)] {
    static STEMMED: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    STEMMED.get_or_init(|| OPPOSITES.iter().map(|(a, b)| (words::stem(a), words::stem(b))).collect())
}

/// Sentences and pairs of neighbouring sentences, as slices of `text` (`sentences` must be
/// slices of `text`).
fn spans<'a>(text: &'a str, sentences: &[&'a str]) -> Vec<(&'a str, bool)> {
    let offset = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
    let mut out: Vec<(&'a str, bool)> = sentences.iter().map(|s| (*s, false)).collect();
    for pair in sentences.windows(2) {
        let (start, end) = (offset(pair[0]), offset(pair[1]) + pair[1].len());
        if start < end && end <= text.len() {
            out.push((&text[start..end], true));
        }
    }
    out
}

impl OfflineGrader {
    /// Assesses `point` against the answer `text` (split into `sentences`, slices of `text`).
    pub(crate) fn assess<'a>(&self, point: &str, text: &'a str, sentences: &[&'a str], share: f64) -> Match<'a> {
        let mut pw = words::content(point);
        pw.sort();
        pw.dedup();
        let none = Match { credit: 0.0, evidence: None, contradiction: None };
        if pw.is_empty() {
            return none;
        }
        let mut weights: Vec<f64> = pw.iter().map(|w| self.weight(w)).collect();
        weights.sort_by(|a, b| b.total_cmp(a));
        let core: f64 = weights.iter().take(6).sum();
        let needed = share * core;
        let needed_words = if pw.len() == 1 { 1 } else { 2 };
        let point_negated = checks::negated(point);
        let mut best: Option<(f64, &str, bool)> = None;
        let mut contradiction = None;
        for (span, pair) in spans(text, sentences) {
            let sw = words::content(span);
            let hits: Vec<&String> = pw.iter().filter(|w| sw.contains(w)).collect();
            let got: f64 = hits.iter().map(|w| self.weight(w)).sum();
            if hits.len() < needed_words || got < needed / 2.0 {
                continue;
            }
            if !self.negation_agrees(span, &hits, point_negated) {
                // The answer denies what the point asserts. (A point that negates — "don't hit the
                // database until evaluated" — is often put positively: no contradiction then.)
                if got >= needed && !pair && !point_negated {
                    contradiction = contradiction.or(Some(span));
                }
                continue;
            }
            // Better: more weight; at equal weight, a single sentence over a pair.
            let better = best.is_none_or(|(b, _, bp)| got > b + 1e-9 || (got > b - 1e-9 && bp && !pair));
            if better {
                best = Some((got, span, pair));
            }
        }
        if let Some(s) = sentences.iter().find(|s| contradicts(point, s)) {
            return Match { contradiction: Some(s), ..none };
        }
        match best {
            Some((got, span, _)) if got >= needed => Match { credit: 1.0, evidence: Some(span), contradiction: None },
            Some((_, span, _)) => Match { credit: 0.5, evidence: Some(span), contradiction },
            None => Match { contradiction, ..none },
        }
    }
}
