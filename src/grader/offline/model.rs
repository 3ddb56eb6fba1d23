//! How the offline grader turns what it measured about a key point into a verdict: a logistic
//! model over a few signals, with weights fitted by `scripts/fit-grader.py` on development data
//! (the shipped calibration set's `dev` split and the SciEntsBank training set) and embedded from
//! `weights.json`. The held-out half is never used to fit or to choose a threshold.
//!
//! `p = σ(bias + Σ wᵢ·signalᵢ)`: the point is *covered* when `p ≥ covered` and its best span
//! holds at least `span_covered` of its core weight, *partial* when `p ≥ partial` and the span
//! holds `span_partial`, else *missed* (a contradiction is decided before, and wins). The span
//! bars keep every ✓ honest: the answer as a whole may resemble the reference, but a point is
//! only credited on a quote that states it.

use serde::{Deserialize, Serialize};

/// What the grader measured about one key point in one answer; every signal is 0–1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Signals {
    /// Weighted share of the point's core terms in its best span (one sentence or two).
    pub span: f64,
    /// Weighted share of all the point's terms anywhere in the answer.
    pub whole: f64,
    /// Share of the point's consecutive term pairs found in the answer.
    pub pairs: f64,
    /// Cosine of the answer's and the reference's rarity-weighted terms.
    pub reference: f64,
    /// Length of the answer: ln(1 + terms) / ln(101), at most 1.
    pub length: f64,
    /// Share of the answer's distinct terms found nowhere in the question, reference or key.
    pub off_point: f64,
    /// Share of the answer's distinct terms that only repeat the question.
    pub question_only: f64,
    /// The best span negates some of the point's words (not enough to deny it).
    pub negation: f64,
}

/// Signal names, in the order of [`Signals::values`] and of the weights.
pub const NAMES: [&str; 8] =
    ["span", "whole", "pairs", "reference", "length", "off_point", "question_only", "negation"];

impl Signals {
    pub fn values(&self) -> [f64; 8] {
        [
            self.span, self.whole, self.pairs, self.reference, self.length, self.off_point, self.question_only,
            self.negation,
        ]
    }
}

/// The fitted model.
#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    pub bias: f64,
    /// One weight per name of [`NAMES`].
    pub weights: std::collections::BTreeMap<String, f64>,
    /// Probability thresholds of a covered and a partial point.
    pub covered: f64,
    pub partial: f64,
    /// Least share of the point's core weight in the evidence of a covered, and a partial, point.
    pub span_covered: f64,
    pub span_partial: f64,
}

impl Model {
    /// The embedded model (`weights.json`), parsed once.
    pub fn fitted() -> &'static Model {
        static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
        MODEL.get_or_init(|| {
            serde_json::from_str(include_str!("weights.json")).expect("weights.json is checked by a test")
        })
    }

    /// The chance the point is covered, given `s`.
    pub fn probability(&self, s: &Signals) -> f64 {
        let z = self.bias
            + NAMES.iter().zip(s.values()).map(|(n, v)| self.weights.get(*n).copied().unwrap_or(0.0) * v).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_weights_name_every_signal_and_order_their_thresholds() {
        let m = Model::fitted();
        for n in NAMES {
            assert!(m.weights.contains_key(n), "weights.json lacks {n}");
        }
        assert!(0.0 < m.partial && m.partial < m.covered && m.covered < 1.0);
        let full = Signals { span: 1.0, whole: 1.0, pairs: 1.0, reference: 0.8, length: 0.5, ..Default::default() };
        assert!(m.probability(&full) >= m.covered, "a point stated in full is covered");
        // Nothing of the point in the answer: below the covered bar on probability alone (and the
        // span bars keep it missed whatever the probability).
        assert!(m.probability(&Signals { length: 0.5, off_point: 1.0, ..Default::default() }) < m.covered);
        assert!(m.span_partial > 0.0 && m.span_partial < m.span_covered);
    }
}
