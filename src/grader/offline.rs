//! The offline grader: a verdict per key point of the answer key, the misconceptions voiced,
//! and the score from [`super::score`]. Deterministic, no network, about a millisecond an answer.
//!
//! How it works:
//! - The answer is normalised ([`super::normalize`]), instructions to the grader are removed and
//!   flagged; empty and "I don't know" answers stop here (0); an answer in another language or
//!   to a question without an answer key is `ungraded`, with the reason.
//! - Each key point (and each of its alternative wordings) is matched against sentences and
//!   pairs of sentences on [`terms`] (stems, a field thesaurus), weighted by rarity in the bank,
//!   the question's own words counting a fifth ([`matching`]). The signals go through a model
//!   fitted on development data ([`model`], `weights.json`); a point is credited only on a quote
//!   that states it. A sentence that negates or reverses the point, or swaps its roles
//!   ([`reversal`]), or denies it as a whole ("no drawbacks", "X and Y are the same":
//!   [`claims`]), makes it *contradicted*.
//! - The entry's misconceptions are matched on what sets them apart from the key points.
//! - Depth (reasons, examples, the reference's specifics) and clarity (sentences, length) are
//!   measured, and count by relevance: the points covered, or the answer's likeness to the
//!   reference (rarity-weighted cosine) when that is more; a long answer mostly off the point is *rambling*. Cheap tricks are flagged: a
//!   keyword list, the question echoed, another question's reference pasted in, overclaiming.
//!
//! Where it is weak: it reads words, not meaning. A wrong claim in words of its own, or a
//! correct answer in unusual words, can be misjudged; the LLM grader is the better judge there.

use std::collections::HashMap;

use super::{Covered, CriterionScore, Grade, GradeStatus, Grader, GraderInfo, PointStatus, PointVerdict, score};
use crate::bank::{Claim, Question};
use crate::words;

/// Bump when the method changes: recorded with every grade.
pub const VERSION: &str = "offline-6";

/// Share of an answer's terms off the point from which a long answer is rambling.
const RAMBLING_OFF_POINT: f64 = 0.7;

/// A question's reference as word trigrams, to recognise a pasted reference, and the content
/// words of the question, its reference and key points, to recognise an answer to it.
struct Reference {
    id: String,
    trigrams: std::collections::HashSet<[String; 3]>,
}

/// Consecutive word triples: copying keeps them, writing your own answer rarely does.
fn trigrams(text: &str) -> std::collections::HashSet<[String; 3]> {
    let t = words::tokens(text);
    t.windows(3).map(|w| [w[0].clone(), w[1].clone(), w[2].clone()]).collect()
}

/// Word rarity over the bank.
struct Rarity {
    idf: HashMap<String, f64>,
    default: f64,
}

pub struct OfflineGrader {
    /// Inverse document frequency of terms over all key points, built on first need.
    rarity: std::sync::OnceLock<Rarity>,
    /// The bank's references as trigrams, built on first need.
    references: std::sync::OnceLock<Vec<Reference>>,
    /// Each bank question's id and vocabulary, built on first need (off the path to the first
    /// question).
    vocabularies: std::sync::OnceLock<Vec<(String, std::collections::HashSet<String>)>>,
    bank: Vec<Question>,
}

impl OfflineGrader {
    /// Builds a grader knowing every question of the bank (word rarity, copied references).
    /// Nothing is computed here: rarity and the references' trigrams are built on the first
    /// grade, off the path to the first question.
    pub fn new(bank: &[Question]) -> OfflineGrader {
        OfflineGrader {
            rarity: std::sync::OnceLock::new(),
            references: std::sync::OnceLock::new(),
            vocabularies: std::sync::OnceLock::new(),
            bank: bank.to_vec(),
        }
    }

    /// Inverse document frequency of each term over the bank's key points.
    fn rarity(&self) -> &Rarity {
        self.rarity.get_or_init(|| {
            let mut df: HashMap<String, usize> = HashMap::new();
            let mut docs = 0usize;
            for q in &self.bank {
                for kp in &q.key_points {
                    docs += 1;
                    let mut ws = terms::content(&kp.text);
                    ws.sort();
                    ws.dedup();
                    for w in ws {
                        *df.entry(w).or_default() += 1;
                    }
                }
            }
            let n = docs.max(1) as f64;
            let idf = df.into_iter().map(|(w, d)| (w, (1.0 + n / d as f64).ln())).collect();
            Rarity { idf, default: (1.0 + n).ln() }
        })
    }

    fn references(&self) -> &[Reference] {
        self.references.get_or_init(|| {
            self.bank
                .iter()
                .filter_map(|q| Some(Reference { id: q.id.clone(), trigrams: trigrams(q.answer.as_deref()?) }))
                .collect()
        })
    }

    fn weight(&self, word: &str) -> f64 {
        let r = self.rarity();
        r.idf.get(word).copied().unwrap_or(r.default)
    }

    /// Whether the answer fits another question of the bank clearly better than this one: the
    /// share of its (rarity-weighted) words found in the other question's vocabulary beats
    /// this question's by 0.2 and reaches 0.4.
    fn answers_another(&self, text: &str, own: &std::collections::HashSet<String>, question: &Question) -> bool {
        let mut aw = terms::content(text);
        aw.sort();
        aw.dedup();
        let total: f64 = aw.iter().map(|w| self.weight(w)).sum();
        if total <= 0.0 || aw.len() < 6 {
            return false;
        }
        let fit = |vocab: &std::collections::HashSet<String>| {
            aw.iter().filter(|w| vocab.contains(*w)).map(|w| self.weight(w)).sum::<f64>() / total
        };
        let own = fit(own);
        let vocabularies =
            self.vocabularies.get_or_init(|| self.bank.iter().map(|q| (q.id.clone(), checks::vocabulary(q))).collect());
        let other = vocabularies.iter().filter(|(id, _)| *id != question.id).map(|(_, v)| fit(v)).fold(0.0, f64::max);
        other >= 0.4 && other >= own + 0.2
    }
}

pub(crate) mod checks;
mod claims;
mod matching;
pub use matching::Support;
pub mod model;
pub(crate) mod reversal;
pub(crate) mod terms;

impl Grader for OfflineGrader {
    fn info(&self) -> GraderInfo {
        GraderInfo { kind: "offline".into(), model: None, version: VERSION.into() }
    }

    fn recheck(&self, _question: &Question, answer: &str, point: &str) -> Option<Covered> {
        OfflineGrader::recheck(self, point, answer)
    }

    fn grade(&self, question: &Question, answer: &str) -> Grade {
        let mut flags: Vec<String> = Vec::new();
        let normalized = super::normalize::text(answer);
        let (text, injected) = checks::without_injection(&normalized);
        if injected {
            flags.push("injection".into());
        }
        if let Some(flag) = checks::empty_or_dont_know(&text) {
            flags.push(flag.into());
            return self.zero(question, flags, "No answer to grade.");
        }
        let points = points_of(question);
        if points.is_empty() {
            let mut g =
                Grade::ungraded(self.info(), "this question has no reference answer or key points to grade against");
            g.flags = flags;
            return g;
        }
        if let Some(reason) = checks::other_language(&text) {
            let mut g = Grade::ungraded(self.info(), format!("{reason}: the offline grader reads English only"));
            flags.push("other-language".into());
            g.flags = flags;
            g.points = points.iter().map(|p| PointVerdict::new(p.text.clone(), PointStatus::Missed, None)).collect();
            return g;
        }
        let read = self.read(question, &text);
        let mut verdicts: Vec<PointVerdict> = points.iter().map(|point| self.judge(point, &read)).collect();
        claims::judge(&question.question, &points, &read.sentences, &mut verdicts);
        let misconceptions = self.misconceptions(question, &read, &verdicts);
        if !misconceptions.is_empty() {
            flags.push("misconception".into());
        }
        let mut depth = checks::depth(&text, question.answer.as_deref().unwrap_or("")) / 2.0;
        let mut clarity = checks::clarity(&text) / 2.0;
        // Rambling: a long answer mostly about something else, its points buried. Judged by how
        // much of it is on point (the threshold chosen on the calibration dev split, where strong
        // answers stay under 0.65 and rambling ones are over 0.7).
        if read.off_point >= RAMBLING_OFF_POINT && terms::content(&text).len() >= 40 {
            flags.push("rambling".into());
            depth *= 1.0 - read.off_point;
            clarity *= 1.0 - read.off_point;
        }
        if checks::is_keyword_list(&text) {
            flags.push("keyword-stuffing".into());
        }
        if !verdicts.iter().any(|v| v.status == PointStatus::Covered) {
            let vocabulary = checks::vocabulary(question);
            if checks::is_off_topic(&text, &vocabulary) || self.answers_another(&text, &vocabulary, question) {
                flags.push("off-topic".into());
            }
        }
        // A key point stated the wrong way round: the mark of a confidently wrong answer that
        // uses the right words.
        if verdicts.iter().any(|v| v.status == PointStatus::Contradicted) {
            flags.push("contradiction".into());
        }
        // Judged on the whole answer: removing an injected sentence must never lift the cap.
        if checks::overclaims(&text) || checks::overclaims(answer) {
            flags.push("overclaiming".into());
        }
        if checks::is_echo(&text, question) {
            flags.push("echo".into());
        }
        match self.copied_reference(&text, question) {
            Some(Copy::Other) => flags.push("copied-reference".into()),
            Some(Copy::Own) => flags.push("verbatim-reference".into()),
            None => {}
        }
        let judgement = score::Judgement {
            points: &verdicts,
            misconceptions: &misconceptions,
            depth,
            clarity,
            likeness: read.reference,
            flags: &flags,
        };
        let scored = score::score(&judgement, &score::RUBRIC);
        let covered = verdicts.iter().filter(|v| v.status == PointStatus::Covered).count();
        let criteria = score::criteria(
            &scored,
            &score::RUBRIC,
            [
                format!("{covered} of {} covered.", crate::ui::plural(points.len(), "key point")),
                checks::depth_feedback(scored.criteria[1]).into(),
                checks::clarity_feedback(scored.criteria[2]).into(),
            ],
        );
        let feedback = feedback(&verdicts, &flags);
        Grade {
            status: GradeStatus::Graded,
            score: Some(scored.score),
            criteria,
            points: verdicts,
            misconceptions,
            feedback,
            flags,
            reason: None,
            grader: self.info(),
            provenance: None,
        }
    }
}

/// The key points to grade against: the answer key's; without any, the reference's first
/// checkable sentences (never a line of its code, a comment or a heading:
/// [`crate::bank::keycheck`]); for a short reference ("Evaporation.", "O(log n)"), the reference
/// itself.
pub(crate) fn points_of(question: &Question) -> Vec<Claim> {
    if !question.key_points.is_empty() {
        return question.key_points.clone();
    }
    let Some(reference) = question.answer.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    let sentences: Vec<Claim> = checks::sentences(reference)
        .into_iter()
        .filter(|s| terms::content(s).len() >= 3 && crate::bank::keycheck::fault(s).is_none())
        .take(4)
        .map(Claim::new)
        .collect();
    if sentences.is_empty() && !terms::content(reference).is_empty() { vec![Claim::new(reference)] } else { sentences }
}

enum Copy {
    Own,
    Other,
}

impl OfflineGrader {
    fn zero(&self, _q: &Question, flags: Vec<String>, feedback: &str) -> Grade {
        Grade {
            status: GradeStatus::Graded,
            score: Some(0.0),
            criteria: ["coverage", "depth", "clarity"]
                .iter()
                .zip([6.0, 2.0, 2.0])
                .map(|(id, max)| CriterionScore {
                    id: id.to_string(),
                    score: 0.0,
                    max,
                    feedback: "Nothing to assess.".into(),
                })
                .collect(),
            points: _q.point_texts().into_iter().map(|p| PointVerdict::new(p, PointStatus::Missed, None)).collect(),
            misconceptions: Vec::new(),
            feedback: feedback.into(),
            flags,
            reason: None,
            grader: self.info(),
            provenance: None,
        }
    }

    /// An appeal ("I did cover X"): the point is looked for again in the answer alone — the
    /// argument is never evidence — with a lower bar (a third of the point's weight, two words
    /// in one sentence, negation still respected).
    pub fn recheck(&self, point: &str, answer: &str) -> Option<Covered> {
        let (text, _) = checks::without_injection(answer);
        let sentences = checks::sentences(&text);
        self.match_with(point, &sentences, 0.34).map(|s| Covered { point: point.to_string(), evidence: s.to_string() })
    }

    fn match_with<'a>(&self, point: &str, sentences: &[&'a str], share: f64) -> Option<&'a str> {
        let mut pw = terms::content(point);
        pw.sort();
        pw.dedup();
        if pw.is_empty() {
            return None;
        }
        let total: f64 = pw.iter().map(|w| self.weight(w)).sum();
        let point_negated = checks::negated(point);
        let mut best: Option<(f64, &str)> = None;
        for s in sentences {
            let sw = terms::content(s);
            let hits: Vec<&String> = pw.iter().filter(|w| sw.contains(w)).collect();
            let got: f64 = hits.iter().map(|w| self.weight(w)).sum();
            let needed_words = if pw.len() == 1 { 1 } else { 2 };
            if hits.len() >= needed_words
                && got >= share * total
                && self.negation_agrees(s, &hits, point_negated)
                && best.is_none_or(|(b, _)| got > b)
            {
                best = Some((got, s));
            }
        }
        best.map(|(_, s)| s)
    }

    /// A sentence earns a positive point only if most of the matched weight is not negated, and
    /// a negative point ("do not run in parallel") only if the sentence negates too.
    fn negation_agrees(&self, sentence: &str, hits: &[&String], point_negated: bool) -> bool {
        if point_negated {
            return checks::negated(sentence);
        }
        let total: f64 = hits.iter().map(|w| self.weight(w)).sum();
        let negated: f64 = checks::negated_words(sentence, hits).iter().map(|w| self.weight(w)).sum();
        negated * 2.0 < total
    }

    /// Whether the answer is (mostly) a reference answer, this question's or another's: most of
    /// its word trigrams appear in that reference.
    fn copied_reference(&self, text: &str, question: &Question) -> Option<Copy> {
        let mine = trigrams(text);
        if mine.len() < 10 {
            return None;
        }
        let share = |r: &Reference| mine.iter().filter(|t| r.trigrams.contains(*t)).count() as f64 / mine.len() as f64;
        let own = self.references().iter().find(|r| r.id == question.id).map_or(0.0, share);
        if own >= 0.6 {
            return Some(Copy::Own);
        }
        let other = self.references().iter().filter(|r| r.id != question.id).map(share).fold(0.0, f64::max);
        (other >= 0.6).then_some(Copy::Other)
    }
}

fn feedback(verdicts: &[PointVerdict], flags: &[String]) -> String {
    let mut parts = Vec::new();
    if let Some(c) = verdicts.iter().find(|v| v.status == PointStatus::Covered) {
        parts.push(format!("You covered: {}.", c.point.trim_end_matches('.')));
    }
    if let Some(c) = verdicts.iter().find(|v| v.status == PointStatus::Contradicted) {
        parts.push(format!("Your answer says the opposite of: {}.", c.point.trim_end_matches('.')));
    }
    if let Some(m) = verdicts.iter().find(|v| matches!(v.status, PointStatus::Missed | PointStatus::Partial)) {
        parts.push(format!("Most important gap: {}.", m.point.trim_end_matches('.')));
    }
    if flags.iter().any(|f| f == "injection") {
        parts.push("Instructions to the grader were ignored and earn nothing.".into());
    }
    if parts.is_empty() {
        parts.push("Nothing matched the reference answer.".into());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests;
