//! Per-point verdicts: what a grader decided about each key point of the answer key, and which
//! of the entry's misconceptions the answer voices. Every grader (offline, LLM) fills these in;
//! the score is then computed from them by [`super::score`], never by the grader itself.
//!
//! Invariant: a verdict's `evidence` is a quote from the answer. A `covered` or `partial` verdict
//! quotes the words that earned it; a `contradicted` verdict quotes the words that say the
//! opposite; a `missed` verdict quotes nothing. A quote that negates or reverses its point is
//! never the evidence of a `covered` verdict.

use serde::{Deserialize, Serialize};

use super::{Covered, CriterionScore, Grade, GradeStatus, GraderInfo, Provenance};

/// How an answer fared on one key point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PointStatus {
    /// Stated, in the answer's own words or the key's.
    Covered,
    /// Part of it, or said vaguely: half credit.
    Partial,
    /// Not in the answer.
    Missed,
    /// The answer states the opposite (negated, reversed, roles swapped): no credit, and the
    /// answer's correctness is capped.
    Contradicted,
}

impl PointStatus {
    /// The mark shown beside the point: ✓ covered, ~ partial, ✗ missed, ⚠ contradicted.
    pub fn mark(self) -> &'static str {
        match self {
            PointStatus::Covered => "✓",
            PointStatus::Partial => "~",
            PointStatus::Missed => "✗",
            PointStatus::Contradicted => "⚠",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PointStatus::Covered => "covered",
            PointStatus::Partial => "partial",
            PointStatus::Missed => "missed",
            PointStatus::Contradicted => "contradicted",
        }
    }
}

/// The verdict on one key point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointVerdict {
    /// The key point, as the answer key states it.
    pub point: String,
    pub status: PointStatus,
    /// The quote from the answer behind the verdict (none for `missed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Why the verdict is lower than the grader asked (an LLM verdict whose quote is not in the
    /// answer, or does not state the point), or how the quote contradicts the point (the offline
    /// grader: "the answer gives it the opposite quality").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PointVerdict {
    pub fn new(point: impl Into<String>, status: PointStatus, evidence: Option<String>) -> PointVerdict {
        PointVerdict { point: point.into(), status, evidence, note: None }
    }

    /// The verdict with `note` saying why it is lower than asked.
    pub fn with_note(mut self, note: impl Into<String>) -> PointVerdict {
        self.note = Some(note.into());
        self
    }

    /// The evidence, or an empty string.
    pub fn quote(&self) -> &str {
        self.evidence.as_deref().unwrap_or("")
    }

    /// One line for a report: the mark, the point, and the quote with what it shows.
    pub fn line(&self) -> String {
        let line = self.bare_line();
        match &self.note {
            Some(note) => format!("{line} ({note})"),
            None => line,
        }
    }

    fn bare_line(&self) -> String {
        match (self.status, self.evidence.as_deref()) {
            (PointStatus::Contradicted, Some(q)) => {
                format!("{} {} — contradicted: “{q}”", self.status.mark(), self.point)
            }
            (PointStatus::Covered | PointStatus::Partial, Some(q)) => {
                format!("{} {} — “{q}”", self.status.mark(), self.point)
            }
            _ => format!("{} {}", self.status.mark(), self.point),
        }
    }
}

/// One of the entry's misconceptions, found in the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MisconceptionFound {
    /// The misconception, as the answer key states it.
    pub misconception: String,
    /// The words of the answer that voice it.
    pub quote: String,
}

impl MisconceptionFound {
    /// One line for a report.
    pub fn line(&self) -> String {
        format!("⚠ misconception: {} — “{}”", self.misconception, self.quote)
    }
}

/// How a grade is read: today's `points`, or the `covered`/`missed` lists of transcripts written
/// before per-point verdicts, turned into verdicts (covered, then missed).
#[derive(Deserialize)]
pub(super) struct GradeIn {
    status: GradeStatus,
    score: Option<f64>,
    #[serde(default)]
    criteria: Vec<CriterionScore>,
    #[serde(default)]
    points: Vec<PointVerdict>,
    #[serde(default)]
    misconceptions: Vec<MisconceptionFound>,
    #[serde(default)]
    covered: Vec<Covered>,
    #[serde(default)]
    missed: Vec<String>,
    #[serde(default)]
    feedback: String,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    reason: Option<String>,
    grader: GraderInfo,
    #[serde(default)]
    provenance: Option<Provenance>,
}

impl From<GradeIn> for Grade {
    fn from(g: GradeIn) -> Grade {
        let points = if g.points.is_empty() {
            let covered =
                g.covered.into_iter().map(|c| PointVerdict::new(c.point, PointStatus::Covered, Some(c.evidence)));
            let missed = g.missed.into_iter().map(|m| PointVerdict::new(m, PointStatus::Missed, None));
            covered.chain(missed).collect()
        } else {
            g.points
        };
        Grade {
            status: g.status,
            score: g.score,
            criteria: g.criteria,
            points,
            misconceptions: g.misconceptions,
            feedback: g.feedback,
            flags: g.flags,
            reason: g.reason,
            grader: g.grader,
            provenance: g.provenance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grade_written_before_verdicts_reads_as_verdicts() {
        let old = r#"{"status":"graded","score":6.5,"criteria":[],"covered":[{"point":"A lock","evidence":"a mutex"}],
            "missed":["Released during I/O"],"feedback":"","flags":[],"grader":{"kind":"offline","version":"offline-4"}}"#;
        let g: Grade = serde_json::from_str(old).unwrap();
        assert_eq!(g.points.len(), 2);
        assert_eq!(g.covered().next().unwrap().quote(), "a mutex");
        assert_eq!(g.missed(), ["Released during I/O"]);
        let written = serde_json::to_value(&g).unwrap();
        assert_eq!(written["points"][0]["status"], "covered");
        assert_eq!(written["points"][1]["status"], "missed");
        assert!(written.get("covered").is_none());
        let again: Grade = serde_json::from_value(written).unwrap();
        assert_eq!(again, g);
    }

    #[test]
    fn each_status_has_its_own_mark_and_a_contradiction_names_its_quote() {
        let marks: Vec<&str> =
            [PointStatus::Covered, PointStatus::Partial, PointStatus::Missed, PointStatus::Contradicted]
                .map(PointStatus::mark)
                .to_vec();
        let mut unique = marks.clone();
        unique.dedup();
        assert_eq!(unique.len(), 4);
        let v = PointVerdict::new("Only one thread runs bytecode", PointStatus::Contradicted, Some("all cores".into()));
        assert_eq!(v.line(), "⚠ Only one thread runs bytecode — contradicted: “all cores”");
    }
}
