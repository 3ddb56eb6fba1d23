//! Transcripts: the record of one session, schema-versioned JSON, one file per session.
//!
//! Invariant: an answer is on disk (see [`store`]) before it is graded or anything else can
//! fail. Grades are filled in later; a `pending` grade is completed by `viva resume`.

pub mod html;
pub mod ids;
pub mod lock;
mod merge;
pub mod render;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bank::{Difficulty, Question};
use crate::grader::Grade;

pub use ids::new_id;
pub use store::{Store, TranscriptError};

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Bumped whenever the layout changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

/// The settings a session ran with, recorded so it can be resumed and compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSettings {
    pub count: usize,
    #[serde(default)]
    pub topics: Vec<String>,
    pub difficulty: Option<Difficulty>,
    /// Seconds per question, by question id order of `plan`; `None` when untimed.
    pub per_question_seconds: Option<Vec<u64>>,
    pub total_seconds: Option<u64>,
    pub hard_stop: bool,
    pub seed: u64,
    pub grader: String,
    /// Follow-ups the interviewer may ask after each main answer.
    #[serde(default)]
    pub followups: usize,
}

/// One answered (or skipped, or timed-out) question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub question_id: String,
    pub question: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub answer: String,
    pub started_at: DateTime<Utc>,
    pub answered_at: DateTime<Utc>,
    pub seconds: f64,
    pub timed_out: bool,
    pub skipped: bool,
    /// Saved from the draft when the session was ended by SIGHUP (the terminal closed) or
    /// SIGTERM, not submitted by the candidate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Hints taken before answering (practice `/hint`); each lowers the best score reachable.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints: usize,
    /// The candidate's own rating beside the grader's (`/rate again|hard|good|easy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_rating: Option<String>,
    pub grade: Grade,
    /// The other grades of this answer, in the order they were made: grades later ones
    /// replaced, and attempts that failed and so replaced nothing (`viva regrade` never
    /// overwrites; see [`Item::record_grade`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Grade>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followups: Vec<Item>,
    /// Appeals against the grade ("I did cover X") and their outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appeals: Vec<Appeal>,
    /// Later attempts at the same question (practice `/retry`), each with its own grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retries: Vec<Item>,
}

impl Item {
    pub fn new(q: &Question, answer: String, grade: Grade) -> Item {
        let now = Utc::now();
        Item {
            question_id: q.id.clone(),
            question: q.question.clone(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            answer,
            started_at: now,
            answered_at: now,
            seconds: 0.0,
            timed_out: false,
            skipped: false,
            interrupted: false,
            hints: 0,
            self_rating: None,
            grade,
            history: Vec::new(),
            followups: Vec::new(),
            retries: Vec::new(),
            appeals: Vec::new(),
        }
    }
}

impl Item {
    /// The attempt that counts: the best-graded of the answer and its retries (practice
    /// `/retry`); the first attempt when no retry scored higher.
    pub fn best(&self) -> &Item {
        self.retries.iter().fold(self, |best, retry| match (retry.grade.score, best.grade.score) {
            (Some(r), Some(b)) if r > b => retry,
            (Some(_), None) => retry,
            _ => best,
        })
    }

    /// The score that counts (see [`Item::best`]).
    pub fn score(&self) -> Option<f64> {
        self.best().grade.score
    }

    /// Whether a retry, not the first answer, is the attempt that counts.
    pub fn improved_by_retry(&self) -> bool {
        !std::ptr::eq(self.best(), self)
    }

    /// Every attempt under this item with its name: `answer`, `retry 1`, …, `follow-up 1`,
    /// `follow-up 1 retry 1`, … in the order they were made.
    pub fn attempts(&self) -> Vec<(String, &Item)> {
        fn with_retries<'a>(out: &mut Vec<(String, &'a Item)>, name: String, item: &'a Item) {
            let prefix = if name == "answer" { String::new() } else { format!("{name} ") };
            out.push((name, item));
            for (k, r) in item.retries.iter().enumerate() {
                out.push((format!("{prefix}retry {}", k + 1), r));
            }
        }
        let mut out = Vec::new();
        with_retries(&mut out, "answer".into(), self);
        for (k, f) in self.followups.iter().enumerate() {
            with_retries(&mut out, format!("follow-up {}", k + 1), f);
        }
        out
    }

    /// Records a new grade of this answer. A verdict (graded, or ungraded: the grader cannot
    /// judge it) becomes the current grade and the current one moves to `history`; an attempt
    /// that did not come to one (pending, failed) goes to `history` only, so a fault never
    /// hides a score.
    pub fn record_grade(&mut self, grade: Grade) {
        use crate::grader::GradeStatus;
        if matches!(grade.status, GradeStatus::Pending | GradeStatus::Failed) {
            self.history.push(grade);
        } else {
            let old = std::mem::replace(&mut self.grade, grade);
            self.history.push(old);
        }
    }
}

/// An appeal: the key point the candidate says they covered, and whether the answer bears it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appeal {
    pub point: String,
    pub argument: String,
    pub upheld: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub schema_version: u32,
    pub id: String,
    /// `interview` (later also `practice`).
    pub mode: String,
    pub started_at: DateTime<Utc>,
    /// `None` until the session finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it ended: `completed`, `quit`, `input-closed`, `total-time-up`.
    #[serde(default)]
    pub finish_reason: Option<String>,
    pub settings: SessionSettings,
    /// The question ids drawn, in order; items follow this order.
    pub plan: Vec<String>,
    pub items: Vec<Item>,
    /// Seconds already spent on the question being asked when the session stopped, so that
    /// `viva resume` gives back only what was left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_progress: Option<InProgress>,
}

/// The unanswered question a session stopped on, and the time spent on it (pauses excluded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InProgress {
    pub question_id: String,
    pub seconds: f64,
}

impl Transcript {
    pub fn new(id: String, mode: &str, settings: SessionSettings, plan: Vec<String>) -> Transcript {
        Transcript {
            schema_version: SCHEMA_VERSION,
            id,
            mode: mode.to_string(),
            started_at: Utc::now(),
            finished_at: None,
            finish_reason: None,
            settings,
            plan,
            items: Vec::new(),
            in_progress: None,
        }
    }

    /// Mean score over graded items (each its best attempt, see [`Item::best`]); skipped and
    /// timed-out-empty answers are graded 0.
    pub fn score(&self) -> Option<f64> {
        let scores: Vec<f64> = self.items.iter().filter_map(Item::score).collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    }

    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }
}

/// Settings for tests in other modules: untimed, one seed, the given grader.
#[cfg(test)]
pub(crate) fn sample_settings(count: usize, grader: &str) -> SessionSettings {
    SessionSettings {
        count,
        topics: vec![],
        difficulty: None,
        per_question_seconds: None,
        total_seconds: None,
        hard_stop: true,
        seed: 1,
        grader: grader.into(),
        followups: 0,
    }
}

/// A finished session for tests in other modules: question 1 answered badly (with criteria,
/// covered and missed points and a flag), retried better, and followed up; question 2 skipped.
#[cfg(test)]
pub(crate) fn sample_with_attempts() -> Transcript {
    use crate::grader::{CriterionScore, GradeStatus, GraderInfo, PointStatus, PointVerdict};
    let info = GraderInfo { kind: "offline".into(), model: None, version: "offline-1".into() };
    let graded = |score: f64, feedback: &str| Grade {
        status: GradeStatus::Graded,
        score: Some(score),
        criteria: vec![
            CriterionScore { id: "coverage".into(), score: (score * 0.6).round(), max: 6.0, feedback: feedback.into() },
            CriterionScore { id: "clarity".into(), score: 1.0, max: 2.0, feedback: "Short | terse.".into() },
        ],
        points: vec![],
        misconceptions: vec![],
        feedback: feedback.into(),
        flags: vec![],
        reason: None,
        grader: info.clone(),
        provenance: None,
    };
    let gil = crate::bank::sample_question("concurrency/gil", "What is the GIL, and when is it released?");
    let mut first = Item::new(&gil, "A lock. <b>not bold</b>".into(), graded(0.5, "Say what it protects."));
    first.grade.flags.push("keyword-stuffing".into());
    first.grade.points = vec![PointVerdict::new("released during blocking I/O", PointStatus::Missed, None)];
    first.seconds = 42.0;
    let mut retry =
        Item::new(&gil, "A mutex around bytecode, released during blocking I/O.".into(), graded(6.5, "Better."));
    retry.grade.points = vec![PointVerdict::new(
        "released during blocking I/O",
        PointStatus::Covered,
        Some("released during blocking I/O".into()),
    )];
    first.retries.push(retry);
    let mut follow = Item::new(&gil, "C extensions such as NumPy drop it.".into(), graded(3.0, "Name one."));
    follow.question = "Where does “extensions” come into it?".into();
    follow.timed_out = true;
    first.followups.push(follow);
    let orm = crate::bank::sample_question("django/orm", "select_related or prefetch_related?");
    let mut skipped = Item::new(&orm, String::new(), graded(0.0, ""));
    skipped.skipped = true;
    let mut t = Transcript::new(
        "20261123-101500-1a2b".into(),
        "practice",
        sample_settings(2, "offline"),
        vec![gil.id.clone(), orm.id.clone()],
    );
    t.items = vec![first, skipped];
    t.finished_at = Some(t.started_at);
    t
}
