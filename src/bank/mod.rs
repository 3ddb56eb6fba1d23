//! The question bank: the model of a bank entry, the taxonomy of topics and difficulties,
//! the importers that turn interview documents into raw questions, and the on-disk format.
//!
//! Invariants: every [`Question`] in a loaded [`Bank`] has a unique id, a known topic and a
//! difficulty; nothing in here prints or reads the terminal.

pub mod assemble;
pub mod claim;
pub mod classify;
pub mod dedupe;
pub mod distil;
pub mod draw;
pub mod import;
pub mod keycheck;
pub mod lint;
pub mod repair;
pub mod search;
pub mod store;

use serde::{Deserialize, Serialize};

pub use claim::Claim;

/// How hard a question is, as the source marked it or as estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Difficulty> {
        match s.trim().to_ascii_lowercase().as_str() {
            "easy" | "beginner" | "basic" | "junior" => Some(Difficulty::Easy),
            "medium" | "intermediate" | "mid" => Some(Difficulty::Medium),
            "hard" | "advanced" | "expert" | "senior" => Some(Difficulty::Hard),
            _ => None,
        }
    }
}

impl std::fmt::Display for Difficulty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One topic of the taxonomy: a stable slug (used in file names and `--topic`) and a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic {
    pub slug: &'static str,
    pub title: &'static str,
}

/// The documented taxonomy (see `question_bank/README.md`). Order is the display order.
pub const TOPICS: &[Topic] = &[
    Topic { slug: "core-python", title: "Core Python" },
    Topic { slug: "internals", title: "Internals & memory" },
    Topic { slug: "concurrency", title: "Concurrency & asyncio" },
    Topic { slug: "typing", title: "Typing" },
    Topic { slug: "fastapi", title: "FastAPI" },
    Topic { slug: "django", title: "Django" },
    Topic { slug: "databases", title: "Databases & ORM" },
    Topic { slug: "testing", title: "Testing" },
    Topic { slug: "performance", title: "Performance" },
    Topic { slug: "design", title: "Design patterns & architecture" },
    Topic { slug: "algorithms", title: "Algorithms & data structures" },
    Topic { slug: "system-design", title: "System design & deployment" },
    Topic { slug: "web", title: "Web, APIs & security" },
    Topic { slug: "ai-ml", title: "AI/ML" },
    Topic { slug: "tooling", title: "Packaging & tooling" },
];

/// Looks a topic up by slug or title, case-insensitively.
pub fn topic(name: &str) -> Option<&'static Topic> {
    let name = name.trim();
    TOPICS.iter().find(|t| t.slug.eq_ignore_ascii_case(name) || t.title.eq_ignore_ascii_case(name))
}

/// Where a question came from: the source file's name and the 1-based line of the question.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Whether a difficulty was marked in the source or estimated by viva.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DifficultyOrigin {
    Marked,
    #[default]
    Estimated,
}

/// Another wording of the same question found in the sources (a member of a duplicate group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub question: String,
    pub source: Source,
}

/// One bank entry: a question (possibly asked several times across the sources), its
/// reference answer and the key points a good answer covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id, `topic/slug`, e.g. `concurrency/gil`.
    pub id: String,
    pub topic: String,
    pub difficulty: Difficulty,
    #[serde(default)]
    pub difficulty_origin: DifficultyOrigin,
    /// How sure the classifier was of `topic` (0–1); absent when a person chose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_confidence: Option<f64>,
    pub question: String,
    /// Code the question refers to ("What is the output?").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The reference answer, Markdown (paragraphs, bullets, fenced code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The source's own text, kept when a review rewrote `answer` because it did not answer the
    /// question (its location is `source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_answer: Option<String>,
    /// The claims an interviewer checks, most important first (the answer key).
    #[serde(default)]
    pub key_points: Vec<Claim>,
    /// Wrong claims candidates commonly make about this question, each phrased as the wrong claim.
    #[serde(default)]
    pub misconceptions: Vec<Claim>,
    /// Whether a person read the entry and wrote its answer key (never set by a machine).
    #[serde(default)]
    pub reviewed: bool,
    /// Ids this entry had before entries were merged into it; transcripts that name them still
    /// find it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub source: Source,
    /// Other wordings of this question (same duplicate group), with their sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
}

impl Question {
    /// The key points' texts, most important first.
    pub fn point_texts(&self) -> Vec<String> {
        claim::texts(&self.key_points)
    }

    pub fn topic_title(&self) -> &str {
        topic(&self.topic).map(|t| t.title).unwrap_or(&self.topic)
    }
}

/// A minimal question for tests in other modules.
#[cfg(test)]
pub(crate) fn sample_question(id: &str, question: &str) -> Question {
    Question {
        id: id.into(),
        topic: id.split('/').next().unwrap_or("core-python").into(),
        difficulty: Difficulty::Medium,
        difficulty_origin: DifficultyOrigin::Estimated,
        topic_confidence: None,
        question: question.into(),
        code: None,
        answer: None,
        source_answer: None,
        key_points: vec![],
        misconceptions: vec![],
        reviewed: false,
        former_ids: vec![],
        section: None,
        source: Source { file: "test.md".into(), line: 1 },
        variants: vec![],
    }
}
