//! Matching one key point against the answer: which part of the answer covers it, how fully,
//! and whether that part says the opposite.
//!
//! - Spans: each sentence, and each pair of neighbouring sentences (people explain a point over
//!   two sentences: "A generator function is any def containing yield. Calling it returns a
//!   generator object.").
//! - Weight: each of the point's terms counts by its rarity in the bank. A long point ("… e.g.
//!   emails, logging, cleanups") is judged on its *core*, its six rarest terms, so a point's
//!   examples are not all demanded.
//! - Signals ([`super::model::Signals`]): the share of the core in the best span, of all the
//!   point's terms in the whole answer, of its term pairs; and, for the whole answer, its
//!   likeness to the reference, its length, and how much of it is off the point or only repeats
//!   the question. The fitted model turns them into covered / partial / missed; the best span is
//!   the evidence.
//! - A span whose negation disagrees with the point ("is never released" against "is released")
//!   is never evidence; a sentence that says the opposite (see [`super::reversal`]) makes the
//!   point *contradicted*, whatever else the answer says. Claims about the key as a whole ("no
//!   drawbacks", "X and Y are the same") are judged after, by [`super::claims`].
//! - Support ([`OfflineGrader::support`]): the same measure turned on one quote — how much of a
//!   point a quote the LLM grader was given states, so a verdict is credited only on words that
//!   say the point.

use std::collections::HashSet;

use super::super::offline::OfflineGrader;
use super::model::{Model, Signals};
use super::reversal::{contradicts, prefers_rejected, swapped, weak};
use super::{checks, terms};
use crate::bank::{Claim, Question};
use crate::grader::{MisconceptionFound, PointStatus, PointVerdict};

/// What the grader knows about the whole answer, computed once for all its points.
pub struct Answer<'a> {
    pub text: &'a str,
    pub sentences: Vec<&'a str>,
    pub roles: Vec<String>,
    /// The question's terms: an answer need not repeat them, so they weigh a fifth in a point.
    question: HashSet<String>,
    terms: Vec<String>,
    /// Cosine of the answer's and the reference's rarity-weighted terms.
    pub reference: f64,
    length: f64,
    /// Share of the answer's distinct terms found nowhere in the question, reference or key.
    pub off_point: f64,
    question_only: f64,
}

/// How one wording of a point fared against the answer.
struct Match<'a> {
    signals: Signals,
    /// The best span whose negation agrees with the point.
    evidence: Option<&'a str>,
    /// The sentence that says the opposite.
    /// The sentence that says the opposite, and how it does (a verdict's note).
    contradiction: Option<(&'a str, &'static str)>,
}

/// How much of one key point a quote states: the most a grader may credit on it, and why not
/// more.
#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    /// `Covered`, `Partial` or `Missed`.
    pub most: PointStatus,
    /// Why the quote supports less than `Covered`.
    pub why: Option<String>,
}

/// The wordings of `point` to measure a quote against, each with whether it is the whole point:
/// every wording, and the clauses of a wording that negates ("doesn't make your code
/// thread-safe, …, so shared state still needs locks") — a whole negated wording is credited
/// only on a negated quote, which its positive clauses need not be.
fn parts(point: &Claim) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = point.wordings().map(|w| (w.to_string(), true)).collect();
    for w in point.wordings().filter(|w| checks::negated(w)) {
        for clause in w.split([',', ';']).map(|c| c.replace(" and ", " ")) {
            let clause = clause.trim().trim_start_matches("so ").trim_start_matches("because ").to_string();
            if terms::content(&clause).len() >= 3 {
                out.push((clause, false));
            }
        }
    }
    out
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

fn distinct(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

impl OfflineGrader {
    /// Reads the answer `text` once: sentences, terms, and its whole-answer signals against
    /// `question`.
    pub(crate) fn read<'a>(&self, question: &Question, text: &'a str) -> Answer<'a> {
        let terms_ = terms::content(text);
        let aw = distinct(terms_.clone());
        let reference_text = question.answer.clone().unwrap_or_else(|| question.point_texts().join(" "));
        let mut reference_terms = terms::content(&reference_text);
        reference_terms.extend(question.key_points.iter().flat_map(|k| k.wordings().flat_map(terms::content)));
        let qw: HashSet<String> = terms::content(&question.question).into_iter().collect();
        let key: HashSet<String> = reference_terms.iter().cloned().collect();
        let n = aw.len().max(1) as f64;
        Answer {
            text,
            sentences: checks::sentences(text),
            roles: super::reversal::roles(question),
            reference: self.cosine(&terms_, &reference_terms),
            length: ((1.0 + terms_.len() as f64).ln() / 101f64.ln()).min(1.0),
            off_point: aw.iter().filter(|w| !key.contains(*w) && !qw.contains(*w)).count() as f64 / n,
            question_only: aw.iter().filter(|w| qw.contains(*w) && !key.contains(*w)).count() as f64 / n,
            question: qw,
            terms: terms_,
        }
    }

    /// Cosine of two bags of terms, each term weighted by count × rarity.
    fn cosine(&self, a: &[String], b: &[String]) -> f64 {
        fn bag<'t>(g: &OfflineGrader, ts: &'t [String]) -> std::collections::HashMap<&'t str, f64> {
            let mut m = std::collections::HashMap::new();
            for t in ts {
                *m.entry(t.as_str()).or_default() += g.weight(t);
            }
            m
        }
        let (x, y) = (bag(self, a), bag(self, b));
        let dot: f64 = x.iter().filter_map(|(k, v)| Some(v * y.get(k)?)).sum();
        let norm = |m: &std::collections::HashMap<&str, f64>| m.values().map(|v| v * v).sum::<f64>().sqrt();
        let d = norm(&x) * norm(&y);
        if d > 0.0 { dot / d } else { 0.0 }
    }

    /// The signals of each key point of `question` in `answer`, in the key's order (for the
    /// fitting script, `examples/grader_signals.rs`).
    pub fn signals(&self, question: &Question, answer: &str) -> Vec<Signals> {
        let text = super::super::normalize::text(answer);
        let (text, _) = checks::without_injection(&text);
        let a = self.read(question, &text);
        super::points_of(question)
            .iter()
            .map(|p| {
                p.wordings()
                    .map(|w| self.assess(w, &a).signals)
                    .max_by(|x, y| Model::fitted().probability(x).total_cmp(&Model::fitted().probability(y)))
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The verdict on one key point, over all its wordings: a contradiction of any wording wins;
    /// else the wording the model finds best covered decides.
    pub(crate) fn judge(&self, point: &Claim, a: &Answer) -> PointVerdict {
        let model = Model::fitted();
        // (credit rank, probability, evidence) of the best wording.
        let mut best: Option<(u8, f64, Option<&str>)> = None;
        for wording in point.wordings() {
            let m = self.assess(wording, a);
            if let Some((quote, how)) = m.contradiction {
                return PointVerdict::new(point.text.clone(), PointStatus::Contradicted, Some(quote.to_string()))
                    .with_note(how);
            }
            let p = model.probability(&m.signals);
            let rank = if m.evidence.is_none() {
                0
            } else if p >= model.covered && m.signals.span >= model.span_covered {
                2
            } else if p >= model.partial && m.signals.span >= model.span_partial {
                1
            } else {
                0
            };
            if best.is_none_or(|(r, b, _)| (rank, p) > (r, b)) {
                best = Some((rank, p, m.evidence));
            }
        }
        let quote = |e: Option<&str>| e.map(str::to_string);
        match best {
            Some((2, _, e)) => PointVerdict::new(point.text.clone(), PointStatus::Covered, quote(e)),
            Some((1, _, e)) => PointVerdict::new(point.text.clone(), PointStatus::Partial, quote(e)),
            _ => PointVerdict::new(point.text.clone(), PointStatus::Missed, None),
        }
    }

    /// The entry's misconceptions the answer voices. A misconception shares most of its words
    /// with the key points, so it is matched on what sets it apart: one sentence must hold 60% of
    /// its core weight and half the weight of its *distinctive* terms (those in no key point and
    /// not in the question) — or, when it has none, 60% of its core inside one clause — with
    /// the negation agreeing (a claim stated positively: none of its words negated, so "threads
    /// don't run bytecode in parallel" never voices "threads run in parallel") and the claim not
    /// reversed; and the sentence must not cover a key
    /// point better than it voices the misconception.
    pub(crate) fn misconceptions(
        &self,
        question: &Question,
        a: &Answer,
        verdicts: &[PointVerdict],
    ) -> Vec<MisconceptionFound> {
        if question.misconceptions.is_empty() {
            return Vec::new();
        }
        let mut keyed: std::collections::HashSet<String> = terms::content(&question.question).into_iter().collect();
        for k in &question.key_points {
            keyed.extend(k.wordings().flat_map(terms::content));
        }
        let mut found = Vec::new();
        for m in &question.misconceptions {
            let hit = m.wordings().find_map(|w| self.voiced(w, &keyed, &a.sentences, &a.roles));
            let Some(quote) = hit else { continue };
            let also_covers = verdicts.iter().any(|v| {
                v.status == PointStatus::Covered
                    && v.evidence.as_deref().is_some_and(|e| e.contains(quote))
                    && self.overlap(&v.point, quote) > self.overlap(&m.text, quote)
            });
            if !also_covers {
                found.push(MisconceptionFound { misconception: m.text.clone(), quote: quote.to_string() });
            }
        }
        found
    }

    /// The sentence that voices `claim` (see [`OfflineGrader::misconceptions`]).
    fn voiced<'a>(
        &self,
        claim: &str,
        keyed: &std::collections::HashSet<String>,
        sentences: &[&'a str],
        roles: &[String],
    ) -> Option<&'a str> {
        let mut cw = terms::content(claim);
        cw.sort();
        cw.dedup();
        if cw.len() < 2 {
            return None;
        }
        let mut weights: Vec<f64> = cw.iter().map(|w| self.weight(w)).collect();
        weights.sort_by(|a, b| b.total_cmp(a));
        let core: f64 = weights.iter().take(6).sum();
        let distinctive: Vec<&String> = cw.iter().filter(|w| !keyed.contains(*w)).collect();
        let distinctive_weight: f64 = distinctive.iter().map(|w| self.weight(w)).sum();
        let negated = checks::negated(claim);
        sentences.iter().copied().find(|s| {
            let units: Vec<Vec<String>> = if distinctive.is_empty() {
                super::reversal::clauses(s).into_iter().map(|c| c.0).collect()
            } else {
                vec![terms::content(s)]
            };
            units.iter().any(|sw| {
                let hits: Vec<&String> = cw.iter().filter(|w| sw.contains(w)).collect();
                let got: f64 = hits.iter().map(|w| self.weight(w)).sum();
                let apart: f64 = distinctive.iter().filter(|w| sw.contains(w)).map(|w| self.weight(w)).sum();
                hits.len() >= 2
                    && got >= 0.6 * core
                    && (distinctive.is_empty() || apart >= 0.5 * distinctive_weight)
                    && self.negation_agrees(s, &hits, negated)
                    && (negated || checks::negated_words(s, &hits).is_empty())
                    && !contradicts(claim, s, roles)
                    && !swapped(claim, s, roles)
            })
        })
    }

    /// How far `quote` states `point` of `question`, by the measure that credits a point
    /// offline: the share of a wording's core weight in the quote's best sentence (or pair) —
    /// at least `span_covered` for covered, `span_partial` for partial — the best wording
    /// deciding (a clause of a negated wording credits at most partial, see [`parts`]). A quote
    /// that negates, reverses or swaps the point supports nothing; so does
    /// one holding none of a wording's *distinctive* terms (in no other key point and not in the
    /// question) when it has some, or else none of its terms beyond the question's: one
    /// sentence supports two points only if it states each.
    pub(crate) fn support(&self, question: &Question, point: &Claim, others: &[&Claim], quote: &str) -> Support {
        let model = Model::fitted();
        let a = self.read(question, quote);
        let others: HashSet<String> = others.iter().flat_map(|o| o.wordings().flat_map(terms::content)).collect();
        let quoted: HashSet<&str> = a.terms.iter().map(String::as_str).collect();
        // (credit, share, why not more) of the best wording.
        let mut best: Option<(u8, f64, Option<String>)> = None;
        for (wording, whole) in parts(point) {
            let m = self.assess(&wording, &a);
            if m.contradiction.is_some() {
                return Support {
                    most: PointStatus::Missed,
                    why: Some("the quote says the opposite of this point".into()),
                };
            }
            let share = if m.evidence.is_some() { m.signals.span } else { 0.0 };
            // What the quote must hold some of: the wording's distinctive terms (weak verbs such
            // as "run" or "use" aside), else at least one word beyond the question's.
            let own: Vec<String> = terms::content(&wording).into_iter().filter(|t| !a.question.contains(t)).collect();
            let distinctive: Vec<&String> = own.iter().filter(|t| !others.contains(*t) && !weak(t)).collect();
            let required: Vec<&String> = if distinctive.is_empty() { own.iter().collect() } else { distinctive };
            let judged = if !required.is_empty() && !required.iter().any(|t| quoted.contains(t.as_str())) {
                (0, share, Some("the quote states nothing that sets this point apart from the others".to_string()))
            } else {
                let why = Some(format!("the quote holds {:.0}% of this point's key terms", (share * 100.0).min(100.0)));
                if share >= model.span_covered && whole {
                    (2, share, None)
                } else if share >= model.span_covered {
                    (1, share, Some("the quote states one part of this point".to_string()))
                } else if share >= model.span_partial {
                    (1, share, why)
                } else {
                    (0, share, why)
                }
            };
            if best.as_ref().is_none_or(|(c, s, _)| (judged.0, judged.1) > (*c, *s)) {
                best = Some(judged);
            }
        }
        match best {
            Some((2, _, _)) => Support { most: PointStatus::Covered, why: None },
            Some((1, _, why)) => Support { most: PointStatus::Partial, why },
            Some((_, _, why)) => Support { most: PointStatus::Missed, why },
            None => Support { most: PointStatus::Missed, why: Some("the point has no words to look for".into()) },
        }
    }

    /// Share of `claim`'s weight found in `span`.
    fn overlap(&self, claim: &str, span: &str) -> f64 {
        let mut cw = terms::content(claim);
        cw.sort();
        cw.dedup();
        let sw = terms::content(span);
        let total: f64 = cw.iter().map(|w| self.weight(w)).sum();
        let got: f64 = cw.iter().filter(|w| sw.contains(w)).map(|w| self.weight(w)).sum();
        if total > 0.0 { got / total } else { 0.0 }
    }

    /// Measures one wording of a point against the answer.
    fn assess<'a>(&self, point: &str, a: &Answer<'a>) -> Match<'a> {
        let pw = distinct(terms::content(point));
        let mut m = Match { signals: Signals::default(), evidence: None, contradiction: None };
        if pw.is_empty() {
            return m;
        }
        // A term the question already holds weighs a fifth: "O(log n)" answers "What is the time
        // complexity of binary search?" without repeating "binary search".
        let weight = |w: &String| self.weight(w) * if a.question.contains(w) { 0.2 } else { 1.0 };
        let mut weights: Vec<f64> = pw.iter().map(weight).collect();
        weights.sort_by(|a, b| b.total_cmp(a));
        let core: f64 = weights.iter().take(6).sum();
        let all: f64 = weights.iter().sum();
        let point_negated = checks::negated(point);
        let mut best: Option<(f64, &str, bool, bool)> = None;
        for (span, pair) in spans(a.text, &a.sentences) {
            let sw = terms::content(span);
            let hits: Vec<&String> = pw.iter().filter(|w| sw.contains(w)).collect();
            let got: f64 = hits.iter().map(|w| weight(w)).sum();
            if hits.is_empty() {
                continue;
            }
            if !self.negation_agrees(span, &hits, point_negated) {
                // The answer denies what the point asserts. (A point that negates — "don't hit the
                // database until evaluated" — is often put positively: no contradiction then.)
                if got >= 0.5 * core && hits.len() >= 2 && !pair && !point_negated {
                    m.contradiction = m.contradiction.or(Some((span, "the answer denies it")));
                }
                continue;
            }
            let touched = !checks::negated_words(span, &hits).is_empty();
            // Better: more weight; at equal weight, a single sentence over a pair.
            let better = best.is_none_or(|(b, _, bp, _)| got > b + 1e-9 || (got > b - 1e-9 && bp && !pair));
            if better {
                best = Some((got, span, pair, touched));
            }
        }
        let rarity = |w: &String| self.weight(w);
        let reversed = a.sentences.iter().find_map(|s| {
            let how = if contradicts(point, s, &a.roles) {
                "the answer gives it the opposite quality"
            } else if swapped(point, s, &a.roles) {
                "the answer swaps its roles"
            } else if prefers_rejected(point, s, &rarity) {
                "the answer recommends the alternative it rejects"
            } else {
                return None;
            };
            Some((*s, how))
        });
        if reversed.is_some() {
            m.contradiction = reversed;
        }
        let answer: HashSet<&str> = a.terms.iter().map(String::as_str).collect();
        let whole: f64 = pw.iter().filter(|w| answer.contains(w.as_str())).map(weight).sum();
        let ordered = terms::content(point);
        let pairs: Vec<(&String, &String)> = ordered.windows(2).map(|w| (&w[0], &w[1])).collect();
        let found = pairs.iter().filter(|(x, y)| a.terms.windows(2).any(|w| &w[0] == *x && &w[1] == *y)).count();
        m.signals = Signals {
            span: best.map_or(0.0, |b| (b.0 / core).min(1.0)),
            whole: if all > 0.0 { whole / all } else { 0.0 },
            pairs: if pairs.is_empty() { 0.0 } else { found as f64 / pairs.len() as f64 },
            reference: a.reference,
            length: a.length,
            off_point: a.off_point,
            question_only: a.question_only,
            negation: f64::from(u8::from(best.is_some_and(|b| b.3))),
        };
        m.evidence = best.map(|b| b.1);
        m
    }
}
