//! Grading: the [`Grader`] trait and the grade model written into transcripts.
//!
//! Two implementations: [`offline::OfflineGrader`] (the default, key points of the reference
//! answer, deterministic, no network) and, later, an LLM grader behind an OpenAI-compatible
//! endpoint. A grader never loses an answer: when it cannot grade it returns a `pending` or
//! `failed` grade with the reason instead of an error, and an answer it cannot judge (another
//! language, no answer key) gets an `ungraded` grade with the reason, never a confident score.
//!
//! Every grader works the same way: it decides a [`verdict`] per key point (covered, partial,
//! missed, contradicted, with the quote) and lists the misconceptions it found; the score is then
//! computed from those verdicts by the one function in [`score`].

pub mod followup;
pub mod llm;
pub mod normalize;
pub mod offline;
pub mod pending;
pub mod prompt;
pub mod score;
pub mod service;
pub mod tokens;
pub mod verdict;

use serde::{Deserialize, Serialize};

use crate::bank::Question;
pub use verdict::{MisconceptionFound, PointStatus, PointVerdict};

/// The flag of a pending grade whose request the endpoint refused outright (401/403, an
/// unknown model): every further request would fail alike until the configuration changes.
pub const REFUSED: &str = "endpoint-refused";

/// Whether a grade is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GradeStatus {
    Graded,
    Pending,
    Failed,
    /// The grader cannot judge this answer (another language, no answer key): `reason` says why,
    /// and no score is given rather than a confident wrong one.
    Ungraded,
}

/// One rubric criterion's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    /// e.g. `coverage`, `depth`, `clarity`.
    pub id: String,
    pub score: f64,
    pub max: f64,
    pub feedback: String,
}

/// A key point the answer covered, with the phrase of the answer that earned it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Covered {
    pub point: String,
    pub evidence: String,
}

/// Which grader produced a grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraderInfo {
    /// `offline` or `llm`.
    pub kind: String,
    #[serde(default)]
    pub model: Option<String>,
    /// Version of the grading method (offline algorithm version, or prompt+rubric hash).
    pub version: String,
}

/// The grade of one answer, as recorded in the transcript.
///
/// Transcripts written before per-point verdicts (`covered` and `missed` lists) still read: see
/// [`verdict::GradeIn`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "verdict::GradeIn")]
pub struct Grade {
    pub status: GradeStatus,
    /// 0–10; `None` unless graded.
    pub score: Option<f64>,
    pub criteria: Vec<CriterionScore>,
    /// One verdict per key point, in the answer key's order.
    pub points: Vec<PointVerdict>,
    /// The entry's misconceptions found in the answer, each with its quote.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misconceptions: Vec<MisconceptionFound>,
    pub feedback: String,
    /// Marks such as `empty`, `dont-know`, `keyword-stuffing`, `copied-reference`, `injection`.
    pub flags: Vec<String>,
    /// Why a grade is pending, failed or ungraded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub grader: GraderInfo,
    /// How an LLM grade was obtained (absent for offline grades).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Where an LLM grade came from: enough to audit and compare it, never the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub endpoint: String,
    pub model: String,
    pub prompt_hash: String,
    pub rubric_hash: String,
    pub temperature: f32,
    /// `json_schema`, `json_object`, `prompted`, or `pre-check` (graded without a call).
    pub level: String,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub latency_ms: u64,
    pub attempts: u32,
    /// Whether the token figures were counted by viva (the endpoint gave none).
    #[serde(default)]
    pub tokens_counted: bool,
    /// Estimated cost in USD, from the config's price table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// The answer was cut to fit the model's context window (tokens kept of tokens given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<(usize, usize)>,
    /// Evidence quotes the model gave that are not in the answer (dropped).
    pub unverified_evidence: usize,
    /// Verdicts lowered because their quote does not state the point (see
    /// [`llm::checklist`]); each says why in its `note`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unsupported_quotes: usize,
    pub raw_reply: String,
    /// How far the model's per-point verdicts agree with the offline grader's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<llm::checklist::Agreement>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Grade {
    /// A grade that is still to come, e.g. while grading runs in the background.
    pub fn pending(grader: GraderInfo, reason: impl Into<String>) -> Grade {
        Grade {
            status: GradeStatus::Pending,
            score: None,
            criteria: Vec::new(),
            points: Vec::new(),
            misconceptions: Vec::new(),
            feedback: String::new(),
            flags: Vec::new(),
            reason: Some(reason.into()),
            grader,
            provenance: None,
        }
    }

    /// A grade the grader cannot give (another language, no answer key), with the reason.
    pub fn ungraded(grader: GraderInfo, reason: impl Into<String>) -> Grade {
        Grade { status: GradeStatus::Ungraded, ..Grade::pending(grader, reason) }
    }

    /// The key points covered, each with the quote that earned it.
    pub fn covered(&self) -> impl Iterator<Item = &PointVerdict> {
        self.points.iter().filter(|p| p.status == PointStatus::Covered)
    }

    /// The key points not (fully) covered: partial, missed or contradicted, in the key's order.
    /// These are what follow-ups, hints and `/improve` work on.
    pub fn missed(&self) -> Vec<String> {
        self.points.iter().filter(|p| p.status != PointStatus::Covered).map(|p| p.point.clone()).collect()
    }
}

/// A grader's request as a future, run by the [`service`] on its runtime.
pub type Task<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Where pieces of feedback go as they arrive.
pub type OnFeedback<'a> = &'a mut (dyn FnMut(&str) + Send);

/// Scores an answer against a bank question's reference and key points.
///
/// Each request has a synchronous form (for commands) and a future (`*_task`, for the
/// [`service`], which runs it with a deadline and can cancel it). A grader that does no I/O
/// implements the synchronous forms only; one that does (the LLM grader) implements the futures
/// and answers the synchronous forms through [`service::block_on`].
pub trait Grader: Send + Sync {
    /// Who this grader is, recorded with every grade.
    fn info(&self) -> GraderInfo;
    /// Grades `answer` to `question`. Never panics; returns a pending/failed grade with a
    /// reason when it cannot grade.
    fn grade(&self, question: &Question, answer: &str) -> Grade;

    /// Grades like [`Grader::grade`], handing over pieces of feedback as they arrive (the LLM
    /// grader streams; others hand over nothing).
    fn grade_live(&self, question: &Question, answer: &str, _on_feedback: &mut dyn FnMut(&str)) -> Grade {
        self.grade(question, answer)
    }

    /// A minimal edit of `answer` that would cover `missed`, when this grader can write one
    /// (the LLM grader); `None` means "show the missed points as additions".
    fn improve(&self, _question: &Question, _answer: &str, _missed: &[String]) -> Option<String> {
        None
    }

    /// Re-checks one key point against the answer alone, for an appeal; `Some` when the answer
    /// does cover it after all.
    fn recheck(&self, _question: &Question, _answer: &str, _point: &str) -> Option<Covered> {
        None
    }

    /// A follow-up question probing one of `missed` (graded as the returned question, whose
    /// key points are the probed ones). `None` when there is nothing to probe.
    fn followup(&self, parent: &Question, answer: &str, missed: &[String], number: usize) -> Option<Question> {
        followup::offline(parent, missed, answer, number)
    }

    /// The longest one request may take before the service gives up on it.
    fn deadline(&self) -> std::time::Duration {
        std::time::Duration::from_secs(30)
    }

    /// [`Grader::grade`] (or [`Grader::grade_live`] with `on_feedback`) as a future.
    fn grade_task<'a>(
        &'a self,
        question: &'a Question,
        answer: &'a str,
        on_feedback: Option<OnFeedback<'a>>,
    ) -> Task<'a, Grade> {
        Box::pin(async move {
            match on_feedback {
                Some(f) => self.grade_live(question, answer, f),
                None => self.grade(question, answer),
            }
        })
    }

    /// [`Grader::followup`] as a future.
    fn followup_task<'a>(
        &'a self,
        parent: &'a Question,
        answer: &'a str,
        missed: &'a [String],
        number: usize,
    ) -> Task<'a, Option<Question>> {
        Box::pin(async move { self.followup(parent, answer, missed, number) })
    }

    /// [`Grader::improve`] as a future.
    fn improve_task<'a>(
        &'a self,
        question: &'a Question,
        answer: &'a str,
        missed: &'a [String],
    ) -> Task<'a, Option<String>> {
        Box::pin(async move { self.improve(question, answer, missed) })
    }

    /// [`Grader::recheck`] as a future.
    fn recheck_task<'a>(
        &'a self,
        question: &'a Question,
        answer: &'a str,
        point: &'a str,
    ) -> Task<'a, Option<Covered>> {
        Box::pin(async move { self.recheck(question, answer, point) })
    }
}
