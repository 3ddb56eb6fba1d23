//! Calibration: how closely a grader agrees with an expert on a labelled set of answers.
//!
//! [`set`] reads the set (JSON Lines), [`stats`] computes agreement, [`render`] prints it.
//! [`run`] grades every answer with bounded concurrency and builds the [`Summary`]: overall
//! agreement, per label (excellent … wrong), per adversarial kind with how many answers the
//! grader *inflated* (scored more than 2 points above the expert), per split (`dev` /
//! `heldout`), how well scores separate correct answers from the rest and from contradictory
//! ones (AUC), and every item. A grade that fails, or an answer the grader cannot judge
//! (`ungraded`), is reported as such with its reason and left out of the figures, never dropped
//! silently.
//!
//! Each answer is graded as an interview would grade it: against the bank entry's answer key
//! (key points and misconceptions) when the line names a bank entry (`question_id`) or asks a
//! bank question (with its code); otherwise against the line's own `key_points` or
//! `reference`. Each item says which (`answer_key`: `bank:<id>` or `line`).

pub mod render;
pub mod set;
pub mod stats;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::bank::Question;
use crate::grader::service::{self, GradingService};
use crate::grader::{Grade, GradeStatus, Grader, GraderInfo};
pub use set::{BadLine, Sample};
use stats::{Agreement, round3};

/// How far above the expert a score must be to count as inflated.
pub const INFLATION_MARGIN: f64 = 2.0;

/// One graded sample.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub id: String,
    pub expert_score: f64,
    pub score: Option<f64>,
    /// `graded`, `pending`, `failed` or `ungraded`.
    pub status: String,
    /// What the answer was graded against: `bank:<id>` (that entry's answer key) or `line`.
    pub answer_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adversarial: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The verdict on each key point, with the quote behind it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<crate::grader::PointVerdict>,
    /// Misconceptions found in the answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misconceptions: Vec<crate::grader::MisconceptionFound>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub answer: String,
    #[serde(skip)]
    pub rationale: Option<String>,
}

/// Figures for one label.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub n: usize,
    pub mean_expert: f64,
    pub mean_score: f64,
    pub mae: f64,
    /// Answers scored more than [`INFLATION_MARGIN`] above the expert.
    pub inflated: usize,
    /// The highest score given in the group.
    pub max_score: f64,
}

/// How well scores separate correct answers (labels `correct`, `excellent`, `good`) from the
/// rest, and from contradictory ones (labels `contradictory`, `wrong`): areas under the ROC
/// curve, `None` when the labels do not allow it.
#[derive(Debug, Clone, Serialize)]
pub struct Separation {
    pub auc_correct_vs_rest: Option<f64>,
    pub auc_correct_vs_contradictory: Option<f64>,
}

/// Labels counted as correct, and as contradictory, for [`Separation`].
pub const CORRECT_LABELS: &[&str] = &["correct", "excellent", "good"];
pub const CONTRADICTORY_LABELS: &[&str] = &["contradictory", "wrong"];

/// Agreement of one split, with its own groups.
#[derive(Debug, Clone, Serialize)]
pub struct SplitSummary {
    #[serde(flatten)]
    pub agreement: Agreement,
    #[serde(flatten)]
    pub separation: Separation,
    pub by_label: BTreeMap<String, Group>,
    pub by_adversarial: BTreeMap<String, Group>,
}

/// Everything `viva calibrate` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub agreement: Agreement,
    #[serde(flatten)]
    pub separation: Separation,
    /// Answers whose grade failed or stayed pending (left out of the figures).
    pub failed: usize,
    pub by_label: BTreeMap<String, Group>,
    pub by_adversarial: BTreeMap<String, Group>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_split: BTreeMap<String, SplitSummary>,
    pub grader: GraderInfo,
    pub items: Vec<ItemResult>,
}

/// The question each sample is graded as, and what its answer key is (`bank:<id>` or `line`).
pub fn answer_keys(samples: &[Sample], bank: &[Question]) -> Vec<(Question, String)> {
    samples
        .iter()
        .map(|s| match s.bank_entry(bank) {
            Some(q) => (q.clone(), format!("bank:{}", q.id)),
            None => (s.to_question(), "line".to_string()),
        })
        .collect()
}

/// Grades every sample as `keyed` (from [`answer_keys`], same order) with `grader` through the
/// grading service, `workers` at a time; `on_done` is called after each grade (for a progress
/// bar).
pub fn grade_all(
    samples: &[Sample],
    keyed: &[(Question, String)],
    grader: Arc<dyn Grader>,
    workers: usize,
    on_done: &dyn Fn(),
) -> Vec<Grade> {
    let jobs: Vec<(Question, String)> =
        samples.iter().zip(keyed).map(|(s, k)| (k.0.clone(), s.answer.clone())).collect();
    let mut grades: Vec<Option<Grade>> = vec![None; jobs.len()];
    let service = GradingService::new(grader.clone(), workers);
    let _ = service::grade_all(&service, jobs, |batch| -> Result<bool, ()> {
        for (i, g) in batch {
            grades[i] = Some(g);
            on_done();
        }
        Ok(true)
    });
    let info = grader.info();
    grades.into_iter().map(|g| g.unwrap_or_else(|| Grade::pending(info.clone(), "not graded"))).collect()
}

/// Builds the summary from samples, what each was graded against, and their grades (same order).
pub fn summarize(samples: &[Sample], keyed: &[(Question, String)], grades: &[Grade], grader: GraderInfo) -> Summary {
    let items: Vec<ItemResult> = samples
        .iter()
        .zip(grades)
        .zip(keyed)
        .map(|((s, g), k)| ItemResult {
            id: s.id.clone(),
            expert_score: s.expert_score,
            score: if g.status == GradeStatus::Graded { g.score } else { None },
            status: format!("{:?}", g.status).to_lowercase(),
            answer_key: k.1.clone(),
            label: s.label.clone(),
            adversarial: s.adversarial.clone(),
            split: s.split.clone(),
            flags: g.flags.clone(),
            points: g.points.clone(),
            misconceptions: g.misconceptions.clone(),
            reason: g.reason.clone(),
            answer: s.answer.clone(),
            rationale: s.rationale.clone(),
        })
        .collect();
    let whole = split_summary(&items.iter().collect::<Vec<_>>());
    let mut by_split = BTreeMap::new();
    let names: std::collections::BTreeSet<&String> = items.iter().filter_map(|i| i.split.as_ref()).collect();
    for name in names {
        let part: Vec<&ItemResult> = items.iter().filter(|i| i.split.as_ref() == Some(name)).collect();
        by_split.insert(name.clone(), split_summary(&part));
    }
    Summary {
        agreement: whole.agreement,
        separation: whole.separation,
        failed: items.iter().filter(|i| i.score.is_none()).count(),
        by_label: whole.by_label,
        by_adversarial: whole.by_adversarial,
        by_split,
        grader,
        items,
    }
}

fn split_summary(items: &[&ItemResult]) -> SplitSummary {
    let pairs: Vec<(f64, f64)> = items.iter().filter_map(|i| Some((i.expert_score, i.score?))).collect();
    let mut agreement = stats::agreement(&pairs);
    for v in [
        &mut agreement.spearman, &mut agreement.pearson, &mut agreement.mae, &mut agreement.bias,
        &mut agreement.within_1, &mut agreement.within_2,
    ] {
        *v = v.map(round3);
    }
    let group_by = |key: &dyn Fn(&ItemResult) -> Option<String>| {
        let mut groups: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for i in items {
            if let (Some(k), Some(score)) = (key(i), i.score) {
                groups.entry(k).or_default().push((i.expert_score, score));
            }
        }
        groups.into_iter().map(|(k, pairs)| (k, group(&pairs))).collect::<BTreeMap<_, _>>()
    };
    let scores_of = |labels: &[&str], inside: bool| -> Vec<f64> {
        items
            .iter()
            .filter(|i| i.label.as_deref().is_some_and(|l| labels.contains(&l)) == inside)
            .filter_map(|i| i.score)
            .collect()
    };
    let correct = scores_of(CORRECT_LABELS, true);
    let separation = Separation {
        auc_correct_vs_rest: stats::auc(&correct, &scores_of(CORRECT_LABELS, false)).map(round3),
        auc_correct_vs_contradictory: stats::auc(&correct, &scores_of(CONTRADICTORY_LABELS, true)).map(round3),
    };
    SplitSummary {
        agreement,
        separation,
        by_label: group_by(&|i| i.label.clone()),
        by_adversarial: group_by(&|i| i.adversarial.clone()),
    }
}

fn group(pairs: &[(f64, f64)]) -> Group {
    let n = pairs.len();
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| round3(pairs.iter().map(f).sum::<f64>() / n.max(1) as f64);
    Group {
        n,
        mean_expert: mean(&|p| p.0),
        mean_score: mean(&|p| p.1),
        mae: mean(&|p| (p.1 - p.0).abs()),
        inflated: pairs.iter().filter(|(e, s)| s - e > INFLATION_MARGIN + 1e-9).count(),
        max_score: pairs.iter().map(|p| p.1).fold(0.0, f64::max),
    }
}

#[cfg(test)]
mod tests;
